#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import OctetExact

// Shared helpers for the OctetExact suites. Expected values here are derived independently of
// the code under test: from Swift's fixed-width integers and floating-point types, or written out
// by hand (constants checked with Python's `fractions`/`decimal` when the suites were written).

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator with a fixed seed, so the
/// deterministic sweeps that gate CI draw the same inputs on every run and every machine.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An `Int64` whose bit length is uniform in 0...64, so small, medium and extreme magnitudes
    /// are all common (a uniform `Int64` is almost always about 2^62). Edge values now and then.
    mutating func int64() -> Int64 {
        let edges: [Int64] = [0, 1, -1, 2, -2, .max, .min, .max - 1, .min + 1, 1 << 32, -(1 << 32)]
        if next() % 16 == 0 { return edges[Int(next() % UInt64(edges.count))] }
        let bits = Int(next() % 65)
        let raw = bits == 0 ? 0 : next() >> UInt64(64 - bits)
        return Int64(bitPattern: raw)
    }

    /// A non-zero `Int64` from `int64()`.
    mutating func nonZeroInt64() -> Int64 {
        while true { let v = int64(); if v != 0 { return v } }
    }

    /// An `Int128` with bit length uniform in 0...128 (two's complement bit pattern).
    mutating func int128() -> Int128 {
        let bits = Int(next() % 129)
        let raw = (UInt128(next()) << 64) | UInt128(next())
        return Int128(bitPattern: bits == 0 ? 0 : raw >> UInt128(128 - bits))
    }

    /// A small signed value in -bound...bound.
    mutating func small(_ bound: Int) -> Int {
        Int(next() % UInt64(2 * bound + 1)) - bound
    }
}

/// The number of iterations of a deterministic sweep: `base`, multiplied by the value of the
/// environment variable `OCTET_LONG_SWEEPS` when it is set (for example `OCTET_LONG_SWEEPS=100`),
/// or by 100 under `OCTET_EXHAUSTIVE=1` (the switch the other suites use for their long runs).
func sweepCount(_ base: Int) -> Int {
    if let p = getenv("OCTET_LONG_SWEEPS"), let k = Int(String(cString: p)), k > 0 { return base * k }
    if let p = getenv("OCTET_EXHAUSTIVE"), String(cString: p) == "1" { return base * 100 }
    return base
}

// MARK: Independent constructions of exact values

/// `n/d` built from plain integers; `d` must be non-zero.
func q(_ n: Int, _ d: Int = 1) -> Rational {
    Rational(numerator: BigInt(n), denominator: BigInt(d))!
}

/// 2^0 … 2^1199 by repeated doubling (multiplication only, not the shift code under test).
let doublings: [BigInt] = {
    var p = [BigInt(1)]
    for _ in 1..<1200 { p.append(p.last! * BigInt(2)) }
    return p
}()

/// `2^k` as a rational, from repeated doubling of plain integers.
func powerOfTwo(_ k: Int) -> Rational {
    var p: BigInt
    if abs(k) < doublings.count {
        p = doublings[abs(k)]
    } else {
        p = doublings[doublings.count - 1]
        for _ in (doublings.count - 1)..<abs(k) { p = p * BigInt(2) }
    }
    return k >= 0 ? Rational(p) : Rational(numerator: BigInt(1), denominator: p)!
}

/// `significand · 2^exponent` with `significand` an exact integer, through `powerOfTwo`.
func scaled(_ significand: Int64, _ exponent: Int) -> Rational {
    Rational(BigInt(significand)) * powerOfTwo(exponent)
}

/// The exact value of a Swift binary floating-point number, from its `significand` and
/// `exponent` (the host's own decomposition), never from Octet's IEEE decoder.
func exactValue<F: BinaryFloatingPoint>(of x: F) -> ExactValue {
    let negative = x.sign == .minus
    if x.isNaN { return .nan(negative: negative) }
    if x.isInfinite { return .infinity(negative: negative) }
    if x == 0 { return .zero(negative: negative) }
    // x = ±significand · 2^exponent with significand in [1, 2) and at most
    // significandBitCount fraction bits, so significand · 2^significandBitCount is an integer.
    let p = F.significandBitCount
    let integral = x.significand * F(sign: .plus, exponent: F.Exponent(p), significand: 1)
    let m = Int64(exactly: integral)!
    let r = scaled(m, Int(x.exponent) - p)
    return .number(negative ? -r : r)
}

/// `value` spelled in hexadecimal with exactly `width` digits.
func hex<T: BinaryInteger>(_ value: T, width: Int) -> String {
    let s = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}
