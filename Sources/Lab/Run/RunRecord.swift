import Datasets
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
    /// Layout version of this record (2: fingerprints, worker facts and memory split added).
    public var schema: Int = 2
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
    /// Peak resident set size of the process that ran the task, in bytes (nil if unknown): a
    /// worker's own high-water mark (VmHWM) since it started; in process, since the task began.
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
    /// Which code made this result (nil in records written before fingerprints existed: such
    /// records are treated as stale).
    public var fingerprints: TaskFingerprint? = nil
    /// How the task's own process ran, as its parent measured it (nil when the task ran
    /// inside the calling process, e.g. in tests).
    public var worker: WorkerFacts? = nil
    /// Peak resident set size of the reference implementation's own process, in bytes, from
    /// `wait4` (nil for algorithms that run inside mbench).
    public var referencePeakRSSBytes: Int? = nil
    /// Bytes of the input the algorithm received: the n × d float32 matrix, plus the held-out
    /// matrix for `transform` tasks.
    public var inputBytes: Int? = nil
    /// Resident set size of the task's process right before the fit, after the data were loaded
    /// and preprocessed; `peakRSSBytes` minus this is the algorithm's working memory.
    public var rssBeforeFitBytes: Int? = nil
    /// Set when this result was reused although made by other code (`mbench run --reuse-stale`):
    /// what differs. Figures mark such results.
    public var staleReuse: String? = nil
    /// For a table: column types (declared or inferred), rows read and used, the missing-value policy.
    public var table: TableSummary? = nil
    /// For a task with a subsample `fraction`: its points' rows among the full selection's points
    /// (.npy, int64, ascending), so its embedding can be compared with the full one.
    public var subsampleFile: String? = nil

    /// Peak memory of the algorithm beyond what the process held before the fit, in bytes.
    public var workingMemoryBytes: Int? {
        guard let peak = peakRSSBytes, let before = rssBeforeFitBytes else { return nil }
        return max(0, peak - before)
    }

    /// Value of a metric by name.
    public func metric(_ name: String) -> Double? { metrics.first { $0.name == name }?.value }
}

/// How a task's worker process ran, measured by the parent with `wait4`.
public struct WorkerFacts: Codable, Sendable, Equatable {
    /// How it ended ("exited with status 0", "killed by SIGSEGV", "did not finish in 60 s …").
    public var ending: String
    /// Wall seconds from start to exit (process start-up, data loading and metrics included).
    public var wallSeconds: Double
    /// User + system CPU seconds of the worker and everything it waited for.
    public var cpuSeconds: Double
    /// Peak RSS in bytes of the worker and its children: the largest of what `wait4` reports (never
    /// below the parent's own high-water mark, see `ChildOutcome.peakRSSBytes`) and the worker's own
    /// peak over the whole task, the record's `peakRSSBytes` (phases restart the kernel's counter
    /// that `wait4` reads, `Clock.peakRSSBytes`).
    public var peakRSSBytes: Int
    /// The time limit the task ran under, in seconds (nil = none).
    public var timeLimitSeconds: Double?
    /// Worker threads the task was given.
    public var threads: Int

    public init(ending: String, wallSeconds: Double, cpuSeconds: Double, peakRSSBytes: Int, timeLimitSeconds: Double?,
                threads: Int) {
        self.ending = ending
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.peakRSSBytes = peakRSSBytes
        self.timeLimitSeconds = timeLimitSeconds
        self.threads = threads
    }
}
