import Embedding
import Yams

/// A YAML node with its file and path, offering typed reads whose errors point
/// at the node's line and column.
struct SpecNode {
    let node: Node
    let file: String
    /// Dotted path from the document root, for messages ("algorithms[1].params").
    let path: String

    var line: Int { node.mark?.line ?? 0 }
    var column: Int { node.mark?.column ?? 0 }

    func error(_ message: String) -> SpecError {
        SpecError(file: file, line: line, column: column, message: message)
    }

    /// Reads a mapping, rejecting keys outside `allowed` (the error names the key and the allowed ones).
    func mapping(allowed: [String]) throws -> [(key: String, keyNode: SpecNode, value: SpecNode)] {
        guard case .mapping(let mapping) = node else {
            throw error("'\(path)' must be a mapping with keys: \(allowed.joined(separator: ", "))")
        }
        var seen = Set<String>()
        var out: [(String, SpecNode, SpecNode)] = []
        for (k, v) in mapping {
            guard case .scalar(let scalar) = k else {
                throw SpecNode(node: k, file: file, path: path).error("keys of '\(path)' must be plain words")
            }
            let key = scalar.string
            let keyNode = SpecNode(node: k, file: file, path: path)
            guard allowed.contains(key) else {
                throw keyNode.error("unknown key '\(key)' in \(path); allowed: \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else { throw keyNode.error("duplicate key '\(key)' in \(path)") }
            out.append((key, keyNode, SpecNode(node: v, file: file, path: path.isEmpty ? key : "\(path).\(key)")))
        }
        return out
    }

    /// Reads a mapping with arbitrary keys (for parameters and options), in source order.
    func freeMapping() throws -> [(key: String, keyNode: SpecNode, value: SpecNode)] {
        guard case .mapping(let mapping) = node else { throw error("'\(path)' must be a mapping of names to values") }
        var seen = Set<String>()
        var out: [(String, SpecNode, SpecNode)] = []
        for (k, v) in mapping {
            let keyNode = SpecNode(node: k, file: file, path: path)
            guard case .scalar(let scalar) = k else { throw keyNode.error("keys of '\(path)' must be plain words") }
            guard seen.insert(scalar.string).inserted else { throw keyNode.error("duplicate key '\(scalar.string)' in \(path)") }
            out.append((scalar.string, keyNode, SpecNode(node: v, file: file, path: "\(path).\(scalar.string)")))
        }
        return out
    }

    /// The elements of a sequence, or this node alone when it is not a sequence
    /// (so `seed: 1` and `seeds: [1, 2]` read alike).
    func listOrSingle() -> [SpecNode] {
        if case .sequence(let seq) = node {
            return seq.enumerated().map { SpecNode(node: $0.element, file: file, path: "\(path)[\($0.offset)]") }
        }
        return [self]
    }

    /// The elements of a sequence; an error otherwise.
    func list() throws -> [SpecNode] {
        guard case .sequence(let seq) = node else { throw error("'\(path)' must be a list") }
        return seq.enumerated().map { SpecNode(node: $0.element, file: file, path: "\(path)[\($0.offset)]") }
    }

    var isSequence: Bool { if case .sequence = node { return true } else { return false } }

    /// A string scalar.
    func string() throws -> String {
        guard case .scalar(let scalar) = node else { throw error("'\(path)' must be a single value (text)") }
        return scalar.string
    }

    /// A plain (unquoted) scalar parsed as a number, or nil.
    private var number: Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return nil }
        let text = scalar.string.replacingOccurrences(of: "_", with: "")
        if let value = Double(text), value.isFinite { return value }
        return nil
    }

    /// An integer within `range`.
    func int(_ range: ClosedRange<Int> = Int.min...Int.max, what: String = "an integer") throws -> Int {
        guard let x = number, x == x.rounded(), abs(x) < 9e15 else {
            throw error("'\(path)' must be \(what), got '\((try? string()) ?? "a non-scalar")'")
        }
        let value = Int(x)
        guard range.contains(value) else {
            throw error("'\(path)' = \(value) is out of range; allowed: \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// A real number.
    func double() throws -> Double {
        guard let x = number else { throw error("'\(path)' must be a number, got '\((try? string()) ?? "a non-scalar")'") }
        return x
    }

    /// A non-negative 64-bit seed.
    func seed() throws -> UInt64 {
        guard case .scalar(let scalar) = node, let value = UInt64(scalar.string.replacingOccurrences(of: "_", with: "")) else {
            throw error("'\(path)' must be a non-negative integer seed")
        }
        return value
    }

    /// A boolean.
    func bool() throws -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { throw error("'\(path)' must be true or false") }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("'\(path)' must be true or false, got '\(scalar.string)'")
        }
    }

    /// An algorithm parameter: a number, a boolean, or text.
    func parameterValue() throws -> ParameterValue {
        guard case .scalar(let scalar) = node else { throw error("'\(path)' must be a number, true/false or a word") }
        if let x = number { return .number(x) }
        if scalar.style == .plain {
            switch scalar.string.lowercased() {
            case "true", "yes", "on": return .flag(true)
            case "false", "no", "off": return .flag(false)
            default: break
            }
        }
        return .text(scalar.string)
    }
}
