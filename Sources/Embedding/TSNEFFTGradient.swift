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
/// done by FFT on a zero-padded m × m grid (m = 2G), and the node potentials are interpolated back.
/// Two kernels are used: w (charge 1, giving Z) and w·u (charges 1, y₁, y₂, giving the forces),
/// so any degrees of freedom α work.
///
/// The transforms are the project's own (`Linalg.SquareGridFFT`: the same bits on every CPU,
/// issue 15), complex, and packed so that four convolutions take five transforms: both kernels
/// are even, so their spectra are real and one transform of k₁ + i·k₂ gives K₁ + i·K₂; the charges
/// y₁ + i·y₂ are transformed together and multiplied by the real K₂; the charge 1 is transformed
/// once and multiplied by K₁ + i·K₂, whose inverse is (1 ∗ k₁) + i·(1 ∗ k₂). Every product of a
/// real grid with a real kernel is real, so the real and imaginary parts of the two inverses are
/// the four potentials.
///
/// Departure from FIt-SNE / openTSNE: above 200 intervals they use the interval count as it is;
/// here it is rounded up to the next 2·3·5·7-smooth number, which keeps the FFT fast (a finer grid
/// is only more accurate). Up to 200 intervals the counts are theirs. The grid is capped at
/// `maxNodesPerDimension` nodes per dimension (twelve grids of (2·2400)² floats: 1.1 GB): an
/// embedding wider than that many intervals allow gets wider intervals (FIt-SNE has no cap and
/// runs out of memory instead); `TSNEParameters` refuses minimums above the cap.
enum TSNEFFTRepulsion {
    /// Most interpolation nodes per dimension (intervals × n_interpolation_points).
    static let maxNodesPerDimension = 2_400
    /// Interval counts FIt-SNE/openTSNE round up to (FFT-friendly sizes).
    static let allowedIntervals = [25, 36, 50, 55, 60, 65, 70, 75, 80, 85, 90, 96, 100, 110, 120, 130, 140, 150, 175, 200]

    static func intervalCount(range: Double, settings: TSNEFFTSettings) -> Int {
        let most = maxNodesPerDimension / max(settings.nInterpolationPoints, 1)
        let raw = max(Double(settings.minNumIntervals), range / settings.intsInInterval)
        let b = Int(min(raw.isNaN ? Double(most) : raw, Double(most)).rounded(.down))
        if let up = allowedIntervals.first(where: { $0 >= b }), up <= most { return up }
        var smooth = b
        while !isSmooth(smooth) { smooth += 1 }
        if smooth > most {
            smooth = b
            while !isSmooth(smooth) { smooth -= 1 }
        }
        return max(smooth, 1)
    }

    /// True when n has no prime factor above 7.
    static func isSmooth(_ n: Int) -> Bool {
        var rest = n
        for p in [2, 3, 5, 7] { while rest % p == 0 { rest /= p } }
        return rest == 1
    }

