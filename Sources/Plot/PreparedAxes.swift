import Foundation

/// One entry of a legend: a swatch and its label.
struct LegendEntry: Hashable {
    enum Kind: Hashable { case marker, line(dash: [Double]?, marker: Marker), patch }
    var label: String
    var color: Color
    var kind: Kind
}

/// A histogram with bins resolved: edges and bar heights (counts or density).
struct ResolvedHistogram {
    var edges: [Double]
    var heights: [Double]
    var series: HistogramSeries
    var color: Color
}

/// Colour-bar information for a scatter coloured by continuous values.
struct ColorBarInfo {
    var lo: Double
    var hi: Double
    var map: ColorMap
    var label: String?
}

/// An `Axes` with its data validated and reduced to what can be drawn: finite
/// bounds per axis, default colours assigned, histograms binned, skipped points counted.
struct PreparedAxes {
    var axes: Axes
    var xBounds: (Double, Double)?
    var yBounds: (Double, Double)?
    /// True if some histogram has bars starting at 0 on a linear y axis (keeps 0 as the lower limit).
    var yStickyZero = false
    var nonFinite = 0
    var nonPositiveLog = 0
    var colors: [Int: Color] = [:]          // item index → resolved single colour
    var histograms: [Int: ResolvedHistogram] = [:]
    var colorBar: ColorBarInfo?
    var legendEntries: [LegendEntry] = []
    /// Items coloured so far from the default cycle.
    private var paletteNext = 0

    /// Notes printed under the panel ("12 non-finite points omitted").
    var notes: [String] {
        var n: [String] = []
        if nonFinite > 0 { n.append("\(nonFinite) non-finite point\(nonFinite == 1 ? "" : "s") omitted") }
        if nonPositiveLog > 0 {
            n.append("\(nonPositiveLog) non-positive value\(nonPositiveLog == 1 ? "" : "s") omitted (log axis)")
        }
        return n
    }

    init(_ axes: Axes) throws {
        self.axes = axes
        let xs = axes.xScale, ys = axes.yScale
        var xb = Bounds(), yb = Bounds()
        let histRange = PreparedAxes.histogramRange(axes)
        for (index, item) in axes.items.enumerated() {
            switch item {
            case .scatter(let s): try prepareScatter(s, index: index, xb: &xb, yb: &yb)
            case .line(let l): try prepareLine(l, index: index, xb: &xb, yb: &yb)
            case .histogram(let h): try prepareHistogram(h, index: index, range: histRange, xb: &xb, yb: &yb)
            case .circles(let s): try prepareCircles(s, index: index, xb: &xb, yb: &yb)
            case .text(let t):
                if t.coordinates == .data, t.x.isFinite, t.y.isFinite, PreparedAxes.allowed(t.x, xs), PreparedAxes.allowed(t.y, ys) {
                    xb.add(t.x); yb.add(t.y)
                }
            }
        }
        xBounds = xb.pair
        yBounds = yb.pair
    }

    /// The next colour of the Okabe–Ito cycle, for items without their own.
    private mutating func nextColor() -> Color {
        defer { paletteNext += 1 }
        return Palette.okabeIto[paletteNext % Palette.okabeIto.count]
    }

    /// Bins for `.count` histograms span the finite values of all histograms in these axes.
    private static func histogramRange(_ axes: Axes) -> Bounds {
        let xs = axes.xScale
        var histRange = Bounds()
        for item in axes.items {
            if case .histogram(let h) = item {
                for v in h.values where v.isFinite && (xs == .linear || v > 0) { histRange.add(xs == .log ? log10(v) : v) }
            }
        }
        return histRange
    }

