import XCTest
@testable import Linalg
@testable import Quality

final class RadiusCorrelationTests: XCTestCase {
    /// 2-D points whose density falls off with the distance from the origin.
    func spreadingPoints(_ n: Int, seed: UInt64) -> Matrix {
        var rng = RandomStream(seed: seed)
        var values: [Float] = []
        for _ in 0..<n {
            let r = rng.nextDouble() * 3
            let scale = Float(0.2 + r * r)
            values += [Float(rng.nextGaussian()) * scale, Float(rng.nextGaussian()) * scale]
        }
        return try! Matrix(rows: n, cols: 2, storage: values)
    }

    func testAnEmbeddingEqualToTheDataScoresOne() throws {
        let x = spreadingPoints(300, seed: 1)
        XCTAssertEqual(try RadiusCorrelation.compute(data: x, embedding: x, k: 15, seed: 0), 1, accuracy: 1e-12)
    }

    /// Scaling multiplies every radius by the same factor: log radii shift by a constant
    /// (up to the ε = 1e-8 inside the logarithm), so the correlation stays.
    func testInvariantToScaleAndSensitiveToShuffling() throws {
        let x = spreadingPoints(300, seed: 2)
        let scaled = try Matrix(rows: x.rows, cols: 2, storage: x.storage.map { $0 * 7 })
        XCTAssertEqual(try RadiusCorrelation.compute(data: x, embedding: scaled, k: 10, seed: 0), 1, accuracy: 1e-6)
        // The same points in another order: radii no longer belong to their points.
        var shuffled: [Float] = []
        for i in 0..<x.rows { let j = (i * 7 + 3) % x.rows; shuffled += [x[j, 0], x[j, 1]] }
        let other = try Matrix(rows: x.rows, cols: 2, storage: shuffled)
        XCTAssertLessThan(abs(try RadiusCorrelation.compute(data: x, embedding: other, k: 10, seed: 0)), 0.3)
    }

    func testParsesAndRejectsBadK() throws {
        XCTAssertEqual(try QualityMetric(parsing: "radius-correlation"), .radiusCorrelation(k: 15))
        XCTAssertEqual(try QualityMetric(parsing: "radius-correlation@8").name, "radius-correlation@8")
        let x = spreadingPoints(20, seed: 3)
        XCTAssertThrowsError(try RadiusCorrelation.compute(data: x, embedding: x, k: 20, seed: 0))
        XCTAssertThrowsError(try RadiusCorrelation.compute(data: x, embedding: x, k: 1, seed: 0))
    }
}
