import XCTest
@testable import Plot

final class PlotSmokeTests: XCTestCase {
    func testModuleLinks() {
        XCTAssertEqual(PlotModule.name, "Plot")
    }
}
