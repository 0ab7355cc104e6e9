import Octet
import OctetExact
import Testing

/// Block-scaled dots under kulisch, truncated and initial-C models (Specs/accumulation.md,
/// "Block-scaled dots"). Expected values come from the element-format `Dot.compute` (tested
/// against an Int128 re-implementation elsewhere) scaled by the blocks' powers of two, and from
/// sums worked by hand.
@Suite("Block-scaled dots: every accumulator model")
struct BlockAccumulationTests {
    static let b32 = try! FormatRegistry.named("binary32")
    static let b64 = try! FormatRegistry.named("binary64")
    static let e4m3 = try! FormatRegistry.named("float8_e4m3fn")

    static func value(_ e: Encoded, _ f: Format) -> Rational { f.value(ofCode: e.code).rational! }
    static func q(_ s: String) -> ExactValue { try! ValueParser.parse(s) }

    /// One MX block: the scales are powers of two, so every model's sum is the element-format
    /// dot of the codes times 2^(sx + sy) (no overflow or underflow in these ranges). Random
    /// vectors, every truncated preset, kulisch and float orders.
    @Test func oneMXBlockIsTheElementDotScaled() throws {
        let scheme = try BlockSchemes.named("mxfp8_e4m3")
        var rng = Octet.SplitMix64(seed: 7)
        let models = ["truncated:hopper-fp8", "truncated:blackwell-fp8", "truncated:volta-fp16", "truncated:g8n3",
                      "kulisch", "fp32:sequential", "fp32:pairwise", "bf16:sequential", "exact,c=0.75", "truncated:hopper-fp8,c=-3"]
        for trial in 0 ..< 60 {
            let n = 1 + Int(rng.next() % 32)
            func draw() -> [ExactValue] {
                (0 ..< n).map { _ in
                    let m = Int(rng.next() % 2000) - 1000, e = Int(rng.next() % 24) - 12
                    return ExactValue(Rational(m).timesPowerOfTwo(e - 4))
                }
            }
            let x = try scheme.quantize([draw()]), y = try scheme.quantize([draw()])
            let sx = x.scales[0][0] - 127, sy = y.scales[0][0] - 127
            for spelled in models {
                let model = try AccumulatorModel.parse(spelled)
                // The element-level model: C scaled down by the same power of two.
                var elementModel = model
                if case .initialized(let inner, let c) = model {
                    elementModel = .initialized(inner, ExactValue(c.rational!.timesPowerOfTwo(-(sx + sy))))
                }
                let got = try BlockArithmetic.dot(x, row: 0, y, row: 0, model: model, output: Self.b64)
                let want = try Dot.compute(x.codes[0], Self.e4m3, y.codes[0], Self.e4m3, model: elementModel, output: Self.b64)
                #expect(Self.value(got, Self.b64) == want.accumulated.dyadic!.rational * Rational.one.timesPowerOfTwo(sx + sy),
                        "trial \(trial) \(spelled): x \(x.codes[0]) y \(y.codes[0]) scales \(sx) \(sy)")
            }
        }
    }

    /// Two MX blocks at scales 1 and 2^-20 against a vector of ones: exact 32 + 32·2^-20.
    /// hopper-fp8 (groups of 32 = the blocks, 13 fraction bits): group 1 gives C = 32; in group 2
    /// emax is C's 5, the cut 2^-8, and every 2^-20 product truncates to 0 → 32. fp32:sequential
    /// adds 2^-20 (a quarter ulp of 32) 32 times → 32; fp32:pairwise sums the small ones first →
    /// 32 + 2^-15, exact. kulisch (derived) is exact; kulisch:64:-10 cannot hold 2^-20.
    @Test func smallBlockLostByTruncation() throws {
        let scheme = try BlockSchemes.named("mxfp8_e4m3")
        let x = Array(repeating: Self.q("1"), count: 32) + Array(repeating: Self.q("0x1p-20"), count: 32)
        let ones = Array(repeating: Self.q("1"), count: 64)
        let qx = try scheme.quantize([x]), qy = try scheme.quantize([ones])
        func dot(_ m: String) throws -> Rational {
            Self.value(try BlockArithmetic.dot(qx, row: 0, qy, row: 0, model: try AccumulatorModel.parse(m), output: Self.b32), Self.b32)
        }
        let exact = Rational(32) + Rational.one.timesPowerOfTwo(-15)
        #expect(try dot("exact") == exact)
        #expect(try dot("kulisch") == exact)
        #expect(try dot("truncated:hopper-fp8") == Rational(32))
        #expect(try dot("fp32:sequential") == Rational(32))
        #expect(try dot("fp32:pairwise") == exact)
        #expect(throws: BlockError.self) { try dot("kulisch:64:-10") }
        #expect(try dot("kulisch:64:-20") == exact)
        // 32 + 2^-15 is 2^25 + 2^5 units of 2^-20: 26 bits and a sign. 27 holds it, 26 overflows.
        #expect(try dot("kulisch:27:-20") == exact)
        #expect(throws: BlockError.self) { try dot("kulisch:26:-20") }
    }

    /// NVFP4 scales are not powers of two: the truncated model's exponent adds ⌊log2 S⌋ and the
    /// product keeps its significand. x = y = [6, 6] (one block, amax 6, tensor scale
    /// fl32(6/2688)): both terms are p = (6·S)^2, whose significand is wider than binary64's.
    /// exact and kulisch: fl64(2p). fp32:sequential: fl32(p) + fl32(p) = 2·fl32(p). hopper-fp8:
    /// both terms have exponent e(6) + e(6) + 2⌊log2 S⌋ = 4 + 2⌊log2 S⌋ = emax, each truncates to
    /// a multiple of 2^(emax − 13), and their sum truncates to e8m13's 14 significant bits.
    @Test func nvfp4TermsKeepTheirSignificand() throws {
        let scheme = try BlockSchemes.named("nvfp4")
        let t = try scheme.quantize([[Self.q("6"), Self.q("6")]])
        let x = t.value(row: 0, column: 0).rational!, p = x * x
        let S = t.factor(row: 0, column: 0).scale!
        #expect(x == Rational(6) * S && t.factor(row: 0, column: 0).exponent == 2)
        func dot(_ m: String, _ f: Format) throws -> Rational {
            Self.value(try BlockArithmetic.dot(t, row: 0, t, row: 0, model: try AccumulatorModel.parse(m), output: f), f)
        }
        func fl(_ r: Rational, _ f: Format, _ mode: RoundingMode = .rne) -> Rational {
            f.value(ofCode: try! f.encode(ExactValue(r), rounding: mode, overflow: .ovfinf).code).rational!
        }
        func truncate(_ r: Rational, _ e: Int) -> Rational {   // toward zero, to a multiple of 2^e (r > 0)
            let u = r.timesPowerOfTwo(-e)
            return Rational(u.floor).timesPowerOfTwo(e)
        }
        #expect(p.timesPowerOfTwo(-p.floorLog2).denominator.bitLength - 1 > 52)   // wider than binary64
        #expect(try dot("exact", Self.b64) == fl(Rational(2) * p, Self.b64))
        #expect(try dot("kulisch", Self.b64) == fl(Rational(2) * p, Self.b64))
        #expect(try dot("fp32:sequential", Self.b64) == Rational(2) * fl(p, Self.b32))
        let emax = 4 + 2 * S.floorLog2
        let sum = Rational(2) * truncate(p, emax - 13)
        #expect(try dot("truncated:hopper-fp8", Self.b64) == truncate(sum, sum.floorLog2 - 13))
    }

    /// The raw-value entry point (`dot([ExactValue], …)`) takes the same models now.
    @Test func rawValuesTakeEveryModel() throws {
        let x = [Self.q("1"), Self.q("0x1p-20")], y = [Self.q("1"), Self.q("1")]
        let t = try BlockArithmetic.dot(x, y, model: try AccumulatorModel.parse("truncated:g2n13"), output: Self.b32)
        #expect(Self.value(t, Self.b32) == .one)
        let k = try BlockArithmetic.dot(x, y, model: try AccumulatorModel.parse("kulisch"), output: Self.b32)
        #expect(Self.value(k, Self.b32) == .one + Rational.one.timesPowerOfTwo(-20))
    }
}
