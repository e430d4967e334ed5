/// An sRGB colour with straight (non-premultiplied) alpha, components in [0, 1].
public struct Color: Hashable, Sendable {
    public var r: Double
    public var g: Double
    public var b: Double
    public var a: Double

    public init(r: Double, g: Double, b: Double, a: Double = 1) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }

    /// A colour from a 24-bit hex value such as `0x0072B2`.
    public init(hex: UInt32, alpha: Double = 1) {
        r = Double((hex >> 16) & 0xFF) / 255
        g = Double((hex >> 8) & 0xFF) / 255
        b = Double(hex & 0xFF) / 255
        a = alpha
    }

    /// The same colour with its alpha multiplied by `factor`.
    public func withAlpha(_ factor: Double) -> Color { Color(r: r, g: g, b: b, a: a * factor) }

    /// Linear interpolation in sRGB between `self` (t = 0) and `other` (t = 1).
    public func mixed(with other: Color, _ t: Double) -> Color {
        Color(r: r + (other.r - r) * t, g: g + (other.g - g) * t, b: b + (other.b - b) * t, a: a + (other.a - a) * t)
    }

    public static let black = Color(hex: 0x000000)
    public static let white = Color(hex: 0xFFFFFF)
    public static let transparent = Color(r: 0, g: 0, b: 0, a: 0)
    /// Dark grey used for axes spines, ticks and text (softer than pure black).
    public static let ink = Color(hex: 0x262626)
    /// Light grey used for grid lines.
    public static let grid = Color(hex: 0xDDDDDD)
    /// Mid grey for notes and secondary text.
    public static let muted = Color(hex: 0x6E6E6E)
}

/// Colour-blind-safe categorical palettes.
public enum Palette {
    /// Okabe & Ito (2008), reordered so the first colours are the most distinct on white:
    /// blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow, black.
    public static let okabeIto: [Color] = [0x0072B2, 0xE69F00, 0x009E73, 0xD55E00,
                                           0x56B4E9, 0xCC79A7, 0xF0E442, 0x000000].map { Color(hex: $0) }
    /// Tableau 10 (the 2016 revision designed for colour-vision deficiency robustness).
    public static let tableau10: [Color] = [0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F,
                                            0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC].map { Color(hex: $0) }
    /// Tableau 20: ten hues, each in a dark and a light tone.
    public static let tableau20: [Color] = [0x4E79A7, 0xA0CBE8, 0xF28E2B, 0xFFBE7D, 0x59A14F,
                                            0x8CD17D, 0xB6992D, 0xF1CE63, 0x499894, 0x86BCB6,
                                            0xE15759, 0xFF9D9A, 0x79706E, 0xBAB0AC, 0xD37295,
                                            0xFABFD2, 0xB07AA1, 0xD4A6C8, 0x9D7660, 0xD7B5A6].map { Color(hex: $0) }

    /// The palette for `count` categories: Okabe–Ito up to 8, Tableau 10 up to 10,
    /// Tableau 20 up to 20; beyond 20 Tableau 20 repeats (callers should avoid that).
    public static func categorical(count: Int) -> [Color] {
        if count <= okabeIto.count { return okabeIto }
        if count <= tableau10.count { return tableau10 }
        return tableau20
    }

    /// Colour of category `index` in a palette of `count` categories (wraps around).
    public static func color(category index: Int, of count: Int) -> Color {
        let p = categorical(count: count)
        return p[((index % p.count) + p.count) % p.count]
    }
}

/// A continuous colour map from [0, 1] to colours.
public struct ColorMap: Hashable, Sendable {
    /// Evenly spaced anchor colours, interpolated linearly in sRGB.
    public var anchors: [Color]
    public var name: String

    public init(name: String, anchors: [Color]) {
        self.name = name
        self.anchors = anchors.isEmpty ? [.black, .white] : anchors
    }

    /// The colour at `t` (clamped to [0, 1]; NaN maps to 0).
    public func color(at t: Double) -> Color {
        let tt = t.isNaN ? 0 : min(max(t, 0), 1)
        if anchors.count == 1 { return anchors[0] }
        let pos = tt * Double(anchors.count - 1)
        let i = min(Int(pos), anchors.count - 2)
        return anchors[i].mixed(with: anchors[i + 1], pos - Double(i))
    }

    /// Viridis (van der Walt & Smith), perceptually uniform and colour-blind safe:
    /// 16 evenly spaced anchors sampled from the reference table.
    public static let viridis = ColorMap(name: "viridis", anchors: [
        0x440154, 0x481A6C, 0x472F7D, 0x414487, 0x39568C, 0x31688E, 0x2A788E, 0x23888E,
        0x1F988B, 0x22A884, 0x35B779, 0x54C568, 0x7AD151, 0xA5DB36, 0xD2E21B, 0xFDE725,
    ].map { Color(hex: $0) })
}
