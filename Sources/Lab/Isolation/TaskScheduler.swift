import Foundation
import Linalg

/// How one computed task ended, before the runner stores it.
enum TaskOutcome {
    /// The task's record (not yet stored).
    case success(RunRecord)
    /// The worker crashed, failed or timed out.
    case failure(TaskFailure)
    /// The in-process path threw.
    case error(String)
}

/// Runs the tasks a runner decided to compute, in workers (up to `jobs` at once) or in process.
///
/// With `jobs` > 1 the threads are divided between the workers (at least one each). Results do
/// not depend on it: every algorithm gives the same bytes for any thread count.
struct TaskScheduler {
    let options: RunOptions
    let spec: ExperimentSpec
    let store: ResultStore
    let log: (String) -> Void

    /// Runs every pending task; `finished` receives each outcome as soon as its task ends (one
    /// call at a time), so the runner stores it at once and a killed run keeps what finished.
    /// A task whose estimated peak memory exceeds its share of the limit is not started: its outcome is
    /// an error naming the estimate and the limit, and nothing of it is written.
    func execute(_ pending: [PendingTask], finished: @escaping (PendingTask, TaskOutcome) -> Void) {
        var runnable: [PendingTask] = []
        var concurrent = max(1, min(options.jobs, pending.count))
        if case .inProcess = options.isolation { concurrent = 1 }
        let limit = MemoryLimit.perTask(configured: options.memoryLimit, jobs: concurrent)
        for item in pending {
            if let limit, let message = TaskMemoryEstimate.of(item.task)?.refusal(limit: limit) {
                log("\(item.tag): \(message)")
                finished(item, .error(message))
            } else {
                runnable.append(item)
            }
        }
        switch options.isolation {
        case .inProcess: inProcess(runnable, finished: finished)
        case .worker(let launcher): isolated(runnable, launcher: launcher, finished: finished)
        }
    }

    /// Each task in its own worker process.
    private func isolated(_ pending: [PendingTask], launcher: WorkerLauncher,
                          finished: @escaping (PendingTask, TaskOutcome) -> Void) {
        let jobs = max(1, min(options.jobs, pending.count))
        let slots = JobSlots(pending: pending, launcher: launcher, spec: spec, store: store, log: log, finished: finished,
                             threads: max(1, Parallel.threadCount / jobs),
                             root: options.resultsRoot.standardizedFileURL.path)
        slots.singleJob = jobs == 1
        if jobs == 1 {
            slots.runSlot()
        } else {
            let group = DispatchGroup()
            for _ in 0..<jobs {
                group.enter()
                Thread {
                    slots.runSlot()
                    group.leave()
                }.start()
            }
            group.wait()
        }
    }

    /// The queue of pending tasks that `jobs` threads take from, each running one worker at a time.
    /// Everything shared is behind `lock`.
    private final class JobSlots: @unchecked Sendable {
        let pending: [PendingTask]
        let launcher: WorkerLauncher
        let spec: ExperimentSpec
        let store: ResultStore
        let log: (String) -> Void
        let finished: (PendingTask, TaskOutcome) -> Void
        let threads: Int
        let root: String
        /// Whether only one worker runs at a time.
        var singleJob = true
        let lock = NSLock()
        var next = 0

        init(pending: [PendingTask], launcher: WorkerLauncher, spec: ExperimentSpec, store: ResultStore,
             log: @escaping (String) -> Void, finished: @escaping (PendingTask, TaskOutcome) -> Void,
             threads: Int, root: String) {
            self.pending = pending
            self.launcher = launcher
            self.spec = spec
            self.store = store
            self.log = log
            self.threads = threads
            self.root = root
            self.finished = finished
        }

        /// Takes tasks from the queue until it is empty.
        func runSlot() {
            while true {
                lock.lock()
                let index = next
                next += 1
                if index < pending.count {
                    let limit = pending[index].timeLimit.map { " (time limit \(ChildProcess.formatSeconds($0)) s)" } ?? ""
                    log("\(pending[index].tag): started\(limit)")
                }
                lock.unlock()
                guard index < pending.count else { return }
                let outcome = run(pending[index])
                lock.lock()
                finished(pending[index], outcome)
                lock.unlock()
            }
        }

        private func run(_ item: PendingTask) -> TaskOutcome {
            // One job at a time on a terminal: the worker shows its progress there (several would share one line).
            let terminal = singleJob ? TerminalProgress.terminalPath : nil
            let ticket = WorkerTicket(mode: .run, task: item.task, context: TaskContext(spec), resultsRoot: root,
                                      reuseFrom: item.earlier?.record.experiment, fingerprint: item.fingerprint,
                                      reportPath: "", threads: threads, bench: nil, progressTerminal: terminal)
            defer { if terminal != nil { TerminalProgress.clearLine() } }
            switch launcher.launch(ticket, task: item.task, experiment: spec.name, folder: store.resultsDirectory,
                                   timeLimit: item.timeLimit) {
            case .record(let record): return .success(record)
            case .failure(let failure): return .failure(failure)
            case .benchResult: return .error("a run worker returned a benchmark result")
            }
        }
    }

    /// Every task inside this process, one after another, keeping the last data set loaded.
    private func inProcess(_ pending: [PendingTask], finished: (PendingTask, TaskOutcome) -> Void) {
        var loaded: (key: DatasetSelection, seed: UInt64, data: PreparedData)?
        for item in pending {
            finished(item, runInProcess(item, loaded: &loaded))
        }
    }

    private func runInProcess(_ item: PendingTask,
                              loaded: inout (key: DatasetSelection, seed: UInt64, data: PreparedData)?) -> TaskOutcome {
        let task = item.task
        do {
            MachineFacts.resetPeakRSS()
            var timer = PhaseTimer()
            let data: PreparedData
            if let cached = loaded, cached.key == task.dataset, cached.seed == task.seed {
                data = cached.data
            } else {
                loaded = nil  // free the previous data set before loading the next
                data = try timer.measure("load_data") { try DataPreparation.prepare(task.dataset, seed: task.seed) }
                loaded = (task.dataset, task.seed, data)
            }
            if let earlier = item.earlier, earlier.record.experiment != spec.name {
                log("\(item.tag): reusing the embedding stored by experiment '\(earlier.record.experiment)'")
            }
            let record = try TaskExecution(task: task, context: TaskContext(spec), store: store, data: data, timer: timer,
                                           progress: TerminalProgress.handler(prefix: item.tag), earlier: item.earlier,
                                           fingerprint: item.fingerprint).run()
            TerminalProgress.clearLine()
            return .success(record)
        } catch {
            TerminalProgress.clearLine()
            return .error("\(error)")
        }
    }
}
