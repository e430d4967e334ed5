import Embedding
import Foundation
import Linalg

/// One side of a `--by` / `--vs` selection: a task field or parameter and the value it must have.
///
/// Names: `algorithm`, `dataset`, `n`, `pca`, a data-set option (`dimension`) or an
/// algorithm parameter (`n_components`). Numbers compare numerically.
public struct CompareSelector: Sendable, Equatable {
    public var name: String
    public var value: String

    /// Parses "NAME=VALUE".
    public init(parsing text: String) throws {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex, text.index(after: eq) != text.endIndex else {
            throw UsageError(message: "a selector must look like PARAM=VALUE (e.g. n_components=2), got '\(text)'")
        }
        name = String(text[..<eq])
        value = String(text[text.index(after: eq)...])
    }

    /// The task's value for `name` as text, or nil when the task has none.
    static func value(of name: String, in task: ExperimentTask) -> String? {
        switch name {
        case "algorithm": return task.algorithm
        case "dataset": return task.dataset.name
        case "n": return task.dataset.n.map(String.init) ?? "all"
        case "pca": return task.dataset.pca.map(String.init) ?? "none"
        case "seed": return String(task.seed)
        default:
            if let p = task.parameters[name] { return p.description }
            if let o = task.dataset.options[name] { return ParameterValue.number(o).description }
            return nil
        }
    }

    func matches(_ task: ExperimentTask) -> Bool {
        guard let actual = CompareSelector.value(of: name, in: task) else { return false }
        if let x = Double(actual), let y = Double(value) { return x == y }
        return actual.lowercased() == value.lowercased()
    }
}

/// One quantity compared between two groups of records (over seeds).
public struct CompareRow: Codable, Sendable {
    /// "fit wall s", "peak RSS MiB", "metric trustworthiness@15", "diagnostic explained_variance_ratio_sum", …
    public var quantity: String
    /// "timing" (rank test) or "quality" (Welch t-test).
    public var kind: String
    public var a: [Double]
    public var b: [Double]
    public var meanA: Double
    public var meanB: Double
    /// Half-widths of the 95 % Student-t intervals (nil with one sample).
    public var ciA: Double?
    public var ciB: Double?
    /// meanB / meanA (nil when meanA is 0).
    public var ratio: Double?
    /// "Mann-Whitney U (exact)", "Mann-Whitney U (normal)", "Welch t".
    public var test: String
    public var p: Double?
    /// "no significant difference", "B faster (×0.52)", "B higher by 0.0123", …
    public var verdict: String
    public var significant: Bool
}

/// A pair of matched groups: the same configuration apart from the compared setting, over seeds.
public struct ComparePair: Codable, Sendable {
    /// Description of the common configuration.
    public var configuration: String
    public var labelA: String
    public var labelB: String
    public var rows: [CompareRow]
    /// "no significant difference", or the significant rows' verdicts.
    public var verdict: String
    /// What differs between the sides besides the compared setting and the seed.
    public var confounders = CompareConfounders()
}

/// `mbench compare`: two result sets side by side over seeds, with tests that say
/// whether a difference is larger than the noise.
///
/// Timings (fit wall and CPU seconds, phases, peak RSS, diagnostics ending in
/// `_seconds`) are compared with the Mann–Whitney U test, and a verdict needs both
/// p < `alpha` and a relative change of at least `minimumTimeEffect`. Quality metrics
/// and the other diagnostics are compared with Welch's t-test (p < `alpha`).
public struct ResultComparison: Sendable {
    public var pairs: [ComparePair]
    /// Groups that found no partner on the other side.
    public var unmatched: [String]
    public var alpha: Double
    public var minimumTimeEffect: Double

    /// Records of a result folder: an experiment folder (`Figures/<exp>`), its `results/` folder.
    public static func records(at url: URL) throws -> [RunRecord] {
        let experiment: URL
        if url.lastPathComponent == "results" { experiment = url.deletingLastPathComponent() }
        else if ResultMerge.isExperimentFolder(url) { experiment = url }
        else { throw UsageError(message: "\(url.path) is not a result folder (expected Figures/<experiment> with results/ inside)") }
        let records = ResultMerge.store(experiment).allRecords()
        guard !records.isEmpty else { throw UsageError(message: "\(url.path) holds no complete records") }
        return records
    }

    /// Two result sets: records of the same configuration (seed aside) are paired; when each side
    /// holds exactly one configuration and they differ, those two are compared.
    public init(_ a: [RunRecord], _ b: [RunRecord], labelA: String = "A", labelB: String = "B",
                alpha: Double = 0.05, minimumTimeEffect: Double = 0.05) {
        self.init(a, b, ignoring: [], labelA: labelA, labelB: labelB, alpha: alpha,
                  minimumTimeEffect: minimumTimeEffect, pairSingletons: true)
    }

