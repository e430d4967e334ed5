import Foundation

/// Maps data values on one axis to pixel positions.
struct AxisTransform {
    var lo: Double
    var hi: Double
    var scale: AxisScale
    /// Pixel of `lo` and of `hi` (for y, `start` is the bottom edge, so start > end).
    var start: Double
    var end: Double

    func t(_ v: Double) -> Double { scale == .log ? log10(v) : v }

    func callAsFunction(_ v: Double) -> Double {
        let a = t(lo), b = t(hi)
        return start + (t(v) - a) / (b - a) * (end - start)
    }
}

/// What a panel shows, decided by the figure (grid sharing, shared legend).
struct PanelOptions {
    var showXTickLabels = true
    var showYTickLabels = true
    var showXLabel = true
    var showYLabel = true
    var showLegend = true
}

/// Space (pixels) a panel needs around its plot area.
struct Margins {
    var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0
}

/// Lays out and draws one prepared panel. Holds the text renderer and theme.
struct AxesRenderer {
    let text: TextRenderer
    let theme: Theme

    func px(_ points: Double) -> Double { text.pixels(points: points) }
    var tickFont: FontSpec { FontSpec(size: theme.tickLabelSize) }
    var labelFont: FontSpec { FontSpec(size: theme.axisLabelSize) }
    var titleFont: FontSpec { FontSpec(size: theme.titleSize, bold: true) }
    var legendFont: FontSpec { FontSpec(size: theme.legendSize) }
    var noteFont: FontSpec { FontSpec(size: theme.noteSize) }
    var pad: Double { px(3.5) }

    /// Integer pixel width of a line given in points (at least 1).
    func lineWidth(_ points: Double) -> Double { max(1, px(points).rounded()) }

    // MARK: Limits and ticks

    /// Axis limits from data bounds (5% margins; padded if degenerate; sticky zero for histograms).
    static func limits(bounds: (Double, Double)?, fixed: ClosedRange<Double>?, scale: AxisScale, stickyZero: Bool) -> (Double, Double) {
        if let f = fixed {
            if scale == .log && f.lowerBound <= 0 {
                return TickGenerator.limits(bounds?.0 ?? 1, f.upperBound > 0 ? f.upperBound : 10, scale: .log, margin: 0)
            }
            return TickGenerator.paddedRange(f.lowerBound, f.upperBound, scale: scale)
        }
        guard let (lo, hi) = bounds else { return scale == .log ? (1, 10) : (0, 1) }
        var (a, b) = TickGenerator.limits(lo, hi, scale: scale)
        if stickyZero && scale == .linear && lo == 0 && b > 0 { a = 0 }
        if !(a.isFinite && b.isFinite && a < b) {
            // Margins overflowed (data near ±Double.greatestFiniteMagnitude): fall back to the padded data range.
            (a, b) = TickGenerator.paddedRange(lo, hi, scale: scale)
            if !(b - a).isFinite { (a, b) = (lo / 2, hi / 2) }
        }
        return (a, b)
    }

    /// Major (labelled) and minor ticks within the limits, thinned until labels do not collide.
    func ticks(lo: Double, hi: Double, scale: AxisScale, length: Double, horizontal: Bool) -> [Tick] {
        let fontPx = px(theme.tickLabelSize)
        let spacing = horizontal ? 5.5 * fontPx : 3.2 * fontPx
        var target = min(8, max(2, Int(length / spacing)))
        while true {
            let all = scale == .log ? TickGenerator.logTicks(lo, hi, target: target)
                                    : TickGenerator.linearTicks(lo, hi, target: target)
            let tol = (scale == .log ? (log10(hi) - log10(lo)) : (hi - lo)) * 1e-9
            let inside = all.filter { t in
                let v = scale == .log ? log10(t.value) : t.value
                let a = scale == .log ? log10(lo) : lo, b = scale == .log ? log10(hi) : hi
                return v >= a - tol && v <= b + tol
            }
            if target <= 2 || !labelsCollide(inside, lo: lo, hi: hi, scale: scale, length: length, horizontal: horizontal) {
                return inside
            }
            target -= 1
        }
    }

    private func labelsCollide(_ ticks: [Tick], lo: Double, hi: Double, scale: AxisScale, length: Double, horizontal: Bool) -> Bool {
        let tr = AxisTransform(lo: lo, hi: hi, scale: scale, start: 0, end: length)
        let major = ticks.filter { !$0.isMinor && !$0.label.isEmpty }
        let gap = px(theme.tickLabelSize) * (horizontal ? 0.8 : 0.3)
        var previousEnd = -Double.infinity
        for t in major {
            let e = text.measure(t.label, font: tickFont)
            let size = horizontal ? e.width : e.height
            let c = tr(t.value)
            if c - size / 2 < previousEnd + gap { return true }
            previousEnd = c + size / 2
        }
        return false
    }

