/// 2-D complex FFTs of an m × m grid, built on `FFTPlan`, with the same bits on every CPU and for
/// every thread count.
///
/// A grid is stored row-major with a row stride of `stride` floats (m rounded up to a multiple
/// of 8, so that eight neighbouring columns are one SIMD vector); real and imaginary parts are
/// separate arrays of `stride` × `stride` floats. A 2-D transform is a pass along the rows'
/// index for every column (eight columns per `FFTPlan.transform`), a transposition, and a second
/// such pass, so the spectrum comes out **transposed**: `spectrum[g·stride + f]` = X(f, g), where f
/// is the frequency along rows and g along columns. Pointwise products of spectra do not care,
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
        transpose(from: re, to: outRe, rows: size, columns: columns)
        transpose(from: im, to: outIm, rows: size, columns: columns)
        // Rows of the transposed grid at or beyond `columns` came from zero columns.
        let tail = (stride - columns) * stride
        (outRe + columns * stride).update(repeating: 0, count: tail)
        (outIm + columns * stride).update(repeating: 0, count: tail)
        transformColumns(re: outRe, im: outIm, columns: size, inverse: false)
    }

    /// Inverse 2-D transform (unnormalised: a round trip multiplies by m²) of a transposed
    /// spectrum in (`re`, `im`), which is overwritten. The grid in natural layout goes to
    /// (`outRe`, `outIm`), correct in columns below `neededColumns` (the others are not computed).
    public func inverse(re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>,
                        outRe: UnsafeMutablePointer<Float>, outIm: UnsafeMutablePointer<Float>,
                        neededColumns: Int) {
        let columns = min(max(neededColumns, 0), size)
        transformColumns(re: re, im: im, columns: size, inverse: true)
        transpose(from: re, to: outRe, rows: columns, columns: size)
        transpose(from: im, to: outIm, rows: columns, columns: size)
        transformColumns(re: outRe, im: outIm, columns: columns, inverse: true)
    }

    /// 1-D transforms along the row index of every column below `columns` (rounded up to whole
    /// groups of eight), in place.
    func transformColumns(re: UnsafeMutablePointer<Float>, im: UnsafeMutablePointer<Float>,
                          columns: Int, inverse: Bool) {
        let groups = (columns + 7) / 8
        guard groups > 0 else { return }
        let m = size, ld = stride, plan = plan
        let groupsPerChunk = max(1, groups / 32)
        Parallel.forEachChunk(count: groups, chunkSize: groupsPerChunk) { _, range in
            let buffer = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: 4 * m)
            defer { buffer.deallocate() }
            let br = buffer, bi = buffer + m, wr = buffer + 2 * m, wi = buffer + 3 * m
            for group in range {
                let c0 = group * 8
                for t in 0..<m {
                    br[t] = UnsafeRawPointer(re + t * ld + c0).loadUnaligned(as: SIMD8<Float>.self)
                    bi[t] = UnsafeRawPointer(im + t * ld + c0).loadUnaligned(as: SIMD8<Float>.self)
                }
                plan.transform(re: br, im: bi, workRe: wr, workIm: wi, inverse: inverse)
                for t in 0..<m {
                    UnsafeMutableRawPointer(re + t * ld + c0).storeBytes(of: br[t], as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(im + t * ld + c0).storeBytes(of: bi[t], as: SIMD8<Float>.self)
                }
            }
        }
    }

    /// dst[j·stride + i] = src[i·stride + j] for i < rows, j < columns, in 8 × 8 tiles.
    func transpose(from src: UnsafeMutablePointer<Float>, to dst: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        let ld = stride
        let tileRows = (rows + 7) / 8
        guard tileRows > 0, columns > 0 else { return }
        Parallel.forEachChunk(count: tileRows, chunkSize: max(1, tileRows / 32)) { _, range in
            for tile in range {
                let i0 = tile * 8, i1 = min(i0 + 8, rows)
                var j0 = 0
                while j0 < columns {
                    let j1 = min(j0 + 8, columns)
                    for i in i0..<i1 {
                        for j in j0..<j1 { dst[j * ld + i] = src[i * ld + j] }
                    }
                    j0 = j1
                }
            }
        }
    }
}
