import XCTest
@testable import Lab

final class LabSmokeTests: XCTestCase {
    func testModuleLinks() {
        XCTAssertEqual(LabModule.name, "Lab")
    }
}
