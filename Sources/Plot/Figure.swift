import Foundation

/// A figure of a given physical size; renders `Axes` or a `PanelGrid` to pixels.
///
/// ```swift
/// let fig = Figure(width: 6.4, height: 4.8, dpi: 150)
/// var ax = Axes(title: "UMAP", xLabel: "x", yLabel: "y")
/// ax.add(.scatter(ScatterSeries(x: xs, y: ys, categories: labels)))
/// try fig.render(ax).writePNG(to: url, metadata: ["spec-hash": hash])
/// ```
/// Rendering is deterministic: the same figure gives the same pixels and PNG bytes.
public struct Figure: Hashable, Sendable {
    /// Width and height in inches.
    public var width: Double
    public var height: Double
    /// Pixels per inch; fonts are sized in points at this resolution.
    public var dpi: Double
    public var background: Color
    public var theme: Theme
    /// Font files to use instead of the located DejaVu Sans (nil = `FontLocator`).
    public var fontPath: String?
    public var boldFontPath: String?

    public init(width: Double = 6.4, height: Double = 4.8, dpi: Double = 150, background: Color = .white,
                theme: Theme = Theme(), fontPath: String? = nil, boldFontPath: String? = nil) {
        self.width = width; self.height = height; self.dpi = dpi; self.background = background
        self.theme = theme; self.fontPath = fontPath; self.boldFontPath = boldFontPath
    }

    /// Largest canvas side in pixels `render` accepts (larger sizes throw `PlotError.invalidSize`).
    public static let maximumPixels = 32_768.0

    /// Pixel size of the canvas.
    public var pixelSize: (width: Int, height: Int) {
        (Int((width * dpi).rounded()), Int((height * dpi).rounded()))
    }

    /// Renders a single panel filling the figure.
    public func render(_ axes: Axes) throws -> RenderedFigure {
        try render(PanelGrid(rows: 1, cols: 1, panels: [axes]))
    }

    /// Renders a grid of panels with aligned plot areas, shared limits and an optional shared legend.
    /// - Throws: `PlotError.invalidSize`, `.shapeMismatch`, font errors.
    public func render(_ grid: PanelGrid) throws -> RenderedFigure {
        guard width.isFinite, height.isFinite, dpi.isFinite, width > 0, height > 0, dpi > 0,
              width * dpi <= Figure.maximumPixels, height * dpi <= Figure.maximumPixels else {
            throw PlotError.invalidSize("figure \(width)×\(height) in at \(dpi) dpi (at most \(Int(Figure.maximumPixels)) pixels a side)")
        }
        guard grid.rows >= 1, grid.cols >= 1, grid.panels.count == grid.rows * grid.cols else {
            throw PlotError.shapeMismatch("panel grid \(grid.rows)×\(grid.cols) needs \(grid.rows * grid.cols) panels, got \(grid.panels.count)")
        }
        let (pw, ph) = pixelSize
        var canvas = try Canvas(width: pw, height: ph, background: background)
        let text = try TextRenderer(dpi: dpi, regularPath: fontPath, boldPath: boldFontPath ?? fontPath)
        let r = AxesRenderer(text: text, theme: theme)
        let prepared = try grid.panels.map { try PreparedAxes($0) }
        let n = prepared.count
        let rows = grid.rows, cols = grid.cols
        var (xlim, ylim) = Figure.limits(prepared, grid: grid)
        let options = Figure.panelOptions(grid)

        // Figure-level furniture: title on top, shared legend on the right.
        let outer = r.px(6)
        var top = outer
        if !grid.title.isEmpty { top += text.measure(grid.title, font: FontSpec(size: theme.figureTitleSize, bold: true)).height + r.pad * 2 }
        let legendEntries = grid.sharedLegend ? Figure.sharedLegendEntries(prepared) : []
        let legendSize = legendEntries.isEmpty ? (0.0, 0.0) : r.legendSize(legendEntries)
        let right = outer + (legendEntries.isEmpty ? 0 : legendSize.0 + r.pad * 2)

        // Margins per panel, then per column/row maxima so plot areas line up.
        let guess = ((Double(pw) - top - right) / Double(cols) * 0.8, (Double(ph) - top - outer) / Double(rows) * 0.8)
        var colLeft = [Double](repeating: 0, count: cols), colRight = colLeft
        var rowTop = [Double](repeating: 0, count: rows), rowBottom = rowTop
        for i in 0..<n {
            let m = r.margins(prepared[i], xlim: xlim[i], ylim: ylim[i], options: options[i], plotSize: guess)
            colLeft[i % cols] = max(colLeft[i % cols], m.left); colRight[i % cols] = max(colRight[i % cols], m.right)
            rowTop[i / cols] = max(rowTop[i / cols], m.top); rowBottom[i / cols] = max(rowBottom[i / cols], m.bottom)
        }
        let plotW = ((Double(pw) - outer - right - colLeft.reduce(0, +) - colRight.reduce(0, +)) / Double(cols)).rounded(.down)
        let plotH = ((Double(ph) - top - outer - rowTop.reduce(0, +) - rowBottom.reduce(0, +)) / Double(rows)).rounded(.down)
        guard plotW >= 10, plotH >= 10 else {
            throw PlotError.invalidSize("figure \(width)×\(height) in at \(dpi) dpi leaves no room for \(rows)×\(cols) plot areas")
        }

        var notes: [String] = []
        var y = top
        for row in 0..<rows {
            var x = outer
            y += rowTop[row]
            for col in 0..<cols {
                let i = row * cols + col
                x += colLeft[col]
                let plot = Rect(x: x.rounded(), y: y.rounded(), width: plotW, height: plotH)
                if prepared[i].axes.equalAspect {
                    (xlim[i], ylim[i]) = Figure.equalAspect(xlim[i], ylim[i], prepared[i].axes, plot: plot)
                }
                r.draw(prepared[i], plot: plot, xlim: xlim[i], ylim: ylim[i], options: options[i], on: &canvas)
                notes += prepared[i].notes.map { n == 1 ? $0 : "panel \(i + 1): \($0)" }
                x += plotW + colRight[col]
            }
            y += plotH + rowBottom[row]
        }

        if !grid.title.isEmpty {
            text.draw(grid.title, on: &canvas, at: Point(Double(pw - Int(right) + Int(outer)) / 2, outer),
                      font: FontSpec(size: theme.figureTitleSize, bold: true), color: .ink, anchor: TextAnchor(.center, .top))
        }
        if !legendEntries.isEmpty {
            let origin = Point(Double(pw) - outer - legendSize.0, (top + Double(ph) - outer) / 2 - legendSize.1 / 2)
            r.drawLegend(legendEntries, at: origin, on: &canvas)
        }
        return RenderedFigure(canvas: canvas, notes: notes)
    }

