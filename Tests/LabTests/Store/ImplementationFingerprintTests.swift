import Clustering
import Datasets
import Embedding
import Foundation
import Neighbors
import Quality
import XCTest
@testable import Lab
@testable import Linalg

/// Guards the implementation versions: the output bytes of every in-house algorithm, data
/// generator and metric on a small fixed case are recorded per version. When the bytes change
/// and the version does not, stored results made by the old code would be reused as if current.
///
/// If a test here fails after an intended change of results: bump the building block's
/// `implementationVersion` and add the printed hash under the new version.
final class ImplementationFingerprintTests: XCTestCase {
    /// "name/version" → SHA-256 (first 16 hex digits) of the output on the fixed case.
    static let golden: [String: String] = [
        "pca/1": "c3ff5b80813e34f3",
        "tsne/1": "48257c4aaa925700",
        "umap/1": "bc166412fe6d958c",
        "neighbor-distances/1": "7bd9ea40f3804590",
        "generator:blobs/1": "abfd060b25129571",
        "generator:swiss-roll/1": "852848d245fd6617",
        "generator:sine/1": "add816d4619424c5",
        "metrics/1": "760cfba628978e04",
        // Version 2: the deterministic SGEMM kernel, own FFT and DeterministicMath (issue 15).
        "pca/2": "443f505459c6d430",
        "tsne/2": "11f7ceb2a97e35bd",
        // Version 3: the FFT gradient's reused kernel grids cleared at offset G (version 2's FFT
        // runs kept the previous transform's values there; the fixed case uses exact gradients).
        "tsne/3": "11f7ceb2a97e35bd",
        // Version 4: `auto` takes the single-precision all-pairs gradient below 10 000 points in 2-D
        // (issue 21; the fixed case has 240 points).
        "tsne/4": "aa8e273f565a5f11",
        "umap/2": "bc166412fe6d958c",
        "neighbor-distances/2": "7bd9ea40f3804590",
        "generator:blobs/2": "abfd060b25129571",
        "generator:swiss-roll/2": "852848d245fd6617",
        "generator:sine/2": "add816d4619424c5",
        "metrics/2": "9e0736e01e4b1c67",
        "umap-blocks/2": "9bf3f4ec4526927b",
        // Blocks versioned on their own: the operands of a join pruned as fitted umap-learn models are.
        "umap/2+blocks/1": "0e2cca3b804c722e",
        "table/1": "26e668d0d40594c0",
        "generator:word-vectors/1": "37cfe8595b01c270",
        "generator:augmented-mnist/1": "48522640b22b26c3",
        // Issue 18: the DR-benchmark measures, HDBSCAN, Laplacian eigenmaps, densMAP and its radius correlation.
        "published-measures/1": "edcd1212987f98e7",
        "hdbscan/1": "46038332199f3933",
        "laplacian-eigenmaps/1": "8451aee2abe57ec1",
        "densmap/1": "71f127a7942a8b6e",
        "radius-correlation/1": "34bbbe55a16b9716",
        "largevis/1": "136c7a0a88b1fdfe",
        // Issue 18's stability and ambient-dimension specs: nested subsamples and random projections.
        "nested-subsample/1": "8871ead453a58042",
        "random-projection/1": "0f8295a2d52ee84f",
        // Version 2: the kd-tree Borůvka spanning tree and the tie-independent single linkage
        // (labels change only where equal-weight edges are ordered differently; not on the fixed case).
        "hdbscan/2": "46038332199f3933",
    ]

    private func hash(_ bytes: [UInt8]) -> String {
        String(Checksum.sha256(bytes).prefix(16))
    }

    private func check(_ key: String, _ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let actual = hash(bytes)
        guard let expected = Self.golden[key], !expected.isEmpty else {
            XCTFail("no golden output recorded for \(key): add \"\(key)\": \"\(actual)\"", file: file, line: line)
            return
        }
        XCTAssertEqual(actual, expected, "the output of \(key) changed: bump its implementationVersion and record "
                       + "\"<name>/<new version>\": \"\(actual)\"", file: file, line: line)
    }

