import Datasets
import Embedding
import Foundation
import Linalg

/// How `BenchRunner` measures.
public struct BenchOptions: Sendable {
    /// Untimed runs of each task before the timed ones (default 1).
    public var warmup: Int
    /// Timed runs of each task (default 5).
    public var repetitions: Int
    /// Runs of each calibration kernel before and after the tasks (default 5).
    public var calibrationRuns: Int
    /// Steps of the scalar calibration loop (default `CalibrationKernel.scalarIterations`; tests use fewer).
    public var calibrationIterations: Int
    /// Busy work (CPU seconds) added inside every timed fit. Zero except to check
    /// that the regression gate fires (`MBENCH_BENCH_INJECT_SECONDS`).
    public var injectedSeconds: Double
    /// Where each task runs (default in process; `mbench bench` uses one worker per task).
    public var isolation: TaskIsolation
    /// Time limit per task (warm-up and repetitions together) in seconds, on top of the spec's.
    public var taskTimeout: Double?

    public init(warmup: Int = 1, repetitions: Int = 5, calibrationRuns: Int = 5,
                calibrationIterations: Int = CalibrationKernel.scalarIterations, injectedSeconds: Double = 0,
                isolation: TaskIsolation = .inProcess, taskTimeout: Double? = nil) {
        self.isolation = isolation
        self.taskTimeout = taskTimeout
        self.calibrationIterations = calibrationIterations
        self.warmup = warmup
        self.repetitions = repetitions
        self.calibrationRuns = calibrationRuns
        self.injectedSeconds = injectedSeconds
    }
}

/// `mbench bench`: repeated timed runs of every task of a spec, separate from
/// the result store (nothing is written there).
///
/// For each task the data are loaded once; the algorithm then runs `warmup`
/// times untimed and `repetitions` times timed, each timed run with the peak-RSS
/// counter reset first. The calibration kernel runs before and after all tasks.
public struct BenchRunner {
    public let options: BenchOptions
    public let log: (String) -> Void

    public init(options: BenchOptions, log: @escaping (String) -> Void = { print($0) }) {
        self.options = options
        self.log = log
    }

    /// Benchmarks every task of `spec`'s plan. In process it throws on the first failing task;
    /// with workers every task runs and the failures are thrown together at the end.
    public func run(_ spec: ExperimentSpec) throws -> BenchReport {
        guard options.repetitions >= 1 else { throw UsageError(message: "--repetitions must be at least 1") }
        guard options.warmup >= 0 else { throw UsageError(message: "--warmup must be 0 or more") }
        let plan = Plan(spec: spec)
        let startedAt = Timestamp.now()
        let before = CalibrationKernel.measure(runs: options.calibrationRuns, iterations: options.calibrationIterations)
        var results: [BenchTaskResult] = []
        var failures: [String] = []
        var loaded: (key: DatasetSelection, seed: UInt64, data: PreparedData, seconds: Double)?
        for (position, task) in plan.tasks.enumerated() {
            if case .worker(let launcher) = options.isolation {
                let tag = "[\(spec.name) bench \(position + 1)/\(plan.tasks.count)] \(task.summary)"
                switch isolated(task, spec: spec, launcher: launcher) {
                case .benchResult(var result, let facts):
                    result.worker = facts
                    log("\(tag): fit median " + String(format: "%.4f s (min %.4f, max %.4f)", result.fit.wallSeconds.median,
                                                         result.fit.wallSeconds.min, result.fit.wallSeconds.max))
                    results.append(result)
                case .failure(let failure):
                    failures.append("\(task.summary): \(failure.summary)")
                    log("\(tag): FAILED: \(failure.summary)")
                case .record:
                    failures.append("\(task.summary): a bench worker returned a run record")
                }
                continue
            }
            if loaded == nil || loaded?.key != task.dataset || loaded?.seed != task.seed {
                loaded = nil
                let start = Clock.wallSeconds()
                let data = try DataPreparation.prepare(task.dataset, seed: task.seed)
                loaded = (task.dataset, task.seed, data, Clock.wallSeconds() - start)
            }
            guard let data = loaded else { continue }
            let result = try benchmark(task, data: data.data, loadSeconds: data.seconds, metrics: spec.metrics)
            log("[\(spec.name) bench \(position + 1)/\(plan.tasks.count)] \(task.summary): fit median "
                + String(format: "%.4f s (min %.4f, max %.4f)", result.fit.wallSeconds.median,
                         result.fit.wallSeconds.min, result.fit.wallSeconds.max))
            results.append(result)
        }
        if !failures.isEmpty {
            throw LabError.taskFailed(task: "\(failures.count) of \(plan.tasks.count) benchmark tasks",
                                      message: failures.joined(separator: "\n"))
        }
        let after = CalibrationKernel.measure(runs: options.calibrationRuns, iterations: options.calibrationIterations)
        let calibration = CalibrationKernel.calibration(before: before, after: after)
        for i in results.indices {
            results[i].calibratedFit = results[i].fit.wallSeconds.median / calibration.unitSeconds
            results[i].calibratedFitCPU = results[i].fit.cpuSeconds.median / calibration.unitCPUSeconds
        }
        return BenchReport(experiment: spec.name, specHash: spec.sourceHash, gitCommit: MachineFacts.gitCommit,
                           toolVersion: Provenance.toolVersion, os: MachineFacts.operatingSystem,
                           cpuModel: MachineFacts.cpuModel, threadCount: Parallel.threadCount, startedAt: startedAt,
                           warmup: options.warmup, repetitions: options.repetitions, calibration: calibration,
                           tasks: results, tolerances: nil)
    }

