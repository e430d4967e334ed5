import Linalg
import Neighbors

/// One block of features with its own distance: UMAP builds a fuzzy simplicial set per block.
public struct GraphBlock: Sendable {
    /// Name (for diagnostics and messages).
    public var name: String
    public var distance: BlockDistance
    /// Neighbours of this block's kNN graph (nil = the algorithm's n_neighbors).
    public var nNeighbors: Int?

    public init(name: String, distance: BlockDistance, nNeighbors: Int? = nil) {
        self.name = name
        self.distance = distance
        self.nNeighbors = nNeighbors
    }
}

/// How one block's fuzzy set joins the graph combined so far.
public enum GraphCombination: Equatable, Sendable, CustomStringConvertible {
    /// Weighted fuzzy intersection; `weight` is the later block's share (0.5 = umap-learn's `*`).
    case intersection(weight: Double)
    /// Fuzzy union (umap-learn's `+`).
    case union

    /// Accepted spellings, for messages.
    public static let spellings = "intersection, union, or a mix weight in [0, 1] (the later block's share; 0.5 = intersection)"

    /// Parses `intersection`, `union` or a number in [0, 1].
    public init(parsing text: String) throws {
        switch text {
        case "intersection": self = .intersection(weight: 0.5)
        case "union": self = .union
        default:
            guard let w = Double(text), w.isFinite, (0...1).contains(w) else {
                throw EmbeddingError.invalidParameter(algorithm: UMAP.name, name: "combine", value: text, allowed: GraphCombination.spellings)
            }
            self = .intersection(weight: w)
        }
    }

    public var description: String {
        switch self {
        case .intersection(let w): return w == 0.5 ? "intersection" : "intersection(\(w))"
        case .union: return "union"
        }
    }

    /// The combination of each block with the ones before it: `combine` has one entry for every
    /// pair, or one entry per consecutive pair (blocks − 1); entry p joins block p + 1 (and a
    /// categorical first block is joined by entry 0).
    public static func perBlock(_ combine: [GraphCombination], blocks: Int) throws -> [GraphCombination] {
        guard blocks >= 1 else { throw EmbeddingError.invalidInput("umap: no blocks") }
        if blocks == 1 { return [.intersection(weight: 0.5)] }
        let pairs: [GraphCombination]
        if combine.count == 1 { pairs = Array(repeating: combine[0], count: blocks - 1) }
        else if combine.count == blocks - 1 { pairs = combine }
        else {
            throw EmbeddingError.invalidInput("umap: combine has \(combine.count) entries for \(blocks) blocks; give one, or one per consecutive pair (\(blocks - 1))")
        }
        return [pairs[0]] + pairs
    }
}

extension UMAP {
    /// Version of the block path (`fitBlocks`: per-block graphs and their combination), on top of
    /// `implementationVersion`; stored results of runs on blocks carry both ("umap/2+blocks/1").
    /// 1: operands of `*` and `+` pruned as fitted umap-learn models are (stored zeros, floors 1e−8).
    public static let blocksImplementationVersion = 1

