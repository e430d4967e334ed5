import Foundation
import Linalg
import Neighbors

/// Sparse symmetric t-SNE input affinities P in CSR form (row i: `columns[rowStart[i] ..< rowStart[i+1]]`,
/// ascending column order, no diagonal), with sum over all entries equal to 1.
public struct TSNEAffinities: Sendable {
    /// Number of points (rows).
    public let n: Int
    /// Row offsets, n + 1 entries.
    public var rowStart: [Int]
    /// Column index of each stored entry.
    public var columns: [Int32]
    /// Value p_ij of each stored entry.
    public var values: [Double]
    /// Gaussian bandwidth σ_i of P(·|i) per point, in input-space distance units (p ∝ exp(−d²/2σ²)).
    public var sigmas: [Double]

    /// Σ p_ij log p_ij, the constant part of KL(P‖Q).
    public var entropyTerm: Double {
        var s = 0.0
        for v in values where v > 0 { s += v * DeterministicMath.log(v) }
        return s
    }
}

/// Calibration of per-point Gaussian bandwidths to a target perplexity.
public enum TSNECalibration {
    /// Binary search stops when |H(P(·|i)) − log(perplexity)| < this (nats).
    public static let entropyTolerance = 1e-10
    /// … or after this many bisection steps.
    public static let maxIterations = 200

    /// Finds β_i = 1/(2σ_i²) with entropy of p_j ∝ exp(−β d_j²) equal to log(perplexity),
    /// by bisection on β (doubling/halving until bracketed).
    /// - Parameters:
    ///   - squaredDistances: the k squared distances of one point to its neighbours.
    ///   - probabilities: receives the k conditional probabilities (sum 1).
    /// - Returns: β and the entropy reached (nats).
    public static func calibrateRow(squaredDistances d2: UnsafeBufferPointer<Double>, perplexity: Double,
                                    probabilities p: UnsafeMutableBufferPointer<Double>) -> (beta: Double, entropy: Double) {
        let k = d2.count
        if k == 0 { return (1, 0) }
        var dmin = Double.infinity
        for v in d2 where v < dmin { dmin = v }
        let target = DeterministicMath.log(perplexity)
        var beta = 1.0
        var lo = 0.0
        var hi = Double.infinity
        var entropy = 0.0
        // Scale the starting β to the data so that tiny or huge distance scales converge fast.
        var mean = 0.0
        for v in d2 { mean += v - dmin }
        mean /= Double(k)
        if mean > 0 { beta = 1 / mean }
        for _ in 0..<maxIterations {
            var sumW = 0.0
            var sumWD = 0.0
            for j in 0..<k {
                let shifted = d2[j] - dmin
                let w = DeterministicMath.exp(-beta * shifted)
                p[j] = w
                sumW += w
                sumWD += w * shifted
            }
            entropy = DeterministicMath.log(sumW) + beta * sumWD / sumW
            let diff = entropy - target
            if abs(diff) < entropyTolerance { break }
            if diff > 0 {  // too flat: sharpen
                lo = beta
                beta = hi.isFinite ? (beta + hi) / 2 : beta * 2
            } else {
                hi = beta
                beta = (beta + lo) / 2
            }
        }
        var sumW = 0.0
        for j in 0..<k {
            let w = DeterministicMath.exp(-beta * (d2[j] - dmin))
            p[j] = w
            sumW += w
        }
        for j in 0..<k { p[j] /= sumW }
        return (beta, entropy)
    }

