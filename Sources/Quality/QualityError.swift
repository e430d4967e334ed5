/// Errors raised by `Quality`. Each case says what was wrong in words a user can act on.
public enum QualityError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Data and embedding (or two embeddings) do not have the same number of rows.
    case rowCountMismatch(data: Int, embedding: Int)
    /// A neighbourhood size outside what the metric allows for `n` points.
    case invalidNeighborCount(k: Int, n: Int, requirement: String)
    /// Labels given for a different number of points than the data.
    case labelCountMismatch(labels: Int, points: Int)
    /// A metric that needs labels was asked for without them.
    case labelsRequired(metric: String)
    /// A metric name that could not be parsed.
    case unknownMetric(name: String, known: [String])
    /// NaN or infinity in an input matrix.
    case nonFinite(matrix: String, row: Int, col: Int)
    /// Too few points (or classes) for the metric.
    case tooFewPoints(String)
    /// Any other invalid argument.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .rowCountMismatch(data, embedding):
            return "data has \(data) rows but the embedding has \(embedding); they must describe the same points"
        case let .invalidNeighborCount(k, n, requirement):
            return "neighbourhood size k = \(k) is not allowed for n = \(n) points: \(requirement)"
        case let .labelCountMismatch(labels, points):
            return "got \(labels) labels for \(points) points; give exactly one label per point"
        case let .labelsRequired(metric):
            return "metric '\(metric)' needs labels (pass --labels / labels:)"
        case let .unknownMetric(name, known):
            return "unknown quality metric '\(name)'; known metrics: \(known.joined(separator: ", "))"
        case let .nonFinite(matrix, row, col):
            return "\(matrix) has a NaN or infinite value at row \(row), column \(col)"
        case let .tooFewPoints(message):
            return "too few points: \(message)"
        case let .invalidArgument(message):
            return "invalid argument: \(message)"
        }
    }
}
