import Linalg

/// A value given to an algorithm parameter in a spec or on the command line.
public enum ParameterValue: Hashable, Sendable, CustomStringConvertible {
    case number(Double)
    case text(String)
    case flag(Bool)

    public var description: String {
        switch self {
        case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        case .text(let s): return s
        case .flag(let b): return String(b)
        }
    }
}

/// Named parameter values, as they come from a spec.
public typealias Parameters = [String: ParameterValue]

/// What an embedding algorithm returns.
public struct EmbeddingResult: Sendable {
    /// The embedding: n × c, row i for input point i.
    public var embedding: Matrix
    /// Wall/CPU time per phase, in order.
    public var phases: [PhaseTiming]
    /// Scalar diagnostics for the record (for example "kl_divergence",
    /// "knn_recall", "explained_variance_ratio_1").
    public var diagnostics: [String: Double]
    /// Vector diagnostics (for example the calibrated t-SNE σ per point).
    public var series: [String: [Double]]
    /// Warnings a user should see (fallbacks taken, parameters adjusted).
    public var warnings: [String]
    /// Wall and CPU seconds spent inside `fit` on measurements that are not part of the
    /// algorithm (UMAP's sampled kNN recall); whoever times a fit subtracts them, so the
    /// fit time compares with reference implementations that do not measure themselves.
    public var diagnosticWallSeconds = 0.0
    public var diagnosticCPUSeconds = 0.0

    public init(embedding: Matrix, phases: [PhaseTiming] = [], diagnostics: [String: Double] = [:],
                series: [String: [Double]] = [:], warnings: [String] = []) {
        self.embedding = embedding
        self.phases = phases
        self.diagnostics = diagnostics
        self.series = series
        self.warnings = warnings
    }
}

/// Progress callback: `(phase, fraction done in [0, 1])`. Called from the calling thread only.
public typealias ProgressHandler = (String, Double) -> Void

/// An embedding algorithm that `Lab` can run from a spec.
///
/// Conforming types are plain value types holding validated parameters.
/// `init(parameters:)` rejects unknown names and out-of-range values with an
/// `EmbeddingError` naming the parameter and the allowed values.
public protocol EmbeddingAlgorithm: Sendable {
    /// Stable name used in specs ("pca", "tsne", "umap").
    static var name: String { get }
    /// Every parameter with its default and meaning, for `mbench list` and errors.
    static var parameterDocs: [ParameterDoc] { get }
    /// Version of the implementation's arithmetic. Bump it in the same change as anything that
    /// may alter the output bytes for some input, so that stored results made by the old code
    /// are recomputed instead of reused (`Lab` compares it on reuse). The golden-output test
    /// (`ImplementationFingerprintTests`) fails when the bytes change and this does not.
    static var implementationVersion: Int { get }
    /// Validates and stores parameters; absent ones take their documented defaults.
    init(parameters: Parameters) throws
    /// Embeds the n × d `data`; `labels` (n entries, −1 = unlabelled) are used only
    /// by supervised methods. All randomness comes from `seed`.
    func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult
}

/// Documentation of one parameter.
public struct ParameterDoc: Sendable {
    public let name: String
    public let defaultValue: String
    public let help: String
    public init(_ name: String, _ defaultValue: String, _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// Reads typed, range-checked parameters and rejects unknown names.
///
///     var reader = ParameterReader(algorithm: "umap", parameters: p, docs: UMAP.parameterDocs)
///     let k = try reader.int("n_neighbors", default: 15, range: 2...)
public struct ParameterReader {
    public let algorithm: String
    private let parameters: Parameters
    private let known: [String]

    public init(algorithm: String, parameters: Parameters, docs: [ParameterDoc]) throws {
        self.algorithm = algorithm
        self.parameters = parameters
        self.known = docs.map(\.name)
        for key in parameters.keys.sorted() where !known.contains(key) {
            throw EmbeddingError.unknownParameter(algorithm: algorithm, name: key, known: known)
        }
    }

    private func invalid(_ name: String, _ value: ParameterValue, _ allowed: String) -> EmbeddingError {
        .invalidParameter(algorithm: algorithm, name: name, value: value.description, allowed: allowed)
    }

    /// A real number in `range`.
    public func double(_ name: String, default fallback: Double,
                       range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude,
                       allowed: String? = nil) throws -> Double {
        guard let value = parameters[name] else { return fallback }
        guard case .number(let x) = value, x.isFinite, range.contains(x) else {
            throw invalid(name, value, allowed ?? "a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return x
    }

    /// A real number strictly above `lowerBound`.
    public func positiveDouble(_ name: String, default fallback: Double, above lowerBound: Double = 0) throws -> Double {
        guard let value = parameters[name] else { return fallback }
        guard case .number(let x) = value, x.isFinite, x > lowerBound else {
            throw invalid(name, value, "a number greater than \(lowerBound)")
        }
        return x
    }

    /// An integer in `range`.
    public func int(_ name: String, default fallback: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let value = parameters[name] else { return fallback }
        guard case .number(let x) = value, x == x.rounded(), x.magnitude < 1e15, range.contains(Int(x)) else {
            throw invalid(name, value, "an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(x)
    }

    /// An optional integer (absent ⇒ nil, for example "automatic").
    public func optionalInt(_ name: String, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard parameters[name] != nil else { return nil }
        return try int(name, default: 0, range: range)
    }

    /// One of a fixed set of words.
    public func choice(_ name: String, default fallback: String, among choices: [String]) throws -> String {
        guard let value = parameters[name] else { return fallback }
        guard case .text(let s) = value, choices.contains(s) else {
            throw invalid(name, value, "one of \(choices.joined(separator: ", "))")
        }
        return s
    }

    /// A boolean.
    public func flag(_ name: String, default fallback: Bool) throws -> Bool {
        guard let value = parameters[name] else { return fallback }
        guard case .flag(let b) = value else { throw invalid(name, value, "true or false") }
        return b
    }

    /// Raw access, for parameters that accept several forms (for example learning_rate: auto | number).
    public func raw(_ name: String) -> ParameterValue? { parameters[name] }
}

extension ParameterValue: Codable {
    /// Encodes as a bare JSON number, string or boolean.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let b = try? container.decode(Bool.self) { self = .flag(b); return }
        if let x = try? container.decode(Double.self) { self = .number(x); return }
        self = .text(try container.decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let x): try container.encode(x)
        case .text(let s): try container.encode(s)
        case .flag(let b): try container.encode(b)
        }
    }
}
