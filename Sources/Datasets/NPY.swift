import Foundation
import Linalg

/// Reader and writer for NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// Reading accepts float16/float32/float64, int8...int64 and uint8...uint64 in either byte order,
/// C order only. Matrices are read through a memory map straight into one `Float` allocation
/// (`readRows(from:rows:)`: a subset decodes only its own rows, so only their pages are read). Writing produces version 1.0, little-endian float32 (matrices)
/// or int64 (labels), byte-for-byte deterministic, through an atomic temp + rename.
public enum NPY {
    /// The 6 magic bytes `\x93NUMPY`.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    // MARK: Writing

    /// Writes `m` as a little-endian float32 array of shape (rows, cols), atomically.
    public static func write(_ m: Matrix, to url: URL) throws {
        try AtomicFile.write(encode(m), to: url)
    }

    /// Writes `labels` as a little-endian int64 array of shape (n,), atomically.
    public static func write(labels: [Int], to url: URL) throws {
        try AtomicFile.write(encode(labels: labels), to: url)
    }

    /// The bytes of a version-1.0 `.npy` file holding `m` as `<f4`, shape (rows, cols).
    public static func encode(_ m: Matrix) -> [UInt8] {
        var out = header(descr: "<f4", shape: "(\(m.rows), \(m.cols))")
        out.reserveCapacity(out.count + m.storage.count * 4)
        for v in m.storage { appendLittleEndian(v.bitPattern, to: &out) }
        return out
    }

    /// The bytes of a version-1.0 `.npy` file holding `labels` as `<i8`, shape (n,).
    public static func encode(labels: [Int]) -> [UInt8] {
        var out = header(descr: "<i8", shape: "(\(labels.count),)")
        out.reserveCapacity(out.count + labels.count * 8)
        for v in labels { appendLittleEndian(UInt64(bitPattern: Int64(v)), to: &out) }
        return out
    }

    /// Version-1.0 preamble: magic, version, header length, and the header dictionary
    /// padded with spaces and a newline so the data starts at a multiple of 64 bytes.
    static func header(descr: String, shape: String) -> [UInt8] {
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = magic.count + 2 + 2 + dict.utf8.count + 1
        let padding = (64 - unpadded % 64) % 64
        dict += String(repeating: " ", count: padding) + "\n"
        var out = magic + [1, 0]
        let length = UInt16(dict.utf8.count)
        out.append(UInt8(length & 0xFF))
        out.append(UInt8(length >> 8))
        out.append(contentsOf: Array(dict.utf8))
        return out
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
    }

    // MARK: Reading

    /// Reads any numeric `.npy` array as a `Matrix` of `Float`.
    /// Shape (n,) becomes n × 1; shape (n, d1, d2, ...) becomes n × (d1·d2·...).
    /// - Throws: `DatasetsError` for a bad magic number, Fortran order, an unsupported dtype,
    ///   a truncated file, or a NaN/infinite value.
    public static func readMatrix(from url: URL) throws -> Matrix {
        try readRows(from: url, rows: nil)
    }

    /// The matrix shape (rows, columns) of a `.npy` file as `readMatrix` sees it, from its header alone
    /// (the header is still checked against the file size).
    public static func readShape(of url: URL) throws -> (rows: Int, cols: Int) {
        try DatasetLoader.readMapped(url) { raw in
            let h = try parseHeader(raw, path: url.path)
            return try matrixShape(h, path: url.path)
        }
    }

    /// Reads the rows `rows` (file row numbers, in that order; nil = all) of a `.npy` file as a matrix
    /// of `Float`, through a memory map: the payload is never copied whole, only the chosen rows are
    /// decoded (one allocation of rows × columns floats), and only their pages are read.
    /// - Throws: as `readMatrix`; `invalidRequest` for a row outside the file; a non-finite value
    ///   is reported with its row in the file.
    public static func readRows(from url: URL, rows: [Int]?) throws -> Matrix {
        try DatasetLoader.readMapped(url) { raw in try decodeRows(raw, rows: rows, path: url.path) }
    }

