import Clustering
import Datasets
import Embedding
import Foundation
import Quality

/// Which code made a stored result: one entry per building block that determines its bytes.
///
/// The rule: a stored result is reused only when its fingerprint equals the current one.
/// Each building block declares an integer version next to its code
/// (`EmbeddingAlgorithm.implementationVersion`, `QualityMetric.implementationVersion`,
/// `DatasetLoader.implementationVersion(for:)`, `ModelSelection.implementationVersion`) and the
/// change that may alter its output bumps it. Reference implementations run through a Python
/// adapter add the SHA-256 of the adapter scripts, so editing an adapter is noticed without a
/// bump. A version rather than a hash of the Swift sources: a comment or a refactoring that
/// leaves every byte alone must not throw away hours of stored results, and
/// `ImplementationFingerprintTests` catches a change of bytes that forgot its bump (golden
/// output hashes per version).
///
/// The fingerprint is not part of the task id, so a task keeps its identity across versions:
/// `mbench status` can say "stale" (and which part changed) rather than "missing".
public struct TaskFingerprint: Codable, Equatable, Sendable {
    /// The algorithm, e.g. "umap/1" or "umap-learn/1+adapters:0123abcd".
    public var algorithm: String
    /// The data loader or generator, e.g. "mnist/1".
    public var data: String
    /// Each metric by its name in the spec, e.g. "trustworthiness@15": "trustworthiness/1".
    public var metrics: [String: String]
    /// The clustering step, when the spec has one, e.g. "model-selection/1".
    public var clustering: String?

    public init(algorithm: String, data: String, metrics: [String: String], clustering: String?) {
        self.algorithm = algorithm
        self.data = data
        self.metrics = metrics
        self.clustering = clustering
    }
}

/// Computes the current fingerprints. Tests replace single entries to act as changed code.
public struct ImplementationFingerprints: Sendable {
    /// Fingerprints to use instead of the computed ones, by algorithm name.
    public var algorithmOverrides: [String: String]

    public init(algorithmOverrides: [String: String] = [:]) {
        self.algorithmOverrides = algorithmOverrides
    }

    /// The fingerprints of the code in this binary.
    public static let current = ImplementationFingerprints()

    /// The fingerprint of `algorithm` ("name/version", plus the adapter hash for references).
    public func algorithm(_ name: String) -> String {
        if let override = algorithmOverrides[name] { return override }
        guard let type = Catalog.algorithms.first(where: { $0.name == name }) else { return "\(name)/unknown" }
        var text = "\(name)/\(type.implementationVersion)"
        if let external = type as? any ExternalAlgorithm.Type {
            text += "+adapters:" + ImplementationFingerprints.adapterHash(external.adapterScript)
        }
        return text
    }

    /// The fingerprint of the data set `name` ("name/version").
    public func data(_ name: String) -> String { "\(name)/\(DatasetLoader.implementationVersion(for: name))" }

    /// The fingerprint of the metric spelled `name` in a spec ("base/version"), or "name/unknown".
    public func metric(_ name: String) -> String {
        guard let metric = try? QualityMetric(parsing: name) else { return "\(name)/unknown" }
        let base = metric.name.split(separator: "@").first.map(String.init) ?? metric.name
        return "\(base)/\(metric.implementationVersion)"
    }

    /// The fingerprint of the clustering step.
    public var clustering: String { "model-selection/\(ModelSelection.implementationVersion)" }

    /// The fingerprint of the clustering step a spec asks for (GMM model selection or HDBSCAN).
    public func clustering(_ spec: ClusteringSpec) -> String {
        guard spec.hdbscan != nil else { return clustering }
        let ours = "hdbscan/\(HDBSCAN.implementationVersion)"
        guard spec.implementation == HDBSCANPackage.method else { return ours }
        // The package's labels and their agreement with ours (cluster-ari-ours).
        return "\(HDBSCANPackage.method)+adapters:" + ImplementationFingerprints.adapterHash(HDBSCANPackage.adapterScript) + "+" + ours
    }

