import XCTest
@testable import Lab

/// The `exemplars` montage and the `scatter3d` view: drawn from a run, byte-identical when redrawn,
/// and clear errors for what they cannot draw.
final class ClusterFiguresTests: XCTestCase {
    private func parse(_ yaml: String) throws -> ExperimentSpec { try SpecParser.parse(yaml: yaml, file: "c.yaml") }

    func testExemplarsAndScatter3DFromAnMNISTRun() throws {
        let mirror = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/datasets")
        guard FileManager.default.fileExists(atPath: mirror.appendingPathComponent("mnist/train-images-idx3-ubyte.gz").path) else {
            throw XCTSkip("no MNIST mirror at \(mirror.path)")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-clusterfig-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let saved = ["MBENCH_MIRROR", "MBENCH_CACHE"].map { ($0, ProcessInfo.processInfo.environment[$0]) }
        defer { for (name, value) in saved { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
        setenv("MBENCH_MIRROR", mirror.path, 1)
        setenv("MBENCH_CACHE", root.appendingPathComponent("cache").path, 1)
        let yaml = """
        name: cluster-figures
        seed: 2
        datasets:
          - {name: mnist, n: 400, subsample: stratified}
        algorithms:
          - {name: pca, params: {n_components: [2, 3]}}
        clustering: {k: 3...4, covariance: [full], n_init: 1}
        figures:
          - {kind: exemplars, file: x.png, count: 4, where: [n_components=2]}
          - {kind: exemplars, file: xi.png, count: 3, space: input, scale: 1, where: [n_components=3]}
          - {kind: scatter3d, file: s.png, where: [n_components=3], color: cluster}
        """
        let spec = try parse(yaml)
        let results = root.appendingPathComponent("results")
        let runner = Runner(options: RunOptions(resultsRoot: results), log: { _ in })
        let summary = try runner.run(spec)
        XCTAssertTrue(summary.failures.isEmpty, "\(summary.failures)")
        XCTAssertEqual(summary.figures.map(\.lastPathComponent), ["x.png", "xi.png", "s.png"])
        let first = try summary.figures.map { try Data(contentsOf: $0) }
        XCTAssertEqual(try runner.drawFigures(spec).map { try Data(contentsOf: $0) }, first)

        // Both records match without 'where': the montage asks for one.
        var two = spec
        two.figures = [FigureSpec(kind: "exemplars", file: "y.png", settings: [:], line: 1, column: 1)]
        XCTAssertThrowsError(try runner.drawFigures(two)) { error in
            XCTAssertTrue("\(error)".contains("draws one result, but 2 match"), "\(error)")
        }
        // A 2-component embedding has no 3-D view.
        two.figures = [FigureSpec(kind: "scatter3d", file: "z.png", settings: ["where": .list(["n_components=2"])], line: 1, column: 1)]
        XCTAssertThrowsError(try runner.drawFigures(two)) { error in
            XCTAssertTrue("\(error)".contains("needs embeddings with 3 components"), "\(error)")
        }
    }

    func testExemplarsNeedAnImageDataSetAndAClustering() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-clusterfig2-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let yaml = """
        name: cluster-figures-2
        datasets:
          - {name: blobs, n: 150, options: {dimension: 4, centers: 3}}
        algorithms:
          - {name: pca}
        clustering: {k: 2...3, covariance: [full], n_init: 1}
        figures:
          - {kind: exemplars, file: x.png}
        """
        let runner = Runner(options: RunOptions(resultsRoot: root, drawFigures: false), log: { _ in })
        let spec = try parse(yaml)
        XCTAssertTrue(try runner.run(spec).failures.isEmpty)
        XCTAssertThrowsError(try runner.drawFigures(spec)) { error in
            XCTAssertTrue("\(error)".contains("is not an image data set"), "\(error)")
        }
        var plain = try parse(yaml.replacingOccurrences(of: "clustering: {k: 2...3, covariance: [full], n_init: 1}\n", with: ""))
        plain.name = "cluster-figures-3"
        XCTAssertTrue(try runner.run(plain).failures.isEmpty)
        XCTAssertThrowsError(try runner.drawFigures(plain)) { error in
            XCTAssertTrue("\(error)".contains("needs results of a spec with a 'clustering:' section"), "\(error)")
        }
    }

    func testBadSettingsAreSpecErrorsWithTheirLine() {
        let base = "name: c\ndatasets: [{name: blobs}]\nalgorithms: [{name: pca}]\nfigures:\n  - {kind: %@}\n"
        let problems = [("exemplars, file: a.png, count: 0", "'count'"), ("exemplars, file: a.png, space: pixels", "'space'"),
                        ("exemplars, file: a.png, scale: 17", "'scale'"), ("scatter3d, file: a.png, elevation: 100", "'elevation'"),
                        ("scatter3d, file: a.png, color: rgb", "'color'"), ("scatter3d, file: a.png, rows: seed", "'rows'")]
        for (figure, message) in problems {
            let yaml = base.replacingOccurrences(of: "%@", with: figure)
            XCTAssertThrowsError(try parse(yaml), figure) { error in
                XCTAssertEqual((error as? SpecError)?.line, 5, "\(error)")
                XCTAssertTrue("\(error)".contains(message), "\(error) should name \(message)")
            }
        }
    }
}
