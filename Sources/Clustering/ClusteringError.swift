/// Errors raised by `Clustering`. Each case says what was wrong in words a user can act on.
public enum ClusteringError: Error, Equatable, CustomStringConvertible, Sendable {
    /// More clusters (or components) asked for than there are points.
    case tooManyClusters(k: Int, n: Int)
    /// A cluster count below 1.
    case invalidClusterCount(Int)
    /// Labels given for a different number of points.
    case labelCountMismatch(labels: Int, points: Int)
    /// A matrix or parameter array with the wrong shape.
    case shapeMismatch(String)
    /// NaN or infinity in the data.
    case nonFinite(row: Int, col: Int)
    /// A covariance that stayed singular even after extra regularisation.
    case singularCovariance(component: Int, detail: String)
    /// A metric that needs a number of distinct labels it did not get.
    case invalidLabels(String)
    /// An unknown covariance type name.
    case unknownCovarianceType(String)
    /// Any other invalid argument.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .tooManyClusters(k, n):
            return "asked for \(k) clusters but there are only \(n) points; use k ≤ n"
        case let .invalidClusterCount(k):
            return "cluster count must be at least 1, got \(k)"
        case let .labelCountMismatch(labels, points):
            return "got \(labels) labels for \(points) points; give exactly one label per point"
        case let .shapeMismatch(message):
            return "shape mismatch: \(message)"
        case let .nonFinite(row, col):
            return "data has a NaN or infinite value at row \(row), column \(col)"
        case let .singularCovariance(component, detail):
            return "covariance of component \(component) is singular even after regularisation (\(detail)); increase regularisation or reduce k"
        case let .invalidLabels(message):
            return "invalid labels: \(message)"
        case let .unknownCovarianceType(name):
            return "unknown covariance type '\(name)'; use full, tied, diag or spherical"
        case let .invalidArgument(message):
            return "invalid argument: \(message)"
        }
    }
}
