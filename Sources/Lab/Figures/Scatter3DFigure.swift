import Foundation
import Linalg
import Plot

extension FigureRecipe {
    /// 3-component embeddings seen through a fixed orthographic camera (`OrthographicCamera`:
    /// `azimuth`, default −60°, and `elevation`, default 30°, matplotlib's default view), one panel
    /// per level of `cols` (default algorithm; lowest seed each), points drawn farthest first
    /// (painter's order, equal depths by point index) and coloured as in `embeddings`
    /// (`color`: label, cluster or none). The points are centred on their mean; the panel keeps
    /// equal scales on both screen axes, so shapes are not stretched.
    func scatter3d(_ records: [RunRecord]) throws -> RenderedFigure {
        let colDimension = text("cols", "algorithm")
        let camera = OrthographicCamera(azimuth: number("azimuth", -60), elevation: number("elevation", 30))
        let colorBy = text("color", "label")
        let cols = FigureRecipe.levels(colDimension, in: records)
        var panels: [Axes] = []
        for col in cols {
            guard let record = records.filter({ FigureRecipe.key(colDimension, of: $0) == col }).min(by: { $0.task.seed < $1.task.seed })
            else { continue }
            var axes = Axes(title: FigureRecipe.caption(colDimension, col), grid: false, legend: .none, equalAspect: true,
                            hideTickLabels: true)
            axes.add(.scatter(try scatter(record, layer: .fit, colorBy: colorBy, camera: camera)))
            let note = String(format: "azimuth %.0f°, elevation %.0f°", camera.azimuth, camera.elevation)
            axes.add(.text(TextAnnotation(note, y: 0.03, size: 7.5)))
            panels.append(axes)
        }
        let grid = PanelGrid(rows: 1, cols: panels.count, panels: panels, title: text("title", spec.name),
                             sharedLegend: (colorBy == "label" || colorBy == "cluster") && flag("legend", true))
        return try figureSize(defaultWidth: 5.0 * Double(panels.count) + 1.8, defaultHeight: 5.0).render(grid)
    }

    /// Screen coordinates and depths of an embedding's first three columns, centred on their mean.
    static func project(_ embedding: Matrix, camera: OrthographicCamera) -> (u: [Double], v: [Double], depth: [Double]) {
        let n = embedding.rows
        var mean = [0.0, 0.0, 0.0]
        for i in 0..<n { for t in 0..<3 { mean[t] += Double(embedding[i, t]) } }
        for t in 0..<3 { mean[t] /= Double(max(n, 1)) }
        var u = [Double](repeating: 0, count: n), v = u, depth = u
        for i in 0..<n {
            let p = camera.project(Double(embedding[i, 0]) - mean[0], Double(embedding[i, 1]) - mean[1], Double(embedding[i, 2]) - mean[2])
            u[i] = p.u; v[i] = p.v; depth[i] = p.depth
        }
        return (u, v, depth)
    }
}
