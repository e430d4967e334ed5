import XCTest
@testable import Datasets
@testable import Linalg

final class RandomProjectionTests: XCTestCase {
    private func data(_ n: Int, _ d: Int) throws -> Matrix {
        var rng = RandomStream(seed: 5, purpose: "test.projection.data")
        return try Matrix(rows: n, cols: d, storage: (0..<(n * d)).map { _ in Float(rng.nextGaussian()) })
    }

    func testShapeDeterminismAndSeed() throws {
        let x = try data(40, 30)
        let a = try RandomProjection.project(x, to: 64, seed: 1)
        XCTAssertEqual(a.rows, 40)
        XCTAssertEqual(a.cols, 64)
        XCTAssertEqual(a, try RandomProjection.project(x, to: 64, seed: 1))
        XCTAssertNotEqual(a, try RandomProjection.project(x, to: 64, seed: 2))
        // X R with R from `matrix`: one row against the definition.
        let r = try RandomProjection.matrix(inputDimension: 30, dimension: 64, seed: 1)
        for j in [0, 17, 63] {
            var s = 0.0
            for k in 0..<30 { s += Double(x[3, k]) * Double(r[k, j]) }
            XCTAssertEqual(Double(a[3, j]), s, accuracy: 1e-4)
        }
    }

    /// The entries are N(0, 1/d): mean ≈ 0 and variance ≈ 1/d over 30 · 4096 draws.
    func testEntriesHaveVarianceOneOverD() throws {
        let r = try RandomProjection.matrix(inputDimension: 30, dimension: 4096, seed: 9)
        let values = r.storage.map(Double.init)
        let n = Double(values.count)
        XCTAssertEqual(Statistics.mean(values), 0, accuracy: 5 * (1 / (4096 * n)).squareRoot())  // 5 standard errors
        XCTAssertEqual(Statistics.variance(values) * 4096, 1, accuracy: 5 * (2 / n).squareRoot())
    }

    /// Johnson–Lindenstrauss: at d = 1024 every pairwise squared distance of 30 points is kept
    /// within 25 % (its relative spread is √(2/d) ≈ 4.4 %; 435 pairs, fixed seed), and the mean
    /// ratio is 1 within 2 %.
    func testDistancesArePreserved() throws {
        let x = try data(30, 200)
        let y = try RandomProjection.project(x, to: 1024, seed: 3)
        var ratios: [Double] = []
        for i in 0..<30 { for j in (i + 1)..<30 {
            var dx = 0.0, dy = 0.0
            for k in 0..<200 { let t = Double(x[i, k] - x[j, k]); dx += t * t }
            for k in 0..<1024 { let t = Double(y[i, k] - y[j, k]); dy += t * t }
            ratios.append(dy / dx)
        } }
        XCTAssertLessThan(ratios.map { abs($0 - 1) }.max()!, 0.25)
        XCTAssertEqual(Statistics.mean(ratios), 1, accuracy: 0.02)
    }

    func testBadDimensionsAreErrors() throws {
        let x = try data(5, 4)
        for bad in [0, -3, 16_385] {
            XCTAssertThrowsError(try RandomProjection.project(x, to: bad, seed: 0)) { error in
                XCTAssertTrue("\(error)".contains("1...16384"), "\(error)")
            }
        }
    }
}
