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
        let labels: [Int], labels_canonical: [Int]
    }

    /// Label for label the package's own pipeline (its condense_tree, compute_stability and
    /// get_clusters) on the tie-independent single-linkage hierarchy (see the fixture script:
    /// the package's unstable numpy argsort orders equal-weight edges its own way), and close to
    /// the package's exact (`generic`) output: ARI ≥ 0.99 with excess of mass, ≥ 0.93 with leaf
    /// selection, which depends most on the order within ties.
    func testLabelsMatchTheHDBSCANPackage() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/hdbscan.json")
        struct File: Decodable { let cases: [Case] }
        let cases = try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
        XCTAssertEqual(cases.count, 10)
        for c in cases {
            let x = try Matrix(rows: c.n, cols: c.d, storage: c.data.map { Float($0) })
            let result = try HDBSCAN.fit(x, options: HDBSCAN.Options(minClusterSize: c.min_cluster_size, minSamples: c.min_samples,
                                                                       selection: HDBSCAN.Selection(rawValue: c.selection)!))
            XCTAssertEqual(result.labels, c.labels_canonical, c.name)
            XCTAssertEqual(result.clusterCount, (c.labels_canonical.max() ?? -1) + 1, c.name)
            XCTAssertEqual(result.noiseCount, c.labels_canonical.filter { $0 < 0 }.count, c.name)
            let ari = try ClusterAgreement.adjustedRandIndex(c.labels, result.labels)
            XCTAssertGreaterThanOrEqual(ari, c.selection == "eom" ? 0.99 : 0.93, c.name)
            let prim = try HDBSCAN.fit(x, options: result.options, primOnly: true)
            XCTAssertEqual(prim, result, c.name)
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
        let boruvka = BoruvkaSpanningTree.spanningTree(x, coreSquared: [1, 1, 4, 9])
        XCTAssertEqual(boruvka.map { [Double($0.0), Double($0.1), $0.2] }, [[0, 1, 1], [1, 2, 2], [2, 3, 3]])
    }

    /// Random point sets on a coarse integer grid (many equal distances, repeated points) in 1–4
    /// dimensions: the kd-tree Borůvka tree is a spanning tree with Prim's total weight (the sum
    /// of sorted weights agrees edge by edge: every minimum spanning tree has the same multiset
    /// of weights), and the labels are identical.
    func testBoruvkaTreeEqualsPrimsWithTiesAndRepeatedPoints() throws {
        var rng = RandomStream(seed: 11)
        for trial in 0..<24 {
            let d = 1 + trial % 4, n = 40 + rng.nextInt(below: 260)
            let grid = trial % 3 == 0 ? 3 : 12
            let x = try Matrix(rows: n, cols: d, storage: (0..<(n * d)).map { _ in Float(rng.nextInt(below: grid)) })
            let k = 1 + rng.nextInt(below: 8)
            let core = HDBSCAN.coreDistancesSquared(x, k: k)
            XCTAssertEqual(BoruvkaSpanningTree.coreDistancesSquared(x, k: k), core, "trial \(trial)")
            let prim = HDBSCAN.minimumSpanningTree(x, coreSquared: core)
            let boruvka = BoruvkaSpanningTree.spanningTree(x, coreSquared: core)
            XCTAssertEqual(boruvka.count, n - 1)
            XCTAssertEqual(boruvka.map(\.2).sorted(), prim.map(\.2).sorted(), "trial \(trial)")
            // Spanning: the edges connect all points.
            var parent = Array(0..<n)
            func find(_ i: Int) -> Int { var r = i; while parent[r] != r { r = parent[r] }; return r }
            for (a, b, _) in boruvka { parent[find(a)] = find(b) }
            XCTAssertEqual(Set((0..<n).map(find)).count, 1, "trial \(trial)")
            let options = HDBSCAN.Options(minClusterSize: 2 + rng.nextInt(below: 10), minSamples: k,
                                          selection: trial % 2 == 0 ? .eom : .leaf)
            XCTAssertEqual(try HDBSCAN.fit(x, options: options), try HDBSCAN.fit(x, options: options, primOnly: true), "trial \(trial)")
        }
    }

    /// The hierarchy does not depend on the order of the edges given (ties included).
    func testSingleLinkageIgnoresTheOrderOfEqualEdges() throws {
        var rng = RandomStream(seed: 3)
        let x = try Matrix(rows: 150, cols: 2, storage: (0..<300).map { _ in Float(rng.nextInt(below: 6)) })
        let edges = HDBSCAN.minimumSpanningTree(x, coreSquared: HDBSCAN.coreDistancesSquared(x, k: 3))
        let reference = HDBSCAN.singleLinkage(edges, n: 150)
        for _ in 0..<5 {
            var shuffled = edges
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, rng.nextInt(below: i + 1)) }
            let merges = HDBSCAN.singleLinkage(shuffled, n: 150)
            XCTAssertEqual(merges.map { [$0.left, $0.right, $0.size] }, reference.map { [$0.left, $0.right, $0.size] })
            XCTAssertEqual(merges.map(\.distance), reference.map(\.distance))
        }
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
        // The Borůvka tree itself, over several query chunks, with ties.
        let grid = try Matrix(rows: 3_000, cols: 2, storage: (0..<6_000).map { _ in Float(rng.nextInt(below: 40)) })
        let core = HDBSCAN.coreDistancesSquared(grid, k: 5)
        XCTAssertEqual(Parallel.withThreadCount(1) { BoruvkaSpanningTree.coreDistancesSquared(grid, k: 5) },
                       Parallel.withThreadCount(4) { BoruvkaSpanningTree.coreDistancesSquared(grid, k: 5) })
        XCTAssertEqual(BoruvkaSpanningTree.coreDistancesSquared(grid, k: 5), core)
        let edgesOne = Parallel.withThreadCount(1) { BoruvkaSpanningTree.spanningTree(grid, coreSquared: core) }
        let edgesFour = Parallel.withThreadCount(4) { BoruvkaSpanningTree.spanningTree(grid, coreSquared: core) }
        XCTAssertEqual(edgesOne.map { [Double($0.0), Double($0.1), $0.2] }, edgesFour.map { [Double($0.0), Double($0.1), $0.2] })
    }
}
