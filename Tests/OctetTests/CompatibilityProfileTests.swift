import Testing
import OctetExact
@testable import Octet

/// The compatibility profiles against what their ecosystems were seen to produce on this machine:
/// PyTorch 2.15.0 (`torch.tensor(x, dtype=torch.float32).to(dtype).view(torch.uint8)`) and
/// ml_dtypes 0.6.0 (`np.array(x, np.float32).astype(T).view(np.uint8)`). The expected codes below
/// were printed by those libraries, not by Octet; Scripts/peers/peers.py --peers …,torch checks the
/// same profiles on every boundary case of `octet gen` (Specs/peers.md).
@Suite struct CompatibilityProfileTests {
    struct Case: CustomStringConvertible, Sendable {
        let profile: String, format: String, input: String, code: Int
        var description: String { "\(profile) \(format) \(input)" }
    }

    static let observed: [Case] = {
        var c: [Case] = []
        func add(_ profile: String, _ format: String, _ pairs: [(String, Int)]) {
            c += pairs.map { Case(profile: profile, format: format, input: $0.0, code: $0.1) }
        }
        // torch 2.15: E4M3FN saturates (finite overflow and ±Inf), keeps the NaN sign.
        add("torch", "float8_e4m3fn", [("1", 56), ("448", 126), ("449", 126), ("464", 126), ("465", 126), ("480", 126),
                                       ("500", 126), ("1e6", 126), ("inf", 126), ("-inf", 254), ("nan", 127), ("-nan", 255),
                                       ("0", 0), ("-0", 128), ("f32:3A800000", 0), ("f32:3AC00000", 1), ("240", 119),
                                       ("247", 119), ("248", 120), ("256", 120), ("1e-40", 0)])
        // E5M2 overflows to Inf; NaN is 0x7F | sign.
        add("torch", "float8_e5m2", [("1", 60), ("448", 95), ("480", 96), ("500", 96), ("1e6", 124), ("inf", 124),
                                     ("-inf", 252), ("nan", 127), ("-nan", 255), ("-0", 128), ("57344", 123),
                                     ("61440", 124), ("61439", 123), ("65536", 124), ("f32:3A800000", 20), ("f32:3AC00000", 22)])
        // The FNUZ formats overflow to NaN (0x80), and -0 becomes +0.
        add("torch", "float8_e4m3fnuz", [("1", 64), ("240", 127), ("247", 127), ("248", 128), ("500", 128), ("inf", 128),
                                         ("-inf", 128), ("nan", 128), ("-0", 0), ("f32:3A800000", 1), ("f32:3AC00000", 2)])
        add("torch", "float8_e5m2fnuz", [("1", 64), ("448", 99), ("480", 100), ("57344", 127), ("61439", 127),
                                         ("61440", 128), ("1e6", 128), ("-0", 0), ("f32:3A800000", 24), ("f32:3AC00000", 26)])
        // E8M0: |x|, ties up, 0 -> 2^-127, overflow and Inf/NaN -> NaN.
        add("torch", "float8_e8m0fnu", [("1", 127), ("448", 136), ("500", 136), ("1e6", 147), ("inf", 255), ("-inf", 255),
                                        ("nan", 255), ("0", 0), ("-0", 0), ("f32:3A800000", 117), ("f32:3AC00000", 118),
                                        ("61440", 143), ("240", 135), ("256", 135), ("-1", 127)])
        // ml_dtypes 0.6.0 intN: truncate to a C int, keep the low bits (x86-64: 0 beyond the int range).
        let ints: [(String, Int, Int, Int)] = [("2.7", 2, 2, 2), ("-2.7", 14, 14, 2), ("8", 8, 8, 0), ("-9", 7, 7, 3),
                                                ("17", 1, 1, 1), ("127.9", 15, 15, 3), ("-128.5", 0, 0, 0), ("0.5", 0, 0, 0),
                                                ("-0.5", 0, 0, 0), ("300", 12, 12, 0), ("1e10", 0, 0, 0), ("inf", 0, 0, 0),
                                                ("-inf", 0, 0, 0), ("nan", 0, 0, 0), ("16777218", 2, 2, 2)]
        add("ml_dtypes", "int4", ints.map { ($0.0, $0.1) })
        add("ml_dtypes", "uint4", ints.map { ($0.0, $0.2) })
        add("ml_dtypes", "int2", ints.map { ($0.0, $0.3) })
        // ml_dtypes float8 casts: RNE, non-saturating (E4M3FN overflow -> NaN).
        add("ml_dtypes", "float8_e4m3fn", [("500", 127), ("inf", 127), ("1e6", 127), ("464", 126), ("465", 127)])
        return c
    }()

    @Test(arguments: Self.observed)
    func reproducesTheEcosystem(_ c: Case) throws {
        let profile = try #require(CompatibilityProfile.named(c.profile))
        let format = try FormatRegistry.named(c.format)
        let x = try ValueParser.parse(c.input)
        let got = try profile.encode(x, into: format)
        #expect(got.code == c.code, "\(c): profile gives 0x\(String(got.code, radix: 16)), the library gave 0x\(String(c.code, radix: 16))")
    }

    /// The wrapping cast is the profile's, not the reference's: without a profile integers saturate.
    @Test func referenceStillSaturatesIntegers() throws {
        let int4 = try FormatRegistry.named("int4")
        let r = try int4.encode(ValueParser.parse("8"), rounding: .rtz, overflow: .nonsaturate)
        #expect(r.code == 7)
        let wrapped = try CompatibilityProfile.named("ml_dtypes")!.encode(ValueParser.parse("8"), into: int4)
        #expect(wrapped.code == 8 && wrapped.flags.contains(.overflow))
    }
}
