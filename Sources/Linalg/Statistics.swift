import Foundation

/// Descriptive statistics shared by the metrics, the benchmark reports, `mbench compare`
/// and the figures: means, variances, medians, ranks with ties, correlations and power-law
/// fits. Sums run in index order, so every result is reproducible to the bit.
public enum Statistics {
    /// Mean of `x` (0 for an empty list).
    public static func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }

    /// Sample variance (n − 1 denominator; 0 for fewer than two values).
    public static func variance(_ x: [Double]) -> Double {
        guard x.count > 1 else { return 0 }
        let m = mean(x)
        return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
    }

    /// Median of an already sorted list (mean of the two middle values for even counts; 0 when empty).
    public static func median(sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Mean of `values` (summed in order) and the standard error of that mean for a sample
    /// drawn without replacement from `population` items (finite-population correction).
    /// NaN for an empty list; the standard error is NaN for a single value.
    public static func meanAndStandardError(_ values: [Double], population: Int) -> (mean: Double, standardError: Double) {
        let m = values.count
        guard m > 0 else { return (.nan, .nan) }
        var sum = 0.0
        for v in values { sum += v }
        let mean = sum / Double(m)
        guard m > 1 else { return (mean, .nan) }
        var ss = 0.0
        for v in values { ss += (v - mean) * (v - mean) }
        let variance = ss / Double(m - 1)
        let fpc = max(0, 1 - Double(m) / Double(population))
        return (mean, (variance / Double(m) * fpc).squareRoot())
    }

    /// Ranks of `values` with ties, the one definition every rank-based statistic uses.
    public struct Ranking: Sendable {
        /// Rank 1…n of each value in input order; tied values share their average rank.
        public let ranks: [Double]
        /// Size of every group of tied values (groups of one included), in ascending value order.
        public let tieGroupSizes: [Int]
        /// Σ (t³ − t) over the tie groups: the tie correction of rank tests (0 without ties).
        public var tieTerm: Double {
            tieGroupSizes.reduce(0.0) { $0 + (Double($1) * Double($1) * Double($1) - Double($1)) }
        }
        public var hasTies: Bool { tieGroupSizes.contains { $0 > 1 } }
    }

    /// Ranks 1…n of `values`, ties given their average rank (scipy's `rankdata(method="average")`).
    public static func ranking(_ values: [Double]) -> Ranking {
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: values.count)
        var groups: [Int] = []
        var p = 0
        while p < order.count {
            var q = p
            while q + 1 < order.count && values[order[q + 1]] == values[order[p]] { q += 1 }
            let r = Double(p + q) / 2 + 1
            for t in p...q { ranks[order[t]] = r }
            groups.append(q - p + 1)
            p = q + 1
        }
        return Ranking(ranks: ranks, tieGroupSizes: groups)
    }

    /// Ranks 1…n with ties given their average rank.
    public static func averageRanks(_ values: [Double]) -> [Double] { ranking(values).ranks }

    /// Pearson correlation of two equally long lists (two passes, in `Double`).
    public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        var ma = 0.0, mb = 0.0
        for i in a.indices { ma += a[i]; mb += b[i] }
        ma /= n; mb /= n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let x = a[i] - ma, y = b[i] - mb
            sab += x * y; saa += x * x; sbb += y * y
        }
        return sab / (saa * sbb).squareRoot()
    }

    /// Spearman rank correlation: Pearson's correlation of the average ranks.
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        pearson(averageRanks(a), averageRanks(b))
    }

    /// Least-squares slope of log y against log x: the exponent k of y ∝ x^k.
    /// Pairs with a non-positive value are skipped; nil for fewer than two pairs or constant x.
    public static func powerLawExponent(x: [Double], y: [Double]) -> Double? {
        let pairs = zip(x, y).filter { $0.0 > 0 && $0.1 > 0 }.map { (DeterministicMath.log($0.0), DeterministicMath.log($0.1)) }
        guard pairs.count >= 2 else { return nil }
        let mx = pairs.map(\.0).reduce(0, +) / Double(pairs.count)
        let my = pairs.map(\.1).reduce(0, +) / Double(pairs.count)
        let sxx = pairs.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        return pairs.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +) / sxx
    }
}
