import ArgumentParser
import Foundation
import Lab

/// `mbench bench SPEC`: repeated timed runs of every task, with a regression check against a baseline.
///
/// Exit statuses (like package-benchmark's): 0 no change beyond the tolerances (or no baseline),
/// 3 regression (slower, more memory, or lower quality — even if something else improved),
/// 4 improvement only; 1 runtime failure and 2 usage or spec error as for every command.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time every task of a spec (warm-up + repetitions, calibrated units) and compare with a baseline.",
        discussion: """
        Nothing is written to the result store. Prints a Markdown table (min / median / max wall time, \
        CPU time and peak RSS per phase, and the median in calibrated units: seconds divided by a fixed \
        sgemm + scalar-loop kernel measured before and after the tasks).
        Exit status: 0 unchanged or within tolerance, 3 regression, 4 improvement only, 1 failure, 2 usage error.
        A change counts when the calibrated median fit time grows by more than --time-tolerance AND by more \
        than --time-floor seconds (and every repetition is slower than the baseline's median), peak RSS grows \
        by more than --memory-tolerance (and 16 MiB), or a quality metric drops by more than --quality-tolerance. \
        Tolerances stored in the baseline's "tolerances" object are used unless a flag overrides them.
        """)

    @Argument(help: "Experiment spec (YAML).")
    var spec: String

    @Option(help: "Untimed runs of each task first.")
    var warmup = 1

    @Option(help: "Timed runs of each task.")
    var repetitions = 5

    @Option(help: "Write the report as JSON.")
    var json: String?

    @Option(help: "Write the Markdown table to this file too (it is always printed).")
    var markdown: String?

    @Option(help: "Compare with this baseline report (written by --save-baseline or --json).")
    var baseline: String?

    @Option(help: "Save this run as a baseline (a report with the tolerances in effect).")
    var saveBaseline: String?

    @Option(help: "Allowed growth of calibrated median fit time (fraction, default 0.25 or the baseline's).")
    var timeTolerance: Double?

    @Option(help: "Minimum growth in seconds before a time change counts (default 0.05 or the baseline's).")
    var timeFloor: Double?

    @Option(help: "Allowed growth of peak RSS (fraction, default 0.20 or the baseline's).")
    var memoryTolerance: Double?

    @Option(help: "Allowed absolute drop of quality metrics (default 0.01 or the baseline's).")
    var qualityTolerance: Double?

    @Option(help: "Append this run to the benchmark history in this folder (see mbench history).")
    var history: String?

    @Option(help: "With --history: the machine's name in the history (default: an id derived from the machine id, CPU and cores).")
    var machine: String?

    @Option(help: "With --history: the commit to record (default: git rev-parse HEAD).")
    var commit: String?

    @Option(help: "Runs of each calibration kernel before and after the tasks.")
    var calibrationRuns = 5

    @OptionGroup var threadOptions: ThreadOptions

    @OptionGroup var isolationOptions: IsolationOptions

    func run() throws {
        try threadOptions.apply()
        try isolationOptions.validate()
        guard isolationOptions.jobs == 1 else {
            throw UsageError(message: "bench runs one task at a time (timings of concurrent tasks would disturb each other); drop --jobs")
        }
        guard repetitions >= 1 else { throw UsageError(message: "--repetitions must be at least 1, got \(repetitions)") }
        guard warmup >= 0 else { throw UsageError(message: "--warmup must be 0 or more, got \(warmup)") }
        guard calibrationRuns >= 1 else { throw UsageError(message: "--calibration-runs must be at least 1") }
        for (name, value) in [("--time-tolerance", timeTolerance), ("--time-floor", timeFloor),
                              ("--memory-tolerance", memoryTolerance), ("--quality-tolerance", qualityTolerance)] {
            if let value, !(value >= 0 && value.isFinite) { throw UsageError(message: "\(name) must be ≥ 0, got \(value)") }
        }
        let parsed = try SpecParser.parse(path: spec)
        // Check the history and the machine name before spending minutes on the benchmark.
        let identity = try history.map { path -> MachineIdentity in
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                throw UsageError(message: "--history \(path) is a file, not a history folder")
            }
            do { return try MachineIdentity.current(name: machine) } catch let error as LabError { throw UsageError(message: error.description) }
        }
        if let commit, commit.isEmpty || commit.count > 80 || commit.contains(where: { $0.isWhitespace || $0 == "/" }) {
            throw UsageError(message: "--commit must be a commit id without spaces or '/', got '\(commit)'")
        }
        let stored = try baseline.map { path -> BenchReport in
            do { return try BenchReport.read(URL(fileURLWithPath: path)) } catch { throw UsageError(message: "\(error)") }
        }
        let injected = ProcessInfo.processInfo.environment["MBENCH_BENCH_INJECT_SECONDS"].flatMap(Double.init) ?? 0
        let options = BenchOptions(warmup: warmup, repetitions: repetitions, calibrationRuns: calibrationRuns,
                                   injectedSeconds: injected, isolation: isolationOptions.isolation,
                                   taskTimeout: isolationOptions.taskTimeout)
        var report = try BenchRunner(options: options, log: { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }).run(parsed)
        var tolerances = stored?.tolerances ?? BenchTolerances()
        if let timeTolerance { tolerances.time = timeTolerance }
        if let timeFloor { tolerances.timeFloorSeconds = timeFloor }
        if let memoryTolerance { tolerances.memory = memoryTolerance }
        if let qualityTolerance { tolerances.quality = qualityTolerance }
        let comparison = stored.map { BenchComparison(current: report, baseline: $0, tolerances: tolerances) }
        let text = BenchMarkdown.render(report, comparison: comparison)
        print(text, terminator: "")
        if let markdown { try ResultStore.writeAtomically(Data(text.utf8), to: URL(fileURLWithPath: markdown)) }
        if let json { try ResultStore.writeAtomically(try report.jsonData(), to: URL(fileURLWithPath: json)) }
        if let saveBaseline {
            report.tolerances = tolerances
            try ResultStore.writeAtomically(try report.jsonData(), to: URL(fileURLWithPath: saveBaseline))
            FileHandle.standardError.write(Data("saved baseline \(saveBaseline)\n".utf8))
        }
        if let history, let identity {
            let url = try BenchHistory(folder: URL(fileURLWithPath: history))
                .append(HistoryEntry(report: report, machine: identity, commit: commit))
            FileHandle.standardError.write(Data("added to history: \(url.path) (machine \(identity.id))\n".utf8))
        }
        if let comparison, comparison.verdict != .unchanged { throw ExitCode(comparison.verdict.rawValue) }
    }
}
