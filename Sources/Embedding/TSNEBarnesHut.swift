import Linalg

/// A flat quad-tree (c = 2) / oct-tree (c = 3) / binary tree (c = 1) over points, for Barnes–Hut sums.
///
/// Nodes are numbered breadth first and stored in two flat arrays, so a traversal streams through
/// contiguous memory and allocates nothing: `geometry` holds per node the centre of mass (c values)
/// and the squared side length of its cell (stride c + 1); `links` holds per node the point count,
/// the first child (−1 for a leaf; the 2^c children of a node are contiguous) and the node's range
/// in `order` (stride 4). A leaf holds the points `order[start ..< end]` (one point, or several
/// coincident ones); `sortedPoints` holds their positions in that order (n × c), so a leaf's
/// points are read in sequence rather than gathered.
///
/// Arithmetic contract: the cells, centres of mass (each the in-order sum over the node's points,
/// divided by the count) and the point order are those of the first version of this tree, so the
/// repulsion it gives has the same bits.
struct TSNESpaceTree {
    let c: Int
    /// Nodes in the tree.
    private(set) var nodeCount = 0
    /// Per node: centre of mass (c) then squared cell side (1): stride c + 1.
    private(set) var geometry: [Double] = []
    /// Per node: point count, first child or −1, start and end in `order`: stride 4.
    private(set) var links: [Int32] = []
    /// Point indices in tree order.
    private(set) var order: [Int32]
    /// Point positions in tree order (n × c).
    private(set) var sortedPoints: [Double]
    /// Deepest subdivision; below it points are treated as one leaf.
    static let maxDepth = 48
    /// Longest traversal stack any query needs: the children of every node on a root-to-leaf path.
    var stackCapacity: Int { (Self.maxDepth + 1) * (1 << c) + 1 }

    init(points y: [Double], n: Int, c: Int) {
        precondition((1...3).contains(c), "TSNESpaceTree supports 1 to 3 dimensions")
        self.c = c
        let fanout = 1 << c
        let gs = c + 1
        order = (0..<n).map { Int32($0) }
        sortedPoints = []
        var lo = [Double](repeating: .infinity, count: c)
        var hi = [Double](repeating: -.infinity, count: c)
        for i in 0..<n { for d in 0..<c { lo[d] = min(lo[d], y[i * c + d]); hi[d] = max(hi[d], y[i * c + d]) } }
        var hw = 0.0
        // Cell centres and half widths are only needed while building.
        var centers = [Double](repeating: 0, count: c)
        for d in 0..<c { centers[d] = n > 0 ? (lo[d] + hi[d]) / 2 : 0; hw = max(hw, (hi[d] - lo[d]) / 2) }
        var halfWidths = [max(hw * (1 + 1e-9), 1e-12)]
        geometry = [Double](repeating: 0, count: gs)
        links = [Int32](repeating: 0, count: 4)
        links[1] = -1
        nodeCount = 1
        var temp = [Int32](repeating: 0, count: n)
        var codes = [Int](repeating: 0, count: n)
        var bucket = [Int](repeating: 0, count: fanout + 1)
        // (node, range start, range end, depth), processed in FIFO order.
        var queue: [(Int, Int, Int, Int)] = [(0, 0, n, 0)]
        var head = 0
        while head < queue.count {
            let (node, s, e, depth) = queue[head]
            head += 1
            links[node * 4] = Int32(e - s)
            links[node * 4 + 2] = Int32(s)
            links[node * 4 + 3] = Int32(e)
            let side = 2 * halfWidths[node]
            geometry[node * gs + c] = side * side
            if e == s { continue }
            var com = (0.0, 0.0, 0.0)
            var allSame = true
            let first = Int(order[s])
            for t in s..<e {
                let i = Int(order[t])
                com.0 += y[i * c]
                if y[i * c] != y[first * c] { allSame = false }
                if c > 1 {
                    com.1 += y[i * c + 1]
                    if y[i * c + 1] != y[first * c + 1] { allSame = false }
                }
                if c > 2 {
                    com.2 += y[i * c + 2]
                    if y[i * c + 2] != y[first * c + 2] { allSame = false }
                }
            }
            let size = Double(e - s)
            geometry[node * gs] = com.0 / size
            if c > 1 { geometry[node * gs + 1] = com.1 / size }
            if c > 2 { geometry[node * gs + 2] = com.2 / size }
            if e - s == 1 || allSame || depth >= Self.maxDepth { continue }
            // Split into orthants by a stable counting sort of the range.
            for b in 0...fanout { bucket[b] = 0 }
            for t in s..<e {
                let i = Int(order[t])
                var code = 0
                for d in 0..<c where y[i * c + d] >= centers[node * c + d] { code |= 1 << d }
                codes[t] = code
                bucket[code + 1] += 1
            }
            for b in 0..<fanout { bucket[b + 1] += bucket[b] }
            for t in s..<e {
                temp[s + bucket[codes[t]]] = order[t]
                bucket[codes[t]] += 1
            }
            for t in s..<e { order[t] = temp[t] }
            // After the scatter, bucket[b] is the end of orthant b (its start is bucket[b − 1]).
            let child0 = nodeCount
            links[node * 4 + 1] = Int32(child0)
            let h = halfWidths[node] / 2
            geometry.append(contentsOf: repeatElement(0, count: fanout * gs))
            links.append(contentsOf: repeatElement(0, count: fanout * 4))
            for b in 0..<fanout {
                for d in 0..<c { centers.append(centers[node * c + d] + ((b >> d) & 1 == 1 ? h : -h)) }
                halfWidths.append(h)
                links[(child0 + b) * 4 + 1] = -1
                queue.append((child0 + b, s + (b == 0 ? 0 : bucket[b - 1]), s + bucket[b], depth + 1))
            }
            nodeCount += fanout
        }
        sortedPoints = [Double](repeating: 0, count: n * c)
        for t in 0..<n { for d in 0..<c { sortedPoints[t * c + d] = y[Int(order[t]) * c + d] } }
    }
}