    static func compute(y: [Double], n: Int, kernel: TSNEKernel, settings: TSNEFFTSettings,
                        workspace: TSNEFFTWorkspace = TSNEFFTWorkspace()) -> TSNERepulsion {
        let p = settings.nInterpolationPoints
        var lo = Double.infinity, hi = -Double.infinity
        for v in y { lo = min(lo, v); hi = max(hi, v) }
        if !(hi > lo) { hi = lo + 1e-6 }
        let boxes = intervalCount(range: hi - lo, settings: settings)
        let boxWidth = (hi - lo) / Double(boxes)
        let g = boxes * p           // nodes per dimension
        let m = 2 * g               // padded FFT size per dimension
        let h = boxWidth / Double(p)
        let fft = workspace.fft(size: m)
        let ld = fft.stride

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

        // Six grids in natural layout (charges; later the potentials) and six for transposed spectra.
        let count = fft.elementCount
        let storage = workspace.grids(floats: 12 * count)
        // The charge grids start at zero (the kernel grids and spectra are overwritten whole).
        storage.update(repeating: 0, count: 4 * count)
        let yRe = storage, yIm = storage + count             // y₁ + i·y₂ charges
        let oneRe = storage + 2 * count, oneIm = storage + 3 * count   // charge 1 (imaginary part 0)
        let kRe = storage + 4 * count, kIm = storage + 5 * count       // k₁ + i·k₂
        let sY = (storage + 6 * count, storage + 7 * count)
        let sOne = (storage + 8 * count, storage + 9 * count)
        let sK = (storage + 10 * count, storage + 11 * count)

        // The circulant kernels: value at node offsets (a, b) for |a|, |b| < G, wrapped around m;
        // offset G itself is never needed and is set to 0 (row and column G: the grids are reused,
        // and the previous gradient's transform left its values there). Computed on the
        // quadrant, then mirrored.
        (kRe + g * ld).update(repeating: 0, count: m)
        (kIm + g * ld).update(repeating: 0, count: m)
        for a in 0..<m where a != g {
            kRe[a * ld + g] = 0
            kIm[a * ld + g] = 0
        }
        for a in 0..<g {
            for b in 0..<g {
                let x = Double(a) * h, z = Double(b) * h
                let u = kernel.u(x * x + z * z)
                let w = kernel.w(fromU: u)
                kRe[a * ld + b] = Float(w)
                kIm[a * ld + b] = Float(w * u)
            }
        }
        for a in 0..<g {
            for b in 1..<g {
                kRe[a * ld + m - b] = kRe[a * ld + b]
                kIm[a * ld + m - b] = kIm[a * ld + b]
            }
        }
        for a in 1..<g {
            (kRe + (m - a) * ld).update(from: kRe + a * ld, count: m)
            (kIm + (m - a) * ld).update(from: kIm + a * ld, count: m)
        }
        // Spread charges 1, y₁, y₂ onto the nodes (serial: a scatter with collisions).
        box.withUnsafeBufferPointer { bb in
            weights.withUnsafeBufferPointer { wb in
                for i in 0..<n {
                    let bx = Int(bb[i * 2]) * p, by = Int(bb[i * 2 + 1]) * p
                    let y0 = Float(y[i * 2]), y1 = Float(y[i * 2 + 1])
                    for a in 0..<p {
                        let wa = wb[(i * 2) * p + a]
                        for b in 0..<p {
                            let wab = Float(wa * wb[(i * 2 + 1) * p + b])
                            let idx = (bx + a) * ld + by + b
                            oneRe[idx] += wab
                            yRe[idx] += wab * y0
                            yIm[idx] += wab * y1
                        }
                    }
                }
            }
        }
        fft.forward(re: yRe, im: yIm, outRe: sY.0, outIm: sY.1, nonzeroColumns: g)
        fft.forward(re: oneRe, im: oneIm, outRe: sOne.0, outIm: sOne.1, nonzeroColumns: g)
        fft.forward(re: kRe, im: kIm, outRe: sK.0, outIm: sK.1, nonzeroColumns: m)
        // Products: (y₁ + i·y₂)^ · K₂ and 1^ · (K₁ + i·K₂), over the m × m spectrum.
        Parallel.forEachChunk(count: m, chunkSize: max(1, m / 32)) { _, rows in
            for row in rows {
                for col in 0..<m {
                    let i = row * ld + col
                    let k1 = sK.0[i], k2 = sK.1[i]
                    sY.0[i] *= k2
                    sY.1[i] *= k2
                    let ar = sOne.0[i], ai = sOne.1[i]
                    sOne.0[i] = ar * k1 - ai * k2
                    sOne.1[i] = ar * k2 + ai * k1
                }
            }
        }
        fft.inverse(re: sY.0, im: sY.1, outRe: yRe, outIm: yIm, neededColumns: g)
        fft.inverse(re: sOne.0, im: sOne.1, outRe: oneRe, outIm: oneIm, neededColumns: g)
        let scale = 1 / (Double(m) * Double(m))

        // Interpolate the four potentials back to the points: 1 ∗ k₁, 1 ∗ k₂, y₁ ∗ k₂, y₂ ∗ k₂.
        var forces = [Double](repeating: 0, count: n * 2)
        let r0 = oneRe, r1 = oneIm, r2 = yRe, r3 = yIm
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
                                    let idx = (bx + a) * ld + by + b
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

/// What one t-SNE fit's FFT gradients reuse from one iteration to the next: the grids (twelve of
/// stride² floats, grown when the grid grows) and the FFT plan of each grid size. Allocating
/// ~17 MB per gradient cost a tenth of the fit in page faults on all of MNIST.
final class TSNEFFTWorkspace: @unchecked Sendable {
    private var storage: UnsafeMutablePointer<Float>?
    private var capacity = 0
    private var plans: [Int: SquareGridFFT] = [:]

    /// At least `floats` floats (contents unspecified).
    func grids(floats: Int) -> UnsafeMutablePointer<Float> {
        if let storage, capacity >= floats { return storage }
        storage?.deallocate()
        let fresh = UnsafeMutablePointer<Float>.allocate(capacity: floats)
        fresh.initialize(repeating: 0, count: floats)
        storage = fresh
        capacity = floats
        return fresh
    }

    /// The 2-D FFT of side `size`, planned once.
    func fft(size: Int) -> SquareGridFFT {
        if let plan = plans[size] { return plan }
        let plan = SquareGridFFT(size: size)
        plans[size] = plan
        return plan
    }

    deinit { storage?.deallocate() }
}
