import PropertyBased
import Testing
@testable import OctetExact

/// `Rational`: normalization, field laws, ordering, floor/log2 and exact decimal printing, with
/// expected values from Swift's `Int128` arithmetic or written out by hand.
@Suite struct RationalTests {
    /// Random `n/d` with |n|, |d| < 2^31, so that cross products and sums of cross products
    /// of two of them fit comfortably in `Int128`.
    static func smallRational(_ rng: inout SplitMix64) -> (n: Int64, d: Int64) {
        let bits = 1 + Int(rng.next() % 31)
        let n = Int64(rng.next() >> UInt64(64 - bits)) * (rng.next() & 1 == 0 ? 1 : -1)
        var d: Int64 = 0
        while d == 0 {
            let dbits = 1 + Int(rng.next() % 31)
            d = Int64(rng.next() >> UInt64(64 - dbits)) * (rng.next() & 1 == 0 ? 1 : -1)
        }
        return (n, d)
    }

    static func make(_ p: (n: Int64, d: Int64)) -> Rational {
        Rational(numerator: BigInt(p.n), denominator: BigInt(p.d))!
    }

    /// The parts of a rational whose terms fit in Int128 (the tests keep them that small).
    static func parts(_ r: Rational) -> (n: Int128, d: Int128) {
        (Int128(r.numerator.toString())!, Int128(r.denominator.toString())!)
    }

    // MARK: Normalization

    static func checkNormalized(_ n: Int64, _ d: Int64) {
        guard let r = Rational(numerator: BigInt(n), denominator: BigInt(d)) else {
            #expect(d == 0)
            return
        }
        #expect(d != 0)
        let (rn, rd) = parts(r)
        #expect(rd > 0, "\(n)/\(d): positive denominator")
        // Same value: rn/rd == n/d  ⇔  rn·d == n·rd (both in Int128: |·| ≤ 2^126).
        #expect(rn * Int128(d) == Int128(n) * rd, "\(n)/\(d) keeps its value")
        // Lowest terms, by Euclid on the magnitudes.
        var a = rn.magnitude, b = rd.magnitude
        while b != 0 { (a, b) = (b, a % b) }
        #expect(a == 1, "\(n)/\(d) is in lowest terms")
        if n == 0 { #expect(rn == 0 && rd == 1) }
    }

    @Test func normalizationSweep() {
        var rng = SplitMix64(seed: 0x4A71_0001)
        for _ in 0..<sweepCount(3_000) {
            let n = rng.int64(), d = rng.int64()
            Self.checkNormalized(n, d)
            // Common factors on both sides must cancel.
            let k = Int64(1 + rng.next() % 1000)
            let (kn, o1) = n.multipliedReportingOverflow(by: k)
            let (kd, o2) = d.multipliedReportingOverflow(by: k)
            if !o1 && !o2 && d != 0 {
                #expect(Rational(numerator: BigInt(kn), denominator: BigInt(kd))
                    == Rational(numerator: BigInt(n), denominator: BigInt(d)))
            }
        }
    }

    @Test func normalizationProperty() async {
        await propertyCheck(count: 300, input: Gen.int64(), Gen.int64()) { n, d in
            Self.checkNormalized(n, d)
        }
    }

    @Test func normalizationExamples() {
        #expect(q(6, -4).numerator == BigInt(-3) && q(6, -4).denominator == BigInt(2))
        #expect(q(-6, -4).numerator == BigInt(3) && q(-6, -4).denominator == BigInt(2))
        #expect(q(0, -7).numerator == BigInt(0) && q(0, -7).denominator == BigInt(1))
        #expect(q(0, -7) == Rational.zero)
        #expect(Rational(numerator: BigInt(1), denominator: BigInt(0)) == nil)
        #expect(Rational(numerator: BigInt(0), denominator: BigInt(0)) == nil)
        let huge = BigInt(1) << 300
        let r = Rational(numerator: huge * BigInt(3), denominator: -(huge * BigInt(9)))!
        #expect(r.numerator == BigInt(-1) && r.denominator == BigInt(3))
        #expect(q(10, 5).isInteger && !q(10, 4).isInteger)
        #expect(q(-3, 2).magnitude == q(3, 2))
        #expect(q(-3, 2).signum == -1 && q(0).signum == 0 && q(1, 9).signum == 1)
        #expect(q(3, 2).hashValue == q(-9, -6).hashValue)
    }

