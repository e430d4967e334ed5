import XCTest
@testable import Linalg

/// The statistical tests of `mbench compare`, against scipy.
final class StatisticalTestsTests: XCTestCase {
    typealias S = StatisticalTests

    // Reference values from scipy.stats 1.x (t.ppf, ttest_ind(equal_var=False), mannwhitneyu).
    func testStudentTQuantilesMatchTables() {
        XCTAssertEqual(S.studentTQuantile(0.975, degreesOfFreedom: 4), 2.7764451051977934, accuracy: 1e-9)
        XCTAssertEqual(S.studentTQuantile(0.975, degreesOfFreedom: 10), 2.228138851986274, accuracy: 1e-9)
        XCTAssertEqual(S.studentTQuantile(0.975, degreesOfFreedom: 1), 12.706204736174694, accuracy: 1e-7)
        XCTAssertEqual(S.studentTQuantile(0.975, degreesOfFreedom: 2.5), 3.5746548420036817, accuracy: 1e-8)
        XCTAssertEqual(S.studentTQuantile(0.025, degreesOfFreedom: 4), -2.7764451051977934, accuracy: 1e-9)
        // 95 % CI of 1…5: mean 3, s = √2.5, half-width t(0.975, 4)·s/√5.
        XCTAssertEqual(S.confidenceHalfWidth([1, 2, 3, 4, 5])!, 2.7764451051977934 * (2.5 / 5).squareRoot(), accuracy: 1e-9)
        XCTAssertNil(S.confidenceHalfWidth([1]))
    }

    func testWelchMatchesScipy() throws {
        let w = try XCTUnwrap(S.welch([1.1, 2.3, 2.9, 4.2, 5.0], [2.0, 4.1, 6.3, 8.2, 9.9, 12.5]))
        XCTAssertEqual(w.t, -2.373298324801415, accuracy: 1e-9)
        XCTAssertEqual(w.df, 6.79966368337305, accuracy: 1e-9)
        XCTAssertEqual(w.p, 0.050402148076994675, accuracy: 1e-8)
        XCTAssertEqual(S.welch([1, 1, 1], [1, 1])?.p, 1, "identical constants: no difference")
        XCTAssertEqual(S.welch([1, 1, 1], [2, 2])?.p, 0, "different constants: certain difference")
        XCTAssertNil(S.welch([1], [2, 3]))
    }

    func testMannWhitneyExactAndNormalMatchScipy() throws {
        let separated = try XCTUnwrap(S.mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]))
        XCTAssertTrue(separated.exact)
        XCTAssertEqual(separated.u, 0)
        XCTAssertEqual(separated.p, 0.007936507936507936, accuracy: 1e-12)
        let mixed = try XCTUnwrap(S.mannWhitney([0.5, 1.7, 2.2, 3.9, 4.4, 6.1], [1.0, 2.5, 4.0, 5.5, 7.2, 8.8, 9.1]))
        XCTAssertEqual(mixed.u, 11)
        XCTAssertEqual(mixed.p, 0.18065268065268064, accuracy: 1e-12)
        let tied = try XCTUnwrap(S.mannWhitney([1, 2, 2, 3, 3, 3, 4, 5], [3, 4, 4, 5, 5, 6, 7, 7, 8]))
        XCTAssertFalse(tied.exact)
        XCTAssertEqual(tied.u, 7.5)
        XCTAssertEqual(tied.p, 0.006373133838085873, accuracy: 1e-9)
        // Exact distribution: counts over all C(m+n, m) arrangements, symmetric.
        let counts = S.exactUCounts(m: 3, n: 4)
        XCTAssertEqual(counts.reduce(0, +), 35)
        XCTAssertEqual(counts, counts.reversed())
    }
}

/// Ranks, correlations and fits of `Statistics`.
final class StatisticsTests: XCTestCase {
    func testAverageRanksGiveTiesTheirMeanRank() {
        // scipy.stats.rankdata([3, 1, 4, 1, 5, 9, 2, 6, 5]) (method="average").
        let r = Statistics.ranking([3, 1, 4, 1, 5, 9, 2, 6, 5])
        XCTAssertEqual(r.ranks, [4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5])
        XCTAssertEqual(r.tieGroupSizes, [2, 1, 1, 1, 2, 1, 1])
        XCTAssertEqual(r.tieTerm, 12)
        XCTAssertTrue(r.hasTies)
        XCTAssertFalse(Statistics.ranking([2, 1, 3]).hasTies)
    }

    func testSpearmanAndPearsonMatchScipy() {
        let a: [Double] = [1, 2, 3, 4, 5, 6], b: [Double] = [2, 1, 4, 3, 7, 5]
        // scipy.stats.pearsonr(a, b)[0], scipy.stats.spearmanr(a, b)[0]
        XCTAssertEqual(Statistics.pearson(a, b), 0.7917946548886295, accuracy: 1e-12)
        XCTAssertEqual(Statistics.spearman(a, b), 0.8285714285714287, accuracy: 1e-12)
        XCTAssertEqual(Statistics.spearman([1, 2, 2, 3], [1, 3, 2, 4]), 0.9486832980505139, accuracy: 1e-12)
    }

    func testMeanVarianceMedianAndStandardError() {
        XCTAssertEqual(Statistics.mean([1, 2, 3, 4]), 2.5)
        XCTAssertEqual(Statistics.variance([1, 2, 3, 4]), 5.0 / 3.0, accuracy: 1e-15)
        XCTAssertEqual(Statistics.median(sorted: [1, 2, 3, 10]), 2.5)
        XCTAssertEqual(Statistics.median(sorted: [1, 2, 10]), 2)
        let all = Statistics.meanAndStandardError([1, 2, 3, 4], population: 4)
        XCTAssertEqual(all.mean, 2.5)
        XCTAssertEqual(all.standardError, 0, "every item sampled: no sampling error")
        let half = Statistics.meanAndStandardError([1, 2, 3, 4], population: 8)
        XCTAssertEqual(half.standardError, (5.0 / 3.0 / 4 * 0.5).squareRoot(), accuracy: 1e-15)
    }

    func testPowerLawExponent() {
        let x: [Double] = [1, 2, 4, 8, 16]
        XCTAssertEqual(Statistics.powerLawExponent(x: x, y: x.map { 3 * pow($0, 1.5) })!, 1.5, accuracy: 1e-9)
        XCTAssertNil(Statistics.powerLawExponent(x: [1], y: [1]))
        XCTAssertNil(Statistics.powerLawExponent(x: [2, 2, 2], y: [1, 2, 3]), "constant x has no slope")
    }
}
