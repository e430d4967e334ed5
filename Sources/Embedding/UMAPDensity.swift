import Linalg

/// densMAP's density-preservation term (Narayan, Berger & Cho 2021) inside UMAP's SGD
/// (`UMAPLayout.density`), as umap-learn 0.5 computes it with `densmap=True`
/// (`simplicial_set_embedding` and `layouts.optimize_layout_euclidean`):
///
/// - input radii over the layout's edges (the graph after the max/epochs cut):
///   r_X = `LocalRadius` with memberships μ and squared kNN distances, standardised to
///   R = (r_X − mean) / std (population std);
/// - at the start of every density epoch, output radii from the current positions over the
///   same edges: r_Y(i) = log(ε + S_i / P_i), S_i = Σ φ_ij x_ij, P_i = Σ φ_ij, x = |y_i − y_j|²,
///   φ = 1 / (1 + a·x^b), each edge counted at both ends (umap-learn's sum over the COO entries);
/// - the objective λ·C with C = cov(r_Y, R) / s, cov = (1/n) Σ (r_i − m)(R_i − R̄),
///   s = √(var(r_Y) + dens_var_shift), var with 1/n;
/// - a sampled edge e = (j, k) adds clip(2·c_e·(y_j − y_k)) per coordinate to its attractive
///   step (before the learning rate; the tail takes the opposite), with
///   c_e = λ·μ_tot/(μ_e·n·s) · (w_j ∂r_j/∂x + w_k ∂r_k/∂x), w_i = (R_i − R̄) − cov·(r_i − m)/s²,
///   μ_tot = Σ_e μ_e: edges are sampled in proportion to μ_e, so an epoch's expected update is
///   (μ_tot / max μ)·λ·∇C (`gradient` is that sum, for the tests);
/// - active in the epochs e with (e + 1)/n_epochs > 1 − dens_frac.
///
/// Departures from umap-learn, each at most O(1/n) or 1e-8 relative, so that the sampled term
/// is exactly the gradient of C as written: umap-learn's weights use cov with 1/(n − 1) beside
/// var with 1/n, and assume R̄ = 0; it drops ε in the ρ·∂φ part of ∂r/∂x. An edge whose ends
/// coincide adds nothing (umap-learn: 0·∞). The per-vertex sums run over each vertex's own
/// row twice (the layout graph is symmetric) instead of being scattered over both ends, in
/// fixed chunks, and the scalar sums in vertex order: bit-identical for any thread count.
struct UMAPDensity {
    /// λ (dens_lambda).
    var lambda: Double
    /// dens_var_shift.
    var varShift: Double
    /// First epoch with the term.
    var firstEpoch: Int
    /// R − R̄ per vertex.
    var centredRadius: [Double]
    /// μ_tot / μ_e per layout edge, in the layout's edge order.
    var edgeScale: [Float]
    /// The input radii r_X (log, before standardisation).
    var inputRadius: [Double]

    /// The first epoch with the term: the smallest e with (e + 1)/epochs > 1 − frac (umap-learn's
    /// test), or `epochs` when none is.
    static func firstEpoch(epochs: Int, frac: Double) -> Int {
        var e = 0
        while e < epochs && !(Double(e + 1) / Double(epochs) > 1 - frac) { e += 1 }
        return e
    }

    /// - Parameters: the layout's edges (`edgeStart`, symmetric pattern), their memberships μ and
    ///   squared input distances.
    /// - Returns: nil and a warning when the input radii are all equal, up to a relative 1e-6
    ///   (nothing to preserve).
    init?(edgeStart: [Int], weight: [Float], squaredDistance: [Float], lambda: Double, frac: Double, varShift: Double,
          epochs: Int, warnings: inout [String]) {
        let radii = LocalRadius.logRadii(edgeStart: edgeStart, weight: weight, squaredDistance: squaredDistance)
        let mean = Statistics.mean(radii)
        var ss = 0.0
        for r in radii { ss += (r - mean) * (r - mean) }
        let std = (ss / Double(radii.count)).squareRoot()
        // Equal up to rounding (a regular lattice) counts as equal: standardising rounding noise
        // would make R arbitrary.
        guard std > 1e-6 * max(1, abs(mean)), std.isFinite else {
            warnings.append("densmap: the input local radii are all equal, so there is no density to preserve; ran plain UMAP")
            return nil
        }
        var standard = radii.map { ($0 - mean) / std }
        let centre = Statistics.mean(standard)
        for i in standard.indices { standard[i] -= centre }
        var total = 0.0
        for w in weight { total += Double(w) }
        self.lambda = lambda
        self.varShift = varShift
        self.firstEpoch = UMAPDensity.firstEpoch(epochs: epochs, frac: frac)
        self.centredRadius = standard
        self.edgeScale = weight.map { Float(total / Double($0)) }
        self.inputRadius = radii
    }

