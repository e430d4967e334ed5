/// Precomputed coverage of a small anti-aliased disc, for drawing many markers fast.
///
/// A stamp holds, for each of `phases × phases` sub-pixel positions of the centre,
/// the coverage of every pixel in a small square, computed once by 8 × 8
/// supersampling. Drawing a marker is then a table lookup and one blend per pixel,
/// with no per-point anti-aliasing maths.
public struct DiscStamp: Sendable {
    /// Radii above this (pixels) are drawn analytically instead.
    public static let maximumRadius = 8.0
    /// Sub-pixel positions per axis.
    public static let phases = 4
    public let radius: Double
    /// Side of each coverage square in pixels.
    public let side: Int
    /// Offset from the square's origin to the pixel holding the centre.
    let margin: Int
    /// `phases²` coverage squares of `side²` values each.
    let coverage: [Float]

    /// Builds the stamp for a disc of `radius` pixels (clamped to (0, maximumRadius]).
    public init(radius: Double) {
        let r = min(max(radius, 0.05), DiscStamp.maximumRadius)
        self.radius = r
        let margin = Int(r.rounded(.up))
        let side = 2 * margin + 2
        self.side = side
        self.margin = margin
        let ph = DiscStamp.phases
        let ss = 8
        var cov = [Float](repeating: 0, count: ph * ph * side * side)
        let r2 = r * r
        // For phase (px, py) the centre sits at margin + (phase + 0.5) / phases from the square's
        // origin, which is placed at floor(centre) - margin in canvas pixels.
        for py in 0..<ph {
            for px in 0..<ph {
                let cx = Double(margin) + (Double(px) + 0.5) / Double(ph)
                let cy = Double(margin) + (Double(py) + 0.5) / Double(ph)
                let base = (py * ph + px) * side * side
                for j in 0..<side {
                    for i in 0..<side {
                        var hits = 0
                        for sj in 0..<ss {
                            let y = Double(j) + (Double(sj) + 0.5) / Double(ss) - cy
                            for si in 0..<ss {
                                let x = Double(i) + (Double(si) + 0.5) / Double(ss) - cx
                                if x * x + y * y <= r2 { hits += 1 }
                            }
                        }
                        cov[base + j * side + i] = Float(hits) / Float(ss * ss)
                    }
                }
            }
        }
        coverage = cov
    }

    /// Stamps one disc of `color` centred at `center` onto `canvas`.
    public func callAsFunction(into canvas: inout Canvas, center: Point, color: Color) {
        draw(into: &canvas, centers: [center], colors: [color], colorIndex: nil)
    }

    /// Stamps many discs; `colorIndex[i]` selects the colour of disc i from `colors`
    /// (nil = all use `colors[0]`). Discs are drawn in array order.
    public func draw(into canvas: inout Canvas, centers: [Point], colors: [Color], colorIndex: [Int]?) {
        guard !colors.isEmpty else { return }
        let srcs = colors.map { Canvas.premultiplied($0) }
        canvas.stamp(self, centers: centers, sources: srcs, colorIndex: colorIndex)
    }
}

extension Canvas {
    /// Hot loop for `DiscStamp.draw`.
    mutating func stamp(_ s: DiscStamp, centers: [Point], sources: [SIMD4<Float>], colorIndex: [Int]?) {
        let ph = DiscStamp.phases
        let side = s.side
        let w = width
        guard let (clx0, cly0, clx1, cly1) = clipped(0, 0, Double(width), Double(height)) else { return }
        pixels.withUnsafeMutableBufferPointer { p in
            s.coverage.withUnsafeBufferPointer { cov in
                for (n, c) in centers.enumerated() {
                    guard c.x.isFinite, c.y.isFinite, c.x > -1e6, c.x < 1e6, c.y > -1e6, c.y < 1e6 else { continue }
                    let fx = c.x.rounded(.down), fy = c.y.rounded(.down)
                    let px = min(ph - 1, Int((c.x - fx) * Double(ph)))
                    let py = min(ph - 1, Int((c.y - fy) * Double(ph)))
                    let ox = Int(fx) - s.margin
                    let oy = Int(fy) - s.margin
                    let x0 = max(ox, clx0), x1 = min(ox + side, clx1)
                    let y0 = max(oy, cly0), y1 = min(oy + side, cly1)
                    if x0 >= x1 || y0 >= y1 { continue }
                    let src = sources[colorIndex.map { min(max($0[n], 0), sources.count - 1) } ?? 0]
                    let base = (py * ph + px) * side * side
                    for y in y0..<y1 {
                        let crow = base + (y - oy) * side - ox
                        let prow = y * w
                        for x in x0..<x1 {
                            let k = cov[crow + x]
                            if k > 0 { Canvas.blend(p, (prow + x) * 4, src, k) }
                        }
                    }
                }
            }
        }
    }
}
