import Foundation

/// A task that did not produce a result: why, and what was measured of it.
///
/// Stored beside the results as `<task id>.failure.json`, written only by the parent `mbench`
/// process after the task's worker has ended. A later success removes it. A timed-out task is
/// not retried under the same code and a time limit no longer than the one it ran out of
/// (figures draw it at the limit as "did not finish"); crashed and failed tasks are retried by
/// every run.
public struct TaskFailure: Codable, Sendable {
    /// What went wrong.
    public enum Kind: String, Codable, Sendable {
        /// The task reported an error and exited with a non-zero status.
        case failed
        /// A signal ended the worker (a crash, or the out-of-memory killer).
        case crashed
        /// The worker ran past the time limit and was killed.
        case timedOut = "timed-out"
    }

    /// Layout version of this file.
    public var schema: Int = 1
    public var experiment: String
    public var task: ExperimentTask
    public var kind: Kind
    /// How the worker ended, in words ("killed by SIGSEGV", "exited with status 1", …).
    public var ending: String
    /// The last part of the worker's standard error.
    public var stderrTail: String
    /// What the parent measured of the worker.
    public var worker: WorkerFacts
    /// Which code ran.
    public var fingerprints: TaskFingerprint
    /// Commit of the project that ran it.
    public var gitCommit: String
    /// When it started (ISO 8601, UTC).
    public var startedAt: String

    /// One line for logs and `mbench status`.
    public var summary: String {
        let lastLine = stderrTail.split(separator: "\n").last.map(String.init) ?? ""
        return lastLine.isEmpty || kind == .timedOut ? ending : "\(ending): \(lastLine)"
    }
}

extension ResultStore {
    /// URL of a task's failure file.
    func failureURL(_ taskID: String) -> URL { url("\(taskID).failure.json") }

    /// The stored failure of a task, if its last run failed.
    public func failure(for taskID: String) -> TaskFailure? {
        guard let data = FileManager.default.contents(atPath: failureURL(taskID).path) else { return nil }
        return try? JSONDecoder().decode(TaskFailure.self, from: data)
    }

    /// Every stored failure, sorted by task id.
    public func allFailures() -> [TaskFailure] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: resultsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".failure.json") }.sorted()
            .compactMap { failure(for: String($0.dropLast(".failure.json".count))) }
    }

    /// Writes a failure atomically.
    public func write(_ failure: TaskFailure) throws {
        try writeJSON(failure, to: failureURL(failure.task.id), what: "the failure of task \(failure.task.id)")
    }

    /// Removes a task's failure file (after it succeeded).
    public func removeFailure(_ taskID: String) {
        try? FileManager.default.removeItem(at: failureURL(taskID))
    }

    /// Removes a task's record, so that the task counts as not done while it is recomputed.
    public func removeRecord(_ taskID: String) {
        try? FileManager.default.removeItem(at: url("\(taskID).json"))
    }
}
