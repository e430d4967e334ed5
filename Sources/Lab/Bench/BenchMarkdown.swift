import Foundation

/// The Markdown table of a bench report (what `mbench bench` prints).
public enum BenchMarkdown {
    /// One row per task and phase: min / median / max of wall and CPU seconds, peak RSS,
    /// and the median in calibrated units; then the calibration line and metrics.
    public static func render(_ report: BenchReport, comparison: BenchComparison? = nil) -> String {
        let unit = report.calibration.unitSeconds
        var lines = ["# bench: \(report.experiment)", ""]
        lines.append("\(report.cpuModel), \(report.threadCount) thread(s), warm-up \(report.warmup), "
                     + "\(report.repetitions) repetitions, commit \(report.gitCommit.prefix(12))")
        let cal = report.calibration
        lines.append(String(format: "calibration unit: %.4f s wall, %.4f s CPU (sgemm %d³ median %.4f s + scalar loop of %d steps median %.4f s; drift ×%.3f)",
                            unit, cal.unitCPUSeconds, cal.sgemmSize, cal.sgemmSeconds.median, cal.scalarIterations,
                            cal.scalarSeconds.median, cal.drift))
        lines.append("")
        lines.append("| task | phase | wall min | wall median | wall max | CPU median | peak RSS MiB (median) | calibrated wall | calibrated CPU |")
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        func s(_ x: Double) -> String { String(format: "%.4f", x) }
        for task in report.tasks {
            let name = "\(task.algorithmLabel) on \(task.datasetLabel) \(task.dataRows)×\(task.dataCols) seed \(task.seed)"
                + (task.parameters.isEmpty ? "" : " (" + task.parameters.keys.sorted().map { "\($0)=\(task.parameters[$0]!)" }.joined(separator: " ") + ")")
            let rss = task.peakRSSBytes.map { String(format: "%.1f", $0.median / 1_048_576) } ?? "?"
            for (index, phase) in ([task.fit] + task.phases).enumerated() {
                let isFit = index == 0
                lines.append("| \(isFit ? name : "") | \(isFit ? "**fit (total)**" : phase.name) | \(s(phase.wallSeconds.min)) | "
                             + "\(s(phase.wallSeconds.median)) | \(s(phase.wallSeconds.max)) | \(s(phase.cpuSeconds.median)) | "
                             + "\(isFit ? rss : "") | \(String(format: "%.3f", phase.wallSeconds.median / unit)) | "
                             + "\(String(format: "%.3f", phase.cpuSeconds.median / cal.unitCPUSeconds)) |")
            }
        }
        let metricNames = Set(report.tasks.flatMap { $0.metrics.keys }).sorted()
        if !metricNames.isEmpty {
            lines += ["", "| task | " + metricNames.joined(separator: " | ") + " |",
                      "| --- |" + String(repeating: " ---: |", count: metricNames.count)]
            for task in report.tasks {
                lines.append("| \(task.summary) | " + metricNames.map { task.metrics[$0].map { String(format: "%.4f", $0) } ?? "–" }
                    .joined(separator: " | ") + " |")
            }
        }
        if let comparison {
            lines += ["", "## against the baseline", "",
                      "| task | quantity | baseline | now | change | verdict |", "| --- | --- | ---: | ---: | --- | --- |"]
            for c in comparison.changes {
                lines.append("| \(c.task) | \(c.quantity) | \(String(format: "%.4g", c.baseline)) | "
                             + "\(String(format: "%.4g", c.current)) | \(c.detail) | \(c.verdict.word) |")
            }
            lines += ["", comparison.describe()]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
