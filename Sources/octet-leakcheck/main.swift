// octet-leakcheck: exercises every path of the GMP wrappers in OctetExact many times, checks a few
// results, and exits non-zero if one is wrong. Run it under valgrind (the test bundle itself
// crashes valgrind 3.19; see CONTRIBUTING.md):
//
//   swift build -c release --product octet-leakcheck --scratch-path .build-helperB
//   valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
//       .build-helperB/release/octet-leakcheck
//
// Options: `--iterations N` (default 20000); `--leak` leaks one mpz on purpose, so that the
// command above is shown to fail (exit 9, "definitely lost") when something does leak.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OctetExact
#if canImport(CGMP)
import CGMP
#endif

var iterations = 20_000
var leak = false
var arguments = CommandLine.arguments.dropFirst()
while let arg = arguments.popFirst() {
    switch arg {
    case "--leak": leak = true
    case "--iterations":
        guard let n = arguments.popFirst().flatMap({ Int($0) }), n >= 0 else {
            print("usage: octet-leakcheck [--iterations N] [--leak]")
            exit(2)
        }
        iterations = n
    default:
        print("usage: octet-leakcheck [--iterations N] [--leak]")
        exit(2)
    }
}

var failures = 0
var checks = 0
@MainActor func check(_ condition: @autoclosure () -> Bool, _ what: @autoclosure () -> String) {
    checks += 1
    if !condition() {
        failures += 1
        if failures <= 20 { print("FAIL: \(what())") }
    }
}

/// Allocates and initialises one mpz with a multi-limb value and drops the only pointer to it
/// without `__gmpz_clear`: 16 bytes direct (the struct) plus its limbs indirect.
@inline(never)
func leakOneMpz() {
    #if canImport(CGMP)
    let z = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
    __gmpz_init(z)
    __gmpz_set_ui(z, 1)
    __gmpz_mul_2exp(z, z, 1000)
    #else
    // Without CGMP: a retained box holding a BigInt whose storage is never released.
    final class Box { let value: BigInt; init(_ v: BigInt) { value = v } }
    _ = Unmanaged.passRetained(Box(BigInt(1) << 1000))
    #endif
}

let spellings = [
    "0.1", "-1.5e-3", ".5", "7.", "+.5", "1e-3", "-3/7", "6/4", "0x1.8p-3", "-0x10", "0X1P-1074",
    "inf", "-Infinity", "nan", "-nan", "-0", "0", "f64:3FF0000000000000", "f64:8000000000000000",
    "f32:7F800000", "f32:00000001", "f16:7E00", "f16:0001", "bf16:3F80", "448", "57344",
    "123456789012345678901234567890.0625", "1e-300", "3e200", "0x1p-1000",
]
let malformed = [
    "", "abc", "1..2", "1e", "1e+", "0x", "0xg", "1/0", "1/-2", "--1", "f32:", "f32:123456789",
    "f16:zz", "1e99999999999", "0x1p99999999999", " 1", "١", "nan5", "inf-", "+", "1/", "/2",
]

// Results checked against constants worked out by hand (or with Python's fractions/decimal).
check(BigInt.power(2, 200).toString()
    == "1606938044258990275541962092341162602522202993782792835301376", "2^200")
check(Rational(numerator: BigInt(1), denominator: BigInt(512))!.terminatingDecimal == "0.001953125", "1/512")
check((try? ValueParser.parse("0x1.8p-3")) == .number(Rational(numerator: BigInt(3), denominator: BigInt(16))!), "0x1.8p-3")
check((try? ValueParser.parse("-0")) == .zero(negative: true), "-0")
check(BigInt(UInt128.max).toString() == "340282366920938463463374607431768211455", "UInt128.max")
check(BigInt(Int128.min).toString() == "-170141183460469231731687303715884105728", "Int128.min")
check((BigInt(-5) >> 1) == BigInt(-3), "-5 >> 1 floors")

