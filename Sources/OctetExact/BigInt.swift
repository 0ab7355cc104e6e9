import CGMP

/// An arbitrary-precision integer with value semantics, backed by a GMP `mpz_t`.
///
/// Why a class inside a struct: GMP lets an output alias its inputs, but Swift's `&x` does not
/// (it is an exclusivity error), so the `mpz_t` lives behind a stable pointer owned by a final
/// class, and the struct copies it on write. Never copy a bare `__mpz_struct`: that double-frees.
public struct BigInt: @unchecked Sendable {
    @usableFromInline
    final class Storage {
        @usableFromInline let z: UnsafeMutablePointer<__mpz_struct>
        @inlinable init() {
            z = .allocate(capacity: 1)
            __gmpz_init(z)
        }
        @inlinable init(copying other: Storage) {
            z = .allocate(capacity: 1)
            __gmpz_init_set(z, other.z)
        }
        @inlinable deinit {
            __gmpz_clear(z)
            z.deallocate()
        }
    }

    @usableFromInline var storage: Storage

    @inlinable init(storage: Storage) { self.storage = storage }

    /// Runs `body` with a fresh result slot and wraps it; the slot is never shared.
    @inlinable static func make(_ body: (UnsafeMutablePointer<__mpz_struct>) -> Void) -> BigInt {
        let s = Storage()
        body(s.z)
        return BigInt(storage: s)
    }

