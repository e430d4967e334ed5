import Foundation
import Linalg

/// HDBSCAN (Campello, Moulavi & Sander 2013), following the `hdbscan` package (McInnes,
/// Healy & Astels 2017) step for step, with Euclidean distances in Double:
/// 1. core distance of each point: the distance to its `minSamples`-th nearest other point
///    (the package's convention; scikit-learn's `HDBSCAN` counts the point itself, so its
///    `min_samples = m + 1` is this `minSamples = m`);
/// 2. mutual reachability d_mr(a, b) = max(core(a), core(b), d(a, b));
/// 3. its exact minimum spanning tree: Borůvka's algorithm over a kd-tree (`BoruvkaSpanningTree`)
///    up to `kdTreeDimensionLimit` dimensions, Prim's algorithm on the complete graph (O(n²)
///    distance evaluations) above; merged into a single-linkage hierarchy in which edges of
///    equal weight are merged in a fixed order (`singleLinkage`), so the hierarchy is the same
///    for every minimum spanning tree;
/// 4. the condensed tree: walking down from the root, a split into two parts of at least
///    `minClusterSize` points makes two new clusters; smaller parts are points falling out
///    of their cluster at λ = 1 / distance;
/// 5. stability of a cluster: Σ over its rows (λ − λ_birth) · size;
/// 6. selection: excess of mass (`eom`, a cluster is kept when its stability is at least the
///    sum of its selected descendants'; the root is never selected) or `leaf` (the clusters
///    without child clusters);
/// 7. each point gets the label of its nearest selected ancestor cluster, or −1 (noise).
/// Labels are numbered 0, 1, … in the order of the condensed tree's cluster ids, as the package
/// does. Deterministic: no randomness; the core distances are computed in fixed chunks.
public enum HDBSCAN {
    /// Version of the implementation (bump when any label may change; see ImplementationFingerprintTests).
    public static let implementationVersion = 2

    /// Up to this many input dimensions the spanning tree is built by `BoruvkaSpanningTree`
    /// (kd-tree), above it by Prim's algorithm. Both give trees of equal total weight and, through
    /// `singleLinkage`, the same labels.
    public static let kdTreeDimensionLimit = 8

    /// How flat clusters are taken from the condensed tree.
    public enum Selection: String, Codable, CaseIterable, Sendable {
        /// Excess of mass (the default).
        case eom
        /// The leaves of the condensed tree.
        case leaf
    }

    /// Options; defaults are the `hdbscan` package's.
    public struct Options: Codable, Equatable, Sendable {
        /// Smallest group of points that counts as a cluster (≥ 2; default 5).
        public var minClusterSize: Int
        /// Neighbours defining a point's core distance (≥ 1; default nil: `minClusterSize`).
        public var minSamples: Int?
        /// Cluster selection (default `eom`).
        public var selection: Selection

        public init(minClusterSize: Int = 5, minSamples: Int? = nil, selection: Selection = .eom) {
            self.minClusterSize = minClusterSize; self.minSamples = minSamples; self.selection = selection
        }
    }

    /// A flat clustering with its tree's summary.
    public struct Result: Codable, Equatable, Sendable {
        /// One label per point: 0 ..< clusterCount, or −1 for noise.
        public var labels: [Int]
        /// Number of clusters (noise excluded).
        public var clusterCount: Int
        /// Points labelled −1.
        public var noiseCount: Int
        /// Stability of each selected cluster, by label.
        public var stabilities: [Double]
        /// The options used (with `minSamples` resolved).
        public var options: Options
    }

    /// One row of the condensed tree: `child` (a point < n, or a cluster ≥ n) leaves `parent`
    /// (a cluster ≥ n; the root is n) at `lambda` = 1 / distance, with `size` points.
    struct CondensedRow: Equatable {
        var parent: Int, child: Int, lambda: Double, size: Int
    }

    /// Clusters the rows of `data` (n × d).
    /// - Throws: `ClusteringError` when `minClusterSize` is below 2 or above n, `minSamples` is
    ///   outside 1 ... n − 1, or the data has NaN / infinite values.
    public static func fit(_ data: Matrix, options: Options = Options()) throws -> Result {
        try fit(data, options: options, primOnly: false)
    }

