import Foundation
import Linalg

/// The parent side of task isolation: starts one worker per task and turns how it ended into a
/// record or a failure (see `WorkerTicket` for the protocol).
public struct WorkerLauncher: Sendable {
    /// The `mbench` executable to start as the worker (normally this process's own binary).
    public var executable: String

    public init(executable: String) {
        self.executable = executable
    }

    /// This process's own executable, as the kernel knows it.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// What a worker produced.
    public enum Outcome {
        case record(RunRecord)
        case benchResult(BenchTaskResult, WorkerFacts)
        case failure(TaskFailure)
    }

    /// Runs `ticket` (whose files live in `folder`) in a worker; never throws for the task's own
    /// problems, which come back as `.failure`.
    func launch(_ ticket: WorkerTicket, task: ExperimentTask, experiment: String, folder: URL,
                timeLimit: Double?) -> Outcome {
        let stem = folder.appendingPathComponent(".partial-worker-\(task.id)-\(UUID().uuidString.prefix(8))")
        let ticketURL = URL(fileURLWithPath: stem.path + ".ticket.json")
        let stdoutURL = URL(fileURLWithPath: stem.path + ".stdout"), stderrURL = URL(fileURLWithPath: stem.path + ".stderr")
        var ticket = ticket
        ticket.reportPath = stem.path + ".report.json"
        defer {
            for url in [ticketURL, stdoutURL, stderrURL, URL(fileURLWithPath: ticket.reportPath)] {
                try? FileManager.default.removeItem(at: url)
            }
        }
        let startedAt = Timestamp.now()
        func failure(_ kind: TaskFailure.Kind, _ ending: String, _ stderr: String, _ facts: WorkerFacts) -> Outcome {
            .failure(TaskFailure(experiment: experiment, task: task, kind: kind, ending: ending, stderrTail: stderr,
                                 worker: facts, fingerprints: ticket.fingerprint, gitCommit: MachineFacts.gitCommit,
                                 startedAt: startedAt))
        }
        let unstarted = WorkerFacts(ending: "not started", wallSeconds: 0, cpuSeconds: 0, peakRSSBytes: 0,
                                    timeLimitSeconds: timeLimit, threads: ticket.threads)
        let outcome: ChildOutcome
        do {
            // A plain write: the worker starts after it, and it is deleted when the worker ends.
            do { try Worker.encode(ticket).write(to: ticketURL) } catch {
                throw LabError.io("cannot write \(ticketURL.path): \(error.localizedDescription)")
            }
            var environment = ProcessInfo.processInfo.environment
            environment[MachineFacts.gitCommitVariable] = MachineFacts.gitCommit
            // mbench calls OpenBLAS from one thread per chunk (`Linalg.BLAS`); without this its
            // loader starts a thread per core that spins at every worker's start.
            environment["OPENBLAS_NUM_THREADS"] = "1"
            outcome = try ChildProcess.run(executable: executable, arguments: ["_worker", "--ticket", ticketURL.path],
                                           environment: environment, stdout: stdoutURL, stderr: stderrURL,
                                           timeoutSeconds: timeLimit)
        } catch {
            return failure(.failed, "the worker could not start: \(error)", "", unstarted)
        }
        let facts = WorkerFacts(ending: outcome.ending.description, wallSeconds: outcome.wallSeconds,
                                cpuSeconds: outcome.cpuSeconds, peakRSSBytes: outcome.peakRSSBytes,
                                timeLimitSeconds: timeLimit, threads: ticket.threads)
        switch outcome.ending {
        case .timedOut: return failure(.timedOut, facts.ending, outcome.stderrTail, facts)
        case .signaled: return failure(.crashed, facts.ending, outcome.stderrTail, facts)
        case .exited(let status) where status != 0: return failure(.failed, facts.ending, outcome.stderrTail, facts)
        case .exited: break
        }
        guard let report = FileManager.default.contents(atPath: ticket.reportPath) else {
            return failure(.failed, "the worker exited 0 without writing its report", outcome.stderrTail, facts)
        }
        do {
            switch ticket.mode {
            case .run:
                var record = try JSONDecoder().decode(RunRecord.self, from: report)
                record.worker = facts
                // Phases restart the kernel's peak counter, which `wait4` reads; the worker's own
                // peak over the whole task carries what came before.
                if let own = record.peakRSSBytes { record.worker?.peakRSSBytes = max(facts.peakRSSBytes, own) }
                return .record(record)
            case .bench:
                return .benchResult(try JSONDecoder().decode(BenchTaskResult.self, from: report), facts)
            }
        } catch {
            return failure(.failed, "the worker's report cannot be read: \(error)", outcome.stderrTail, facts)
        }
    }
}
