/// An RGBA raster with anti-aliased drawing primitives.
///
/// Pixels are stored row-major, top row first, as premultiplied-alpha `Float`
/// RGBA in [0, 1]; every primitive composites with the Porter–Duff *source
/// over* operator. Coordinates are in pixels with (0, 0) at the top-left
/// corner of the top-left pixel, so the centre of pixel (i, j) is (i + 0.5, j + 0.5).
/// All drawing honours `clip` (a pixel rectangle), used to confine data to a plot area.
/// A `Canvas` is a value: copying it copies the pixels.
public struct Canvas: Sendable {
    /// Width and height in pixels.
    public let width: Int
    public let height: Int
    /// Premultiplied RGBA, `width * height * 4` floats, row-major, top row first.
    public internal(set) var pixels: [Float]
    /// Drawing is confined to this rectangle (rounded outwards to whole pixels); `nil` = whole canvas.
    public var clip: Rect? {
        didSet { updateClipBounds() }
    }
    private var cx0 = 0, cy0 = 0, cx1 = 0, cy1 = 0

    /// Largest accepted side, in pixels.
    public static let maximumSide = 20_000

    /// A canvas filled with `background`.
    /// - Throws: `PlotError.invalidSize` unless 1 ≤ width, height ≤ `maximumSide`.
    public init(width: Int, height: Int, background: Color = .white) throws {
        guard width >= 1, height >= 1, width <= Canvas.maximumSide, height <= Canvas.maximumSide else {
            throw PlotError.invalidSize("canvas \(width)×\(height) px (each side must be 1...\(Canvas.maximumSide))")
        }
        self.width = width
        self.height = height
        let a = Float(background.a)
        let px: [Float] = [Float(background.r) * a, Float(background.g) * a, Float(background.b) * a, a]
        var p = [Float](repeating: 0, count: width * height * 4)
        for i in 0..<(width * height) {
            p[4 * i] = px[0]; p[4 * i + 1] = px[1]; p[4 * i + 2] = px[2]; p[4 * i + 3] = px[3]
        }
        pixels = p
        updateClipBounds()
    }

    private mutating func updateClipBounds() {
        if let c = clip {
            cx0 = max(0, Int((c.minX).rounded(.down)))
            cy0 = max(0, Int((c.minY).rounded(.down)))
            cx1 = min(width, Int((c.maxX).rounded(.up)))
            cy1 = min(height, Int((c.maxY).rounded(.up)))
            if cx1 < cx0 { cx1 = cx0 }
            if cy1 < cy0 { cy1 = cy0 }
        } else {
            cx0 = 0; cy0 = 0; cx1 = width; cy1 = height
        }
    }

    /// The straight-alpha colour of pixel (x, y), for tests and inspection.
    public func color(atX x: Int, y: Int) -> Color {
        let i = (y * width + x) * 4
        let a = Double(pixels[i + 3])
        if a <= 0 { return .transparent }
        return Color(r: Double(pixels[i]) / a, g: Double(pixels[i + 1]) / a, b: Double(pixels[i + 2]) / a, a: a)
    }

