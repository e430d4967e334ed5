import ArgumentParser
import Foundation
import Lab

/// `mbench history DIR`: steps across commits in a benchmark history, a static report, exports.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Find regressions and improvements across commits in a benchmark history (mbench bench --history DIR); write a report.",
        discussion: """
        Lists every step with the commit(s) that may hold it. A step is a change of level between the \
        commits before and after it: a Mann–Whitney test between up to --window commits on each side \
        (p < --alpha) and a change of at least --min-change (time, memory) or --min-quality-change \
        (quality metrics). Files that cannot be read are listed and left as they are.
        Exit status: 0 (also when regressions are found; --fail-on-regression makes that 3), 1 no history.
        """)

    @Argument(help: "History folder (written by mbench bench --history).")
    var folder: String

    @Flag(help: "Print the analysis as JSON instead of text.")
    var json = false

    @Option(help: "Write the static report (index.html and charts/) into this folder.")
    var report: String?

    @Option(help: "Write github-action-benchmark customSmallerIsBetter JSON (newest commit of --machine) to this file.")
    var githubJson: String?

    @Option(help: "Write Bencher Metric Format JSON (newest commit of --machine) to this file.")
    var bencherJson: String?

    @Option(help: "Machine id to export (default: the one with the newest commit).")
    var machine: String?

    @Option(help: "Smallest relative change of time or memory reported.")
    var minChange = 0.10

    @Option(help: "Smallest absolute change of a quality metric reported.")
    var minQualityChange = 0.01

    @Option(help: "Significance level of the rank test.")
    var alpha = 1e-4

    @Option(help: "Commits on each side of a step that the test compares.")
    var window = 12

    @Flag(help: "Exit 3 when a regression is found.")
    var failOnRegression = false

    func run() throws {
        guard minChange.isFinite, minChange >= 0, minChange <= 100 else { throw UsageError(message: "--min-change must be in 0...100, got \(minChange)") }
        guard minQualityChange.isFinite, minQualityChange >= 0 else { throw UsageError(message: "--min-quality-change must be ≥ 0, got \(minQualityChange)") }
        guard alpha.isFinite, alpha > 0, alpha < 1 else { throw UsageError(message: "--alpha must be in (0, 1), got \(alpha)") }
        guard (2...1000).contains(window) else { throw UsageError(message: "--window must be in 2...1000, got \(window)") }
        let history = BenchHistory(folder: URL(fileURLWithPath: folder))
        let contents = try history.load()
        for problem in contents.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
        guard !contents.entries.isEmpty else {
            throw LabError.io("the history \(folder) holds no readable runs\(contents.problems.isEmpty ? "" : " (see the warnings above)")")
        }
        var settings = HistoryAnalysis.Settings()
        settings.minimumRelativeChange = minChange
        settings.minimumQualityChange = minQualityChange
        settings.alpha = alpha
        settings.window = window
        let analysis = HistoryAnalysis(entries: contents.entries, settings: settings)
        if let report {
            let index = try HistoryReport.write(analysis, problems: contents.problems, to: URL(fileURLWithPath: report))
            FileHandle.standardError.write(Data("report: \(index.path)\n".utf8))
        }
        if let githubJson {
            try ResultStore.writeAtomically(try HistoryExport.githubActionBenchmark(analysis, machine: machine), to: URL(fileURLWithPath: githubJson))
        }
        if let bencherJson {
            try ResultStore.writeAtomically(try HistoryExport.bencher(analysis, machine: machine), to: URL(fileURLWithPath: bencherJson))
        }
        if json {
            struct Output: Encodable {
                var commits: [String]
                var machines: [MachineIdentity]
                var regressions: [HistoryStep]
                var improvements: [HistoryStep]
                var problems: [String]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let output = Output(commits: analysis.commits, machines: analysis.machines,
                                regressions: analysis.steps.filter { $0.kind == .regression },
                                improvements: analysis.steps.filter { $0.kind == .improvement }, problems: contents.problems)
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        } else {
            print("\(analysis.commits.count) commits, \(analysis.machines.count) machine(s), \(analysis.series.count) series")
            for kind in [HistoryStep.Kind.regression, .improvement] {
                let steps = analysis.steps.filter { $0.kind == kind }
                print("\(kind == .regression ? "regressions" : "improvements"): \(steps.isEmpty ? "none" : String(steps.count))")
                for s in steps {
                    let commits = s.commits.map { String($0.prefix(12)) }.joined(separator: " or ")
                    print("  \(HistoryReport.changeText(s)) \(s.benchmark) — \(s.measure) [\(s.machine)]: at \(commits) (after \(s.previousCommit.prefix(12))), \(String(format: "%.4g → %.4g", s.before, s.after)) \(s.unit)")
                }
            }
        }
        if failOnRegression && analysis.steps.contains(where: { $0.kind == .regression }) { throw ExitCode(ExitStatus.regression) }
    }
}
