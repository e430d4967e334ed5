/// A dense matrix of `Float`: `rows` × `cols`, row-major, contiguous.
///
/// Row `i` occupies `storage[i * cols ..< (i + 1) * cols]`. This is the one
/// data layout every module exchanges: a data set of n points in d
/// dimensions is an n × d `Matrix`, and so is an embedding (n × c).
/// Hot loops should reach the storage through `withUnsafeBufferPointer`.
public struct Matrix: Equatable, Sendable {
    /// Number of rows (points).
    public let rows: Int
    /// Number of columns (dimensions).
    public let cols: Int
    /// Row-major values, `rows * cols` of them.
    public var storage: [Float]

    /// A matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "Matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.storage = [Float](repeating: value, count: rows * cols)
    }

    /// Wraps existing row-major storage.
    /// - Throws: `LinalgError.shapeMismatch` if `storage.count != rows * cols`.
    public init(rows: Int, cols: Int, storage: [Float]) throws {
        guard rows >= 0, cols >= 0, storage.count == rows * cols else {
            throw LinalgError.shapeMismatch(
                "storage holds \(storage.count) values, expected \(rows) × \(cols) = \(rows * cols)")
        }
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// Builds a matrix from an array of equally long rows.
    public init(rowArrays: [[Float]]) throws {
        let cols = rowArrays.first?.count ?? 0
        var storage: [Float] = []
        storage.reserveCapacity(rowArrays.count * cols)
        for (i, row) in rowArrays.enumerated() {
            guard row.count == cols else {
                throw LinalgError.shapeMismatch("row \(i) has \(row.count) values, expected \(cols)")
            }
            storage.append(contentsOf: row)
        }
        try self.init(rows: rowArrays.count, cols: cols, storage: storage)
    }

    /// Element at row `i`, column `j`.
    @inlinable
    public subscript(i: Int, j: Int) -> Float {
        get { storage[i * cols + j] }
        set { storage[i * cols + j] = newValue }
    }

    /// A copy of row `i`.
    public func row(_ i: Int) -> [Float] {
        Array(storage[i * cols ..< (i + 1) * cols])
    }

    /// The rows at `indices`, in that order.
    public func selectingRows<S: Sequence>(_ indices: S) -> Matrix where S.Element == Int {
        var out: [Float] = []
        for i in indices { out.append(contentsOf: storage[i * cols ..< (i + 1) * cols]) }
        // Count is a multiple of cols by construction.
        return try! Matrix(rows: cols == 0 ? 0 : out.count / cols, cols: cols, storage: out)
    }

    /// The transpose (cols × rows).
    public func transposed() -> Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for i in 0..<rows {
            for j in 0..<cols { t.storage[j * rows + i] = storage[i * cols + j] }
        }
        return t
    }

    /// Index and value of the first NaN or infinite entry, if any.
    public func firstNonFinite() -> (row: Int, col: Int, value: Float)? {
        storage.withUnsafeBufferPointer { buffer in
            for k in 0..<buffer.count where !buffer[k].isFinite {
                return (k / max(cols, 1), k % max(cols, 1), buffer[k])
            }
            return nil
        }
    }

    /// Column means, accumulated in `Double`.
    public func columnMeans() -> [Double] {
        var sums = [Double](repeating: 0, count: cols)
        storage.withUnsafeBufferPointer { x in
            for i in 0..<rows {
                let base = i * cols
                for j in 0..<cols { sums[j] += Double(x[base + j]) }
            }
        }
        let n = Double(max(rows, 1))
        return sums.map { $0 / n }
    }
}
