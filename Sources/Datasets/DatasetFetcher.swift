import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds registry files, verifies them and keeps them in the cache.
///
/// Sources are tried in order: the cache; the mirror (`MBENCH_MIRROR`: a directory or an
/// http(s) URL laid out as `<mirror>/<set>/<file>.gz`); system copies (e.g. Debian's
/// `dataset-fashion-mnist` under /usr/share/datasets/fashion-mnist/); the public URLs.
///
/// The cache holds the *decompressed* IDX payload `<cache>/<set>/<file>` plus a sidecar
/// `<file>.sha256` with the verified hash. Both are written through a temporary file and an
/// atomic rename only after the SHA-256 of the decompressed bytes matched the registry, so an
/// interrupted or corrupt download never leaves a file that looks valid. A later load trusts a
/// cached file whose size and sidecar match the registry (cheap); `verify` re-hashes it.
public struct DatasetFetcher: Sendable {
    /// Cache root; default `Datasets/cache` under the current directory (`MBENCH_CACHE` overrides).
    public var cacheDirectory: URL
    /// A directory path, `file://` URL or http(s) URL laid out like the public servers.
    public var mirror: String?
    /// Whether to look in the registry's system directories.
    public var useSystemCopies: Bool
    /// Whether to try the registry's public URLs.
    public var usePublicURLs: Bool
    /// Attempts per URL for transient failures (time-outs, dropped connections, HTTP 5xx).
    public var attempts: Int
    /// Delay before the first retry in seconds; doubled for each further retry.
    public var retryDelay: Double
    /// Seconds without any data before a request is abandoned.
    public var timeout: Double
    /// Draw a progress bar on standard error (default: when standard error is a terminal).
    public var showProgressBar: Bool

    public init(cacheDirectory: URL, mirror: String? = nil, useSystemCopies: Bool = true, usePublicURLs: Bool = true,
                attempts: Int = 3, retryDelay: Double = 1, timeout: Double = 60,
                showProgressBar: Bool = isatty(STDERR_FILENO) != 0) {
        self.cacheDirectory = cacheDirectory
        self.mirror = mirror
        self.useSystemCopies = useSystemCopies
        self.usePublicURLs = usePublicURLs
        self.attempts = max(1, attempts)
        self.retryDelay = retryDelay
        self.timeout = timeout
        self.showProgressBar = showProgressBar
    }

    /// The configuration from the environment: `MBENCH_CACHE` (default `./Datasets/cache`) and `MBENCH_MIRROR`.
    public static func fromEnvironment() -> DatasetFetcher {
        let env = ProcessInfo.processInfo.environment
        let cache = env["MBENCH_CACHE"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Datasets/cache")
        let mirror = env["MBENCH_MIRROR"].flatMap { $0.isEmpty ? nil : $0 }
        return DatasetFetcher(cacheDirectory: cache, mirror: mirror)
    }

    /// Where the verified decompressed payload of `file` lives in the cache.
    public func cachedURL(_ entry: DatasetRegistry.Entry, _ file: DatasetRegistry.File) -> URL {
        cacheDirectory.appendingPathComponent(entry.name).appendingPathComponent(file.name)
    }

    func sidecarURL(_ entry: DatasetRegistry.Entry, _ file: DatasetRegistry.File) -> URL {
        cacheDirectory.appendingPathComponent(entry.name).appendingPathComponent(file.name + ".sha256")
    }

    /// True when the cache holds `file` with the registry's size and a matching verification record.
    public func isCached(_ entry: DatasetRegistry.Entry, _ file: DatasetRegistry.File) -> Bool {
        let url = cachedURL(entry, file)
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: url.path),
              (attrs[.size] as? NSNumber)?.intValue == file.size,
              let record = try? String(contentsOf: sidecarURL(entry, file), encoding: .utf8) else { return false }
        return record.trimmingCharacters(in: .whitespacesAndNewlines) == file.sha256
    }

    /// A place a file may come from.
    public enum Source: Sendable, CustomStringConvertible {
        case directory(URL, kind: String)
        case remote(URL, kind: String)
        public var description: String {
            switch self {
            case let .directory(url, kind): return "\(kind) \(url.path)"
            case let .remote(url, kind): return "\(kind) \(url.absoluteString)"
            }
        }
    }

    /// The non-cache sources for `file`, in the order they are tried.
    public func sources(_ entry: DatasetRegistry.Entry, _ file: DatasetRegistry.File) -> [Source] {
        var out: [Source] = []
        if let mirror {
            if mirror.hasPrefix("http://") || mirror.hasPrefix("https://") {
                let base = mirror.hasSuffix("/") ? mirror : mirror + "/"
                if let url = URL(string: base + entry.mirrorFolder + "/" + file.servedName) { out.append(.remote(url, kind: "mirror")) }
            } else {
                let path = mirror.hasPrefix("file://") ? String(mirror.dropFirst(7)) : mirror
                out.append(.directory(URL(fileURLWithPath: path).appendingPathComponent(entry.mirrorFolder), kind: "mirror"))
            }
        }
        if useSystemCopies {
            for dir in entry.systemDirectories { out.append(.directory(URL(fileURLWithPath: dir), kind: "system copy")) }
        }
        if usePublicURLs {
            for base in entry.urls {
                if let url = URL(string: base + file.servedName) { out.append(.remote(url, kind: "public")) }
            }
        }
        return out
    }

