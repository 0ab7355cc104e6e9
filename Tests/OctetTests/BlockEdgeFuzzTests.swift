import Octet
import OctetExact
import Testing

/// Every registered scheme under every profile it accepts, on hostile tensors (binary32 edges,
/// NaN/Inf, scale underflow, ragged rows): quantize either succeeds, and then dequantizes, or
/// throws a `BlockError`; it never traps (a trap kills this process, failing the run). The gptq
/// zero-scale trap fixed in 80289cb is the kind of defect this sweeps for (reverting that fix makes
/// this test trap on the first tensor under `gptq`).
@Suite struct BlockEdgeFuzzTests {
    static let tensors: [[String]] = [
        ["f32:00000001,0,0,f32:00000001"], ["0,0,0,0"], ["-0,-0"], ["nan,1,2"], ["inf,1"], ["-inf,-1,0"],
        ["f32:7F7FFFFF,f32:FF7FFFFF"], ["f32:00000001"], ["1e-45,3e38"], ["f32:007FFFFF,f32:00800000,-1e-40"],
        ["448,-448,6,-6"], ["1e30,1e-30"], ["1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "1,2"],
    ]

    @Test("quantize and dequantize never trap", arguments: BlockSchemes.registered)
    func neverTraps(_ name: String) throws {
        let base = try BlockSchemes.named(name)
        var ran = 0
        for profile in BlockScheme.Profile.allCases {
            guard let scheme = try? base.with(profile: profile) else { continue }
            for t in Self.tensors {
                let rows = try t.map { try $0.split(separator: ",").map { try ValueParser.parse(String($0)) } }
                // Two copies of each row, so 2-D tiles see more than one row.
                guard let q = try? scheme.quantize(rows + rows) else { continue }
                _ = q.dequantize()
                if scheme.element.bits == 4 { for r in q.codes.indices { _ = try? q.packed(row: r) } }
                ran += 1
            }
        }
        #expect(ran > 0, "\(name): no tensor was accepted by any profile")
    }
}
