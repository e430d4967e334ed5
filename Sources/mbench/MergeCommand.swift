import ArgumentParser
import Foundation
import Lab

/// `mbench merge OUT IN…`: combine result folders, e.g. of sharded runs.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge result folders (e.g. from mbench run --shard i/N --output shard-i) into one.",
        discussion: """
        Folders are result roots (holding <experiment>/results/) or experiment folders (holding results/). \
        Records are copied with their files; a task already present with the same embedding hash is fine, \
        one with a different hash is reported as a conflict and left as it was (exit status 1). \
        Afterwards `mbench run SPEC --output OUT` reuses every task and writes the summary and figures.
        """)

    @Argument(help: "Output folder.")
    var output: String

    @Argument(help: "Input folders.")
    var inputs: [String]

    func run() throws {
        guard !inputs.isEmpty else { throw UsageError(message: "give at least one input folder") }
        let report = try ResultMerge.merge(into: URL(fileURLWithPath: output), from: inputs.map { URL(fileURLWithPath: $0) })
        for conflict in report.conflicts { print("conflict: \(conflict)") }
        for damaged in report.damaged { print("skipped: \(damaged)") }
        print("merged into \(output): \(report.summary)")
        if !report.conflicts.isEmpty || !report.damaged.isEmpty { throw ExitCode(ExitStatus.failure) }
    }
}
