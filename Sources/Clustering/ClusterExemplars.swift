import Foundation
import Linalg

/// The members of each cluster nearest its centre: what the clustering article shows (the
/// pictures nearest each cluster's centre) to say what a cluster is.
public enum ClusterExemplars {
    /// One cluster's exemplars.
    public struct Cluster: Equatable, Sendable {
        /// The cluster label (≥ 0).
        public var label: Int
        /// Number of points with that label.
        public var size: Int
        /// The centre: the mean of the cluster's rows (d values, in Double).
        public var centre: [Double]
        /// Up to `count` member rows, nearest the centre first (Euclidean; ties by row index).
        public var members: [Int]
    }

    /// For every label ≥ 0 in `clusters` (ascending; −1, noise, is skipped), the `count` member rows
    /// of `points` (n × d) nearest the cluster's mean, nearest first, ties by smaller row index.
    /// - Throws: `ClusteringError.invalidArgument` when `clusters` does not have n entries or
    ///   `count` is below 1.
    public static func nearest(_ points: Matrix, clusters: [Int], count: Int) throws -> [Cluster] {
        let n = points.rows, d = points.cols
        guard clusters.count == n else {
            throw ClusteringError.invalidArgument("\(clusters.count) cluster labels for \(n) points")
        }
        guard count >= 1 else { throw ClusteringError.invalidArgument("exemplar count must be at least 1, got \(count)") }
        var members = [Int: [Int]]()
        for (i, c) in clusters.enumerated() where c >= 0 { members[c, default: []].append(i) }
        return members.keys.sorted().map { label in
            let rows = members[label]!
            var centre = [Double](repeating: 0, count: d)
            for i in rows { for t in 0..<d { centre[t] += Double(points.storage[i * d + t]) } }
            for t in 0..<d { centre[t] /= Double(rows.count) }
            let distances = rows.map { i -> (Double, Int) in
                var s = 0.0
                for t in 0..<d { let v = Double(points.storage[i * d + t]) - centre[t]; s += v * v }
                return (s, i)
            }
            let nearest = distances.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.prefix(count).map(\.1)
            return Cluster(label: label, size: rows.count, centre: centre, members: Array(nearest))
        }
    }
}
