import Foundation
import Linalg

/// Seeded generators of synthetic manifolds, each returning the points and an intrinsic
/// coordinate to colour by.
///
/// Every generator draws from `RandomStream(seed:purpose:"datasets.<name>")`; optional
/// ambient noise (`noise`, the standard deviation of isotropic Gaussian noise added in the
/// ambient space) uses `"datasets.noise"`, and an embedding into `ambient_dimension`
/// dimensions by a random rotation uses `"datasets.rotation"`. Same seed ⇒ identical bytes.
public enum SyntheticManifolds {
    /// Version of each generator's arithmetic (see `DatasetLoader.implementationVersion(for:)`).
    public static func implementationVersion(of generator: String) -> Int {
        switch generator {
        // Version 2: sin, cos, exp and log through `DeterministicMath` (issue 15).
        default: return 2
        }
    }

    /// A generated point set before preprocessing.
    public struct Sample: Sendable {
        public var data: Matrix
        public var coordinate: [Float]
        public var labels: [Int]?
        public var colors: Matrix?
    }

    /// Options every generator accepts: `noise` (default 0) and `ambient_dimension` (default: the native dimension).
    public static let commonOptions = ["noise", "ambient_dimension"]

    /// Generator names and their own options (with defaults documented in `generate`).
    public static let generatorOptions: [(name: String, options: [String])] = [
        ("blobs", ["dimension", "centers", "cluster_std", "center_box"]),
        ("swiss-roll", ["hole", "height"]),
        ("s-curve", []),
        ("sphere", ["dimension", "radius"]),
        ("torus", ["major_radius", "minor_radius"]),
        ("trefoil", []),
        ("circles", ["circles", "factor"]),
        ("color-cube", []),
        ("sine", ["periods", "density_exponent", "amplitude"]),
        ("gaussian", ["dimension", "std"]),
    ]

    /// Generates `n` points of `generator` with `options` (unknown options throw).
    ///
    /// - blobs: `centers` (5) isotropic Gaussian clusters in `dimension` (2) dimensions with standard
    ///   deviation `cluster_std` (1), centres uniform in [-`center_box`, `center_box`]^d (10);
    ///   point i belongs to blob i mod centers; labels and coordinate = blob index.
    /// - swiss-roll: t = 1.5π(1 + 2u), (t cos t, `height`·v, t sin t) with height 21; `hole` = 1 removes
    ///   the points with u and v both in (0.4, 0.6) (rejection sampling); coordinate t.
    /// - s-curve: t = 3π(u − ½), (sin t, 2v, sign(t)(cos t − 1)); coordinate t.
    /// - sphere: uniform on the sphere of `radius` (1) in R^`dimension` (3); coordinate = polar angle from the last axis.
    /// - torus: ((R + r cos φ) cos θ, (R + r cos φ) sin θ, r sin φ), `major_radius` R = 2, `minor_radius` r = 1,
    ///   uniform on the surface (rejection in φ); coordinate θ.
    /// - trefoil: (sin t + 2 sin 2t, cos t − 2 cos 2t, −sin 3t), t uniform in [0, 2π); coordinate t.
    /// - circles: `circles` (2) concentric circles of radii 1, f, f², … with f = `factor` (0.5), equally many
    ///   points on each; labels = circle index; coordinate = angle.
    /// - color-cube: uniform in [0, 1]³; colors = the point itself as RGB; coordinate = red channel.
    /// - sine: x = 2π·`periods`·u^`density_exponent` (periods 1, exponent 3: dense near 0, sparse at the end),
    ///   y = `amplitude`·sin x (amplitude 1); coordinate x.
    /// - gaussian: isotropic N(0, `std`²) (std 1) in `dimension` (10) dimensions; coordinate = distance to the origin.
    public static func generate(_ generator: String, n: Int, seed: UInt64, options: [String: Double] = [:]) throws -> Sample {
        guard let entry = generatorOptions.first(where: { $0.name == generator }) else {
            throw DatasetsError.unknownDataset(generator, known: generatorOptions.map(\.name))
        }
        let allowed = entry.options + commonOptions
        for key in options.keys.sorted() where !allowed.contains(key) {
            throw DatasetsError.unknownOption(generator: generator, option: key, allowed: allowed)
        }
        guard n >= 1 else { throw DatasetsError.invalidOption("n", "must be at least 1, got \(n)") }
        var opts = Options(values: options)
        var rng = RandomStream(seed: seed, purpose: "datasets.\(generator)")
        var sample: Sample
        switch generator {
        case "blobs": sample = try blobs(n, &opts, &rng)
        case "swiss-roll": sample = try swissRoll(n, &opts, &rng)
        case "s-curve": sample = sCurve(n, &rng)
        case "sphere": sample = try sphere(n, &opts, &rng)
        case "torus": sample = try torus(n, &opts, &rng)
        case "trefoil": sample = trefoil(n, &rng)
        case "circles": sample = try circles(n, &opts, &rng)
        case "color-cube": sample = colorCube(n, &rng)
        case "sine": sample = try sine(n, &opts, &rng)
        default: sample = try gaussian(n, &opts, &rng)
        }
        let native = sample.data.cols
        let ambient = try opts.integer("ambient_dimension", default: native, range: native...100_000)
        if ambient > native {
            sample.data = embed(sample.data, into: ambient, seed: seed)
        }
        let noise = try opts.real("noise", default: 0, range: 0...Double.greatestFiniteMagnitude)
        if noise > 0 {
            var noiseRNG = RandomStream(seed: seed, purpose: "datasets.noise")
            for k in 0..<sample.data.storage.count {
                sample.data.storage[k] += Float(noise * noiseRNG.nextGaussian())
            }
        }
        return sample
    }

