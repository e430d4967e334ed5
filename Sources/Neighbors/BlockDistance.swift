import Linalg

/// The features of one block of a mixed-type table together with the distance that compares them:
/// what `BlockKNN` searches and the quality metrics rank by.
///
/// Distances (all symmetric, 0 on the diagonal):
/// - `vectors`: any `Metric` (haversine: (latitude, longitude) in radians).
/// - `categorical`: the fraction of the `columns` codes that differ (a 0/1 mismatch per column, averaged).
/// - `ordinal`: mean |rank difference| over the columns, ranks pre-scaled to [0, 1] by (levels − 1).
/// - `strings`: Levenshtein edit distance over Unicode scalars.
/// - `gower`: Gower's coefficient: (Σ |x − y| over range-scaled numeric columns + Σ mismatches over
///   category columns) / (number of columns).
public enum BlockDistance: Sendable {
    case vectors(Matrix, Metric)
    case categorical(codes: [Int32], columns: Int)
    case ordinal(ranks: [Float], columns: Int)
    case strings([[UInt32]])
    case gower(numeric: Matrix, codes: [Int32], codeColumns: Int)

    /// Strings compared by edit distance.
    public static func strings(_ values: [String]) -> BlockDistance {
        .strings(values.map { $0.unicodeScalars.map(\.value) })
    }

    /// Number of points.
    public var count: Int {
        switch self {
        case .vectors(let m, _): return m.rows
        case .categorical(let codes, let w): return w > 0 ? codes.count / w : 0
        case .ordinal(let ranks, let w): return w > 0 ? ranks.count / w : 0
        case .strings(let s): return s.count
        case .gower(let m, _, _): return m.rows
        }
    }

    /// True for a categorical block: graph combination applies it by umap-learn's far-distance
    /// rule (edges scaled by exp(−scale · d)) instead of building a kNN graph, whose ties would be arbitrary.
    public var isCategorical: Bool { if case .categorical = self { return true } else { return false } }

    /// A reusable evaluator of d(i, j) (holds scratch space; one per thread).
    public func evaluator() -> Evaluator { Evaluator(self) }

    /// Computes distances between points of one block; not shared between threads.
    public struct Evaluator {
        let block: BlockDistance
        var scratch: [Int32] = []

        init(_ block: BlockDistance) { self.block = block }

        /// The distance between points i and j.
        public mutating func distance(_ i: Int, _ j: Int) -> Float {
            switch block {
            case .vectors(let m, let metric):
                return m.storage.withUnsafeBufferPointer { p in
                    metric.distance(p.baseAddress! + i * m.cols, p.baseAddress! + j * m.cols, m.cols)
                }
            case .categorical(let codes, let w):
                var differ = 0
                for c in 0..<w where codes[i * w + c] != codes[j * w + c] { differ += 1 }
                return Float(differ) / Float(w)
            case .ordinal(let ranks, let w):
                var total: Float = 0
                for c in 0..<w { total += abs(ranks[i * w + c] - ranks[j * w + c]) }
                return total / Float(w)
            case .strings(let s):
                return Float(Levenshtein.distance(s[i], s[j], scratch: &scratch))
            case .gower(let m, let codes, let w):
                var total: Float = 0
                for c in 0..<m.cols { total += abs(m[i, c] - m[j, c]) }
                for c in 0..<w where codes[i * w + c] != codes[j * w + c] { total += 1 }
                let columns = m.cols + w
                return columns > 0 ? total / Float(columns) : 0
            }
        }
    }
}
