import XCTest
@testable import Quality

final class QualitySmokeTests: XCTestCase {
    func testModuleLinks() {
        XCTAssertEqual(QualityModule.name, "Quality")
    }
}
