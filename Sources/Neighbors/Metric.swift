import Linalg

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A distance between two dense `Float` vectors.
///
/// Names follow umap-learn / pynndescent: `euclidean` (alias `l2`), `cosine`,
/// `manhattan` (`l1`, `cityblock`, `taxicab`), `chebyshev` (`linf`, `linfinity`),
/// `minkowski` (with exponent `p`), `correlation`, `hamming`, `jaccard`
/// (on boolean data: an entry is "true" when it is non-zero) and `haversine`
/// (2-d data: latitude, longitude in radians; distance in radians on the unit sphere).
public enum Metric: Equatable, Hashable, Sendable, CustomStringConvertible {
    case euclidean
    case cosine
    case manhattan
    case chebyshev
    case minkowski(p: Double)
    case correlation
    case hamming
    case jaccard
    case haversine

    /// Every accepted name, for error messages.
    public static let knownNames = ["euclidean", "l2", "cosine", "manhattan", "l1", "cityblock", "taxicab",
                                    "chebyshev", "linf", "linfinity", "minkowski", "correlation", "hamming",
                                    "jaccard", "haversine"]

    /// Parses a metric name (case-insensitive). `p` is used by `minkowski` only (default 2).
    /// - Throws: `NeighborsError.unknownMetric` listing the known names, or
    ///   `.invalidArgument` for a Minkowski exponent below 1.
    public init(name: String, p: Double = 2) throws {
        switch name.lowercased() {
        case "euclidean", "l2": self = .euclidean
        case "cosine": self = .cosine
        case "manhattan", "l1", "cityblock", "taxicab": self = .manhattan
        case "chebyshev", "linf", "linfinity": self = .chebyshev
        case "minkowski":
            guard p >= 1, p.isFinite else {
                throw NeighborsError.invalidArgument("minkowski needs a finite exponent p >= 1, got \(p)")
            }
            self = .minkowski(p: p)
        case "correlation": self = .correlation
        case "hamming": self = .hamming
        case "jaccard": self = .jaccard
        case "haversine": self = .haversine
        default: throw NeighborsError.unknownMetric(name, known: Metric.knownNames)
        }
    }

    public var description: String {
        switch self {
        case .euclidean: return "euclidean"
        case .cosine: return "cosine"
        case .manhattan: return "manhattan"
        case .chebyshev: return "chebyshev"
        case .minkowski(let p): return "minkowski(p=\(p))"
        case .correlation: return "correlation"
        case .hamming: return "hamming"
        case .jaccard: return "jaccard"
        case .haversine: return "haversine"
        }
    }

    /// True for metrics that the BLAS-tiled exact search supports (euclidean, cosine, correlation).
    public var isInnerProductBased: Bool {
        switch self {
        case .euclidean, .cosine, .correlation: return true
        default: return false
        }
    }

    /// The distance between `a[0..<d]` and `b[0..<d]`.
    @inlinable
    public func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        switch self {
        case .euclidean: return Distance.squaredEuclidean(a, b, d).squareRoot()
        case .cosine: return MetricKernels.cosine(a, b, d)
        case .manhattan: return MetricKernels.manhattan(a, b, d)
        case .chebyshev: return MetricKernels.chebyshev(a, b, d)
        case .minkowski(let p): return MetricKernels.minkowski(a, b, d, p: p)
        case .correlation: return MetricKernels.correlation(a, b, d)
        case .hamming: return MetricKernels.hamming(a, b, d)
        case .jaccard: return MetricKernels.jaccard(a, b, d)
        case .haversine: return MetricKernels.haversine(a, b, d)
        }
    }

    /// Distance between two arrays (convenience for tests and small problems).
    public func distance(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "vectors must have equal length")
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in distance(pa.baseAddress!, pb.baseAddress!, a.count) }
        }
    }
}

/// SIMD kernels behind `Metric` (8 lanes, combined in a fixed order).
public enum MetricKernels {
    @inlinable
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Σ|aᵢ − bᵢ|.
    @inlinable
    public static func manhattan(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var k = 0
        while k + 8 <= d {
            let diff = load(a + k) - load(b + k)
            acc += diff.replacing(with: -diff, where: diff .< 0)
            k += 8
        }
        var s = acc.sum()
        while k < d { s += abs(a[k] - b[k]); k += 1 }
        return s
    }

    /// maxᵢ |aᵢ − bᵢ|.
    @inlinable
    public static func chebyshev(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var k = 0
        while k + 8 <= d {
            let diff = load(a + k) - load(b + k)
            acc = pointwiseMax(acc, diff.replacing(with: -diff, where: diff .< 0))
            k += 8
        }
        var s = acc.max()
        while k < d { s = max(s, abs(a[k] - b[k])); k += 1 }
        return s
    }

