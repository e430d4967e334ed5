import ArgumentParser
import Foundation
import Lab

/// `mbench scale-out slurm|k8s|status`: one sweep as shards on a cluster, generated from one plan.
/// (`mbench cluster` is the Gaussian-mixture command, hence the name.)
struct ScaleOutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale-out",
        abstract: "Run a spec's shards on a cluster: submit a Slurm job array and a merge job, or print a Kubernetes Indexed Job.",
        discussion: """
        Every shard is `mbench run SPEC --shard i/N` into <output>/.scale-out/<experiment>/shard-i; the merge \
        is `mbench merge`, then `mbench run` draws the figures. Results are byte-identical to one `mbench run`.
        """,
        subcommands: [Slurm.self, Kubernetes.self, Status.self])

    /// What every form needs: the spec, the shard count, the results root and the per-shard resources.
    struct PlanOptions: ParsableArguments {
        @Argument(help: "Experiment spec (YAML), as the jobs see it (relative to the submission folder).")
        var spec: String

        @Option(help: "Number of shards (array tasks / pods), at most the spec's task count.")
        var shards: Int

        @Option(help: "Results root of the merged run; must be on a file system every node mounts.")
        var output = "Figures"

        @Option(help: "CPUs per shard (also its --threads).")
        var cpus = 1

        @Option(help: "Memory per shard, e.g. 4G (Slurm notation; default: the scheduler's).")
        var mem: String?

        @Option(help: "Further attempts of a failed shard; each reuses the tasks it finished.")
        var retries = 2

        @Option(help: "The mbench executable as the jobs see it (default: this one, relative to the current folder when below it).")
        var mbench: String?

        func plan(output: String? = nil, time: String? = nil, partition: String? = nil,
                  defaultExecutable: String) throws -> (ScaleOutPlan, ExperimentSpec) {
            let parsed = try SpecParser.parse(path: spec)
            let count = Plan(spec: parsed).tasks.count
            do {
                let plan = try ScaleOutPlan(specPath: spec, experiment: parsed.name, taskCount: count, shards: shards,
                                            output: output ?? self.output, executable: mbench ?? defaultExecutable,
                                            cpus: cpus, memory: mem, timeLimit: time, partition: partition, retries: retries)
                return (plan, parsed)
            } catch let error as LabError {
                throw UsageError(message: error.description)
            }
        }
    }

    /// This executable, relative to the current folder when it lies below it.
    static var currentExecutable: String {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let absolute = CommandLine.arguments[0].contains("/") ? path
            : (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
                .map { "\($0)/\(CommandLine.arguments[0])" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? path
        let here = FileManager.default.currentDirectoryPath + "/"
        return absolute.hasPrefix(here) ? String(absolute.dropFirst(here.count)) : absolute
    }

    struct Slurm: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit the shards as a Slurm job array and a merge-and-draw job that depends on it (afterok).",
            discussion: """
            Prints the two job ids. --dry-run prints the scripts instead. --wait follows the jobs, printing \
            each shard's progress, and exits 0 only when every task of the plan is merged.
            """)

        @OptionGroup var options: PlanOptions

        @Option(help: "Slurm partition (default: the cluster's default).")
        var partition: String?

        @Option(help: "Wall-time limit per shard, e.g. 04:00:00 (Slurm notation).")
        var time: String?

        @Flag(help: "Print the job scripts; submit nothing.")
        var dryRun = false

        @Option(help: "Print only this script, 'array' or 'merge' (as docs/scale-out holds them); submit nothing.")
        var printScript: String?

        @Flag(help: "Wait for the jobs, printing per-shard progress; exit 1 unless every task is merged.")
        var wait = false

        @Option(help: "Seconds between progress checks with --wait.")
        var poll = 5.0

        func run() throws {
            guard poll.isFinite, poll >= 0.1, poll <= 3600 else { throw UsageError(message: "--poll must be seconds in 0.1...3600, got \(poll)") }
            let (plan, spec) = try options.plan(time: time, partition: partition, defaultExecutable: ScaleOutCommand.currentExecutable)
            if let printScript {
                switch printScript {
                case "array": print(SlurmScripts.array(plan), terminator: "")
                case "merge": print(SlurmScripts.merge(plan), terminator: "")
                default: throw UsageError(message: "--print-script must be 'array' or 'merge', got '\(printScript)'")
                }
                return
            }
            if dryRun {
                print("# ---- job array: \(plan.workFolder)/array.sh")
                print(SlurmScripts.array(plan))
                print("# ---- merge job (sbatch --dependency=afterok:<array job> --kill-on-invalid-dep=yes): \(plan.workFolder)/merge.sh")
                print(SlurmScripts.merge(plan), terminator: "")
                return
            }
            let submission: SlurmSubmission
            do { submission = try SlurmSubmission.submit(plan) } catch let error as LabError { throw UsageError(message: error.description) }
            print("submitted job array \(submission.arrayJob) (\(plan.shards) shards of \(plan.taskCount) tasks) and merge job \(submission.mergeJob)")
            print("scripts and logs: \(plan.workFolder); progress: mbench scale-out status \(plan.specPath) --shards \(plan.shards) --output \(plan.output)")
            fflush(stdout)
            if wait { try follow(submission, plan: plan, spec: spec) }
        }

        private func follow(_ submission: SlurmSubmission, plan: ScaleOutPlan, spec: ExperimentSpec) throws {
            var last: [String] = []
            while true {
                let queued = try submission.queued()
                let lines = ShardProgress.of(plan, spec: spec).map { $0.line(of: plan.shards) }
                for (index, line) in lines.enumerated() where index >= last.count || last[index] != line { print("  " + line) }
                fflush(stdout)
                last = lines
                if queued.isEmpty { break }
                if queued.contains(where: { $0.hasPrefix(submission.mergeJob + " ") && $0.contains("DependencyNeverSatisfied") }) {
                    submission.cancelMerge()
                    print("a shard failed after all its retries: the merge job \(submission.mergeJob) was cancelled")
                    break
                }
                Thread.sleep(forTimeInterval: poll)
            }
            let statuses = TaskStatus.of(spec, root: URL(fileURLWithPath: plan.output))
            let done = statuses.filter { $0.state == .done }.count
            print("merged: \(done) of \(statuses.count) tasks done in \(plan.output)/\(spec.name)")
            guard done == statuses.count else {
                let folders = (1...plan.shards).filter { !FileManager.default.fileExists(atPath: plan.shardFolder($0)) }
                if folders.count == plan.shards {
                    print("error: no shard folder appeared under \(plan.workFolder) on this machine although the jobs ended: the results folder is not shared between the nodes and this machine (see \(plan.logFolder) on the nodes)")
                } else {
                    print("see the logs in \(plan.logFolder)")
                }
                throw ExitCode(ExitStatus.failure)
            }
        }
    }

    struct Kubernetes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "k8s",
            abstract: "Print a Kubernetes Indexed Job (batch/v1) running the shards; merge afterwards as its header says.")

        @OptionGroup var options: PlanOptions

        @Option(help: "Container image holding the built repository.")
        var image = "registry.example.org/manifoldbench:latest"

        @Option(help: "The repository inside the image (the container's working folder).")
        var workdir = "/work/ManifoldBench"

        @Option(help: "ReadWriteMany PersistentVolumeClaim shared by the pods.")
        var claim = "mbench-shared"

        @Option(help: "Where the claim is mounted; --output must lie under it (default <mount>/Figures).")
        var mount = "/shared"

        func run() throws {
            let output = options.output == "Figures" ? mount + "/Figures" : options.output
            let (plan, _) = try options.plan(output: output, defaultExecutable: ".build/release/mbench")
            do {
                print(try KubernetesJob(plan: plan, image: image, workingDirectory: workdir, claim: claim, mountPath: mount).manifest(),
                      terminator: "")
            } catch let error as LabError {
                throw UsageError(message: error.description)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per-shard progress of a scaled-out run, read from the shard folders, and the merged state.")

        @OptionGroup var options: PlanOptions

        func run() throws {
            let (plan, spec) = try options.plan(defaultExecutable: ".build/release/mbench")
            for progress in ShardProgress.of(plan, spec: spec) { print(progress.line(of: plan.shards)) }
            let statuses = TaskStatus.of(spec, root: URL(fileURLWithPath: plan.output))
            print("merged into \(plan.output)/\(spec.name): \(statuses.filter { $0.state == .done }.count) of \(statuses.count) tasks done")
        }
    }
}
