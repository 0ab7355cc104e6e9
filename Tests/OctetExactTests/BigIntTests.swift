import PropertyBased
import Testing
@testable import OctetExact

/// `BigInt` against Swift's `Int64`/`Int128`, which compute the same operations independently.
/// Products of two `Int64` values and shifts of an `Int64` by up to 63 bits fit in `Int128`, so
/// every expected value below is exact.
@Suite struct BigIntTests {
    // MARK: Conversions

    static let int128Cases: [(Int128, String)] = [
        (Int128.max, "170141183460469231731687303715884105727"),
        (Int128.min, "-170141183460469231731687303715884105728"),
        (Int128.min + 1, "-170141183460469231731687303715884105727"),
        (Int128(Int64.max) + 1, "9223372036854775808"),
        (Int128(Int64.min) - 1, "-9223372036854775809"),
        (Int128(UInt64.max), "18446744073709551615"),
        (Int128(UInt64.max) + 1, "18446744073709551616"),
        (-Int128(UInt64.max) - 1, "-18446744073709551616"),
        (Int128(0), "0"),
        (Int128(-1), "-1"),
    ]

    @Test(arguments: int128Cases)
    func initFromInt128(value: Int128, decimal: String) {
        #expect(BigInt(value).toString() == decimal)
        #expect(BigInt(value).description == decimal)
        #expect(BigInt(decimal) == BigInt(value))
    }

    static let uint128Cases: [(UInt128, String)] = [
        (UInt128.max, "340282366920938463463374607431768211455"),
        (UInt128(1) << 127, "170141183460469231731687303715884105728"),
        (UInt128(UInt64.max) + 1, "18446744073709551616"),
        (UInt128(UInt64.max), "18446744073709551615"),
        (UInt128(0), "0"),
    ]

    @Test(arguments: uint128Cases)
    func initFromUInt128(value: UInt128, decimal: String) {
        #expect(BigInt(value).toString() == decimal)
        #expect(BigInt(decimal) == BigInt(value))
    }

    @Test func initFromWordExtremes() {
        #expect(BigInt(Int.min).toString() == "-9223372036854775808")
        #expect(BigInt(Int.max).toString() == "9223372036854775807")
        #expect(BigInt(UInt64.max).toString() == "18446744073709551615")
        #expect(BigInt(Int8.min).toString() == "-128")
        #expect(BigInt(UInt32.max).toString() == "4294967295")
        #expect(BigInt().isZero)
        #expect(BigInt(UInt64.max).asInt == nil)
        #expect(BigInt(Int.min).asInt == Int.min)
        #expect(BigInt(Int128(Int.max) + 1).asInt == nil)
        #expect(BigInt(UInt64.max).lowWord == UInt64.max)
        #expect(BigInt(-5).lowWord == 5, "lowWord is the low word of the magnitude")
        #expect((BigInt(1) << 64).lowWord == 0)
        #expect(BigInt(0).lowWord == 0)
    }

    @Test func int128RoundTripSweep() {
        var rng = SplitMix64(seed: 0x0C7E_7001)
        for _ in 0..<sweepCount(5_000) {
            let v = rng.int128()
            let b = BigInt(v)
            #expect(b.toString() == String(v))
            #expect(b.signum == Int(v.signum()))
            let u = UInt128(bitPattern: v)
            #expect(BigInt(u).toString() == String(u))
        }
    }

    // MARK: Arithmetic against Int128

