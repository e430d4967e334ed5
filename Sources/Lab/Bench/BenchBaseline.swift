import Foundation

/// How far a benchmark may move from its baseline before it counts.
///
/// A change counts only when it passes both the relative and the absolute
/// threshold, so tiny tasks do not flap on scheduler noise. Stored in a
/// baseline file under `tolerances` (any field may be left out) and
/// overridable on the command line.
public struct BenchTolerances: Codable, Sendable, Equatable {
    /// Calibrated median fit time may grow by this fraction (default 0.25 = 25 %).
    public var time: Double
    /// … and by at least this many seconds (on this machine) before it counts (default 0.05).
    public var timeFloorSeconds: Double
    /// Peak RSS may grow by this fraction (default 0.20).
    public var memory: Double
    /// … and by at least this many bytes (default 16 MiB).
    public var memoryFloorBytes: Double
    /// Quality metrics may drop by this much, absolute (default 0.01).
    public var quality: Double
    /// Metrics where lower is better (name prefixes, e.g. "kl_divergence", "stress").
    public var lowerIsBetter: [String]

    public init(time: Double = 0.25, timeFloorSeconds: Double = 0.05, memory: Double = 0.20,
                memoryFloorBytes: Double = 16 * 1_048_576, quality: Double = 0.01,
                lowerIsBetter: [String] = ["kl_divergence", "stress", "error"]) {
        self.time = time
        self.timeFloorSeconds = timeFloorSeconds
        self.memory = memory
        self.memoryFloorBytes = memoryFloorBytes
        self.quality = quality
        self.lowerIsBetter = lowerIsBetter
    }

    private enum CodingKeys: String, CodingKey {
        case time, timeFloorSeconds, memory, memoryFloorBytes, quality, lowerIsBetter
    }

    /// Missing fields take their defaults, so a hand-written baseline may give only some.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BenchTolerances()
        time = try c.decodeIfPresent(Double.self, forKey: .time) ?? d.time
        timeFloorSeconds = try c.decodeIfPresent(Double.self, forKey: .timeFloorSeconds) ?? d.timeFloorSeconds
        memory = try c.decodeIfPresent(Double.self, forKey: .memory) ?? d.memory
        memoryFloorBytes = try c.decodeIfPresent(Double.self, forKey: .memoryFloorBytes) ?? d.memoryFloorBytes
        quality = try c.decodeIfPresent(Double.self, forKey: .quality) ?? d.quality
        lowerIsBetter = try c.decodeIfPresent([String].self, forKey: .lowerIsBetter) ?? d.lowerIsBetter
    }
}

/// The outcome of comparing a benchmark with its baseline. Raw values are `mbench bench` exit statuses.
public enum BenchVerdict: Int32, Sendable, Comparable {
    /// Nothing moved beyond its tolerance.
    case unchanged = 0
    /// Something got clearly better and nothing got worse.
    case improvement = 4
    /// Something got clearly worse (slower, bigger, or lower quality) — even if something else got better.
    case regression = 3

    private var severity: Int { self == .unchanged ? 0 : self == .improvement ? 1 : 2 }
    public static func < (a: BenchVerdict, b: BenchVerdict) -> Bool { a.severity < b.severity }

    public var word: String {
        switch self {
        case .unchanged: return "unchanged"
        case .improvement: return "improvement"
        case .regression: return "regression"
        }
    }
}

/// One measured quantity of one task, compared with the baseline.
public struct BenchChange: Sendable {
    public var task: String
    /// "fit time (calibrated)", "peak RSS", "metric trustworthiness@15", …
    public var quantity: String
    public var baseline: Double
    public var current: Double
    /// Human-readable description of the move ("+31.2 % (+0.084 s)").
    public var detail: String
    public var verdict: BenchVerdict
}

/// Compares a fresh benchmark report with a stored baseline.
public struct BenchComparison: Sendable {
    public var changes: [BenchChange]
    /// Tasks of the current report missing from the baseline, and the reverse.
    public var newTasks: [String]
    public var missingTasks: [String]
    /// Notes about the comparison itself (different thread counts, calibration drift, changed outputs).
    public var notes: [String]

    /// The overall verdict: regression if anything regressed, else improvement if anything improved.
    public var verdict: BenchVerdict { changes.map(\.verdict).max() ?? .unchanged }

