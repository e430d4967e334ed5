import Linalg

/// A forest of random-projection trees (as in pynndescent): each tree splits
/// its points recursively by the hyperplane half-way between two random
/// points until a node holds at most `leafSize` points. Points sharing a leaf
/// are candidate neighbours.
struct RPForest {
    /// For each tree, leaves as ranges of `members[t]`.
    var leafStarts: [[Int32]]
    var members: [[Int32]]
    let trees: Int
    let n: Int

    /// Builds `trees` trees in parallel; tree t draws from RandomStream(seed, "nn.rptree", t).
    /// When `projectTo` is smaller than the data dimension, the trees split a Gaussian
    /// random projection of the data to that many dimensions (Johnson–Lindenstrauss):
    /// the splits stay random hyperplanes, at a fraction of the memory traffic.
    init(data: ReducedDistanceRows, trees: Int, leafSize: Int, seed: UInt64, projectTo: Int? = nil) {
        let n = data.n
        var values = data.values
        var d = data.d
        if let m = projectTo, m > 0, m < d {
            var rng = RandomStream(seed: seed, purpose: "nn.rptree.projection")
            let r = (0..<data.d * m).map { _ in Float(rng.nextGaussian()) }
            var projected = [Float](repeating: 0, count: n * m)
            let sourceD = data.d
            data.values.withUnsafeBufferPointer { xb in
                r.withUnsafeBufferPointer { rb in
                    projected.withUnsafeMutableBufferPointer { pb in
                        let x = xb.baseAddress!, rp = rb.baseAddress!, out = pb.baseAddress!
                        Parallel.forEachChunk(count: n, chunkSize: 1024) { _, range in
                            BLAS.sgemm(m: range.count, n: m, k: sourceD, a: x + range.lowerBound * sourceD, lda: sourceD,
                                       b: rp, ldb: m, transposeB: false, c: out + range.lowerBound * m, ldc: m)
                        }
                    }
                }
            }
            values = projected
            d = m
        }
        self.trees = trees
        self.n = n
        var starts = [[Int32]](repeating: [], count: trees)
        var members = [[Int32]](repeating: [], count: trees)
        values.withUnsafeBufferPointer { xb in
            starts.withUnsafeMutableBufferPointer { sb in
                members.withUnsafeMutableBufferPointer { mb in
                    let x = xb.baseAddress!
                    Parallel.forEachChunk(count: trees, chunkSize: 1) { t, _ in
                        var rng = RandomStream(seed: seed, purpose: "nn.rptree", index: UInt64(t))
                        var perm = (0..<n).map { Int32($0) }
                        var scratch = [Int32](repeating: 0, count: n)
                        var normal = [Float](repeating: 0, count: d)
                        var side = [Bool](repeating: false, count: n)
                        var leafRanges: [Int32] = []
                        var stack: [(Int, Int)] = [(0, n)]
                        while let (lo, hi) = stack.popLast() {
                            let size = hi - lo
                            if size <= leafSize {
                                leafRanges.append(Int32(lo))
                                continue
                            }
                            let a = Int(perm[lo + rng.nextInt(below: size)])
                            var b = Int(perm[lo + rng.nextInt(below: size - 1)])
                            if b == a { b = Int(perm[hi - 1]) }
                            var offset: Float = 0
                            for j in 0..<d {
                                let xa = x[a * d + j], xbv = x[b * d + j]
                                normal[j] = xa - xbv
                                offset += normal[j] * 0.5 * (xa + xbv)
                            }
                            var left = 0
                            normal.withUnsafeBufferPointer { nb in
                                for p in lo..<hi {
                                    let i = Int(perm[p])
                                    let margin = MetricKernels.dot(nb.baseAddress!, x + i * d, d) - offset
                                    let goesLeft = margin > 0 ? true : (margin < 0 ? false : (rng.next() & 1) == 0)
                                    side[p] = goesLeft
                                    if goesLeft { left += 1 }
                                }
                            }
                            if left == 0 || left == size {  // degenerate: split at random in halves
                                left = 0
                                for p in lo..<hi {
                                    side[p] = (rng.next() & 1) == 0
                                    if side[p] { left += 1 }
                                }
                                if left == 0 || left == size {
                                    left = size / 2
                                    for p in lo..<hi { side[p] = p - lo < left }
                                }
                            }
                            var l = lo, r = lo + left
                            for p in lo..<hi {
                                if side[p] { scratch[l] = perm[p]; l += 1 } else { scratch[r] = perm[p]; r += 1 }
                            }
                            for p in lo..<hi { perm[p] = scratch[p] }
                            stack.append((lo + left, hi))
                            stack.append((lo, lo + left))
                        }
                        // Leaves in position order.
                        leafRanges.sort()
                        var st = leafRanges
                        st.append(Int32(n))
                        (sb.baseAddress! + t).pointee = st
                        (mb.baseAddress! + t).pointee = perm
                    }
                }
            }
        }
        self.leafStarts = starts
        self.members = members
    }

    /// Renames every point i to `rank[i]` (a permutation of 0..<n).
    mutating func renumber(_ rank: [Int32]) {
        for t in 0..<trees { members[t] = members[t].map { rank[Int($0)] } }
    }
}
