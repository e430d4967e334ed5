import XCTest
import Linalg
@testable import Quality

/// Checks against scikit-learn / scipy values on the committed fixture.
final class QualityFixtureTests: XCTestCase {
    func testTrustworthinessContinuityPreservationMatchScikitLearn() throws {
        let f = try QualityFixture.load()
        let ks = f.trustworthiness.keys.compactMap { Int($0) }.sorted()
        let r = try NeighborhoodMetrics.compute(data: f.x, embedding: f.y, trustworthiness: ks, continuity: ks, preservation: ks)
        for k in ks {
            assertRelative(r.trustworthiness[k]?.value ?? .nan, f.trustworthiness["\(k)"]!, 1e-9, "T(\(k))")
            assertRelative(r.continuity[k]?.value ?? .nan, f.continuity["\(k)"]!, 1e-9, "C(\(k))")
            assertRelative(r.preservation[k]?.value ?? .nan, f.preservation["\(k)"]!, 1e-9, "P(\(k))")
            XCTAssertNil(r.trustworthiness[k]?.standardError)
        }
        // The single-metric entry points, each against scikit-learn's value.
        assertRelative(try NeighborhoodMetrics.trustworthiness(data: f.x, embedding: f.y, k: 5), f.trustworthiness["5"]!, 1e-9, "T(5)")
        assertRelative(try NeighborhoodMetrics.continuity(data: f.x, embedding: f.y, k: 5), f.continuity["5"]!, 1e-9, "C(5)")
    }

    func testRolesExchangedMatchScikitLearn() throws {
        // trustworthiness(Y, X) ranks in the 2-D embedding (direct distance rows) the
        // neighbours found in the 24-D data (BLAS distance rows): the opposite roles of
        // trustworthiness(X, Y). The fixture's continuity values are scikit-learn's
        // trustworthiness(Y, X) (make_fixtures.py asserts that), so this compares the
        // swapped call with scikit-learn, not with our own continuity.
        let f = try QualityFixture.load()
        for k in [1, 5, 15, 30] {
            let t = try NeighborhoodMetrics.trustworthiness(data: f.y, embedding: f.x, k: k)
            assertRelative(t, f.continuity["\(k)"]!, 1e-9, "T_swapped(\(k))")
        }
    }

    func testKNNAccuracyLeaveOneOutMatchesScikitLearn() throws {
        let f = try QualityFixture.load()
        let ks = f.knn_accuracy_loo.keys.compactMap { Int($0) }.sorted()
        let acc = try KNNAccuracy.leaveOneOut(embedding: f.y, labels: f.labels, ks: ks)
        for k in ks { XCTAssertEqual(acc[k] ?? .nan, f.knn_accuracy_loo["\(k)"]!, accuracy: 1e-12, "k = \(k)") }
    }

    func testDistanceCorrelationAndProcrustesMatchScipy() throws {
        let f = try QualityFixture.load()
        let rho = try DistanceCorrelation.spearman(data: f.x, embedding: f.y, sampleSize: 1_000, seed: 1)
        assertRelative(rho, f.distance_correlation, 1e-9, "spearman")
        assertRelative(try Procrustes.disparity(f.y, f.y2), f.procrustes, 1e-5, "procrustes")
        XCTAssertEqual(try Procrustes.disparity(f.y, f.y), 0, accuracy: 1e-9)
    }
}
