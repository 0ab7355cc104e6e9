import OctetTestSupport
import Foundation
import Testing

/// `octet bench --quick --json`: one JSON object per line with the documented keys, for every
/// kernel and size, each beside its baselines. (Runs the real measurements: up to ~30 s.)
@Suite struct BenchCLI {
    @Test(.timeLimit(.minutes(2))) func quickJSONHasTheDocumentedKeys() throws {
        let r = try OctetBinary.run(["bench", "--quick", "--json"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count >= 20)
        let keys: Set<String> = ["kernel", "n", "throughput", "unit", "baseline", "baseline_throughput", "ratio"]
        var kernels = Set<String>(), baselines = Set<String>(), sizes = Set<Int>()
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let o = try #require(object, "not a JSON object: \(line)")
            #expect(Set(o.keys) == keys, "\(line)")
            let kernel = try #require(o["kernel"] as? String)
            let n = try #require(o["n"] as? Int)
            let throughput = try #require(o["throughput"] as? Double)
            let base = try #require(o["baseline_throughput"] as? Double)
            let ratio = try #require(o["ratio"] as? Double)
            #expect(throughput > 0 && base > 0 && ratio > 0, "\(line)")
            #expect(["M elem/s", "GMAC/s", "GB/s"].contains(o["unit"] as? String ?? ""), "\(line)")
            kernels.insert(kernel)
            baselines.insert(try #require(o["baseline"] as? String))
            sizes.insert(n)
        }
        #expect(sizes.isSuperset(of: [4096, 16 << 20, 256 * 256 * 256]))
        for k in ["convert f32->float8_e4m3fn", "convert f32->float8_e5m2", "convert f16->", "convert bf16->", "decode float8_e4m3fn->f32",
                  "dot int8", "gemm int8 256x256x256", "dot fp8 e4m3fn fp32:lanes32", "dot fp8 e4m3fn exact"] {
            #expect(kernels.contains { $0.hasPrefix(k) }, "no row for \(k)")
        }
        for b in ["scalar C path", "plain Swift loop", "memcpy bandwidth"] { #expect(baselines.contains(b), "no \(b) baseline") }
        #expect(baselines.contains { $0.hasPrefix("GMP reference") })
    }
}