    /// A scatter series: checked lengths, bounds, and its legend entries, colour bar or colour.
    private mutating func prepareScatter(_ s: ScatterSeries, index: Int, xb: inout Bounds, yb: inout Bounds) throws {
        let xs = axes.xScale, ys = axes.yScale
        try PreparedAxes.check(s.y.count == s.x.count, "scatter y has \(s.y.count) values, x has \(s.x.count)")
        if let c = s.categories {
            try PreparedAxes.check(c.count == s.x.count, "scatter categories has \(c.count) values, x has \(s.x.count)")
        }
        if let v = s.values {
            try PreparedAxes.check(v.count == s.x.count, "scatter values has \(v.count) values, x has \(s.x.count)")
        }
        if let pc = s.pointColors {
            try PreparedAxes.check(pc.count == s.x.count, "scatter pointColors has \(pc.count) values, x has \(s.x.count)")
        }
        var vb = Bounds()
        for i in 0..<s.x.count {
            let v = s.values?[i] ?? 0
            guard s.x[i].isFinite, s.y[i].isFinite, v.isFinite else { nonFinite += 1; continue }
            guard PreparedAxes.allowed(s.x[i], xs), PreparedAxes.allowed(s.y[i], ys) else { nonPositiveLog += 1; continue }
            xb.add(s.x[i]); yb.add(s.y[i])
            if s.values != nil { vb.add(v) }
        }
        if s.pointColors != nil {
            if let l = s.label { legendEntries.append(LegendEntry(label: l, color: .muted, kind: .marker)) }
        } else if let cats = s.categories {
            let count = PreparedAxes.categoryCount(s)
            let present = Set(cats.filter { $0 >= 0 }).sorted()
            for c in present.prefix(PreparedAxes.maximumLegendEntries) {
                let name = (s.categoryNames.flatMap { c < $0.count ? $0[c] : nil }) ?? "\(c)"
                legendEntries.append(LegendEntry(label: name, color: Palette.color(category: c, of: count), kind: .marker))
            }
        } else if s.values != nil {
            let lo = s.valueRange?.lowerBound ?? vb.lo ?? 0
            let hi = s.valueRange?.upperBound ?? vb.hi ?? 1
            let (a, b) = TickGenerator.paddedRange(lo, hi, scale: .linear)
            colorBar = ColorBarInfo(lo: a, hi: b, map: s.colorMap, label: s.colorBarLabel)
        } else {
            let c = s.color ?? nextColor()
            colors[index] = c
            if let l = s.label { legendEntries.append(LegendEntry(label: l, color: c, kind: .marker)) }
        }
    }

    /// A line: checked lengths, bounds (band included), colour and legend entry.
    private mutating func prepareLine(_ l: LineSeries, index: Int, xb: inout Bounds, yb: inout Bounds) throws {
        let xs = axes.xScale, ys = axes.yScale
        try PreparedAxes.check(l.y.count == l.x.count, "line y has \(l.y.count) values, x has \(l.x.count)")
        if let lo = l.lower { try PreparedAxes.check(lo.count == l.x.count, "line lower has \(lo.count) values, x has \(l.x.count)") }
        if let up = l.upper { try PreparedAxes.check(up.count == l.x.count, "line upper has \(up.count) values, x has \(l.x.count)") }
        for i in 0..<l.x.count {
            guard l.x[i].isFinite, l.y[i].isFinite else { nonFinite += 1; continue }
            guard PreparedAxes.allowed(l.x[i], xs), PreparedAxes.allowed(l.y[i], ys) else { nonPositiveLog += 1; continue }
            xb.add(l.x[i]); yb.add(l.y[i])
            for band in [l.lower, l.upper] {
                if let v = band?[i], v.isFinite, PreparedAxes.allowed(v, ys) { yb.add(v) }
            }
        }
        let c = l.color ?? nextColor()
        colors[index] = c
        if let label = l.label {
            legendEntries.append(LegendEntry(label: label, color: c, kind: .line(dash: l.dash, marker: l.marker)))
        }
    }

