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
    /// candidates are near each other in memory (faster; a different but equally good graph).
    /// Default true.
    public var localityOrder: Bool

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
        var prepared = PreparedData(data, metric: metric)
        let trees = parameters.trees ?? min(64, 5 + Int((Double(n).squareRoot() / 20).rounded()))
        let iterations = parameters.iterations ?? max(5, Int(Double(n).log2Value.rounded()))
        let leafSize = parameters.leafSize ?? max(10, k)
        var forest = RPForest(data: prepared, trees: max(trees, 0), leafSize: max(leafSize, 2), seed: seed,
                              projectTo: parameters.treeProjection)
        // Locality: the search works on the points renumbered in the leaf order of the first tree,
        // so that a point's candidates, and the next point's, mostly sit near it in memory.
        // `order[r]` is the original index of working point r, `rank` the inverse.
        let order: [Int32]? = forest.trees > 0 && parameters.localityOrder ? forest.members[0] : nil
        var rank = [Int32]()
        if let order {
            rank = [Int32](repeating: 0, count: n)
            for (r, i) in order.enumerated() { rank[Int(i)] = Int32(r) }
            prepared = prepared.selectingRows(order)
            forest.renumber(rank)
        }
        stats.forestCPUSeconds = lap()

        let blocked = parameters.blockedDistances && prepared.squaredEuclidean && prepared.d >= 16
        stats.blocked = blocked
        // Centre and centred squared norms for blocked distances (nil: pair-wise distances).
        var blocks: BlockedJoinData? = nil
        if blocked {
            prepared.values.withUnsafeBufferPointer { xb in
                let centre = JoinDistances.columnMeans(xb.baseAddress!, n: n, d: prepared.d)
                let norms = centre.withUnsafeBufferPointer {
                    JoinDistances.centredSquaredNorms(xb.baseAddress!, n: n, d: prepared.d, centre: $0.baseAddress!)
                }
                blocks = BlockedJoinData(centre: centre, norms: norms)
            }
        }
        let state = NNDescentState(n: n, K: K, maxCandidates: parameters.maxCandidates)
        defer { state.deallocate() }
        state.initialise(prepared, forest: forest, seed: seed, blocks: blocks)
        stats.initCPUSeconds = lap()
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
        finishRows(data: data, metric: metric, n: n, k: K, reducedIsSquaredEuclidean: prepared.squaredEuclidean,
                   indices: &indices, distances: &distances)
        stats.finishCPUSeconds = lap()
        guard includeSelf else { return (KNNGraph(n: n, k: K, indices: indices, distances: distances, includesSelf: false), stats) }
        var ind = [Int32](repeating: 0, count: n * k)
        var dst = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            ind[i * k] = Int32(i)
            for j in 0..<K { ind[i * k + 1 + j] = indices[i * K + j]; dst[i * k + 1 + j] = distances[i * K + j] }
        }
        return (KNNGraph(n: n, k: k, indices: ind, distances: dst, includesSelf: true), stats)
    }
}

extension Double {
    var log2Value: Double { DeterministicMath.log2(self) }
}


/// What blocked joins need besides the data: the column means subtracted from gathered rows,
/// and every row's squared norm after centring.
struct BlockedJoinData {
    let centre: [Float]
    let norms: [Float]
}

/// One proposed neighbour update: `other` at `dist` for point `target`.
struct NeighborUpdate {
    var target: Int32
    var other: Int32
    var dist: Float
}

/// The neighbour heaps and candidate lists of NN-descent, in manually managed
/// buffers so that chunks can write their own rows concurrently.
struct NNDescentState {
    let n: Int
    let K: Int
    let C: Int
    let chunkSize: Int
    let chunks: Int
    /// Max-heaps per row (root = farthest kept neighbour), n × K; empty slots are (inf, −1).
    let dist: UnsafeMutablePointer<Float>
    let idx: UnsafeMutablePointer<Int32>
    let isNew: UnsafeMutablePointer<UInt8>
    /// Candidate max-heaps keyed by priority, n × C.
    let newIdx: UnsafeMutablePointer<Int32>
    let newPri: UnsafeMutablePointer<UInt64>
    let oldIdx: UnsafeMutablePointer<Int32>
    let oldPri: UnsafeMutablePointer<UInt64>

    /// Smallest local join (new × (new ∪ old) pairs) measured as a BLAS block; smaller ones go pair by pair.
    static let blockMinimumPairs = 256

