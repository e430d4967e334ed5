import ArgumentParser
import Foundation
import Lab

/// `mbench status SPEC…`: where each task stands in the result store, without running anything.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "List each task of the specs as done, incomplete, stale, missing, failed or timed out, with the commit that made it.")

    @Argument(help: "Experiment spec files (YAML).")
    var specs: [String]

    @Option(help: "Folder for results and figures.")
    var output = "Figures"

    @Flag(help: "Exit 1 unless every task is done (e.g. after merging shards).")
    var requireDone = false

    func run() throws {
        let parsed = try specs.map { try SpecParser.parse(path: $0) }
        var notDone = 0
        for spec in parsed {
            let statuses = TaskStatus.of(spec, root: URL(fileURLWithPath: output))
            print("\(spec.name): \(statuses.count) tasks")
            for status in statuses {
                let commit = status.commit.isEmpty ? "" : " [\(status.commit.prefix(12))]"
                let detail = status.detail.isEmpty ? "" : " — \(status.detail)"
                print("  \(status.state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(status.task.id) \(status.task.summary)\(commit)\(detail)")
            }
            let counts = TaskStatus.State.allCases.compactMap { state -> String? in
                let count = statuses.filter { $0.state == state }.count
                return count == 0 ? nil : "\(count) \(state.rawValue)"
            }
            print("  total: " + counts.joined(separator: ", "))
            notDone += statuses.filter { $0.state != .done }.count
        }
        if requireDone && notDone > 0 {
            FileHandle.standardError.write(Data("error: \(notDone) task(s) not done\n".utf8))
            throw ExitCode(ExitStatus.failure)
        }
    }
}
