import ArgumentParser
import Foundation
import Lab

/// `mbench embed`: one-off embedding of any data.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Embed one data set or .npy file with one algorithm and write the embedding as .npy.")

    @Option(help: "Input matrix (.npy, n × d).")
    var input: String?

    @Option(help: "A named data set instead of --input (see mbench list datasets).")
    var dataset: String?

    @Option(help: "Algorithm name (see mbench list algorithms).")
    var algorithm: String

    @Option(name: .customLong("param"), help: "Algorithm parameter as key=value (repeatable).")
    var params: [String] = []

    @Option(help: "Use n points (subsampled with the seed).")
    var n: Int?

    @Option(help: "Seed for every random choice.")
    var seed: UInt64 = 0

    @Option(help: "Output embedding (.npy, float32).")
    var out: String

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        try threadOptions.apply()
        guard (input == nil) != (dataset == nil) else {
            throw UsageError(message: "give exactly one of --input FILE.npy or --dataset NAME")
        }
        if let n, n < 1 { throw UsageError(message: "--n must be positive, got \(n)") }
        var parameters: [String: String] = [:]
        for item in params {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw UsageError(message: "--param must look like key=value, got '\(item)'")
            }
            parameters[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        let summary = try OneOffEmbedding(input: input, dataset: dataset, algorithm: algorithm,
                                          parameters: parameters, n: n, seed: seed).run(writingTo: URL(fileURLWithPath: out))
        print(summary)
    }
}
