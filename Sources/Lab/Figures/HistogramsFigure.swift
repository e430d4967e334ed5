import Foundation
import Plot

extension FigureRecipe {
    /// Histograms of stored per-point series (`values`, e.g. "sigma"), overlaid per
    /// `series` level (lowest seed of each). With one value name, one panel per
    /// `panels` level; with several value names, one panel per name.
    func histograms(_ records: [RunRecord]) throws -> RenderedFigure {
        guard let valueNames = figure.settings["values"]?.words, !valueNames.isEmpty else {
            throw error("'values' must name a stored per-point series (for example sigma)")
        }
        let panelDimension = text("panels", "dataset"), overlayDimension = text("series", "algorithm")
        let bins = try integer("bins", 40, in: 1...10_000), density = flag("density", true)
        let layout: [(title: String, series: String, records: [RunRecord])] = valueNames.count > 1
            ? valueNames.map { ($0.replacingOccurrences(of: "_", with: " "), $0, records) }
            : FigureRecipe.levels(panelDimension, in: records).map { panel in
                (FigureRecipe.caption(panelDimension, panel), valueNames[0],
                 records.filter { FigureRecipe.key(panelDimension, of: $0) == panel })
            }
        var panels: [Axes] = []
        for (title, seriesName, inPanel) in layout {
            var axes = Axes(title: title, xLabel: text("x_label", seriesName.replacingOccurrences(of: "_", with: " ")),
                            yLabel: density ? "density" : "count", xScale: flag("log_x", false) ? .log : .linear)
            for level in FigureRecipe.levels(overlayDimension, in: inPanel) {
                guard let record = inPanel.filter({ FigureRecipe.key(overlayDimension, of: $0) == level })
                        .min(by: { $0.task.seed < $1.task.seed }),
                      let file = record.seriesFiles[seriesName] else { continue }
                let values = try ArrayFiles.readMatrix(store.url(file)).storage.map(Double.init)
                axes.add(.histogram(HistogramSeries(values: values, bins: .count(bins), density: density,
                                                    label: FigureRecipe.caption(overlayDimension, level))))
            }
            panels.append(axes)
        }
        let grid = PanelGrid(rows: 1, cols: panels.count, panels: panels, title: text("title", spec.name))
        return try figureSize(defaultWidth: max(6.4, 4.6 * Double(panels.count) + 0.4), defaultHeight: 3.8).render(grid)
    }
}