/// Barnes–Hut approximation of the repulsive forces (van der Maaten 2014): a cell of side w at
/// distance d from a point's centre of mass is summarised by it when w / d < θ (θ = 0: exact).
///
/// Each query walks the tree depth first, children in orthant order; its sums (forces and its
/// Z_i) are accumulated in that order, and Z = Σ Z_i is summed over queries in index order within
/// fixed chunks, so the result does not depend on the thread count.
enum TSNEBarnesHut {
    static func repulsion(y: [Double], n: Int, c: Int, theta: Double, kernel: TSNEKernel) -> TSNERepulsion {
        let tree = TSNESpaceTree(points: y, n: n, c: c)
        return repulsion(queries: y, count: n, selfIndexed: true, tree: tree, theta: theta,
                         kernel: kernel, perPointZ: nil)
    }

    /// Repulsion on `count` query points (count × c) against the points of `tree`.
    /// When `selfIndexed`, query i is tree point i and skips itself. If `perPointZ` is given,
    /// it receives Z_i = Σ_j w_ij per query (used by `transform`).
    static func repulsion(queries q: [Double], count: Int, selfIndexed: Bool, tree: TSNESpaceTree,
                          theta: Double, kernel: TSNEKernel,
                          perPointZ: UnsafeMutablePointer<Double>?) -> TSNERepulsion {
        switch tree.c {
        case 1: return walk(Line.self, queries: q, count: count, selfIndexed: selfIndexed, tree: tree, theta: theta,
                            kernel: kernel, perPointZ: perPointZ)
        case 2: return walk(Plane.self, queries: q, count: count, selfIndexed: selfIndexed, tree: tree, theta: theta,
                            kernel: kernel, perPointZ: perPointZ)
        default: return walk(Space.self, queries: q, count: count, selfIndexed: selfIndexed, tree: tree, theta: theta,
                             kernel: kernel, perPointZ: perPointZ)
        }
    }

    /// The output dimension as a type, so each traversal is compiled for its c.
    private protocol Dimension { static var c: Int { get } }
    private enum Line: Dimension { static var c: Int { 1 } }
    private enum Plane: Dimension { static var c: Int { 2 } }
    private enum Space: Dimension { static var c: Int { 3 } }

