import XCTest
@testable import Lab
@testable import Datasets
@testable import Linalg

/// A data set's `fraction` (nested subsamples) and `projection` (random projection), and the
/// `stability` figure's distance to the full embedding.
final class SubsampleStabilityTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-stability-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    let yaml = """
    name: stability-test
    seeds: [3, 4]
    datasets:
      - name: blobs
        n: 300
        options: {dimension: 2, centers: 3}
        fraction: [0.2, 0.5, 1]
    algorithms:
      - name: pca
        params: {n_components: 2}
    figures:
      - {kind: stability, file: stability.png, overlay: 0.2}
    """

    func testFractionAndProjectionParseAndBadValuesNameTheirPlace() throws {
        let spec = try SpecParser.parse(yaml: yaml, file: "x.yaml")
        XCTAssertEqual(spec.datasets[0].fractions, [0.2, 0.5, nil])
        expectError(yaml.replacingOccurrences(of: "[0.2, 0.5, 1]", with: "[0.2, 0, 1]"), line: 7, column: 21,
                    containing: "a subsample fraction is in (0, 1]")
        expectError(yaml.replacingOccurrences(of: "[0.2, 0.5, 1]", with: "[0.2, 1.5]"), line: 7, column: 21,
                    containing: "out of range")
        expectError(yaml.replacingOccurrences(of: "[0.2, 0.5, 1]", with: "half"), line: 7, column: 15,
                    containing: "must be a number")
        let projected = yaml.replacingOccurrences(of: "fraction: [0.2, 0.5, 1]", with: "projection: [8, 16]")
        XCTAssertEqual(try SpecParser.parse(yaml: projected, file: "x.yaml").datasets[0].projections, [8, 16])
        expectError(projected.replacingOccurrences(of: "[8, 16]", with: "[8, 0]"), line: 7, column: 21,
                    containing: "out of range; allowed: 1...16384")
        expectError(projected.replacingOccurrences(of: "[8, 16]", with: "20000"), line: 7, column: 17,
                    containing: "out of range; allowed: 1...16384")
        expectError(projected.replacingOccurrences(of: "[8, 16]", with: "wide"), line: 7, column: 17,
                    containing: "projection dimension")
        let transform = """
        datasets:
          - name: mnist
            split: train
            transform: test
            fraction: 0.5
        algorithms: [{name: pca}]
        """
        expectError(transform, line: 5, column: 5, containing: "'fraction' does not apply to a data set with 'transform'")
        expectError(yaml.replacingOccurrences(of: "overlay: 0.2", with: "overlay: 2"), line: 12, column: 53,
                    containing: "'overlay' = 2 is not allowed")
    }

    func testPlanKeepsTheFullTaskIdentityAndSweepsProjections() throws {
        let spec = try SpecParser.parse(yaml: yaml, file: "x.yaml")
        let plan = Plan(spec: spec)
        XCTAssertEqual(plan.tasks.count, 6)
        // The 100 % task is the task without `fraction`: the same hash as a spec that never had it.
        let plain = try SpecParser.parse(yaml: yaml.replacingOccurrences(of: "    fraction: [0.2, 0.5, 1]\n", with: ""), file: "x.yaml")
        let full = plan.tasks.filter { $0.dataset.fraction == nil }.map(\.id)
        XCTAssertEqual(full, Plan(spec: plain).tasks.map(\.id))
        XCTAssertTrue(plan.tasks.contains { $0.summary.contains("fraction=0.2") })
        let projected = try SpecParser.parse(yaml: yaml.replacingOccurrences(of: "fraction: [0.2, 0.5, 1]", with: "projection: [8, 16]"),
                                             file: "x.yaml")
        XCTAssertEqual(Plan(spec: projected).tasks.map(\.dataset.projection), [8, 8, 16, 16])
        // The data fingerprint names the subsample's and the projection's versions (the full task's does not).
        let fingerprints = ImplementationFingerprints.current
        XCTAssertEqual(Set(plan.tasks.map { fingerprints.of($0, spec: spec).data }),
                       ["blobs/\(DatasetLoader.implementationVersion(for: "blobs"))",
                        "blobs/\(DatasetLoader.implementationVersion(for: "blobs"))+fraction/1"])
        XCTAssertTrue(fingerprints.of(Plan(spec: projected).tasks[0], spec: projected).data.hasSuffix("+projection/1"))
    }

    /// PCA of 2-D data with two components is a rigid motion of the centred data, so each
    /// subsample's embedding is the full embedding's rows up to rotation, reflection and shift:
    /// distance 0 to the full embedding (an analytic end-to-end case). The subsample rows are
    /// nested, stored, and the figure is drawn from the stored full embedding.
    func testRunStoresNestedRowsAndDistanceToFullIsZeroForPCA() throws {
        let spec = try SpecParser.parse(yaml: yaml, file: "stability-test.yaml")
        let summary = try Runner(options: RunOptions(resultsRoot: root), log: { _ in }).run(spec)
        XCTAssertEqual(summary.computed, 6)
        XCTAssertTrue(summary.failures.isEmpty, "\(summary.failures)")
        XCTAssertEqual(summary.figures.map(\.lastPathComponent), ["stability.png"])
        let store = ResultStore(root: root, experiment: spec.name)
        let recipe = FigureRecipe(spec: spec, figure: spec.figures[0], store: store)
        for seed: UInt64 in [3, 4] {
            let records = store.allRecords().filter { $0.task.seed == seed }
            let small = try XCTUnwrap(records.first { $0.task.dataset.fraction == 0.2 })
            let half = try XCTUnwrap(records.first { $0.task.dataset.fraction == 0.5 })
            let smallRows = try ArrayFiles.readLabels(store.url(try XCTUnwrap(small.subsampleFile)))
            let halfRows = try ArrayFiles.readLabels(store.url(try XCTUnwrap(half.subsampleFile)))
            XCTAssertEqual(small.dataRows, 60)
            XCTAssertEqual(halfRows.count, 150)
            XCTAssertTrue(Set(smallRows).isSubset(of: Set(halfRows)))
            for record in [small, half] {
                let (alignment, full) = try XCTUnwrap(try recipe.distanceToFull(record))
                XCTAssertNil(full.task.dataset.fraction)
                XCTAssertEqual(full.task.seed, seed)
                XCTAssertEqual(alignment.meanDistance, 0, accuracy: 1e-4)
            }
        }
        // Determinism: a second run into another folder gives the same subsample rows.
        let other = root.appendingPathComponent("again")
        _ = try Runner(options: RunOptions(resultsRoot: other, drawFigures: false), log: { _ in }).run(spec)
        let again = ResultStore(root: other, experiment: spec.name)
        for record in store.allRecords() where record.subsampleFile != nil {
            let twin = try XCTUnwrap(again.record(for: record.task.id))
            XCTAssertEqual(try Data(contentsOf: store.url(record.subsampleFile!)),
                           try Data(contentsOf: again.url(twin.subsampleFile!)))
            XCTAssertEqual(try Data(contentsOf: store.url(record.embeddingFile)),
                           try Data(contentsOf: again.url(twin.embeddingFile)))
        }
    }

    /// A projection's dimension is the data's column count for the algorithm; n is unchanged.
    func testProjectionChangesTheInputDimension() throws {
        let spec = try SpecParser.parse(yaml: yaml.replacingOccurrences(of: "fraction: [0.2, 0.5, 1]", with: "projection: [8, 40]")
            .replacingOccurrences(of: "seeds: [3, 4]", with: "seeds: [3]"), file: "p.yaml")
        let summary = try Runner(options: RunOptions(resultsRoot: root, drawFigures: false), log: { _ in }).run(spec)
        XCTAssertTrue(summary.failures.isEmpty, "\(summary.failures)")
        let records = ResultStore(root: root, experiment: spec.name).allRecords()
        XCTAssertEqual(Set(records.map(\.dataCols)), [8, 40])
        XCTAssertEqual(Set(records.map(\.dataRows)), [300])
    }
}
