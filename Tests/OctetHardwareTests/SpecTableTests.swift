// Specs/hardware.md quotes the model's numbers; these tests keep the text and the code in step.

import Foundation
import OctetHardware
import Testing

@Suite struct HardwareSpecTables {
    static var spec: String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Specs/hardware.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    static func line(_ text: String, startingWith prefixes: [String]) -> String? {
        text.split(separator: "\n").first { l in prefixes.contains { l.hasPrefix($0) } }.map(String.init)
    }

    @Test func figure3TableMatchesTheModel() throws {
        let text = Self.spec
        for r in Figure3.paperRows() {
            let l = try #require(Self.line(text, startingWith: ["| \(r.label) |", "| **\(r.label)** |"]), "\(r.label)")
            let d = r.datapath, p = r.paper!
            #expect(l.contains("\(HardwareNumber.gates(d.mpy)) / \(p.mpy)"), "\(l)")
            #expect(l.contains("\(HardwareNumber.gates(d.alignadd)) / \(p.alignadd)"), "\(l)")
            #expect(l.contains("\(HardwareNumber.gates(d.normacc)) / \(p.normacc)"), "\(l)")
            #expect(l.contains("**\(HardwareNumber.gates(d.total))** / \(p.total)"), "\(l)")
            #expect(l.contains(HardwareNumber.ratio(r.ratio)), "\(l)")
        }
    }

    @Test func figure5TableMatchesTheModel() throws {
        let text = Self.spec
        let rows = AccuracyRow.paperRows()
        for (i, label) in ["uniform", "Gaussian", "Student-t ν = 3"].enumerated() {
            let l = try #require(Self.line(text, startingWith: ["| \(label) |"]), "\(label)")
            for r in rows where r.distribution == Figure5.distributions[i] {
                #expect(l.contains(String(format: "%.3f / %.2f", r.result.bits, r.paper!)), "\(l): \(r.operand.name)")
            }
        }
    }
}
