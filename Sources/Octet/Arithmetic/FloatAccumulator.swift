import OctetExact

/// The order in which a floating accumulator adds its terms.
public enum SummationOrder: Sendable, Hashable {
    /// acc = +0; for i in 0..<n: acc = round(acc + term_i).
    case sequential
    /// A balanced tree: sum(x[0..<n]) = round(sum(first ⌈n/2⌉) + sum(rest)); one term is itself.
    case pairwise
    /// L partial sums, element i to lane i mod L (each lane sequential from +0), then the lanes are
    /// reduced by folding halves while L is a power of two — lane[j] = round(lane[j] + lane[j + L/2])
    /// for j < L/2, repeated — which is what a SIMD horizontal sum does; for other L, sequentially
    /// lane 0 + lane 1 + ….
    case lanes(Int)
}

/// A floating-point accumulator: every addition is rounded into `format` with `rounding`, and
/// overflow follows `overflow` (IEEE formats: ±Inf). Products are rounded into the accumulator
/// format first unless `fused`, in which case each product enters its first addition exactly
/// (sequential and lanes: acc = round(acc + a·b), an FMA; pairwise: the leaves are exact and a
/// node rounds the exact sum of its two children).
public struct FloatAccumulator: Sendable, Hashable {
    public let format: Format
    public let order: SummationOrder
    public let fused: Bool
    public let rounding: RoundingMode
    public let overflow: OverflowPolicy

    public init(format: Format, order: SummationOrder, fused: Bool = false, rounding: RoundingMode = .rne,
                overflow: OverflowPolicy = .ovfinf) {
        self.format = format
        self.order = order
        self.fused = fused
        self.rounding = rounding
        self.overflow = overflow
    }

    func roundInto(_ x: Operand) throws(EncodeError) -> Operand {
        let e = try format.encode(x.exactValue, rounding: rounding, overflow: overflow)
        return format.operand(ofCode: e.code)
    }

    func add(_ x: Operand, _ y: Operand) throws(EncodeError) -> Operand {
        try roundInto(ExactArithmetic.sum([x, y], rounding: rounding))
    }

    /// Sums exact products in the declared order; the result is a value of `format`. `initial`
    /// (C of D = A·B + C, rounded into `format` first) is where `sequential` and lane 0 of
    /// `lanes` start instead of +0; `pairwise` adds it to the tree's sum in one more rounding.
    public func accumulate(_ products: [Operand], initial: Operand? = nil) throws(EncodeError) -> Operand {
        var terms: [Operand] = []
        terms.reserveCapacity(products.count)
        if fused { terms = products } else {
            for p in products { terms.append(try roundInto(p)) }
        }
        let zero = Operand.finite(.zero, negativeZero: false)
        let start = try initial.map(roundInto) ?? zero
        switch order {
        case .sequential:
            return try sequential(terms, from: start)
        case .pairwise:
            if terms.isEmpty { return start }
            let tree = try pairwise(terms[...])
            return initial == nil ? tree : try add(start, tree)
        case .lanes(let l):
            var lanes: [Operand] = []
            for j in 0 ..< l {
                lanes.append(try sequential(Array(stride(from: j, to: terms.count, by: l).map { terms[$0] }), from: j == 0 ? start : zero))
            }
            if l & (l - 1) == 0 {
                var width = l
                while width > 1 {
                    width /= 2
                    for j in 0 ..< width { lanes[j] = try add(lanes[j], lanes[j + width]) }
                }
                return lanes[0]
            }
            var acc = lanes[0]
            for j in 1 ..< l { acc = try add(acc, lanes[j]) }
            return acc
        }
    }

    private func sequential(_ terms: [Operand], from start: Operand) throws(EncodeError) -> Operand {
        var acc = start
        for t in terms { acc = try add(acc, t) }
        return acc
    }

    private func pairwise(_ terms: ArraySlice<Operand>) throws(EncodeError) -> Operand {
        if terms.count == 1 { return fused ? try roundInto(terms.first!) : terms.first! }
        let mid = terms.startIndex + (terms.count + 1) / 2
        // With fused products the leaves stay exact: a node of two leaves rounds their exact sum.
        let left = mid - terms.startIndex == 1 ? terms[terms.startIndex] : try pairwise(terms[..<mid])
        let right = terms.endIndex - mid == 1 ? terms[mid] : try pairwise(terms[mid...])
        return try add(left, right)
    }
}
