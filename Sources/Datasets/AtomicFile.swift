import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that readers never see a partial one: bytes go to a temporary
/// file in the destination directory, which is flushed and then renamed over the target.
public enum AtomicFile {
    /// Writes `bytes` to `url` atomically, creating the parent directory if needed.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let temp = try temporaryURL(besides: url)
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            FileManager.default.createFile(atPath: temp.path, contents: Data(raw), attributes: nil)
        }
        guard ok else { throw DatasetsError.io(path: temp.path, detail: "cannot create temporary file") }
        try commit(temp, to: url)
    }

    /// A fresh temporary file name in the directory of `url` (the directory is created).
    /// The name ends in `.tmp`, so an interrupted write never looks like a finished file.
    public static func temporaryURL(besides url: URL) throws -> URL {
        let dir = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw DatasetsError.io(path: dir.path, detail: "cannot create directory: \(error.localizedDescription)")
        }
        let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0 ... .max))"
        return dir.appendingPathComponent(".\(url.lastPathComponent).\(unique).tmp")
    }

    /// Flushes `temp` to disk and renames it to `url` (replacing any existing file).
    public static func commit(_ temp: URL, to url: URL) throws {
        let fd = open(temp.path, O_RDONLY)
        if fd >= 0 { _ = fsync(fd); _ = close(fd) }
        if rename(temp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw DatasetsError.io(path: url.path, detail: "cannot rename temporary file into place: \(reason)")
        }
    }
}
