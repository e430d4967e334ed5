import Foundation
import Linalg
import Plot

extension FigureRecipe {
    /// Measured quantities against a swept dimension: one panel per `y` entry,
    /// one line per `series` level, mean over seeds with a min–max band, optional
    /// log axes and, with `fit_exponent`, the fitted power-law exponent in the legend;
    /// with `ratios`, one more panel of series ratios (see `ratioPanel`).
    func lines(_ records: [RunRecord]) throws -> RenderedFigure {
        let xDimension = text("x", "n")
        let quantities = figure.settings["y"]?.words ?? ["fit_seconds"]
        let seriesDimension = text("series", "algorithm")
        let logX = flag("log_x", false), logY = flag("log_y", false), fitExponent = flag("fit_exponent", false)
        let panelDimension = figure.settings["panels"]?.words.first
        let panelLevels = panelDimension.map { FigureRecipe.levels($0, in: records) } ?? [""]
        let ratios = figure.settings["ratios"]?.words
        var panels: [Axes] = []
        let allTimedOut = timedOutTasks()
        for panelLevel in panelLevels {
            let inPanel = panelDimension.map { d in records.filter { FigureRecipe.key(d, of: $0) == panelLevel } } ?? records
            let timedOut = panelDimension.map { d in allTimedOut.filter { FigureRecipe.key(d, of: $0.task) == panelLevel } } ?? allTimedOut
            for quantity in quantities {
                var axes = lineAxes(quantity, x: xDimension, series: seriesDimension, logX: logX, logY: logY,
                                    fitExponent: fitExponent, records: inPanel, timedOut: timedOut)
                axes.title = panelLevel
                panels.append(axes)
            }
            if let ratios, let first = quantities.first {
                var axes = try ratioPanel(ratios, quantity: first, x: xDimension, series: seriesDimension, logX: logX,
                                          records: inPanel)
                axes.title = panelLevel
                panels.append(axes)
            }
        }
        let cols = quantities.count + (ratios == nil ? 0 : 1)
        let grid = PanelGrid(rows: panelLevels.count, cols: cols, panels: panels, title: text("title", spec.name))
        return try figureSize(defaultWidth: max(6.4, 4.6 * Double(cols) + 0.4),
                              defaultHeight: 3.8 * Double(panelLevels.count)).render(grid)
    }

    /// One panel: `quantity` against x, one line per series level (mean over seeds, min–max band),
    /// and the runs that hit their time limit drawn at the limit.
    private func lineAxes(_ quantity: String, x xDimension: String, series seriesDimension: String, logX: Bool, logY: Bool,
                          fitExponent: Bool, records: [RunRecord], timedOut: [(task: ExperimentTask, limit: Double)]) -> Axes {
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
        if ["fit_seconds", "own_fit_seconds", "cpu_seconds"].contains(quantity) && xDimension != "k" {
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
        return axes
    }

    /// For each "A / B" pair of series levels, the mean of `quantity` over A's records divided by
    /// the mean over B's at every x where both have one (a ratio of means over seeds, as in
    /// the README's side-by-side tables); a dashed line at `ratio_target` if given.
    private func ratioPanel(_ pairs: [String], quantity: String, x xDimension: String, series seriesDimension: String,
                            logX: Bool, records: [RunRecord]) throws -> Axes {
        var axes = Axes(title: "", xLabel: text("x_label", FigureRecipe.label(for: xDimension)),
                        yLabel: "ratio of \(FigureRecipe.label(for: quantity))",
                        xScale: logX ? .log : .linear, yScale: .linear)
        let levels = Set(FigureRecipe.levels(seriesDimension, in: records))
        func means(_ level: String) -> [Double: Double] {
            var byX: [Double: [Double]] = [:]
            for r in records where FigureRecipe.key(seriesDimension, of: r) == level {
                guard let x = Double(FigureRecipe.key(xDimension, of: r)), let y = FigureRecipe.quantity(quantity, of: r) else { continue }
                byX[x, default: []].append(y)
            }
            return byX.mapValues { $0.reduce(0, +) / Double($0.count) }
        }
        var allX: [Double] = []
        for pair in pairs {
            let parts = pair.split(separator: "/", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, levels.contains(parts[0]), levels.contains(parts[1]) else {
                throw self.error("ratios: \"\(pair)\" is not \"A / B\" with two series of this figure (series: \(levels.sorted().joined(separator: ", ")))")
            }
            let a = means(parts[0]), b = means(parts[1])
            let xs = a.keys.filter { b[$0].map { $0 > 0 } ?? false }.sorted()
            guard !xs.isEmpty else { continue }
            allX += xs
            axes.add(.line(LineSeries(x: xs, y: xs.map { a[$0]! / b[$0]! }, label: "\(parts[0]) / \(parts[1])", marker: .circle)))
        }
        if case .number(let target)? = figure.settings["ratio_target"], let lo = allX.min(), let hi = allX.max() {
            axes.add(.line(LineSeries(x: [lo, hi], y: [target, target], label: String(format: "target %g", target),
                                      color: .muted, dash: [4, 3])))
        }
        return axes
    }
}