    /// `fit`, with `primOnly` forcing the sweep for core distances and Prim's spanning tree in
    /// any dimension (for tests).
    static func fit(_ data: Matrix, options: Options, primOnly: Bool) throws -> Result {
        let n = data.rows
        guard n >= 2 else { throw ClusteringError.invalidArgument("HDBSCAN needs at least 2 points, got \(n)") }
        guard options.minClusterSize >= 2 else {
            throw ClusteringError.invalidArgument("min_cluster_size must be at least 2, got \(options.minClusterSize)")
        }
        guard options.minClusterSize <= n else {
            throw ClusteringError.invalidArgument("min_cluster_size = \(options.minClusterSize) is larger than the number of points (\(n)); use at most \(n)")
        }
        let minSamples = options.minSamples ?? options.minClusterSize
        guard minSamples >= 1, minSamples <= n - 1 else {
            throw ClusteringError.invalidArgument("min_samples must be in 1...\(n - 1) for \(n) points, got \(minSamples)")
        }
        if let bad = data.firstNonFinite() { throw ClusteringError.nonFinite(row: bad.row, col: bad.col) }
        var resolved = options
        resolved.minSamples = minSamples

        let kdTree = data.cols <= kdTreeDimensionLimit && !primOnly
        let core = kdTree ? BoruvkaSpanningTree.coreDistancesSquared(data, k: minSamples) : coreDistancesSquared(data, k: minSamples)
        let edges = kdTree
            ? BoruvkaSpanningTree.spanningTree(data, coreSquared: core)
            : minimumSpanningTree(data, coreSquared: core)
        let hierarchy = singleLinkage(edges, n: n)
        let tree = condense(hierarchy, n: n, minClusterSize: options.minClusterSize)
        let stability = stabilities(tree, n: n)
        let selected = select(tree, stability: stability, n: n, method: options.selection)
        let labels = label(tree, selected: selected, n: n)
        let ordered = selected.sorted()
        return Result(labels: labels, clusterCount: ordered.count, noiseCount: labels.filter { $0 < 0 }.count,
                      stabilities: ordered.map { stability[$0 - n] }, options: resolved)
    }

