// A second, independent implementation of `Specs/formats.md` §4, built only from the table of
// decoded values of a format (`Format.value(ofCode:)` and `Format.classifyCode`, which are tested
// separately) and the text of the specification. It deliberately shares no code with
// `Sources/Octet/Rounding/Encode.swift`: the rounding decision is made from the two neighbours
// found by binary search in the sorted table, not from exponent/significand arithmetic.

import Octet
import OctetExact

/// Why the table rounder refused an input (§4.1: NaN into a format without NaN).
enum TableRounderRefusal: Error, Equatable {
    case nanNotRepresentable
    case missingRandomBits
}

/// What `TableRounder.bracket` found for a positive magnitude `a`.
enum TableBracket: Equatable {
    /// `a` is exactly a grid value (never the virtual successor).
    case exact(Rational)
    /// `lo < a < hi`, with `ν = (a - lo) / (hi - lo)`. `hi` may be the virtual successor of max
    /// (or, for integers, any integer beyond the range). `loCodeIsEven` is the parity of the code
    /// of `lo` (zero counts as even).
    case between(lo: Rational, hi: Rational, nu: Rational, loCodeIsEven: Bool)
    /// Formats without zero: `0 < a <` the smallest value.
    case belowSmallest
    /// Floats: `a ≥` the virtual successor of max; every mode rounds beyond max.
    case beyondSuccessor
}

/// The independent reference rounder. Build once per format (it decodes every code).
struct TableRounder: Sendable {
    let format: Format
    let isInteger: Bool
    let isSigned: Bool

    /// Sorted non-negative finite magnitudes of the format (0 first where the format has zero),
    /// with the code of the non-negative value of that magnitude.
    let magnitudes: [Rational]
    let magnitudeCodes: [Int]
    /// The next value the grid would have above max (§2 formula applied to max's code + 1).
    /// For integers: max magnitude + 1.
    let successor: Rational
    /// Code of each non-zero finite value, by signed value.
    let codeOfValue: [Rational: Int]

    let maxValue: Rational          // largest finite value
    let maxCode: Int
    let negMaxCode: Int?            // code of -max (signed formats)
    let smallestValue: Rational     // lo of §2.1: 0, or the smallest positive value (no zero)
    let smallestCode: Int           // code of `smallestValue` (for unsigned formats: the bottom)
    let mostNegativeCode: Int       // integers: code of the minimum; floats: code of -max or lo
    let hasZero: Bool
    let posZeroCode: Int?
    let negZeroCode: Int?
    let posInfCode: Int?
    let negInfCode: Int?
    let posNaNCode: Int?
    let negNaNCode: Int?
    let minNormal: Rational?        // 2^emin, floats only
    let intMin: BigInt
    let intMax: BigInt

