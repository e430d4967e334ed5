import Embedding
import Foundation
import Linalg
import Plot
import Quality

extension FigureRecipe {
    /// The distance of a subsample's embedding to the full embedding of the same task (same data
    /// selection, algorithm, parameters and seed, without `fraction`), read from the result store:
    /// the full embedding restricted to the subsample's points is the reference of
    /// `Procrustes.align`, and the value is its average distance per point. Nil for a record
    /// without `fraction`, or when the full task has no stored result.
    func distanceToFull(_ record: RunRecord) throws -> (alignment: Procrustes.Alignment, full: RunRecord)? {
        guard record.task.dataset.fraction != nil, let subsampleFile = record.subsampleFile else { return nil }
        var selection = record.task.dataset
        selection.fraction = nil
        let fullTask = ExperimentTask(datasetLabel: record.task.datasetLabel, dataset: selection,
                                      algorithm: record.task.algorithm, algorithmLabel: record.task.algorithmLabel,
                                      parameters: record.task.parameters, seed: record.task.seed)
        guard let full = store.record(for: fullTask.id) else { return nil }
        let fullEmbedding = try EmbeddingReuse.Found(record: full, store: store).result().embedding
        let subsample = try EmbeddingReuse.Found(record: record, store: store).result().embedding
        let rows = try ArrayFiles.readLabels(store.url(subsampleFile))
        guard rows.count == subsample.rows, rows.allSatisfy({ $0 >= 0 && $0 < fullEmbedding.rows }) else {
            throw error("the stored subsample rows of task \(record.task.id) do not fit its embedding (\(rows.count) rows, embedding \(subsample.rows) × \(subsample.cols), full \(fullEmbedding.rows))")
        }
        do {
            return (try Procrustes.align(subsample, onto: fullEmbedding.selectingRows(rows)), full)
        } catch {
            throw self.error("Procrustes alignment of task \(record.task.id) to its full embedding: \(error)")
        }
    }

