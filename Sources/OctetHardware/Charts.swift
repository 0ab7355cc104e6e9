/// The two charts of `octet area --svg` and `octet accuracy --svg`.
public enum HardwareCharts {
    /// Figure 3 style: one group per input, its bars the accumulators, stacked mpy / alignadd /
    /// normacc, the totals joined per accumulator when every group has the same accumulators.
    public static func area(_ rows: [AreaRow], title: String = "MAC gate counts, 2-input gate equivalents (Octet; cf. van Baalen et al. 2023, Fig. 3)") -> String {
        var groups: [(String, [AreaRow])] = []
        for r in rows {
            let key = groupLabel(r)
            if let i = groups.firstIndex(where: { $0.0 == key }) { groups[i].1.append(r) } else { groups.append((key, [r])) }
        }
        let chartGroups = groups.map { g in
            SVGChart.Group(label: g.0, bars: g.1.map { r in
                SVGChart.StackedBar(label: r.datapath.configuration.accumulator.name.uppercased(),
                                    segments: [r.datapath.mpy, r.datapath.alignadd, r.datapath.normacc],
                                    total: r.datapath.total, reference: r.paper.map { Double($0.total) })
            })
        }
        let accs = groups.first.map { $0.1.map { $0.datapath.configuration.accumulator.name } } ?? []
        let same = groups.allSatisfy { $0.1.map { $0.datapath.configuration.accumulator.name } == accs }
        return SVGChart.stackedBars(title: title, yLabel: "count of 2-input gates", groups: chartGroups,
                                    segmentNames: MACPart.allCases.map(\.rawValue),
                                    seriesNames: same && groups.count > 1 ? accs.map { "\($0.uppercased()) acc" } : nil,
                                    format: HardwareNumber.gates)
    }

    static func groupLabel(_ r: AreaRow) -> String {
        let c = r.datapath.configuration
        if r.section == .paper, let i = Figure3.inputNames.firstIndex(of: c.a.name) { return Figure3.inputLabels[i] }
        return c.inputs + (c.symmetric ? " (sym)" : "")
    }

    /// Figure 5 style: one group per distribution, one bar per format.
    public static func accuracy(_ rows: [AccuracyRow], title: String = "Bits of accuracy log2(σ/RMSE), MSE-optimal scale (Octet; cf. van Baalen et al. 2023, Fig. 5)") -> String {
        var formats: [String] = []
        var dists: [DataDistribution] = []
        for r in rows {
            if !formats.contains(formatLabel(r)) { formats.append(formatLabel(r)) }
            if !dists.contains(r.distribution) { dists.append(r.distribution) }
        }
        let groups = dists.map { d in
            SVGChart.Group(label: distributionLabel(d), bars: formats.compactMap { name in
                rows.first { $0.distribution == d && formatLabel($0) == name }.map {
                    SVGChart.ValueBar(label: name, value: $0.result.bits, reference: $0.paper)
                }
            })
        }
        return SVGChart.groupedBars(title: title, yLabel: "bits of accuracy", groups: groups, seriesNames: formats,
                                    format: HardwareNumber.bits)
    }

    static func formatLabel(_ r: AccuracyRow) -> String {
        if r.section == .paper, let i = Figure5.formatNames.firstIndex(of: r.operand.name) { return Figure5.formatLabels[i] }
        return r.operand.name
    }

    static func distributionLabel(_ d: DataDistribution) -> String {
        if let i = Figure5.distributions.firstIndex(of: d) { return Figure5.distributionLabels[i] }
        return d.rawValue
    }
}