    /// Axis limits of every panel, with bounds pooled over the panels that share an axis
    /// (all, a row or a column, as `grid.sharedX` / `sharedY` say).
    static func limits(_ prepared: [PreparedAxes], grid: PanelGrid) -> (x: [(Double, Double)], y: [(Double, Double)]) {
        let n = prepared.count, cols = grid.cols
        func group(_ s: AxisSharing, _ i: Int) -> Int? {
            switch s {
            case .none: return nil
            case .all: return 0
            case .row: return i / cols
            case .column: return i % cols
            }
        }
        func sharedBounds(_ s: AxisSharing, _ pick: (PreparedAxes) -> (Double, Double)?) -> [(Double, Double)?] {
            var byGroup: [Int: Bounds] = [:]
            for i in 0..<n { if let g = group(s, i), let b = pick(prepared[i]) { byGroup[g, default: Bounds()].add(b.0); byGroup[g, default: Bounds()].add(b.1) } }
            return (0..<n).map { i in group(s, i).flatMap { byGroup[$0]?.pair } ?? pick(prepared[i]) }
        }
        let xb = sharedBounds(grid.sharedX) { $0.xBounds }
        let yb = sharedBounds(grid.sharedY) { $0.yBounds }
        let xlim = (0..<n).map { AxesRenderer.limits(bounds: xb[$0], fixed: prepared[$0].axes.xLimits, scale: prepared[$0].axes.xScale, stickyZero: false) }
        let ylim = (0..<n).map { AxesRenderer.limits(bounds: yb[$0], fixed: prepared[$0].axes.yLimits, scale: prepared[$0].axes.yScale, stickyZero: prepared[$0].yStickyZero) }
        return (xlim, ylim)
    }

    /// Which labels and legend each panel shows: shared axes label only the outer panels.
    static func panelOptions(_ grid: PanelGrid) -> [PanelOptions] {
        let rows = grid.rows, cols = grid.cols
        return (0..<(rows * cols)).map { i in
            var o = PanelOptions()
            let row = i / cols, col = i % cols
            if grid.sharedX == .all || grid.sharedX == .column { o.showXTickLabels = row == rows - 1; o.showXLabel = row == rows - 1 }
            if grid.sharedY == .all || grid.sharedY == .row { o.showYTickLabels = col == 0; o.showYLabel = col == 0 }
            o.showLegend = !grid.sharedLegend
            return o
        }
    }

    /// The legend entries of all panels, each label once, in first-seen order.
    static func sharedLegendEntries(_ prepared: [PreparedAxes]) -> [LegendEntry] {
        var seen = Set<String>()
        var entries: [LegendEntry] = []
        for p in prepared { for e in p.legendEntries where !seen.contains(e.label) { seen.insert(e.label); entries.append(e) } }
        return entries
    }

    /// Widens one axis's limits so a data unit spans the same number of pixels on both (linear axes only).
    static func equalAspect(_ xl: (Double, Double), _ yl: (Double, Double), _ a: Axes, plot: Rect) -> ((Double, Double), (Double, Double)) {
        guard a.xScale == .linear, a.yScale == .linear, a.xLimits == nil || a.yLimits == nil else { return (xl, yl) }
        let sx = (xl.1 - xl.0) / plot.width, sy = (yl.1 - yl.0) / plot.height
        if sx > sy {
            let c = (yl.0 + yl.1) / 2, half = sx * plot.height / 2
            return (xl, (c - half, c + half))
        } else {
            let c = (xl.0 + xl.1) / 2, half = sy * plot.width / 2
            return ((c - half, c + half), yl)
        }
    }
}

/// The pixels of a rendered figure, plus notes about data that could not be drawn.
public struct RenderedFigure: Sendable {
    public var canvas: Canvas
    /// E.g. "12 non-finite points omitted" (also printed on the figure).
    public var notes: [String]

    /// PNG bytes (8-bit RGB, or RGBA with `alpha`), with `metadata` as tEXt chunks.
    public func pngData(metadata: [String: String] = [:], alpha: Bool = false) throws -> [UInt8] {
        try PNGCodec.encode(width: canvas.width, height: canvas.height, channels: alpha ? 4 : 3,
                            pixels: canvas.bytes(includeAlpha: alpha), metadata: metadata)
    }

    /// Encodes and writes the PNG atomically (temporary file + rename).
    /// - Throws: `PlotError.cannotWrite` if the folder is missing or not writable.
    public func writePNG(to url: URL, metadata: [String: String] = [:], alpha: Bool = false) throws {
        try PNGCodec.writeAtomically(pngData(metadata: metadata, alpha: alpha), to: url)
    }
}
