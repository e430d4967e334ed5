import Linalg

/// UMAP's stochastic gradient descent with edge sampling and negative sampling
/// (umap-learn's optimize_layout_euclidean: attraction −2ab·d^(2(b−1)) / (1 + a·d^(2b)),
/// repulsion 2γb / ((ε + d²)(1 + a·d^(2b))) with ε = 0.001 (`repulsionEpsilon`), each gradient
/// coordinate clipped to ±4,
/// learning rate α0·(1 − epoch/epochs); umap-learn runs epochs 0 and 1 both at α0, one epoch
/// behind this — adopting that measured no better on Fashion-MNIST), in two flavours:
///
/// - deterministic parallel (default): head vertices are cut into chunks of fixed size, and
///   consecutive chunks into groups, both fixed by n. Each epoch visits the groups in order,
///   one synchronous sub-step per group, so that the sweep follows umap-learn's sequential
///   order group by group. Within a sub-step the chunks of the group run in parallel; a chunk
///   owns its vertices and moves them in place (as heads and as tails), reads every other
///   vertex from a copy that equals the live positions at the start of the sub-step (for
///   vertices outside the group nobody writes them during the sub-step), and logs the moves
///   of tails it does not own, which are applied after the sub-step in chunk order.
///   Negative samples come from RandomStream(seed, "umap.sgd", epoch · chunks + chunk).
///   The result is bit-identical for any thread count.
/// - sequential Hogwild-style: one thread, all moves applied immediately, as umap-learn
///   does with one thread (kept for comparison).
///
/// One departure from umap-learn's arithmetic in both flavours: the negative samples of an
/// edge are all measured from the head's position after the edge's attractive step and
/// their moves added together, instead of one after another. The chain of dependent
/// updates through the head position is what bounds the SGD's speed; summing cut the
/// optimisation phase on MNIST from 8.4–8.6 s to 6.3–7.6 s (back to back, same session),
/// with the same quality (`UMAPLayoutTests` has the order written out).
///
/// The sampling schedule (next sample, period, next negative sample) is kept in `Float`
/// (umap-learn: float64): it is walked for every edge in every epoch, and halving it
/// halves that memory traffic; the rounding shifts a sample by at most about 1e-4 epochs.
///
/// With a separate tail set (`transform`), heads are independent and read only the tails.
struct UMAPLayout {
    /// Edges as CSR over head vertices: `edgeStart[h] ..< edgeStart[h + 1]` with tails `tail[e]`.
    var edgeStart: [Int]
    var tail: [Int32]
    var epochsPerSample: [Double]
    var a: Float
    var b: Float
    var gamma: Float
    var initialAlpha: Float
    var negativeSampleRate: Double
    var epochs: Int
    /// Move the tail of each positive edge too (only when heads and tails are one set; false in transform).
    var moveOther: Bool
    var deterministic: Bool
    /// The memberships of the edges (what `epochsPerSample` was made from; densMAP's input radii).
    var weight: [Float] = []
    /// ε in the repulsion 2γb / ((ε + d²)(1 + a·d^(2b))): 0.001 (umap-learn), 0.1 for LargeVis (uwot's `lvish`).
    var repulsionEpsilon: Float = 0.001
    /// densMAP's density term (nil: plain UMAP), added to the attractive step in its epochs.
    var density: UMAPDensity? = nil
    /// Heads per chunk and chunks per synchronous group (nil: `defaultPartition`).
    var partition: (chunkSize: Int, chunksPerGroup: Int)? = nil

    /// Chunks per group: enough to keep many threads busy with few synchronisations
    /// (8 sub-steps per epoch for large n), few enough that a vertex's neighbours rarely
    /// sit in another chunk of its own group (32 of 256 chunks). Measured on Fashion-MNIST
    /// 70 000: 4, 16 and 32 chunks per group all reach umap-learn's quality; one group of
    /// all chunks (the earlier epoch-synchronous scheme) does not.
    static let defaultChunksPerGroup = 32

