import XCTest
@testable import Datasets
@testable import Embedding
@testable import Lab
@testable import Linalg
import Quality

final class ExternalTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-ext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
        unsetenv("MBENCH_ADAPTERS")
    }

    private func requirePython() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "pass"]
        probe.standardError = FileHandle.nullDevice
        do { try probe.run() } catch { throw XCTSkip("python3 not available") }
        probe.waitUntilExit()
        if probe.terminationStatus != 0 { throw XCTSkip("python3 not available") }
    }

    /// A pure-Python program (no numpy) that copies the first two columns of a float32 .npy
    /// and prints a phases line.
    private func firstTwoColumnsScript() throws -> URL {
        let script = dir.appendingPathComponent("first2.py")
        try """
        import json, struct, sys, time, ast
        t0 = time.perf_counter()
        src, dst = sys.argv[1], sys.argv[2]
        raw = open(src, "rb").read()
        hlen = struct.unpack("<H", raw[8:10])[0]
        header = ast.literal_eval(raw[10:10 + hlen].decode("latin1"))
        n, d = header["shape"]
        assert header["descr"] == "<f4" and not header["fortran_order"]
        values = struct.unpack("<%df" % (n * d), raw[10 + hlen:10 + hlen + 4 * n * d])
        out = [v for i in range(n) for v in values[i * d:i * d + 2]]
        head = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, 2), }" % n
        pad = 64 - (10 + len(head) + 1) % 64
        head = head + " " * pad + "\\n"
        with open(dst, "wb") as f:
            f.write(b"\\x93NUMPY\\x01\\x00" + struct.pack("<H", len(head)) + head.encode("latin1"))
            f.write(struct.pack("<%df" % len(out), *out))
        print("some chatter")
        print(json.dumps({"phases": [{"name": "fit", "wall": time.perf_counter() - t0, "cpu": 0.0}]}))
        """.write(to: script, atomically: true, encoding: .utf8)
        return script
    }

    private func data() throws -> Matrix {
        var rng = RandomStream(seed: 5)
        return try Matrix(rows: 30, cols: 4, storage: (0..<120).map { _ in rng.nextFloat() })
    }

    func testGenericExternalCommandRoundTripsThroughFiles() throws {
        try requirePython()
        let script = try firstTwoColumnsScript()
        let algorithm = try ExternalCommand(parameters: [
            "command": .text("python3 \(script.path) {input} {output} {seed} {n_components}"), "n_components": .number(2)])
        let x = try data()
        let result = try algorithm.fit(x, labels: nil, seed: 3, progress: nil)
        XCTAssertEqual(result.embedding.rows, 30)
        XCTAssertEqual(result.embedding.cols, 2)
        for i in 0..<30 {
            XCTAssertEqual(result.embedding[i, 0], x[i, 0])
            XCTAssertEqual(result.embedding[i, 1], x[i, 1])
        }
        XCTAssertEqual(result.phases.map(\.name), ["startup", "fit"])
        XCTAssertNotNil(result.diagnostics["reference_fit_seconds"])
        XCTAssertGreaterThanOrEqual(result.diagnostics["process_wall_seconds"] ?? 0, result.diagnostics["reference_fit_seconds"] ?? 1)
    }

    func testExternalAlgorithmRunsFromASpec() throws {
        try requirePython()
        let script = try firstTwoColumnsScript()
        let yaml = """
        name: ext
        seed: 0
        datasets:
          - name: blobs
            n: 50
            options: {dimension: 5, centers: 2}
        algorithms:
          - name: external
            label: First two
            params: {command: "python3 \(script.path) {input} {output}", n_components: 2}
        """
        let spec = try SpecParser.parse(yaml: yaml, file: "ext.yaml")
        let summary = try Runner(options: RunOptions(resultsRoot: dir), log: { _ in }).run(spec)
        XCTAssertEqual(summary.computed, 1, "\(summary.failures)")
        let record = try XCTUnwrap(ResultStore(root: dir, experiment: "ext").allRecords().first)
        XCTAssertTrue(record.phases.contains { $0.name == "startup" })
    }

    func testExternalErrorsAreClear() throws {
        try requirePython()
        let script = try firstTwoColumnsScript()
        // Unknown placeholder: rejected when the spec is read.
        XCTAssertThrowsError(try ExternalCommand(parameters: ["command": .text("run {inptu}")])) { error in
            XCTAssertTrue("\(error)".contains("inptu"), "\(error)")
        }
        // No command: a message saying what to give.
        let none = try ExternalCommand(parameters: [:])
        XCTAssertThrowsError(try none.fit(try data(), labels: nil, seed: 0, progress: nil)) { error in
            XCTAssertTrue("\(error)".contains("command"), "\(error)")
        }
        // Failing program: status and stderr.
        let failing = try ExternalCommand(parameters: ["command": .text("echo broken >&2; exit 5")])
        XCTAssertThrowsError(try failing.fit(try data(), labels: nil, seed: 0, progress: nil)) { error in
            XCTAssertTrue("\(error)".contains("status 5") && "\(error)".contains("broken"), "\(error)")
        }
        // Wrong number of columns.
        let wrong = try ExternalCommand(parameters: ["command": .text("python3 \(script.path) {input} {output}"),
                                                     "n_components": .number(3)])
        XCTAssertThrowsError(try wrong.fit(try data(), labels: nil, seed: 0, progress: nil)) { error in
            XCTAssertTrue("\(error)".contains("columns"), "\(error)")
        }
        // Missing program.
        let missing = try ExternalCommand(parameters: ["command": .text("no-such-program-xyz {input}")])
        XCTAssertThrowsError(try missing.fit(try data(), labels: nil, seed: 0, progress: nil)) { error in
            XCTAssertTrue("\(error)".contains("not found"), "\(error)")
        }
    }

    func testMissingPackageNamesTheInstallCommand() throws {
        try requirePython()
        // An adapter folder whose sklearn_pca.py reports the package as missing, like the real one does.
        try """
        import json, sys
        print(json.dumps({"error": "missing_package", "package": "scikit-learn", "install": "pip install scikit-learn"}))
        sys.exit(3)
        """.write(to: dir.appendingPathComponent("sklearn_pca.py"), atomically: true, encoding: .utf8)
        setenv("MBENCH_ADAPTERS", dir.path, 1)
        let algorithm = try SklearnPCAReference(parameters: ["n_components": .number(2)])
        XCTAssertThrowsError(try algorithm.fit(try data(), labels: nil, seed: 0, progress: nil)) { error in
            XCTAssertTrue("\(error)".contains("pip install scikit-learn"), "\(error)")
        }
        XCTAssertThrowsError(try SklearnPCAReference(parameters: ["n_componentz": .number(2)]))
    }

    func testReferenceAlgorithmsAreInTheCatalog() {
        for name in ["umap-learn", "opentsne", "sklearn-pca", "sklearn-tsne", "sklearn-spectral", "pacmap", "trimap", "fitsne", "external"] {
            XCTAssertNotNil(Catalog.parameterDocs(algorithm: name), name)
        }
    }

    /// Skips unless the interpreter the adapters use imports scikit-learn; points the adapters at Tools/adapters.
    private func requireScikitLearn() throws {
        try requireModules("sklearn, numpy", install: "pip install scikit-learn")
    }

    /// Skips unless the interpreter the adapters use imports `modules` (comma-separated);
    /// points the adapters at Tools/adapters.
    private func requireModules(_ modules: String, install: String) throws {
        try requirePython()
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = [ExternalAdapters.python, "-c", "import \(modules)"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        if probe.terminationStatus != 0 { throw XCTSkip("\(modules) not installed (\(install))") }
        setenv("MBENCH_ADAPTERS", URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tools/adapters").path, 1)
    }

    /// The hdbscan package as a spec's clustering (`method: hdbscan-package`, its exact tree) on
    /// four blobs: the same clusters as ours, recorded with their agreement, reused on a re-run
    /// (skipped unless the adapters' interpreter imports hdbscan).
    func testHDBSCANPackageClusteringFromASpec() throws {
        try requirePython()
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = [ExternalAdapters.python, "-c", "import hdbscan, numpy"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        if probe.terminationStatus != 0 { throw XCTSkip("hdbscan not installed (pip install hdbscan)") }
        setenv("MBENCH_ADAPTERS", URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tools/adapters").path, 1)
        let yaml = """
        name: package-hdbscan
        seed: 7
        datasets:
          - {name: blobs, n: 600, options: {dimension: 6, centers: 4, cluster_std: 0.5}}
        algorithms:
          - name: pca
        clustering: {method: hdbscan-package, min_cluster_size: 30, min_samples: 5, approx_min_span_tree: false}
        """
        let spec = try SpecParser.parse(yaml: yaml, file: "p.yaml")
        XCTAssertEqual(spec.clustering?.implementation, "hdbscan-package")
        XCTAssertEqual(spec.clustering?.approximateTree, false)
        let root = dir.appendingPathComponent("results")
        let summary = try Runner(options: RunOptions(resultsRoot: root), log: { _ in }).run(spec)
        XCTAssertTrue(summary.failures.isEmpty, "\(summary.failures)")
        let record = try XCTUnwrap(ResultStore(root: root, experiment: "package-hdbscan").allRecords().first)
        XCTAssertEqual(record.metric("cluster-k"), 4)
        // The exact tree gives our clusters; equal-weight edges may order a few noise points differently.
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(record.metric("cluster-ari-ours")), 0.99)
        XCTAssertGreaterThan(try XCTUnwrap(record.metric("cluster-ari")), 0.95)
        XCTAssertEqual(try Runner(options: RunOptions(resultsRoot: root), log: { _ in }).run(spec).reused, 1)
    }

    /// |cosine| between column c of two embeddings.
    private func columnCosine(_ a: Matrix, _ b: Matrix, _ c: Int) -> Double {
        var dot = 0.0, a2 = 0.0, b2 = 0.0
        for i in 0..<a.rows {
            let x = Double(a[i, c]), y = Double(b[i, c])
            dot += x * y; a2 += x * x; b2 += y * y
        }
        return abs(dot) / (a2 * b2).squareRoot()
    }

    /// scikit-learn's SpectralEmbedding against our laplacian-eigenmaps on a connected rolled strip
    /// (800 points, 15 neighbours): the same eigenvectors up to sign (skipped without scikit-learn).
    func testSklearnSpectralAgreesWithOurLaplacianEigenmaps() throws {
        try requireScikitLearn()
        var rng = RandomStream(seed: 4)
        var values: [Float] = []
        for _ in 0..<800 {
            let t = 1.5 * Double.pi * (1 + 2 * rng.nextDouble()), h = 20 * rng.nextDouble()
            values += [Float(t * cos(t)), Float(h), Float(t * sin(t))]
        }
        let x = try Matrix(rows: 800, cols: 3, storage: values)
        let theirs = try SklearnSpectralReference(parameters: ["n_neighbors": .number(15)])
            .fit(x, labels: nil, seed: 1, progress: nil)
        let ours = try LaplacianEigenmaps(parameters: ["n_neighbors": .number(15)]).fit(x, labels: nil, seed: 1, progress: nil)
        for c in 0..<2 { XCTAssertEqual(columnCosine(theirs.embedding, ours.embedding, c), 1, accuracy: 1e-4, "component \(c)") }
    }

    /// scikit-learn's PCA against ours (skipped when scikit-learn is not installed).
    func testSklearnPCAAgreesWithOursUpToSign() throws {
        try requireScikitLearn()
        var rng = RandomStream(seed: 9)
        let x = try Matrix(rows: 200, cols: 6, storage: (0..<1200).map { i in rng.nextFloat() * Float(1 + i % 6) })
        let theirs = try SklearnPCAReference(parameters: ["n_components": .number(2)]).fit(x, labels: nil, seed: 0, progress: nil)
        let ours = try PCA(nComponents: 2).fit(x, labels: nil, seed: 0, progress: nil)
        XCTAssertTrue(theirs.phases.contains { $0.name == "fit" })
        for c in 0..<2 { XCTAssertEqual(columnCosine(theirs.embedding, ours.embedding, c), 1, accuracy: 1e-4, "component \(c)") }
    }

    /// FIt-SNE through its adapter on three separated blobs (skipped unless the adapters'
    /// interpreter imports fitsne): n × 2, the same KL and trustworthiness twice for one seed, its own fit time
    /// and final KL divergence recorded, and a trustworthiness close to our t-SNE's on the same
    /// points with the same (shortened) schedule.
    func testFItSNEAdapterIsDeterministicAndAgreesWithOurTSNE() throws {
        try requireModules("fitsne, numpy", install: "apt-get install libfftw3-dev; pip install --no-build-isolation fitsne")
        var rng = RandomStream(seed: 12)
        var values: [Float] = []
        for i in 0..<300 {
            for j in 0..<8 { values.append(Float(rng.nextGaussian()) + (j == i % 3 ? 12 : 0)) }
        }
        let x = try Matrix(rows: 300, cols: 8, storage: values)
        let parameters: Parameters = ["perplexity": .number(20), "max_iter": .number(300), "stop_early_exag_iter": .number(100)]
        let first = try FItSNEReference(parameters: parameters).fit(x, labels: nil, seed: 7, progress: nil)
        let second = try FItSNEReference(parameters: parameters).fit(x, labels: nil, seed: 7, progress: nil)
        XCTAssertEqual(first.embedding.rows, 300)
        XCTAssertEqual(first.embedding.cols, 2)
        XCTAssertTrue(first.embedding.storage.allSatisfy { $0.isFinite })
        XCTAssertNotNil(first.diagnostics["reference_fit_seconds"])
        let kl = try XCTUnwrap(first.diagnostics["kl_divergence"])
        XCTAssertGreaterThan(kl, 0)
        XCTAssertLessThan(kl, 3)
        // Same seed, same result up to the last bits of FIt-SNE's threaded sums (on all 70 000
        // Fashion-MNIST images two runs gave KL 2.7244 and 2.7259): not compared bit for bit.
        XCTAssertEqual(try XCTUnwrap(second.diagnostics["kl_divergence"]), kl, accuracy: 0.01 * kl)
        let ours = try TSNE(parameters: ["perplexity": .number(20), "n_iter": .number(200),
                                         "early_exaggeration_iter": .number(100)]).fit(x, labels: nil, seed: 7, progress: nil)
        let theirs = try NeighborhoodMetrics.trustworthiness(data: x, embedding: first.embedding, k: 10)
        XCTAssertEqual(try NeighborhoodMetrics.trustworthiness(data: x, embedding: second.embedding, k: 10), theirs, accuracy: 0.005)
        let mine = try NeighborhoodMetrics.trustworthiness(data: x, embedding: ours.embedding, k: 10)
        XCTAssertGreaterThan(theirs, 0.85)
        XCTAssertEqual(theirs, mine, accuracy: 0.03)
    }
}
