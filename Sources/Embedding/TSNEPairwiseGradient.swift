import Linalg

/// All-pairs repulsion in single precision (`Linalg.CauchyPairSums`, eight pairs per SIMD step):
/// the exact sum up to float rounding, for 2-D embeddings with the Cauchy kernel (dof = 1), where
/// w = u = 1/(1 + d²) and w·u = u².
///
/// Why it exists (issue 21): below several thousand points the O(n²) sum, done eight lanes at a
/// time without branches, is cheaper than a Barnes–Hut walk (whose cost per pair is dominated by
/// mispredicted branches and a scalar division) and than the FFT gradient (whose cost is set by
/// its grid, not by n). `auto` picks it where it was measured fastest (`TSNEParameters.resolvedMethod`).
///
/// Determinism: `CauchyPairSums` gives the same bits on every CPU for any thread count, and
/// Z = Σ Z_i is summed here in index order within fixed chunks.
enum TSNEPairwiseRepulsion {
    static func compute(y: [Double], n: Int) -> TSNERepulsion {
        let (forces, sums) = CauchyPairSums.compute(points: y, count: n)
        return TSNERepulsion(forces: forces, perPointZ: sums)
    }
}
