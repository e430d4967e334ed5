import XCTest
@testable import Lab
@testable import Embedding

final class SpecParserTests: XCTestCase {
    let valid = """
    name: demo
    description: a test
    seeds: [1, 2]
    datasets:
      - name: blobs
        n: [100, 200]
        options: {dimension: 5}
    algorithms:
      - name: pca
        params:
          n_components: [2, 3]
    """

    func testValidSpecParses() throws {
        let spec = try SpecParser.parse(yaml: valid, file: "demo.yaml")
        XCTAssertEqual(spec.name, "demo")
        XCTAssertEqual(spec.seeds, [1, 2])
        XCTAssertEqual(spec.datasets[0].sizes, [100, 200])
        XCTAssertEqual(spec.datasets[0].options.first?.values, [5])
        XCTAssertEqual(spec.algorithms[0].parameters.first?.values, [.number(2), .number(3)])
        XCTAssertEqual(spec.sourceHash.count, 64)
    }

    func testMisspeltTopLevelKeyNamesFileLineColumn() {
        expectError(valid.replacingOccurrences(of: "seeds:", with: "sedes:"), line: 3, column: 1, containing: "unknown key 'sedes'")
    }

    func testMisspeltNestedKeyListsAllowedKeys() {
        let yaml = valid.replacingOccurrences(of: "    n: [100, 200]", with: "    size: [100, 200]")
        expectError(yaml, line: 6, column: 5, containing: "allowed: name, label, n")
    }

    func testUnknownParameter() {
        let yaml = valid.replacingOccurrences(of: "n_components:", with: "n_component:")
        expectError(yaml, line: 11, column: 7, containing: "unknown parameter 'n_component' for pca")
    }

    func testOutOfRangeParameterPointsAtTheValue() {
        let yaml = valid.replacingOccurrences(of: "n_components: [2, 3]", with: "n_components: [2, 0]")
        expectError(yaml, line: 11, column: 25, containing: "n_components")
    }

    func testWrongTypeAndNegativeN() {
        expectError(valid.replacingOccurrences(of: "n: [100, 200]", with: "n: [100, -5]"),
                    line: 6, column: 14, containing: "out of range")
        expectError(valid.replacingOccurrences(of: "n: [100, 200]", with: "n: many"),
                    line: 6, column: 8, containing: "positive point count")
    }

    func testUnknownDatasetAndAlgorithm() {
        expectError(valid.replacingOccurrences(of: "name: blobs", with: "name: blobz"), line: 5, column: 11, containing: "unknown data set 'blobz'")
        expectError(valid.replacingOccurrences(of: "name: pca", with: "name: tsen"), line: 9, column: 11, containing: "unknown algorithm 'tsen'")
    }

    func testMalformedYAML() {
        expectError("name: [unclosed\ndatasets: []\n", line: 2, column: 9, containing: "malformed YAML")
    }

    func testUnknownMetricIsRejectedAtItsPosition() {
        expectError(valid + "\nmetrics: [trustworthiness@15, trustworthyness@15]\n", line: 12, column: 31,
                    containing: "trustworthyness")
    }

    func testMissingSections() {
        expectError("name: x\n", line: 1, column: 1, containing: "missing key 'datasets'")
    }

    func testSizeAllIsTheWholeDataSet() throws {
        let spec = try SpecParser.parse(yaml: "datasets: [{name: blobs, n: [100, all]}]\nalgorithms: [{name: pca}]\n", file: "s.yaml")
        XCTAssertEqual(spec.datasets[0].sizes, [100, nil])
        let whole = try SpecParser.parse(yaml: "datasets: [{name: blobs}]\nalgorithms: [{name: pca}]\n", file: "s.yaml")
        XCTAssertEqual(Plan(spec: spec).tasks.last?.id, Plan(spec: whole).tasks.first?.id)
        XCTAssertThrowsError(try SpecParser.parse(yaml: "datasets: [{name: blobs, n: everything}]\nalgorithms: [{name: pca}]\n", file: "s.yaml")) { error in
            XCTAssertTrue("\(error)".contains("a positive point count or 'all'"), "\(error)")
        }
    }

    /// Figure settings are checked against their declarations, with the setting's position.
    func testFigureSettingsOutOfRangeAreSpecErrors() throws {
        let cases: [(String, String, String)] = [
            ("embeddings", "width: 1e300", "'width'"), ("embeddings", "height: -1", "'height'"),
            ("embeddings", "point_size: .nan", "'point_size'"), ("embeddings", "color: blue", "'color'"),
            ("histograms", "bins: 1e300", "'bins'"), ("histograms", "bins: 2.5", "'bins'"),
            ("fuzzy-cover", "k: -1", "'k'"), ("lines", "log_x: maybe", "'log_x'"),
            ("model-selection", "y: [bic, entropy]", "'y'"),
        ]
        for (kind, setting, name) in cases {
            let yaml = """
                datasets:
                  - name: blobs
                algorithms:
                  - name: pca
                figures:
                  - kind: \(kind)
                    file: f.png
                    \(setting)
                """
            XCTAssertThrowsError(try SpecParser.parse(yaml: yaml, file: "f.yaml"), setting) { error in
                let e = error as? SpecError
                XCTAssertEqual(e?.line, 8, "\(setting): \(error)")
                XCTAssertTrue("\(error)".contains(name), "\(setting): \(error)")
            }
        }
        let fine = """
            datasets:
              - name: blobs
            algorithms:
              - name: pca
            figures:
              - kind: histograms
                file: h.png
                values: explained_variance
                bins: 60
                width: 8.4
                dpi: 100
            """
        XCTAssertNoThrow(try SpecParser.parse(yaml: fine, file: "f.yaml"))
    }
}
