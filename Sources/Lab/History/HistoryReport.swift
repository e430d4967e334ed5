import Datasets
import Foundation
import Plot

/// The static report of a history: `index.html` (regressions and improvements with their commit
/// ranges, the machines, then one trend chart per benchmark and measure) and `charts/*.png`
/// drawn by `Plot`. It opens from the file system with no server; a small script marks any chart
/// image that fails to load (and sets `data-charts-loaded` / `data-charts-missing` on `<body>`).
public enum HistoryReport {
    /// Writes the report into `folder` (created; files there are replaced); returns the index.
    /// `problems` (files not read) are listed at the top.
    @discardableResult
    public static func write(_ analysis: HistoryAnalysis, problems: [String] = [], to folder: URL,
                             title: String = "Benchmark history") throws -> URL {
        let charts = folder.appendingPathComponent("charts", isDirectory: true)
        do { try FileManager.default.createDirectory(at: charts, withIntermediateDirectories: true) } catch {
            throw LabError.io("cannot create \(charts.path): \(error.localizedDescription)")
        }
        let series = analysis.series
        let names = series.map(chartName)
        // Charts are independent: draw them on all cores (each PNG's bytes do not depend on it).
        let errors = LockedErrors()
        DispatchQueue.concurrentPerform(iterations: series.count) { i in
            do {
                let png = try chart(series[i], commits: analysis.commits.count).pngData(metadata: ["Software": "mbench history"])
                try AtomicFile.write(png, to: charts.appendingPathComponent(names[i]), createDirectory: false)
            } catch {
                errors.add("\(names[i]): \(error)")
            }
        }
        if let first = errors.first { throw LabError.io("cannot draw a chart of the history report: \(first)") }
        let index = folder.appendingPathComponent("index.html")
        try AtomicFile.write(Data(html(analysis, problems: problems, chartNames: names, title: title).utf8), to: index)
        return index
    }

    /// A stable file name for a series' chart.
    static func chartName(_ s: HistorySeries) -> String {
        String(Checksum.sha256(text: "\(s.machine)|\(s.benchmark)|\(s.measure)").prefix(16)) + ".png"
    }

    /// The trend chart: the median per commit with the range of its samples, steps marked.
    static func chart(_ s: HistorySeries, commits: Int) throws -> RenderedFigure {
        let x = s.points.map { Double($0.position) }
        let y = s.points.map(\.median)
        let lower = s.points.map { $0.samples.min() ?? $0.median }, upper = s.points.map { $0.samples.max() ?? $0.median }
        let low = lower.min() ?? 0, high = upper.max() ?? 1
        let pad = max((high - low) * 0.08, abs(high) * 0.02, 1e-9)
        var axes = Axes(title: s.measure + (s.unit.isEmpty ? "" : " (\(s.unit))"), xLabel: "commit (oldest → newest)",
                        yLabel: s.unit.isEmpty ? s.measure : s.unit,
                        xLimits: -0.5...(Double(max(commits, 1)) - 0.5), yLimits: (low - pad)...(high + pad), legend: .none)
        axes.add(.line(LineSeries(x: x, y: y, lower: lower, upper: upper, color: Palette.okabeIto[0], lineWidth: 1.2,
                                  marker: s.points.count <= 60 ? .circle : .none, markerSize: 3)))
        for step in s.steps {
            let position = Double(s.points.first { $0.commit == step.commit }?.position ?? 0) - 0.5
            let color = step.kind == .regression ? Palette.okabeIto[3] : Palette.okabeIto[2]
            axes.add(.line(LineSeries(x: [position, position], y: [low - pad, high + pad], color: color, lineWidth: 1.2, dash: [4, 3])))
            axes.add(.text(TextAnnotation(changeText(step), x: position, y: high + pad, coordinates: .data,
                                          anchor: TextAnchor(.left, .top), size: 8, bold: true, color: color)))
        }
        return try Figure(width: 6.4, height: 2.4, dpi: 100).render(axes)
    }

