import Datasets
import Foundation

/// Which machine a benchmark ran on, told apart by more than its host name.
///
/// `id` is the first 12 hex digits of SHA-256 over the operating system's machine id
/// (/etc/machine-id, else /var/lib/dbus/machine-id), the CPU model and the core count, so two
/// machines with the same host name get different ids, and new hardware under an old
/// installation gets a new one. Without a machine id file it hashes the host name, CPU model,
/// cores and memory instead (`idSource` says so). `--machine NAME` (or MBENCH_MACHINE_ID) names
/// a machine explicitly, e.g. a CI runner whose containers are new every time.
public struct MachineIdentity: Codable, Sendable, Equatable {
    public var id: String
    /// What `id` was derived from.
    public var idSource: String
    public var hostName: String
    public var cpuModel: String
    /// Logical processors.
    public var cores: Int
    /// Physical memory in bytes (nil when /proc/meminfo does not say).
    public var memoryBytes: Int?
    public var os: String

    public init(id: String, idSource: String, hostName: String, cpuModel: String, cores: Int, memoryBytes: Int?, os: String) {
        self.id = id; self.idSource = idSource; self.hostName = hostName; self.cpuModel = cpuModel
        self.cores = cores; self.memoryBytes = memoryBytes; self.os = os
    }

    /// Environment variable naming the machine (like `--machine`).
    public static let variable = "MBENCH_MACHINE_ID"

    /// This machine; `name` (or MBENCH_MACHINE_ID) replaces the derived id.
    public static func current(name: String? = nil) throws -> MachineIdentity {
        let host = ProcessInfo.processInfo.hostName
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = memoryBytes()
        let cpu = MachineFacts.cpuModel
        var identity = MachineIdentity(id: "", idSource: "", hostName: host, cpuModel: cpu, cores: cores,
                                       memoryBytes: memory, os: MachineFacts.operatingSystem)
        if let given = name ?? ProcessInfo.processInfo.environment[variable], !given.isEmpty {
            guard given.count <= 64, given.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw LabError.invalid("a machine name must be 1 to 64 letters, digits, '-', '_' or '.', got '\(given)'")
            }
            identity.id = given
            identity.idSource = name != nil ? "--machine" : variable
            return identity
        }
        for file in ["/etc/machine-id", "/var/lib/dbus/machine-id"] {
            if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                let machineID = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !machineID.isEmpty else { continue }
                identity.id = String(Checksum.sha256(text: "\(machineID)|\(cpu)|\(cores)").prefix(12))
                identity.idSource = "\(file), CPU model and cores"
                return identity
            }
        }
        identity.id = String(Checksum.sha256(text: "\(host)|\(cpu)|\(cores)|\(memory ?? 0)").prefix(12))
        identity.idSource = "host name, CPU model, cores and memory (no machine-id file)"
        return identity
    }

    /// MemTotal of /proc/meminfo in bytes.
    static func memoryBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kib = Int(fields[1]), kib > 0, kib < Int.max / 1024 { return kib * 1024 }
        }
        return nil
    }
}