    init(_ format: Format) {
        self.format = format
        isInteger = format.integerLayout != nil
        isSigned = format.isSigned

        var finite: [(value: Rational, negativeZero: Bool, code: Int)] = []
        var posInf: Int? = nil, negInf: Int? = nil
        var nanCodes: [(code: Int, negative: Bool)] = []
        for code in format.codes {
            switch format.classifyCode(code) {
            case .nan:
                guard case .nan(let negative) = format.value(ofCode: code) else {
                    fatalError("\(format.name): classifyCode says NaN but value(ofCode:) disagrees for \(code)")
                }
                nanCodes.append((code, negative))
            case .infinity(let negative):
                if negative { negInf = code } else { posInf = code }
            case .finite:
                switch format.value(ofCode: code) {
                case .zero(let negative): finite.append((.zero, negative, code))
                case .number(let r): finite.append((r, false, code))
                default: fatalError("\(format.name): finite code \(code) decodes to a non-finite value")
                }
            }
        }
        posInfCode = posInf
        negInfCode = negInf

        var zeroPos: Int? = nil, zeroNeg: Int? = nil
        var byValue: [Rational: Int] = [:]
        var mags: [(Rational, Int)] = []
        for f in finite {
            if f.value.isZero {
                if f.negativeZero { zeroNeg = f.code } else { zeroPos = f.code }
                continue
            }
            precondition(byValue[f.value] == nil, "\(format.name): two codes decode to \(f.value)")
            byValue[f.value] = f.code
            if !f.value.isNegative { mags.append((f.value, f.code)) }
        }
        posZeroCode = zeroPos
        negZeroCode = zeroNeg
        hasZero = zeroPos != nil
        codeOfValue = byValue
        if let z = zeroPos { mags.append((.zero, z)) }
        mags.sort { $0.0 < $1.0 }
        magnitudes = mags.map(\.0)
        magnitudeCodes = mags.map(\.1)

        let top = mags.last!
        maxValue = top.0
        maxCode = top.1
        negMaxCode = byValue[-top.0]

        // §4.1: formats with NaNs of both signs keep the sign. `ieee`: the quiet NaN with only the
        // top mantissa bit set, i.e. the Inf code of that sign plus 2^(M-1); `fn`: the one NaN
        // of that sign. Formats with one NaN give it whatever the sign.
        let positiveNaNs = nanCodes.filter { !$0.negative }.map(\.code)
        let negativeNaNs = nanCodes.filter { $0.negative }.map(\.code)
        func pick(_ list: [Int], inf: Int?) -> Int? {
            if list.count <= 1 { return list.first }
            // Several NaNs of one sign: the IEEE pattern. Only the top mantissa bit set.
            guard let inf, let m = format.floatLayout?.mantissaBits, m >= 1 else {
                fatalError("\(format.name): several NaNs of one sign but no IEEE Inf")
            }
            let q = inf + (1 << (m - 1))
            precondition(list.contains(q), "\(format.name): expected quiet NaN \(q) among \(list)")
            return q
        }
        if !positiveNaNs.isEmpty && !negativeNaNs.isEmpty {
            posNaNCode = pick(positiveNaNs, inf: posInf)
            negNaNCode = pick(negativeNaNs, inf: negInf)
        } else {
            let single = nanCodes.map(\.code)
            precondition(single.count <= 1, "\(format.name): several NaN codes of one sign")
            posNaNCode = single.first
            negNaNCode = single.first
        }

        if let i = format.integerLayout {
            intMin = BigInt(i.minValue)
            intMax = BigInt(i.maxValue)
            let maxMag = max(-i.minValue, i.maxValue)
            successor = Rational(maxMag + 1)
            minNormal = nil
            smallestValue = Rational(i.minValue)
            smallestCode = byValue[Rational(i.minValue)] ?? zeroPos!
            mostNegativeCode = smallestCode
        } else if format.taperedLayout != nil {
            // Tapered formats: the successor and 2^emin are typed in from the definition, not read
            // from the layout. HiF8 (arXiv:2409.16626 §2): the Inf code 0x6F has exponent +15 and
            // mantissa 1, i.e. the grid's next value 1.5·2^15; the denormals end below 2^-15.
            precondition(format.name == "hifloat8", "\(format.name): no hand-typed tapered facts")
            intMin = BigInt(0)
            intMax = BigInt(0)
            successor = Rational(49152)
            minNormal = Rational(BigInt(1), timesTwoToThe: -15)
            smallestValue = .zero
            smallestCode = zeroPos!
            mostNegativeCode = negMaxCode!
        } else {
            let f = format.floatLayout!
            intMin = BigInt(0)
            intMax = BigInt(0)
            // §2: the value of (expField, mantissa) of magnitude code max+1, read as a plain number.
            // The magnitude code of +max is its code with the sign bit clear, which is the code
            // itself (sign bit is the top bit, and +max has it clear).
            let next = maxCode + 1
            let e = next >> f.mantissaBits
            let m = next & ((1 << f.mantissaBits) - 1)
            let two = { (k: Int) in Rational(BigInt(1), timesTwoToThe: k) }
            if f.subnormals && e == 0 {
                successor = two(1 - f.bias) * Rational(numerator: BigInt(m), denominator: BigInt(1) << f.mantissaBits)!
            } else {
                successor = two(e - f.bias) * (Rational.one + Rational(numerator: BigInt(m), denominator: BigInt(1) << f.mantissaBits)!)
            }
            minNormal = two(f.subnormals ? 1 - f.bias : -f.bias)
            if zeroPos != nil {
                smallestValue = .zero
                smallestCode = zeroPos!
            } else {
                smallestValue = magnitudes[0]
                smallestCode = magnitudeCodes[0]
            }
            mostNegativeCode = negMaxCode ?? smallestCode
        }
        precondition(successor > maxValue)
    }