    /// "+30.2 %" or "−0.015".
    public static func changeText(_ step: HistoryStep) -> String {
        step.relative ? String(format: "%+.1f %%", step.change * 100) : String(format: "%+.4f", step.change)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func short(_ commit: String) -> String {
        commit.hasSuffix("-dirty") ? String(commit.prefix(10)) + "-dirty" : String(commit.prefix(10))
    }

    static func html(_ a: HistoryAnalysis, problems: [String], chartNames: [String], title: String) -> String {
        let e = escape
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(e(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:1.5em;color:#262626;max-width:1400px}
        table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-size:.9em}
        th{background:#f3f3f3}.regression{color:#b3400b;font-weight:bold}.improvement{color:#00795c;font-weight:bold}
        .charts{display:flex;flex-wrap:wrap;gap:8px}.charts img{width:640px;height:240px;border:1px solid #eee}
        .missing{color:#b00;font-weight:bold}code{font-size:.9em}
        </style></head>
        <body data-charts="\(chartNames.count)">
        <h1>\(e(title))</h1>
        <p>\(a.commits.count) commits, \(a.machines.count) machine\(a.machines.count == 1 ? "" : "s"), \(Set(a.series.map(\.benchmark)).count) benchmarks, \(a.series.count) series. Times are in calibrated units (seconds divided by the machine's calibration kernel), memory in MiB. A step is reported when a Mann–Whitney test between the commits on each side gives p &lt; 10<sup>−4</sup> and the level moves by at least 10 % (time, memory) or 0.01 (quality).</p>
        <p id="load-errors" class="missing"></p>

        """
        if !problems.isEmpty {
            h += "<h2>Files not read</h2><ul>" + problems.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
        }
        for kind in [HistoryStep.Kind.regression, .improvement] {
            let steps = a.steps.filter { $0.kind == kind }
            h += "<h2>\(kind == .regression ? "Regressions" : "Improvements") (\(steps.count))</h2>\n"
            if steps.isEmpty { h += "<p>None found.</p>\n"; continue }
            h += "<table><tr><th>benchmark</th><th>measure</th><th>machine</th><th>change</th><th>before → after</th><th>commits that may hold it</th><th>previous commit</th><th>p</th></tr>\n"
            for s in steps {
                h += "<tr><td>\(e(s.benchmark))</td><td>\(e(s.measure))</td><td>\(e(s.machine))</td>"
                h += "<td class=\"\(kind.rawValue)\">\(e(changeText(s)))</td>"
                h += "<td>\(String(format: "%.4g → %.4g", s.before, s.after)) \(e(s.unit))</td>"
                h += "<td><code>\(s.commits.map { e(short($0)) }.joined(separator: ", "))</code></td><td><code>\(e(short(s.previousCommit)))</code></td>"
                h += "<td>\(String(format: "%.1e", s.pValue))</td></tr>\n"
            }
            h += "</table>\n"
        }
        h += "<h2>Machines</h2>\n<table><tr><th>id</th><th>host name</th><th>CPU</th><th>cores</th><th>memory</th><th>OS</th><th>runs</th><th>id from</th></tr>\n"
        for m in a.machines {
            let memory = m.memoryBytes.map { String(format: "%.1f GiB", Double($0) / 1_073_741_824) } ?? "?"
            h += "<tr><td><code>\(e(m.id))</code></td><td>\(e(m.hostName))</td><td>\(e(m.cpuModel))</td><td>\(m.cores)</td><td>\(memory)</td><td>\(e(m.os))</td><td>\(a.runsPerMachine[m.id] ?? 0)</td><td>\(e(m.idSource))</td></tr>\n"
        }
        h += "</table>\n<h2>Commits</h2>\n<p>" + a.commits.enumerated().map { "\($0.offset): <code>\(e(short($0.element)))</code>" }.joined(separator: " · ") + "</p>\n"
        var current = ""
        for (s, name) in zip(a.series, chartNames) {
            let heading = "\(s.benchmark) — machine \(s.machine)"
            if heading != current {
                if !current.isEmpty { h += "</div>\n" }
                h += "<h3>\(e(heading))</h3>\n<div class=\"charts\">\n"
                current = heading
            }
            h += "<img src=\"charts/\(name)\" alt=\"\(e(s.benchmark)): \(e(s.measure))\" title=\"\(e(s.measure))\">\n"
        }
        if !current.isEmpty { h += "</div>\n" }
        h += """
        <script>
        window.addEventListener("load", function () {
          var images = Array.prototype.slice.call(document.querySelectorAll(".charts img"));
          var missing = images.filter(function (img) { return !(img.complete && img.naturalWidth > 0); });
          document.body.setAttribute("data-charts-loaded", String(images.length - missing.length));
          document.body.setAttribute("data-charts-missing", String(missing.length));
          if (missing.length) {
            document.getElementById("load-errors").textContent = missing.length + " chart(s) could not be loaded: " +
              missing.map(function (img) { return img.getAttribute("src"); }).join(", ");
          }
        });
        </script>
        </body></html>

        """
        return h
    }
}

/// Errors collected from concurrent work.
final class LockedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.lock(); messages.append(message); lock.unlock() }
    var first: String? { lock.lock(); defer { lock.unlock() }; return messages.sorted().first }
}
