import Embedding
import Foundation
import Linalg

/// Minimum, median and maximum of repeated measurements, with the samples themselves.
public struct BenchStatistic: Codable, Sendable, Equatable {
    public var min: Double
    public var median: Double
    public var max: Double
    /// Every measurement, in the order taken.
    public var samples: [Double]

    /// Summarises `samples` (must not be empty; an empty list gives zeros).
    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        self.samples = samples
        self.min = sorted.first ?? 0
        self.max = sorted.last ?? 0
        self.median = Statistics.median(sorted: sorted)
    }
}

/// Wall and CPU seconds of one phase over the timed repetitions.
public struct BenchPhase: Codable, Sendable, Equatable {
    /// Phase name as reported by the algorithm ("neighbors", "optimize", …) or "total" for the whole fit.
    public var name: String
    public var wallSeconds: BenchStatistic
    public var cpuSeconds: BenchStatistic
}

/// The calibration kernel's timings: a fixed single-threaded sgemm and a fixed scalar loop.
///
/// One *calibrated unit* is `unitSeconds`, the sum of the two kernels' median
/// times; a task's calibrated time is its seconds divided by it, which makes
/// numbers from different or differently loaded machines comparable.
public struct BenchCalibration: Codable, Sendable, Equatable {
    /// sgemm size (m = n = k).
    public var sgemmSize: Int
    /// Iterations of the scalar loop.
    public var scalarIterations: Int
    /// sgemm wall seconds, all runs (before and after the tasks).
    public var sgemmSeconds: BenchStatistic
    /// Scalar-loop wall seconds, all runs (before and after the tasks).
    public var scalarSeconds: BenchStatistic
    /// The same in CPU seconds (unaffected by waiting for a core on a shared machine).
    public var sgemmCPUSeconds: BenchStatistic
    public var scalarCPUSeconds: BenchStatistic
    /// The unit measured before the tasks, after them, and the one used (median of all runs).
    public var unitBeforeSeconds: Double
    public var unitAfterSeconds: Double
    public var unitSeconds: Double
    /// The CPU-time unit: sum of the kernels' median CPU seconds.
    public var unitCPUSeconds: Double
    /// Result of the scalar loop (so the compiler cannot drop it; identical on every machine).
    public var checksum: UInt64

    /// after / before: far from 1 means the machine's speed changed during the benchmark.
    public var drift: Double { unitBeforeSeconds > 0 ? unitAfterSeconds / unitBeforeSeconds : 1 }
}

/// Benchmark results of one task of the plan.
///
/// Units: seconds and bytes; "calibrated" values are seconds divided by the calibration unit.
public struct BenchTaskResult: Codable, Sendable {
    /// Task content hash (same as in result records), used to match baselines.
    public var id: String
    /// Human-readable task description.
    public var summary: String
    public var datasetLabel: String
    public var algorithm: String
    public var algorithmLabel: String
    public var parameters: [String: ParameterValue]
    public var seed: UInt64
    public var dataRows: Int
    public var dataCols: Int
    /// Seconds to load and prepare the data (once; not repeated).
    public var loadSeconds: Double
    /// The whole fit (as `RunRecord.fitWallSeconds`) and each of the algorithm's phases.
    public var fit: BenchPhase
    public var phases: [BenchPhase]
    /// Peak resident set size during each timed fit, in bytes (nil where the kernel does not say).
    public var peakRSSBytes: BenchStatistic?
    /// Median fit wall time in calibrated units (fit wall seconds / wall unit).
    public var calibratedFit: Double
    /// Median fit CPU time in calibrated units (fit CPU seconds / CPU unit).
    public var calibratedFitCPU: Double
    /// Quality metrics of the first timed repetition (name → value), when the spec asks for them.
    public var metrics: [String: Double]
    /// Scalar diagnostics of the first timed repetition.
    public var diagnostics: [String: Double]
    /// SHA-256 of the embedding of the first timed repetition.
    public var embeddingSHA256: String
    /// Whether every repetition produced identical embedding bytes.
    public var deterministic: Bool
    /// The worker process that ran the task, as its parent measured it (nil when run in process).
    public var worker: WorkerFacts? = nil
}

/// What `mbench bench` measured: the machine, the calibration and every task.
public struct BenchReport: Codable, Sendable {
    public var schema: Int = 1
    public var experiment: String
    public var specHash: String
    public var gitCommit: String
    public var toolVersion: String
    public var os: String
    public var cpuModel: String
    public var threadCount: Int
    public var startedAt: String
    public var warmup: Int
    public var repetitions: Int
    public var calibration: BenchCalibration
    public var tasks: [BenchTaskResult]
    /// Regression tolerances stored with a baseline (nil = the defaults).
    public var tolerances: BenchTolerances?

    /// Pretty-printed JSON with sorted keys.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return try encoder.encode(self) } catch { throw LabError.io("cannot encode bench report: \(error)") }
    }

    /// Reads a report (or baseline) written by `jsonData()`.
    public static func read(_ url: URL) throws -> BenchReport {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LabError.io("cannot read bench report \(url.path)")
        }
        do { return try JSONDecoder().decode(BenchReport.self, from: data) } catch {
            throw LabError.invalid("\(url.path) is not a bench report written by mbench bench: \(error)")
        }
    }
}
