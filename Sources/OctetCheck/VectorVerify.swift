import Octet
import OctetExact

/// Reads vector lines (a header, then one case per line with the result appended) and recomputes
/// each expected result with the reference: the `gen | program | verify` pipe.
public struct VectorVerifier {
    public let operation: OctetOperation

    /// Builds the operation from a header; errors name the header line.
    public init(header: VectorHeader) throws(VectorError) {
        operation = try OctetOperation(header: header)
        if case .dotI8 = operation { throw VectorError(line: 0, message: "dot-i8 has no vector lines; use octet check --op dot-i8") }
    }

    /// Operand fields before the result on each line.
    public var operandCount: Int { operation.operandCount }

    public struct Outcome {
        public var passed = 0
        public var failed = 0
        public var reports: [String] = []
    }

    static func hexInt(_ s: Substring) -> UInt64? {
        var d = s
        if d.hasPrefix("0x") || d.hasPrefix("0X") { d = d.dropFirst(2) }
        guard !d.isEmpty, d.count <= 16, d.allSatisfy(\.isHexDigit) else { return nil }
        return UInt64(d, radix: 16)
    }

    /// Checks one data line; returns nil when it passes, or the report text.
    public func check(line: String, number: Int) -> String? {
        let fields = line.split(whereSeparator: isFieldSeparator)
        let k = operandCount
        guard fields.count == k + 1 || fields.count == k + 2 else {
            return "line \(number): malformed: expected \(k) operand field(s), a result and optional flags, got \(fields.count) field(s): '\(line)'"
        }
        let givenFlags: ExceptionFlags?
        if fields.count == k + 2 {
            guard let f = parseFlagLetters(String(fields[k + 1])) else { return "line \(number): malformed flags '\(fields[k + 1])' (four characters of voux and .)" }
            givenFlags = f
        } else {
            givenFlags = nil
        }
        let resultField = fields[k]
        func codeOf(_ s: Substring, _ f: Format, _ what: String) throws(VectorError) -> Int {
            guard let v = VectorVerifier.hexInt(s), f.contains(code: Int(truncatingIfNeeded: v)) else {
                throw VectorError(line: number, message: "malformed \(what) '\(s)' for \(f.name)")
            }
            return Int(truncatingIfNeeded: v)
        }
        do {
            switch operation {
            case .decode(let f):
                // The value column is any spelling of the value parser (a program may write 0.5,
                // 1/2 or 0x1p-1); it must equal the exact value, -0 included. Any NaN matches a
                // NaN code (Octet writes `nan` whatever the sign bit).
                let c = try codeOf(fields[0], f, "code")
                let expected = f.value(ofCode: c)
                let given: ExactValue
                do { given = try ValueParser.parse(String(resultField)) } catch {
                    throw VectorError(line: number, message: "malformed value: \(error.description)")
                }
                return given == expected || (given.isNaN && expected.isNaN) ? nil : "line \(number): \(f.hex(c)) => \(resultField)  expected: \(expected)"
            case .convert(let src, let f, let mode, let policy, let n):
                let digits = fields[0].hasPrefix("0x") || fields[0].hasPrefix("0X") ? fields[0].count - 2 : fields[0].count
                guard let bits = VectorVerifier.hexInt(fields[0]), digits <= src.hexDigits else {
                    throw VectorError(line: number, message: "malformed \(src.rawValue) input '\(fields[0])'")
                }
                let x = IEEEBits.decode(bits, as: src.ieee)
                var random: StochasticBits?
                if let n {
                    guard let r = UInt64(fields[1]) else { throw VectorError(line: number, message: "malformed random integer '\(fields[1])'") }
                    do { random = try StochasticBits(count: n, value: r) } catch { throw VectorError(line: number, message: error.description) }
                }
                let observed = try codeOf(resultField, f, "result")
                let e: Encoded
                do { e = try f.encode(x, rounding: mode, overflow: policy, random: random) } catch {
                    return "line \(number): \(fields[0]) (\(x)) has no result in \(f.name): \(error.description)"
                }
                return compare(number, "\(src.hex(bits)) (\(x))", f, observed, e, givenFlags)
            case .mul(let a, let b, let out, let mode, let policy):
                let x = try codeOf(fields[0], a, "operand a"), y = try codeOf(fields[1], b, "operand b")
                let observed = try codeOf(resultField, out, "result")
                let e: Encoded
                do { e = try Operations.mul(x, a, y, b, into: out, rounding: mode, overflow: policy) } catch {
                    return "line \(number): no result: \(error.description)"
                }
                return compare(number, "\(a.hex(x)) (\(a.value(ofCode: x))) × \(b.hex(y)) (\(b.value(ofCode: y)))", out, observed, e, givenFlags)
            case .dot(let a, let b, let model, _, let out, let mode, let policy):
                var xs: [Int] = [], ys: [Int] = []
                for t in fields[0].split(separator: ",", omittingEmptySubsequences: false) { xs.append(try codeOf(t, a, "a code")) }
                for t in fields[1].split(separator: ",", omittingEmptySubsequences: false) { ys.append(try codeOf(t, b, "b code")) }
                guard xs.count == ys.count else { throw VectorError(line: number, message: "a has \(xs.count) codes and b has \(ys.count)") }
                let observed = try codeOf(resultField, out, "result")
                let r: DotResult
                do { r = try Dot.compute(xs, a, ys, b, model: model, output: out, rounding: mode, overflow: policy) } catch {
                    return "line \(number): no result: \(error.description)"
                }
                return compare(number, "dot of \(xs.count) pairs (exact \(r.exact.exactValue))", out, observed, r.output, givenFlags)
            case .dotI8:
                return "line \(number): dot-i8 has no vector lines"
            case .blockQuantize(let scheme):
                var xs: [ExactValue] = []
                for t in fields[0].split(separator: ",", omittingEmptySubsequences: false) {
                    do { xs.append(try ValueParser.parse(String(t))) } catch { throw VectorError(line: number, message: "malformed value: \(error.description)") }
                }
                let t: BlockTensor
                do { t = try scheme.quantize([xs]) } catch { return "line \(number): no result: \(error.description)" }
                let expected = VectorWriter.blockResult(t)
                guard let given = VectorWriter.parseBlockResult(String(resultField)) else {
                    throw VectorError(line: number, message: "malformed block result '\(resultField)' (hex lists separated by '/')")
                }
                return given == VectorWriter.parseBlockResult(expected)! ? nil : "line \(number): \(xs.count) values => \(resultField)  expected: \(expected)"
            }
        } catch {
            return (error as? VectorError)?.description ?? "line \(number): \(error)"
        }
    }

