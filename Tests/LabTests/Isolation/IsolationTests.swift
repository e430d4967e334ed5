import XCTest
@testable import Lab
@testable import Linalg

/// Task isolation end to end, through the real `mbench` binary built beside the tests.
final class IsolationTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-isolation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        setenv(TestAlgorithms.variable, "1", 1)
    }

    override func tearDownWithError() throws {
        unsetenv(TestAlgorithms.variable)
        try? FileManager.default.removeItem(at: root)
    }

    /// The `mbench` executable in the build folder of this test binary.
    static func mbench() throws -> String {
        let path = URL(fileURLWithPath: WorkerLauncher.currentExecutable).deletingLastPathComponent()
            .appendingPathComponent("mbench").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw XCTSkip("no mbench binary beside the tests at \(path); build it with `swift build` first")
        }
        return path
    }

    private func writeSpec(_ yaml: String, name: String = "spec.yaml") throws -> String {
        let path = root.appendingPathComponent(name).path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func run(_ specPath: String, folder: String, isolation: TaskIsolation, jobs: Int = 1,
                     timeout: Double? = nil, threads: Int = 2) throws -> (RunSummary, ResultStore) {
        let spec = try SpecParser.parse(path: specPath)
        let saved = Parallel.threadCount
        Parallel.threadCount = threads
        defer { Parallel.threadCount = saved }
        let options = RunOptions(resultsRoot: root.appendingPathComponent(folder), isolation: isolation, jobs: jobs,
                                 taskTimeout: timeout)
        let summary = try Runner(options: options, log: { _ in }).run(spec)
        return (summary, ResultStore(root: root.appendingPathComponent(folder), experiment: spec.name))
    }

    private func embeddings(_ store: ResultStore) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for record in store.allRecords() { out[record.task.id] = try Data(contentsOf: store.url(record.embeddingFile)) }
        return out
    }

    let mixedSpec = """
    name: isolation-test
    seed: 0
    datasets:
      - name: blobs
        n: 400
        options: {dimension: 6, centers: 3}
    algorithms:
      - name: pca
        label: PCA
        params: {n_components: [2, 3, 4]}
      - name: test-crash
        label: crash
      - name: test-sleep
        label: sleep
        params: {seconds: 60}
        timeout: 1
    metrics: [trustworthiness@10]
    figures:
      - kind: lines
        file: time.png
        x: n
        y: fit_seconds
        series: algorithm
    """

    func testACrashAndATimeoutDoNotTakeTheHealthyTasksWithThem() throws {
        let launcher = WorkerLauncher(executable: try Self.mbench())
        let spec = try writeSpec(mixedSpec)
        let start = Date()
        let (summary, store) = try run(spec, folder: "r", isolation: .worker(launcher))
        XCTAssertLessThan(Date().timeIntervalSince(start), 50, "the sleeping task was not stopped at its limit")
        XCTAssertEqual(summary.computed, 3)
        XCTAssertEqual(summary.failures.count, 2)
        XCTAssertEqual(store.allRecords().count, 3)
        XCTAssertTrue(store.allRecords().allSatisfy { $0.task.algorithm == "pca" && $0.worker?.ending == "exited with status 0" })
        let failures = Dictionary(uniqueKeysWithValues: store.allFailures().map { ($0.task.algorithm, $0) })
        XCTAssertEqual(failures["test-crash"]?.kind, .crashed)
        XCTAssertTrue(failures["test-crash"]?.ending.contains("SIGSEGV") ?? false, failures["test-crash"]?.ending ?? "")
        XCTAssertEqual(failures["test-sleep"]?.kind, .timedOut)
        XCTAssertEqual(failures["test-sleep"]?.worker.timeLimitSeconds, 1)
        // Nothing half-written: no temporary files, no array without its record.
        let names = try FileManager.default.contentsOfDirectory(atPath: store.resultsDirectory.path)
        XCTAssertFalse(names.contains { $0.hasPrefix(".partial") }, "\(names)")
        let recorded = Set(store.allRecords().map(\.task.id))
        XCTAssertTrue(names.filter { $0.hasSuffix(".npy") }.allSatisfy { recorded.contains(String($0.prefix(16))) }, "\(names)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.experimentDirectory.appendingPathComponent("time.png").path))
        // The status command's view, and a second run: the timeout is not retried under the same limit,
        // the crash is retried (and crashes again), the healthy tasks are reused.
        let states = TaskStatus.of(try SpecParser.parse(path: spec), root: root.appendingPathComponent("r")).map(\.state)
        XCTAssertEqual(states.filter { $0 == .done }.count, 3)
        XCTAssertEqual(states.filter { $0 == .failed }.count, 1)
        XCTAssertEqual(states.filter { $0 == .timedOut }.count, 1)
        let (again, _) = try run(spec, folder: "r", isolation: .worker(launcher))
        XCTAssertEqual(again.reused, 3)
        XCTAssertEqual(again.knownTimeouts, 1)
        XCTAssertEqual(again.failures.count, 1)
    }

    func testTheRunCommandExitsOneWhenATaskFailed() throws {
        let spec = try writeSpec(mixedSpec)
        let outcome = try ChildProcess.run(executable: try Self.mbench(),
                                           arguments: ["run", spec, "--output", root.appendingPathComponent("cli").path],
                                           environment: ProcessInfo.processInfo.environment,
                                           stdout: root.appendingPathComponent("out"), stderr: root.appendingPathComponent("err"),
                                           timeoutSeconds: 120)
        XCTAssertEqual(outcome.ending, .exited(1))
        let printed = try String(contentsOf: root.appendingPathComponent("out"), encoding: .utf8)
        XCTAssertTrue(printed.contains("3 computed, 0 reused, 2 failed"), printed)
        XCTAssertTrue(printed.contains("killed by SIGSEGV"), printed)
        XCTAssertTrue(printed.contains("did not finish in 1 s"), printed)
    }

    let healthySpec = """
    name: isolation-bytes
    seeds: [1, 2]
    datasets:
      - name: swiss-roll
        n: 600
    algorithms:
      - name: pca
      - name: umap
        params: {n_epochs: 50}
    metrics: [trustworthiness@10]
    """

    func testIsolatedResultsAreByteIdenticalToInProcessAndAcrossJobCounts() throws {
        let launcher = WorkerLauncher(executable: try Self.mbench())
        let spec = try writeSpec(healthySpec)
        let (_, inProcess) = try run(spec, folder: "in", isolation: .inProcess)
        let (_, oneJob) = try run(spec, folder: "j1", isolation: .worker(launcher), jobs: 1)
        let (summary, twoJobs) = try run(spec, folder: "j2", isolation: .worker(launcher), jobs: 2)
        XCTAssertEqual(summary.computed, 4)
        let reference = try embeddings(inProcess)
        XCTAssertEqual(reference.count, 4)
        XCTAssertEqual(try embeddings(oneJob), reference)
        XCTAssertEqual(try embeddings(twoJobs), reference)
        let metrics = { (store: ResultStore) in store.allRecords().map { $0.metrics.map(\.value) } }
        XCTAssertEqual(metrics(oneJob), metrics(inProcess))
        XCTAssertEqual(twoJobs.allRecords().map { $0.worker?.threads }, [1, 1, 1, 1])
    }

    func testPeakMemoryBelongsToTheTask() throws {
        let launcher = WorkerLauncher(executable: try Self.mbench())
        let spec = try writeSpec("""
        name: isolation-memory
        seed: 0
        datasets:
          - name: blobs
            n: 500
            options: {dimension: 10}
        algorithms:
          - name: test-allocate
            params: {mib: 300}
          - name: pca
        """)
        let (summary, store) = try run(spec, folder: "m", isolation: .worker(launcher))
        XCTAssertEqual(summary.computed, 2)
        let byAlgorithm = Dictionary(uniqueKeysWithValues: store.allRecords().map { ($0.task.algorithm, $0) })
        let big = try XCTUnwrap(byAlgorithm["test-allocate"]), small = try XCTUnwrap(byAlgorithm["pca"])
        XCTAssertGreaterThan(try XCTUnwrap(big.peakRSSBytes), 300 << 20)
        XCTAssertGreaterThan(try XCTUnwrap(big.workingMemoryBytes), 290 << 20)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(big.worker?.peakRSSBytes), 300 << 20)
        // The task after it starts afresh in its own process: none of the 300 MiB is counted.
        XCTAssertLessThan(try XCTUnwrap(small.peakRSSBytes), 150 << 20)
        XCTAssertEqual(small.inputBytes, 500 * 10 * 4)
    }

    func testBenchRunsEachTaskInAWorkerAndReportsFailuresTogether() throws {
        let launcher = WorkerLauncher(executable: try Self.mbench())
        let healthy = try SpecParser.parse(path: try writeSpec("""
        name: isolation-bench
        seed: 0
        datasets:
          - name: blobs
            n: 400
        algorithms:
          - name: pca
        """, name: "bench.yaml"))
        let options = BenchOptions(warmup: 0, repetitions: 2, calibrationRuns: 1, calibrationIterations: 1000,
                                   isolation: .worker(launcher))
        let report = try BenchRunner(options: options, log: { _ in }).run(healthy)
        XCTAssertEqual(report.tasks.count, 1)
        XCTAssertEqual(report.tasks.first?.worker?.ending, "exited with status 0")
        XCTAssertTrue(report.tasks.first?.deterministic ?? false)
        let crashing = try SpecParser.parse(path: try writeSpec(mixedSpec, name: "mixed.yaml"))
        XCTAssertThrowsError(try BenchRunner(options: options, log: { _ in }).run(crashing)) { error in
            XCTAssertTrue("\(error)".contains("SIGSEGV"), "\(error)")
            XCTAssertTrue("\(error)".contains("did not finish in 1 s"), "\(error)")
        }
    }
}