    /// About 256 chunks of at least 64 heads, `defaultChunksPerGroup` chunks per group;
    /// depends on `heads` only, never on the thread count.
    static func defaultPartition(heads: Int) -> (chunkSize: Int, chunksPerGroup: Int) {
        (max(64, (heads + 255) / 256), defaultChunksPerGroup)
    }

    /// Raw views shared by the sweeps.
    struct Buffers {
        var edgeStart: UnsafePointer<Int>
        var tail: UnsafePointer<Int32>
        var period: UnsafePointer<Float>
        var negativePeriod: UnsafePointer<Float>
        var nextSample: UnsafeMutablePointer<Float>
        var nextNegative: UnsafeMutablePointer<Float>
        /// Live positions: the heads, and the tails too when `sameSet`.
        var head: UnsafeMutablePointer<Float>
        /// Positions read for vertices a chunk does not own (`sameSet`: equal to the live ones
        /// except for the running group's vertices, which it holds as at the sub-step's start),
        /// or the fixed tail positions (not `sameSet`).
        var copy: UnsafeMutablePointer<Float>
        var sameSet: Bool
        var tailCount: Int
        var dim: Int
        /// `UMAPPowTable` for b.
        var pow: UMAPPowTable
        /// The density term's factors in its epochs, else nil.
        var density: DensityView? = nil
    }

    /// One epoch's density factors (`UMAPDensity.epochFactors`): u and v per vertex, μ_tot/μ_e
    /// per edge, and λ/(n s).
    struct DensityView {
        var u: UnsafePointer<Float>
        var v: UnsafePointer<Float>
        var edgeScale: UnsafePointer<Float>
        var scale: Float
    }

