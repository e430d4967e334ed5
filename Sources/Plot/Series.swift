/// Marker shape for line plots.
public enum Marker: Hashable, Sendable {
    case none
    case circle
    case square
    /// An unfilled circle: a point that is not a measurement (for example a run that did not
    /// finish in its time limit, drawn at the limit).
    case openCircle
}

/// A scatter plot: one disc per point.
///
/// Colour comes from, in order of precedence: `pointColors` (one RGB colour per
/// point, e.g. the colour cube's own colours), `categories` (categorical palette,
/// one colour per class, up to 20 distinct), `values` (continuous `colorMap`,
/// with a colour bar), or `color` (single colour; nil = next palette colour).
/// Points with a non-finite coordinate or value are skipped and counted in a note.
public struct ScatterSeries: Hashable, Sendable {
    public var x: [Double]
    public var y: [Double]
    /// Class index per point (0-based); same length as `x`.
    public var categories: [Int]?
    /// Legend labels for classes, indexed by class (missing entries print the index).
    public var categoryNames: [String]?
    /// Continuous value per point, mapped through `colorMap`; same length as `x`.
    public var values: [Double]?
    /// Colour limits for `values` (nil = their finite range).
    public var valueRange: ClosedRange<Double>?
    public var colorMap: ColorMap
    /// Label drawn beside the colour bar (only with `values`).
    public var colorBarLabel: String?
    /// Single colour (ignored with `categories` or `values`).
    public var color: Color?
    /// One colour per point (same length as `x`; their alpha is multiplied by `alpha`); overrides the rest.
    public var pointColors: [Color]? = nil
    /// Legend label (ignored with `categories`, which label each class).
    public var label: String?
    /// Marker diameter in points; nil = automatic (smaller for more points).
    public var size: Double?
    /// Marker opacity in [0, 1]; nil = automatic (lower for more points).
    public var alpha: Double?

    public init(x: [Double], y: [Double], categories: [Int]? = nil, categoryNames: [String]? = nil,
                values: [Double]? = nil, valueRange: ClosedRange<Double>? = nil, colorMap: ColorMap = .viridis,
                colorBarLabel: String? = nil, color: Color? = nil, label: String? = nil,
                size: Double? = nil, alpha: Double? = nil) {
        self.x = x; self.y = y; self.categories = categories; self.categoryNames = categoryNames
        self.values = values; self.valueRange = valueRange; self.colorMap = colorMap
        self.colorBarLabel = colorBarLabel; self.color = color; self.label = label
        self.size = size; self.alpha = alpha
    }

    /// Marker diameter (points) used when `size` is nil.
    public static func automaticSize(count: Int) -> Double {
        count <= 500 ? 5 : count <= 5_000 ? 3.5 : count <= 20_000 ? 2.5 : 1.8
    }

    /// Opacity used when `alpha` is nil.
    public static func automaticAlpha(count: Int) -> Double {
        count <= 5_000 ? 0.9 : count <= 20_000 ? 0.75 : 0.6
    }
}

/// A line through (x, y) in the given order, with optional markers and a shaded band
/// between `lower` and `upper` (e.g. mean ± standard deviation). A non-finite point
/// breaks the line.
public struct LineSeries: Hashable, Sendable {
    public var x: [Double]
    public var y: [Double]
    public var lower: [Double]?
    public var upper: [Double]?
    public var label: String?
    public var color: Color?
    /// Line width in points.
    public var lineWidth: Double
    /// Dash pattern in points (on, off, ...); nil = solid.
    public var dash: [Double]?
    public var marker: Marker
    /// Marker diameter in points.
    public var markerSize: Double
    /// Opacity of the band fill.
    public var bandAlpha: Double

