import ArgumentParser
import CZlib
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

/// Minimal readers for the quality commands' inputs (.npy v1–3, little-endian, C order;
/// gzip IDX). To be replaced by the Datasets module's readers.
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

    /// Reads an n × d matrix (a 1-D array becomes n × 1).
    static func matrix(at path: String) throws -> Matrix {
        let array = try read(path)
        let rows = array.shape.first ?? 1
        let cols = array.shape.dropFirst().reduce(1, *)
        let values = array.values.map { Float($0) }
        return try Matrix(rows: rows, cols: cols, storage: values)
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

    /// Reads integer labels (any numeric type with integral values).
    static func integers(at path: String) throws -> [Int] {
        let array = try read(path)
        return try array.values.map { v in
            guard v.isFinite, v == v.rounded() else { throw InputError(description: "\(path): labels must be integers, found \(v)") }
            return Int(v)
        }
    }

    /// A Gaussian random projection of the data to `c` dimensions (seeded; for benchmarks).
    static func randomProjection(_ x: Matrix, to c: Int, seed: UInt64) throws -> Matrix {
        guard c >= 1 else { throw InputError(description: "--random-projection needs at least 1 dimension") }
        var rng = RandomStream(seed: seed, purpose: "mbench.random-projection")
        let r = try Matrix(rows: x.cols, cols: c, storage: (0..<(x.cols * c)).map { _ in Float(rng.nextGaussian()) })
        return try BLAS.multiply(x, r)
    }

    struct NumericArray { var shape: [Int]; var values: [Double] }

    static func read(_ path: String) throws -> NumericArray {
        if path.hasSuffix(".gz") { return try idx(try gunzip(path), path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(description: "cannot read \(path)")
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: [0x93] + Array("NUMPY".utf8)) { return try npy(bytes, path) }
        return try idx(bytes, path)
    }

    static func gunzip(_ path: String) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else { throw InputError(description: "cannot open \(path)") }
        defer { gzclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if got < 0 { throw InputError(description: "\(path): corrupt gzip data") }
            if got == 0 { break }
            out.append(contentsOf: chunk[0..<Int(got)])
        }
        return out
    }

    /// IDX (MNIST): magic 0x0000 type rank, big-endian sizes, unsigned bytes.
    static func idx(_ b: [UInt8], _ path: String) throws -> NumericArray {
        guard b.count >= 4, b[0] == 0, b[1] == 0, b[2] == 0x08 else {
            throw InputError(description: "\(path): not a .npy or unsigned-byte IDX file")
        }
        let rank = Int(b[3])
        guard b.count >= 4 + 4 * rank else { throw InputError(description: "\(path): truncated IDX header") }
        var shape: [Int] = []
        for r in 0..<rank {
            let o = 4 + 4 * r
            shape.append(Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]))
        }
        let count = shape.reduce(1, *)
        let start = 4 + 4 * rank
        guard b.count >= start + count else { throw InputError(description: "\(path): truncated IDX data") }
        return NumericArray(shape: shape, values: b[start ..< start + count].map { Double($0) })
    }

    static func npy(_ b: [UInt8], _ path: String) throws -> NumericArray {
        guard b.count >= 10 else { throw InputError(description: "\(path): truncated .npy header") }
        let major = b[6]
        let headerLength: Int, headerStart: Int
        if major == 1 {
            headerLength = Int(b[8]) | Int(b[9]) << 8; headerStart = 10
        } else {
            guard b.count >= 12 else { throw InputError(description: "\(path): truncated .npy header") }
            headerLength = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24; headerStart = 12
        }
        guard b.count >= headerStart + headerLength else { throw InputError(description: "\(path): truncated .npy header") }
        let header = String(decoding: b[headerStart ..< headerStart + headerLength], as: UTF8.self)
        func field(_ name: String) -> String? {
            guard let r = header.range(of: "'\(name)':") else { return nil }
            return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descrField = field("descr"), let q1 = descrField.firstIndex(of: "'"),
              let q2 = descrField[descrField.index(after: q1)...].firstIndex(of: "'") else {
            throw InputError(description: "\(path): .npy header has no descr")
        }
        let descr = String(descrField[descrField.index(after: q1)..<q2])
        if let f = field("fortran_order"), f.hasPrefix("True") {
            throw InputError(description: "\(path): Fortran-order .npy arrays are not supported; save with C order")
        }
        guard let shapeField = field("shape"), let open = shapeField.firstIndex(of: "("),
              let close = shapeField.firstIndex(of: ")") else {
            throw InputError(description: "\(path): .npy header has no shape")
        }
        let shape = shapeField[shapeField.index(after: open)..<close].split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        let start = headerStart + headerLength
        let width: Int
        switch descr {
        case "<f4", "<i4": width = 4
        case "<f8", "<i8": width = 8
        case "|u1", "|i1": width = 1
        default: throw InputError(description: "\(path): unsupported .npy dtype \(descr); use float32, float64, int32, int64 or uint8")
        }
        guard b.count >= start + count * width else { throw InputError(description: "\(path): truncated .npy data") }
        var values = [Double](repeating: 0, count: count)
        b.withUnsafeBytes { raw in
            let p = raw.baseAddress! + start
            for i in 0..<count {
                let q = p + i * width
                switch descr {
                case "<f4": values[i] = Double(Float(bitPattern: UInt32(littleEndian: q.loadUnaligned(as: UInt32.self))))
                case "<f8": values[i] = Double(bitPattern: UInt64(littleEndian: q.loadUnaligned(as: UInt64.self)))
                case "<i4": values[i] = Double(Int32(littleEndian: q.loadUnaligned(as: Int32.self)))
                case "<i8": values[i] = Double(Int64(littleEndian: q.loadUnaligned(as: Int64.self)))
                case "|u1": values[i] = Double(q.load(as: UInt8.self))
                default: values[i] = Double(q.load(as: Int8.self))
                }
            }
        }
        return NumericArray(shape: shape.isEmpty ? [1] : shape, values: values)
    }
}
