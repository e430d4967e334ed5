import Embedding
import Foundation
import Linalg

/// Where `Runner` runs each task.
public enum TaskIsolation: Sendable {
    /// Each task in its own worker process (`mbench _worker`) started from this executable:
    /// the default of `mbench run`, and the only way records get honest per-task memory, time
    /// limits and crash containment.
    case worker(WorkerLauncher)
    /// Every task inside the calling process, one after another (tests; `mbench run --in-process`).
    /// Time limits are not enforced and peak memory includes earlier tasks.
    case inProcess
}

/// How `Runner` runs an experiment.
public struct RunOptions: Sendable {
    /// Folder holding one sub-folder per experiment (default `Figures`).
    public var resultsRoot: URL
    /// Recompute tasks that already have results.
    public var force: Bool
    /// Run only shard `index` of `count` (0-based), for splitting a sweep across machines.
    public var shard: (index: Int, count: Int)?
    /// Draw the spec's figures after the tasks.
    public var drawFigures: Bool
    /// Where tasks run (default in process; `mbench run` uses workers).
    public var isolation: TaskIsolation
    /// Tasks run at the same time (workers only; threads are divided between them). Default 1.
    public var jobs: Int
    /// A time limit for every task in seconds (`--task-timeout`), on top of the spec's.
    public var taskTimeout: Double?
    /// Reuse results made by other code (a different implementation fingerprint) instead of
    /// recomputing them; such records and their figures are marked as made by older code.
    public var reuseStale: Bool
    /// The implementation fingerprints to run under (tests replace entries).
    public var fingerprints: ImplementationFingerprints
    /// Memory all tasks running at once may use, bytes (`--memory-limit`); nil = this machine's memory.
    /// A task whose estimated peak (`TaskMemoryEstimate`) exceeds its share is not started.
    public var memoryLimit: Int?

    public init(resultsRoot: URL = URL(fileURLWithPath: "Figures"), force: Bool = false,
                shard: (index: Int, count: Int)? = nil, drawFigures: Bool = true, isolation: TaskIsolation = .inProcess,
                jobs: Int = 1, taskTimeout: Double? = nil, reuseStale: Bool = false,
                fingerprints: ImplementationFingerprints = .current, memoryLimit: Int? = nil) {
        self.memoryLimit = memoryLimit
        self.resultsRoot = resultsRoot
        self.force = force
        self.shard = shard
        self.drawFigures = drawFigures
        self.isolation = isolation
        self.jobs = jobs
        self.taskTimeout = taskTimeout
        self.reuseStale = reuseStale
        self.fingerprints = fingerprints
    }
}

/// What a run did.
public struct RunSummary: Sendable {
    public var experiment: String
    /// Tasks computed in this run.
    public var computed: Int
    /// Tasks whose stored results were reused.
    public var reused: Int
    /// Tasks that failed in this run (errors, crashes, time limits), with their messages.
    public var failures: [(task: String, message: String)]
    /// Tasks not run because they timed out before under the same code and limit.
    public var knownTimeouts: Int = 0
    /// Figure files written.
    public var figures: [URL]
}

/// Runs the tasks of an experiment that have no current stored result yet, then draws its figures.
///
/// It wires modules together and computes nothing itself: which tasks to run comes from
/// `TaskDecision`, each task runs in a worker process (`WorkerLauncher`) or in process
/// (`TaskExecution`), and the parent alone writes records, failures, the summary and figures.
public struct Runner {
    public let options: RunOptions
    /// Receives one line per event (task started / finished / reused / failed).
    public let log: (String) -> Void

    public init(options: RunOptions, log: @escaping (String) -> Void = { print($0) }) {
        self.options = options
        self.log = log
    }

