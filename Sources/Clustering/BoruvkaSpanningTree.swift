import Foundation
import Linalg

/// The exact minimum spanning tree of the mutual-reachability graph of low-dimensional points,
/// by Borůvka's algorithm over a kd-tree (the idea of the `hdbscan` package's `boruvka_kdtree`
/// with `approx_min_span_tree=False`; McInnes & Healy 2017, "Accelerated hierarchical density
/// clustering"), in a single-tree form:
/// - every round, each point searches the kd-tree for its lightest edge to a point of another
///   component, where the weight is d_mr(a, b)² = max(core(a)², core(b)², |a − b|²);
/// - a node is skipped when all its points are in the query's component, or when its lower
///   bound max(core(q)², the node's smallest core², the squared distance to its box) is above
///   the lightest edge found so far for the query's component (points of one component are
///   queried one after another and share that bound, which prunes a component's interior);
/// - each component keeps its lightest edge, and all these edges join the tree.
/// Edges are compared by the key (weight, smaller end, larger end), a total order, so the tree is
/// the unique minimum of that order whatever the visiting order or thread count; its total weight
/// equals that of any minimum spanning tree (Prim's included). Pruning is strict (a bound equal
/// to the best weight is still searched), so no edge that ties the best is lost.
/// Cost: about O(n log n) per round and O(log n) rounds for points in a few dimensions; the
/// kd-tree loses its edge as the dimension grows (`HDBSCAN` uses Prim's above
/// `HDBSCAN.kdTreeDimensionLimit`).
enum BoruvkaSpanningTree {
    /// Points per kd-tree leaf.
    static let leafSize = 16
    /// Query points per parallel chunk (fixed, so chunking does not depend on the machine).
    static let chunkSize = 512

    /// An edge as its order key: squared weight, then the smaller and larger end.
    struct Edge: Comparable {
        var weight: Double, a: Int, b: Int
        static let none = Edge(weight: .infinity, a: Int.max, b: Int.max)
        init(weight: Double, a: Int, b: Int) { self.weight = weight; self.a = a; self.b = b }
        init(weight: Double, _ i: Int, _ j: Int) { self.init(weight: weight, a: min(i, j), b: max(i, j)) }
        static func < (l: Edge, r: Edge) -> Bool {
            l.weight < r.weight || (l.weight == r.weight && (l.a < r.a || (l.a == r.a && l.b < r.b)))
        }
    }

    /// A kd-tree over the rows of an n × d array: nodes in preorder (children after their parent),
    /// each covering `order[start ..< end]` with its bounding box.
    struct KDTree {
        var order: [Int]
        var start: [Int] = [], end: [Int] = [], left: [Int] = [], right: [Int] = []
        var low: [Double] = [], high: [Double] = []
        let d: Int

        init(_ x: [Double], n: Int, d: Int, leafSize: Int) {
            self.d = d
            order = Array(0..<n)
            build(x, 0, n, leafSize)
        }

        /// Adds the node over `order[s ..< e]` and its subtree; returns its index.
        @discardableResult
        mutating func build(_ x: [Double], _ s: Int, _ e: Int, _ leafSize: Int) -> Int {
            let node = start.count
            start.append(s); end.append(e); left.append(-1); right.append(-1)
            var lo = [Double](repeating: .infinity, count: d), hi = [Double](repeating: -.infinity, count: d)
            for p in s..<e {
                let i = order[p]
                for t in 0..<d { lo[t] = min(lo[t], x[i * d + t]); hi[t] = max(hi[t], x[i * d + t]) }
            }
            low += lo; high += hi
            guard e - s > leafSize else { return node }
            // Split the widest side at the median (ties in the coordinate ordered by index).
            var axis = 0
            for t in 1..<d where hi[t] - lo[t] > hi[axis] - lo[axis] { axis = t }
            if hi[axis] == lo[axis] { return node }  // all points equal: one leaf
            order[s..<e].sort { x[$0 * d + axis] < x[$1 * d + axis] || (x[$0 * d + axis] == x[$1 * d + axis] && $0 < $1) }
            let mid = (s + e) / 2
            let l = build(x, s, mid, leafSize)
            let r = build(x, mid, e, leafSize)
            left[node] = l; right[node] = r
            return node
        }

