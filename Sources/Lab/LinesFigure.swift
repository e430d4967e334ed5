import Linalg
import Foundation
import Plot

extension FigureRecipe {
    /// Measured quantities against a swept dimension: one panel per `y` entry,
    /// one line per `series` level, mean over seeds with a min–max band, optional
    /// log axes and, with `fit_exponent`, the fitted power-law exponent in the legend.
    func lines(_ records: [RunRecord]) throws -> RenderedFigure {
        let xDimension = text("x", "n")
        let quantities = figure.settings["y"]?.words ?? ["fit_seconds"]
        let seriesDimension = text("series", "algorithm")
        let logX = flag("log_x", false), logY = flag("log_y", false), fitExponent = flag("fit_exponent", false)
        var panels: [Axes] = []
        for quantity in quantities {
            var axes = Axes(title: "",
                            xLabel: text("x_label", FigureRecipe.label(for: xDimension)),
                            yLabel: text("y_label", FigureRecipe.label(for: quantity)),
                            xScale: logX ? .log : .linear, yScale: logY ? .log : .linear)
            for level in FigureRecipe.levels(seriesDimension, in: records) {
                let members = records.filter { FigureRecipe.key(seriesDimension, of: $0) == level }
                var byX: [Double: [Double]] = [:]
                for r in members {
                    if xDimension == "k" {
                        // x is the k of metrics named "<quantity>@k" (for example knn-accuracy-cv@100).
                        for m in r.metrics where m.name.hasPrefix(quantity + "@") {
                            if let k = Double(m.name.dropFirst(quantity.count + 1)) { byX[k, default: []].append(m.value) }
                        }
                        continue
                    }
                    guard let x = Double(FigureRecipe.key(xDimension, of: r)),
                          let y = FigureRecipe.quantity(quantity, of: r) else { continue }
                    byX[x, default: []].append(y)
                }
                let xs = byX.keys.sorted()
                guard !xs.isEmpty else { continue }
                let means = xs.map { byX[$0]!.reduce(0, +) / Double(byX[$0]!.count) }
                var label = level
                if fitExponent, let slope = PowerLaw.exponent(x: xs, y: means) {
                    label += String(format: " (∝ n^%.2f)", slope).replacingOccurrences(of: "n^", with: xDimension == "n" ? "n^" : "x^")
                }
                axes.add(.line(LineSeries(x: xs, y: means, lower: xs.map { byX[$0]!.min()! },
                                          upper: xs.map { byX[$0]!.max()! }, label: label, marker: .circle)))
            }
            panels.append(axes)
        }
        let grid = PanelGrid(rows: 1, cols: panels.count, panels: panels, title: text("title", spec.name))
        return try figureSize(defaultWidth: max(6.4, 4.6 * Double(panels.count) + 0.4), defaultHeight: 3.8).render(grid)
    }
}

/// Least-squares slope of log y against log x: the exponent k of y ∝ x^k.
enum PowerLaw {
    static func exponent(x: [Double], y: [Double]) -> Double? {
        let pairs = zip(x, y).filter { $0.0 > 0 && $0.1 > 0 }.map { (DeterministicMath.log($0.0), DeterministicMath.log($0.1)) }
        guard pairs.count >= 2 else { return nil }
        let mx = pairs.map(\.0).reduce(0, +) / Double(pairs.count)
        let my = pairs.map(\.1).reduce(0, +) / Double(pairs.count)
        let sxx = pairs.map { ($0.0 - mx) * ($0.0 - mx) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        return pairs.map { ($0.0 - mx) * ($0.1 - my) }.reduce(0, +) / sxx
    }
}
