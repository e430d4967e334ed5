import XCTest
@testable import Lab
import Datasets
@testable import Linalg

final class ResultStoreTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-store-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    func testAtomicWriteReplacesAndLeavesNoTemporaries() throws {
        let store = ResultStore(root: root, experiment: "e")
        try store.prepare()
        let target = store.url("a.txt")
        try ResultStore.writeAtomically(Data("one".utf8), to: target)
        try ResultStore.writeAtomically(Data("two".utf8), to: target)
        XCTAssertEqual(String(decoding: try Data(contentsOf: target), as: UTF8.self), "two")
        let names = try FileManager.default.contentsOfDirectory(atPath: store.resultsDirectory.path)
        XCTAssertEqual(names, ["a.txt"])
    }

    func testFailedWriteLeavesNothing() throws {
        let store = ResultStore(root: root, experiment: "e")
        try store.prepare()
        let missingFolder = store.resultsDirectory.appendingPathComponent("no/such/folder/x.json")
        XCTAssertThrowsError(try ResultStore.writeAtomically(Data("x".utf8), to: missingFolder))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: store.resultsDirectory.path), [])
    }

    func testLeftoversFromAKilledRunAreRemovedAndIgnored() throws {
        let store = ResultStore(root: root, experiment: "e")
        try store.prepare()
        // A run killed mid-write leaves only a temporary file: the task is not done.
        try Data("{half".utf8).write(to: store.url(".partial-123-abc.json"))
        XCTAssertNil(store.record(for: "abc"))
        XCTAssertTrue(store.allRecords().isEmpty)
        store.removeLeftovers()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: store.resultsDirectory.path), [])
    }

    func testInterruptedAtomicFileWritesAreLeftoversToo() throws {
        let store = ResultStore(root: root, experiment: "e")
        try store.prepare()
        // What AtomicFile leaves when killed between creating its temporary file and the rename.
        let temporary = try AtomicFile.temporaryURL(besides: store.url("t1.json"), createDirectory: false)
        try Data("{half".utf8).write(to: temporary)
        XCTAssertTrue(AtomicFile.isTemporary(temporary.lastPathComponent))
        XCTAssertNil(store.record(for: "t1"))
        store.removeLeftovers()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: store.resultsDirectory.path), [])
    }

    func testRecordWithoutEmbeddingIsNotComplete() throws {
        let store = ResultStore(root: root, experiment: "e")
        try store.prepare()
        let record = RunRecordFixture.make(id: "t1")
        try store.write(record)
        XCTAssertNil(store.record(for: "t1"), "embedding file missing ⇒ not complete")
        try Data([1, 2, 3]).write(to: store.url(record.embeddingFile))
        XCTAssertEqual(store.record(for: "t1")?.task.id, record.task.id)
        XCTAssertEqual(store.allRecords().count, 1)
    }
}

enum RunRecordFixture {
    static func make(id: String) -> RunRecord {
        var task = ExperimentTask(datasetLabel: "d", dataset: DatasetSelection(
            name: "blobs", n: 10, split: nil, subsample: "random", scaling: "none", path: nil, labelsPath: nil,
            labelColumn: nil, options: [:], pca: nil), algorithm: "pca", algorithmLabel: "PCA", parameters: [:], seed: 0)
        task.id = id
        return RunRecord(experiment: "e", task: task, provenance: .current(specHash: "h", dataChecksum: "c"),
                         dataRows: 10, dataCols: 2, phases: [], fitWallSeconds: 0, fitCPUSeconds: 0, peakRSSBytes: nil,
                         diagnostics: [:], metrics: [], warnings: [], embeddingFile: "\(id).npy", embeddingSHA256: "",
                         labelsFile: nil, coordinateFile: nil, seriesFiles: [:])
    }
}