var digest = 0  // keeps every result observable
for i in 0..<iterations {
    // Construction: machine words, the wide generic path (temporaries inside), text.
    let a = BigInt(i &* 2_654_435_761 &- 1_000_000_007)
    let b = BigInt(UInt64.max - UInt64(i))
    let c = BigInt(Int128(i + 1) << 100)
    let d = BigInt(UInt128.max - UInt128(i))
    let e = BigInt(String(i * 7919) + "123456789012345678901234567890")!

    // Copy-on-write: copies share storage until written; the original must not change.
    var f = c
    f += a
    check(c == BigInt(Int128(i + 1) << 100) && f == c + a, "COW += at \(i)")
    var g = d
    g -= b
    g *= a
    check(d == BigInt(UInt128.max - UInt128(i)), "COW -= *= at \(i)")

    // Aliasing in-place operations (the output is also both inputs).
    var x = b
    x *= x
    x += x
    check(x == b * b * BigInt(2), "x *= x; x += x at \(i)")
    x -= x
    check(x.isZero, "x -= x at \(i)")
    var y = e
    let yCopy = y
    y *= y
    y *= yCopy

    // Temporaries in nested expressions.
    let t = (a + b) * (c - d) + (-a) * e.magnitude - g

    // Shifts both ways, including a negative value floored.
    let s = (t << (i % 300)) >> 13
    let u = (-t.magnitude - BigInt(1)) >> 200
    check(u.isNegative, "negative >> floors at \(i)")

    // Division, gcd, powers, bit queries.
    let divisor = b + BigInt(i % 5)
    let (fq, fr) = t.floorDivided(by: divisor)
    check(fq * divisor + fr == t && !fr.isNegative && fr < divisor, "floorDivided at \(i)")
    let (tq, tr) = y.truncatingDivided(by: BigInt(-7 - i % 11))
    let gcd = BigInt.gcd(t, e)
    let p = BigInt.power(10, i % 64)
    digest &+= fq.bitLength &+ tq.bitLength &+ tr.signum &+ gcd.bitLength &+ p.bitLength &+ s.signum
    digest &+= (t.trailingZeroBitCount ?? 0) &+ (c.isPowerOfTwo ? 1 : 0) &+ (t.isOdd ? 1 : 0)
    digest &+= Int(truncatingIfNeeded: t.lowWord) &+ (t.asInt ?? 0) &+ (t.magnitudeBit(i % 130) ? 1 : 0)

    // Text in a cycling radix, both ways.
    let radix = 2 + i % 35
    let text = t.toString(radix: radix)
    check(BigInt(text, radix: radix) == t, "radix \(radix) round trip at \(i)")
    check(BigInt(text + "!", radix: radix) == nil, "malformed digits at \(i)")
    var set = Set<BigInt>()
    set.insert(t)
    set.insert(s)
    digest &+= set.count

    // Rational arithmetic, normalization, floor/log2, exact decimals.
    let r1 = Rational(numerator: a, denominator: b + BigInt(1))!
    let r2 = Rational(BigInt(i + 1), timesTwoToThe: -(i % 200))
    let r3 = Rational(numerator: e, denominator: BigInt.power(10, i % 40))!
    let sum = r1 + r2 - r3
    let product = r1 * r2 * r3
    if let quotient = product.divided(by: r2) {
        check(quotient == r1 * r3, "divided(by:) at \(i)")
    }
    check(Rational.zero.divided(by: .zero) == nil, "0/0 at \(i)")
    digest &+= sum.floor.bitLength &+ (product.isZero ? 0 : product.floorLog2)
    digest &+= r2.timesPowerOfTwo(i % 50 - 25).denominator.bitLength &+ (r2.exactLog2 ?? 0)
    digest &+= (sum < product ? 1 : 0) &+ Set([sum, product, r1]).count &+ (r1.isDyadic ? 1 : 0)
    check(r2.terminatingDecimal != nil && r3.terminatingDecimal != nil, "terminating at \(i)")
    digest &+= (r1.terminatingDecimal?.count ?? 0) &+ sum.description.count

    // The parser on every spelling, including failures, and the printed form back again.
    let spelling = spellings[i % spellings.count]
    if let v = try? ValueParser.parse(spelling) {
        let again = try? ValueParser.parse(v.description)
        check(again.map { $0.sameClassAndValue(v) } ?? false, "\(spelling) round trip")
        digest &+= v.description.count &+ ((-v).isNegative ? 1 : 0) &+ (v.rational?.signum ?? 0)
    } else {
        check(false, "\(spelling) should parse")
    }
    do {
        _ = try ValueParser.parse(malformed[i % malformed.count])
        check(false, "\(malformed[i % malformed.count]) should not parse")
    } catch {
        digest &+= error.description.count
    }
    let bits = UInt64(truncatingIfNeeded: i) &* 0x9E37_79B9_7F4A_7C15
    for format in IEEEBits.Format.allCases {
        digest &+= IEEEBits.decode(bits, as: format).description.count
    }
}

if leak { leakOneMpz() }

print("octet-leakcheck: \(iterations) iterations, \(checks) checks, \(failures) failures, digest \(digest)\(leak ? ", leaked one mpz on purpose" : "")")
exit(failures == 0 ? 0 : 1)
