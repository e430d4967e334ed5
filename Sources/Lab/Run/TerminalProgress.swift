import Embedding
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress of long steps on a terminal: one self-overwriting line on standard
/// error, at most ten updates a second. Silent when standard error is not a TTY
/// (CI logs, pipes), so logs stay clean.
public enum TerminalProgress {
    /// Whether standard error is a terminal.
    public static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A progress handler that prints "`prefix` phase 42%", or nil when not on a terminal.
    public static func handler(prefix: String) -> ProgressHandler? {
        guard isTerminal else { return nil }
        let state = ProgressLine(prefix: prefix)
        return { phase, fraction in state.update(phase: phase, fraction: fraction) }
    }

    /// Clears the progress line (call before printing a normal line).
    public static func clearLine() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}

/// The throttled state of one progress line.
private final class ProgressLine {
    let prefix: String
    var lastUpdate = 0.0
    init(prefix: String) { self.prefix = prefix }

    func update(phase: String, fraction: Double) {
        let now = Date().timeIntervalSince1970
        guard now - lastUpdate >= 0.1 || fraction >= 1 else { return }
        lastUpdate = now
        let percent = Int((min(max(fraction, 0), 1) * 100).rounded())
        let text = "\r\u{1B}[2K\(prefix) \(phase) \(percent)%"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
