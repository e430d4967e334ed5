import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that readers never see a partial one, even after a crash or power loss:
/// bytes go to a temporary file in the destination directory, which is flushed (`fsync`),
/// renamed over the target, and then the directory itself is flushed so the rename is
/// durable. The one implementation of atomic writing: the data-set cache, the result
/// store (`Lab.ResultStore`) and every report writer go through it.
public enum AtomicFile {
    /// Writes `bytes` to `url` atomically; the parent directory is created when
    /// `createDirectory` is true (the default), otherwise a missing one is an error.
    public static func write(_ bytes: [UInt8], to url: URL, createDirectory: Bool = true) throws {
        try write(Data(bytes), to: url, createDirectory: createDirectory)
    }

    /// Writes `data` to `url` atomically (see `write(_:to:createDirectory:)`).
    public static func write(_ data: Data, to url: URL, createDirectory: Bool = true) throws {
        let temp = try temporaryURL(besides: url, createDirectory: createDirectory)
        guard FileManager.default.createFile(atPath: temp.path, contents: data, attributes: nil) else {
            throw DatasetsError.io(path: url.path, detail: "cannot create temporary file \(temp.lastPathComponent)")
        }
        try commit(temp, to: url)
    }

    /// A fresh temporary file name in the directory of `url` (the directory is created unless
    /// `createDirectory` is false). The name starts with "." and ends in `.tmp`, so an
    /// interrupted write never looks like a finished file (see `isTemporary`).
    public static func temporaryURL(besides url: URL, createDirectory: Bool = true) throws -> URL {
        let dir = url.deletingLastPathComponent()
        if createDirectory {
            do {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            } catch {
                throw DatasetsError.io(path: dir.path, detail: "cannot create directory: \(error.localizedDescription)")
            }
        }
        let unique = "\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0 ... .max))"
        return dir.appendingPathComponent(".\(url.lastPathComponent).\(unique).tmp")
    }

    /// Whether a file name is one of our temporary names (left behind by an interrupted write).
    public static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && name.hasSuffix(".tmp")
    }

    /// Flushes `temp` to disk, renames it to `url` (replacing any existing file) and flushes
    /// the directory so that the rename survives a power loss.
    public static func commit(_ temp: URL, to url: URL) throws {
        flush(temp.path)
        if rename(temp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw DatasetsError.io(path: url.path, detail: "cannot rename temporary file into place: \(reason)")
        }
        flush(url.deletingLastPathComponent().path)
    }

    /// `fsync` of a file or directory (best effort: a file system without it still gets the rename).
    private static func flush(_ path: String) {
        let fd = open(path, O_RDONLY)
        if fd >= 0 { _ = fsync(fd); _ = close(fd) }
    }
}
