import Embedding
import Foundation
import Linalg

/// A mistake in how a command was called (wrong flag value, unknown parameter):
/// `mbench` exits with status 2 for these.
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Sets the number of worker threads for everything that follows (results do not depend on it).
public func setThreadCount(_ count: Int) {
    Parallel.threadCount = count
}

/// `mbench embed`: one algorithm on one input, written to an .npy file.
public struct OneOffEmbedding {
    public let input: String?
    public let dataset: String?
    public let algorithm: String
    /// Parameters as typed on the command line (numbers, true/false, or words).
    public let parameters: [String: String]
    public let n: Int?
    public let seed: UInt64

    public init(input: String?, dataset: String?, algorithm: String, parameters: [String: String], n: Int?, seed: UInt64) {
        self.input = input
        self.dataset = dataset
        self.algorithm = algorithm
        self.parameters = parameters
        self.n = n
        self.seed = seed
    }

    /// Typed value of a command-line parameter: number, boolean, or text.
    static func parse(_ text: String) -> ParameterValue {
        if let x = Double(text), x.isFinite { return .number(x) }
        switch text.lowercased() {
        case "true", "yes": return .flag(true)
        case "false", "no": return .flag(false)
        default: return .text(text)
        }
    }

    /// Runs and writes the embedding; returns a one-line summary.
    public func run(writingTo out: URL) throws -> String {
        guard Catalog.algorithmNames.contains(algorithm) else {
            throw UsageError(message: "unknown algorithm '\(algorithm)'; known: \(Catalog.algorithmNames.joined(separator: ", "))")
        }
        let typed = parameters.mapValues(OneOffEmbedding.parse)
        let model: any EmbeddingAlgorithm
        do {
            model = try Catalog.makeAlgorithm(algorithm, parameters: typed)
        } catch let error as EmbeddingError {
            throw UsageError(message: error.description)
        }
        var data: PreparedData
        if let input {
            data = PreparedData(matrix: try ArrayFiles.readMatrix(URL(fileURLWithPath: input)), labels: nil,
                                coordinate: nil, checksum: try ArrayFiles.sha256(of: URL(fileURLWithPath: input)),
                                warnings: [])
            if let n, n < data.matrix.rows {
                var rng = RandomStream(seed: seed, purpose: "embed.subsample")
                data.matrix = data.matrix.selectingRows(rng.sample(n, from: data.matrix.rows).sorted())
            }
        } else {
            let name = dataset ?? ""
            guard Catalog.datasetNames.contains(name) else {
                throw UsageError(message: "unknown data set '\(name)'; known: \(Catalog.datasetNames.joined(separator: ", "))")
            }
            data = try DataPreparation.prepare(DatasetSelection(
                name: name, n: n, split: nil, subsample: "random", scaling: "none", path: nil, labelsPath: nil,
                labelColumn: nil, options: [:], pca: nil), seed: seed)
        }
        let clock = FitClock()
        let result = try model.fit(data.matrix, labels: data.labels, seed: seed,
                                   progress: TerminalProgress.handler(prefix: algorithm))
        TerminalProgress.clearLine()
        let seconds = clock.stop(result).wallSeconds
        _ = try ArrayFiles.write(result.embedding, to: out)
        var line = "\(algorithm): \(data.matrix.rows) × \(data.matrix.cols) → \(result.embedding.cols) dimensions in "
            + String(format: "%.2f s", seconds) + ", wrote \(out.path)"
        if !result.phases.isEmpty { line += "\nphases: " + OneOffEmbedding.describe(result.phases) }
        for warning in data.warnings + result.warnings { line += "\nwarning: \(warning)" }
        return line
    }

    /// "neighbors 12.3 s (peak 1.2 GiB), …": wall seconds and peak memory of each phase.
    static func describe(_ phases: [PhaseTiming]) -> String {
        phases.map { phase in
            var text = "\(phase.name) " + String(format: "%.2f s", phase.wallSeconds)
            if let peak = phase.peakRSSBytes { text += " (peak \(TaskMemoryEstimate.format(peak)))" }
            return text
        }.joined(separator: ", ")
    }
}
