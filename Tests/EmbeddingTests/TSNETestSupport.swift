import Foundation
import Linalg
import Neighbors
@testable import Embedding

/// Shared helpers for the t-SNE tests.
enum TSNETestData {
    /// `clusters` Gaussian blobs in `d` dimensions, centres `separation` apart on the axes, unit noise.
    static func blobs(perCluster: Int, clusters: Int, d: Int, separation: Float, seed: UInt64) -> (Matrix, [Int]) {
        var rng = RandomStream(seed: seed, purpose: "test.blobs")
        var rows: [[Float]] = []
        var labels: [Int] = []
        for k in 0..<clusters {
            for _ in 0..<perCluster {
                var r = (0..<d).map { _ in Float(rng.nextGaussian()) }
                r[k % d] += separation * Float(1 + k / d)
                rows.append(r)
                labels.append(k)
            }
        }
        return (try! Matrix(rowArrays: rows), labels)
    }

    /// Random 2-D layout: points in a few clumps of radius ~`spread`, typical of a t-SNE embedding.
    static func layout(n: Int, c: Int, spread: Double, seed: UInt64) -> [Double] {
        var rng = RandomStream(seed: seed, purpose: "test.layout")
        let centres = (0..<8 * c).map { _ in spread * (rng.nextDouble() * 2 - 1) }
        var y = [Double](repeating: 0, count: n * c)
        for i in 0..<n {
            let k = rng.nextInt(below: 8)
            for d in 0..<c { y[i * c + d] = centres[k * c + d] + spread / 6 * rng.nextGaussian() }
        }
        return y
    }

    /// Leave-one-out k-NN classification accuracy in an embedding.
    static func knnAccuracy(_ e: Matrix, labels: [Int], k: Int) -> Double {
        let g = try! ExactKNN.euclidean(e, k: k, includeSelf: false)
        var correct = 0
        for i in 0..<e.rows {
            var votes: [Int: Int] = [:]
            for j in g.neighbors(of: i) { votes[labels[Int(j)], default: 0] += 1 }
            let best = votes.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!.key
            if best == labels[i] { correct += 1 }
        }
        return Double(correct) / Double(e.rows)
    }

    /// Affinities of `data` for `perplexity` via exact kNN.
    static func affinities(_ data: Matrix, perplexity: Double) -> TSNEAffinities {
        let k = min(data.rows - 1, Int(3 * perplexity))
        let g = try! ExactKNN.euclidean(data, k: k, includeSelf: false)
        let cond = TSNECalibration.conditional(graph: g, k: k, perplexity: perplexity)
        return TSNECalibration.symmetrize(n: data.rows, k: k, neighbors: cond.neighbors,
                                          probabilities: cond.probabilities, sigmas: cond.sigmas)
    }

    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        var num = 0.0, den = 0.0
        for e in 0..<a.count { num += (a[e] - b[e]) * (a[e] - b[e]); den += b[e] * b[e] }
        return (num / den).squareRoot()
    }
}
