import Datasets
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
            let embedding = try verifiedMatrix(record.embeddingFile, hash: record.embeddingSHA256)
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
            return try verifiedMatrix(file, hash: record.transformedSHA256)
        }

        /// A stored matrix, read once and checked against the SHA-256 its record holds.
        private func verifiedMatrix(_ file: String, hash: String?) throws -> Matrix {
            let bytes = try Data(contentsOf: store.url(file))
            guard ArrayFiles.sha256(bytes) == hash else {
                throw LabError.io("stored array \(file) of '\(record.experiment)' does not match its recorded hash")
            }
            return try NPY.decodeMatrix([UInt8](bytes), path: store.url(file).path)
        }
    }

    /// A stored record of task `id` made by the code of `fingerprint` (same algorithm and data
    /// fingerprints): first in `current`, then in any other experiment under `root`.
    static func find(_ id: String, current: ResultStore, root: URL, fingerprint: TaskFingerprint) -> Found? {
        func madeByCurrentCode(_ record: RunRecord) -> Bool {
            record.fingerprints?.algorithm == fingerprint.algorithm && record.fingerprints?.data == fingerprint.data
                && record.staleReuse == nil
        }
        if let record = current.record(for: id), madeByCurrentCode(record) { return Found(record: record, store: current) }
        let experiments = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for name in experiments.sorted() {
            let store = ResultStore(root: root, experiment: name)
            if let record = store.record(for: id), madeByCurrentCode(record) { return Found(record: record, store: store) }
        }
        return nil
    }
}
