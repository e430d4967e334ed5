import Linalg

/// `augmented-mnist`: MNIST digits deformed by seeded small random affine transforms and elastic
/// deformations (the infinite-MNIST / MNIST-8M idea: Loosli, Canu & Bottou 2007; elastic
/// distortions after Simard, Steinkraus & Platt 2003), up to 8 000 000 images of 28 × 28 pixels
/// in [0, 1], labels kept.
///
/// With S source images (MNIST's 70 000, train then test), row i < S is source image i unchanged and
/// row i ≥ S is source image i mod S deformed by the draws of `RandomStream(seed:purpose:
/// "datasets.augmented-mnist", index: i)`, so image i is a pure function of (seed, i) and nothing is
/// stored. The deformation samples the source at q = A·(p − c) + c + t + α·g(p) for each output
/// pixel p, bilinearly, with zero outside the image; c is the image centre, A = R(θ)·[[s, h], [0, s]]
/// with θ uniform in ±`rotation` degrees, s uniform in 1 ± `scale`, h uniform in ±`shear`, t uniform
/// in ±`translation` pixels per axis, and g a displacement field of independent uniform [−1, 1]
/// values per pixel and axis smoothed by a Gaussian of standard deviation `elastic_sigma` pixels
/// (truncated at 3σ, zero outside the image), scaled by α = `elastic_alpha` (Simard's 34 and 4 by
/// default: displacements of about 1.4 pixels RMS). sin, cos and exp are `DeterministicMath`'s,
/// the rest is Double arithmetic in a fixed order, so the bits are the same on every x86-64 CPU.
public struct AugmentedMNIST: Sendable {
    /// The generator's options, declared once.
    public static let declaration = IndexedGenerators.Declaration(
        name: "augmented-mnist",
        description: "MNIST deformed by seeded small affine and elastic distortions (MNIST-8M idea); rows 0..<70 000 are the originals",
        options: [
            .init(name: "size", defaultValue: 8_000_000, range: 1...8_000_000, isInteger: true,
                  help: "rows of the virtual data set (n ≤ size; random subsamples are drawn from all of them)"),
            .init(name: "rotation", defaultValue: 10, range: 0...180, isInteger: false, help: "largest rotation, degrees"),
            .init(name: "scale", defaultValue: 0.1, range: 0...0.9, isInteger: false, help: "largest relative change of size"),
            .init(name: "shear", defaultValue: 0.1, range: 0...2, isInteger: false, help: "largest horizontal shear"),
            .init(name: "translation", defaultValue: 2, range: 0...14, isInteger: false, help: "largest shift per axis, pixels"),
            .init(name: "elastic_alpha", defaultValue: 34, range: 0...1000, isInteger: false, help: "elastic displacement scale α, pixels"),
            .init(name: "elastic_sigma", defaultValue: 4, range: 0.5...20, isInteger: false, help: "elastic smoothing σ, pixels"),
        ])

    /// The source images, S × (height · width), values in [0, 1].
    public let sources: Matrix
    /// The source labels (S).
    public let sourceLabels: [Int]
    public let height: Int
    public let width: Int
    public let maxRotationRadians: Double
    public let maxScale: Double
    public let maxShear: Double
    public let maxTranslation: Double
    public let elasticAlpha: Double
    /// The normalised Gaussian smoothing kernel, taps −radius ... radius.
    let kernel: [Double]

