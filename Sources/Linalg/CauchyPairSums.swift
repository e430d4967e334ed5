import CKernels

/// All-pairs sums of the Cauchy kernel q = 1 / (1 + d²) between points in the plane: t-SNE's exact
/// repulsion for dof = 1, in single precision.
///
/// The points are cut into blocks of `blockSize(for:)`; the tile of blocks (P, Q) with P < Q is
/// computed once and gives both sides of each pair (q is symmetric, the force antisymmetric), so
/// every pair is evaluated once; a diagonal tile (P, P) sums its full square from the rows' side.
/// Tiles run in parallel, each into its own slot; then each point adds its contributions over
/// Q = 0, 1, … in order, in double.
///
/// Determinism contract (the tile kernel's is in `CKernels/cauchy_pairs.c`): positions are rounded
/// to Float once; within a tile, sums run in fixed lane and index order with rounded single-precision
/// operations and no fused multiply-add; the SSE2 and AVX2 variants (picked by CPU,
/// `MBENCH_KERNEL_ISA` to force) give the same bits; the blocks depend on n only and the slots are
/// added in a fixed order, so neither the CPU nor the thread count changes a result.
public enum CauchyPairSums {
    /// Points per block: a multiple of 8, at least 256, at most 4 096, about n / 64 for large n.
    static func blockSize(for n: Int) -> Int {
        min(4_096, max(256, ((n + 63) / 64 + 7) / 8 * 8))
    }

    /// Largest slot buffer of the symmetric scheme (bytes); above it each pair is computed from
    /// both sides instead (only for n in the hundreds of thousands, where no one sums all pairs).
    static let maxSlotBytes = 256 << 20

    /// For `count` points (`points`: count × 2, row-major) returns, per point i,
    /// `sums[i]` = Σ_{j≠i} q_ij and `forces[2i], forces[2i + 1]` = Σ_j q_ij² (p_i − p_j).
    public static func compute(points: [Double], count n: Int) -> (forces: [Double], sums: [Double]) {
        compute(points: points, count: n, allowSymmetry: true)
    }

    /// As `compute`; `allowSymmetry: false` computes every pair from both sides (tests).
    static func compute(points: [Double], count n: Int, allowSymmetry: Bool) -> (forces: [Double], sums: [Double]) {
        precondition(points.count >= n * 2, "CauchyPairSums: need count × 2 coordinates")
        guard n > 0 else { return ([], []) }
        let block = blockSize(for: n)
        let blocks = (n + block - 1) / block
        let padded = (n + 7) / 8 * 8
        var xs = [Float](repeating: 0, count: padded)
        var ys = xs
        for i in 0..<n {
            xs[i] = Float(points[i * 2])
            ys[i] = Float(points[i * 2 + 1])
        }
        let tiles = blocks * (blocks + 1) / 2
        let symmetric = allowSymmetry && tiles * 6 * block * 8 <= maxSlotBytes
        var forces = [Double](repeating: 0, count: n * 2)
        var sums = [Double](repeating: 0, count: n)
        xs.withUnsafeBufferPointer { xb in
            ys.withUnsafeBufferPointer { yb in
                forces.withUnsafeMutableBufferPointer { fb in
                    sums.withUnsafeMutableBufferPointer { sb in
                        let px = xb.baseAddress!, py = yb.baseAddress!
                        let pf = fb.baseAddress!, ps = sb.baseAddress!
                        if symmetric {
                            sumSymmetric(px, py, n: n, block: block, blocks: blocks, forces: pf, sums: ps)
                        } else {
                            sumByRows(px, py, n: n, block: block, blocks: blocks, forces: pf, sums: ps)
                        }
                    }
                }
            }
        }
        // The pair (i, i) added exactly 1 (d = 0) to each point's sum and nothing to its forces.
        for i in 0..<n { sums[i] -= 1 }
        return (forces, sums)
    }

    /// Range of block b.
    private static func range(_ b: Int, block: Int, n: Int) -> Range<Int> { b * block ..< min(n, (b + 1) * block) }

    /// Each tile (P ≤ Q) once into its slot (rows of P, then columns of Q), then per point the
    /// slots over Q in order.
    private static func sumSymmetric(_ xs: UnsafePointer<Float>, _ ys: UnsafePointer<Float>, n: Int, block: Int,
                                     blocks: Int, forces: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>) {
        let slot = 6 * block
        var pairs: [(Int, Int)] = []
        for p in 0..<blocks { for q in p..<blocks { pairs.append((p, q)) } }
        let slots = UnsafeMutablePointer<Double>.allocate(capacity: pairs.count * slot)
        defer { slots.deallocate() }
        func tileIndex(_ p: Int, _ q: Int) -> Int { p * blocks - p * (p - 1) / 2 + (q - p) }
        pairs.withUnsafeBufferPointer { pb in
            Parallel.forEachChunk(count: pb.count, chunkSize: 1) { _, chunk in
                for t in chunk {
                    let (p, q) = pb[t]
                    let rows = range(p, block: block, n: n), cols = range(q, block: block, n: n)
                    let out = slots + t * slot
                    let status = mb_cauchy_tile(xs, ys, n, rows.lowerBound, rows.upperBound, cols.lowerBound, cols.upperBound,
                                                out, p == q ? nil : out + 3 * block)
                    precondition(status == 0, "CauchyPairSums: tile out of the kernel's contract")
                }
            }
        }
        Parallel.forEachChunk(count: blocks, chunkSize: 1) { _, chunk in
            for p in chunk {
                let rows = range(p, block: block, n: n)
                for i in rows {
                    let r = i - rows.lowerBound
                    var z = 0.0, f0 = 0.0, f1 = 0.0
                    for q in 0..<blocks {
                        let part = q < p ? slots + tileIndex(q, p) * slot + 3 * block + 3 * r
                                         : slots + tileIndex(p, q) * slot + 3 * r
                        z += part[0]; f0 += part[1]; f1 += part[2]
                    }
                    sums[i] = z
                    forces[i * 2] = f0
                    forces[i * 2 + 1] = f1
                }
            }
        }
    }

    /// Every pair from both sides: per row block, the tiles against every block in order.
    private static func sumByRows(_ xs: UnsafePointer<Float>, _ ys: UnsafePointer<Float>, n: Int, block: Int,
                                  blocks: Int, forces: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>) {
        Parallel.forEachChunk(count: blocks, chunkSize: 1) { _, chunk in
            let part = UnsafeMutablePointer<Double>.allocate(capacity: 3 * block)
            defer { part.deallocate() }
            for p in chunk {
                let rows = range(p, block: block, n: n)
                for i in rows { sums[i] = 0; forces[i * 2] = 0; forces[i * 2 + 1] = 0 }
                for q in 0..<blocks {
                    let cols = range(q, block: block, n: n)
                    let status = mb_cauchy_tile(xs, ys, n, rows.lowerBound, rows.upperBound, cols.lowerBound, cols.upperBound,
                                                part, nil)
                    precondition(status == 0, "CauchyPairSums: tile out of the kernel's contract")
                    for i in rows {
                        let r = i - rows.lowerBound
                        sums[i] += part[3 * r]; forces[i * 2] += part[3 * r + 1]; forces[i * 2 + 1] += part[3 * r + 2]
                    }
                }
            }
        }
    }
}
