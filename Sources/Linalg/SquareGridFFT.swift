import CKernels

/// 2-D complex FFTs of an m × m grid, built on `FFTPlan`, with the same bits on every CPU and for
/// every thread count.
///
/// A grid is stored row-major with a row stride of `stride` floats (m rounded up to a multiple
/// of 8, so that eight neighbouring columns are one SIMD vector); real and imaginary parts are
/// separate arrays of `stride` × `stride` floats. A 2-D transform is a pass along the row index
/// for every column (16 columns per transform, `mb_fft_grid_columns`), then a pass along the
/// column index for every row, 16 rows per transform, loaded through 8 × 8 register
/// transposes and stored transposed (`mb_fft_grid_rows`), so the spectrum comes out
/// **transposed**: `spectrum[g·stride + f]` = X(f, g), where f is the frequency along rows and g
/// along columns. No transposition pass runs on its own. Pointwise products of spectra do not care,
/// and the inverse takes that layout back to the natural one.
///
/// Zero padding is exploited: `forward` only transforms the columns its input can have non-zero
/// values in, and `inverse` only produces the columns its caller reads. Columns are split into
/// fixed groups of eight; each group's arithmetic is independent of the others and of which
/// thread runs it.
public struct SquareGridFFT: Sendable {
    /// Grid side m.
    public let size: Int
    /// Floats between the starts of two rows (m rounded up to a multiple of 8).
    public let stride: Int
    /// The 1-D plan of length m.
    public let plan: FFTPlan

    public init(size: Int) {
        precondition(size >= 1, "grid size must be positive")
        self.size = size
        stride = (size + 7) / 8 * 8
        plan = FFTPlan(length: size)
    }

    /// Floats in one part (real or imaginary) of a grid: stride².
    public var elementCount: Int { stride * stride }

    /// Forward 2-D transform of the grid in (`re`, `im`), whose values are zero in every column
    /// at or beyond `nonzeroColumns`. The transposed spectrum goes to (`outRe`, `outIm`); the input
    /// is overwritten.
    public func forward(re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>,
                        outRe: UnsafeMutablePointer<Float>, outIm: UnsafeMutablePointer<Float>,
                        nonzeroColumns: Int) {
        let columns = min(max(nonzeroColumns, 0), size)
        transformColumns(re: re, im: im, columns: columns, inverse: false)
        // Rows along their column index; columns at or beyond `columns` are zero and not read.
        transformRowsTransposed(re: re, im: im, validColumns: columns, rows: size,
                                outRe: outRe, outIm: outIm, inverse: false)
    }

    /// Inverse 2-D transform (unnormalised: a round trip multiplies by m²) of a transposed
    /// spectrum in (`re`, `im`), which is overwritten. The grid in natural layout goes to
    /// (`outRe`, `outIm`), correct in columns below `neededColumns` (the others are not computed).
    public func inverse(re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>,
                        outRe: UnsafeMutablePointer<Float>, outIm: UnsafeMutablePointer<Float>,
                        neededColumns: Int) {
        let columns = min(max(neededColumns, 0), size)
        transformColumns(re: re, im: im, columns: size, inverse: true)
        transformRowsTransposed(re: re, im: im, validColumns: size, rows: columns,
                                outRe: outRe, outIm: outIm, inverse: true)
    }

    /// 1-D transforms along the row index of every column below `columns` (rounded up to whole
    /// groups of eight), in place.
    func transformColumns(re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>,
                          columns: Int, inverse: Bool) {
        let ld = stride, plan = plan
        forEachBlock(lines: columns) { first, lanes, scratch in
            let status = mb_fft_grid_columns(plan.tables.plan, re, im, ld, first, lanes, scratch, inverse ? 1 : 0)
            precondition(status == 0, "mb_fft_grid_columns refused its arguments")
        }
    }

    /// 1-D transforms along the column index of every row below `rows` (rounded up to whole groups
    /// of eight), reading columns below `validColumns` (the others count as zero), written
    /// transposed: element f of row r goes to (`outRe`, `outIm`)[f·stride + r].
    func transformRowsTransposed(re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>,
                                 validColumns: Int, rows: Int, outRe: UnsafeMutablePointer<Float>,
                                 outIm: UnsafeMutablePointer<Float>, inverse: Bool) {
        let ld = stride, plan = plan
        forEachBlock(lines: rows) { first, lanes, scratch in
            let status = mb_fft_grid_rows(plan.tables.plan, re, im, ld, first, lanes, validColumns, outRe, outIm,
                                          scratch, inverse ? 1 : 0)
            precondition(status == 0, "mb_fft_grid_rows refused its arguments")
        }
    }

    /// Runs `body(first line, lanes, scratch)` over the lines below `lines` rounded up to a
    /// multiple of 8: blocks of 16 lines (one cache line of floats), the last one of 8 when the
    /// count of eights is odd. Lanes are independent, so the blocking never changes a bit; the
    /// blocks are split into fixed chunks (about 32), each with its own scratch of 64·m floats.
    private func forEachBlock(lines: Int, _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        let eights = (lines + 7) / 8
        guard eights > 0 else { return }
        let blocks = (eights + 1) / 2
        let m = size
        Parallel.forEachChunk(count: blocks, chunkSize: max(1, blocks / 32)) { _, range in
            let raw = UnsafeMutableRawPointer.allocate(byteCount: 64 * m * MemoryLayout<Float>.stride, alignment: 64)
            defer { raw.deallocate() }
            let scratch = raw.bindMemory(to: Float.self, capacity: 64 * m)
            for block in range {
                let lanes = 2 * block + 1 < eights ? 16 : 8
                body(16 * block, lanes, scratch)
            }
        }
    }
}