    /// Embeds the rows of `x` (n × d) into `dimension` ≥ d by zero-padding and a random rotation:
    /// x ↦ x · Q[0..<d, :], where Q is a Haar-like orthonormal matrix from modified Gram–Schmidt of a
    /// seeded Gaussian matrix. Distances are preserved.
    public static func embed(_ x: Matrix, into dimension: Int, seed: UInt64) -> Matrix {
        let q = randomOrthonormalRows(count: x.cols, dimension: dimension, seed: seed)
        var out = Matrix(rows: x.rows, cols: dimension)
        for i in 0..<x.rows {
            for j in 0..<dimension {
                var s = 0.0
                for k in 0..<x.cols { s += Double(x[i, k]) * q[k * dimension + j] }
                out[i, j] = Float(s)
            }
        }
        return out
    }

    /// `count` orthonormal rows of length `dimension` (row-major, Double), by modified Gram–Schmidt
    /// of Gaussian vectors from `RandomStream(seed:purpose:"datasets.rotation")`.
    public static func randomOrthonormalRows(count: Int, dimension: Int, seed: UInt64) -> [Double] {
        var rng = RandomStream(seed: seed, purpose: "datasets.rotation")
        var q = [Double](repeating: 0, count: count * dimension)
        var r = 0
        while r < count {
            var v = (0..<dimension).map { _ in rng.nextGaussian() }
            for _ in 0..<2 {  // re-orthogonalise once for accuracy
                for p in 0..<r {
                    var dot = 0.0
                    for j in 0..<dimension { dot += v[j] * q[p * dimension + j] }
                    for j in 0..<dimension { v[j] -= dot * q[p * dimension + j] }
                }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm < 1e-8 { continue }  // (practically never) a dependent draw: draw again
            for j in 0..<dimension { q[r * dimension + j] = v[j] / norm }
            r += 1
        }
        return q
    }

    // MARK: Option reading

    struct Options {
        var values: [String: Double]
        func real(_ name: String, default value: Double, range: ClosedRange<Double>) throws -> Double {
            guard let v = values[name] else { return value }
            guard v.isFinite, range.contains(v) else {
                throw DatasetsError.invalidOption(name, "\(v) is outside \(range.lowerBound)...\(range.upperBound)")
            }
            return v
        }
        func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let v = values[name] else { return value }
            guard v.isFinite, v.rounded() == v, v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
                throw DatasetsError.invalidOption(name, "\(v) must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return Int(v)
        }
    }

    static func matrix(_ n: Int, _ d: Int, _ storage: [Float]) -> Matrix {
        // Callers build exactly n * d values.
        (try? Matrix(rows: n, cols: d, storage: storage)) ?? Matrix(rows: n, cols: d)
    }

    // MARK: Generators

    static func blobs(_ n: Int, _ o: inout Options, _ rng: inout RandomStream) throws -> Sample {
        let d = try o.integer("dimension", default: 2, range: 1...100_000)
        let k = try o.integer("centers", default: 5, range: 1...1_000_000)
        let std = try o.real("cluster_std", default: 1, range: 0...1e12)
        let box = try o.real("center_box", default: 10, range: 0...1e12)
        var centers = [Double](repeating: 0, count: k * d)
        for j in 0..<centers.count { centers[j] = box * (2 * rng.nextDouble() - 1) }
        var x = [Float](repeating: 0, count: n * d)
        var labels = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let c = i % k
            labels[i] = c
            for j in 0..<d { x[i * d + j] = Float(centers[c * d + j] + std * rng.nextGaussian()) }
        }
        return Sample(data: matrix(n, d, x), coordinate: labels.map(Float.init), labels: labels)
    }

