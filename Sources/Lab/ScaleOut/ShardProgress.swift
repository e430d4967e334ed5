import Foundation

/// How far each shard of a `ScaleOutPlan` has got, read from the shard folders (`mbench
/// scale-out status`, and `mbench scale-out slurm --wait` while it waits).
public struct ShardProgress: Sendable, Equatable {
    /// 1-based shard number.
    public var shard: Int
    /// Tasks of this shard.
    public var tasks: Int
    /// Tasks with a current stored result in the shard's folder.
    public var done: Int
    /// Tasks whose last attempt failed or timed out (a retry may still fix them).
    public var failed: Int
    /// Whether the shard's folder exists here at all.
    public var folderExists: Bool

    /// One line per shard: "shard 2/4: 2 of 3 tasks done, 1 failed".
    public func line(of shards: Int) -> String {
        guard folderExists else { return "shard \(shard)/\(shards): not started (no folder yet)" }
        return "shard \(shard)/\(shards): \(done) of \(tasks) task\(tasks == 1 ? "" : "s") done"
            + (failed == 0 ? "" : ", \(failed) failed")
    }

    /// The progress of every shard of `plan` for `spec`, with paths relative to `base`.
    public static func of(_ plan: ScaleOutPlan, spec: ExperimentSpec,
                          base: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) -> [ShardProgress] {
        let full = Plan(spec: spec)
        return (1...plan.shards).map { index in
            let root = URL(fileURLWithPath: plan.shardFolder(index), relativeTo: base).standardizedFileURL
            let ids = Set(full.shard(index - 1, of: plan.shards).map(\.id))
            let exists = FileManager.default.fileExists(atPath: root.path)
            let statuses = exists ? TaskStatus.of(spec, root: root).filter { ids.contains($0.task.id) } : []
            return ShardProgress(shard: index, tasks: ids.count,
                                 done: statuses.filter { $0.state == .done }.count,
                                 failed: statuses.filter { $0.state == .failed || $0.state == .timedOut }.count,
                                 folderExists: exists)
        }
    }
}
