import Linalg

/// Reduced distances between the members of one NN-descent join (an RP-tree leaf, or a
/// point's new and old candidates): row a < `m` against every member b > a, as an
/// m × count matrix.
///
/// Two ways to fill it:
/// - `measureBlocked` (squared Euclidean only): gathers the members' rows into a contiguous
///   block and gets all products from one `sgemm`, ‖x − y‖² = ‖x‖² + ‖y‖² − 2 x·y clamped
///   at 0. On 784-dimensional rows this is several times faster per pair than pair-wise SIMD.
///   Rows are centred while gathered (a fixed column mean is subtracted) so that the norms,
///   and with them the cancellation error, stay of the order of the data's spread. The values
///   are approximate (absolute error ~1e-6 · ‖x‖²): callers recompute reported distances exactly.
/// - `measurePairwise`: the reduced distance of `ReducedDistanceRows`, pair by pair (any metric);
///   pairs already known to both ends are not measured (left at +∞).
///
/// Scratch memory of one worker; not thread-safe. Call `deallocate()` when done.
struct JoinDistances {
    let d: Int
    let capacity: Int
    /// Gathered, centred rows (capacity × d; allocated only for blocked measuring).
    let rows: UnsafeMutablePointer<Float>?
    /// Squared norms of the gathered rows.
    let norms: UnsafeMutablePointer<Float>
    /// Distances: first `m` members × all `count` members, row stride `count`.
    let values: UnsafeMutablePointer<Float>
    private(set) var count = 0
    private(set) var m = 0

    /// Room for joins of up to `capacity` members of dimension `d`; `blocked` allocates the gather block.
    init(d: Int, capacity: Int, blocked: Bool) {
        self.d = d
        self.capacity = max(capacity, 1)
        rows = blocked ? .allocate(capacity: self.capacity * d) : nil
        norms = .allocate(capacity: self.capacity)
        values = .allocate(capacity: self.capacity * self.capacity)
    }

    func deallocate() {
        rows?.deallocate(); norms.deallocate(); values.deallocate()
    }

    /// Squared Euclidean distances of `members[0..<count]` (rows of `x`, n × d) via `sgemm` on
    /// the rows minus `centre`, whose squared norms are `centredNorms` (see `centredSquaredNorms`).
    /// The symmetric first m × m block is split in two products to skip most of its lower half.
    /// - Precondition: `m <= count <= capacity`, made with `blocked`.
    mutating func measureBlocked(x: UnsafePointer<Float>, centre: UnsafePointer<Float>, centredNorms: UnsafePointer<Float>,
                                 members: UnsafePointer<Int32>, count: Int, firstRows m: Int) {
        self.count = count
        self.m = m
        guard let rows, m > 0 else { return }
        for r in 0..<count {
            let i = Int(members[r])
            let src = x + i * d, dst = rows + r * d
            for j in 0..<d { dst[j] = src[j] - centre[j] }
            norms[r] = centredNorms[i]
        }
        let h = m >= 32 ? m / 2 : m
        BLAS.sgemm(m: h, n: count, k: d, a: rows, lda: d, b: rows, ldb: d, transposeB: true, c: values, ldc: count)
        if h < m {
            BLAS.sgemm(m: m - h, n: count - h, k: d, a: rows + h * d, lda: d, b: rows + h * d, ldb: d, transposeB: true,
                       c: values + h * count + h, ldc: count)
        }
        for a in 0..<m {
            let row = values + a * count, na = norms[a]
            for b in (a + 1)..<count { row[b] = max(0, na + norms[b] - 2 * row[b]) }
        }
    }

    /// Reduced distances of `data` pair by pair, skipping pairs that `known` marks in both directions.
    mutating func measurePairwise(_ data: ReducedDistanceRows, x: UnsafePointer<Float>, members: UnsafePointer<Int32>,
                                  count: Int, firstRows m: Int, known: KnownPairs) {
        self.count = count
        self.m = m
        let d = data.d
        for a in 0..<m {
            let row = values + a * count, xa = x + Int(members[a]) * d
            for b in (a + 1)..<count {
                row[b] = known.knows(a, b) && known.knows(b, a) ? .infinity : data.reduced(xa, x + Int(members[b]) * d)
            }
        }
    }

    /// Distance between members a (< m) and b (a < b < count).
    @inline(__always)
    func distance(_ a: Int, _ b: Int) -> Float { values[a * count + b] }

    /// ‖x_i − centre‖² of every row of `x` (n × d).
    static func centredSquaredNorms(_ x: UnsafePointer<Float>, n: Int, d: Int, centre: UnsafePointer<Float>) -> [Float] {
        var out = [Float](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n, minimum: 1024)) { _, range in
                let row = UnsafeMutablePointer<Float>.allocate(capacity: max(d, 1))
                defer { row.deallocate() }
                for i in range {
                    for j in 0..<d { row[j] = x[i * d + j] - centre[j] }
                    o[i] = Distance.dot(row, row, d)
                }
            }
        }
        return out
    }

    /// Column means of `x` (n × d), summed in Double in a fixed order (deterministic).
    static func columnMeans(_ x: UnsafePointer<Float>, n: Int, d: Int) -> [Float] {
        let chunk = Parallel.chunkSize(for: n, minimum: 1024)
        let partial = Parallel.mapChunks(count: n, chunkSize: chunk) { _, range -> [Double] in
            var s = [Double](repeating: 0, count: d)
            for i in range { for j in 0..<d { s[j] += Double(x[i * d + j]) } }
            return s
        }
        var total = [Double](repeating: 0, count: d)
        for p in partial { for j in 0..<d { total[j] += p[j] } }
        return total.map { Float($0 / Double(max(n, 1))) }
    }
}
