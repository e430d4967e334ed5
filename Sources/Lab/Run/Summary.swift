import Foundation

/// Writes `summary.md`: one table row per stored task, for people and for diffs.
enum Summary {
    /// - Parameter failures: tasks of the plan without a result whose last run failed or timed out.
    static func write(spec: ExperimentSpec, records: [RunRecord], failures: [TaskFailure] = [], to url: URL) throws {
        let metricNames = spec.metrics
        var lines = ["# \(spec.name)", ""]
        if !spec.description.isEmpty { lines += [spec.description, ""] }
        let header = ["data", "n", "d", "algorithm", "parameters", "seed", "fit s", "peak MiB"] + metricNames
        lines.append("| " + header.joined(separator: " | ") + " |")
        lines.append("|" + String(repeating: " --- |", count: header.count))
        let ordered = records.sorted {
            ($0.task.datasetLabel, $0.dataRows, $0.task.algorithmLabel, $0.task.summary) <
                ($1.task.datasetLabel, $1.dataRows, $1.task.algorithmLabel, $1.task.summary)
        }
        for r in ordered {
            let params = r.task.parameters.keys.sorted().map { "\($0)=\(r.task.parameters[$0]!)" }.joined(separator: " ")
            var row = [r.task.datasetLabel, String(r.dataRows), String(r.dataCols), r.task.algorithmLabel,
                       params.isEmpty ? "defaults" : params, String(r.task.seed),
                       String(format: "%.2f", r.fitWallSeconds),
                       (r.referencePeakRSSBytes ?? r.peakRSSBytes).map { String(format: "%.0f", Double($0) / 1_048_576) } ?? "?"]
            row += metricNames.map { name in r.metric(name).map { String(format: "%.4f", $0) } ?? "–" }
            lines.append("| " + row.joined(separator: " | ") + " |")
        }
        lines.append("")
        if !failures.isEmpty {
            lines += ["Without a result:", ""]
            for failure in failures.sorted(by: { $0.task.summary < $1.task.summary }) {
                lines.append("- \(failure.task.summary): \(failure.kind.rawValue), \(failure.ending)")
            }
            lines.append("")
        }
        lines.append("Peak MiB is the peak resident memory of the process that ran the algorithm (for reference implementations, the reference's own process).")
        lines.append("")
        try ResultStore.writeAtomically(Data(lines.joined(separator: "\n").utf8), to: url)
    }
}
