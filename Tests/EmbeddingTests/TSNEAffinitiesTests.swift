import XCTest
import Linalg
import Neighbors
@testable import Embedding

final class TSNEAffinitiesTests: XCTestCase {
    func testBinarySearchReachesPerplexity() throws {
        var rng = RandomStream(seed: 3, purpose: "test")
        let data = try Matrix(rows: 300, cols: 6, storage: (0..<1800).map { _ in Float(rng.nextGaussian()) })
        for perplexity in [5.0, 12.5, 30.0] {
            let k = Int(3 * perplexity)
            let g = try ExactKNN.euclidean(data, k: k, includeSelf: false)
            let cond = TSNECalibration.conditional(graph: g, k: k, perplexity: perplexity)
            for i in 0..<data.rows {
                var h = 0.0, sum = 0.0
                for j in 0..<k {
                    let pj = cond.probabilities[i * k + j]
                    sum += pj
                    if pj > 0 { h -= pj * log(pj) }
                }
                XCTAssertEqual(sum, 1, accuracy: 1e-12)
                XCTAssertEqual(exp(h), perplexity, accuracy: 1e-5 * perplexity, "row \(i)")
                XCTAssertTrue(cond.sigmas[i] > 0 && cond.sigmas[i].isFinite)
            }
        }
    }

    func testSymmetricAndNormalised() throws {
        var rng = RandomStream(seed: 4, purpose: "test")
        let data = try Matrix(rows: 120, cols: 3, storage: (0..<360).map { _ in Float(rng.nextGaussian()) })
        let p = TSNETestData.affinities(data, perplexity: 8)
        var dense = [Double](repeating: 0, count: 120 * 120)
        var total = 0.0
        for i in 0..<120 {
            var last = -1
            for e in p.rowStart[i] ..< p.rowStart[i + 1] {
                let j = Int(p.columns[e])
                XCTAssertGreaterThan(j, last)  // sorted, no duplicates
                XCTAssertNotEqual(j, i)
                last = j
                dense[i * 120 + j] = p.values[e]
                total += p.values[e]
            }
        }
        XCTAssertEqual(total, 1, accuracy: 1e-12)
        for i in 0..<120 { for j in 0..<120 { XCTAssertEqual(dense[i * 120 + j], dense[j * 120 + i], accuracy: 1e-15) } }
    }

    func testDuplicatePointsGiveFiniteAffinitiesAndEmbedding() throws {
        var rows: [[Float]] = []
        for i in 0..<60 { rows.append([Float(i % 3), 0, 1]) }  // only three distinct points
        for i in 0..<40 { rows.append([Float(i) * 0.1, 2, Float(i % 5)]) }
        let data = try Matrix(rowArrays: rows)
        let p = TSNETestData.affinities(data, perplexity: 10)
        XCTAssertTrue(p.values.allSatisfy { $0.isFinite && $0 >= 0 })
        XCTAssertTrue(p.sigmas.allSatisfy { $0.isFinite })
        for method in ["exact", "bh", "fft"] {
            let tsne = try TSNE(parameters: ["perplexity": .number(10), "negative_gradient_method": .text(method),
                                             "early_exaggeration_iter": .number(60), "n_iter": .number(60)])
            let r = try tsne.fit(data, labels: nil, seed: 1, progress: nil)
            XCTAssertNil(r.embedding.firstNonFinite(), method)
            XCTAssertTrue(r.diagnostics["kl_divergence"]!.isFinite, method)
        }
    }
}
