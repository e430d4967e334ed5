import XCTest
@testable import Neighbors
@testable import Linalg

/// NN-descent with blocked (BLAS) joins, known-pair filtering and locality renumbering.
final class NNDescentBlockedTests: XCTestCase {
    /// n points near a `latent`-dimensional linear subspace of R^d, shifted far from the origin
    /// (so that ‖x‖² + ‖y‖² − 2x·y would lose digits without centring).
    func lowRankData(_ n: Int, d: Int, latent: Int, offset: Float, seed: UInt64) -> Matrix {
        var rng = RandomStream(seed: seed)
        let basis = (0..<latent * d).map { _ in Float(rng.nextGaussian()) }
        var values = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            let z = (0..<latent).map { _ in Float(rng.nextGaussian()) }
            for j in 0..<d {
                var v: Float = offset
                for l in 0..<latent { v += z[l] * basis[l * d + j] }
                values[i * d + j] = v + 0.05 * Float(rng.nextGaussian())
            }
        }
        return try! Matrix(rows: n, cols: d, storage: values)
    }

    func testBlockedJoinDistancesMatchPairwise() {
        let data = lowRankData(80, d: 40, latent: 6, offset: 300, seed: 1)
        let prepared = ReducedDistanceRows(data, metric: .euclidean)
        let members: [Int32] = (0..<70).map { Int32(($0 * 37) % 80) }
        prepared.values.withUnsafeBufferPointer { xb in
            let x = xb.baseAddress!
            let centre = JoinDistances.columnMeans(x, n: 80, d: 40)
            let norms = centre.withUnsafeBufferPointer { JoinDistances.centredSquaredNorms(x, n: 80, d: 40, centre: $0.baseAddress!) }
            var join = JoinDistances(d: 40, capacity: 70, blocked: true)
            defer { join.deallocate() }
            centre.withUnsafeBufferPointer { cb in
                norms.withUnsafeBufferPointer { nb in
                    members.withUnsafeBufferPointer { mb in
                        join.measureBlocked(x: x, centre: cb.baseAddress!, centredNorms: nb.baseAddress!,
                                            members: mb.baseAddress!, count: 70, firstRows: 45)
                    }
                }
            }
            var worst: Float = 0
            for a in 0..<45 {
                for b in (a + 1)..<70 {
                    let exact = Distance.squaredEuclidean(x + Int(members[a]) * 40, x + Int(members[b]) * 40, 40)
                    worst = max(worst, abs(join.distance(a, b) - exact) / max(exact, 1))
                }
            }
            XCTAssertLessThan(worst, 1e-4, "blocked distances must match pair-wise ones despite the offset of 300")
        }
    }

    func testKnownPairsMarksHeapMembership() {
        // Heaps (K = 2) of points 0...4: 0→{1,2}, 1→{0,-1}, 2→{4,3}, 3→{-1,-1}, 4→{0,3}.
        let heaps: [Int32] = [1, 2, 0, -1, 4, 3, -1, -1, 0, 3]
        var known = KnownPairs(n: 5, capacity: 4)
        defer { known.deallocate() }
        let members: [Int32] = [4, 0, 2, 3]
        members.withUnsafeBufferPointer { mb in
            heaps.withUnsafeBufferPointer { hb in
                known.mark(members: mb.baseAddress!, count: 4, heaps: hb.baseAddress!, K: 2)
            }
        }
        var marked: [[Bool]] = []
        for a in 0..<4 { marked.append((0..<4).map { known.knows(a, $0) }) }
        XCTAssertEqual(marked, [[false, true, false, true],   // 4 knows 0, 3
                                [false, false, true, false],  // 0 knows 2 (1 is no member)
                                [true, false, false, true],   // 2 knows 4, 3
                                [false, false, false, false]])
        XCTAssertTrue((0..<5).allSatisfy { known.position[$0] == -1 }, "position map must be reset")
    }

    /// Well-separated clusters of 30 points with k = 29: the exact graph is "the rest of my
    /// cluster", which the search must find exactly, with exact distances.
    func testBlockedGraphEqualsExactOnSeparatedClusters() throws {
        var rng = RandomStream(seed: 11)
        let clusters = 40, size = 30, d = 48
        var values: [Float] = []
        for _ in 0..<clusters {
            let centre = (0..<d).map { _ in Float(rng.nextGaussian()) * 100 }
            for _ in 0..<size { values += centre.map { $0 + Float(rng.nextGaussian()) } }
        }
        let data = try Matrix(rows: clusters * size, cols: d, storage: values)
        let (g, stats) = try NNDescent.buildWithStatistics(data, k: size - 1, includeSelf: false, seed: 3)
        XCTAssertTrue(stats.blocked)
        let exact = try ExactKNN.euclidean(data, k: size - 1, includeSelf: false)
        for i in 0..<data.rows {
            XCTAssertEqual(Set(g.neighbors(of: i)), Set(exact.neighbors(of: i)), "row \(i)")
            XCTAssertEqual(Array(g.neighbors(of: i)), Array(exact.neighbors(of: i)), "row \(i) order")
        }
        for (a, b) in zip(g.distances, exact.distances) { XCTAssertEqual(a, b, accuracy: 1e-4 * max(b, 1)) }
    }

    /// Large k (scaled down from t-SNE's 90 on MNIST): high recall, same graph for 1 and 2
    /// threads, and blocked and pair-wise joins of the same quality.
    func testLargeKRecallAndThreadIndependence() throws {
        let data = lowRankData(2500, d: 64, latent: 8, offset: 50, seed: 5)
        let (g1, stats) = try Parallel.withThreadCount(1) {
            try NNDescent.buildWithStatistics(data, k: 60, includeSelf: false, seed: 9)
        }
        let g2 = try Parallel.withThreadCount(2) { try NNDescent.build(data, k: 60, includeSelf: false, seed: 9) }
        XCTAssertTrue(stats.blocked)
        XCTAssertEqual(g1, g2, "graph must not depend on the thread count")
        let exact = try ExactKNN.search(data, k: 60, metric: .euclidean, includeSelf: false)
        XCTAssertGreaterThanOrEqual(NeighborRecall.recall(approx: g1, exact: exact), 0.99)
        var p = NNDescentParameters()
        p.blockedDistances = false
        p.localityOrder = false
        let pairwise = try NNDescent.build(data, k: 60, includeSelf: false, seed: 9, parameters: p)
        XCTAssertGreaterThanOrEqual(NeighborRecall.recall(approx: pairwise, exact: exact), 0.99)
        // Reported distances are exact (up to the summation order of the SIMD kernel) and ascending.
        for i in stride(from: 0, to: 2500, by: 97) {
            let row = Array(g1.neighborDistances(of: i))
            XCTAssertEqual(row, row.sorted())
            for (c, j) in g1.neighbors(of: i).enumerated() {
                let exactDistance = Metric.euclidean.distance(data.row(i), data.row(Int(j)))
                XCTAssertEqual(row[c], exactDistance, accuracy: 2e-6 * exactDistance)
            }
        }
    }

    /// Copies of one point far from the origin: their neighbours are other copies at distance exactly 0.
    func testDuplicatesHaveExactlyZeroDistance() throws {
        var rng = RandomStream(seed: 2)
        let n = 400, d = 32, copies = 40
        let point = (0..<d).map { _ in Float(1000 + rng.nextGaussian()) }
        var values: [Float] = []
        for i in 0..<n {
            values += i < copies ? point : (0..<d).map { _ in Float(1000 + 3 * rng.nextGaussian()) }
        }
        let data = try Matrix(rows: n, cols: d, storage: values)
        let (g, stats) = try NNDescent.buildWithStatistics(data, k: 12, includeSelf: false, seed: 4)
        XCTAssertTrue(stats.blocked)
        for i in 0..<copies {
            XCTAssertTrue(g.neighbors(of: i).allSatisfy { $0 < Int32(copies) && $0 != Int32(i) }, "row \(i)")
            XCTAssertEqual(Array(g.neighborDistances(of: i)), [Float](repeating: 0, count: 12), "row \(i)")
        }
    }

    func testCosineWithBlockedJoins() throws {
        let data = lowRankData(1500, d: 40, latent: 6, offset: 0, seed: 8)
        let (g, stats) = try NNDescent.buildWithStatistics(data, k: 20, metric: .cosine, includeSelf: true, seed: 1)
        XCTAssertTrue(stats.blocked)
        let exact = try ExactKNN.search(data, k: 20, metric: .cosine, includeSelf: true)
        XCTAssertGreaterThanOrEqual(NeighborRecall.recall(approx: g, exact: exact), 0.98)
        for i in 0..<1500 { XCTAssertEqual(g.indices[i * 20], Int32(i)) }
    }
}
