import Clustering
import Foundation
import Linalg

/// A spec's `clustering: {method: hdbscan-package}`: the `hdbscan` Python package (a reference)
/// clusters the embedding through `Tools/adapters/hdbscan_ref.py`, with the same
/// `min_cluster_size`, `min_samples` and `selection` as ours, and its own `approx_min_span_tree`
/// (default true, the package's default). Recorded like ours (`cluster-k`, `cluster-noise`,
/// `cluster-ari` against the labels; the clusters file), with the package's own fit time as the
/// seconds of `cluster-k`, and `cluster-ari-ours`: the adjusted Rand index between its labels and
/// ours (`HDBSCAN.fit`) on the same embedding, noise as one group.
enum HDBSCANPackage {
    /// The spec's method name.
    static let method = "hdbscan-package"
    /// The adapter in `Tools/adapters/`.
    static let adapterScript = "hdbscan_ref.py"

    /// What the report file holds.
    struct Report: Codable {
        var labels: [Int], clusterCount: Int, noiseCount: Int
        var options: HDBSCAN.Options, approximateTree: Bool
        /// The package's fit call alone (its adapter's "fit" phase), seconds.
        var referenceFitSeconds: Double?
        var agreementWithOurs: Double
    }

    static func run(_ options: HDBSCAN.Options, approximateTree: Bool, embedding: Matrix, labels: [Int]?, store: ResultStore,
                    taskID: String) throws -> (report: String, clusters: String, metrics: [MetricRecord]) {
        let n = embedding.rows
        // Ours first: it also checks the options against n (min_cluster_size ≤ n, …) with clear errors.
        let ours: HDBSCAN.Result
        do { ours = try HDBSCAN.fit(embedding, options: options) } catch let error as ClusteringError {
            throw LabError.invalid("clustering (\(method)): \(error)")
        }
        var parameters = ["min_cluster_size=\(options.minClusterSize)", "selection=\(options.selection.rawValue)",
                          "approx_min_span_tree=\(approximateTree)"]
        if let m = options.minSamples { parameters.append("min_samples=\(m)") }
        let script = try ExternalAdapters.script(adapterScript)
        let result = try ExternalProcess.fit(embedding, labels: nil, seed: 0, expectedColumns: 1, timeoutSeconds: 3600,
                                             shell: false) { files in
            [ExternalAdapters.python, script.path, "--input", files.input.path, "--output", files.output.path,
             "--seed", "0", "--threads", String(Parallel.threadCount)] + parameters.flatMap { ["--param", $0] }
        }
        let found = try result.embedding.storage.map { value -> Int in
            guard value.isFinite, value == value.rounded(), value >= -1, value < Float(n) else {
                throw LabError.invalid("clustering (\(method)): the adapter wrote \(value), not a label in -1...\(n - 1)")
            }
            return Int(value)
        }
        let clusterCount = Set(found.filter { $0 >= 0 }).count, noise = found.filter { $0 < 0 }.count
        let agreement = try ClusterAgreement.adjustedRandIndex(ours.labels, found)
        let fitSeconds = result.diagnostics["reference_fit_seconds"]
        let report = Report(labels: found, clusterCount: clusterCount, noiseCount: noise, options: ours.options,
                            approximateTree: approximateTree, referenceFitSeconds: fitSeconds, agreementWithOurs: agreement)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let reportFile = "\(taskID).clustering.json"
        try ResultStore.writeAtomically(try encoder.encode(report), to: store.url(reportFile))
        let clustersFile = "\(taskID).clusters.npy"
        _ = try ArrayFiles.write(labels: found, to: store.url(clustersFile))
        let how = "\(method) min_cluster_size \(options.minClusterSize), min_samples \(options.minSamples ?? options.minClusterSize), "
            + "\(options.selection.rawValue), approx_min_span_tree \(approximateTree)"
        var metrics = [MetricRecord(name: "cluster-k", value: Double(clusterCount), seconds: fitSeconds ?? 0, detail: how),
                       MetricRecord(name: "cluster-noise", value: Double(noise) / Double(max(1, n)), seconds: 0,
                                    detail: "fraction of points labelled noise (-1)"),
                       MetricRecord(name: "cluster-ari-ours", value: agreement, seconds: 0,
                                    detail: "package labels vs ours (HDBSCAN.fit), noise as one group")]
        if let labels, !labels.contains(where: { $0 < 0 }) {
            metrics.append(MetricRecord(name: "cluster-ari", value: try ClusterAgreement.adjustedRandIndex(labels, found),
                                        seconds: 0, detail: "package labels (noise as one group) vs labels"))
        }
        return (reportFile, clustersFile, metrics)
    }
}