    /// (Σ|aᵢ − bᵢ|ᵖ)^(1/p), accumulated in Double.
    @inlinable
    public static func minkowski(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int, p: Double) -> Float {
        var s = 0.0
        for k in 0..<d { s += DeterministicMath.pow(Double(abs(a[k] - b[k])), p) }
        return Float(DeterministicMath.pow(s, 1 / p))
    }

    /// 1 − a·b / (‖a‖‖b‖); 0 when both are zero vectors, 1 when exactly one is.
    @inlinable
    public static func cosine(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var ab = SIMD8<Float>(repeating: 0), aa = ab, bb = ab
        var k = 0
        while k + 8 <= d {
            let x = load(a + k), y = load(b + k)
            ab += x * y; aa += x * x; bb += y * y
            k += 8
        }
        var sab = ab.sum(), saa = aa.sum(), sbb = bb.sum()
        while k < d { sab += a[k] * b[k]; saa += a[k] * a[k]; sbb += b[k] * b[k]; k += 1 }
        if saa == 0 && sbb == 0 { return 0 }
        if saa == 0 || sbb == 0 { return 1 }
        return max(0, 1 - sab / (saa * sbb).squareRoot())
    }

    /// 1 − Pearson correlation of a and b (cosine distance of the centred vectors).
    @inlinable
    public static func correlation(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var ma = 0.0, mb = 0.0
        for k in 0..<d { ma += Double(a[k]); mb += Double(b[k]) }
        ma /= Double(max(d, 1)); mb /= Double(max(d, 1))
        var ab = 0.0, aa = 0.0, bb = 0.0
        for k in 0..<d {
            let x = Double(a[k]) - ma, y = Double(b[k]) - mb
            ab += x * y; aa += x * x; bb += y * y
        }
        if aa == 0 && bb == 0 { return 0 }
        if aa == 0 || bb == 0 { return 1 }
        return Float(max(0, 1 - ab / (aa * bb).squareRoot()))
    }

    /// Fraction of coordinates that differ.
    @inlinable
    public static func hamming(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var diff = 0
        for k in 0..<d where a[k] != b[k] { diff += 1 }
        return d == 0 ? 0 : Float(diff) / Float(d)
    }

    /// Jaccard distance of the supports {i : aᵢ ≠ 0} and {i : bᵢ ≠ 0}; 0 for two empty sets.
    @inlinable
    public static func jaccard(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var union = 0, inter = 0
        for k in 0..<d {
            let x = a[k] != 0, y = b[k] != 0
            if x || y { union += 1 }
            if x && y { inter += 1 }
        }
        return union == 0 ? 0 : Float(union - inter) / Float(union)
    }

    /// Great-circle distance on the unit sphere between (lat, lon) pairs in radians.
    /// Uses the first two coordinates.
    @inlinable
    public static func haversine(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        guard d >= 2 else { return 0 }
        let lat1 = Double(a[0]), lon1 = Double(a[1]), lat2 = Double(b[0]), lon2 = Double(b[1])
        let sLat = DeterministicMath.sin(0.5 * (lat2 - lat1)), sLon = DeterministicMath.sin(0.5 * (lon2 - lon1))
        let h = sLat * sLat + DeterministicMath.cos(lat1) * DeterministicMath.cos(lat2) * sLon * sLon
        return Float(2 * DeterministicMath.asin(min(1, h.squareRoot())))
    }
}

extension MetricKernels {
    /// Squared Euclidean distance with four independent SIMD8 accumulators (fixed
    /// combination order), for long vectors where one accumulator is latency-bound.
    @inlinable
    public static func squaredEuclidean(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var s0 = SIMD8<Float>(repeating: 0), s1 = s0, s2 = s0, s3 = s0
        var k = 0
        while k + 32 <= d {
            let d0 = load(a + k) - load(b + k), d1 = load(a + k + 8) - load(b + k + 8)
            let d2 = load(a + k + 16) - load(b + k + 16), d3 = load(a + k + 24) - load(b + k + 24)
            s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3
            k += 32
        }
        while k + 8 <= d { let t = load(a + k) - load(b + k); s0 += t * t; k += 8 }
        var s = ((s0 + s1) + (s2 + s3)).sum()
        while k < d { let t = a[k] - b[k]; s += t * t; k += 1 }
        return s
    }

    /// Dot product with four independent SIMD8 accumulators (fixed combination order).
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        var s0 = SIMD8<Float>(repeating: 0), s1 = s0, s2 = s0, s3 = s0
        var k = 0
        while k + 32 <= d {
            s0 += load(a + k) * load(b + k); s1 += load(a + k + 8) * load(b + k + 8)
            s2 += load(a + k + 16) * load(b + k + 16); s3 += load(a + k + 24) * load(b + k + 24)
            k += 32
        }
        while k + 8 <= d { s0 += load(a + k) * load(b + k); k += 8 }
        var s = ((s0 + s1) + (s2 + s3)).sum()
        while k < d { s += a[k] * b[k]; k += 1 }
        return s
    }
}
