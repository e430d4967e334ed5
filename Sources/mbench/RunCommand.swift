import ArgumentParser
import Foundation
import Lab

/// `mbench run SPEC…`: run experiments, reusing finished tasks.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run experiment specs; tasks with stored results are reused unless --force.")

    @Argument(help: "Experiment spec files (YAML).")
    var specs: [String]

    @OptionGroup var threadOptions: ThreadOptions

    @Flag(help: "Recompute tasks that already have stored results.")
    var force = false

    @Option(help: "Run only shard i of N (1-based, e.g. 2/8); merge the result folders afterwards.")
    var shard: String?

    @Option(help: "Folder for results and figures.")
    var output = "Figures"

    @OptionGroup var isolationOptions: IsolationOptions

    @Flag(help: "Reuse results made by other code (a changed implementation fingerprint) instead of recomputing them; they are marked as made by older code.")
    var reuseStale = false

    @Option(help: "Memory the run's tasks may use together, e.g. 16G (units K, M, G, T); default this machine's memory. A task whose estimated peak exceeds its share is not started.")
    var memoryLimit: String?

    func run() throws {
        try threadOptions.apply()
        try isolationOptions.validate()
        let limit = try memoryLimit.map { text -> Int in
            guard let bytes = MemoryLimit.parse(text) else {
                throw UsageError(message: "--memory-limit must be a whole number with an optional unit K, M, G or T (e.g. 16G), got '\(text)'")
            }
            return bytes
        }
        let parsedShard = try shard.map(Self.parseShard)
        let parsed = try specs.map { try SpecParser.parse(path: $0) }  // validate all before running any
        var failed = 0
        for spec in parsed {
            let runner = Runner(options: RunOptions(resultsRoot: URL(fileURLWithPath: output), force: force,
                                                    shard: parsedShard, isolation: isolationOptions.isolation,
                                                    jobs: isolationOptions.jobs, taskTimeout: isolationOptions.taskTimeout,
                                                    reuseStale: reuseStale, memoryLimit: limit), log: { line in
                print(line)
                fflush(stdout)
            })
            let summary = try runner.run(spec)
            print("[\(spec.name)] \(summary.computed) computed, \(summary.reused) reused, \(summary.failures.count) failed"
                  + (summary.knownTimeouts == 0 ? "" : ", \(summary.knownTimeouts) timed out before (not retried)")
                  + (summary.figures.isEmpty ? "" : ", figures: " + summary.figures.map(\.lastPathComponent).joined(separator: ", ")))
            failed += summary.failures.count
        }
        if failed > 0 { throw ExitCode(ExitStatus.failure) }
    }

    static func parseShard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else {
            throw UsageError(message: "--shard must look like i/N with 1 ≤ i ≤ N, got '\(text)'")
        }
        return (i - 1, n)
    }
}

/// `mbench validate SPEC…`: check specs without running them.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check experiment specs and print the number of tasks each expands to.")

    @Argument(help: "Experiment spec files (YAML).")
    var specs: [String]

    func run() throws {
        var firstError: SpecError?
        for path in specs {
            do {
                let spec = try SpecParser.parse(path: path)
                print("\(path): ok, experiment '\(spec.name)', \(Plan(spec: spec).tasks.count) tasks")
            } catch let error as SpecError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                firstError = firstError ?? error
            }
        }
        if firstError != nil { throw ExitCode(ExitStatus.usage) }
    }
}

/// How `run` and `bench` isolate tasks.
struct IsolationOptions: ParsableArguments {
    @Option(help: "Tasks to run at the same time, each in its own worker process; threads are divided between them (results do not change).")
    var jobs = 1

    @Option(help: "Time limit per task in seconds; a task past it is killed and recorded as timed out (the spec's 'timeout:' also applies; the smallest wins).")
    var taskTimeout: Double?

    @Flag(help: "Run every task inside this process (no worker processes: no time limits, and peak memory includes earlier tasks).")
    var inProcess = false

    func validate() throws {
        guard jobs >= 1, jobs <= 1024 else { throw UsageError(message: "--jobs must be in 1...1024, got \(jobs)") }
        if let taskTimeout {
            guard taskTimeout.isFinite, taskTimeout > 0, taskTimeout <= TaskTimeLimit.maximumSeconds else {
                throw UsageError(message: "--task-timeout must be seconds in (0, \(Int(TaskTimeLimit.maximumSeconds))], got \(taskTimeout)")
            }
        }
        if inProcess && (jobs > 1 || taskTimeout != nil) {
            throw UsageError(message: "--in-process runs one task at a time without time limits; drop --jobs / --task-timeout")
        }
    }

    var isolation: TaskIsolation {
        inProcess ? .inProcess : .worker(WorkerLauncher(executable: WorkerLauncher.currentExecutable))
    }
}
