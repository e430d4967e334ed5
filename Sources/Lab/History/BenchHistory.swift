import Datasets
import Foundation

/// A benchmark history folder: `runs/` holds one JSON file per `mbench bench --history` run,
/// each written atomically (`AtomicFile`), so an interrupted run leaves at most a temporary
/// file and never a half-written entry in place of a good one. Nothing is ever rewritten or
/// deleted: a file that cannot be read (another format, damaged, left by an interrupted
/// write) is reported and left as it is.
public struct BenchHistory: Sendable {
    public let folder: URL
    public var runsFolder: URL { folder.appendingPathComponent("runs", isDirectory: true) }

    public init(folder: URL) { self.folder = folder }

    /// What `load` read, and what it could not.
    public struct Contents: Sendable {
        public var entries: [HistoryEntry]
        /// One message per file not read, and per inconsistency (a machine id used by different hardware).
        public var problems: [String]
    }

    /// Adds `entry` as a new file; returns its URL.
    @discardableResult
    public func append(_ entry: HistoryEntry) throws -> URL {
        let stamp = entry.recordedAt.filter { $0.isNumber }
        let commit = String(entry.commit.prefix(12)).filter { $0.isLetter || $0.isNumber }
        let name = "\(stamp)-\(commit.isEmpty ? "unknown" : commit)-\(entry.machine.id)-\(UInt32.random(in: 0 ... .max)).json"
        let url = runsFolder.appendingPathComponent(name)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(entry) } catch { throw LabError.io("cannot encode history entry: \(error)") }
        do { try AtomicFile.write(data, to: url) } catch { throw LabError.io("cannot add to the history \(folder.path): \(error)") }
        return url
    }

    /// Every readable entry, oldest file first, with a message for each file not read.
    /// - Throws: when the folder holds no history at all.
    public func load() throws -> Contents {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runsFolder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw LabError.io("\(folder.path) is not a benchmark history (no runs/ folder in it); `mbench bench SPEC --history \(folder.path)` starts one")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: runsFolder.path).sorted() } catch {
            throw LabError.io("cannot read \(runsFolder.path): \(error.localizedDescription)")
        }
        var contents = Contents(entries: [], problems: [])
        struct FormatOnly: Decodable { var format: Int? }
        for name in names {
            let url = runsFolder.appendingPathComponent(name)
            if AtomicFile.isTemporary(name) {
                contents.problems.append("\(url.path): left by an interrupted write (not read; remove it when no mbench bench is running)")
                continue
            }
            guard name.hasSuffix(".json") else { continue }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                contents.problems.append("\(url.path): cannot be read (left as it is)")
                continue
            }
            let format = (try? JSONDecoder().decode(FormatOnly.self, from: data))?.format
            if let format, format != HistoryEntry.currentFormat {
                contents.problems.append("\(url.path): history format \(format), this mbench reads format \(HistoryEntry.currentFormat) (\(format < HistoryEntry.currentFormat ? "written by an older" : "written by a newer") mbench; left as it is)")
                continue
            }
            do {
                contents.entries.append(try JSONDecoder().decode(HistoryEntry.self, from: data))
            } catch {
                let reason = format == nil ? "not a history entry, or cut short" : "incomplete or damaged"
                contents.problems.append("\(url.path): \(reason) (\(Self.describe(error))); left as it is")
            }
        }
        var hardware: [String: MachineIdentity] = [:]
        for entry in contents.entries {
            let m = entry.machine
            if let seen = hardware[m.id], seen.cpuModel != m.cpuModel || seen.cores != m.cores {
                contents.problems.append("machine id \(m.id) names different hardware (\(seen.cpuModel), \(seen.cores) cores and \(m.cpuModel), \(m.cores) cores): give each machine its own --machine name")
                hardware[m.id] = m
            } else if hardware[m.id] == nil {
                hardware[m.id] = m
            }
        }
        return contents
    }

    /// A decoding error in one line.
    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return "invalid JSON: \(context.debugDescription)"
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "\(error)"
        }
    }
}
