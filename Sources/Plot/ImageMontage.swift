import Foundation

/// Rows of small grey-scale pictures, each row with a caption on its left: a cluster's exemplar
/// images, for example. Pixels are drawn as `scale` × `scale` squares (no smoothing), darker for
/// larger values, so a picture's every pixel stays visible. Rendering is deterministic.
public struct ImageMontage: Sendable {
    /// One row: its caption (drawn left of the pictures, with a swatch of `color` when given) and
    /// its pictures, each `imageHeight × imageWidth` values in [0, 1], row-major, top row first.
    public struct Row: Sendable {
        public var caption: String
        public var color: Color?
        public var images: [[Float]]
        public init(caption: String, color: Color? = nil, images: [[Float]]) {
            self.caption = caption; self.color = color; self.images = images
        }
    }

    public var title: String
    public var rows: [Row]
    /// Picture size in image pixels (e.g. 28 × 28 for MNIST).
    public var imageHeight: Int, imageWidth: Int
    /// Canvas pixels per image pixel (default 3).
    public var scale: Int
    /// Pixels per inch, for the text (default 150).
    public var dpi: Double
    /// Most pictures in a row (sets the width; default: the longest row).
    public var columns: Int?
    public var theme = Theme()

    public init(title: String, rows: [Row], imageHeight: Int, imageWidth: Int, scale: Int = 3, dpi: Double = 150,
                columns: Int? = nil) {
        self.title = title; self.rows = rows; self.imageHeight = imageHeight; self.imageWidth = imageWidth
        self.scale = scale; self.dpi = dpi; self.columns = columns
    }

    /// Draws the montage: the title on top, then one band per row.
    /// - Throws: `PlotError.shapeMismatch` when a picture does not have `imageHeight × imageWidth`
    ///   values, `PlotError.invalidSize` for an empty montage or one larger than `Canvas.maximumSide`.
    public func render(fontPath: String? = nil, boldFontPath: String? = nil) throws -> RenderedFigure {
        guard !rows.isEmpty, imageHeight >= 1, imageWidth >= 1, scale >= 1, scale <= 64 else {
            throw PlotError.invalidSize("montage of \(rows.count) rows of \(imageHeight)×\(imageWidth) pictures at scale \(scale)")
        }
        let pixels = imageHeight * imageWidth
        for row in rows where row.images.contains(where: { $0.count != pixels }) {
            throw PlotError.shapeMismatch("montage row '\(row.caption)': every picture needs \(pixels) values")
        }
        let text = try TextRenderer(dpi: dpi, regularPath: fontPath, boldPath: boldFontPath ?? fontPath)
        let captionFont = FontSpec(size: theme.legendSize), titleFont = FontSpec(size: theme.figureTitleSize, bold: true)
        let gap = max(2, scale), margin = Int(text.pixels(points: 8).rounded())
        let cellWidth = imageWidth * scale, cellHeight = imageHeight * scale
        let swatch = Int(text.pixels(points: 8).rounded())
        let captionWidth = Int(rows.map { text.measure($0.caption, font: captionFont).width }.max()!.rounded(.up)) + swatch + 3 * gap
        let perRow = columns ?? rows.map(\.images.count).max()!
        let titleExtent = text.measure(title, font: titleFont)
        let titleHeight = title.isEmpty ? 0 : Int(titleExtent.height.rounded(.up)) + margin
        let width = max(2 * margin + captionWidth + perRow * (cellWidth + gap), 2 * margin + Int(titleExtent.width.rounded(.up)))
        let height = 2 * margin + titleHeight + rows.count * (cellHeight + gap)
        guard width <= Canvas.maximumSide, height <= Canvas.maximumSide else {
            throw PlotError.invalidSize("montage \(width)×\(height) px (each side at most \(Canvas.maximumSide))")
        }
        var canvas = try Canvas(width: width, height: height, background: .white)
        if !title.isEmpty {
            text.draw(title, on: &canvas, at: Point(Double(width) / 2, Double(margin)), font: titleFont,
                      anchor: TextAnchor(.center, .top))
        }
        for (r, row) in rows.enumerated() {
            let top = margin + titleHeight + r * (cellHeight + gap)
            let middle = Double(top) + Double(cellHeight) / 2
            var x = Double(margin)
            if let color = row.color {
                canvas.fillRect(Rect(x: x, y: middle - Double(swatch) / 2, width: Double(swatch), height: Double(swatch)), color: color)
            }
            x += Double(swatch + gap)
            text.draw(row.caption, on: &canvas, at: Point(x, middle), font: captionFont, anchor: TextAnchor(.left, .middle))
            for (c, image) in row.images.prefix(perRow).enumerated() {
                let left = margin + captionWidth + c * (cellWidth + gap)
                for py in 0..<imageHeight {
                    for px in 0..<imageWidth {
                        let v = Double(min(max(image[py * imageWidth + px], 0), 1))
                        let grey = 1 - v
                        canvas.fillRect(Rect(x: Double(left + px * scale), y: Double(top + py * scale),
                                             width: Double(scale), height: Double(scale)),
                                        color: Color(r: grey, g: grey, b: grey))
                    }
                }
                canvas.strokeRect(Rect(x: Double(left), y: Double(top), width: Double(cellWidth), height: Double(cellHeight)),
                                  lineWidth: 1, color: Color(hex: 0xC8C8C8))
            }
        }
        return RenderedFigure(canvas: canvas, notes: [])
    }
}
