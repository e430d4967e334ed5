import Foundation

/// Where one task of a spec stands in the result store (`mbench status`).
public struct TaskStatus: Sendable {
    /// The task's state.
    public enum State: String, Sendable, CaseIterable {
        /// A result made by the current code, with every metric the spec asks for.
        case done
        /// A current embedding lacking metrics or clustering (the next run computes only those).
        case incomplete
        /// A result made by other code (the next run recomputes it).
        case stale
        /// Nothing stored.
        case missing
        /// The last run failed or crashed.
        case failed
        /// The last run hit its time limit.
        case timedOut = "timed out"
    }

    public var task: ExperimentTask
    public var state: State
    /// What differs, what failed, or which metrics are missing.
    public var detail: String
    /// Commit of the code that made the stored result or failure ("" when missing).
    public var commit: String

    /// The status of every task of `spec` under `root`.
    public static func of(_ spec: ExperimentSpec, root: URL,
                          fingerprints: ImplementationFingerprints = .current) -> [TaskStatus] {
        let store = ResultStore(root: root, experiment: spec.name)
        return Plan(spec: spec).tasks.map { task in
            let current = fingerprints.of(task, spec: spec)
            if let record = store.record(for: task.id) {
                let commit = record.provenance.gitCommit
                switch RecordFreshness.of(record, current: current, spec: spec) {
                case .fresh:
                    return TaskStatus(task: task, state: .done,
                                      detail: record.staleReuse.map { "reused although stale: \($0)" } ?? "",
                                      commit: commit)
                case .incomplete(let missing):
                    return TaskStatus(task: task, state: .incomplete, detail: "to compute: " + missing.joined(separator: ", "),
                                      commit: commit)
                case .stale(let reason):
                    return TaskStatus(task: task, state: .stale, detail: reason, commit: commit)
                }
            }
            if let failure = store.failure(for: task.id) {
                return TaskStatus(task: task, state: failure.kind == .timedOut ? .timedOut : .failed,
                                  detail: failure.summary, commit: failure.gitCommit)
            }
            return TaskStatus(task: task, state: .missing, detail: "", commit: "")
        }
    }
}
