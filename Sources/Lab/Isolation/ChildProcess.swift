import Foundation
import Linalg
#if canImport(Glibc)
import Glibc
#endif

/// How a child process ended, with what the kernel measured of it.
public struct ChildOutcome: Sendable, Equatable {
    /// How the process ended.
    public enum Ending: Sendable, Equatable, CustomStringConvertible {
        /// It returned from `main` or called `exit` with this status.
        case exited(Int32)
        /// A signal ended it (SIGSEGV, SIGKILL from the OOM killer, …).
        case signaled(Int32)
        /// It ran past its time limit and its whole process group was killed.
        case timedOut(limitSeconds: Double)

        public var description: String {
            switch self {
            case .exited(let status): return "exited with status \(status)"
            case .signaled(let signal):
                let hint = signal == SIGKILL ? " (killed from outside; the kernel's out-of-memory killer sends SIGKILL)" : ""
                return "killed by \(ChildProcess.signalName(signal))\(hint)"
            case .timedOut(let limit): return "did not finish in \(ChildProcess.formatSeconds(limit)) s (time limit); killed"
            }
        }
    }

    public var ending: Ending
    /// Wall seconds from start to exit.
    public var wallSeconds: Double
    /// User + system CPU seconds of the child and of the descendants it waited for (wait4's rusage).
    public var cpuSeconds: Double
    /// Peak resident set size in bytes as `wait4` reports it: the larger of the child's own peak and
    /// that of the largest descendant it waited for. The kernel also carries the spawning process's
    /// high-water mark into a child at `exec` (the child starts in the parent's address space), so
    /// this is never below the parent's peak: exact for a child that outgrows its parent, an upper
    /// bound otherwise. A program's own peak is the `VmHWM` of its `/proc/self/status`, which is
    /// what workers and the Python adapters report of themselves.
    public var peakRSSBytes: Int
    /// The last part of what the child wrote to standard error (at most `stderrTailBytes`).
    public var stderrTail: String

    /// Whether the child exited with status 0.
    public var succeeded: Bool { ending == .exited(0) }
}

/// Runs a program as a child process in its own process group and measures it with `wait4`.
///
/// - The child's standard output and error go to files (never to pipes that could fill up).
/// - A time limit kills the whole process group (the child and anything it started,
///   such as a Python reference implementation) with SIGKILL.
/// - `wait4` returns the child's own resource usage: CPU time and peak RSS belong to this
///   child alone, not to the parent or to earlier children.
public enum ChildProcess {
    /// How much of standard error `ChildOutcome.stderrTail` keeps.
    public static let stderrTailBytes = 4000

    /// Starts `executable` with `arguments` (not including argv[0]) and `environment`, waits for
    /// it (killing it after `timeoutSeconds`, if given), and returns how it ended.
    ///
    /// - Parameters:
    ///   - stdout / stderr: files the child's output goes to (created or truncated).
    /// - Throws: `LabError.io` if the program cannot be started (missing or not executable).
    public static func run(executable: String, arguments: [String], environment: [String: String],
                           stdout: URL, stderr: URL, timeoutSeconds: Double? = nil) throws -> ChildOutcome {
        let pid = try spawn(executable: executable, arguments: arguments, environment: environment,
                            stdout: stdout, stderr: stderr)
        let start = Clock.wallSeconds()
        var outcome = wait(pid, start: start, timeoutSeconds: timeoutSeconds)
        outcome.stderrTail = tail(of: stderr)
        return outcome
    }

    /// Starts the child in a new process group whose id is its pid; returns the pid.
    public static func spawn(executable: String, arguments: [String], environment: [String: String],
                             stdout: URL, stderr: URL) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let flags = O_WRONLY | O_CREAT | O_TRUNC
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout.path, flags, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr.path, flags, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group (so a time limit can kill grandchildren too) and default signal handling.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = [executable] + arguments
        let envp = environment.keys.sorted().map { "\($0)=\(environment[$0]!)" }
        var cArgv = argv.map { strdup($0) } + [nil]
        var cEnvp = envp.map { strdup($0) } + [nil]
        defer {
            cArgv.forEach { free($0) }
            cEnvp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, &cArgv, &cEnvp)
        guard status == 0 else {
            throw LabError.io("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Waits for `pid`, killing its process group after `timeoutSeconds`. The output tail is left empty.
    public static func wait(_ pid: pid_t, start: Double, timeoutSeconds: Double?) -> ChildOutcome {
        var status: Int32 = 0
        var usage = rusage()
        var timedOut = false
        let deadline = timeoutSeconds.map { start + $0 }
        var pause: UInt32 = 500  // microseconds; grows to 2 ms so short children are reaped quickly
        while true {
            let result = wait4(pid, &status, WNOHANG, &usage)
            if result == pid { break }
            if result < 0 && errno != EINTR { break }
            if let deadline, !timedOut, Clock.wallSeconds() > deadline {
                timedOut = true
                kill(-pid, SIGKILL)  // the whole group: the worker and any reference it started
                kill(pid, SIGKILL)
            }
            usleep(pause)
            pause = min(pause * 2, 2_000)
        }
        let wall = Clock.wallSeconds() - start
        let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime)
        // A descendant that outlived the child (for example after a crash) is ended with it.
        kill(-pid, SIGKILL)
        let ending: ChildOutcome.Ending
        if timedOut, let timeoutSeconds {
            ending = .timedOut(limitSeconds: timeoutSeconds)
        } else if (status & 0x7f) == 0 {
            ending = .exited((status >> 8) & 0xff)
        } else {
            ending = .signaled(status & 0x7f)
        }
        return ChildOutcome(ending: ending, wallSeconds: wall, cpuSeconds: cpu,
                            peakRSSBytes: usage.ru_maxrss * 1024, stderrTail: "")
    }

    /// The last `stderrTailBytes` of a file, as text.
    public static func tail(of url: URL) -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(stderrTailBytes) ? size - UInt64(stderrTailBytes) : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// "SIGSEGV", "SIGKILL", … for a signal number.
    public static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL",
                                      SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE",
                                      SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM",
                                      SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ"]
        return names[signal] ?? "signal \(signal)"
    }

    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() && seconds < 1e9 ? String(Int(seconds)) : String(format: "%.3g", seconds)
    }

    private static func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) * 1e-6 }
}
