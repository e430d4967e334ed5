import Datasets
import Embedding
import Foundation
import Quality
import XCTest
@testable import Lab
@testable import Linalg

/// Guards the implementation versions: the output bytes of every in-house algorithm, data
/// generator and metric on a small fixed case are recorded per version. When the bytes change
/// and the version does not, stored results made by the old code would be reused as if current.
///
/// If a test here fails after an intended change of results: bump the building block's
/// `implementationVersion` and add the printed hash under the new version.
final class ImplementationFingerprintTests: XCTestCase {
    /// "name/version" → SHA-256 (first 16 hex digits) of the output on the fixed case.
    static let golden: [String: String] = [
        "pca/1": "c3ff5b80813e34f3",
        "tsne/1": "48257c4aaa925700",
        "umap/1": "bc166412fe6d958c",
        "neighbor-distances/1": "7bd9ea40f3804590",
        "generator:blobs/1": "abfd060b25129571",
        "generator:swiss-roll/1": "852848d245fd6617",
        "generator:sine/1": "add816d4619424c5",
        "metrics/1": "760cfba628978e04",
        // Version 2: the deterministic SGEMM kernel, own FFT and DeterministicMath (issue 15).
        "pca/2": "443f505459c6d430",
        "tsne/2": "11f7ceb2a97e35bd",
        "umap/2": "bc166412fe6d958c",
        "neighbor-distances/2": "7bd9ea40f3804590",
        "generator:blobs/2": "abfd060b25129571",
        "generator:swiss-roll/2": "852848d245fd6617",
        "generator:sine/2": "add816d4619424c5",
        "metrics/2": "9e0736e01e4b1c67",
    ]

    private func hash(_ bytes: [UInt8]) -> String {
        String(Checksum.sha256(bytes).prefix(16))
    }

    private func check(_ key: String, _ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let actual = hash(bytes)
        guard let expected = Self.golden[key], !expected.isEmpty else {
            XCTFail("no golden output recorded for \(key): add \"\(key)\": \"\(actual)\"", file: file, line: line)
            return
        }
        XCTAssertEqual(actual, expected, "the output of \(key) changed: bump its implementationVersion and record "
                       + "\"<name>/<new version>\": \"\(actual)\"", file: file, line: line)
    }

    private func fixedCase() throws -> Matrix {
        try SyntheticManifolds.generate("blobs", n: 240, seed: 11, options: ["dimension": 6, "centers": 3]).data
    }

    func testAlgorithmOutputsMatchTheirVersions() throws {
        let saved = Parallel.threadCount
        Parallel.threadCount = 2
        defer { Parallel.threadCount = saved }
        let data = try fixedCase()
        for name in ["pca", "tsne", "umap", "neighbor-distances"] {
            let algorithm = try Catalog.makeAlgorithm(name, parameters: name == "tsne" ? ["n_iter": .number(300)] : [:])
            let result = try algorithm.fit(data, labels: nil, seed: 5, progress: nil)
            check("\(name)/\(type(of: algorithm).implementationVersion)", NPY.encode(result.embedding))
        }
    }

    func testGeneratorOutputsMatchTheirVersions() throws {
        for name in ["blobs", "swiss-roll", "sine"] {
            let sample = try SyntheticManifolds.generate(name, n: 150, seed: 3)
            check("generator:\(name)/\(SyntheticManifolds.implementationVersion(of: name))", NPY.encode(sample.data))
        }
    }

    func testMetricValuesMatchTheirVersions() throws {
        let data = try fixedCase()
        let embedding = try PCA(nComponents: 2).fitModel(data, seed: 0).transform(data)
        let labels = (0..<data.rows).map { $0 % 3 }
        let metrics = try ["trustworthiness@10", "continuity@10", "knn-preservation@10", "knn-accuracy@5",
                           "knn-accuracy-cv@5", "distance-correlation", "silhouette"].map { try QualityMetric(parsing: $0) }
        let versions = Set(metrics.map(\.implementationVersion))
        XCTAssertEqual(versions, [2], "metric versions moved apart: give each its own golden entry")
        let results = try QualityEvaluator.evaluate(metrics, data: data, embedding: embedding, labels: labels, seed: 1)
        var bytes: [UInt8] = []
        for result in results { withUnsafeBytes(of: result.value.bitPattern.littleEndian) { bytes += $0 } }
        check("metrics/\(versions.first!)", bytes)
    }
}
