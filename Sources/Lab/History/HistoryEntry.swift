import Foundation

/// One `mbench bench … --history DIR` run as stored in the history: the commit, the machine,
/// the calibration, and every benchmark's measures with their samples.
public struct HistoryEntry: Codable, Sendable {
    /// The format this mbench writes and reads; entries of another format are reported, not read.
    public static let currentFormat = 1
    public var format: Int
    /// The commit benchmarked (`git rev-parse HEAD`, "-dirty" when modified; or `--commit`).
    public var commit: String
    /// The commit's committer time in seconds since 1970 (orders the commits; nil when unknown).
    public var commitTime: Double?
    /// When the run was recorded (ISO 8601, UTC).
    public var recordedAt: String
    public var experiment: String
    public var machine: MachineIdentity
    /// The calibration unit in seconds (`BenchCalibration.unitSeconds`): times are in multiples of it.
    public var calibrationUnitSeconds: Double
    public var threads: Int
    public var benchmarks: [HistoryBenchmark]

    public init(commit: String, commitTime: Double?, recordedAt: String, experiment: String, machine: MachineIdentity,
                calibrationUnitSeconds: Double, threads: Int, benchmarks: [HistoryBenchmark]) {
        self.format = Self.currentFormat
        self.commit = commit; self.commitTime = commitTime; self.recordedAt = recordedAt; self.experiment = experiment
        self.machine = machine; self.calibrationUnitSeconds = calibrationUnitSeconds; self.threads = threads
        self.benchmarks = benchmarks
    }

    /// The entry of a bench report: time in calibrated units per repetition, peak memory in MiB
    /// per repetition, and each quality metric.
    public init(report: BenchReport, machine: MachineIdentity, commit: String? = nil, commitTime: Double? = nil) {
        let unit = report.calibration.unitSeconds > 0 ? report.calibration.unitSeconds : 1
        let benchmarks = report.tasks.map { task -> HistoryBenchmark in
            var measures = [HistoryMeasure(name: HistoryMeasure.time, unit: "calibrated units", smallerIsBetter: true,
                                           samples: task.fit.wallSeconds.samples.map { $0 / unit })]
            if let rss = task.peakRSSBytes {
                measures.append(HistoryMeasure(name: HistoryMeasure.memory, unit: "MiB", smallerIsBetter: true,
                                               samples: rss.samples.map { $0 / 1_048_576 }))
            }
            for (name, value) in task.metrics.sorted(by: { $0.key < $1.key }) {
                measures.append(HistoryMeasure(name: name, unit: "", smallerIsBetter: false, samples: [value]))
            }
            return HistoryBenchmark(name: "\(report.experiment): \(task.summary)", id: task.id, measures: measures)
        }
        let chosen = commit ?? report.gitCommit
        self.init(commit: chosen, commitTime: commitTime ?? Self.commitTime(of: chosen), recordedAt: report.startedAt,
                  experiment: report.experiment, machine: machine, calibrationUnitSeconds: unit,
                  threads: report.threadCount, benchmarks: benchmarks)
    }

    /// The committer time of `commit` in the current checkout (nil outside git or for "unknown").
    static func commitTime(of commit: String) -> Double? {
        let hash = commit.hasSuffix("-dirty") ? String(commit.dropLast(6)) : commit
        guard !hash.isEmpty, hash.allSatisfy(\.isHexDigit),
              let result = try? CommandLookup.run("/usr/bin/env", ["git", "show", "-s", "--format=%ct", hash]),
              result.status == 0 else { return nil }
        return Double(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// One benchmark (a task of the bench spec) of a history entry.
public struct HistoryBenchmark: Codable, Sendable {
    /// "<experiment>: <task summary>", the key across commits.
    public var name: String
    /// The task's content hash.
    public var id: String
    public var measures: [HistoryMeasure]

    public init(name: String, id: String, measures: [HistoryMeasure]) {
        self.name = name; self.id = id; self.measures = measures
    }
}

/// One measure of a benchmark: its samples from the repetitions.
public struct HistoryMeasure: Codable, Sendable {
    /// Name of the calibrated fit time measure.
    public static let time = "time"
    /// Name of the peak-memory measure.
    public static let memory = "peak memory"
    /// "time", "peak memory", or a quality metric's name.
    public var name: String
    public var unit: String
    /// Whether a drop is an improvement (time, memory) or a regression (quality).
    public var smallerIsBetter: Bool
    public var samples: [Double]

    public init(name: String, unit: String, smallerIsBetter: Bool, samples: [Double]) {
        self.name = name; self.unit = unit; self.smallerIsBetter = smallerIsBetter; self.samples = samples
    }
}
