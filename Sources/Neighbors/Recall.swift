import Linalg

/// Recall of approximate neighbour lists against exact ones.
public enum NeighborRecall {
    /// Mean fraction of each row's exact neighbours found in the approximate row.
    /// A neighbour also counts when its distance ties the exact k-th distance
    /// (so duplicates do not lower recall). Rows are matched by position; both graphs
    /// must have the same k and self convention. Self entries are ignored.
    public static func recall(approx: KNNGraph, exact: KNNGraph, rows: [Int]? = nil) -> Double {
        precondition(approx.k == exact.k && approx.includesSelf == exact.includesSelf, "graphs must match in k")
        let k = exact.k, skip = exact.includesSelf ? 1 : 0
        let chosen = rows ?? Array(0..<exact.n)
        guard !chosen.isEmpty, k > skip else { return 1 }
        var total = 0.0
        for (r, i) in chosen.enumerated() {
            let exactRow = Set(exact.indices[r * k + skip ..< r * k + k])
            let kth = exact.distances[r * k + k - 1]
            var hits = 0
            for c in skip..<k {
                let j = approx.indices[i * k + c]
                if exactRow.contains(j) || approx.distances[i * k + c] <= kth * (1 + 1e-6) { hits += 1 }
            }
            total += Double(hits) / Double(k - skip)
        }
        return total / Double(chosen.count)
    }

    /// Recall of `graph` (the kNN graph of `data` under `metric`) on `queries` randomly
    /// chosen rows, checked against exact search by brute force.
    public static func sampledRecall(data: Matrix, graph: KNNGraph, metric: Metric = .euclidean,
                                     queries: Int = 200, seed: UInt64) throws -> Double {
        var rng = RandomStream(seed: seed, purpose: "nn.recall")
        let picked = rng.sample(min(queries, data.rows), from: data.rows).sorted()
        let sample = data.selectingRows(picked)
        let others = graph.includesSelf ? graph.k - 1 : graph.k
        let found = try ExactKNN.query(sample, reference: data, k: graph.k, metric: metric)
        // Exact rows with the self convention of `graph`: drop the query point itself if present.
        var indices = [Int32](repeating: 0, count: picked.count * graph.k)
        var distances = [Float](repeating: 0, count: picked.count * graph.k)
        for (r, i) in picked.enumerated() {
            var col = 0
            if graph.includesSelf { indices[r * graph.k] = Int32(i); col = 1 }
            for c in 0..<graph.k where col < graph.k && !(graph.includesSelf && found.indices[r * graph.k + c] == Int32(i)) {
                if col - (graph.includesSelf ? 1 : 0) >= others { break }
                indices[r * graph.k + col] = found.indices[r * graph.k + c]
                distances[r * graph.k + col] = found.distances[r * graph.k + c]
                col += 1
            }
        }
        let exact = KNNGraph(n: picked.count, k: graph.k, indices: indices, distances: distances,
                             includesSelf: graph.includesSelf)
        return recall(approx: graph, exact: exact, rows: picked)
    }
}