    private func fixedCase() throws -> Matrix {
        try SyntheticManifolds.generate("blobs", n: 240, seed: 11, options: ["dimension": 6, "centers": 3]).data
    }

    func testAlgorithmOutputsMatchTheirVersions() throws {
        let saved = Parallel.threadCount
        Parallel.threadCount = 2
        defer { Parallel.threadCount = saved }
        let data = try fixedCase()
        for name in ["pca", "tsne", "umap", "neighbor-distances", "laplacian-eigenmaps", "densmap", "largevis"] {
            let parameters: Parameters = name == "tsne" ? ["n_iter": .number(300)] : name == "largevis" ? ["n_epochs": .number(200)] : [:]
            let algorithm = try Catalog.makeAlgorithm(name, parameters: parameters)
            let result = try algorithm.fit(data, labels: nil, seed: 5, progress: nil)
            check("\(name)/\(type(of: algorithm).implementationVersion)", NPY.encode(result.embedding))
        }
    }

    /// UMAP on blocks (a vector, a categorical, a string and a Gower block, combined by
    /// intersection, union and a mix weight) and the table reading that feeds it.
    func testBlockOutputsMatchTheirVersions() throws {
        let saved = Parallel.threadCount
        Parallel.threadCount = 2
        defer { Parallel.threadCount = saved }
        var csv = "a,b,c,group,word\n"
        let data = try fixedCase()
        for i in 0..<data.rows {
            csv += "\(data[i, 0]),\(data[i, 1]),\(i % 5 == 0 ? "NA" : "\(data[i, 2])"),g\(i % 3),w\(String(repeating: "a", count: 1 + i % 7))\n"
        }
        let text = try TextTable.parse(bytes: Array(csv.utf8), source: "fixed.csv")
        let typed = try TypedTable.make(text, declared: [], used: ["a", "b", "c", "group", "word"], labelColumn: nil, missing: .impute)
        let declarations = [BlockDeclaration(columns: ["a", "b"], metric: "euclidean", scaling: .standardize),
                            BlockDeclaration(columns: ["group"], metric: "categorical"),
                            BlockDeclaration(columns: ["word"], metric: "levenshtein", nNeighbors: 8),
                            BlockDeclaration(columns: ["c", "group"], metric: "gower")]
        let encoded = try declarations.map { try TableBlocks.encode($0, table: typed) }
        var tableBytes: [UInt8] = []
        for block in encoded {
            switch block.features {
            case .vectors(let m), .gower(let m, _, _): tableBytes += NPY.encode(m)
            case .categories(let codes, _): for c in codes { withUnsafeBytes(of: c.littleEndian) { tableBytes += $0 } }
            case .ranks(let r, _): for v in r { withUnsafeBytes(of: v.bitPattern.littleEndian) { tableBytes += $0 } }
            case .strings(let words): tableBytes += Array(words.joined(separator: "\n").utf8)
            }
        }
        check("table/\(DatasetLoader.implementationVersion(for: "penguins"))", tableBytes)
        let blocks: [GraphBlock] = try encoded.map { block in
            switch block.features {
            case .vectors(let m): return GraphBlock(name: block.name, distance: .vectors(m, try Metric(name: block.metric)))
            case .categories(let codes, let w): return GraphBlock(name: block.name, distance: .categorical(codes: codes, columns: w))
            case .strings(let words): return GraphBlock(name: block.name, distance: .strings(words), nNeighbors: block.nNeighbors)
            case .gower(let m, let codes, let w): return GraphBlock(name: block.name, distance: .gower(numeric: m, codes: codes, codeColumns: w))
            case .ranks: throw LabError.invalid("no ordinal block here")
            }
        }
        let umap = try UMAP(parameters: ["n_epochs": .number(50)])
        let combine = try ["intersection", "union", "0.3"].map { try GraphCombination(parsing: $0) }
        let result = try umap.fitBlocks(blocks, combine: combine, initData: data, seed: 5)
        check("umap/\(UMAP.implementationVersion)+blocks/\(UMAP.blocksImplementationVersion)", NPY.encode(result.embedding))
    }

