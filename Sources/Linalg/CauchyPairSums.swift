import CKernels

/// All-pairs sums of the Cauchy kernel q = 1 / (1 + d²) between points in the plane: t-SNE's exact
/// repulsion for dof = 1, in single precision.
///
/// Determinism contract (enforced in `CKernels/cauchy_pairs.c`): positions are rounded to Float
/// once; lane l of query i sums the points j ≡ l (mod 8) in increasing j with rounded single-precision
/// operations and no fused multiply-add, and the eight lanes are added in lane order in double. The
/// SSE2 and AVX2 variants (picked by CPU, `MBENCH_KERNEL_ISA` to force) give the same bits, and
/// queries are independent, so neither the CPU nor the thread count changes a result.
public enum CauchyPairSums {
    /// For `count` points (`points`: count × 2, row-major) returns, per point i,
    /// `sums[i]` = Σ_{j≠i} q_ij and `forces[2i], forces[2i + 1]` = Σ_j q_ij² (p_i − p_j).
    public static func compute(points: [Double], count n: Int) -> (forces: [Double], sums: [Double]) {
        precondition(points.count >= n * 2, "CauchyPairSums: need count × 2 coordinates")
        let padded = (n + 7) / 8 * 8
        var xs = [Float](repeating: 0, count: max(padded, 8))
        var ys = xs
        for i in 0..<n {
            xs[i] = Float(points[i * 2])
            ys[i] = Float(points[i * 2 + 1])
        }
        var forces = [Double](repeating: 0, count: n * 2)
        var sums = [Double](repeating: 0, count: n)
        xs.withUnsafeBufferPointer { xb in
            ys.withUnsafeBufferPointer { yb in
                forces.withUnsafeMutableBufferPointer { fb in
                    sums.withUnsafeMutableBufferPointer { sb in
                        let px = xb.baseAddress!, py = yb.baseAddress!
                        let pf = fb.baseAddress!, ps = sb.baseAddress!
                        Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range in
                            mb_cauchy_pair_sums(px, py, n, range.lowerBound, range.upperBound, pf, ps)
                        }
                    }
                }
            }
        }
        // The pair (i, i) added exactly 1 (d = 0) to each lane sum and nothing to the forces.
        for i in 0..<n { sums[i] -= 1 }
        return (forces, sums)
    }
}
