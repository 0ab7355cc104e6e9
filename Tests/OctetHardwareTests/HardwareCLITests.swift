// The command-line contracts of `octet area` and `octet accuracy` (Sources/octet/HardwareCommands.swift):
// JSON fields and values, and SVG charts that parse as XML and show the numbers of the tables.

import OctetTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import OctetHardware
import Testing

/// Collects the character data of every <text> and <title> element.
final class SVGTextCollector: NSObject, XMLParserDelegate {
    var texts: [String] = []
    var titles: [String] = []
    var elementCount = 0
    var rootName: String?
    private var stack: [String] = []
    private var buffer = ""

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String] = [:]) {
        if rootName == nil { rootName = elementName }
        elementCount += 1
        stack.append(elementName)
        buffer = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if elementName == "text" { texts.append(buffer) }
        if elementName == "title" { titles.append(buffer) }
        buffer = ""
        stack.removeLast()
    }

    static func parse(_ data: Data) throws -> SVGTextCollector {
        let parser = XMLParser(data: data)
        let c = SVGTextCollector()
        parser.delegate = c
        guard parser.parse() else {
            throw NSError(domain: "svg", code: 1, userInfo: [NSLocalizedDescriptionKey: "not well-formed XML: \(String(describing: parser.parserError))"])
        }
        return c
    }
}

func temporaryFile(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("octet-\(ProcessInfo.processInfo.processIdentifier)-\(name)").path
}

func number(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }

@Suite struct HardwareCLIArea {
    @Test func jsonAndSVG() throws {
        let svgPath = temporaryFile("area.svg")
        defer { try? FileManager.default.removeItem(atPath: svgPath) }
        let rows = try OctetBinary.json(["area", "--json", "--svg", svgPath])
        let paper = rows.filter { $0["section"] as? String == "paper" }
        try #require(paper.count == 15)
        #expect(Set(paper.compactMap { $0["inputs"] as? String }) == ["int8", "fp8_e2m5", "fp8_e3m4", "fp8_e4m3", "fp8_e5m2"])
        #expect(Set(paper.compactMap { $0["accumulator"] as? String }) == ["fx+12", "fp16", "fp32"])
        func row(_ inputs: String, _ acc: String) -> [String: Any]? {
            paper.first { $0["inputs"] as? String == inputs && $0["accumulator"] as? String == acc }
        }
        for r in rows {
            let mpy = number(r["mpy"])!, alignadd = number(r["alignadd"])!, normacc = number(r["normacc"])!, total = number(r["total"])!
            #expect(abs(mpy + alignadd + normacc - total) < 0.2, "\(r["label"] ?? "")")
            #expect(number(r["ratio"]) != nil && r["symmetric"] is Bool && r["widths"] is [String: Any])
            let comps = try #require(r["components"] as? [[String: Any]])
            let sum = comps.reduce(0.0) { $0 + number($1["gates"])! / number($1["shared_by"])! }
            #expect(abs(sum - total) < 0.06)
        }
        let base = try #require(row("int8", "fx+12"))
        #expect(base["symmetric"] as? Bool == true && number(base["ratio"]) == 1 && number(base["accumulator_bits"]) == 27)
        #expect(abs(number(row("fp8_e4m3", "fp16")?["ratio"])! - 1.53) <= 0.02)
        #expect(abs(number(row("fp8_e4m3", "fp32")?["ratio"])! - 2.83) <= 0.05)
        #expect(number(row("fp8_e4m3", "fx+12")?["accumulator_bits"]) == 49)
        for r in paper {
            let p = try #require(r["paper"] as? [String: Any])
            let dev = abs(number(r["total"])! / number(p["total"])! - 1)
            let fixed = r["accumulator"] as? String == "fx+12"
            // INT8 → FX+12: 1 % plus the figure's 0.5 px zero-line uncertainty (Figure3Tests.swift).
            let int8Allowance = r["inputs"] as? String == "int8" ? 0.5 * 500 / 82 / number(p["total"])! : 0
            #expect(dev <= (fixed ? 0.01 + int8Allowance : 0.03), "\(r["label"] ?? "")")
            #expect(abs(number(r["deviation"])! - (number(r["total"])! / number(p["total"])! - 1)) < 1e-4)
        }
        // Beyond the paper, as rows of the same table.
        let beyond = rows.filter { $0["section"] as? String == "beyond" }
        let accs = Set(beyond.compactMap { $0["accumulator"] as? String })
        #expect(accs.isSuperset(of: ["int32", "mx32:fp32", "bf16", "fx+0", "fx+24"]))
        let inputs = Set(beyond.compactMap { $0["inputs"] as? String })
        #expect(inputs.isSuperset(of: ["int8", "int4×int8", "float8_e4m3fn", "float8_e5m2", "binary8p4se"]))

        // The chart: well-formed SVG whose labels are the table's numbers.
        let svg = try SVGTextCollector.parse(try Data(contentsOf: URL(fileURLWithPath: svgPath)))
        #expect(svg.rootName == "svg")
        let texts = Set(svg.texts), titles = svg.titles.joined(separator: "\n")
        for r in paper {
            let total = HardwareNumber.gates(number(r["total"])!)
            #expect(texts.contains(total), "total \(total) of \(r["label"] ?? "") in the chart")
            for part in ["mpy", "alignadd", "normacc"] {
                let v = HardwareNumber.gates(number(r[part])!)
                #expect(titles.contains("\(part) \(v)"), "\(part) \(v) of \(r["label"] ?? "")")
            }
        }
        for label in ["INT8", "E2", "E3", "E4", "E5", "FX+12 acc", "FP16 acc", "FP32 acc"] { #expect(texts.contains(label)) }
    }

    @Test func textTableShowsTheSameNumbers() throws {
        let out = try OctetBinary.succeed(["area"])
        let line = try #require(out.split(separator: "\n").first { $0.contains("E4 → FP32") })
        let d = try MACDatapath.build(Figure3.configuration(input: 3, accumulator: 2))
        #expect(line.contains(HardwareNumber.gates(d.total)) && line.contains("2043"))
        #expect(out.contains("note: E5 → FP16"))
    }

    @Test func oneConfiguration() throws {
        let rows = try OctetBinary.json(["area", "--a", "float8_e4m3fn", "--acc", "bf16", "--json"])
        try #require(rows.count == 1)
        #expect(rows[0]["inputs"] as? String == "float8_e4m3fn" && rows[0]["accumulator"] as? String == "bf16")
        #expect(rows[0]["paper"] is NSNull)
        let w4a8 = try OctetBinary.json(["area", "--a", "int4", "--b", "int8", "--acc", "int32", "--json"])
        #expect(w4a8.first?["inputs"] as? String == "int4×int8" && number(w4a8.first?["accumulator_bits"]) == 32)
        let bad = try OctetBinary.run(["area", "--a", "nosuchformat", "--acc", "fp16"])
        #expect(bad.status != 0 && bad.stderr.contains("nosuchformat"))
        let narrow = try OctetBinary.run(["area", "--a", "fp8_e4m3", "--acc", "int32"])
        #expect(narrow.status != 0)
    }
}

@Suite struct HardwareCLIAccuracy {
    static let figure5: [String: [String: Double]] = [
        "uniform": ["int8": 7.98, "fp8_e2m5": 7.34, "fp8_e3m4": 6.41, "fp8_e4m3": 5.43, "fp8_e5m2": 4.46],
        "gaussian": ["int8": 6.72, "fp8_e2m5": 7.08, "fp8_e3m4": 6.23, "fp8_e4m3": 5.23, "fp8_e5m2": 4.24],
        "student-t3": ["int8": 2.88, "fp8_e2m5": 3.21, "fp8_e3m4": 4.19, "fp8_e4m3": 5.16, "fp8_e5m2": 4.24],
    ]

