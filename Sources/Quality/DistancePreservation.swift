import Linalg

/// How well the embedding keeps the input's pairwise distances: normalized stress,
/// scale-normalized stress and the Shepard-diagram (Spearman) correlation.
///
/// Definitions (sums over pairs i < j, dX input and dY embedding distances, Euclidean):
/// - `normalized-stress` (ZADU's `stress`, Jeon et al. 2023; the square root of Espadoto et
///   al. 2019's normalized stress): √( Σ (dX − dY)² / Σ dX² ). 0 is perfect; it depends on the
///   embedding's scale, so it is meaningful for PCA-like embeddings.
/// - `scale-normalized-stress` (ZADU's `scale_normalized_stress`, Smelser et al. 2024): the
///   stress of α·Y with the best α = Σ dX dY / Σ dY², i.e. √( 1 − (Σ dX dY)² / (Σ dX² Σ dY²) ).
/// - `shepard-correlation` (ZADU's `spearman_rho`, Espadoto et al. 2019): Spearman ρ between
///   the dX and dY of the pairs (average ranks for ties).
///
/// Estimator for large n (see `PairSample`): m independent uniformly drawn pairs. The stresses
/// are ratios of pair means; their standard errors are the delta-method (linearisation)
/// errors: the sample standard deviation of each pair's influence value over √m. Shepard's
/// standard error is Bonett & Wright's (2000) approximation for Spearman's ρ,
/// (1 − ρ²) √((1 + ρ²/2) / (m − 3)).
public enum DistancePreservation {
    /// Normalized stress over the pairs of `sample`.
    static func normalizedStress(_ sample: PairSample) -> MetricEstimate {
        let m = sample.input.count
        var num = 0.0, den = 0.0
        for p in 0..<m {
            let diff = sample.input[p] - sample.embedded[p]
            num += diff * diff
            den += sample.input[p] * sample.input[p]
        }
        let ratio = num / den
        let value = ratio.squareRoot()
        guard !sample.exact else { return MetricEstimate(value: value, standardError: nil, queries: m, points: sample.points) }
        // Influence of a pair on the ratio R = mean(a) / mean(b): (a − R b) / mean(b).
        let meanB = den / Double(m)
        var influence = [Double](repeating: 0, count: m)
        for p in 0..<m {
            let diff = sample.input[p] - sample.embedded[p]
            influence[p] = (diff * diff - ratio * sample.input[p] * sample.input[p]) / meanB
        }
        let seRatio = Statistics.meanAndStandardError(influence, population: Int.max).standardError
        // d√R/dR = 1 / (2√R).
        let se = value > 0 ? seRatio / (2 * value) : seRatio.squareRoot()
        return MetricEstimate(value: value, standardError: se, queries: m, points: sample.points)
    }

    /// Scale-normalized stress over the pairs of `sample`.
    static func scaleNormalizedStress(_ sample: PairSample) -> MetricEstimate {
        let m = sample.input.count
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for p in 0..<m {
            let x = sample.input[p], y = sample.embedded[p]
            sxy += x * y; sxx += x * x; syy += y * y
        }
        let c = sxy / Double(m), a = sxx / Double(m), b = syy / Double(m)
        let ratio = max(0, 1 - (c * c) / (a * b))
        let value = ratio.squareRoot()
        guard !sample.exact else { return MetricEstimate(value: value, standardError: nil, queries: m, points: sample.points) }
        // R = 1 − c² / (a b): gradient (−2c/(ab), c²/(a²b), c²/(ab²)) applied to each pair's deviations.
        let gc = -2 * c / (a * b), ga = c * c / (a * a * b), gb = c * c / (a * b * b)
        var influence = [Double](repeating: 0, count: m)
        for p in 0..<m {
            let x = sample.input[p], y = sample.embedded[p]
            influence[p] = gc * (x * y - c) + ga * (x * x - a) + gb * (y * y - b)
        }
        let seRatio = Statistics.meanAndStandardError(influence, population: Int.max).standardError
        let se = value > 0 ? seRatio / (2 * value) : seRatio.squareRoot()
        return MetricEstimate(value: value, standardError: se, queries: m, points: sample.points)
    }

    /// Spearman correlation of the pair distances (the Shepard diagram's rank correlation).
    static func shepardCorrelation(_ sample: PairSample) -> MetricEstimate {
        let m = sample.input.count
        let rho = Statistics.spearman(sample.input, sample.embedded)
        guard !sample.exact, m > 3 else { return MetricEstimate(value: rho, standardError: nil, queries: m, points: sample.points) }
        let se = (1 - rho * rho) * ((1 + rho * rho / 2) / Double(m - 3)).squareRoot()
        return MetricEstimate(value: rho, standardError: se, queries: m, points: sample.points)
    }

    /// The three measures of `data` (n × d) against `embedding` (n × c) by name.
    /// - Parameters:
    ///   - exactLimit: all pairs are used up to this many points (default 1 000: 499 500 pairs).
    ///   - pairs: pairs sampled above it (default 100 000), from `RandomStream(seed:, purpose: "quality.pairs")`.
    /// - Returns: (normalized stress, scale-normalized stress, Shepard correlation).
    public static func measure(data: Matrix, embedding: Matrix, exactLimit: Int = 1_000, pairs: Int = 100_000,
                               seed: UInt64) throws
        -> (normalizedStress: MetricEstimate, scaleNormalizedStress: MetricEstimate, shepard: MetricEstimate) {
        try NeighborhoodMetrics.validate(data: data, embedding: embedding)
        guard data.rows >= 3 else { throw QualityError.tooFewPoints("distance preservation needs at least 3 points") }
        let sample = try PairSample(data: data, embedding: embedding, exactLimit: exactLimit, count: pairs, seed: seed)
        guard sample.input.contains(where: { $0 > 0 }), sample.embedded.contains(where: { $0 > 0 }) else {
            throw QualityError.invalidArgument("distance preservation is undefined when every sampled pair of points "
                                               + "coincides in the input or in the embedding")
        }
        return (normalizedStress(sample), scaleNormalizedStress(sample), shepardCorrelation(sample))
    }
}
