import Foundation
import Linalg

/// k-means clustering with scikit-learn's behaviour: greedy k-means++ seeding
/// (2 + ⌊ln k⌋ candidate centres per step, keeping the one that lowers the potential
/// most), `nInit` restarts keeping the lowest inertia, Lloyd or Elkan iterations,
/// convergence when the labels stop changing or the summed squared centre shift
/// falls to `tol` × (mean per-feature variance). Empty clusters are re-seeded at
/// the points farthest from their centres (never NaN).
public enum KMeans {
    /// Iteration scheme. Both give the same clustering; Elkan skips distance
    /// computations using triangle-inequality bounds.
    public enum Algorithm: String, Codable, Sendable { case lloyd, elkan }

    /// A fitted clustering.
    public struct Result: Codable, Equatable, Sendable {
        /// Cluster centres, k × d row-major.
        public var centers: [Double]
        public var k: Int
        public var d: Int
        /// Cluster of every point (0 ..< k).
        public var labels: [Int]
        /// Sum of squared distances of points to their centres.
        public var inertia: Double
        /// Iterations of the best run.
        public var iterations: Int
        /// Anything unusual (e.g. re-seeded empty clusters).
        public var notes: [String]
    }

    /// Clusters the rows of `data` into `k` groups.
    /// - Parameters:
    ///   - nInit: restarts with different seeding (default 1, scikit-learn's "auto" for k-means++).
    ///   - initialCenters: k × d starting centres (then `nInit` is ignored), as sklearn's `init=array`.
    ///   - seed: seeds the k-means++ draws (`RandomStream(seed:, purpose: "clustering.kmeans.init", index: run)`).
    public static func fit(_ data: Matrix, k: Int, nInit: Int = 1, maxIterations: Int = 300, tol: Double = 1e-4,
                           algorithm: Algorithm = .lloyd, initialCenters: [Double]? = nil, seed: UInt64) throws -> Result {
        let x = try DataBlock(data)
        guard k >= 1 else { throw ClusteringError.invalidClusterCount(k) }
        guard k <= x.n else { throw ClusteringError.tooManyClusters(k: k, n: x.n) }
        guard nInit >= 1, maxIterations >= 1 else { throw ClusteringError.invalidArgument("nInit and maxIterations must be ≥ 1") }
        if let c = initialCenters, c.count != k * x.d {
            throw ClusteringError.shapeMismatch("initial centres need k × d = \(k * x.d) values, got \(c.count)")
        }
        let tolerance = tol * x.meanVariance()
        var best: Result?
        let runs = initialCenters == nil ? nInit : 1
        for run in 0..<runs {
            var centers: [Double]
            if let c = initialCenters { centers = c } else {
                var rng = RandomStream(seed: seed, purpose: "clustering.kmeans.init", index: UInt64(run))
                centers = plusPlus(x, k: k, rng: &rng)
            }
            let r = iterate(x, centers: centers, k: k, maxIterations: maxIterations, tolerance: tolerance, algorithm: algorithm)
            if best == nil || r.inertia < best!.inertia { best = r }
        }
        return best!
    }

