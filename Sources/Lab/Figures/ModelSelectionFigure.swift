import Clustering
import Foundation
import Plot

extension FigureRecipe {
    /// Gaussian-mixture model selection curves from the `clustering:` reports: one row of
    /// panels per `rows` level (default n_components), one panel per `y` entry
    /// (bic, aic, silhouette, ari, ami; default bic, silhouette, ari), one line per
    /// covariance type against k. BIC panels mark each type's elbow, silhouette panels
    /// each type's maximum, and every panel marks the chosen setting.
    func modelSelection(_ records: [RunRecord]) throws -> RenderedFigure {
        let rowDimension = text("rows", "n_components")
        let quantities = figure.settings["y"]?.words ?? ["bic", "silhouette", "ari"]
        let known = ["bic", "aic", "silhouette", "ari", "ami"]
        for q in quantities where !known.contains(q) {
            throw error("'y' entries must be among \(known.joined(separator: ", ")), got '\(q)'")
        }
        let withReports = records.filter { $0.clusteringFile != nil }
        guard !withReports.isEmpty else { throw error("no results with a clustering report (add a 'clustering:' section)") }
        let rows = FigureRecipe.levels(rowDimension, in: withReports)
        var panels: [Axes] = []
        for row in rows {
            guard let record = withReports.filter({ FigureRecipe.key(rowDimension, of: $0) == row })
                .min(by: { $0.task.seed < $1.task.seed }), let file = record.clusteringFile else { continue }
            let report: SelectionReport
            do {
                report = try JSONDecoder().decode(SelectionReport.self, from: Data(contentsOf: store.url(file)))
            } catch {
                throw LabError.io("cannot read clustering report \(file): \(error)")
            }
            let types = CovarianceType.allCases.filter { t in report.entries.contains { $0.covarianceType == t } }
            let palette = Palette.categorical(count: max(types.count, 1))
            for quantity in quantities {
                var axes = Axes(title: "\(FigureRecipe.caption(rowDimension, row)) · \(FigureRecipe.selectionLabel(quantity))",
                                xLabel: "number of clusters k", yLabel: FigureRecipe.selectionLabel(quantity))
                var marks: [(x: Double, y: Double)] = []
                for (t, type) in types.enumerated() {
                    let entries = report.entries.filter { $0.covarianceType == type }.sorted { $0.k < $1.k }
                    let points = entries.compactMap { e in FigureRecipe.selectionValue(quantity, e).map { (Double(e.k), $0) } }
                    guard !points.isEmpty else { continue }
                    axes.add(.line(LineSeries(x: points.map(\.0), y: points.map(\.1), label: type.rawValue,
                                              color: palette[t], marker: .circle, markerSize: 3)))
                    if quantity == "bic", let k = report.bicElbows[type.rawValue], let p = points.first(where: { $0.0 == Double(k) }) {
                        marks.append(p)
                    }
                    if quantity == "silhouette", let best = points.max(by: { $0.1 < $1.1 }) { marks.append(best) }
                }
                if !marks.isEmpty {
                    axes.add(.scatter(ScatterSeries(x: marks.map(\.x), y: marks.map(\.y), color: .ink,
                                                    label: quantity == "bic" ? "elbow" : "maximum", size: 8, alpha: 0.55)))
                }
                if let chosen = report.chosen,
                   let entry = report.entries.first(where: { $0.k == chosen.k && $0.covarianceType == chosen.covarianceType }),
                   let y = FigureRecipe.selectionValue(quantity, entry) {
                    axes.add(.scatter(ScatterSeries(x: [Double(chosen.k)], y: [y], color: Color(hex: 0xE8000B),
                                                    label: "chosen: \(chosen.covarianceType.rawValue), k = \(chosen.k)",
                                                    size: 10, alpha: 0.9)))
                }
                panels.append(axes)
            }
        }
        let panelRows = panels.count / max(quantities.count, 1)
        let grid = PanelGrid(rows: panelRows, cols: quantities.count, panels: panels, title: text("title", spec.name))
        return try figureSize(defaultWidth: 4.4 * Double(quantities.count) + 0.4,
                              defaultHeight: 3.3 * Double(max(panelRows, 1)) + 0.6).render(grid)
    }

    /// Axis label of a model-selection quantity.
    static func selectionLabel(_ quantity: String) -> String {
        switch quantity {
        case "bic": return "BIC"
        case "aic": return "AIC"
        case "silhouette": return "silhouette"
        case "ari": return "adjusted Rand index"
        case "ami": return "adjusted mutual information"
        default: return quantity
        }
    }

    /// A model-selection quantity of one sweep entry (nil when not measured).
    static func selectionValue(_ quantity: String, _ entry: SelectionEntry) -> Double? {
        switch quantity {
        case "bic": return entry.bic
        case "aic": return entry.aic
        case "silhouette": return entry.silhouette
        case "ari": return entry.adjustedRandIndex
        case "ami": return entry.adjustedMutualInformation
        default: return nil
        }
    }
}
