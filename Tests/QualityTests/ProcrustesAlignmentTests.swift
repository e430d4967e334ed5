import XCTest
@testable import Linalg
@testable import Quality

final class ProcrustesAlignmentTests: XCTestCase {
    /// A seeded 2-D or 3-D point cloud.
    private func cloud(_ n: Int, _ c: Int, seed: UInt64) throws -> Matrix {
        var rng = RandomStream(seed: seed, purpose: "test.procrustes")
        return try Matrix(rows: n, cols: c, storage: (0..<(n * c)).map { _ in Float(rng.nextGaussian()) })
    }

    /// s · X R + t for a rotation by `angle` in the first two axes, optionally reflected.
    private func similar(_ x: Matrix, angle: Double, scale: Double, shift: [Double], reflect: Bool) throws -> Matrix {
        var out = x
        for i in 0..<x.rows {
            let a = Double(x[i, 0]), b = Double(x[i, 1]) * (reflect ? -1 : 1)
            out[i, 0] = Float(scale * (cos(angle) * a - sin(angle) * b) + shift[0])
            out[i, 1] = Float(scale * (sin(angle) * a + cos(angle) * b) + shift[1])
            for j in 2..<x.cols { out[i, j] = Float(scale * Double(x[i, j]) + shift[j]) }
        }
        return out
    }

    func testSubsampleOfASimilarCopyHasDistanceZero() throws {
        let full = try cloud(200, 2, seed: 1)
        let rows = Array(stride(from: 0, to: 200, by: 3))
        for reflect in [false, true] {
            let copy = try similar(full, angle: 0.7, scale: 3.5, shift: [10, -4], reflect: reflect)
            let alignment = try Procrustes.align(copy.selectingRows(rows), onto: full.selectingRows(rows))
            XCTAssertEqual(alignment.meanDistance, 0, accuracy: 1e-5, "reflect \(reflect)")
            // The aligned copy is the normalised reference point by point.
            for i in 0..<rows.count { for j in 0..<2 {
                XCTAssertEqual(alignment.aligned[i, j], alignment.reference[i, j], accuracy: 1e-4)
            } }
        }
    }

    func testThreeDimensionsAndTheNormalisedReference() throws {
        let full = try cloud(150, 3, seed: 2)
        let copy = try similar(full, angle: -2.1, scale: 0.01, shift: [1, 2, 3], reflect: true)
        let alignment = try Procrustes.align(copy, onto: full)
        XCTAssertEqual(alignment.meanDistance, 0, accuracy: 1e-5)
        // The reference is centred with unit RMS radius, and (x − centroid) · scale maps onto it.
        var sq = 0.0, mean = [0.0, 0.0, 0.0]
        for i in 0..<150 { for j in 0..<3 { let v = Double(alignment.reference[i, j]); sq += v * v; mean[j] += v / 150 } }
        XCTAssertEqual(sq / 150, 1, accuracy: 1e-5)
        for m in mean { XCTAssertEqual(m, 0, accuracy: 1e-6) }
        for i in [0, 77, 149] { for j in 0..<3 {
            let mapped = (Double(full[i, j]) - alignment.referenceCentroid[j]) * alignment.referenceScale
            XCTAssertEqual(mapped, Double(alignment.reference[i, j]), accuracy: 1e-5)
        } }
    }

    /// An alignment that cannot be exact (a square, and the square with one corner moved): the
    /// mean distance equals a brute-force search over rotation/reflection angles with the
    /// least-squares scale, and the residual agrees with scipy's disparity.
    func testKnownAnswerForAnAlignmentThatCannotBeExact() throws {
        let a = try Matrix(rowArrays: [[1, 0], [0, 1], [-1, 0], [0, -1]])
        let b = try Matrix(rowArrays: [[1, 0], [0, 1], [-1, 0], [0, -2]])
        let alignment = try Procrustes.align(b, onto: a)
        // Brute force: centred b, every rotation/reflection angle, least-squares scale.
        let bm = b.columnMeans()
        let yb = (0..<4).map { [Double(b[$0, 0]) - bm[0], Double(b[$0, 1]) - bm[1]] }
        var best = Double.infinity, bestMean = 0.0
        for reflect in [1.0, -1.0] {
            for step in 0..<20_000 {
                let t = Double(step) / 20_000 * 2 * .pi
                let r = yb.map { [cos(t) * $0[0] - sin(t) * reflect * $0[1], sin(t) * $0[0] + cos(t) * reflect * $0[1]] }
                var num = 0.0, den = 0.0
                for i in 0..<4 { num += r[i][0] * Double(a[i, 0]) + r[i][1] * Double(a[i, 1]); den += r[i][0] * r[i][0] + r[i][1] * r[i][1] }
                let s = num / den
                var sse = 0.0, dist = 0.0
                for i in 0..<4 {
                    let dx = s * r[i][0] - Double(a[i, 0]), dy = s * r[i][1] - Double(a[i, 1])
                    sse += dx * dx + dy * dy; dist += (dx * dx + dy * dy).squareRoot()
                }
                if sse < best { best = sse; bestMean = dist / 4 }
            }
        }
        XCTAssertGreaterThan(alignment.meanDistance, 0.05)
        XCTAssertEqual(alignment.meanDistance, bestMean, accuracy: 1e-3)
        // The least-squares residual agrees with the disparity of scipy's normalisation:
        // residual / ‖A‖² = disparity (both are 1 − (tr Σ)² / (‖A‖²‖B‖²)).
        var sse = 0.0
        for i in 0..<4 { for j in 0..<2 { let d = Double(alignment.aligned[i, j] - alignment.reference[i, j]); sse += d * d } }
        XCTAssertEqual(sse / 4, try Procrustes.disparity(a, b), accuracy: 1e-6)
    }

    func testConstantAndBadInputs() throws {
        let a = try cloud(10, 2, seed: 3)
        let constant = Matrix(rows: 10, cols: 2, repeating: 5)
        // A constant configuration aligns to the centroid: distance = mean radius of the reference.
        let alignment = try Procrustes.align(constant, onto: a)
        var radius = 0.0
        for i in 0..<10 { radius += (Double(alignment.reference[i, 0]) * Double(alignment.reference[i, 0])
                                     + Double(alignment.reference[i, 1]) * Double(alignment.reference[i, 1])).squareRoot() }
        XCTAssertEqual(alignment.meanDistance, radius / 10, accuracy: 1e-6)
        XCTAssertThrowsError(try Procrustes.align(a, onto: constant))
        XCTAssertThrowsError(try Procrustes.align(a, onto: try cloud(11, 2, seed: 3)))
        var nan = a
        nan[4, 1] = .nan
        XCTAssertThrowsError(try Procrustes.align(nan, onto: a))
    }
}
