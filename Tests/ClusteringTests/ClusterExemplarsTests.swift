import XCTest
import Linalg
@testable import Clustering

final class ClusterExemplarsTests: XCTestCase {
    /// Cluster 0: points 0, 2, 4, 6 at x = 0, 1, 3, 8 (mean 3); cluster 1: points 1, 3 at x = 10, 14
    /// (mean 12, both at distance 2: the tie goes to the smaller row); point 5 is noise.
    func testNearestMembersOfEachClusterCentre() throws {
        let x = try Matrix(rows: 7, cols: 1, storage: [0, 10, 1, 14, 3, 99, 8])
        let found = try ClusterExemplars.nearest(x, clusters: [0, 1, 0, 1, 0, -1, 0], count: 3)
        XCTAssertEqual(found.map(\.label), [0, 1])
        XCTAssertEqual(found.map(\.size), [4, 2])
        XCTAssertEqual(found[0].centre, [3])
        // Distances to 3: row 4 → 0, row 2 → 2, row 0 → 3, row 6 → 5.
        XCTAssertEqual(found[0].members, [4, 2, 0])
        XCTAssertEqual(found[1].centre, [12])
        XCTAssertEqual(found[1].members, [1, 3])
    }

    /// In two dimensions, against a brute-force ranking of every member.
    func testMembersAreTheNearestByBruteForce() throws {
        var rng = RandomStream(seed: 9)
        let n = 300
        let x = try Matrix(rows: n, cols: 2, storage: (0..<(2 * n)).map { _ in Float(rng.nextGaussian()) })
        let clusters = (0..<n).map { $0 % 4 - 1 }  // −1 (noise), 0, 1, 2
        let found = try ClusterExemplars.nearest(x, clusters: clusters, count: 5)
        XCTAssertEqual(found.map(\.label), [0, 1, 2])
        for cluster in found {
            let members = (0..<n).filter { clusters[$0] == cluster.label }
            let mean = (0..<2).map { t in members.reduce(0.0) { $0 + Double(x[$1, t]) } / Double(members.count) }
            let ranked = members.sorted { a, b in
                let da = (0..<2).reduce(0.0) { $0 + pow(Double(x[a, $1]) - mean[$1], 2) }
                let db = (0..<2).reduce(0.0) { $0 + pow(Double(x[b, $1]) - mean[$1], 2) }
                return da < db || (da == db && a < b)
            }
            XCTAssertEqual(cluster.members, Array(ranked.prefix(5)))
        }
    }

    func testBadInput() throws {
        let x = try Matrix(rows: 3, cols: 1, storage: [0, 1, 2])
        XCTAssertThrowsError(try ClusterExemplars.nearest(x, clusters: [0, 0], count: 1))
        XCTAssertThrowsError(try ClusterExemplars.nearest(x, clusters: [0, 0, 0], count: 0))
        XCTAssertEqual(try ClusterExemplars.nearest(x, clusters: [-1, -1, -1], count: 2), [])
    }
}
