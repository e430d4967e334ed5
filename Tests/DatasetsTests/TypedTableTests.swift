import Foundation
import XCTest
@testable import Datasets
@testable import Linalg

/// Reading typed tables: types, inference, missing values, block encodings and every bad input the
/// issue lists (each a clear error naming the file, line and column).
final class TypedTableTests: XCTestCase {
    let sample = """
        species,island,bill,mass,size,lat,lon,name
        a,x,1.0,10,small,10,20,Alpha
        a,y,2.0,NA,large,11,21,Alpine
        b,x,NA,30,medium,12,22,Beta
        b,y,4.0,40,,13,23,Bet
        c,x,5.0,50,small,14,24,Gamma

        """

    func table(_ text: String, _ path: String = "t.csv", delimiter: Character = ",") throws -> TextTable {
        try TextTable.parse(bytes: Array(text.utf8), source: path, delimiter: delimiter)
    }

    func make(_ text: String, declared: [ColumnDeclaration] = [], used: [String], label: String? = nil,
              missing: MissingPolicy = .drop) throws -> TypedTable {
        try TypedTable.make(try table(text), declared: declared, used: used, labelColumn: label, missing: missing)
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        XCTFail("expected an error")
        return ""
    }

    func testParsesQuotesAndLines() throws {
        let t = try table("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\n1,2\r\n")
        XCTAssertEqual(t.header, ["a", "b"])
        XCTAssertEqual(t.rows, [["x, y", "say \"hi\""], ["1", "2"]])
        XCTAssertEqual(t.lines, [2, 4])
        let tsv = try table("a\tb\n1\t2\n", "t.tsv", delimiter: "\t")
        XCTAssertEqual(tsv.rows, [["1", "2"]])
    }

    func testInferenceAndDropPolicy() throws {
        let size = ColumnDeclaration(name: "size", kind: .ordinal, order: ["small", "medium", "large"])
        let t = try make(sample, declared: [size], used: ["bill", "mass", "island"], label: "species")
        XCTAssertEqual(t.kinds["bill"], .numeric)
        XCTAssertEqual(t.kinds["island"], .categorical)
        XCTAssertEqual(t.kinds["lat"], .latitude)
        XCTAssertEqual(t.kinds["lon"], .longitude)
        XCTAssertEqual(t.kinds["size"], .ordinal)
        // Rows 3 (mass NA) and 4 (bill NA) are dropped: never turned into 0.
        XCTAssertEqual(t.lines, [2, 5, 6])
        guard case .numeric(let bill) = t.columns["bill"]! else { return XCTFail("bill is numeric") }
        XCTAssertEqual(bill, [1, 4, 5])
        XCTAssertEqual(t.labels, [0, 1, 2])
        XCTAssertEqual(t.summary.rowsRead, 5)
        XCTAssertEqual(t.summary.rowsUsed, 3)
        XCTAssertTrue(t.summary.description.contains("bill: numeric (inferred, 1 missing)"), t.summary.description)
    }

    func testImputePolicy() throws {
        let size = ColumnDeclaration(name: "size", kind: .ordinal, order: ["small", "medium", "large"])
        let t = try make(sample, declared: [size], used: ["bill", "mass", "size", "island"], missing: .impute)
        XCTAssertEqual(t.rowCount, 5)
        guard case .numeric(let bill) = t.columns["bill"]!, case .numeric(let mass) = t.columns["mass"]!,
              case .ordinal(let sizes, _) = t.columns["size"]! else { return XCTFail("types") }
        XCTAssertEqual(bill, [1, 2, 3, 4, 5])           // median of 1, 2, 4, 5
        XCTAssertEqual(mass, [10, 35, 30, 40, 50])      // median of 10, 30, 40, 50
        XCTAssertEqual(sizes, [0, 2, 1, 0, 0])          // median rank of (0, 2, 1, 0) = 0.5 → level 0
        XCTAssertEqual(t.summary.columns.first { $0.name == "bill" }?.imputed, 1)
    }

