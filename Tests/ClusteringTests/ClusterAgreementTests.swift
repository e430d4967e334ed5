import XCTest
@testable import Clustering

final class ClusterAgreementSanityTests: XCTestCase {
    func testIdenticalLabelingsScoreOne() throws {
        let a = [0, 0, 1, 1, 2, 2, 2]
        let b = [5, 5, 3, 3, 9, 9, 9]
        XCTAssertEqual(try ClusterAgreement.adjustedRandIndex(a, b), 1, accuracy: 1e-12)
        XCTAssertEqual(try ClusterAgreement.adjustedMutualInformation(a, b), 1, accuracy: 1e-12)
        XCTAssertThrowsError(try ClusterAgreement.adjustedRandIndex(a, [0]))
    }
}
