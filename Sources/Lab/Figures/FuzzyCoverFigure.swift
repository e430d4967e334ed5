import Foundation
import Linalg
import Neighbors
import Plot

extension FigureRecipe {
    /// The non-uniform sampling picture of the UMAP talk: 2-D input points drawn with a ball
    /// of one fixed radius each (sparse regions fall apart, dense ones merge), then with a
    /// ball whose radius is the distance to the point's k-th nearest neighbour (the cover
    /// UMAP's local metrics give: every ball holds k neighbours), then the embedding.
    ///
    /// The input is re-generated from the task's data selection and seed (figures store no
    /// input data); it must be two-dimensional. Settings: `k` (default 15, or the task's
    /// n_neighbors − 1), `fixed_radius` (default: the median k-th neighbour distance).
    func fuzzyCover(_ records: [RunRecord]) throws -> RenderedFigure {
        guard let record = records.min(by: { $0.task.seed < $1.task.seed }) else { throw error("no results to draw") }
        let data = try DataPreparation.prepare(record.task.dataset, seed: record.task.seed)
        let points = data.matrix
        guard points.cols == 2 else {
            throw error("'fuzzy-cover' draws 2-D input data; '\(record.task.datasetLabel)' has \(points.cols) dimensions")
        }
        var defaultK = 15
        if case .number(let neighbors)? = record.task.parameters["n_neighbors"] {
            do { defaultK = try Checked.int(neighbors, "n_neighbors", in: 2...Int.max) - 1 } catch { throw self.error("\(error)") }
        }
        let k = try integer("k", defaultK, in: 1...Int.max)
        guard k >= 1, k < points.rows else { throw error("'k' must be in 1...\(points.rows - 1), got \(k)") }
        let graph = try ExactKNN.euclidean(points, k: k, includeSelf: false)
        let radius = (0..<points.rows).map { Double(graph.distances[$0 * k + k - 1]) }
        let fixed = number("fixed_radius", radius.sorted()[radius.count / 2])
        let x = (0..<points.rows).map { Double(points[$0, 0]) }
        let y = (0..<points.rows).map { Double(points[$0, 1]) }
        let coordinate = data.coordinate.map { $0.map(Double.init) } ?? x
        let ball = Color(hex: 0x0072B2)

        func inputPanel(_ title: String, radii: [Double]) -> Axes {
            var axes = Axes(title: title, grid: false, legend: .none, equalAspect: true, hideTickLabels: true)
            axes.add(.circles(CircleSeries(x: x, y: y, radius: radii, color: ball, alpha: 0.12)))
            axes.add(.scatter(ScatterSeries(x: x, y: y, values: coordinate, colorMap: .viridis, size: 2.5, alpha: 1)))
            return axes
        }
        let fixedPanel = inputPanel(String(format: "fixed radius %.2f: gaps and clumps", fixed),
                                    radii: [Double](repeating: fixed, count: x.count))
        let adaptivePanel = inputPanel("radius = distance to neighbour \(k): an even cover", radii: radius)
        let embedding = try ArrayFiles.readMatrix(store.url(record.embeddingFile))
        var embedded = Axes(title: "\(record.task.algorithmLabel) embedding", grid: false, legend: .none, hideTickLabels: true)
        embedded.add(.scatter(ScatterSeries(x: (0..<embedding.rows).map { Double(embedding[$0, 0]) },
                                            y: (0..<embedding.rows).map { Double(embedding.cols > 1 ? embedding[$0, 1] : 0) },
                                            values: coordinate, colorMap: .viridis, size: 2.5, alpha: 1)))
        let grid = PanelGrid(rows: 1, cols: 3, panels: [fixedPanel, adaptivePanel, embedded], title: text("title", spec.name))
        return try figureSize(defaultWidth: 13.5, defaultHeight: 4.2).render(grid)
    }
}
