// Every code of every registered format decodes and re-encodes to itself under every rounding
// mode and overflow policy (Specs/formats.md §5), and the decoded values are ordered and distinct.

import Testing
@testable import Octet
import OctetExact

@Suite("Decode then encode")
struct RoundTripTests {
    @Test("every code re-encodes to itself under every mode × policy", arguments: FormatRegistry.all.map(\.name))
    func everyCodeRoundTrips(name: String) throws {
        let format = TableRounders.format(named: name)
        let table = TableRounders.byName[name]!
        let signedNaNs = table.posNaNCode != nil && table.posNaNCode != table.negNaNCode
        var problems: [String] = []
        for code in format.codes {
            let v = format.value(ofCode: code)
            for variant in RoundingVariant.all {
                for policy in OverflowPolicy.allCases {
                    let where_ = "\(name) \(format.hex(code)) (\(v)) \(variant) \(policy.rawValue)"
                    let e: Encoded
                    do {
                        e = try format.encode(v, rounding: variant.mode, overflow: policy, random: variant.random)
                    } catch {
                        problems.append("\(where_): threw \(error)")
                        continue
                    }
                    switch v {
                    case .nan(let negative):
                        // NaN re-encodes to a NaN of the format, with its sign where NaNs are signed.
                        if format.classifyCode(e.code) != .nan {
                            problems.append("\(where_): NaN became \(format.hex(e.code))")
                        } else if signedNaNs && format.value(ofCode: e.code).isNegative != negative {
                            problems.append("\(where_): NaN lost its sign (\(format.hex(e.code)))")
                        }
                        if !e.flags.isEmpty { problems.append("\(where_): NaN to NaN raised \(e.flags.spelled)") }
                    case .infinity(let negative) where policy == .saturate:
                        // §4.4: saturate maps ±Inf to ±max. (§5's "any policy" cannot hold here.)
                        let want = negative ? table.negMaxCode! : table.maxCode
                        if e.code != want {
                            problems.append("\(where_): got \(format.hex(e.code)), expected ±max \(format.hex(want))")
                        }
                    default:
                        if e.code != code { problems.append("\(where_): got \(format.hex(e.code))") }
                        if !e.flags.isEmpty { problems.append("\(where_): exact value raised \(e.flags.spelled)") }
                    }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.count) problems; first: \(problems.prefix(20).joined(separator: "\n"))")
    }

    @Test("finite values are distinct (but ±0) and ordered by code", arguments: FormatRegistry.all.map(\.name))
    func valuesAreStrictlyIncreasing(name: String) throws {
        let format = TableRounders.format(named: name)
        var all: [(value: Rational, code: Int, negativeZero: Bool)] = []
        var positiveRun: [Rational] = []   // floats: sign bit clear, in code order
        var negativeRun: [Rational] = []   // floats: sign bit set, in code order
        for code in format.codes {
            let v = format.value(ofCode: code)
            guard let r = v.rational else { continue }
            let negativeZero: Bool = { if case .zero(true) = v { return true } else { return false } }()
            all.append((r, code, negativeZero))
            if case .finite(let negative, _) = format.classifyCode(code), format.floatLayout != nil {
                if negative { negativeRun.append(r) } else { positiveRun.append(r) }
            }
        }
        #expect(!all.isEmpty)
        let sorted = all.sorted { $0.value < $1.value }
        var duplicates: [String] = []
        for (a, b) in zip(sorted, sorted.dropFirst()) where !(a.value < b.value) {
            let isSignedZeroPair = a.value.isZero && b.value.isZero && a.negativeZero != b.negativeZero
            if !isSignedZeroPair { duplicates.append("\(format.hex(a.code)) and \(format.hex(b.code)) both \(ExactValue(a.value))") }
        }
        #expect(duplicates.isEmpty, "\(name): duplicate values \(duplicates)")
        // -0 exists exactly when the format keeps a signed zero; it is the only repeated value.
        let zeros = all.filter { $0.value.isZero }
        #expect(zeros.count <= 2)
        if zeros.count == 2 { #expect(zeros.filter(\.negativeZero).count == 1) }

        if format.floatLayout != nil {
            // Sign-magnitude: magnitude grows with the code on both halves.
            for (a, b) in zip(positiveRun, positiveRun.dropFirst()) {
                #expect(a < b, "\(name): +codes not increasing at \(ExactValue(a)) → \(ExactValue(b))")
            }
            for (a, b) in zip(negativeRun, negativeRun.dropFirst()) {
                #expect(b < a, "\(name): -codes not decreasing at \(ExactValue(a)) → \(ExactValue(b))")
            }
        } else if let i = format.integerLayout {
            // §3: exactly the integers min…max.
            let values = sorted.map(\.value)
            #expect(values == (i.minValue ... i.maxValue).map { Rational($0) })
        }
    }
}
