import Linalg
import Neighbors

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// UMAP's fuzzy simplicial set: local metric calibration (ρ, σ) and memberships.
public enum UMAPFuzzySet {
    /// Binary-search tolerance on Σ exp(−(d − ρ)/σ) (umap-learn's SMOOTH_K_TOLERANCE).
    public static let tolerance = 1e-5
    /// Lower bound of σ as a fraction of the mean neighbour distance (MIN_K_DIST_SCALE).
    public static let minKDistScale = 1e-3

    /// Per point ρ (distance to the `localConnectivity`-th nearest non-zero neighbour,
    /// interpolated) and σ such that Σ_{j≥1} exp(−max(0, d_ij − ρ_i)/σ_i) = log2(k) · bandwidth,
    /// found by 64 steps of bisection. Column 0 of `distances` is the point itself (ignored in the sum).
    /// - Parameters: `distances` n × k row-major, ascending per row.
    public static func smoothKNNDistances(distances: [Float], n: Int, k: Int, localConnectivity: Double = 1,
                                          bandwidth: Double = 1, iterations: Int = 64,
                                          skipFirst: Bool = true) -> (sigma: [Float], rho: [Float]) {
        let target = DeterministicMath.log2(Double(k)) * bandwidth
        var sigma = [Float](repeating: 0, count: n)
        var rho = [Float](repeating: 0, count: n)
        var total = 0.0
        for v in distances { total += Double(v) }
        let meanAll = total / Double(max(distances.count, 1))
        let first = skipFirst ? 1 : 0
        // Points are independent: fixed chunks in parallel, each writing only its own entries.
        sigma.withUnsafeMutableBufferPointer { sigmaBuffer in
        rho.withUnsafeMutableBufferPointer { rhoBuffer in
        let sigmaOut = sigmaBuffer.baseAddress!, rhoOut = rhoBuffer.baseAddress!
        Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n, targetChunks: 64, minimum: 256)) { _, range in
        for i in range {
            let row = distances[i * k ..< (i + 1) * k]
            let nonZero = row.filter { $0 > 0 }.map(Double.init)
            var r = 0.0
            if Double(nonZero.count) >= localConnectivity {
                let index = Int(localConnectivity.rounded(.down))
                let interpolation = localConnectivity - Double(index)
                if index > 0 {
                    r = nonZero[index - 1]
                    if interpolation > tolerance && index < nonZero.count {
                        r += interpolation * (nonZero[index] - nonZero[index - 1])
                    }
                } else {
                    r = interpolation * (nonZero.first ?? 0)
                }
            } else if let m = nonZero.max() {
                r = m
            }
            var lo = 0.0, hi = Double.infinity, mid = 1.0
            for _ in 0..<iterations {
                var psum = 0.0
                for j in first..<k {
                    let d = Double(distances[i * k + j]) - r
                    psum += d > 0 ? DeterministicMath.exp(-(d / mid)) : 1
                }
                if abs(psum - target) < tolerance { break }
                if psum > target {
                    hi = mid; mid = (lo + hi) / 2
                } else {
                    lo = mid
                    mid = hi == .infinity ? mid * 2 : (lo + hi) / 2
                }
            }
            if r > 0 {
                var mean = 0.0
                for v in row { mean += Double(v) }
                mean /= Double(k)
                mid = max(mid, minKDistScale * mean)
            } else {
                mid = max(mid, minKDistScale * meanAll)
            }
            sigmaOut[i] = Float(mid)
            rhoOut[i] = Float(r)
        }
        }
        }
        }
        return (sigma, rho)
    }

    /// Directed membership strengths exp(−max(0, d − ρ)/σ) as an n × cols graph;
    /// entries pointing at the row's own index (when `selfIndex`) get 0 and are dropped.
    static func memberships(indices: [Int32], distances: [Float], n: Int, k: Int, cols: Int,
                            sigma: [Float], rho: [Float], selfIndex: Bool) -> UMAPGraph {
        var lists = [[(Int32, Float)]](repeating: [], count: n)
        lists.withUnsafeMutableBufferPointer { lb in
            let out = lb.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n, targetChunks: 64, minimum: 256)) { _, range in
                for i in range {
                    var list: [(Int32, Float)] = []
                    list.reserveCapacity(k)
                    for j in 0..<k {
                        let u = indices[i * k + j]
                        // Skip missing entries, the point itself and repeats (rows are short: a linear scan).
                        if u < 0 || (selfIndex && Int(u) == i) || list.contains(where: { $0.0 == u }) { continue }
                        let d = distances[i * k + j] - rho[i]
                        let w: Float = (d <= 0 || sigma[i] == 0) ? 1 : Float(DeterministicMath.exp(-Double(d) / Double(sigma[i])))
                        list.append((u, w))
                    }
                    out[i] = list
                }
            }
        }
        return UMAPGraph.fromRows(n, cols: cols, lists)
    }

    /// The symmetric fuzzy simplicial set of a kNN graph (which must list each point first).
    public static func fuzzySimplicialSet(_ knn: KNNGraph, setOpMixRatio: Double = 1,
                                          localConnectivity: Double = 1) -> (graph: UMAPGraph, sigma: [Float], rho: [Float]) {
        let (sigma, rho) = smoothKNNDistances(distances: knn.distances, n: knn.n, k: knn.k,
                                              localConnectivity: localConnectivity, skipFirst: knn.includesSelf)
        let p = memberships(indices: knn.indices, distances: knn.distances, n: knn.n, k: knn.k, cols: knn.n,
                            sigma: sigma, rho: rho, selfIndex: true)
        return (p.symmetrized(mixRatio: Float(setOpMixRatio)), sigma, rho)
    }
}
