import Foundation

/// The hypothesis tests `mbench compare` needs: Student t intervals, Welch's
/// t-test and the Mann–Whitney U test. Formulas from standard references
/// (regularised incomplete beta by Lentz's continued fraction); means, variances
/// and ranks come from `Statistics`.
public enum StatisticalTests {
    private static func mean(_ x: [Double]) -> Double { Statistics.mean(x) }
    private static func variance(_ x: [Double]) -> Double { Statistics.variance(x) }

    /// Half-width of the two-sided `level` (default 95 %) Student-t confidence interval of the mean
    /// (nil for fewer than two values).
    public static func confidenceHalfWidth(_ x: [Double], level: Double = 0.95) -> Double? {
        guard x.count > 1 else { return nil }
        let df = Double(x.count - 1)
        return studentTQuantile(1 - (1 - level) / 2, degreesOfFreedom: df) * (variance(x) / Double(x.count)).squareRoot()
    }

    /// Welch's unequal-variance t-test: statistic, Welch–Satterthwaite degrees of freedom and two-sided p-value.
    /// With both variances zero the p-value is 1 for equal means and 0 otherwise (the values are exact).
    public static func welch(_ a: [Double], _ b: [Double]) -> (t: Double, df: Double, p: Double)? {
        guard a.count > 1, b.count > 1 else { return nil }
        let va = variance(a) / Double(a.count), vb = variance(b) / Double(b.count)
        let diff = mean(a) - mean(b)
        let se2 = va + vb
        if se2 <= 0 || !se2.isFinite {
            return (diff == 0 ? 0 : diff > 0 ? .infinity : -.infinity, Double(a.count + b.count - 2), diff == 0 ? 1 : 0)
        }
        let t = diff / se2.squareRoot()
        let df = se2 * se2 / (va * va / Double(a.count - 1) + vb * vb / Double(b.count - 1))
        return (t, df, 2 * studentTUpperTail(abs(t), degreesOfFreedom: df))
    }

    /// Mann–Whitney U test (two-sided): U of sample `a`, the p-value, and whether it is exact.
    /// Exact (by counting rank arrangements) for samples without ties with m · n ≤ 400 or so;
    /// otherwise the normal approximation with tie correction and continuity correction.
    public static func mannWhitney(_ a: [Double], _ b: [Double]) -> (u: Double, p: Double, exact: Bool)? {
        let m = a.count, n = b.count
        guard m > 0, n > 0 else { return nil }
        let ranking = Statistics.ranking(a + b)
        let tieTerm = ranking.tieTerm, hasTies = ranking.hasTies
        let rankSumA = ranking.ranks.prefix(m).reduce(0.0, +)
        let u = rankSumA - Double(m * (m + 1)) / 2
        let mu = Double(m * n) / 2
        if !hasTies && m <= 25 && n <= 25 {
            // Number of arrangements with U ≤ u, by the recurrence c(u; m, n) = c(u − n; m − 1, n) + c(u; m, n − 1).
            let counts = exactUCounts(m: m, n: n)
            let total = counts.reduce(0, +)
            let lowTail = min(u, Double(m * n) - u)
            let cumulative = counts.prefix(Int(lowTail.rounded()) + 1).reduce(0, +)
            return (u, min(1, 2 * cumulative / total), true)
        }
        let total = Double(m + n)
        let sigma2 = Double(m * n) / 12 * ((total + 1) - tieTerm / (total * (total - 1)))
        guard sigma2 > 0 else { return (u, 1, false) }
        let z = max(0, abs(u - mu) - 0.5) / sigma2.squareRoot()
        return (u, min(1, erfc(z / 2.squareRoot())), false)
    }

    /// Frequencies of U = 0…m·n over all C(m+n, m) equally likely rank arrangements.
    static func exactUCounts(m: Int, n: Int) -> [Double] {
        // table[j][u] for the current i (rows of a), built up over i.
        var previous = [[Double]](repeating: [1], count: n + 1)  // i = 0: U = 0 only
        for i in 1...m {
            var current = [[Double]](repeating: [], count: n + 1)
            current[0] = [1]  // n = 0: U = 0 only
            if n >= 1 {
                for j in 1...n {
                    var row = [Double](repeating: 0, count: i * j + 1)
                    // a's largest element is the overall largest: adds j to U (uses i − 1, j).
                    for (u, c) in previous[j].enumerated() where u + j < row.count { row[u + j] += c }
                    // b's largest element is the overall largest: adds 0 (uses i, j − 1).
                    for (u, c) in current[j - 1].enumerated() where u < row.count { row[u] += c }
                    current[j] = row
                }
            }
            previous = current
        }
        return previous[n]
    }

    /// P(T > t) for Student's t with `df` degrees of freedom (t ≥ 0).
    public static func studentTUpperTail(_ t: Double, degreesOfFreedom df: Double) -> Double {
        if t.isInfinite { return 0 }
        let x = df / (df + t * t)
        return 0.5 * regularizedIncompleteBeta(a: df / 2, b: 0.5, x: x)
    }

    /// The `p` quantile of Student's t (0 < p < 1), by bisection on the upper tail.
    public static func studentTQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
        guard p > 0, p < 1 else { return p >= 1 ? .infinity : -.infinity }
        if p < 0.5 { return -studentTQuantile(1 - p, degreesOfFreedom: df) }
        let tail = 1 - p
        var lo = 0.0, hi = 1.0
        while studentTUpperTail(hi, degreesOfFreedom: df) > tail && hi < 1e12 { hi *= 2 }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if studentTUpperTail(mid, degreesOfFreedom: df) > tail { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// I_x(a, b), the regularised incomplete beta function.
    static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logBeta + logPowers
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(a: b, b: a, x: 1 - x) / b
    }

    /// Continued fraction of the incomplete beta function (modified Lentz).
    private static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d; if abs(d) < tiny { d = tiny }
            c = 1 + even / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d; if abs(d) < tiny { d = tiny }
            c = 1 + odd / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return h
    }
}
