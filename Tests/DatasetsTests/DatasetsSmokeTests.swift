import XCTest
@testable import Datasets

final class DatasetsSmokeTests: XCTestCase {
    func testModuleLinks() {
        XCTAssertEqual(DatasetsModule.name, "Datasets")
    }
}