    func compare(_ number: Int, _ input: String, _ f: Format, _ observed: Int, _ e: Encoded, _ flags: ExceptionFlags?) -> String? {
        let codeOK = observed == e.code
        let flagsOK = flags.map { $0 == e.flags } ?? true
        if codeOK && flagsOK { return nil }
        var s = "line \(number): \(input) => \(f.hex(observed)) (\(f.value(ofCode: observed)))"
        if let flags { s += " \(flagLetters(flags))" }
        s += "  expected: \(f.hex(e.code)) (\(f.value(ofCode: e.code)))"
        if flags != nil { s += " \(flagLetters(e.flags))" }
        return s
    }

    /// Verifies a whole text given as lines (without their line ends): `VectorStream` fed line
    /// by line, then finished.
    public static func verify(lines: AnySequence<String>, maxErrors: Int) -> (Outcome, VectorError?) {
        var stream = VectorStream(maxErrors: maxErrors)
        for line in lines {
            var l = line
            if let e = l.withUTF8({ stream.feed($0) }) { return (stream.outcome, e) }
        }
        return (stream.outcome, stream.finish())
    }
}

/// Verifies a vector stream line by line, in memory bounded by the longest line: one or more
/// sections (a header from `# octet-vectors 1`, then cases), each of which must hold exactly the
/// `# cases: N` its header declares, at least one. Failing cases are counted and reported (up to
/// `maxErrors`, 0: all); anything that makes the evidence incomplete or unreadable is a fatal
/// `VectorError` naming its line: a NUL or a byte that cannot occur in a vector line, invalid
/// UTF-8 in a comment, a bad header, a missing or wrong case count.
public struct VectorStream {
    public let maxErrors: Int
    public private(set) var outcome = VectorVerifier.Outcome()
    /// Sections verified completely so far.
    public private(set) var sections = 0
    /// Whether every case of every section carried flags (so they were compared too).
    public private(set) var flagsCompared = true
    var number = 0
    var headerFields: [(String, String)] = []
    var headerStarted = false
    var verifier: VectorVerifier?
    var sectionCases = 0
    var expectedCases = 0
    /// Whether this section's cases carry flags, and the line that decided it (0: the header's
    /// `columns`).
    var flagsRule: (required: Bool, line: Int)?

    public init(maxErrors: Int) { self.maxErrors = maxErrors }