    /// Average Procrustes distance per point to the full embedding against the subsample fraction
    /// (the UMAP paper's Fig. 8): one panel per `panels` level, one line per `series` level, mean
    /// over seeds with a min–max band; the full task itself is the point (1, 0). With `overlay`,
    /// more panels (three or four to a row) show each series' aligned subsample of that fraction
    /// (first seed) in red over its full embedding in blue, both in the normalised frame (the
    /// paper's Fig. 7). The values are also returned as notes ("UMAP Fashion-MNIST fraction 0.1:
    /// 0.1234 ± 0.0040 (mean ± s.d. over 3 seeds)"), which `mbench run` prints.
    func stability(_ records: [RunRecord]) throws -> RenderedFigure {
        let seriesDimension = text("series", "algorithm"), panelDimension = text("panels", "dataset")
        var notes: [String] = []
        var panels: [Axes] = []
        var overlays: [Axes] = []
        let panelLevels = FigureRecipe.levels(panelDimension, in: records)
        let overlayFraction: Double? = {
            if case .number(let x)? = figure.settings["overlay"] { return x }
            return nil
        }()
        for panelLevel in panelLevels {
            let inPanel = records.filter { FigureRecipe.key(panelDimension, of: $0) == panelLevel }
            var axes = Axes(title: panelLevel, xLabel: text("x_label", FigureRecipe.label(for: "fraction")),
                            yLabel: text("y_label", "average Procrustes distance per point"),
                            yScale: flag("log_y", false) ? .log : .linear)
            for level in FigureRecipe.levels(seriesDimension, in: inPanel) {
                var byFraction: [Double: [Double]] = [:]
                for record in inPanel where FigureRecipe.key(seriesDimension, of: record) == level {
                    guard let fraction = record.task.dataset.fraction else {
                        if !flag("log_y", false) { byFraction[1, default: []].append(0) }
                        continue
                    }
                    guard let (alignment, full) = try distanceToFull(record) else {
                        notes.append("\(level) fraction \(ParameterValue.number(fraction)) seed \(record.task.seed): no stored full embedding; left out")
                        continue
                    }
                    byFraction[fraction, default: []].append(alignment.meanDistance)
                    if overlayFraction == fraction, !overlays.contains(where: { $0.title == "\(level), \(panelLevel)" }) {
                        overlays.append(try overlayAxes(alignment, full: full, title: "\(level), \(panelLevel)", fraction: fraction))
                    }
                }
                let xs = byFraction.keys.sorted()
                guard !xs.isEmpty else { continue }
                let means = xs.map { Statistics.mean(byFraction[$0]!) }
                for (x, mean) in zip(xs, means) where x < 1 {
                    let values = byFraction[x]!
                    let spread = Statistics.variance(values).squareRoot()  // sample standard deviation over seeds
                    notes.append("\(level) \(panelLevel) fraction \(ParameterValue.number(x)): "
                                 + String(format: "%.4f ± %.4f (mean ± s.d. over %d seeds)", mean, spread, values.count))
                }
                axes.add(.line(LineSeries(x: xs, y: means, lower: xs.map { byFraction[$0]!.min()! },
                                          upper: xs.map { byFraction[$0]!.max()! }, label: level, marker: .circle)))
            }
            panels.append(axes)
        }
        // The line panels, then the overlays, three or four to a row (whichever leaves fewer cells
        // empty); the first empty cell, if any, says what the overlays' colours mean.
        let all = panels + overlays
        let cols = all.count <= 3 ? all.count : ((all.count + 3) / 4 * 4 - all.count < (all.count + 2) / 3 * 3 - all.count ? 4 : 3)
        let rows = (all.count + cols - 1) / cols
        var grid = all + Array(repeating: Axes(grid: false, hideTickLabels: true), count: rows * cols - all.count)
        if !overlays.isEmpty, grid.count > all.count, let fraction = overlayFraction {
            let lines = ["blue: the full embedding", "red: its aligned \(ParameterValue.number(fraction)) subsample",
                         "(first seed; frame: the full embedding's", "subsample rows at unit RMS radius)"]
            for (i, line) in lines.enumerated() {
                grid[all.count].add(.text(TextAnnotation(line, x: 0.5, y: 0.62 - 0.08 * Double(i),
                                                         anchor: TextAnchor(.center, .middle), size: 9, background: false)))
            }
        }
        var rendered = try figureSize(defaultWidth: max(6.4, 4.4 * Double(cols) + 0.4), defaultHeight: 4 * Double(rows))
            .render(PanelGrid(rows: rows, cols: cols, panels: grid, title: text("title", spec.name)))
        rendered.notes += notes
        return rendered
    }

    /// The full embedding (blue) and the aligned subsample (red) in the reference's normalised frame.
    private func overlayAxes(_ alignment: Procrustes.Alignment, full: RunRecord, title: String, fraction: Double) throws -> Axes {
        let embedding = try ArrayFiles.readMatrix(store.url(full.embeddingFile))
        let centre = alignment.referenceCentroid, scale = alignment.referenceScale
        var axes = Axes(title: title, equalAspect: true, hideTickLabels: true)
        axes.legend = .none
        axes.add(.scatter(ScatterSeries(x: (0..<embedding.rows).map { (Double(embedding[$0, 0]) - centre[0]) * scale },
                                        y: (0..<embedding.rows).map { (Double(embedding[$0, 1]) - centre[1]) * scale },
                                        color: Color(hex: 0x0072B2), label: "full", size: 1.2, alpha: 0.25)))
        let aligned = alignment.aligned
        axes.add(.scatter(ScatterSeries(x: (0..<aligned.rows).map { Double(aligned[$0, 0]) },
                                        y: (0..<aligned.rows).map { Double(aligned[$0, 1]) },
                                        color: Color(hex: 0xD55E00), label: "aligned \(ParameterValue.number(fraction)) subsample",
                                        size: 1.6, alpha: 0.6)))
        axes.add(.text(TextAnnotation(String(format: "distance %.3f", alignment.meanDistance), size: 8)))
        return axes
    }
}
