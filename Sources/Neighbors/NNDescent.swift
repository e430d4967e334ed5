import Linalg

/// Settings of the approximate search. Defaults follow what umap-learn passes to pynndescent.
public struct NNDescentParameters: Sendable, Equatable {
    /// Random-projection trees (nil: min(64, 5 + round(sqrt(n) / 20))).
    public var trees: Int?
    /// Maximum NN-descent iterations (nil: max(5, round(log2 n))).
    public var iterations: Int?
    /// Candidates sampled per point and iteration (umap-learn: 60).
    public var maxCandidates: Int
    /// Largest RP-tree leaf (nil: max(10, k)).
    public var leafSize: Int?
    /// Stop when fewer than delta · k · n neighbour updates happen in an iteration.
    public var delta: Double
    /// Dimension of the Gaussian random projection the trees split when the data has more
    /// dimensions (nil or 0: split the full data, as pynndescent does). Default 64.
    public var treeProjection: Int?
    /// Measure leaf joins and local joins of euclidean, cosine and correlation searches on data
    /// with at least 16 columns as BLAS blocks (‖x‖² + ‖y‖² − 2x·y, one `sgemm` per join; final
    /// distances recomputed exactly) instead of pair by pair. Default true.
    public var blockedDistances: Bool
    /// Renumber the points in the leaf order of the first RP tree for the search, so that
    /// candidates are near each other in memory (faster; a different but equally good graph),
    /// when the data has at most `localityCopyLimit` values. Default true.
    public var localityOrder: Bool

    /// Most values (n · d) of data that `localityOrder` copies in leaf order: 2²⁸ (1 GiB of Float).
    /// Larger data is searched in its own order, as the copy would cost as much memory as the
    /// data itself (3.6 GB for 3 million 300-dimensional points) for a search that measured
    /// 5–15 % faster with it (all 70 000 MNIST images, k = 15). A fixed size, not the machine's
    /// memory, decides, so that a data set gives the same graph on every machine.
    public static let localityCopyLimit = 1 << 28

    public init(trees: Int? = nil, iterations: Int? = nil, maxCandidates: Int = 60,
                leafSize: Int? = nil, delta: Double = 0.001, treeProjection: Int? = 64,
                blockedDistances: Bool = true, localityOrder: Bool = true) {
        self.localityOrder = localityOrder
        self.treeProjection = treeProjection
        self.blockedDistances = blockedDistances
        self.trees = trees
        self.iterations = iterations
        self.maxCandidates = maxCandidates
        self.leafSize = leafSize
        self.delta = delta
    }
}

extension NNDescentParameters {
    /// Settings for t-SNE's large k (3 · perplexity = 90 by default): 40 candidates per point and
    /// iteration instead of 60 and a stop once fewer than 1 % of the entries change (delta 0.01).
    /// The affinities weigh 90 neighbours smoothly, so the last 0.1 % of recall that the UMAP
    /// defaults buy at k = 90 is not worth its cost. On all 70 000 MNIST images at k = 90:
    /// recall 0.9986 (defaults: 0.9998) at about 70 % of the CPU time.
    public static let forTSNE = NNDescentParameters(maxCandidates: 40, delta: 0.01)
}

