import Foundation
import Linalg
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
        let timedOut = timedOutTasks()
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
                if fitExponent, let slope = Statistics.powerLawExponent(x: xs, y: means) {
                    label += String(format: " (∝ n^%.2f)", slope).replacingOccurrences(of: "n^", with: xDimension == "n" ? "n^" : "x^")
                }
                axes.add(.line(LineSeries(x: xs, y: means, lower: xs.map { byX[$0]!.min()! },
                                          upper: xs.map { byX[$0]!.max()! }, label: label, marker: .circle)))
            }
            // Runs that hit their time limit: an open marker at the limit, never a silent gap.
            if ["fit_seconds", "cpu_seconds"].contains(quantity) && xDimension != "k" {
                for level in FigureRecipe.levels(of: timedOut, key: { FigureRecipe.key(seriesDimension, of: $0.task) }) {
                    let members = timedOut.filter { FigureRecipe.key(seriesDimension, of: $0.task) == level }
                    let points = members.compactMap { m in Double(FigureRecipe.key(xDimension, of: m.task)).map { ($0, m.limit) } }
                        .sorted { $0.0 < $1.0 }
                    guard let limit = points.map(\.1).max() else { continue }
                    axes.add(.line(LineSeries(x: points.map(\.0), y: points.map(\.1),
                                              label: "\(level): did not finish in \(ChildProcess.formatSeconds(limit)) s",
                                              color: .muted, lineWidth: 0, marker: .openCircle, markerSize: 6)))
                }
            }
            panels.append(axes)
        }
        let grid = PanelGrid(rows: 1, cols: panels.count, panels: panels, title: text("title", spec.name))
        return try figureSize(defaultWidth: max(6.4, 4.6 * Double(panels.count) + 0.4), defaultHeight: 3.8).render(grid)
    }
}
