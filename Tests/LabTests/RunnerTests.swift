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
        let saved = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = saved }
        let options = RunOptions(resultsRoot: root.appendingPathComponent(folder), force: force)
        let summary = try Runner(options: options, log: { _ in }).run(spec)
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