    func testBlockEncodings() throws {
        let size = ColumnDeclaration(name: "size", kind: .ordinal, order: ["small", "medium", "large"])
        let t = try make(sample, declared: [size], used: ["bill", "island", "size", "lat", "lon", "name"], missing: .impute)
        let euclid = try TableBlocks.encode(BlockDeclaration(columns: ["bill", "island"], metric: "euclidean", scaling: .unit), table: t)
        guard case .vectors(let m) = euclid.features else { return XCTFail("vectors") }
        XCTAssertEqual(m.cols, 3)  // bill + one-hot island (x, y)
        XCTAssertEqual(m.storage, [0, 1, 0, 0.25, 0, 1, 0.5, 1, 0, 0.75, 0, 1, 1, 1, 0])
        let hav = try TableBlocks.encode(BlockDeclaration(columns: ["lat", "lon"], metric: "haversine"), table: t)
        guard case .vectors(let h) = hav.features else { return XCTFail("vectors") }
        XCTAssertEqual(Double(h[0, 0]), 10 * .pi / 180, accuracy: 1e-6)
        XCTAssertEqual(Double(h[0, 1]), 20 * .pi / 180, accuracy: 1e-6)
        let ordinal = try TableBlocks.encode(BlockDeclaration(columns: ["size"], metric: "ordinal"), table: t)
        guard case .ranks(let r, 1) = ordinal.features else { return XCTFail("ranks") }
        XCTAssertEqual(r, [0, 1, 0.5, 0, 0])
        let names = try TableBlocks.encode(BlockDeclaration(columns: ["name"], metric: "levenshtein"), table: t)
        guard case .strings(let s) = names.features else { return XCTFail("strings") }
        XCTAssertEqual(s, ["Alpha", "Alpine", "Beta", "Bet", "Gamma"])
        let gower = try TableBlocks.encode(BlockDeclaration(columns: ["bill", "island"], metric: "gower"), table: t)
        guard case .gower(let g, let codes, 1) = gower.features else { return XCTFail("gower") }
        XCTAssertEqual(g.storage, [0, 0.25, 0.5, 0.75, 1])
        XCTAssertEqual(codes, [0, 1, 0, 1, 0])
    }

    // MARK: Bad input

    func testNumericColumnHoldingText() {
        let text = "a,b\n1,2\n3,x\n"
        let m = message { _ = try make(text, declared: [ColumnDeclaration(name: "b", kind: .numeric)], used: ["a", "b"]) }
        XCTAssertEqual(m, "t.csv:3:2: column 'b' is numeric but holds 'x'")
    }

    func testLatitudeOutOfRange() {
        let m = message { _ = try make("lat,lon\n10,20\n95,20\n11,21\n", used: ["lat", "lon"]) }
        XCTAssertTrue(m.hasPrefix("t.csv:3:1: column 'lat' is latitude but holds 95"), m)
    }

    func testAllMissingColumn() {
        let m = message { _ = try make("a,b\n1,NA\n2,\n3,NA\n", used: ["a", "b"]) }
        XCTAssertTrue(m.hasPrefix("t.csv: column 'b': every cell is missing"), m)
    }

    func testRaggedRow() {
        let m = message { _ = try table("a,b\n1,2\n3\n") }
        XCTAssertEqual(m, "t.csv: row 3 has 1 columns, expected 2 (as in the first row)")
    }

    func testOtherDelimiter() {
        let m = message { _ = try table("a;b;c\n1;2;3\n") }
        XCTAssertTrue(m.hasPrefix("t.csv:1:1: the header is one cell and holds ';'"), m)
    }