        var nodeCount: Int { start.count }
    }

    /// The tree's n − 1 edges (a, b, mutual-reachability distance), sorted by their key.
    /// - Parameters:
    ///   - data: n × d points (Float, compared in Double).
    ///   - coreSquared: squared core distance of every point.
    static func spanningTree(_ data: Matrix, coreSquared core: [Double]) -> [(Int, Int, Double)] {
        let n = data.rows, d = data.cols
        guard n > 1 else { return [] }
        let x = data.storage.map(Double.init)
        let tree = KDTree(x, n: n, d: d, leafSize: leafSize)
        let nodes = tree.nodeCount
        // Smallest core distance under each node (children come after parents: fill backwards).
        var nodeCore = [Double](repeating: .infinity, count: nodes)
        for node in stride(from: nodes - 1, through: 0, by: -1) {
            if tree.left[node] < 0 {
                for p in tree.start[node]..<tree.end[node] { nodeCore[node] = min(nodeCore[node], core[tree.order[p]]) }
            } else {
                nodeCore[node] = min(nodeCore[tree.left[node]], nodeCore[tree.right[node]])
            }
        }
        var position = [Int](repeating: 0, count: n)
        for (p, i) in tree.order.enumerated() { position[i] = p }

        var parent = Array(0..<n)
        func find(_ i: Int) -> Int {
            var r = i
            while parent[r] != r { r = parent[r] }
            var y = i
            while parent[y] != r { let next = parent[y]; parent[y] = r; y = next }
            return r
        }
        var component = [Int](repeating: 0, count: n)
        var nodeComponent = [Int](repeating: -1, count: nodes)
        var result: [Edge] = []
        result.reserveCapacity(n - 1)

        while result.count < n - 1 {
            for i in 0..<n { component[i] = find(i) }
            // A node's component when all its points share one, else −1.
            for node in stride(from: nodes - 1, through: 0, by: -1) {
                if tree.left[node] < 0 {
                    let c = component[tree.order[tree.start[node]]]
                    var same = true
                    for p in tree.start[node]..<tree.end[node] where component[tree.order[p]] != c { same = false; break }
                    nodeComponent[node] = same ? c : -1
                } else {
                    let l = nodeComponent[tree.left[node]]
                    nodeComponent[node] = l >= 0 && l == nodeComponent[tree.right[node]] ? l : -1
                }
            }
            // Queries grouped by component (then in kd-tree order, so neighbours follow each other).
            let queries = (0..<n).sorted {
                component[$0] < component[$1] || (component[$0] == component[$1] && position[$0] < position[$1])
            }
            let found: [[(Int, Edge)]] = Parallel.mapChunks(count: n, chunkSize: chunkSize) { _, range in
                var out: [(Int, Edge)] = []
                var stack: [Int] = []
                var currentComponent = -1, best = Edge.none
                for qi in range {
                    let q = queries[qi], c = component[q]
                    if c != currentComponent {
                        if currentComponent >= 0 { out.append((currentComponent, best)) }
                        currentComponent = c; best = .none
                    }
                    let cq = core[q]
                    if cq > best.weight { continue }
                    stack.removeAll(keepingCapacity: true)
                    stack.append(0)
                    while let node = stack.popLast() {
                        if nodeComponent[node] == c { continue }
                        var bound = max(cq, nodeCore[node])
                        if bound > best.weight { continue }
                        var gap = 0.0
                        for t in 0..<d {
                            let v = x[q * d + t]
                            let below = tree.low[node * d + t] - v, above = v - tree.high[node * d + t]
                            let g = max(below, above, 0)
                            gap += g * g
                        }
                        bound = max(bound, gap)
                        if bound > best.weight { continue }
                        let l = tree.left[node]
                        if l < 0 {
                            for p in tree.start[node]..<tree.end[node] {
                                let j = tree.order[p]
                                if component[j] == c || core[j] > best.weight { continue }
                                var s = 0.0
                                for t in 0..<d { let v = x[q * d + t] - x[j * d + t]; s += v * v }
                                let edge = Edge(weight: max(cq, core[j], s), q, j)
                                if edge < best { best = edge }
                            }
                        } else {
                            // Nearer child last, so it is searched first.
                            let r = tree.right[node]
                            let axisLeft = boxGap(tree, l, x, q, d), axisRight = boxGap(tree, r, x, q, d)
                            if axisLeft <= axisRight { stack.append(r); stack.append(l) } else { stack.append(l); stack.append(r) }
                        }
                    }
                }
                if currentComponent >= 0 { out.append((currentComponent, best)) }
                return out
            }
            var lightest = [Int: Edge]()
            for chunk in found { for (c, edge) in chunk where edge < (lightest[c] ?? .none) { lightest[c] = edge } }
            let chosen = lightest.values.filter { $0.a != Int.max }.sorted()
            var added = 0
            for edge in chosen {
                let ra = find(edge.a), rb = find(edge.b)
                if ra == rb { continue }
                parent[max(ra, rb)] = min(ra, rb)
                result.append(edge); added += 1
            }
            precondition(added > 0, "Borůvka round added no edge")
        }
        result.sort()
        return result.map { ($0.a, $0.b, $0.weight.squareRoot()) }
    }

