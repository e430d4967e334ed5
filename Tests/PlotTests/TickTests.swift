import XCTest
@testable import Plot

final class TickTests: XCTestCase {
    func values(_ t: [Tick]) -> [Double] { t.filter { !$0.isMinor }.map(\.value) }
    func labels(_ t: [Tick]) -> [String] { t.filter { !$0.isMinor }.map(\.label) }

    func testUnitRange() {
        let t = TickGenerator.linearTicks(0, 1, target: 5)
        XCTAssertEqual(values(t), [0, 0.2, 0.4, 0.6, 0.8, 1.0].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(labels(t), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    func testZeroToSevenPointThree() {
        let t = TickGenerator.linearTicks(0, 7.3, target: 6)
        XCTAssertEqual(values(t), [0, 2, 4, 6], accuracy: 1e-12)
        XCTAssertEqual(labels(t), ["0", "2", "4", "6"])
        let dense = TickGenerator.linearTicks(0, 7.3, target: 8)
        XCTAssertEqual(values(dense), [0, 1, 2, 3, 4, 5, 6, 7], accuracy: 1e-12)
    }

    func testNegativeToTenThousand() {
        let t = TickGenerator.linearTicks(-3, 1e4, target: 6)
        XCTAssertEqual(values(t), [0, 2000, 4000, 6000, 8000, 10000], accuracy: 1e-9)
        XCTAssertEqual(labels(t), ["0", "2000", "4000", "6000", "8000", "10000"])
        let neg = TickGenerator.linearTicks(-2.5, 2.5, target: 4)
        XCTAssertEqual(labels(neg).first, "\u{2212}2")
        XCTAssertTrue(labels(neg).contains("0"))
    }

    func testTinyAndDegenerateRanges() {
        let tiny = TickGenerator.linearTicks(1, 1 + 1e-6, target: 5)
        XCTAssertGreaterThanOrEqual(tiny.count, 2)
        XCTAssertEqual(Set(labels(tiny)).count, tiny.count, "labels must be distinct: \(labels(tiny))")
        for v in values(tiny) { XCTAssertTrue(v >= 1 - 1e-12 && v <= 1 + 1e-6 + 1e-12) }
        let small = TickGenerator.linearTicks(0, 3e-5, target: 3)
        XCTAssertEqual(Set(labels(small)).count, small.count)
        XCTAssertTrue(labels(small).contains { $0.contains("10⁻⁵") }, "\(labels(small))")
        // Equal ends are padded rather than collapsing.
        let flat = TickGenerator.linearTicks(5, 5)
        XCTAssertGreaterThanOrEqual(flat.count, 2)
        let (lo, hi) = TickGenerator.limits(5, 5, scale: .linear)
        XCTAssertLessThan(lo, 5); XCTAssertGreaterThan(hi, 5)
        let (z0, z1) = TickGenerator.limits(0, 0, scale: .linear)
        XCTAssertLessThan(z0, 0); XCTAssertGreaterThan(z1, 0)
        XCTAssertGreaterThanOrEqual(TickGenerator.linearTicks(.nan, .infinity).count, 2)
    }

    func testLogDecades() {
        let t = TickGenerator.logTicks(1, 1e5, target: 6)
        XCTAssertEqual(values(t), [1, 10, 100, 1e3, 1e4, 1e5], accuracy: 1e-9)
        XCTAssertEqual(labels(t), ["10⁰", "10¹", "10²", "10³", "10⁴", "10⁵"])
        let minor = t.filter(\.isMinor).map(\.value)
        XCTAssertEqual(minor.count, 8 * 5)
        XCTAssertTrue(minor.contains { abs($0 - 300) < 1e-9 })
        // Many decades: fewer labelled decades, no minor ticks.
        let wide = TickGenerator.logTicks(1e-10, 1e10, target: 6)
        XCTAssertLessThanOrEqual(values(wide).count, 7)
        XCTAssertEqual(labels(wide).first, "10⁻¹⁰")
        // Narrower than two decades: plain 1-2-5 labels.
        let narrow = TickGenerator.logTicks(2, 60, target: 6)
        XCTAssertEqual(labels(narrow), ["2", "5", "10", "20", "50"])
        XCTAssertTrue(narrow.contains { $0.isMinor && abs($0.value - 30) < 1e-9 })
        let twoDecades = TickGenerator.logTicks(5, 100, target: 6)
        XCTAssertEqual(labels(twoDecades), ["5", "10", "20", "50", "100"])
        let small = TickGenerator.logTicks(0.002, 0.09, target: 6)
        XCTAssertEqual(labels(small), ["0.002", "0.005", "0.01", "0.02", "0.05"])
    }

    func testSuperscriptAndNiceStep() {
        XCTAssertEqual(TickGenerator.superscript(-12), "⁻¹²")
        XCTAssertEqual(TickGenerator.niceStep(range: 10, target: 4), 2.5)
        XCTAssertEqual(TickGenerator.niceStep(range: 7.3, target: 6), 2)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