    public init(x: [Double], y: [Double], lower: [Double]? = nil, upper: [Double]? = nil, label: String? = nil,
                color: Color? = nil, lineWidth: Double = 1.5, dash: [Double]? = nil, marker: Marker = .none,
                markerSize: Double = 4.5, bandAlpha: Double = 0.2) {
        self.x = x; self.y = y; self.lower = lower; self.upper = upper; self.label = label
        self.color = color; self.lineWidth = lineWidth; self.dash = dash; self.marker = marker
        self.markerSize = markerSize; self.bandAlpha = bandAlpha
    }
}

/// Histogram binning.
public enum HistogramBins: Hashable, Sendable {
    /// This many equal-width bins over the finite range of all histograms in the same axes
    /// (so overlaid histograms share bins; equal width in log space on a log x axis).
    case count(Int)
    /// Explicit increasing bin edges (values outside are ignored).
    case edges([Double])
}

/// How a histogram is drawn.
public enum HistogramStyle: Hashable, Sendable {
    /// Translucent bars with an outline in the same colour.
    case filled
    /// Outline only (a step line), good for many overlaid distributions.
    case step
}

/// A histogram of `values`: counts, or a density integrating to 1.
public struct HistogramSeries: Hashable, Sendable {
    public var values: [Double]
    public var bins: HistogramBins
    public var density: Bool
    public var style: HistogramStyle
    public var label: String?
    public var color: Color?
    /// Fill opacity for `.filled`.
    public var alpha: Double

    public init(values: [Double], bins: HistogramBins = .count(30), density: Bool = false,
                style: HistogramStyle = .filled, label: String? = nil, color: Color? = nil, alpha: Double = 0.45) {
        self.values = values; self.bins = bins; self.density = density; self.style = style
        self.label = label; self.color = color; self.alpha = alpha
    }
}

/// Where a text annotation's position is measured.
public enum AnnotationCoordinates: Hashable, Sendable {
    /// Data coordinates of the axes.
    case data
    /// Fractions of the plot area: (0, 0) bottom-left, (1, 1) top-right.
    case axesFraction
}

/// Text inside a panel, e.g. "T(15) = 0.957" in a corner.
public struct TextAnnotation: Hashable, Sendable {
    public var text: String
    public var x: Double
    public var y: Double
    public var coordinates: AnnotationCoordinates
    public var anchor: TextAnchor
    /// Font size in points.
    public var size: Double
    public var bold: Bool
    public var color: Color
    /// Draw a translucent white box behind the text for legibility over data.
    public var background: Bool

    public init(_ text: String, x: Double = 0.03, y: Double = 0.97, coordinates: AnnotationCoordinates = .axesFraction,
                anchor: TextAnchor = TextAnchor(.left, .top), size: Double = 9, bold: Bool = false,
                color: Color = .ink, background: Bool = true) {
        self.text = text; self.x = x; self.y = y; self.coordinates = coordinates; self.anchor = anchor
        self.size = size; self.bold = bold; self.color = color; self.background = background
    }
}

/// Circles with radii in data units (e.g. each point's k-th neighbour distance),
/// drawn translucent so overlaps accumulate. Use `Axes.equalAspect` for true circles.
public struct CircleSeries: Hashable, Sendable {
    public var x: [Double]
    public var y: [Double]
    /// Radius per circle in data units (≥ 0).
    public var radius: [Double]
    public var color: Color?
    public var alpha: Double
    /// Filled discs (true) or outlines (false).
    public var filled: Bool
    public var label: String?

    public init(x: [Double], y: [Double], radius: [Double], color: Color? = nil, alpha: Double = 0.15,
                filled: Bool = true, label: String? = nil) {
        self.x = x; self.y = y; self.radius = radius; self.color = color; self.alpha = alpha
        self.filled = filled; self.label = label
    }
}

/// One thing drawn in an `Axes`.
public enum PlotItem: Hashable, Sendable {
    case scatter(ScatterSeries)
    case line(LineSeries)
    case histogram(HistogramSeries)
    case text(TextAnnotation)
    case circles(CircleSeries)
}
