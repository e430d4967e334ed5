import Linalg
import Neighbors

/// densMAP's local radius (Narayan, Berger & Cho 2021): the log of the membership-weighted
/// mean squared distance from a point to its neighbours in UMAP's fuzzy graph,
/// r(i) = log(ε + Σ_j μ_ij d_ij² / Σ_j μ_ij), ε = 1e-8 (umap-learn's `rad_orig`).
/// `DensMAP` preserves it; the `radius-correlation@k` quality measure compares it between
/// the data and an embedding.
public enum LocalRadius {
    /// umap-learn's ε inside the logarithm.
    public static let epsilon = 1e-8

    /// r(i) per row of a CSR edge list (rows `edgeStart[i] ..< edgeStart[i + 1]`), with weight
    /// `weight[e]` and squared distance `squaredDistance[e]` per edge. A row without weight
    /// gets log ε. For a symmetric pattern this equals umap-learn's sum over the COO entries
    /// added to both ends (each edge then counts twice in numerator and denominator).
    static func logRadii(edgeStart: [Int], weight: [Float], squaredDistance: [Float]) -> [Double] {
        let n = edgeStart.count - 1
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var num = 0.0, den = 0.0
            for e in edgeStart[i]..<edgeStart[i + 1] {
                num += Double(weight[e]) * Double(squaredDistance[e])
                den += Double(weight[e])
            }
            out[i] = DeterministicMath.log(epsilon + (den > 0 ? num / den : 0))
        }
        return out
    }

    /// The kNN distance between j and k: looked up in row j, else in row k of `knn`
    /// (every edge of a fuzzy graph made from `knn` is in one of them); nil when absent.
    static func knnDistance(_ knn: KNNGraph, _ j: Int, _ k: Int) -> Float? {
        let base = j * knn.k
        for t in 0..<knn.k where Int(knn.indices[base + t]) == k { return knn.distances[base + t] }
        let other = k * knn.k
        for t in 0..<knn.k where Int(knn.indices[other + t]) == j { return knn.distances[other + t] }
        return nil
    }

    /// Squared kNN distances of the edges of a CSR edge list (`tail[e]` is edge e's other end).
    /// - Throws: `EmbeddingError.numerical` for an edge that is in neither end's kNN row.
    static func squaredEdgeDistances(edgeStart: [Int], tail: [Int32], knn: KNNGraph) throws -> [Float] {
        var out = [Float](repeating: 0, count: tail.count)
        for j in 0..<(edgeStart.count - 1) {
            for e in edgeStart[j]..<edgeStart[j + 1] {
                guard let d = knnDistance(knn, j, Int(tail[e])) else {
                    throw EmbeddingError.numerical("local radius: graph edge (\(j), \(tail[e])) is in neither point's kNN row")
                }
                out[e] = d * d
            }
        }
        return out
    }

    /// The local radii of points: their k nearest neighbours (the point itself counted, exact
    /// below 4 096 points, NN-descent from 4 096 on, as UMAP's `nn_method: auto`), UMAP's fuzzy
    /// simplicial set with its defaults, and r(i) over its edges (Euclidean distances).
    /// - Parameters: `points` n × d; `k` in 2...n − 1.
    public static func ofPoints(_ points: Matrix, k: Int, seed: UInt64) throws -> [Double] {
        let n = points.rows
        guard n >= 3, k >= 2, k < n else {
            throw EmbeddingError.invalidInput("local radius: k = \(k) needs 2 ≤ k < n (n = \(n))")
        }
        let knn: KNNGraph
        do {
            knn = NeighborSearch.auto.usesNNDescent(n: n)
                ? try NNDescent.build(points, k: k, metric: .euclidean, includeSelf: true,
                                      seed: RandomStream.derive(seed: seed, purpose: "local-radius.knn", index: 0))
                : try ExactKNN.search(points, k: k, metric: .euclidean, includeSelf: true)
        } catch let e as NeighborsError {
            throw EmbeddingError.invalidInput("local radius neighbours: \(e)")
        }
        let graph = UMAPFuzzySet.fuzzySimplicialSet(knn).graph
        let d2 = try squaredEdgeDistances(edgeStart: graph.rowStart, tail: graph.column, knn: knn)
        return logRadii(edgeStart: graph.rowStart, weight: graph.weight, squaredDistance: d2)
    }
}