    /// Optimises `head` (heads × dim) in place against `tailEmbedding` (nil: head itself).
    func optimise(head: inout [Float], dim: Int, tailEmbedding: [Float]?, tailCount: Int, seed: UInt64,
                  progress: ((Double) -> Void)? = nil) {
        let heads = edgeStart.count - 1
        let sameSet = tailEmbedding == nil
        let chosen = partition ?? UMAPLayout.defaultPartition(heads: heads)
        let chunkSize = max(1, chosen.chunkSize), chunksPerGroup = max(1, chosen.chunksPerGroup)
        let chunks = Parallel.chunkCount(count: heads, chunkSize: chunkSize)
        // Heads are independent when they only read a fixed tail set: one group.
        let groupSize = sameSet ? chunkSize * chunksPerGroup : max(heads, 1)
        // Moves of tails owned by other chunks: chunk c logs at most one per edge of its heads,
        // into its slice of one store starting at its first edge.
        let logsMoves = moveOther && sameSet
        // Working state, freed on return: the sampling schedule, the read copy, the move logs.
        let edges = epochsPerSample.count
        let period = UnsafeMutablePointer<Float>.allocate(capacity: max(edges, 1))
        let nextSample = UnsafeMutablePointer<Float>.allocate(capacity: max(edges, 1))
        let negativePeriod = UnsafeMutablePointer<Float>.allocate(capacity: max(edges, 1))
        let nextNegative = UnsafeMutablePointer<Float>.allocate(capacity: max(edges, 1))
        for e in 0..<edges {
            let p = Float(epochsPerSample[e])
            // A period of 0 means no negative samples (negative_sample_rate 0).
            let q = Float(negativeSampleRate > 0 ? epochsPerSample[e] / negativeSampleRate : 0)
            (period + e).initialize(to: p); (nextSample + e).initialize(to: p)
            (negativePeriod + e).initialize(to: q); (nextNegative + e).initialize(to: q)
        }
        let copy = UMAPLayout.allocated(tailEmbedding ?? head)
        let moveVertex = UnsafeMutablePointer<Int32>.allocate(capacity: logsMoves ? tail.count : 0)
        let moveDelta = UnsafeMutablePointer<Float>.allocate(capacity: logsMoves ? tail.count * dim : 0)
        let moveCount = UMAPLayout.allocated([Int](repeating: 0, count: chunks))
        // densMAP's work space (one entry when there is no density term).
        let densityCount = density == nil ? 0 : heads
        let densityU = UMAPLayout.allocated([Float](repeating: 0, count: densityCount))
        let densityV = UMAPLayout.allocated([Float](repeating: 0, count: densityCount))
        let densityRho = UMAPLayout.allocated([Double](repeating: 0, count: densityCount))
        let densityPhiSum = UMAPLayout.allocated([Double](repeating: 0, count: densityCount))
        let edgeScale = UMAPLayout.allocated(density?.edgeScale ?? [])
        defer {
            for p in [period, nextSample, negativePeriod, nextNegative, copy, moveDelta, densityU, densityV, edgeScale] { p.deallocate() }
            moveVertex.deallocate(); moveCount.deallocate(); densityRho.deallocate(); densityPhiSum.deallocate()
        }
        /// The move log of chunk c (empty, never written, when moves are not logged).
        func moveLog(chunk c: Int) -> MoveLog {
            guard logsMoves else { return MoveLog(vertex: nil, delta: nil) }
            let first = edgeStart[min(c * chunkSize, heads)]
            return MoveLog(vertex: moveVertex + first, delta: moveDelta + first * dim)
        }
        let powValues = UMAPPowTable.values(for: b)
        powValues.withUnsafeBufferPointer { powBuffer in
        edgeStart.withUnsafeBufferPointer { esb in
        tail.withUnsafeBufferPointer { tb in
        head.withUnsafeMutableBufferPointer { hb in
            let h = hb.baseAddress!
            let plain = Buffers(edgeStart: esb.baseAddress!, tail: tb.baseAddress!, period: period,
                                negativePeriod: negativePeriod, nextSample: nextSample, nextNegative: nextNegative,
                                head: h, copy: copy, sameSet: sameSet, tailCount: tailCount, dim: dim,
                                pow: UMAPPowTable(exponent: b, base: powBuffer.baseAddress!))
            // Thousands of short sub-steps: one team of threads serves them all.
            Parallel.withWorkerTeam {
            for epoch in 0..<epochs {
                let alpha = initialAlpha * (1 - Float(epoch) / Float(epochs))
                let n = Float(epoch)
                var z = plain
                if let density, sameSet, epoch >= density.firstEpoch {
                    // Radii from the positions at the epoch's start (`copy` equals them here too).
                    let scale = density.epochFactors(positions: h, dim: dim, edgeStart: plain.edgeStart, tail: plain.tail,
                                                     a: a, pow: plain.pow, rho: densityRho, phiSum: densityPhiSum,
                                                     u: densityU, v: densityV)
                    z.density = DensityView(u: densityU, v: densityV, edgeScale: edgeScale, scale: scale)
                }
                if !deterministic {
                    // One owner for everything: all reads live, all moves immediate.
                    var rng = RandomStream(seed: seed, purpose: "umap.sgd.sequential", index: UInt64(epoch))
                    var log = MoveLog(vertex: nil, delta: nil)  // every vertex is owned: nothing is logged
                    sweep(0..<heads, epoch: n, alpha: alpha, z, rng: &rng, moves: &log)
                } else {
                    var groupStart = 0
                    while groupStart < heads {
                        let groupCount = min(groupSize, heads - groupStart)
                        let firstChunk = groupStart / chunkSize
                        Parallel.forEachChunk(count: groupCount, chunkSize: chunkSize) { local, range in
                            let c = firstChunk + local
                            var rng = RandomStream(seed: seed, purpose: "umap.sgd",
                                                   index: UInt64(epoch) * UInt64(chunks) + UInt64(c))
                            var log = moveLog(chunk: c)
                            sweep(range.lowerBound + groupStart ..< range.upperBound + groupStart, epoch: n, alpha: alpha, z,
                                  rng: &rng, moves: &log)
                            moveCount[c] = log.count
                        }
                        if logsMoves {
                            // Logged moves in chunk order, split by target vertex: every vertex gets its
                            // moves in the same order for any split, so the split may follow the thread
                            // count. The copy follows the live positions.
                            let lastChunk = Parallel.chunkCount(count: groupStart + groupCount, chunkSize: chunkSize)
                            let parts = max(1, Parallel.threadCount)
                            Parallel.forEachChunk(count: parts, chunkSize: 1) { part, _ in
                                let lo = UInt32(heads * part / parts), hi = UInt32(heads * (part + 1) / parts)
                                for c in firstChunk..<lastChunk {
                                    let log = moveLog(chunk: c)
                                    let verts = log.vertex!, deltas = log.delta!
                                    for m in 0..<moveCount[c] {
                                        let v = UInt32(bitPattern: verts[m])
                                        guard v >= lo && v < hi else { continue }
                                        let base = Int(v) * dim
                                        for q in 0..<dim {
                                            h[base + q] += deltas[m * dim + q]
                                            copy[base + q] = h[base + q]
                                        }
                                    }
                                }
                            }
                        }
                        if sameSet {
                            (copy + groupStart * dim).update(from: h + groupStart * dim, count: groupCount * dim)
                        }
                        groupStart += groupCount
                    }
                }
                progress?(Double(epoch + 1) / Double(epochs))
            }
            }
        }
        }
        }
        }
    }

