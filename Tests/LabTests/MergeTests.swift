import XCTest
@testable import Lab

final class MergeTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-merge-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    let yaml = """
    name: merge-test
    seeds: [0, 1, 2]
    datasets:
      - name: blobs
        n: [200, 300]
        options: {dimension: 6, centers: 3}
    algorithms:
      - name: pca
        params: {n_components: [2, 3]}
    """

    private func run(_ folder: String, shard: (Int, Int)? = nil) throws -> RunSummary {
        let spec = try SpecParser.parse(yaml: yaml, file: "merge-test.yaml")
        let options = RunOptions(resultsRoot: root.appendingPathComponent(folder), shard: shard.map { (index: $0.0, count: $0.1) })
        return try Runner(options: options, log: { _ in }).run(spec)
    }

    private func bytes(_ folder: String) throws -> [String: Data] {
        let store = ResultStore(root: root.appendingPathComponent(folder), experiment: "merge-test")
        var out: [String: Data] = [:]
        for record in store.allRecords() { out[record.task.id] = try Data(contentsOf: store.url(record.embeddingFile)) }
        return out
    }

    func testShardsMergeToExactlyTheFullRun() throws {
        let full = try run("full")
        XCTAssertEqual(full.computed, 12)
        var shardTotal = 0
        for i in 0..<3 { shardTotal += try run("shard-\(i + 1)", shard: (i, 3)).computed }
        XCTAssertEqual(shardTotal, 12, "shards partition the plan")
        let report = try ResultMerge.merge(into: root.appendingPathComponent("merged"),
                                           from: (1...3).map { root.appendingPathComponent("shard-\($0)") })
        XCTAssertEqual(report.copied, 12)
        XCTAssertTrue(report.conflicts.isEmpty && report.damaged.isEmpty)
        let merged = try bytes("merged"), expected = try bytes("full")
        XCTAssertEqual(Set(merged.keys), Set(expected.keys))
        XCTAssertEqual(merged, expected)
        // Labels and series came along, and a run over the merged folder reuses every task.
        let store = ResultStore(root: root.appendingPathComponent("merged"), experiment: "merge-test")
        for record in store.allRecords() {
            for file in [record.labelsFile].compactMap({ $0 }) + Array(record.seriesFiles.values) {
                XCTAssertTrue(FileManager.default.fileExists(atPath: store.url(file).path), file)
            }
        }
        let rerun = try run("merged")
        XCTAssertEqual(rerun.reused, 12)
        XCTAssertEqual(rerun.computed, 0)
        // Merging again changes nothing.
        let again = try ResultMerge.merge(into: root.appendingPathComponent("merged"), from: [root.appendingPathComponent("full")])
        XCTAssertEqual(again.identical, 12)
        XCTAssertEqual(again.copied, 0)
    }

    func testConflictingAndDamagedRecordsAreReportedNotCopied() throws {
        _ = try run("a")
        _ = try run("b")
        let storeB = ResultStore(root: root.appendingPathComponent("b"), experiment: "merge-test")
        var records = storeB.allRecords()
        // A record claiming a different embedding (a conflict with a's) …
        var changed = records[0]
        changed.embeddingSHA256 = String(repeating: "0", count: 64)
        try storeB.write(changed)
        // … and one whose embedding file was replaced (damaged).
        try Data("garbage".utf8).write(to: storeB.url(records[1].embeddingFile))
        // Experiment folder into experiment folder.
        let first = try ResultMerge.merge(into: root.appendingPathComponent("out/merge-test"),
                                          from: [root.appendingPathComponent("a/merge-test")])
        XCTAssertEqual(first.copied, 12)
        let second = try ResultMerge.merge(into: root.appendingPathComponent("out/merge-test"),
                                           from: [root.appendingPathComponent("b/merge-test")])
        XCTAssertEqual(second.conflicts.count, 1, "\(second.conflicts)")
        XCTAssertEqual(second.identical, 11)
        let kept = ResultStore(root: root.appendingPathComponent("out"), experiment: "merge-test")
        records = kept.allRecords()
        XCTAssertEqual(records.count, 12)
        XCTAssertFalse(records.contains { $0.embeddingSHA256 == changed.embeddingSHA256 }, "the output keeps its own record")
        // Damaged input into an empty output is skipped with a message.
        let third = try ResultMerge.merge(into: root.appendingPathComponent("fresh"), from: [root.appendingPathComponent("b")])
        XCTAssertEqual(third.damaged.count, 2, "\(third.damaged)")
        XCTAssertEqual(third.copied, 10)
        XCTAssertThrowsError(try ResultMerge.merge(into: root.appendingPathComponent("x"), from: [root.appendingPathComponent("nothing")]))
    }
}
