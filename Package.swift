// swift-tools-version: 6.1
// Octet: the bit-exact reference for 8-bit-and-narrower number formats.
//
// Layering (kept visible here on purpose):
//   CGMP        GMP as a system library (libgmp-dev), plus shims for macros Swift cannot import
//   OctetExact  exact integers and rationals over GMP, and exact parsing of every input spelling
//   Octet       the reference: formats, decode, correctly rounded encode, overflow policies
//   octet       the command-line tool
// No target carries unsafe flags: users depend on this package, and SwiftPM refuses them there.
import PackageDescription

let package = Package(
    name: "Octet",
    products: [
        .library(name: "OctetExact", targets: ["OctetExact"]),
        .library(name: "Octet", targets: ["Octet"]),
        .library(name: "OctetKernels", targets: ["OctetKernels"]),
        .library(name: "OctetCheck", targets: ["OctetCheck"]),
        .library(name: "OctetHardware", targets: ["OctetHardware"]),
        .executable(name: "octet", targets: ["octet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        // Documentation only: `swift package generate-documentation --target Octet`.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
    ],
    targets: [
        // MARK: - Public API
        .systemLibrary(
            name: "CGMP",
            pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev"])]
        ),
        .target(name: "OctetExact", dependencies: ["CGMP"]),
        .target(name: "Octet", dependencies: ["OctetExact"]),
        // Fast kernels: C with per-function AVX2 and runtime dispatch, never GMP.
        .target(name: "COctetKernels"),
        .target(name: "OctetKernels", dependencies: ["COctetKernels"]),
        // The verification harness: generators, kernel loading, shrinking, vectors.
        // The isolation harness of `octet check` (worker process, guarded buffers): plain C, no GMP.
        .target(name: "COctetWorker"),
        .target(name: "OctetCheck", dependencies: ["Octet", "COctetWorker"]),
        // MAC gate counts (Appendix B of van Baalen et al. 2023) and bits of accuracy, from verified widths and grids.
        .target(name: "OctetHardware", dependencies: ["Octet"]),
        // Describes reference formats to the kernels (the only place both meet, besides tests).
        .target(name: "OctetKernelsBridge", dependencies: ["Octet", "OctetKernels"]),
        .executableTarget(
            name: "octet",
            dependencies: [
                "Octet",
                "OctetKernels",
                "OctetKernelsBridge",
                "OctetCheck",
                "OctetHardware",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Tools
        // A plain executable that exercises the GMP wrappers, for valgrind (the test bundle
        // itself does not run under valgrind 3.19; see CONTRIBUTING.md).
        .executableTarget(name: "octet-leakcheck", dependencies: ["OctetExact"]),

        // MARK: - Unit test bundles
        .testTarget(
            name: "OctetExactTests",
            dependencies: [
                "OctetExact",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // The runner of the built `octet` executable shared by the command-line test targets.
        .target(
            name: "OctetTestSupport",
            path: "Tests/OctetTestSupport"
        ),
        .testTarget(
            name: "OctetCLITests",
            dependencies: ["octet", "Octet", "OctetTestSupport"]
        ),
        .testTarget(
            name: "OctetHardwareTests",
            dependencies: ["OctetHardware", "Octet", "octet", "OctetTestSupport"]
        ),
        .testTarget(
            name: "OctetKernelsTests",
            dependencies: [
                "Octet",
                "OctetKernels",
                "OctetKernelsBridge",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "OctetTests",
            dependencies: [
                "Octet",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // Deliberately broken kernels (and correct twins) behind the C ABI of octet_kernel.h, for the
        // planted-bug tests of OctetCheck. Tests only: in no product.
        .target(name: "PlantedKernels", dependencies: ["COctetKernels"], path: "Tests/PlantedKernels"),
        .testTarget(
            name: "OctetCheckTests",
            dependencies: [
                "OctetCheck",
                "Octet",
                "OctetKernels",
                "PlantedKernels",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ]
)
