#ifndef MBENCH_CKERNELS_H
#define MBENCH_CKERNELS_H

/// ManifoldBench's deterministic single-precision matrix product.
///
/// C ← alpha · op(A) · op(B) + beta · C, row-major, where every element of C is
///     acc = 0; for p in 0 ..< k: acc = acc + a(i, p) · b(p, j)     (product rounded, then sum rounded)
///     c(i, j) = alpha · acc                      (beta == 0; C is not read)
///     c(i, j) = alpha · acc + beta · c(i, j)     (otherwise)
/// in exactly this order, with no fused multiply-add. SIMD lanes hold different elements of C,
/// never parts of one sum, so the SSE2, AVX2 and AVX-512 variants chosen at run time (by CPU
/// for speed only) return the same bits, as does any scalar evaluation of the formula above.
/// This is the determinism contract of `Linalg.BLAS.sgemm` / `gemm` / `gram`.
///
/// transA: op(A) = Aᵀ (A stored k × m) instead of A (m × k); transB likewise for B (n × k vs k × n).
/// upperOnly: compute the elements with j ≥ i (then m == n); elements below the diagonal are
/// computed only where they share a 16-column panel with the diagonal, the others are left untouched.
void mb_sgemm(int transA, int transB, int upperOnly, long m, long n, long k, float alpha,
              const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// The instruction set the kernels use: 0 baseline SSE2, 1 AVX2, 2 AVX-512F.
int mb_kernel_isa(void);

/// Forces the instruction set (tests, MBENCH_KERNEL_ISA); a level the CPU lacks is lowered to
/// the best it has. -1 returns to detection. Returns the level now in use.
int mb_kernel_set_isa(int isa);

#endif
