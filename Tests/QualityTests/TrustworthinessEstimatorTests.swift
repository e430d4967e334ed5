import XCTest
import Linalg
@testable import Quality

final class TrustworthinessEstimatorTests: XCTestCase {
    /// A noisy 2-D view of an m-D Gaussian cloud.
    func synthetic(n: Int, d: Int, seed: UInt64) throws -> (Matrix, Matrix) {
        var rng = RandomStream(seed: seed)
        let x = (0..<(n * d)).map { _ in Float(rng.nextGaussian()) }
        var y = [Float](repeating: 0, count: n * 2)
        for i in 0..<n {
            y[2 * i] = x[i * d] + 0.5 * Float(rng.nextGaussian())
            y[2 * i + 1] = x[i * d + 1] + 0.5 * Float(rng.nextGaussian())
        }
        return (try Matrix(rows: n, cols: d, storage: x), try Matrix(rows: n, cols: 2, storage: y))
    }

    func testEstimatorWithAllPointsEqualsExact() throws {
        let (x, y) = try synthetic(n: 300, d: 20, seed: 3)
        let exact = try NeighborhoodMetrics.compute(data: x, embedding: y, trustworthiness: [7], continuity: [7], queries: .all)
        let all = try NeighborhoodMetrics.compute(data: x, embedding: y, trustworthiness: [7], continuity: [7],
                                                  queries: .sample(count: 300, seed: 9))
        XCTAssertEqual(exact.trustworthiness[7]?.value, all.trustworthiness[7]?.value)
        XCTAssertEqual(exact.continuity[7]?.value, all.continuity[7]?.value)
        // m = n - 1 is a genuine sample; its SE is finite and positive.
        let most = try NeighborhoodMetrics.compute(data: x, embedding: y, trustworthiness: [7],
                                                   queries: .sample(count: 299, seed: 9))
        XCTAssertGreaterThan(most.trustworthiness[7]?.standardError ?? 0, 0)
    }

    func testEstimatorErrorWithinThreeStandardErrors() throws {
        let (x, y) = try synthetic(n: 1_200, d: 20, seed: 5)
        let k = 10
        let exact = try NeighborhoodMetrics.compute(data: x, embedding: y, trustworthiness: [k], continuity: [k])
        var outside = 0
        for seed in UInt64(1)...6 {
            let est = try NeighborhoodMetrics.compute(data: x, embedding: y, trustworthiness: [k], continuity: [k],
                                                      queries: .sample(count: 200, seed: seed))
            for (e, t) in [(est.trustworthiness[k]!, exact.trustworthiness[k]!.value), (est.continuity[k]!, exact.continuity[k]!.value)] {
                let se = try XCTUnwrap(e.standardError)
                XCTAssertGreaterThan(se, 0)
                if abs(e.value - t) > 3 * se { outside += 1 }
            }
        }
        XCTAssertLessThanOrEqual(outside, 1, "estimates more than 3 SE from the exact value")
    }

    func testDeterministicAcrossThreadCounts() throws {
        let (x, y) = try synthetic(n: 500, d: 20, seed: 8)
        func evaluate(threads: Int) throws -> [MetricResult] {
            try Parallel.withThreadCount(threads) {
                try QualityEvaluator.evaluate([.trustworthiness(k: 5), .continuity(k: 5), .knnPreservation(k: 5)],
                                              data: x, embedding: y, labels: nil, seed: 4,
                                              options: EvaluationOptions(exactLimit: 100, queries: 100))
            }
        }
        let a = try evaluate(threads: 1), b = try evaluate(threads: 3)
        XCTAssertEqual(a.map(\.value), b.map(\.value))
        XCTAssertEqual(a.map(\.standardError), b.map(\.standardError))
    }

    func testBadNeighbourhoodSizes() throws {
        let (x, y) = try synthetic(n: 20, d: 3, seed: 1)
        XCTAssertThrowsError(try NeighborhoodMetrics.trustworthiness(data: x, embedding: y, k: 10)) {
            guard case QualityError.invalidNeighborCount = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try NeighborhoodMetrics.trustworthiness(data: x, embedding: y, k: 0))
        XCTAssertThrowsError(try NeighborhoodMetrics.trustworthiness(data: x, embedding: y.selectingRows(0..<19), k: 3)) {
            XCTAssertEqual($0 as? QualityError, .rowCountMismatch(data: 20, embedding: 19))
        }
        XCTAssertNoThrow(try NeighborhoodMetrics.trustworthiness(data: x, embedding: y, k: 9))
    }
}