    /// The measures of issue 18 (all at version 1) and HDBSCAN's labels.
    func testPublishedMeasuresAndHDBSCANMatchTheirVersions() throws {
        let data = try fixedCase()
        let embedding = try PCA(nComponents: 2).fitModel(data, seed: 0).transform(data)
        let labels = (0..<data.rows).map { $0 % 3 }
        let metrics = try ["normalized-stress", "scale-normalized-stress", "shepard-correlation", "neighborhood-hit@10",
                           "knc@2", "triplet-accuracy", "qnx@10", "rnx-auc"].map { try QualityMetric(parsing: $0) }
        let versions = Set(metrics.map(\.implementationVersion))
        XCTAssertEqual(versions, [1], "metric versions moved apart: give each its own golden entry")
        // Limits below n, so the sampled estimators are covered too.
        let options = EvaluationOptions(exactLimit: 100, queries: 60, pairExactLimit: 100, pairs: 3_000, tripletExactLimit: 100,
                                        triplets: 3_000, coRankingExactLimit: 100)
        var bytes: [UInt8] = []
        for result in try QualityEvaluator.evaluate(metrics, data: data, embedding: embedding, labels: labels, seed: 1, options: options) {
            withUnsafeBytes(of: result.value.bitPattern.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: (result.standardError ?? 0).bitPattern.littleEndian) { bytes += $0 }
        }
        check("published-measures/\(versions.first!)", bytes)
        let radius = try QualityMetric(parsing: "radius-correlation@10")
        let radiusValue = try QualityEvaluator.evaluate([radius], data: data, embedding: embedding, labels: nil, seed: 1)[0].value
        check("radius-correlation/\(radius.implementationVersion)", withUnsafeBytes(of: radiusValue.bitPattern.littleEndian) { Array($0) })
        let clusters = try HDBSCAN.fit(embedding, options: HDBSCAN.Options(minClusterSize: 10)).labels
        check("hdbscan/\(HDBSCAN.implementationVersion)", clusters.flatMap { withUnsafeBytes(of: Int64($0).littleEndian) { Array($0) } })
    }

    func testGeneratorOutputsMatchTheirVersions() throws {
        for name in ["blobs", "swiss-roll", "sine"] {
            let sample = try SyntheticManifolds.generate(name, n: 150, seed: 3)
            check("generator:\(name)/\(SyntheticManifolds.implementationVersion(of: name))", NPY.encode(sample.data))
        }
    }

    func testIndexedGeneratorOutputsMatchTheirVersions() throws {
        let words = try WordVectors(options: try IndexedGenerators.OptionValues(WordVectors.declaration, ["dimension": 16, "clusters": 7]),
                                    seed: 3)
        check("generator:word-vectors/\(IndexedGenerators.implementationVersion(of: "word-vectors"))",
              NPY.encode(try words.generate(rows: Array(0..<100) + [2_999_999], seed: 3)))
        var rng = RandomStream(seed: 1)
        let sources = try Matrix(rows: 3, cols: 784, storage: (0..<(3 * 784)).map { _ in Float(rng.nextInt(below: 256)) / 255 })
        let digits = try AugmentedMNIST(sources: sources, labels: [0, 1, 2], height: 28, width: 28,
                                        options: try IndexedGenerators.OptionValues(AugmentedMNIST.declaration, [:]))
        check("generator:augmented-mnist/\(IndexedGenerators.implementationVersion(of: "augmented-mnist"))",
              NPY.encode(try digits.generate(rows: [0, 5, 77, 7_999_999], seed: 3)))
    }

    func testSubsampleAndProjectionMatchTheirVersions() throws {
        let labels = (0..<500).map { $0 % 7 == 0 ? 3 : $0 % 3 }
        var bytes: [UInt8] = []
        for fraction in [0.1, 0.35, 0.8] {
            for row in try Preprocessing.nestedSubsampleIndices(total: 500, fraction: fraction, labels: labels, seed: 5) {
                withUnsafeBytes(of: Int64(row).littleEndian) { bytes += $0 }
            }
        }
        check("nested-subsample/\(Preprocessing.nestedSubsampleImplementationVersion)", bytes)
        check("random-projection/\(RandomProjection.implementationVersion)",
              NPY.encode(try RandomProjection.project(try fixedCase(), to: 9, seed: 4)))
    }