    /// The full fingerprint of `task` as run under `spec`.
    public func of(_ task: ExperimentTask, spec: ExperimentSpec) -> TaskFingerprint {
        var metrics: [String: String] = [:]
        for name in spec.metrics { metrics[name] = metric(name) }
        var algorithmText = algorithm(task.algorithm)
        // Blocks (a table's or a matrix's views) go through UMAP's graph combination, versioned on its own.
        if task.dataset.table != nil || task.dataset.views != nil, algorithmOverrides[task.algorithm] == nil {
            algorithmText += "+blocks/\(UMAP.blocksImplementationVersion)"
        }
        if task.algorithm == TSNE.name, algorithmOverrides[task.algorithm] == nil,
           ImplementationFingerprints.mayMeetTSNEExactNeighborRule(task) {
            algorithmText += "+neighbors/2"
        }
        // A nested subsample and a random projection change the data the algorithm sees.
        var dataText = data(task.dataset.name)
        if task.dataset.fraction != nil { dataText += "+fraction/\(Preprocessing.nestedSubsampleImplementationVersion)" }
        if task.dataset.projection != nil { dataText += "+projection/\(RandomProjection.implementationVersion)" }
        return TaskFingerprint(algorithm: algorithmText, data: dataText, metrics: metrics,
                               clustering: spec.clustering.map { clustering($0) })
    }

    /// Whether t-SNE's automatic neighbour search may have changed for `task`. It used to switch
    /// to NN-descent at 4 096 points and now does at `TSNEParameters.exactNeighborsBelow`, so
    /// only tasks with n in between compute anything new; marking just those ("+neighbors/2")
    /// keeps the many stored t-SNE results outside that range, whose bytes did not change.
    /// When n is known only after loading (no `n` in the spec), the task is marked; a nested
    /// subsample's size is taken with a 10 % margin (it is rounded class by class).
    static func mayMeetTSNEExactNeighborRule(_ task: ExperimentTask) -> Bool {
        if let method = task.parameters[TSNEParameters.Parameter.nnMethod.name], method != .text(NeighborSearch.auto.rawValue) {
            return false
        }
        guard let requested = task.dataset.n else { return true }
        let points = Double(requested) * (task.dataset.fraction ?? 1)
        let margin = task.dataset.fraction == nil ? 1.0 : 1.1
        return points >= 4_096 / margin && points < Double(TSNEParameters.exactNeighborsBelow) * margin
    }

    /// First 8 hex digits of the SHA-256 of the adapter script and the shared adapter module
    /// ("missing" when they cannot be read: such a task fails when it runs anyway).
    static func adapterHash(_ script: String) -> String {
        adapterHashes.withLock { cache in
            if let known = cache[script] { return known }
            var bytes = Data()
            if let directory = try? ExternalAdapters.directory() {
                for file in [script, "mbench_adapter.py"] {
                    bytes += FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) ?? Data()
                }
            }
            let text = bytes.isEmpty ? "missing" : String(Checksum.sha256(bytes).prefix(8))
            cache[script] = text
            return text
        }
    }

    private static let adapterHashes = LockedCache()
}

/// A small lock-protected dictionary (the adapter hashes are read from several job threads).
final class LockedCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]

    func withLock<T>(_ body: (inout [String: String]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&values)
    }
}

/// Whether a stored record may stand for a task under the current code.
public enum RecordFreshness: Equatable, Sendable {
    /// Made by the current code, with every metric and the clustering the spec asks for.
    case fresh
    /// The embedding is current; these metrics (or the clustering, named "clustering") must be
    /// computed anew, because they are missing or were made by other code.
    case incomplete(missing: [String])
    /// Made by other code: the embedding must be recomputed. `reason` says what differs.
    case stale(reason: String)

    /// Judges `record` against the current `fingerprint` of its task and the spec's wishes.
    public static func of(_ record: RunRecord, current fingerprint: TaskFingerprint, spec: ExperimentSpec) -> RecordFreshness {
        guard let stored = record.fingerprints else {
            return .stale(reason: "made by an mbench without implementation fingerprints (commit \(record.provenance.gitCommit))")
        }
        if stored.algorithm != fingerprint.algorithm {
            return .stale(reason: "algorithm \(stored.algorithm) → \(fingerprint.algorithm)")
        }
        if stored.data != fingerprint.data {
            return .stale(reason: "data \(stored.data) → \(fingerprint.data)")
        }
        var missing: [String] = []
        for name in spec.metrics {
            let present = record.metrics.contains { $0.name == name }
            let sameCode = stored.metrics[name] == fingerprint.metrics[name]
            if !present || !sameCode {
                // A metric that needs labels is never recorded on unlabelled data: not missing.
                if !present && record.labelsFile == nil && MetricBridge.needsLabels(name) { continue }
                missing.append(name)
            }
        }
        if spec.clustering != nil && (record.clusteringFile == nil || stored.clustering != fingerprint.clustering) {
            missing.append("clustering")
        }
        return missing.isEmpty ? .fresh : .incomplete(missing: missing)
    }
}
