import Foundation

/// Steps (change points) in a noisy series, e.g. one benchmark's value at each commit.
///
/// Binary segmentation: the split minimising the squared error of a two-level fit is found
/// in O(n) with prefix sums; it is kept only if a two-sided Mann–Whitney test between the
/// `window` values on each side of it gives p < `alpha` **and** the two windows' medians differ
/// by at least `minimumChange` (in the series' own units: pass logarithms for relative changes).
/// Kept splits divide the series, and each part is searched again. The rank test makes the
/// decision depend on the values' order only, not on the shape of the noise; the windows keep
/// distant changes from masking a local one. At `alpha = 1e-4` a step needs at least 7 values
/// on one side when the other has 12 (six against twelve cannot reach p < 1.1·10⁻⁴), so a
/// change within 6 commits of either end is not reported yet: the price of few false alarms.
public enum StepDetection {
    /// One step: the level changes between `index − 1` and `index`.
    public struct Step: Sendable, Equatable {
        /// First position of the new level (the most likely one).
        public var index: Int
        /// Positions that may hold the change, ascending: `index` and, when the data cannot
        /// tell them apart, its neighbour whose split fits almost as well (at most two).
        public var candidates: [Int]
        /// Median of the window before and after the step.
        public var before: Double
        public var after: Double
        /// Mann–Whitney p-value between the two windows.
        public var pValue: Double
    }

    /// Every step of `values`, ordered by position.
    /// - Parameters:
    ///   - minimumChange: smallest |after − before| reported (≥ 0).
    ///   - alpha: significance level of the rank test (default 1e-4).
    ///   - window: values on each side used by the test (default 12, at least 2).
    ///   - minimumSegment: fewest values between two steps or a step and an end (default 3, at least 1).
    public static func steps(_ values: [Double], minimumChange: Double, alpha: Double = 1e-4,
                             window: Int = 12, minimumSegment: Int = 3) -> [Step] {
        let finite = values.allSatisfy(\.isFinite)
        guard finite, window >= 2, minimumSegment >= 1, values.count >= 2 * minimumSegment else { return [] }
        var prefix = [Double](repeating: 0, count: values.count + 1), prefixSquares = prefix
        for (i, v) in values.enumerated() {
            prefix[i + 1] = prefix[i] + v
            prefixSquares[i + 1] = prefixSquares[i] + v * v
        }
        /// Squared error of values[a..<b] around their mean.
        func cost(_ a: Int, _ b: Int) -> Double {
            guard b > a else { return 0 }
            let s = prefix[b] - prefix[a], q = prefixSquares[b] - prefixSquares[a]
            return max(0, q - s * s / Double(b - a))
        }
        var found: [Step] = []
        var segments = [(0, values.count)]
        while let (a, b) = segments.popLast() {
            guard b - a >= 2 * minimumSegment else { continue }
            var best = (index: -1, cost: Double.infinity)
            for k in (a + minimumSegment)...(b - minimumSegment) {
                let c = cost(a, k) + cost(k, b)
                if c < best.cost { best = (k, c) }
            }
            let k = best.index
            let left = Array(values[max(a, k - window)..<k]), right = Array(values[k..<min(b, k + window)])
            let before = Statistics.median(sorted: left.sorted()), after = Statistics.median(sorted: right.sorted())
            let change = after - before
            guard abs(change) >= minimumChange, let test = StatisticalTests.mannWhitney(left, right), test.p < alpha else { continue }
            // A neighbouring split that fits almost as well (within half the step squared) is as likely.
            var candidates = [k]
            let neighbours = [k - 1, k + 1].filter { $0 > a && $0 < b }
                .map { (index: $0, cost: cost(a, $0) + cost($0, b)) }.sorted { $0.cost < $1.cost }
            if let runnerUp = neighbours.first, runnerUp.cost - best.cost < change * change / 2 {
                candidates = [k, runnerUp.index].sorted()
            }
            found.append(Step(index: k, candidates: candidates, before: before, after: after, pValue: test.p))
            segments.append((a, k))
            segments.append((k, b))
        }
        return found.sorted { $0.index < $1.index }
    }
}
