import XCTest
@testable import Lab
@testable import Linalg

final class CompareTests: XCTestCase {
    // MARK: - Result sets

    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-compare-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    private func run(_ yaml: String, into folder: String) throws -> [RunRecord] {
        let spec = try SpecParser.parse(yaml: yaml, file: "compare.yaml")
        _ = try Runner(options: RunOptions(resultsRoot: root.appendingPathComponent(folder)), log: { _ in }).run(spec)
        return try ResultComparison.records(at: root.appendingPathComponent(folder).appendingPathComponent(spec.name))
    }

    private func spec(seeds: String, n: String = "2000", params: String = "{n_components: 2}") -> String {
        """
        name: cmp
        seeds: \(seeds)
        datasets:
          - name: blobs
            n: \(n)
            options: {dimension: 20, centers: 4}
        algorithms:
          - name: pca
            params: \(params)
        """
    }

    func testTwoSeedSweepsOfTheSameAlgorithmShowNoSignificantDifference() throws {
        let a = try run(spec(seeds: "[0, 1, 2, 3, 4, 5]"), into: "a")
        let b = try run(spec(seeds: "[6, 7, 8, 9, 10, 11]"), into: "b")
        let comparison = ResultComparison(a, b)
        XCTAssertEqual(comparison.pairs.count, 1)
        let pair = comparison.pairs[0]
        XCTAssertEqual(pair.rows.first { $0.quantity == "fit wall s" }?.a.count, 6)
        // Quality-like numbers are deterministic per seed: their verdict is stable.
        for row in pair.rows where row.kind == "quality" {
            XCTAssertFalse(row.significant, "\(row.quantity): p = \(row.p ?? -1)")
        }
        XCTAssertTrue(comparison.markdown().contains("mean ± 95 % CI"))
    }

    func testDifferentVariantsInOneSweepAreTold() throws {
        let records = try run(spec(seeds: "[0, 1, 2, 3, 4]", params: "{n_components: [2, 3]}"), into: "v")
        let comparison = ResultComparison(records, by: [try CompareSelector(parsing: "n_components=2")],
                                          vs: [try CompareSelector(parsing: "n_components=3")])
        XCTAssertEqual(comparison.pairs.count, 1)
        let pair = comparison.pairs[0]
        let explained = try XCTUnwrap(pair.rows.first { $0.quantity == "diagnostic explained_variance_ratio_sum" })
        XCTAssertTrue(explained.significant)
        XCTAssertGreaterThan(explained.meanB, explained.meanA)
        XCTAssertNotEqual(pair.verdict, "no significant difference")
        // Records differing in more than the selected setting are not paired.
        XCTAssertTrue(ResultComparison(records, by: [try CompareSelector(parsing: "n_components=2")],
                                       vs: [try CompareSelector(parsing: "n_components=4")]).pairs.isEmpty)
        XCTAssertThrowsError(try CompareSelector(parsing: "n_components"))
    }

    func testMuchLargerDataIsSignificantlySlower() throws {
        let records = try run(spec(seeds: "[0, 1, 2, 3, 4]", n: "[300, 60000]"), into: "n")
        let comparison = ResultComparison(records, by: [try CompareSelector(parsing: "n=300")],
                                          vs: [try CompareSelector(parsing: "n=60000")])
        let time = try XCTUnwrap(comparison.pairs.first?.rows.first { $0.quantity == "fit CPU s" })
        XCTAssertTrue(time.significant, "p = \(time.p ?? -1), ratio \(time.ratio ?? -1)")
        XCTAssertEqual(time.p ?? 1, 0.007936507936507936, accuracy: 1e-12, "complete separation of 5 vs 5")
        XCTAssertGreaterThan(time.ratio ?? 0, 5)
    }

    /// Records with chosen timings, for the verdict rules.
    private func synthetic(_ times: [Double], algorithm: String = "pca") throws -> [RunRecord] {
        let base = try run(spec(seeds: "0", n: "100"), into: "s-\(UUID().uuidString)")[0]
        return times.enumerated().map { i, t in
            var r = base
            r.task = ExperimentTask(datasetLabel: r.task.datasetLabel, dataset: r.task.dataset, algorithm: algorithm,
                                    algorithmLabel: algorithm, parameters: r.task.parameters, seed: UInt64(i))
            r.fitWallSeconds = t
            return r
        }
    }

    func testTimingVerdictNeedsSignificanceAndEffect() throws {
        let a = try synthetic([1.00, 1.01, 0.99, 1.02, 0.98])
        let slower = try synthetic([1.50, 1.52, 1.49, 1.55, 1.51])
        let row = ResultComparison(a, slower).pairs[0].rows.first { $0.quantity == "fit wall s" }
        XCTAssertEqual(row?.significant, true)
        XCTAssertEqual(row?.verdict.hasPrefix("B higher"), true)
        // Separated but only 2 % apart: below the minimum effect.
        let close = try synthetic([1.021, 1.031, 1.011, 1.041, 1.001])
        XCTAssertEqual(ResultComparison(a, close).pairs[0].rows.first { $0.quantity == "fit wall s" }?.significant, false)
        // Overlapping samples: not significant.
        let overlapping = try synthetic([0.9, 1.2, 1.0, 1.3, 0.95])
        XCTAssertEqual(ResultComparison(a, overlapping).pairs[0].rows.first { $0.quantity == "fit wall s" }?.significant, false)
    }
}
