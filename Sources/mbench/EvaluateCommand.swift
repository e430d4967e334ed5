import ArgumentParser
import Datasets
import Foundation
import Linalg
import Quality

/// `mbench evaluate`: quality metrics of an embedding, printed as JSON.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure an embedding's quality (trustworthiness, continuity, kNN accuracy, …) and print JSON.",
        discussion: """
        Metrics: \(QualityMetric.knownNames.joined(separator: ", ")).
        Inputs are .npy files (float32/float64/int64/int32, C order) or gzip IDX files (MNIST format).
        Up to --exact-limit points neighbourhood metrics are exact; above it they are estimated from
        --queries seeded query points (each ranked against all points) and reported with a standard error.
        """)

    @Option(help: "Input data, n × d (.npy or IDX .gz); repeat to concatenate rows (e.g. MNIST train + test).")
    var data: [String]

    @Option(help: "Embedding, n × c (.npy or IDX .gz).")
    var embedding: String?

    @Option(name: .customLong("random-projection"),
            help: "Instead of --embedding, use a seeded Gaussian random projection of the data to this many dimensions (for benchmarks).")
    var randomProjection: Int?

    @Option(help: "Integer class labels, n (.npy or IDX .gz); repeat to concatenate like --data.")
    var labels: [String] = []

    @Option(name: .customLong("metric"), help: "A metric to compute (repeatable), e.g. trustworthiness@15.")
    var metrics: [String] = ["trustworthiness@15"]

    @Option(help: "Seed for every sample (queries, folds, pairs).")
    var seed: UInt64 = 0

    @Option(name: .customLong("exact-limit"), help: "Largest n for exact neighbourhood metrics.")
    var exactLimit: Int = 20_000

    @Option(help: "Sampled query points above --exact-limit.")
    var queries: Int = 1_000

    @Option(help: "Use only the first N points of the inputs.")
    var limit: Int?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        if let c = randomProjection, !(1...100_000).contains(c) {
            throw ValidationError("--random-projection must be in 1...100000 dimensions, got \(c)")
        }
        guard exactLimit >= 0 else { throw ValidationError("--exact-limit must be 0 or more, got \(exactLimit)") }
        guard queries >= 1 else { throw ValidationError("--queries must be at least 1, got \(queries)") }
    }

    func run() throws {
        do {
            let parsed = try metrics.map(QualityMetric.init(parsing:))
            guard !data.isEmpty else { throw ValidationError("give --data FILE") }
            var x = try CommandInput.concatenated(try data.map(CommandInput.matrix(at:)))
            if let limit, limit < x.rows { x = x.selectingRows(0..<limit) }
            let y: Matrix
            if let embedding {
                y = try CommandInput.matrix(at: embedding)
            } else if let c = randomProjection {
                y = try CommandInput.randomProjection(x, to: c, seed: seed)
            } else {
                throw ValidationError("give --embedding FILE or --random-projection C")
            }
            let y2 = y.rows > x.rows ? y.selectingRows(0..<x.rows) : y
            var l: [Int]?
            if !labels.isEmpty {
                var values = try labels.flatMap(CommandInput.integers(at:))
                if let limit, limit < values.count { values = Array(values.prefix(limit)) }
                l = values
            }
            let start = Clock.wallSeconds()
            let results = try QualityEvaluator.evaluate(parsed, data: x, embedding: y2, labels: l, seed: seed,
                                                        options: EvaluationOptions(exactLimit: exactLimit, queries: queries))
            let report = EvaluationReport(points: x.rows, dimensions: x.cols, embeddingDimensions: y2.cols,
                                          threads: Parallel.threadCount, totalSeconds: Clock.wallSeconds() - start,
                                          metrics: results)
            try CommandInput.printJSON(report)
        } catch let error as QualityError {
            throw ValidationError(error.description)
        }
    }
}

/// What `mbench evaluate` prints.
struct EvaluationReport: Codable {
    var points: Int
    var dimensions: Int
    var embeddingDimensions: Int
    var threads: Int
    var totalSeconds: Double
    var metrics: [MetricResult]
}

/// Inputs of the quality commands: .npy files or IDX files (raw or gzip'd), read by `Datasets`.
enum CommandInput {
    struct InputError: Error, CustomStringConvertible {
        let description: String
    }

    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    static func isNPY(_ path: String) -> Bool { path.lowercased().hasSuffix(".npy") }

    /// Reads an n × d matrix (a 1-D array becomes n × 1; IDX images are flattened per item).
    static func matrix(at path: String) throws -> Matrix {
        let url = URL(fileURLWithPath: path)
        return isNPY(path) ? try NPY.readMatrix(from: url) : try IDX.readMatrix(from: url)
    }

    /// Rows of several matrices with the same number of columns, one after another.
    static func concatenated(_ parts: [Matrix]) throws -> Matrix {
        guard let first = parts.first else { throw InputError(description: "no input") }
        if parts.count == 1 { return first }
        guard parts.allSatisfy({ $0.cols == first.cols }) else {
            throw InputError(description: "inputs to concatenate have different column counts: \(parts.map(\.cols))")
        }
        return try Matrix(rows: parts.reduce(0) { $0 + $1.rows }, cols: first.cols, storage: parts.flatMap(\.storage))
    }

    /// Reads integer labels.
    static func integers(at path: String) throws -> [Int] {
        let url = URL(fileURLWithPath: path)
        return isNPY(path) ? try NPY.readLabels(from: url) : try IDX.readLabels(from: url)
    }

    /// A Gaussian random projection of the data to `c` dimensions (seeded; for benchmarks).
    static func randomProjection(_ x: Matrix, to c: Int, seed: UInt64) throws -> Matrix {
        guard c >= 1 else { throw InputError(description: "--random-projection needs at least 1 dimension") }
        var rng = RandomStream(seed: seed, purpose: "mbench.random-projection")
        let count = try Checked.product(x.cols, c, "random projection size", atMost: 1 << 31)
        let r = try Matrix(rows: x.cols, cols: c, storage: (0..<count).map { _ in Float(rng.nextGaussian()) })
        return try BLAS.multiply(x, r)
    }
}
