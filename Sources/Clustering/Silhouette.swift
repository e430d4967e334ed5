import Linalg

/// Silhouette coefficient (Rousseeuw 1987), as scikit-learn's `silhouette_score`
/// with the Euclidean metric: for each point a = mean distance to the other members
/// of its cluster, b = smallest mean distance to another cluster, s = (b − a)/max(a, b)
/// (s = 0 for a point alone in its cluster); the score is the mean of s.
public enum Silhouette {
    /// Exact score over all points: O(n² d) time, O(n · clusters) memory.
    /// Needs 2 ≤ number of distinct labels ≤ n − 1.
    public static func score(_ data: Matrix, labels: [Int]) throws -> Double {
        let s = try samples(data, labels: labels)
        var sum = 0.0
        for v in s { sum += v }
        return sum / Double(s.count)
    }

    /// Score on `sampleSize` points drawn with `RandomStream(seed:, purpose: "clustering.silhouette")`
    /// (the silhouette of the sub-sample, like scikit-learn's `sample_size`); exact when n ≤ sampleSize.
    public static func sampledScore(_ data: Matrix, labels: [Int], sampleSize: Int, seed: UInt64) throws -> Double {
        guard labels.count == data.rows else { throw ClusteringError.labelCountMismatch(labels: labels.count, points: data.rows) }
        if data.rows <= sampleSize { return try score(data, labels: labels) }
        var rng = RandomStream(seed: seed, purpose: "clustering.silhouette")
        let pick = rng.sample(sampleSize, from: data.rows).sorted()
        return try score(data.selectingRows(pick), labels: pick.map { labels[$0] })
    }

    /// Per-point silhouette values.
    public static func samples(_ data: Matrix, labels: [Int]) throws -> [Double] {
        let n = data.rows, d = data.cols
        guard labels.count == n else { throw ClusteringError.labelCountMismatch(labels: labels.count, points: n) }
        if let bad = data.firstNonFinite() { throw ClusteringError.nonFinite(row: bad.row, col: bad.col) }
        let values = Array(Set(labels)).sorted()
        let c = values.count
        guard c >= 2, c <= n - 1 else {
            throw ClusteringError.invalidLabels("silhouette needs 2 ≤ number of clusters ≤ n − 1 (got \(c) clusters for \(n) points)")
        }
        var code: [Int: Int] = [:]
        for (i, v) in values.enumerated() { code[v] = i }
        let codes = labels.map { code[$0] ?? 0 }
        var sizes = [Int](repeating: 0, count: c)
        for v in codes { sizes[v] += 1 }
        var out = [Double](repeating: 0, count: n)
        data.storage.withUnsafeBufferPointer { xb in
        out.withUnsafeMutableBufferPointer { ob in
            let x = xb.baseAddress!, o = ob.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range in
                var sums = [Double](repeating: 0, count: c)
                for i in range {
                    for t in 0..<c { sums[t] = 0 }
                    let a = x + i * d
                    for j in 0..<n where j != i {
                        let b = x + j * d
                        var acc = 0.0
                        for t in 0..<d { let v = Double(a[t]) - Double(b[t]); acc += v * v }
                        sums[codes[j]] += acc.squareRoot()
                    }
                    let own = codes[i]
                    if sizes[own] <= 1 { o[i] = 0; continue }
                    let intra = sums[own] / Double(sizes[own] - 1)
                    var inter = Double.infinity
                    for t in 0..<c where t != own { inter = min(inter, sums[t] / Double(sizes[t])) }
                    let denom = max(intra, inter)
                    o[i] = denom > 0 ? (inter - intra) / denom : 0
                }
            }
        }}
        return out
    }
}