    init(n: Int, K: Int, maxCandidates: Int) {
        self.n = n
        self.K = K
        self.C = maxCandidates
        chunkSize = max(64, (n + 255) / 256)
        chunks = Parallel.chunkCount(count: n, chunkSize: chunkSize)
        dist = .allocate(capacity: n * K); dist.initialize(repeating: .infinity, count: n * K)
        idx = .allocate(capacity: n * K); idx.initialize(repeating: -1, count: n * K)
        isNew = .allocate(capacity: n * K); isNew.initialize(repeating: 0, count: n * K)
        newIdx = .allocate(capacity: n * C); newIdx.initialize(repeating: -1, count: n * C)
        newPri = .allocate(capacity: n * C); newPri.initialize(repeating: .max, count: n * C)
        oldIdx = .allocate(capacity: n * C); oldIdx.initialize(repeating: -1, count: n * C)
        oldPri = .allocate(capacity: n * C); oldPri.initialize(repeating: .max, count: n * C)
    }

    func deallocate() {
        dist.deallocate(); idx.deallocate(); isNew.deallocate()
        newIdx.deallocate(); newPri.deallocate(); oldIdx.deallocate(); oldPri.deallocate()
    }

    /// Offers (d, j) to row i's heap; returns true if it was inserted.
    @inline(__always)
    func push(row i: Int, distance d: Float, index j: Int32) -> Bool {
        let base = i * K
        let rd = dist + base, ri = idx + base, rf = isNew + base
        if !(d < rd[0] || (d == rd[0] && j < ri[0])) { return false }
        for s in 0..<K where ri[s] == j { return false }
        var p = 0
        while true {
            let l = 2 * p + 1, r = l + 1
            var m = p
            var md = d, mi = j
            if l < K && (rd[l] > md || (rd[l] == md && ri[l] > mi)) { m = l; md = rd[l]; mi = ri[l] }
            if r < K && (rd[r] > md || (rd[r] == md && ri[r] > mi)) { m = r }
            if m == p { break }
            rd[p] = rd[m]; ri[p] = ri[m]; rf[p] = rf[m]
            p = m
        }
        rd[p] = d; ri[p] = j; rf[p] = 1
        return true
    }

    /// Offers candidate j with priority `pri` to a bounded candidate heap (keeps the C smallest priorities).
    @inline(__always)
    func pushCandidate(_ ci: UnsafeMutablePointer<Int32>, _ cp: UnsafeMutablePointer<UInt64>, row i: Int,
                       priority pri: UInt64, index j: Int32) {
        let rp = cp + i * C, ri = ci + i * C
        if !(pri < rp[0] || (pri == rp[0] && j < ri[0])) { return }
        for s in 0..<C where ri[s] == j { return }
        var p = 0
        while true {
            let l = 2 * p + 1, r = l + 1
            var m = p
            var mp = pri, mi = j
            if l < C && (rp[l] > mp || (rp[l] == mp && ri[l] > mi)) { m = l; mp = rp[l]; mi = ri[l] }
            if r < C && (rp[r] > mp || (rp[r] == mp && ri[r] > mi)) { m = r }
            if m == p { break }
            rp[p] = rp[m]; ri[p] = ri[m]
            p = m
        }
        rp[p] = pri; ri[p] = j
    }

    /// Proposes each pair (a, b) with a < join.m and a < b < join.count of a join to
    /// both ends, where under that end's current threshold and not yet its neighbour, in the
    /// order of the pair-wise loops.
    @inline(__always)
    func propose(_ join: JoinDistances, _ known: KnownPairs, members: UnsafePointer<Int32>,
                 thresholds: UnsafeMutablePointer<Float>, into local: inout [[NeighborUpdate]]) {
        let count = join.count
        for b in 0..<count { thresholds[b] = dist[Int(members[b]) * K] }
        for a in 0..<join.m {
            let p = members[a]
            let thrP = thresholds[a]
            for b in (a + 1)..<count {
                let q = members[b]
                if q == p { continue }
                let dd = join.distance(a, b)
                if dd <= thrP && !known.knows(a, b) {
                    local[Int(p) / chunkSize].append(NeighborUpdate(target: p, other: q, dist: dd))
                }
                if dd <= thresholds[b] && !known.knows(b, a) {
                    local[Int(q) / chunkSize].append(NeighborUpdate(target: q, other: p, dist: dd))
                }
            }
        }
    }

    /// True when row i's heap holds j.
    @inline(__always)
    func contains(row i: Int, _ j: Int32) -> Bool {
        let ri = idx + i * K
        for s in 0..<K where ri[s] == j { return true }
        return false
    }

    /// Applies buffered updates: the owner of each target chunk applies, in source order,
    /// what every source produced for it (`buckets[source * chunks + targetChunk]`).
    /// Returns the number of insertions.
    func apply(_ buckets: UnsafePointer<[NeighborUpdate]>, sources: Int) -> Int {
        let counts = Parallel.mapChunks(count: n, chunkSize: chunkSize) { t, _ -> Int in
            var applied = 0
            for w in 0..<sources {
                for u in buckets[w * chunks + t] where push(row: Int(u.target), distance: u.dist, index: u.other) {
                    applied += 1
                }
            }
            return applied
        }
        return counts.reduce(0, +)
    }