    // MARK: Neighbours

    /// Where a positive magnitude falls in the (upward-unbounded) grid.
    func bracket(_ a: Rational) -> TableBracket {
        precondition(a.signum > 0)
        if isInteger {
            let t = a.floor
            let ti = Rational(t)
            if ti == a { return .exact(a) }
            return .between(lo: ti, hi: Rational(t + BigInt(1)), nu: a - ti, loCodeIsEven: !t.isOdd)
        }
        if a >= successor { return .beyondSuccessor }
        if a < magnitudes[0] { return .belowSmallest }  // no zero in the table
        // Largest index i with magnitudes[i] <= a.
        var lo = 0, hi = magnitudes.count  // invariant: magnitudes[lo] <= a, magnitudes[hi] > a (hi = count: successor)
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if magnitudes[mid] <= a { lo = mid } else { hi = mid }
        }
        let l = magnitudes[lo]
        if l == a { return .exact(a) }
        let h = hi < magnitudes.count ? magnitudes[hi] : successor
        let nu = (a - l).divided(by: h - l)!
        return .between(lo: l, hi: h, nu: nu, loCodeIsEven: magnitudeCodes[lo] & 1 == 0)
    }

    /// The §4.2 decision: does the magnitude go up to `hi`? (`0 < ν < 1`.)
    static func roundsUp(nu: Rational, loCodeIsEven: Bool, negative: Bool,
                         mode: RoundingMode, random: StochasticBits?) -> Bool {
        let half = Rational(numerator: BigInt(1), denominator: BigInt(2))!
        switch mode {
        case .rne: return nu > half || (nu == half && !loCodeIsEven)
        case .rna: return nu >= half
        case .rtz: return false
        case .rup: return !negative
        case .rdown: return negative
        case .rto: return loCodeIsEven
        case .sr:
            let r = random!
            let scaled = nu.timesPowerOfTwo(r.count).floor
            return scaled + BigInt(r.value) >= BigInt(1) << r.count
        }
    }

    /// Toward-zero modes for a value of this sign (§4.4).
    static func isTowardZero(_ mode: RoundingMode, negative: Bool) -> Bool {
        switch mode {
        case .rtz: return true
        case .rup: return negative
        case .rdown: return !negative
        default: return false
        }
    }

    // MARK: Encoding

    /// Everything about an input that does not depend on the mode or the policy: which of the
    /// cases of §4 applies, and for a value between two neighbours their codes (for both
    /// outcomes) and ν. Preparing once and finishing under many modes and policies keeps the
    /// exhaustive sweeps fast.
    struct Prepared {
        enum Kind {
            case nan(negative: Bool)
            case infinity(negative: Bool)
            case zero(negative: Bool)
            /// A non-zero finite value, with what rounding its magnitude can give.
            case number(negative: Bool, TableBracket)
        }
        let kind: Kind
        /// Signed results for `.exact` / `.between` (lo, hi): nil = beyond max; for integers
        /// the clamped value's code. `loIsZero` marks a lower neighbour of zero.
        var loCode: Int? = nil
        var hiCode: Int? = nil
        var loIsZero = false
        /// comparison of ν with ½ (-1, 0, 1) and floor(ν·2^N) for N = 0…6.
        var nuVsHalf = 0
        var nuFloors: [BigInt] = []
    }

    func prepare(_ x: ExactValue) -> Prepared {
        switch x {
        case .nan(let n): return Prepared(kind: .nan(negative: n))
        case .infinity(let n): return Prepared(kind: .infinity(negative: n))
        case .zero(let n): return Prepared(kind: .zero(negative: n))
        case .number(let r):
            let negative = r.isNegative
            var b = bracket(r.magnitude)
            if negative, case .belowSmallest = b {
                // §4.2's arithmetic (t = floor(a / 2^q) = 0 below the smallest value) puts zero
                // under the smallest value; §4.3 overrides it only for positive values. A negative
                // value may thus "round to zero", which for a format without zero is out of range
                // like zero (§4.5). Zero counts as even.
                let s = smallestValue
                b = .between(lo: .zero, hi: s, nu: r.magnitude.divided(by: s)!, loCodeIsEven: true)
            }
            var p = Prepared(kind: .number(negative: negative, b))
            func signedCode(_ m: Rational) -> Int? {
                if isInteger {
                    var v = m.floor
                    if negative { v = -v }
                    v = v < intMin ? intMin : (intMax < v ? intMax : v)
                    return v.isZero ? posZeroCode! : codeOfValue[Rational(v)]!
                }
                if m.isZero { return negative ? (negZeroCode ?? posZeroCode) : posZeroCode }
                if m > maxValue { return nil }
                if negative && !isSigned { return nil }
                return codeOfValue[negative ? -m : m]!
            }
            switch b {
            case .exact(let v):
                p.loCode = signedCode(v)
            case .between(let lo, let hi, let nu, _):
                p.loCode = signedCode(lo)
                p.hiCode = signedCode(hi)
                p.loIsZero = lo.isZero
                let twice = nu.timesPowerOfTwo(1)
                p.nuVsHalf = twice < .one ? -1 : (twice == .one ? 0 : 1)
                p.nuFloors = (0 ... 6).map { nu.timesPowerOfTwo($0).floor }
            default:
                break
            }
            return p
        }
    }

    func encode(_ x: ExactValue, rounding mode: RoundingMode, overflow policy: OverflowPolicy,
                random: StochasticBits? = nil) throws(TableRounderRefusal) -> Int {
        try encode(prepare(x), rounding: mode, overflow: policy, random: random)
    }

    /// The §4.2 decision from a prepared input: does the magnitude go up to `hi`? (`0 < ν < 1`.)
    private static func roundsUp(_ p: Prepared, nu: Rational, loCodeIsEven: Bool, negative: Bool,
                                 mode: RoundingMode, random: StochasticBits?) -> Bool {
        switch mode {
        case .rne: return p.nuVsHalf > 0 || (p.nuVsHalf == 0 && !loCodeIsEven)
        case .rna: return p.nuVsHalf >= 0
        case .sr:
            let r = random!
            let scaled = r.count < p.nuFloors.count ? p.nuFloors[r.count] : nu.timesPowerOfTwo(r.count).floor
            return scaled + BigInt(r.value) >= BigInt(1) << r.count
        default:
            return roundsUp(nu: nu, loCodeIsEven: loCodeIsEven, negative: negative, mode: mode, random: random)
        }
    }

    func encode(_ p: Prepared, rounding mode: RoundingMode, overflow policy: OverflowPolicy,
                random: StochasticBits? = nil) throws(TableRounderRefusal) -> Int {
        if mode == .sr && random == nil { throw .missingRandomBits }
        switch p.kind {
        case .nan(let negative):
            guard !isInteger, let c = negative ? negNaNCode : posNaNCode else { throw .nanNotRepresentable }
            return c
        case .infinity(let negative):
            if isInteger { return negative ? mostNegativeCode : maxCode }   // §4.6: saturate to the ends
            if negative && !isSigned { return bottom(policy: policy, mode: mode, kind: .negativeInfinity) }
            return infinityInput(negative: negative, policy: policy)
        case .zero(let negative):
            if isInteger { return posZeroCode! }
            guard hasZero else { return bottom(policy: policy, mode: mode, kind: .zero) }
            return negative ? (negZeroCode ?? posZeroCode!) : posZeroCode!
        case .number(let negative, let b):
            // The rounded magnitude: .some(code) within range, or a marker.
            enum Rounded { case code(Int?), zero, smallest, beyond }
            let rounded: Rounded
            switch b {
            case .exact: rounded = .code(p.loCode)
            case .beyondSuccessor: rounded = .beyond
            case .belowSmallest: rounded = .smallest
            case .between(_, _, let nu, let even):
                let up = Self.roundsUp(p, nu: nu, loCodeIsEven: even, negative: negative, mode: mode, random: random)
                if !up && p.loIsZero && !isInteger { rounded = .zero } else { rounded = .code(up ? p.hiCode : p.loCode) }
            }
            if isInteger {
                guard case .code(let c?) = rounded else { fatalError("integer rounding always gives a code") }
                return c
            }
            if negative && !isSigned {
                // §4.5: a negative value that rounds to zero gives +0 (without zero: out of range
                // like zero); otherwise it is out of range at the bottom.
                if case .zero = rounded {
                    return hasZero ? posZeroCode! : bottom(policy: policy, mode: mode, kind: .zero)
                }
                return bottom(policy: policy, mode: mode, kind: .negativeFinite)
            }
            switch rounded {
            case .zero:
                return negative ? (negZeroCode ?? posZeroCode!) : posZeroCode!
            case .smallest:
                return smallestCode   // §4.3: positive below the smallest value (no zero)
            case .code(let c?):
                return c
            case .code(nil), .beyond:
                return finiteOverflow(negative: negative, mode: mode, policy: policy)
            }
        }
    }

    private func maxCode(negative: Bool) -> Int { negative ? negMaxCode! : maxCode }
    private func infCode(negative: Bool) -> Int? { negative ? negInfCode : posInfCode }
    private func nanCode(negative: Bool) -> Int? { negative ? negNaNCode : posNaNCode }

    /// §4.4, finite overflow.
    private func finiteOverflow(negative: Bool, mode: RoundingMode, policy: OverflowPolicy) -> Int {
        let sat = maxCode(negative: negative)
        switch policy {
        case .saturate, .propagate:
            return sat
        case .nonsaturate, .ovfinf:
            if Self.isTowardZero(mode, negative: negative) { return sat }
            if mode == .rto {
                // Inf is the code after max; pick the odd one. No Inf: max.
                if let inf = infCode(negative: negative), inf & 1 == 1, sat & 1 == 0 { return inf }
                return sat
            }
            if let inf = infCode(negative: negative) { return inf }
            if policy == .nonsaturate, let nan = nanCode(negative: negative) { return nan }
            return sat
        }
    }

    /// §4.4, ±Inf inputs (signed formats, or +Inf into unsigned ones).
    private func infinityInput(negative: Bool, policy: OverflowPolicy) -> Int {
        let sat = maxCode(negative: negative)
        switch policy {
        case .saturate:
            return sat
        case .nonsaturate, .propagate:
            if let inf = infCode(negative: negative) { return inf }
            if let nan = nanCode(negative: negative) { return nan }
            return sat
        case .ovfinf:
            return infCode(negative: negative) ?? sat
        }
    }

    enum BottomKind { case negativeFinite, negativeInfinity, zero }

    /// §4.5: out of range at the bottom of an unsigned format / a format without zero.
    private func bottom(policy: OverflowPolicy, mode: RoundingMode, kind: BottomKind) -> Int {
        let lo = smallestCode
        let nanOrLo = posNaNCode ?? lo   // "Where the format has no NaN, NaN results become lo."
        switch (policy, kind) {
        case (.saturate, _): return lo
        case (.propagate, .negativeInfinity): return nanOrLo
        case (.propagate, _): return lo
        case (.nonsaturate, .negativeFinite), (.ovfinf, .negativeFinite):
            // Modes rounding negatives toward zero give lo instead of NaN.
            return Self.isTowardZero(mode, negative: true) ? lo : nanOrLo
        case (.nonsaturate, _), (.ovfinf, _):
            return nanOrLo
        }
    }

    // MARK: Helpers for tests

    /// The decoded value of a code as a comparable extended real (nil for NaN).
    func orderedValue(ofCode code: Int) -> ExtendedReal? {
        switch format.value(ofCode: code) {
        case .nan: return nil
        case .infinity(let n): return n ? .negativeInfinity : .positiveInfinity
        case .zero: return .finite(.zero)
        case .number(let r): return .finite(r)
        }
    }

    /// Whether a finite non-zero x lies strictly inside the finite range (so rounding cannot leave
    /// it): for signed formats `|x| < max`, for unsigned `0 < x < max`; for formats without zero
    /// also `x > ` the smallest value. Integers: `min < x < max`.
    func isStrictlyInRange(_ r: Rational) -> Bool {
        if isInteger { return Rational(intMin) < r && r < Rational(intMax) }
        if !isSigned && r.isNegative { return false }
        if !hasZero && r <= smallestValue { return false }
        return r.magnitude < maxValue
    }
}

