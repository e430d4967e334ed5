import ArgumentParser
import Embedding
import Datasets
import Foundation
import Linalg
import Neighbors
import Quality

/// `mbench tsne-bench`: times t-SNE on the first n MNIST training images (pixels / 255).
///
/// Prints per-phase wall times, the final KL divergence and the leave-one-out 10-NN accuracy
/// of the embedding. The kNN graph (3·perplexity exact neighbours) is timed separately and then
/// passed to `TSNE.fit(_:neighbors:seed:progress:)`.
struct TSNEBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsne-bench",
        abstract: "Time t-SNE (affinities + optimisation) on an MNIST subset.")

    @Option(help: "Number of MNIST training images (first n).") var n = 10_000
    @Option(help: "Negative gradient method: exact | bh | fft | auto.") var method = "fft"
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @Option(help: "Perplexity.") var perplexity = 30.0
    @Option(help: "Directory with train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz.")
    var mnist = "/work/shared/datasets/mnist"
    @Option(help: "Write the embedding as CSV (x,y,label) to this path.") var output: String?
    @Flag(help: "Let t-SNE find its neighbours itself (NN-descent from 4 096 points) instead of exact kNN.")
    var nnDescent = false
    @Option(help: "Queries for a sampled trustworthiness T(15) of the embedding (0 = skip).") var trustQueries = 0

    func run() throws {
        // The first n images of train, then of t10k (n up to 70 000).
        var storage: [Float] = [], labels: [Int] = []
        let d = 784
        for part in ["train", "t10k"] where labels.count < n {
            let images = try readGzip("\(mnist)/\(part)-images-idx3-ubyte.gz")
            let labelBytes = try readGzip("\(mnist)/\(part)-labels-idx1-ubyte.gz")
            guard images.count >= 16, labelBytes.count >= 8 else { throw ValidationError("MNIST files are truncated") }
            let total = Int(images[4]) << 24 | Int(images[5]) << 16 | Int(images[6]) << 8 | Int(images[7])
            let take = min(n - labels.count, total)
            guard images.count >= 16 + take * d, labelBytes.count >= 8 + take else { throw ValidationError("MNIST files are truncated") }
            storage += (0 ..< take * d).map { Float(images[16 + $0]) / 255 }
            labels += (0..<take).map { Int(labelBytes[8 + $0]) }
        }
        let count = labels.count
        let data = try Matrix(rows: count, cols: d, storage: storage)

        var params: Parameters = ["negative_gradient_method": .text(method), "perplexity": .number(perplexity)]
        if method == "auto" { params["negative_gradient_method"] = nil }
        let tsne = try TSNE(parameters: params)
        let k = min(count - 1, Int(3 * perplexity))
        print("t-SNE on MNIST n = \(count), method \(method), threads \(Parallel.threadCount), seed \(seed)")
        var knnSeconds = 0.0
        let result: EmbeddingResult
        if nnDescent {
            result = try tsne.fit(data, labels: nil, seed: seed, progress: nil)
            let knn = result.phases.first { $0.name == "neighbors" }
            knnSeconds = knn?.wallSeconds ?? 0
            print(String(format: "  NN-descent %d-NN: %.2f s wall  %.2f s cpu", k, knnSeconds, knn?.cpuSeconds ?? 0))
        } else {
            let t0 = Clock.wallSeconds()
            let graph = try ExactKNN.euclidean(data, k: k, includeSelf: false)
            knnSeconds = Clock.wallSeconds() - t0
            print(String(format: "  exact %d-NN: %.2f s", k, knnSeconds))
            result = try tsne.fit(data, neighbors: graph, seed: seed, progress: nil)
        }
        var fitSeconds = 0.0
        for p in result.phases where p.name != "neighbors" {
            print(String(format: "  %-20@ %8.2f s wall  %8.2f s cpu", p.name as NSString, p.wallSeconds, p.cpuSeconds))
            fitSeconds += p.wallSeconds
        }
        print(String(format: "  affinities + optimisation: %.2f s; with kNN: %.2f s", fitSeconds, fitSeconds + knnSeconds))
        print(String(format: "  KL divergence: %.4f", result.diagnostics["kl_divergence"] ?? .nan))
        if let h = result.series["kl_history"] { print("  KL history: " + h.map { String(format: "%.3f", $0) }.joined(separator: " ")) }
        for w in result.warnings { print("  warning: \(w)") }
        let e = result.embedding
        let accuracy = try KNNAccuracy.leaveOneOut(embedding: e, labels: labels, ks: [10])[10] ?? .nan
        print(String(format: "  10-NN accuracy (leave-one-out): %.4f", accuracy))
        if trustQueries > 0 {
            let t = try QualityEvaluator.evaluate([.trustworthiness(k: 15)], data: data, embedding: e, labels: nil, seed: seed,
                                                  options: EvaluationOptions(exactLimit: 0, queries: trustQueries))[0]
            print(String(format: "  trustworthiness T(15), %d sampled points: %.4f ± %.4f", trustQueries, t.value, t.standardError ?? 0))
        }
        if let output {
            var text = "x,y,label\n"
            for i in 0..<count { text += "\(e[i, 0]),\(e.cols > 1 ? e[i, 1] : 0),\(labels[i])\n" }
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        }
    }

    /// Reads a whole gzip file.
    private func readGzip(_ path: String) throws -> [UInt8] {
        try IDX.readBytes(URL(fileURLWithPath: path))  // gzip'd or raw, through Datasets
    }
}