    /// Makes sure the verified payload of `file` is in the cache and returns its location and source.
    /// - Throws: `checksumMismatch` (after discarding the file) when a source delivered wrong bytes and no
    ///   later source delivered good ones; `unavailable` listing every place tried otherwise.
    @discardableResult
    public func fetch(_ entry: DatasetRegistry.Entry, _ file: DatasetRegistry.File,
                      progress: ((String, Double) -> Void)? = nil) throws -> (url: URL, source: String) {
        let target = cachedURL(entry, file)
        if isCached(entry, file) { return (target, "cache \(target.path)") }
        var tried = ["cache \(target.path): not present"]
        var mismatch: DatasetsError? = nil
        for source in sources(entry, file) {
            do {
                switch source {
                case let .directory(dir, kind):
                    let candidates = [dir.appendingPathComponent(file.servedName), dir.appendingPathComponent(file.name)]
                    guard let found = candidates.first(where: { FileManager.default.isReadableFile(atPath: $0.path) }) else {
                        tried.append("\(source): no \(file.servedName) or \(file.name)")
                        continue
                    }
                    try install(from: found, entry, file, source: "\(kind) \(found.path)")
                case let .remote(url, _):
                    let temp = try AtomicFile.temporaryURL(besides: target.appendingPathExtension("gz"))
                    defer { try? FileManager.default.removeItem(at: temp) }
                    try download(url, to: temp, label: "\(entry.name)/\(file.servedName)", progress: progress)
                    try install(from: temp, entry, file, source: source.description)
                }
                return (target, source.description)
            } catch let error as DatasetsError {
                if case .checksumMismatch = error, mismatch == nil { mismatch = error }
                tried.append("\(source): \(error)")
            }
        }
        if let mismatch { throw mismatch }
        throw DatasetsError.unavailable(dataset: entry.name, file: file.servedName, tried: tried)
    }

    /// Re-hashes the cached payload of `file` (fetching it first if needed); a mismatch removes it.
    /// - Returns: the SHA-256 and where the file came from.
    public func verify(_ entry: DatasetRegistry.Entry, _ file: DatasetRegistry.File,
                       progress: ((String, Double) -> Void)? = nil) throws -> (sha256: String, source: String) {
        let (url, source) = try fetch(entry, file, progress: progress)
        let actual = try Checksum.sha256(fileAt: url)
        guard actual == file.sha256 else {
            try? FileManager.default.removeItem(at: url)
            try? FileManager.default.removeItem(at: sidecarURL(entry, file))
            throw DatasetsError.checksumMismatch(file: file.name, source: source, expected: file.sha256, actual: actual)
        }
        return (actual, source)
    }

    /// Decompresses (if gzip'd) `local` into a temporary file while hashing, checks size and SHA-256,
    /// then renames it into the cache and writes the verification record. Nothing is left on failure.
    func install(from local: URL, _ entry: DatasetRegistry.Entry, _ file: DatasetRegistry.File, source: String) throws {
        let target = cachedURL(entry, file)
        let temp = try AtomicFile.temporaryURL(besides: target)
        var committed = false
        defer { if !committed { try? FileManager.default.removeItem(at: temp) } }
        guard FileManager.default.createFile(atPath: temp.path, contents: nil),
              let out = try? FileHandle(forWritingTo: temp) else {
            throw DatasetsError.io(path: temp.path, detail: "cannot create temporary file in the cache")
        }
        var hasher = SHA256()
        var written = 0
        var writeError: Error? = nil
        let sink: (UnsafeRawBufferPointer) throws -> Void = { block in
            hasher.update(bufferPointer: block)
            written += block.count
            if written > file.size + (1 << 20) {
                throw DatasetsError.sizeMismatch(path: source, detail: "payload exceeds the expected \(file.size) bytes")
            }
            do { try out.write(contentsOf: Data(block)) } catch { writeError = error; throw DatasetsError.io(path: temp.path, detail: "\(error)") }
        }
        do {
            let handle = try? FileHandle(forReadingFrom: local)
            let prefix = (try? handle?.read(upToCount: 2)) ?? nil
            try? handle?.close()
            if let prefix, Gzip.isGzip(prefix) {
                try Gzip.decompressFile(at: local, sink: sink)
            } else {
                guard let input = try? FileHandle(forReadingFrom: local) else {
                    throw DatasetsError.io(path: local.path, detail: "cannot open for reading")
                }
                defer { try? input.close() }
                while let block = try input.read(upToCount: 1 << 20), !block.isEmpty {
                    try block.withUnsafeBytes { try sink($0) }
                }
            }
            try out.close()
        } catch let error as DatasetsError {
            try? out.close()
            throw error
        } catch {
            try? out.close()
            throw DatasetsError.io(path: local.path, detail: "\(writeError ?? error)")
        }
        let actual = Checksum.hex(hasher.finalize())
        guard actual == file.sha256, written == file.size else {
            throw DatasetsError.checksumMismatch(file: file.name, source: source, expected: file.sha256, actual: actual)
        }
        try AtomicFile.commit(temp, to: target)
        committed = true
        try AtomicFile.write(Array((file.sha256 + "\n").utf8), to: sidecarURL(entry, file))
    }
}
