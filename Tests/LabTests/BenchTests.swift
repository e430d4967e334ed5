import XCTest
@testable import Lab
@testable import Linalg

final class BenchTests: XCTestCase {
    let yaml = """
    name: bench-test
    seed: 1
    datasets:
      - name: blobs
        n: 400
        options: {dimension: 12, centers: 3}
    algorithms:
      - name: pca
        params: {n_components: 2, solver: [covariance, randomized]}
    """

    /// Tiny and quick: no warm-up, two repetitions, a short calibration loop.
    private func bench(injected: Double = 0, threads: Int = 1) throws -> BenchReport {
        let spec = try SpecParser.parse(yaml: yaml, file: "bench-test.yaml")
        let options = BenchOptions(warmup: 0, repetitions: 2, calibrationRuns: 1, calibrationIterations: 100_000,
                                   injectedSeconds: injected)
        return try Parallel.withThreadCount(threads) { try BenchRunner(options: options, log: { _ in }).run(spec) }
    }

    func testReportHasEveryTaskPhaseAndOrderedStatistics() throws {
        let report = try bench()
        XCTAssertEqual(report.tasks.count, 2)
        XCTAssertEqual(report.threadCount, 1)
        XCTAssertGreaterThan(report.calibration.unitSeconds, 0)
        XCTAssertGreaterThan(report.calibration.unitCPUSeconds, 0)
        for task in report.tasks {
            XCTAssertEqual(task.fit.wallSeconds.samples.count, 2)
            XCTAssertEqual(Set(task.phases.map(\.name)), ["fit", "transform"])
            for phase in [task.fit] + task.phases {
                XCTAssertLessThanOrEqual(phase.wallSeconds.min, phase.wallSeconds.median)
                XCTAssertLessThanOrEqual(phase.wallSeconds.median, phase.wallSeconds.max)
            }
            XCTAssertTrue(task.deterministic)
            XCTAssertEqual(task.dataRows, 400)
            XCTAssertEqual(task.calibratedFit, task.fit.wallSeconds.median / report.calibration.unitSeconds, accuracy: 1e-12)
            XCTAssertNotNil(task.diagnostics["explained_variance_ratio_1"])
        }
        let markdown = BenchMarkdown.render(report)
        XCTAssertTrue(markdown.contains("fit (total)"))
        XCTAssertTrue(markdown.contains("transform"))
    }