    /// A new allocation holding `values` (at least one element of capacity); the caller deallocates.
    private static func allocated<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
        _ = UnsafeMutableBufferPointer(start: p, count: values.count).initialize(from: values)
        return p
    }

    /// Moves of tails owned by other chunks, applied after the sub-step: `count` entries of
    /// `vertex` with `dim` coordinates each in `delta` (slices of preallocated stores).
    struct MoveLog {
        var vertex: UnsafeMutablePointer<Int32>?
        var delta: UnsafeMutablePointer<Float>?
        var count = 0
    }

    @inline(__always)
    private static func clip(_ x: Float) -> Float { x > 4 ? 4 : (x < -4 ? -4 : x) }

    /// densMAP's c_e of edge e = (j, k) at x = d² > 0, from UMAP's attractive coefficient
    /// (−2·φ') and x^b (`UMAPDensity`).
    @inline(__always)
    private static func densityCoefficient(_ dv: DensityView, edge e: Int, j: Int, k: Int, pb: Float, coeff: Float,
                                           a: Float, b: Float) -> Float {
        let phi = 1 / (1 + a * pb)
        return dv.scale * dv.edgeScale[e]
            * UMAPDensity.edgeFactor(phi: phi, dphi: -0.5 * coeff, b: b, uj: dv.u[j], uk: dv.u[k], vj: dv.v[j], vk: dv.v[k])
    }

    /// Where a chunk reads a vertex: live when it owns it (every vertex in sequential mode),
    /// else from the copy (the tail set when heads and tails differ).
    @inline(__always)
    private static func source(owned: Bool, _ z: Buffers) -> UnsafePointer<Float> {
        UnsafePointer(owned ? z.head : z.copy)
    }

    /// Calls `body(j, e)` for each edge `e` of the heads `j` in `range` (in order) that is due at `epoch`.
    @inline(__always)
    private static func forEachDueEdge(_ range: Range<Int>, epoch: Float, _ z: Buffers, _ body: (Int, Int) -> Void) {
        for j in range {
            for e in z.edgeStart[j]..<z.edgeStart[j + 1] where z.nextSample[e] <= epoch { body(j, e) }
        }
    }

    /// The number of negative samples edge `e` owes at `epoch`, and its schedule advanced past them.
    @inline(__always)
    private static func negativeSamplesDue(_ e: Int, epoch: Float, _ z: Buffers) -> Int {
        let period = z.negativePeriod[e]
        guard period > 0 else { return 0 }
        let count = Int((epoch - z.nextNegative[e]) / period)
        if count > 0 { z.nextNegative[e] += Float(count) * period }
        return count
    }

    /// Processes the edges of head vertices in `range` (the chunk's own vertices) that are due
    /// in this epoch, in `forEachDueEdge` order. Per edge: one attractive step of the head
    /// towards the tail (the tail takes the opposite step when `moveOther`: in place when the
    /// chunk owns it, else through `moves`), then the edge's negative samples, all computed
    /// against the head's position after that step and applied together (umap-learn applies
    /// each in turn; summing them breaks the chain of dependent updates, at equal quality).
    private func sweep(_ range: Range<Int>, epoch: Float, alpha: Float, _ z: Buffers, rng: inout RandomStream,
                       moves: inout MoveLog) {
        if z.dim == 2 { sweep2(range, epoch: epoch, alpha: alpha, z, rng: &rng, moves: &moves); return }
        let dim = z.dim, a = self.a, b = self.b, gamma = self.gamma, epsilon = repulsionEpsilon
        let movesTails = moveOther && z.sameSet
        let ownStart = range.lowerBound, ownCount = UInt(range.count)
        var scratch = [Float](repeating: 0, count: 2 * dim)
        scratch.withUnsafeMutableBufferPointer { sb in
        let g = sb.baseAddress!, sum = g + dim
        UMAPLayout.forEachDueEdge(range, epoch: epoch, z) { j, e in
            let current = z.head + j * dim
            let k = Int(z.tail[e])
            let owned = z.sameSet && UInt(bitPattern: k &- ownStart) < ownCount
            let other = UMAPLayout.source(owned: owned, z) + k * dim
            var d2: Float = 0
            for q in 0..<dim { let t = current[q] - other[q]; d2 += t * t }
            var coeff: Float = 0, pb: Float = 0
            if d2 > 0 {
                pb = z.pow.pow(d2)
                coeff = -2 * a * b * (pb / d2) / (a * pb + 1)
            }
            for q in 0..<dim { g[q] = UMAPLayout.clip(coeff * (current[q] - other[q])) }
            if let dv = z.density, d2 > 0 {
                let c = UMAPLayout.densityCoefficient(dv, edge: e, j: j, k: k, pb: pb, coeff: coeff, a: a, b: b)
                for q in 0..<dim { g[q] += UMAPLayout.clip(2 * c * (current[q] - other[q])) }
            }
            for q in 0..<dim { g[q] *= alpha }
            for q in 0..<dim { current[q] += g[q] }
            if movesTails {
                if owned {
                    for q in 0..<dim { z.head[k * dim + q] -= g[q] }
                } else {
                    moves.vertex![moves.count] = Int32(k)
                    for q in 0..<dim { moves.delta![moves.count * dim + q] = -g[q] }
                    moves.count += 1
                }
            }
            z.nextSample[e] += z.period[e]
            let count = UMAPLayout.negativeSamplesDue(e, epoch: epoch, z)
            guard count > 0 else { return }
            for q in 0..<dim { sum[q] = 0 }
            for _ in 0..<count {
                let s = rng.nextInt(below: z.tailCount)
                // A vertex exerts no force on itself (umap-learn skips j == k).
                if z.sameSet && s == j { continue }
                let sOwned = z.sameSet && UInt(bitPattern: s &- ownStart) < ownCount
                let neg = UMAPLayout.source(owned: sOwned, z) + s * dim
                var nd2: Float = 0
                for q in 0..<dim { let t = current[q] - neg[q]; nd2 += t * t }
                // Coincident points exert no force.
                guard nd2 > 0 else { continue }
                let c = 2 * gamma * b / ((epsilon + nd2) * (a * z.pow.pow(nd2) + 1))
                for q in 0..<dim { sum[q] += UMAPLayout.clip(c * (current[q] - neg[q])) * alpha }
            }
            for q in 0..<dim { current[q] += sum[q] }
        }
        }
    }

    /// `sweep` specialised to two dimensions (same arithmetic, scalar code).
    private func sweep2(_ range: Range<Int>, epoch: Float, alpha: Float, _ z: Buffers, rng: inout RandomStream,
                        moves: inout MoveLog) {
        let a = self.a, b = self.b, gamma = self.gamma, epsilon = repulsionEpsilon
        let movesTails = moveOther && z.sameSet
        let ownStart = range.lowerBound, ownCount = UInt(range.count)
        let tailCount = z.tailCount
        UMAPLayout.forEachDueEdge(range, epoch: epoch, z) { j, e in
            let current = z.head + 2 * j
            let k = Int(z.tail[e])
            let owned = z.sameSet && UInt(bitPattern: k &- ownStart) < ownCount
            let src = UMAPLayout.source(owned: owned, z)
            let dx = current[0] - src[2 * k], dy = current[1] - src[2 * k + 1]
            let d2 = dx * dx + dy * dy
            var coeff: Float = 0, pb: Float = 0
            if d2 > 0 {
                pb = z.pow.pow(d2)
                coeff = -2 * a * b * (pb / d2) / (a * pb + 1)
            }
            var gx = UMAPLayout.clip(coeff * dx), gy = UMAPLayout.clip(coeff * dy)
            if let dv = z.density, d2 > 0 {
                let c = UMAPLayout.densityCoefficient(dv, edge: e, j: j, k: k, pb: pb, coeff: coeff, a: a, b: b)
                gx += UMAPLayout.clip(2 * c * dx); gy += UMAPLayout.clip(2 * c * dy)
            }
            gx *= alpha; gy *= alpha
            let cx = current[0] + gx, cy = current[1] + gy
            current[0] = cx; current[1] = cy
            if movesTails {
                if owned {
                    // k != j: the graph has no loops.
                    z.head[2 * k] -= gx; z.head[2 * k + 1] -= gy
                } else {
                    moves.vertex![moves.count] = Int32(k)
                    moves.delta![2 * moves.count] = -gx
                    moves.delta![2 * moves.count + 1] = -gy
                    moves.count += 1
                }
            }
            z.nextSample[e] += z.period[e]
            let count = UMAPLayout.negativeSamplesDue(e, epoch: epoch, z)
            guard count > 0 else { return }
            var sx: Float = 0, sy: Float = 0
            for _ in 0..<count {
                let s = rng.nextInt(below: tailCount)
                // A vertex exerts no force on itself (umap-learn skips j == k).
                if z.sameSet && s == j { continue }
                let sOwned = z.sameSet && UInt(bitPattern: s &- ownStart) < ownCount
                let neg = UMAPLayout.source(owned: sOwned, z)
                let ex = cx - neg[2 * s], ey = cy - neg[2 * s + 1]
                let nd2 = ex * ex + ey * ey
                // Coincident points exert no force.
                guard nd2 > 0 else { continue }
                let c = 2 * gamma * b / ((epsilon + nd2) * (a * z.pow.pow(nd2) + 1))
                sx += UMAPLayout.clip(c * ex) * alpha
                sy += UMAPLayout.clip(c * ey) * alpha
            }
            current[0] += sx; current[1] += sy
        }
    }
}

