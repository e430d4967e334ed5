import Foundation
import Linalg

/// The heavy-tailed output kernel w(d²) = (1 + d²/α)^(−α) with α = `dof` (α = 1: Cauchy, standard t-SNE).
///
/// The KL gradient (openTSNE's convention, without the constant factor 4) is
/// ∂C/∂y_i = Σ_j p_ij u_ij (y_i − y_j) − (1/Z) Σ_j w_ij u_ij (y_i − y_j), with u = w^(1/α) = 1/(1 + d²/α)
/// and Z = Σ_{k≠l} w_kl.
@usableFromInline
struct TSNEKernel: Sendable {
    @usableFromInline let dof: Double
    @usableFromInline let invDof: Double
    @usableFromInline let isCauchy: Bool

    @usableFromInline init(dof: Double) {
        self.dof = dof
        self.invDof = 1 / dof
        self.isCauchy = dof == 1
    }

    /// u = 1 / (1 + d²/α).
    @inlinable @inline(__always) func u(_ d2: Double) -> Double { 1 / (1 + d2 * invDof) }

    /// w = u^α.
    @inlinable @inline(__always) func w(fromU u: Double) -> Double { isCauchy ? u : DeterministicMath.pow(u, dof) }
}

/// Negative-gradient engines return the unnormalised repulsion Σ_j w_ij u_ij (y_i − y_j) per point and Z.
struct TSNERepulsion {
    var forces: [Double]
    var z: Double

    init(forces: [Double], z: Double) {
        self.forces = forces
        self.z = z
    }

    /// Z = Σ Z_i summed in index order within fixed chunks of `Parallel.chunkSize(for:)`, then over
    /// chunks (the order `Parallel.mapChunks` gives): the same for any thread count.
    init(forces: [Double], perPointZ: [Double]) {
        let chunk = Parallel.chunkSize(for: perPointZ.count)
        var z = 0.0
        var start = 0
        while start < perPointZ.count {
            var zChunk = 0.0
            for i in start ..< min(start + chunk, perPointZ.count) { zChunk += perPointZ[i] }
            z += zChunk
            start += chunk
        }
        self.init(forces: forces, z: z)
    }
}

enum TSNEObjective {
    /// Attractive forces Σ_j p_ij u_ij (y_i − y_j) into `out` (n × c), and, when `evaluateKL`,
    /// Σ p_ij log w_ij (summed in chunk order). `reference` is the embedding the columns of P index
    /// (the same as `y` except when transforming new points).
    static func attractive(p: TSNEAffinities, y: UnsafePointer<Double>, reference: UnsafePointer<Double>,
                           c: Int, kernel: TSNEKernel, evaluateKL: Bool,
                           out: UnsafeMutablePointer<Double>) -> Double {
        let n = p.n
        let partial: [Double] = p.rowStart.withUnsafeBufferPointer { rs in
            p.columns.withUnsafeBufferPointer { cols in
                p.values.withUnsafeBufferPointer { vals in
                    Parallel.mapChunks(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range -> Double in
                        var logSum = 0.0
                        for i in range {
                            var f0 = 0.0, f1 = 0.0, f2 = 0.0
                            let yi = y + i * c
                            if c == 2 {
                                let a0 = yi[0], a1 = yi[1]
                                for e in rs[i] ..< rs[i + 1] {
                                    let yj = reference + Int(cols[e]) * 2
                                    let d0 = a0 - yj[0], d1 = a1 - yj[1]
                                    let uu = kernel.u(d0 * d0 + d1 * d1)
                                    let pu = vals[e] * uu
                                    f0 += pu * d0; f1 += pu * d1
                                    if evaluateKL { logSum += vals[e] * DeterministicMath.log(kernel.w(fromU: uu)) }
                                }
                            } else {
                                for e in rs[i] ..< rs[i + 1] {
                                    let yj = reference + Int(cols[e]) * c
                                    var d = (0.0, 0.0, 0.0)
                                    d.0 = yi[0] - yj[0]
                                    if c > 1 { d.1 = yi[1] - yj[1] }
                                    if c > 2 { d.2 = yi[2] - yj[2] }
                                    let uu = kernel.u(d.0 * d.0 + d.1 * d.1 + d.2 * d.2)
                                    let pu = vals[e] * uu
                                    f0 += pu * d.0; f1 += pu * d.1; f2 += pu * d.2
                                    if evaluateKL { logSum += vals[e] * DeterministicMath.log(kernel.w(fromU: uu)) }
                                }
                            }
                            out[i * c] = f0
                            if c > 1 { out[i * c + 1] = f1 }
                            if c > 2 { out[i * c + 2] = f2 }
                        }
                        return logSum
                    }
                }
            }
        }
        var s = 0.0
        for v in partial { s += v }
        return s
    }
}

/// Computes the t-SNE gradient of a full embedding with a chosen negative-gradient method.
struct TSNEGradientEngine {
    let method: TSNEGradientMethod
    let kernel: TSNEKernel
    let theta: Double
    let fft: TSNEFFTSettings
    /// Grids and FFT plans reused from one gradient to the next (FFT method only).
    let fftWorkspace = TSNEFFTWorkspace()

    /// Gradient (n × c, into `gradient`) for P scaled by `exaggeration`; returns KL(P‖Q) for the
    /// unexaggerated P when `evaluateKL` (else NaN).
    func gradient(p: TSNEAffinities, pLogP: Double, y: [Double], c: Int, exaggeration: Double,
                  evaluateKL: Bool, into gradient: inout [Double]) -> Double {
        let n = p.n
        let rep: TSNERepulsion
        switch method {
        case .exact: rep = TSNEExactRepulsion.compute(y: y, n: n, c: c, kernel: kernel)
        case .exact32: rep = TSNEPairwiseRepulsion.compute(y: y, n: n)
        case .barnesHut: rep = TSNEBarnesHut.repulsion(y: y, n: n, c: c, theta: theta, kernel: kernel)
        case .fft: rep = TSNEFFTRepulsion.compute(y: y, n: n, kernel: kernel, settings: fft, workspace: fftWorkspace)
        }
        let logW: Double = y.withUnsafeBufferPointer { yb in
            gradient.withUnsafeMutableBufferPointer { g in
                TSNEObjective.attractive(p: p, y: yb.baseAddress!, reference: yb.baseAddress!, c: c,
                                         kernel: kernel, evaluateKL: evaluateKL, out: g.baseAddress!)
            }
        }
        let invZ = rep.z > 0 ? 1 / rep.z : 0
        for e in 0 ..< n * c { gradient[e] = exaggeration * gradient[e] - rep.forces[e] * invZ }
        guard evaluateKL else { return .nan }
        // KL = Σ p log p − Σ p log w + (Σ p) log Z, with Σ p = 1.
        return pLogP - logW + DeterministicMath.log(max(rep.z, .leastNormalMagnitude))
    }
}