    /// Two variants in one result set: records matching `by` versus records matching `vs`,
    /// paired when they differ only in the selected settings (and the seed).
    public init(_ records: [RunRecord], by: [CompareSelector], vs: [CompareSelector],
                alpha: Double = 0.05, minimumTimeEffect: Double = 0.05) {
        let a = records.filter { r in by.allSatisfy { $0.matches(r.task) } }
        let b = records.filter { r in vs.allSatisfy { $0.matches(r.task) } }
        let names = Set((by + vs).map(\.name))
        self.init(a, b, ignoring: names,
                  labelA: by.map { "\($0.name)=\($0.value)" }.joined(separator: " "),
                  labelB: vs.map { "\($0.name)=\($0.value)" }.joined(separator: " "),
                  alpha: alpha, minimumTimeEffect: minimumTimeEffect, pairSingletons: false)
    }

    private init(_ a: [RunRecord], _ b: [RunRecord], ignoring: Set<String>, labelA: String, labelB: String,
                 alpha: Double, minimumTimeEffect: Double, pairSingletons: Bool) {
        self.alpha = alpha
        self.minimumTimeEffect = minimumTimeEffect
        let groupsA = ResultComparison.group(a, ignoring: ignoring)
        let groupsB = ResultComparison.group(b, ignoring: ignoring)
        var matches: [(String, [RunRecord], [RunRecord])] = []
        var unmatched: [String] = []
        for (key, records) in groupsA {
            if let other = groupsB.first(where: { $0.key == key }) { matches.append((key, records, other.records)) }
        }
        if matches.isEmpty && pairSingletons && groupsA.count == 1 && groupsB.count == 1 {
            matches.append(("\(groupsA[0].records[0].task.summary) vs \(groupsB[0].records[0].task.summary)",
                            groupsA[0].records, groupsB[0].records))
        } else {
            let matchedKeys = Set(matches.map(\.0))
            unmatched += groupsA.filter { !matchedKeys.contains($0.key) }.map { "\(labelA) only: \($0.records[0].task.summary) (\($0.records.count) seeds)" }
            unmatched += groupsB.filter { !matchedKeys.contains($0.key) }.map { "\(labelB) only: \($0.records[0].task.summary) (\($0.records.count) seeds)" }
        }
        self.unmatched = unmatched
        pairs = matches.map { key, ra, rb in
            let rows = ResultComparison.rows(ra, rb, alpha: alpha, minimumTimeEffect: minimumTimeEffect)
            let significant = rows.filter(\.significant)
            let description = ResultComparison.configurationText(ra[0].task, ignoring: ignoring)
            let singleton = pairSingletons && !key.hasPrefix("{")
            let dataNames: Set<String> = ["dataset", "n", "pca"]
            let comparedData = singleton ? ra[0].task.dataset != rb[0].task.dataset
                : !ignoring.isDisjoint(with: dataNames.union(ra[0].task.dataset.options.keys))
            let comparedAlgorithms = singleton ? ra[0].task.algorithm != rb[0].task.algorithm : ignoring.contains("algorithm")
            var pair = ComparePair(configuration: singleton ? key : description,
                                   labelA: labelA, labelB: labelB, rows: rows,
                                   verdict: significant.isEmpty ? "no significant difference"
                                       : significant.map { "\($0.quantity): \($0.verdict)" }.joined(separator: "; "))
            pair.confounders = CompareConfounders.between(ra, rb, comparedAlgorithms: comparedAlgorithms,
                                                          comparedData: comparedData)
            return pair
        }
    }

    /// Records grouped by their configuration without seed and the ignored settings, in first-seen order.
    static func group(_ records: [RunRecord], ignoring: Set<String>) -> [(key: String, records: [RunRecord])] {
        var order: [String] = []
        var groups: [String: [RunRecord]] = [:]
        for record in records.sorted(by: { ($0.task.seed, $0.task.id) < ($1.task.seed, $1.task.id) }) {
            let key = configurationKey(record.task, ignoring: ignoring)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(record)
        }
        return order.map { ($0, groups[$0] ?? []) }
    }

    private struct Key: Encodable {
        var dataset: DatasetSelection
        var algorithm: String
        var parameters: [String: ParameterValue]
    }

