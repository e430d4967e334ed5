import Foundation
import Linalg

/// One benchmark's measure on one machine across the commits of a history.
public struct HistorySeries: Sendable {
    public var machine: String
    public var benchmark: String
    public var measure: String
    public var unit: String
    public var smallerIsBetter: Bool
    /// One point per commit that has this measure, in commit order.
    public var points: [Point]
    /// The steps found, in commit order.
    public var steps: [HistoryStep]

    /// A commit's samples (all runs of that commit on this machine pooled) and their median.
    public struct Point: Sendable {
        public var commit: String
        /// Position of the commit in the history's commit order (shared by every series).
        public var position: Int
        public var samples: [Double]
        public var median: Double
    }
}

/// A change of level found in a series: a regression or an improvement.
public struct HistoryStep: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case regression, improvement }
    public var kind: Kind
    public var machine: String
    public var benchmark: String
    public var measure: String
    public var unit: String
    /// The most likely commit where the new level starts.
    public var commit: String
    /// The commits that may hold the change, oldest first (one, or two when the data cannot tell).
    public var commits: [String]
    /// The last commit measured before them.
    public var previousCommit: String
    /// Median level of the commits before and after (in `unit`).
    public var before: Double
    public var after: Double
    /// after / before − 1 for time and memory; after − before for quality metrics.
    public var change: Double
    /// Whether `change` is relative (a fraction) or absolute.
    public var relative: Bool
    public var pValue: Double
}

/// Steps of every series of a history, with the commit order they refer to.
public struct HistoryAnalysis: Sendable {
    /// Settings of the step detection.
    public struct Settings: Sendable {
        /// Smallest relative change of time and memory reported (default 0.10 = 10 %).
        public var minimumRelativeChange = 0.10
        /// Smallest absolute change of a quality metric reported (default 0.01).
        public var minimumQualityChange = 0.01
        /// Significance level of the rank test (default 1e-4).
        public var alpha = 1e-4
        /// Commits on each side the test compares (default 12).
        public var window = 12
        public init() {}
    }

    /// Commits oldest first: by commit time, then by when they were first recorded.
    public var commits: [String]
    public var machines: [MachineIdentity]
    /// Runs recorded per machine id.
    public var runsPerMachine: [String: Int]
    public var series: [HistorySeries]
    public var steps: [HistoryStep] { series.flatMap(\.steps) }

    public init(entries: [HistoryEntry], settings: Settings = Settings()) {
        // Commit order.
        var firstSeen: [String: (time: Double?, recorded: String)] = [:]
        for entry in entries {
            if let seen = firstSeen[entry.commit] {
                firstSeen[entry.commit] = (seen.time ?? entry.commitTime, min(seen.recorded, entry.recordedAt))
            } else {
                firstSeen[entry.commit] = (entry.commitTime, entry.recordedAt)
            }
        }
        // A total order: the commit time, else the time of its first run; then the names.
        let parser = ISO8601DateFormatter()
        func key(_ commit: String) -> (Double, String, String) {
            let seen = firstSeen[commit]!
            return (seen.time ?? parser.date(from: seen.recorded)?.timeIntervalSince1970 ?? 0, seen.recorded, commit)
        }
        let order = firstSeen.keys.sorted { key($0) < key($1) }
        commits = order
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var machineByID: [String: MachineIdentity] = [:]
        var runs: [String: Int] = [:]
        for entry in entries {
            machineByID[entry.machine.id] = machineByID[entry.machine.id] ?? entry.machine
            runs[entry.machine.id, default: 0] += 1
        }
        machines = machineByID.values.sorted { $0.id < $1.id }
        runsPerMachine = runs
        // Samples per (machine, benchmark, measure, commit).
        struct Key: Hashable { var machine: String; var benchmark: String; var measure: String }
        var pooled: [Key: (unit: String, smaller: Bool, byCommit: [Int: [Double]])] = [:]
        for entry in entries {
            for benchmark in entry.benchmarks {
                for measure in benchmark.measures where !measure.samples.isEmpty {
                    let key = Key(machine: entry.machine.id, benchmark: benchmark.name, measure: measure.name)
                    var slot = pooled[key] ?? (measure.unit, measure.smallerIsBetter, [:])
                    slot.byCommit[position[entry.commit]!, default: []] += measure.samples.filter(\.isFinite)
                    pooled[key] = slot
                }
            }
        }
        let keys = pooled.keys.sorted { ($0.machine, $0.benchmark, Self.measureOrder($0.measure)) < ($1.machine, $1.benchmark, Self.measureOrder($1.measure)) }
        series = keys.map { key in
            let slot = pooled[key]!
            let points = slot.byCommit.keys.sorted().compactMap { index -> HistorySeries.Point? in
                let samples = slot.byCommit[index]!
                guard !samples.isEmpty else { return nil }
                return HistorySeries.Point(commit: order[index], position: index, samples: samples,
                                           median: Statistics.median(sorted: samples.sorted()))
            }
            var s = HistorySeries(machine: key.machine, benchmark: key.benchmark, measure: key.measure, unit: slot.unit,
                                  smallerIsBetter: slot.smaller, points: points, steps: [])
            s.steps = Self.steps(of: s, settings: settings)
            return s
        }
    }

    /// Time first, then memory, then quality metrics by name.
    static func measureOrder(_ name: String) -> String {
        name == HistoryMeasure.time ? "0" : name == HistoryMeasure.memory ? "1" : "2" + name
    }

    /// Steps of one series: time and memory on a log scale (relative changes), quality as it is.
    static func steps(of series: HistorySeries, settings: Settings) -> [HistoryStep] {
        let relative = series.smallerIsBetter && series.points.allSatisfy { $0.median > 0 }
        let values = series.points.map { relative ? DeterministicMath.log($0.median) : $0.median }
        let minimum = relative ? DeterministicMath.log(1 + settings.minimumRelativeChange) : settings.minimumQualityChange
        return StepDetection.steps(values, minimumChange: minimum, alpha: settings.alpha, window: settings.window).map { step in
            let before = relative ? DeterministicMath.exp(step.before) : step.before
            let after = relative ? DeterministicMath.exp(step.after) : step.after
            let worse = series.smallerIsBetter ? after > before : after < before
            return HistoryStep(kind: worse ? .regression : .improvement, machine: series.machine, benchmark: series.benchmark,
                               measure: series.measure, unit: series.unit, commit: series.points[step.index].commit,
                               commits: step.candidates.map { series.points[$0].commit },
                               previousCommit: series.points[step.candidates[0] - 1].commit,
                               before: before, after: after, change: relative ? after / before - 1 : after - before,
                               relative: relative, pValue: step.pValue)
        }
    }
}
