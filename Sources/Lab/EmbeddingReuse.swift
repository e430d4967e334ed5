import Embedding
import Foundation
import Linalg

/// Finds a stored embedding of the same task in any experiment under the results root.
///
/// Tasks are content-addressed: the same data selection, algorithm, parameters
/// and seed give the same hash, and the algorithm is deterministic, so an
/// embedding stored by one experiment is the embedding another would compute.
/// Reusing it skips the fit; metrics the other record lacks are computed anew,
/// and the original fit timings and peak memory are kept.
enum EmbeddingReuse {
    struct Found {
        let record: RunRecord
        let store: ResultStore

        /// The stored embedding, diagnostics and series as an `EmbeddingResult`.
        func result() throws -> EmbeddingResult {
            let embedding = try ArrayFiles.readMatrix(store.url(record.embeddingFile))
            guard ArrayFiles.sha256(try Data(contentsOf: store.url(record.embeddingFile))) == record.embeddingSHA256 else {
                throw LabError.io("stored embedding \(record.embeddingFile) of '\(record.experiment)' does not match its recorded hash")
            }
            var series: [String: [Double]] = [:]
            for (name, file) in record.seriesFiles {
                series[name] = try ArrayFiles.readMatrix(store.url(file)).storage.map(Double.init)
            }
            return EmbeddingResult(embedding: embedding, phases: [], diagnostics: record.diagnostics,
                                   series: series, warnings: record.warnings)
        }

        /// The stored transformed held-out points, if the task had a `transform` split.
        func transformed() throws -> Matrix? {
            guard let file = record.transformedFile else { return nil }
            let url = store.url(file)
            guard ArrayFiles.sha256(try Data(contentsOf: url)) == record.transformedSHA256 else {
                throw LabError.io("stored transformed points \(file) of '\(record.experiment)' do not match their recorded hash")
            }
            return try ArrayFiles.readMatrix(url)
        }
    }

    /// The stored record of task `id`: first in `current` (a record there that lacks
    /// only some metrics), then in any other experiment under `root`.
    static func find(_ id: String, current: ResultStore, root: URL) -> Found? {
        if let record = current.record(for: id) { return Found(record: record, store: current) }
        let experiments = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for name in experiments.sorted() {
            let store = ResultStore(root: root, experiment: name)
            if let record = store.record(for: id) { return Found(record: record, store: store) }
        }
        return nil
    }
}