    static func configurationKey(_ task: ExperimentTask, ignoring: Set<String>) -> String {
        var dataset = task.dataset
        if ignoring.contains("n") { dataset.n = nil }
        if ignoring.contains("pca") { dataset.pca = nil }
        if ignoring.contains("dataset") { dataset.name = "" }
        dataset.options = dataset.options.filter { !ignoring.contains($0.key) }
        let key = Key(dataset: dataset, algorithm: ignoring.contains("algorithm") ? "" : task.algorithm,
                      parameters: task.parameters.filter { !ignoring.contains($0.key) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(key)).map { String(decoding: $0, as: UTF8.self) } ?? task.id
    }

    static func configurationText(_ task: ExperimentTask, ignoring: Set<String>) -> String {
        var parts: [String] = []
        if !ignoring.contains("algorithm") { parts.append(task.algorithm) }
        parts += task.parameters.keys.sorted().filter { !ignoring.contains($0) }.map { "\($0)=\(task.parameters[$0]!)" }
        if !ignoring.contains("dataset") { parts.append("on \(task.dataset.name)") }
        if !ignoring.contains("n"), let n = task.dataset.n { parts.append("n=\(n)") }
        parts += task.dataset.options.keys.sorted().filter { !ignoring.contains($0) }
            .map { "\($0)=\(ParameterValue.number(task.dataset.options[$0]!))" }
        return parts.joined(separator: " ")
    }

    /// The compared quantities of one record: (name, kind, value).
    static func quantities(_ r: RunRecord) -> [(String, String, Double)] {
        var out: [(String, String, Double)] = [("fit wall s", "timing", r.fitWallSeconds), ("fit CPU s", "timing", r.fitCPUSeconds)]
        if let peak = r.peakRSSBytes { out.append(("peak RSS MiB", "timing", Double(peak) / 1_048_576)) }
        for phase in r.phases where phase.name != "load_data" && phase.name != "metrics" {
            out.append(("phase \(phase.name) wall s", "timing", phase.wallSeconds))
        }
        for m in r.metrics { out.append(("metric \(m.name)", "quality", m.value)) }
        for key in r.diagnostics.keys.sorted() {
            guard let value = r.diagnostics[key] else { continue }
            out.append(("diagnostic \(key)", key.hasSuffix("_seconds") ? "timing" : "quality", value))
        }
        return out
    }

    static func rows(_ a: [RunRecord], _ b: [RunRecord], alpha: Double, minimumTimeEffect: Double) -> [CompareRow] {
        var order: [(String, String)] = []
        var valuesA: [String: [Double]] = [:], valuesB: [String: [Double]] = [:]
        for (records, isA) in [(a, true), (b, false)] {
            for record in records {
                for (name, kind, value) in quantities(record) {
                    if !order.contains(where: { $0.0 == name }) { order.append((name, kind)) }
                    if isA { valuesA[name, default: []].append(value) } else { valuesB[name, default: []].append(value) }
                }
            }
        }
        return order.compactMap { name, kind in
            guard let x = valuesA[name], let y = valuesB[name] else { return nil }
            return row(name, kind: kind, x, y, alpha: alpha, minimumTimeEffect: minimumTimeEffect)
        }
    }

    static func row(_ name: String, kind: String, _ x: [Double], _ y: [Double], alpha: Double,
                    minimumTimeEffect: Double) -> CompareRow {
        let S = StatisticalTests.self
        let meanA = Statistics.mean(x), meanB = Statistics.mean(y)
        let ratio: Double? = meanA != 0 ? meanB / meanA : nil
        var test: String, p: Double?, verdict = "no significant difference", significant = false
        if kind == "timing" {
            let mw = S.mannWhitney(x, y)
            test = "Mann-Whitney U" + (mw?.exact == true ? " (exact)" : " (normal)")
            p = mw?.p
            let effect = ratio.map { abs($0 - 1) } ?? 0
            if let p, p < alpha, effect >= minimumTimeEffect, let ratio {
                significant = true
                verdict = (ratio < 1 ? "B lower" : "B higher") + String(format: " (×%.3f)", ratio)
            }
        } else {
            test = "Welch t"
            if let w = S.welch(x, y) {
                p = w.p
                if w.p < alpha {
                    significant = true
                    verdict = (meanB < meanA ? "B lower by " : "B higher by ") + String(format: "%.4g", abs(meanB - meanA))
                }
            } else {
                verdict = "too few seeds for a test"
            }
        }
        return CompareRow(quantity: name, kind: kind, a: x, b: y, meanA: meanA, meanB: meanB,
                          ciA: S.confidenceHalfWidth(x), ciB: S.confidenceHalfWidth(y), ratio: ratio,
                          test: test, p: p, verdict: verdict, significant: significant)
    }

    /// Markdown: one table per pair, with mean ± 95 % CI, ratio B/A, test, p and verdict.
    public func markdown() -> String {
        var lines: [String] = []
        func fmt(_ m: Double, _ ci: Double?) -> String {
            String(format: "%.4g", m) + (ci.map { String(format: " ± %.2g", $0) } ?? "")
        }
        for pair in pairs {
            lines += ["## \(pair.configuration)", "", "A: \(pair.labelA) · B: \(pair.labelB)", "",
                      "| quantity | A mean ± 95 % CI (n) | B mean ± 95 % CI (n) | B/A | test | p | verdict |",
                      "| --- | --- | --- | ---: | --- | ---: | --- |"]
            for r in pair.rows {
                lines.append("| \(r.quantity) | \(fmt(r.meanA, r.ciA)) (\(r.a.count)) | \(fmt(r.meanB, r.ciB)) (\(r.b.count)) | "
                             + "\(r.ratio.map { String(format: "%.3f", $0) } ?? "–") | \(r.test) | "
                             + "\(r.p.map { String(format: "%.3g", $0) } ?? "–") | \(r.verdict) |")
            }
            lines += ["", "verdict: \(pair.verdict)", ""]
        }
        for u in unmatched { lines.append("unmatched: \(u)") }
        lines.append(String(format: "(timings: Mann-Whitney U, significant when p < %.3g and the means differ by ≥ %.0f %%; "
                            + "quality and diagnostics: Welch t, p < %.3g; no correction for multiple comparisons)",
                            alpha, minimumTimeEffect * 100, alpha))
        return lines.joined(separator: "\n") + "\n"
    }
}
