import XCTest
@testable import Plot

final class CanvasTests: XCTestCase {
    func assertColor(_ c: Color, _ r: Double, _ g: Double, _ b: Double, accuracy: Double = 0.01,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(c.r, r, accuracy: accuracy, file: file, line: line)
        XCTAssertEqual(c.g, g, accuracy: accuracy, file: file, line: line)
        XCTAssertEqual(c.b, b, accuracy: accuracy, file: file, line: line)
    }

    func testFilledCircleKnownPixels() throws {
        for radius in [3.0, 20.0] {  // stamp path and analytic path
            var c = try Canvas(width: 64, height: 64)
            c.fillCircle(center: Point(32, 32), radius: radius, color: Color(hex: 0x0072B2))
            assertColor(c.color(atX: 31, y: 31), 0, 0x72 / 255.0, 0xB2 / 255.0)
            assertColor(c.color(atX: 32, y: 32), 0, 0x72 / 255.0, 0xB2 / 255.0)
            assertColor(c.color(atX: 0, y: 0), 1, 1, 1)
            assertColor(c.color(atX: 32 + Int(radius) + 2, y: 32), 1, 1, 1)
            // Total coverage ≈ disc area.
            var covered = 0.0
            for y in 0..<64 { for x in 0..<64 { covered += 1 - c.color(atX: x, y: y).r } }
            XCTAssertEqual(covered, Double.pi * radius * radius, accuracy: Double.pi * radius * radius * 0.03)
            // An edge pixel is partially covered (anti-aliasing).
            var partial = 0
            for y in 0..<64 { for x in 0..<64 where c.color(atX: x, y: y).r > 0.05 && c.color(atX: x, y: y).r < 0.95 { partial += 1 } }
            XCTAssertGreaterThan(Double(partial), 2 * Double.pi * radius * 0.3)
            XCTAssertLessThan(Double(partial), 2 * Double.pi * radius * 2)
        }
    }

    func testAlphaCompositing() throws {
        var c = try Canvas(width: 4, height: 4)
        c.fillRect(Rect(x: 0, y: 0, width: 4, height: 4), color: Color(r: 1, g: 0, b: 0, a: 0.5))
        assertColor(c.color(atX: 1, y: 1), 1, 0.5, 0.5)
        c.fillRect(Rect(x: 0, y: 0, width: 4, height: 4), color: Color(r: 0, g: 0, b: 1, a: 0.5))
        assertColor(c.color(atX: 1, y: 1), 0.5, 0.25, 0.75)
        var t = try Canvas(width: 2, height: 2, background: .transparent)
        t.fillRect(Rect(x: 0, y: 0, width: 2, height: 2), color: Color(r: 0, g: 1, b: 0, a: 0.5))
        let px = t.color(atX: 0, y: 0)
        XCTAssertEqual(px.a, 0.5, accuracy: 1e-6)
        XCTAssertEqual(px.g, 1, accuracy: 1e-6)
    }

    func testClipConfinesDrawing() throws {
        var c = try Canvas(width: 40, height: 40)
        c.clip = Rect(x: 10, y: 10, width: 20, height: 20)
        c.fillCircle(center: Point(10, 10), radius: 8, color: .black)
        c.strokeLine(from: Point(0, 35), to: Point(40, 35), lineWidth: 3, color: .black)
        assertColor(c.color(atX: 8, y: 8), 1, 1, 1)     // outside clip: untouched
        assertColor(c.color(atX: 12, y: 12), 0, 0, 0)   // inside clip: drawn
        assertColor(c.color(atX: 20, y: 35), 1, 1, 1)
    }

    func testTranslucentPolylineDoesNotDarkenAtJoins() throws {
        var c = try Canvas(width: 60, height: 60)
        let color = Color(r: 0, g: 0, b: 0, a: 0.5)
        c.strokePolyline([Point(5, 30), Point(30, 30), Point(30, 5)], lineWidth: 4, color: color)
        let join = c.color(atX: 30, y: 30).r
        let middle = c.color(atX: 15, y: 30).r
        XCTAssertEqual(join, middle, accuracy: 0.01)
        XCTAssertEqual(middle, 0.5, accuracy: 0.02)
    }

    func testDashedLineHasGaps() throws {
        var c = try Canvas(width: 100, height: 10)
        c.strokeLine(from: Point(0, 5), to: Point(100, 5), lineWidth: 2, color: .black, dash: [10, 10])
        XCTAssertLessThan(c.color(atX: 5, y: 5).r, 0.1)
        XCTAssertGreaterThan(c.color(atX: 15, y: 4).r, 0.9)
        XCTAssertLessThan(c.color(atX: 25, y: 5).r, 0.1)
    }

    func testPolygonCoverageMatchesArea() throws {
        var c = try Canvas(width: 50, height: 50)
        // Right triangle with legs 30: area 450.
        c.fillPolygon([Point(10.3, 10.7), Point(40.3, 10.7), Point(10.3, 40.7)], color: .black)
        var covered = 0.0
        for y in 0..<50 { for x in 0..<50 { covered += 1 - c.color(atX: x, y: y).r } }
        XCTAssertEqual(covered, 450, accuracy: 5)
    }

    func testStrokeCircleIsRing() throws {
        var c = try Canvas(width: 60, height: 60)
        c.strokeCircle(center: Point(30, 30), radius: 20, lineWidth: 2, color: .black)
        assertColor(c.color(atX: 30, y: 30), 1, 1, 1)
        XCTAssertLessThan(c.color(atX: 49, y: 30).r, 0.3)
    }

    func testInvalidCanvasSizeThrows() {
        XCTAssertThrowsError(try Canvas(width: 0, height: 10))
        XCTAssertThrowsError(try Canvas(width: 10, height: 100_000))
    }

    func testNonFiniteCoordinatesAreIgnored() throws {
        var c = try Canvas(width: 10, height: 10)
        c.fillCircle(center: Point(.nan, 3), radius: 2, color: .black)
        c.strokePolyline([Point(0, 0), Point(.infinity, 5)], lineWidth: 1, color: .black)
        c.fillRect(Rect(x: .nan, y: 0, width: 3, height: 3), color: .black)
        let stamp = DiscStamp(radius: 2)
        stamp.draw(into: &c, centers: [Point(.nan, .nan), Point(1e300, 5)], colors: [.black], colorIndex: nil)
        for y in 0..<10 { for x in 0..<10 { assertColor(c.color(atX: x, y: y), 1, 1, 1) } }
    }
}
