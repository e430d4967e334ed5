import Foundation
import XCTest
@testable import Lab
@testable import Datasets
@testable import Embedding
@testable import Linalg

/// The table part of a data-set entry: parsing, the errors at their spec lines, and a whole run
/// of UMAP on blocks of a small table (determinism, per-block metrics, provenance).
final class TableSpecTests: XCTestCase {
    func spec(_ datasetLines: String) -> String {
        """
        name: t
        datasets:
          - name: penguins
            label_column: species
        \(datasetLines)
        algorithms:
          - name: umap
        """
    }

    func testParsesBlocksColumnsAndCombine() throws {
        let parsed = try SpecParser.parse(yaml: spec("""
                columns: {island: categorical, year: drop, size: [small, large]}
                missing: impute
                blocks:
                  - {columns: [bill_length_mm, body_mass_g], metric: euclidean, scaling: standardize}
                  - {columns: [island], metric: categorical, name: where}
                combine: 0.7
                measure:
                  - {columns: [sex], metric: categorical}
            """), file: "x.yaml")
        let table = try XCTUnwrap(parsed.datasets[0].table)
        XCTAssertEqual(table.missing, .impute)
        XCTAssertEqual(table.columns, [ColumnDeclaration(name: "island", kind: .categorical),
                                       ColumnDeclaration(name: "year", kind: .drop),
                                       ColumnDeclaration(name: "size", kind: .ordinal, order: ["small", "large"])])
        XCTAssertEqual(table.blocks.map(\.name), ["bill_length_mm+body_mass_g", "where"])
        XCTAssertEqual(table.blocks[0].scaling, .standardize)
        XCTAssertEqual(table.combine, ["0.7"])
        XCTAssertEqual(table.measured.map(\.name), ["sex"])
        // The table is part of the task's identity.
        let tasks = Plan(spec: parsed).tasks
        XCTAssertEqual(tasks.count, 1)
        XCTAssertEqual(tasks[0].dataset.table, table)
        // Runs on blocks carry the block path's own version beside UMAP's.
        XCTAssertEqual(ImplementationFingerprints.current.of(tasks[0], spec: parsed).algorithm,
                       "umap/\(UMAP.implementationVersion)+blocks/\(UMAP.blocksImplementationVersion)")
    }

    func testErrorsPointAtTheSpecLine() {
        expectError(spec("    blocks:\n      - {columns: [island], metric: dice-ish}"), line: 6, containing: "unknown block metric 'dice-ish'")
        expectError(spec("    blocks:\n      - {columns: [a], metric: euclidean}\n      - {columns: [island], metric: categorical}\n    combine: union"),
                    line: 8, containing: "cannot join by union")
        expectError(spec("    blocks:\n      - {columns: [island], metric: categorical}"), line: 3, containing: "every block is categorical")
        expectError(spec("    blocks:\n      - {columns: [a], metric: euclidean}\n    combine: 1.5"), line: 7, containing: "'combine' = '1.5'")
        expectError(spec("    blocks:\n      - {columns: [a], metric: euclidean}\n      - {columns: [b], metric: euclidean}\n      - {columns: [c], metric: euclidean}\n    combine: [union, union, union]"),
                    line: 9, containing: "3 entries for 3 blocks")
        expectError(spec("    columns: {a: numbery}\n    blocks:\n      - {columns: [a], metric: euclidean}"), line: 5, containing: "type 'numbery' is not known")
        expectError(spec(""), line: 3, containing: "'penguins' is a table")
        expectError(spec("    pca: 2\n    blocks:\n      - {columns: [a], metric: euclidean}"), line: 5, containing: "'pca' does not apply to a table")
        expectError("""
            datasets:
              - name: blobs
                blocks:
                  - {columns: [a], metric: euclidean}
            algorithms:
              - name: umap
            """, line: 2, containing: "'blobs' is not a table")
    }

