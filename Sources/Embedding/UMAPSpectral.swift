import Linalg

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Spectral initialisation of UMAP: leading non-trivial eigenvectors of the
/// normalised adjacency D^-1/2 W D^-1/2 (the smallest of the normalised
/// Laplacian I − D^-1/2 W D^-1/2), by Lanczos with full reorthogonalisation.
enum UMAPSpectral {
    /// Eigenvectors 2 … dim+1 of the normalised Laplacian of a connected symmetric graph,
    /// as n × dim row-major Doubles; nil when the Lanczos process fails to produce them.
    /// The start vector is drawn from RandomStream(seed, "umap.spectral").
    static func connectedLayout(_ g: UMAPGraph, dim: Int, seed: UInt64) -> [Double]? {
        let n = g.rows
        guard n > dim + 1 else { return nil }
        var degree = [Double](repeating: 0, count: n)
        for i in 0..<n { for e in g.rowStart[i]..<g.rowStart[i + 1] { degree[i] += Double(g.weight[e]) } }
        guard degree.allSatisfy({ $0 > 0 }) else { return nil }
        let dinv = degree.map { 1 / $0.squareRoot() }
        // The trivial eigenvector D^1/2·1 (eigenvalue 1), deflated throughout.
        var trivial = degree.map { $0.squareRoot() }
        normalise(&trivial)
        let steps = min(n - 1, max(4 * dim + 40, 100))
        // Lanczos vectors as rows of one n-column matrix; row 0 is the trivial eigenvector.
        var basis = [Double](repeating: 0, count: (steps + 1) * n)
        basis.replaceSubrange(0..<n, with: trivial)
        var rows = 1
        var alphas: [Double] = [], betas: [Double] = []
        var rng = RandomStream(seed: seed, purpose: "umap.spectral")
        var q = (0..<n).map { _ in rng.nextGaussian() }
        orthogonalise(&q, against: trivial)
        guard normalise(&q) > 0 else { return nil }
        var previous = [Double](repeating: 0, count: n)
        var beta = 0.0
        let chunk = Parallel.chunkSize(for: n, targetChunks: 64, minimum: 256)
        var w = [Double](repeating: 0, count: n)
        for _ in 0..<steps {
            // w = D^-1/2 W D^-1/2 q
            w.withUnsafeMutableBufferPointer { wb in
                let wp = wb.baseAddress!
                Parallel.forEachChunk(count: n, chunkSize: chunk) { _, range in
                    for i in range {
                        var s = 0.0
                        for e in g.rowStart[i]..<g.rowStart[i + 1] {
                            let j = Int(g.column[e])
                            s += Double(g.weight[e]) * dinv[j] * q[j]
                        }
                        wp[i] = s * dinv[i]
                    }
                }
            }
            let alpha = dot(q, w)
            for i in 0..<n { w[i] -= alpha * q[i] + beta * previous[i] }
            basis.replaceSubrange(rows * n ..< (rows + 1) * n, with: q)
            rows += 1
            alphas.append(alpha)
            // Full reorthogonalisation against the trivial vector and all Lanczos vectors
            // (classical Gram–Schmidt, twice for stability).
            for _ in 0..<2 { orthogonalise(&w, againstRows: rows, of: basis) }
            beta = normalise(&w)
            if beta < 1e-10 || rows - 1 == steps { break }
            betas.append(beta)
            swap(&previous, &q)
            swap(&q, &w)
        }
        let m = rows - 1
        guard m > dim else { return nil }
        var t = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            t[i * m + i] = alphas[i]
            if i + 1 < m { t[i * m + i + 1] = betas[i]; t[(i + 1) * m + i] = betas[i] }
        }
        guard let eig = try? SymmetricEigen(symmetric: t, n: m, largest: dim), eig.values.count == dim else { return nil }
        var out = [Double](repeating: 0, count: n * dim)
        for c in 0..<dim {
            for r in 0..<m {
                let s = eig.vectors[c * m + r]
                let b = (r + 1) * n
                for i in 0..<n { out[i * dim + c] += s * basis[b + i] }
            }
        }
        guard out.allSatisfy({ $0.isFinite }) else { return nil }
        return out
    }

    @discardableResult
    static func normalise(_ v: inout [Double]) -> Double {
        let norm = dot(v, v).squareRoot()
        if norm > 0 { for i in v.indices { v[i] /= norm } }
        return norm
    }

    static func orthogonalise(_ v: inout [Double], against u: [Double]) {
        let c = dot(v, u)
        for i in v.indices { v[i] -= c * u[i] }
    }

    /// v ← v − Bᵀ(B v) for the first `rows` rows of `basis` (row-major, v.count columns):
    /// one pass of classical Gram–Schmidt. The products run in fixed column chunks whose
    /// partial sums are added in chunk order, so the result does not depend on the thread count.
    static func orthogonalise(_ v: inout [Double], againstRows rows: Int, of basis: [Double]) {
        let n = v.count
        let chunk = Parallel.chunkSize(for: n, targetChunks: 32, minimum: 1024)
        let chunks = Parallel.chunkCount(count: n, chunkSize: chunk)
        var partial = [Double](repeating: 0, count: chunks * rows)
        var coefficient = [Double](repeating: 0, count: rows)
        basis.withUnsafeBufferPointer { bb in
        v.withUnsafeMutableBufferPointer { vb in
        partial.withUnsafeMutableBufferPointer { pb in
        coefficient.withUnsafeMutableBufferPointer { cb in
            let b = bb.baseAddress!, x = vb.baseAddress!, p = pb.baseAddress!, c = cb.baseAddress!
            Parallel.forEachChunk(count: n, chunkSize: chunk) { index, range in
                BLAS.dgemv(m: rows, n: range.count, a: b + range.lowerBound, lda: n, transpose: false,
                           x: x + range.lowerBound, y: p + index * rows)
            }
            for index in 0..<chunks { for r in 0..<rows { c[r] += p[index * rows + r] } }
            Parallel.forEachChunk(count: n, chunkSize: chunk) { _, range in
                BLAS.dgemv(m: rows, n: range.count, alpha: -1, a: b + range.lowerBound, lda: n, transpose: true,
                           x: c, beta: 1, y: x + range.lowerBound)
            }
        }
        }
        }
        }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        let n = a.count
        while i + 4 <= n {
            s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3]
            i += 4
        }
        while i < n { s0 += a[i] * b[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// Spectral layout of any symmetric graph (n × dim, Doubles, before scaling).
    /// Disconnected graphs: each component gets its own spectral layout (random for
    /// components too small for one), scaled to half the gap between component centres
    /// placed evenly on a circle (a line for dim 1), following umap-learn's
    /// multi-component layout in spirit. Returns nil only if a connected graph fails.
    static func layout(_ g: UMAPGraph, dim: Int, seed: UInt64, warnings: inout [String]) -> [Double]? {
        let (labels, count) = g.connectedComponents()
        if count == 1 { return connectedLayout(g, dim: dim, seed: seed) }
        warnings.append("the kNN graph has \(count) connected components; each was laid out separately " +
                        "and the components were placed apart on a circle")
        let n = g.rows
        var out = [Double](repeating: 0, count: n * dim)
        var members = [[Int]](repeating: [], count: count)
        for i in 0..<n { members[labels[i]].append(i) }
        var centres = [[Double]](repeating: [Double](repeating: 0, count: dim), count: count)
        for c in 0..<count {
            if dim == 1 { centres[c][0] = Double(c) } else {
                let angle = 2 * Double.pi * Double(c) / Double(count)
                centres[c][0] = DeterministicMath.cos(angle); centres[c][1] = DeterministicMath.sin(angle)
            }
        }
        let gap = dim == 1 ? 1.0 : 2 * DeterministicMath.sin(Double.pi / Double(count)) * (count == 2 ? 1 : 1)
        let range = gap / 2
        // Each point's position within its own component (one array for all components).
        var local = [Int](repeating: -1, count: n)
        for idx in members { for (a, i) in idx.enumerated() { local[i] = a } }
        for c in 0..<count {
            let idx = members[c]
            var lists = [[(Int32, Float)]](repeating: [], count: idx.count)
            for (a, i) in idx.enumerated() {
                for e in g.rowStart[i]..<g.rowStart[i + 1] { lists[a].append((Int32(local[Int(g.column[e])]), g.weight[e])) }
            }
            let sub = UMAPGraph.fromRows(idx.count, cols: idx.count, lists)
            var emb = connectedLayout(sub, dim: dim, seed: RandomStream.derive(seed: seed, purpose: "umap.component", index: UInt64(c)))
            if emb == nil {
                var rng = RandomStream(seed: seed, purpose: "umap.component.random", index: UInt64(c))
                emb = (0..<idx.count * dim).map { _ in rng.nextDouble() * 2 - 1 }
            }
            let e = emb ?? []
            let big = e.map(abs).max() ?? 0
            let scale = big > 0 ? range / big : 0
            for (a, i) in idx.enumerated() {
                for k in 0..<dim { out[i * dim + k] = e[a * dim + k] * scale + centres[c][k] }
            }
        }
        return out
    }
}