    @Test func jsonAndSVG() throws {
        let svgPath = temporaryFile("accuracy.svg")
        defer { try? FileManager.default.removeItem(atPath: svgPath) }
        let rows = try OctetBinary.json(["accuracy", "--json", "--svg", svgPath])
        let paper = rows.filter { $0["section"] as? String == "paper" }
        try #require(paper.count == 15)
        for r in paper {
            let format = try #require(r["format"] as? String), dist = try #require(r["distribution"] as? String)
            let expected = try #require(Self.figure5[dist]?[format])
            let bits = try #require(number(r["bits"]))
            #expect(abs(bits - expected) <= 0.05, "\(format) \(dist): \(bits) vs \(expected)")
            #expect(number(r["paper"]) == expected)
            #expect(r["symmetric"] as? Bool == (format == "int8"))
        }
        #expect(rows.contains { $0["distribution"] as? String == "laplace" && $0["format"] as? String == "float8_e4m3fn" })
        let svg = try SVGTextCollector.parse(try Data(contentsOf: URL(fileURLWithPath: svgPath)))
        #expect(svg.rootName == "svg")
        let texts = Set(svg.texts)
        for r in paper {
            let label = HardwareNumber.bits(number(r["bits"])!)
            #expect(texts.contains(label), "\(label) in the chart")
        }
        for label in ["Uniform", "Normal", "Student-t (ν=3)", "INT8", "E4"] { #expect(texts.contains(label)) }
    }

    @Test func onRequestAndCoverage() throws {
        let rows = try OctetBinary.json(["accuracy", "--format", "int4", "--distribution", "gaussian", "--json"])
        try #require(rows.count == 1)
        #expect(rows[0]["format"] as? String == "int4" && rows[0]["distribution"] as? String == "gaussian")
        #expect(abs(number(rows[0]["bits"])! - 3.2) < 0.1)
        let text = try OctetBinary.succeed(["accuracy", "--format", "fp8_e4m3", "--distribution", "student-t3"])
        #expect(text.contains("5.16"))
        let bad = try OctetBinary.run(["accuracy", "--distribution", "gaussian"])
        #expect(bad.status != 0)
    }
}
