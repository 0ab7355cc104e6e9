import Octet
import OctetExact

/// Produces the tables of `Specs/` from the library, so the text and the code cannot disagree.
///
/// Each Markdown file keeps its prose by hand; a table that the code determines sits between
/// `<!-- octet:generated NAME -->` and `<!-- octet:end -->` and is rewritten by `octet spec`.
/// `Specs/README.md`, the index, is generated whole.
public enum SpecGenerator {
    public static let version = "0.1.0"

    public static let blocks: [String: @Sendable () -> String] = [
        "format-registry": formatRegistry,
        "value-tables": valueTables,
        "rounding-examples": roundingExamples,
        "overflow-examples": overflowExamples,
        "kulisch-widths": kulischWidths,
        "mx-scale-examples": mxScaleExamples,
        "fp8-int8-coverage": coverageTable,
        "block-schemes": blockSchemes,
        "block-examples": blockExamples,
    ]

    /// The first line of the generated index: `octet spec` overwrites a README.md only when it
    /// starts with this line.
    public static let indexMarker = "<!-- octet:index — generated whole by `octet spec`; edits are lost -->"

    /// How many generated blocks `text` holds (0: a file `octet spec` leaves alone), after
    /// checking every marker as `regenerate` does.
    public static func blockCount(_ text: String) throws(CheckError) -> Int {
        try blocks(of: text).count
    }