    func testBenchComputesWhatRunStores() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = try SpecParser.parse(yaml: yaml, file: "bench-test.yaml")
        _ = try Runner(options: RunOptions(resultsRoot: root), log: { _ in }).run(spec)
        let stored = ResultStore(root: root, experiment: spec.name).allRecords()
        let report = try bench()
        XCTAssertEqual(Set(report.tasks.map(\.id)), Set(stored.map(\.task.id)))
        for task in report.tasks {
            XCTAssertEqual(task.embeddingSHA256, stored.first { $0.task.id == task.id }?.embeddingSHA256)
        }
    }

    func testUnchangedAgainstItself() throws {
        let report = try bench()
        let comparison = BenchComparison(current: report, baseline: report, tolerances: BenchTolerances())
        XCTAssertEqual(comparison.verdict, .unchanged)
        XCTAssertTrue(comparison.newTasks.isEmpty && comparison.missingTasks.isEmpty)
    }

    func testInjectedSlowdownIsARegressionAndItsRemovalAnImprovement() throws {
        let fast = try bench()
        let slow = try bench(injected: 0.15)
        let regression = BenchComparison(current: slow, baseline: fast, tolerances: BenchTolerances())
        XCTAssertEqual(regression.verdict, .regression, regression.describe())
        XCTAssertEqual(regression.verdict.rawValue, 3)
        XCTAssertTrue(regression.describe().contains("REGRESSION"))
        let improvement = BenchComparison(current: fast, baseline: slow, tolerances: BenchTolerances())
        XCTAssertEqual(improvement.verdict, .improvement, improvement.describe())
        XCTAssertEqual(improvement.verdict.rawValue, 4)
    }

    func testMultiThreadedRunsAreJudgedOnWallTime() throws {
        var base = try bench(threads: 2)
        var now = base
        base.tasks[0].fit.wallSeconds = BenchStatistic([0.5, 0.5])
        now.tasks[0].fit.wallSeconds = BenchStatistic([1.5, 1.6])
        base.calibration.unitSeconds = 1
        now.calibration.unitSeconds = 1
        XCTAssertEqual(BenchComparison(current: now, baseline: base, tolerances: BenchTolerances()).verdict, .regression)
        base.threadCount = 1
        now.threadCount = 1  // single-threaded: CPU time (unchanged here) is what counts
        XCTAssertEqual(BenchComparison(current: now, baseline: base, tolerances: BenchTolerances()).verdict, .unchanged)
    }

    /// A synthetic pair of reports with controlled numbers.
    private func pair(baseCPU: [Double], nowCPU: [Double], baseMetric: Double? = nil, nowMetric: Double? = nil,
                      baseRSS: Double = 1e8, nowRSS: Double = 1e8) throws -> (BenchReport, BenchReport) {
        var base = try bench()
        base.tasks = [base.tasks[0]]
        base.calibration.unitCPUSeconds = 0.1
        var now = base
        base.tasks[0].fit.cpuSeconds = BenchStatistic(baseCPU)
        now.tasks[0].fit.cpuSeconds = BenchStatistic(nowCPU)
        base.tasks[0].peakRSSBytes = BenchStatistic([baseRSS])
        now.tasks[0].peakRSSBytes = BenchStatistic([nowRSS])
        if let baseMetric { base.tasks[0].metrics["trustworthiness@15"] = baseMetric }
        if let nowMetric { now.tasks[0].metrics["trustworthiness@15"] = nowMetric }
        return (now, base)
    }

    func testNoiseWithinTolerancesIsUnchanged() throws {
        // +10 %: under the 25 % tolerance.
        var (now, base) = try pair(baseCPU: [1.0, 1.0, 1.0], nowCPU: [1.05, 1.1, 1.15])
        XCTAssertEqual(BenchComparison(current: now, baseline: base, tolerances: BenchTolerances()).verdict, .unchanged)
        // +100 % but only 0.02 s: under the absolute floor.
        (now, base) = try pair(baseCPU: [0.02, 0.02], nowCPU: [0.04, 0.04])
        XCTAssertEqual(BenchComparison(current: now, baseline: base, tolerances: BenchTolerances()).verdict, .unchanged)
        // Median +40 %, but one repetition as fast as the baseline: not all repetitions agree.
        (now, base) = try pair(baseCPU: [1.0, 1.0, 1.0], nowCPU: [0.99, 1.4, 1.5])
        XCTAssertEqual(BenchComparison(current: now, baseline: base, tolerances: BenchTolerances()).verdict, .unchanged)
        // The same +40 % with every repetition slower is a regression; a looser tolerance accepts it.
        (now, base) = try pair(baseCPU: [1.0, 1.0, 1.0], nowCPU: [1.3, 1.4, 1.5])
        XCTAssertEqual(BenchComparison(current: now, baseline: base, tolerances: BenchTolerances()).verdict, .regression)
        XCTAssertEqual(BenchComparison(current: now, baseline: base, tolerances: BenchTolerances(time: 0.5)).verdict, .unchanged)
    }

    func testTimesAreNotGatedAcrossCPUModelsButMemoryAndQualityAre() throws {
        var (now, base) = try pair(baseCPU: [1.0, 1.0, 1.0], nowCPU: [2.0, 2.1, 2.2])
        XCTAssertEqual(BenchComparison(current: now, baseline: base, tolerances: BenchTolerances()).verdict, .regression)
        base.cpuModel = "AMD EPYC"
        now.cpuModel = "Intel(R) Xeon(R) Processor"
        let across = BenchComparison(current: now, baseline: base, tolerances: BenchTolerances())
        XCTAssertEqual(across.verdict, .unchanged)
        XCTAssertTrue(across.notes.contains { $0.contains("times are shown for information only") })
        (now, base) = try pair(baseCPU: [1, 1], nowCPU: [1, 1], baseMetric: 0.95, nowMetric: 0.90, baseRSS: 1e8, nowRSS: 1e8)
        base.cpuModel = "AMD EPYC"
        XCTAssertEqual(BenchComparison(current: now, baseline: base, tolerances: BenchTolerances()).verdict, .regression)
    }

    func testFasterButWorseQualityIsARegression() throws {
        let (now, base) = try pair(baseCPU: [2, 2], nowCPU: [1, 1], baseMetric: 0.95, nowMetric: 0.93)
        let comparison = BenchComparison(current: now, baseline: base, tolerances: BenchTolerances())
        XCTAssertEqual(comparison.verdict, .regression)
        XCTAssertTrue(comparison.changes.contains { $0.quantity == "fit CPU time (calibrated)" && $0.verdict == .improvement })
        XCTAssertTrue(comparison.changes.contains { $0.quantity == "metric trustworthiness@15" && $0.verdict == .regression })
        // A drop within 0.01 is fine; a rise beyond it is an improvement.
        let (n2, b2) = try pair(baseCPU: [1], nowCPU: [1], baseMetric: 0.95, nowMetric: 0.945)
        XCTAssertEqual(BenchComparison(current: n2, baseline: b2, tolerances: BenchTolerances()).verdict, .unchanged)
        let (n3, b3) = try pair(baseCPU: [1], nowCPU: [1], baseMetric: 0.90, nowMetric: 0.95)
        XCTAssertEqual(BenchComparison(current: n3, baseline: b3, tolerances: BenchTolerances()).verdict, .improvement)
    }

    func testPeakMemoryGrowthIsARegression() throws {
        let (now, base) = try pair(baseCPU: [1], nowCPU: [1], baseRSS: 100e6, nowRSS: 150e6)
        XCTAssertEqual(BenchComparison(current: now, baseline: base, tolerances: BenchTolerances()).verdict, .regression)
        let (n2, b2) = try pair(baseCPU: [1], nowCPU: [1], baseRSS: 10e6, nowRSS: 15e6)  // +50 % but under 16 MiB
        XCTAssertEqual(BenchComparison(current: n2, baseline: b2, tolerances: BenchTolerances()).verdict, .unchanged)
    }

    func testBaselineFileRoundTripsAndPartialTolerancesTakeDefaults() throws {
        var report = try bench()
        report.tolerances = BenchTolerances(time: 0.4)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("baseline-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try report.jsonData().write(to: url)
        let read = try BenchReport.read(url)
        XCTAssertEqual(read.tasks.map(\.id), report.tasks.map(\.id))
        XCTAssertEqual(read.tolerances, BenchTolerances(time: 0.4))
        XCTAssertEqual(read.calibration, report.calibration)
        let partial = try JSONDecoder().decode(BenchTolerances.self, from: Data(#"{"quality": 0.05}"#.utf8))
        XCTAssertEqual(partial, BenchTolerances(quality: 0.05))
        XCTAssertThrowsError(try BenchReport.read(URL(fileURLWithPath: "/nonexistent/baseline.json")))
    }

    func testCalibrationKernelIsFixedWork() {
        let a = CalibrationKernel.measure(runs: 2, iterations: 50_000)
        let b = CalibrationKernel.measure(runs: 1, iterations: 50_000)
        XCTAssertEqual(a.checksum, b.checksum, "the scalar loop computes the same value every time")
        XCTAssertEqual(a.sgemmWall.count, 2)
        XCTAssertTrue(a.sgemmWall.allSatisfy { $0 > 0 })
    }
}
