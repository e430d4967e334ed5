/// Where a legend goes.
public enum LegendPlacement: Hashable, Sendable {
    /// Inside the plot area, at the corner or edge position covering the fewest data points.
    case best
    case upperRight, upperLeft, lowerLeft, lowerRight
    /// Outside the plot area, to its right.
    case outsideRight
    /// No legend.
    case none
}

/// One panel: a plot area with axes, ticks, labels, a title and the items drawn in it.
/// A value type: build it, `add` items, hand it to `Figure.render`.
public struct Axes: Hashable, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    /// Fixed axis limits (nil = from the data with 5% margins).
    public var xLimits: ClosedRange<Double>?
    public var yLimits: ClosedRange<Double>?
    /// Light grid lines at the major ticks.
    public var grid: Bool
    public var legend: LegendPlacement
    /// One data unit has the same length on both axes (limits are widened to fit).
    public var equalAspect: Bool
    /// Hide tick labels (e.g. for embeddings, whose coordinates carry no meaning).
    public var hideTickLabels: Bool
    public private(set) var items: [PlotItem]

    public init(title: String = "", xLabel: String = "", yLabel: String = "",
                xScale: AxisScale = .linear, yScale: AxisScale = .linear,
                xLimits: ClosedRange<Double>? = nil, yLimits: ClosedRange<Double>? = nil,
                grid: Bool = true, legend: LegendPlacement = .best, equalAspect: Bool = false,
                hideTickLabels: Bool = false, items: [PlotItem] = []) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.xScale = xScale; self.yScale = yScale; self.xLimits = xLimits; self.yLimits = yLimits
        self.grid = grid; self.legend = legend; self.equalAspect = equalAspect
        self.hideTickLabels = hideTickLabels; self.items = items
    }

    /// Appends an item; items are drawn in the order added.
    public mutating func add(_ item: PlotItem) { items.append(item) }
}

/// How panels of a grid share an axis's limits.
public enum AxisSharing: Hashable, Sendable {
    case none
    /// All panels use the same limits; tick labels only on the outer panels.
    case all
    /// Panels in the same row share (y axes typically); tick labels only in the first column.
    case row
    /// Panels in the same column share (x axes typically); tick labels only in the bottom row.
    case column
}

/// A rows × cols grid of panels (row-major), with an optional figure title and a
/// legend shared by all panels.
public struct PanelGrid: Hashable, Sendable {
    public var rows: Int
    public var cols: Int
    /// Row-major; `rows * cols` panels.
    public var panels: [Axes]
    public var sharedX: AxisSharing
    public var sharedY: AxisSharing
    public var title: String
    /// One legend for the whole figure (right of the panels), built from all panels'
    /// entries with duplicate labels merged; panel legends are then suppressed.
    public var sharedLegend: Bool

    public init(rows: Int, cols: Int, panels: [Axes], sharedX: AxisSharing = .none, sharedY: AxisSharing = .none,
                title: String = "", sharedLegend: Bool = false) {
        self.rows = rows; self.cols = cols; self.panels = panels
        self.sharedX = sharedX; self.sharedY = sharedY; self.title = title; self.sharedLegend = sharedLegend
    }
}

/// Font sizes (points) and line widths (points) used by every figure.
public struct Theme: Hashable, Sendable {
    public var tickLabelSize = 9.0
    public var axisLabelSize = 10.0
    public var titleSize = 11.0
    public var figureTitleSize = 13.0
    public var legendSize = 9.0
    public var noteSize = 7.5
    public var spineWidth = 0.8
    public var tickWidth = 0.8
    public var gridWidth = 0.6
    public var majorTickLength = 3.5
    public var minorTickLength = 2.0
    public init() {}
}