    /// - Parameters:
    ///   - sources: S × (height · width) source images (S ≥ 1), values in [0, 1].
    ///   - options: checked values of `declaration`'s options.
    public init(sources: Matrix, labels: [Int], height: Int, width: Int, options: IndexedGenerators.OptionValues) throws {
        guard sources.rows >= 1, height >= 1, width >= 1, sources.cols == height * width, labels.count == sources.rows else {
            throw DatasetsError.invalidRequest("augmented-mnist needs source images of \(height)×\(width) pixels with one label each; got \(sources.rows) × \(sources.cols) values and \(labels.count) labels")
        }
        self.sources = sources
        self.sourceLabels = labels
        self.height = height
        self.width = width
        maxRotationRadians = options.real("rotation") * Double.pi / 180
        maxScale = options.real("scale")
        maxShear = options.real("shear")
        maxTranslation = options.real("translation")
        elasticAlpha = options.real("elastic_alpha")
        let sigma = options.real("elastic_sigma")
        let radius = Int((3 * sigma).rounded(.up))
        var k = (-radius...radius).map { DeterministicMath.exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = k.reduce(0, +)
        for j in k.indices { k[j] /= total }
        kernel = k
    }

    /// Label of row i (its source's label).
    public func label(ofRow i: Int) -> Int { sourceLabels[i % sources.rows] }

    /// Writes row i (height · width values) under `seed` into `out`; `scratch` is reusable workspace.
    public func fillRow(_ i: Int, seed: UInt64, into out: UnsafeMutableBufferPointer<Float>, scratch: inout [Double]) {
        let s = sources.rows
        let pixels = height * width
        let sourceRow = i % s
        sources.storage.withUnsafeBufferPointer { src in
            let image = UnsafeBufferPointer(rebasing: src[sourceRow * pixels ..< (sourceRow + 1) * pixels])
            if i < s {
                for p in 0..<pixels { out[p] = image[p] }
                return
            }
            var rng = RandomStream(seed: seed, purpose: "datasets.augmented-mnist", index: UInt64(i))
            let theta = (2 * rng.nextDouble() - 1) * maxRotationRadians
            let zoom = 1 + (2 * rng.nextDouble() - 1) * maxScale
            let shear = (2 * rng.nextDouble() - 1) * maxShear
            let tx = (2 * rng.nextDouble() - 1) * maxTranslation
            let ty = (2 * rng.nextDouble() - 1) * maxTranslation
            let cosT = DeterministicMath.cos(theta), sinT = DeterministicMath.sin(theta)
            // A = R(θ) · [[zoom, shear], [0, zoom]]
            let a00 = cosT * zoom, a01 = cosT * shear - sinT * zoom
            let a10 = sinT * zoom, a11 = sinT * shear + cosT * zoom
            // Displacement fields: 2 × pixels raw draws, then the smoothed fields (x then y).
            if scratch.count < 5 * pixels { scratch = [Double](repeating: 0, count: 5 * pixels) }
            let elastic = elasticAlpha > 0
            scratch.withUnsafeMutableBufferPointer { buffer in
                let work = buffer.baseAddress!
                if elastic {
                    for p in 0..<(2 * pixels) { work[p] = 2 * rng.nextDouble() - 1 }
                    smooth(work, pixels: pixels)
                }
                let cx = Double(width - 1) / 2, cy = Double(height - 1) / 2
                for y in 0..<height {
                    for x in 0..<width {
                        let p = y * width + x
                        let dx = Double(x) - cx, dy = Double(y) - cy
                        var qx = a00 * dx + a01 * dy + cx + tx
                        var qy = a10 * dx + a11 * dy + cy + ty
                        if elastic {
                            qx += elasticAlpha * work[2 * pixels + p]
                            qy += elasticAlpha * work[3 * pixels + p]
                        }
                        out[p] = Float(bilinear(image, qx, qy))
                    }
                }
            }
        }
    }

    /// Rows `rows` (in that order) of the data set under `seed`, generated in parallel over fixed chunks.
    public func generate(rows: [Int], seed: UInt64) throws -> Matrix {
        try IndexedGenerators.generateRows(rows, cols: height * width) { i, out, scratch in
            fillRow(i, seed: seed, into: out, scratch: &scratch)
        }
    }

    /// Smooths the two raw fields in `scratch[0 ..< 2·pixels]` (x then y) with the separable
    /// Gaussian kernel into `scratch[2·pixels ..< 4·pixels]`, zero outside the image
    /// (`scratch[4·pixels ..< 5·pixels]` holds the pass along x).
    private func smooth(_ scratch: UnsafeMutablePointer<Double>, pixels: Int) {
        kernel.withUnsafeBufferPointer { k in smooth(scratch, pixels: pixels, kernel: k.baseAddress!, radius: k.count / 2) }
    }

    /// Each output sums kernel[t] · input[· + t] over the taps t inside the image in increasing t; the loops
    /// run t outermost so that neighbouring outputs accumulate independently (the same bits as one output at a time).
    private func smooth(_ scratch: UnsafeMutablePointer<Double>, pixels: Int, kernel: UnsafePointer<Double>, radius: Int) {
        let row = scratch + 4 * pixels
        for field in 0..<2 {
            let raw = scratch + field * pixels, smoothed = scratch + (2 + field) * pixels
            // Along x into `row`, then along y into the smoothed field.
            row.update(repeating: 0, count: pixels)
            for y in 0..<height {
                let input = raw + y * width, output = row + y * width
                for t in -radius...radius {
                    let w = kernel[t + radius]
                    for x in max(0, -t)..<max(max(0, -t), min(width, width - t)) { output[x] += w * input[x + t] }
                }
            }
            smoothed.update(repeating: 0, count: pixels)
            for t in -radius...radius {
                let w = kernel[t + radius]
                for y in max(0, -t)..<max(max(0, -t), min(height, height - t)) {
                    let input = row + (y + t) * width, output = smoothed + y * width
                    for x in 0..<width { output[x] += w * input[x] }
                }
            }
        }
    }

    /// The image sampled at (x, y) by bilinear interpolation, zero outside it.
    private func bilinear(_ image: UnsafeBufferPointer<Float>, _ x: Double, _ y: Double) -> Double {
        let x0 = x.rounded(.down), y0 = y.rounded(.down)
        guard x0 > -2, y0 > -2, x0 < Double(width), y0 < Double(height) else { return 0 }
        let fx = x - x0, fy = y - y0
        let ix = Int(x0), iy = Int(y0)
        func at(_ px: Int, _ py: Int) -> Double {
            px >= 0 && py >= 0 && px < width && py < height ? Double(image[py * width + px]) : 0
        }
        let top = (1 - fx) * at(ix, iy) + fx * at(ix + 1, iy)
        let bottom = (1 - fx) * at(ix, iy + 1) + fx * at(ix + 1, iy + 1)
        return (1 - fy) * top + fy * bottom
    }
}