    static func swissRoll(_ n: Int, _ o: inout Options, _ rng: inout RandomStream) throws -> Sample {
        let hole = try o.integer("hole", default: 0, range: 0...1) == 1
        let height = try o.real("height", default: 21, range: 0...1e12)
        var x = [Float](repeating: 0, count: n * 3)
        var t = [Float](repeating: 0, count: n)
        var i = 0
        while i < n {
            let u = rng.nextDouble(), v = rng.nextDouble()
            if hole && u > 0.4 && u < 0.6 && v > 0.4 && v < 0.6 { continue }
            let ti = 1.5 * Double.pi * (1 + 2 * u)
            x[3 * i] = Float(ti * DeterministicMath.cos(ti))
            x[3 * i + 1] = Float(height * v)
            x[3 * i + 2] = Float(ti * DeterministicMath.sin(ti))
            t[i] = Float(ti)
            i += 1
        }
        return Sample(data: matrix(n, 3, x), coordinate: t)
    }

    static func sCurve(_ n: Int, _ rng: inout RandomStream) -> Sample {
        var x = [Float](repeating: 0, count: n * 3)
        var t = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let ti = 3 * Double.pi * (rng.nextDouble() - 0.5)
            let v = rng.nextDouble()
            x[3 * i] = Float(DeterministicMath.sin(ti))
            x[3 * i + 1] = Float(2 * v)
            x[3 * i + 2] = Float((ti < 0 ? -1.0 : 1.0) * (DeterministicMath.cos(ti) - 1))
            t[i] = Float(ti)
        }
        return Sample(data: matrix(n, 3, x), coordinate: t)
    }

    static func sphere(_ n: Int, _ o: inout Options, _ rng: inout RandomStream) throws -> Sample {
        let d = try o.integer("dimension", default: 3, range: 2...100_000)
        let radius = try o.real("radius", default: 1, range: 0...1e12)
        var x = [Float](repeating: 0, count: n * d)
        var angle = [Float](repeating: 0, count: n)
        var g = [Double](repeating: 0, count: d)
        for i in 0..<n {
            var norm = 0.0
            repeat {
                for j in 0..<d { g[j] = rng.nextGaussian() }
                norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
            } while norm < 1e-12
            for j in 0..<d { x[i * d + j] = Float(radius * g[j] / norm) }
            angle[i] = Float(DeterministicMath.acos(max(-1, min(1, g[d - 1] / norm))))
        }
        return Sample(data: matrix(n, d, x), coordinate: angle)
    }

    static func torus(_ n: Int, _ o: inout Options, _ rng: inout RandomStream) throws -> Sample {
        let big = try o.real("major_radius", default: 2, range: 0...1e12)
        let small = try o.real("minor_radius", default: 1, range: 0...1e12)
        guard small <= big else {
            throw DatasetsError.invalidOption("minor_radius", "\(small) must not exceed major_radius \(big)")
        }
        var x = [Float](repeating: 0, count: n * 3)
        var theta = [Float](repeating: 0, count: n)
        var i = 0
        while i < n {
            let th = 2 * Double.pi * rng.nextDouble()
            let ph = 2 * Double.pi * rng.nextDouble()
            // Area element ∝ R + r cos φ: accept with that probability for uniform surface density.
            let accept = rng.nextDouble()
            if big + small > 0, accept * (big + small) > big + small * DeterministicMath.cos(ph) { continue }
            let w = big + small * DeterministicMath.cos(ph)
            x[3 * i] = Float(w * DeterministicMath.cos(th))
            x[3 * i + 1] = Float(w * DeterministicMath.sin(th))
            x[3 * i + 2] = Float(small * DeterministicMath.sin(ph))
            theta[i] = Float(th)
            i += 1
        }
        return Sample(data: matrix(n, 3, x), coordinate: theta)
    }

    static func trefoil(_ n: Int, _ rng: inout RandomStream) -> Sample {
        var x = [Float](repeating: 0, count: n * 3)
        var t = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let ti = 2 * Double.pi * rng.nextDouble()
            x[3 * i] = Float(DeterministicMath.sin(ti) + 2 * DeterministicMath.sin(2 * ti))
            x[3 * i + 1] = Float(DeterministicMath.cos(ti) - 2 * DeterministicMath.cos(2 * ti))
            x[3 * i + 2] = Float(-DeterministicMath.sin(3 * ti))
            t[i] = Float(ti)
        }
        return Sample(data: matrix(n, 3, x), coordinate: t)
    }

    static func circles(_ n: Int, _ o: inout Options, _ rng: inout RandomStream) throws -> Sample {
        let k = try o.integer("circles", default: 2, range: 1...1_000_000)
        let factor = try o.real("factor", default: 0.5, range: 0...1)
        var x = [Float](repeating: 0, count: n * 2)
        var angle = [Float](repeating: 0, count: n)
        var labels = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let c = i % k
            let r = DeterministicMath.pow(factor, Double(c))
            let a = 2 * Double.pi * rng.nextDouble()
            x[2 * i] = Float(r * DeterministicMath.cos(a))
            x[2 * i + 1] = Float(r * DeterministicMath.sin(a))
            angle[i] = Float(a)
            labels[i] = c
        }
        return Sample(data: matrix(n, 2, x), coordinate: angle, labels: labels)
    }

    static func colorCube(_ n: Int, _ rng: inout RandomStream) -> Sample {
        var x = [Float](repeating: 0, count: n * 3)
        for k in 0..<x.count { x[k] = Float(rng.nextDouble()) }
        let m = matrix(n, 3, x)
        return Sample(data: m, coordinate: (0..<n).map { x[3 * $0] }, colors: m)
    }

    static func sine(_ n: Int, _ o: inout Options, _ rng: inout RandomStream) throws -> Sample {
        let periods = try o.real("periods", default: 1, range: 1e-6...1e6)
        let exponent = try o.real("density_exponent", default: 3, range: 1e-3...1e3)
        let amplitude = try o.real("amplitude", default: 1, range: 0...1e12)
        var x = [Float](repeating: 0, count: n * 2)
        var coord = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let xi = 2 * Double.pi * periods * DeterministicMath.pow(rng.nextDouble(), exponent)
            x[2 * i] = Float(xi)
            x[2 * i + 1] = Float(amplitude * DeterministicMath.sin(xi))
            coord[i] = Float(xi)
        }
        return Sample(data: matrix(n, 2, x), coordinate: coord)
    }

    static func gaussian(_ n: Int, _ o: inout Options, _ rng: inout RandomStream) throws -> Sample {
        let d = try o.integer("dimension", default: 10, range: 1...100_000)
        let std = try o.real("std", default: 1, range: 0...1e12)
        var x = [Float](repeating: 0, count: n * d)
        var radius = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var s = 0.0
            for j in 0..<d {
                let v = std * rng.nextGaussian()
                x[i * d + j] = Float(v)
                s += v * v
            }
            radius[i] = Float(s.squareRoot())
        }
        return Sample(data: matrix(n, d, x), coordinate: radius)
    }
}