    /// Squared distance to the k-th nearest other point of every point (HDBSCAN's squared core
    /// distances), exact, by a search of the kd-tree that visits the nearer child first and skips
    /// a node whose box is no nearer than the current k-th distance. Only the k smallest values
    /// are kept, so the result does not depend on the visiting order (equal to
    /// `HDBSCAN.coreDistancesSquared`'s sweep). Parallel over fixed chunks of points.
    static func coreDistancesSquared(_ data: Matrix, k: Int) -> [Double] {
        let n = data.rows, d = data.cols
        precondition(k >= 1 && k < n, "k must be in 1..<n")
        let x = data.storage.map(Double.init)
        let tree = KDTree(x, n: n, d: d, leafSize: leafSize)
        var core = [Double](repeating: 0, count: n)
        core.withUnsafeMutableBufferPointer { cb in
            let out = cb.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: chunkSize) { _, range in
                var nearest = [Double](repeating: .infinity, count: k)  // ascending
                var stack: [Int] = []
                for q in range {
                    for t in 0..<k { nearest[t] = .infinity }
                    stack.removeAll(keepingCapacity: true)
                    stack.append(0)
                    while let node = stack.popLast() {
                        if boxGap(tree, node, x, q, d) >= nearest[k - 1] { continue }
                        let l = tree.left[node]
                        if l < 0 {
                            for p in tree.start[node]..<tree.end[node] {
                                let j = tree.order[p]
                                if j == q { continue }
                                var s = 0.0
                                for t in 0..<d { let v = x[q * d + t] - x[j * d + t]; s += v * v }
                                if s < nearest[k - 1] {
                                    var slot = k - 1
                                    while slot > 0 && nearest[slot - 1] > s { nearest[slot] = nearest[slot - 1]; slot -= 1 }
                                    nearest[slot] = s
                                }
                            }
                        } else {
                            let r = tree.right[node]
                            if boxGap(tree, l, x, q, d) <= boxGap(tree, r, x, q, d) { stack.append(r); stack.append(l) } else { stack.append(l); stack.append(r) }
                        }
                    }
                    out[q] = nearest[k - 1]
                }
            }
        }
        return core
    }

    /// Squared distance from point q to a node's box.
    @inline(__always)
    static func boxGap(_ tree: KDTree, _ node: Int, _ x: [Double], _ q: Int, _ d: Int) -> Double {
        var gap = 0.0
        for t in 0..<d {
            let v = x[q * d + t]
            let g = max(tree.low[node * d + t] - v, v - tree.high[node * d + t], 0)
            gap += g * g
        }
        return gap
    }
}
