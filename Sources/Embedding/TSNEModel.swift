import Foundation
import Linalg
import Neighbors

/// A fitted t-SNE embedding that can place new points into it (openTSNE's `TSNEEmbedding.transform`).
public struct TSNEModel: Sendable {
    /// Parameters the model was fitted with.
    public let parameters: TSNEParameters
    /// The training data (n × d).
    public let trainingData: Matrix
    /// The training embedding, n × c row-major, in double precision.
    public let embedding: [Double]
    /// The fit's result (embedding as Float, timings, diagnostics).
    public let result: EmbeddingResult

    /// Options of `transform`; defaults are openTSNE's `TSNEEmbedding.transform` defaults
    /// (except the initialisation: the P-weighted mean of the neighbours' positions).
    public struct TransformOptions: Sendable {
        /// Perplexity of the new points' affinities to the training points (default 5; 3·perplexity neighbours).
        public var perplexity = 5.0
        /// Optimisation steps (default 250), momentum 0.8.
        public var iterations = 250
        /// Learning rate (default 0.1; the gradient of each new point is normalised per point).
        public var learningRate = 0.1
        /// Exaggeration of the attraction (default 1.5).
        public var exaggeration = 1.5
        /// Per-point gradient clip (default 0.25).
        public var maxGradNorm: Double? = 0.25
        /// Barnes–Hut θ for the repulsion from the training points (default 0.5).
        public var theta = 0.5
        public init() {}
    }

    /// Embeds the rows of `newData` (m × d, same d as the training data) into the fixed training
    /// embedding: affinities P(j|i) of each new point to its 3·perplexity nearest training points,
    /// start at the P-weighted mean of those points' positions, then gradient descent on each new
    /// point's own KL(P_i‖Q_i) with Q_i normalised over the training points (the training points do
    /// not move; new points do not interact). Returns m × c; diagnostics via `transformKL`.
    public func transform(_ newData: Matrix, options: TransformOptions = TransformOptions()) throws -> Matrix {
        try transformWithKL(newData, options: options).embedding
    }

