import Linalg

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
    /// Candidate max-heaps keyed by priority, n × C; empty slots are −1. A candidate's priority
    /// is not stored: it is a hash of the iteration's seed, the row and the candidate
    /// (`candidatePriority`), recomputed where compared. Storing it took 16 of every 24 bytes of
    /// the candidate lists (2.9 GB at 3 million points), for the same heaps.
    let newIdx: UnsafeMutablePointer<Int32>
    let oldIdx: UnsafeMutablePointer<Int32>

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
        // Left untouched (so not resident) until the first `iterate` fills them: the random
        // projection trees that `initialise` reads can be released first.
        newIdx = .allocate(capacity: n * C)
        oldIdx = .allocate(capacity: n * C)
    }

    func deallocate() {
        dist.deallocate(); idx.deallocate(); isNew.deallocate()
        newIdx.deallocate(); oldIdx.deallocate()
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

    /// The sampling priority of candidate j in row i's lists in the iteration with `seed`
    /// (smaller is kept); an empty slot (j = −1) ranks after every candidate.
    @inline(__always)
    static func candidatePriority(seed: UInt64, row i: Int, _ j: Int32) -> UInt64 {
        j < 0 ? .max : SplitMix64.mix(seed ^ (UInt64(i) << 32 | UInt64(UInt32(j))))
    }

    /// Offers candidate j to row i's bounded candidate heap in `ci`: keeps the C smallest
    /// (priority, index) pairs, priorities from `candidatePriority`.
    @inline(__always)
    func pushCandidate(_ ci: UnsafeMutablePointer<Int32>, seed: UInt64, row i: Int, index j: Int32) {
        let ri = ci + i * C
        let pri = NNDescentState.candidatePriority(seed: seed, row: i, j)
        let rootPri = NNDescentState.candidatePriority(seed: seed, row: i, ri[0])
        if !(pri < rootPri || (pri == rootPri && j < ri[0])) { return }
        for s in 0..<C where ri[s] == j { return }
        var p = 0
        while true {
            let l = 2 * p + 1, r = l + 1
            var m = p
            var mp = pri, mi = j
            if l < C {
                let lp = NNDescentState.candidatePriority(seed: seed, row: i, ri[l])
                if lp > mp || (lp == mp && ri[l] > mi) { m = l; mp = lp; mi = ri[l] }
            }
            if r < C {
                let rpri = NNDescentState.candidatePriority(seed: seed, row: i, ri[r])
                if rpri > mp || (rpri == mp && ri[r] > mi) { m = r }
            }
            if m == p { break }
            ri[p] = ri[m]
            p = m
        }
        ri[p] = j
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
    func initialise(_ data: ReducedDistanceRows, forest: RPForest, seed: UInt64, blocks: BlockedJoinData?) {
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
                // One n-entry position map per thread, not per chunk (`KnownPairs` leaves it clean).
                let knownPool = ScratchPool { KnownPairs(n: n, capacity: largestLeaf) }
                defer { for k in knownPool.allItems { k.deallocate() } }
                forest.members[t].withUnsafeBufferPointer { mb in
                    let mem = mb.baseAddress!
                    buckets.withUnsafeMutableBufferPointer { bb in
                        let out = bb.baseAddress!
                        Parallel.forEachChunk(count: leaves, chunkSize: leafChunk) { c, range in
                          knownPool.withItem { known in
                            var local = [[NeighborUpdate]](repeating: [], count: chunks)
                            var join = JoinDistances(d: d, capacity: largestLeaf, blocked: blocks != nil)
                            let thresholds = UnsafeMutablePointer<Float>.allocate(capacity: max(largestLeaf, 1))
                            defer { join.deallocate(); thresholds.deallocate() }
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
    func recomputeDistances(_ data: ReducedDistanceRows) {
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
    func iterate(_ data: ReducedDistanceRows, seed: UInt64, blocks: BlockedJoinData?) -> (updates: Int, proposals: Int) {
        let d = data.d
        // 1. Candidate lists: forward edges by the owner, reverse edges bucketed by target chunk.
        newIdx.initialize(repeating: -1, count: n * C)
        oldIdx.initialize(repeating: -1, count: n * C)
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
                        pushCandidate(isNew[i * K + s] != 0 ? newIdx : oldIdx, seed: seed, row: i, index: j)
                    }
                }
                for c in 0..<chunks {
                    for u in buckets[c * chunks + t] {
                        pushCandidate(u.dist != 0 ? newIdx : oldIdx, seed: seed, row: Int(u.target), index: u.other)
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
            // One n-entry position map per thread, not per chunk (`KnownPairs` leaves it clean).
            let knownPool = ScratchPool { KnownPairs(n: n, capacity: 2 * C) }
            defer { for k in knownPool.allItems { k.deallocate() } }
            var first = 0
            while first < chunks {
                let count = min(wave, chunks - first)
                var buckets = [[NeighborUpdate]](repeating: [], count: count * chunks)
                buckets.withUnsafeMutableBufferPointer { bb in
                    let out = bb.baseAddress!
                    Parallel.forEachChunk(count: count, chunkSize: 1) { w, _ in
                      knownPool.withItem { known in
                        let c = first + w
                        let lo = c * chunkSize, hi = min(n, lo + chunkSize)
                        var local = [[NeighborUpdate]](repeating: [], count: chunks)
                        var join = JoinDistances(d: d, capacity: 2 * C, blocked: blocks != nil)
                        let members = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * C)
                        let thresholds = UnsafeMutablePointer<Float>.allocate(capacity: 2 * C)
                        defer { join.deallocate(); members.deallocate(); thresholds.deallocate() }
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