    /// Squared distance to the k-th nearest other point of every point, exact. Points are
    /// visited in the order of their first coordinate, outwards from each query, and a side's
    /// scan stops once the first-coordinate gap alone reaches the current k-th distance (no
    /// farther point can enter), so low-dimensional embeddings need far fewer than n² distances.
    /// The k smallest values, hence the result, do not depend on the visiting order.
    static func coreDistancesSquared(_ data: Matrix, k: Int) -> [Double] {
        let n = data.rows, d = data.cols
        var core = [Double](repeating: 0, count: n)
        let first = (0..<n).map { Double(data.storage[$0 * d]) }
        let order = (0..<n).sorted { first[$0] < first[$1] || (first[$0] == first[$1] && $0 < $1) }
        var position = [Int](repeating: 0, count: n)
        for (p, i) in order.enumerated() { position[i] = p }
        data.storage.withUnsafeBufferPointer { xb in
        core.withUnsafeMutableBufferPointer { cb in
            let x = xb.baseAddress!, out = cb.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: 256) { _, range in
                var nearest = [Double](repeating: .infinity, count: k)  // ascending
                for i in range {
                    for t in 0..<k { nearest[t] = .infinity }
                    func offer(_ j: Int) {
                        let s = squaredDistance(x, i, j, d)
                        if s < nearest[k - 1] {
                            var p = k - 1
                            while p > 0 && nearest[p - 1] > s { nearest[p] = nearest[p - 1]; p -= 1 }
                            nearest[p] = s
                        }
                    }
                    let p = position[i]
                    var left = p - 1, right = p + 1
                    var leftOpen = left >= 0, rightOpen = right < n
                    while leftOpen || rightOpen {
                        if rightOpen {
                            let gap = first[order[right]] - first[i]
                            if gap * gap >= nearest[k - 1] { rightOpen = false } else {
                                offer(order[right]); right += 1; rightOpen = right < n
                            }
                        }
                        if leftOpen {
                            let gap = first[i] - first[order[left]]
                            if gap * gap >= nearest[k - 1] { leftOpen = false } else {
                                offer(order[left]); left -= 1; leftOpen = left >= 0
                            }
                        }
                    }
                    out[i] = nearest[k - 1]
                }
            }
        }}
        return core
    }

    @inline(__always)
    static func squaredDistance(_ x: UnsafePointer<Float>, _ i: Int, _ j: Int, _ d: Int) -> Double {
        var s = 0.0
        for t in 0..<d { let v = Double(x[i * d + t]) - Double(x[j * d + t]); s += v * v }
        return s
    }

    /// Prim's minimum spanning tree of the mutual-reachability graph, as (a, b, distance) edges
    /// in the order they were added (ties go to the lower point index). Each step's update of the
    /// points outside the tree runs in parallel chunks; the next point is the minimum of
    /// (distance, index), unique, so the tree does not depend on the chunking or thread count.
    static func minimumSpanningTree(_ data: Matrix, coreSquared core: [Double]) -> [(Int, Int, Double)] {
        let n = data.rows, d = data.cols
        var best = [Double](repeating: .infinity, count: n)
        var from = [Int](repeating: 0, count: n)
        var remaining = Array(1..<n)
        var edges: [(Int, Int, Double)] = []
        edges.reserveCapacity(n - 1)
        var current = 0
        /// Below this many points outside the tree a step runs on one thread.
        let parallelLimit = 8_192
        data.storage.withUnsafeBufferPointer { xb in
        core.withUnsafeBufferPointer { cb in
        best.withUnsafeMutableBufferPointer { bb in
        from.withUnsafeMutableBufferPointer { fb in
            let x = xb.baseAddress!, coreP = cb.baseAddress!, bestP = bb.baseAddress!, fromP = fb.baseAddress!
            while !remaining.isEmpty {
                let coreCurrent = coreP[current], cur = current
                // Updates positions `range` of `remaining`; returns their (value, index, position) minimum.
                func step(_ range: Range<Int>, _ rem: UnsafePointer<Int>) -> (Double, Int, Int) {
                    var bestValue = Double.infinity, bestIndex = Int.max, bestPosition = -1
                    for p in range {
                        let j = rem[p]
                        // mr ≥ max(core, core): when that already reaches best[j], skip the distance.
                        let floor = max(coreCurrent, coreP[j])
                        if floor < bestP[j] {
                            let mr = max(floor, squaredDistance(x, cur, j, d))
                            if mr < bestP[j] { bestP[j] = mr; fromP[j] = cur }
                        }
                        if bestP[j] < bestValue || (bestP[j] == bestValue && j < bestIndex) {
                            bestValue = bestP[j]; bestIndex = j; bestPosition = p
                        }
                    }
                    return (bestValue, bestIndex, bestPosition)
                }
                let count = remaining.count
                let found: (Double, Int, Int) = remaining.withUnsafeBufferPointer { rb in
                    let rem = rb.baseAddress!
                    if count < parallelLimit { return step(0..<count, rem) }
                    let parts = Parallel.mapChunks(count: count, chunkSize: (count + 7) / 8) { _, range in step(range, rem) }
                    return parts.dropFirst().reduce(parts[0]) { a, b in
                        b.0 < a.0 || (b.0 == a.0 && b.1 < a.1) ? b : a
                    }
                }
                edges.append((fromP[found.1], found.1, found.0.squareRoot()))
                remaining.swapAt(found.2, count - 1)
                remaining.removeLast()
                current = found.1
            }
        }}}}
        return edges
    }

    /// One merge of the single-linkage hierarchy (scipy's linkage format): clusters `left` and
    /// `right` (points < n, merges n + row) join at `distance` into `size` points.
    struct Merge { var left: Int, right: Int, distance: Double, size: Int }

    /// The single-linkage hierarchy of a minimum spanning tree's edges, the same for every
    /// minimum spanning tree of the graph. Edges are taken in groups of equal weight: the
    /// components joined by a group are, for any minimum spanning tree, the same (the connected
    /// components of the graph's edges lighter than the weight, joined into those of the edges up
    /// to it). Each new component is formed by merging its parts largest first (ties: smallest
    /// point index first), one binary merge at a time, new components in the order of their
    /// smallest point index. Largest first makes the condensed tree treat a tie the way a
    /// simultaneous split would: parts below `min_cluster_size` fall out of the cluster as points,
    /// and the large parts then split into clusters. (The `hdbscan` package sorts the edges with an
    /// unstable sort, so its order within ties is numpy's choice.)
    static func singleLinkage(_ edges: [(Int, Int, Double)], n: Int) -> [Merge] {
        let sorted = edges.sorted { $0.2 < $1.2 }  // the order within a group does not matter
        var parent = Array(0..<(2 * n - 1))
        var size = [Int](repeating: 1, count: 2 * n - 1)
        var smallest = Array(0..<(2 * n - 1))  // smallest point index under each node
        func find(_ x: Int) -> Int {
            var root = x
            while parent[root] != root { root = parent[root] }
            var y = x
            while parent[y] != root { let next = parent[y]; parent[y] = root; y = next }
            return root
        }
        var merges: [Merge] = []
        merges.reserveCapacity(n - 1)
        var first = 0
        while first < sorted.count {
            var last = first
            while last < sorted.count && sorted[last].2 == sorted[first].2 { last += 1 }
            // The hierarchy roots this group joins, grouped by a local union-find.
            var local = [Int: Int](), roots: [Int] = [], link: [Int] = []
            func slot(_ root: Int) -> Int {
                if let s = local[root] { return s }
                local[root] = roots.count; roots.append(root); link.append(roots.count - 1)
                return roots.count - 1
            }
            func top(_ s: Int) -> Int { var r = s; while link[r] != r { r = link[r] }; return r }
            for edge in sorted[first..<last] {
                let a = top(slot(find(edge.0))), b = top(slot(find(edge.1)))
                if a != b { link[max(a, b)] = min(a, b) }
            }
            var groups = [Int: [Int]]()
            for s in 0..<roots.count { groups[top(s), default: []].append(roots[s]) }
            let ordered = groups.values.map { parts in
                parts.sorted { size[$0] > size[$1] || (size[$0] == size[$1] && smallest[$0] < smallest[$1]) }
            }.sorted { a, b in a.map { smallest[$0] }.min()! < b.map { smallest[$0] }.min()! }
            let distance = sorted[first].2
            for parts in ordered where parts.count > 1 {
                var joined = parts[0]
                for part in parts.dropFirst() {
                    let node = n + merges.count
                    merges.append(Merge(left: joined, right: part, distance: distance, size: size[joined] + size[part]))
                    parent[joined] = node; parent[part] = node
                    size[node] = size[joined] + size[part]
                    smallest[node] = min(smallest[joined], smallest[part])
                    joined = node
                }
            }
            first = last
        }
        return merges
    }

    /// The points under a hierarchy node (breadth first, as the package lists them).
    static func points(under node: Int, _ merges: [Merge], n: Int) -> [Int] {
        var result: [Int] = [], queue = [node]
        while let x = queue.popLast() {
            if x < n { result.append(x) } else { queue.append(merges[x - n].left); queue.append(merges[x - n].right) }
        }
        return result
    }

    /// The condensed tree (the package's `condense_tree`).
    static func condense(_ merges: [Merge], n: Int, minClusterSize: Int) -> [CondensedRow] {
        let root = 2 * n - 2
        var relabel = [Int](repeating: -1, count: 2 * n - 1)
        relabel[root] = n
        var nextLabel = n + 1
        var rows: [CondensedRow] = []
        // Breadth-first over hierarchy nodes, skipping those already dissolved into points.
        var queue = [root], head = 0
        var ignored = [Bool](repeating: false, count: 2 * n - 1)
        func size(_ x: Int) -> Int { x < n ? 1 : merges[x - n].size }
        func fallOut(_ x: Int, from cluster: Int, at lambda: Double) {
            for p in points(under: x, merges, n: n) { rows.append(CondensedRow(parent: cluster, child: p, lambda: lambda, size: 1)) }
            var stack = [x]
            while let y = stack.popLast() {
                ignored[y] = true
                if y >= n { stack.append(merges[y - n].left); stack.append(merges[y - n].right) }
            }
        }
        while head < queue.count {
            let node = queue[head]; head += 1
            if ignored[node] || node < n { continue }
            let merge = merges[node - n]
            queue.append(merge.left); queue.append(merge.right)
            let lambda = merge.distance > 0 ? 1 / merge.distance : Double.infinity
            let (left, right) = (merge.left, merge.right)
            let (leftBig, rightBig) = (size(left) >= minClusterSize, size(right) >= minClusterSize)
            let cluster = relabel[node]
            if leftBig && rightBig {
                for child in [left, right] {
                    relabel[child] = nextLabel; nextLabel += 1
                    rows.append(CondensedRow(parent: cluster, child: relabel[child], lambda: lambda, size: size(child)))
                }
            } else if !leftBig && !rightBig {
                fallOut(left, from: cluster, at: lambda)
                fallOut(right, from: cluster, at: lambda)
            } else if !leftBig {
                relabel[right] = cluster
                fallOut(left, from: cluster, at: lambda)
            } else {
                relabel[left] = cluster
                fallOut(right, from: cluster, at: lambda)
            }
        }
        return rows
    }

    /// Stability of every cluster id n ..< n + clusters (index id − n): Σ (λ − λ_birth) · size.
    static func stabilities(_ tree: [CondensedRow], n: Int) -> [Double] {
        let clusters = (tree.map(\.parent).max() ?? n) - n + 1
        var birth = [Double](repeating: 0, count: clusters)
        for row in tree where row.child >= n { birth[row.child - n] = row.lambda }
        var stability = [Double](repeating: 0, count: clusters)
        for row in tree {
            // Equal λ (also ∞ − ∞ when points coincide) adds nothing rather than NaN.
            let born = birth[row.parent - n]
            let span = row.lambda == born ? 0 : row.lambda - born
            stability[row.parent - n] += span * Double(row.size)
        }
        return stability
    }

    /// The selected cluster ids (excess of mass or leaves; the root is never selected).
    static func select(_ tree: [CondensedRow], stability: [Double], n: Int, method: Selection) -> Set<Int> {
        let clusters = stability.count
        var children = [[Int]](repeating: [], count: clusters)
        for row in tree where row.child >= n { children[row.parent - n].append(row.child) }
        switch method {
        case .leaf:
            var selected = Set<Int>()
            for c in 1..<max(1, clusters) where children[c].isEmpty { selected.insert(c + n) }
            return selected
        case .eom:
            var stab = stability
            var isCluster = [Bool](repeating: true, count: clusters)
            isCluster[0] = false
            // Children have larger ids than their parents, so descending ids visit leaves first.
            for c in stride(from: clusters - 1, through: 1, by: -1) {
                let subtree = children[c].reduce(0.0) { $0 + stab[$1 - n] }
                if subtree > stab[c] {
                    isCluster[c] = false
                    stab[c] = subtree
                } else {
                    var stack = children[c]
                    while let x = stack.popLast() { isCluster[x - n] = false; stack += children[x - n] }
                }
            }
            return Set((1..<max(1, clusters)).filter { isCluster[$0] }.map { $0 + n })
        }
    }

    /// Labels: each point's nearest selected ancestor, numbered by ascending cluster id; −1 otherwise.
    static func label(_ tree: [CondensedRow], selected: Set<Int>, n: Int) -> [Int] {
        let clusters = (tree.map(\.parent).max() ?? n) - n + 1
        let number = Dictionary(uniqueKeysWithValues: selected.sorted().enumerated().map { ($0.element, $0.offset) })
        // owner[c]: the label of c's nearest selected ancestor-or-self; rows come parents first.
        var owner = [Int](repeating: -1, count: clusters)
        var labels = [Int](repeating: -1, count: n)
        for row in tree {
            let inherited = owner[row.parent - n]
            if row.child >= n {
                owner[row.child - n] = number[row.child] ?? inherited
            } else {
                labels[row.child] = inherited
            }
        }
        return labels
    }
}
