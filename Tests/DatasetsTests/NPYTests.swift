import Foundation
import XCTest
@testable import Datasets
import Linalg

final class NPYTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func testRoundTripFloat32AndLayout() throws {
        let m = try Matrix(rowArrays: [[1, 2, 3], [4.5, -6, 0.25]])
        let url = dir.appendingPathComponent("m.npy")
        try NPY.write(m, to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(bytes.count, 128 + 6 * 4, "header padded to a multiple of 64 bytes")
        XCTAssertEqual(Array(bytes[0..<8]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let header = String(decoding: bytes[10..<128], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"))
        XCTAssertEqual(header.last, "\n")
        XCTAssertEqual(try NPY.readMatrix(from: url), m)
        XCTAssertEqual(NPY.encode(m), bytes, "deterministic bytes")
        // No temporary files left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["m.npy"])
    }

    func testLabelsInt64() throws {
        let url = dir.appendingPathComponent("l.npy")
        try NPY.write(labels: [3, -1, 7], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertTrue(String(decoding: bytes[10..<128], as: UTF8.self).contains("'<i8'"))
        XCTAssertEqual(Array(bytes[128..<136]), [3, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try NPY.readLabels(from: url), [3, -1, 7])
    }

    /// Builds an .npy by hand with the given version, descr, shape text and payload.
    func npy(version: UInt8 = 1, descr: String, fortran: Bool = false, shape: String, payload: [UInt8]) -> [UInt8] {
        var dict = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        let pre = version == 1 ? 10 : 12
        while (pre + dict.utf8.count + 1) % 64 != 0 { dict += " " }
        dict += "\n"
        var out: [UInt8] = NPY.magic + [version, 0]
        let len = dict.utf8.count
        out += [UInt8(len & 0xFF), UInt8(len >> 8)]
        if version != 1 { out += [0, 0] }
        return out + Array(dict.utf8) + payload
    }

    func testAllDtypesBothEndiannessAndVersions() throws {
        // float64 big-endian, version 2
        var payload: [UInt8] = []
        for v in [1.5, -2.0] { withUnsafeBytes(of: v.bitPattern.bigEndian) { payload += $0 } }
        XCTAssertEqual(try NPY.decodeMatrix(npy(version: 2, descr: ">f8", shape: "(2,)", payload: payload)).storage, [1.5, -2])
        // int16 little-endian, version 3, 2×1
        payload = []
        for v: Int16 in [-300, 12] { withUnsafeBytes(of: v.littleEndian) { payload += $0 } }
        XCTAssertEqual(try NPY.decodeMatrix(npy(version: 3, descr: "<i2", shape: "(2, 1)", payload: payload)).storage, [-300, 12])
        // uint8 and int8
        XCTAssertEqual(try NPY.decodeMatrix(npy(descr: "|u1", shape: "(3,)", payload: [0, 128, 255])).storage, [0, 128, 255])
        XCTAssertEqual(try NPY.decodeMatrix(npy(descr: "|i1", shape: "(2,)", payload: [0xFF, 5])).storage, [-1, 5])
        // int32 big-endian labels, int64
        payload = []
        for v: Int32 in [9, -4] { withUnsafeBytes(of: v.bigEndian) { payload += $0 } }
        XCTAssertEqual(try NPY.decodeLabels(npy(descr: ">i4", shape: "(2,)", payload: payload)), [9, -4])
        // 3-D flattens trailing dimensions
        let m = try NPY.decodeMatrix(npy(descr: "|u1", shape: "(2, 2, 3)", payload: Array(0..<12)))
        XCTAssertEqual(m.rows, 2)
        XCTAssertEqual(m.cols, 6)
    }

    func testBadInputs() throws {
        XCTAssertThrowsError(try NPY.decodeMatrix(npy(descr: "<f4", fortran: true, shape: "(1, 1)", payload: [0, 0, 0, 0]))) {
            XCTAssertEqual($0 as? DatasetsError, .fortranOrder(path: "<npy>"))
            XCTAssertTrue("\($0)".contains("Fortran"))
        }
        XCTAssertThrowsError(try NPY.decodeMatrix(Array("not numpy at all".utf8))) {
            guard case .badMagic = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try NPY.decodeMatrix(npy(descr: "<f4", shape: "(2, 2)", payload: [0, 0, 0, 0]))) {
            XCTAssertEqual($0 as? DatasetsError, .truncated(path: "<npy>", expectedBytes: 128 + 16, actualBytes: 128 + 4))
        }
        XCTAssertThrowsError(try NPY.decodeMatrix(npy(descr: "<f4", shape: "(1,)", payload: [0, 0, 0, 0, 0]))) {
            guard case .sizeMismatch = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try NPY.decodeMatrix(npy(descr: "<c8", shape: "(1,)", payload: Array(repeating: 0, count: 8)))) {
            guard case .unsupportedDType = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        var nan: [UInt8] = []
        for v: Float in [1, .nan] { withUnsafeBytes(of: v.bitPattern.littleEndian) { nan += $0 } }
        XCTAssertThrowsError(try NPY.decodeMatrix(npy(descr: "<f4", shape: "(1, 2)", payload: nan))) {
            guard case let .nonFinite(_, row, column, _) = $0 as? DatasetsError else { return XCTFail("\($0)") }
            XCTAssertEqual([row, column], [0, 1])
        }
    }

    /// float16 (half precision) in both byte orders: exact known values, subnormals, the largest finite value.
    func testFloat16() throws {
        let halves: [(UInt16, Float)] = [(0x3C00, 1), (0xC000, -2), (0x3800, 0.5), (0x7BFF, 65504),
                                         (0x0001, 0x1p-24), (0x3555, 0.333251953125), (0x0000, 0)]
        for bigEndian in [false, true] {
            var payload: [UInt8] = []
            for (bits, _) in halves { withUnsafeBytes(of: bigEndian ? bits.bigEndian : bits.littleEndian) { payload += $0 } }
            let m = try NPY.decodeMatrix(npy(descr: bigEndian ? ">f2" : "<f2", shape: "(7,)", payload: payload))
            XCTAssertEqual(m.storage, halves.map(\.1))
        }
        var inf: [UInt8] = []
        for bits: UInt16 in [0x3C00, 0x7C00] { withUnsafeBytes(of: bits.littleEndian) { inf += $0 } }
        XCTAssertThrowsError(try NPY.decodeMatrix(npy(descr: "<f2", shape: "(1, 2)", payload: inf))) {
            guard case let .nonFinite(_, row, column, _) = $0 as? DatasetsError else { return XCTFail("\($0)") }
            XCTAssertEqual([row, column], [0, 1])
        }
    }

    /// A 1000 × 7 float32 file (and its float16 twin): a subset of rows decodes exactly those rows of the
    /// whole file; the loader's subsample reads only those rows and matches selecting from the whole.
    func testRowSubsetsFromTheMappedFile() throws {
        let rows = 1000, cols = 7
        var rng = RandomStream(seed: 4)
        let values = (0..<(rows * cols)).map { _ in Float(Float16(Float(rng.nextGaussian()))) }  // exact in float16
        let full = try Matrix(rows: rows, cols: cols, storage: values)
        let url32 = dir.appendingPathComponent("x32.npy")
        try NPY.write(full, to: url32)
        var payload16: [UInt8] = []
        for v in values { withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { payload16 += $0 } }
        let url16 = dir.appendingPathComponent("x16.npy")
        try Data(npy(descr: "<f2", shape: "(\(rows), \(cols))", payload: payload16)).write(to: url16)
        let labels = (0..<rows).map { $0 % 4 }
        let labelsURL = dir.appendingPathComponent("y.npy")
        try NPY.write(labels: labels, to: labelsURL)
        XCTAssertEqual(try NPY.readShape(of: url16).rows, rows)
        XCTAssertEqual(try NPY.readShape(of: url16).cols, cols)
        for url in [url32, url16] {
            XCTAssertEqual(try NPY.readMatrix(from: url), full)
            let pick = [999, 0, 17, 17, 500]
            XCTAssertEqual(try NPY.readRows(from: url, rows: pick), full.selectingRows(pick))
            XCTAssertThrowsError(try NPY.readRows(from: url, rows: [1000])) { XCTAssertTrue("\($0)".contains("row 1000"), "\($0)") }
            for method in Subsample.allCases {
                let request = DatasetRequest(name: "file", n: 60, subsample: method, path: url.path, labelsPath: labelsURL.path)
                let d = try DatasetLoader.load(request, seed: 8)
                let idx = try Preprocessing.subsampleIndices(total: rows, n: 60, method: method, labels: labels, seed: 8)
                XCTAssertEqual(d.data, full.selectingRows(idx), "\(method)")
                XCTAssertEqual(d.labels, idx.map { labels[$0] })
            }
        }
        // The float32 file's subsample has the checksum a whole read followed by selection always had.
        let request = DatasetRequest(name: "file", n: 60, path: url32.path)
        let identity = try Checksum.sha256(fileAt: url32)
        let selection = "n=60\nsubsample=random\nseed=8"
        XCTAssertEqual(try DatasetLoader.load(request, seed: 8).checksum,
                       Checksum.sha256(text: "file\n\(identity)\nlabelColumn=\n\(selection)"))
        XCTAssertThrowsError(try DatasetLoader.load(DatasetRequest(name: "file", n: 1001, path: url32.path), seed: 8)) {
            XCTAssertTrue("\($0)".contains("1001"), "\($0)")
        }
    }

    /// Truncated files, wrong element types and absurd shapes are refused with the file named.
    func testTruncatedAndWrongTypeFiles() throws {
        let url = dir.appendingPathComponent("t.npy")
        try Data(npy(descr: "<f4", shape: "(3000, 300)", payload: Array(repeating: 0, count: 4 * 300 * 1000))).write(to: url)
        XCTAssertThrowsError(try DatasetLoader.load(DatasetRequest(name: "file", n: 10, path: url.path), seed: 1)) {
            guard case let .truncated(path, expected, actual)? = $0 as? DatasetsError else { return XCTFail("\($0)") }
            XCTAssertEqual(path, url.path)
            XCTAssertEqual(expected, 128 + 4 * 300 * 3000)
            XCTAssertEqual(actual, 128 + 4 * 300 * 1000)
        }
        for descr in ["<U5", "|b1", "<c8", "|O", "<f1", "<f16"] {
            try Data(npy(descr: descr, shape: "(2,)", payload: Array(repeating: 0, count: 10))).write(to: url)
            XCTAssertThrowsError(try NPY.readShape(of: url), descr) {
                guard case let .unsupportedDType(path, dtype)? = $0 as? DatasetsError else { return XCTFail("\(descr): \($0)") }
                XCTAssertEqual(path, url.path)
                XCTAssertTrue(dtype.contains("float16"), dtype)
            }
        }
        try Data(npy(descr: "<f4", shape: "(4611686018427387904, 4)", payload: [])).write(to: url)
        XCTAssertThrowsError(try NPY.readRows(from: url, rows: nil)) {
            guard case .badHeader? = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
    }

    /// Cross-check against numpy when it is installed.
    func testNumpyReadsOurFile() throws {
        let python = "/usr/bin/env"
        guard FileManager.default.isExecutableFile(atPath: python) else { throw XCTSkip("no python3") }
        let url = dir.appendingPathComponent("x.npy")
        try NPY.write(try Matrix(rowArrays: [[1, 2], [3, 4.5]]), to: url)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["python3", "-c", "import numpy as np; a = np.load('\(url.path)'); print(a.dtype, a.shape, a.sum())"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = Pipe()
        try p.run()
        p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if p.terminationStatus != 0 { throw XCTSkip("numpy not available") }
        XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines), "float32 (2, 2) 10.5")
    }
}