    /// As `transform`, also returning the mean per-point KL(P_i‖Q_i) of the final positions.
    public func transformWithKL(_ newData: Matrix, options: TransformOptions = TransformOptions()) throws
        -> (embedding: Matrix, kl: Double) {
        let n = trainingData.rows, d = trainingData.cols, m = newData.rows
        let c = embedding.count / max(n, 1)
        guard newData.cols == d else {
            throw EmbeddingError.invalidInput("transform: new data has \(newData.cols) columns, the training data \(d)")
        }
        if m == 0 { return (try Matrix(rows: 0, cols: c, storage: []), 0) }
        if let bad = newData.firstNonFinite() {
            throw EmbeddingError.invalidInput("transform input contains \(bad.value) at row \(bad.row), column \(bad.col)")
        }
        guard options.perplexity > 0 && options.perplexity < Double(n) else {
            throw EmbeddingError.invalidParameter(algorithm: "tsne", name: "transform perplexity",
                                                  value: String(options.perplexity), allowed: "a number in (0, \(n))")
        }
        let perplexity = min(options.perplexity, Double(n) / 3)
        let k = max(1, min(n, Int(3 * perplexity)))
        let graph = Self.queryKNN(queries: newData, reference: trainingData, k: k)
        let cond = TSNECalibration.conditional(graph: graph, k: k, perplexity: perplexity, excludeSelf: false)
        // Point-wise normalised rows (each sums to 1), columns index the training points.
        let p = TSNEAffinities(n: m, rowStart: (0...m).map { $0 * k }, columns: cond.neighbors,
                               values: cond.probabilities, sigmas: cond.sigmas)
        var y = [Double](repeating: 0, count: m * c)
        for i in 0..<m {
            for e in 0..<k {
                let j = Int(cond.neighbors[i * k + e])
                let w = cond.probabilities[i * k + e]
                for t in 0..<c { y[i * c + t] += w * embedding[j * c + t] }
            }
        }
        let kernel = TSNEKernel(dof: parameters.dof)
        let tree = TSNESpaceTree(points: embedding, n: n, c: c)
        let pLogP = p.entropyTerm
        let reference = embedding
        let exaggeration = options.exaggeration
        let theta = options.theta
        func gradient(_ yy: [Double], _ evalKL: Bool, _ g: inout [Double]) -> Double {
            var zPer = [Double](repeating: 0, count: m)
            let rep = zPer.withUnsafeMutableBufferPointer { zb in
                TSNEBarnesHut.repulsion(queries: yy, count: m, selfIndexed: false, tree: tree, theta: theta,
                                        kernel: kernel, perPointZ: zb.baseAddress!)
            }
            let logW: Double = yy.withUnsafeBufferPointer { yb in
                reference.withUnsafeBufferPointer { rb in
                    g.withUnsafeMutableBufferPointer { gb in
                        TSNEObjective.attractive(p: p, y: yb.baseAddress!, reference: rb.baseAddress!, c: c, kernel: kernel,
                                                 evaluateKL: evalKL, out: gb.baseAddress!)
                    }
                }
            }
            var logZ = 0.0
            for i in 0..<m {
                let invZ = zPer[i] > 0 ? 1 / zPer[i] : 0
                for t in 0..<c { g[i * c + t] = exaggeration * g[i * c + t] - rep.forces[i * c + t] * invZ }
                if evalKL { logZ += DeterministicMath.log(max(zPer[i], .leastNormalMagnitude)) }
            }
            return evalKL ? (pLogP - logW + logZ) / Double(m) : .nan
        }
        var optimizer = TSNEOptimizer(count: m * c)
        try optimizer.run(y: &y, n: m, c: c, iterations: options.iterations, learningRate: options.learningRate,
                          momentum: 0.8, minGain: parameters.minGain, maxGradNorm: options.maxGradNorm, maxStepNorm: nil,
                          recenter: false, phase: "transform", progress: nil, gradient: gradient)
        var scratch = [Double](repeating: 0, count: m * c)
        // KL of the final positions, for the unexaggerated P.
        let kl = gradient(y, true, &scratch)
        guard kl.isFinite else { throw EmbeddingError.numerical("t-SNE transform produced a non-finite KL divergence") }
        return (try Matrix(rows: m, cols: c, storage: y.map { Float($0) }), kl)
    }

    /// Brute-force k nearest training points of each query row (Euclidean), ties by lower index.
    static func queryKNN(queries: Matrix, reference: Matrix, k: Int) -> KNNGraph {
        let m = queries.rows, n = reference.rows, d = reference.cols
        var idx = [Int32](repeating: 0, count: m * k)
        var dist = [Float](repeating: 0, count: m * k)
        queries.storage.withUnsafeBufferPointer { qb in
            reference.storage.withUnsafeBufferPointer { rb in
                idx.withUnsafeMutableBufferPointer { ib in
                    dist.withUnsafeMutableBufferPointer { db in
                        Parallel.forEachChunk(count: m, chunkSize: Parallel.chunkSize(for: m)) { _, range in
                            var heap = NeighborHeap(capacity: k)
                            for i in range {
                                heap.clear()
                                for j in 0..<n {
                                    heap.push(distance: Distance.squaredEuclidean(qb.baseAddress! + i * d, rb.baseAddress! + j * d, d),
                                              index: Int32(j))
                                }
                                for (e, (dd, j)) in heap.sortedAscending().prefix(k).enumerated() {
                                    ib[i * k + e] = j
                                    db[i * k + e] = dd.squareRoot()
                                }
                            }
                        }
                    }
                }
            }
        }
        return KNNGraph(n: m, k: k, indices: idx, distances: dist, includesSelf: false)
    }
}
