import Foundation

/// One sweep split into shards for a cluster: which spec, how many shards, where each shard
/// writes, and what every shard job asks the scheduler for. `SlurmScripts` and `KubernetesJob`
/// render it; the shards themselves are `mbench run SPEC --shard i/N` and the merge is
/// `mbench merge`, exactly as on one machine.
///
/// Layout under the results root `output` (relative paths are relative to the folder the jobs
/// start in, the submission folder):
///
///     <output>/.scale-out/<experiment>/shard-<i>/   shard i's own result root (i = 1…N)
///     <output>/.scale-out/<experiment>/logs/        the scheduler's output files
///     <output>/.scale-out/<experiment>/*.sh         the generated job scripts
///     <output>/.scale-out/<experiment>/submission   the token every job checks (shared folder)
///     <output>/<experiment>/                        the merged results and figures
public struct ScaleOutPlan: Sendable, Equatable {
    /// The spec file as the jobs see it.
    public var specPath: String
    /// The experiment's name (the spec's `name:`).
    public var experiment: String
    /// Tasks in the spec's plan.
    public var taskCount: Int
    /// Shards (array tasks, indexed pods), 1…`taskCount`.
    public var shards: Int
    /// Results root of the merged run (`--output` of `mbench run`).
    public var output: String
    /// The `mbench` executable as the jobs see it.
    public var executable: String
    /// CPUs per shard; also the shard's `--threads`. Default 1.
    public var cpus: Int
    /// Memory per shard in the scheduler's notation ("4G", "512M"); nil = the scheduler's default.
    public var memory: String?
    /// Wall-time limit per shard in Slurm's notation ("30", "04:00:00", "1-00:00:00"); nil = default.
    public var timeLimit: String?
    /// Slurm partition; nil = the default partition.
    public var partition: String?
    /// Further attempts of a failed shard (each reuses the tasks it finished). Default 2.
    public var retries: Int

    /// Most shards one plan may have (Slurm's default MaxArraySize is 1001).
    public static let maximumShards = 1000
    /// Most retries of one shard.
    public static let maximumRetries = 20
    /// Most CPUs per shard.
    public static let maximumCPUs = 4096

    /// Checks every setting; the messages name the option to fix.
    public init(specPath: String, experiment: String, taskCount: Int, shards: Int, output: String = "Figures",
                executable: String = ".build/release/mbench", cpus: Int = 1, memory: String? = nil,
                timeLimit: String? = nil, partition: String? = nil, retries: Int = 2) throws {
        guard (1...Self.maximumShards).contains(shards) else {
            throw LabError.invalid("--shards must be in 1...\(Self.maximumShards), got \(shards)")
        }
        guard taskCount >= shards else {
            throw LabError.invalid("\(specPath) expands to \(taskCount) task\(taskCount == 1 ? "" : "s"): --shards \(shards) would leave shard\(shards - taskCount == 1 ? "" : "s") without work; use --shards \(max(taskCount, 1)) or fewer")
        }
        guard (1...Self.maximumCPUs).contains(cpus) else {
            throw LabError.invalid("--cpus must be in 1...\(Self.maximumCPUs), got \(cpus)")
        }
        guard (0...Self.maximumRetries).contains(retries) else {
            throw LabError.invalid("--retries must be in 0...\(Self.maximumRetries), got \(retries)")
        }
        if let memory, !Self.isMemory(memory) {
            throw LabError.invalid("--mem must be a whole number with an optional unit K, M, G or T (e.g. 4G), got '\(memory)'")
        }
        if let timeLimit, !Self.isSlurmTime(timeLimit) {
            throw LabError.invalid("--time must be minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS, got '\(timeLimit)'")
        }
        if let partition, partition.isEmpty || !partition.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.,".contains($0)) }) {
            throw LabError.invalid("--partition must be letters, digits, '_', '-', '.' or ',' (a comma list of partitions), got '\(partition)'")
        }
        for (name, value) in [("spec path", specPath), ("--output", output), ("mbench path", executable)]
        where value.isEmpty || value.contains("\n") || value.contains("\0") {
            throw LabError.invalid("the \(name) must be a non-empty single line, got '\(value)'")
        }
        self.specPath = specPath; self.experiment = experiment; self.taskCount = taskCount; self.shards = shards
        self.output = output; self.executable = executable; self.cpus = cpus; self.memory = memory
        self.timeLimit = timeLimit; self.partition = partition; self.retries = retries
    }

    /// The folder of everything the cluster run writes besides the merged results.
    public var workFolder: String { output + "/.scale-out/" + experiment }
    /// Shard `index`'s result root (1-based, as in `--shard i/N`).
    public func shardFolder(_ index: Int) -> String { workFolder + "/shard-\(index)" }
    /// The scheduler's output files.
    public var logFolder: String { workFolder + "/logs" }
    /// The file holding the submission's token.
    public var tokenFile: String { workFolder + "/submission" }

    /// Slurm memory: digits with an optional K/M/G/T suffix.
    static func isMemory(_ text: String) -> Bool {
        var digits = Substring(text)
        if let last = digits.last, "KMGTkmgt".contains(last) { digits = digits.dropLast() }
        return !digits.isEmpty && digits.count <= 12 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Slurm's time formats: "M", "M:S", "H:M:S", "D-H", "D-H:M", "D-H:M:S".
    static func isSlurmTime(_ text: String) -> Bool {
        func numbers(_ part: Substring, count: ClosedRange<Int>) -> Bool {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            return count.contains(fields.count)
                && fields.allSatisfy { !$0.isEmpty && $0.count <= 6 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        }
        let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
        switch dayParts.count {
        case 1: return numbers(dayParts[0], count: 1...3)
        case 2: return numbers(dayParts[0], count: 1...1) && numbers(dayParts[1], count: 1...3)
        default: return false
        }
    }
}

/// Quoting for POSIX shells: the one way generated scripts embed paths and names.
public enum ShellQuote {
    /// `text` as one shell word: left bare when it holds only safe characters, else in single quotes.
    public static func word(_ text: String) -> String {
        let safe = !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-./:=@%+,".contains($0)) }
        return safe ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension ScaleOutPlan {
    /// Environment variable holding the submission's token (exported to every job).
    public static let tokenVariable = "MBENCH_SUBMISSION_TOKEN"
}