    // MARK: Layout

    /// Width of the colour bar block to the right of the plot area (0 without one).
    func colorBarWidth(_ p: PreparedAxes, plotHeight: Double) -> Double {
        guard let cb = p.colorBar else { return 0 }
        let ticks = self.ticks(lo: cb.lo, hi: cb.hi, scale: .linear, length: plotHeight, horizontal: false)
        let labelW = ticks.map { text.measure($0.label, font: tickFont).width }.max() ?? 0
        var w = px(10) + px(9) + px(theme.majorTickLength) + pad + labelW
        if let l = cb.label, !l.isEmpty { w += pad * 2 + text.measure(l, font: labelFont).height }
        return w
    }

    /// Space needed around the plot area for ticks, labels, title, notes, colour bar and an outside legend.
    func margins(_ p: PreparedAxes, xlim: (Double, Double), ylim: (Double, Double), options o: PanelOptions,
                 plotSize: (Double, Double)) -> Margins {
        let a = p.axes
        var m = Margins()
        let outer = px(4)
        let tickLen = a.hideTickLabels ? 0 : px(theme.majorTickLength)
        let th = text.measure("0", font: tickFont).height
        // Left: y tick labels and y label.
        m.left = outer
        if o.showYTickLabels && !a.hideTickLabels {
            let yt = ticks(lo: ylim.0, hi: ylim.1, scale: a.yScale, length: plotSize.1, horizontal: false)
            let w = yt.filter { !$0.isMinor }.map { text.measure($0.label, font: tickFont).width }.max() ?? 0
            m.left += w + pad
        }
        m.left += tickLen
        if o.showYLabel && !a.yLabel.isEmpty { m.left += text.measure(a.yLabel, font: labelFont).height + pad * 1.5 }
        // Bottom: x tick labels, x label, notes.
        m.bottom = outer + tickLen
        var xHalf = 0.0
        if o.showXTickLabels && !a.hideTickLabels {
            let xt = ticks(lo: xlim.0, hi: xlim.1, scale: a.xScale, length: plotSize.0, horizontal: true)
            m.bottom += th + pad
            let tr = AxisTransform(lo: xlim.0, hi: xlim.1, scale: a.xScale, start: 0, end: plotSize.0)
            for t in xt where !t.isMinor {
                let w = text.measure(t.label, font: tickFont).width
                xHalf = max(xHalf, tr(t.value) + w / 2 - plotSize.0, w / 2 - tr(t.value))
            }
        }
        if o.showXLabel && !a.xLabel.isEmpty { m.bottom += text.measure(a.xLabel, font: labelFont).height + pad }
        for note in p.notes { m.bottom += text.measure(note, font: noteFont).height + pad / 2 }
        // Top: title, and room for the top y tick label's upper half.
        m.top = outer + th / 2
        if !a.title.isEmpty { m.top = outer + text.measure(a.title, font: titleFont).height + pad * 1.5 }
        // Right: x label overhang, colour bar, outside legend.
        m.right = outer + max(xHalf, 0)
        m.left = max(m.left, outer + xHalf)
        if p.colorBar != nil { m.right = max(m.right, outer + colorBarWidth(p, plotHeight: plotSize.1)) }
        if a.legend == .outsideRight && o.showLegend && !p.legendEntries.isEmpty {
            m.right += legendSize(p.legendEntries).0 + pad * 2
        }
        return m
    }

    // MARK: Drawing

