import OctetExact

/// A two's-complement (signed) or unsigned integer format of 1 to 32 bits (up to 16 can be
/// enumerated; int32 serves as an accumulator and output format).
public struct IntegerFormat: Sendable, Hashable {
    public let bits: Int
    public let signed: Bool

    public init(bits: Int, signed: Bool) throws(FormatError) {
        guard (1...32).contains(bits) else { throw .invalid("integer formats have 1 to 32 bits (got \(bits))") }
        self.bits = bits
        self.signed = signed
    }

    public var codeCount: Int { 1 << bits }
    public var minValue: Int { signed ? -(1 << (bits - 1)) : 0 }
    public var maxValue: Int { signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1 }

    public func value(of code: Int) -> Int {
        signed && code >= 1 << (bits - 1) ? code - (1 << bits) : code
    }
    public func code(of value: Int) -> Int {
        value & ((1 << bits) - 1)
    }
}
