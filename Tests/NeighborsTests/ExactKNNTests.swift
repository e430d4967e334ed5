import XCTest
@testable import Neighbors
@testable import Linalg

final class ExactKNNTests: XCTestCase {
    func testPointsOnALine() throws {
        let data = try Matrix(rowArrays: [[0], [1], [3], [7]])
        let g = try ExactKNN.euclidean(data, k: 2, includeSelf: false)
        XCTAssertEqual(Array(g.neighbors(of: 0)), [1, 2])
        XCTAssertEqual(Array(g.neighbors(of: 3)), [2, 1])
        XCTAssertEqual(Array(g.neighborDistances(of: 2)), [2, 3])
        let s = try ExactKNN.euclidean(data, k: 2, includeSelf: true)
        XCTAssertEqual(Array(s.neighbors(of: 2)), [2, 1])
    }

    func testTooFewPointsIsAnError() throws {
        let data = try Matrix(rowArrays: [[0], [1]])
        XCTAssertThrowsError(try ExactKNN.euclidean(data, k: 2, includeSelf: false))
    }
}