    /// One task in its own worker process; its ticket and report live in a temporary folder.
    func isolated(_ task: ExperimentTask, spec: ExperimentSpec, launcher: WorkerLauncher) -> WorkerLauncher.Outcome {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-bench-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ticket = WorkerTicket(mode: .bench, task: task, context: TaskContext(spec), resultsRoot: folder.path, reuseFrom: nil,
                                  fingerprint: ImplementationFingerprints.current.of(task, spec: spec), reportPath: "",
                                  threads: Parallel.threadCount,
                                  bench: BenchTicket(warmup: options.warmup, repetitions: options.repetitions,
                                                     injectedSeconds: options.injectedSeconds))
        let limit = TaskTimeLimit.seconds(for: task, in: spec, commandLine: options.taskTimeout)
        return launcher.launch(ticket, task: task, experiment: spec.name, folder: folder, timeLimit: limit)
    }

    /// Warm-up and timed repetitions of one task on prepared data.
    func benchmark(_ task: ExperimentTask, data: PreparedData, loadSeconds: Double,
                   metrics metricNames: [String]) throws -> BenchTaskResult {
        let algorithm = try Catalog.makeAlgorithm(task.algorithm, parameters: task.parameters)
        for _ in 0..<options.warmup {
            _ = try algorithm.fit(data.matrix, labels: data.labels, seed: task.seed, progress: nil)
        }
        var fitWall: [Double] = [], fitCPU: [Double] = [], peaks: [Double] = []
        var phaseWall: [String: [Double]] = [:], phaseCPU: [String: [Double]] = [:]
        var phaseOrder: [String] = []
        var first: (result: EmbeddingResult, hash: String)?
        var deterministic = true
        for _ in 0..<options.repetitions {
            let canReadPeak = MachineFacts.resetPeakRSS()
            let clock = FitClock()
            let result = try algorithm.fit(data.matrix, labels: data.labels, seed: task.seed, progress: nil)
            if options.injectedSeconds > 0 { BenchRunner.busyWork(seconds: options.injectedSeconds) }
            let seconds = clock.stop(result)
            fitWall.append(seconds.wallSeconds)
            fitCPU.append(seconds.cpuSeconds)
            if canReadPeak, let peak = Clock.peakRSSBytes() { peaks.append(Double(peak)) }
            for phase in result.phases {
                if phaseWall[phase.name] == nil { phaseOrder.append(phase.name) }
                phaseWall[phase.name, default: []].append(phase.wallSeconds)
                phaseCPU[phase.name, default: []].append(phase.cpuSeconds)
            }
            if let bad = result.embedding.firstNonFinite() {
                throw LabError.taskFailed(task: task.summary, message: "embedding has a non-finite value at row \(bad.row)")
            }
            let hash = ArrayFiles.sha256(Data(NPY.encode(result.embedding)))
            if let first { deterministic = deterministic && first.hash == hash } else { first = (result, hash) }
        }
        guard let first else { throw LabError.invalid("no timed repetition ran") }
        let metricRecords = try MetricBridge.evaluate(metricNames, data: data.matrix, embedding: first.result.embedding,
                                                      labels: data.labels, seed: task.seed)
        var metrics: [String: Double] = [:]
        for metric in metricRecords { metrics[metric.name] = metric.value }
        let phases = phaseOrder.map {
            BenchPhase(name: $0, wallSeconds: BenchStatistic(phaseWall[$0] ?? []), cpuSeconds: BenchStatistic(phaseCPU[$0] ?? []))
        }
        return BenchTaskResult(
            id: task.id, summary: task.summary, datasetLabel: task.datasetLabel, algorithm: task.algorithm,
            algorithmLabel: task.algorithmLabel, parameters: task.parameters, seed: task.seed,
            dataRows: data.matrix.rows, dataCols: data.matrix.cols, loadSeconds: loadSeconds,
            fit: BenchPhase(name: "total", wallSeconds: BenchStatistic(fitWall), cpuSeconds: BenchStatistic(fitCPU)),
            phases: phases, peakRSSBytes: peaks.count == fitWall.count ? BenchStatistic(peaks) : nil,
            calibratedFit: 0, calibratedFitCPU: 0, metrics: metrics, diagnostics: first.result.diagnostics,
            embeddingSHA256: first.hash, deterministic: deterministic)
    }

    /// Spins until this process has used `seconds` more CPU time (so wall time grows by at least
    /// as much), for the injected-slowdown check.
    static func busyWork(seconds: Double) {
        let end = Clock.processCPUSeconds() + seconds
        var x: UInt64 = 1
        while Clock.processCPUSeconds() < end {
            for _ in 0..<1000 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
        }
        if x == 0 { print("") }  // keeps the loop observable
    }
}
