import Linalg

/// A flat quad-tree (c = 2) / oct-tree (c = 3) / binary tree (c = 1) over points, for Barnes–Hut sums.
///
/// Nodes live in parallel arrays; the 2^c children of a node are contiguous starting at `firstChild`
/// (−1 for a leaf). A leaf holds the points `order[leafStart ..< leafEnd]` (one point, or several
/// coincident ones).
struct TSNESpaceTree {
    let c: Int
    var center: [Double] = []
    var halfWidth: [Double] = []
    var centerOfMass: [Double] = []
    var count: [Int] = []
    var firstChild: [Int] = []
    var leafStart: [Int] = []
    var leafEnd: [Int] = []
    var order: [Int32] = []
    /// Deepest subdivision; below it points are treated as one leaf.
    static let maxDepth = 48

    init(points y: [Double], n: Int, c: Int) {
        self.c = c
        let fanout = 1 << c
        order = (0..<n).map { Int32($0) }
        var lo = [Double](repeating: .infinity, count: c)
        var hi = [Double](repeating: -.infinity, count: c)
        for i in 0..<n { for d in 0..<c { lo[d] = min(lo[d], y[i * c + d]); hi[d] = max(hi[d], y[i * c + d]) } }
        var hw = 0.0
        var rootCenter = [Double](repeating: 0, count: c)
        for d in 0..<c { rootCenter[d] = n > 0 ? (lo[d] + hi[d]) / 2 : 0; hw = max(hw, (hi[d] - lo[d]) / 2) }
        hw = max(hw * (1 + 1e-9), 1e-12)
        appendNode(center: rootCenter, halfWidth: hw)
        var temp = [Int32](repeating: 0, count: n)
        // (node, range start, range end, depth), processed in FIFO order.
        var queue: [(Int, Int, Int, Int)] = [(0, 0, n, 0)]
        var head = 0
        var codes = [Int](repeating: 0, count: 0)
        while head < queue.count {
            let (node, s, e, depth) = queue[head]
            head += 1
            count[node] = e - s
            leafStart[node] = s
            leafEnd[node] = e
            if e == s { continue }
            var com = [Double](repeating: 0, count: c)
            var allSame = true
            let first = Int(order[s])
            for t in s..<e {
                let i = Int(order[t])
                for d in 0..<c {
                    com[d] += y[i * c + d]
                    if y[i * c + d] != y[first * c + d] { allSame = false }
                }
            }
            for d in 0..<c { centerOfMass[node * c + d] = com[d] / Double(e - s) }
            if e - s == 1 || allSame || depth >= Self.maxDepth { continue }
            // Split into orthants by a counting sort of the range.
            let cen = Array(center[node * c ..< node * c + c])
            codes = [Int](repeating: 0, count: e - s)
            var bucket = [Int](repeating: 0, count: fanout + 1)
            for t in s..<e {
                let i = Int(order[t])
                var code = 0
                for d in 0..<c where y[i * c + d] >= cen[d] { code |= 1 << d }
                codes[t - s] = code
                bucket[code + 1] += 1
            }
            for b in 0..<fanout { bucket[b + 1] += bucket[b] }
            var put = bucket
            for t in s..<e { temp[s + put[codes[t - s]]] = order[t]; put[codes[t - s]] += 1 }
            for t in s..<e { order[t] = temp[t] }
            let child0 = halfWidth.count
            firstChild[node] = child0
            let h = halfWidth[node] / 2
            for b in 0..<fanout {
                var cc = cen
                for d in 0..<c { cc[d] += (b >> d) & 1 == 1 ? h : -h }
                appendNode(center: cc, halfWidth: h)
                queue.append((child0 + b, s + bucket[b], s + bucket[b + 1], depth + 1))
            }
        }
    }

    private mutating func appendNode(center cc: [Double], halfWidth h: Double) {
        center.append(contentsOf: cc)
        halfWidth.append(h)
        centerOfMass.append(contentsOf: [Double](repeating: 0, count: c))
        count.append(0)
        firstChild.append(-1)
        leafStart.append(0)
        leafEnd.append(0)
    }
}

