import XCTest
import Linalg
@testable import Clustering

final class ClusteringBehaviourTests: XCTestCase {
    func blobs(n: Int, seed: UInt64) throws -> (Matrix, [Int]) {
        var rng = RandomStream(seed: seed)
        let centres: [[Float]] = [[0, 0], [6, 0], [0, 6], [6, 6]]
        var rows: [[Float]] = [], labels: [Int] = []
        for i in 0..<n {
            let c = i % 4
            rows.append([centres[c][0] + Float(rng.nextGaussian()), centres[c][1] + Float(rng.nextGaussian())])
            labels.append(c)
        }
        return (try Matrix(rowArrays: rows), labels)
    }

    func testKMeansPlusPlusFindsBlobsAndIsDeterministic() throws {
        let (x, truth) = try blobs(n: 400, seed: 2)
        let a = try Parallel.withThreadCount(1) { try KMeans.fit(x, k: 4, nInit: 3, seed: 5) }
        let b = try Parallel.withThreadCount(3) { try KMeans.fit(x, k: 4, nInit: 3, seed: 5) }
        XCTAssertEqual(a, b)
        XCTAssertGreaterThan(try ClusterAgreement.adjustedRandIndex(truth, a.labels), 0.95)
        let e = try KMeans.fit(x, k: 4, nInit: 3, algorithm: .elkan, seed: 5)
        XCTAssertEqual(e.labels, a.labels)
        XCTAssertEqual(e.inertia, a.inertia, accuracy: 1e-9 * a.inertia)
    }

    func testEmptyClustersAreReseededNotNaN() throws {
        let (x, _) = try blobs(n: 40, seed: 3)
        // Two initial centres far away from every point: they start empty.
        let r = try KMeans.fit(x, k: 3, initialCenters: [3, 3, 1000, 1000, -1000, 1000], seed: 1)
        XCTAssertFalse(r.centers.contains { !$0.isFinite })
        XCTAssertEqual(Set(r.labels).count, 3)
        XCTAssertFalse(r.notes.isEmpty)
        let g = try GaussianMixture.fit(x, options: .init(components: 3, covarianceType: .full,
                                                          initialMeans: [3, 3, 1000, 1000, -1000, 1000]), seed: 1)
        XCTAssertFalse(g.means.contains { !$0.isFinite })
        XCTAssertTrue(try g.score(x).isFinite)
        XCTAssertFalse(g.notes.isEmpty)
    }

    func testSingularCovarianceIsRegularisedWithANote() throws {
        // Points on a line: the full covariance of each component is singular without regularisation.
        let rows: [[Float]] = (0..<30).map { i in [Float(i % 10), 2 * Float(i % 10)] }
        let x = try Matrix(rowArrays: rows)
        let g = try GaussianMixture.fit(x, options: .init(components: 2, covarianceType: .full, regCovar: 0), seed: 1)
        XCTAssertTrue(try g.score(x).isFinite)
        XCTAssertTrue(g.notes.contains { $0.contains("singular") })
    }

    func testBadInput() throws {
        let (x, labels) = try blobs(n: 12, seed: 1)
        XCTAssertThrowsError(try KMeans.fit(x, k: 13, seed: 1)) { XCTAssertEqual($0 as? ClusteringError, .tooManyClusters(k: 13, n: 12)) }
        XCTAssertThrowsError(try GaussianMixture.fit(x, options: .init(components: 20), seed: 1)) {
            XCTAssertEqual($0 as? ClusteringError, .tooManyClusters(k: 20, n: 12))
        }
        XCTAssertThrowsError(try Silhouette.score(x, labels: Array(labels.prefix(5)))) {
            XCTAssertEqual($0 as? ClusteringError, .labelCountMismatch(labels: 5, points: 12))
        }
        XCTAssertThrowsError(try Silhouette.score(x, labels: [Int](repeating: 0, count: 12)))
        XCTAssertThrowsError(try CovarianceType(parsing: "round"))
        XCTAssertEqual(try CovarianceType(parsing: "Diagonal"), .diag)
    }
}