/// An extended real for order checks.
enum ExtendedReal: Comparable, CustomStringConvertible {
    case negativeInfinity
    case finite(Rational)
    case positiveInfinity

    static func < (l: ExtendedReal, r: ExtendedReal) -> Bool {
        switch (l, r) {
        case (.negativeInfinity, .negativeInfinity), (.positiveInfinity, _): return false
        case (.negativeInfinity, _), (_, .positiveInfinity): return true
        case (_, .negativeInfinity): return false
        case (.finite(let a), .finite(let b)): return a < b
        }
    }
    var description: String {
        switch self {
        case .negativeInfinity: return "-inf"
        case .positiveInfinity: return "inf"
        case .finite(let r): return ExactValue(r).description
        }
    }
}

/// A rounding mode with its random bits: the 16 variants the tests sweep.
struct RoundingVariant: Sendable, CustomStringConvertible {
    let mode: RoundingMode
    let random: StochasticBits?

    var description: String {
        if let r = random { return "sr(N=\(r.count),R=\(r.value))" }
        return mode.rawValue
    }

    /// rne, rna, rtz, rup, rdown, rto, sr with N = 3 and R = 0…7, sr with N = 1 and R = 0, 1.
    static let all: [RoundingVariant] = {
        var list = RoundingMode.allCases.filter { $0 != .sr }.map { RoundingVariant(mode: $0, random: nil) }
        for r in 0 ..< 8 { list.append(RoundingVariant(mode: .sr, random: try! StochasticBits(count: 3, value: UInt64(r)))) }
        for r in 0 ..< 2 { list.append(RoundingVariant(mode: .sr, random: try! StochasticBits(count: 1, value: UInt64(r)))) }
        return list
    }()

