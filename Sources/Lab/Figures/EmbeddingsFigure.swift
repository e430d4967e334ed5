import Foundation
import Linalg
import Plot

extension FigureRecipe {
    /// Which points of a record a panel shows: the fitted ones, the held-out ones
    /// placed by `transform`, or the held-out ones drawn over the fitted ones in grey.
    enum Layer: String, CaseIterable {
        case fit, transformed, both

        /// Panel caption for a record's layer ("train (fit)", "test (transform)").
        func caption(_ record: RunRecord) -> String {
            let fitted = record.task.dataset.split ?? "data"
            let held = record.task.dataset.transform ?? "held-out"
            switch self {
            case .fit: return "\(fitted) (fit)"
            case .transformed: return "\(held) (transform)"
            case .both: return "\(held) over \(fitted)"
            }
        }
    }

    /// A grid of embedding scatter plots: rows × cols by any two dimensions
    /// (default dataset × algorithm; `layer` lays out the `layers` asked for),
    /// coloured by label, intrinsic coordinate or the data's own RGB colour,
    /// annotated with metrics. Each cell shows its lowest-seed record.
    func embeddings(_ records: [RunRecord]) throws -> RenderedFigure {
        let rowDimension = text("rows", "dataset"), colDimension = text("cols", "algorithm")
        let layers = try (figure.settings["layers"]?.words ?? ["fit"]).map { name -> Layer in
            guard let layer = Layer(rawValue: name) else {
                throw error("'layers' entries must be fit, transformed or both, got '\(name)'")
            }
            return layer
        }
        if layers.count > 1 && rowDimension != "layer" && colDimension != "layer" {
            throw error("several 'layers' need 'rows: layer' or 'cols: layer'")
        }
        if layers.contains(where: { $0 != .fit }), records.contains(where: { $0.transformedFile == nil }) {
            throw error("layers 'transformed' and 'both' need results with held-out points ('transform:' in the data set)")
        }
        let items = records.flatMap { r in layers.map { (record: r, layer: $0) } }
        func key(_ dimension: String, _ item: (record: RunRecord, layer: Layer)) -> String {
            dimension == "layer" ? item.layer.caption(item.record) : FigureRecipe.key(dimension, of: item.record)
        }
        let rows = FigureRecipe.levels(of: items) { key(rowDimension, $0) }
        let cols = FigureRecipe.levels(of: items) { key(colDimension, $0) }
        let colorBy = text("color", "label")
        guard ["label", "coordinate", "rgb", "cluster", "none"].contains(colorBy) else {
            throw error("'color' must be label, coordinate, rgb, cluster or none, got '\(colorBy)'")
        }
        let annotate = figure.settings["annotate"]?.words ?? []
        var panels: [Axes] = []
        for row in rows {
            for col in cols {
                let cell = items.filter { key(rowDimension, $0) == row && key(colDimension, $0) == col }
                    .min { $0.record.task.seed < $1.record.task.seed }
                var title = FigureRecipe.caption(colDimension, col)
                if rows.count > 1 || !row.isEmpty { title = FigureRecipe.caption(rowDimension, row) + " · " + title }
                var axes = Axes(title: title, grid: false, legend: .none, hideTickLabels: true)
                guard let cell else {
                    axes.add(.text(TextAnnotation("no result", x: 0.5, y: 0.5, anchor: TextAnchor(.center, .middle))))
                    panels.append(axes)
                    continue
                }
                let record = cell.record
                if cell.layer == .both {
                    // The fitted points as a grey backdrop for the held-out ones.
                    let fitted = try ArrayFiles.readMatrix(store.url(record.embeddingFile))
                    axes.add(.scatter(ScatterSeries(x: (0..<fitted.rows).map { Double(fitted[$0, 0]) },
                                                    y: (0..<fitted.rows).map { Double(fitted.cols > 1 ? fitted[$0, 1] : 0) },
                                                    color: Color(hex: 0xB0B0B0), size: 1.2, alpha: 0.25)))
                }
                axes.add(.scatter(try scatter(record, layer: cell.layer, colorBy: colorBy)))
                // Held-out metrics belong to the transformed layer, the others to the fit.
                let notes = annotate.filter { MetricBridge.needsHeldOut($0) == (cell.layer != .fit) || layers == [.fit] }
                    .compactMap { name -> String? in
                    record.metric(name).map { "\(FigureRecipe.shortName(name)) = \(String(format: "%.3f", $0))" }
                }
                for (line, note) in notes.enumerated() {
                    axes.add(.text(TextAnnotation(note, y: 0.97 - 0.075 * Double(line), size: 8)))
                }
                panels.append(axes)
            }
        }
        let grid = PanelGrid(rows: rows.count, cols: cols.count, panels: panels, title: text("title", spec.name),
                             sharedLegend: (colorBy == "label" || colorBy == "cluster") && flag("legend", true))
        let figureBox = figureSize(defaultWidth: 3.2 * Double(cols.count) + 1.2, defaultHeight: 3.0 * Double(rows.count) + 0.6)
        return try figureBox.render(grid)
    }

