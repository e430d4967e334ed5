/// Parameter declarations: each algorithm declares every parameter once (name, type,
/// default, range or choices, help). `init(parameters:)` reads values through the
/// declaration (`ParameterReader.value(_:)`), `parameterDocs` (what `mbench list` prints and
/// errors quote) is derived from it, and memberwise defaults refer to it, so a default is
/// written in exactly one place.

/// A whole-number parameter in a closed range.
public struct IntParameter: Sendable {
    public let name: String
    public let defaultValue: Int
    public let range: ClosedRange<Int>
    public let help: String
    public init(_ name: String, default defaultValue: Int, range: ClosedRange<Int>, _ help: String) {
        self.name = name; self.defaultValue = defaultValue; self.range = range; self.help = help
    }
    public var doc: ParameterDoc { ParameterDoc(name, String(defaultValue), help) }
}

/// A whole-number parameter that may be left to the algorithm (absent or `word`, e.g. "auto" ⇒ nil).
public struct OptionalIntParameter: Sendable {
    public let name: String
    public let range: ClosedRange<Int>
    /// The word that means "let the algorithm choose" (also what `mbench list` shows as the default).
    public let word: String
    public let help: String
    public init(_ name: String, range: ClosedRange<Int>, word: String = "auto", _ help: String) {
        self.name = name; self.range = range; self.word = word; self.help = help
    }
    public var doc: ParameterDoc { ParameterDoc(name, word, help) }
}

/// A real-number parameter: in a closed range, or strictly above a bound.
public struct RealParameter: Sendable {
    public let name: String
    public let defaultValue: Double
    /// Allowed values when given as a closed range; nil when only `above` applies.
    public let range: ClosedRange<Double>?
    /// Values must be strictly greater than this when `range` is nil.
    public let above: Double
    public let help: String
    /// A real number in `range`.
    public init(_ name: String, default defaultValue: Double, range: ClosedRange<Double>, _ help: String) {
        self.name = name; self.defaultValue = defaultValue; self.range = range; self.above = 0; self.help = help
    }
    /// A real number strictly greater than `above` (default 0).
    public init(_ name: String, default defaultValue: Double, above: Double = 0, _ help: String) {
        self.name = name; self.defaultValue = defaultValue; self.range = nil; self.above = above; self.help = help
    }
    public var doc: ParameterDoc { ParameterDoc(name, ParameterValue.number(defaultValue).description, help) }
}

/// A positive real number that may be switched off or left automatic with a word
/// (`word` ⇒ nil, e.g. learning_rate: auto, max_grad_norm: none).
public struct OptionalRealParameter: Sendable {
    public let name: String
    /// The value when the parameter is absent (nil = the word's meaning).
    public let defaultValue: Double?
    public let word: String
    public let help: String
    public init(_ name: String, default defaultValue: Double?, word: String, _ help: String) {
        self.name = name; self.defaultValue = defaultValue; self.word = word; self.help = help
    }
    public var doc: ParameterDoc {
        ParameterDoc(name, defaultValue.map { ParameterValue.number($0).description } ?? word, help)
    }
}

/// One of the cases of a string enum (choices listed in declaration order).
public struct ChoiceParameter<Choice: RawRepresentable & CaseIterable & Sendable>: Sendable where Choice.RawValue == String {
    public let name: String
    public let defaultValue: Choice
    public let help: String
    public init(_ name: String, default defaultValue: Choice, _ help: String) {
        self.name = name; self.defaultValue = defaultValue; self.help = help
    }
    public static var choices: [String] { Choice.allCases.map(\.rawValue) }
    public var doc: ParameterDoc { ParameterDoc(name, defaultValue.rawValue, "\(Self.choices.joined(separator: " | ")): \(help)") }
}

/// One word among a list known only at run time (for example metric names).
public struct WordParameter: Sendable {
    public let name: String
    public let defaultValue: String
    public let choices: [String]
    public let help: String
    public init(_ name: String, default defaultValue: String, among choices: [String], _ help: String) {
        self.name = name; self.defaultValue = defaultValue; self.choices = choices; self.help = help
    }
    public var doc: ParameterDoc { ParameterDoc(name, defaultValue, help) }
}

/// true or false.
public struct FlagParameter: Sendable {
    public let name: String
    public let defaultValue: Bool
    public let help: String
    public init(_ name: String, default defaultValue: Bool, _ help: String) {
        self.name = name; self.defaultValue = defaultValue; self.help = help
    }
    public var doc: ParameterDoc { ParameterDoc(name, String(defaultValue), help) }
}

extension ParameterReader {
    /// The declared integer (its default when absent).
    public func value(_ p: IntParameter) throws -> Int { try int(p.name, default: p.defaultValue, range: p.range) }

    /// The declared optional integer: nil when absent or given as its word.
    public func value(_ p: OptionalIntParameter) throws -> Int? {
        guard let given = raw(p.name), given != .text(p.word) else { return nil }
        return try int(p.name, default: 0, range: p.range)
    }

    /// The declared real number (its default when absent).
    public func value(_ p: RealParameter) throws -> Double {
        if let range = p.range { return try double(p.name, default: p.defaultValue, range: range) }
        return try positiveDouble(p.name, default: p.defaultValue, above: p.above)
    }

    /// The declared optional positive real: its default when absent, nil when given as its word.
    public func value(_ p: OptionalRealParameter) throws -> Double? {
        switch raw(p.name) {
        case nil: return p.defaultValue
        case .text(p.word)?: return nil
        case .number(let x)? where x.isFinite && x > 0: return x
        case let given?:
            throw EmbeddingError.invalidParameter(algorithm: algorithm, name: p.name, value: given.description,
                                                  allowed: "\(p.word) or a positive number")
        }
    }

    /// The declared choice (its default when absent).
    public func value<Choice>(_ p: ChoiceParameter<Choice>) throws -> Choice {
        let word = try choice(p.name, default: p.defaultValue.rawValue, among: ChoiceParameter<Choice>.choices)
        return Choice(rawValue: word) ?? p.defaultValue
    }

    /// The declared word (its default when absent).
    public func value(_ p: WordParameter) throws -> String { try choice(p.name, default: p.defaultValue, among: p.choices) }

    /// The declared flag (its default when absent).
    public func value(_ p: FlagParameter) throws -> Bool { try flag(p.name, default: p.defaultValue) }
}

/// How an algorithm finds nearest neighbours.
public enum NeighborSearch: String, Sendable, CaseIterable {
    /// Exact below 4 096 points (t-SNE: 8 192), NN-descent from there on.
    case auto
    /// Exact (BLAS-tiled) search.
    case exact
    /// Random-projection forest plus NN-descent.
    case nndescent

    /// Whether `n` points are searched with NN-descent; `auto` switches at `exactBelow` points
    /// (4 096, umap-learn's rule; t-SNE passes its own, `TSNEParameters.exactNeighborsBelow`).
    public func usesNNDescent(n: Int, exactBelow: Int = 4_096) -> Bool {
        self == .nndescent || (self == .auto && n >= exactBelow)
    }
}
