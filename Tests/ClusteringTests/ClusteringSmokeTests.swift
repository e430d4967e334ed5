import XCTest
@testable import Clustering

final class ClusteringSmokeTests: XCTestCase {
    func testModuleLinks() {
        XCTAssertEqual(ClusteringModule.name, "Clustering")
    }
}
