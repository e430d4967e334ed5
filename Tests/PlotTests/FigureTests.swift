import XCTest
@testable import Plot

final class FigureTests: XCTestCase {
    let small = Figure(width: 4, height: 3, dpi: 80)

    func scatterAxes(n: Int = 500) -> Axes {
        var x: [Double] = [], y: [Double] = [], c: [Int] = []
        var s: UInt64 = 12345
        for i in 0..<n {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            x.append(Double(s >> 11) / Double(1 << 53))
            s = s &* 6364136223846793005 &+ 1442695040888963407
            y.append(Double(s >> 11) / Double(1 << 53))
            c.append(i % 10)
        }
        var ax = Axes(title: "α scatter", xLabel: "x", yLabel: "y")
        ax.add(.scatter(ScatterSeries(x: x, y: y, categories: c)))
        return ax
    }

    func testTwoRendersAreByteIdentical() throws {
        let grid = PanelGrid(rows: 1, cols: 2, panels: [scatterAxes(), scatterAxes(n: 50)], sharedY: .all, title: "t",
                             sharedLegend: true)
        let a = try small.render(grid).pngData(metadata: ["spec-hash": "x"])
        let b = try small.render(grid).pngData(metadata: ["spec-hash": "x"])
        XCTAssertEqual(a, b)
        XCTAssertGreaterThan(a.count, 1000)
    }

    func testNonFiniteAndLogInvalidPointsAreCountedNotFatal() throws {
        var ax = Axes(xScale: .log)
        ax.add(.scatter(ScatterSeries(x: [1, 10, .nan, 100, -1, 0], y: [1, 2, 3, .infinity, 5, 6])))
        let r = try small.render(ax)
        XCTAssertEqual(r.notes, ["2 non-finite points omitted", "2 non-positive values omitted (log axis)"])
    }

    func testDegenerateInputsRender() throws {
        var empty = Axes(title: "empty")
        empty.add(.scatter(ScatterSeries(x: [], y: [])))
        empty.add(.histogram(HistogramSeries(values: [])))
        var flat = Axes(title: "flat")
        flat.add(.line(LineSeries(x: [3, 3, 3], y: [2, 2, 2], marker: .circle)))
        flat.add(.histogram(HistogramSeries(values: [4, 4, 4])))
        var allNaN = Axes(yScale: .log)
        allNaN.add(.scatter(ScatterSeries(x: [.nan], y: [.nan], values: [.nan])))
        for ax in [empty, flat, allNaN] {
            let r = try small.render(ax)
            XCTAssertEqual(r.canvas.width, 320)
        }
    }

    func testShapeErrors() {
        var bad = Axes()
        bad.add(.scatter(ScatterSeries(x: [1, 2], y: [1])))
        XCTAssertThrowsError(try small.render(bad)) { XCTAssertTrue("\($0)".contains("shape")) }
        XCTAssertThrowsError(try small.render(PanelGrid(rows: 2, cols: 2, panels: [Axes()])))
        var badHist = Axes()
        badHist.add(.histogram(HistogramSeries(values: [1], bins: .edges([1, 0]))))
        XCTAssertThrowsError(try small.render(badHist))
        XCTAssertThrowsError(try Figure(width: 0, height: 3).render(Axes()))
    }

    func testLegendAvoidsData() throws {
        let text = try TextRenderer(dpi: 100)
        let r = AxesRenderer(text: text, theme: Theme())
        let plot = Rect(x: 0, y: 0, width: 400, height: 300)
        // Data fills everything except the lower-left corner.
        var pts: [Point] = []
        for y in stride(from: 2.0, to: 300, by: 4) { for x in stride(from: 2.0, to: 400, by: 4) where !(x < 200 && y > 150) {
            pts.append(Point(x, y))
        } }
        let size = (100.0, 60.0)
        let o = r.legendOrigin(.best, size: size, plot: plot, occupancy: pts, avoid: [])
        XCTAssertLessThan(o.x, 100)
        XCTAssertGreaterThan(o.y, 150)
    }

