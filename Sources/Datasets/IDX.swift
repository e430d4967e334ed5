import Foundation
import Linalg

/// Reader and writer for the IDX format of MNIST and Fashion-MNIST (LeCun et al.).
///
/// Layout: two zero bytes, a dtype byte, the number of dimensions, then each dimension as a
/// big-endian UInt32, then the values big-endian in C order. Files may be gzip'd (detected
/// by their magic bytes, not by name).
public enum IDX {
    /// IDX element types.
    public enum DType: UInt8, Sendable, CaseIterable {
        case uint8 = 0x08, int8 = 0x09, int16 = 0x0B, int32 = 0x0C, float32 = 0x0D, float64 = 0x0E
        /// Bytes per element.
        public var size: Int {
            switch self {
            case .uint8, .int8: return 1
            case .int16: return 2
            case .int32, .float32: return 4
            case .float64: return 8
            }
        }
        var isInteger: Bool { self != .float32 && self != .float64 }
    }

    /// A parsed IDX header.
    public struct Header: Equatable, Sendable {
        public var dtype: DType
        public var shape: [Int]
        /// Offset of the first value.
        public var dataOffset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    // MARK: Files

    /// Reads the (possibly gzip'd) IDX file at `url` and returns its decompressed bytes.
    public static func readBytes(_ url: URL) throws -> [UInt8] {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw DatasetsError.io(path: url.path, detail: "cannot open: \(error.localizedDescription)")
        }
        let prefix = (try? handle.read(upToCount: 2)) ?? nil
        try? handle.close()
        if let prefix, Gzip.isGzip(prefix) {
            return try Gzip.decompressFile(at: url)
        }
        do { return [UInt8](try Data(contentsOf: url, options: .mappedIfSafe)) } catch {
            throw DatasetsError.io(path: url.path, detail: "cannot read: \(error.localizedDescription)")
        }
    }

    /// Reads an IDX file (raw or gzip'd) as a matrix: first dimension = rows, the rest flattened.
    /// Values are divided by `scale` (255 maps 8-bit pixels to [0, 1]).
    public static func readMatrix(from url: URL, scale: Float = 1) throws -> Matrix {
        try decodeMatrix(readBytes(url), path: url.path, scale: scale)
    }

    /// Reads a 1-D integer IDX file (raw or gzip'd) as labels.
    public static func readLabels(from url: URL) throws -> [Int] {
        try decodeLabels(readBytes(url), path: url.path)
    }

    /// Writes `values` with `shape` and `dtype` as a raw IDX file (atomic; gzip'd when `gzip` is true).
    public static func write(shape: [Int], dtype: DType, values: [Double], to url: URL, gzip: Bool = false) throws {
        let bytes = try encode(shape: shape, dtype: dtype, values: values)
        try AtomicFile.write(gzip ? try Gzip.compress(bytes) : bytes, to: url)
    }

    // MARK: Encoding

    /// IDX bytes for `values` (C order) of `shape`; values are converted to `dtype` (integers truncate toward zero).
    public static func encode(shape: [Int], dtype: DType, values: [Double]) throws -> [UInt8] {
        guard shape.count >= 1, shape.count <= 255, shape.allSatisfy({ $0 >= 0 && $0 <= Int(UInt32.max) }),
              shape.reduce(1, *) == values.count else {
            throw DatasetsError.invalidRequest("IDX shape \(shape) does not hold \(values.count) values")
        }
        var out: [UInt8] = [0, 0, dtype.rawValue, UInt8(shape.count)]
        for d in shape { append(UInt32(d), to: &out) }
        out.reserveCapacity(out.count + values.count * dtype.size)
        for v in values {
            switch dtype {
            case .uint8: out.append(UInt8(clamping: Int(v)))
            case .int8: out.append(UInt8(bitPattern: Int8(clamping: Int(v))))
            case .int16: append(UInt16(bitPattern: Int16(clamping: Int(v))), to: &out)
            case .int32: append(UInt32(bitPattern: Int32(clamping: Int(v))), to: &out)
            case .float32: append(Float(v).bitPattern, to: &out)
            case .float64: append(v.bitPattern, to: &out)
            }
        }
        return out
    }

