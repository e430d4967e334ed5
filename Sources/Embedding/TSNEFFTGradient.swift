import CFFTW
import Foundation
import Linalg

/// Settings of FIt-SNE's interpolation grid (openTSNE names and defaults).
public struct TSNEFFTSettings: Sendable, Equatable {
    /// Lagrange interpolation nodes per interval and dimension (default 3).
    public var nInterpolationPoints = 3
    /// Minimum number of intervals per dimension (default 50).
    public var minNumIntervals = 50
    /// Embedding units per interval (default 1): wider embeddings get more intervals.
    public var intsInInterval = 1.0
    public init(nInterpolationPoints: Int = 3, minNumIntervals: Int = 50, intsInInterval: Double = 1) {
        self.nInterpolationPoints = nInterpolationPoints
        self.minNumIntervals = minNumIntervals
        self.intsInInterval = intsInInterval
    }
}

/// FFT-accelerated interpolation of the repulsive forces in 2-D (Linderman et al. 2019, FIt-SNE).
///
/// The square [min, max]² holding the embedding is cut into B × B equal intervals with p equispaced
/// Lagrange nodes in each (B·p = G nodes per dimension). Charges are spread from the points to the
/// nodes with the Lagrange weights, the kernel sums between all node pairs are a discrete convolution,
/// done by FFT on a zero-padded (2G)² grid, and the node potentials are interpolated back.
/// Two kernels are used: w (charge 1, giving Z) and w·u (charges 1, y₁, y₂, giving the forces),
/// so any degrees of freedom α work. The kernels' spectra are real (even kernels) and come from
/// (G+1)² DCT-I transforms instead of full (2G)² FFTs: 3 forward FFTs + 4 inverse per gradient.
///
/// FFTW plans are made with `NumericEnvironment.fftwPlannerFlags` (FFTW_ESTIMATE: independent of
/// timing; FFTW_NO_SIMD: scalar codelets, independent of the CPU) on the calling thread; only plan
/// execution runs in parallel.
enum TSNEFFTRepulsion {
    /// Interval counts FIt-SNE/openTSNE round up to (FFT-friendly sizes).
    static let allowedIntervals = [25, 36, 50, 55, 60, 65, 70, 75, 80, 85, 90, 96, 100, 110, 120, 130, 140, 150, 175, 200]

    static func intervalCount(range: Double, settings: TSNEFFTSettings) -> Int {
        let raw = max(Double(settings.minNumIntervals), range / settings.intsInInterval)
        let b = Int(min(raw, 1e5).rounded(.down))
        if let up = allowedIntervals.first(where: { $0 >= b }) { return up }
        return b
    }

    static func compute(y: [Double], n: Int, kernel: TSNEKernel, settings: TSNEFFTSettings) -> TSNERepulsion {
        let p = settings.nInterpolationPoints
        var lo = Double.infinity, hi = -Double.infinity
        for v in y { lo = min(lo, v); hi = max(hi, v) }
        if !(hi > lo) { hi = lo + 1e-6 }
        let boxes = intervalCount(range: hi - lo, settings: settings)
        let boxWidth = (hi - lo) / Double(boxes)
        let g = boxes * p           // nodes per dimension
        let m = 2 * g               // padded FFT size per dimension
        let mc = m / 2 + 1          // complex columns of the r2c output
        let h = boxWidth / Double(p)

        // Lagrange weights per point and dimension.
        var box = [Int32](repeating: 0, count: n * 2)
        var weights = [Double](repeating: 0, count: n * 2 * p)
        var nodes = [Double](repeating: 0, count: p)
        var denom = [Double](repeating: 1, count: p)
        for k in 0..<p { nodes[k] = (Double(k) + 0.5) / Double(p) }
        for k in 0..<p { for l in 0..<p where l != k { denom[k] *= nodes[k] - nodes[l] } }
        box.withUnsafeMutableBufferPointer { bb in
            weights.withUnsafeMutableBufferPointer { wb in
                Parallel.forEachChunk(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range in
                    for i in range {
                        for d in 0..<2 {
                            let pos = (y[i * 2 + d] - lo) / boxWidth
                            let b = min(max(Int(pos), 0), boxes - 1)
                            let t = pos - Double(b)
                            bb[i * 2 + d] = Int32(b)
                            for k in 0..<p {
                                var v = 1.0
                                for l in 0..<p where l != k { v *= t - nodes[l] }
                                wb[(i * 2 + d) * p + k] = v / denom[k]
                            }
                        }
                    }
                }
            }
        }

        let realCount = m * m
        let complexCount = m * mc
        let quadrant = (g + 1) * (g + 1)
        func allocFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
            let raw = fftwf_malloc(MemoryLayout<Float>.stride * count)!
            let ptr = raw.bindMemory(to: Float.self, capacity: count)
            ptr.initialize(repeating: 0, count: count)
            return ptr
        }
        func allocComplex() -> UnsafeMutablePointer<fftwf_complex> {
            let raw = fftwf_malloc(MemoryLayout<fftwf_complex>.stride * complexCount)!
            return raw.bindMemory(to: fftwf_complex.self, capacity: complexCount)
        }
        let reals = (0..<4).map { _ in allocFloats(realCount) }   // q1, qx, qy (+1) → later 4 potentials
        let kernels = (0..<2).map { _ in allocFloats(quadrant) }  // K1, K2 quadrants → their (real) spectra
        let spectra = (0..<3).map { _ in allocComplex() }          // q1^, qx^, qy^
        let products = (0..<4).map { _ in allocComplex() }
        defer {
            for r in reals { fftwf_free(r) }
            for r in kernels { fftwf_free(r) }
            for s in spectra { fftwf_free(s) }
            for s in products { fftwf_free(s) }
        }
        // FFTW_ESTIMATE | FFTW_NO_SIMD: the plan and its codelets do not depend on the CPU
        // (the determinism contract in `NumericEnvironment`).
        let estimate = NumericEnvironment.fftwPlannerFlags
        let destroyInput = UInt32(1)   // FFTW_DESTROY_INPUT
        let forward = fftwf_plan_dft_r2c_2d(Int32(m), Int32(m), reals[0], spectra[0], estimate | destroyInput)
        let backward = fftwf_plan_dft_c2r_2d(Int32(m), Int32(m), products[0], reals[0], estimate)
        let cosine = fftwf_plan_r2r_2d(Int32(g + 1), Int32(g + 1), kernels[0], kernels[0], FFTW_REDFT00, FFTW_REDFT00, estimate)
        defer { fftwf_destroy_plan(forward); fftwf_destroy_plan(backward); fftwf_destroy_plan(cosine) }

