/// A k-nearest-neighbour graph over n points: for each point, its k nearest
/// points in ascending order of distance.
///
/// Storage is row-major n × k: `indices[i * k + j]` is the j-th neighbour of
/// point i and `distances[i * k + j]` its (true, not squared) distance in the
/// chosen metric. Whether a point lists itself first (distance 0, as umap-learn
/// does) is recorded in `includesSelf`.
public struct KNNGraph: Equatable, Sendable {
    /// Number of points.
    public let n: Int
    /// Neighbours per point.
    public let k: Int
    /// Neighbour indices, n × k, ascending distance within each row.
    public var indices: [Int32]
    /// Neighbour distances, n × k, matching `indices`.
    public var distances: [Float]
    /// True when each row starts with the point itself.
    public let includesSelf: Bool

    public init(n: Int, k: Int, indices: [Int32], distances: [Float], includesSelf: Bool) {
        precondition(indices.count == n * k && distances.count == n * k, "KNNGraph storage must be n × k")
        self.n = n
        self.k = k
        self.indices = indices
        self.distances = distances
        self.includesSelf = includesSelf
    }

    /// Neighbour indices of point `i`.
    public func neighbors(of i: Int) -> ArraySlice<Int32> { indices[i * k ..< (i + 1) * k] }

    /// Neighbour distances of point `i`.
    public func neighborDistances(of i: Int) -> ArraySlice<Float> { distances[i * k ..< (i + 1) * k] }
}

/// Errors raised by `Neighbors`.
public enum NeighborsError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Asked for more neighbours than there are other points.
    case tooFewPoints(n: Int, k: Int)
    /// A metric name that is not known.
    case unknownMetric(String, known: [String])
    /// Data with NaN or infinite values.
    case nonFinite(row: Int, col: Int)
    /// Any other invalid argument.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case .tooFewPoints(let n, let k):
            return "need more than \(k) points for \(k) neighbours, got n = \(n)"
        case .unknownMetric(let name, let known):
            return "unknown metric '\(name)'; known metrics: \(known.joined(separator: ", "))"
        case .nonFinite(let row, let col):
            return "data contains NaN or infinite value at row \(row), column \(col)"
        case .invalidArgument(let message):
            return message
        }
    }
}
