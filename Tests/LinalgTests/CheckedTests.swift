import XCTest
@testable import Linalg

/// Checked conversions throw on every value `Int(_:)` would trap on.
final class CheckedTests: XCTestCase {
    func testIntAcceptsWholeNumbersInRange() throws {
        XCTAssertEqual(try Checked.int(40, "bins", in: 1...10_000), 40)
        XCTAssertEqual(try Checked.int(-3, "x"), -3)
        XCTAssertEqual(try Checked.rounded(2.5, "x", in: 0...10), 3)
        XCTAssertEqual(try Checked.rounded(2.9, "x", in: 0...10, rule: .towardZero), 2)
        XCTAssertEqual(try Checked.double(0.5, "alpha", in: 0...1), 0.5)
    }

    func testExtremeValuesThrowInsteadOfTrapping() {
        for x in [1e300, -1e300, .nan, .infinity, -.infinity, 9.3e18, -9.3e18, 2.5] {
            XCTAssertThrowsError(try Checked.int(x, "bins"), "\(x)") { error in
                XCTAssertTrue("\(error)".hasPrefix("bins = "), "\(error)")
            }
        }
        XCTAssertThrowsError(try Checked.int(-1, "bins", in: 1...10))
        XCTAssertThrowsError(try Checked.rounded(1e300, "width"))
        XCTAssertThrowsError(try Checked.rounded(.nan, "width"))
        XCTAssertThrowsError(try Checked.double(.nan, "alpha", in: 0...1))
        XCTAssertThrowsError(try Checked.double(2, "alpha", in: 0...1))
    }

    func testSizesDoNotOverflow() throws {
        XCTAssertEqual(try Checked.product(1000, 784, "size"), 784_000)
        XCTAssertThrowsError(try Checked.product(Int.max / 2, 3, "size"))
        XCTAssertThrowsError(try Checked.product(-1, 3, "size"))
        XCTAssertThrowsError(try Checked.product(70_000, 70_000, "size", atMost: 1 << 31))
        XCTAssertEqual(try Checked.int32(5, "n"), 5)
        XCTAssertThrowsError(try Checked.int32(1 << 40, "n"))
    }
}