    /// UMAP on blocks of features, each with its own metric and kNN graph (umap-learn's model
    /// algebra, "UMAP for a data frame"):
    /// 1. every block that is not categorical gets its exact kNN graph (NN-descent for vector blocks
    ///    above 4 096 points unless nn_method says otherwise) and its fuzzy simplicial set;
    /// 2. they are combined in order: the first such set starts the graph, each later one joins by
    ///    `intersection` (weight w) or `union`, each followed by `resetLocalConnectivity` with
    ///    re-calibrated rows, as umap-learn's `*` and `+`; both operands are first pruned as a fitted
    ///    umap-learn model's graph is (weights below max/n_epochs become stored zeros,
    ///    `UMAPGraph.zeroingLayoutCut`), so the chain equals `(model_a * model_b) * model_c`;
    /// 3. each categorical block is intersected in by the far-distance rule of supervised UMAP:
    ///    every edge scaled by exp(−2.5/(1 − w) · d), d the fraction of its columns that differ
    ///    (at w = 0.5 edges between different categories get exp(−5));
    /// 4. the graph is laid out as usual (`initData` serves `init: pca` only).
    ///
    /// Deliberate departures from umap-learn's operators: a combined graph with several components is
    /// laid out by the spectral layout per component (umap-learn's `*` and `+` fall back to random
    /// initialisation), and the layout's random stream comes from `seed` (the operators always use
    /// random_state 42). Like every UMAP fit here, the spectral start is computed on the unpruned
    /// graph (umap-learn's on the graph pruned at max/n_epochs).
    /// - Throws: `EmbeddingError.invalidInput` for blocks of different sizes, only categorical blocks,
    ///   or a union with a categorical block.
    public func fitBlocks(_ blocks: [GraphBlock], combine: [GraphCombination], initData: Matrix, seed: UInt64,
                          progress: ProgressHandler? = nil) throws -> EmbeddingResult {
        let joins = try GraphCombination.perBlock(combine, blocks: blocks.count)
        guard let n = blocks.first?.distance.count else { throw EmbeddingError.invalidInput("umap: no blocks") }
        for b in blocks where b.distance.count != n {
            throw EmbeddingError.invalidInput("umap: block '\(b.name)' has \(b.distance.count) points, block '\(blocks[0].name)' has \(n)")
        }
        guard n >= 3 else { throw EmbeddingError.invalidInput("umap needs at least 3 points, got \(n)") }
        guard nComponents < n - 1 else {
            throw EmbeddingError.invalidInput("umap: n_components = \(nComponents) needs more than \(nComponents + 1) points, got \(n)")
        }
        guard blocks.contains(where: { !$0.distance.isCategorical }) else {
            throw EmbeddingError.invalidInput("umap: every block is categorical; at least one block needs a metric with neighbourhoods (numeric, haversine, levenshtein, gower, ...)")
        }
        for (b, join) in zip(blocks, joins) where b.distance.isCategorical && join == .union {
            throw EmbeddingError.invalidInput("umap: block '\(b.name)' is categorical and cannot join by union (it would link every pair with equal values at full strength); use intersection or a mix weight")
        }
        if initMethod == .pca, initData.rows != n {
            throw EmbeddingError.invalidInput("umap: init pca needs the encoded data (\(initData.rows) rows for \(n) points)")
        }
        var warnings: [String] = []
        var diagnostics: [String: Double] = [:]
        var timer = PhaseTimer()
        let combined = try blockGraph(blocks, joins: joins, n: n, seed: seed, timer: &timer, diagnostics: &diagnostics,
                                      warnings: &warnings)
        progress?("fuzzy_set", 1)
        var series: [String: [Double]] = [:]
        let embedding = try layOut(combined, initData: initData, knn: nil, seed: seed, timer: &timer, diagnostics: &diagnostics,
                                   series: &series, warnings: &warnings, progress: progress)
        return EmbeddingResult(embedding: embedding, phases: timer.phases, diagnostics: diagnostics, series: series, warnings: warnings)
    }

    /// Steps 1–3 of `fitBlocks`: the combined fuzzy set of checked blocks (`joins` from `GraphCombination.perBlock`).
    func blockGraph(_ blocks: [GraphBlock], joins: [GraphCombination], n: Int, seed: UInt64, timer: inout PhaseTimer,
                    diagnostics: inout [String: Double], warnings: inout [String]) throws -> UMAPGraph {
        var graph: UMAPGraph?
        var categorical: [(GraphBlock, GraphCombination)] = []
        for (index, (block, join)) in zip(blocks, joins).enumerated() {
            if block.distance.isCategorical { categorical.append((block, join)); continue }
            var k = block.nNeighbors ?? nNeighbors
            if k > n - 1 {
                warnings.append("block '\(block.name)': n_neighbors = \(k) is not smaller than the number of points (\(n)); using \(n - 1)")
                k = n - 1
            }
            let knn: KNNGraph = try timer.measure("neighbors") {
                do {
                    if case .vectors(let m, let metric) = block.distance, nnMethod.usesNNDescent(n: n) {
                        return try NNDescent.build(m, k: k, metric: metric, includeSelf: true,
                                                   seed: RandomStream.derive(seed: seed, purpose: "umap.knn", index: UInt64(index)))
                    }
                    return try BlockKNN.search(block.distance, k: k, includeSelf: true)
                } catch let e as NeighborsError {
                    throw EmbeddingError.invalidInput("umap neighbours of block '\(block.name)': \(e)")
                }
            }
            let own = timer.measure("fuzzy_set") {
                UMAPFuzzySet.fuzzySimplicialSet(knn, setOpMixRatio: setOpMixRatio, localConnectivity: localConnectivity).graph
            }
            diagnostics["block\(index)_edges"] = Double(own.entryCount)
            if let current = graph {
                graph = timer.measure("combine") {
                    // Both operands as fitted models hold them (see FuzzySetAlgebra: stored zeros).
                    let left = current.zeroingLayoutCut(epochs: epochs(for: n)), right = own.zeroingLayoutCut(epochs: epochs(for: n))
                    switch join {
                    case .intersection(let w):
                        return FuzzySetAlgebra.resetLocalConnectivity(FuzzySetAlgebra.intersection(left, right, weight: w),
                                                                      resetLocalMetric: true)
                    case .union:
                        return FuzzySetAlgebra.modelUnion(left, right)
                    }
                }
            } else {
                graph = own
            }
        }
        guard var combined = graph else { throw EmbeddingError.invalidInput("umap: no block with neighbourhoods") }
        for (block, join) in categorical {
            guard case .intersection(let w) = join else { continue }
            var evaluator = block.distance.evaluator()
            combined = timer.measure("combine") {
                FuzzySetAlgebra.metricIntersection(combined, scale: FuzzySetAlgebra.farDistance(targetWeight: w)) {
                    evaluator.distance($0, $1)
                }
            }
        }
        return combined
    }
}
