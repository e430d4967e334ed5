import XCTest
@testable import Plot

final class TextTests: XCTestCase {
    /// Bounding box of pixels darker than white.
    func inkBox(_ c: Canvas) -> (Int, Int, Int, Int)? {
        var x0 = Int.max, y0 = Int.max, x1 = -1, y1 = -1
        for y in 0..<c.height { for x in 0..<c.width where c.color(atX: x, y: y).r < 0.9 {
            x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
        } }
        return x1 < 0 ? nil : (x0, y0, x1, y1)
    }

    func testRenderedStringFillsMeasuredBox() throws {
        let text = try TextRenderer(dpi: 150)
        var c = try Canvas(width: 400, height: 100)
        let s = "Trustworthiness T(15) = 0.957"
        let font = FontSpec(size: 10)
        let e = text.measure(s, font: font)
        XCTAssertGreaterThan(e.width, 100)
        let em: Double = 10.0 * 150.0 / 72.0
        XCTAssertEqual(e.height, em * 1.15, accuracy: em * 0.3)
        let box = text.draw(s, on: &c, at: Point(20, 20), font: font, color: .black, anchor: TextAnchor(.left, .top))
        XCTAssertEqual(box.width, e.width, accuracy: 1e-9)
        let ink = try XCTUnwrap(inkBox(c))
        // Ink lies inside the measured box (1 px tolerance) and spans most of it.
        XCTAssertGreaterThanOrEqual(Double(ink.0), box.minX - 1)
        XCTAssertGreaterThanOrEqual(Double(ink.1), box.minY - 1)
        XCTAssertLessThanOrEqual(Double(ink.2), box.maxX + 1)
        XCTAssertLessThanOrEqual(Double(ink.3), box.maxY + 1)
        XCTAssertGreaterThan(Double(ink.2 - ink.0 + 1), 0.9 * e.width)
        XCTAssertGreaterThan(Double(ink.3 - ink.1 + 1), 0.6 * e.height)
    }

    func testRotatedTextIsTallAndNarrow() throws {
        let text = try TextRenderer(dpi: 100)
        var c = try Canvas(width: 100, height: 300)
        let box = text.draw("vertical label", on: &c, at: Point(50, 150), font: FontSpec(size: 12), color: .black,
                            anchor: TextAnchor(.center, .middle), rotated: true)
        let ink = try XCTUnwrap(inkBox(c))
        XCTAssertGreaterThan(ink.3 - ink.1, 3 * (ink.2 - ink.0))
        XCTAssertGreaterThanOrEqual(Double(ink.1), box.minY - 1)
        XCTAssertLessThanOrEqual(Double(ink.3), box.maxY + 1)
        XCTAssertGreaterThanOrEqual(Double(ink.0), box.minX - 1)
        XCTAssertLessThanOrEqual(Double(ink.2), box.maxX + 1)
    }

    func testBoldIsWiderAndGreekHasGlyphs() throws {
        let text = try TextRenderer(dpi: 150)
        let regular = text.measure("Silhouette", font: FontSpec(size: 10))
        let bold = text.measure("Silhouette", font: FontSpec(size: 10, bold: true))
        XCTAssertGreaterThan(bold.width, regular.width)
        var c = try Canvas(width: 100, height: 60)
        text.draw("ρσα", on: &c, at: Point(10, 10), font: FontSpec(size: 12), color: .black, anchor: TextAnchor(.left, .top))
        let ink = try XCTUnwrap(inkBox(c))
        XCTAssertGreaterThan(ink.2 - ink.0, 20)
    }

    func testKerningNarrowsAV() throws {
        let text = try TextRenderer(dpi: 150)
        let f = FontSpec(size: 20)
        let pair = text.measure("AV", font: f).width
        let separate = text.measure("A", font: f).width + text.measure("V", font: f).width
        XCTAssertLessThanOrEqual(pair, separate)
    }

    func testMissingFontIsAClearError() {
        XCTAssertThrowsError(try FontLocator.locate(environment: ["MBENCH_FONT": "/nonexistent/font.ttf"])) { error in
            guard case PlotError.fontNotFound = error else { return XCTFail("wrong error \(error)") }
            XCTAssertTrue("\(error)".contains("MBENCH_FONT"))
        }
        XCTAssertThrowsError(try TextRenderer(dpi: 150, regularPath: "/nonexistent/font.ttf"))
        XCTAssertThrowsError(try Figure(fontPath: "/nonexistent/font.ttf").render(Axes()))
    }
}
