import XCTest
@testable import Plot

final class PNGTests: XCTestCase {
    func sampleCanvas() throws -> Canvas {
        var c = try Canvas(width: 37, height: 23, background: .white)
        c.fillCircle(center: Point(12, 11), radius: 7, color: Color(hex: 0xD55E00, alpha: 0.7))
        c.strokeLine(from: Point(0, 0), to: Point(37, 23), lineWidth: 2, color: Color(hex: 0x0072B2))
        return c
    }

    func testPNGRoundTripsThroughLibpng() throws {
        let c = try sampleCanvas()
        for alpha in [false, true] {
            let bytes = c.bytes(includeAlpha: alpha)
            let png = try PNGCodec.encode(width: c.width, height: c.height, channels: alpha ? 4 : 3, pixels: bytes)
            let decoded = try PNGCodec.decodeRGBA(png)
            XCTAssertEqual(decoded.width, 37)
            XCTAssertEqual(decoded.height, 23)
            if alpha {
                XCTAssertEqual(decoded.pixels, bytes)
            } else {
                var rgba: [UInt8] = []
                for i in 0..<(37 * 23) { rgba += [bytes[3 * i], bytes[3 * i + 1], bytes[3 * i + 2], 255] }
                XCTAssertEqual(decoded.pixels, rgba)
            }
        }
    }

    func testWrittenFileReadsBackWithMetadataAndIsDeterministic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plot-png-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fig = RenderedFigure(canvas: try sampleCanvas(), notes: [])
        let meta = ["spec-hash": "abc123", "provenance": "git 1234, seed 7", "Title": "Fig. α"]
        let a = dir.appendingPathComponent("a.png"), b = dir.appendingPathComponent("b.png")
        try fig.writePNG(to: a, metadata: meta)
        try fig.writePNG(to: b, metadata: meta)
        let da = [UInt8](try Data(contentsOf: a)), db = [UInt8](try Data(contentsOf: b))
        XCTAssertEqual(da, db)
        XCTAssertEqual(PNGCodec.textChunks(da), meta)
        XCTAssertFalse(String(decoding: da, as: UTF8.self).contains("tIME"))
        let decoded = try PNGCodec.decodeRGBA(da)
        let expected = try sampleCanvas().bytes(includeAlpha: true)
        XCTAssertEqual(decoded.pixels, expected)  // opaque canvas: RGB == RGBA
        // No temporary files are left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["a.png", "b.png"])
    }

    func testUnwritablePathIsAClearError() throws {
        let fig = RenderedFigure(canvas: try sampleCanvas(), notes: [])
        XCTAssertThrowsError(try fig.writePNG(to: URL(fileURLWithPath: "/nonexistent-folder/x/fig.png"))) { error in
            guard case PlotError.cannotWrite(let path, _) = error else { return XCTFail("wrong error \(error)") }
            XCTAssertEqual(path, "/nonexistent-folder/x/fig.png")
        }
        XCTAssertThrowsError(try fig.writePNG(to: URL(fileURLWithPath: "/proc/fig.png")))
    }

    func testInvalidMetadataKeyThrows() throws {
        let c = try sampleCanvas()
        XCTAssertThrowsError(try PNGCodec.encode(width: c.width, height: c.height, channels: 3,
                                                 pixels: c.bytes(includeAlpha: false), metadata: [" bad": "x"]))
        XCTAssertThrowsError(try PNGCodec.encode(width: 2, height: 2, channels: 3, pixels: [0, 1, 2]))
    }
}
