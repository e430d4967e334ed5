import XCTest
@testable import Neighbors
@testable import Linalg

final class NeighborsSearchTests: XCTestCase {
    func randomData(_ n: Int, _ d: Int, seed: UInt64) -> Matrix {
        var rng = RandomStream(seed: seed)
        return try! Matrix(rows: n, cols: d, storage: (0..<n * d).map { _ in Float(rng.nextGaussian()) })
    }

    func testMetricsAgainstHandComputedValues() throws {
        let a: [Float] = [1, 2, 3, 0, 0, 0, 0, 0, 4], b: [Float] = [4, 6, 3, 0, 0, 0, 0, 0, 4]
        XCTAssertEqual(try Metric(name: "euclidean").distance(a, b), 5, accuracy: 1e-6)
        XCTAssertEqual(try Metric(name: "manhattan").distance(a, b), 7, accuracy: 1e-6)
        XCTAssertEqual(try Metric(name: "chebyshev").distance(a, b), 4, accuracy: 1e-6)
        XCTAssertEqual(try Metric(name: "minkowski", p: 3).distance(a, b), Float(pow(91.0, 1.0 / 3)), accuracy: 1e-5)
        XCTAssertEqual(try Metric(name: "hamming").distance(a, b), 2.0 / 9, accuracy: 1e-6)
        XCTAssertEqual(Metric.cosine.distance([1, 0], [0, 1]), 1, accuracy: 1e-6)
        XCTAssertEqual(Metric.cosine.distance([1, 1], [2, 2]), 0, accuracy: 1e-6)
        XCTAssertEqual(Metric.correlation.distance([1, 2, 3], [3, 2, 1]), 2, accuracy: 1e-6)
        XCTAssertEqual(Metric.correlation.distance([1, 2, 3], [2, 4, 6]), 0, accuracy: 1e-6)
        XCTAssertEqual(Metric.jaccard.distance([1, 1, 0, 0], [1, 0, 1, 0]), 2.0 / 3, accuracy: 1e-6)
        // Quarter of a great circle along the equator.
        XCTAssertEqual(Metric.haversine.distance([0, 0], [0, Float.pi / 2]), Float.pi / 2, accuracy: 1e-5)
        XCTAssertThrowsError(try Metric(name: "wasserstein")) { error in
            guard case NeighborsError.unknownMetric(let name, let known)? = error as? NeighborsError else {
                return XCTFail("wrong error \(error)")
            }
            XCTAssertEqual(name, "wasserstein")
            XCTAssertTrue(known.contains("euclidean"))
        }
    }

    func testTiledExactEqualsBruteForce() throws {
        let data = randomData(700, 19, seed: 3)
        let tiled = try ExactKNN.search(data, k: 10, metric: .euclidean, includeSelf: true)
        let brute = try ExactKNN.euclidean(data, k: 10, includeSelf: true)
        XCTAssertEqual(tiled.indices, brute.indices)
        for (x, y) in zip(tiled.distances, brute.distances) { XCTAssertEqual(x, y, accuracy: 1e-4) }
        // Cosine via BLAS against pairwise cosine kernel.
        let cos = try ExactKNN.search(data, k: 5, metric: .cosine, includeSelf: false)
        for i in stride(from: 0, to: 700, by: 97) {
            var all: [(Float, Int32)] = []
            for j in 0..<700 where j != i { all.append((Metric.cosine.distance(data.row(i), data.row(j)), Int32(j))) }
            all.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            XCTAssertEqual(Array(cos.neighbors(of: i)), all.prefix(5).map(\.1))
        }
    }

    func testNNDescentRecallAndDeterminism() throws {
        let data = randomData(3000, 20, seed: 7)
        let g1 = try Parallel.withThreadCount(1) { try NNDescent.build(data, k: 15, includeSelf: true, seed: 42) }
        let g2 = try Parallel.withThreadCount(2) { try NNDescent.build(data, k: 15, includeSelf: true, seed: 42) }
        XCTAssertEqual(g1, g2, "graph must not depend on the thread count")
        let exact = try ExactKNN.search(data, k: 15, metric: .euclidean, includeSelf: true)
        let r = NeighborRecall.recall(approx: g1, exact: exact)
        XCTAssertGreaterThanOrEqual(r, 0.95)
        let sampled = try NeighborRecall.sampledRecall(data: data, graph: g1, queries: 100, seed: 1)
        XCTAssertGreaterThanOrEqual(sampled, 0.93)
        for i in 0..<3000 { XCTAssertEqual(g1.indices[i * 15], Int32(i)) }
    }

    func testNNDescentOtherMetricAndDuplicates() throws {
        var data = randomData(600, 8, seed: 9)
        for i in 0..<200 { for j in 0..<8 { data[i, j] = 1 } }  // 200 copies of one point
        let g = try NNDescent.build(data, k: 10, metric: .manhattan, includeSelf: false, seed: 5)
        let exact = try ExactKNN.search(data, k: 10, metric: .manhattan, includeSelf: false)
        XCTAssertGreaterThanOrEqual(NeighborRecall.recall(approx: g, exact: exact), 0.9)
        XCTAssertFalse(g.distances.contains { !$0.isFinite })
        XCTAssertFalse(g.indices.contains { $0 < 0 })
    }
}