    /// Compares `current` with `baseline` under `tolerances`.
    public init(current: BenchReport, baseline: BenchReport, tolerances: BenchTolerances) {
        changes = []
        notes = []
        let old = Dictionary(baseline.tasks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let currentIDs = Set(current.tasks.map(\.id))
        newTasks = current.tasks.filter { old[$0.id] == nil }.map(\.summary)
        missingTasks = baseline.tasks.filter { !currentIDs.contains($0.id) }.map(\.summary)
        if current.threadCount != baseline.threadCount {
            notes.append("baseline used \(baseline.threadCount) threads, this run \(current.threadCount): times are not comparable")
        }
        for (label, report) in [("baseline", baseline), ("this run", current)] {
            let drift = report.calibration.drift
            if drift > 1.2 || drift < 1 / 1.2 {
                notes.append(String(format: "%@: calibration kernel changed by ×%.2f between start and end (busy machine?)", label, drift))
            }
        }
        let unitNow = current.calibration.unitSeconds
        let singleThreaded = current.threadCount == 1 && baseline.threadCount == 1
        // OpenBLAS, FFTW and glibc pick their kernels by CPU model, so the same code takes a
        // different share of the calibration unit on another model (measured: eade355's own
        // covariance PCA reads +40 to +95 % on an Intel Xeon against its AMD EPYC baseline). Times
        // are gated only against a baseline of the same CPU model; memory and quality always.
        let sameCPU = current.cpuModel == baseline.cpuModel
        if !sameCPU {
            notes.append("baseline measured on \(baseline.cpuModel), this run on \(current.cpuModel): libraries pick other "
                         + "kernels on another CPU model, so times are shown for information only; record a baseline on "
                         + "this model (--save-baseline) to gate times here")
        }
        for task in current.tasks {
            guard let base = old[task.id] else { continue }
            if base.embeddingSHA256 != task.embeddingSHA256 {
                notes.append("\(task.summary): embedding bytes differ from the baseline's (expected across CPU models or after a change in the algorithm)")
            }
            if !task.deterministic { notes.append("\(task.summary): repetitions gave different embeddings (nondeterministic)") }
            // Single-threaded runs are judged on CPU time: on a shared machine, waiting for a core
            // inflates wall time but not CPU time. Multi-threaded runs are judged on wall time
            // (parallel speed-up is what they measure); the other clock is shown for information.
            let wall = Self.timeChange(task: task, base: base, unitNow: unitNow, unitThen: baseline.calibration.unitSeconds,
                                       cpu: false, tolerances: tolerances)
            var cpu = Self.timeChange(task: task, base: base, unitNow: current.calibration.unitCPUSeconds,
                                      unitThen: baseline.calibration.unitCPUSeconds, cpu: true, tolerances: tolerances)
            var gated = wall
            if singleThreaded {
                gated = cpu
                cpu = wall
            }
            cpu.verdict = .unchanged
            cpu.quantity += " (information)"
            if !sameCPU {
                gated.verdict = .unchanged
                gated.quantity += " (information: other CPU model)"
            }
            changes += [gated, cpu]
            if let now = task.peakRSSBytes?.median, let then = base.peakRSSBytes?.median, then > 0 {
                let grew = now - then
                var verdict = BenchVerdict.unchanged
                if now > then * (1 + tolerances.memory) && grew > tolerances.memoryFloorBytes { verdict = .regression }
                if now < then / (1 + tolerances.memory) && -grew > tolerances.memoryFloorBytes { verdict = .improvement }
                changes.append(BenchChange(task: task.summary, quantity: "peak RSS", baseline: then, current: now,
                                           detail: String(format: "%+.1f %% (%+.1f MiB)", (now / then - 1) * 100, grew / 1_048_576),
                                           verdict: verdict))
            }
            for name in task.metrics.keys.sorted() {
                guard let now = task.metrics[name], let then = base.metrics[name] else { continue }
                let lowerBetter = tolerances.lowerIsBetter.contains { name.hasPrefix($0) }
                let gain = lowerBetter ? then - now : now - then
                let verdict: BenchVerdict = gain < -tolerances.quality ? .regression
                    : gain > tolerances.quality ? .improvement : .unchanged
                changes.append(BenchChange(task: task.summary, quantity: "metric \(name)", baseline: then, current: now,
                                           detail: String(format: "%+.4f", now - then), verdict: verdict))
            }
        }
    }

    /// Median fit time in calibrated units: counts only when beyond the relative tolerance, beyond
    /// the absolute floor (in this machine's seconds), and when even the fastest repetition is past
    /// the baseline's median (all repetitions agree). `cpu` selects CPU time (and the CPU unit)
    /// instead of wall time.
    static func timeChange(task: BenchTaskResult, base: BenchTaskResult, unitNow: Double, unitThen: Double,
                           cpu: Bool, tolerances: BenchTolerances) -> BenchChange {
        let nowStat = cpu ? task.fit.cpuSeconds : task.fit.wallSeconds
        let thenStat = cpu ? base.fit.cpuSeconds : base.fit.wallSeconds
        let now = nowStat.median / unitNow
        let then = thenStat.median / unitThen
        let fastestNow = nowStat.min / unitNow
        let slowestNow = nowStat.max / unitNow
        let deltaSeconds = (now - then) * unitNow
        var verdict = BenchVerdict.unchanged
        if now > then * (1 + tolerances.time) && deltaSeconds > tolerances.timeFloorSeconds && fastestNow > then {
            verdict = .regression
        } else if now < then / (1 + tolerances.time) && -deltaSeconds > tolerances.timeFloorSeconds && slowestNow < then {
            verdict = .improvement
        }
        let percent = then > 0 ? (now / then - 1) * 100 : 0
        return BenchChange(task: task.summary, quantity: cpu ? "fit CPU time (calibrated)" : "fit wall time (calibrated)",
                           baseline: then, current: now,
                           detail: String(format: "%+.1f %% (%+.3f s on this machine)", percent, deltaSeconds),
                           verdict: verdict)
    }

    /// Text for the terminal: every change that counts, then the notes and the verdict.
    public func describe() -> String {
        var lines: [String] = []
        let moved = changes.filter { $0.verdict != .unchanged }
        for change in moved {
            lines.append("\(change.verdict.word.uppercased()): \(change.task): \(change.quantity) "
                         + String(format: "%.4g → %.4g", change.baseline, change.current) + " \(change.detail)")
        }
        for task in newTasks { lines.append("new task (not in the baseline): \(task)") }
        for task in missingTasks { lines.append("baseline task not run: \(task)") }
        for note in notes { lines.append("note: \(note)") }
        lines.append("bench verdict: \(verdict.word) (\(changes.count) comparisons, \(moved.count) beyond tolerance)")
        return lines.joined(separator: "\n")
    }
}