    /// Conditional affinities P(j|i) on the first `k` non-self neighbours of every point of `graph`.
    /// Returns the neighbour lists (n × k), the probabilities (n × k, rows sum to 1) and σ per point.
    /// `excludeSelf` = false when the neighbours index another point set (new points against training points).
    public static func conditional(graph: KNNGraph, k: Int, perplexity: Double, excludeSelf: Bool = true)
        -> (neighbors: [Int32], probabilities: [Double], sigmas: [Double], entropies: [Double]) {
        let n = graph.n
        let skip = graph.includesSelf && excludeSelf ? 1 : 0
        var nbrs = [Int32](repeating: 0, count: n * k)
        var probs = [Double](repeating: 0, count: n * k)
        var sigmas = [Double](repeating: 0, count: n)
        var entropies = [Double](repeating: 0, count: n)
        nbrs.withUnsafeMutableBufferPointer { nb in
            probs.withUnsafeMutableBufferPointer { pb in
                sigmas.withUnsafeMutableBufferPointer { sb in
                    entropies.withUnsafeMutableBufferPointer { eb in
                        graph.indices.withUnsafeBufferPointer { gi in
                            graph.distances.withUnsafeBufferPointer { gd in
                                Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range in
                                    var d2 = [Double](repeating: 0, count: k)
                                    d2.withUnsafeMutableBufferPointer { d2b in
                                        for i in range {
                                            // Take the first k neighbours that are not i itself.
                                            var col = 0
                                            var src = skip
                                            while col < k && src < graph.k {
                                                let j = gi[i * graph.k + src]
                                                if !excludeSelf || Int(j) != i {
                                                    nb[i * k + col] = j
                                                    let d = Double(gd[i * graph.k + src])
                                                    d2b[col] = d * d
                                                    col += 1
                                                }
                                                src += 1
                                            }
                                            let out = UnsafeMutableBufferPointer(rebasing: pb[i * k ..< i * k + col])
                                            let (beta, h) = calibrateRow(
                                                squaredDistances: UnsafeBufferPointer(rebasing: d2b[0..<col]),
                                                perplexity: perplexity, probabilities: out)
                                            // Unused slots (graph with fewer neighbours) point to i with p = 0.
                                            for c in col..<k { nb[i * k + c] = Int32(i); pb[i * k + c] = 0 }
                                            sb[i] = (1 / (2 * beta)).squareRoot()
                                            eb[i] = h
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (nbrs, probs, sigmas, entropies)
    }

    /// Symmetrised joint affinities p_ij = (P(j|i) + P(i|j)) / 2n as CSR (openTSNE's "pair-wise" normalisation:
    /// divided by the total so that Σ p_ij = 1).
    public static func symmetrize(n: Int, k: Int, neighbors: [Int32], probabilities: [Double],
                                  sigmas: [Double]) -> TSNEAffinities {
        // Count entries per row: row i gets its own k entries and one per incoming edge.
        var counts = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            for c in 0..<k {
                let j = Int(neighbors[i * k + c])
                if j == i { continue }
                counts[i] += 1
                counts[j] += 1
            }
        }
        var start = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { start[i + 1] = start[i] + counts[i] }
        var fill = start
        var cols = [Int32](repeating: 0, count: start[n])
        var vals = [Double](repeating: 0, count: start[n])
        for i in 0..<n {
            for c in 0..<k {
                let j = Int(neighbors[i * k + c])
                if j == i { continue }
                let v = probabilities[i * k + c]
                cols[fill[i]] = Int32(j); vals[fill[i]] = v; fill[i] += 1
                cols[fill[j]] = Int32(i); vals[fill[j]] = v; fill[j] += 1
            }
        }
        // Sort each row by column and merge duplicates (an edge present in both directions).
        var newLen = [Int](repeating: 0, count: n)
        cols.withUnsafeMutableBufferPointer { cb in
            vals.withUnsafeMutableBufferPointer { vb in
                newLen.withUnsafeMutableBufferPointer { lb in
                    Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range in
                        var pairs: [(Int32, Double)] = []
                        for i in range {
                            pairs.removeAll(keepingCapacity: true)
                            for e in start[i] ..< start[i + 1] { pairs.append((cb[e], vb[e])) }
                            pairs.sort { $0.0 < $1.0 }
                            var w = start[i]
                            for (c, v) in pairs {
                                if w > start[i] && cb[w - 1] == c { vb[w - 1] += v } else { cb[w] = c; vb[w] = v; w += 1 }
                            }
                            lb[i] = w - start[i]
                        }
                    }
                }
            }
        }
        var rowStart = [Int](repeating: 0, count: n + 1)
        for i in 0..<n { rowStart[i + 1] = rowStart[i] + newLen[i] }
        var outC = [Int32](repeating: 0, count: rowStart[n])
        var outV = [Double](repeating: 0, count: rowStart[n])
        var total = 0.0
        for i in 0..<n {
            for e in 0..<newLen[i] {
                outC[rowStart[i] + e] = cols[start[i] + e]
                outV[rowStart[i] + e] = vals[start[i] + e]
                total += vals[start[i] + e]
            }
        }
        if total > 0 { for e in 0..<outV.count { outV[e] /= total } }
        return TSNEAffinities(n: n, rowStart: rowStart, columns: outC, values: outV, sigmas: sigmas)
    }
}
