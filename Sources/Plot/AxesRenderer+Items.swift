import Foundation

/// Drawing of the individual plot items of one panel: scatter series, lines with
/// optional bands and markers, histograms and circles (text is drawn after the spines).
extension AxesRenderer {
    /// Draws `item` (the `index`-th of the panel) and records the pixels it covers in
    /// `occupancy`, so the legend can go where it hides the fewest.
    func drawItem(_ item: PlotItem, index: Int, _ p: PreparedAxes, xt: AxisTransform, yt: AxisTransform,
                  plot: Rect, on canvas: inout Canvas, occupancy: inout [Point]) {
        switch item {
        case .scatter(let s): drawScatter(s, index: index, p, xt: xt, yt: yt, on: &canvas, occupancy: &occupancy)
        case .line(let l): drawLine(l, index: index, p, xt: xt, yt: yt, on: &canvas, occupancy: &occupancy)
        case .histogram: drawHistogram(index: index, p, xt: xt, yt: yt, plot: plot, on: &canvas, occupancy: &occupancy)
        case .circles(let s): drawCircles(s, index: index, p, xt: xt, yt: yt, on: &canvas, occupancy: &occupancy)
        case .text: break  // drawn after the spines
        }
    }

    /// A scatter series: points coloured by their own colour, category or value, stamped as discs.
    private func drawScatter(_ s: ScatterSeries, index: Int, _ p: PreparedAxes, xt: AxisTransform, yt: AxisTransform,
                             on canvas: inout Canvas, occupancy: inout [Point]) {
        let a = p.axes
        let n = s.x.count
        let size = s.size ?? ScatterSeries.automaticSize(count: n)
        let alpha = min(max(s.alpha ?? ScatterSeries.automaticAlpha(count: n), 0), 1)
        var centers: [Point] = []
        centers.reserveCapacity(n)
        var colorIndex: [Int] = []
        var palette: [Color]
        let useIndex = s.pointColors != nil || s.categories != nil || s.values != nil
        if let pc = s.pointColors {
            palette = pc.map { $0.withAlpha(alpha) }
        } else if s.categories != nil {
            palette = Palette.categorical(count: PreparedAxes.categoryCount(s)).map { $0.withAlpha(alpha) }
        } else if let cb = p.colorBar, s.values != nil {
            palette = (0..<256).map { cb.map.color(at: Double($0) / 255).withAlpha(alpha) }
        } else {
            palette = [(p.colors[index] ?? .ink).withAlpha(alpha)]
        }
        for i in 0..<n {
            let v = s.values?[i] ?? 0
            guard s.x[i].isFinite, s.y[i].isFinite, v.isFinite,
                  PreparedAxes.allowed(s.x[i], a.xScale), PreparedAxes.allowed(s.y[i], a.yScale) else { continue }
            let pt = Point(xt(s.x[i]), yt(s.y[i]))
            centers.append(pt)
            if s.pointColors != nil {
                colorIndex.append(i)
            } else if let cats = s.categories {
                colorIndex.append(((cats[i] % palette.count) + palette.count) % palette.count)
            } else if s.values != nil, let cb = p.colorBar {
                let t = (v - cb.lo) / (cb.hi - cb.lo)
                colorIndex.append(Int((min(max(t, 0), 1) * 255).rounded()))
            }
        }
        occupancy.append(contentsOf: centers)
        let stamp = DiscStamp(radius: px(size) / 2)
        if palette.isEmpty { palette = [.ink] }
        stamp.draw(into: &canvas, centers: centers, colors: palette, colorIndex: useIndex ? colorIndex : nil)
    }