    /// (rows, columns) of an array: shape (n,) is n × 1, shape (n, d1, d2, ...) is n × (d1·d2·...).
    static func matrixShape(_ h: Header, path: String) throws -> (rows: Int, cols: Int) {
        guard !h.shape.isEmpty else {
            throw DatasetsError.badHeader(path: path, detail: "0-dimensional array; expected a vector or matrix")
        }
        return (h.shape[0], h.shape.count == 1 ? 1 : h.shape.dropFirst().reduce(1, *))
    }

    /// Decodes the rows `rows` (nil = all) of the `.npy` bytes `raw` to `Float`: each value converted
    /// as `Float(Double(value))`, the same bits as decoding to `Double` first.
    static func decodeRows(_ raw: UnsafeRawBufferPointer, rows: [Int]?, path: String) throws -> Matrix {
        let h = try parseHeader(raw, path: path)
        let (total, cols) = try matrixShape(h, path: path)
        if let bad = rows?.first(where: { $0 < 0 || $0 >= total }) {
            throw DatasetsError.invalidRequest("\(path): row \(bad) requested but the file has \(total) rows")
        }
        let outRows = rows?.count ?? total
        let count: Int
        do { count = try Checked.product(outRows, cols, "rows × columns of \(path)") } catch {
            throw DatasetsError.sizeMismatch(path: path, detail: "\(outRows) rows × \(cols) columns is too large")
        }
        var storage = [Float](repeating: 0, count: count)
        var nonFinite: (row: Int, col: Int, value: Float)? = nil
        storage.withUnsafeMutableBufferPointer { out in
            for k in 0..<outRows where nonFinite == nil {
                let row = rows?[k] ?? k
                let target = UnsafeMutableBufferPointer(rebasing: out[k * cols ..< (k + 1) * cols])
                decodeFloats(raw, header: h, first: row * cols, into: target)
                if let j = target.firstIndex(where: { !$0.isFinite }) { nonFinite = (row, j, target[j]) }
            }
        }
        if let bad = nonFinite {
            throw DatasetsError.nonFinite(source: path, row: bad.row, column: bad.col, value: bad.value)
        }
        return try Matrix(rows: outRows, cols: cols, storage: storage)
    }

    /// Converts `out.count` elements starting at flat element `first` to `Float` (via `Double`).
    static func decodeFloats(_ raw: UnsafeRawBufferPointer, header h: Header, first: Int, into out: UnsafeMutableBufferPointer<Float>) {
        let base = raw.baseAddress! + h.dataOffset + first * h.size
        let big = h.bigEndian
        func load<T: FixedWidthInteger>(_ type: T.Type, _ i: Int) -> T {
            let v = (base + i * MemoryLayout<T>.size).loadUnaligned(as: T.self)
            return big ? T(bigEndian: v) : T(littleEndian: v)
        }
        let n = out.count
        switch (h.kind, h.size) {
        case ("f", 2): for i in 0..<n { out[i] = Float(Float16(bitPattern: load(UInt16.self, i))) }
        case ("f", 4): for i in 0..<n { out[i] = Float(bitPattern: load(UInt32.self, i)) }
        case ("f", 8): for i in 0..<n { out[i] = Float(Double(bitPattern: load(UInt64.self, i))) }
        case ("i", 1): for i in 0..<n { out[i] = Float(Double(load(Int8.self, i))) }
        case ("i", 2): for i in 0..<n { out[i] = Float(Double(load(Int16.self, i))) }
        case ("i", 4): for i in 0..<n { out[i] = Float(Double(load(Int32.self, i))) }
        case ("i", 8): for i in 0..<n { out[i] = Float(Double(load(Int64.self, i))) }
        case ("u", 1): for i in 0..<n { out[i] = Float(Double(load(UInt8.self, i))) }
        case ("u", 2): for i in 0..<n { out[i] = Float(Double(load(UInt16.self, i))) }
        case ("u", 4): for i in 0..<n { out[i] = Float(Double(load(UInt32.self, i))) }
        default: for i in 0..<n { out[i] = Float(Double(load(UInt64.self, i))) }
        }
    }