/// Approximate k-nearest-neighbour graph by a random-projection forest followed by
/// NN-descent (Dong, Charikar & Li 2011; pynndescent's variant with new/old flags and
/// sampled candidate lists).
///
/// Deterministic in parallel: trees use per-tree streams; candidate sampling uses a
/// hash of (seed, iteration, point, candidate) as priority, so the sample is a
/// function of the graph, not of visiting order; the local join runs in waves of
/// chunks whose proposed updates are buffered per chunk and applied by the owner of
/// the target point in chunk order. Chunks depend on n only, so any thread count
/// gives the same graph.
///
/// Speed for large k and many dimensions (t-SNE's k = 90 on 784-D MNIST): the search runs
/// on the points renumbered in the leaf order of the first RP tree (memory locality);
/// each join (RP leaf, or a point's new × (new ∪ old) candidates) is measured as one BLAS
/// block for euclidean / cosine / correlation (`JoinDistances`), and pairs already in a
/// heap are not proposed again (`KnownPairs`). Kept distances are recomputed exactly at the end.
public enum NNDescent {
    /// Builds the approximate kNN graph of the rows of `data`.
    /// - Parameters:
    ///   - k: neighbours per point, counting the point itself when `includeSelf`.
    ///   - metric: any `Metric`; cosine and correlation search on normalised rows.
    ///   - seed: all randomness derives from it.
    /// - Returns: the graph plus the number of iterations run (`iterations`).
    public static func build(_ data: Matrix, k: Int, metric: Metric = .euclidean, includeSelf: Bool,
                             seed: UInt64, parameters: NNDescentParameters = NNDescentParameters()) throws -> KNNGraph {
        try buildWithStatistics(data, k: k, metric: metric, includeSelf: includeSelf, seed: seed, parameters: parameters).graph
    }

    /// What happened during a build: CPU seconds per stage, iterations run and updates per iteration.
    public struct Statistics: Sendable {
        public var forestCPUSeconds = 0.0
        public var initCPUSeconds = 0.0
        public var descentCPUSeconds = 0.0
        public var finishCPUSeconds = 0.0
        public var updatesPerIteration: [Int] = []
        /// CPU seconds of each NN-descent iteration.
        public var iterationCPUSeconds: [Double] = []
        /// Proposed neighbour updates (measured pairs under a threshold) per iteration.
        public var proposalsPerIteration: [Int] = []
        /// Whether joins were measured as BLAS blocks (see `NNDescentParameters.blockedDistances`).
        public var blocked = false
    }

    /// `build`, also returning `Statistics`.
    public static func buildWithStatistics(_ data: Matrix, k: Int, metric: Metric = .euclidean, includeSelf: Bool,
                                           seed: UInt64, parameters: NNDescentParameters = NNDescentParameters()) throws -> (graph: KNNGraph, statistics: Statistics) {
        var stats = Statistics()
        var clock = Clock.processCPUSeconds()
        func lap() -> Double { let now = Clock.processCPUSeconds(); defer { clock = now }; return now - clock }
        let n = data.rows
        let K = includeSelf ? k - 1 : k
        guard k > 0, K > 0 else { throw NeighborsError.invalidArgument("k must leave at least one neighbour, got \(k)") }
        guard K < n else { throw NeighborsError.tooFewPoints(n: n, k: K) }
        if let bad = data.firstNonFinite() { throw NeighborsError.nonFinite(row: bad.row, col: bad.col) }
        guard parameters.maxCandidates > 0, parameters.delta >= 0 else {
            throw NeighborsError.invalidArgument("maxCandidates must be positive and delta non-negative")
        }
        var prepared = ReducedDistanceRows(data, metric: metric)
        let trees = parameters.trees ?? min(64, 5 + Int((Double(n).squareRoot() / 20).rounded()))
        let iterations = parameters.iterations ?? max(5, Int(Double(n).log2Value.rounded()))
        let leafSize = parameters.leafSize ?? max(10, k)
        let state = NNDescentState(n: n, K: K, maxCandidates: parameters.maxCandidates)
        defer { state.deallocate() }
        let blocked = parameters.blockedDistances && prepared.squaredEuclidean && prepared.d >= 16
        stats.blocked = blocked
        var blocks: BlockedJoinData?
        // Locality: the search works on the points renumbered in the leaf order of the first tree,
        // so that a point's candidates, and the next point's, mostly sit near it in memory.
        // `order[r]` is the original index of working point r, `rank` the inverse.
        var order: [Int32]?
        var rank = [Int32]()
        do {
            // The forest lives only while it seeds the heaps (64 trees of n indices: 0.8 GB at 3 million points).
            var forest = RPForest(data: prepared, trees: max(trees, 0), leafSize: max(leafSize, 2), seed: seed,
                                  projectTo: parameters.treeProjection)
            if forest.trees > 0 && parameters.localityOrder && n * prepared.d <= NNDescentParameters.localityCopyLimit {
                let first = forest.members[0]
                rank = [Int32](repeating: 0, count: n)
                for (r, i) in first.enumerated() { rank[Int(i)] = Int32(r) }
                prepared = prepared.selectingRows(first)
                forest.renumber(rank)
                order = first
            }
            stats.forestCPUSeconds = lap()
            // Centre and centred squared norms for blocked distances (nil: pair-wise distances).
            blocks = blocked ? blockedJoinData(prepared) : nil
            state.initialise(prepared, forest: forest, seed: seed, blocks: blocks)
            stats.initCPUSeconds = lap()
        }
        for iteration in 0..<iterations {
            let (updates, proposals) = state.iterate(prepared, seed: RandomStream.derive(seed: seed, purpose: "nn.descent", index: UInt64(iteration)),
                                        blocks: blocks)
            stats.updatesPerIteration.append(updates)
            stats.proposalsPerIteration.append(proposals)
            stats.iterationCPUSeconds.append(lap())
            if Double(updates) <= parameters.delta * Double(K) * Double(n) { break }
        }
        stats.descentCPUSeconds = stats.iterationCPUSeconds.reduce(0, +)
        // Blocked distances are approximate: recompute the kept ones exactly (in the working
        // order, where a point's neighbours are near it in memory).
        if blocked { state.recomputeDistances(prepared) }
        var (indices, distances) = originalOrder(state, order: order, rank: rank)
        finishRows(data: data, metric: metric, n: n, k: K, reducedIsSquaredEuclidean: prepared.squaredEuclidean,
                   indices: &indices, distances: &distances)
        stats.finishCPUSeconds = lap()
        guard includeSelf else { return (KNNGraph(n: n, k: K, indices: indices, distances: distances, includesSelf: false), stats) }
        return (withSelf(n: n, k: K, indices: indices, distances: distances), stats)
    }

