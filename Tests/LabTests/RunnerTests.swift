import XCTest
@testable import Lab
@testable import Linalg

final class RunnerTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-run-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    let yaml = """
    name: runner-test
    seeds: [3, 4]
    datasets:
      - name: blobs
        n: [300, 9000]
        options: {dimension: 12, centers: 4}
    algorithms:
      - name: pca
        params: {n_components: 2}
    """

    private func run(_ folder: String, threads: Int = 2, force: Bool = false) throws -> (RunSummary, ResultStore) {
        let spec = try SpecParser.parse(yaml: yaml, file: "runner-test.yaml")
        let options = RunOptions(resultsRoot: root.appendingPathComponent(folder), force: force)
        let summary = try Parallel.withThreadCount(threads) { try Runner(options: options, log: { _ in }).run(spec) }
        return (summary, ResultStore(root: root.appendingPathComponent(folder), experiment: spec.name))
    }

    private func embeddingBytes(_ store: ResultStore) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for record in store.allRecords() {
            out[record.task.id] = try Data(contentsOf: store.url(record.embeddingFile))
        }
        return out
    }

    func testSameSpecTwiceGivesIdenticalBytes() throws {
        let (first, storeA) = try run("a")
        XCTAssertEqual(first.computed, 4)
        XCTAssertTrue(first.failures.isEmpty)
        let (_, storeB) = try run("b")
        let a = try embeddingBytes(storeA), b = try embeddingBytes(storeB)
        XCTAssertEqual(a.count, 4)
        XCTAssertEqual(a, b)
    }

    func testOneThreadAndTwoThreadsGiveIdenticalBytes() throws {
        let (_, one) = try run("t1", threads: 1)
        let (_, two) = try run("t2", threads: 2)
        XCTAssertEqual(try embeddingBytes(one), try embeddingBytes(two))
    }

    func testResumeSkipsFinishedTasksAndForceRecomputes() throws {
        let (_, store) = try run("r")
        // Simulate a run killed after three tasks: one record gone, a temporary file left behind.
        let records = store.allRecords()
        try FileManager.default.removeItem(at: store.url("\(records[1].task.id).json"))
        try Data("partial".utf8).write(to: store.url(".partial-x-\(records[1].task.id).json"))
        let (resumed, _) = try run("r")
        XCTAssertEqual(resumed.computed, 1)
        XCTAssertEqual(resumed.reused, 3)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: store.resultsDirectory.path)
            .contains { $0.hasPrefix(".partial-") })
        let (forced, _) = try run("r", force: true)
        XCTAssertEqual(forced.computed, 4)
    }

    func testRecordsCarryProvenance() throws {
        let (_, store) = try run("p")
        let record = try XCTUnwrap(store.allRecords().first)
        XCTAssertEqual(record.provenance.specHash.count, 64)
        XCTAssertFalse(record.provenance.dataChecksum.isEmpty)
        XCTAssertFalse(record.provenance.cpuModel.isEmpty)
        XCTAssertEqual(record.provenance.threadCount, 2)
        XCTAssertTrue(record.phases.contains { $0.name == "load_data" })
        XCTAssertNotNil(record.diagnostics["explained_variance_ratio_1"])
        XCTAssertEqual(record.embeddingSHA256, ArrayFiles.sha256(try Data(contentsOf: store.url(record.embeddingFile))))
        XCTAssertTrue(FileManager.default.fileExists(
            atPath: store.experimentDirectory.appendingPathComponent("summary.md").path))
    }

    func testAFailingTaskIsReportedAndOthersStillRun() throws {
        let bad = yaml.replacingOccurrences(of: "n: [300, 9000]", with: "n: [1, 300]")
        let spec = try SpecParser.parse(yaml: bad, file: "bad.yaml")
        let summary = try Runner(options: RunOptions(resultsRoot: root.appendingPathComponent("f")), log: { _ in }).run(spec)
        XCTAssertEqual(summary.failures.count, 2, "PCA of a single point must fail with a message")
        XCTAssertEqual(summary.computed, 2)
    }
}

final class EmbeddingReuseTests: XCTestCase {
    /// A task already computed by another experiment (same content hash) reuses its
    /// embedding, computing only the metrics it lacks; --force recomputes.
    func testSharedTaskIsReusedAcrossExperimentsWithNewMetrics() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-reuse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let base = """
        seed: 5
        datasets: [{name: blobs, n: 500, options: {dimension: 6}}]
        algorithms: [{name: pca}]
        """
        var lines: [String] = []
        let first = try SpecParser.parse(yaml: "name: first\n" + base, file: "first.yaml")
        XCTAssertEqual(try Runner(options: RunOptions(resultsRoot: root), log: { _ in }).run(first).computed, 1)
        let second = try SpecParser.parse(yaml: "name: second\nmetrics: [trustworthiness@10]\n" + base, file: "second.yaml")
        let summary = try Runner(options: RunOptions(resultsRoot: root), log: { lines.append($0) }).run(second)
        XCTAssertEqual(summary.computed, 1)
        XCTAssertTrue(lines.contains { $0.contains("reusing the embedding stored by experiment 'first'") }, "\(lines)")
        let a = try XCTUnwrap(ResultStore(root: root, experiment: "first").allRecords().first)
        let b = try XCTUnwrap(ResultStore(root: root, experiment: "second").allRecords().first)
        XCTAssertEqual(a.embeddingSHA256, b.embeddingSHA256)
        XCTAssertEqual(a.fitWallSeconds, b.fitWallSeconds)
        XCTAssertNotNil(b.metric("trustworthiness@10"))
        lines = []
        _ = try Runner(options: RunOptions(resultsRoot: root, force: true), log: { lines.append($0) }).run(second)
        XCTAssertFalse(lines.contains { $0.contains("reusing") })
    }
}
