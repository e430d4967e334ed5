import Embedding
import Foundation
import Linalg
import Plot

/// Turns records into charts. Dimensions a recipe can lay out or group by:
/// `dataset`, `algorithm`, `seed`, `n`, `d` (input dimension), or the name of
/// any algorithm parameter or data-set option.
struct FigureRecipe {
    let spec: ExperimentSpec
    let figure: FigureSpec
    let store: ResultStore

    func error(_ message: String) -> SpecError {
        SpecError(file: spec.sourcePath, line: figure.line, column: figure.column,
                  message: "figure '\(figure.file)': \(message)")
    }

    func text(_ key: String, _ fallback: String) -> String { figure.settings[key]?.words.first ?? fallback }

    func number(_ key: String, _ fallback: Double) -> Double {
        if case .number(let x)? = figure.settings[key] { return x }
        return fallback
    }

    /// A whole-number setting in `range` (`SpecParser` has checked it against its declaration;
    /// this keeps the conversion safe for figure specs built in code).
    func integer(_ key: String, _ fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard case .number(let x)? = figure.settings[key] else { return fallback }
        do { return try Checked.int(x, "'\(key)'", in: range) } catch { throw self.error("\(error)") }
    }

    func flag(_ key: String, _ fallback: Bool) -> Bool {
        if case .flag(let b)? = figure.settings[key] { return b }
        return fallback
    }

    /// The value of a grouping dimension for a record, as text ("" when absent).
    static func key(_ dimension: String, of record: RunRecord) -> String {
        switch dimension {
        case "dataset": return record.task.datasetLabel
        case "data": return record.task.dataset.name
        case "algorithm": return record.task.algorithmLabel
        case "seed": return String(record.task.seed)
        case "n": return String(record.dataRows)
        case "d": return String(record.dataCols)
        case "fraction": return ParameterValue.number(record.task.dataset.fraction ?? 1).description
        case "projection": return record.task.dataset.projection.map(String.init) ?? ""
        default:
            if let value = record.task.parameters[dimension] { return value.description }
            if let value = record.task.dataset.options[dimension] { return ParameterValue.number(value).description }
            return ""
        }
    }

    /// The key of a task that has no record (a timed-out task), where the task alone says it.
    static func key(_ dimension: String, of task: ExperimentTask) -> String {
        switch dimension {
        case "dataset": return task.datasetLabel
        case "data": return task.dataset.name
        case "algorithm": return task.algorithmLabel
        case "seed": return String(task.seed)
        case "n": return task.dataset.n.map(String.init) ?? ""
        case "fraction": return ParameterValue.number(task.dataset.fraction ?? 1).description
        case "projection": return task.dataset.projection.map(String.init) ?? ""
        default:
            if let value = task.parameters[dimension] { return value.description }
            if let value = task.dataset.options[dimension] { return ParameterValue.number(value).description }
            return ""
        }
    }

    /// Tasks of the plan that ran out of their time limit under the current code, with that
    /// limit, kept by the figure's `where` conditions.
    func timedOutTasks() -> [(task: ExperimentTask, limit: Double)] {
        let planned = Set(Plan(spec: spec).tasks.map(\.id))
        let conditions = (figure.settings["where"]?.words ?? []).compactMap { condition -> (String, String)? in
            let parts = condition.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
        return store.allFailures().compactMap { failure in
            guard failure.kind == .timedOut, planned.contains(failure.task.id), store.record(for: failure.task.id) == nil,
                  let limit = failure.worker.timeLimitSeconds,
                  conditions.allSatisfy({ FigureRecipe.key($0.0, of: failure.task) == $0.1 }) else { return nil }
            return (failure.task, limit)
        }
    }

    /// A caption for a dimension value ("MNIST", "n_neighbors = 15").
    static func caption(_ dimension: String, _ value: String) -> String {
        switch dimension {
        case "dataset", "data", "algorithm", "layer": return value
        case "n": return "n = \(value)"
        default: return "\(dimension) = \(value)"
        }
    }

    /// Distinct values of a dimension in first-seen order.
    static func levels(_ dimension: String, in records: [RunRecord]) -> [String] {
        levels(of: records) { key(dimension, of: $0) }
    }

    /// Distinct keys of `items` in first-seen order.
    static func levels<Item>(of items: [Item], key: (Item) -> String) -> [String] {
        var seen: [String] = []
        for item in items {
            let k = key(item)
            if !seen.contains(k) { seen.append(k) }
        }
        return seen
    }

    /// A numeric quantity of a record: `fit_seconds`, `cpu_seconds`, `peak_rss_mib`,
    /// `phase:<name>`, a metric name, or a diagnostic name.
    static func quantity(_ name: String, of record: RunRecord) -> Double? {
        switch name {
        case "fit_seconds": return record.fitWallSeconds
        case "own_fit_seconds":
            // The algorithm's fit alone: a reference's fit call without Python start-up, imports
            // and JIT warm-up (its adapter's "fit" phase); ours is all fit already.
            return record.diagnostics["reference_fit_seconds"] ?? record.fitWallSeconds
        case "cpu_seconds": return record.fitCPUSeconds
        case "peak_rss_mib":
            // The process that ran the algorithm: the reference's own for reference implementations.
            return (record.referencePeakRSSBytes ?? record.peakRSSBytes).map { Double($0) / 1_048_576 }
        case "working_memory_mib":
            if let reference = record.referencePeakRSSBytes { return Double(reference) / 1_048_576 }
            return record.workingMemoryBytes.map { Double($0) / 1_048_576 }
        case "input_mib": return record.inputBytes.map { Double($0) / 1_048_576 }
        default:
            if name.hasPrefix("phase:") {
                let phase = String(name.dropFirst(6))
                return record.phases.first { $0.name == phase }?.wallSeconds
            }
            return record.metric(name) ?? record.diagnostics[name]
        }
    }

    /// A readable axis label for a quantity.
    static func label(for quantity: String) -> String {
        switch quantity {
        case "fit_seconds": return "wall time (s)"
        case "own_fit_seconds": return "fit time, without start-up (s)"
        case "cpu_seconds": return "CPU time (s)"
        case "peak_rss_mib": return "peak memory (MiB)"
        case "working_memory_mib": return "working memory (MiB)"
        case "input_mib": return "input size (MiB)"
        case "n": return "number of points n"
        case "fraction": return "subsample fraction"
        case "projection", "d": return "input dimension d"
        case "k": return "number of neighbours k"
        default:
            if quantity.hasPrefix("phase:") { return "\(quantity.dropFirst(6)) time (s)" }
            let short = FigureRecipe.shortName(quantity)
            return short.hasSuffix("-NN acc") ? short.replacingOccurrences(of: "-NN acc", with: "-NN accuracy") : short
        }
    }

    func figureSize(defaultWidth: Double, defaultHeight: Double) -> Figure {
        Figure(width: number("width", defaultWidth), height: number("height", defaultHeight),
               dpi: min(max(number("dpi", 150), 50), 600))
    }
}