    /// Fills every row from its leaf-mates, one tree at a time: each leaf pair is measured
    /// once (pairs already known to both ends are skipped) and proposed to both ends;
    /// then rows still short of K neighbours are topped up with random points.
    /// With `blocks`, each leaf is measured as one BLAS block.
    func initialise(_ data: PreparedData, forest: RPForest, seed: UInt64, blocks: BlockedJoinData?) {
        let d = data.d
        data.values.withUnsafeBufferPointer { xb in
          (blocks?.centre ?? []).withUnsafeBufferPointer { cb in
          (blocks?.norms ?? []).withUnsafeBufferPointer { nb in
            let x = xb.baseAddress!
            for t in 0..<forest.trees {
                let starts = forest.leafStarts[t]
                let leaves = starts.count - 1
                var largestLeaf = 0
                for leaf in 0..<leaves { largestLeaf = max(largestLeaf, Int(starts[leaf + 1] - starts[leaf])) }
                let leafChunk = max(16, (leaves + 63) / 64)
                let sources = Parallel.chunkCount(count: leaves, chunkSize: leafChunk)
                var buckets = [[NeighborUpdate]](repeating: [], count: sources * chunks)
                forest.members[t].withUnsafeBufferPointer { mb in
                    let mem = mb.baseAddress!
                    buckets.withUnsafeMutableBufferPointer { bb in
                        let out = bb.baseAddress!
                        Parallel.forEachChunk(count: leaves, chunkSize: leafChunk) { c, range in
                            var local = [[NeighborUpdate]](repeating: [], count: chunks)
                            var join = JoinDistances(d: d, capacity: largestLeaf, blocked: blocks != nil)
                            var known = KnownPairs(n: n, capacity: largestLeaf)
                            let thresholds = UnsafeMutablePointer<Float>.allocate(capacity: max(largestLeaf, 1))
                            defer { join.deallocate(); known.deallocate(); thresholds.deallocate() }
                            for leaf in range {
                                let lo = Int(starts[leaf]), size = Int(starts[leaf + 1]) - lo
                                if size < 2 { continue }
                                known.mark(members: mem + lo, count: size, heaps: idx, K: K)
                                if blocks != nil, let cp = cb.baseAddress {
                                    join.measureBlocked(x: x, centre: cp, centredNorms: nb.baseAddress!, members: mem + lo, count: size, firstRows: size)
                                } else {
                                    join.measurePairwise(data, x: x, members: mem + lo, count: size, firstRows: size, known: known)
                                }
                                propose(join, known, members: mem + lo, thresholds: thresholds, into: &local)
                            }
                            for u in 0..<chunks { (out + c * chunks + u).pointee = local[u] }
                        }
                        _ = apply(UnsafePointer(out), sources: sources)
                    }
                }
            }
            Parallel.forEachChunk(count: n, chunkSize: chunkSize) { c, range in
                var rng = RandomStream(seed: seed, purpose: "nn.init", index: UInt64(c))
                for i in range {
                    var attempts = 0
                    while idx[i * K] == -1 && attempts < 64 * K {
                        attempts += 1
                        let j = rng.nextInt(below: n)
                        if j == i { continue }
                        _ = push(row: i, distance: data.reduced(x + i * d, x + j * d), index: Int32(j))
                    }
                }
            }
          }
          }
        }
    }

