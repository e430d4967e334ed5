import Foundation
import Lab
import Linalg
import XCTest

final class HistoryTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-history-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    static func machine(_ id: String, host: String = "runner", cpu: String = "Test CPU", cores: Int = 2) -> MachineIdentity {
        MachineIdentity(id: id, idSource: "test", hostName: host, cpuModel: cpu, cores: cores, memoryBytes: 1 << 34, os: "Linux test")
    }

    /// `commits` commits, each with `benchmarks` benchmarks of 5 timed repetitions (±15 % uniform
    /// noise), peak memory and one quality metric; time is 1.3× from `stepAt` on in benchmark 0.
    static func entries(commits: Int = 40, benchmarks: Int = 2, stepAt: Int?, seed: UInt64,
                        machine: MachineIdentity = machine("m1")) -> [HistoryEntry] {
        var random = RandomStream(seed: seed, purpose: "history-test")
        return (0..<commits).map { c in
            let list = (0..<benchmarks).map { b -> HistoryBenchmark in
                let level = (b == 0 && stepAt.map { c >= $0 } == true) ? 1.3 : 1.0
                let time = (0..<5).map { _ in (2.0 + Double(b)) * level * (1 + 0.3 * (random.nextDouble() - 0.5)) }
                let memory = (0..<5).map { _ in 100 * (1 + 0.02 * (random.nextDouble() - 0.5)) }
                return HistoryBenchmark(name: "synthetic: benchmark \(b)", id: "b\(b)", measures: [
                    HistoryMeasure(name: HistoryMeasure.time, unit: "calibrated units", smallerIsBetter: true, samples: time),
                    HistoryMeasure(name: HistoryMeasure.memory, unit: "MiB", smallerIsBetter: true, samples: memory),
                    HistoryMeasure(name: "trustworthiness@15", unit: "", smallerIsBetter: false, samples: [0.9 + 0.002 * random.nextDouble()]),
                ])
            }
            return HistoryEntry(commit: String(format: "c%03d%@", c, String(repeating: "0", count: 36)), commitTime: Double(1_700_000_000 + 60 * c),
                                recordedAt: String(format: "2026-01-01T00:%02d:%02dZ", c / 60, c % 60), experiment: "synthetic",
                                machine: machine, calibrationUnitSeconds: 0.1, threads: 1, benchmarks: list)
        }
    }

    func testInjectedSlowdownIsTheOnlyStepFound() {
        for seed in UInt64(0)..<20 {
            let at = 12 + Int(seed % 17)
            let analysis = HistoryAnalysis(entries: Self.entries(stepAt: at, seed: seed))
            XCTAssertEqual(analysis.commits.count, 40)
            XCTAssertEqual(analysis.steps.count, 1, "seed \(seed): \(analysis.steps)")
            guard let step = analysis.steps.first else { continue }
            XCTAssertEqual(step.kind, .regression)
            XCTAssertEqual(step.benchmark, "synthetic: benchmark 0")
            XCTAssertEqual(step.measure, HistoryMeasure.time)
            XCTAssertTrue(step.commits.contains(analysis.commits[at]), "seed \(seed): \(step.commits) lacks commit \(at)")
            XCTAssertLessThanOrEqual(step.commits.count, 2)
            XCTAssertEqual(step.change, 0.3, accuracy: 0.1)
        }
    }

    func testPureNoiseReportsNothing() {
        for seed in UInt64(50)..<70 {
            XCTAssertEqual(HistoryAnalysis(entries: Self.entries(stepAt: nil, seed: seed)).steps, [], "seed \(seed)")
        }
    }

    func testCommitsAreOrderedByCommitTimeNotFileOrder() {
        let entries = Self.entries(commits: 10, benchmarks: 1, stepAt: nil, seed: 1)
        let analysis = HistoryAnalysis(entries: entries.reversed())
        XCTAssertEqual(analysis.commits, entries.map(\.commit))
    }

    func testStoreRoundTripAndDamagedFilesAreReportedAndKept() throws {
        let history = BenchHistory(folder: folder)
        XCTAssertThrowsError(try history.load()) { XCTAssertTrue("\($0)".contains("not a benchmark history")) }
        let entries = Self.entries(commits: 3, benchmarks: 1, stepAt: nil, seed: 2)
        for entry in entries { try history.append(entry) }
        let good = try history.load()
        XCTAssertEqual(good.entries.count, 3)
        XCTAssertEqual(good.problems, [])
        // Half-written, from another format version, and a temporary file of an interrupted write.
        let runs = history.runsFolder
        let whole = try Data(contentsOf: try FileManager.default.contentsOfDirectory(at: runs, includingPropertiesForKeys: nil)[0])
        let half = runs.appendingPathComponent("zz-half.json"), old = runs.appendingPathComponent("zz-old.json")
        let temp = runs.appendingPathComponent(".zz.json.123-456.tmp")
        try whole.prefix(whole.count / 2).write(to: half)
        try Data(#"{"format": 0, "results": []}"#.utf8).write(to: old)
        try whole.write(to: temp)
        let loaded = try history.load()
        XCTAssertEqual(loaded.entries.count, 3)
        XCTAssertEqual(loaded.problems.count, 3, "\(loaded.problems)")
        XCTAssertTrue(loaded.problems.contains { $0.contains("zz-half.json") && $0.contains("left as it is") })
        XCTAssertTrue(loaded.problems.contains { $0.contains("zz-old.json") && $0.contains("format 0") && $0.contains("older") })
        XCTAssertTrue(loaded.problems.contains { $0.contains("interrupted write") })
        // Nothing was removed or changed.
        XCTAssertEqual(try Data(contentsOf: half), whole.prefix(whole.count / 2))
        XCTAssertTrue(FileManager.default.fileExists(atPath: old.path) && FileManager.default.fileExists(atPath: temp.path))
    }

    func testTwoMachinesWithOneHostNameStayApart() throws {
        let a = Self.entries(commits: 20, benchmarks: 1, stepAt: nil, seed: 3, machine: Self.machine("aaa", host: "node"))
        let b = Self.entries(commits: 20, benchmarks: 1, stepAt: 8, seed: 4, machine: Self.machine("bbb", host: "node", cpu: "Other CPU"))
        let analysis = HistoryAnalysis(entries: a + b)
        XCTAssertEqual(analysis.machines.map(\.id), ["aaa", "bbb"])
        XCTAssertEqual(analysis.series.filter { $0.measure == HistoryMeasure.time }.count, 2)
        XCTAssertEqual(analysis.steps.map(\.machine), ["bbb"])
        // One id on different hardware is reported.
        let history = BenchHistory(folder: folder)
        try history.append(a[0])
        var clash = b[1]
        clash.machine.id = "aaa"
        try history.append(clash)
        XCTAssertTrue(try history.load().problems.contains { $0.contains("machine id aaa names different hardware") })
    }

    func testReportHasEveryChartAndTheRegressionsTable() throws {
        let analysis = HistoryAnalysis(entries: Self.entries(stepAt: 20, seed: 7))
        let index = try HistoryReport.write(analysis, problems: ["x.json: damaged"], to: folder)
        let html = try String(contentsOf: index, encoding: .utf8)
        XCTAssertTrue(html.contains("Regressions (1)"))
        XCTAssertTrue(html.contains("x.json: damaged"))
        let sources = html.components(separatedBy: "src=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        XCTAssertEqual(sources.count, analysis.series.count)
        XCTAssertEqual(analysis.series.count, 6)
        for source in sources {
            let png = try Data(contentsOf: folder.appendingPathComponent(source))
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], source)
        }
        // The same analysis draws the same bytes.
        let again = folder.appendingPathComponent("again")
        try HistoryReport.write(analysis, to: again)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent(sources[0])), try Data(contentsOf: again.appendingPathComponent(sources[0])))
    }

    func testExportsForExistingDashboards() throws {
        let analysis = HistoryAnalysis(entries: Self.entries(commits: 5, benchmarks: 2, stepAt: nil, seed: 9))
        let github = try JSONSerialization.jsonObject(with: HistoryExport.githubActionBenchmark(analysis)) as? [[String: Any]]
        XCTAssertEqual(github?.count, 4)  // time and memory of 2 benchmarks; quality is bigger-is-better
        for item in github ?? [] {
            XCTAssertNotNil(item["name"] as? String)
            XCTAssertNotNil(item["unit"] as? String)
            XCTAssertNotNil(item["value"] as? Double)
        }
        let last = analysis.series[0].points.last!
        XCTAssertEqual(github?.first { ($0["name"] as? String) == "synthetic: benchmark 0 — time" }?["value"] as? Double ?? 0, last.median, accuracy: 1e-12)
        let bencher = try JSONSerialization.jsonObject(with: HistoryExport.bencher(analysis)) as? [String: [String: [String: Double]]]
        XCTAssertEqual(bencher?.keys.sorted(), ["synthetic: benchmark 0", "synthetic: benchmark 1"])
        XCTAssertEqual(bencher?["synthetic: benchmark 0"]?.keys.sorted(), ["peak-memory", "time", "trustworthiness-15"])
        XCTAssertEqual(bencher?["synthetic: benchmark 0"]?["time"]?["value"] ?? 0, last.median, accuracy: 1e-12)
        XCTAssertEqual(bencher?["synthetic: benchmark 0"]?["time"]?["lower_value"] ?? 0, last.samples.min()!, accuracy: 1e-12)
        XCTAssertThrowsError(try HistoryExport.bencher(analysis, machine: "nope")) { XCTAssertTrue("\($0)".contains("no machine 'nope'")) }
    }

    func testMachineIdentityIsStableAndNamed() throws {
        let a = try MachineIdentity.current(), b = try MachineIdentity.current()
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.id.count, 12)
        XCTAssertEqual(try MachineIdentity.current(name: "ci-runner-1").id, "ci-runner-1")
        XCTAssertThrowsError(try MachineIdentity.current(name: "bad name/../x"))
    }
}
