/// The gate-cost primitives of van Baalen et al. 2023, Appendix B, in equivalent 2-input gates:
/// a cell with fan-in F costs F − 1 (C = Σ (F_in − 1)), so an inverter is free and a NAND2 costs 1.
///
/// Every primitive below is the paper's row evaluated with the unit costs of its first rows, except
/// `leadingZeroCounter`, which Appendix B does not have (Specs/hardware.md §2.3).
public enum GateCost {
    /// [N]AND2 / [N]OR2.
    public static let and2 = 1
    public static let or2 = 1
    /// AO[I]21 / OA[I]21.
    public static let aoi21 = 2
    /// MUX2, X[N]OR2 and the half adder cost the same.
    public static let mux2 = 3
    public static let xor2 = 3
    public static let halfAdder = 3
    /// FA = 2·HA + OR2 = 7.
    public static let fullAdder = 2 * halfAdder + or2
    /// A non-scan flip-flop = 2·MUX2 = 6.
    public static let flipFlop = 2 * mux2

    /// ⌈log2 x⌉ for x ≥ 1 (0 for x = 1).
    public static func ceilLog2(_ x: Int) -> Int {
        precondition(x >= 1, "ceilLog2 of \(x)")
        var bits = 0
        while (1 << bits) < x { bits += 1 }
        return bits
    }

    /// N-bit register: N flip-flops.
    public static func register(_ n: Int) -> Int { max(0, n) * flipFlop }
    /// N-bit add: (N − 1)·FA + HA = 7N − 4 (no carry-in).
    public static func adder(_ n: Int) -> Int { n <= 0 ? 0 : (n - 1) * fullAdder + halfAdder }
    /// N-bit increment: N·HA = 3N.
    public static func incrementer(_ n: Int) -> Int { max(0, n) * halfAdder }
    /// Partial-product bits of an a×b multiplier: a·b AND2 (the paper's N×N row: N²).
    public static func partialProducts(_ a: Int, _ b: Int) -> Int { a * b * and2 }
    /// Partial-product reduction of an a×b array multiplier: (r − 1) rows of (c − 1) FA and one HA
    /// each, r = min(a, b) partial products of c = max(a, b) bits. For a = b = N this is the
    /// paper's (N − 1)²·FA + (N − 1)·HA.
    public static func partialProductReduction(_ a: Int, _ b: Int) -> Int {
        let rows = min(a, b) - 1, cells = max(a, b) - 1
        guard rows > 0 else { return 0 }
        return rows * cells * fullAdder + rows * halfAdder
    }
    /// N-bit « [0, k]: N·⌈log2(k+1)⌉·MUX2 − k·(MUX2 − AND2) (constant-zero inputs become AND2).
    public static func shiftLeft(_ n: Int, range k: Int) -> Int {
        k <= 0 ? 0 : n * ceilLog2(k + 1) * mux2 - k * (mux2 - and2)
    }
    /// N-bit » [0, k] signed: (N − 1)·⌈log2(k+1)⌉·MUX2 (the sign bit needs no multiplexer).
    public static func shiftRightSigned(_ n: Int, range k: Int) -> Int {
        k <= 0 ? 0 : (n - 1) * ceilLog2(k + 1) * mux2
    }
    /// N-bit « [0, k] widen (output N + k bits): (N − 2)·⌈log2(k+1)⌉·MUX2 + k·(MUX2 + AND2).
    public static func shiftLeftWiden(_ n: Int, range k: Int) -> Int {
        k <= 0 ? 0 : (n - 2) * ceilLog2(k + 1) * mux2 + k * (mux2 + and2)
    }

    /// Leading-zero counter over N bits — Octet's choice, since Appendix B has no LZD row: the
    /// recursive counter of Oklobdzija (IEEE TVLSI 1994) built from Appendix B cells. An N-bit
    /// counter splits into a high part of h = 2^(⌈log2 N⌉−1) bits and a low part of N − h bits;
    /// the merge costs one AND2 (both parts zero) and log2(h) MUX2 (the low count bits, selected
    /// by "high part is zero", which is also the new top count bit, for free). One bit costs 0:
    /// its zero flag is an inverter. Values: 2 → 1, 4 → 6, 8 → 19, 15 → 47, 16 → 48, 28 → 96.
    public static func leadingZeroCounter(_ n: Int) -> Int {
        guard n > 1 else { return 0 }
        let high = 1 << (ceilLog2(n) - 1)
        return leadingZeroCounter(high) + leadingZeroCounter(n - high) + and2 + ceilLog2(high) * mux2
    }
}
