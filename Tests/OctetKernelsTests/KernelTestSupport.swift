import Foundation
import Testing
import Octet
import OctetExact
import OctetKernels
import OctetKernelsBridge

/// Shared pieces of the kernel tests: the formats under test, the exact values of every binary16
/// and bfloat16 input (computed once per process: building an `ExactValue` costs GMP calls), the
/// reference encoder wrapped for comparison, and a mismatch recorder that reports the first few
/// disagreements precisely and counts the rest.
///
/// Long runs:
///   OCTET_EXHAUSTIVE=1 swift test --filter Exhaustive
/// runs every 2^32 binary32 input into float8_e4m3fn and float8_e5m2 (rne, saturate and
/// nonsaturate, dispatched and scalar paths; see Binary32ExhaustiveTests.swift) and, in the
/// binary16/bfloat16 sweeps, calls the reference for every policy instead of reusing the
/// `saturate` result for in-range values (see `HalfInputConversions`).
enum KernelTest {
    /// `OCTET_EXHAUSTIVE=1`: the opt-in long tests.
    static let exhaustive: Bool = ProcessInfo.processInfo.environment["OCTET_EXHAUSTIVE"] == "1"

    /// Every float format of at most 8 bits in the registry, E8M0 included.
    static let narrowFloatFormats: [Format] = FormatRegistry.all.filter { f in
        guard let l = f.floatLayout else { return false }
        return l.bits <= 8
    }
    static let narrowFloatFormatNames: [String] = narrowFloatFormats.map(\.name)

    static func format(_ name: String) -> Format { try! FormatRegistry.named(name) }

    static let binary32 = format("binary32")
    static let binary16 = format("binary16")
    static let bfloat16 = format("bfloat16")
    static let int32 = format("int32")

    /// The exact value of every 16-bit pattern, indexed by the pattern.
    static let bf16Values: [ExactValue] = (0 ..< 65536).map { IEEEBits.decode(UInt64($0), as: .bfloat16) }
    static let f16Values: [ExactValue] = (0 ..< 65536).map { IEEEBits.decode(UInt64($0), as: .binary16) }
    static let all16BitPatterns: [UInt16] = (0 ..< 65536).map { UInt16($0) }

    /// A plan for `format` (must be a kernel format).
    static func plan(_ format: Format, _ rounding: RoundingMode, _ policy: OverflowPolicy, srBits: Int = 0) -> octet_plan {
        guard let kf = format.kernelFormat, let kr = rounding.kernelRounding,
              let p = Kernels.plan(kf, rounding: kr, overflow: policy.kernelOverflow, srBits: srBits) else {
            fatalError("no kernel plan for \(format.name) \(rounding) \(policy) N=\(srBits)")
        }
        return p
    }

    /// The reference code, or nil when the reference refuses (NaN into a format without NaN).
    static func reference(_ f: Format, _ x: ExactValue, _ rounding: RoundingMode, _ policy: OverflowPolicy,
                          random: StochasticBits? = nil) -> Int? {
        do { return try f.encode(x, rounding: rounding, overflow: policy, random: random).code } catch {
            if case .nanNotRepresentable = error { return nil }
            fatalError("reference refused \(x) into \(f.name): \(error)")
        }
    }

    static func hex(_ v: some BinaryInteger, _ digits: Int = 2) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, digits - s.count)) + s
    }

    static func floatBits(_ x: Float) -> String { hex(x.bitPattern, 8) }
}

/// Counts mismatches and records the first few as issues with their full context.
struct MismatchLog {
    let context: String
    var count = 0
    var limit = 8

    init(_ context: String, limit: Int = 8) {
        self.context = context
        self.limit = limit
    }

    mutating func record(_ message: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
        count += 1
        if count <= limit { Issue.record("\(context): \(message())", sourceLocation: sourceLocation) }
    }

    func finish(sourceLocation: SourceLocation = #_sourceLocation) {
        if count > limit { Issue.record("\(context): \(count) mismatches in all", sourceLocation: sourceLocation) }
    }
}

/// Runs `body` on a copy of `values` placed `offset` elements past a 64-byte boundary, so the
/// kernels see unaligned starts.
func withOffsetBuffer<T, R>(_ values: [T], offset: Int, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
    let stride = MemoryLayout<T>.stride
    let raw = UnsafeMutableRawPointer.allocate(byteCount: (values.count + offset) * stride + 64, alignment: 64)
    defer { raw.deallocate() }
    let base = raw.advanced(by: offset * stride).bindMemory(to: T.self, capacity: values.count)
    let buf = UnsafeMutableBufferPointer(start: base, count: values.count)
    _ = buf.initialize(from: values)
    defer { buf.deinitialize() }
    return try body(UnsafeBufferPointer(buf))
}

/// The deterministic generator of the sweeps: the reference's splitmix64 (Octet.SplitMix64), so the
/// same seed gives the same data on every machine and run.
typealias SplitMix = SplitMix64
