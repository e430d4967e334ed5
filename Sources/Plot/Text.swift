import CFreeType
import Foundation

/// Font size (points, at the canvas DPI) and weight.
public struct FontSpec: Hashable, Sendable {
    public var size: Double
    public var bold: Bool
    public init(size: Double, bold: Bool = false) { self.size = size; self.bold = bold }
}

/// The layout box of a line of text, in pixels: `width` along the baseline,
/// `ascent` above it and `descent` below it (both positive).
public struct TextExtent: Hashable, Sendable {
    public var width: Double
    public var ascent: Double
    public var descent: Double
    public var height: Double { ascent + descent }
}

/// Horizontal and vertical alignment of a text box relative to its anchor point.
public struct TextAnchor: Hashable, Sendable {
    public enum Horizontal: Sendable { case left, center, right }
    public enum Vertical: Sendable { case top, middle, baseline, bottom }
    public var horizontal: Horizontal
    public var vertical: Vertical
    public init(_ horizontal: Horizontal, _ vertical: Vertical) { self.horizontal = horizontal; self.vertical = vertical }
}

/// Renders text with FreeType (DejaVu Sans by default): kerning, bold, Unicode,
/// horizontal or rotated 90° counter-clockwise.
///
/// Glyph bitmaps are cached per (face, pixel size, glyph) in a dictionary owned by
/// this renderer; create one renderer per figure render, so there is no global
/// mutable state. Not thread-safe: use one renderer per thread.
public final class TextRenderer {
    /// Canvas resolution used to turn points into pixels (pixels = points × dpi / 72).
    public let dpi: Double
    public let regularPath: String
    public let boldPath: String
    private var library: FT_Library?
    private var faces: [FT_Face?] = [nil, nil]   // [regular, bold]
    private var currentSize: [Int] = [-1, -1]
    private var cache: [GlyphKey: Glyph] = [:]

    private struct GlyphKey: Hashable { let face: Int; let size26: Int; let glyph: UInt32 }
    private struct Glyph {
        let width: Int, rows: Int, left: Int, top: Int
        let advance26: Int
        let bitmap: [UInt8]
    }

    /// Opens the fonts (located by `FontLocator` unless paths are given).
    /// - Throws: `PlotError.fontNotFound` / `.fontUnreadable`.
    public init(dpi: Double, regularPath: String? = nil, boldPath: String? = nil) throws {
        guard dpi.isFinite, dpi >= 10, dpi <= 2400 else { throw PlotError.invalidSize("dpi \(dpi) (must be 10...2400)") }
        self.dpi = dpi
        if let regularPath {
            self.regularPath = regularPath
            self.boldPath = boldPath ?? regularPath
        } else {
            let found = try FontLocator.locate()
            self.regularPath = found.regular
            self.boldPath = found.bold
        }
        var lib: FT_Library?
        let err = FT_Init_FreeType(&lib)
        guard err == 0, lib != nil else { throw PlotError.fontUnreadable(path: self.regularPath, code: err) }
        library = lib
        for (i, path) in [self.regularPath, self.boldPath].enumerated() {
            guard FileManager.default.isReadableFile(atPath: path) else {
                FT_Done_FreeType(library)
                library = nil
                throw PlotError.fontNotFound(searched: [path])
            }
            var face: FT_Face?
            let e = FT_New_Face(lib, path, 0, &face)
            guard e == 0, face != nil else {
                FT_Done_FreeType(library)
                library = nil
                throw PlotError.fontUnreadable(path: path, code: e)
            }
            faces[i] = face
        }
    }

    deinit {
        for f in faces where f != nil { FT_Done_Face(f) }
        if library != nil { FT_Done_FreeType(library) }
    }

    /// Pixel size of a font of `points` at this renderer's DPI.
    public func pixels(points: Double) -> Double { points * dpi / 72 }

    private func size26(_ font: FontSpec) -> Int { max(64, Int((pixels(points: font.size) * 64).rounded())) }

    private func face(_ font: FontSpec) -> (FT_Face, Int)? {
        let index = font.bold ? 1 : 0
        guard let f = faces[index] else { return nil }
        let s = size26(font)
        if currentSize[index] != s {
            FT_Set_Char_Size(f, 0, FT_F26Dot6(s), 72, 72)
            currentSize[index] = s
        }
        return (f, index)
    }

    private func glyph(_ face: FT_Face, faceIndex: Int, size26: Int, index: UInt32) -> Glyph {
        let key = GlyphKey(face: faceIndex, size26: size26, glyph: index)
        if let g = cache[key] { return g }
        // FT_LOAD_TARGET_LIGHT = FT_RENDER_MODE_LIGHT << 16: light vertical-only hinting.
        let flags = Int32(FT_LOAD_RENDER) | Int32(FT_RENDER_MODE_LIGHT.rawValue << 16)
        var g = Glyph(width: 0, rows: 0, left: 0, top: 0, advance26: 0, bitmap: [])
        if FT_Load_Glyph(face, index, flags) == 0, let slot = face.pointee.glyph {
            let bm = slot.pointee.bitmap
            let w = Int(bm.width), h = Int(bm.rows), pitch = Int(bm.pitch)
            var bytes = [UInt8](repeating: 0, count: w * h)
            if let buf = bm.buffer, w > 0, h > 0 {
                for y in 0..<h {
                    let row = pitch >= 0 ? y * pitch : (h - 1 - y) * -pitch
                    for x in 0..<w { bytes[y * w + x] = buf[row + x] }
                }
            }
            g = Glyph(width: w, rows: h, left: Int(slot.pointee.bitmap_left), top: Int(slot.pointee.bitmap_top),
                      advance26: Int(slot.pointee.advance.x), bitmap: bytes)
        }
        cache[key] = g
        return g
    }