    /// Greedy k-means++ seeding (Arthur & Vassilvitskii; scikit-learn's greedy variant).
    static func plusPlus(_ x: DataBlock, k: Int, rng: inout RandomStream) -> [Double] {
        let n = x.n, d = x.d
        var centers = [Double](repeating: 0, count: k * d)
        let first = rng.nextInt(below: n)
        for t in 0..<d { centers[t] = x.values[first * d + t] }
        var closest = (0..<n).map { x.squaredDistance($0, centers, 0) }
        var potential = closest.reduce(0, +)
        let trials = 2 + Int(DeterministicMath.log(Double(k)))
        var cumulative = [Double](repeating: 0, count: n)
        for c in 1..<k {
            var run = 0.0
            for i in 0..<n { run += closest[i]; cumulative[i] = run }
            var bestCandidate = 0, bestPotential = Double.infinity
            var bestDistances = closest
            for _ in 0..<trials {
                let target = rng.nextDouble() * potential
                // First index whose cumulative sum reaches target (searchsorted, left).
                var lo = 0, hi = n
                while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < target { lo = mid + 1 } else { hi = mid } }
                let candidate = min(lo, n - 1)
                var pot = 0.0
                var dists = closest
                for i in 0..<n {
                    let dd = x.squaredDistanceToRow(i, candidate)
                    if dd < dists[i] { dists[i] = dd }
                    pot += dists[i]
                }
                if pot < bestPotential { bestPotential = pot; bestCandidate = candidate; bestDistances = dists }
            }
            for t in 0..<d { centers[c * d + t] = x.values[bestCandidate * d + t] }
            closest = bestDistances
            potential = bestPotential
        }
        return centers
    }

    /// Nearest centre of every point and the squared distance to it (ties: lowest index).
    static func assign(_ x: DataBlock, _ centers: [Double], k: Int, labels: inout [Int], distances: inout [Double]) {
        let n = x.n
        labels.withUnsafeMutableBufferPointer { lb in
        distances.withUnsafeMutableBufferPointer { db in
            let l = lb.baseAddress!, dd = db.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: 1024) { _, range in
                for i in range {
                    var best = 0, bestD = Double.infinity
                    for c in 0..<k {
                        let v = x.squaredDistance(i, centers, c)
                        if v < bestD { bestD = v; best = c }
                    }
                    l[i] = best; dd[i] = bestD
                }
            }
        }}
    }

    /// Centre means of the clusters; empty clusters re-seeded at the farthest points.
    static func update(_ x: DataBlock, labels: inout [Int], distances: [Double], k: Int, notes: inout [String],
                       iteration: Int) -> [Double] {
        let n = x.n, d = x.d
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        for i in 0..<n {
            let c = labels[i]
            counts[c] += 1
            for t in 0..<d { sums[c * d + t] += x.values[i * d + t] }
        }
        let empty = (0..<k).filter { counts[$0] == 0 }
        if !empty.isEmpty {
            let far = (0..<n).sorted { distances[$0] > distances[$1] || (distances[$0] == distances[$1] && $0 < $1) }
            for (e, c) in empty.enumerated() where e < far.count {
                let p = far[e]
                let old = labels[p]
                if counts[old] > 1 {
                    counts[old] -= 1
                    for t in 0..<d { sums[old * d + t] -= x.values[p * d + t] }
                    labels[p] = c
                    counts[c] = 1
                    for t in 0..<d { sums[c * d + t] = x.values[p * d + t] }
                }
            }
            notes.append("iteration \(iteration): \(empty.count) empty cluster(s) re-seeded at the farthest points")
        }
        var centers = [Double](repeating: 0, count: k * d)
        for c in 0..<k where counts[c] > 0 {
            for t in 0..<d { centers[c * d + t] = sums[c * d + t] / Double(counts[c]) }
        }
        return centers
    }

    static func iterate(_ x: DataBlock, centers start: [Double], k: Int, maxIterations: Int, tolerance: Double,
                        algorithm: Algorithm) -> Result {
        let n = x.n, d = x.d
        var centers = start
        var labels = [Int](repeating: -1, count: n)
        var previous = labels
        var distances = [Double](repeating: 0, count: n)
        var notes: [String] = []
        var iterations = 0
        var strict = false
        var elkan = algorithm == .elkan ? ElkanBounds(n: n, k: k) : nil
        for it in 0..<maxIterations {
            iterations = it + 1
            if elkan != nil {
                elkan!.assign(x, centers, k: k, labels: &labels, distances: &distances, first: it == 0)
            } else {
                assign(x, centers, k: k, labels: &labels, distances: &distances)
            }
            let newCenters = update(x, labels: &labels, distances: distances, k: k, notes: &notes, iteration: it + 1)
            var shift = 0.0
            var shifts = [Double](repeating: 0, count: k)
            for c in 0..<k {
                var s = 0.0
                for t in 0..<d { let v = newCenters[c * d + t] - centers[c * d + t]; s += v * v }
                shifts[c] = s.squareRoot()
                shift += s
            }
            elkan?.centersMoved(shifts, labels: labels)
            centers = newCenters
            if labels == previous { strict = true; break }
            if shift <= tolerance { break }
            previous = labels
        }
        if !strict || elkan != nil { assign(x, centers, k: k, labels: &labels, distances: &distances) }
        var inertia = 0.0
        for i in 0..<n { inertia += x.squaredDistance(i, centers, labels[i]) }
        return Result(centers: centers, k: k, d: d, labels: labels, inertia: inertia, iterations: iterations, notes: notes)
    }
}

