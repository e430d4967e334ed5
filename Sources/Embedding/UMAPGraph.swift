import Linalg

/// A sparse weighted graph in compressed-row form (rows × cols), the fuzzy
/// simplicial set of UMAP. Entries within a row are sorted by column.
public struct UMAPGraph: Sendable, Equatable {
    public let rows: Int
    public let cols: Int
    /// Row i's entries are `rowStart[i] ..< rowStart[i + 1]`.
    public var rowStart: [Int]
    public var column: [Int32]
    public var weight: [Float]

    public init(rows: Int, cols: Int, rowStart: [Int], column: [Int32], weight: [Float]) {
        self.rows = rows
        self.cols = cols
        self.rowStart = rowStart
        self.column = column
        self.weight = weight
    }

    /// Number of stored entries.
    public var entryCount: Int { column.count }

    /// Weight of (i, j), 0 when absent.
    public func value(_ i: Int, _ j: Int) -> Float {
        var lo = rowStart[i], hi = rowStart[i + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(column[mid]) < j { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowStart[i + 1] && Int(column[lo]) == j ? weight[lo] : 0
    }

    /// Builds a graph from per-row (column, weight) lists; duplicates are not allowed.
    static func fromRows(_ rows: Int, cols: Int, _ lists: [[(Int32, Float)]]) -> UMAPGraph {
        var start = [Int](repeating: 0, count: rows + 1)
        var column: [Int32] = [], weight: [Float] = []
        for i in 0..<rows {
            let sorted = lists[i].sorted { $0.0 < $1.0 }
            for (j, w) in sorted where w != 0 { column.append(j); weight.append(w) }
            start[i + 1] = column.count
        }
        return UMAPGraph(rows: rows, cols: cols, rowStart: start, column: column, weight: weight)
    }

    /// The transpose (cols × rows), by counting sort; deterministic.
    func transposed() -> UMAPGraph {
        var count = [Int](repeating: 0, count: cols + 1)
        for j in column { count[Int(j) + 1] += 1 }
        for j in 0..<cols { count[j + 1] += count[j] }
        var fill = count
        var col = [Int32](repeating: 0, count: column.count)
        var w = [Float](repeating: 0, count: column.count)
        for i in 0..<rows {
            for e in rowStart[i]..<rowStart[i + 1] {
                let j = Int(column[e])
                col[fill[j]] = Int32(i); w[fill[j]] = weight[e]; fill[j] += 1
            }
        }
        return UMAPGraph(rows: cols, cols: rows, rowStart: count, column: col, weight: w)
    }

    /// Combines self (A) and other (B) entry-wise over the union of their patterns:
    /// result(i, j) = f(A(i, j), B(i, j)) with 0 for absent entries; zeros are dropped.
    func combined(with other: UMAPGraph, _ f: (Float, Float) -> Float) -> UMAPGraph {
        combinedEntries(with: other) { f($0 ?? 0, $1 ?? 0) }
    }

    /// As `combined`, but f sees nil for an absent entry and the stored value (possibly 0) for a present one.
    func combinedEntries(with other: UMAPGraph, _ f: (Float?, Float?) -> Float) -> UMAPGraph {
        precondition(rows == other.rows && cols == other.cols, "shapes must match")
        var start = [Int](repeating: 0, count: rows + 1)
        var col: [Int32] = [], w: [Float] = []
        col.reserveCapacity(entryCount + other.entryCount)
        w.reserveCapacity(entryCount + other.entryCount)
        for i in 0..<rows {
            var a = rowStart[i], b = other.rowStart[i]
            let ae = rowStart[i + 1], be = other.rowStart[i + 1]
            while a < ae || b < be {
                let ja = a < ae ? column[a] : Int32.max, jb = b < be ? other.column[b] : Int32.max
                let j: Int32, va: Float?, vb: Float?
                if ja == jb { j = ja; va = weight[a]; vb = other.weight[b]; a += 1; b += 1 }
                else if ja < jb { j = ja; va = weight[a]; vb = nil; a += 1 }
                else { j = jb; va = nil; vb = other.weight[b]; b += 1 }
                let v = f(va, vb)
                if v != 0 { col.append(j); w.append(v) }
            }
            start[i + 1] = col.count
        }
        return UMAPGraph(rows: rows, cols: cols, rowStart: start, column: col, weight: w)
    }

    /// The fuzzy set union/intersection mix of a directed membership graph P (square):
    /// mix · (P + Pᵀ − P∘Pᵀ) + (1 − mix) · P∘Pᵀ.
    func symmetrized(mixRatio: Float) -> UMAPGraph {
        let t = transposed()
        return combined(with: t) { p, q in
            let prod = p * q
            return mixRatio * (p + q - prod) + (1 - mixRatio) * prod
        }
    }

    /// Largest stored weight (0 for an empty graph).
    var maxWeight: Float { weight.max() ?? 0 }

    /// The graph as a fitted umap-learn model keeps it (`graph_` after `fit`): the layout sets every
    /// weight below `UMAP.layoutCut` to 0 in place, and the entry stays stored with weight 0.
    /// Model algebra (`FuzzySetAlgebra.modelIntersection` and friends) sees such an entry as present
    /// with membership 0, and its floors min/2 become 1e-8. Nothing else should see stored zeros.
    func zeroingLayoutCut(epochs: Int) -> UMAPGraph {
        let cut = UMAP.layoutCut(maxWeight: maxWeight, epochs: epochs)
        var g = self
        for e in g.weight.indices where g.weight[e] < cut { g.weight[e] = 0 }
        return g
    }

    /// Connected components of the (square, symmetric) graph: label per vertex and count.
    func connectedComponents() -> (labels: [Int], count: Int) {
        var label = [Int](repeating: -1, count: rows)
        var count = 0
        var stack: [Int] = []
        for s in 0..<rows where label[s] < 0 {
            label[s] = count
            stack.append(s)
            while let v = stack.popLast() {
                for e in rowStart[v]..<rowStart[v + 1] {
                    let u = Int(column[e])
                    if label[u] < 0 { label[u] = count; stack.append(u) }
                }
            }
            count += 1
        }
        return (label, count)
    }
}
