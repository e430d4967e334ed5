import Foundation
import XCTest
@testable import Datasets
import Linalg

final class FormatTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fmt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    // MARK: IDX

    func testIDXAllDTypesRoundTrip() throws {
        let values: [Double] = [0, 1, -2, 100, 7, -128]
        for dtype in IDX.DType.allCases {
            let v = dtype == .uint8 ? values.map { abs($0) } : values
            let bytes = try IDX.encode(shape: [3, 2], dtype: dtype, values: v)
            XCTAssertEqual(Array(bytes[0..<4]), [0, 0, dtype.rawValue, 2])
            XCTAssertEqual(Array(bytes[4..<12]), [0, 0, 0, 3, 0, 0, 0, 2], "big-endian dims")
            XCTAssertEqual(bytes.count, 12 + 6 * dtype.size)
            let m = try IDX.decodeMatrix(bytes)
            XCTAssertEqual(m.rows, 3)
            XCTAssertEqual(m.cols, 2)
            XCTAssertEqual(m.storage, v.map(Float.init), "\(dtype)")
            if dtype != .float32 && dtype != .float64 {
                XCTAssertEqual(try IDX.decodeLabels(try IDX.encode(shape: [6], dtype: dtype, values: v)), v.map { Int($0) })
            }
        }
        // Big-endian layout of a known value.
        XCTAssertEqual(Array(try IDX.encode(shape: [1], dtype: .int16, values: [258])[8...]), [1, 2])
        XCTAssertEqual(Array(try IDX.encode(shape: [1], dtype: .float32, values: [1])[8...]), [0x3F, 0x80, 0, 0])
    }

    func testIDXGzipFileAndImagesScale() throws {
        let url = dir.appendingPathComponent("x-ubyte.gz")
        try IDX.write(shape: [2, 2, 2], dtype: .uint8, values: [0, 255, 51, 102, 1, 2, 3, 4], to: url, gzip: true)
        XCTAssertTrue(Gzip.isGzip([UInt8](try Data(contentsOf: url))))
        let m = try IDX.readMatrix(from: url, scale: 255)
        XCTAssertEqual(m.storage[0..<4].map { $0 }, [0, 1, 0.2, 0.4])
        let d = try DatasetLoader.load(DatasetRequest(name: "file", path: url.path), seed: 0)
        XCTAssertEqual(d.imageShape, [2, 2])
        XCTAssertEqual(d.checksum, try Checksum.sha256(fileAt: url))
    }

    func testIDXBadInputs() throws {
        let good = try IDX.encode(shape: [2, 3], dtype: .uint8, values: [1, 2, 3, 4, 5, 6])
        XCTAssertThrowsError(try IDX.decodeMatrix([0x50, 0x4B] + good.dropFirst(2))) {
            guard case .badMagic = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try IDX.decodeMatrix(Array(good.dropLast(2)))) {
            XCTAssertEqual($0 as? DatasetsError, .truncated(path: "<idx>", expectedBytes: 18, actualBytes: 16))
        }
        XCTAssertThrowsError(try IDX.decodeMatrix(good + [0])) {
            guard case .sizeMismatch = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        var wrongType = good
        wrongType[2] = 0x0A
        XCTAssertThrowsError(try IDX.decodeMatrix(wrongType)) {
            guard case .unsupportedDType = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try IDX.decodeLabels(try IDX.encode(shape: [2], dtype: .float32, values: [1, 2])))
        XCTAssertThrowsError(try IDX.decodeMatrix(try IDX.encode(shape: [2], dtype: .float64, values: [1, .infinity]))) {
            guard case .nonFinite(_, 1, 0, _)? = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
    }

    // MARK: Gzip

    func testGzipRoundTripMultiMemberAndTruncation() throws {
        var rng = RandomStream(seed: 5)
        let payload = (0..<300_000).map { _ in UInt8(rng.nextInt(below: 16)) }
        let gz = try Gzip.compress(payload)
        XCTAssertEqual(try Gzip.decompress(gz), payload)
        // Concatenated members decompress to the concatenation (as gzip -d does).
        XCTAssertEqual(try Gzip.decompress(gz + (try Gzip.compress([1, 2, 3]))), payload + [1, 2, 3])
        // Streaming from a file in blocks gives the same bytes.
        let url = dir.appendingPathComponent("p.gz")
        try Data(gz).write(to: url)
        XCTAssertEqual(try Gzip.decompressFile(at: url), payload)
        XCTAssertThrowsError(try Gzip.decompress(Array(gz.prefix(gz.count / 2)))) {
            guard case .gzip(_, let detail)? = $0 as? DatasetsError else { return XCTFail("\($0)") }
            XCTAssertTrue(detail.contains("truncated"), detail)
        }
        var corrupt = gz
        for k in 20..<60 { corrupt[k] ^= 0x5A }
        XCTAssertThrowsError(try Gzip.decompress(corrupt))
    }

    // MARK: CSV

    func testCSVHeaderLabelsAndQuotes() throws {
        let t = try CSV.parse("x,\"y, quoted\",species\n1,2,setosa\r\n3.5,-4e1,virginica\n\n5,6,setosa\n", labelColumn: "species")
        XCTAssertEqual(t.data.storage, [1, 2, 3.5, -40, 5, 6])
        XCTAssertEqual(t.columnNames, ["x", "y, quoted"])
        XCTAssertEqual(t.labels, [0, 1, 0])
        XCTAssertEqual(t.labelNames, ["setosa", "virginica"])
        let noHeader = try CSV.parse("1,2\n3,4\n")
        XCTAssertNil(noHeader.columnNames)
        XCTAssertEqual(noHeader.data.rows, 2)
        let intLabels = try CSV.parse("label,a\n7,1\n3,2\n", labelColumn: "label")
        XCTAssertEqual(intLabels.labels, [7, 3])
        XCTAssertEqual(intLabels.data.storage, [1, 2])
    }

    func testCSVErrorsNameRowAndColumn() throws {
        XCTAssertThrowsError(try CSV.parse("a,b\n1,2\n3\n", path: "f.csv")) {
            XCTAssertEqual($0 as? DatasetsError, .raggedRow(path: "f.csv", row: 3, expectedColumns: 2, actualColumns: 1))
        }
        XCTAssertThrowsError(try CSV.parse("a,b\n1,2\n3,x7\n", path: "f.csv")) {
            XCTAssertEqual($0 as? DatasetsError, .nonNumericCell(path: "f.csv", row: 3, column: 2, text: "x7"))
            XCTAssertTrue("\($0)".contains("row 3, column 2"))
        }
        XCTAssertThrowsError(try CSV.parse("a,b\n1,nan\n", path: "f.csv")) {
            guard case .nonFinite(_, 0, 1, _)? = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try CSV.parse("a,b\n1,2\n", path: "f.csv", labelColumn: "c")) {
            guard case .missingColumn(_, "c", ["a", "b"])? = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try CSV.parse("\n\n", path: "f.csv"))
    }

    // MARK: Files through the loader

    func testFileLoaderFormatsLabelsAndSelection() throws {
        let csv = dir.appendingPathComponent("d.csv")
        try "a,b,cls\n0,10,1\n1,20,0\n2,30,1\n3,40,0\n".write(to: csv, atomically: true, encoding: .utf8)
        let d = try DatasetLoader.load(DatasetRequest(name: "file", path: csv.path, labelColumn: "cls"), seed: 0)
        XCTAssertEqual(d.data.storage, [0, 10, 1, 20, 2, 30, 3, 40])
        XCTAssertEqual(d.labels, [1, 0, 1, 0])
        let strat = try DatasetLoader.load(DatasetRequest(name: "file", n: 2, subsample: .stratified, scaling: .unit,
                                                          path: csv.path, labelColumn: "cls"), seed: 4)
        XCTAssertEqual(Set(strat.labels!), [0, 1])
        XCTAssertTrue(strat.data.storage.allSatisfy { $0 == 0 || $0 == 1 })
        XCTAssertNotEqual(strat.checksum, d.checksum)

        let npy = dir.appendingPathComponent("x.npy")
        let labels = dir.appendingPathComponent("y.npy")
        try NPY.write(try Matrix(rowArrays: [[1, 2], [3, 4], [5, 6]]), to: npy)
        try NPY.write(labels: [0, 1, 1], to: labels)
        let n = try DatasetLoader.load(DatasetRequest(name: "file", scaling: .standardize, path: npy.path, labelsPath: labels.path), seed: 0)
        XCTAssertEqual(n.labels, [0, 1, 1])
        XCTAssertEqual(n.data.columnMeans()[0], 0, accuracy: 1e-6)

        let idxLabels = dir.appendingPathComponent("y-ubyte")
        try IDX.write(shape: [2], dtype: .uint8, values: [0, 1], to: idxLabels)
        XCTAssertThrowsError(try DatasetLoader.load(DatasetRequest(name: "file", path: npy.path, labelsPath: idxLabels.path), seed: 0)) {
            guard case .labelCountMismatch(3, 2, _)? = $0 as? DatasetsError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try DatasetLoader.load(DatasetRequest(name: "file", n: 4, path: npy.path), seed: 0))
        XCTAssertThrowsError(try DatasetLoader.load(DatasetRequest(name: "file"), seed: 0))
        XCTAssertThrowsError(try DatasetLoader.load(DatasetRequest(name: "file", path: dir.appendingPathComponent("none.npy").path), seed: 0))
    }

    /// Extreme values in a labels CSV are errors naming the cell, never a trap.
    func testExtremeLabelValuesAreErrors() throws {
        let npy = dir.appendingPathComponent("x3.npy")
        try NPY.write(try Matrix(rowArrays: [[1, 2], [3, 4], [5, 6]]), to: npy)
        for bad in ["1e30", "-1e38", "2.5"] {
            let labels = dir.appendingPathComponent("labels.csv")
            try "0\n1\n\(bad)\n".write(to: labels, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try DatasetLoader.load(DatasetRequest(name: "file", path: npy.path, labelsPath: labels.path), seed: 0),
                                 bad) { error in
                XCTAssertTrue("\(error)".contains("row 3"), "\(bad): \(error)")
            }
        }
    }

    /// The folder reader of the bench commands rejects truncated IDX files.
    func testMNISTDirectoryReadsFirstNAndRejectsTruncatedFiles() throws {
        let folder = dir.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (part, count) in [("train", 3), ("t10k", 2)] {
            try IDX.write(shape: [count, 2, 2], dtype: .uint8, values: (0..<(count * 4)).map { Double($0 % 256) },
                          to: folder.appendingPathComponent("\(part)-images-idx3-ubyte.gz"), gzip: true)
            try IDX.write(shape: [count], dtype: .uint8, values: (0..<count).map(Double.init),
                          to: folder.appendingPathComponent("\(part)-labels-idx1-ubyte.gz"), gzip: true)
        }
        let (data, labels) = try MNISTDirectory.load(folder, first: 4)
        XCTAssertEqual(data.rows, 4)
        XCTAssertEqual(data.cols, 4)
        XCTAssertEqual(labels, [0, 1, 2, 0])
        XCTAssertEqual(data[3, 1], 1 / 255)
        XCTAssertThrowsError(try MNISTDirectory.load(folder, first: 0))
        let bytes = try IDX.readBytes(folder.appendingPathComponent("train-images-idx3-ubyte.gz"))
        try Data(bytes.dropLast(3)).write(to: folder.appendingPathComponent("train-images-idx3-ubyte.gz"))
        XCTAssertThrowsError(try MNISTDirectory.load(folder, first: 2)) { error in
            XCTAssertTrue("\(error)".contains("truncated") || "\(error)".contains("bytes"), "\(error)")
        }
    }

    func testRequestDecodesWithDefaults() throws {
        let r = try JSONDecoder().decode(DatasetRequest.self, from: Data(#"{"name":"sphere","n":50,"options":{"radius":2}}"#.utf8))
        XCTAssertEqual(r, DatasetRequest(name: "sphere", n: 50, options: ["radius": 2]))
        XCTAssertEqual(r.subsample, .random)
        XCTAssertEqual(r.scaling, .none)
        XCTAssertEqual(DatasetLoader.registryNames, ["mnist", "fashion-mnist"])
    }

    func testValidateWithoutLoading() throws {
        XCTAssertNoThrow(try DatasetLoader.validate(DatasetRequest(name: "mnist", n: 5000, split: "train")))
        XCTAssertNoThrow(try DatasetLoader.validate(DatasetRequest(name: "torus", options: ["minor_radius": 0.5])))
        XCTAssertThrowsError(try DatasetLoader.validate(DatasetRequest(name: "mnist", split: "dev")))
        XCTAssertThrowsError(try DatasetLoader.validate(DatasetRequest(name: "mnist", options: ["noise": 1])))
        XCTAssertThrowsError(try DatasetLoader.validate(DatasetRequest(name: "torus", options: ["minor_radius": 5])))
        XCTAssertThrowsError(try DatasetLoader.validate(DatasetRequest(name: "sphere", options: ["dimensions": 3])))
        XCTAssertThrowsError(try DatasetLoader.validate(DatasetRequest(name: "sphere", n: 0)))
        XCTAssertThrowsError(try DatasetLoader.validate(DatasetRequest(name: "file")))
        XCTAssertThrowsError(try DatasetLoader.validate(DatasetRequest(name: "mnits"))) {
            XCTAssertTrue("\($0)".contains("mnist"), "lists the known names")
        }
    }
}
