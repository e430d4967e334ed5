import ArgumentParser
import Embedding
import Datasets
import Foundation
import Lab
import Linalg
import Neighbors
import Quality

/// `mbench umap-bench`: times UMAP (or NN-descent alone) on the first n images of an
/// MNIST-layout folder (read by `Datasets.MNISTDirectory`) and prints phase timings, kNN
/// recall, 10-NN leave-one-out accuracy in the embedding and a sampled trustworthiness T(15).
struct UMAPBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umap-bench",
        abstract: "Benchmark UMAP / NN-descent on an MNIST-format directory (train + t10k gz IDX files).")

    @Option(help: "Directory with train-images-idx3-ubyte.gz etc. (MNIST or Fashion-MNIST).") var mnist: String
    @Option(help: "Number of images (first n of train+test).") var n: Int = 70_000
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Seed.") var seed: UInt64 = 42
    @Option(help: "SGD epochs (default: UMAP's automatic choice).") var epochs: Int?
    @Flag(help: "Only build the NN-descent graph (k = --k) and report stage times and recall.") var knnOnly = false
    @Option(help: "With --knn-only: neighbours per point, counting the point itself (t-SNE uses 3·perplexity + 1 = 91).")
    var k: Int = 15
    @Option(help: "With --knn-only: queries for the sampled recall.") var recallQueries: Int = 1000
    @Option(help: "With --knn-only: NN-descent trees (default automatic).") var trees: Int?
    @Option(help: "With --knn-only: NN-descent maximum iterations (default automatic).") var iterations: Int?
    @Option(help: "With --knn-only: NN-descent candidates per point (default 60).") var maxCandidates: Int?
    @Option(help: "With --knn-only: RP-tree leaf size (default automatic).") var leafSize: Int?
    @Option(help: "With --knn-only: NN-descent early-stop delta (default 0.001).") var delta: Double?
    @Flag(help: "With --knn-only: measure joins pair by pair instead of as BLAS blocks.") var pairwise = false
    @Flag(help: "With --knn-only: start from t-SNE's NN-descent settings (NNDescentParameters.forTSNE).") var tsneSettings = false
    @Flag(help: "With --knn-only: search in the original point order (no locality renumbering).") var originalOrder = false
    @Flag(help: "Sequential Hogwild SGD instead of the deterministic parallel one.") var sequential = false
    @Option(help: "Queries for sampled trustworthiness (0 = skip).") var trustQueries: Int = 1000
    @Option(help: "Write the embedding to this .npy file (float32, n × 2).") var out: String?

    func validate() throws {
        for (name, value, least) in [("--n", n, 1), ("--threads", threads, 1), ("--k", k, 2), ("--recall-queries", recallQueries, 1),
                                     ("--trust-queries", trustQueries, 0), ("--epochs", epochs ?? 1, 1), ("--trees", trees ?? 1, 1),
                                     ("--iterations", iterations ?? 1, 1), ("--max-candidates", maxCandidates ?? 1, 1),
                                     ("--leaf-size", leafSize ?? 2, 2)] where value < least {
            throw ValidationError("\(name) must be at least \(least), got \(value)")
        }
        if let delta, !(delta.isFinite && delta >= 0) { throw ValidationError("--delta must be a number ≥ 0, got \(delta)") }
    }

    func run() throws {
        Parallel.threadCount = threads
        let t0 = Clock.wallSeconds()
        let (data, labels) = try MNISTDirectory.load(URL(fileURLWithPath: mnist), first: n)
        print(String(format: "loaded %d × %d in %.2f s", data.rows, data.cols, Clock.wallSeconds() - t0))
        if knnOnly {
            let t1 = Clock.wallSeconds()
            let c1 = Clock.processCPUSeconds()
            var p = tsneSettings ? NNDescentParameters.forTSNE : NNDescentParameters()
            p.trees = trees; p.iterations = iterations; p.leafSize = leafSize
            if let maxCandidates { p.maxCandidates = maxCandidates }
            if let delta { p.delta = delta }
            p.blockedDistances = !pairwise
            p.localityOrder = !originalOrder
            let (g, stats) = try NNDescent.buildWithStatistics(data, k: k, includeSelf: true, seed: seed, parameters: p)
            let t = Clock.wallSeconds() - t1
            print(String(format: "cpu: total %.2f s (forest %.2f, init %.2f, descent %.2f, finish %.2f); updates per iteration %@",
                         Clock.processCPUSeconds() - c1, stats.forestCPUSeconds, stats.initCPUSeconds, stats.descentCPUSeconds,
                         stats.finishCPUSeconds, stats.updatesPerIteration.description))
            print("proposals per iteration: \(stats.proposalsPerIteration)")
            print("cpu per iteration: " + stats.iterationCPUSeconds.map { String(format: "%.2f", $0) }.joined(separator: " ")
                  + (stats.blocked ? " (blocked distances)" : " (pair-wise distances)"))
            let recall = try NeighborRecall.sampledRecall(data: data, graph: g, queries: recallQueries, seed: seed)
            print(String(format: "nndescent k=%d: %.2f s, recall (%d queries) %.4f, peak RSS %d MiB", k, t, recallQueries, recall,
                         (Clock.peakRSSBytes() ?? 0) >> 20))
            return
        }
        var params: Parameters = [:]
        if let epochs { params["n_epochs"] = .number(Double(epochs)) }
        if sequential { params["deterministic"] = .flag(false) }
        let umap = try UMAP(parameters: params)
        let clock = FitClock()
        let r = try umap.fit(data, labels: nil, seed: seed, progress: nil)
        let total = clock.stop(r).wallSeconds
        for p in r.phases { print(String(format: "  %-10@ wall %7.2f s  cpu %7.2f s", p.name as NSString, p.wallSeconds, p.cpuSeconds)) }
        print(String(format: "fit total %.2f s; knn_recall %.4f; a %.4f b %.4f; peak RSS %d MiB", total,
                     r.diagnostics["knn_recall"] ?? -1, r.diagnostics["a"] ?? 0, r.diagnostics["b"] ?? 0,
                     (Clock.peakRSSBytes() ?? 0) >> 20))
        print(String(format: "graph: %.0f edges, weight sum %.2f; %.0f edges kept for %.0f epochs", r.diagnostics["graph_edges"] ?? 0,
                     r.diagnostics["graph_weight_sum"] ?? 0, r.diagnostics["layout_edges"] ?? 0, r.diagnostics["epochs"] ?? 0))
        for w in r.warnings { print("warning: \(w)") }
        let emb = r.embedding
        let accuracy = try KNNAccuracy.leaveOneOut(embedding: emb, labels: labels, ks: [10])[10] ?? .nan
        print(String(format: "10-NN leave-one-out accuracy in embedding: %.4f", accuracy))
        if trustQueries > 0 {
            // The Quality module's estimator: queries ranked against all points.
            let t = try QualityEvaluator.evaluate([.trustworthiness(k: 15)], data: data, embedding: emb, labels: nil, seed: seed,
                                                  options: EvaluationOptions(exactLimit: 0, queries: trustQueries))[0]
            print(String(format: "trustworthiness T(15), %d sampled points: %.4f ± %.4f", trustQueries, t.value,
                         t.standardError ?? 0))
        }
        if let out { try NPY.write(emb, to: URL(fileURLWithPath: out)) }
    }
}