    /// A line: its min–max band (one polygon per run of finite bounds), the line in pieces
    /// between non-finite points, and its markers.
    private func drawLine(_ l: LineSeries, index: Int, _ p: PreparedAxes, xt: AxisTransform, yt: AxisTransform,
                          on canvas: inout Canvas, occupancy: inout [Point]) {
        let a = p.axes
        let color = p.colors[index] ?? .ink
        let ok: (Int) -> Bool = { i in
            l.x[i].isFinite && l.y[i].isFinite && PreparedAxes.allowed(l.x[i], a.xScale) && PreparedAxes.allowed(l.y[i], a.yScale)
        }
        // Band: one polygon per run of points with finite bounds.
        if let lower = l.lower, let upper = l.upper {
            var run: [Int] = []
            func flush() {
                if run.count >= 2 {
                    let top = run.map { Point(xt(l.x[$0]), yt(upper[$0])) }
                    let bottom = run.reversed().map { Point(xt(l.x[$0]), yt(lower[$0])) }
                    canvas.fillPolygon(top + bottom, color: color.withAlpha(l.bandAlpha))
                }
                run = []
            }
            for i in 0..<l.x.count {
                if l.x[i].isFinite && PreparedAxes.allowed(l.x[i], a.xScale) && lower[i].isFinite && upper[i].isFinite
                    && PreparedAxes.allowed(lower[i], a.yScale) && PreparedAxes.allowed(upper[i], a.yScale) {
                    run.append(i)
                } else { flush() }
            }
            flush()
        }
        var piece: [Point] = []
        let dash = l.dash?.map { px($0) }
        for i in 0..<l.x.count {
            if ok(i) {
                piece.append(Point(xt(l.x[i]), yt(l.y[i])))
            } else {
                canvas.strokePolyline(piece, lineWidth: px(l.lineWidth), color: color, dash: dash)
                occupancy.append(contentsOf: densify(piece))
                piece = []
            }
        }
        canvas.strokePolyline(piece, lineWidth: px(l.lineWidth), color: color, dash: dash)
        occupancy.append(contentsOf: densify(piece))
        if l.marker != .none {
            for i in 0..<l.x.count where ok(i) {
                drawMarker(l.marker, at: Point(xt(l.x[i]), yt(l.y[i])), diameter: px(l.markerSize), color: color, on: &canvas)
            }
        }
    }

    /// A histogram as one outline (filled or stepped).
    private func drawHistogram(index: Int, _ p: PreparedAxes, xt: AxisTransform, yt: AxisTransform, plot: Rect,
                               on canvas: inout Canvas, occupancy: inout [Point]) {
        let a = p.axes
        guard let h = p.histograms[index] else { return }
        let base = a.yScale == .log ? yt.start : yt(0)
        var outline: [Point] = []
        for i in 0..<h.heights.count {
            let x0 = xt(h.edges[i]), x1 = xt(h.edges[i + 1])
            let hv = h.heights[i]
            let top = (a.yScale == .log && hv <= 0) ? base : yt(hv)
            if i == 0 { outline.append(Point(x0, base)) }
            outline.append(Point(x0, top)); outline.append(Point(x1, top))
            if i == h.heights.count - 1 { outline.append(Point(x1, base)) }
            var y = max(top, plot.minY)
            while y < min(base, plot.maxY) { occupancy.append(Point((x0 + x1) / 2, y)); y += px(6) }
        }
        // Filled bars as one polygon, so adjacent bars do not leave seams at shared edges.
        if h.series.style == .filled { canvas.fillPolygon(outline, color: h.color.withAlpha(h.series.alpha)) }
        canvas.strokePolyline(outline, lineWidth: px(h.series.style == .step ? 1.5 : 0.8), color: h.color)
    }

    /// Circles (or ellipses, on unequal axis scales) of data-unit radius.
    private func drawCircles(_ s: CircleSeries, index: Int, _ p: PreparedAxes, xt: AxisTransform, yt: AxisTransform,
                             on canvas: inout Canvas, occupancy: inout [Point]) {
        let a = p.axes
        let color = (p.colors[index] ?? .ink).withAlpha(s.alpha)
        for i in 0..<s.x.count {
            guard s.x[i].isFinite, s.y[i].isFinite, s.radius[i].isFinite, s.radius[i] >= 0,
                  PreparedAxes.allowed(s.x[i], a.xScale), PreparedAxes.allowed(s.y[i], a.yScale) else { continue }
            let c = Point(xt(s.x[i]), yt(s.y[i]))
            let r = s.radius[i]
            let rx = PreparedAxes.allowed(s.x[i] + r, a.xScale) ? abs(xt(s.x[i] + r) - c.x) : 0
            let ry = PreparedAxes.allowed(s.y[i] + r, a.yScale) ? abs(yt(s.y[i] + r) - c.y) : 0
            occupancy.append(c)
            if s.filled {
                if abs(rx - ry) < 0.5 { canvas.fillCircle(center: c, radius: (rx + ry) / 2, color: color) }
                else { canvas.fillEllipse(center: c, radiusX: rx, radiusY: ry, color: color) }
            } else {
                canvas.strokeCircle(center: c, radius: (rx + ry) / 2, lineWidth: px(0.8), color: color)
            }
        }
    }
}