    /// A histogram: bins resolved (given edges or `count` bins over `histRange`), counted, bounds.
    private mutating func prepareHistogram(_ h: HistogramSeries, index: Int, range histRange: Bounds,
                                           xb: inout Bounds, yb: inout Bounds) throws {
        let xs = axes.xScale, ys = axes.yScale
        var edges: [Double]
        switch h.bins {
        case .edges(let e):
            try PreparedAxes.check(e.count >= 2 && zip(e, e.dropFirst()).allSatisfy { $0 < $1 } && e.allSatisfy { $0.isFinite },
                                   "histogram edges must be at least two finite increasing values")
            edges = e
        case .count(let n):
            try PreparedAxes.check(n >= 1 && n <= 100_000, "histogram bin count \(n) must be 1...100000")
            let (a, b) = TickGenerator.paddedRange(histRange.lo ?? 0, histRange.hi ?? 1, scale: .linear)
            edges = (0...n).map { a + (b - a) * Double($0) / Double(n) }
            if xs == .log { edges = edges.map { pow(10, $0) } }
        }
        var counts = [Double](repeating: 0, count: edges.count - 1)
        var total = 0
        for v in h.values {
            guard v.isFinite else { nonFinite += 1; continue }
            guard PreparedAxes.allowed(v, xs) else { nonPositiveLog += 1; continue }
            guard let bin = PreparedAxes.bin(of: v, edges: edges) else { continue }
            counts[bin] += 1
            total += 1
        }
        if h.density && total > 0 {
            for i in counts.indices { counts[i] /= Double(total) * (edges[i + 1] - edges[i]) }
        }
        let c = h.color ?? nextColor()
        colors[index] = c
        histograms[index] = ResolvedHistogram(edges: edges, heights: counts, series: h, color: c)
        xb.add(edges[0]); xb.add(edges[edges.count - 1])
        if ys == .linear {
            yb.add(0)
            yStickyZero = true
            yb.add(counts.max() ?? 1)
        } else {
            for v in counts where v > 0 { yb.add(v) }
        }
        if let label = h.label {
            legendEntries.append(LegendEntry(label: label, color: c, kind: h.style == .filled ? .patch : .line(dash: nil, marker: .none)))
        }
    }

    /// Circles: checked lengths, bounds including the radii, colour and legend entry.
    private mutating func prepareCircles(_ s: CircleSeries, index: Int, xb: inout Bounds, yb: inout Bounds) throws {
        let xs = axes.xScale, ys = axes.yScale
        try PreparedAxes.check(s.y.count == s.x.count && s.radius.count == s.x.count,
                               "circles need x, y and radius of equal length (\(s.x.count), \(s.y.count), \(s.radius.count))")
        for i in 0..<s.x.count {
            guard s.x[i].isFinite, s.y[i].isFinite, s.radius[i].isFinite, s.radius[i] >= 0 else { nonFinite += 1; continue }
            let r = s.radius[i]
            guard PreparedAxes.allowed(s.x[i], xs), PreparedAxes.allowed(s.y[i], ys) else { nonPositiveLog += 1; continue }
            for v in [s.x[i] - r, s.x[i] + r] where PreparedAxes.allowed(v, xs) { xb.add(v) }
            for v in [s.y[i] - r, s.y[i] + r] where PreparedAxes.allowed(v, ys) { yb.add(v) }
        }
        let c = s.color ?? nextColor()
        colors[index] = c
        if let label = s.label { legendEntries.append(LegendEntry(label: label, color: c.withAlpha(max(s.alpha, 0.35)), kind: .patch)) }
    }

    /// At most this many classes are listed in a legend.
    static let maximumLegendEntries = 40

    /// Number of classes a categorical scatter's palette is chosen for.
    static func categoryCount(_ s: ScatterSeries) -> Int {
        max((s.categories?.max() ?? 0) + 1, s.categoryNames?.count ?? 0, 1)
    }

    static func check(_ ok: Bool, _ message: String) throws {
        if !ok { throw PlotError.shapeMismatch(message) }
    }

    static func allowed(_ v: Double, _ scale: AxisScale) -> Bool { scale == .linear || v > 0 }

    /// Index of the bin holding `v` (the last bin is closed on the right).
    static func bin(of v: Double, edges: [Double]) -> Int? {
        guard let first = edges.first, let last = edges.last, v >= first, v <= last else { return nil }
        if v == last { return edges.count - 2 }
        var lo = 0, hi = edges.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if edges[mid] <= v { lo = mid } else { hi = mid }
        }
        return lo
    }
}

/// Running min/max of finite values.
struct Bounds {
    var lo: Double?
    var hi: Double?
    mutating func add(_ v: Double) {
        guard v.isFinite else { return }
        lo = min(lo ?? v, v)
        hi = max(hi ?? v, v)
    }
    var pair: (Double, Double)? {
        if let lo, let hi { return (lo, hi) }
        return nil
    }
}
