import XCTest
@testable import Datasets
@testable import Linalg

final class NestedSubsampleTests: XCTestCase {
    let labels = (0..<1000).map { $0 % 7 == 0 ? 3 : $0 % 3 }  // unequal classes 0, 1, 2, 3

    func testGrowingFractionsAreNested() throws {
        var previous: Set<Int> = []
        for step in 1...10 {
            let rows = try Preprocessing.nestedSubsampleIndices(total: 1000, fraction: Double(step) / 10, labels: labels, seed: 42)
            XCTAssertEqual(rows, rows.sorted())
            XCTAssertEqual(Set(rows).count, rows.count)
            XCTAssertTrue(previous.isSubset(of: Set(rows)), "fraction \(step)/10 does not contain the smaller one")
            previous = Set(rows)
        }
        XCTAssertEqual(previous, Set(0..<1000))
    }

    func testStratifiedCountsAndDeterminism() throws {
        let rows = try Preprocessing.nestedSubsampleIndices(total: 1000, fraction: 0.25, labels: labels, seed: 7)
        XCTAssertEqual(rows, try Preprocessing.nestedSubsampleIndices(total: 1000, fraction: 0.25, labels: labels, seed: 7))
        XCTAssertNotEqual(rows, try Preprocessing.nestedSubsampleIndices(total: 1000, fraction: 0.25, labels: labels, seed: 8))
        for c in 0...3 {
            let size = labels.filter { $0 == c }.count
            let kept = rows.filter { labels[$0] == c }.count
            XCTAssertEqual(kept, Int((0.25 * Double(size)).rounded(.toNearestOrAwayFromZero)), "class \(c)")
        }
        // Without labels: one class, so exactly round(f · n) rows, still nested.
        let small = try Preprocessing.nestedSubsampleIndices(total: 10, fraction: 0.35, labels: nil, seed: 1)
        let large = try Preprocessing.nestedSubsampleIndices(total: 10, fraction: 0.55, labels: nil, seed: 1)
        XCTAssertEqual(small.count, 4)
        XCTAssertEqual(large.count, 6)
        XCTAssertTrue(Set(small).isSubset(of: Set(large)))
    }

    func testBadFractionsAreErrors() {
        for bad in [0, -0.1, 1.5, .nan, .infinity] {
            XCTAssertThrowsError(try Preprocessing.nestedSubsampleIndices(total: 10, fraction: bad, labels: nil, seed: 0), "\(bad)")
        }
        XCTAssertThrowsError(try Preprocessing.nestedSubsampleIndices(total: 10, fraction: 0.01, labels: nil, seed: 0)) { error in
            XCTAssertTrue("\(error)".contains("keeps no row"), "\(error)")
        }
        XCTAssertThrowsError(try Preprocessing.nestedSubsampleIndices(total: 10, fraction: 0.5, labels: [1, 2], seed: 0))
    }
}
