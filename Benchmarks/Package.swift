// swift-tools-version: 6.1
// Octet's kernel benchmarks: a package of their own, so that building or testing Octet never
// compiles ordo-one/benchmark and its dependencies. Run from the repository root:
//
//   swift package --package-path Benchmarks benchmark                      # every benchmark
//   swift package --package-path Benchmarks benchmark --filter 'int8.*'    # a subset
//
// See Benchmarks/README.md, and `octet bench` for the same kernels measured in-process.
import Foundation
import PackageDescription

// A path dependency's identity is the name of the folder it is checked out in ("main", "octet",
// …): compute it, so the manifest works from any clone.
let rootIdentity = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "OctetBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        // The explicit trait list is required: the default RuntimeInterposer trait pulls a
        // package that is not mirrored here (shared/reference/swift-engineering.md §8.2).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "KernelBenchmarks",
            dependencies: [
                .product(name: "Octet", package: rootIdentity),
                .product(name: "OctetKernels", package: rootIdentity),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "KernelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