    /// A whole task on a small CSV file: blocks fitted, per-block metrics recorded, table provenance kept,
    /// the same bytes with 1 thread and with several.
    func testRunOnBlocksOfAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tables-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = "x,y,group,word,lat,lon\n"
        for i in 0..<60 {
            let g = i % 3
            csv += "\(Double(g) * 5 + Double(i % 7) * 0.1),\(Double(i % 5) * 0.2),g\(g),w\(String(repeating: "a", count: 1 + i % 6)),\(40 + g),\(-100 + Double(i % 4))\n"
        }
        csv += "NA,1,g0,wa,40,-100\n"
        let path = dir.appendingPathComponent("t.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let yaml = """
            name: t
            datasets:
              - name: file
                path: \(path)
                label_column: group
                blocks:
                  - {name: xy, columns: [x, y], metric: euclidean}
                  - {name: group, columns: [group], metric: categorical}
                  - {name: word, columns: [word], metric: levenshtein, n_neighbors: 5}
                  - {name: place, columns: [lat, lon], metric: haversine}
                combine: [intersection, union, 0.3]
            algorithms:
              - name: umap
                params: {n_epochs: 30, n_neighbors: 8}
            metrics: [knn-accuracy@10, trustworthiness@5]
            """
        let parsed = try SpecParser.parse(yaml: yaml, file: dir.appendingPathComponent("t.yaml").path)
        let task = Plan(spec: parsed).tasks[0]
        let data = try DataPreparation.prepare(task.dataset, seed: task.seed)
        XCTAssertEqual(data.matrix.rows, 60)  // the row with a missing x is dropped (missing: drop)
        XCTAssertEqual(data.table?.rowsRead, 61)
        XCTAssertEqual(data.blocks?.count, 4)
        let umap = try UMAP(parameters: task.parameters)
        let many = try umap.fitBlocks(data.blocks!, combine: data.combine, initData: data.matrix, seed: 1)
        let one = try Parallel.withThreadCount(1) { try umap.fitBlocks(data.blocks!, combine: data.combine, initData: data.matrix, seed: 1) }
        XCTAssertEqual(many.embedding.storage, one.embedding.storage)
        let metrics = try MetricBridge.evaluateBlocks(parsed.metrics, blocks: data.blocks!, embedding: many.embedding)
        XCTAssertEqual(Set(metrics.map(\.name)), ["trustworthiness@5[xy]", "trustworthiness@5[word]", "trustworthiness@5[place]",
                                                  "knn-accuracy@10[group]"])
        for m in metrics { XCTAssertTrue((0...1).contains(m.value), "\(m.name) = \(m.value)") }
        // The categorical block is intersected in by the far-distance rule: groups separate.
        XCTAssertGreaterThan(metrics.first { $0.name == "knn-accuracy@10[group]" }!.value, 0.95)
    }

    /// Views of a matrix (the same algebra on numeric data): blobs by euclidean ∩ their PCA-2 by
    /// cosine; per-view metrics, thread-count independence, and the spec errors.
    func testViewsOfAMatrix() throws {
        let yaml = """
            name: v
            datasets:
              - name: blobs
                n: 150
                options: {dimension: 8, centers: 3}
                views:
                  - {name: raw, metric: euclidean}
                  - {name: pca2, metric: cosine, pca: 2, n_neighbors: 10}
                combine: intersection
            algorithms:
              - name: umap
                params: {n_epochs: 30}
            metrics: [trustworthiness@10]
            """
        let parsed = try SpecParser.parse(yaml: yaml, file: "v.yaml")
        let views = try XCTUnwrap(parsed.datasets[0].views)
        XCTAssertEqual(views.views.map(\.name), ["raw", "pca2"])
        XCTAssertEqual(views.views[1].pca, 2)
        let task = Plan(spec: parsed).tasks[0]
        XCTAssertEqual(task.dataset.views, views)
        XCTAssertEqual(ImplementationFingerprints.current.of(task, spec: parsed).algorithm,
                       "umap/\(UMAP.implementationVersion)+blocks/\(UMAP.blocksImplementationVersion)")
        let plain = try SpecParser.parse(yaml: "name: p\ndatasets:\n  - name: blobs\n    n: 150\nalgorithms:\n  - name: umap\n", file: "p.yaml")
        XCTAssertEqual(ImplementationFingerprints.current.of(Plan(spec: plain).tasks[0], spec: plain).algorithm,
                       "umap/\(UMAP.implementationVersion)")
        let data = try DataPreparation.prepare(task.dataset, seed: task.seed)
        let blocks = try XCTUnwrap(data.blocks)
        guard case .vectors(let reduced, .cosine) = blocks[1].distance else { return XCTFail("pca2 is a cosine vector view") }
        XCTAssertEqual(reduced.cols, 2)
        let umap = try UMAP(parameters: task.parameters)
        let many = try umap.fitBlocks(blocks, combine: data.combine, initData: data.matrix, seed: 2)
        let one = try Parallel.withThreadCount(1) { try umap.fitBlocks(blocks, combine: data.combine, initData: data.matrix, seed: 2) }
        XCTAssertEqual(many.embedding.storage, one.embedding.storage)
        let metrics = try MetricBridge.evaluateBlocks(parsed.metrics, blocks: blocks, embedding: many.embedding)
        XCTAssertEqual(metrics.map(\.name), ["trustworthiness@10[raw]", "trustworthiness@10[pca2]"])
        let bad = yaml.replacingOccurrences(of: "metric: cosine", with: "metric: levenshtein")
        expectError(bad, line: 8, containing: "unknown view metric 'levenshtein'")
        let withPCA = yaml.replacingOccurrences(of: "    views:", with: "    pca: 3\n    views:")
        expectError(withPCA, line: 6, containing: "'pca' does not go with 'views'")
    }
}
