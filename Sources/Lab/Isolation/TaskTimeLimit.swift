/// The time limit a task runs under.
///
/// Limits come from three places: the experiment's `timeout:`, the algorithm entry's
/// `timeout:`, and `mbench run/bench --task-timeout`. Each is a cap, so the smallest one
/// given applies. Limits are enforced on isolated tasks (each in its own worker process), which
/// is how `mbench run` and `mbench bench` run tasks; the in-process path used by tests does
/// not enforce them.
public enum TaskTimeLimit {
    /// The largest accepted limit: one year, in seconds.
    public static let maximumSeconds = 365.0 * 24 * 3600

    /// The limit of `task` under `spec` and a command-line cap (nil = no limit).
    public static func seconds(for task: ExperimentTask, in spec: ExperimentSpec, commandLine: Double?) -> Double? {
        let algorithm = spec.algorithms.first { $0.name == task.algorithm && $0.label == task.algorithmLabel }
            ?? spec.algorithms.first { $0.name == task.algorithm }
        let limits = [spec.timeoutSeconds, algorithm?.timeoutSeconds, commandLine].compactMap { $0 }
        return limits.min()
    }
}