    // MARK: Arithmetic

    static func checkArithmetic(_ a: (n: Int64, d: Int64), _ b: (n: Int64, d: Int64)) {
        let x = make(a), y = make(b)
        let n1 = Int128(a.n), d1 = Int128(a.d), n2 = Int128(b.n), d2 = Int128(b.d)
        // Each result must equal the unreduced formula's value: compare by cross-multiplying.
        func same(_ r: Rational, _ n: Int128, _ d: Int128) -> Bool {
            let (rn, rd) = parts(r)
            return BigInt(rn) * BigInt(d) == BigInt(n) * BigInt(rd)
        }
        #expect(same(x + y, n1 * d2 + n2 * d1, d1 * d2), "\(a) + \(b)")
        #expect(same(x - y, n1 * d2 - n2 * d1, d1 * d2), "\(a) - \(b)")
        #expect(same(x * y, n1 * n2, d1 * d2), "\(a) * \(b)")
        #expect(same(-x, -n1, d1))
        if b.n != 0 {
            #expect(same(x.divided(by: y)!, n1 * d2, d1 * n2), "\(a) / \(b)")
        } else {
            #expect(x.divided(by: y) == nil)
        }
        // Ordering: for positive denominators, n1/d1 < n2/d2 ⇔ n1·d2 < n2·d1.
        let s1: Int128 = d1 < 0 ? -1 : 1, s2: Int128 = d2 < 0 ? -1 : 1
        let lhs = (n1 * s1) * (d2 * s2), rhs = (n2 * s2) * (d1 * s1)
        #expect((x < y) == (lhs < rhs), "\(a) < \(b)")
        #expect((x == y) == (lhs == rhs), "\(a) == \(b)")
        #expect((x > y) == (lhs > rhs))
    }

    @Test func arithmeticSweep() {
        var rng = SplitMix64(seed: 0x4A71_0002)
        for _ in 0..<sweepCount(3_000) {
            Self.checkArithmetic(Self.smallRational(&rng), Self.smallRational(&rng))
        }
    }

    @Test func arithmeticProperty() async {
        let term = Gen.int64(in: -(1 << 31)...(1 << 31))
        let nonZero = Gen.int64(in: 1...(1 << 31))
        await propertyCheck(count: 300, input: term, nonZero, term, nonZero) { n1, d1, n2, d2 in
            Self.checkArithmetic((n1, d1), (n2, d2))
        }
    }

