/// Errors raised by `Embedding` algorithms. Each says what to change.
public enum EmbeddingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A parameter name the algorithm does not know.
    case unknownParameter(algorithm: String, name: String, known: [String])
    /// A parameter with a wrong type or out-of-range value.
    case invalidParameter(algorithm: String, name: String, value: String, allowed: String)
    /// Input data the algorithm cannot work with (empty, NaN/inf, too few points, …).
    case invalidInput(String)
    /// A numerical failure (divergence, failed eigensolver, …).
    case numerical(String)

    public var description: String {
        switch self {
        case .unknownParameter(let algorithm, let name, let known):
            return "\(algorithm) has no parameter '\(name)'; known parameters: \(known.joined(separator: ", "))"
        case .invalidParameter(let algorithm, let name, let value, let allowed):
            return "\(algorithm) parameter '\(name)' = \(value) is invalid; allowed: \(allowed)"
        case .invalidInput(let message):
            return message
        case .numerical(let message):
            return message
        }
    }
}
