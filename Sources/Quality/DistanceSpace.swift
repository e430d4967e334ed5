import Linalg
import Neighbors

/// A point set prepared for "one query against all points" distance rows.
///
/// Low-dimensional spaces (d ≤ `directLimit`) compute every squared distance
/// exactly in `Double`. High-dimensional spaces get an approximate `Float` row
/// from a BLAS product (‖q‖² + ‖x‖² − 2 q·x) for a block of queries at once,
/// with a per-entry error bound; callers re-check anything inside that bound
/// with the exact `Double` distance, so every decision (neighbour sets, ranks)
/// is the one the exact distances give.
struct DistanceSpace {
    /// Dimensions up to which rows are computed directly and exactly.
    static let directLimit = 16
    /// Relative error bound of an approximate squared distance, as a fraction of ‖q‖² + ‖x‖².
    static let relativeTolerance = 1e-4

    let matrix: Matrix
    let n: Int
    let d: Int
    /// Squared norms of all rows, exact in `Double`.
    let norms: [Double]
    /// Largest squared norm (bounds the error of any approximate entry).
    let maxNorm: Double
    var usesBLAS: Bool { d > DistanceSpace.directLimit }

    init(_ matrix: Matrix) {
        self.matrix = matrix
        n = matrix.rows
        d = matrix.cols
        var norms = [Double](repeating: 0, count: matrix.rows)
        let d = matrix.cols
        matrix.storage.withUnsafeBufferPointer { p in
            for i in 0..<matrix.rows {
                var s = 0.0
                for j in 0..<d { let v = Double(p[i * d + j]); s += v * v }
                norms[i] = s
            }
        }
        self.norms = norms
        maxNorm = norms.max() ?? 0
    }

    /// Exact squared distance between rows i and j, accumulated in `Double`.
    @inline(__always)
    func exact(_ x: UnsafePointer<Float>, _ i: Int, _ j: Int) -> Double {
        let a = x + i * d, b = x + j * d
        var s = 0.0
        for t in 0..<d { let v = Double(a[t]) - Double(b[t]); s += v * v }
        return s
    }

    /// Fills `out` (queries.count × n) with approximate squared distances from
    /// each query to every point. Only used when `usesBLAS`.
    func approximateRows(_ x: UnsafePointer<Float>, queries: ArraySlice<Int>, into out: UnsafeMutablePointer<Float>,
                         gather: UnsafeMutablePointer<Float>) {
        let b = queries.count
        for (r, q) in queries.enumerated() {
            (gather + r * d).update(from: x + q * d, count: d)
        }
        BLAS.sgemm(m: b, n: n, k: d, alpha: -2, a: gather, lda: d, b: x, ldb: d, transposeB: true,
                   beta: 0, c: out, ldc: n)
        norms.withUnsafeBufferPointer { nb in
            for (r, q) in queries.enumerated() {
                let row = out + r * n
                let qn = nb[q]
                for l in 0..<n { row[l] = Float(Double(row[l]) + qn + nb[l]) }
            }
        }
    }
}

/// One query's distance row in a `DistanceSpace`: approximate values with an
/// error bound (BLAS spaces) or exact values with zero tolerance (direct spaces).
struct QueryRow {
    let space: DistanceSpace
    let x: UnsafePointer<Float>
    let query: Int
    /// Approximate row (nil for direct spaces).
    let approx: UnsafePointer<Float>?
    let norms: UnsafePointer<Double>

    @inline(__always) func value(_ l: Int) -> Double {
        if let a = approx { return Double(a[l]) }
        return space.exact(x, query, l)
    }
    @inline(__always) func tolerance(_ l: Int) -> Double {
        approx == nil ? 0 : DistanceSpace.relativeTolerance * (norms[query] + norms[l]) + 1e-30
    }
    @inline(__always) func exact(_ l: Int) -> Double { space.exact(x, query, l) }

    /// The `k` nearest points to the query (itself excluded, and any `l` with
    /// `excluded(l)` true), ascending by exact distance, ties by lower index.
    func nearest(_ k: Int, excluding excluded: ((Int) -> Bool)? = nil) -> [Int] {
        let n = space.n
        var heap = BoundedMaxHeap<Double, Int>(capacity: k)
        for l in 0..<n where l != query {
            if let ex = excluded, ex(l) { continue }
            heap.push(value(l), l)
        }
        if approx == nil {
            return heap.sortedIndices()
        }
        // Approximate: gather every point that could be within the exact k-th distance.
        guard let kth = heap.top else { return [] }
        let bound = kth.value + DistanceSpace.relativeTolerance * (norms[query] + space.maxNorm) + 1e-30
        var candidates: [(Double, Int)] = []
        for l in 0..<n where l != query {
            if let ex = excluded, ex(l) { continue }
            if value(l) - tolerance(l) <= bound { candidates.append((exact(l), l)) }
        }
        candidates.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        return candidates.prefix(k).map { $0.1 }
    }

    /// Ranks (1-based, among all points but the query, ties by lower index) of the
    /// `targets` in this row's distance order; returned in the order of `targets`.
    func ranks(of targets: [Int]) -> [Int] {
        let m = targets.count
        if m == 0 { return [] }
        // Targets sorted by exact (distance, index).
        var order = targets.map { (exact($0), $0) }
        order.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        let t = order.map { $0.0 }
        let ti = order.map { $0.1 }
        let tMax = t[m - 1]
        // counts[p]: points that precede exactly the targets at sorted positions ≥ p.
        var counts = [Int](repeating: 0, count: m + 1)
        @inline(__always) func precedes(_ v: Double, _ l: Int, _ p: Int) -> Bool {
            v < t[p] || (v == t[p] && l < ti[p])
        }
        for l in 0..<space.n where l != query {
            var v = value(l)
            let tol = tolerance(l)
            if v - tol > tMax { continue }
            // Lower bound: first position p whose target this point precedes.
            var lo = 0, hi = m
            while lo < hi { let mid = (lo + hi) >> 1; if precedes(v, l, mid) { hi = mid } else { lo = mid + 1 } }
            if tol > 0 && ((lo < m && abs(v - t[lo]) <= tol) || (lo > 0 && abs(v - t[lo - 1]) <= tol)) {
                v = exact(l)
                if v > tMax { continue }
                lo = 0; hi = m
                while lo < hi { let mid = (lo + hi) >> 1; if precedes(v, l, mid) { hi = mid } else { lo = mid + 1 } }
            }
            counts[lo] += 1
        }
        var sortedRanks = [Int](repeating: 0, count: m)
        var running = 0
        for p in 0..<m { running += counts[p]; sortedRanks[p] = running + 1 }
        var position = [Int: Int](minimumCapacity: m)
        for (p, j) in ti.enumerated() { position[j] = p }
        return targets.map { sortedRanks[position[$0] ?? 0] }
    }
}