    /// Runs `spec`; throws only for problems that stop the whole run (e.g. an unwritable folder).
    public func run(_ spec: ExperimentSpec) throws -> RunSummary {
        let plan = Plan(spec: spec)
        let store = ResultStore(root: options.resultsRoot, experiment: spec.name)
        try store.prepare()
        let lock = try StoreLock(store) { holder in
            log("[\(spec.name)] waiting: \(store.experimentDirectory.path) is in use by \(holder)")
        }
        defer { withExtendedLifetime(lock) {} }
        store.removeLeftovers()
        let tasks = options.shard.map { plan.shard($0.index, of: $0.count) } ?? plan.tasks
        var summary = RunSummary(experiment: spec.name, computed: 0, reused: 0, failures: [], figures: [])
        var pending: [PendingTask] = []
        for (position, task) in tasks.enumerated() {
            let tag = "[\(spec.name) \(position + 1)/\(tasks.count)] \(task.summary)"
            let fingerprint = options.fingerprints.of(task, spec: spec)
            let limit = TaskTimeLimit.seconds(for: task, in: spec, commandLine: options.taskTimeout)
            switch TaskDecision.make(task, spec: spec, store: store, fingerprint: fingerprint, timeLimit: limit,
                                     options: options) {
            case .reuse(let note):
                summary.reused += 1
                log("\(tag): \(note)")
            case .knownTimeout(let failure):
                summary.knownTimeouts += 1
                log("\(tag): \(failure.ending) before, under the same code; not retried (--force or a longer limit retries it)")
            case .compute(let earlier, let staleReuse, let recordedFingerprint):
                if earlier == nil { store.removeRecord(task.id) }
                pending.append(PendingTask(task: task, tag: tag, earlier: earlier, staleReuse: staleReuse,
                                           fingerprint: recordedFingerprint, timeLimit: limit))
            }
        }
        TaskScheduler(options: options, spec: spec, store: store, log: log).execute(pending) { item, outcome in
            switch outcome {
            case .success(var record):
                record.staleReuse = item.staleReuse
                do {
                    try store.write(record)
                    store.removeFailure(item.task.id)
                    summary.computed += 1
                    let metrics = record.metrics.map { "\($0.name)=\(String(format: "%.4f", $0.value))" }.joined(separator: " ")
                    let memory = record.referencePeakRSSBytes.map { String(format: ", reference peak %.0f MiB", Double($0) / 1_048_576) }
                        ?? record.peakRSSBytes.map { String(format: ", peak %.0f MiB", Double($0) / 1_048_576) } ?? ""
                    log("\(item.tag): \(String(format: "%.2f", record.fitWallSeconds)) s\(memory) \(metrics)")
                    for warning in record.warnings { log("  warning: \(warning)") }
                } catch {
                    summary.failures.append((item.task.summary, "\(error)"))
                    log("\(item.tag): FAILED: \(error)")
                }
            case .failure(let failure):
                try? store.write(failure)
                summary.failures.append((item.task.summary, failure.summary))
                log("\(item.tag): FAILED: \(failure.summary)")
            case .error(let message):
                summary.failures.append((item.task.summary, message))
                log("\(item.tag): FAILED: \(message)")
            }
        }
        let records = store.allRecords()
        let planned = Set(plan.tasks.map(\.id)), recorded = Set(records.map(\.task.id))
        let failures = store.allFailures().filter { planned.contains($0.task.id) && !recorded.contains($0.task.id) }
        try Summary.write(spec: spec, records: records, failures: failures,
                          to: store.experimentDirectory.appendingPathComponent("summary.md"))
        if options.drawFigures && options.shard == nil {
            summary.figures = try FigureDrawing.draw(spec: spec, records: records, store: store, log: log)
        }
        return summary
    }
}

extension Runner {
    /// Re-draws the figures of `spec` from its stored results, computing nothing.
    public func drawFigures(_ spec: ExperimentSpec) throws -> [URL] {
        let store = ResultStore(root: options.resultsRoot, experiment: spec.name)
        let records = store.allRecords()
        guard !records.isEmpty else {
            throw LabError.invalid("no stored results for '\(spec.name)' under \(store.resultsDirectory.path); run it first with mbench run")
        }
        return try FigureDrawing.draw(spec: spec, records: records, store: store, log: log)
    }
}

/// A task the runner decided to compute.
struct PendingTask {
    let task: ExperimentTask
    /// Log prefix.
    let tag: String
    /// A stored result whose embedding is reused (only metrics or clustering are computed).
    let earlier: EmbeddingReuse.Found?
    /// Why the reused embedding is stale, when it is reused anyway (`--reuse-stale`).
    let staleReuse: String?
    /// The fingerprints the new record carries.
    let fingerprint: TaskFingerprint
    let timeLimit: Double?
}

/// What to do with one task of a run.
enum TaskDecision {
    /// A current result is stored: nothing to do.
    case reuse(note: String)
    /// It timed out before under the same code and a limit at least as long: not retried.
    case knownTimeout(TaskFailure)
    /// Compute it (reusing `earlier`'s embedding when given).
    case compute(earlier: EmbeddingReuse.Found?, staleReuse: String?, fingerprint: TaskFingerprint)

    static func make(_ task: ExperimentTask, spec: ExperimentSpec, store: ResultStore, fingerprint: TaskFingerprint,
                     timeLimit: Double?, options: RunOptions) -> TaskDecision {
        if options.force { return .compute(earlier: nil, staleReuse: nil, fingerprint: fingerprint) }
        if let record = store.record(for: task.id) {
            switch RecordFreshness.of(record, current: fingerprint, spec: spec) {
            case .fresh:
                return .reuse(note: "done before, reused")
            case .incomplete(let missing):
                _ = missing  // computed by TaskExecution, which evaluates every metric of the spec
                return .compute(earlier: EmbeddingReuse.Found(record: record, store: store), staleReuse: record.staleReuse,
                                fingerprint: fingerprint)
            case .stale(let reason) where options.reuseStale:
                // Judge the rest against the code that made it, and keep saying it is stale.
                var old = fingerprint
                old.algorithm = record.fingerprints?.algorithm ?? "unknown"
                old.data = record.fingerprints?.data ?? "unknown"
                if case .fresh = RecordFreshness.of(record, current: old, spec: spec), record.fingerprints != nil {
                    if record.staleReuse == nil {
                        var marked = record
                        marked.staleReuse = reason
                        try? store.write(marked)
                    }
                    return .reuse(note: "made by other code (\(reason)); reused because of --reuse-stale")
                }
                return .compute(earlier: EmbeddingReuse.Found(record: record, store: store), staleReuse: reason,
                                fingerprint: old)
            case .stale:
                break
            }
        }
        if let failure = store.failure(for: task.id), failure.kind == .timedOut,
           failure.fingerprints.algorithm == fingerprint.algorithm, failure.fingerprints.data == fingerprint.data,
           let before = failure.worker.timeLimitSeconds, let timeLimit, timeLimit <= before {
            return .knownTimeout(failure)
        }
        let earlier = EmbeddingReuse.find(task.id, current: store, root: options.resultsRoot, fingerprint: fingerprint)
        return .compute(earlier: earlier, staleReuse: nil, fingerprint: fingerprint)
    }
}
