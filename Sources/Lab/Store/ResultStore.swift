import Datasets
import Foundation

/// The results of one experiment on disk: `<root>/<experiment>/results/<task id>.json`
/// beside `<task id>.npy` (the embedding) and optional label/series files.
///
/// Every file is written to a temporary name in the same folder and renamed
/// into place, and the record is written last: a record on disk means its
/// task is complete, so a killed run loses nothing finished and never leaves
/// a file that looks complete but is not.
public struct ResultStore: Sendable {
    /// `<root>/<experiment>`.
    public let experimentDirectory: URL
    /// `<root>/<experiment>/results`.
    public let resultsDirectory: URL

    public init(root: URL, experiment: String) {
        experimentDirectory = root.appendingPathComponent(experiment, isDirectory: true)
        resultsDirectory = experimentDirectory.appendingPathComponent("results", isDirectory: true)
    }

    /// Creates the folders if needed.
    public func prepare() throws {
        do {
            try FileManager.default.createDirectory(at: resultsDirectory, withIntermediateDirectories: true)
        } catch {
            throw LabError.io("cannot create results folder \(resultsDirectory.path): \(error.localizedDescription)")
        }
    }

    /// URL of a file in the results folder.
    public func url(_ name: String) -> URL { resultsDirectory.appendingPathComponent(name) }

    /// The record of a task, if the task is complete (record and embedding present and readable).
    public func record(for taskID: String) -> RunRecord? {
        guard let data = FileManager.default.contents(atPath: url("\(taskID).json").path),
              let record = try? JSONDecoder().decode(RunRecord.self, from: data),
              FileManager.default.fileExists(atPath: url(record.embeddingFile).path) else { return nil }
        return record
    }

    /// All complete records in the store, sorted by task id.
    public func allRecords() -> [RunRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: resultsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".failure.json") && !$0.hasPrefix(".") }.sorted()
            .compactMap { record(for: String($0.dropLast(5))) }
    }

    /// Writes the record atomically (after its data files).
    public func write(_ record: RunRecord) throws {
        try writeJSON(record, to: url("\(record.task.id).json"), what: "record \(record.task.id)")
    }

    /// Writes `value` as pretty-printed JSON with sorted keys, atomically.
    func writeJSON<T: Encodable>(_ value: T, to url: URL, what: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let bytes: Data
        do { bytes = try encoder.encode(value) } catch {
            throw LabError.io("cannot encode \(what): \(error)")
        }
        try ResultStore.writeAtomically(bytes, to: url)
    }

    /// Writes `bytes` to `url` through `Datasets.AtomicFile`: a temporary file in the same
    /// folder, flushed, renamed into place, and the folder flushed. The folder must exist.
    public static func writeAtomically(_ bytes: Data, to url: URL) throws {
        do {
            try AtomicFile.write(bytes, to: url, createDirectory: false)
        } catch {
            throw LabError.io("cannot write \(url.path): \(error)")
        }
    }

    /// Removes temporary files left by an interrupted run (`AtomicFile`'s, and the
    /// `.partial-*` names of older versions).
    public func removeLeftovers() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: resultsDirectory.path)) ?? []
        for name in names where name.hasPrefix(".partial-") || AtomicFile.isTemporary(name) {
            try? FileManager.default.removeItem(at: url(name))
        }
    }
}
