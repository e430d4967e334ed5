import Foundation
import XCTest
@testable import Lab
@testable import Linalg

final class TaskMemoryEstimateTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-memory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func tasks(_ yaml: String) throws -> [ExperimentTask] {
        Plan(spec: try SpecParser.parse(yaml: yaml, file: "memory.yaml")).tasks
    }

    /// The documented formula, term by term, on a case worked by hand.
    func testFormulaKnownAnswers() throws {
        let all = try tasks("""
        name: memory
        datasets:
          - {name: word-vectors, n: 100000, options: {dimension: 50, clusters: 20}}
        algorithms:
          - {name: umap, params: {n_neighbors: 10}}
          - {name: tsne, params: {perplexity: 5}}
          - {name: pca}
        """)
        let n = 100_000.0, d = 50.0
        let base = Double(TaskMemoryEstimate.processBytes) + 11 * 50 * 20 * 8 + 4 * n * d
        let expected: [String: Double] = [
            "umap": base + 4 * n * d + Double(TaskMemoryEstimate.umapBytesPerEdge) * n * 10 + 16 * n * 2,
            "tsne": base + 4 * n * d + Double(TaskMemoryEstimate.tsneBytesPerEdge) * n * 16 + 64 * n * 2,
            "pca": base + 4 * n * d + 4 * n * 2 + 16 * d * d,
        ]
        for task in all {
            let estimate = try XCTUnwrap(TaskMemoryEstimate.of(task), task.algorithm)
            XCTAssertEqual(Double(estimate.bytes), try XCTUnwrap(expected[task.algorithm]), accuracy: 4, task.algorithm)
            XCTAssertEqual(estimate.rows, 100_000)
            XCTAssertEqual(estimate.cols, 50)
        }
        // Registry sets from the registry's file sizes; PCA pre-reduction adds its copies.
        let mnist = try XCTUnwrap(TaskMemoryEstimate.of(try tasks("""
        name: memory
        datasets: [{name: mnist, pca: 50}]
        algorithms: [{name: umap}]
        """)[0]))
        XCTAssertEqual(mnist.rows, 70_000)
        XCTAssertEqual(mnist.cols, 784)
        let m = 70_000.0
        XCTAssertEqual(Double(mnist.bytes), Double(TaskMemoryEstimate.processBytes) + 4 * m * 784 + (4 * m * 784 + 4 * m * 50)
                       + 4 * m * 50 + Double(TaskMemoryEstimate.umapBytesPerEdge) * m * 15 + 16 * m * 2, accuracy: 4)
        // augmented-mnist holds its 70 000 source digits besides the n generated ones.
        let augmented = try XCTUnwrap(TaskMemoryEstimate.of(try tasks("""
        name: memory
        datasets: [{name: augmented-mnist, n: 1000000}]
        algorithms: [{name: pca}]
        """)[0]))
        XCTAssertEqual(augmented.parts.first { $0.name == "generator" }?.bytes, 70_000 * 784 * 4)
        XCTAssertEqual(augmented.parts.first { $0.name.hasPrefix("input") }?.bytes, 1_000_000 * 784 * 4)
    }

    /// Above `NNDescentParameters.localityCopyLimit` values the neighbour search works in place, and
    /// the estimate drops its copy: 3 million 300-dimensional points need no second 3.6 GB.
    func testNoSearchCopyAboveTheLocalityLimit() throws {
        let all = try tasks("""
        name: memory
        datasets:
          - {name: word-vectors, n: [800000, 3000000]}
        algorithms: [{name: umap}]
        """)
        XCTAssertEqual(all.count, 2)
        for task in all {
            let estimate = try XCTUnwrap(TaskMemoryEstimate.of(task))
            let n = Double(estimate.rows), d = Double(estimate.cols)
            XCTAssertEqual(estimate.cols, 300)
            let copies = n * d <= Double(1 << 28)
            XCTAssertEqual(copies, estimate.rows == 800_000)
            let umap = try XCTUnwrap(estimate.parts.first { $0.name.hasPrefix("umap") }).bytes
            XCTAssertEqual(Double(umap), (copies ? 4 * n * d : 0) + Double(TaskMemoryEstimate.umapBytesPerEdge) * n * 15 + 16 * n * 2,
                           accuracy: 4)
        }
    }

    func testMemoryLimitParsing() {
        XCTAssertEqual(MemoryLimit.parse("16G"), 16 << 30)
        XCTAssertEqual(MemoryLimit.parse("512m"), 512 << 20)
        XCTAssertEqual(MemoryLimit.parse("1048576"), 1 << 20)
        for bad in ["", "G", "-1G", "1.5G", "16GB", "16GiB", "99999999999999999999", "9000000000T", "0"] {
            XCTAssertNil(MemoryLimit.parse(bad), bad)
        }
        XCTAssertEqual(MemoryLimit.perTask(configured: 8 << 30, jobs: 4)?.bytes, 2 << 30)
        XCTAssertNotNil(MemoryLimit.perTask(configured: nil, jobs: 1), "this machine's MemTotal")
    }

    /// A task whose estimate exceeds the limit is refused with the estimate and the limit; the others run;
    /// nothing of the refused task is written.
    func testOversizedTaskIsRefusedBeforeItStarts() throws {
        let spec = try SpecParser.parse(yaml: """
        name: memory-refusal
        datasets:
          - {name: word-vectors, n: [300, 3000000], options: {dimension: 100, clusters: 5}}
        algorithms: [{name: pca}]
        """, file: "memory.yaml")
        var lines: [String] = []
        let options = RunOptions(resultsRoot: root, drawFigures: false, memoryLimit: 1 << 30)
        let summary = try Runner(options: options, log: { lines.append($0) }).run(spec)
        XCTAssertEqual(summary.computed, 1)
        XCTAssertEqual(summary.failures.count, 1)
        let message = try XCTUnwrap(summary.failures.first?.1)
        XCTAssertTrue(message.contains("estimated peak memory"), message)
        XCTAssertTrue(message.contains("exceeds the limit 1.0 GiB (--memory-limit)"), message)
        XCTAssertTrue(message.contains("input 3000000 × 100 1.1 GiB"), message)
        let store = ResultStore(root: root, experiment: spec.name)
        XCTAssertEqual(store.allRecords().map(\.task.dataset.n), [300])
        let names = try FileManager.default.contentsOfDirectory(atPath: store.resultsDirectory.path)
        let small = try XCTUnwrap(store.allRecords().first?.task.id)
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix(small) }, "only the small task's files: \(names)")
    }

    /// The estimate is checked against the peak RSS of real workers (fit in its own process) on small n:
    /// never below the measured peak, and not more than 1.5× it plus 32 MiB.
    func testEstimateBoundsMeasuredWorkerPeaks() throws {
        let mbench = try IsolationTests.mbench()
        let spec = try SpecParser.parse(yaml: """
        name: memory-measured
        datasets:
          - {name: word-vectors, n: [4000, 16000], options: {dimension: 100, clusters: 30}}
        algorithms:
          - {name: pca}
          - {name: umap, params: {n_epochs: 20}}
          - {name: tsne, params: {n_iter: 250}}
        """, file: "memory.yaml")
        let options = RunOptions(resultsRoot: root, drawFigures: false,
                                 isolation: .worker(WorkerLauncher(executable: mbench)))
        let summary = try Runner(options: options, log: { _ in }).run(spec)
        XCTAssertTrue(summary.failures.isEmpty, "\(summary.failures)")
        let records = ResultStore(root: root, experiment: spec.name).allRecords()
        XCTAssertEqual(records.count, 6)
        for record in records {
            let estimate = try XCTUnwrap(TaskMemoryEstimate.of(record.task))
            let peak = try XCTUnwrap(record.peakRSSBytes)
            let label = "\(record.task.algorithm) n=\(record.task.dataset.n ?? 0): estimate \(estimate.bytes), measured \(peak)"
            print(label)
            XCTAssertGreaterThanOrEqual(estimate.bytes, peak, label)
            XCTAssertLessThanOrEqual(Double(estimate.bytes), 1.5 * Double(peak) + Double(32 << 20), label)
        }
    }
}
