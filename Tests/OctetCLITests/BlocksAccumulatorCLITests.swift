import Foundation
import OctetTestSupport
import Testing

/// `octet blocks dot|gemm --acc`: every accumulator model of `octet mac`, with the sums of
/// BlockAccumulationTests.smallBlockLostByTruncation worked by hand: X is 32 ones then 32 values
/// 2^-20 (two MX blocks, scales 1 and 2^-20), Y is 64 ones; exact 32 + 2^-15 (binary32
/// 0x42000008), hopper-fp8 truncates the second block away (32, 0x42000000).
@Suite("octet blocks: accumulator models")
struct BlocksAccumulatorCLITests {
    static let line = (Array(repeating: "1", count: 32) + Array(repeating: "0x1p-20", count: 32)).joined(separator: ",")
        + " " + Array(repeating: "1", count: 64).joined(separator: ",") + "\n"

    @Test func dotUnderEachModel() throws {
        for (acc, want) in [("exact", "0x42000008"), ("kulisch", "0x42000008"), ("truncated:hopper-fp8", "0x42000000"),
                            ("fp32:sequential", "0x42000000"), ("fp32:pairwise", "0x42000008"), ("exact,c=-32", "0x38000000")] {
            let r = try OctetBinary.run(["blocks", "dot", "--scheme", "mxfp8_e4m3", "--acc", acc], stdin: Self.line)
            #expect(r.status == 0 && r.stdout.hasPrefix(want + " "), "\(acc): \(r.stdout)\(r.stderr)")
        }
        // A register whose LSB is above the small products: an error naming the line, exit 1.
        let k = try OctetBinary.run(["blocks", "dot", "--scheme", "mxfp8_e4m3", "--acc", "kulisch:64:-10"], stdin: Self.line)
        #expect(k.status == 1 && k.stderr.contains("line 1") && k.stdout.isEmpty, "\(k.stderr)")
        let bad = try OctetBinary.run(["blocks", "dot", "--scheme", "mxfp8_e4m3", "--acc", "truncated:nope"], stdin: Self.line)
        #expect(bad.status == 2 && bad.stderr.contains("truncated:nope"))
    }

    /// A 1×64 by 64×1 GEMM is the same dot.
    @Test func gemmUnderTruncation() throws {
        let fields = Self.line.split(separator: " ")
        let a = String(fields[0]) + "\n\n" + fields[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: "\n") + "\n"
        let r = try OctetBinary.run(["blocks", "gemm", "--scheme", "mxfp8_e4m3", "--acc", "truncated:hopper-fp8"], stdin: a)
        #expect(r.status == 0 && r.stdout == "0x42000000\n", "\(r.stdout)\(r.stderr)")
        let e = try OctetBinary.run(["blocks", "gemm", "--scheme", "mxfp8_e4m3"], stdin: a)
        #expect(e.stdout == "0x42000008\n", "\(e.stdout)\(e.stderr)")
    }
}
