import XCTest
@testable import Plot

final class ImageMontageTests: XCTestCase {
    /// Two rows of 2 × 3 pictures: pixel values map to grey 1 − v in `scale` × `scale` blocks at
    /// the computed places, and two renders give the same PNG bytes.
    func testPicturesArePlacedPixelForPixelAndDeterministic() throws {
        let ramp: [Float] = [0, 0.5, 1, 1, 0.5, 0]
        let dark = [Float](repeating: 1, count: 6)
        let montage = ImageMontage(title: "", rows: [.init(caption: "a", images: [ramp, dark]), .init(caption: "bb", images: [dark])],
                                   imageHeight: 2, imageWidth: 3, scale: 4, dpi: 72)
        let rendered = try montage.render()
        // Layout as in render: margin 8 pt = 8 px at 72 dpi, gap = scale.
        let text = try TextRenderer(dpi: 72)
        let captionWidth = Int(max(text.measure("a", font: FontSpec(size: 9)).width,
                                   text.measure("bb", font: FontSpec(size: 9)).width).rounded(.up)) + 8 + 3 * 4
        let left = 8 + captionWidth, top = 8
        func grey(_ px: Int, _ py: Int) -> Double { rendered.canvas.color(atX: left + px * 4 + 2, y: top + py * 4 + 2).r }
        XCTAssertEqual(grey(0, 0), 1, accuracy: 1e-6)   // v = 0: white
        XCTAssertEqual(grey(1, 0), 0.5, accuracy: 1e-6)
        XCTAssertEqual(grey(2, 0), 0, accuracy: 1e-6)   // v = 1: black
        XCTAssertEqual(grey(0, 1), 0, accuracy: 1e-6)
        XCTAssertEqual(rendered.canvas.width, 2 * 8 + captionWidth + 2 * (3 * 4 + 4))
        XCTAssertEqual(rendered.canvas.height, 2 * 8 + 2 * (2 * 4 + 4))
        XCTAssertEqual(try rendered.pngData(), try montage.render().pngData())
    }

    func testShapeAndSizeErrors() {
        XCTAssertThrowsError(try ImageMontage(title: "", rows: [.init(caption: "a", images: [[0, 1]])], imageHeight: 2, imageWidth: 3).render())
        XCTAssertThrowsError(try ImageMontage(title: "", rows: [], imageHeight: 2, imageWidth: 3).render())
    }
}

final class OrthographicCameraTests: XCTestCase {
    /// matplotlib's convention: at azimuth 0, elevation 0 the camera sits on +x, screen right is +y,
    /// up is +z; looking straight down (elevation 90) at azimuth −90 screen right is +x, up +y.
    func testProjectionOfTheAxes() {
        let side = OrthographicCamera(azimuth: 0, elevation: 0)
        assertClose(side.project(1, 0, 0), (0, 0, 1))
        assertClose(side.project(0, 1, 0), (1, 0, 0))
        assertClose(side.project(0, 0, 1), (0, 1, 0))
        let top = OrthographicCamera(azimuth: -90, elevation: 90)
        assertClose(top.project(1, 0, 0), (1, 0, 0))
        assertClose(top.project(0, 1, 0), (0, 1, 0))
        assertClose(top.project(0, 0, 1), (0, 0, 1))
        // Default view (−60°, 30°): the basis is orthonormal and right-handed (right × up = toward).
        let (r, s, w) = OrthographicCamera().basis
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        for (a, b, expected) in [(r, r, 1.0), (s, s, 1), (w, w, 1), (r, s, 0), (r, w, 0), (s, w, 0)] {
            XCTAssertEqual(dot(a, b), expected, accuracy: 1e-12)
        }
        let cross = [r[1] * s[2] - r[2] * s[1], r[2] * s[0] - r[0] * s[2], r[0] * s[1] - r[1] * s[0]]
        for t in 0..<3 { XCTAssertEqual(cross[t], w[t], accuracy: 1e-12) }
        // A point on the viewing direction projects to the centre at its distance.
        let p = OrthographicCamera().project(2 * w[0], 2 * w[1], 2 * w[2])
        assertClose(p, (0, 0, 2))
    }

    func testPaintersOrderIsFarthestFirstWithIndexTies() {
        XCTAssertEqual(OrthographicCamera.paintersOrder([0.5, -1, 0.5, 2, -1]), [1, 4, 0, 2, 3])
    }

    private func assertClose(_ a: (u: Double, v: Double, depth: Double), _ b: (Double, Double, Double),
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.u, b.0, accuracy: 1e-12, file: file, line: line)
        XCTAssertEqual(a.v, b.1, accuracy: 1e-12, file: file, line: line)
        XCTAssertEqual(a.depth, b.2, accuracy: 1e-12, file: file, line: line)
    }
}
