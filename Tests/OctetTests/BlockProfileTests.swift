import Foundation
import Octet
import OctetExact
import Testing

/// Replays outputs of the real libraries, captured by `Scripts/peers/blocks_peers.py` (torch,
/// torchao's `to_mx` / `nvfp4_quantize`, microxcaling's `_quantize_mx`) into
/// `Tests/Fixtures/block-profiles/`: each line is a binary32 tensor and the scale codes, element
/// codes and tensor scale the library produced. The profile must give the same bits; nothing here
/// derives the expected values from Octet.
@Suite struct BlockProfileTests {
    struct Case {
        let line: Int
        let scheme: String
        let rule: MXScaleRule?
        let kind: String
        let rows: [[UInt32]]
        let tensorScale: UInt32?
        let scales: [[Int]]
        let zeroPoints: [[Int]]?
        let codes: [[Int]]
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func hexRuns(_ s: Substring, width: Int) -> [Int] {
        let chars = Array(s)
        return stride(from: 0, to: chars.count, by: width).map { Int(String(chars[$0 ..< $0 + width]), radix: 16)! }
    }

    static func load(_ library: String, folder: String) throws -> [Case] {
        let text = try String(contentsOf: root.appendingPathComponent("\(folder)/\(library).txt"), encoding: .utf8)
        var out: [Case] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            // blocks_peers.py: "scheme rule kind | rows | ts | scales (2 hex) | codes";
            // blocks_int_te_peers.py: "scheme kind | rows | ts | scales (8 hex) | zero points or - | codes"
            let head = f[0].split(separator: " ")
            let wide = f.count == 6
            let rule = wide || head[1] == "-" ? nil : MXScaleRule(rawValue: String(head[1]))
            let rows = f[1].split(separator: ";").map { hexRuns($0, width: 8).map { UInt32($0) } }
            let ts = f[2] == "-" ? nil : UInt32(f[2], radix: 16)
            let scales = f[3].split(separator: ";").map { hexRuns($0, width: wide ? 8 : 2) }
            let zeros = wide && f[4] != "-" ? f[4].split(separator: ";").map { hexRuns($0, width: 2) } : nil
            let codes = f[wide ? 5 : 4].split(separator: ";").map { hexRuns($0, width: 2) }
            out.append(Case(line: i + 1, scheme: String(head[0]), rule: rule, kind: String(head[wide ? 1 : 2]), rows: rows,
                            tensorScale: ts, scales: scales, zeroPoints: zeros, codes: codes))
        }
        return out
    }

    static let binary32 = try! FormatRegistry.named("binary32")

    static func replay(_ library: String, _ profile: BlockScheme.Profile, folder: String = "block-profiles") throws -> (cases: Int, quantities: Int) {
        let cases = try load(library, folder: folder)
        var quantities = 0
        for c in cases {
            var scheme = try BlockSchemes.named(c.scheme)
            if let r = c.rule { scheme = try scheme.with(rule: r) }
            scheme = try scheme.with(profile: profile)
            let values = c.rows.map { $0.map { binary32.value(ofCode: Int($0)) } }
            let t = try scheme.quantize(values)
            let at = "\(library).txt line \(c.line) (\(c.scheme) \(c.rule.map { "\($0)" } ?? "-") \(c.kind))"
            #expect(t.tensorScale == c.tensorScale, "\(at): tensor scale")
            #expect(t.scales == c.scales, "\(at): scale codes")
            #expect(t.zeroPoints == c.zeroPoints, "\(at): zero points")
            #expect(t.codes == c.codes, "\(at): element codes")
            quantities += c.scales.joined().count + c.codes.joined().count + (c.zeroPoints?.joined().count ?? 0) + (c.tensorScale == nil ? 0 : 1)
        }
        return (cases.count, quantities)
    }

    @Test func torchaoBitForBit() throws {
        let (n, q) = try Self.replay("torchao", .torchao)
        // 22 configurations (5 MX element formats × 4 rules, nvfp4, nvfp4_1level) × 8 distributions
        #expect(n >= 22 * 8)
        #expect(q > 10_000)
    }

    @Test func microxcalingBitForBit() throws {
        let (n, q) = try Self.replay("microxcaling", .microxcaling)
        #expect(n >= 6 * 8)
        #expect(q > 3_000)
    }

    /// TransformerEngine's reference quantizers and the group-INT4/INT8 libraries, from the library
    /// code Scripts/peers/blocks_int_te_peers.py runs (a subset of its fixtures: the first tensors
    /// of each file, to keep the repository small).
    @Test(arguments: [("te", BlockScheme.Profile.te), ("gptq", .gptq), ("awq", .awq), ("llmcompressor", .llmcompressor)])
    func teAndIntegerGroupsBitForBit(_ library: String, _ profile: BlockScheme.Profile) throws {
        let (n, q) = try Self.replay(library, profile, folder: "block-profiles-te-int")
        #expect(n >= 6)
        #expect(q > 1_000)
    }

    /// The profiles refuse what the library does not implement, naming the scheme.
    @Test func refusals() throws {
        #expect(throws: QuantizerError.self) { try BlockSchemes.named("mxint8").with(profile: .torchao) }
        #expect(throws: QuantizerError.self) { try BlockSchemes.named("nvfp4_2d").with(profile: .torchao) }
        #expect(throws: QuantizerError.self) { try BlockSchemes.named("mxfp4").with(rule: .ceil).with(profile: .microxcaling) }
        #expect(throws: QuantizerError.self) { try BlockSchemes.named("int4_g128").with(profile: .microxcaling) }
        // torchao's to_mx takes whole blocks only: a ragged row is an error naming the row
        let s = try BlockSchemes.named("mxfp4").with(profile: .torchao)
        do {
            let one = Self.binary32.value(ofCode: 0x3F80_0000)
            _ = try s.quantize([[one], Array(repeating: one, count: 32)])
            Issue.record("a 1-element row was accepted")
        } catch {
            #expect(error.description.contains("row 1"))
        }
    }
}