    /// Draws a panel whose plot area is `plot` (pixel-aligned).
    func draw(_ p: PreparedAxes, plot: Rect, xlim: (Double, Double), ylim: (Double, Double), options o: PanelOptions,
              on canvas: inout Canvas) {
        let a = p.axes
        let xt = AxisTransform(lo: xlim.0, hi: xlim.1, scale: a.xScale, start: plot.minX, end: plot.maxX)
        let yt = AxisTransform(lo: ylim.0, hi: ylim.1, scale: a.yScale, start: plot.maxY, end: plot.minY)
        let xTicks = ticks(lo: xlim.0, hi: xlim.1, scale: a.xScale, length: plot.width, horizontal: true)
        let yTicks = ticks(lo: ylim.0, hi: ylim.1, scale: a.yScale, length: plot.height, horizontal: false)

        canvas.fillRect(plot, color: .white)
        if a.grid { drawGrid(xTicks, yTicks, xt: xt, yt: yt, plot: plot, on: &canvas) }

        // Data, clipped to the plot area.
        let savedClip = canvas.clip
        canvas.clip = plot
        var occupancy: [Point] = []
        for (index, item) in a.items.enumerated() {
            drawItem(item, index: index, p, xt: xt, yt: yt, plot: plot, on: &canvas, occupancy: &occupancy)
        }
        canvas.clip = savedClip

        // Spines.
        let sw = lineWidth(theme.spineWidth)
        canvas.strokeRect(plot, lineWidth: sw, color: .ink)

        if !a.hideTickLabels { drawTicks(xTicks, yTicks, xt: xt, yt: yt, plot: plot, options: o, on: &canvas) }
        drawLabels(p, yTicks: yTicks, plot: plot, options: o, on: &canvas)

        // Colour bar.
        if let cb = p.colorBar { drawColorBar(cb, plot: plot, on: &canvas) }

        // Annotations, then the legend placed where it hides the least.
        var avoid: [Rect] = []
        for item in a.items {
            if case .text(let t) = item, let r = drawAnnotation(t, xt: xt, yt: yt, plot: plot, on: &canvas) { avoid.append(r) }
        }
        if o.showLegend && a.legend != .none && !p.legendEntries.isEmpty {
            let size = legendSize(p.legendEntries)
            let origin = legendOrigin(a.legend, size: size, plot: plot, occupancy: occupancy, avoid: avoid)
            drawLegend(p.legendEntries, at: origin, on: &canvas)
        }
    }

    /// Grid lines at the major ticks.
    private func drawGrid(_ xTicks: [Tick], _ yTicks: [Tick], xt: AxisTransform, yt: AxisTransform, plot: Rect,
                          on canvas: inout Canvas) {
        let gw = lineWidth(theme.gridWidth)
        for t in xTicks where !t.isMinor {
            let x = snap(xt(t.value), width: gw)
            canvas.fillRect(Rect(x: x - gw / 2, y: plot.minY, width: gw, height: plot.height), color: .grid)
        }
        for t in yTicks where !t.isMinor {
            let y = snap(yt(t.value), width: gw)
            canvas.fillRect(Rect(x: plot.minX, y: y - gw / 2, width: plot.width, height: gw), color: .grid)
        }
    }

    /// Tick marks outside the plot area and the major tick labels the panel shows.
    private func drawTicks(_ xTicks: [Tick], _ yTicks: [Tick], xt: AxisTransform, yt: AxisTransform, plot: Rect,
                           options o: PanelOptions, on canvas: inout Canvas) {
        let tw = lineWidth(theme.tickWidth)
        let major = px(theme.majorTickLength), minor = px(theme.minorTickLength)
        for t in xTicks {
            let x = snap(xt(t.value), width: tw)
            let len = t.isMinor ? minor : major
            canvas.fillRect(Rect(x: x - tw / 2, y: plot.maxY, width: tw, height: len), color: .ink)
            if o.showXTickLabels && !t.isMinor {
                text.draw(t.label, on: &canvas, at: Point(x, plot.maxY + major + pad), font: tickFont,
                          color: .ink, anchor: TextAnchor(.center, .top))
            }
        }
        for t in yTicks {
            let y = snap(yt(t.value), width: tw)
            let len = t.isMinor ? minor : major
            canvas.fillRect(Rect(x: plot.minX - len, y: y - tw / 2, width: len, height: tw), color: .ink)
            if o.showYTickLabels && !t.isMinor {
                text.draw(t.label, on: &canvas, at: Point(plot.minX - major - pad, y), font: tickFont,
                          color: .ink, anchor: TextAnchor(.right, .middle))
            }
        }
    }

    /// Axis labels, the panel title and the panel's notes (below the x label).
    private func drawLabels(_ p: PreparedAxes, yTicks: [Tick], plot: Rect, options o: PanelOptions, on canvas: inout Canvas) {
        let a = p.axes
        let major = px(theme.majorTickLength)
        var below = plot.maxY + (a.hideTickLabels ? 0 : major)
        if o.showXTickLabels && !a.hideTickLabels { below += text.measure("0", font: tickFont).height + pad }
        if o.showXLabel && !a.xLabel.isEmpty {
            let b = text.draw(a.xLabel, on: &canvas, at: Point(plot.midX, below + pad / 2), font: labelFont,
                              color: .ink, anchor: TextAnchor(.center, .top))
            below = b.maxY + pad / 2
        }
        for note in p.notes {
            let b = text.draw(note, on: &canvas, at: Point(plot.maxX, below + pad / 2), font: noteFont,
                              color: .muted, anchor: TextAnchor(.right, .top))
            below = b.maxY
        }
        if o.showYLabel && !a.yLabel.isEmpty {
            var left = plot.minX - (a.hideTickLabels ? 0 : major)
            if o.showYTickLabels && !a.hideTickLabels {
                let w = yTicks.filter { !$0.isMinor }.map { text.measure($0.label, font: tickFont).width }.max() ?? 0
                left -= w + pad
            }
            text.draw(a.yLabel, on: &canvas, at: Point(left - pad, plot.midY), font: labelFont, color: .ink,
                      anchor: TextAnchor(.right, .middle), rotated: true)
        }
        if !a.title.isEmpty {
            text.draw(a.title, on: &canvas, at: Point(plot.midX, plot.minY - pad * 1.5), font: titleFont,
                      color: .ink, anchor: TextAnchor(.center, .bottom))
        }
    }

