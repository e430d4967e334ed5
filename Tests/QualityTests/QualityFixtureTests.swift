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
        // Single-metric entry points agree.
        XCTAssertEqual(try NeighborhoodMetrics.trustworthiness(data: f.x, embedding: f.y, k: 5), r.trustworthiness[5]?.value)
        XCTAssertEqual(try NeighborhoodMetrics.continuity(data: f.x, embedding: f.y, k: 5), r.continuity[5]?.value)
    }

    func testDirectAndBLASDistanceRowsGiveTheSameAnswer() throws {
        // The fixture's data (24-D) goes through the BLAS path; the same data as the
        // embedding side of a swapped call goes through it too; compare with the
        // direct path by padding nothing: continuity(X, Y) == trustworthiness(Y, X).
        let f = try QualityFixture.load()
        for k in [5, 15] {
            let c = try NeighborhoodMetrics.continuity(data: f.x, embedding: f.y, k: k)
            let t = try NeighborhoodMetrics.trustworthiness(data: f.y, embedding: f.x, k: k)
            XCTAssertEqual(c, t, accuracy: 1e-15)
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
