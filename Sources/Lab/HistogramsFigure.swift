import Foundation
import Plot

extension FigureRecipe {
    /// Histograms of a stored per-point series (`values`, e.g. "sigma"), one panel
    /// per `panels` level, overlaid per `series` level (lowest seed of each).
    func histograms(_ records: [RunRecord]) throws -> RenderedFigure {
        guard let seriesName = figure.settings["values"]?.words.first else {
            throw error("'values' must name a stored per-point series (for example sigma)")
        }
        let panelDimension = text("panels", "dataset"), overlayDimension = text("series", "algorithm")
        let bins = Int(number("bins", 40)), density = flag("density", true)
        var panels: [Axes] = []
        for panel in FigureRecipe.levels(panelDimension, in: records) {
            var axes = Axes(title: FigureRecipe.caption(panelDimension, panel),
                            xLabel: text("x_label", seriesName), yLabel: density ? "density" : "count",
                            xScale: flag("log_x", false) ? .log : .linear)
            let inPanel = records.filter { FigureRecipe.key(panelDimension, of: $0) == panel }
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
        return try figureSize(defaultWidth: 4.6 * Double(panels.count) + 0.4, defaultHeight: 3.8).render(grid)
    }
}