    /// Pixel coordinate of a crisp line of integer `width` nearest to `v`.
    func snap(_ v: Double, width: Double) -> Double {
        Int(width) % 2 == 1 ? v.rounded(.down) + 0.5 : v.rounded()
    }

    /// Points every ~4 px along a polyline, for legend placement.
    func densify(_ pts: [Point]) -> [Point] {
        guard pts.count >= 2 else { return pts }
        var out: [Point] = [pts[0]]
        for i in 1..<pts.count {
            let a = pts[i - 1], b = pts[i]
            let len = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            guard len.isFinite else { out.append(b); continue }
            let n = min(1000, max(1, Int(min(len, 4000) / 4)))
            for k in 1...n { let t = Double(k) / Double(n); out.append(Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)) }
        }
        return out
    }

    func drawMarker(_ m: Marker, at c: Point, diameter: Double, color: Color, on canvas: inout Canvas) {
        switch m {
        case .none: break
        case .circle:
            canvas.fillCircle(center: c, radius: diameter / 2 + 0.8, color: .white)
            canvas.fillCircle(center: c, radius: diameter / 2, color: color)
        case .openCircle:
            canvas.fillCircle(center: c, radius: diameter / 2 + 0.8, color: .white)
            canvas.strokeCircle(center: c, radius: diameter / 2, lineWidth: max(1, diameter / 5), color: color)
        case .square:
            let h = diameter * 0.45
            canvas.fillRect(Rect(x: c.x - h - 0.8, y: c.y - h - 0.8, width: 2 * h + 1.6, height: 2 * h + 1.6), color: .white)
            canvas.fillRect(Rect(x: c.x - h, y: c.y - h, width: 2 * h, height: 2 * h), color: color)
        }
    }

    private func drawAnnotation(_ t: TextAnnotation, xt: AxisTransform, yt: AxisTransform, plot: Rect,
                                on canvas: inout Canvas) -> Rect? {
        let at: Point
        switch t.coordinates {
        case .axesFraction:
            at = Point(plot.minX + t.x * plot.width, plot.maxY - t.y * plot.height)
        case .data:
            guard t.x.isFinite, t.y.isFinite, PreparedAxes.allowed(t.x, xt.scale), PreparedAxes.allowed(t.y, yt.scale) else { return nil }
            at = Point(xt(t.x), yt(t.y))
        }
        let font = FontSpec(size: t.size, bold: t.bold)
        let box = text.box(t.text, at: at, font: font, anchor: t.anchor)
        if t.background {
            canvas.fillRect(box.insetBy(-px(2)), color: Color.white.withAlpha(0.8))
        }
        text.draw(t.text, on: &canvas, at: at, font: font, color: t.color, anchor: t.anchor)
        return box.insetBy(-px(2))
    }

    // MARK: Colour bar

    private func drawColorBar(_ cb: ColorBarInfo, plot: Rect, on canvas: inout Canvas) {
        let bar = Rect(x: (plot.maxX + px(10)).rounded(), y: plot.minY, width: px(9).rounded(), height: plot.height)
        let rows = Int(bar.height)
        for j in 0..<rows {
            let t = 1 - (Double(j) + 0.5) / Double(rows)
            canvas.fillRect(Rect(x: bar.minX, y: bar.minY + Double(j), width: bar.width, height: 1), color: cb.map.color(at: t))
        }
        canvas.strokeRect(bar, lineWidth: lineWidth(theme.spineWidth), color: .ink)
        let tr = AxisTransform(lo: cb.lo, hi: cb.hi, scale: .linear, start: bar.maxY, end: bar.minY)
        let tw = lineWidth(theme.tickWidth)
        var labelRight = bar.maxX
        for t in ticks(lo: cb.lo, hi: cb.hi, scale: .linear, length: bar.height, horizontal: false) {
            let y = snap(tr(t.value), width: tw)
            canvas.fillRect(Rect(x: bar.maxX, y: y - tw / 2, width: px(theme.majorTickLength), height: tw), color: .ink)
            let b = text.draw(t.label, on: &canvas, at: Point(bar.maxX + px(theme.majorTickLength) + pad, y), font: tickFont,
                              color: .ink, anchor: TextAnchor(.left, .middle))
            labelRight = max(labelRight, b.maxX)
        }
        if let l = cb.label, !l.isEmpty {
            text.draw(l, on: &canvas, at: Point(labelRight + pad * 2, bar.midY), font: labelFont, color: .ink,
                      anchor: TextAnchor(.left, .middle), rotated: true)
        }
    }

    // MARK: Legend

    /// Width and height of a legend box in pixels.
    func legendSize(_ entries: [LegendEntry]) -> (Double, Double) {
        let e = text.measure("Ag", font: legendFont)
        let row = e.height * 1.15
        let w = entries.map { text.measure($0.label, font: legendFont).width }.max() ?? 0
        return (pad * 2 + px(16) + pad * 1.5 + w, pad * 1.5 + row * Double(entries.count))
    }

    /// Top-left corner of the legend box for a placement; `.best` picks the candidate
    /// covering the fewest data points (ties: upper right, upper left, lower left, lower right, ...).
    func legendOrigin(_ placement: LegendPlacement, size: (Double, Double), plot: Rect, occupancy: [Point], avoid: [Rect]) -> Point {
        let inset = px(5)
        let w = size.0, h = size.1
        let left = plot.minX + inset, right = plot.maxX - inset - w
        let top = plot.minY + inset, bottom = plot.maxY - inset - h
        let midX = plot.midX - w / 2, midY = plot.midY - h / 2
        switch placement {
        case .upperRight: return Point(right, top)
        case .upperLeft: return Point(left, top)
        case .lowerLeft: return Point(left, bottom)
        case .lowerRight: return Point(right, bottom)
        case .outsideRight: return Point(plot.maxX + pad * 2, plot.minY)
        case .none, .best: break
        }
        let candidates = [Point(right, top), Point(left, top), Point(left, bottom), Point(right, bottom),
                          Point(midX, top), Point(midX, bottom), Point(right, midY), Point(left, midY)]
        var best = candidates[0]
        var bestScore = Int.max
        for c in candidates {
            let r = Rect(x: c.x, y: c.y, width: w, height: h)
            var score = 0
            for pt in occupancy where r.contains(pt) { score += 1 }
            for a in avoid where a.intersects(r) { score += 1_000_000 }
            if score < bestScore { bestScore = score; best = c }
        }
        return best
    }

    /// Draws a legend box with its top-left corner at `origin`.
    func drawLegend(_ entries: [LegendEntry], at origin: Point, on canvas: inout Canvas) {
        let (w, h) = legendSize(entries)
        let box = Rect(x: origin.x.rounded(), y: origin.y.rounded(), width: w.rounded(), height: h.rounded())
        canvas.fillRect(box, color: Color.white.withAlpha(0.88))
        canvas.strokeRect(box, lineWidth: 1, color: Color(hex: 0xBBBBBB))
        let e = text.measure("Ag", font: legendFont)
        let row = e.height * 1.15
        let swatch = px(16)
        for (i, entry) in entries.enumerated() {
            let cy = box.minY + pad * 0.75 + row * (Double(i) + 0.5)
            let sx = box.minX + pad * 1.5
            switch entry.kind {
            case .marker:
                canvas.fillCircle(center: Point(sx + swatch / 2, cy), radius: px(3), color: entry.color)
            case .patch:
                canvas.fillRect(Rect(x: sx, y: cy - px(4), width: swatch, height: px(8)), color: entry.color.withAlpha(0.6))
                canvas.strokeRect(Rect(x: sx, y: cy - px(4), width: swatch, height: px(8)), lineWidth: px(0.8), color: entry.color)
            case .line(let dash, let marker):
                canvas.strokeLine(from: Point(sx, cy), to: Point(sx + swatch, cy), lineWidth: px(1.5), color: entry.color,
                                  dash: dash?.map { px($0) })
                drawMarker(marker, at: Point(sx + swatch / 2, cy), diameter: px(4.5), color: entry.color, on: &canvas)
            }
            text.draw(entry.label, on: &canvas, at: Point(sx + swatch + pad * 1.5, cy), font: legendFont, color: .ink,
                      anchor: TextAnchor(.left, .middle))
        }
    }
}
