import Foundation
import Linalg
import Plot

extension FigureRecipe {
    /// A grid of embedding scatter plots: rows × cols by any two dimensions
    /// (default dataset × algorithm), coloured by label or intrinsic coordinate,
    /// annotated with metrics. Each cell shows its lowest-seed record.
    func embeddings(_ records: [RunRecord]) throws -> RenderedFigure {
        let rowDimension = text("rows", "dataset"), colDimension = text("cols", "algorithm")
        let rows = FigureRecipe.levels(rowDimension, in: records)
        let cols = FigureRecipe.levels(colDimension, in: records)
        let colorBy = text("color", "label")
        guard ["label", "coordinate", "none"].contains(colorBy) else {
            throw error("'color' must be label, coordinate or none, got '\(colorBy)'")
        }
        let annotate = figure.settings["annotate"]?.words ?? []
        var panels: [Axes] = []
        for row in rows {
            for col in cols {
                let cell = records.filter {
                    FigureRecipe.key(rowDimension, of: $0) == row && FigureRecipe.key(colDimension, of: $0) == col
                }.min { $0.task.seed < $1.task.seed }
                var title = FigureRecipe.caption(colDimension, col)
                if rows.count > 1 || !row.isEmpty { title = FigureRecipe.caption(rowDimension, row) + " · " + title }
                var axes = Axes(title: title, grid: false, legend: .none, hideTickLabels: true)
                guard let record = cell else {
                    axes.add(.text(TextAnnotation("no result", x: 0.5, y: 0.5, anchor: TextAnchor(.center, .middle))))
                    panels.append(axes)
                    continue
                }
                let embedding = try ArrayFiles.readMatrix(store.url(record.embeddingFile))
                // Draw in a fixed shuffled order so that no class is painted over another wholesale.
                var rng = RandomStream(seed: 0, purpose: "figure.draw-order")
                let order = rng.permutation(embedding.rows)
                let x = order.map { Double(embedding[$0, 0]) }
                let y = order.map { Double(embedding.cols > 1 ? embedding[$0, 1] : 0) }
                var series = ScatterSeries(x: x, y: y, size: figure.settings["point_size"] == nil ? nil : number("point_size", 1),
                                           alpha: figure.settings["alpha"] == nil ? nil : number("alpha", 0.5))
                if colorBy == "label", let file = record.labelsFile {
                    let labels = try ArrayFiles.readLabels(store.url(file))
                    let classes = Array(Set(labels)).sorted()
                    let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
                    series.categories = order.map { index[labels[$0]]! }
                    series.categoryNames = classes.map(String.init)
                } else if colorBy != "none", let file = record.coordinateFile ?? (colorBy == "label" ? nil : record.labelsFile) {
                    let values = try ArrayFiles.readMatrix(store.url(file))
                    series.values = order.map { Double(values.storage[$0]) }
                }
                axes.add(.scatter(series))
                let notes = annotate.compactMap { name -> String? in
                    record.metric(name).map { "\(FigureRecipe.shortName(name)) = \(String(format: "%.3f", $0))" }
                }
                for (line, note) in notes.enumerated() {
                    axes.add(.text(TextAnnotation(note, y: 0.97 - 0.075 * Double(line), size: 8)))
                }
                panels.append(axes)
            }
        }
        let grid = PanelGrid(rows: rows.count, cols: cols.count, panels: panels, title: text("title", spec.name),
                             sharedLegend: colorBy == "label")
        let figureBox = figureSize(defaultWidth: 3.2 * Double(cols.count) + 1.2, defaultHeight: 3.0 * Double(rows.count) + 0.6)
        return try figureBox.render(grid)
    }

    /// "trustworthiness@15" → "T(15)", "knn-accuracy@10" → "10-NN acc".
    static func shortName(_ metric: String) -> String {
        let parts = metric.split(separator: "@").map(String.init)
        guard parts.count == 2 else { return metric }
        switch parts[0] {
        case "trustworthiness": return "T(\(parts[1]))"
        case "continuity": return "C(\(parts[1]))"
        case "knn-accuracy", "knn-accuracy-cv": return "\(parts[1])-NN acc"
        case "knn-preservation": return "\(parts[1])-NN kept"
        default: return metric
        }
    }
}
