import Datasets
import Foundation
import Plot

/// Draws a spec's figures from its stored records (never recomputing anything).
enum FigureDrawing {
    /// Renders every figure of `spec`; returns the files written.
    static func draw(spec: ExperimentSpec, records: [RunRecord], store: ResultStore,
                     log: (String) -> Void) throws -> [URL] {
        let ordered = RecordSelection.inPlanOrder(records, spec: spec)
        var written: [URL] = []
        for figure in spec.figures {
            let where_ = figure.settings["where"]?.words ?? []
            let chosen = try RecordSelection.filter(ordered, by: where_, figure: figure, spec: spec)
            guard !chosen.isEmpty else {
                log("figure \(figure.file): no results to draw (yet)")
                continue
            }
            var figure = figure
            let stale = chosen.filter { $0.staleReuse != nil }
            if !stale.isEmpty {
                // Results reused with --reuse-stale are marked on the figure itself, not only in a log.
                let title = figure.settings["title"]?.words.first ?? spec.name
                figure.settings["title"] = .text(title + " [\(stale.count) of \(chosen.count) results made by older code]")
                log("figure \(figure.file): \(stale.count) results were made by older code (--reuse-stale)")
            }
            let recipe = FigureRecipe(spec: spec, figure: figure, store: store)
            let rendered: RenderedFigure
            switch figure.kind {
            case "embeddings": rendered = try recipe.embeddings(chosen)
            case "lines": rendered = try recipe.lines(chosen)
            case "histograms": rendered = try recipe.histograms(chosen)
            case "model-selection": rendered = try recipe.modelSelection(chosen)
            case "fuzzy-cover": rendered = try recipe.fuzzyCover(chosen)
            case "stability": rendered = try recipe.stability(chosen)
            case "exemplars": rendered = try recipe.exemplars(chosen)
            case "scatter3d": rendered = try recipe.scatter3d(chosen)
            default: throw recipe.error("unknown figure kind '\(figure.kind)'")
            }
            let url = store.experimentDirectory.appendingPathComponent(figure.file)
            let metadata = ["Title": figure.settings["title"]?.words.first ?? figure.file,
                            "Software": "mbench \(Provenance.toolVersion)",
                            "Experiment": spec.name, "Spec-SHA256": spec.sourceHash]
            do {
                try AtomicFile.write(rendered.pngData(metadata: metadata), to: url, createDirectory: false)
            } catch {
                throw LabError.io("cannot write figure \(url.path): \(error)")
            }
            for note in rendered.notes { log("figure \(figure.file): \(note)") }
            written.append(url)
        }
        return written
    }
}

/// Picks and orders the records a figure draws.
enum RecordSelection {
    /// Records of tasks in the current plan, in plan order (stale results from older versions of the spec are left out).
    static func inPlanOrder(_ records: [RunRecord], spec: ExperimentSpec) -> [RunRecord] {
        let byID = Dictionary(records.map { ($0.task.id, $0) }, uniquingKeysWith: { a, _ in a })
        return Plan(spec: spec).tasks.compactMap { byID[$0.id] }
    }

    /// Keeps records matching every `key=value` condition (keys as in `FigureRecipe.key(_:of:)`).
    static func filter(_ records: [RunRecord], by conditions: [String], figure: FigureSpec,
                       spec: ExperimentSpec) throws -> [RunRecord] {
        var out = records
        for condition in conditions {
            let parts = condition.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                throw SpecError(file: spec.sourcePath, line: figure.line, column: figure.column,
                                message: "figure '\(figure.file)': 'where' entries must look like key=value, got '\(condition)'")
            }
            out = out.filter { FigureRecipe.key(parts[0], of: $0) == parts[1] }
        }
        return out
    }
}
