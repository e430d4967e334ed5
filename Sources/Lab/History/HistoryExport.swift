import Foundation

/// A history's latest results in the formats of existing dashboards: github-action-benchmark's
/// `customSmallerIsBetter` tool and Bencher's metric format (BMF). Both take one machine's
/// newest commit (the newest machine by default), with the samples' median as the value.
public enum HistoryExport {
    /// The machine and commit exported.
    public static func latest(_ analysis: HistoryAnalysis, machine: String?) throws -> (machine: String, commit: String) {
        let chosen = machine ?? analysis.series.max { lastPosition($0) < lastPosition($1) }?.machine
        guard let chosen, analysis.machines.contains(where: { $0.id == chosen }) else {
            throw LabError.invalid("no machine '\(machine ?? "")' in the history; it has: \(analysis.machines.map(\.id).joined(separator: ", "))")
        }
        let position = analysis.series.filter { $0.machine == chosen }.map(lastPosition).max() ?? 0
        return (chosen, analysis.commits[position])
    }

    private static func lastPosition(_ s: HistorySeries) -> Int { s.points.last?.position ?? -1 }

    private static func points(_ analysis: HistoryAnalysis, machine: String, commit: String)
    -> [(series: HistorySeries, point: HistorySeries.Point)] {
        analysis.series.filter { $0.machine == machine }.compactMap { s in
            s.points.first { $0.commit == commit }.map { (s, $0) }
        }
    }

    /// github-action-benchmark `customSmallerIsBetter`: `[{"name", "unit", "value", "range", "extra"}]`,
    /// time and memory only (quality metrics are bigger-is-better, another tool of it).
    public static func githubActionBenchmark(_ analysis: HistoryAnalysis, machine: String? = nil) throws -> Data {
        let (chosen, commit) = try latest(analysis, machine: machine)
        let items: [[String: Any]] = points(analysis, machine: chosen, commit: commit).filter { $0.series.smallerIsBetter }.map { s, p in
            let spread = ((p.samples.max() ?? p.median) - (p.samples.min() ?? p.median)) / 2
            return ["name": "\(s.benchmark) — \(s.measure)", "unit": s.unit, "value": p.median,
                    "range": "± \(String(format: "%.4g", spread))",
                    "extra": "machine \(chosen), commit \(commit), \(p.samples.count) samples"]
        }
        return try JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys])
    }

    /// Bencher Metric Format: `{"<benchmark>": {"<measure slug>": {"value", "lower_value", "upper_value"}}}`.
    public static func bencher(_ analysis: HistoryAnalysis, machine: String? = nil) throws -> Data {
        let (chosen, commit) = try latest(analysis, machine: machine)
        var object: [String: [String: [String: Double]]] = [:]
        for (s, p) in points(analysis, machine: chosen, commit: commit) {
            object[s.benchmark, default: [:]][slug(s.measure)] =
                ["value": p.median, "lower_value": p.samples.min() ?? p.median, "upper_value": p.samples.max() ?? p.median]
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }

    /// A measure name as a Bencher measure slug: "peak memory" → "peak-memory", "trustworthiness@15" → "trustworthiness-15".
    static func slug(_ name: String) -> String {
        var out = ""
        for c in name.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) { out.append(c) } else if out.last != "-" && !out.isEmpty { out.append("-") }
        }
        while out.last == "-" { out.removeLast() }
        return out.isEmpty ? "measure" : out
    }
}
