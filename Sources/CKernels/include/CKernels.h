#ifndef MBENCH_CKERNELS_H
#define MBENCH_CKERNELS_H

/// ManifoldBench's deterministic kernels in C: the single-precision matrix product, t-SNE's
/// all-pairs Cauchy sums and the FFT's butterflies.
///
/// The matrix product:
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

/// One tile of the all-pairs sums of the Cauchy kernel q = 1 / (1 + d²) between points in the
/// plane (t-SNE's repulsion with dof = 1): rows i0 ..< i1 against points j0 ..< j1 (j0 a multiple
/// of 8, at most 4 096 of them; points at or past n are masked out):
///     rows[3 (i − i0)] = Σ_j q_ij,  rows[… + 1] = Σ_j q_ij² (x_i − x_j),  rows[… + 2] = Σ_j q_ij² (y_i − y_j)
/// in single precision in 8 lanes: lane l sums the j ≡ l (mod 8) in increasing j (q = 1 / (1 + (dx·dx
/// + dy·dy)), each operation rounded, no fused multiply-add), and the lanes are added in lane order
/// in double. A point j equal to a row i adds exactly 1 to its Σ q and nothing to its forces.
/// When cols is not NULL (a tile above the diagonal: i1 ≤ j0) every point j also receives the same
/// pairs seen from its side, summed over i in increasing order in single precision:
/// cols[3 (j − j0)] = Σ_i q_ij, cols[… + 1] = −Σ_i q_ij² (x_i − x_j), cols[… + 2] = −Σ_i q_ij² (y_i − y_j).
/// xs and ys hold n coordinates each, readable up to the next multiple of 8 (finite padding).
/// The SSE2 and AVX2 variants give the same bits. Returns 0, or −1 for arguments out of contract.
int mb_cauchy_tile(const float *xs, const float *ys, long n, long i0, long i1, long j0, long j1, double *rows,
                   double *cols);

/// A plan of Linalg.FFTPlan as the FFT kernels read it: stages radix[0 … stages − 1] (product
/// length; 2, 3, 4, 5 or an odd p ≤ 513). Stage s's twiddles w(j, r) = exp(∓2πi·j·r/len_s) are
/// cos_table/sin_table[table_offset[s] + j·(p − 1) + r − 1]; an odd p > 5 also reads
/// cos/sin(2π·r·k/p) at odd_cos/odd_sin[odd_offset[s] + (r − 1)·(p − 1)/2 + k − 1].
typedef struct mb_fft_plan {
    long length;
    long stages;
    const long *radix;
    const float *cos_table;
    const float *sin_table;
    const long *table_offset;
    const float *odd_cos;
    const float *odd_sin;
    const long *odd_offset;
} mb_fft_plan;

/// The FFT of eight sequences at once, in place: re/im hold `length` groups of 8 floats (group t
/// = element t of the 8 sequences), work_re/work_im are scratch of the same size. Stockham
/// decimation-in-frequency stages in plan order; every butterfly is evaluated exactly as written
/// in Linalg/FFT.swift's documentation, per lane, with no fused multiply-add, so the SSE2 and
/// AVX2 variants (and any scalar evaluation) give the same bits. Inverse: +i and unnormalised.
/// Returns 0, or −1 for a malformed plan.
int mb_fft8(const mb_fft_plan *plan, float *re, float *im, float *work_re, float *work_im, int inverse);

/// The same transform of columns c0 … c0 + lanes − 1 (lanes 8 or 16) of a grid (element t of
/// column c at t·ld + c, t < length), in place. scratch: 4·lanes·length floats. Each column is
/// one lane, so 8 and 16 lanes (and every instruction set) give the same bits. Returns 0, or −1
/// out of contract.
int mb_fft_grid_columns(const mb_fft_plan *plan, float *re, float *im, long ld, long c0, long lanes, float *scratch,
                        int inverse);

/// The same transform of rows r0 … r0 + lanes − 1 (lanes 8 or 16) of a grid (element t of row r
/// at r·ld + t; elements at t ≥ valid are taken as +0, not read), written transposed: element f
/// of row r goes to dst[f·ld + r]. scratch: 4·lanes·length floats. Returns 0, or −1 out of contract.
int mb_fft_grid_rows(const mb_fft_plan *plan, const float *src_re, const float *src_im, long ld, long r0, long lanes,
                     long valid, float *dst_re, float *dst_im, float *scratch, int inverse);

/// A hint to the core that the caller is spinning on a shared value (x86 PAUSE); nothing elsewhere.
/// Used by Linalg.WorkerTeam's waits.
static inline void mb_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// The instruction set the kernels use: 0 baseline SSE2, 1 AVX2, 2 AVX-512F.
int mb_kernel_isa(void);

/// Forces the instruction set (tests, MBENCH_KERNEL_ISA); a level the CPU lacks is lowered to
/// the best it has. -1 returns to detection. Returns the level now in use.
int mb_kernel_set_isa(int isa);

#endif
