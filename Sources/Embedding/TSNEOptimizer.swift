import Foundation
import Linalg

/// Gradient descent with momentum and delta-bar-delta gains, as openTSNE's `gradient_descent`:
/// gains grow by 0.2 where the gradient sign flips relative to the last update and shrink
/// (× 0.8 + min_gain) where it does not; the update is momentum · update − lr · gains · gradient,
/// then clipped per point to `maxStepNorm`; the embedding is re-centred after every step
/// (except when transforming new points against a fixed reference).
struct TSNEOptimizer {
    var gains: [Double]
    var update: [Double]
    /// KL divergence every `klEvery` iterations: (global iteration, KL).
    var klHistory: [(Int, Double)] = []
    var iterationsDone = 0
    static let klEvery = 50
    /// An embedding coordinate beyond this magnitude is treated as divergence.
    static let divergenceLimit = 1e8

    @inline(__always) static func sign(_ x: Double) -> Int { x > 0 ? 1 : (x < 0 ? -1 : 0) }

    init(count: Int) {
        gains = [Double](repeating: 1, count: count)
        update = [Double](repeating: 0, count: count)
    }

    /// Runs `iterations` steps. `gradient(y, evaluateKL, &g) -> KL` computes the gradient.
    mutating func run(y: inout [Double], n: Int, c: Int, iterations: Int, learningRate: Double,
                      momentum: Double, minGain: Double, maxGradNorm: Double?, maxStepNorm: Double?,
                      recenter: Bool, phase: String, progress: ProgressHandler?,
                      gradient: ([Double], Bool, inout [Double]) -> Double) throws {
        var g = [Double](repeating: 0, count: n * c)
        for it in 0..<iterations {
            let global = iterationsDone + 1
            let evalKL = global % Self.klEvery == 0
            let kl = gradient(y, evalKL, &g)
            if evalKL {
                guard kl.isFinite else {
                    throw EmbeddingError.numerical("t-SNE diverged in phase \(phase) at iteration \(global): KL divergence is \(kl); lower the learning rate or set max_grad_norm")
                }
                klHistory.append((global, kl))
            }
            if let clip = maxGradNorm {
                for i in 0..<n {
                    var s = 0.0
                    for d in 0..<c { s += g[i * c + d] * g[i * c + d] }
                    let coeff = clip / (s.squareRoot() + 1e-6)
                    if coeff < 1 { for d in 0..<c { g[i * c + d] *= coeff } }
                }
            }
            var bad = false
            for e in 0 ..< n * c {
                let flipped = Self.sign(g[e]) != Self.sign(update[e])
                gains[e] = flipped ? gains[e] + 0.2 : gains[e] * 0.8 + minGain
                update[e] = momentum * update[e] - learningRate * gains[e] * g[e]
            }
            if let clip = maxStepNorm {
                for i in 0..<n {
                    var s = 0.0
                    for d in 0..<c { s += update[i * c + d] * update[i * c + d] }
                    let norm = s.squareRoot()
                    if norm > clip { for d in 0..<c { update[i * c + d] *= clip / norm } }
                }
            }
            for e in 0 ..< n * c {
                y[e] += update[e]
                if !(abs(y[e]) < Self.divergenceLimit) { bad = true }
            }
            if bad {
                throw EmbeddingError.numerical("t-SNE diverged in phase \(phase) at iteration \(global): non-finite or exploding coordinates (> \(Self.divergenceLimit)); lower the learning rate or set max_grad_norm")
            }
            if recenter {
                for d in 0..<c {
                    var mean = 0.0
                    for i in 0..<n { mean += y[i * c + d] }
                    mean /= Double(n)
                    for i in 0..<n { y[i * c + d] -= mean }
                }
            }
            iterationsDone += 1
            if let progress, (it + 1) % 10 == 0 || it + 1 == iterations {
                progress(phase, Double(it + 1) / Double(iterations))
            }
        }
    }
}
