import XCTest
import Clustering
@testable import Lab

/// A spec can chain: embed, then cluster the embedding, then score against the labels.
final class ClusteringChainTests: XCTestCase {
    func testEmbedThenClusterFindsTheBlobs() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-chain-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let yaml = """
        name: chain
        seed: 7
        datasets:
          - name: blobs
            n: 600
            options: {dimension: 6, centers: 4, cluster_std: 0.5}
        algorithms:
          - name: pca
        clustering:
          k: 2...7
          covariance: [full, spherical]
          n_init: 2
        figures:
          - {kind: model-selection, file: m.png, rows: algorithm, y: [bic, silhouette, ari]}
          - {kind: embeddings, file: c.png, color: cluster}
        """
        let spec = try SpecParser.parse(yaml: yaml, file: "chain.yaml")
        XCTAssertEqual(spec.clustering?.ks, Array(2...7))
        let summary = try Runner(options: RunOptions(resultsRoot: root), log: { _ in }).run(spec)
        XCTAssertTrue(summary.failures.isEmpty, "\(summary.failures)")
        let store = ResultStore(root: root, experiment: "chain")
        let record = try XCTUnwrap(store.allRecords().first)
        XCTAssertEqual(record.metric("cluster-k"), 4)
        XCTAssertGreaterThan(try XCTUnwrap(record.metric("cluster-ari")), 0.95)
        let reportFile = try XCTUnwrap(record.clusteringFile)
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.url(reportFile).path))
        XCTAssertEqual(summary.figures.map(\.lastPathComponent), ["m.png", "c.png"])
        // A re-run reuses the clustered record.
        XCTAssertEqual(try Runner(options: RunOptions(resultsRoot: root), log: { _ in }).run(spec).reused, 1)
    }

    func testEmbedThenHDBSCANFindsTheBlobsAndColoursByCluster() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-hdbscan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let yaml = """
        name: chain-hdbscan
        seed: 7
        datasets:
          - name: blobs
            n: 600
            options: {dimension: 6, centers: 4, cluster_std: 0.5}
        algorithms:
          - name: pca
        clustering:
          method: hdbscan
          min_cluster_size: 30
          min_samples: 5
        figures:
          - {kind: embeddings, file: c.png, color: cluster}
        """
        let spec = try SpecParser.parse(yaml: yaml, file: "chain.yaml")
        XCTAssertEqual(spec.clustering?.hdbscan, HDBSCAN.Options(minClusterSize: 30, minSamples: 5, selection: .eom))
        let summary = try Runner(options: RunOptions(resultsRoot: root), log: { _ in }).run(spec)
        XCTAssertTrue(summary.failures.isEmpty, "\(summary.failures)")
        let record = try XCTUnwrap(ResultStore(root: root, experiment: "chain-hdbscan").allRecords().first)
        XCTAssertEqual(record.metric("cluster-k"), 4)
        XCTAssertGreaterThan(try XCTUnwrap(record.metric("cluster-ari")), 0.95)
        XCTAssertNotNil(record.metric("cluster-noise"))
        XCTAssertEqual(try Runner(options: RunOptions(resultsRoot: root), log: { _ in }).run(spec).reused, 1)
    }

    /// Colouring by cluster: HDBSCAN's noise (−1) is one more category after the clusters, named "noise".
    func testNoiseIsItsOwnCategoryWhenColouringByCluster() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-hdbscan-noise-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let yaml = """
        name: chain-noise
        seed: 3
        datasets:
          - {name: blobs, n: 400, options: {dimension: 4, centers: 3, cluster_std: 2.0}}
        algorithms:
          - name: pca
        clustering: {method: hdbscan, min_cluster_size: 40, min_samples: 15}
        figures:
          - {kind: embeddings, file: c.png, color: cluster}
        """
        let spec = try SpecParser.parse(yaml: yaml, file: "noise.yaml")
        XCTAssertTrue(try Runner(options: RunOptions(resultsRoot: root), log: { _ in }).run(spec).failures.isEmpty)
        let store = ResultStore(root: root, experiment: "chain-noise")
        let record = try XCTUnwrap(store.allRecords().first)
        let clusters = try ArrayFiles.readLabels(store.url(try XCTUnwrap(record.clustersFile)))
        let count = (clusters.max() ?? -1) + 1, noise = clusters.filter { $0 < 0 }.count
        XCTAssertGreaterThan(noise, 0, "the case should have noise points")
        let series = try FigureRecipe(spec: spec, figure: spec.figures[0], store: store).scatter(record, layer: .fit, colorBy: "cluster")
        XCTAssertEqual(series.categoryNames, (1...count).map { "cluster \($0)" } + ["noise"])
        XCTAssertEqual(series.categories?.filter { $0 == count }.count, noise)
        XCTAssertFalse(series.categories?.contains { $0 < 0 } ?? true)
    }

    func testHDBSCANSpecErrorsNameTheLine() {
        let mixed = "datasets: [{name: blobs}]\nalgorithms: [{name: pca}]\nclustering:\n  method: hdbscan\n  k: 2...5\n"
        XCTAssertThrowsError(try SpecParser.parse(yaml: mixed, file: "c.yaml")) { error in
            XCTAssertEqual((error as? SpecError)?.line, 5)
            XCTAssertTrue("\(error)".contains("does not apply to method hdbscan"), "\(error)")
        }
        let approx = "datasets: [{name: blobs}]\nalgorithms: [{name: pca}]\nclustering:\n  method: hdbscan\n  approx_min_span_tree: false\n"
        XCTAssertThrowsError(try SpecParser.parse(yaml: approx, file: "c.yaml")) { error in
            XCTAssertEqual((error as? SpecError)?.line, 5)
            XCTAssertTrue("\(error)".contains("use 'method: hdbscan-package'"), "\(error)")
        }
        let package = try? SpecParser.parse(yaml: approx.replacingOccurrences(of: "method: hdbscan\n", with: "method: hdbscan-package\n"),
                                            file: "c.yaml")
        XCTAssertEqual(package?.clustering?.implementation, "hdbscan-package")
        XCTAssertEqual(package?.clustering?.approximateTree, false)
        XCTAssertNotNil(package?.clustering?.hdbscan)
        let small = "datasets: [{name: blobs}]\nalgorithms: [{name: pca}]\nclustering: {method: hdbscan, min_cluster_size: 1}\n"
        XCTAssertThrowsError(try SpecParser.parse(yaml: small, file: "c.yaml")) { error in
            XCTAssertTrue("\(error)".contains("min_cluster_size"), "\(error)")
        }
    }

    func testBadClusteringRangeIsASpecError() {
        let yaml = "datasets: [{name: blobs}]\nalgorithms: [{name: pca}]\nclustering: {k: 9...3}\n"
        XCTAssertThrowsError(try SpecParser.parse(yaml: yaml, file: "c.yaml")) { error in
            XCTAssertEqual((error as? SpecError)?.line, 3)
        }
    }
}
