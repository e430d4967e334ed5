import Foundation
import Linalg

/// What the parent asks a worker to do, written as JSON into the results folder
/// (`.partial-ticket-<task id>.json`) and passed as `mbench _worker --ticket FILE`.
///
/// The worker protocol:
/// 1. The parent plans, decides which tasks to compute, and writes one ticket per task.
/// 2. The worker (a child process of the same `mbench` binary) reads the task from the ticket,
///    loads only that task's data, fits, measures, writes the task's arrays (each atomically), and writes its report
///    (the draft record, or a benchmark result) to `reportPath`. Then it exits 0.
/// 3. The parent waits with `wait4`, kills the process group at the time limit, and only then
///    writes: the final record (the draft plus what it measured of the worker) or a
///    `TaskFailure`. A worker that dies leaves at most array files no record points to, which the
///    next run overwrites, and `.partial-*` files, which the next run removes.
public struct WorkerTicket: Codable, Sendable {
    public enum Mode: String, Codable, Sendable {
        /// Compute the task and report its record (`mbench run`).
        case run
        /// Time the task's fit repeatedly and report a `BenchTaskResult` (`mbench bench`).
        case bench
    }

    public var mode: Mode
    /// The task, and what it needs of its spec: the worker reads no YAML.
    public var task: ExperimentTask
    public var context: TaskContext
    /// Results root (`mbench run --output`).
    public var resultsRoot: String
    /// Experiment whose stored result of this task to reuse the embedding of (nil = fit).
    public var reuseFrom: String?
    /// The fingerprints to record (decided by the parent).
    public var fingerprint: TaskFingerprint
    /// Where the worker writes its report.
    public var reportPath: String
    /// Threads the worker uses.
    public var threads: Int
    /// Benchmark settings (`bench` mode only).
    public var bench: BenchTicket?
    /// The parent's terminal (e.g. /dev/pts/3) to show the fit's progress on; nil = quiet.
    public var progressTerminal: String? = nil
}

/// The benchmark settings a `bench` worker needs.
public struct BenchTicket: Codable, Sendable {
    public var warmup: Int
    public var repetitions: Int
    public var injectedSeconds: Double
}

/// The worker side of task isolation: `mbench _worker --ticket FILE` calls `Worker.main`.
public enum Worker {
    /// Runs the ticket at `ticketPath`; returns the process exit status (0 = report written).
    /// Errors go to standard error, where the parent keeps their tail.
    public static func main(ticketPath: String) -> Int32 {
        do {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: ticketPath))
            let ticket = try JSONDecoder().decode(WorkerTicket.self, from: bytes)
            try run(ticket)
            return 0
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            return 1
        }
    }

    static func run(_ ticket: WorkerTicket) throws {
        Lab.setThreadCount(ticket.threads)
        let task = ticket.task
        let report: Data
        switch ticket.mode {
        case .run:
            report = try encode(try computeRecord(task, context: ticket.context, ticket: ticket))
        case .bench:
            guard let settings = ticket.bench else { throw LabError.invalid("bench ticket without bench settings") }
            let runner = BenchRunner(options: BenchOptions(warmup: settings.warmup, repetitions: settings.repetitions,
                                                           injectedSeconds: settings.injectedSeconds), log: { _ in })
            let start = Clock.wallSeconds()
            let data = try DataPreparation.prepare(task.dataset, seed: task.seed)
            let result = try runner.benchmark(task, data: data, loadSeconds: Clock.wallSeconds() - start,
                                              metrics: ticket.context.metrics)
            report = try encode(result)
        }
        // A plain write: the parent reads the report only after this process exited 0, and it is
        // deleted right after, so neither atomicity nor fsync would buy anything.
        do { try report.write(to: URL(fileURLWithPath: ticket.reportPath)) } catch {
            throw LabError.io("cannot write the worker report \(ticket.reportPath): \(error.localizedDescription)")
        }
    }

    /// Loads the task's data and runs it, writing its arrays into the store; returns the draft record.
    static func computeRecord(_ task: ExperimentTask, context: TaskContext, ticket: WorkerTicket) throws -> RunRecord {
        let root = URL(fileURLWithPath: ticket.resultsRoot)
        let store = ResultStore(root: root, experiment: context.experiment)
        let earlier = try ticket.reuseFrom.map { experiment -> EmbeddingReuse.Found in
            let source = ResultStore(root: root, experiment: experiment)
            guard let record = source.record(for: task.id) else {
                throw LabError.io("the stored result of task \(task.id) in '\(experiment)' disappeared")
            }
            return EmbeddingReuse.Found(record: record, store: source)
        }
        var timer = PhaseTimer()
        let data = try timer.measure("load_data") { try DataPreparation.prepare(task.dataset, seed: task.seed) }
        let progress = ticket.progressTerminal.flatMap {
            TerminalProgress.handler(prefix: "\(context.experiment): \(task.summary)", terminalPath: $0)
        }
        return try TaskExecution(task: task, context: context, store: store, data: data, timer: timer, progress: progress,
                                 earlier: earlier, fingerprint: ticket.fingerprint).run()
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }
}
