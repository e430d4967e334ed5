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
    /// Peak resident set size of the whole process during the phase, bytes (nil where the kernel's
    /// peak counter cannot be reset, or for phases measured elsewhere). It includes what was
    /// resident when the phase began (the data, earlier phases' results).
    public var peakRSSBytes: Int?

    public init(name: String, wallSeconds: Double, cpuSeconds: Double, peakRSSBytes: Int? = nil) {
        self.name = name
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.peakRSSBytes = peakRSSBytes
    }
}

/// Records consecutive phases: `timer.measure("neighbors") { … }`.
public struct PhaseTimer: Sendable {
    /// Phases recorded so far, in order.
    public private(set) var phases: [PhaseTiming] = []

    public init() {}

    /// Runs `body`, recording its wall and CPU time and its peak memory under `name`.
    /// The peak comes from restarting the kernel's counter at the phase's start
    /// (`Clock.restartPeakRSS`, which keeps the process's overall peak).
    public mutating func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let counting = Clock.restartPeakRSS()
        let wall0 = Clock.wallSeconds()
        let cpu0 = Clock.processCPUSeconds()
        let result = try body()
        phases.append(PhaseTiming(name: name, wallSeconds: Clock.wallSeconds() - wall0,
                                  cpuSeconds: Clock.processCPUSeconds() - cpu0,
                                  peakRSSBytes: counting ? Clock.kernelPeakRSSBytes() : nil))
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

    /// Peak resident set size of the process in bytes since it started or since the last
    /// `resetPeakRSS`, or nil if unknown. It belongs to this program's own address space (not to
    /// the process that started it). Phases restart the kernel's counter (VmHWM on Linux) to
    /// measure their own peaks; what the counter held before is kept here, so this stays the
    /// peak of the whole span.
    public static func peakRSSBytes() -> Int? {
        guard let now = kernelPeakRSSBytes() else { return nil }
        return max(now, peakBeforeRestart.withLock { $0 })
    }

    /// The kernel's counter as it stands: the peak since the last reset or restart.
    static func kernelPeakRSSBytes() -> Int? { statusBytes("VmHWM:") }

    /// Starts a new span for `peakRSSBytes`: the kernel's counter is reset to the current
    /// resident size and the carried peak forgotten. Returns false where the counter cannot be
    /// reset (then `peakRSSBytes` is the peak since the process started).
    @discardableResult
    public static func resetPeakRSS() -> Bool {
        peakBeforeRestart.withLock { $0 = 0 }
        return writeClearRefs()
    }

    /// Restarts the kernel's counter for a phase, carrying its value into `peakRSSBytes`' span.
    /// Returns false where the counter cannot be reset.
    static func restartPeakRSS() -> Bool {
        guard let before = kernelPeakRSSBytes() else { return false }
        peakBeforeRestart.withLock { $0 = max($0, before) }
        return writeClearRefs()
    }

    /// The largest kernel peak seen before a phase restarted the counter, in this span.
    private static let peakBeforeRestart = LockedValue(0)

    /// Writes "5" to /proc/self/clear_refs: the kernel's peak RSS becomes the current RSS.
    private static func writeClearRefs() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data("5".utf8)) } catch { return false }
        return true
    }

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

/// A value behind a lock (for process-wide counters such as the carried peak RSS).
final class LockedValue<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        lock.lock(); defer { lock.unlock() }
        return body(&value)
    }
}