    private static func walk<D: Dimension>(_: D.Type, queries q: [Double], count: Int, selfIndexed: Bool,
                                           tree: TSNESpaceTree, theta: Double, kernel: TSNEKernel,
                                           perPointZ: UnsafeMutablePointer<Double>?) -> TSNERepulsion {
        let c = D.c
        let gs = c + 1
        var forces = [Double](repeating: 0, count: count * c)
        var zPerQuery = [Double](repeating: 0, count: count)
        let theta2 = theta * theta
        let chunk = Parallel.chunkSize(for: count)
        let stackCapacity = tree.stackCapacity
        forces.withUnsafeMutableBufferPointer { fb in
            zPerQuery.withUnsafeMutableBufferPointer { zb in
                q.withUnsafeBufferPointer { qb in
                    tree.geometry.withUnsafeBufferPointer { geometry in
                        tree.links.withUnsafeBufferPointer { links in
                            tree.order.withUnsafeBufferPointer { order in
                                tree.sortedPoints.withUnsafeBufferPointer { points in
                                    let pf = fb.baseAddress!, pz = zb.baseAddress!, pq = qb.baseAddress!
                                    let geo = geometry.baseAddress!, lk = links.baseAddress!
                                    let ord = order.baseAddress!, pts = points.baseAddress!
                                    Parallel.forEachChunk(count: count, chunkSize: chunk) { _, range in
                                        let stack = UnsafeMutablePointer<Int32>.allocate(capacity: stackCapacity)
                                        defer { stack.deallocate() }
                                        for i in range {
                                            var f = (0.0, 0.0, 0.0)
                                            var zi = 0.0
                                            let qi0 = pq[i * c], qi1 = c > 1 ? pq[i * c + 1] : 0, qi2 = c > 2 ? pq[i * c + 2] : 0
                                            stack[0] = 0
                                            var top = 1
                                            while top > 0 {
                                                top -= 1
                                                let node = Int(stack[top])
                                                let link = lk + node * 4
                                                let child = Int(link[1])
                                                if child < 0 {
                                                    for t in Int(link[2]) ..< Int(link[3]) {
                                                        if selfIndexed && Int(ord[t]) == i { continue }
                                                        let yj = pts + t * c
                                                        let d0 = qi0 - yj[0]
                                                        let d1 = c > 1 ? qi1 - yj[1] : 0
                                                        let d2 = c > 2 ? qi2 - yj[2] : 0
                                                        var dist2 = d0 * d0
                                                        if c > 1 { dist2 += d1 * d1 }
                                                        if c > 2 { dist2 += d2 * d2 }
                                                        let u = kernel.u(dist2)
                                                        let w = kernel.w(fromU: u)
                                                        zi += w
                                                        let wu = w * u
                                                        f.0 += wu * d0
                                                        if c > 1 { f.1 += wu * d1 }
                                                        if c > 2 { f.2 += wu * d2 }
                                                    }
                                                    continue
                                                }
                                                let cell = geo + node * gs
                                                let d0 = qi0 - cell[0]
                                                let d1 = c > 1 ? qi1 - cell[1] : 0
                                                let d2 = c > 2 ? qi2 - cell[2] : 0
                                                var dist2 = d0 * d0
                                                if c > 1 { dist2 += d1 * d1 }
                                                if c > 2 { dist2 += d2 * d2 }
                                                if cell[c] < theta2 * dist2 {
                                                    let u = kernel.u(dist2)
                                                    let w = kernel.w(fromU: u) * Double(link[0])
                                                    zi += w
                                                    let wu = w * u
                                                    f.0 += wu * d0
                                                    if c > 1 { f.1 += wu * d1 }
                                                    if c > 2 { f.2 += wu * d2 }
                                                } else {
                                                    // Children pushed last-first so they are visited in orthant
                                                    // order; empty ones are skipped.
                                                    var b = (1 << c) - 1
                                                    while b >= 0 {
                                                        if lk[(child + b) * 4] > 0 { stack[top] = Int32(child + b); top += 1 }
                                                        b -= 1
                                                    }
                                                }
                                            }
                                            pz[i] = zi
                                            pf[i * c] = f.0
                                            if c > 1 { pf[i * c + 1] = f.1 }
                                            if c > 2 { pf[i * c + 2] = f.2 }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if let perPointZ { for i in 0..<count { perPointZ[i] = zPerQuery[i] } }
        return TSNERepulsion(forces: forces, perPointZ: zPerQuery)
    }
}
