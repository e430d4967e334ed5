import Linalg

/// UMAP's stochastic gradient descent with edge sampling and negative sampling
/// (umap-learn's optimize_layout_euclidean: attraction −2ab·d^(2(b−1)) / (1 + a·d^(2b)),
/// repulsion 2γb / ((0.001 + d²)(1 + a·d^(2b))), each gradient coordinate clipped to ±4,
/// learning rate decayed linearly to 0), in two flavours:
///
/// - deterministic parallel (default): each epoch, head vertices are split in chunks
///   fixed by n; a chunk updates only its own head vertices in place, reads every
///   other position from a snapshot taken at the start of the epoch, and buffers the
///   moves of tail vertices, which are applied after the epoch in chunk order.
///   Negative samples come from RandomStream(seed, "umap.sgd", epoch · chunks + chunk).
///   The result is bit-identical for any thread count.
/// - sequential Hogwild-style: one thread, all moves applied immediately, as umap-learn
///   does with one thread (kept for comparison).
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
    /// Move the tail of each positive edge too (false in transform).
    var moveOther: Bool
    var deterministic: Bool

    /// Raw views shared by the sweeps of one epoch.
    struct Buffers {
        var edgeStart: UnsafePointer<Int>
        var tail: UnsafePointer<Int32>
        var period: UnsafePointer<Double>
        var negativePeriod: UnsafePointer<Double>
        var nextSample: UnsafeMutablePointer<Double>
        var nextNegative: UnsafeMutablePointer<Double>
        /// Positions written (own heads).
        var head: UnsafeMutablePointer<Float>
        /// Positions read for tails and negative samples.
        var others: UnsafePointer<Float>
        /// When non-nil, tails are moved here immediately (sequential mode).
        var inPlaceTail: UnsafeMutablePointer<Float>?
        var tailCount: Int
        var dim: Int
        /// `UMAPPowTable` for b.
        var pow: UMAPPowTable
    }

    /// Optimises `head` (heads × dim) in place against `tailEmbedding` (nil: head itself).
    func optimise(head: inout [Float], dim: Int, tailEmbedding: [Float]?, tailCount: Int, seed: UInt64,
                  progress: ((Double) -> Void)? = nil) {
        let heads = edgeStart.count - 1
        var nextSample = epochsPerSample
        // A period of 0 means no negative samples (negative_sample_rate 0).
        let negativePeriod = epochsPerSample.map { negativeSampleRate > 0 ? $0 / negativeSampleRate : 0 }
        var nextNegative = negativePeriod
        let chunkSize = max(64, (heads + 255) / 256)
        let chunks = Parallel.chunkCount(count: heads, chunkSize: chunkSize)
        var snapshot = tailEmbedding ?? head
        let sameSet = tailEmbedding == nil
        var moveVertex = [[Int32]](repeating: [], count: chunks)
        var moveDelta = [[Float]](repeating: [], count: chunks)
        let powValues = UMAPPowTable.values(for: b)
        powValues.withUnsafeBufferPointer { powBuffer in
        let powTable = UMAPPowTable(exponent: b, base: powBuffer.baseAddress!)
        edgeStart.withUnsafeBufferPointer { esb in
        tail.withUnsafeBufferPointer { tb in
        epochsPerSample.withUnsafeBufferPointer { pb in
        negativePeriod.withUnsafeBufferPointer { npb in
        nextSample.withUnsafeMutableBufferPointer { nsb in
        nextNegative.withUnsafeMutableBufferPointer { nnb in
            for epoch in 0..<epochs {
                let alpha = initialAlpha * (1 - Float(epoch) / Float(epochs))
                let n = Double(epoch)
                if !deterministic {
                    var rng = RandomStream(seed: seed, purpose: "umap.sgd.sequential", index: UInt64(epoch))
                    head.withUnsafeMutableBufferPointer { hb in
                        snapshot.withUnsafeBufferPointer { sb in
                            let buffers = Buffers(edgeStart: esb.baseAddress!, tail: tb.baseAddress!, period: pb.baseAddress!,
                                                  negativePeriod: npb.baseAddress!, nextSample: nsb.baseAddress!,
                                                  nextNegative: nnb.baseAddress!, head: hb.baseAddress!,
                                                  others: sameSet ? UnsafePointer(hb.baseAddress!) : sb.baseAddress!,
                                                  inPlaceTail: sameSet && moveOther ? hb.baseAddress! : nil,
                                                  tailCount: tailCount, dim: dim, pow: powTable)
                            var mv: [Int32] = [], md: [Float] = []
                            sweep(0..<heads, epoch: n, alpha: alpha, buffers, rng: &rng, moveVertex: &mv, moveDelta: &md)
                        }
                    }
                } else {
                    if sameSet {
                        snapshot.withUnsafeMutableBufferPointer { sb in
                            head.withUnsafeBufferPointer { hb in sb.baseAddress!.update(from: hb.baseAddress!, count: hb.count) }
                        }
                    }
                    head.withUnsafeMutableBufferPointer { hb in
                        snapshot.withUnsafeBufferPointer { sb in
                            moveVertex.withUnsafeMutableBufferPointer { mvb in
                                moveDelta.withUnsafeMutableBufferPointer { mdb in
                                    let buffers = Buffers(edgeStart: esb.baseAddress!, tail: tb.baseAddress!, period: pb.baseAddress!,
                                                          negativePeriod: npb.baseAddress!, nextSample: nsb.baseAddress!,
                                                          nextNegative: nnb.baseAddress!, head: hb.baseAddress!,
                                                          others: sb.baseAddress!, inPlaceTail: nil, tailCount: tailCount, dim: dim, pow: powTable)
                                    let mvp = mvb.baseAddress!, mdp = mdb.baseAddress!
                                    Parallel.forEachChunk(count: heads, chunkSize: chunkSize) { c, range in
                                        var rng = RandomStream(seed: seed, purpose: "umap.sgd",
                                                               index: UInt64(epoch) * UInt64(chunks) + UInt64(c))
                                        mvp[c].removeAll(keepingCapacity: true)
                                        mdp[c].removeAll(keepingCapacity: true)
                                        sweep(range, epoch: n, alpha: alpha, buffers, rng: &rng, moveVertex: &mvp[c], moveDelta: &mdp[c])
                                    }
                                }
                            }
                        }
                    }
                    if moveOther {
                        head.withUnsafeMutableBufferPointer { hb in
                            let h = hb.baseAddress!
                            for c in 0..<chunks {
                                let verts = moveVertex[c], deltas = moveDelta[c]
                                for (m, v) in verts.enumerated() {
                                    for q in 0..<dim { h[Int(v) * dim + q] += deltas[m * dim + q] }
                                }
                            }
                        }
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
        }
    }

    @inline(__always)
    private static func clip(_ x: Float) -> Float { x > 4 ? 4 : (x < -4 ? -4 : x) }

    /// Processes the edges of head vertices in `range` that are due in this epoch.
    /// Tail moves go to `inPlaceTail` when set, else (if `moveOther`) to the move lists.
    private func sweep(_ range: Range<Int>, epoch: Double, alpha: Float, _ z: Buffers, rng: inout RandomStream,
                       moveVertex: inout [Int32], moveDelta: inout [Float]) {
        if z.dim == 2 { sweep2(range, epoch: epoch, alpha: alpha, z, rng: &rng, moveVertex: &moveVertex, moveDelta: &moveDelta); return }
        let dim = z.dim, a = self.a, b = self.b, gamma = self.gamma
        let negatives = z.inPlaceTail.map { UnsafePointer($0) } ?? z.others
        let record = moveOther && z.inPlaceTail == nil
        var grad = SIMD4<Float>()  // used when dim <= 4
        var gradLong = [Float](repeating: 0, count: dim > 4 ? dim : 0)
        for j in range {
            let current = z.head + j * dim
            for e in z.edgeStart[j]..<z.edgeStart[j + 1] where z.nextSample[e] <= epoch {
                let k = Int(z.tail[e])
                let other = z.others + k * dim
                var d2: Float = 0
                for q in 0..<dim { let t = current[q] - other[q]; d2 += t * t }
                var coeff: Float = 0
                if d2 > 0 {
                    let pb = z.pow.pow(d2)
                    coeff = -2 * a * b * (pb / d2) / (a * pb + 1)
                }
                if dim <= 4 {
                    for q in 0..<dim { grad[q] = UMAPLayout.clip(coeff * (current[q] - other[q])) * alpha }
                    for q in 0..<dim { current[q] += grad[q] }
                    if let tp = z.inPlaceTail, moveOther {
                        for q in 0..<dim { tp[k * dim + q] -= grad[q] }
                    } else if record {
                        moveVertex.append(Int32(k))
                        for q in 0..<dim { moveDelta.append(-grad[q]) }
                    }
                } else {
                    for q in 0..<dim { gradLong[q] = UMAPLayout.clip(coeff * (current[q] - other[q])) * alpha }
                    for q in 0..<dim { current[q] += gradLong[q] }
                    if let tp = z.inPlaceTail, moveOther {
                        for q in 0..<dim { tp[k * dim + q] -= gradLong[q] }
                    } else if record {
                        moveVertex.append(Int32(k))
                        for q in 0..<dim { moveDelta.append(-gradLong[q]) }
                    }
                }
                z.nextSample[e] += z.period[e]
                let count = z.negativePeriod[e] > 0 ? Int((epoch - z.nextNegative[e]) / z.negativePeriod[e]) : 0
                if count > 0 {
                    for _ in 0..<count {
                        let s = rng.nextInt(below: z.tailCount)
                        let neg = negatives + s * dim
                        var nd2: Float = 0
                        for q in 0..<dim { let t = current[q] - neg[q]; nd2 += t * t }
                        // Coincident points (including s == j) exert no force.
                        guard nd2 > 0 else { continue }
                        let c = 2 * gamma * b / ((0.001 + nd2) * (a * z.pow.pow(nd2) + 1))
                        if c > 0 {
                            for q in 0..<dim { current[q] += UMAPLayout.clip(c * (current[q] - neg[q])) * alpha }
                        }
                    }
                    z.nextNegative[e] += Double(count) * z.negativePeriod[e]
                }
            }
        }
    }

    /// `sweep` specialised to two dimensions (same arithmetic, scalar code).
    private func sweep2(_ range: Range<Int>, epoch: Double, alpha: Float, _ z: Buffers, rng: inout RandomStream,
                        moveVertex: inout [Int32], moveDelta: inout [Float]) {
        let a = self.a, b = self.b, gamma = self.gamma
        let negatives = z.inPlaceTail.map { UnsafePointer($0) } ?? z.others
        let record = moveOther && z.inPlaceTail == nil
        let inPlace = moveOther ? z.inPlaceTail : nil
        let tailCount = z.tailCount
        for j in range {
            let current = z.head + j * 2
            var cx = current[0], cy = current[1]
            for e in z.edgeStart[j]..<z.edgeStart[j + 1] where z.nextSample[e] <= epoch {
                let k = Int(z.tail[e])
                let ox = z.others[2 * k], oy = z.others[2 * k + 1]
                let dx = cx - ox, dy = cy - oy
                let d2 = dx * dx + dy * dy
                var coeff: Float = 0
                if d2 > 0 {
                    let pb = z.pow.pow(d2)
                    coeff = -2 * a * b * (pb / d2) / (a * pb + 1)
                }
                let gx = UMAPLayout.clip(coeff * dx) * alpha, gy = UMAPLayout.clip(coeff * dy) * alpha
                cx += gx; cy += gy
                if let tp = inPlace {
                    current[0] = cx; current[1] = cy
                    tp[2 * k] -= gx; tp[2 * k + 1] -= gy
                    cx = current[0]; cy = current[1]  // k may equal j in place
                } else if record {
                    moveVertex.append(Int32(k))
                    moveDelta.append(-gx); moveDelta.append(-gy)
                }
                z.nextSample[e] += z.period[e]
                let count = z.negativePeriod[e] > 0 ? Int((epoch - z.nextNegative[e]) / z.negativePeriod[e]) : 0
                if count > 0 {
                    for _ in 0..<count {
                        let s = rng.nextInt(below: tailCount)
                        if z.inPlaceTail != nil { current[0] = cx; current[1] = cy }
                        let nx = negatives[2 * s], ny = negatives[2 * s + 1]
                        let ex = cx - nx, ey = cy - ny
                        let nd2 = ex * ex + ey * ey
                        // Coincident points (including s == j) exert no force.
                        guard nd2 > 0 else { continue }
                        let c = 2 * gamma * b / ((0.001 + nd2) * (a * z.pow.pow(nd2) + 1))
                        if c > 0 {
                            cx += UMAPLayout.clip(c * ex) * alpha
                            cy += UMAPLayout.clip(c * ey) * alpha
                        }
                    }
                    z.nextNegative[e] += Double(count) * z.negativePeriod[e]
                }
                current[0] = cx; current[1] = cy
            }
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
        for e in 0..<256 { t[e] = Float(Foundation_pow(2, Double(e - 127) * Double(b))) }
        for i in 0...256 { t[256 + i] = Float(Foundation_pow(1 + Double(i) / 256, Double(b))) }
        return t
    }

    @inline(__always)
    func pow(_ x: Float) -> Float {
        guard x >= 1e-30, x <= 1e30 else { return Float(Foundation_pow(Double(x), Double(exponent))) }
        let bits = x.bitPattern
        let e = Int(bits >> 23)  // sign is 0
        let i = Int((bits >> 15) & 0xff)
        let frac = Float(bits & 0x7fff) * (1.0 / 32768)
        let lo = base[256 + i], hi = base[257 + i]
        return base[e] * (lo + (hi - lo) * frac)
    }
}

/// Fast, deterministic elementary functions for the SGD inner loop.
enum UMAPMath {
    /// x^y for x > 0 as exp2(y · log2 x), with log2 from the exponent bits and an
    /// atanh series on the mantissa, exp2 from a degree-6 polynomial; relative error
    /// below 1e-5 for the arguments UMAP uses. Falls back to the library pow for
    /// subnormal or huge inputs.
    @inline(__always)
    static func pow(_ x: Float, _ y: Float) -> Float {
        guard x >= 1e-30, x <= 1e30 else { return Float(Foundation_pow(Double(x), Double(y))) }
        let bits = x.bitPattern
        let exponent = Float(Int32(bitPattern: (bits >> 23) & 0xff) - 127)
        var m = Float(bitPattern: (bits & 0x7f_ffff) | 0x3f80_0000)  // [1, 2)
        var e = exponent
        if m > 1.41421356 { m *= 0.5; e += 1 }  // m in [0.707, 1.414]
        let t = (m - 1) / (m + 1)
        let t2 = t * t
        let lnm = 2 * t * (1 + t2 * (1.0 / 3 + t2 * (1.0 / 5 + t2 * (1.0 / 7 + t2 * (1.0 / 9)))))
        let l = e + lnm * 1.44269504  // log2 x
        var v = y * l
        v = max(-126, min(126, v))
        let i = v.rounded(.down)
        let f = (v - i) * 0.693147181  // ln 2 · fractional part, in [0, 0.694)
        let p = 1 + f * (1 + f * (0.5 + f * (1.0 / 6 + f * (1.0 / 24 + f * (1.0 / 120 + f * (1.0 / 720 + f * (1.0 / 5040)))))))
        return p * Float(bitPattern: UInt32(Int32(i) + 127) << 23)
    }
}

#if canImport(Glibc)
import Glibc
@inline(__always) func Foundation_pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
import Darwin
@inline(__always) func Foundation_pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif
