import Foundation
import XCTest
@testable import Embedding
@testable import Neighbors
@testable import Linalg

final class LargeVisTests: XCTestCase {
    func blobs(per: Int, centres: Int, d: Int, seed: UInt64) -> (Matrix, [Int]) {
        var rng = RandomStream(seed: seed)
        var values: [Float] = [], labels: [Int] = []
        for c in 0..<centres {
            for _ in 0..<per {
                for j in 0..<d { values.append(Float(rng.nextGaussian()) + (j == c ? 12 : 0)) }
                labels.append(c)
            }
        }
        return (try! Matrix(rows: centres * per, cols: d, storage: values), labels)
    }

    /// LargeVis's attraction on an edge is the gradient of log w, w = 1/(1 + d²): two points joined
    /// both ways, one epoch at learning rate 1 without negative samples, moved as the finite-difference
    /// gradient predicts (each edge in turn, the tail taking the opposite step).
    func testAttractionIsTheGradientOfLogW() throws {
        let sgd = try UMAP(parameters: ["negative_sample_rate": .number(0), "repulsion_strength": .number(7)])
        let graph = UMAPGraph(rows: 2, cols: 2, rowStart: [0, 1, 2], column: [1, 0], weight: [0.5, 0.5])
        var layout = sgd.makeLayout(graph: graph, epochs: 1, a: 1, b: 1, moveOther: true)
        layout.repulsionEpsilon = 0.1
        var y: [Float] = [0.3, -0.2, 1.1, 0.4]
        var expected = y.map(Double.init)
        func logW(_ p: [Double]) -> Double { -Foundation.log(1 + (p[0] - p[2]) * (p[0] - p[2]) + (p[1] - p[3]) * (p[1] - p[3])) }
        for (head, tail) in [(0, 1), (1, 0)] {
            var step = [0.0, 0.0]
            for q in 0..<2 {
                var up = expected, down = expected
                up[head * 2 + q] += 1e-6; down[head * 2 + q] -= 1e-6
                step[q] = (logW(up) - logW(down)) / 2e-6
            }
            for q in 0..<2 { expected[head * 2 + q] += step[q]; expected[tail * 2 + q] -= step[q] }
        }
        layout.optimise(head: &y, dim: 2, tailEmbedding: nil, tailCount: 2, seed: 1)
        for i in 0..<4 { XCTAssertEqual(Double(y[i]), expected[i], accuracy: 1e-5) }
    }

    func testEdgeSamplesFollowLvish() {
        XCTAssertEqual(LargeVis.edgeSamples(n: 5_000), 1e9)
        XCTAssertEqual(LargeVis.edgeSamples(n: 505_000), 5.5e9)
        XCTAssertEqual(LargeVis.edgeSamples(n: 2_000_000), 2e10)
        // 10⁶ edges of weight 1: an epoch samples each once, so 10⁹ samples take 1 000 epochs.
        XCTAssertEqual(LargeVis.defaultEpochs(n: 100, weights: [Float](repeating: 1, count: 1_000_000)), 1_000)
    }

    func testSeparatesBlobsAndIsThreadIndependent() throws {
        let (data, labels) = blobs(per: 100, centres: 3, d: 8, seed: 4)
        let lv = try LargeVis(parameters: ["n_epochs": .number(1500), "perplexity": .number(15)])
        let one = try Parallel.withThreadCount(1) { try lv.fit(data, labels: nil, seed: 3, progress: nil) }
        let two = try Parallel.withThreadCount(2) { try lv.fit(data, labels: nil, seed: 3, progress: nil) }
        XCTAssertEqual(one.embedding.storage, two.embedding.storage)
        XCTAssertEqual(one.diagnostics["n_neighbors"], 45)
        // Every point's 10 nearest embedded neighbours share its blob.
        let knn = try ExactKNN.search(one.embedding, k: 10, metric: .euclidean, includeSelf: false)
        var same = 0
        for i in 0..<data.rows { same += knn.neighbors(of: i).filter { labels[Int($0)] == labels[i] }.count }
        XCTAssertGreaterThan(Double(same) / Double(data.rows * 10), 0.99)
    }

    func testBadInput() throws {
        let (data, _) = blobs(per: 10, centres: 2, d: 3, seed: 1)
        let r = try LargeVis(parameters: ["n_epochs": .number(20)]).fit(data, labels: nil, seed: 1, progress: nil)
        XCTAssertTrue(r.warnings.contains { $0.contains("perplexity") }, "\(r.warnings)")
        XCTAssertTrue(r.embedding.storage.allSatisfy { $0.isFinite })
        XCTAssertThrowsError(try LargeVis(parameters: ["perplexity": .number(0.5)]))
        XCTAssertThrowsError(try LargeVis(parameters: ["gamma": .number(7)]))
        let tiny = try Matrix(rows: 3, cols: 2, storage: [0, 0, 1, 1, 2, 0])
        XCTAssertThrowsError(try LargeVis().fit(tiny, labels: nil, seed: 1, progress: nil))
        let bad = try Matrix(rows: 5, cols: 1, storage: [0, 1, .nan, 3, 4])
        XCTAssertThrowsError(try LargeVis().fit(bad, labels: nil, seed: 1, progress: nil)) { XCTAssertTrue("\($0)".contains("row 2")) }
    }
}
