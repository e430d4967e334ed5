import XCTest
@testable import Lab

/// Specs that fit on one split and place the other with `transform`.
final class TransformTests: XCTestCase {
    private func parse(_ yaml: String) throws -> ExperimentSpec { try SpecParser.parse(yaml: yaml, file: "t.yaml") }

    func testTransformNeedsAnotherSplitOfARegistrySet() throws {
        let ok = try parse("datasets: [{name: mnist, split: train, transform: test}]\nalgorithms: [{name: umap}, {name: pca}]\nmetrics: [transform-knn-accuracy@10]\n")
        XCTAssertEqual(ok.datasets[0].transformSplit, "test")
        XCTAssertEqual(Plan(spec: ok).tasks.first?.dataset.transform, "test")

        let problems: [(yaml: String, message: String)] = [
            ("datasets: [{name: mnist, transform: test}]\nalgorithms: [{name: pca}]\n", "needs 'split' set to the other split"),
            ("datasets: [{name: mnist, split: test, transform: test}]\nalgorithms: [{name: pca}]\n", "needs 'split' set to the other split"),
            ("datasets: [{name: blobs, transform: test}]\nalgorithms: [{name: pca}]\n", "needs a data set with train and test splits"),
            ("datasets: [{name: mnist, split: train, transform: validation}]\nalgorithms: [{name: pca}]\n", "allowed: train, test"),
            ("datasets: [{name: mnist, split: train, transform: test}]\nalgorithms: [{name: neighbor-distances}]\n", "cannot place held-out points"),
            ("datasets: [{name: blobs}]\nalgorithms: [{name: pca}]\nmetrics: [transform-knn-accuracy@10]\n", "needs every data set to have a 'transform' split"),
        ]
        for (yaml, message) in problems {
            XCTAssertThrowsError(try parse(yaml), yaml) { error in
                XCTAssertTrue(error is SpecError, "\(error)")
                XCTAssertTrue("\(error)".contains(message), "\(error) should mention \(message)")
            }
        }
    }

    func testTaskHashWithoutTransformIsUnchanged() throws {
        // Adding the optional transform field must not change the hashes of stored results.
        let spec = try parse("seed: 3\ndatasets: [{name: blobs, n: 100}]\nalgorithms: [{name: pca}]\n")
        let task = try XCTUnwrap(Plan(spec: spec).tasks.first)
        XCTAssertNil(task.dataset.transform)
        let encoded = String(decoding: try JSONEncoder().encode(task.dataset), as: UTF8.self)
        XCTAssertFalse(encoded.contains("transform"))
    }

    /// Fit on 1 500 MNIST training images, place all 10 000 test images (needs the data mirror).
    func testFitOnTrainAndTransformTest() throws {
        let mirror = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/datasets")
        guard FileManager.default.fileExists(atPath: mirror.appendingPathComponent("mnist/t10k-images-idx3-ubyte.gz").path) else {
            throw XCTSkip("no MNIST mirror at \(mirror.path)")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-transform-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let saved = ["MBENCH_MIRROR", "MBENCH_CACHE"].map { ($0, ProcessInfo.processInfo.environment[$0]) }
        defer { for (name, value) in saved { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
        setenv("MBENCH_MIRROR", mirror.path, 1)
        setenv("MBENCH_CACHE", root.appendingPathComponent("cache").path, 1)
        let yaml = """
        name: transform-test
        seed: 1
        datasets:
          - {name: mnist, split: train, transform: test, n: 1500, subsample: stratified}
        algorithms:
          - {name: pca, params: {n_components: 2}}
          - {name: umap, params: {n_epochs: 100}}
        metrics: [knn-accuracy@10, transform-knn-accuracy@10]
        figures:
          - {kind: embeddings, file: t.png, cols: layer, rows: algorithm, layers: [fit, transformed, both]}
        """
        let spec = try parse(yaml)
        let runner = Runner(options: RunOptions(resultsRoot: root.appendingPathComponent("results")), log: { _ in })
        let summary = try runner.run(spec)
        XCTAssertTrue(summary.failures.isEmpty, "\(summary.failures)")
        XCTAssertEqual(summary.figures.map(\.lastPathComponent), ["t.png"])
        let store = ResultStore(root: root.appendingPathComponent("results"), experiment: "transform-test")
        let records = store.allRecords()
        XCTAssertEqual(records.count, 2)
        var heldOutAccuracy: [String: Double] = [:]
        for record in records {
            let file = try XCTUnwrap(record.transformedFile)
            let placed = try ArrayFiles.readMatrix(store.url(file))
            XCTAssertEqual(placed.rows, 10_000)
            XCTAssertEqual(placed.cols, 2)
            XCTAssertEqual(try ArrayFiles.readLabels(store.url(try XCTUnwrap(record.transformedLabelsFile))).count, 10_000)
            XCTAssertTrue(record.phases.contains { $0.name == "transform" })
            heldOutAccuracy[record.task.algorithm] = try XCTUnwrap(record.metric("transform-knn-accuracy@10"))
            let fitted = try XCTUnwrap(record.metric("knn-accuracy@10"))
            // Held-out points are classified about as well as the fitted ones (never much better).
            XCTAssertLessThan(heldOutAccuracy[record.task.algorithm]!, fitted + 0.05)
        }
        // umap-learn 0.5.12 on the same setting (1 500 stratified training images, all 10 000 test
        // images, 10-NN among the training points): 0.80; two principal components: about 0.4.
        let umap = try XCTUnwrap(heldOutAccuracy["umap"]), pca = try XCTUnwrap(heldOutAccuracy["pca"])
        XCTAssertGreaterThan(umap, 0.72)
        XCTAssertGreaterThan(umap, pca + 0.25)
        // A re-run reuses both tasks, transformed points included.
        let again = try runner.run(spec)
        XCTAssertEqual(again.reused, 2)
    }
}
