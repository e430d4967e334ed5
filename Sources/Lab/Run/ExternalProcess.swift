import Datasets
import Embedding
import Foundation
import Linalg
#if canImport(Glibc)
import Glibc
#endif

/// Why an external (reference) implementation could not run.
public enum ExternalToolError: Error, CustomStringConvertible, Sendable {
    /// The interpreter or program is not installed.
    case programMissing(program: String, hint: String)
    /// The adapter reported a missing Python package.
    case packageMissing(package: String, install: String)
    /// The command exited with a non-zero status.
    case failed(command: String, status: Int32, stderr: String)
    /// The command ran longer than allowed.
    case timedOut(command: String, seconds: Double)
    /// The output file is missing or has the wrong shape.
    case badOutput(String)
    /// A parameter or the adapter folder is wrong.
    case invalid(String)

    public var description: String {
        switch self {
        case .programMissing(let program, let hint): return "\(program) not found; \(hint)"
        case .packageMissing(let package, let install): return "Python package '\(package)' is missing; run: \(install)"
        case .failed(let command, let status, let stderr):
            return "external command failed with status \(status): \(command)\n\(stderr)"
        case .timedOut(let command, let seconds): return "external command ran longer than \(Int(seconds)) s: \(command)"
        case .badOutput(let message): return message
        case .invalid(let message): return message
        }
    }
}

/// Runs an external embedding program on a matrix through files.
///
/// The input is written as `input.npy` (float32, n × d) and, if there are labels,
/// `labels.npy` (int64) in a fresh temporary folder; the program writes
/// `output.npy` (n × c). If its standard output contains a JSON line with
/// `"phases": [{"name", "wall", "cpu"}, …]` those phases are recorded, and the
/// rest of the process time is recorded as phase `startup` (interpreter start,
/// imports). A JSON line with `"error": "missing_package"` becomes
/// `ExternalToolError.packageMissing`. Thread-count variables (OMP, OpenBLAS,
/// MKL, Numba) are set to `Parallel.threadCount` so references use the same cores.
public struct ExternalProcess: Sendable {
    /// Arguments for `/usr/bin/env` (the program first), or a shell command line when `shell` is true.
    public var arguments: [String]
    public var shell: Bool
    public var timeoutSeconds: Double
    /// Expected output columns (nil = any).
    public var expectedColumns: Int?

    public init(arguments: [String], shell: Bool = false, timeoutSeconds: Double = 3600, expectedColumns: Int?) {
        self.arguments = arguments
        self.shell = shell
        self.timeoutSeconds = timeoutSeconds
        self.expectedColumns = expectedColumns
    }

    /// Placeholders a command template may use: {input} {output} {labels} {workdir} {seed} {n} {d} {threads}
    /// and {n_components}.
    public static let placeholders = ["input", "output", "labels", "workdir", "seed", "n", "d", "threads", "n_components"]

    /// Files of one run.
    public struct Files: Sendable {
        public var workdir: URL
        public var input: URL { workdir.appendingPathComponent("input.npy") }
        public var output: URL { workdir.appendingPathComponent("output.npy") }
        public var labels: URL { workdir.appendingPathComponent("labels.npy") }
    }