/// x^b for a fixed b by table: 2^((e − 127)·b) per binary exponent e times the mantissa
/// power m^b interpolated linearly between 256 + 1 knots on [1, 2]; relative error
/// about 1e-6 for b in (0, 2]. Inputs outside [1e-30, 1e30] use the library pow.
/// Deterministic and much shorter in latency than exp/log.
struct UMAPPowTable {
    let exponent: Float
    /// Points into `values(for: exponent)`, which must outlive this table.
    let base: UnsafePointer<Float>

    /// The 256 + 257 table entries for exponent b.
    static func values(for b: Float) -> [Float] {
        var t = [Float](repeating: 0, count: 256 + 257)
        for e in 0..<256 { t[e] = Float(DeterministicMath.pow(2, Double(e - 127) * Double(b))) }
        for i in 0...256 { t[256 + i] = Float(DeterministicMath.pow(1 + Double(i) / 256, Double(b))) }
        return t
    }

    @inline(__always)
    func pow(_ x: Float) -> Float {
        guard x >= 1e-30, x <= 1e30 else { return Float(DeterministicMath.pow(Double(x), Double(exponent))) }
        let bits = x.bitPattern
        let e = Int(bits >> 23)  // sign is 0
        let i = Int((bits >> 15) & 0xff)
        let frac = Float(bits & 0x7fff) * (1.0 / 32768)
        let lo = base[256 + i], hi = base[257 + i]
        return base[e] * (lo + (hi - lo) * frac)
    }
}

