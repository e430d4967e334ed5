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
        if let options = spec.hdbscan {
            if spec.implementation == HDBSCANPackage.method {
                return try HDBSCANPackage.run(options, approximateTree: spec.approximateTree ?? true, embedding: embedding,
                                              labels: labels, store: store, taskID: taskID)
            }
            return try runHDBSCAN(options, embedding: embedding, labels: labels, store: store, taskID: taskID)
        }
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

    /// HDBSCAN: the result (labels, cluster count, noise, stabilities, options) as the report, the
    /// labels (−1 noise) as the clusters file; metrics "cluster-k", "cluster-noise" (fraction of
    /// points labelled noise) and "cluster-ari" (noise counted as one more group, as scikit-learn's
    /// adjusted_rand_score does with label −1).
    static func runHDBSCAN(_ options: HDBSCAN.Options, embedding: Matrix, labels: [Int]?, store: ResultStore,
                           taskID: String) throws -> (report: String, clusters: String, metrics: [MetricRecord]) {
        let start = Clock.wallSeconds()
        let result: HDBSCAN.Result
        do {
            result = try HDBSCAN.fit(embedding, options: options)
        } catch let error as ClusteringError {
            throw LabError.invalid("clustering (hdbscan): \(error)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let reportFile = "\(taskID).clustering.json"
        try ResultStore.writeAtomically(try encoder.encode(result), to: store.url(reportFile))
        let clustersFile = "\(taskID).clusters.npy"
        _ = try ArrayFiles.write(labels: result.labels, to: store.url(clustersFile))
        let seconds = Clock.wallSeconds() - start
        let resolved = result.options
        let how = "hdbscan min_cluster_size \(resolved.minClusterSize), min_samples \(resolved.minSamples ?? resolved.minClusterSize), "
            + "\(resolved.selection.rawValue)"
        var metrics = [MetricRecord(name: "cluster-k", value: Double(result.clusterCount), seconds: seconds, detail: how),
                       MetricRecord(name: "cluster-noise", value: Double(result.noiseCount) / Double(max(1, result.labels.count)),
                                    seconds: 0, detail: "fraction of points labelled noise (-1)")]
        if let labels, !labels.contains(where: { $0 < 0 }) {
            metrics.append(MetricRecord(name: "cluster-ari", value: try ClusterAgreement.adjustedRandIndex(labels, result.labels),
                                        seconds: 0, detail: "HDBSCAN labels (noise as one group) vs labels"))
        }
        return (reportFile, clustersFile, metrics)
    }
}