    /// The scatter series of one record's layer, drawn in a fixed shuffled order so that
    /// no class is painted over another wholesale; or, with a `camera`, the first three
    /// coordinates seen through it (centred on their mean), drawn farthest first.
    func scatter(_ record: RunRecord, layer: Layer, colorBy: String, camera: OrthographicCamera? = nil) throws -> ScatterSeries {
        let heldOut = layer != .fit
        guard let embeddingFile = heldOut ? record.transformedFile : record.embeddingFile else {
            throw error("record \(record.task.id) has no held-out points")
        }
        let embedding = try ArrayFiles.readMatrix(store.url(embeddingFile))
        let order: [Int], x: [Double], y: [Double]
        if let camera {
            guard embedding.cols >= 3 else {
                throw error("'scatter3d' needs embeddings with 3 components; \(record.task.algorithmLabel) has \(embedding.cols)")
            }
            let view = FigureRecipe.project(embedding, camera: camera)
            order = OrthographicCamera.paintersOrder(view.depth)
            x = order.map { view.u[$0] }
            y = order.map { view.v[$0] }
        } else {
            var rng = RandomStream(seed: 0, purpose: "figure.draw-order")
            order = rng.permutation(embedding.rows)
            x = order.map { Double(embedding[$0, 0]) }
            y = order.map { Double(embedding.cols > 1 ? embedding[$0, 1] : 0) }
        }
        var series = ScatterSeries(x: x, y: y, size: figure.settings["point_size"] == nil ? nil : number("point_size", 1),
                                   alpha: figure.settings["alpha"] == nil ? nil : number("alpha", 0.5))
        let labelsFile = heldOut ? record.transformedLabelsFile : record.labelsFile
        // Unlabelled data asked to be coloured by label is coloured by its coordinate.
        switch colorBy == "label" && labelsFile == nil ? "coordinate" : colorBy {
        case "label":
            guard let labelsFile else { break }
            let labels = try ArrayFiles.readLabels(store.url(labelsFile))
            // Class colours follow the fitted labels, so fit and transform panels agree.
            let fittedLabels = heldOut ? try record.labelsFile.map { try ArrayFiles.readLabels(store.url($0)) } ?? [] : labels
            let classes = Array(Set(labels + fittedLabels)).sorted()
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            series.categories = order.map { index[labels[$0]]! }
            series.categoryNames = classes.map(String.init)
        case "cluster":
            guard !heldOut, let file = record.clustersFile else {
                throw error("'color: cluster' needs results of a spec with a 'clustering:' section")
            }
            let clusters = try ArrayFiles.readLabels(store.url(file))
            // HDBSCAN's noise (−1) is one more category after the clusters, named in the legend.
            let count = (clusters.max() ?? -1) + 1
            series.categories = order.map { clusters[$0] < 0 ? count : clusters[$0] }
            series.categoryNames = (0..<count).map { "cluster \($0 + 1)" } + (clusters.contains { $0 < 0 } ? ["noise"] : [])
        case "rgb":
            guard !heldOut, let file = record.colorsFile else {
                throw error("'color: rgb' needs a data set with its own colours (the colour cube)")
            }
            let colors = try ArrayFiles.readMatrix(store.url(file))
            series.pointColors = order.map {
                Color(r: Double(colors[$0, 0]), g: Double(colors[$0, 1]), b: Double(colors[$0, 2]))
            }
        case "coordinate":
            if !heldOut, let file = record.coordinateFile ?? record.labelsFile {
                let values = try ArrayFiles.readMatrix(store.url(file))
                series.values = order.map { Double(values.storage[$0]) }
            }
        default:
            break
        }
        return series
    }

    /// "trustworthiness@15" → "T(15)", "knn-accuracy@10" → "10-NN acc".
    static func shortName(_ metric: String) -> String {
        let parts = metric.split(separator: "@").map(String.init)
        if metric == "cluster-ari" { return "ARI vs labels" }
        if metric == "cluster-k" { return "clusters" }
        if metric == "cluster-ari-ours" { return "ARI vs ours" }
        guard parts.count == 2 else { return metric }
        switch parts[0] {
        case "trustworthiness": return "T(\(parts[1]))"
        case "continuity": return "C(\(parts[1]))"
        case "knn-accuracy", "knn-accuracy-cv": return "\(parts[1])-NN acc"
        case "transform-knn-accuracy": return "test \(parts[1])-NN acc"
        case "knn-preservation": return "\(parts[1])-NN kept"
        default: return metric
        }
    }
}
