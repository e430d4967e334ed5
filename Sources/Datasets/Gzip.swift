import CZlib
import Foundation

/// Gzip (and zlib) decompression and compression through zlib, streaming.
public enum Gzip {
    /// True when `bytes` start with the gzip magic 1f 8b.
    public static func isGzip<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var it = bytes.makeIterator()
        return it.next() == 0x1F && it.next() == 0x8B
    }

    /// A streaming inflater: feed compressed blocks, receive decompressed blocks.
    /// Accepts gzip or zlib headers (windowBits 15 + 32) and concatenated gzip members.
    public final class Inflater {
        private var stream = z_stream()
        private var ended = false
        private var open = false
        private let path: String
        private var output = [UInt8](repeating: 0, count: 1 << 18)

        /// `path` names the source in error messages.
        public init(path: String) throws {
            self.path = path
            let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else { throw DatasetsError.gzip(path: path, detail: "inflateInit2 failed (\(status))") }
            open = true
        }

        deinit { if open { inflateEnd(&stream) } }

        /// Decompresses `input`, calling `sink` with each block of output (valid only during the call).
        public func feed(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
            guard input.count > 0, let base = input.baseAddress else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(input.count)
            while stream.avail_in > 0 {
                if ended {
                    // Another gzip member follows: start over. Anything else after the end is ignored (like gzip -d).
                    if stream.next_in.pointee != 0x1F { stream.avail_in = 0; break }
                    guard inflateReset(&stream) == Z_OK else { throw DatasetsError.gzip(path: path, detail: "inflateReset failed") }
                    ended = false
                }
                var status: Int32 = Z_OK
                repeat {
                    let produced: Int = try output.withUnsafeMutableBytes { out in
                        stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
                        stream.avail_out = uInt(out.count)
                        status = inflate(&stream, Z_NO_FLUSH)
                        let n = out.count - Int(stream.avail_out)
                        if n > 0 { try sink(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(out)[0..<n])) }
                        return n
                    }
                    switch status {
                    case Z_OK, Z_BUF_ERROR: break
                    case Z_STREAM_END: ended = true
                    default:
                        let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                        throw DatasetsError.gzip(path: path, detail: "corrupt compressed data: \(message)")
                    }
                    if status == Z_BUF_ERROR && produced == 0 { break }
                } while stream.avail_out == 0 && !ended
                if !ended && stream.avail_in > 0 && stream.avail_out > 0 {
                    throw DatasetsError.gzip(path: path, detail: "corrupt compressed data: inflate made no progress")
                }
            }
        }

        /// Throws when the input ended before the end of the compressed stream.
        public func finish() throws {
            guard ended else { throw DatasetsError.gzip(path: path, detail: "unexpected end of compressed data (truncated file)") }
        }
    }

    /// Decompresses a whole in-memory gzip (or zlib) buffer.
    public static func decompress(_ bytes: [UInt8], path: String = "<gzip>") throws -> [UInt8] {
        let inflater = try Inflater(path: path)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 4)
        try bytes.withUnsafeBytes { raw in
            try inflater.feed(raw) { out.append(contentsOf: $0) }
        }
        try inflater.finish()
        return out
    }

    /// Streams the file at `url` through the inflater in 1 MiB blocks; `sink` receives the output.
    public static func decompressFile(at url: URL, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw DatasetsError.io(path: url.path, detail: "cannot open for reading")
        }
        defer { try? handle.close() }
        let inflater = try Inflater(path: url.path)
        while true {
            let block: Data
            do { block = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw DatasetsError.io(path: url.path, detail: "read failed: \(error.localizedDescription)")
            }
            if block.isEmpty { break }
            try block.withUnsafeBytes { try inflater.feed($0, sink: sink) }
        }
        try inflater.finish()
    }

    /// Decompresses the gzip file at `url` into memory (the compressed bytes are read in blocks, never whole).
    public static func decompressFile(at url: URL, expectedSize: Int = 0) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(expectedSize)
        try decompressFile(at: url) { out.append(contentsOf: $0) }
        return out
    }

    /// Gzip-compresses `bytes` (deterministic: no file name or time stamp in the header).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        var status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw DatasetsError.gzip(path: "<memory>", detail: "deflateInit2 failed (\(status))") }
        defer { deflateEnd(&stream) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var input = bytes
        try input.withUnsafeMutableBytes { raw in
            stream.next_in = raw.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(raw.count)
            repeat {
                buffer.withUnsafeMutableBytes { b in
                    stream.next_out = b.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(b.count)
                    status = deflate(&stream, Z_FINISH)
                    out.append(contentsOf: b[0..<(b.count - Int(stream.avail_out))])
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw DatasetsError.gzip(path: "<memory>", detail: "deflate failed (\(status))")
                }
            } while status != Z_STREAM_END
        }
        return out
    }
}