    func testNonUTF8() {
        var bytes = Array("a,b\n1,2\n3,".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\n".utf8)
        let m = message { _ = try TextTable.parse(bytes: bytes, source: "t.csv") }
        XCTAssertTrue(m.hasPrefix("t.csv:3:3: bytes that are not UTF-8"), m)
    }

    func testBlockWithOneDistinctValue() throws {
        let t = try make("a,b\n1,x\n2,x\n3,x\n", used: ["a", "b"])
        let m = message { _ = try TableBlocks.encode(BlockDeclaration(columns: ["b"], metric: "categorical"), table: t) }
        XCTAssertTrue(m.contains("column 'b': block 'b' has one distinct value"), m)
    }

    func testUnknownColumnAndWrongTypeForMetric() throws {
        let m = message { _ = try make("a,b\n1,x\n2,y\n3,z\n", used: ["c"]) }
        XCTAssertTrue(m.contains("no column named 'c'"), m)
        let t = try make("a,b\n1,x\n2,y\n3,z\n", declared: [ColumnDeclaration(name: "b", kind: .text)], used: ["a", "b"])
        let w = message { _ = try TableBlocks.encode(BlockDeclaration(columns: ["b"], metric: "euclidean"), table: t) }
        XCTAssertTrue(w.contains("not text; use levenshtein"), w)
        let h = message { _ = try TableBlocks.encode(BlockDeclaration(columns: ["a"], metric: "haversine"), table: t) }
        XCTAssertTrue(h.contains("exactly one latitude and one longitude"), h)
    }

    func testOrdinalValueNotAmongLevels() {
        let size = ColumnDeclaration(name: "s", kind: .ordinal, order: ["lo", "hi"])
        let m = message { _ = try make("s\nlo\nmid\nhi\n", declared: [size], used: ["s"]) }
        XCTAssertEqual(m, "t.csv:3:1: column 's' is ordinal with levels lo < hi but holds 'mid'")
    }

    /// The shipped tables load with their registry hashes (skipped without the mirror).
    func testRegistryTablesLoadFromMirror() throws {
        let mirror = "/work/shared/datasets"
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets")
        let root = FileManager.default.fileExists(atPath: shared.appendingPathComponent("tables/penguins.csv").path) ? shared.path : mirror
        try XCTSkipUnless(FileManager.default.fileExists(atPath: root + "/tables/penguins.csv"), "no dataset mirror")
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("tables-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cache) }
        let fetcher = DatasetFetcher(cacheDirectory: cache, mirror: root, useSystemCopies: false, usePublicURLs: false,
                                     showProgressBar: false)
        let numeric = BlockDeclaration(columns: ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"],
                                       metric: "euclidean", scaling: .standardize)
        let island = BlockDeclaration(columns: ["island"], metric: "categorical")
        let request = TableRequest(blocks: [numeric, island])
        let drop = try DatasetLoader.loadTable(DatasetRequest(name: "penguins", labelColumn: "species"), table: request,
                                               seed: 0, registry: .standard, fetcher: fetcher)
        XCTAssertEqual(drop.table.rowCount, 342)  // two penguins have no measurements
        var impute = request
        impute.missing = .impute
        let all = try DatasetLoader.loadTable(DatasetRequest(name: "penguins", labelColumn: "species"), table: impute,
                                              seed: 0, registry: .standard, fetcher: fetcher)
        XCTAssertEqual(all.table.rowCount, 344)
        XCTAssertEqual(Set(all.labels ?? []), [0, 1, 2])
        XCTAssertEqual(all.encoded.cols, 4 + 3)  // standardised numeric + one-hot island
    }

    /// A table whose bytes do not match the registry's SHA-256 never enters the cache.
    func testCorruptTableNeverEntersTheCache() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tables-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let mirror = root.appendingPathComponent("mirror"), cache = root.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: mirror.appendingPathComponent("tables"), withIntermediateDirectories: true)
        try Data(sample.utf8).write(to: mirror.appendingPathComponent("tables/penguins.csv"))
        let fetcher = DatasetFetcher(cacheDirectory: cache, mirror: mirror.path, useSystemCopies: false, usePublicURLs: false,
                                     showProgressBar: false)
        let request = TableRequest(blocks: [BlockDeclaration(columns: ["bill"], metric: "euclidean")])
        XCTAssertThrowsError(try DatasetLoader.loadTable(DatasetRequest(name: "penguins"), table: request, seed: 0,
                                                         registry: .standard, fetcher: fetcher)) { error in
            guard case DatasetsError.checksumMismatch = error else { return XCTFail("\(error)") }
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent("penguins").path)) ?? []
        XCTAssertEqual(left, [], "nothing may be left in the cache")
    }
}