/// Elkan's bounds: an upper bound on each point's distance to its centre and a lower
/// bound per (point, centre); a centre is only measured when the bounds cannot rule it out.
struct ElkanBounds {
    var upper: [Double]
    var lower: [Double]
    let k: Int

    init(n: Int, k: Int) {
        self.k = k
        upper = [Double](repeating: .infinity, count: n)
        lower = [Double](repeating: 0, count: n * k)
    }

    mutating func assign(_ x: DataBlock, _ centers: [Double], k: Int, labels: inout [Int], distances: inout [Double], first: Bool) {
        let n = x.n
        // Half the distance from each centre to its nearest other centre, and all centre-centre distances.
        var cc = [Double](repeating: 0, count: k * k)
        var half = [Double](repeating: .infinity, count: k)
        for a in 0..<k { for b in 0..<k where a != b {
            var s = 0.0
            for t in 0..<x.d { let v = centers[a * x.d + t] - centers[b * x.d + t]; s += v * v }
            cc[a * k + b] = s.squareRoot()
            half[a] = min(half[a], cc[a * k + b] / 2)
        } }
        for i in 0..<n {
            if first || labels[i] < 0 {
                var best = 0, bestD = Double.infinity
                for c in 0..<k {
                    let v = x.squaredDistance(i, centers, c).squareRoot()
                    lower[i * k + c] = v
                    if v < bestD { bestD = v; best = c }
                }
                labels[i] = best; upper[i] = bestD; distances[i] = bestD * bestD
                continue
            }
            var a = labels[i]
            if upper[i] <= half[a] { distances[i] = upper[i] * upper[i]; continue }
            var tight = false
            for c in 0..<k where c != a {
                if upper[i] <= lower[i * k + c] || upper[i] <= cc[a * k + c] / 2 { continue }
                if !tight {
                    upper[i] = x.squaredDistance(i, centers, a).squareRoot()
                    lower[i * k + a] = upper[i]
                    tight = true
                    if upper[i] <= lower[i * k + c] || upper[i] <= cc[a * k + c] / 2 { continue }
                }
                let v = x.squaredDistance(i, centers, c).squareRoot()
                lower[i * k + c] = v
                if v < upper[i] || (v == upper[i] && c < a) { a = c; upper[i] = v }
            }
            labels[i] = a
            distances[i] = upper[i] * upper[i]
        }
    }

    mutating func centersMoved(_ shifts: [Double], labels: [Int]) {
        let n = upper.count
        for i in 0..<n {
            upper[i] += shifts[labels[i]]
            for c in 0..<k { lower[i * k + c] = max(0, lower[i * k + c] - shifts[c]) }
        }
    }
}

/// The data as `Double`, row-major, validated.
struct DataBlock {
    let n: Int
    let d: Int
    let values: [Double]

    init(_ m: Matrix) throws {
        if let bad = m.firstNonFinite() { throw ClusteringError.nonFinite(row: bad.row, col: bad.col) }
        guard m.rows >= 1, m.cols >= 1 else { throw ClusteringError.invalidArgument("data must have at least one row and one column") }
        n = m.rows; d = m.cols
        values = m.storage.map(Double.init)
    }

    @inline(__always) func squaredDistance(_ i: Int, _ centers: [Double], _ c: Int) -> Double {
        var s = 0.0
        for t in 0..<d { let v = values[i * d + t] - centers[c * d + t]; s += v * v }
        return s
    }

    @inline(__always) func squaredDistanceToRow(_ i: Int, _ j: Int) -> Double {
        var s = 0.0
        for t in 0..<d { let v = values[i * d + t] - values[j * d + t]; s += v * v }
        return s
    }

    /// Mean over features of the per-feature variance (scikit-learn's tolerance scale).
    func meanVariance() -> Double {
        var total = 0.0
        for t in 0..<d {
            var mean = 0.0
            for i in 0..<n { mean += values[i * d + t] }
            mean /= Double(n)
            var v = 0.0
            for i in 0..<n { let e = values[i * d + t] - mean; v += e * e }
            total += v / Double(n)
        }
        return total / Double(d)
    }
}