    /// Runs the program: `makeArguments` receives the files and returns the final arguments.
    public static func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, expectedColumns: Int?, timeoutSeconds: Double,
                           shell: Bool, makeArguments: (Files) -> [String]) throws -> EmbeddingResult {
        let workdir = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-external-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: workdir, withIntermediateDirectories: true) } catch {
            throw ExternalToolError.invalid("cannot create a temporary folder: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: workdir) }
        let files = Files(workdir: workdir)
        try NPY.write(data, to: files.input)
        if let labels { try NPY.write(labels: labels, to: files.labels) }
        let arguments = makeArguments(files)
        let commandText = shell ? arguments.joined(separator: " ") : arguments.joined(separator: " ")
        let outcome = try run(arguments, shell: shell, workdir: workdir, timeoutSeconds: timeoutSeconds)
        let report = AdapterReport(stdout: outcome.stdout)
        if let missing = report.missingPackage {
            throw ExternalToolError.packageMissing(package: missing.package, install: missing.install)
        }
        guard outcome.status == 0 else {
            if outcome.status == 127 {
                throw ExternalToolError.programMissing(
                    program: arguments.first ?? "program",
                    hint: "install it (Python: apt-get install python3, or set MBENCH_PYTHON) — \(outcome.stderr.suffix(300))")
            }
            throw ExternalToolError.failed(command: commandText, status: outcome.status,
                                           stderr: String((report.error.map { $0 + "\n" } ?? "") + outcome.stderr.suffix(2000)))
        }
        guard FileManager.default.fileExists(atPath: files.output.path) else {
            throw ExternalToolError.badOutput("external command wrote no \(files.output.lastPathComponent): \(commandText)")
        }
        let embedding = try NPY.readMatrix(from: files.output)
        guard embedding.rows == data.rows else {
            throw ExternalToolError.badOutput("external output has \(embedding.rows) rows for \(data.rows) input points")
        }
        if let c = expectedColumns, embedding.cols != c {
            throw ExternalToolError.badOutput("external output has \(embedding.cols) columns, expected n_components = \(c)")
        }
        var phases: [PhaseTiming] = []
        let reportedWall = report.phases.reduce(0) { $0 + $1.wallSeconds }
        let reportedCPU = report.phases.reduce(0) { $0 + $1.cpuSeconds }
        phases.append(PhaseTiming(name: "startup", wallSeconds: max(0, outcome.wallSeconds - reportedWall),
                                  cpuSeconds: max(0, outcome.cpuSeconds - reportedCPU)))
        phases += report.phases
        var diagnostics = ["process_wall_seconds": outcome.wallSeconds, "process_cpu_seconds": outcome.cpuSeconds,
                           "process_wait4_peak_rss_bytes": Double(outcome.peakRSSBytes)]
        // The reference's own peak: what the adapter read of its own address space (VmHWM) when it
        // reports it, else wait4's, which the kernel floors at this process's high-water mark at
        // spawn (see `ChildProcess`).
        // The adapter's number is program output: used only when it is a plausible byte count.
        let reported = report.diagnostics["reference_own_peak_rss_bytes"].flatMap { $0 >= 0 && $0 <= 0x1p50 ? $0 : nil }
        diagnostics[referencePeakRSSDiagnostic] = reported ?? Double(outcome.peakRSSBytes)
        if let fit = report.phases.first(where: { $0.name == "fit" }) {
            diagnostics["reference_fit_seconds"] = fit.wallSeconds
            diagnostics["reference_fit_cpu_seconds"] = fit.cpuSeconds
        }
        diagnostics.merge(report.diagnostics) { ours, _ in ours }
        return EmbeddingResult(embedding: embedding, phases: phases, diagnostics: diagnostics, warnings: report.warnings)
    }

    /// Runs a process with outputs captured in files, in its own process group; a time limit kills
    /// the group. Returns status, outputs, and the process's own wall, CPU and peak RSS (from `wait4`).
    static func run(_ arguments: [String], shell: Bool, workdir: URL,
                    timeoutSeconds: Double) throws -> (status: Int32, stdout: String, stderr: String, wallSeconds: Double,
                                                       cpuSeconds: Double, peakRSSBytes: Int) {
        let executable = shell ? "/bin/sh" : "/usr/bin/env"
        let argv = shell ? ["-c", arguments.joined(separator: " ")] : arguments
        var environment = ProcessInfo.processInfo.environment
        let threads = String(Parallel.threadCount)
        for name in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"] {
            environment[name] = threads
        }
        let outURL = workdir.appendingPathComponent("stdout.txt"), errURL = workdir.appendingPathComponent("stderr.txt")
        let outcome: ChildOutcome
        do {
            outcome = try ChildProcess.run(executable: executable, arguments: argv, environment: environment,
                                           stdout: outURL, stderr: errURL, timeoutSeconds: timeoutSeconds)
        } catch {
            throw ExternalToolError.programMissing(program: executable, hint: "\(error)")
        }
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        let status: Int32
        switch outcome.ending {
        case .exited(let code): status = code
        case .signaled(let signal):
            throw ExternalToolError.failed(command: arguments.joined(separator: " "), status: 128 + signal,
                                           stderr: "\(outcome.ending)\n" + String(stderr.suffix(2000)))
        case .timedOut:
            throw ExternalToolError.timedOut(command: arguments.joined(separator: " "), seconds: timeoutSeconds)
        }
        return (status, stdout, stderr, outcome.wallSeconds, outcome.cpuSeconds, outcome.peakRSSBytes)
    }

    /// User + system CPU seconds of all waited-for child processes (a reference the fit started is
    /// part of the fit's CPU time).
    static func childCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
    }

    /// Quotes a word for /bin/sh.
    public static func shellQuoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// Name of the diagnostic holding the reference process's own peak RSS in bytes (from `wait4`).
public let referencePeakRSSDiagnostic = "reference_peak_rss_bytes"

/// What an adapter printed on standard output (its last JSON object line wins).
struct AdapterReport {
    var phases: [PhaseTiming] = []
    var warnings: [String] = []
    /// Scalar diagnostics the adapter reports (for example openTSNE's KL divergence).
    var diagnostics: [String: Double] = [:]
    var error: String?
    var missingPackage: (package: String, install: String)?

    init(stdout: String) {
        for line in stdout.split(separator: "\n").reversed() {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("{"), let data = text.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
            for item in object["phases"] as? [[String: Any]] ?? [] {
                guard let name = item["name"] as? String, let wall = item["wall"] as? Double else { continue }
                phases.append(PhaseTiming(name: name, wallSeconds: wall, cpuSeconds: item["cpu"] as? Double ?? wall))
            }
            warnings = object["warnings"] as? [String] ?? []
            for (name, value) in object["diagnostics"] as? [String: Any] ?? [:] {
                if let number = value as? Double { diagnostics[name] = number }
            }
            if let message = object["error"] as? String {
                if message == "missing_package" {
                    let package = object["package"] as? String ?? "?"
                    missingPackage = (package, object["install"] as? String ?? "pip install \(package)")
                } else {
                    error = message
                }
            }
            return
        }
    }
}