/// Barnes–Hut approximation of the repulsive forces (van der Maaten 2014): a cell of width w at
/// distance d from a point is summarised by its centre of mass when w / d < θ (θ = 0: exact).
enum TSNEBarnesHut {
    static func repulsion(y: [Double], n: Int, c: Int, theta: Double, kernel: TSNEKernel) -> TSNERepulsion {
        let tree = TSNESpaceTree(points: y, n: n, c: c)
        return repulsion(queries: y, count: n, selfIndexed: true, tree: tree, reference: y, theta: theta,
                         kernel: kernel, perPointZ: nil)
    }

    /// Repulsion on `count` query points against the points of `tree` (positions `reference`).
    /// When `selfIndexed`, query i is reference point i and skips itself. If `perPointZ` is given,
    /// it receives Z_i = Σ_j w_ij per query (used by `transform`).
    static func repulsion(queries q: [Double], count: Int, selfIndexed: Bool, tree: TSNESpaceTree,
                          reference y: [Double], theta: Double, kernel: TSNEKernel,
                          perPointZ: UnsafeMutablePointer<Double>?) -> TSNERepulsion {
        let c = tree.c
        let fanout = 1 << c
        var forces = [Double](repeating: 0, count: count * c)
        let theta2 = theta * theta
        let partial: [Double] = forces.withUnsafeMutableBufferPointer { fb in
            let pf = fb.baseAddress!
            return Parallel.mapChunks(count: count, chunkSize: Parallel.chunkSize(for: count)) { _, range -> Double in
                var stack = [Int](repeating: 0, count: 64 * fanout + 8)
                var zChunk = 0.0
                for i in range {
                    var f = (0.0, 0.0, 0.0)
                    var zi = 0.0
                    let qi0 = q[i * c], qi1 = c > 1 ? q[i * c + 1] : 0, qi2 = c > 2 ? q[i * c + 2] : 0
                    var top = 0
                    stack[0] = 0
                    top = 1
                    while top > 0 {
                        top -= 1
                        let node = stack[top]
                        let cnt = tree.count[node]
                        if cnt == 0 { continue }
                        let child = tree.firstChild[node]
                        if child < 0 {
                            for t in tree.leafStart[node] ..< tree.leafEnd[node] {
                                let j = Int(tree.order[t])
                                if selfIndexed && j == i { continue }
                                let d0 = qi0 - y[j * c]
                                let d1 = c > 1 ? qi1 - y[j * c + 1] : 0
                                let d2 = c > 2 ? qi2 - y[j * c + 2] : 0
                                let u = kernel.u(d0 * d0 + d1 * d1 + d2 * d2)
                                let w = kernel.w(fromU: u)
                                zi += w
                                let wu = w * u
                                f.0 += wu * d0; f.1 += wu * d1; f.2 += wu * d2
                            }
                            continue
                        }
                        let d0 = qi0 - tree.centerOfMass[node * c]
                        let d1 = c > 1 ? qi1 - tree.centerOfMass[node * c + 1] : 0
                        let d2 = c > 2 ? qi2 - tree.centerOfMass[node * c + 2] : 0
                        let dist2 = d0 * d0 + d1 * d1 + d2 * d2
                        let width = 2 * tree.halfWidth[node]
                        if width * width < theta2 * dist2 {
                            let u = kernel.u(dist2)
                            let w = kernel.w(fromU: u) * Double(cnt)
                            zi += w
                            let wu = w * u
                            f.0 += wu * d0; f.1 += wu * d1; f.2 += wu * d2
                        } else {
                            if top + fanout > stack.count { stack.append(contentsOf: [Int](repeating: 0, count: stack.count)) }
                            for b in stride(from: fanout - 1, through: 0, by: -1) { stack[top] = child + b; top += 1 }
                        }
                    }
                    zChunk += zi
                    perPointZ?[i] = zi
                    pf[i * c] = f.0
                    if c > 1 { pf[i * c + 1] = f.1 }
                    if c > 2 { pf[i * c + 2] = f.2 }
                }
                return zChunk
            }
        }
        var z = 0.0
        for v in partial { z += v }
        return TSNERepulsion(forces: forces, z: z)
    }
}
