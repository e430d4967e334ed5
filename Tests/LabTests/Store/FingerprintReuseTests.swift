import Embedding
import XCTest
@testable import Lab
@testable import Linalg

/// Results are tied to the code that made them: the reuse rule of `RecordFreshness`.
final class FingerprintReuseTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-fingerprint-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    let yaml = """
    name: fingerprint-test
    seeds: [0, 1]
    datasets:
      - name: blobs
        n: 300
        options: {dimension: 8, centers: 3}
    algorithms:
      - name: pca
      - name: neighbor-distances
        params: {k: 5}
    metrics: [trustworthiness@10]
    """

    private func run(_ fingerprints: ImplementationFingerprints = .current, reuseStale: Bool = false,
                     yaml: String? = nil) throws -> (RunSummary, ResultStore) {
        let spec = try SpecParser.parse(yaml: yaml ?? self.yaml, file: "fingerprint-test.yaml")
        let options = RunOptions(resultsRoot: root, drawFigures: false, reuseStale: reuseStale, fingerprints: fingerprints)
        return (try Runner(options: options, log: { _ in }).run(spec), ResultStore(root: root, experiment: spec.name))
    }

    func testAChangedAlgorithmFingerprintRecomputesExactlyThatAlgorithmsTasks() throws {
        let (first, store) = try run()
        XCTAssertEqual(first.computed, 4)
        XCTAssertEqual(store.allRecords().compactMap { $0.fingerprints?.algorithm }.sorted(),
                       ["neighbor-distances/\(NeighborDistanceProfile.implementationVersion)", "neighbor-distances/\(NeighborDistanceProfile.implementationVersion)",
                        "pca/\(PCA.implementationVersion)", "pca/\(PCA.implementationVersion)"])
        let before = Dictionary(uniqueKeysWithValues: store.allRecords().map { ($0.task.id, $0.provenance.startedAt) })
        let changed = ImplementationFingerprints(algorithmOverrides: ["pca": "pca/999"])
        let (second, _) = try run(changed)
        XCTAssertEqual(second.computed, 2)
        XCTAssertEqual(second.reused, 2)
        for record in store.allRecords() {
            if record.task.algorithm == "pca" {
                XCTAssertEqual(record.fingerprints?.algorithm, "pca/999")
            } else {
                XCTAssertEqual(record.provenance.startedAt, before[record.task.id], "\(record.task.summary) was recomputed")
            }
        }
        let (third, _) = try run(changed)
        XCTAssertEqual(third.reused, 4)
    }

    func testRecordsOfAnOlderMbenchAreRecomputed() throws {
        let (_, store) = try run()
        // Remove the fingerprints, as in records written before they existed.
        for record in store.allRecords() {
            var old = record
            old.fingerprints = nil
            try store.write(old)
        }
        XCTAssertTrue(TaskStatus.of(try SpecParser.parse(yaml: yaml, file: "f.yaml"), root: root).allSatisfy { $0.state == .stale })
        let (again, _) = try run()
        XCTAssertEqual(again.computed, 4)
        XCTAssertTrue(store.allRecords().allSatisfy { $0.fingerprints != nil })
    }

    func testReuseStaleKeepsOldResultsAndMarksThem() throws {
        let (_, store) = try run()
        let changed = ImplementationFingerprints(algorithmOverrides: ["pca": "pca/998"])
        let (summary, _) = try run(changed, reuseStale: true)
        XCTAssertEqual(summary.reused, 4)
        XCTAssertEqual(summary.computed, 0)
        let marked = store.allRecords().filter { $0.staleReuse != nil }
        XCTAssertEqual(marked.count, 2)
        XCTAssertTrue(marked.allSatisfy { $0.task.algorithm == "pca" && $0.staleReuse!.contains("pca/\(PCA.implementationVersion) → pca/998") })
        let statuses = TaskStatus.of(try SpecParser.parse(yaml: yaml, file: "f.yaml"), root: root, fingerprints: changed)
        XCTAssertEqual(statuses.filter { $0.state == .stale }.count, 2)
        // Without the flag they are recomputed, and the mark goes with them.
        let (recomputed, _) = try run(changed)
        XCTAssertEqual(recomputed.computed, 2)
        XCTAssertTrue(store.allRecords().allSatisfy { $0.staleReuse == nil })
    }

    func testAMetricAddedLaterIsComputedWithoutRefitting() throws {
        let (_, store) = try run()
        let fits = Dictionary(uniqueKeysWithValues: store.allRecords().map { ($0.task.id, $0.embeddingSHA256) })
        let more = yaml.replacingOccurrences(of: "metrics: [trustworthiness@10]", with: "metrics: [trustworthiness@10, continuity@10]")
        let statuses = TaskStatus.of(try SpecParser.parse(yaml: more, file: "f.yaml"), root: root)
        XCTAssertTrue(statuses.allSatisfy { $0.state == .incomplete && $0.detail.contains("continuity@10") })
        let (summary, _) = try run(yaml: more)
        XCTAssertEqual(summary.computed, 4)
        for record in store.allRecords() {
            XCTAssertEqual(record.embeddingSHA256, fits[record.task.id])
            XCTAssertNotNil(record.metric("continuity@10"))
        }
    }

    func testAnUnwritableResultsFolderStopsTheRunBeforeAnyTask() throws {
        let spec = try SpecParser.parse(yaml: yaml, file: "f.yaml")
        // A path below a regular file can never be created, even by root.
        let options = RunOptions(resultsRoot: URL(fileURLWithPath: "/dev/null/results"), drawFigures: false)
        XCTAssertThrowsError(try Runner(options: options, log: { _ in }).run(spec)) { error in
            XCTAssertTrue("\(error)".contains("/dev/null/results"), "\(error)")
        }
    }

    func testASecondRunOnTheSameFolderWaitsForTheFirst() throws {
        let store = ResultStore(root: root, experiment: "locked")
        try store.prepare()
        var first: StoreLock? = try StoreLock(store, onWait: { _ in XCTFail("the first lock must not wait") })
        let waited = expectation(description: "the second run says it waits")
        let acquired = expectation(description: "the second run gets the lock after the first ends")
        let holder = LockHolder()
        Thread {
            holder.lock = try? StoreLock(store, onWait: { text in
                XCTAssertTrue(text.contains("pid \(getpid())"), text)
                waited.fulfill()
            })
            acquired.fulfill()
        }.start()
        wait(for: [waited], timeout: 10)
        first = nil
        wait(for: [acquired], timeout: 10)
        XCTAssertNil(first)
        XCTAssertNotNil(holder.lock)
    }
}

private final class LockHolder: @unchecked Sendable {
    var lock: StoreLock?
}
