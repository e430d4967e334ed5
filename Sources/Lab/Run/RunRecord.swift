import Linalg

/// One quality measurement in a record.
public struct MetricRecord: Codable, Sendable, Equatable {
    /// Metric name as in the spec ("trustworthiness@15").
    public var name: String
    public var value: Double
    /// Standard error for sampled estimators.
    public var standardError: Double?
    /// Seconds spent computing it.
    public var seconds: Double
    /// Any extra information (e.g. "1000 queries").
    public var detail: String?

    public init(name: String, value: Double, standardError: Double? = nil, seconds: Double, detail: String? = nil) {
        self.name = name
        self.value = value
        self.standardError = standardError
        self.seconds = seconds
        self.detail = detail
    }
}

/// The stored result of one task: what ran, how long it took, how good it is, and where.
public struct RunRecord: Codable, Sendable {
    /// Layout version of this record.
    public var schema: Int = 1
    /// Experiment name.
    public var experiment: String
    /// The task (with its content hash `task.id`).
    public var task: ExperimentTask
    public var provenance: Provenance
    /// Points and dimensions of the data the algorithm saw (after preprocessing).
    public var dataRows: Int
    public var dataCols: Int
    /// Phases, including data loading and preprocessing.
    public var phases: [PhaseTiming]
    /// Wall and CPU seconds of the algorithm's own phases (excluding data loading and metrics).
    public var fitWallSeconds: Double
    public var fitCPUSeconds: Double
    /// Peak resident set size during the task, in bytes (nil if unknown).
    public var peakRSSBytes: Int?
    /// Scalar diagnostics from the algorithm (explained variance, KL divergence, kNN recall, …).
    public var diagnostics: [String: Double]
    /// Quality metrics.
    public var metrics: [MetricRecord]
    /// Warnings from the algorithm or the runner.
    public var warnings: [String]
    /// File name of the embedding (.npy, float32, n × c) beside this record.
    public var embeddingFile: String
    /// SHA-256 of the embedding file's bytes.
    public var embeddingSHA256: String
    /// File name of per-point labels (.npy, int64), if the data had labels.
    public var labelsFile: String?
    /// File name of the per-point colouring coordinate (.npy, float32), if the data had one.
    public var coordinateFile: String?
    /// File names of per-point or per-iteration series (.npy, float32) by name.
    public var seriesFiles: [String: String]
    /// Clustering model-selection report (.json), when the spec asks for clustering.
    public var clusteringFile: String? = nil
    /// Cluster of each point under the chosen setting (.npy, int64).
    public var clustersFile: String? = nil
    /// Per-point RGB colours in [0, 1] (.npy, float32, n × 3), for data with a natural colour.
    public var colorsFile: String? = nil
    /// The held-out split placed by `transform` (.npy, float32, m × c), its SHA-256 and labels (.npy, int64).
    public var transformedFile: String? = nil
    public var transformedSHA256: String? = nil
    public var transformedLabelsFile: String? = nil

    /// Value of a metric by name.
    public func metric(_ name: String) -> Double? { metrics.first { $0.name == name }?.value }
}
