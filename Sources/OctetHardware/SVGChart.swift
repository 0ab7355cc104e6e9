import Foundation

/// How `octet area` and `octet accuracy` print numbers: tables, JSON and the SVG labels use the
/// same functions, so the charts show the numbers of the tables.
public enum HardwareNumber {
    /// Gate counts: whole numbers as integers, per-product shares of MX block logic to 0.1.
    public static func gates(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        if r == r.rounded() { return String(Int(r)) }
        return String(format: "%.1f", r)
    }
    /// Ratios to the INT8 baseline, 3 decimals.
    public static func ratio(_ x: Double) -> String { String(format: "%.3f", x) }
    /// Bits of accuracy, 2 decimals.
    public static func bits(_ x: Double) -> String { String(format: "%.2f", x) }
}

/// Hand-written SVG bar charts (no dependencies): stacked bars in the style of the paper's
/// Figure 3 and grouped bars in the style of its Figure 5. Every bar carries its value as text.
public enum SVGChart {
    public struct StackedBar: Sendable {
        public let label: String
        public let segments: [Double]
        public let total: Double
        /// The paper's value, drawn as a marker when present.
        public let reference: Double?
        public init(label: String, segments: [Double], total: Double, reference: Double?) {
            self.label = label
            self.segments = segments
            self.total = total
            self.reference = reference
        }
    }

    public struct Group<Bar: Sendable>: Sendable {
        public let label: String
        public let bars: [Bar]
        public init(label: String, bars: [Bar]) {
            self.label = label
            self.bars = bars
        }
    }

    public struct ValueBar: Sendable {
        public let label: String
        public let value: Double
        public let reference: Double?
        public init(label: String, value: Double, reference: Double?) {
            self.label = label
            self.value = value
            self.reference = reference
        }
    }

    static let segmentColours = ["#1f3a93", "#1a9e8f", "#9e9e9e"]
    static let seriesColours = ["#1f3a93", "#2e86de", "#1a9e8f", "#e67e22", "#8e44ad", "#c0392b", "#7f8c8d", "#27ae60"]
    static let lineDashes = ["", "6 3", "2 3", "8 3 2 3"]

    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    static func f(_ x: Double) -> String { String(format: "%.1f", x) }

    /// A tick step of 1, 2 or 5 × 10^k giving 4 to 10 grid lines.
    static func niceStep(_ maxValue: Double) -> Double {
        let raw = max(maxValue, 1e-9) / 5
        let mag = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        for m in [1.0, 2, 5, 10] where m * mag >= raw { return m * mag }
        return 10 * mag
    }