        // Kernel values on node offsets 0...G in each dimension (offset G itself is never needed and
        // left 0). The circulant kernel is even in both axes, so its DFT is real and equals the 2-D
        // DCT-I of this quadrant: K^[u][v] = D[min(u, 2G − u)][v].
        let k1 = kernels[0], k2 = kernels[1]
        for a in 0..<g {
            for b in 0..<g {
                let x = Double(a) * h, z = Double(b) * h
                let u = kernel.u(x * x + z * z)
                let w = kernel.w(fromU: u)
                k1[a * (g + 1) + b] = Float(w)
                k2[a * (g + 1) + b] = Float(w * u)
            }
        }
        // Spread charges 1, y₁, y₂ onto the nodes (serial: a scatter with collisions).
        let q1 = reals[0], qx = reals[1], qy = reals[2]
        box.withUnsafeBufferPointer { bb in
            weights.withUnsafeBufferPointer { wb in
                for i in 0..<n {
                    let bx = Int(bb[i * 2]) * p, by = Int(bb[i * 2 + 1]) * p
                    let y0 = Float(y[i * 2]), y1 = Float(y[i * 2 + 1])
                    for a in 0..<p {
                        let wa = wb[(i * 2) * p + a]
                        for b in 0..<p {
                            let wab = Float(wa * wb[(i * 2 + 1) * p + b])
                            let idx = (bx + a) * m + by + b
                            q1[idx] += wab
                            qx[idx] += wab * y0
                            qy[idx] += wab * y1
                        }
                    }
                }
            }
        }
        // Three charge transforms and two kernel cosine transforms, independent, in parallel.
        Parallel.forEachChunk(count: 5, chunkSize: 1) { t, _ in
            if t < 3 { fftwf_execute_dft_r2c(forward, reals[t], spectra[t]) } else {
                fftwf_execute_r2r(cosine, kernels[t - 3], kernels[t - 3])
            }
        }
        // Products: (q1, K1), (q1, K2), (qx, K2), (qy, K2); then four inverse transforms.
        let pairs = [(0, 0), (0, 1), (1, 1), (2, 1)]
        Parallel.forEachChunk(count: 4, chunkSize: 1) { t, _ in
            let (q, k) = pairs[t]
            let a = spectra[q], kr = kernels[k], out = products[t]
            for row in 0..<m {
                let kRow = kr + min(row, m - row) * (g + 1)
                let base = row * mc
                for col in 0..<mc {
                    let v = kRow[col]
                    out[base + col] = (a[base + col].0 * v, a[base + col].1 * v)
                }
            }
            fftwf_execute_dft_c2r(backward, out, reals[t])
        }
        let scale = 1 / Double(realCount)

        // Interpolate the four potentials back to the points.
        var forces = [Double](repeating: 0, count: n * 2)
        let r0 = reals[0], r1 = reals[1], r2 = reals[2], r3 = reals[3]
        let partial: [Double] = forces.withUnsafeMutableBufferPointer { fb in
            box.withUnsafeBufferPointer { bb in
                weights.withUnsafeBufferPointer { wb in
                    Parallel.mapChunks(count: n, chunkSize: Parallel.chunkSize(for: n)) { _, range -> Double in
                        var zChunk = 0.0
                        for i in range {
                            let bx = Int(bb[i * 2]) * p, by = Int(bb[i * 2 + 1]) * p
                            var phi = (0.0, 0.0, 0.0, 0.0)
                            for a in 0..<p {
                                let wa = wb[(i * 2) * p + a]
                                for b in 0..<p {
                                    let wab = wa * wb[(i * 2 + 1) * p + b]
                                    let idx = (bx + a) * m + by + b
                                    phi.0 += wab * Double(r0[idx])
                                    phi.1 += wab * Double(r1[idx])
                                    phi.2 += wab * Double(r2[idx])
                                    phi.3 += wab * Double(r3[idx])
                                }
                            }
                            // Remove the self term w_ii = 1 from Z; in the forces it cancels exactly.
                            zChunk += phi.0 * scale - 1
                            fb[i * 2] = (y[i * 2] * phi.1 - phi.2) * scale
                            fb[i * 2 + 1] = (y[i * 2 + 1] * phi.1 - phi.3) * scale
                        }
                        return zChunk
                    }
                }
            }
        }
        var z = 0.0
        for v in partial { z += v }
        return TSNERepulsion(forces: forces, z: z)
    }
}
