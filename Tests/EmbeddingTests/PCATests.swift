import XCTest
@testable import Embedding
@testable import Linalg

final class PCATests: XCTestCase {
    /// Four points ±3·u and ±1·w along orthonormal u, w rotated by 30°: the
    /// covariance is 6 u uᵀ + (2/3) w wᵀ, so the axes are u and w exactly.
    func testAxesOfAKnownCovariance() throws {
        let c = Float(cos(Double.pi / 6)), s = Float(sin(Double.pi / 6))
        let u: [Float] = [c, s], w: [Float] = [-s, c]
        let rows: [[Float]] = [[3 * u[0], 3 * u[1]], [-3 * u[0], -3 * u[1]], [w[0], w[1]], [-w[0], -w[1]]]
        let shifted = rows.map { [$0[0] + 10, $0[1] - 5] }  // a non-zero mean must be removed
        let data = try Matrix(rowArrays: shifted)
        let model = try PCA(nComponents: 2, solver: .covariance).fitModel(data, seed: 0)
        XCTAssertEqual(model.explainedVariance[0], 6, accuracy: 1e-5)
        XCTAssertEqual(model.explainedVariance[1], 2.0 / 3.0, accuracy: 1e-5)
        XCTAssertEqual(model.mean[0], 10, accuracy: 1e-6)
        XCTAssertEqual(abs(model.components[0]), Double(c), accuracy: 1e-5)
        XCTAssertEqual(abs(model.components[1]), Double(s), accuracy: 1e-5)
        XCTAssertEqual(model.explainedVarianceRatio.reduce(0, +), 1, accuracy: 1e-6)
        let y = try model.transform(data)
        XCTAssertEqual(abs(y[0, 0]), 3, accuracy: 1e-4)
        XCTAssertEqual(abs(y[0, 1]), 0, accuracy: 1e-4)
        XCTAssertEqual(abs(y[2, 1]), 1, accuracy: 1e-4)
    }

    func testRandomizedSolverMatchesCovarianceSolver() throws {
        var rng = RandomStream(seed: 11)
        let n = 400, d = 60
        // Low-rank signal (rank 3 with distinct scales) plus small noise.
        var values = [Float](repeating: 0, count: n * d)
        let basis = (0..<(3 * d)).map { _ in rng.nextGaussian() }
        for i in 0..<n {
            let z = [rng.nextGaussian() * 5, rng.nextGaussian() * 3, rng.nextGaussian() * 1.5]
            for j in 0..<d {
                var v = 0.0
                for r in 0..<3 { v += z[r] * basis[r * d + j] }
                values[i * d + j] = Float(v + 0.01 * rng.nextGaussian())
            }
        }
        let data = try Matrix(rows: n, cols: d, storage: values)
        let exact = try PCA(nComponents: 3, solver: .covariance).fitModel(data, seed: 1)
        let approx = try PCA(nComponents: 3, solver: .randomized).fitModel(data, seed: 1)
        for k in 0..<3 {
            XCTAssertEqual(approx.explainedVariance[k] / exact.explainedVariance[k], 1, accuracy: 1e-3)
            var dot = 0.0
            for j in 0..<d { dot += approx.components[k * d + j] * exact.components[k * d + j] }
            XCTAssertEqual(abs(dot), 1, accuracy: 1e-3)
        }
    }

    func testOutputIndependentOfThreadCount() throws {
        var rng = RandomStream(seed: 2)
        let data = try Matrix(rows: 9_000, cols: 20, storage: (0..<180_000).map { _ in Float(rng.nextGaussian()) })
        let one = try Parallel.withThreadCount(1) { try PCA().fit(data, labels: nil, seed: 0, progress: nil).embedding }
        let two = try Parallel.withThreadCount(2) { try PCA().fit(data, labels: nil, seed: 0, progress: nil).embedding }
        XCTAssertEqual(one.storage.map(\.bitPattern), two.storage.map(\.bitPattern))
    }

    func testBadInputIsAnError() throws {
        let tiny = try Matrix(rowArrays: [[1, 2]])
        XCTAssertThrowsError(try PCA().fitModel(tiny, seed: 0))
        let nan = try Matrix(rowArrays: [[1, .nan], [2, 3], [4, 5]])
        XCTAssertThrowsError(try PCA().fitModel(nan, seed: 0))
        let ok = try Matrix(rowArrays: [[1, 2], [2, 3], [4, 5]])
        XCTAssertThrowsError(try PCA(nComponents: 3).fitModel(ok, seed: 0))
        XCTAssertThrowsError(try PCA(parameters: ["n_components": .number(0)]))
        XCTAssertThrowsError(try PCA(parameters: ["components": .number(2)]))
    }

    /// Above `PCA.centredCopyLimit` values the initial projection takes its axes from the chunked
    /// covariance instead of one Gram product of a centred copy: the same projection up to float
    /// rounding and each axis's sign; and both are the data's projection on `fitModel`'s axes.
    func testInitialProjectionWithoutTheCentredCopy() throws {
        var rng = RandomStream(seed: 5)
        let n = 3_000, d = 12
        // Anisotropic data with a shifted mean, so that both the axes and the centring matter.
        let data = try Matrix(rows: n, cols: d, storage: (0..<n * d).map { i in
            Float(rng.nextGaussian() * Double(d - i % d) + Double(i % d))
        })
        let copied = try XCTUnwrap(PCA.initialProjection(data, components: 2))
        let inPlace = try XCTUnwrap(PCA.initialProjection(data, components: 2, centredCopyLimit: 0))
        let model = try PCA(nComponents: 2, solver: .covariance).fitModel(data, seed: 0)
        let projected = try model.transform(data)
        for r in 0..<2 {
            var dot = 0.0, norm = 0.0
            for i in 0..<n { dot += copied[i * 2 + r] * inPlace[i * 2 + r]; norm += copied[i * 2 + r] * copied[i * 2 + r] }
            let sign = dot < 0 ? -1.0 : 1.0
            var worst = 0.0, worstModel = 0.0
            for i in 0..<n {
                worst = max(worst, abs(copied[i * 2 + r] - sign * inPlace[i * 2 + r]))
                let m = Double(projected.storage[i * 2 + r])
                worstModel = max(worstModel, min(abs(copied[i * 2 + r] - m), abs(copied[i * 2 + r] + m)))
            }
            let scale = (norm / Double(n)).squareRoot()
            XCTAssertLessThan(worst / scale, 1e-4, "axis \(r)")
            XCTAssertLessThan(worstModel / scale, 1e-4, "axis \(r) against fitModel")
        }
    }
}