    /// Feeds one line (without its `\n`; a trailing CR is a blank). Returns a fatal error, after
    /// which the stream must not be fed again.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> VectorError? {
        number += 1
        var start = 0
        while start < bytes.count && (bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0D) { start += 1 }
        if let nul = bytes.firstIndex(of: 0) {
            return VectorError(line: number, message: "NUL byte at column \(nul + 1) (vector files are text)")
        }
        if start == bytes.count { return nil }                      // blank line
        if bytes[start] == UInt8(ascii: "#") {
            guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self) else {
                return VectorError(line: number, message: "invalid UTF-8 in a comment line")
            }
            return comment(Substring(text))
        }
        for (i, b) in bytes.enumerated() where !(0x20 ... 0x7E ~= b || b == 0x09 || b == 0x0D) {
            return VectorError(line: number, message: "byte 0x\(String(b, radix: 16, uppercase: true)) at column \(i + 1) cannot occur in a case line (ASCII hex, digits, commas, flags)")
        }
        let line = String(decoding: bytes, as: UTF8.self)
        if verifier == nil {
            if let e = openSection() { return e }
        }
        let v = verifier!
        sectionCases += 1
        let fieldCount = line.split(whereSeparator: isFieldSeparator).count
        let hasFlags = fieldCount == v.operandCount + 2
        var report: String?
        if fieldCount == v.operandCount + 1 || fieldCount == v.operandCount + 2 {
            if let rule = flagsRule {
                if rule.required != hasFlags {
                    let why = rule.line == 0 ? "the header's columns say \(rule.required ? "there are flags" : "there are none")" : "line \(rule.line) \(rule.required ? "has them" : "has none")"
                    report = "line \(number): flags \(hasFlags ? "given" : "missing") (\(why)): every case of a file carries flags or none does"
                }
            } else {
                flagsRule = (hasFlags, number)
            }
        }
        if report == nil { report = v.check(line: line, number: number) }
        if let report {
            outcome.failed += 1
            if maxErrors == 0 || outcome.reports.count < maxErrors { outcome.reports.append(report) }
        } else {
            outcome.passed += 1
        }
        return nil
    }

    mutating func comment(_ trimmed: Substring) -> VectorError? {
        let body = trimmed.dropFirst().drop(while: { $0 == " " })
        if body.hasPrefix("octet-vectors") {
            // The format line opens a header; after cases it opens the next section of a
            // concatenation, whose header replaces the previous one.
            let version = body.dropFirst("octet-vectors".count).trimmingSpacesAndCR()
            guard version == "1" else {
                return VectorError(line: number, message: "unsupported vector format '\(body.trimmingSpacesAndCR())' (this reader knows 'octet-vectors 1')")
            }
            if headerStarted, let e = closeSection(before: number) { return e }
            headerStarted = true
            return nil
        }
        guard verifier == nil else { return nil }   // other comments after the cases are ignored
        if let colon = body.firstIndex(of: ":") {
            headerStarted = true
            headerFields.append((body[..<colon].trimmingSpacesAndCR(), body[body.index(after: colon)...].trimmingSpacesAndCR()))
        }
        return nil
    }

    /// Builds the section's verifier from its header, at its first case (or at its end when it
    /// has none).
    mutating func openSection() -> VectorError? {
        let header = VectorHeader(headerFields)
        do { verifier = try VectorVerifier(header: header) } catch {
            return VectorError(line: number, message: "before the first case: \(error.message)")
        }
        guard let text = header["cases"] else {
            return VectorError(line: number, message: "before the first case: header lacks '# cases: N' (the count that makes a cut stream detectable)")
        }
        guard let n = Int(text), n >= 1 else {
            return VectorError(line: number, message: "before the first case: '# cases: \(text)' is not a count of at least 1")
        }
        expectedCases = n
        if let columns = header["columns"] {
            flagsRule = (columns.split(separator: " ").contains("flags"), 0)
        }
        return nil
    }

    /// Ends a section (at the next `# octet-vectors` line or at the end): its cases must number
    /// exactly its `# cases`.
    mutating func closeSection(before line: Int) -> VectorError? {
        if verifier == nil {
            if let e = openSection() { return e }
        }
        defer {
            verifier = nil
            headerFields = []
            flagsRule = nil
            sectionCases = 0
        }
        if sectionCases < expectedCases {
            return VectorError(line: line, message: "truncated: \(sectionCases) of \(expectedCases) cases (the header's '# cases: \(expectedCases)')")
        }
        if sectionCases > expectedCases {
            return VectorError(line: line, message: "\(sectionCases) cases, but the header says '# cases: \(expectedCases)'")
        }
        if flagsRule?.required != true { flagsCompared = false }
        sections += 1
        return nil
    }

    /// Ends the stream: the last section must be complete; a stream without any is an error.
    public mutating func finish() -> VectorError? {
        if !headerStarted { return VectorError(line: number, message: "no header and no cases") }
        return closeSection(before: number + 1)
    }
}

/// Blanks between and around fields: space, tab, and the carriage return of CRLF line ends (which
/// a reader that splits at "\n" may leave behind, alone or as the one Character "\r\n").
@inline(__always) func isFieldSeparator(_ c: Character) -> Bool {
    c == " " || c == "\t" || c == "\r" || c == "\r\n" || c == "\n"
}

extension Substring {
    func trimmingSpacesAndCR() -> String {
        String(drop(while: isFieldSeparator).reversed().drop(while: isFieldSeparator).reversed())
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