    @Test func fieldIdentities() {
        var rng = SplitMix64(seed: 0x4A71_0003)
        for _ in 0..<sweepCount(1_000) {
            let a = Self.make(Self.smallRational(&rng))
            let b = Self.make(Self.smallRational(&rng))
            let c = Self.make(Self.smallRational(&rng))
            #expect(a + b == b + a)
            #expect(a * b == b * a)
            #expect((a + b) + c == a + (b + c))
            #expect((a * b) * c == a * (b * c))
            #expect(a * (b + c) == a * b + a * c)
            #expect(a + .zero == a && a * .one == a && a * .zero == .zero)
            #expect(a - a == .zero && a + (-a) == .zero)
            #expect(-(-a) == a)
            #expect(a - b == -(b - a))
            if !a.isZero {
                #expect(a * Rational.one.divided(by: a)! == .one)
                #expect(a.divided(by: a) == .one)
            }
            if !b.isZero { #expect(a.divided(by: b)! * b == a) }
            // Total order: exactly one of <, ==, > holds, and it is transitive.
            #expect([a < b, a == b, b < a].filter { $0 }.count == 1)
            if a < b && b < c { #expect(a < c) }
            // Results stay normalized.
            for r in [a + b, a - b, a * b] {
                #expect(r.denominator.signum == 1)
                #expect(BigInt.gcd(r.numerator, r.denominator) == BigInt(1))
            }
        }
    }

    @Test func comparisonExamples() {
        #expect(q(1, 3) < q(1, 2))
        #expect(q(-1, 2) < q(-1, 3))
        #expect(q(-1, 2) < .zero && .zero < q(1, 1_000_000))
        #expect(!(q(2, 4) < q(1, 2)) && q(2, 4) == q(1, 2))
        #expect(q(7, 3) > q(2) && q(7, 3) < q(3))
        let tiny = Rational(BigInt(1), timesTwoToThe: -1000)
        #expect(.zero < tiny && tiny < q(1, Int.max))
        #expect(-tiny < .zero)
    }

    // MARK: floor, floorLog2, timesPowerOfTwo, exactLog2

    @Test func floorAgainstInt128() {
        var rng = SplitMix64(seed: 0x4A71_0004)
        for _ in 0..<sweepCount(3_000) {
            let (n, d) = Self.smallRational(&rng)
            var f = Int128(n) / Int128(d)
            if Int128(n) % Int128(d) != 0 && ((n < 0) != (d < 0)) { f -= 1 }
            #expect(Self.make((n, d)).floor == BigInt(f), "floor(\(n)/\(d))")
        }
        #expect(q(-3, 2).floor == BigInt(-2))
        #expect(q(3, 2).floor == BigInt(1))
        #expect(q(-4, 2).floor == BigInt(-2))
        #expect(q(-1, 1000).floor == BigInt(-1))
        #expect(Rational.zero.floor == BigInt(0))
    }

    /// floor(log2 |r|) by walking powers of two, built by repeated doubling; the walk is bounded
    /// (the tests stay within ±2^1100), so a broken comparison fails instead of looping.
    static func bruteForceFloorLog2(_ r: Rational) -> Int? {
        let m = r.isNegative ? -r : r
        var e = 0
        if m >= .one {
            while powerOfTwo(e + 1) <= m { e += 1; if e > 1100 { return nil } }
        } else {
            e = -1
            while powerOfTwo(e) > m { e -= 1; if e < -1100 { return nil } }
        }
        return e
    }

    @Test func floorLog2AgainstBruteForce() {
        var rng = SplitMix64(seed: 0x4A71_0005)
        for _ in 0..<sweepCount(500) {
            let p = Self.smallRational(&rng)
            guard p.n != 0 else { continue }
            let r = Self.make(p)
            #expect(r.floorLog2 == Self.bruteForceFloorLog2(r), "floorLog2(\(p.n)/\(p.d))")
        }
        // Values next to powers of two, where an off-by-one would show.
        for k in -70...70 {
            let p = powerOfTwo(k)
            let eps = powerOfTwo(k - 80)
            #expect(p.floorLog2 == k, "2^\(k)")
            #expect((-p).floorLog2 == k)
            #expect((p - eps).floorLog2 == k - 1, "2^\(k) - tiny")
            #expect((p + eps).floorLog2 == k, "2^\(k) + tiny")
            #expect((p * q(3)).floorLog2 == k + 1)
            #expect((p * q(3, 4)).floorLog2 == k - 1)
        }
        for (n, d) in [(1, 3), (2, 3), (1, 1), (255, 256), (257, 256), (1, 7), (9, 8), (15, 8)] {
            #expect(q(n, d).floorLog2 == Self.bruteForceFloorLog2(q(n, d)), "\(n)/\(d)")
        }
        #expect(q(1, 3).floorLog2 == -2 && q(2, 3).floorLog2 == -1 && q(255, 256).floorLog2 == -1)
    }

    @Test func floorLog2OfZeroTraps() async {
        await #expect(processExitsWith: .failure) { _ = Rational.zero.floorLog2 }
    }

    @Test func timesPowerOfTwo() {
        var rng = SplitMix64(seed: 0x4A71_0006)
        for _ in 0..<sweepCount(1_000) {
            let r = Self.make(Self.smallRational(&rng))
            let k = rng.small(100)
            let s = r.timesPowerOfTwo(k)
            #expect(s == r * powerOfTwo(k), "\(r) · 2^\(k)")
            #expect(s.timesPowerOfTwo(-k) == r)
            #expect(s.denominator.signum == 1 && BigInt.gcd(s.numerator, s.denominator) == BigInt(1))
        }
        #expect(q(3, 4).timesPowerOfTwo(2) == q(3))
        #expect(q(3).timesPowerOfTwo(-3) == q(3, 8))
        #expect(q(0).timesPowerOfTwo(-50) == .zero)
    }

    @Test func dyadicConstructor() {
        for m in [0, 1, -1, 3, -6, 12, 1 << 40, -(1 << 41) + 1] {
            for e in [-200, -64, -3, -1, 0, 1, 5, 64, 200] {
                let r = Rational(BigInt(m), timesTwoToThe: e)
                #expect(r == q(m) * powerOfTwo(e), "\(m) · 2^\(e)")
                #expect(r.denominator.signum == 1 && BigInt.gcd(r.numerator, r.denominator) == BigInt(1))
                #expect(r.isDyadic)
            }
        }
        #expect(!q(1, 3).isDyadic && q(1, 1024).isDyadic && q(5).isDyadic)
    }

    @Test func exactLog2() {
        #expect(q(1, 8).exactLog2 == -3)
        #expect(q(8).exactLog2 == 3)
        #expect(q(-8).exactLog2 == 3)
        #expect(q(1).exactLog2 == 0)
        #expect(powerOfTwo(-300).exactLog2 == -300)
        #expect(q(3).exactLog2 == nil)
        #expect(q(3, 8).exactLog2 == nil)
        #expect(q(1, 3).exactLog2 == nil)
        #expect(Rational.zero.exactLog2 == nil)
    }

    @Test func descriptionIsPOverQ() {
        #expect(q(-3, 7).description == "-3/7")
        #expect(q(10, 2).description == "5")
        #expect(q(0).description == "0")
        #expect(q(1, -3).description == "-1/3")
    }

    // MARK: terminatingDecimal

    static let decimalExamples: [(Rational, String)] = [
        (q(1, 512), "0.001953125"),
        (q(448), "448"),
        (q(-3, 2), "-1.5"),
        (q(1, 10), "0.1"),
        (q(3, 20), "0.15"),
        (q(0), "0"),
        (q(100), "100"),
        (q(-1000), "-1000"),
        (q(1, 2), "0.5"),
        (q(-1, 2), "-0.5"),
        (q(5, 4), "1.25"),
        (q(1, 80), "0.0125"),
        (q(12345, 100), "123.45"),
        (q(1, 1 << 24), "0.000000059604644775390625"),
        (q(57344), "57344"),
        (q(1, 95_367_431_640_625), "0.00000000000001048576"),  // 1/5^20
    ]

    @Test(arguments: decimalExamples)
    func terminatingDecimalExamples(value: Rational, text: String) {
        #expect(value.terminatingDecimal == text)
    }

    @Test func terminatingDecimalOfTwoToTheMinus127() {
        // Digits from Python: format(Decimal(1) / Decimal(2**127), 'f').
        let expected = "0.0000000000000000000000000000000000000058774717541114375398436826861112283890933277838604376075437585313920862972736358642578125"
        #expect(powerOfTwo(-127).terminatingDecimal == expected)
        #expect((-powerOfTwo(-127)).terminatingDecimal == "-" + expected)
    }

    @Test func nonTerminatingIsNil() {
        for (n, d) in [(1, 3), (1, 6), (2, 7), (-1, 3), (1, 30), (7, 12), (1, 9_765_625 * 3)] {
            #expect(q(n, d).terminatingDecimal == nil, "\(n)/\(d)")
        }
    }

    /// Independent formatter for `n / (2^a · 5^b)` with small a, b: scale to `k = max(a, b)`
    /// decimal places in Int128, insert the point, strip trailing fraction zeros.
    static func expectedDecimal(_ n: Int64, twos a: Int, fives b: Int) -> String {
        let k = max(a, b)
        var scaled = Int128(n.magnitude)
        for _ in 0..<(k - a) { scaled *= 2 }
        for _ in 0..<(k - b) { scaled *= 5 }
        var digits = Array(String(scaled))
        if digits.count <= k { digits = Array(repeating: "0", count: k - digits.count + 1) + digits }
        var intPart = String(digits[..<(digits.count - k)])
        var frac = String(digits[(digits.count - k)...])
        while frac.hasSuffix("0") { frac.removeLast() }
        if intPart.isEmpty { intPart = "0" }
        let body = frac.isEmpty ? intPart : intPart + "." + frac
        return (n < 0 ? "-" : "") + body
    }

    @Test func terminatingDecimalSweep() throws {
        var rng = SplitMix64(seed: 0x4A71_0007)
        for _ in 0..<sweepCount(2_000) {
            let n = Int64(rng.small(1 << 30))
            let a = Int(rng.next() % 24), b = Int(rng.next() % 20)
            var d: Int128 = 1
            for _ in 0..<a { d *= 2 }
            for _ in 0..<b { d *= 5 }
            let r = Rational(numerator: BigInt(n), denominator: BigInt(d))!
            let text = try #require(r.terminatingDecimal)
            #expect(text == Self.expectedDecimal(n, twos: a, fives: b), "\(n)/\(d)")
            #expect(!text.contains("e") && !(text.contains(".") && text.hasSuffix("0")))
            // Parsed back, the text is the same value.
            let parsed = try ValueParser.parse(text)
            #expect(parsed == ExactValue(r), "\(text)")
            // A factor 3 in the denominator never terminates.
            if n % 3 != 0 { #expect((r * q(1, 3)).terminatingDecimal == nil) }
        }
    }

    @Test func terminatingDecimalParsesBackForWideValues() throws {
        var rng = SplitMix64(seed: 0x4A71_0008)
        for _ in 0..<sweepCount(300) {
            let m = BigInt(rng.int128())
            let r = Rational(m, timesTwoToThe: rng.small(1200))
                * Rational(numerator: BigInt(1), denominator: BigInt.power(5, Int(rng.next() % 60)))!
            let text = try #require(r.terminatingDecimal)
            #expect(try ValueParser.parse(text) == ExactValue(r), "\(text)")
        }
    }

    /// The parser accepts exponents down to -1,000,000; printing such a value must stay fast
    /// (counting the factors of five one division at a time was quadratic: 202 s for this input in
    /// a debug build on the 2-vCPU VM, where the mpz_remove version takes about a second).
    @Test func terminatingDecimalOfExtremeExponentIsFast() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let v = try ValueParser.parse("1e-1000000")
        let text = v.description
        let elapsed = clock.now - start
        #expect(text.count == 1_000_001 + 1)
        #expect(text.hasPrefix("0.000") && text.hasSuffix("0001"))
        #expect(text.utf8.filter { $0 == UInt8(ascii: "1") }.count == 1)
        #expect(try ValueParser.parse(text) == v)
        #expect(elapsed < .seconds(20), "took \(elapsed)")
        let w = try ValueParser.parse("-3e-700000")
        #expect(w.description == "-0." + String(repeating: "0", count: 699_999) + "3")
    }
}