    static func header(width: Double, height: Double, title: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif">
        <title>\(escape(title))</title>
        <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="#ffffff"/>
        <text x="\(f(width / 2))" y="24" font-size="16" text-anchor="middle" font-weight="bold">\(escape(title))</text>

        """
    }

    static func axes(left: Double, top: Double, plotWidth: Double, plotHeight: Double, maxValue: Double, step: Double,
                     yLabel: String, format: (Double) -> String) -> String {
        var s = ""
        var v = 0.0
        while v <= maxValue + step / 1000 {
            let y = top + plotHeight - v / maxValue * plotHeight
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\" stroke=\"#dddddd\" stroke-width=\"1\"/>\n"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" font-size=\"11\" text-anchor=\"end\">\(escape(format(v)))</text>\n"
            v += step
        }
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" stroke=\"#333333\"/>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" stroke=\"#333333\"/>\n"
        let cy = top + plotHeight / 2
        s += "<text x=\"16\" y=\"\(f(cy))\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(cy)))\">\(escape(yLabel))</text>\n"
        return s
    }

    /// Stacked bars: groups of bars, each bar stacked from `segmentNames` (bottom first), its
    /// total on top and each segment's value inside it (or in its tooltip when it is too thin).
    /// When `seriesNames` is given, a line joins the totals of the i-th bar of every group.
    public static func stackedBars(title: String, yLabel: String, groups: [Group<StackedBar>], segmentNames: [String],
                                   seriesNames: [String]?, format: (Double) -> String) -> String {
        let barCount = groups.reduce(0) { $0 + $1.bars.count }
        let barWidth = 34.0, barGap = 8.0, groupGap = 30.0
        let left = 70.0, top = 70.0, plotHeight = 400.0
        let plotWidth = Double(barCount) * (barWidth + barGap) + Double(groups.count) * groupGap + groupGap
        let legendWidth = 180.0
        let width = max(left + plotWidth + legendWidth, Double(title.count) * 9 + 40), height = top + plotHeight + 70
        let peak = groups.flatMap(\.bars).map { max($0.total, $0.reference ?? 0) }.max() ?? 1
        let step = niceStep(peak)
        let maxValue = Foundation.ceil(peak / step) * step
        func y(_ v: Double) -> Double { top + plotHeight - v / maxValue * plotHeight }

        var s = header(width: width, height: height, title: title)
        s += axes(left: left, top: top, plotWidth: plotWidth, plotHeight: plotHeight, maxValue: maxValue, step: step,
                  yLabel: yLabel, format: format)
        var x = left + groupGap
        var seriesPoints: [[(Double, Double)]] = Array(repeating: [], count: seriesNames?.count ?? 0)
        for g in groups {
            let groupStart = x
            for (i, bar) in g.bars.enumerated() {
                var base = 0.0
                var tooltip = "\(g.label) \(bar.label):"
                for (k, v) in bar.segments.enumerated() {
                    tooltip += " \(segmentNames[k]) \(format(v)),"
                }
                tooltip += " total \(format(bar.total))"
                if let r = bar.reference { tooltip += " (paper \(format(r)))" }
                s += "<g>\n<title>\(escape(tooltip))</title>\n"
                for (k, v) in bar.segments.enumerated() {
                    let y0 = y(base), y1 = y(base + v)
                    s += "<rect x=\"\(f(x))\" y=\"\(f(y1))\" width=\"\(f(barWidth))\" height=\"\(f(max(0, y0 - y1)))\" fill=\"\(segmentColours[k % segmentColours.count])\"/>\n"
                    if y0 - y1 >= 13 {
                        s += "<text x=\"\(f(x + barWidth / 2))\" y=\"\(f((y0 + y1) / 2 + 4))\" font-size=\"9\" fill=\"#ffffff\" text-anchor=\"middle\">\(escape(format(v)))</text>\n"
                    }
                    base += v
                }
                s += "<text x=\"\(f(x + barWidth / 2))\" y=\"\(f(y(max(bar.total, bar.reference ?? 0)) - 5))\" font-size=\"10\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(format(bar.total)))</text>\n"
                if let r = bar.reference {
                    s += "<line x1=\"\(f(x - 3))\" y1=\"\(f(y(r)))\" x2=\"\(f(x + barWidth + 3))\" y2=\"\(f(y(r)))\" stroke=\"#d62728\" stroke-width=\"2\"><title>\(escape("paper (digitized) \(format(r))"))</title></line>\n"
                }
                s += "<text x=\"\(f(x + barWidth / 2))\" y=\"\(f(top + plotHeight + 14))\" font-size=\"10\" text-anchor=\"middle\">\(escape(bar.label))</text>\n"
                s += "</g>\n"
                if i < seriesPoints.count { seriesPoints[i].append((x + barWidth / 2, y(bar.total))) }
                x += barWidth + barGap
            }
            s += "<text x=\"\(f((groupStart + x - barGap) / 2))\" y=\"\(f(top + plotHeight + 34))\" font-size=\"12\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(g.label))</text>\n"
            x += groupGap
        }
        for (i, pts) in seriesPoints.enumerated() where pts.count > 1 {
            let dash = lineDashes[i % lineDashes.count]
            s += "<polyline points=\"\(pts.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " "))\" fill=\"none\" stroke=\"#444444\" stroke-width=\"1.2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
        }
        // Legend.
        var ly = top
        let lx = left + plotWidth + 20
        for (k, name) in segmentNames.enumerated() {
            s += "<rect x=\"\(f(lx))\" y=\"\(f(ly))\" width=\"14\" height=\"14\" fill=\"\(segmentColours[k % segmentColours.count])\"/>\n"
            s += "<text x=\"\(f(lx + 20))\" y=\"\(f(ly + 11))\" font-size=\"12\">\(escape(name))</text>\n"
            ly += 22
        }
        if let names = seriesNames {
            for (i, name) in names.enumerated() {
                let dash = lineDashes[i % lineDashes.count]
                s += "<line x1=\"\(f(lx))\" y1=\"\(f(ly + 7))\" x2=\"\(f(lx + 14))\" y2=\"\(f(ly + 7))\" stroke=\"#444444\" stroke-width=\"1.2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
                s += "<text x=\"\(f(lx + 20))\" y=\"\(f(ly + 11))\" font-size=\"12\">\(escape(name))</text>\n"
                ly += 22
            }
        }
        if groups.flatMap(\.bars).contains(where: { $0.reference != nil }) {
            s += "<line x1=\"\(f(lx))\" y1=\"\(f(ly + 7))\" x2=\"\(f(lx + 14))\" y2=\"\(f(ly + 7))\" stroke=\"#d62728\" stroke-width=\"2\"/>\n"
            s += "<text x=\"\(f(lx + 20))\" y=\"\(f(ly + 11))\" font-size=\"12\">paper (digitized)</text>\n"
        }
        return s + "</svg>\n"
    }

    /// Grouped bars: one colour per series (the i-th bar of every group), the value on top of
    /// each bar, and the paper's value as a red tick where present.
    public static func groupedBars(title: String, yLabel: String, groups: [Group<ValueBar>], seriesNames: [String],
                                   format: (Double) -> String) -> String {
        let barWidth = 30.0, barGap = 4.0, groupGap = 36.0
        let left = 60.0, top = 70.0, plotHeight = 360.0
        let barCount = groups.reduce(0) { $0 + $1.bars.count }
        let plotWidth = Double(barCount) * (barWidth + barGap) + Double(groups.count) * groupGap + groupGap
        let legendWidth = 170.0
        let width = max(left + plotWidth + legendWidth, Double(title.count) * 9 + 40), height = top + plotHeight + 50
        let peak = groups.flatMap(\.bars).map { max($0.value, $0.reference ?? 0) }.max() ?? 1
        let step = niceStep(peak) >= 1 ? niceStep(peak) : 1
        let maxValue = Foundation.ceil(peak / step) * step
        func y(_ v: Double) -> Double { top + plotHeight - max(0, v) / maxValue * plotHeight }

        var s = header(width: width, height: height, title: title)
        s += axes(left: left, top: top, plotWidth: plotWidth, plotHeight: plotHeight, maxValue: maxValue, step: step,
                  yLabel: yLabel, format: { String(format: "%g", $0) })
        var x = left + groupGap
        for g in groups {
            let groupStart = x
            for (i, bar) in g.bars.enumerated() {
                var tooltip = "\(g.label), \(bar.label): \(format(bar.value))"
                if let r = bar.reference { tooltip += " (paper \(format(r)))" }
                s += "<g>\n<title>\(escape(tooltip))</title>\n"
                s += "<rect x=\"\(f(x))\" y=\"\(f(y(bar.value)))\" width=\"\(f(barWidth))\" height=\"\(f(top + plotHeight - y(bar.value)))\" fill=\"\(seriesColours[i % seriesColours.count])\"/>\n"
                s += "<text x=\"\(f(x + barWidth / 2))\" y=\"\(f(y(max(bar.value, bar.reference ?? 0)) - 5))\" font-size=\"10\" text-anchor=\"middle\">\(escape(format(bar.value)))</text>\n"
                if let r = bar.reference {
                    s += "<line x1=\"\(f(x - 2))\" y1=\"\(f(y(r)))\" x2=\"\(f(x + barWidth + 2))\" y2=\"\(f(y(r)))\" stroke=\"#d62728\" stroke-width=\"2\"><title>\(escape("paper (digitized) \(format(r))"))</title></line>\n"
                }
                s += "</g>\n"
                x += barWidth + barGap
            }
            s += "<text x=\"\(f((groupStart + x - barGap) / 2))\" y=\"\(f(top + plotHeight + 20))\" font-size=\"12\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(g.label))</text>\n"
            x += groupGap
        }
        var ly = top
        let lx = left + plotWidth + 20
        for (i, name) in seriesNames.enumerated() {
            s += "<rect x=\"\(f(lx))\" y=\"\(f(ly))\" width=\"14\" height=\"14\" fill=\"\(seriesColours[i % seriesColours.count])\"/>\n"
            s += "<text x=\"\(f(lx + 20))\" y=\"\(f(ly + 11))\" font-size=\"12\">\(escape(name))</text>\n"
            ly += 22
        }
        if groups.flatMap(\.bars).contains(where: { $0.reference != nil }) {
            s += "<line x1=\"\(f(lx))\" y1=\"\(f(ly + 7))\" x2=\"\(f(lx + 14))\" y2=\"\(f(ly + 7))\" stroke=\"#d62728\" stroke-width=\"2\"/>\n"
            s += "<text x=\"\(f(lx + 20))\" y=\"\(f(ly + 11))\" font-size=\"12\">paper (digitized)</text>\n"
        }
        return s + "</svg>\n"
    }
}