    @inlinable mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
    }

    @inlinable public init() { storage = Storage() }

    @inlinable public init(_ value: Int) {
        storage = Storage()
        __gmpz_set_si(storage.z, value)
    }

    @inlinable public init(_ value: UInt64) {
        storage = Storage()
        __gmpz_set_ui(storage.z, UInt(value))
    }

    public init<T: BinaryInteger>(_ value: T) {
        if let v = Int(exactly: value) {
            self.init(v)
        } else if let v = UInt64(exactly: value) {
            self.init(v)
        } else {
            // Wider than 64 bits (Int128/UInt128): assemble from 64-bit words of the magnitude.
            var magnitude = value.magnitude
            var result = BigInt(0)
            var shift = 0
            while magnitude != 0 {
                let word = UInt64(truncatingIfNeeded: magnitude)
                result = result + (BigInt(word) << shift)
                magnitude >>= 64
                shift += 64
            }
            self = value < 0 ? -result : result
        }
    }

    /// Parses digits in `radix` (2...36), with an optional leading `-`. Nil when malformed.
    public init?(_ text: String, radix: Int = 10) {
        guard (2...36).contains(radix), !text.isEmpty else { return nil }
        var body = Substring(text)
        var negative = false
        if body.first == "-" { negative = true; body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ BigInt.digitValue($0).map { $0 < radix } ?? false }) else {
            return nil
        }
        let s = Storage()
        let rc = String(body).withCString { __gmpz_set_str(s.z, $0, Int32(radix)) }
        guard rc == 0 else { return nil }
        if negative { __gmpz_neg(s.z, s.z) }
        storage = s
    }

    /// The value of an ASCII digit or letter (a/A = 10 … z/Z = 35), nil for anything else.
    static func digitValue(_ c: Character) -> Int? {
        guard let a = c.asciiValue else { return nil }
        switch a {
        case 48...57: return Int(a) - 48
        case 65...90: return Int(a) - 55
        case 97...122: return Int(a) - 87
        default: return nil
        }
    }

    // MARK: Queries

    @inlinable public var signum: Int { Int(cgmp_mpz_sgn(storage.z)) }
    @inlinable public var isZero: Bool { signum == 0 }
    @inlinable public var isNegative: Bool { signum < 0 }
    @inlinable public var isOdd: Bool { cgmp_mpz_odd_p(storage.z) != 0 }

    /// Number of bits of |self| (0 for zero): `2^(bitLength-1) <= |self| < 2^bitLength`.
    @inlinable public var bitLength: Int {
        isZero ? 0 : Int(__gmpz_sizeinbase(storage.z, 2))
    }

    /// Number of trailing zero bits of |self|; nil for zero.
    @inlinable public var trailingZeroBitCount: Int? {
        isZero ? nil : Int(__gmpz_scan1(storage.z, 0))
    }

    /// Whether |self| is a power of two (zero is not).
    @inlinable public var isPowerOfTwo: Bool {
        guard let t = trailingZeroBitCount else { return false }
        return t == bitLength - 1
    }

    /// The value as an `Int`, or nil when it does not fit.
    @inlinable public var asInt: Int? {
        __gmpz_fits_slong_p(storage.z) != 0 ? __gmpz_get_si(storage.z) : nil
    }

    /// The low 64 bits of |self|.
    @inlinable public var lowWord: UInt64 { UInt64(__gmpz_getlimbn(storage.z, 0)) }

    @inlinable public var magnitude: BigInt { BigInt.make { __gmpz_abs($0, storage.z) } }

    // MARK: Arithmetic (results never alias inputs through Swift references)

    @inlinable public static func + (l: BigInt, r: BigInt) -> BigInt {
        make { __gmpz_add($0, l.storage.z, r.storage.z) }
    }
    @inlinable public static func - (l: BigInt, r: BigInt) -> BigInt {
        make { __gmpz_sub($0, l.storage.z, r.storage.z) }
    }
    @inlinable public static func * (l: BigInt, r: BigInt) -> BigInt {
        make { __gmpz_mul($0, l.storage.z, r.storage.z) }
    }
    @inlinable public static prefix func - (x: BigInt) -> BigInt {
        make { __gmpz_neg($0, x.storage.z) }
    }
    @inlinable public static func += (l: inout BigInt, r: BigInt) {
        l.makeUnique()
        __gmpz_add(l.storage.z, l.storage.z, r.storage.z)
    }
    @inlinable public static func -= (l: inout BigInt, r: BigInt) {
        l.makeUnique()
        __gmpz_sub(l.storage.z, l.storage.z, r.storage.z)
    }
    @inlinable public static func *= (l: inout BigInt, r: BigInt) {
        l.makeUnique()
        __gmpz_mul(l.storage.z, l.storage.z, r.storage.z)
    }

    /// `x · 2^n` for n ≥ 0, `floor(x / 2^-n)` for n < 0.
    @inlinable public static func << (x: BigInt, n: Int) -> BigInt {
        if n >= 0 { return make { __gmpz_mul_2exp($0, x.storage.z, mp_bitcnt_t(n)) } }
        return make { __gmpz_fdiv_q_2exp($0, x.storage.z, mp_bitcnt_t(-n)) }
    }
    /// `floor(x / 2^n)` (rounds toward -infinity, like an arithmetic shift).
    @inlinable public static func >> (x: BigInt, n: Int) -> BigInt { x << -n }

    /// Floor division: `q = floor(n / d)`, `r = n - q·d` with `0 <= r < |d|` for d > 0.
    /// Precondition: d ≠ 0 (callers in the reference check it; a zero divisor is a logic error).
    @inlinable public func floorDivided(by d: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        precondition(!d.isZero, "BigInt division by zero")
        let q = Storage(), r = Storage()
        __gmpz_fdiv_qr(q.z, r.z, storage.z, d.storage.z)
        return (BigInt(storage: q), BigInt(storage: r))
    }

    /// Truncating division (toward zero), remainder with the sign of the dividend.
    @inlinable public func truncatingDivided(by d: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        precondition(!d.isZero, "BigInt division by zero")
        let q = Storage(), r = Storage()
        __gmpz_tdiv_qr(q.z, r.z, storage.z, d.storage.z)
        return (BigInt(storage: q), BigInt(storage: r))
    }

    @inlinable public static func gcd(_ a: BigInt, _ b: BigInt) -> BigInt {
        make { __gmpz_gcd($0, a.storage.z, b.storage.z) }
    }

    /// `self = remaining · factor^count` with `remaining` not divisible by `factor`, by GMP's
    /// `mpz_remove` (subquadratic; dividing once per factor is quadratic in the size).
    /// Precondition: factor ≥ 2. Zero has no factors to remove: it returns (0, 0).
    func removingAllFactors(_ factor: BigInt) -> (remaining: BigInt, count: Int) {
        precondition(factor > BigInt(1), "removingAllFactors needs a factor of at least 2")
        if isZero { return (self, 0) }
        var count = 0
        let remaining = BigInt.make { count = Int(__gmpz_remove($0, storage.z, factor.storage.z)) }
        return (remaining, count)
    }

    /// `base^exponent` for small non-negative bases and exponents.
    @inlinable public static func power(_ base: UInt, _ exponent: Int) -> BigInt {
        precondition(exponent >= 0)
        return make { __gmpz_ui_pow_ui($0, base, UInt(exponent)) }
    }

    /// The bit of |self| at `index` (two's complement semantics are not used: magnitude only).
    @inlinable public func magnitudeBit(_ index: Int) -> Bool {
        let m = magnitude
        return __gmpz_tstbit(m.storage.z, mp_bitcnt_t(index)) != 0
    }

    /// Digits in the given radix (lower-case letters), with a leading `-` when negative.
    public func toString(radix: Int = 10) -> String {
        guard let p = __gmpz_get_str(nil, Int32(radix), storage.z) else { return "?" }
        defer { cgmp_free_str(p) }
        return String(cString: p)
    }
}

extension BigInt: Equatable, Comparable, Hashable {
    @inlinable public static func == (l: BigInt, r: BigInt) -> Bool {
        __gmpz_cmp(l.storage.z, r.storage.z) == 0
    }
    @inlinable public static func < (l: BigInt, r: BigInt) -> Bool {
        __gmpz_cmp(l.storage.z, r.storage.z) < 0
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(signum)
        hasher.combine(lowWord)
        hasher.combine(bitLength)
    }
}

extension BigInt: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}

extension BigInt: CustomStringConvertible {
    public var description: String { toString(radix: 10) }
}