    /// Glyph indices and pen positions (26.6 pixels) for `text`, with kerning.
    private func layout(_ text: String, font: FontSpec) -> (face: FT_Face, faceIndex: Int, glyphs: [(UInt32, Int)], width26: Int)? {
        guard let (f, fi) = face(font) else { return nil }
        let s = size26(font)
        let hasKerning = (f.pointee.face_flags & FT_Long(FT_FACE_FLAG_KERNING)) != 0
        var pen = 0
        var prev: UInt32 = 0
        var out: [(UInt32, Int)] = []
        for scalar in text.unicodeScalars {
            let gi = FT_Get_Char_Index(f, FT_ULong(scalar.value))
            if hasKerning, prev != 0, gi != 0 {
                var delta = FT_Vector()
                if FT_Get_Kerning(f, prev, gi, FT_UInt(FT_KERNING_DEFAULT.rawValue), &delta) == 0 { pen += Int(delta.x) }
            }
            out.append((gi, pen))
            pen += glyph(f, faceIndex: fi, size26: s, index: gi).advance26
            prev = gi
        }
        return (f, fi, out, pen)
    }

    /// The layout box of `text` (a single line) in pixels.
    public func measure(_ text: String, font: FontSpec) -> TextExtent {
        guard let (f, _, _, w26) = layout(text, font: font), let size = f.pointee.size else {
            return TextExtent(width: 0, ascent: 0, descent: 0)
        }
        let m = size.pointee.metrics
        return TextExtent(width: Double(w26) / 64, ascent: Double(m.ascender) / 64, descent: Double(-m.descender) / 64)
    }

    /// The box a drawn string occupies on the canvas (after rotation), for layout and collision tests.
    public func box(_ text: String, at point: Point, font: FontSpec, anchor: TextAnchor, rotated: Bool = false) -> Rect {
        let e = measure(text, font: font)
        let bw = rotated ? e.height : e.width
        let bh = rotated ? e.width : e.height
        var x: Double
        switch anchor.horizontal {
        case .left: x = point.x
        case .center: x = point.x - bw / 2
        case .right: x = point.x - bw
        }
        var y: Double
        switch anchor.vertical {
        case .top: y = point.y
        case .middle: y = point.y - bh / 2
        case .bottom: y = point.y - bh
        case .baseline: y = rotated ? point.y - bh / 2 : point.y - e.ascent
        }
        if rotated && anchor.vertical == .baseline { x = point.x - e.ascent }
        return Rect(x: x.rounded(), y: y.rounded(), width: bw, height: bh)
    }

    /// Draws one line of text. The anchor refers to the final (possibly rotated) box;
    /// `rotated` turns the text 90° counter-clockwise so it reads bottom to top.
    /// - Returns: the box occupied, in canvas pixels.
    @discardableResult
    public func draw(_ text: String, on canvas: inout Canvas, at point: Point, font: FontSpec,
                     color: Color = .ink, anchor: TextAnchor = TextAnchor(.left, .baseline),
                     rotated: Bool = false) -> Rect {
        let b = box(text, at: point, font: font, anchor: anchor, rotated: rotated)
        guard !text.isEmpty, b.minX.isFinite, b.minY.isFinite, abs(b.minX) < 1e6, abs(b.minY) < 1e6, let (f, fi, glyphs, w26) = layout(text, font: font), let size = f.pointee.size else { return b }
        let s = size26(font)
        let m = size.pointee.metrics
        let ascent = Int((Double(m.ascender) / 64).rounded(.up))
        let descent = Int((Double(-m.descender) / 64).rounded(.up))
        let pad = 2
        let mw = Int((Double(w26) / 64).rounded(.up)) + 2 * pad + 2
        let mh = ascent + descent + 2 * pad
        var mask = [Float](repeating: 0, count: mw * mh)
        for (gi, pen26) in glyphs {
            let g = glyph(f, faceIndex: fi, size26: s, index: gi)
            let ox = pad + Int((Double(pen26) / 64).rounded()) + g.left
            let oy = pad + ascent - g.top
            for y in 0..<g.rows {
                let my = oy + y
                if my < 0 || my >= mh { continue }
                for x in 0..<g.width {
                    let mx = ox + x
                    if mx < 0 || mx >= mw { continue }
                    let v = Float(g.bitmap[y * g.width + x]) / 255
                    mask[my * mw + mx] = min(1, mask[my * mw + mx] + v)
                }
            }
        }
        if !rotated {
            canvas.composite(mask: mask, maskWidth: mw, maskHeight: mh,
                             originX: Int(b.minX) - pad, originY: Int(b.minY) - pad, color: color)
        } else {
            // Rotate 90° counter-clockwise: mask (u, v) → (v, mw - 1 - u).
            var r = [Float](repeating: 0, count: mw * mh)
            for v in 0..<mh {
                for u in 0..<mw {
                    r[(mw - 1 - u) * mh + v] = mask[v * mw + u]
                }
            }
            // Mask column u = pad (start of the text) lands on the box's bottom edge,
            // mask row v = pad (top of the line) on its left edge.
            let originX = Int(b.minX) - pad
            let originY = Int(b.maxY.rounded()) - mw + pad
            canvas.composite(mask: r, maskWidth: mh, maskHeight: mw, originX: originX, originY: originY, color: color)
        }
        return b
    }
}
