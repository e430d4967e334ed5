import Foundation

/// What `ResultMerge` did.
public struct MergeReport: Sendable {
    /// Records copied into the output.
    public var copied: Int = 0
    /// Records already in the output with the same embedding bytes (nothing to do).
    public var identical: Int = 0
    /// Tasks present in the output (or an earlier input) with a different embedding: not overwritten.
    public var conflicts: [String] = []
    /// Records whose files were missing or did not match their stored hash: skipped.
    public var damaged: [String] = []
    /// Experiment folders written.
    public var experiments: [String] = []

    /// One-line summary.
    public var summary: String {
        "\(copied) copied, \(identical) already present, \(conflicts.count) conflicting, \(damaged.count) damaged"
            + " in \(experiments.count) experiment(s)"
    }
}

/// `mbench merge OUT IN…`: combines result stores, for example those of the
/// shards of a sweep run on several machines (`mbench run SPEC --shard i/N --output shard-i`).
///
/// Inputs are experiment folders (holding `results/`) or roots holding one
/// folder per experiment; the output is of the same kind. Data files are copied
/// first and the record last (atomically), like `Runner` writes them, and each
/// copied embedding is checked against the SHA-256 in its record. A task already
/// present with the same embedding hash is fine; one with a different hash is a
/// conflict: reported, and the output keeps what it had.
public enum ResultMerge {
    /// Merges `inputs` into `output`.
    public static func merge(into output: URL, from inputs: [URL]) throws -> MergeReport {
        var report = MergeReport()
        let fm = FileManager.default
        var pairs: [(from: ResultStore, to: ResultStore)] = []
        for input in inputs {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: input.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError(message: "\(input.path) is not a folder")
            }
            if isExperimentFolder(input) {
                pairs.append((store(input), store(output)))
            } else {
                let names = ((try? fm.contentsOfDirectory(atPath: input.path)) ?? []).sorted()
                let experiments = names.filter { isExperimentFolder(input.appendingPathComponent($0)) }
                guard !experiments.isEmpty else {
                    throw UsageError(message: "\(input.path) holds no results (expected <experiment>/results/ or results/)")
                }
                for name in experiments {
                    pairs.append((store(input.appendingPathComponent(name)), store(output.appendingPathComponent(name))))
                }
            }
        }
        for (source, target) in pairs {
            try target.prepare()
            target.removeLeftovers()
            if !report.experiments.contains(target.experimentDirectory.path) {
                report.experiments.append(target.experimentDirectory.path)
            }
            for record in source.allRecords() {
                try copy(record, from: source, to: target, report: &report)
            }
        }
        return report
    }

    static func isExperimentFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("results").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    static func store(_ experimentFolder: URL) -> ResultStore {
        ResultStore(root: experimentFolder.deletingLastPathComponent(), experiment: experimentFolder.lastPathComponent)
    }

    private static func copy(_ record: RunRecord, from source: ResultStore, to target: ResultStore,
                             report: inout MergeReport) throws {
        let id = record.task.id
        if let existing = target.record(for: id) {
            if existing.embeddingSHA256 == record.embeddingSHA256 {
                report.identical += 1
            } else {
                report.conflicts.append("\(id) (\(record.task.summary)): embedding \(existing.embeddingSHA256.prefix(12)) in "
                                        + "\(target.resultsDirectory.path) vs \(record.embeddingSHA256.prefix(12)) in \(source.resultsDirectory.path)")
            }
            return
        }
        let files = [record.embeddingFile] + [record.labelsFile, record.coordinateFile].compactMap { $0 }
            + record.seriesFiles.keys.sorted().compactMap { record.seriesFiles[$0] }
        var contents: [(String, Data)] = []
        for file in files {
            guard !file.contains("/"), let bytes = FileManager.default.contents(atPath: source.url(file).path) else {
                report.damaged.append("\(id): missing file \(file) in \(source.resultsDirectory.path)")
                return
            }
            contents.append((file, bytes))
        }
        guard let embedding = contents.first, ArrayFiles.sha256(embedding.1) == record.embeddingSHA256 else {
            report.damaged.append("\(id): \(record.embeddingFile) does not match the SHA-256 in its record")
            return
        }
        for (file, bytes) in contents { try ResultStore.writeAtomically(bytes, to: target.url(file)) }
        try target.write(record)
        report.copied += 1
    }
}