    /// Replaces every kept distance by the exact reduced distance (after blocked joins).
    func recomputeDistances(_ data: PreparedData) {
        let d = data.d
        data.values.withUnsafeBufferPointer { xb in
            let x = xb.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: chunkSize) { _, range in
                for i in range {
                    for s in 0..<K {
                        let j = Int(idx[i * K + s])
                        if j >= 0 { dist[i * K + s] = data.reduced(x + i * d, x + j * d) }
                    }
                }
            }
        }
    }

    /// One NN-descent iteration; returns the number of neighbour updates applied.
    /// With `blocks`, local joins of enough candidates are measured as one BLAS block.
    func iterate(_ data: PreparedData, seed: UInt64, blocks: BlockedJoinData?) -> (updates: Int, proposals: Int) {
        let d = data.d
        // 1. Candidate lists: forward edges by the owner, reverse edges bucketed by target chunk.
        newIdx.update(repeating: -1, count: n * C); newPri.update(repeating: .max, count: n * C)
        oldIdx.update(repeating: -1, count: n * C); oldPri.update(repeating: .max, count: n * C)
        var reverse = [[NeighborUpdate]](repeating: [], count: chunks * chunks)
        reverse.withUnsafeMutableBufferPointer { rb in
            let buckets = rb.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: chunkSize) { c, range in
                var local = [[NeighborUpdate]](repeating: [], count: chunks)
                for i in range {
                    for s in 0..<K {
                        let j = idx[i * K + s]
                        if j < 0 { continue }
                        local[Int(j) / chunkSize].append(NeighborUpdate(target: j, other: Int32(i), dist: Float(isNew[i * K + s])))
                    }
                }
                for t in 0..<chunks { (buckets + c * chunks + t).pointee = local[t] }
            }
            Parallel.forEachChunk(count: n, chunkSize: chunkSize) { t, range in
                for i in range {
                    for s in 0..<K {
                        let j = idx[i * K + s]
                        if j < 0 { continue }
                        let pri = SplitMix64.mix(seed ^ (UInt64(i) << 32 | UInt64(UInt32(j))))
                        if isNew[i * K + s] != 0 { pushCandidate(newIdx, newPri, row: i, priority: pri, index: j) }
                        else { pushCandidate(oldIdx, oldPri, row: i, priority: pri, index: j) }
                    }
                }
                for c in 0..<chunks {
                    for u in buckets[c * chunks + t] {
                        let i = Int(u.target)
                        let pri = SplitMix64.mix(seed ^ (UInt64(i) << 32 | UInt64(UInt32(u.other))))
                        if u.dist != 0 { pushCandidate(newIdx, newPri, row: i, priority: pri, index: u.other) }
                        else { pushCandidate(oldIdx, oldPri, row: i, priority: pri, index: u.other) }
                    }
                }
                // Sampled new neighbours become old.
                for i in range {
                    for s in 0..<K where isNew[i * K + s] != 0 {
                        let j = idx[i * K + s]
                        for c in 0..<C where newIdx[i * C + c] == j { isNew[i * K + s] = 0; break }
                    }
                }
            }
        }
        reverse = []
        // 2. Local join in waves of chunks; updates applied by target owner in chunk order.
        let wave = 16
        var total = 0, proposals = 0
        data.values.withUnsafeBufferPointer { xb in
          (blocks?.centre ?? []).withUnsafeBufferPointer { cb in
          (blocks?.norms ?? []).withUnsafeBufferPointer { nb in
            let x = xb.baseAddress!
            var first = 0
            while first < chunks {
                let count = min(wave, chunks - first)
                var buckets = [[NeighborUpdate]](repeating: [], count: count * chunks)
                buckets.withUnsafeMutableBufferPointer { bb in
                    let out = bb.baseAddress!
                    Parallel.forEachChunk(count: count, chunkSize: 1) { w, _ in
                        let c = first + w
                        let lo = c * chunkSize, hi = min(n, lo + chunkSize)
                        var local = [[NeighborUpdate]](repeating: [], count: chunks)
                        var join = JoinDistances(d: d, capacity: 2 * C, blocked: blocks != nil)
                        var known = KnownPairs(n: n, capacity: 2 * C)
                        let members = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * C)
                        let thresholds = UnsafeMutablePointer<Float>.allocate(capacity: 2 * C)
                        defer { join.deallocate(); known.deallocate(); members.deallocate(); thresholds.deallocate() }
                        for v in lo..<hi {
                            // Members: sorted new candidates, then sorted old ones that are not also new.
                            var nN = 0
                            for s in 0..<C { let a = newIdx[v * C + s]; if a >= 0 { members[nN] = a; nN += 1 } }
                            if nN == 0 { continue }
                            var newPart = UnsafeMutableBufferPointer(start: members, count: nN)
                            newPart.sort()
                            var count = nN
                            for s in 0..<C {
                                let b = oldIdx[v * C + s]
                                if b >= 0 && !newPart.contains(b) { members[count] = b; count += 1 }
                            }
                            var oldPart = UnsafeMutableBufferPointer(start: members + nN, count: count - nN)
                            oldPart.sort()
                            known.mark(members: members, count: count, heaps: idx, K: K)
                            if blocks != nil, let cp = cb.baseAddress, nN * count >= NNDescentState.blockMinimumPairs {
                                join.measureBlocked(x: x, centre: cp, centredNorms: nb.baseAddress!, members: members, count: count, firstRows: nN)
                            } else {
                                join.measurePairwise(data, x: x, members: members, count: count, firstRows: nN, known: known)
                            }
                            propose(join, known, members: members, thresholds: thresholds, into: &local)
                        }
                        for t in 0..<chunks { (out + w * chunks + t).pointee = local[t] }
                    }
                    total += apply(UnsafePointer(out), sources: count)
                    for b in 0..<count * chunks { proposals += out[b].count }
                }
                first += count
            }
          }
          }
        }
        return (total, proposals)
    }
}
