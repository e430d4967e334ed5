import Foundation
import Linalg

/// Where and how a result was produced, stored in every record.
public struct Provenance: Codable, Sendable {
    /// SHA-256 of the spec file's bytes.
    public var specHash: String
    /// Git commit of the project's source tree, or "unknown".
    public var gitCommit: String
    /// mbench version.
    public var toolVersion: String
    /// Operating system (kernel name, release, machine).
    public var os: String
    /// CPU model name.
    public var cpuModel: String
    /// Worker threads used.
    public var threadCount: Int
    /// Checksum of the data the task ran on.
    public var dataChecksum: String
    /// When the task started (ISO 8601, UTC).
    public var startedAt: String
    /// BLAS core type, FFT path and libm of the process, and whether the result is bit-identical
    /// across x86-64 CPUs (nil in records written before this was recorded).
    public var numerics: NumericEnvironment?

    /// The version of the tool, reported in records and `mbench --version`.
    public static let toolVersion = "0.1.0"

    /// Provenance for a task starting now.
    public static func current(specHash: String, dataChecksum: String) -> Provenance {
        Provenance(specHash: specHash, gitCommit: MachineFacts.gitCommit, toolVersion: toolVersion,
                   os: MachineFacts.operatingSystem, cpuModel: MachineFacts.cpuModel,
                   threadCount: Parallel.threadCount, dataChecksum: dataChecksum,
                   startedAt: Timestamp.now(), numerics: .current)
    }
}

/// Times of day as records store them.
public enum Timestamp {
    /// The current UTC time in ISO 8601 ("2026-12-02T01:30:00Z"). Formatted with `strftime`: a
    /// Foundation date formatter loads ICU's data, a visible cost in every worker's start.
    public static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Facts about this machine and checkout, read once.
public enum MachineFacts {
    /// Environment variable through which `mbench run` hands its commit to its workers (so each
    /// worker does not start git twice).
    static let gitCommitVariable = "MBENCH_GIT_COMMIT"

    /// `git rev-parse HEAD` of the current directory's checkout (with "-dirty" if modified), or "unknown".
    public static let gitCommit: String = {
        if let inherited = ProcessInfo.processInfo.environment[gitCommitVariable], !inherited.isEmpty { return inherited }
        guard let head = run("/usr/bin/env", ["git", "rev-parse", "HEAD"]), !head.isEmpty else { return "unknown" }
        let status = run("/usr/bin/env", ["git", "status", "--porcelain", "--untracked-files=no"]) ?? ""
        return status.isEmpty ? head : head + "-dirty"
    }()

    /// Kernel name, release and machine, as `uname -srm`.
    public static let operatingSystem: String = {
        var info = utsname()
        uname(&info)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        return "\(field(info.sysname)) \(field(info.release)) \(field(info.machine))"
    }()

    /// The CPU's model name from /proc/cpuinfo, or "unknown".
    public static let cpuModel: String = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }()

    private static func run(_ tool: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Resets the peak-RSS span (`Clock.resetPeakRSS`) so the next reading is the peak of what follows.
    /// Returns false where that is not supported.
    @discardableResult
    public static func resetPeakRSS() -> Bool {
        Clock.resetPeakRSS()
    }
}
