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

    func run() throws {
        try threadOptions.apply()
        let parsedShard = try shard.map(Self.parseShard)
        let parsed = try specs.map { try SpecParser.parse(path: $0) }  // validate all before running any
        var failed = 0
        for spec in parsed {
            let runner = Runner(options: RunOptions(resultsRoot: URL(fileURLWithPath: output), force: force,
                                                    shard: parsedShard), log: { line in
                print(line)
                fflush(stdout)
            })
            let summary = try runner.run(spec)
            print("[\(spec.name)] \(summary.computed) computed, \(summary.reused) reused, \(summary.failures.count) failed"
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