    static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        var be = v.bigEndian
        withUnsafeBytes(of: &be) { out.append(contentsOf: $0) }
    }

    // MARK: Decoding

    /// Parses and checks the header: magic, dtype, and that the byte count matches the dimensions exactly.
    public static func parseHeader(_ raw: UnsafeRawBufferPointer, path: String) throws -> Header {
        guard raw.count >= 4, raw[0] == 0, raw[1] == 0 else {
            let found = raw.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw DatasetsError.badMagic(path: path, expected: "00 00 <dtype> <ndim>", found: found.isEmpty ? "(empty file)" : found)
        }
        guard let dtype = DType(rawValue: raw[2]) else {
            throw DatasetsError.unsupportedDType(path: path, dtype: String(format: "0x%02X (IDX supports 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E)", raw[2]))
        }
        let ndim = Int(raw[3])
        guard ndim >= 1 else { throw DatasetsError.badHeader(path: path, detail: "zero dimensions") }
        let dataOffset = 4 + 4 * ndim
        guard raw.count >= dataOffset else {
            throw DatasetsError.truncated(path: path, expectedBytes: dataOffset, actualBytes: raw.count)
        }
        var shape: [Int] = []
        for k in 0..<ndim {
            shape.append(Int(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4 + 4 * k, as: UInt32.self))))
        }
        let (count, overflow) = shape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o)
        }
        guard !overflow, count <= Int.max / 8 - dataOffset else {
            throw DatasetsError.badHeader(path: path, detail: "dimensions \(shape) are impossibly large")
        }
        let expected = dataOffset + count * dtype.size
        if raw.count < expected {
            throw DatasetsError.truncated(path: path, expectedBytes: expected, actualBytes: raw.count)
        }
        if raw.count > expected {
            throw DatasetsError.sizeMismatch(path: path, detail: "dimensions \(shape) of \(dtype) need \(expected) bytes, file has \(raw.count)")
        }
        return Header(dtype: dtype, shape: shape, dataOffset: dataOffset)
    }

    /// Decodes IDX bytes to a matrix (first dimension = rows); see `readMatrix(from:scale:)`.
    public static func decodeMatrix(_ bytes: [UInt8], path: String = "<idx>", scale: Float = 1) throws -> Matrix {
        try bytes.withUnsafeBytes { try decodeMatrix($0, path: path, scale: scale) }
    }

    public static func decodeMatrix(_ raw: UnsafeRawBufferPointer, path: String, scale: Float = 1) throws -> Matrix {
        let h = try parseHeader(raw, path: path)
        let rows = h.shape[0]
        let cols = h.shape.count == 1 ? 1 : h.shape.dropFirst().reduce(1, *)
        let storage = [Float](unsafeUninitializedCapacity: h.count) { out, initialised in
            decodeValues(raw, header: h, scale: scale, into: out)
            initialised = h.count
        }
        let m = try Matrix(rows: rows, cols: cols, storage: storage)
        if !h.dtype.isInteger, let bad = m.firstNonFinite() {
            throw DatasetsError.nonFinite(source: path, row: bad.row, column: bad.col, value: bad.value)
        }
        return m
    }

    /// Converts the `header.count` values of `raw` to `Float`, divided by `scale`, into `out`
    /// (which must hold at least that many). No non-finite check.
    public static func decodeValues(_ raw: UnsafeRawBufferPointer, header h: Header, scale: Float,
                                    into out: UnsafeMutableBufferPointer<Float>) {
        decodeValues(raw, header: h, scale: scale, elements: 0..<h.count, into: out)
    }

    /// Converts the values `elements` (flat indices, within `0..<header.count`) of `raw` to `Float`,
    /// divided by `scale`, into `out` (which must hold at least `elements.count`); the same bits as
    /// decoding everything and taking that range. Only the pages of those values are read, so one
    /// row of a memory-mapped file costs one row of memory.
    public static func decodeValues(_ raw: UnsafeRawBufferPointer, header h: Header, scale: Float,
                                    elements: Range<Int>, into out: UnsafeMutableBufferPointer<Float>) {
        // Callers pass ranges derived from this header (`DatasetLoader.decodeRows`: row indices drawn
        // from the header's own row count), never numbers from a user; a violation is a bug here.
        precondition(elements.lowerBound >= 0 && elements.upperBound <= h.count && out.count >= elements.count)
        let src = UnsafeRawBufferPointer(rebasing: raw[(h.dataOffset + elements.lowerBound * h.dtype.size)...])
        let count = elements.count
        switch h.dtype {
        case .uint8, .int8:
            // Table of the 256 exactly divided values: fast and bit-identical to v / scale.
            let table = (0..<256).map { Float(h.dtype == .uint8 ? $0 : Int(Int8(truncatingIfNeeded: $0))) / scale }
            let p = src.bindMemory(to: UInt8.self)
            table.withUnsafeBufferPointer { t in for i in 0..<count { out[i] = t[Int(p[i])] } }
        case .int16:
            for i in 0..<count { out[i] = Float(Int16(bigEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) / scale }
        case .int32:
            for i in 0..<count { out[i] = Float(Int32(bigEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) / scale }
        case .float32:
            for i in 0..<count { out[i] = Float(bitPattern: UInt32(bigEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) / scale }
        case .float64:
            for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(bigEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) / scale }
        }
    }

    /// Decodes a 1-D integer IDX payload to labels.
    public static func decodeLabels(_ bytes: [UInt8], path: String = "<idx>") throws -> [Int] {
        try bytes.withUnsafeBytes { raw in
            let h = try parseHeader(raw, path: path)
            guard h.dtype.isInteger else {
                throw DatasetsError.unsupportedDType(path: path, dtype: "\(h.dtype) (labels must be an integer type)")
            }
            guard h.shape.count == 1 else {
                throw DatasetsError.badHeader(path: path, detail: "labels must be 1-D, found dimensions \(h.shape)")
            }
            let src = UnsafeRawBufferPointer(rebasing: raw[h.dataOffset...])
            return (0..<h.count).map { i -> Int in
                switch h.dtype {
                case .uint8: return Int(src[i])
                case .int8: return Int(Int8(bitPattern: src[i]))
                case .int16: return Int(Int16(bigEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
                default: return Int(Int32(bigEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                }
            }
        }
    }
}
