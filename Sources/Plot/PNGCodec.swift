import CPNG
import Foundation

/// PNG encoding and decoding through libpng.
///
/// Encoding is deterministic: no tIME chunk, metadata sorted by key, fixed zlib
/// level and filter set, so identical pixels and metadata give identical bytes.
public enum PNGCodec {
    /// zlib compression level used for every PNG (0–9).
    public static let compressionLevel: Int32 = 6

    /// Encodes 8-bit pixels (`channels` = 3 for RGB, 4 for RGBA; rows top first) as PNG bytes.
    /// `metadata` becomes tEXt chunks (iTXt for values outside Latin-1), in key order.
    /// - Throws: `PlotError.invalidMetadataKey`, `PlotError.shapeMismatch`, `PlotError.png`.
    public static func encode(width: Int, height: Int, channels: Int, pixels: [UInt8],
                              metadata: [String: String] = [:]) throws -> [UInt8] {
        guard channels == 3 || channels == 4 else { throw PlotError.shapeMismatch("PNG channels must be 3 or 4, got \(channels)") }
        guard width > 0, height > 0, pixels.count == width * height * channels else {
            throw PlotError.shapeMismatch("PNG pixel buffer has \(pixels.count) bytes, expected \(width)×\(height)×\(channels)")
        }
        let keys = metadata.keys.sorted()
        for key in keys where !isValidKeyword(key) { throw PlotError.invalidMetadataKey(key) }

        guard let png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nil, nil, nil) else {
            throw PlotError.png("png_create_write_struct failed")
        }
        var pngOpt: png_structp? = png
        guard let info = png_create_info_struct(png) else {
            png_destroy_write_struct(&pngOpt, nil)
            throw PlotError.png("png_create_info_struct failed")
        }
        var infoOpt: png_infop? = info
        defer { png_destroy_write_struct(&pngOpt, &infoOpt) }

        let sink = ByteSink()
        let writeFn: @convention(c) (png_structp?, png_bytep?, Int) -> Void = { p, data, length in
            guard let p, let data, let io = png_get_io_ptr(p) else { return }
            let box = Unmanaged<ByteSink>.fromOpaque(io).takeUnretainedValue()
            box.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
        }
        let flushFn: @convention(c) (png_structp?) -> Void = { _ in }
        png_set_write_fn(png, Unmanaged.passUnretained(sink).toOpaque(), writeFn, flushFn)
        png_set_compression_level(png, compressionLevel)
        png_set_filter(png, 0, 0xF8)  // PNG_ALL_FILTERS: none|sub|up|avg|paeth, chosen per row (deterministic)
        png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 8,
                     channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT)

        // Text chunks: C strings must outlive png_set_text, which copies them.
        var cStrings: [UnsafeMutablePointer<CChar>] = []
        defer { cStrings.forEach { $0.deallocate() } }
        func dup(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
            let m = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            for (i, b) in bytes.enumerated() { m[i] = CChar(bitPattern: b) }
            m[bytes.count] = 0
            cStrings.append(m)
            return m
        }
        var texts: [png_text] = []
        for key in keys {
            let value = metadata[key] ?? ""
            var t = png_text()
            t.key = dup(latin1(key) ?? [])
            if let l1 = latin1(value), !value.contains("\0") {
                t.compression = PNG_TEXT_COMPRESSION_NONE
                t.text = dup(l1)
                t.text_length = l1.count
            } else {
                let utf8 = Array(value.utf8).filter { $0 != 0 }
                t.compression = PNG_ITXT_COMPRESSION_NONE
                t.text = dup(utf8)
                t.text_length = 0
                t.itxt_length = utf8.count
                t.lang = dup([])
                t.lang_key = dup([])
            }
            texts.append(t)
        }
        if !texts.isEmpty { png_set_text(png, info, &texts, Int32(texts.count)) }

        png_write_info(png, info)
        let stride = width * channels
        pixels.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            for y in 0..<height {
                png_write_row(png, base + y * stride)
            }
        }
        png_write_end(png, info)
        return sink.bytes
    }

    /// Decodes PNG bytes to 8-bit RGBA (rows top first) through libpng's simplified API.
    public static func decodeRGBA(_ data: [UInt8]) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        let ok = data.withUnsafeBytes { raw in
            png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count)
        }
        guard ok != 0 else { throw PlotError.png("cannot read PNG header: \(message(&image))") }
        image.format = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)  // PNG_FORMAT_RGBA
        let w = Int(image.width), h = Int(image.height)
        var out = [UInt8](repeating: 0, count: w * h * 4)
        let done = data.withUnsafeBytes { _ in
            out.withUnsafeMutableBytes { dst in
                png_image_finish_read(&image, nil, dst.baseAddress, Int32(w * 4), nil)
            }
        }
        guard done != 0 else { throw PlotError.png("cannot decode PNG: \(message(&image))") }
        png_image_free(&image)
        return (w, h, out)
    }

    /// Reads the tEXt/iTXt chunks of PNG bytes (for provenance checks and tests).
    public static func textChunks(_ data: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        var pos = 8
        while pos + 12 <= data.count {
            let len = Int(data[pos]) << 24 | Int(data[pos + 1]) << 16 | Int(data[pos + 2]) << 8 | Int(data[pos + 3])
            let type = String(decoding: data[(pos + 4)..<(pos + 8)], as: UTF8.self)
            let start = pos + 8, end = start + len
            guard end + 4 <= data.count else { break }
            let body = Array(data[start..<end])
            if type == "tEXt", let z = body.firstIndex(of: 0) {
                let key = String(body[..<z].map { Character(Unicode.Scalar($0)) })
                result[key] = String(body[(z + 1)...].map { Character(Unicode.Scalar($0)) })
            } else if type == "iTXt", let z = body.firstIndex(of: 0) {
                let key = String(body[..<z].map { Character(Unicode.Scalar($0)) })
                // keyword \0 flag method lang \0 translated \0 text
                var i = z + 3
                var zeros = 0
                while i < body.count && zeros < 2 { if body[i] == 0 { zeros += 1 }; i += 1 }
                result[key] = String(decoding: body[min(i, body.count)...], as: UTF8.self)
            }
            pos = end + 4
        }
        return result
    }

    /// Writes `bytes` to `url` atomically: a temporary file in the same folder, then rename.
    /// - Throws: `PlotError.cannotWrite` with the reason (missing folder, permission, ...).
    public static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let path = url.path
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw PlotError.cannotWrite(path: path, reason: "folder '\(dir)' does not exist")
        }
        let tmp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        guard let f = fopen(tmp, "wb") else {
            throw PlotError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        let closeFailed = fclose(f) != 0
        if written != bytes.count || closeFailed {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw PlotError.cannotWrite(path: path, reason: reason)
        }
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw PlotError.cannotWrite(path: path, reason: reason)
        }
    }

    /// True for a valid PNG tEXt keyword: 1–79 Latin-1 printable characters, no leading, trailing or double spaces.
    public static func isValidKeyword(_ key: String) -> Bool {
        guard let bytes = latin1(key), (1...79).contains(bytes.count) else { return false }
        guard bytes.allSatisfy({ (32...126).contains($0) || (161...255).contains($0) }) else { return false }
        if bytes.first == 32 || bytes.last == 32 { return false }
        return !key.contains("  ")
    }

    static func latin1(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        for u in s.unicodeScalars {
            guard u.value < 256 else { return nil }
            out.append(UInt8(u.value))
        }
        return out
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// Accumulates libpng's output.
private final class ByteSink {
    var bytes: [UInt8] = []
}
