import Octet
import OctetExact

// Line-oriented input shared by the streaming commands (`encode`, `mac`, `quantize`, `mx quantize`,
// `mx dot`): one output line per input line, lists split without dropping empty elements, errors
// that echo a bounded excerpt of the input, and parsing that walks the bytes of a line instead of
// building arrays of substrings (memory proportional to the line).

/// The most characters of a token or line an error message echoes.
let echoLimit = 160

/// `text` quoted for an error message: `'text'` when at most `echoLimit` characters, else its first
/// `echoLimit` characters, "…", and its length: `'xxxx…' (10000000 bytes)`.
func quoted<S: StringProtocol>(_ text: S) -> String {
    let bytes = text.utf8.count
    if bytes <= echoLimit { return "'\(text)'" }
    var head = String.UnicodeScalarView()
    head.append(contentsOf: text.unicodeScalars.prefix(echoLimit))
    let h = String(head)
    if h.utf8.count == bytes { return "'\(text)'" }   // (at most echoLimit multi-byte scalars)
    return "'\(h)…' (\(bytes) bytes)"
}

/// `quoted` of bytes of a line.
func quoted(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    if range.count <= echoLimit { return quoted(string(bytes, range)) }
    let head = string(bytes, range.lowerBound ..< range.lowerBound + echoLimit)
    // Cut at a scalar boundary (the decoder replaced a split scalar by U+FFFD at the end).
    let clean = head.unicodeScalars.last == "\u{FFFD}" ? String(head.unicodeScalars.dropLast()) : head
    return "'\(clean)…' (\(range.count) bytes)"
}

func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
}

/// "1 field", "3 fields".
func counted(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

/// The one wording of an empty list element, in every command: `line 3, element 2: empty element …`.
func emptyElementError(_ position: String) -> CLIError {
    CLIError("\(position): empty element (nothing between two separators, or a separator at the start or end)")
}

/// The one wording of a blank line where a command needs content (`encode`, `quantize`, `mx`).
func blankLineError(_ line: Int, needs what: String) -> CLIError {
    CLIError("line \(line): blank line (each line needs \(what); blank lines are refused so that output lines stay aligned with input lines)")
}

/// `ValueParseError` with the input echoed through `quoted`.
func describe(_ e: ValueParseError) -> String { "cannot parse value \(quoted(e.input)): \(e.reason)" }
/// `CodeParseError` with the input echoed through `quoted`.
func describe(_ e: CodeParseError) -> String { "bad code \(quoted(e.input)): \(e.reason)" }

/// Splitting of one line (or one command-line argument) held as UTF-8 bytes.
enum LineSplit {
    // Blanks (the separators of fields) are space, tab, and the CR of a CRLF line end; the loops
    // below compare them written out, because a debug build does not inline a helper.
    static let comma = UInt8(ascii: ",")

    /// Runs `body` on the bytes of `text` (contiguous UTF-8; copied once only if not native).
    @discardableResult
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        var text = text
        return try text.withUTF8 { try body($0) }
    }

    /// How many times `byte` occurs in `range` (to reserve an array's capacity exactly).
    static func count(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var n = 0
        for i in range where bytes[i] == byte { n += 1 }
        return n
    }

    /// Whether the line holds nothing but blanks.
    static func isBlankLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where !(b == 0x20 || b == 0x09 || b == 0x0D) { return false }
        return true
    }

    /// The byte ranges of the whitespace-separated fields of `bytes`, at most `limit` of them plus a
    /// count of the rest (so a line with a million fields where two are expected costs no array).
    static func fields(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> (ranges: [Range<Int>], count: Int) {
        var ranges: [Range<Int>] = []
        var count = 0
        guard let base = bytes.baseAddress else { return (ranges, 0) }
        var p = base
        let end = base + bytes.count
        while true {
            while p < end && (p.pointee == 0x20 || p.pointee == 0x09 || p.pointee == 0x0D) { p += 1 }
            if p == end { break }
            let start = p
            while p < end && !(p.pointee == 0x20 || p.pointee == 0x09 || p.pointee == 0x0D) { p += 1 }
            count += 1
            if ranges.count < limit { ranges.append(start - base ..< p - base) }
        }
        return (ranges, count)
    }

    /// Walks the elements of a list in `range`, calling `body(k, elementRange)` for element k
    /// (1-based) and returning the count; a `CLIError` of `body` is prefixed with the position
    /// (`line 3, element 2 of A: …`). Elements are separated by one comma, by blanks (when
    /// `blanks` is true: value lists), or by one comma with blanks around it; an empty element
    /// (`1,,2`, `,1`, `1,`, `1, ,2`) throws `emptyElementError("\(position), element k")`.
    @discardableResult
    static func elements(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, blanks: Bool = false, position: String,
                         of list: String? = nil, _ body: (Int, Range<Int>) throws -> Void) throws -> Int {
        func at(_ k: Int) -> String { "\(position), element \(k)" + (list.map { " of \($0)" } ?? "") }
        var k = 0
        var i = range.lowerBound
        let end = range.upperBound
        var afterComma = false
        if range.isEmpty { throw emptyElementError(at(1)) }
        while true {
            if blanks { while i < end && (bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D) { i += 1 } }
            if i == end {
                if afterComma || k == 0 { throw emptyElementError(at(k + 1)) }
                break
            }
            if bytes[i] == comma {
                if afterComma || k == 0 { throw emptyElementError(at(k + 1)) }
                afterComma = true
                i += 1
                continue
            }
            let start = i
            if blanks {
                while i < end && !(bytes[i] == comma || bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D) { i += 1 }
            } else {
                while i < end && bytes[i] != comma { i += 1 }
            }
            k += 1
            afterComma = false
            do { try body(k, start ..< i) } catch let e as CLIError { throw CLIError("\(at(k)): \(e.description)") }
        }
        return k
    }

    /// Splits a comma-separated list given on the command line (`--scales 1,2,4`) with the same rules.
    static func list(_ text: String, position: String) throws -> [String] {
        var out: [String] = []
        try withBytes(text) { b in
            try elements(b, 0 ..< b.count, blanks: false, position: position) { _, r in out.append(string(b, r)) }
        }
        return out
    }

    /// A code of `format` from bytes of a line; a long run of bytes is refused without copying it.
    static func code(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ format: Format) throws -> Int {
        // 0x and at most 16 hex digits, so anything longer than 18 bytes is not a code.
        guard range.count <= 18 else {
            throw CLIError("bad code \(quoted(bytes, range)): not a hex code (expected e.g. 0x7E)")
        }
        do { return try format.parseCode(string(bytes, range)) } catch { throw CLIError(describe(error)) }
    }

    /// An exact value from bytes of a line.
    static func value(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws -> ExactValue {
        do { return try ValueParser.parse(string(bytes, range)) } catch { throw CLIError(describe(error)) }
    }
}

/// Standard input, one line at a time with its number (1-based), blank lines included.
struct InputLines: Sequence, IteratorProtocol {
    private(set) var number = 0
    mutating func next() -> (number: Int, text: String)? {
        guard let line = readLine(strippingNewline: true) else { return nil }
        number += 1
        return (number, line)
    }
}