    /// The generated blocks of `text` as (name, line range strictly between the markers).
    /// A marker is a whole line `<!-- octet:generated NAME -->` or `<!-- octet:end -->`; they
    /// must alternate, open first, every name must be known, and any other `<!-- octet` text is an
    /// error, so a broken pair can never swallow the prose between two blocks.
    static func blocks(of text: String) throws(CheckError) -> [(name: String, lines: Range<Int>)] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var found: [(String, Range<Int>)] = []
        var open: (name: String, line: Int)?
        for (n, raw) in lines.enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            guard line.contains("<!-- octet") else { continue }
            let t = String(line).trimmingSpaces()
            if t == "<!-- octet:end -->" {
                guard let o = open else { throw .usage("line \(n + 1): end marker without an open block") }
                found.append((o.name, o.line + 1 ..< n))
                open = nil
            } else if t.hasPrefix("<!-- octet:generated "), t.hasSuffix(" -->") {
                let name = String(t.dropFirst("<!-- octet:generated ".count).dropLast(" -->".count))
                if let o = open { throw .usage("line \(n + 1): block '\(name)' opens inside block '\(o.name)' (line \(o.line + 1) has no end marker)") }
                guard blocks[name] != nil else { throw .usage("line \(n + 1): unknown generated block '\(name)' (known: \(blocks.keys.sorted().joined(separator: ", ")))") }
                open = (name, n)
            } else if t == indexMarker && n == 0 {
                continue
            } else {
                throw .usage("line \(n + 1): unknown octet marker '\(t.prefix(80))' (markers are whole lines: <!-- octet:generated NAME --> and <!-- octet:end -->)")
            }
        }
        if let o = open { throw .usage("line \(o.line + 1): block '\(o.name)' has no end marker") }
        return found
    }

    /// Rewrites every generated block in `text`, keeping every other line. Any marker error
    /// (see `blocks(of:)`) is thrown before anything is produced.
    public static func regenerate(_ text: String) throws(CheckError) -> String {
        let found = try blocks(of: text)
        guard !found.isEmpty else { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [Substring] = []
        var next = 0
        for (name, range) in found {
            out += lines[next ..< range.lowerBound]
            var body = blocks[name]!()
            if body.hasSuffix("\n") { body.removeLast() }
            out.append(Substring(body))
            next = range.upperBound
        }
        out += lines[next...]
        return out.joined(separator: "\n")
    }

    public static func index(files: [String]) -> String {
        var s = indexMarker + "\n# Octet specification, version \(version)\n\n"
        s += "The normative definition of what Octet computes. Prose is written by hand; every table marked\n"
        s += "`octet:generated` is produced by `octet spec --out Specs/` from the library, and a test\n"
        s += "regenerates them and fails on any difference.\n\n"
        let titles: [String: String] = [
            "formats.md": "formats, encodings, decoding, rounding modes, overflow policies, profiles; value tables",
            "rounding.md": "every rounding mode and overflow policy with worked examples at ties and thresholds",
            "accumulation.md": "exact operations, accumulator models (exact, kulisch, float, truncated), Kulisch widths",
            "mx.md": "OCP MX blocks: scale rules, element quantization, block dot product",
            "quantization.md": "affine INT and FP quantizers, ONNX/PyTorch arithmetic, FP8 → INT8",
            "vectors.md": "the golden-vector file format and the curated set",
            "blocks.md": "block-scaled tensors: NVFP4, MX, FP8 block scaling, group-wise INT4/INT8; exact definitions and worked examples",
            "hardware.md": "the gate-count model and the paper reproduction",
            "peers.md": "conformance of ml_dtypes, gfloat, ONNX, PyTorch and CUDA 12.9 host code against Octet, and the peer bugs found",
        ]
        for f in files.sorted() where f != "README.md" {
            s += "- [`\(f)`](\(f)) — \(titles[f] ?? "")\n"
        }
        return s
    }

    static func blockSchemes() -> String {
        table(["scheme", "element", "block", "scale", "tensor scale", "zero point", "packing (4-bit)"], BlockSchemes.all.map { s in
            var scale = "`\(s.scaleFormat.name)`", tensor = "–", zero = "–"
            switch s.scaling {
            case .mx(let r): scale += " (rule \(r.rawValue))"
            case .e4m3(let t): scale += " = E4M3(amax/(6·s_t))"; if t { tensor = "binary32 fl32(amax/2688)" }
            case .float32: scale += " fl32(amax/448)"
            case .integer(let z):
                scale += z == .symmetric ? " fl32(amax/qmax)" : " fl32((hi−lo)/(qmax−qmin))"
                if z == .integer { zero = "`\(s.element.name)` RNE(−lo/s)" } else if z == .float { zero = "binary32 fl32(−lo/s)" }
            }
            return ["`\(s.name)`", s.mxInt8 ? "MXINT8 (int8 · 2^-6)" : "`\(s.element.name)`", "\(s.blockRows)×\(s.blockCols)", scale, tensor, zero,
                    s.element.bits == 4 ? s.packing.rawValue : "–"]
        })
    }

    /// Small tensors quantized by the library: the values, scales and codes of Specs/blocks.md §4.
    static func blockExamples() -> String {
        func v(_ xs: [String]) -> [ExactValue] { xs.map { try! ValueParser.parse($0) } }
        let cases: [(String, [[String]])] = [
            ("nvfp4", [["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "-100"]]),
            ("nvfp4_1level", [["0.1", "-0.25", "0.3", "-0"]]),
            ("mxfp4", [["0.1", "-0.25", "0.3", "6.5"]]),
            ("mxfp8_e4m3", [["1", "300", "-0.001", "1e-9"]]),
            ("fp8_1x128", [["1", "2", "-3", "0"]]),
            ("fp8_1x128_pow2", [["1", "2", "-3", "0"]]),
            ("int4_g128", [["1", "2", "3", "-4"]]),
            ("int4_g128_asym", [["1", "2", "3", "-4"]]),
            ("int4_g128_asymf", [["1", "2", "3", "-4"]]),
        ]
        var rows: [[String]] = []
        for (name, tensor) in cases {
            let s = try! BlockSchemes.named(name)
            let t = try! s.quantize(tensor.map(v))
            let sf = s.scaleFormat
            var scales = t.rowScales(0).map { "\(sf.hex($0)) = \(sf.value(ofCode: $0))" }.joined(separator: "; ")
            if let ts = t.tensorScale { scales = "s_t \(BlockScheme.tensorScaleFormat.hex(Int(ts))) = \(BlockScheme.tensorScaleFormat.value(ofCode: Int(ts))); " + scales }
            if let z = t.rowZeroPoints(0) {
                let zf: Format
                if case .integer(.float) = s.scaling { zf = sf } else { zf = s.element }
                scales += "; z " + z.map { "\(zf.hex($0)) = \(zf.value(ofCode: $0))" }.joined(separator: "; ")
            }
            rows.append(["`\(name)`", tensor[0].joined(separator: ", "), scales, t.codes[0].map { s.element.hex($0) }.joined(separator: " "),
                         t.dequantize()[0].map(\.description).joined(separator: ", ")])
        }
        return table(["scheme", "values", "scales", "codes", "dequantized (exact)"], rows)
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var s = "| " + header.joined(separator: " | ") + " |\n"
        s += "|" + String(repeating: " --- |", count: header.count) + "\n"
        for r in rows { s += "| " + r.joined(separator: " | ") + " |\n" }
        return s
    }

    static func codes(_ f: Format, _ list: [Int]) -> String {
        list.isEmpty ? "–" : list.map { f.hex($0) }.joined(separator: ", ")
    }

    static func formatRegistry() -> String {
        table(["name", "aliases", "bits", "s/E/M", "bias", "Inf", "NaN", "max", "min normal", "min subnormal", "−0"],
              FormatRegistry.all.map { f in
                  let x = f.facts
                  let nan = x.nanCodes.count > 4 ? "\(x.nanCodes.count) codes: \(f.hex(x.nanCodes.first!))…" : codes(f, x.nanCodes)
                  return ["`\(f.name)`", f.aliases.map { "`\($0)`" }.joined(separator: ", "), "\(f.bits)",
                          x.exponentBits.map { "\(x.signBits)/\($0)/\(x.mantissaBits!)" } ?? (f.taperedLayout.map {
                              "1/tapered/\($0.mantissaWidths.lowerBound)–\($0.mantissaWidths.upperBound)" } ?? "int"), x.bias.map(String.init) ?? "–",
                          codes(f, x.infinityCodes), nan, x.maxFinite.description, x.minNormal?.description ?? "–",
                          x.minSubnormal?.description ?? "–", x.hasNegativeZero ? "yes" : "no"]
              })
    }

    static func valueTables() -> String {
        var s = ""
        for f in FormatRegistry.all {
            s += "\n#### `\(f.name)`\n\n"
            let cols = f.bits <= 4 ? 4 : 8
            var rows: [[String]] = []
            var c = 0
            while c < f.codeCount {
                var row = ["\(f.hex(c))"]
                for k in 0 ..< cols where c + k < f.codeCount { row.append(f.value(ofCode: c + k).description) }
                while row.count < cols + 1 { row.append("") }
                rows.append(row)
                c += cols
            }
            s += table(["codes"] + (0 ..< cols).map { "+\($0)" }, rows)
        }
        return s
    }

    static func encodeText(_ f: Format, _ x: ExactValue, _ m: RoundingMode, _ p: OverflowPolicy) -> String {
        guard let e = try? f.encode(x, rounding: m, overflow: p) else { return "error" }
        return "\(f.hex(e.code)) (\(f.value(ofCode: e.code)))"
    }

    static func roundingExamples() -> String {
        let cases: [(String, String)] = [
            ("float8_e4m3fn", "1.0625"), ("float8_e4m3fn", "1.1875"), ("float8_e4m3fn", "-1.0625"),
            ("float8_e4m3fn", "0.0009765625"), ("float8_e4m3fn", "0.0029296875"), ("float8_e4m3fn", "464"),
            ("float8_e5m2", "61440"), ("float8_e5m2", "1.125"), ("binary8p4se", "232"),
            ("float8_e8m0fnu", "3"), ("float8_e8m0fnu", "1.5"), ("float8_e8m0fnu", "6"),
            ("float4_e2m1fn", "2.5"), ("float4_e2m1fn", "5"), ("binary8p1se", "3"), ("int4", "2.5"), ("int4", "-2.5"),
        ]
        let modes: [RoundingMode] = [.rne, .rna, .rtz, .rup, .rdown, .rto]
        return table(["format", "x"] + modes.map { "`\($0.rawValue)`" }, cases.map { name, v in
            let f = try! FormatRegistry.named(name)
            let x = try! ValueParser.parse(v)
            return ["`\(name)`", v] + modes.map { encodeText(f, x, $0, .saturate) }
        })
    }

    static func overflowExamples() -> String {
        let cases: [(String, String, RoundingMode)] = [
            ("float8_e4m3fn", "500", .rne), ("float8_e4m3fn", "500", .rtz), ("float8_e4m3fn", "inf", .rne), ("float8_e4m3fn", "-inf", .rne),
            ("float8_e5m2", "65536", .rne), ("float8_e5m2", "65536", .rtz), ("float8_e5m2", "inf", .rne),
            ("float8_e4m3fnuz", "1000", .rne), ("float8_e4m3fnuz", "inf", .rne),
            ("binary8p4se", "300", .rne), ("binary8p4se", "300", .rto), ("binary8p4sf", "300", .rne), ("binary8p4sf", "inf", .rne),
            ("binary8p5ue", "-3", .rne), ("binary8p5ue", "-3", .rtz), ("binary8p5ue", "-inf", .rne),
            ("float8_e8m0fnu", "0", .rne), ("float8_e8m0fnu", "-1", .rne), ("float4_e2m1fn", "100", .rne), ("int8", "300", .rne),
        ]
        let policies = OverflowPolicy.allCases
        return table(["format", "x", "mode"] + policies.map { "`\($0.rawValue)`" }, cases.map { name, v, m in
            let f = try! FormatRegistry.named(name)
            let x = try! ValueParser.parse(v)
            return ["`\(name)`", v, "`\(m.rawValue)`"] + policies.map { encodeText(f, x, m, $0) }
        })
    }

    static func kulischWidths() -> String {
        let pairs: [(String, String)] = [("int8", "int8"), ("fp8_e2m5", "fp8_e2m5"), ("fp8_e3m4", "fp8_e3m4"), ("fp8_e4m3", "fp8_e4m3"),
                                         ("fp8_e5m2", "fp8_e5m2"), ("float8_e4m3fn", "float8_e4m3fn"), ("float8_e5m2", "float8_e5m2"),
                                         ("float8_e4m3fn", "float8_e5m2"), ("float4_e2m1fn", "float4_e2m1fn"), ("int8", "int4")]
        return table(["A × B", "max \\|a·b\\|", "min \\|a·b\\| > 0", "lsb", "W for 2^0", "W for 2^12", "W for 2^20"], pairs.map { a, b in
            let fa = try! FormatRegistry.named(a), fb = try! FormatRegistry.named(b)
            let d0 = KulischDerivation.derive(fa, fb, termsLog2: 0), d12 = KulischDerivation.derive(fa, fb, termsLog2: 12),
                d20 = KulischDerivation.derive(fa, fb, termsLog2: 20)
            return ["`\(a)` × `\(b)`", ExactValue(d0.maxAbsProduct).description, ExactValue(d0.minAbsProduct).description,
                    "2^\(d0.register.lsbExponent)", "\(d0.register.width)", "\(d12.register.width)", "\(d20.register.width)"]
        })
    }

    static func mxScaleExamples() -> String {
        let amaxes = ["1", "448", "449", "7.99", "6", "127.9999", "957", "0.75"]
        let elements = ["float8_e4m3fn", "float8_e5m2", "float4_e2m1fn"]
        var rows: [[String]] = []
        for e in elements {
            let f = try! FormatRegistry.named(e)
            for a in amaxes {
                let r = try! ValueParser.parse(a).rational!
                rows.append(["`\(e)`", a] + MXScaleRule.allCases.map { rule in
                    let q = try! MXQuantizer(element: f, rule: rule)
                    guard let x = q.sharedExponent(amax: r) else { return "NaN" }
                    let p = (try? f.encode(ExactValue(r.timesPowerOfTwo(-x)), overflow: .saturate).code).map { f.value(ofCode: $0).description } ?? "?"
                    return "2^\(x) → \(p)"
                })
            }
        }
        return table(["element", "amax"] + MXScaleRule.allCases.map { "`\($0.rawValue)`: X → amax/X in the element" }, rows)
    }

    static func coverageTable() -> String {
        let names = ["fp8_e2m5", "fp8_e3m4", "fp8_e4m3", "fp8_e5m2", "float8_e4m3fn", "float8_e5m2"]
        return table(["format", "best scale", "exact codes", "threshold t", "range fraction (max − t)/max"], names.map { n in
            let c = FP8ToINT8.bestCoverage(of: try! FormatRegistry.named(n))
            let frac = c.rangeFraction
            return ["`\(n)`", "2^\(c.scaleExponent)", "\(c.exactCodes) of \(c.finiteCodes)", ExactValue(c.threshold).description,
                    "\(frac) ≈ \(Double(frac.numerator.description)! / Double(frac.denominator.description)!)"]
        })
    }
}
