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

    /// Verifies a whole text: the header, then every non-blank line. Stops reporting after
    /// `maxErrors` reports (0: unlimited) but counts every line.
    public static func verify(lines: AnySequence<String>, maxErrors: Int) -> (Outcome, VectorError?) {
        var headerFields: [(String, String)] = []
        var verifier: VectorVerifier?
        var outcome = Outcome()
        var number = 0
        for line in lines {
            number += 1
            let trimmed = line.drop(while: isFieldSeparator)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#") {
                let body = trimmed.dropFirst().drop(while: { $0 == " " })
                if body.hasPrefix("octet-vectors") {
                    // The format line opens a header; after cases it opens the next file of a
                    // concatenation, whose header replaces the previous one.
                    let version = body.dropFirst("octet-vectors".count).trimmingSpacesAndCR()
                    guard version == "1" else {
                        return (outcome, VectorError(line: number, message: "unsupported vector format '\(body.trimmingSpacesAndCR())' (this reader knows 'octet-vectors 1')"))
                    }
                    if verifier != nil { verifier = nil; headerFields = [] }
                    continue
                }
                guard verifier == nil else { continue }   // other comments after the data are ignored
                if let colon = body.firstIndex(of: ":") {
                    headerFields.append((body[..<colon].trimmingSpacesAndCR(), body[body.index(after: colon)...].trimmingSpacesAndCR()))
                }
                continue
            }
            if verifier == nil {
                do { verifier = try VectorVerifier(header: VectorHeader(headerFields)) } catch {
                    return (outcome, VectorError(line: number, message: "before the first case: \(error.message)"))
                }
            }
            if let report = verifier!.check(line: String(line), number: number) {
                outcome.failed += 1
                if maxErrors == 0 || outcome.reports.count < maxErrors { outcome.reports.append(report) }
            } else {
                outcome.passed += 1
            }
        }
        if verifier == nil && headerFields.isEmpty { return (outcome, VectorError(line: number, message: "no header and no cases")) }
        return (outcome, nil)
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
