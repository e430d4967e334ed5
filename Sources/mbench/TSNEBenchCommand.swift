import ArgumentParser
import Embedding
import Datasets
import Foundation
import Linalg
import Neighbors
import Quality

/// `mbench tsne-bench`: times t-SNE on the first n images of an MNIST-layout folder
/// (train, then t10k; pixels / 255), read by `Datasets.MNISTDirectory`.
///
/// Prints per-phase wall times, the final KL divergence and the leave-one-out 10-NN accuracy
/// of the embedding. The kNN graph (3·perplexity exact neighbours) is timed separately and then
/// passed to `TSNE.fit(_:neighbors:seed:progress:)`; `--nn-descent` lets t-SNE find it instead.
struct TSNEBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsne-bench",
        abstract: "Time t-SNE (affinities + optimisation) on an MNIST subset.")

    @Option(help: "Number of MNIST training images (first n).") var n = 10_000
    @Option(help: "Negative gradient method: exact | bh | fft | auto.") var method = "fft"
    @Option(help: "Random seed.") var seed: UInt64 = 42
    @Option(help: "Perplexity.") var perplexity = 30.0
    @Option(help: "Directory with train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz and the t10k files.")
    var mnist: String
    @Option(help: "Write the embedding as CSV (x,y,label) to this path.") var output: String?
    @Flag(help: "Let t-SNE find its neighbours itself (NN-descent from 4 096 points) instead of exact kNN.")
    var nnDescent = false
    @Option(help: "Queries for a sampled trustworthiness T(15) of the embedding (0 = skip).") var trustQueries = 0

    func validate() throws {
        guard n >= 1 else { throw ValidationError("--n must be at least 1, got \(n)") }
        // t-SNE rejects perplexities ≥ n − 1; bounding it here keeps 3·perplexity a valid neighbour count.
        guard perplexity.isFinite, perplexity > 0, perplexity < 1e6 else {
            throw ValidationError("--perplexity must be a number in (0, 1e6), got \(perplexity)")
        }
        guard trustQueries >= 0 else { throw ValidationError("--trust-queries must be 0 or more, got \(trustQueries)") }
        guard ["exact", "bh", "fft", "auto"].contains(method) else {
            throw ValidationError("--method must be exact, bh, fft or auto, got '\(method)'")
        }
    }

    func run() throws {
        let (data, labels) = try MNISTDirectory.load(URL(fileURLWithPath: mnist), first: n)
        let count = labels.count

        var params: Parameters = ["negative_gradient_method": .text(method), "perplexity": .number(perplexity)]
        if method == "auto" { params["negative_gradient_method"] = nil }
        let tsne = try TSNE(parameters: params)
        let k = min(count - 1, try Checked.int((3 * perplexity).rounded(.towardZero), "3·perplexity", in: 1...Int.max))
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
}
