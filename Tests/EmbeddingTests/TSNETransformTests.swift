import XCTest
import Linalg
import Neighbors
@testable import Embedding

final class TSNETransformTests: XCTestCase {
    func testNewPointsLandInTheirClusters() throws {
        let (data, labels) = TSNETestData.blobs(perCluster: 70, clusters: 4, d: 8, separation: 12, seed: 21)
        // Train on 60 per cluster, transform the other 10 per cluster.
        var trainIdx: [Int] = [], testIdx: [Int] = []
        for i in 0..<data.rows { (i % 70 < 60 ? { trainIdx.append(i) } : { testIdx.append(i) })() }
        let train = data.selectingRows(trainIdx), test = data.selectingRows(testIdx)
        let tsne = try TSNE(parameters: ["n_iter": .number(300)])
        let model = try tsne.fitModel(train, neighbors: nil, seed: 4, progress: nil)
        let (placed, kl) = try model.transformWithKL(test)
        XCTAssertEqual(placed.rows, testIdx.count)
        XCTAssertNil(placed.firstNonFinite())
        XCTAssertTrue(kl.isFinite && kl >= 0)
        // Each new point's 10 nearest training points in the embedding share its label.
        let e = model.result.embedding
        for (r, i) in testIdx.enumerated() {
            var dists: [(Float, Int)] = []
            for (t, j) in trainIdx.enumerated() {
                let dx = placed[r, 0] - e[t, 0], dy = placed[r, 1] - e[t, 1]
                dists.append((dx * dx + dy * dy, labels[j]))
            }
            let nearest = dists.sorted { $0.0 < $1.0 }.prefix(10)
            XCTAssertTrue(nearest.allSatisfy { $0.1 == labels[i] }, "test point \(i)")
        }
        // Optimisation lowers the per-point KL relative to the initial weighted-mean placement.
        var noSteps = TSNEModel.TransformOptions()
        noSteps.iterations = 0
        let (_, kl0) = try model.transformWithKL(test, options: noSteps)
        XCTAssertLessThan(kl, kl0)
        XCTAssertThrowsError(try model.transform(try Matrix(rows: 2, cols: 3, storage: [Float](repeating: 0, count: 6))))
    }

    func testHeavyTailedKernelFitIsFiniteAndSeparates() throws {
        let (data, labels) = TSNETestData.blobs(perCluster: 60, clusters: 4, d: 8, separation: 12, seed: 22)
        let r = try TSNE(parameters: ["dof": .number(0.6), "n_iter": .number(300)]).fit(data, labels: nil, seed: 2, progress: nil)
        XCTAssertNil(r.embedding.firstNonFinite())
        XCTAssertEqual(TSNETestData.knnAccuracy(r.embedding, labels: labels, k: 10), 1.0)
    }
}