    func testMetricValuesMatchTheirVersions() throws {
        let data = try fixedCase()
        let embedding = try PCA(nComponents: 2).fitModel(data, seed: 0).transform(data)
        let labels = (0..<data.rows).map { $0 % 3 }
        let metrics = try ["trustworthiness@10", "continuity@10", "knn-preservation@10", "knn-accuracy@5",
                           "knn-accuracy-cv@5", "distance-correlation", "silhouette"].map { try QualityMetric(parsing: $0) }
        let versions = Set(metrics.map(\.implementationVersion))
        XCTAssertEqual(versions, [2], "metric versions moved apart: give each its own golden entry")
        let results = try QualityEvaluator.evaluate(metrics, data: data, embedding: embedding, labels: labels, seed: 1)
        var bytes: [UInt8] = []
        for result in results { withUnsafeBytes(of: result.value.bitPattern.littleEndian) { bytes += $0 } }
        check("metrics/\(versions.first!)", bytes)
    }

    /// t-SNE's exact-neighbour rule (exact search up to 8 192 points, where NN-descent used to
    /// start at 4 096) marks exactly the tasks it may change, so the others keep their results.
    func testTSNEExactNeighborRuleMarksOnlyTheTasksItMayChange() throws {
        let automatic = TSNEParameters()
        XCTAssertFalse(automatic.usesNNDescent(n: 4_096))
        XCTAssertFalse(automatic.usesNNDescent(n: TSNEParameters.exactNeighborsBelow - 1))
        XCTAssertTrue(automatic.usesNNDescent(n: TSNEParameters.exactNeighborsBelow))
        var forced = TSNEParameters()
        forced.nnMethod = .nndescent
        XCTAssertTrue(forced.usesNNDescent(n: 500))
        forced.nnMethod = .exact
        XCTAssertFalse(forced.usesNNDescent(n: 50_000))

        func task(_ algorithm: String = "tsne", n: Int?, fraction: Double? = nil,
                  parameters: [String: ParameterValue] = [:]) -> ExperimentTask {
            var selection = DatasetSelection(name: "mnist", n: n, split: nil, subsample: "random", scaling: "none", path: nil,
                                             labelsPath: nil, labelColumn: nil, options: [:], pca: nil)
            selection.fraction = fraction
            return ExperimentTask(datasetLabel: "x", dataset: selection, algorithm: algorithm, algorithmLabel: algorithm,
                                  parameters: parameters, seed: 1)
        }
        let spec = try SpecParser.parse(yaml: """
            name: rule
            datasets:
              - name: blobs
                n: 100
            algorithms:
              - name: tsne
            """, file: "rule.yaml")
        func marked(_ t: ExperimentTask) -> Bool {
            ImplementationFingerprints.current.of(t, spec: spec).algorithm.hasSuffix("+neighbors/2")
        }
        XCTAssertTrue(marked(task(n: 5_000)))
        XCTAssertTrue(marked(task(n: 4_096)))
        XCTAssertTrue(marked(task(n: 8_191)))
        XCTAssertTrue(marked(task(n: nil)), "n known only once loaded")
        XCTAssertTrue(marked(task(n: 5_000, fraction: 0.9)))
        XCTAssertTrue(marked(task(n: 5_000, parameters: ["nn_method": .text("auto")])))
        XCTAssertFalse(marked(task(n: 4_000)))
        XCTAssertFalse(marked(task(n: 10_000)))
        XCTAssertFalse(marked(task(n: 70_000, fraction: 0.5)))
        XCTAssertFalse(marked(task(n: 5_000, fraction: 0.5)))
        XCTAssertFalse(marked(task(n: 5_000, parameters: ["nn_method": .text("nndescent")])))
        XCTAssertFalse(marked(task("umap", n: 5_000)))
        XCTAssertEqual(ImplementationFingerprints.current.of(task(n: 10_000), spec: spec).algorithm,
                       "tsne/\(TSNE.implementationVersion)")
    }

}