    /// One check of every operation for a pair of Int64 values; shared by the sweep and the
    /// property so that both test exactly the same claims.
    static func checkArithmetic(_ a: Int64, _ b: Int64) {
        let x = BigInt(a), y = BigInt(b)
        let wa = Int128(a), wb = Int128(b)
        #expect((x + y).toString() == String(wa + wb), "\(a) + \(b)")
        #expect((x - y).toString() == String(wa - wb), "\(a) - \(b)")
        #expect((x * y).toString() == String(wa * wb), "\(a) * \(b)")
        #expect((-x).toString() == String(-wa))
        #expect(x.magnitude.toString() == String(wa.magnitude))
        #expect((x < y) == (a < b))
        #expect((x == y) == (a == b))
        #expect((x <= y) == (a <= b))
        #expect(x.signum == Int(a.signum()))
        #expect(x.isZero == (a == 0))
        #expect(x.isNegative == (a < 0))
        #expect(x.isOdd == (a & 1 != 0))
        #expect(x.asInt == Int(a))

        var s = x; s += y
        #expect(s == x + y)
        var d = x; d -= y
        #expect(d == x - y)
        var p = x; p *= y
        #expect(p == x * y)

        if b != 0 {
            // Floor division from truncating division: adjust when the signs differ and the
            // remainder is not zero.
            var fq = wa / wb, fr = wa % wb
            if fr != 0 && ((fr < 0) != (wb < 0)) { fq -= 1; fr += wb }
            let (q, r) = x.floorDivided(by: y)
            #expect(q.toString() == String(fq), "floor(\(a) / \(b))")
            #expect(r.toString() == String(fr), "\(a) mod \(b)")
            #expect(q * y + r == x)
            if b > 0 { #expect(r >= BigInt(0) && r < y) } else { #expect(r <= BigInt(0) && r > y) }

            let (tq, tr) = x.truncatingDivided(by: y)
            #expect(tq.toString() == String(wa / wb), "trunc(\(a) / \(b))")
            #expect(tr.toString() == String(wa % wb), "\(a) rem \(b)")
            #expect(tq * y + tr == x)
            #expect(tr.isZero || tr.signum == x.signum, "the remainder has the dividend's sign")
            #expect(tr.magnitude < y.magnitude)
        }

        // gcd by Euclid on magnitudes (UInt64 holds |Int64.min|).
        var m = a.magnitude, n = b.magnitude
        while n != 0 { (m, n) = (n, m % n) }
        #expect(BigInt.gcd(x, y) == BigInt(m), "gcd(\(a), \(b))")
    }

    @Test func arithmeticSweep() {
        var rng = SplitMix64(seed: 0xB161_0001)
        for _ in 0..<sweepCount(3_000) {
            Self.checkArithmetic(rng.int64(), rng.int64())
        }
    }

    @Test func arithmeticProperty() async {
        await propertyCheck(count: 300, input: Gen.int64(), Gen.int64()) { a, b in
            Self.checkArithmetic(a, b)
        }
        await propertyCheck(count: 300, input: Gen.int64(in: -1000...1000), Gen.int64(in: -1000...1000)) { a, b in
            Self.checkArithmetic(a, b)
        }
    }

    @Test func beyondInt128StaysExact() {
        // (2^64 - 1)^2 = 2^128 - 2^65 + 1 and (2^127)·(2^127) = 2^254 (decimal from Python).
        let w = BigInt(UInt64.max)
        #expect((w * w).toString() == "340282366920938463426481119284349108225")
        let big = BigInt(UInt128(1) << 127)
        #expect((big * big).toString()
            == "28948022309329048855892746252171976963317496166410141009864396001978282409984")
        #expect((big * big - big * big).isZero)
        #expect(BigInt.power(2, 200).toString()
            == "1606938044258990275541962092341162602522202993782792835301376")
        #expect(BigInt.power(10, 30).toString() == "1" + String(repeating: "0", count: 30))
        #expect(BigInt.power(7, 0) == BigInt(1))
        #expect(BigInt.power(0, 0) == BigInt(1))
        #expect(BigInt.power(0, 3) == BigInt(0))
    }

    @Test func removingAllFactors() {
        var rng = SplitMix64(seed: 0xFAC7_0001)
        for _ in 0..<sweepCount(1_000) {
            let factor = [2, 3, 5, 10, 7, 12][Int(rng.next() % 6)]
            let k = Int(rng.next() % 40)
            var core = rng.nonZeroInt64()
            while core % Int64(factor) == 0 { core /= Int64(factor) }
            var x = BigInt(core)
            for _ in 0..<k { x = x * BigInt(factor) }
            let (rest, count) = x.removingAllFactors(BigInt(factor))
            #expect(rest == BigInt(core) && count == k, "\(core) · \(factor)^\(k)")
        }
        #expect(BigInt(0).removingAllFactors(BigInt(5)) == (BigInt(0), 0))
        #expect(BigInt(7).removingAllFactors(BigInt(5)) == (BigInt(7), 0))
        #expect(BigInt.power(5, 100_000).removingAllFactors(BigInt(5)) == (BigInt(1), 100_000))
        #expect(BigInt.power(10, 1000).removingAllFactors(BigInt(5)) == (BigInt.power(2, 1000), 1000))
    }

    @Test func powerMatchesRepeatedMultiplication() {
        for base in [0, 1, 2, 3, 5, 10, 255] as [UInt] {
            var expected = BigInt(1)
            for e in 0..<60 {
                #expect(BigInt.power(base, e) == expected, "\(base)^\(e)")
                expected = expected * BigInt(Int(base))
            }
        }
    }

    // MARK: Copy-on-write and aliasing

    @Test func copyThenMutateLeavesTheOriginal() {
        let b = BigInt(UInt128.max)
        var a = b
        #expect(a.storage === b.storage, "a copy shares storage until written")
        a += BigInt(1)
        #expect(b.toString() == "340282366920938463463374607431768211455")
        #expect(a.toString() == "340282366920938463463374607431768211456")
        #expect(a.storage !== b.storage)

        var c = b; c -= b
        #expect(c.isZero && b == BigInt(UInt128.max))
        var d = b; d *= BigInt(-1)
        #expect(d == -b && b.signum == 1)

        // Values inside containers are values too.
        var list = [b, b]
        list[0] += BigInt(5)
        #expect(list[1] == b && list[0] == b + BigInt(5))
    }

    @Test func uniqueValuesMutateInPlace() {
        var a = BigInt(41)
        let before = ObjectIdentifier(a.storage)
        a += BigInt(1)
        a *= BigInt(3)
        #expect(a == BigInt(126))
        #expect(ObjectIdentifier(a.storage) == before, "a uniquely referenced value is not copied")
    }

    @Test func aliasingInPlaceOperations() {
        var x = BigInt(Int64.max)
        x *= x
        #expect(x.toString() == String(Int128(Int64.max) * Int128(Int64.max)))
        var y = BigInt(-123_456_789)
        y += y
        #expect(y == BigInt(-246_913_578))
        var z = BigInt(UInt128.max)
        z -= z
        #expect(z.isZero)
        // Aliasing through a copy: the right operand is the old value, not the mutated one.
        var u = BigInt(7)
        let v = u
        u *= v
        u *= u
        #expect(u == BigInt(2401) && v == BigInt(7))
        // Repeated squaring: 3^(2^6) against powers computed independently.
        var w = BigInt(3)
        for _ in 0..<6 { w *= w }
        #expect(w == BigInt.power(3, 64))
    }

    @Test func hashIsConsistentWithEquality() {
        let a = BigInt(1) << 100
        let b = BigInt.power(2, 100)
        let c = BigInt("1267650600228229401496703205376")!
        #expect(a == b && b == c)
        #expect(a.hashValue == b.hashValue && b.hashValue == c.hashValue)
        let set: Set<BigInt> = [a, b, c, BigInt(0), -a]
        #expect(set.count == 3)
    }

    // MARK: Shifts

    @Test func shiftsAgainstInt128() {
        var rng = SplitMix64(seed: 0x5417_0001)
        for _ in 0..<sweepCount(3_000) {
            let a = rng.int64()
            let n = Int(rng.next() % 64)
            let x = BigInt(a)
            #expect((x << n).toString() == String(Int128(a) << n), "\(a) << \(n)")
            // Swift's >> on signed integers is arithmetic, i.e. floor(a / 2^n).
            #expect((x >> n).toString() == String(a >> n), "\(a) >> \(n)")
            #expect(x << -n == x >> n)
            #expect(x >> -n == x << n)
            // floor semantics written out: (x >> n) · 2^n <= x < ((x >> n) + 1) · 2^n.
            let f = x >> n
            #expect(f << n <= x && x < (f + BigInt(1)) << n)
        }
    }

    @Test func rightShiftFloorsNegatives() {
        #expect(BigInt(-1) >> 1 == BigInt(-1))
        #expect(BigInt(-3) >> 1 == BigInt(-2))
        #expect(BigInt(-4) >> 1 == BigInt(-2))
        #expect(BigInt(-5) >> 2 == BigInt(-2))
        #expect(BigInt(-1) >> 1000 == BigInt(-1))
        #expect(BigInt(1) >> 1000 == BigInt(0))
        #expect(BigInt(-(1 << 40)) >> 40 == BigInt(-1))
        #expect((BigInt(-1) << 200) >> 199 == BigInt(-2))
        #expect((BigInt(1) << 200).toString() == "1606938044258990275541962092341162602522202993782792835301376")
        #expect(BigInt(0) << 5000 == BigInt(0))
        #expect(BigInt(5) << 0 == BigInt(5) && BigInt(5) >> 0 == BigInt(5))
    }

    // MARK: Bit queries

    @Test func bitQueriesAgainstInt64() {
        var rng = SplitMix64(seed: 0xB175_0001)
        for _ in 0..<sweepCount(3_000) {
            let a = rng.int64()
            let x = BigInt(a)
            let mag = a.magnitude
            #expect(x.bitLength == (a == 0 ? 0 : 64 - mag.leadingZeroBitCount), "bitLength(\(a))")
            #expect(x.trailingZeroBitCount == (a == 0 ? nil : mag.trailingZeroBitCount), "tz(\(a))")
            #expect(x.isPowerOfTwo == (mag != 0 && mag & (mag - 1) == 0), "isPowerOfTwo(\(a))")
            let i = Int(rng.next() % 70)
            #expect(x.magnitudeBit(i) == (i < 64 && (mag >> UInt64(i)) & 1 == 1), "bit \(i) of |\(a)|")
        }
    }

    @Test func bitQueriesOnWideValues() {
        for k in [0, 1, 63, 64, 65, 127, 128, 1000] {
            let p = BigInt(1) << k
            #expect(p.bitLength == k + 1)
            #expect(p.trailingZeroBitCount == k)
            #expect(p.isPowerOfTwo && (-p).isPowerOfTwo)
            #expect((-p).bitLength == k + 1 && (-p).trailingZeroBitCount == k)
            #expect((p - BigInt(1)).bitLength == k)
            if k > 0 {
                #expect(!(p + BigInt(1)).isPowerOfTwo)
                #expect(!(p * BigInt(3)).isPowerOfTwo)
                #expect((p * BigInt(3)).trailingZeroBitCount == k)
            }
            #expect(p.magnitudeBit(k) && !p.magnitudeBit(k + 1))
        }
        #expect(BigInt(0).bitLength == 0)
        #expect(BigInt(0).trailingZeroBitCount == nil)
        #expect(!BigInt(0).isPowerOfTwo)
    }

    // MARK: Text

    @Test func radixRoundTripsAgainstSwift() {
        var rng = SplitMix64(seed: 0x7AD1_0001)
        for _ in 0..<sweepCount(3_000) {
            let a = rng.int128()
            let radix = 2 + Int(rng.next() % 35)
            let x = BigInt(a)
            let text = String(a, radix: radix)
            #expect(x.toString(radix: radix) == text, "\(a) in radix \(radix)")
            #expect(BigInt(text, radix: radix) == x)
            #expect(BigInt(String(a, radix: radix, uppercase: true), radix: radix) == x)
        }
    }

    @Test func longDecimalRoundTrip() {
        var rng = SplitMix64(seed: 0x7E47_0001)
        for length in [1, 19, 20, 39, 40, 100, 1000, 5000] {
            var digits = String(1 + rng.next() % 9)
            for _ in 1..<length { digits += String(rng.next() % 10) }
            for text in [digits, "-" + digits] {
                let x = BigInt(text)
                #expect(x?.toString() == text)
                #expect(x.flatMap { BigInt($0.toString(radix: 36), radix: 36) } == x)
                #expect(x.flatMap { BigInt($0.toString(radix: 2), radix: 2) } == x)
            }
        }
        #expect(BigInt("0000123") == BigInt(123), "leading zeros are digits")
        #expect(BigInt("-0") == BigInt(0))
    }

    static let malformedText: [(String, Int)] = [
        ("", 10), ("-", 10), ("+1", 10), (" 1", 10), ("1 ", 10), ("1_000", 10), ("12a", 10),
        ("z", 35), ("2", 2), ("--1", 10), ("1-", 10), ("0x10", 16), ("1.0", 10), ("١", 10),
        ("1", 1), ("1", 37), ("1", 0), ("1", -10),
    ]

    @Test(arguments: malformedText)
    func malformedTextIsNil(text: String, radix: Int) {
        #expect(BigInt(text, radix: radix) == nil)
    }

    // Division by zero and a zero log are preconditions (logic errors), checked in a child
    // process so that the trap is observed rather than crashing the run.
    @Test func divisionByZeroTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = BigInt(1).floorDivided(by: BigInt(0))
        }
        await #expect(processExitsWith: .failure) {
            _ = BigInt(1).truncatingDivided(by: BigInt(0))
        }
    }
}