    /// Pixel rows as 8-bit RGBA (straight alpha), or RGB if `includeAlpha` is false
    /// (then the image is composited over white first).
    public func bytes(includeAlpha: Bool) -> [UInt8] {
        let n = width * height
        let channels = includeAlpha ? 4 : 3
        var out = [UInt8](repeating: 0, count: n * channels)
        pixels.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n {
                    let a = p[4 * i + 3]
                    if includeAlpha {
                        let inv: Float = a > 0 ? 1 / a : 0
                        o[4 * i] = Canvas.quantise(p[4 * i] * inv)
                        o[4 * i + 1] = Canvas.quantise(p[4 * i + 1] * inv)
                        o[4 * i + 2] = Canvas.quantise(p[4 * i + 2] * inv)
                        o[4 * i + 3] = Canvas.quantise(a)
                    } else {
                        let w = 1 - a
                        o[3 * i] = Canvas.quantise(p[4 * i] + w)
                        o[3 * i + 1] = Canvas.quantise(p[4 * i + 1] + w)
                        o[3 * i + 2] = Canvas.quantise(p[4 * i + 2] + w)
                    }
                }
            }
        }
        return out
    }

    @inline(__always)
    static func quantise(_ v: Float) -> UInt8 {
        let c = min(max(v, 0), 1) * 255
        return UInt8(c + 0.5)
    }

    // MARK: - Compositing core

    /// Premultiplied source colour for `color`.
    @inline(__always)
    static func premultiplied(_ c: Color) -> SIMD4<Float> {
        let a = Float(min(max(c.a, 0), 1))
        return SIMD4<Float>(Float(c.r) * a, Float(c.g) * a, Float(c.b) * a, a)
    }

    /// Composites `src` (premultiplied) scaled by `coverage` onto pixel (x, y); no bounds checks.
    @inline(__always)
    static func blend(_ p: UnsafeMutableBufferPointer<Float>, _ index: Int, _ src: SIMD4<Float>, _ coverage: Float) {
        let s = src * coverage
        let k = 1 - s.w
        p[index] = s.x + p[index] * k
        p[index + 1] = s.y + p[index + 1] * k
        p[index + 2] = s.z + p[index + 2] * k
        p[index + 3] = s.w + p[index + 3] * k
    }

    /// Integer pixel bounds of `[x0, x1) × [y0, y1)` intersected with the clip; nil if empty.
    @inline(__always)
    func clipped(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> (Int, Int, Int, Int)? {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { return nil }
        let ix0 = max(cx0, Int(max(-1e9, x0).rounded(.down)))
        let iy0 = max(cy0, Int(max(-1e9, y0).rounded(.down)))
        let ix1 = min(cx1, Int(min(1e9, x1).rounded(.up)))
        let iy1 = min(cy1, Int(min(1e9, y1).rounded(.up)))
        return ix0 < ix1 && iy0 < iy1 ? (ix0, iy0, ix1, iy1) : nil
    }

    /// Composites a coverage mask (values in [0, 1]) whose top-left pixel lands on (`originX`, `originY`).
    public mutating func composite(mask: [Float], maskWidth: Int, maskHeight: Int,
                                   originX: Int, originY: Int, color: Color) {
        let src = Canvas.premultiplied(color)
        guard src.w > 0, maskWidth > 0, maskHeight > 0, mask.count >= maskWidth * maskHeight,
              let (x0, y0, x1, y1) = clipped(Double(originX), Double(originY),
                                             Double(originX + maskWidth), Double(originY + maskHeight)) else { return }
        let w = width
        pixels.withUnsafeMutableBufferPointer { p in
            mask.withUnsafeBufferPointer { m in
                for y in y0..<y1 {
                    let mrow = (y - originY) * maskWidth - originX
                    for x in x0..<x1 {
                        let c = m[mrow + x]
                        if c > 0 { Canvas.blend(p, (y * w + x) * 4, src, min(c, 1)) }
                    }
                }
            }
        }
    }

    // MARK: - Rectangles

    /// Fills an axis-aligned rectangle; fractional edges get partial coverage.
    public mutating func fillRect(_ r: Rect, color: Color) {
        let src = Canvas.premultiplied(color)
        guard src.w > 0, r.width > 0, r.height > 0,
              let (x0, y0, x1, y1) = clipped(r.minX, r.minY, r.maxX, r.maxY) else { return }
        let w = width
        pixels.withUnsafeMutableBufferPointer { p in
            for y in y0..<y1 {
                let cy = Float(min(Double(y + 1), r.maxY) - max(Double(y), r.minY))
                if cy <= 0 { continue }
                for x in x0..<x1 {
                    let cx = Float(min(Double(x + 1), r.maxX) - max(Double(x), r.minX))
                    if cx > 0 { Canvas.blend(p, (y * w + x) * 4, src, min(cx * cy, 1)) }
                }
            }
        }
    }

    /// Strokes the outline of a rectangle with a line of `lineWidth` pixels centred on its edges.
    public mutating func strokeRect(_ r: Rect, lineWidth: Double, color: Color) {
        let h = lineWidth / 2
        fillRect(Rect(x: r.minX - h, y: r.minY - h, width: r.width + lineWidth, height: lineWidth), color: color)
        fillRect(Rect(x: r.minX - h, y: r.maxY - h, width: r.width + lineWidth, height: lineWidth), color: color)
        fillRect(Rect(x: r.minX - h, y: r.minY + h, width: lineWidth, height: max(0, r.height - lineWidth)), color: color)
        fillRect(Rect(x: r.maxX - h, y: r.minY + h, width: lineWidth, height: max(0, r.height - lineWidth)), color: color)
    }

    // MARK: - Circles and ellipses

    /// Fills a disc of `radius` pixels centred on `center`.
    /// Small discs use the supersampled stamp of `DiscStamp`; larger ones an analytic edge coverage.
    public mutating func fillCircle(center: Point, radius: Double, color: Color) {
        guard radius > 0, radius.isFinite else { return }
        if radius <= DiscStamp.maximumRadius {
            let stamp = DiscStamp(radius: radius)
            stamp(into: &self, center: center, color: color)
            return
        }
        fillEllipse(center: center, radiusX: radius, radiusY: radius, color: color)
    }

    /// Fills an axis-aligned ellipse with half-axes `radiusX`, `radiusY` (pixels).
    public mutating func fillEllipse(center: Point, radiusX: Double, radiusY: Double, color: Color) {
        let src = Canvas.premultiplied(color)
        guard src.w > 0, radiusX > 0, radiusY > 0, radiusX.isFinite, radiusY.isFinite,
              let (x0, y0, x1, y1) = clipped(center.x - radiusX - 1, center.y - radiusY - 1,
                                             center.x + radiusX + 1, center.y + radiusY + 1) else { return }
        let w = width
        let rmin = min(radiusX, radiusY)
        pixels.withUnsafeMutableBufferPointer { p in
            for y in y0..<y1 {
                let dy = (Double(y) + 0.5 - center.y) / radiusY
                for x in x0..<x1 {
                    let dx = (Double(x) + 0.5 - center.x) / radiusX
                    // Approximate signed distance to the edge, in pixels.
                    let d = ((dx * dx + dy * dy).squareRoot() - 1) * rmin
                    let c = min(max(0.5 - d, 0), 1)
                    if c > 0 { Canvas.blend(p, (y * w + x) * 4, src, Float(c)) }
                }
            }
        }
    }

    /// Strokes a circle outline of `lineWidth` pixels centred on the circle of `radius`.
    public mutating func strokeCircle(center: Point, radius: Double, lineWidth: Double, color: Color) {
        let src = Canvas.premultiplied(color)
        let hw = max(lineWidth, 0) / 2
        guard src.w > 0, radius > 0, radius.isFinite, hw > 0,
              let (x0, y0, x1, y1) = clipped(center.x - radius - hw - 1, center.y - radius - hw - 1,
                                             center.x + radius + hw + 1, center.y + radius + hw + 1) else { return }
        let w = width
        let thin = Float(min(lineWidth, 1))
        let hwEff = max(hw, 0.5)
        pixels.withUnsafeMutableBufferPointer { p in
            for y in y0..<y1 {
                let dy = Double(y) + 0.5 - center.y
                for x in x0..<x1 {
                    let dx = Double(x) + 0.5 - center.x
                    let d = abs((dx * dx + dy * dy).squareRoot() - radius)
                    let c = Float(min(max(hwEff + 0.5 - d, 0), 1)) * thin
                    if c > 0 { Canvas.blend(p, (y * w + x) * 4, src, c) }
                }
            }
        }
    }

    // MARK: - Lines

    /// Strokes a polyline of `lineWidth` pixels with round joins and caps.
    ///
    /// The whole polyline is rasterised into one coverage mask (the maximum over its
    /// segments) and composited once, so a translucent line does not darken at joins.
    /// `dash` gives alternating on/off lengths in pixels (nil or empty = solid).
    public mutating func strokePolyline(_ points: [Point], lineWidth: Double, color: Color, dash: [Double]? = nil) {
        let pts = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard pts.count >= 2, lineWidth > 0 else { return }
        var segments: [(Point, Point)] = []
        if let dash, dash.count >= 2, dash.allSatisfy({ $0 > 0 && $0.isFinite }) {
            segments = Canvas.dashed(pts, pattern: dash.map { max($0, 0.5) })  // ≥ 0.5 px keeps the loop bounded
        } else {
            for i in 1..<pts.count { segments.append((pts[i - 1], pts[i])) }
        }
        strokeSegments(segments, lineWidth: lineWidth, color: color)
    }

    /// Strokes one straight line segment.
    public mutating func strokeLine(from a: Point, to b: Point, lineWidth: Double, color: Color, dash: [Double]? = nil) {
        strokePolyline([a, b], lineWidth: lineWidth, color: color, dash: dash)
    }

    /// Splits a polyline into the "on" pieces of a dash pattern (lengths in pixels).
    static func dashed(_ pts: [Point], pattern: [Double]) -> [(Point, Point)] {
        var out: [(Point, Point)] = []
        var index = 0
        var remaining = pattern[0]
        var on = true
        for i in 1..<pts.count {
            var a = pts[i - 1]
            let b = pts[i]
            var segLen = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            while segLen > 0 {
                let step = min(segLen, remaining)
                let t = step / segLen
                let m = Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
                if on { out.append((a, m)) }
                a = m
                segLen -= step
                remaining -= step
                if remaining <= 1e-9 {
                    index = (index + 1) % pattern.count
                    remaining = pattern[index]
                    on.toggle()
                }
            }
        }
        return out
    }

    private mutating func strokeSegments(_ segments: [(Point, Point)], lineWidth: Double, color: Color) {
        guard !segments.isEmpty else { return }
        let hw = max(lineWidth / 2, 0.5)
        let thin = Float(min(lineWidth, 1))
        var bx0 = Double.infinity, by0 = Double.infinity, bx1 = -Double.infinity, by1 = -Double.infinity
        for (a, b) in segments {
            bx0 = min(bx0, a.x, b.x); by0 = min(by0, a.y, b.y)
            bx1 = max(bx1, a.x, b.x); by1 = max(by1, a.y, b.y)
        }
        guard let (x0, y0, x1, y1) = clipped(bx0 - hw - 1, by0 - hw - 1, bx1 + hw + 1, by1 + hw + 1) else { return }
        let mw = x1 - x0, mh = y1 - y0
        var mask = [Float](repeating: 0, count: mw * mh)
        mask.withUnsafeMutableBufferPointer { m in
            for (a, b) in segments {
                guard let (sx0, sy0, sx1, sy1) = clipped(min(a.x, b.x) - hw - 1, min(a.y, b.y) - hw - 1,
                                                         max(a.x, b.x) + hw + 1, max(a.y, b.y) + hw + 1) else { continue }
                let dx = b.x - a.x, dy = b.y - a.y
                let len2 = dx * dx + dy * dy
                for y in sy0..<sy1 {
                    let py = Double(y) + 0.5
                    for x in sx0..<sx1 {
                        let px = Double(x) + 0.5
                        var t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0
                        t = min(max(t, 0), 1)
                        let ex = px - (a.x + t * dx), ey = py - (a.y + t * dy)
                        let d = (ex * ex + ey * ey).squareRoot()
                        let c = Float(min(max(hw + 0.5 - d, 0), 1)) * thin
                        let mi = (y - y0) * mw + (x - x0)
                        if c > m[mi] { m[mi] = c }
                    }
                }
            }
        }
        composite(mask: mask, maskWidth: mw, maskHeight: mh, originX: x0, originY: y0, color: color)
    }

    // MARK: - Polygons

    /// Fills a polygon (non-zero winding rule) with anti-aliased edges:
    /// four sub-scanlines per pixel row and exact horizontal span coverage.
    public mutating func fillPolygon(_ points: [Point], color: Color) {
        let pts = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard pts.count >= 3 else { return }
        var bx0 = Double.infinity, by0 = Double.infinity, bx1 = -Double.infinity, by1 = -Double.infinity
        for p in pts { bx0 = min(bx0, p.x); by0 = min(by0, p.y); bx1 = max(bx1, p.x); by1 = max(by1, p.y) }
        guard let (x0, y0, x1, y1) = clipped(bx0, by0, bx1, by1) else { return }
        let mw = x1 - x0
        var mask = [Float](repeating: 0, count: mw * (y1 - y0))
        let sub = 4
        let weight = 1.0 / Double(sub)
        var crossings: [(x: Double, dir: Int)] = []
        crossings.reserveCapacity(16)
        for y in y0..<y1 {
            for s in 0..<sub {
                let sy = Double(y) + (Double(s) + 0.5) / Double(sub)
                crossings.removeAll(keepingCapacity: true)
                for i in 0..<pts.count {
                    let a = pts[i], b = pts[(i + 1) % pts.count]
                    if (a.y <= sy && b.y > sy) || (b.y <= sy && a.y > sy) {
                        let t = (sy - a.y) / (b.y - a.y)
                        crossings.append((a.x + t * (b.x - a.x), b.y > a.y ? 1 : -1))
                    }
                }
                if crossings.count < 2 { continue }
                crossings.sort { $0.x < $1.x }
                var winding = 0
                for k in 0..<(crossings.count - 1) {
                    winding += crossings[k].dir
                    if winding != 0 {
                        Canvas.addSpan(&mask, row: (y - y0) * mw, from: crossings[k].x - Double(x0),
                                       to: crossings[k + 1].x - Double(x0), width: mw, weight: weight)
                    }
                }
            }
        }
        composite(mask: mask, maskWidth: mw, maskHeight: y1 - y0, originX: x0, originY: y0, color: color)
    }

    /// Adds `weight` × (horizontal overlap of [a, b) with each pixel) to one mask row.
    @inline(__always)
    static func addSpan(_ mask: inout [Float], row: Int, from a0: Double, to b0: Double, width: Int, weight: Double) {
        let a = max(0, a0), b = min(Double(width), b0)
        guard b > a else { return }
        let ia = Int(a), ib = min(Int(b), width - 1)
        if ia >= width { return }
        if ia == ib {
            mask[row + ia] += Float((b - a) * weight)
            return
        }
        mask[row + ia] += Float((Double(ia + 1) - a) * weight)
        if ia + 1 < ib { for i in (ia + 1)..<ib { mask[row + i] += Float(weight) } }
        mask[row + ib] += Float(max(0, b - Double(ib)) * weight)
    }
}