    /// The column means of the prepared rows and every row's squared norm after centring,
    /// which blocked joins need to measure distances as matrix products.
    static func blockedJoinData(_ prepared: ReducedDistanceRows) -> BlockedJoinData {
        let n = prepared.n, d = prepared.d
        return prepared.values.withUnsafeBufferPointer { xb in
            let centre = JoinDistances.columnMeans(xb.baseAddress!, n: n, d: d)
            let norms = centre.withUnsafeBufferPointer {
                JoinDistances.centredSquaredNorms(xb.baseAddress!, n: n, d: d, centre: $0.baseAddress!)
            }
            return BlockedJoinData(centre: centre, norms: norms)
        }
    }

    /// The K neighbours of every point (n × K, row-major) in the original point order and numbering.
    static func originalOrder(_ state: NNDescentState, order: [Int32]?, rank: [Int32]) -> ([Int32], [Float]) {
        let n = state.n, K = state.K
        var indices = [Int32](repeating: 0, count: n * K)
        var distances = [Float](repeating: 0, count: n * K)
        if let order {
            for i in 0..<n {
                let r = Int(rank[i])
                for s in 0..<K {
                    let j = state.idx[r * K + s]
                    indices[i * K + s] = j < 0 ? j : order[Int(j)]
                    distances[i * K + s] = state.dist[r * K + s]
                }
            }
        } else {
            for i in 0..<n * K { indices[i] = state.idx[i]; distances[i] = state.dist[i] }
        }
        return (indices, distances)
    }

    /// The graph with each point as its own first neighbour (distance 0) before its K neighbours.
    static func withSelf(n: Int, k K: Int, indices: [Int32], distances: [Float]) -> KNNGraph {
        let k = K + 1
        var ind = [Int32](repeating: 0, count: n * k)
        var dst = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            ind[i * k] = Int32(i)
            for j in 0..<K { ind[i * k + 1 + j] = indices[i * K + j]; dst[i * k + 1 + j] = distances[i * K + j] }
        }
        return KNNGraph(n: n, k: k, indices: ind, distances: dst, includesSelf: true)
    }
}

extension Double {
    var log2Value: Double { DeterministicMath.log2(self) }
}

