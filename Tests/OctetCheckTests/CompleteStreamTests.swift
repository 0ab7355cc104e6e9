import Foundation
import Octet
import OctetCheck
import Testing

/// A vector stream is evidence only when it is whole: each header's `# cases: N` must match the
/// cases that follow, a stream without cases proves nothing, and bytes that cannot be part of a
/// vector line (NUL, non-ASCII in a case line, invalid UTF-8 in a comment) stop the reader at
/// their line instead of being dropped or cut off.
@Suite("Vector streams: complete or refused")
struct CompleteStreamTests {
    /// Two products of float8_e4m3fn with their results, computed here from the values:
    /// 1·1 = 1 (0x38), 2·0.5 = 1 (0x40 × 0x30 → 0x38), exact, no flags raised.
    static func file(cases: String? = "2", lines: [String] = ["38 38 38 ....", "40 30 38 ...."]) -> [String] {
        var h = ["# octet-vectors 1", "# operation: mul", "# a: float8_e4m3fn", "# b: float8_e4m3fn", "# output: float8_e4m3fn",
                 "# rounding: rne", "# overflow: saturate"]
        if let cases { h.append("# cases: \(cases)") }
        return h + ["# columns: a b result flags"] + lines
    }

    static func verify(_ lines: [String]) -> (VectorVerifier.Outcome, VectorError?) {
        VectorVerifier.verify(lines: AnySequence(lines), maxErrors: 0)
    }

    /// Feeds raw bytes (lines split at \n) to the stream, as `octet verify` does.
    static func verifyBytes(_ bytes: [UInt8]) -> (VectorVerifier.Outcome, VectorError?) {
        var stream = VectorStream(maxErrors: 0)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let e = bytes.withUnsafeBufferPointer { stream.feed(UnsafeBufferPointer(rebasing: $0[start ..< end])) }
            if let e { return (stream.outcome, e) }
            start = end + 1
        }
        return (stream.outcome, stream.finish())
    }

    @Test func aWholeFilePasses() {
        let (o, e) = Self.verify(Self.file())
        #expect(e == nil && o.passed == 2 && o.failed == 0)
    }

    @Test func headerOnlyIsNotEvidence() {
        let (o, e) = Self.verify(Self.file(lines: []))
        #expect(o.passed == 0)
        #expect(e?.message == "truncated: 0 of 2 cases (the header's '# cases: 2')", "\(String(describing: e))")
        #expect(Self.verify(["# octet-vectors 1"]).1 != nil)
        #expect(Self.verify([]).1?.message == "no header and no cases")
    }

    @Test func aCutStreamIsTruncated() {
        let (o, e) = Self.verify(Self.file(lines: ["38 38 38 ...."]))
        #expect(o.passed == 1)
        #expect(e?.message.hasPrefix("truncated: 1 of 2 cases") == true, "\(String(describing: e))")
        // cut inside the second file of a concatenation
        let (_, e2) = Self.verify(Self.file() + Self.file(lines: ["38 38 38 ...."]))
        #expect(e2?.message.hasPrefix("truncated: 1 of 2 cases") == true, "\(String(describing: e2))")
        #expect(Self.verify(Self.file() + Self.file()).1 == nil)
    }

    @Test func extraCasesAreRefused() {
        let (_, e) = Self.verify(Self.file(lines: ["38 38 38 ....", "40 30 38 ....", "38 38 38 ...."]))
        #expect(e?.message == "3 cases, but the header says '# cases: 2'", "\(String(describing: e))")
    }

    @Test func theCountIsRequiredAndPositive() {
        for bad in [nil, "0", "-1", "two", "2.0", ""] as [String?] {
            let (o, e) = Self.verify(Self.file(cases: bad))
            #expect(e != nil && o.passed == 0, "cases \(String(describing: bad))")
            #expect(e?.line == (bad == nil ? 9 : 10), "\(String(describing: e))")   // the first case line
        }
    }

    @Test func strippedFlagsFail() {
        // the header's columns name the flags: a result without them is a failure of its line
        let (o, e) = Self.verify(Self.file(lines: ["38 38 38", "40 30 38 ...."]))
        #expect(e == nil)
        #expect(o.failed == 1 && o.reports.first?.hasPrefix("line 10: flags missing") == true, "\(o.reports)")
        // without columns, the first case decides: flags on every line or on none
        var noColumns = Self.file(lines: ["38 38 38 ....", "40 30 38"]).filter { !$0.hasPrefix("# columns") }
        #expect(Self.verify(noColumns).0.reports.first?.hasPrefix("line 10: flags missing (line 9 has them)") == true)
        noColumns = Self.file(lines: ["38 38 38", "40 30 38 ...."]).filter { !$0.hasPrefix("# columns") }
        #expect(Self.verify(noColumns).0.reports.first?.hasPrefix("line 10: flags given (line 9 has none)") == true)
        noColumns = Self.file(lines: ["38 38 38", "40 30 38"]).filter { !$0.hasPrefix("# columns") }
        #expect(Self.verify(noColumns).0.failed == 0)
    }

    @Test func nulAndForeignBytesStopAtTheirLine() {
        let text = Self.file().joined(separator: "\n") + "\n"
        var bytes = Array(text.utf8)
        // NUL at the start of the first case line (line 10): it must not vanish
        let first = text.utf8.count - "38 38 38 ....\n40 30 38 ....\n".utf8.count   // the first case line
        var nulFirst = bytes
        nulFirst.insert(0, at: first)
        let (o1, e1) = Self.verifyBytes(nulFirst)
        #expect(e1?.line == 10 && e1?.message.hasPrefix("NUL byte at column 1") == true, "\(String(describing: e1))")
        #expect(o1.passed == 0)
        // text after a NUL in a line is not ignored
        var nulMid = bytes
        nulMid.insert(contentsOf: [0, UInt8(ascii: "x")], at: first + 8)
        #expect(Self.verifyBytes(nulMid).1?.message.hasPrefix("NUL byte at column 9") == true)
        // a byte ≥ 0x80 in a case line; invalid UTF-8 in a comment
        var high = bytes
        high.insert(0xC3, at: first + 2)
        #expect(Self.verifyBytes(high).1?.message.hasPrefix("byte 0xC3 at column 3") == true)
        let comment = bytes.firstIndex(of: UInt8(ascii: "#"))!
        bytes.insert(0xFF, at: comment + 2)
        #expect(Self.verifyBytes(bytes).1?.message == "invalid UTF-8 in a comment line")
    }
}
