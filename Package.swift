// swift-tools-version:5.10
// ManifoldBench: a reproducible research and benchmark harness for dimension reduction.
// Module map and conventions: see DESIGN.md (kept beside the code as docs/DESIGN.md).
import PackageDescription

/// Release-mode flags for numeric code: unchecked arithmetic is not enabled,
/// but cross-module optimisation lets generic helpers inline into hot loops.
let optimised: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "ManifoldBench",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mbench", targets: ["mbench"]),
        .library(name: "Lab", targets: ["Lab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
    ],
    targets: [
        // System-library shims (module maps only).
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Swift modules, in dependency order.
        // Deterministic SGEMM kernels (C, chosen by CPU for speed only; no FMA contraction).
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-ffp-contract=off"])]),
        .target(name: "Linalg", dependencies: [
            "CBLAS", "CKernels", .product(name: "Atomics", package: "swift-atomics"),
        ], swiftSettings: optimised),
        .target(name: "Datasets", dependencies: [
            "Linalg", "CZlib",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: optimised),
        .target(name: "Neighbors", dependencies: ["Linalg"], swiftSettings: optimised),
        .target(name: "Embedding", dependencies: ["Linalg", "Neighbors", "CBLAS"], swiftSettings: optimised),
        .target(name: "Clustering", dependencies: ["Linalg"], swiftSettings: optimised),
        .target(name: "Quality", dependencies: ["Linalg", "Neighbors", "Clustering", "Embedding"], swiftSettings: optimised),
        .target(name: "Plot", dependencies: ["CPNG", "CFreeType"], swiftSettings: optimised),
        .target(name: "Lab", dependencies: [
            "Linalg", "Datasets", "Neighbors", "Embedding", "Clustering", "Quality", "Plot",
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: optimised),
        .executableTarget(name: "mbench", dependencies: [
            "Lab", "Linalg", "Datasets", "Neighbors", "Embedding", "Clustering", "Quality", "Plot",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: optimised),

        // Tests mirror Sources/.
        .testTarget(name: "LinalgTests", dependencies: ["Linalg"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Linalg"]),
        .testTarget(name: "NeighborsTests", dependencies: ["Neighbors", "Linalg"]),
        .testTarget(name: "EmbeddingTests", dependencies: ["Embedding", "Neighbors", "Linalg"]),
        .testTarget(name: "ClusteringTests", dependencies: ["Clustering", "Linalg"]),
        .testTarget(name: "QualityTests", dependencies: ["Quality", "Linalg"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "Linalg", "Datasets", "Embedding", .product(name: "Yams", package: "Yams")]),
        // Runs the built mbench binary (swift build --build-tests builds it beside the tests).
        .testTarget(name: "mbenchTests"),
    ]
)
