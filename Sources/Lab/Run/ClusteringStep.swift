import Clustering
import Foundation
import Linalg

/// Clusters an embedding as a spec's `clustering:` section asks, and stores
/// the model-selection report and the chosen clustering beside the record.
enum ClusteringStep {
    /// Runs the sweep; returns the files written and summary metrics
    /// ("cluster-k", "cluster-ari" against the labels when there are labels).
    static func run(_ spec: ClusteringSpec, embedding: Matrix, labels: [Int]?, seed: UInt64,
                    store: ResultStore, taskID: String) throws -> (report: String, clusters: String, metrics: [MetricRecord]) {
        let start = Clock.wallSeconds()
        let types = try spec.covarianceTypes.map { try CovarianceType(parsing: $0) }
        let usable = labels.map { l in l.contains(where: { $0 < 0 }) ? nil : l } ?? nil
        let report = try ModelSelection.sweep(data: embedding, ks: spec.ks, covarianceTypes: types, nInit: spec.nInit,
                                              seed: seed, labels: usable)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let reportFile = "\(taskID).clustering.json"
        try ResultStore.writeAtomically(try encoder.encode(report), to: store.url(reportFile))
        guard let chosen = report.chosen else {
            throw LabError.invalid("clustering produced no usable setting (every fit failed)")
        }
        let model = try GaussianMixture.fit(embedding, options: GaussianMixture.Options(
            components: chosen.k, covarianceType: chosen.covarianceType, nInit: spec.nInit), seed: seed)
        let assignment = try model.predict(embedding)
        let clustersFile = "\(taskID).clusters.npy"
        _ = try ArrayFiles.write(labels: assignment, to: store.url(clustersFile))
        let seconds = Clock.wallSeconds() - start
        var metrics = [MetricRecord(name: "cluster-k", value: Double(chosen.k), seconds: seconds,
                                    detail: "\(chosen.covarianceType.rawValue): \(chosen.reason)")]
        if let usable {
            metrics.append(MetricRecord(name: "cluster-ari", value: try ClusterAgreement.adjustedRandIndex(usable, assignment),
                                        seconds: 0, detail: "chosen clustering vs labels"))
        }
        return (reportFile, clustersFile, metrics)
    }
}