    static let deterministic: [RoundingVariant] = all.filter { $0.random == nil }
}

/// The outcome of one encoding, comparable between the encoder and the table rounder.
enum CodeOutcome: Equatable, CustomStringConvertible {
    case code(Int)
    case refused
    case otherError(String)

    var description: String {
        switch self {
        case .code(let c): return "0x" + String(c, radix: 16, uppercase: true)
        case .refused: return "refused(NaN not representable)"
        case .otherError(let s): return "error(\(s))"
        }
    }

    static func encoder(_ f: Format, _ x: ExactValue, _ v: RoundingVariant, _ p: OverflowPolicy) -> CodeOutcome {
        encoderWithFlags(f, x, v, p).outcome
    }

    static func encoderWithFlags(_ f: Format, _ x: ExactValue, _ v: RoundingVariant,
                                 _ p: OverflowPolicy) -> (outcome: CodeOutcome, encoded: Encoded?) {
        do {
            let e = try f.encode(x, rounding: v.mode, overflow: p, random: v.random)
            return (.code(e.code), e)
        } catch {
            if case .nanNotRepresentable = error { return (.refused, nil) }
            return (.otherError(error.description), nil)
        }
    }

    static func table(_ t: TableRounder, _ x: ExactValue, _ v: RoundingVariant, _ p: OverflowPolicy) -> CodeOutcome {
        table(t, t.prepare(x), v, p)
    }

