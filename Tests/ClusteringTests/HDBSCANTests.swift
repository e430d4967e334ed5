import XCTest
import Foundation
import Linalg
@testable import Clustering

/// HDBSCAN against the `hdbscan` package's labels (Fixtures/hdbscan.json, made by
/// Fixtures/make_hdbscan_fixtures.py), on hand-made cases, and on bad input.
final class HDBSCANTests: XCTestCase {
    struct Case: Decodable {
        let name: String, n: Int, d: Int, data: [Double]
        let min_cluster_size: Int, min_samples: Int, selection: String
        let labels: [Int], labels_stable_sort: [Int]
    }

    /// Label for label the package's own pipeline with a stable edge sort (see the fixture
    /// script: the package's unstable numpy argsort orders equal-weight edges its own way), and
    /// close to the package's default output: ARI ≥ 0.99 on the blobs and unequal-density
    /// cases with excess of mass, ≥ 0.95 everywhere.
    func testLabelsMatchTheHDBSCANPackage() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/hdbscan.json")
        struct File: Decodable { let cases: [Case] }
        let cases = try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
        XCTAssertEqual(cases.count, 10)
        for c in cases {
            let x = try Matrix(rows: c.n, cols: c.d, storage: c.data.map { Float($0) })
            let result = try HDBSCAN.fit(x, options: HDBSCAN.Options(minClusterSize: c.min_cluster_size, minSamples: c.min_samples,
                                                                       selection: HDBSCAN.Selection(rawValue: c.selection)!))
            XCTAssertEqual(result.labels, c.labels_stable_sort, c.name)
            XCTAssertEqual(result.clusterCount, (c.labels_stable_sort.max() ?? -1) + 1, c.name)
            XCTAssertEqual(result.noiseCount, c.labels_stable_sort.filter { $0 < 0 }.count, c.name)
            let ari = try ClusterAgreement.adjustedRandIndex(c.labels, result.labels)
            let strict = c.selection == "eom" && !c.name.hasPrefix("moons")
            XCTAssertGreaterThanOrEqual(ari, strict ? 0.99 : 0.95, c.name)
        }
    }

    func testTwoSeparatedGroupsAndAnOutlier() throws {
        // Two tight 3 × 4 grids 100 apart and one point 400 away: two clusters and one noise point.
        var rows: [[Float]] = []
        for (ox, oy) in [(Float(0), Float(0)), (Float(100), Float(0))] {
            for a in 0..<3 { for b in 0..<4 { rows.append([ox + Float(a), oy + Float(b) * 1.1]) } }
        }
        rows.append([50, 400])
        let r = try HDBSCAN.fit(try Matrix(rowArrays: rows), options: HDBSCAN.Options(minClusterSize: 5, minSamples: 3))
        XCTAssertEqual(r.clusterCount, 2)
        XCTAssertEqual(Array(r.labels[0..<12]), [Int](repeating: 0, count: 12))
        XCTAssertEqual(Array(r.labels[12..<24]), [Int](repeating: 1, count: 12))
        XCTAssertEqual(r.labels[24], -1)
        XCTAssertEqual(r.noiseCount, 1)
        XCTAssertEqual(r.stabilities.count, 2)
    }

    func testCoreDistancesAndSpanningTreeOnALine() throws {
        // Points 0, 1, 3, 6 on a line: core distances (k = 1) 1, 1, 2, 3; the mutual-reachability
        // MST has weights max(core, core, d): 1 (0–1), 2 (1–3), 3 (3–6).
        let x = try Matrix(rows: 4, cols: 1, storage: [0, 1, 3, 6])
        XCTAssertEqual(HDBSCAN.coreDistancesSquared(x, k: 1), [1, 1, 4, 9])
        let edges = HDBSCAN.minimumSpanningTree(x, coreSquared: [1, 1, 4, 9])
        XCTAssertEqual(edges.map { $0.2 }, [1, 2, 3])
        XCTAssertEqual(edges.map { [$0.0, $0.1] }, [[0, 1], [1, 2], [2, 3]])
    }

    func testBadInputGetsClearErrors() throws {
        let x = try Matrix(rows: 4, cols: 1, storage: [0, 1, 3, 6])
        XCTAssertThrowsError(try HDBSCAN.fit(x, options: HDBSCAN.Options(minClusterSize: 5))) { error in
            XCTAssertTrue("\(error)".contains("min_cluster_size = 5 is larger than the number of points (4)"), "\(error)")
        }
        XCTAssertThrowsError(try HDBSCAN.fit(x, options: HDBSCAN.Options(minClusterSize: 1)))
        XCTAssertThrowsError(try HDBSCAN.fit(x, options: HDBSCAN.Options(minClusterSize: 2, minSamples: 4))) { error in
            XCTAssertTrue("\(error)".contains("min_samples must be in 1...3"), "\(error)")
        }
        XCTAssertThrowsError(try HDBSCAN.fit(try Matrix(rows: 3, cols: 1, storage: [0, .nan, 1]),
                                             options: HDBSCAN.Options(minClusterSize: 2, minSamples: 1)))
        // Identical points: every distance is 0 (λ = ∞), still labels and no NaN.
        let same = Matrix(rows: 10, cols: 2)
        let r = try HDBSCAN.fit(same, options: HDBSCAN.Options(minClusterSize: 3, minSamples: 2))
        XCTAssertEqual(r.labels.count, 10)
        XCTAssertFalse(r.stabilities.contains { $0.isNaN })
    }

    func testSameLabelsForAnyThreadCount() throws {
        var rng = RandomStream(seed: 5)
        let storage = (0..<(2 * 600)).map { i in Float(rng.nextGaussian()) + (i % 4 < 2 ? 0 : 6) }
        let x = try Matrix(rows: 600, cols: 2, storage: storage)
        let one = try Parallel.withThreadCount(1) { try HDBSCAN.fit(x, options: HDBSCAN.Options(minClusterSize: 15)) }
        let four = try Parallel.withThreadCount(4) { try HDBSCAN.fit(x, options: HDBSCAN.Options(minClusterSize: 15)) }
        XCTAssertEqual(one, four)
    }
}