    func testHistogramDensityIntegratesToOne() throws {
        var ax = Axes()
        ax.add(.histogram(HistogramSeries(values: (0..<1000).map { Double($0 % 37) * 0.3 }, bins: .count(12), density: true)))
        let p = try PreparedAxes(ax)
        let h = try XCTUnwrap(p.histograms[0])
        var integral = 0.0
        for i in 0..<h.heights.count { integral += h.heights[i] * (h.edges[i + 1] - h.edges[i]) }
        XCTAssertEqual(integral, 1, accuracy: 1e-9)
    }

    func testEqualAspectCirclesAreRound() throws {
        var ax = Axes(grid: false, equalAspect: true, hideTickLabels: true)
        ax.add(.circles(CircleSeries(x: [0, 10], y: [0, 1], radius: [2, 0.5], color: Color(r: 1, g: 0, b: 0), alpha: 1)))
        let fig = Figure(width: 6, height: 3, dpi: 60)
        let r = try fig.render(ax)
        // Find the big circle's black extent in both directions.
        var minX = Int.max, maxX = -1, minY = Int.max, maxY = -1
        let c = r.canvas
        for y in 0..<c.height { for x in 0..<(c.width / 2) where c.color(atX: x, y: y).g < 0.5 && c.color(atX: x, y: y).r > 0.5 {
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        } }
        XCTAssertGreaterThan(maxX - minX, 5)
        XCTAssertEqual(Double(maxX - minX), Double(maxY - minY), accuracy: 2)
    }

    func testPointColorsPaintEachPointInItsOwnColour() throws {
        var ax = Axes(grid: false, legend: .none, hideTickLabels: true)
        var s = ScatterSeries(x: [0, 1], y: [0, 1], size: 30, alpha: 1)
        s.pointColors = [Color(r: 1, g: 0, b: 0), Color(r: 0, g: 0, b: 1)]
        ax.add(.scatter(s))
        let c = try Figure(width: 3, height: 3, dpi: 60).render(ax).canvas
        var red = 0, blue = 0
        for y in 0..<c.height { for x in 0..<c.width {
            let p = c.color(atX: x, y: y)
            if p.r > 0.9 && p.g < 0.1 && p.b < 0.1 { red += 1 }
            if p.b > 0.9 && p.r < 0.1 && p.g < 0.1 { blue += 1 }
        } }
        XCTAssertGreaterThan(red, 50)
        XCTAssertEqual(Double(red), Double(blue), accuracy: Double(red) * 0.2)
        var wrong = ScatterSeries(x: [0, 1], y: [0, 1])
        wrong.pointColors = [.black]
        var bad = Axes()
        bad.add(.scatter(wrong))
        XCTAssertThrowsError(try Figure(width: 3, height: 3, dpi: 60).render(bad))
    }

    func testBigScatterUsesWholePlot() throws {
        let r = try Figure(width: 3, height: 3, dpi: 50).render(scatterAxes(n: 5000))
        var dark = 0
        for y in 0..<r.canvas.height { for x in 0..<r.canvas.width where r.canvas.color(atX: x, y: y).r < 0.9 { dark += 1 } }
        XCTAssertGreaterThan(dark, r.canvas.width * r.canvas.height / 4)
    }
}

final class RobustnessTests: XCTestCase {
    func testExtremeInputsDoNotCrash() throws {
        let fig = Figure(width: 3, height: 2, dpi: 60)
        var huge = Axes()
        huge.add(.scatter(ScatterSeries(x: [-1e308, 1e308], y: [0, 1], categories: [5_000_000, -3])))
        huge.add(.line(LineSeries(x: [0, 1, 2], y: [1e-300, 1e300, 0], dash: [1e-12, 1e-12])))
        _ = try fig.render(huge)
        var tiny = Axes(xScale: .log, yScale: .log)
        tiny.add(.line(LineSeries(x: [1e-300, 1e300], y: [5e-324, 1])))
        tiny.add(.histogram(HistogramSeries(values: [1, 10, 100], bins: .count(5))))
        _ = try fig.render(tiny)
        var fixed = Axes(xLimits: 3...3, yLimits: -1...(-1))
        fixed.add(.text(TextAnnotation("edge", x: .nan, y: 0, coordinates: .data)))
        _ = try fig.render(fixed)
    }
}