    static func table(_ t: TableRounder, _ x: TableRounder.Prepared, _ v: RoundingVariant, _ p: OverflowPolicy) -> CodeOutcome {
        do {
            return .code(try t.encode(x, rounding: v.mode, overflow: p, random: v.random))
        } catch {
            switch error {
            case .nanNotRepresentable: return .refused
            case .missingRandomBits: return .otherError("missing random bits")
            }
        }
    }
}

/// One shared table rounder per format (building one decodes every code).
enum TableRounders {
    static let byName: [String: TableRounder] = {
        var d: [String: TableRounder] = [:]
        for f in FormatRegistry.all { d[f.name] = TableRounder(f) }
        return d
    }()

    static func format(named name: String) -> Format {
        FormatRegistry.all.first { $0.name == name }!
    }
}

/// Small exact helpers.
enum ExactHelp {
    static func pow2(_ k: Int) -> Rational { Rational(BigInt(1), timesTwoToThe: k) }
    static func frac(_ n: Int, _ d: Int) -> Rational { Rational(numerator: BigInt(n), denominator: BigInt(d))! }
    /// One binary64 ulp at |x| (x ≠ 0): 2^(floor(log2 |x|) − 52).
    static func ulp64(_ x: Rational) -> Rational { pow2(x.floorLog2 - 52) }
}

