import Datasets
import Foundation

/// Submits a `ScaleOutPlan` to Slurm: writes the scripts of `SlurmScripts` and the submission
/// token into the plan's work folder, submits the job array, then the merge job depending on it
/// (`afterok`), and records both job ids in `<work folder>/jobs.json`.
public struct SlurmSubmission: Sendable {
    /// Job ids as `sbatch --parsable` printed them.
    public var arrayJob: String
    public var mergeJob: String
    /// Paths of the scripts submitted.
    public var arrayScript: URL
    public var mergeScript: URL

    /// The scheduler's command-line tools, found on `PATH` (tests may point elsewhere).
    public struct Tools: Sendable {
        public var sbatch: String
        public var squeue: String
        public var scancel: String
        public init(sbatch: String = "sbatch", squeue: String = "squeue", scancel: String = "scancel") {
            self.sbatch = sbatch; self.squeue = squeue; self.scancel = scancel
        }
    }

    /// Writes the scripts and submits both jobs from `directory` (the jobs start there).
    /// - Throws: `LabError` when sbatch is missing or fails; if the merge job cannot be submitted
    ///   after the array was, the message says how to submit it by hand (nothing is cancelled).
    public static func submit(_ plan: ScaleOutPlan, tools: Tools = Tools(),
                              directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    throws -> SlurmSubmission {
        guard let sbatch = CommandLookup.find(tools.sbatch) else {
            throw LabError.io("'\(tools.sbatch)' is not on PATH: this machine cannot submit Slurm jobs (install slurm-client or run on a login node); nothing was submitted. `--dry-run` prints the scripts.")
        }
        let work = URL(fileURLWithPath: plan.workFolder, relativeTo: directory).standardizedFileURL
        let logs = URL(fileURLWithPath: plan.logFolder, relativeTo: directory).standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        } catch {
            throw LabError.io("cannot create \(logs.path): \(error.localizedDescription); nothing was submitted")
        }
        let arrayScript = work.appendingPathComponent("array.sh"), mergeScript = work.appendingPathComponent("merge.sh")
        let token = UUID().uuidString
        try AtomicFile.write(Data(SlurmScripts.array(plan).utf8), to: arrayScript)
        try AtomicFile.write(Data(SlurmScripts.merge(plan).utf8), to: mergeScript)
        try AtomicFile.write(Data(token.utf8), to: URL(fileURLWithPath: plan.tokenFile, relativeTo: directory))
        let export = "--export=ALL,\(ScaleOutPlan.tokenVariable)=\(token)"
        let array = try CommandLookup.run(sbatch, ["--parsable", export, arrayScript.path], in: directory)
        guard array.status == 0, let arrayID = jobID(array.stdout) else {
            throw LabError.io("sbatch refused the job array (exit \(array.status)): \(array.stderr.trimmingCharacters(in: .whitespacesAndNewlines)); nothing was submitted. Scripts: \(arrayScript.path)")
        }
        let merge = try CommandLookup.run(sbatch, ["--parsable", export, "--dependency=afterok:\(arrayID)",
                                                   "--kill-on-invalid-dep=yes", mergeScript.path], in: directory)
        guard merge.status == 0, let mergeID = jobID(merge.stdout) else {
            throw LabError.io("the job array \(arrayID) was submitted, but sbatch refused the merge job (exit \(merge.status)): \(merge.stderr.trimmingCharacters(in: .whitespacesAndNewlines)). Submit it by hand: \(ScaleOutPlan.tokenVariable)=\(token) sbatch --dependency=afterok:\(arrayID) \(mergeScript.path)")
        }
        let submission = SlurmSubmission(arrayJob: arrayID, mergeJob: mergeID, arrayScript: arrayScript, mergeScript: mergeScript)
        let record: [String: String] = ["arrayJob": arrayID, "mergeJob": mergeID, "submittedAt": Timestamp.now(),
                                        "spec": plan.specPath, "shards": String(plan.shards)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(record), to: work.appendingPathComponent("jobs.json"))
        return submission
    }

    /// "1234" or "1234;cluster" → "1234".
    static func jobID(_ output: String) -> String? {
        let first = output.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let id = first.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return !id.isEmpty && id.allSatisfy({ $0.isASCII && $0.isNumber }) ? id : nil
    }

    /// The jobs of this submission still in the queue, as "id state reason" lines
    /// (array tasks appear as "1234_0", pending ones as "1234_[1-3]").
    public func queued(tools: Tools = Tools()) throws -> [String] {
        guard let squeue = CommandLookup.find(tools.squeue) else {
            throw LabError.io("'\(tools.squeue)' is not on PATH: cannot follow the jobs \(arrayJob) and \(mergeJob)")
        }
        let result = try CommandLookup.run(squeue, ["-h", "-j", "\(arrayJob),\(mergeJob)", "-o", "%i %T %r"])
        // squeue exits non-zero for job ids it no longer knows: they have left the queue.
        if result.status != 0 {
            if result.stderr.contains("Invalid job id") { return [] }
            throw LabError.io("squeue failed (exit \(result.status)): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)); the jobs \(arrayJob) and \(mergeJob) may still run")
        }
        return result.stdout.split(whereSeparator: \.isNewline).map(String.init)
    }

    /// Cancels the merge job (when its dependency can never be met).
    public func cancelMerge(tools: Tools = Tools()) {
        if let scancel = CommandLookup.find(tools.scancel) { _ = try? CommandLookup.run(scancel, [mergeJob]) }
    }
}

/// Finding and running the scheduler's tools.
enum CommandLookup {
    /// `name` itself when it contains a "/", else the first executable of that name on PATH.
    static func find(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = String(folder) + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `tool` with `arguments`, returning its exit status and output.
    static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        // Standard error goes to a file, so neither stream can block the other.
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let out = Pipe()
        let err = try FileHandle(forWritingTo: errURL)
        defer { try? err.close() }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw LabError.io("cannot start \(tool): \(error.localizedDescription)") }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errData = FileManager.default.contents(atPath: errURL.path) ?? Data()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