    /// S_i and P_i of every vertex from `positions`, over its row, doubled (see the type's notes).
    static func radiusSums(positions: UnsafePointer<Float>, dim: Int, edgeStart: UnsafePointer<Int>, tail: UnsafePointer<Int32>,
                           n: Int, a: Float, pow: UMAPPowTable, radius: UnsafeMutablePointer<Double>,
                           phiSum: UnsafeMutablePointer<Double>) {
        Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n, targetChunks: 64, minimum: 256)) { _, range in
            for i in range {
                var s = 0.0, p = 0.0
                let yi = positions + i * dim
                for e in edgeStart[i]..<edgeStart[i + 1] {
                    let yk = positions + Int(tail[e]) * dim
                    var x: Float = 0
                    for q in 0..<dim { let t = yi[q] - yk[q]; x += t * t }
                    let phi = 1 / (1 + a * pow.pow(x))
                    s += Double(phi) * Double(x)
                    p += Double(phi)
                }
                phiSum[i] = 2 * p
                radius[i] = p > 0 ? s / p : 0  // ρ_i = S_i / P_i (the doubling cancels)
            }
        }
    }

    /// The per-vertex factors of one epoch from the positions at its start: fills
    /// u_i = w_i / (P_i (ε + ρ_i)) and v_i = ρ_i·u_i (n entries each) and returns λ/(n s).
    /// `rho` and `phiSum` are n-entry work spaces (ρ_i and P_i on return). The sums over
    /// vertices run in vertex order.
    func epochFactors(positions: UnsafePointer<Float>, dim: Int, edgeStart: UnsafePointer<Int>, tail: UnsafePointer<Int32>,
                      a: Float, pow: UMAPPowTable, rho: UnsafeMutablePointer<Double>, phiSum: UnsafeMutablePointer<Double>,
                      u: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>) -> Float {
        let n = centredRadius.count
        UMAPDensity.radiusSums(positions: positions, dim: dim, edgeStart: edgeStart, tail: tail, n: n, a: a, pow: pow,
                               radius: rho, phiSum: phiSum)
        var mean = 0.0
        for i in 0..<n { mean += DeterministicMath.log(LocalRadius.epsilon + rho[i]) }
        mean /= Double(n)
        var variance = 0.0, cov = 0.0
        for i in 0..<n {
            let d = DeterministicMath.log(LocalRadius.epsilon + rho[i]) - mean
            variance += d * d
            cov += d * centredRadius[i]
        }
        variance /= Double(n); cov /= Double(n)
        let s2 = variance + varShift
        let s = s2.squareRoot()
        for i in 0..<n {
            let r = DeterministicMath.log(LocalRadius.epsilon + rho[i])
            let w = centredRadius[i] - cov * (r - mean) / s2
            let denominator = phiSum[i] * (LocalRadius.epsilon + rho[i])
            let ui = denominator > 0 ? w / denominator : 0
            u[i] = Float(ui)
            v[i] = Float(ui * rho[i])
        }
        return Float(lambda / (Double(n) * s))
    }

    /// w_j ∂r_j/∂x + w_k ∂r_k/∂x up to the scalar: φ·((1 − b(1 − φ))(u_j + u_k) + φ'(v_j + v_k)),
    /// with φ' = a·b·x^(b−1)/(1 + a·x^b) (`dphi`, = −½ of UMAP's attractive coefficient).
    @inline(__always)
    static func edgeFactor(phi: Float, dphi: Float, b: Float, uj: Float, uk: Float, vj: Float, vk: Float) -> Float {
        phi * ((1 - b * (1 - phi)) * (uj + uk) + dphi * (vj + vk))
    }

    /// The output radii r_Y of final positions over the layout's edges (φ weights, as the
    /// objective measures them).
    static func outputRadii(positions: [Float], dim: Int, edgeStart: [Int], tail: [Int32], a: Float, b: Float) -> [Double] {
        let n = edgeStart.count - 1
        var rho = [Double](repeating: 0, count: n), phiSum = [Double](repeating: 0, count: n)
        let table = UMAPPowTable.values(for: b)
        table.withUnsafeBufferPointer { tb in
        positions.withUnsafeBufferPointer { pb in
        edgeStart.withUnsafeBufferPointer { eb in
        tail.withUnsafeBufferPointer { tlb in
        rho.withUnsafeMutableBufferPointer { rb in
        phiSum.withUnsafeMutableBufferPointer { sb in
            radiusSums(positions: pb.baseAddress!, dim: dim, edgeStart: eb.baseAddress!, tail: tlb.baseAddress!, n: n, a: a,
                       pow: UMAPPowTable(exponent: b, base: tb.baseAddress!), radius: rb.baseAddress!, phiSum: sb.baseAddress!)
        }}}}}}
        return rho.map { DeterministicMath.log(LocalRadius.epsilon + $0) }
    }

    /// The full gradient λ·∇C of the term at `positions` (n × dim), each edge's contribution
    /// computed as the SGD computes it (κ_e = 1 instead of μ_tot/μ_e, no clipping), for checks
    /// against finite differences.
    func gradient(positions: [Float], dim: Int, edgeStart: [Int], tail: [Int32], a: Float, b: Float) -> [Double] {
        let n = centredRadius.count
        var grad = [Double](repeating: 0, count: n * dim)
        var rho = [Double](repeating: 0, count: n), phiSum = [Double](repeating: 0, count: n)
        var u = [Float](repeating: 0, count: n), v = [Float](repeating: 0, count: n)
        let table = UMAPPowTable.values(for: b)
        table.withUnsafeBufferPointer { tb in
        positions.withUnsafeBufferPointer { pb in
        edgeStart.withUnsafeBufferPointer { eb in
        tail.withUnsafeBufferPointer { tlb in
        rho.withUnsafeMutableBufferPointer { rb in
        phiSum.withUnsafeMutableBufferPointer { sb in
        u.withUnsafeMutableBufferPointer { ub in
        v.withUnsafeMutableBufferPointer { vb in
            let pow = UMAPPowTable(exponent: b, base: tb.baseAddress!)
            let y = pb.baseAddress!
            let scale = epochFactors(positions: y, dim: dim, edgeStart: eb.baseAddress!, tail: tlb.baseAddress!, a: a, pow: pow,
                                     rho: rb.baseAddress!, phiSum: sb.baseAddress!, u: ub.baseAddress!, v: vb.baseAddress!)
            for j in 0..<n {
                for e in edgeStart[j]..<edgeStart[j + 1] {
                    let k = Int(tail[e])
                    var x: Float = 0
                    for q in 0..<dim { let t = y[j * dim + q] - y[k * dim + q]; x += t * t }
                    guard x > 0 else { continue }
                    let pb = pow.pow(x)
                    let phi = 1 / (1 + a * pb)
                    let dphi = a * b * (pb / x) / (a * pb + 1)
                    let c = scale * UMAPDensity.edgeFactor(phi: phi, dphi: dphi, b: b, uj: ub[j], uk: ub[k], vj: vb[j], vk: vb[k])
                    for q in 0..<dim {
                        let g = 2 * Double(c) * Double(y[j * dim + q] - y[k * dim + q])
                        grad[j * dim + q] += g
                        grad[k * dim + q] -= g
                    }
                }
            }
        }}}}}}}}
        return grad
    }
}
