import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock and CPU seconds spent in one named phase of an algorithm
/// (for example "neighbors", "init", "optimize").
public struct PhaseTiming: Codable, Equatable, Sendable {
    /// Phase name.
    public var name: String
    /// Elapsed wall-clock seconds.
    public var wallSeconds: Double
    /// CPU seconds of the whole process (all threads) during the phase.
    public var cpuSeconds: Double

    public init(name: String, wallSeconds: Double, cpuSeconds: Double) {
        self.name = name
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
    }
}

/// Records consecutive phases: `timer.measure("neighbors") { … }`.
public struct PhaseTimer: Sendable {
    /// Phases recorded so far, in order.
    public private(set) var phases: [PhaseTiming] = []

    public init() {}

    /// Runs `body`, recording its wall and CPU time under `name`.
    public mutating func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let wall0 = Clock.wallSeconds()
        let cpu0 = Clock.processCPUSeconds()
        let result = try body()
        phases.append(PhaseTiming(name: name, wallSeconds: Clock.wallSeconds() - wall0,
                                  cpuSeconds: Clock.processCPUSeconds() - cpu0))
        return result
    }

    /// Appends phases measured elsewhere (for example by a sub-algorithm).
    public mutating func append(_ more: [PhaseTiming]) { phases.append(contentsOf: more) }
}

/// Process clocks.
public enum Clock {
    /// Monotonic wall-clock seconds.
    public static func wallSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU seconds used by the whole process so far (user + system, all threads).
    public static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Peak resident set size of the process in bytes (VmHWM on Linux), or nil if unknown.
    /// It belongs to this program's own address space (not to the process that started it).
    public static func peakRSSBytes() -> Int? { statusBytes("VmHWM:") }

    /// Current resident set size of the process in bytes (VmRSS on Linux), or nil if unknown.
    public static func residentBytes() -> Int? { statusBytes("VmRSS:") }

    /// A "kB" field of /proc/self/status, in bytes.
    private static func statusBytes(_ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, let kb = Int(parts[1]) { return kb * 1024 }
        }
        return nil
    }
}
