import XCTest
@testable import Quality
@testable import Neighbors
@testable import Linalg

final class BlockTrustworthinessTests: XCTestCase {
    /// With a vector block under the Euclidean metric, the block trustworthiness is the ordinary one.
    func testEqualsOrdinaryTrustworthinessForEuclideanBlocks() throws {
        var rng = RandomStream(seed: 5)
        let n = 120
        let data = try Matrix(rows: n, cols: 4, storage: (0..<n * 4).map { _ in Float(rng.nextGaussian()) })
        let embedding = try Matrix(rows: n, cols: 2, storage: (0..<n).flatMap { i in [data[i, 0] + 0.3 * Float(rng.nextGaussian()), data[i, 1]] })
        for k in [5, 15] {
            let ordinary = try NeighborhoodMetrics.trustworthiness(data: data, embedding: embedding, k: k)
            let block = try NeighborhoodMetrics.trustworthiness(block: .vectors(data, .euclidean), embedding: embedding, k: k)
            XCTAssertEqual(block, ordinary, accuracy: 1e-12)
        }
    }

    /// Known answers: an embedding that keeps the edit-distance order is perfectly trustworthy;
    /// the check fails when it does not.
    func testEditDistanceOrder() throws {
        let words = ["a", "aa", "aaa", "aaaa", "aaaaa", "aaaaaa", "aaaaaaa", "aaaaaaaa"]
        let line = try Matrix(rows: 8, cols: 1, storage: (0..<8).map(Float.init))
        XCTAssertEqual(try NeighborhoodMetrics.trustworthiness(block: .strings(words), embedding: line, k: 2), 1, accuracy: 1e-12)
        let shuffled = try Matrix(rows: 8, cols: 1, storage: [0, 7, 1, 6, 2, 5, 3, 4])
        XCTAssertLessThan(try NeighborhoodMetrics.trustworthiness(block: .strings(words), embedding: shuffled, k: 2), 0.9)
    }
}
