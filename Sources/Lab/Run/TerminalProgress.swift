import Embedding
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress of long steps on a terminal: one self-overwriting line, at most ten updates a second,
/// "`prefix` phase 42% · 12:34 elapsed · about 17:02 left" (the estimate of the time left assumes the
/// rest of the phase goes as fast as its part so far; shown once 2 % and 2 s of the phase have passed).
/// Silent when standard error is not a TTY (CI logs, pipes), so logs stay clean. A worker process
/// (whose standard error is a file) writes to its parent's terminal when the parent hands it the
/// terminal's path (`WorkerTicket.progressTerminal`: `mbench run` with one job on a terminal).
public enum TerminalProgress {
    /// Whether standard error is a terminal.
    public static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The device path of the terminal on standard error (e.g. /dev/pts/3), or nil when it is not one.
    public static var terminalPath: String? {
        guard isTerminal, let name = ttyname(STDERR_FILENO) else { return nil }
        return String(cString: name)
    }

    /// A progress handler that prints "`prefix` phase 42% …" on standard error, or nil when not on a terminal.
    public static func handler(prefix: String) -> ProgressHandler? {
        guard isTerminal else { return nil }
        let state = ProgressLine(prefix: prefix, output: FileHandle.standardError, clock: { Date().timeIntervalSince1970 })
        return { phase, fraction in state.update(phase: phase, fraction: fraction) }
    }

    /// A progress handler writing to the terminal device at `path` (a worker's parent's terminal), or nil
    /// when it cannot be opened.
    public static func handler(prefix: String, terminalPath path: String) -> ProgressHandler? {
        guard let output = FileHandle(forWritingAtPath: path) else { return nil }
        let state = ProgressLine(prefix: prefix, output: output, clock: { Date().timeIntervalSince1970 })
        return { phase, fraction in state.update(phase: phase, fraction: fraction) }
    }

    /// Clears the progress line (call before printing a normal line).
    public static func clearLine() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }

    /// "m:ss" or "h:mm:ss" for a duration in seconds.
    static func formatDuration(_ seconds: Double) -> String {
        let total = Int(min(max(seconds, 0), 1e9).rounded())
        let h = total / 3600, m = total / 60 % 60, s = total % 60
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    /// The line for `phase` at `fraction`, `elapsed` seconds after the phase started.
    static func line(prefix: String, phase: String, fraction: Double, elapsed: Double) -> String {
        let f = min(max(fraction, 0), 1)
        var text = "\(prefix) \(phase) \(Int((f * 100).rounded()))%"
        if elapsed >= 1 { text += " · \(formatDuration(elapsed)) elapsed" }
        if f >= 0.02, f < 1, elapsed >= 2 { text += " · about \(formatDuration(elapsed * (1 - f) / f)) left" }
        return text
    }
}

/// The throttled state of one progress line.
final class ProgressLine: @unchecked Sendable {
    let prefix: String
    let output: FileHandle
    let clock: () -> Double
    var lastUpdate = -Double.infinity
    var phase = ""
    /// When the current phase began: the previous report (phases often report only their end).
    var phaseStart: Double
    var lastCall: Double
    let lock = NSLock()

    init(prefix: String, output: FileHandle, clock: @escaping () -> Double) {
        self.prefix = prefix
        self.output = output
        self.clock = clock
        phaseStart = clock()
        lastCall = phaseStart
    }

    func update(phase: String, fraction: Double) {
        lock.lock(); defer { lock.unlock() }
        let now = clock()
        if phase != self.phase {
            self.phase = phase
            phaseStart = lastCall
        }
        lastCall = now
        guard now - lastUpdate >= 0.1 || fraction >= 1 else { return }
        lastUpdate = now
        let text = TerminalProgress.line(prefix: prefix, phase: phase, fraction: fraction, elapsed: now - phaseStart)
        output.write(Data("\r\u{1B}[2K\(text)".utf8))
    }
}