    /// Reads a 1-D (or n × 1) integer `.npy` array as labels. Float arrays are accepted
    /// when every value is an integer.
    public static func readLabels(from url: URL) throws -> [Int] {
        let bytes = try readFile(url)
        return try decodeLabels(bytes, path: url.path)
    }

    /// Decodes `.npy` bytes to a matrix (see `readMatrix(from:)`); `path` names the source in errors.
    public static func decodeMatrix(_ bytes: [UInt8], path: String = "<npy>") throws -> Matrix {
        try bytes.withUnsafeBytes { try decodeRows($0, rows: nil, path: path) }
    }

    /// Decodes `.npy` bytes to labels (see `readLabels(from:)`).
    public static func decodeLabels(_ bytes: [UInt8], path: String = "<npy>") throws -> [Int] {
        let parsed = try parseHeader(bytes, path: path)
        guard parsed.shape.count == 1 || (parsed.shape.count == 2 && parsed.shape[1] == 1) else {
            throw DatasetsError.badHeader(path: path, detail: "labels must be 1-D, found shape \(parsed.shape)")
        }
        let values = try decodeValues(bytes, header: parsed, path: path)
        var labels = [Int]()
        labels.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard v.isFinite, v.rounded() == v, abs(v) < 9.0e15 else {
                throw DatasetsError.invalidRequest("\(path): label \(i) is \(v), not an integer")
            }
            labels.append(Int(v))
        }
        return labels
    }

    struct Header {
        var kind: Character     // f, i, u
        var size: Int           // bytes per element
        var bigEndian: Bool
        var shape: [Int]
        var dataOffset: Int
        var count: Int
    }

    static func readFile(_ url: URL) throws -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: url, options: .mappedIfSafe))
        } catch {
            throw DatasetsError.io(path: url.path, detail: "cannot read: \(error.localizedDescription)")
        }
    }

    /// Parses the preamble and header dictionary; checks that the payload size matches the shape.
    static func parseHeader(_ bytes: [UInt8], path: String) throws -> Header {
        try bytes.withUnsafeBytes { try parseHeader($0, path: path) }
    }

    /// Parses the preamble and header dictionary of the bytes `bytes` (e.g. a mapped file).
    static func parseHeader(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Header {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            let found = bytes.prefix(6).map { String(format: "%02x", $0) }.joined()
            throw DatasetsError.badMagic(path: path, expected: "93 'NUMPY'", found: found.isEmpty ? "(empty file)" : found)
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw DatasetsError.truncated(path: path, expectedBytes: 12, actualBytes: bytes.count) }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw DatasetsError.badHeader(path: path, detail: "unsupported .npy format version \(major).\(bytes[7])")
        }
        guard bytes.count >= headerStart + headerLength else {
            throw DatasetsError.truncated(path: path, expectedBytes: headerStart + headerLength, actualBytes: bytes.count)
        }
        guard let text = String(bytes: bytes[headerStart ..< headerStart + headerLength], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw DatasetsError.badHeader(path: path, detail: "header is not text")
        }
        guard let descr = dictValue(text, key: "descr"), let order = dictValue(text, key: "fortran_order"),
              let shapeText = dictValue(text, key: "shape") else {
            throw DatasetsError.badHeader(path: path, detail: "expected keys 'descr', 'fortran_order', 'shape' in \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        if order == "True" { throw DatasetsError.fortranOrder(path: path) }
        guard order == "False" else { throw DatasetsError.badHeader(path: path, detail: "fortran_order is \(order)") }
        let d = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard d.count >= 3, let size = Int(d.dropFirst(2)), let kind = d.dropFirst().first,
              "fiu".contains(kind), [1, 2, 4, 8].contains(size), !(kind == "f" && size == 1) else {
            throw DatasetsError.unsupportedDType(path: path, dtype: "'\(d)' (supported: float16, float32, float64, int8-int64, uint8-uint64)")
        }
        let orderChar = d.first ?? "<"
        guard "<>|=".contains(orderChar) else { throw DatasetsError.unsupportedDType(path: path, dtype: d) }
        let inner = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let s = part.trimmingCharacters(in: .whitespaces)
            if s.isEmpty { continue }
            guard let v = Int(s.hasSuffix("L") ? String(s.dropLast()) : s), v >= 0 else {
                throw DatasetsError.badHeader(path: path, detail: "bad shape \(shapeText)")
            }
            shape.append(v)
        }
        let dataOffset = headerStart + headerLength
        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= (Int.max - dataOffset) / size else {
                throw DatasetsError.badHeader(path: path, detail: "shape \(shapeText) is too large")
            }
            count = product
        }
        let expected = dataOffset + count * size
        if bytes.count < expected {
            throw DatasetsError.truncated(path: path, expectedBytes: expected, actualBytes: bytes.count)
        }
        if bytes.count > expected {
            throw DatasetsError.sizeMismatch(path: path, detail: "shape \(shape) needs \(expected) bytes, file has \(bytes.count)")
        }
        return Header(kind: kind, size: size, bigEndian: orderChar == ">", shape: shape, dataOffset: dataOffset, count: count)
    }

    /// The text of `key`'s value in a Python dict literal (a quoted string, a tuple, or a bare word).
    static func dictValue(_ text: String, key: String) -> String? {
        for quote in ["'", "\""] {
            guard let r = text.range(of: quote + key + quote) else { continue }
            var rest = text[r.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { return nil }
            rest = rest.dropFirst().drop { $0 == " " }
            guard let first = rest.first else { return nil }
            if first == "(" {
                guard let close = rest.firstIndex(of: ")") else { return nil }
                return String(rest[...close])
            }
            if first == "'" || first == "\"" {
                let body = rest.dropFirst()
                guard let close = body.firstIndex(of: first) else { return nil }
                return String(body[..<close])
            }
            let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
            return rest[..<end].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// All elements as `Double` (exact for every supported type except 64-bit integers above 2^53).
    static func decodeValues(_ bytes: [UInt8], header h: Header, path: String) throws -> [Double] {
        var out = [Double](repeating: 0, count: h.count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + h.dataOffset
            let big = h.bigEndian
            func load<T: FixedWidthInteger>(_ type: T.Type, _ i: Int) -> T {
                let v = (base + i * MemoryLayout<T>.size).loadUnaligned(as: T.self)
                return big ? T(bigEndian: v) : T(littleEndian: v)
            }
            switch (h.kind, h.size) {
            case ("f", 2): for i in 0..<h.count { out[i] = Double(Float(Float16(bitPattern: load(UInt16.self, i)))) }
            case ("f", 4): for i in 0..<h.count { out[i] = Double(Float(bitPattern: load(UInt32.self, i))) }
            case ("f", 8): for i in 0..<h.count { out[i] = Double(bitPattern: load(UInt64.self, i)) }
            case ("i", 1): for i in 0..<h.count { out[i] = Double(load(Int8.self, i)) }
            case ("i", 2): for i in 0..<h.count { out[i] = Double(load(Int16.self, i)) }
            case ("i", 4): for i in 0..<h.count { out[i] = Double(load(Int32.self, i)) }
            case ("i", 8): for i in 0..<h.count { out[i] = Double(load(Int64.self, i)) }
            case ("u", 1): for i in 0..<h.count { out[i] = Double(load(UInt8.self, i)) }
            case ("u", 2): for i in 0..<h.count { out[i] = Double(load(UInt16.self, i)) }
            case ("u", 4): for i in 0..<h.count { out[i] = Double(load(UInt32.self, i)) }
            default: for i in 0..<h.count { out[i] = Double(load(UInt64.self, i)) }
            }
        }
        return out
    }
}
