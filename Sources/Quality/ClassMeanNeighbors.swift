import Linalg

/// KNC, k-nearest-class preservation (Kobak & Berens 2019, "The art of using t-SNE for
/// single-cell transcriptomics", their `embedding_quality`'s `mnn_global`): compute every
/// class's mean in the input and in the embedding; for each class, the fraction of its k
/// nearest other class means in the input that are also among its k nearest in the
/// embedding; KNC is the mean over classes. Classes are the distinct labels (C of them), and
/// 1 ≤ k < C. Ties in the class-mean distances go to the lower label.
///
/// Always exact: the class means take one O(n·d) pass and the rest is O(C²·d), so large n
/// needs no sampling estimator (the standard error is nil).
public enum ClassMeanNeighbors {
    /// - Parameters: data n × d, embedding n × c, labels n class labels, k neighbouring classes.
    /// - Returns: KNC in [0, 1].
    public static func preservation(data: Matrix, embedding: Matrix, labels: [Int], k: Int) throws -> Double {
        try NeighborhoodMetrics.validate(data: data, embedding: embedding)
        guard labels.count == data.rows else { throw QualityError.labelCountMismatch(labels: labels.count, points: data.rows) }
        let classes = Array(Set(labels)).sorted()
        let c = classes.count
        guard k >= 1, k < c else {
            throw QualityError.invalidNeighborCount(k: k, n: c, requirement: "KNC needs 1 ≤ k < number of classes (here \(c))")
        }
        var index: [Int: Int] = [:]
        for (a, label) in classes.enumerated() { index[label] = a }
        let codes = labels.map { index[$0]! }
        let nearX = nearestMeans(classMeans(data, codes: codes, classes: c), k: k)
        let nearY = nearestMeans(classMeans(embedding, codes: codes, classes: c), k: k)
        var kept = 0.0
        for a in 0..<c { kept += Double(Set(nearX[a]).intersection(nearY[a]).count) / Double(k) }
        return kept / Double(c)
    }

    /// Class means (classes × d, Double), summed in point order.
    static func classMeans(_ m: Matrix, codes: [Int], classes c: Int) -> [[Double]] {
        let d = m.cols
        var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: c)
        var counts = [Int](repeating: 0, count: c)
        m.storage.withUnsafeBufferPointer { x in
            for (i, a) in codes.enumerated() {
                counts[a] += 1
                for t in 0..<d { sums[a][t] += Double(x[i * d + t]) }
            }
        }
        return (0..<c).map { a in sums[a].map { $0 / Double(counts[a]) } }
    }

    /// For each mean, the k nearest other means (ascending distance, ties by lower index).
    static func nearestMeans(_ means: [[Double]], k: Int) -> [[Int]] {
        let c = means.count
        return (0..<c).map { a in
            let others = (0..<c).filter { $0 != a }.map { b -> (Double, Int) in
                var s = 0.0
                for t in 0..<means[a].count { let v = means[a][t] - means[b][t]; s += v * v }
                return (s, b)
            }
            return others.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.prefix(k).map { $0.1 }
        }
    }
}
