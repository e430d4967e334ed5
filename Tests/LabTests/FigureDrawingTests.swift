import XCTest
@testable import Lab

final class FigureDrawingTests: XCTestCase {
    let yaml = """
    name: fig
    seeds: [0, 1]
    datasets:
      - name: blobs
        n: [200, 400]
        options: {dimension: 4, centers: 3}
    algorithms:
      - name: pca
    metrics: [trustworthiness@10]
    figures:
      - {kind: embeddings, file: e.png, rows: dataset, cols: n, annotate: [trustworthiness@10]}
      - {kind: lines, file: l.png, x: n, y: [fit_seconds, trustworthiness@10], log_x: true, fit_exponent: true}
      - {kind: histograms, file: h.png, values: explained_variance, panels: dataset, series: n}
    """

    func testFiguresAreDrawnAndByteIdenticalWhenRedrawn() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-fig-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let spec = try SpecParser.parse(yaml: yaml, file: "fig.yaml")
        let runner = Runner(options: RunOptions(resultsRoot: root), log: { _ in })
        let summary = try runner.run(spec)
        XCTAssertEqual(summary.figures.map(\.lastPathComponent), ["e.png", "l.png", "h.png"])
        let first = try summary.figures.map { try Data(contentsOf: $0) }
        for data in first { XCTAssertEqual(Array(data.prefix(4)), [0x89, 0x50, 0x4E, 0x47]) }
        let again = try runner.drawFigures(spec).map { try Data(contentsOf: $0) }
        XCTAssertEqual(first, again)
    }

    func testFuzzyCoverAndColourCubeFigures() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-fig2-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let yaml = """
        name: fig2
        datasets:
          - {name: sine, n: 120}
          - {name: color-cube, n: 300}
        algorithms:
          - {name: umap, params: {n_neighbors: 10, n_epochs: 50}}
        figures:
          - {kind: fuzzy-cover, file: f.png, k: 4, where: [dataset=sine]}
          - {kind: embeddings, file: rgb.png, color: rgb, where: [dataset=color-cube]}
          - {kind: embeddings, file: bad.png, color: rgb, where: [dataset=sine]}
        """
        let spec = try SpecParser.parse(yaml: yaml, file: "fig2.yaml")
        let runner = Runner(options: RunOptions(resultsRoot: root, drawFigures: false), log: { _ in })
        XCTAssertTrue(try runner.run(spec).failures.isEmpty)
        let store = ResultStore(root: root, experiment: "fig2")
        let cube = try XCTUnwrap(store.allRecords().first { $0.task.dataset.name == "color-cube" })
        let colors = try ArrayFiles.readMatrix(store.url(try XCTUnwrap(cube.colorsFile)))
        XCTAssertEqual(colors.rows, 300)
        XCTAssertEqual(colors.cols, 3)
        // The sine curve has no colours of its own: that figure is an error naming the setting.
        XCTAssertThrowsError(try runner.drawFigures(spec)) { error in
            XCTAssertTrue("\(error)".contains("'color: rgb'"), "\(error)")
        }
        var good = spec
        good.figures.removeLast()
        XCTAssertEqual(try runner.drawFigures(good).map(\.lastPathComponent), ["f.png", "rgb.png"])
        // A 3-D input cannot be drawn as a fuzzy cover.
        good.figures = [FigureSpec(kind: "fuzzy-cover", file: "g.png", settings: ["where": .list(["dataset=color-cube"])],
                                   line: 1, column: 1)]
        XCTAssertThrowsError(try runner.drawFigures(good)) { error in
            XCTAssertTrue("\(error)".contains("2-D input"), "\(error)")
        }
    }

    /// `panels` gives one row per data set; `ratios` adds a panel of series ratios; a pair that
    /// names a series the figure does not have is an error naming the figure and the series.
    func testLinesWithPanelsAndRatios() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-fig3-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let yaml = """
        name: fig3
        datasets:
          - {name: blobs, label: Blobs, n: [200, 400], options: {dimension: 4, centers: 3}}
          - {name: swiss-roll, label: Roll, n: [200, 400]}
        algorithms:
          - {name: pca, label: Cov, params: {solver: covariance}}
          - {name: pca, label: Rand, params: {solver: randomized}}
        figures:
          - {kind: lines, file: r.png, y: [own_fit_seconds], panels: dataset, log_x: true, ratios: ["Rand / Cov"], ratio_target: 1}
        """
        let spec = try SpecParser.parse(yaml: yaml, file: "fig3.yaml")
        let runner = Runner(options: RunOptions(resultsRoot: root), log: { _ in })
        let summary = try runner.run(spec)
        XCTAssertEqual(summary.figures.map(\.lastPathComponent), ["r.png"])
        let png = try Data(contentsOf: summary.figures[0])
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertEqual(try runner.drawFigures(spec).map { try Data(contentsOf: $0) }, [png])
        var bad = spec
        bad.figures[0].settings["ratios"] = .list(["Rand / Nope"])
        XCTAssertThrowsError(try runner.drawFigures(bad)) { error in
            XCTAssertTrue("\(error)".contains("Rand / Nope") && "\(error)".contains("Cov, Rand"), "\(error)")
        }
    }

    func testBadFigureSettingsAreSpecErrors() {
        let bad = yaml.replacingOccurrences(of: "file: e.png", with: "file: ../e.png")
        XCTAssertThrowsError(try SpecParser.parse(yaml: bad, file: "fig.yaml")) { error in
            XCTAssertEqual((error as? SpecError)?.line, 11)
        }
        let unknown = yaml.replacingOccurrences(of: "rows: dataset", with: "rowz: dataset")
        XCTAssertThrowsError(try SpecParser.parse(yaml: unknown, file: "fig.yaml")) { error in
            XCTAssertTrue("\(error)".contains("unknown key 'rowz'"))
        }
    }
}
