import Linalg

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// UMAP's stochastic gradient descent with edge sampling and negative sampling
/// (umap-learn's optimize_layout_euclidean), in two flavours:
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

    /// Optimises `head` (heads × dim) in place against `tailEmbedding` (nil: head itself).
    func optimise(head: inout [Float], dim: Int, tailEmbedding: [Float]?, tailCount: Int, seed: UInt64,
                  progress: ((Double) -> Void)? = nil) {
        let heads = edgeStart.count - 1
        let edges = tail.count
        var nextSample = epochsPerSample
        let epochsPerNegative = epochsPerSample.map { $0 / negativeSampleRate }
        var nextNegative = epochsPerNegative
        let chunkSize = max(64, (heads + 255) / 256)
        let chunks = Parallel.chunkCount(count: heads, chunkSize: chunkSize)
        let a = self.a, b = self.b, gamma = self.gamma
        var snapshot = tailEmbedding ?? head
        let sameSet = tailEmbedding == nil
        for epoch in 0..<epochs {
            let alpha = initialAlpha * (1 - Float(epoch) / Float(epochs))
            let n = Double(epoch)
            if sameSet && deterministic { snapshot = head }
            if !deterministic {
                var rng = RandomStream(seed: seed, purpose: "umap.sgd.sequential", index: UInt64(epoch))
                head.withUnsafeMutableBufferPointer { hb in
                    let hp = hb.baseAddress!
                    if sameSet {
                        sweep(range: 0..<heads, epoch: n, alpha: alpha, a: a, b: b, gamma: gamma, dim: dim,
                              head: hp, others: hp, tailCount: tailCount, nextSample: &nextSample,
                              nextNegative: &nextNegative, epochsPerNegative: epochsPerNegative, rng: &rng,
                              tailMoves: nil, inPlaceTail: moveOther ? hp : nil)
                    } else {
                        snapshot.withUnsafeBufferPointer { sb in
                            sweep(range: 0..<heads, epoch: n, alpha: alpha, a: a, b: b, gamma: gamma, dim: dim,
                                  head: hp, others: sb.baseAddress!, tailCount: tailCount, nextSample: &nextSample,
                                  nextNegative: &nextNegative, epochsPerNegative: epochsPerNegative, rng: &rng,
                                  tailMoves: nil, inPlaceTail: nil)
                        }
                    }
                }
            } else {
                var moves = [[TailMove]](repeating: [], count: chunks)
                head.withUnsafeMutableBufferPointer { hb in
                    snapshot.withUnsafeBufferPointer { sb in
                        nextSample.withUnsafeMutableBufferPointer { nsb in
                            nextNegative.withUnsafeMutableBufferPointer { nnb in
                                moves.withUnsafeMutableBufferPointer { mb in
                                    let hp = hb.baseAddress!, sp = sb.baseAddress!
                                    let nsp = nsb.baseAddress!, nnp = nnb.baseAddress!, mp = mb.baseAddress!
                                    Parallel.forEachChunk(count: heads, chunkSize: chunkSize) { c, range in
                                        var rng = RandomStream(seed: seed, purpose: "umap.sgd",
                                                               index: UInt64(epoch) * UInt64(chunks) + UInt64(c))
                                        var local: [TailMove] = []
                                        var ns = UnsafeMutableBufferPointer(start: nsp, count: edges)
                                        var nn = UnsafeMutableBufferPointer(start: nnp, count: edges)
                                        sweepRaw(range: range, epoch: n, alpha: alpha, a: a, b: b, gamma: gamma, dim: dim,
                                                 head: hp, others: sp, tailCount: tailCount, nextSample: &ns,
                                                 nextNegative: &nn, epochsPerNegative: epochsPerNegative, rng: &rng,
                                                 recordTailMoves: moveOther, tailMoves: &local, inPlaceTail: nil)
                                        (mp + c).pointee = local
                                    }
                                }
                            }
                        }
                    }
                }
                if moveOther {
                    for list in moves {
                        for m in list {
                            let base = Int(m.vertex) * dim
                            head[base] += m.dx
                            if dim > 1 { head[base + 1] += m.dy }
                            if dim > 2 { for k in 2..<dim { head[base + k] += m.rest[k - 2] } }
                        }
                    }
                }
            }
            progress?(Double(epoch + 1) / Double(epochs))
        }
    }

    struct TailMove {
        var vertex: Int32
        var dx: Float
        var dy: Float
        var rest: [Float]
    }

    private func sweep(range: Range<Int>, epoch: Double, alpha: Float, a: Float, b: Float, gamma: Float, dim: Int,
                       head: UnsafeMutablePointer<Float>, others: UnsafePointer<Float>, tailCount: Int,
                       nextSample: inout [Double], nextNegative: inout [Double], epochsPerNegative: [Double],
                       rng: inout RandomStream, tailMoves: UnsafeMutablePointer<[TailMove]>?,
                       inPlaceTail: UnsafeMutablePointer<Float>?) {
        var unused: [TailMove] = []
        nextSample.withUnsafeMutableBufferPointer { ns in
            nextNegative.withUnsafeMutableBufferPointer { nn in
                var nsb = ns, nnb = nn
                sweepRaw(range: range, epoch: epoch, alpha: alpha, a: a, b: b, gamma: gamma, dim: dim, head: head,
                         others: others, tailCount: tailCount, nextSample: &nsb, nextNegative: &nnb,
                         epochsPerNegative: epochsPerNegative, rng: &rng, recordTailMoves: false, tailMoves: &unused,
                         inPlaceTail: inPlaceTail)
            }
        }
    }

    @inline(__always)
    private static func clip(_ x: Float) -> Float { x > 4 ? 4 : (x < -4 ? -4 : x) }

    /// Processes the edges of head vertices in `range` that are due in this epoch.
    private func sweepRaw(range: Range<Int>, epoch: Double, alpha: Float, a: Float, b: Float, gamma: Float, dim: Int,
                          head: UnsafeMutablePointer<Float>, others: UnsafePointer<Float>, tailCount: Int,
                          nextSample: inout UnsafeMutableBufferPointer<Double>,
                          nextNegative: inout UnsafeMutableBufferPointer<Double>, epochsPerNegative: [Double],
                          rng: inout RandomStream, recordTailMoves: Bool, tailMoves: inout [TailMove],
                          inPlaceTail: UnsafeMutablePointer<Float>?) {
        var grad = [Float](repeating: 0, count: dim)
        tail.withUnsafeBufferPointer { tb in
            epochsPerSample.withUnsafeBufferPointer { eb in
                epochsPerNegative.withUnsafeBufferPointer { enb in
                    for j in range {
                        let current = head + j * dim
                        for e in edgeStart[j]..<edgeStart[j + 1] where nextSample[e] <= epoch {
                            let k = Int(tb[e])
                            let other = others + k * dim
                            var d2: Float = 0
                            for q in 0..<dim { let t = current[q] - other[q]; d2 += t * t }
                            var coeff: Float = 0
                            if d2 > 0 {
                                let pb = powf(d2, b)
                                coeff = -2 * a * b * (pb / d2) / (a * pb + 1)
                            }
                            for q in 0..<dim { grad[q] = UMAPLayout.clip(coeff * (current[q] - other[q])) }
                            for q in 0..<dim { current[q] += grad[q] * alpha }
                            if moveOther {
                                if let tp = inPlaceTail {
                                    for q in 0..<dim { tp[k * dim + q] -= grad[q] * alpha }
                                } else if recordTailMoves {
                                    tailMoves.append(TailMove(vertex: Int32(k), dx: -grad[0] * alpha,
                                                                  dy: dim > 1 ? -grad[1] * alpha : 0,
                                                                  rest: dim > 2 ? (2..<dim).map { -grad[$0] * alpha } : []))
                                }
                            }
                            nextSample[e] += eb[e]
                            let negatives = Int((epoch - nextNegative[e]) / enb[e])
                            if negatives > 0 {
                                for _ in 0..<negatives {
                                    let s = rng.nextInt(below: tailCount)
                                    let neg = (inPlaceTail != nil ? UnsafePointer(inPlaceTail!) : others) + s * dim
                                    var nd2: Float = 0
                                    for q in 0..<dim { let t = current[q] - neg[q]; nd2 += t * t }
                                    var c: Float = 0
                                    if nd2 > 0 {
                                        c = 2 * gamma * b / ((0.001 + nd2) * (a * powf(nd2, b) + 1))
                                    }  // coincident points (including s == j) exert no force
                                    if c > 0 {
                                        for q in 0..<dim { current[q] += UMAPLayout.clip(c * (current[q] - neg[q])) * alpha }
                                    }
                                }
                                nextNegative[e] += Double(negatives) * enb[e]
                            }
                        }
                    }
                }
            }
        }
    }
}
