import XCTest
@testable import Linalg

final class BLASTests: XCTestCase {
    func testGemmSmallKnownProduct() throws {
        let a = try Matrix(rowArrays: [[1, 2, 3], [4, 5, 6]])
        let b = try Matrix(rowArrays: [[7, 8], [9, 10], [11, 12]])
        let c = try BLAS.multiply(a, b)
        XCTAssertEqual(c.storage, [58, 64, 139, 154])
        let ata = try BLAS.multiply(a, transposeA: true, a)
        XCTAssertEqual(ata.rows, 3)
        XCTAssertEqual(ata[0, 0], 17)
        XCTAssertEqual(ata[1, 2], 2 * 3 + 5 * 6)
    }

    func testGemmShapeMismatchThrows() throws {
        let a = try Matrix(rowArrays: [[1, 2]])
        XCTAssertThrowsError(try BLAS.multiply(a, a))
    }

    func testGramMatchesGemm() throws {
        var r = RandomStream(seed: 9)
        let a = try Matrix(rows: 50, cols: 7, storage: (0..<350).map { _ in Float(r.nextGaussian()) })
        var g = [Float](repeating: 0, count: 49)
        a.storage.withUnsafeBufferPointer { p in
            g.withUnsafeMutableBufferPointer { BLAS.gram(p.baseAddress!, rows: 50, cols: 7, into: $0.baseAddress!) }
        }
        let ref = try BLAS.multiply(a, transposeA: true, a)
        for i in 0..<49 { XCTAssertEqual(g[i], ref.storage[i], accuracy: 1e-4) }
    }

    /// Eigenpairs of a known symmetric matrix: [[2,1],[1,2]] has 3 (1,1)/√2 and 1 (1,-1)/√2.
    func testSymmetricEigenKnownCase() throws {
        let e = try SymmetricEigen(symmetric: [2, 1, 1, 2], n: 2)
        XCTAssertEqual(e.values[0], 3, accuracy: 1e-12)
        XCTAssertEqual(e.values[1], 1, accuracy: 1e-12)
        XCTAssertEqual(e.vectors[0], 1 / 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(e.vectors[1], 1 / 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(abs(e.vectors[2]), 1 / 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(e.vectors[2] + e.vectors[3], 0, accuracy: 1e-12)
    }

    func testSymmetricEigenLargestSubset() throws {
        // diag(1, 5, 3): the two largest are 5 and 3 with unit vectors e2, e3.
        let e = try SymmetricEigen(symmetric: [1, 0, 0, 0, 5, 0, 0, 0, 3], n: 3, largest: 2)
        XCTAssertEqual(e.values.count, 2)
        XCTAssertEqual(e.values[0], 5, accuracy: 1e-12)
        XCTAssertEqual(e.values[1], 3, accuracy: 1e-12)
        XCTAssertEqual(e.vectors[1], 1, accuracy: 1e-12)
        XCTAssertEqual(e.vectors[5], 1, accuracy: 1e-12)
    }

    func testSquaredEuclideanKernel() {
        let a: [Float] = (0..<19).map { Float($0) }
        let b: [Float] = (0..<19).map { Float($0) + 2 }
        let d = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
            Distance.squaredEuclidean(pa.baseAddress!, pb.baseAddress!, 19) } }
        XCTAssertEqual(d, 19 * 4)
    }
}
