import Foundation
import XCTest

/// Runs the built `mbench` binary on small cases and checks exit statuses and messages.
/// Exit statuses (see `MBench.swift`): 0 success, 1 runtime failure, 2 usage or spec
/// error, 3 benchmark regression, 4 benchmark improvement only.
final class CommandLineTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    // MARK: validate

    func testValidateAcceptsTheSmokeSpec() throws {
        let r = try MBenchProcess.run(["validate", MBenchProcess.repository.appendingPathComponent("Experiments/smoke-pca-blobs.yaml").path])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testValidateReportsFileLineColumnWithStatus2() throws {
        let spec = try write("bad.yaml", """
            datasets:
              - name: blobs
            algorithms:
              - name: pca
                params: {n_component: 2}
            """)
        let r = try MBenchProcess.run(["validate", spec])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("error: \(spec):5:"), r.stderr)
        XCTAssertTrue(r.stderr.contains("unknown parameter 'n_component' for pca"), r.stderr)
    }

    /// Figure settings are validated with everything else: a width of 1e300 inches is a
    /// spec error at validate time, not a crash when drawing.
    func testValidateRejectsExtremeFigureSettings() throws {
        for (setting, value) in [("width", "1e300"), ("height", "-1"), ("dpi", ".nan"), ("point_size", "1e300"),
                                 ("alpha", "2"), ("color", "blue")] {
            let spec = try write("fig-\(setting).yaml", """
                datasets:
                  - name: blobs
                    n: 100
                algorithms:
                  - name: pca
                figures:
                  - kind: embeddings
                    file: e.png
                    \(setting): \(value)
                """)
            let r = try MBenchProcess.run(["validate", spec])
            XCTAssertEqual(r.status, 2, "\(setting): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("\(spec):9:"), "\(setting): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("'\(setting)'"), "\(setting): \(r.stderr)")
        }
        for (setting, value) in [("bins", "1e300"), ("bins", "0"), ("bins", "2.5")] {
            let spec = try write("hist.yaml", """
                datasets:
                  - name: blobs
                algorithms:
                  - name: pca
                figures:
                  - kind: histograms
                    file: h.png
                    values: explained_variance
                    \(setting): \(value)
                """)
            let r = try MBenchProcess.run(["validate", spec])
            XCTAssertEqual(r.status, 2, "\(setting) = \(value): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("\(spec):9:"), r.stderr)
        }
    }

    func testValidateRejectsHugeClusteringRange() throws {
        let spec = try write("cluster.yaml", """
            datasets:
              - name: blobs
            algorithms:
              - name: pca
            clustering:
              k: 2...100000000000
            """)
        let r = try MBenchProcess.run(["validate", spec])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("\(spec):6:"), r.stderr)
    }

    func testValidateMissingFileIsStatus2() throws {
        let r = try MBenchProcess.run(["validate", path("missing.yaml")])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("cannot read spec file"), r.stderr)
    }

    // MARK: list

    func testListShowsAlgorithmsWithDefaultsAndRejectsUnknownTopics() throws {
        let r = try MBenchProcess.run(["list", "algorithms"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("perplexity = 30"), r.stdout)
        XCTAssertTrue(r.stdout.contains("n_neighbors = 15"), r.stdout)
        let figures = try MBenchProcess.run(["list", "figures"])
        XCTAssertEqual(figures.status, 0, figures.stderr)
        XCTAssertTrue(figures.stdout.contains("bins (an integer in 1...10000)"), figures.stdout)
        let bad = try MBenchProcess.run(["list", "colours"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("cannot list 'colours'"), bad.stderr)
    }

    // MARK: embed, evaluate, cluster

    func testEmbedEvaluateAndClusterASyntheticSet() throws {
        let embedding = path("y.npy")
        let embed = try MBenchProcess.run(["embed", "--dataset", "blobs", "--algorithm", "pca", "--param", "n_components=2",
                                           "--n", "300", "--seed", "1", "--out", embedding])
        XCTAssertEqual(embed.status, 0, embed.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: embedding))
        let again = path("y2.npy")
        _ = try MBenchProcess.run(["embed", "--dataset", "blobs", "--algorithm", "pca", "--n", "300", "--seed", "1", "--out", again])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: embedding)), try Data(contentsOf: URL(fileURLWithPath: again)),
                       "same seed, same bytes")

        let evaluate = try MBenchProcess.run(["evaluate", "--data", embedding, "--embedding", embedding,
                                              "--metric", "trustworthiness@5"])
        XCTAssertEqual(evaluate.status, 0, evaluate.stderr)
        XCTAssertTrue(evaluate.stdout.contains("\"value\" : 1"), evaluate.stdout)

        let cluster = try MBenchProcess.run(["cluster", "--input", embedding, "--k", "2...4"])
        XCTAssertEqual(cluster.status, 0, cluster.stderr)
        XCTAssertTrue(cluster.stdout.contains("\"entries\""), cluster.stdout)
    }

    func testEmbedUsageErrors() throws {
        let both = try MBenchProcess.run(["embed", "--algorithm", "pca", "--out", path("y.npy")])
        XCTAssertEqual(both.status, 2)
        XCTAssertTrue(both.stderr.contains("give exactly one of --input"), both.stderr)
        let unknown = try MBenchProcess.run(["embed", "--dataset", "blobs", "--algorithm", "pca", "--param", "n_components=1e300",
                                             "--n", "100", "--out", path("y.npy")])
        XCTAssertEqual(unknown.status, 2, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("n_components"), unknown.stderr)
        let negative = try MBenchProcess.run(["embed", "--dataset", "blobs", "--algorithm", "pca", "--n", "-1", "--out", path("y.npy")])
        XCTAssertEqual(negative.status, 2, negative.stderr)
    }

    /// Extreme numbers on the command line are usage errors (status 2), never a trap.
    func testExtremeNumbersOnTheCommandLine() throws {
        let embedding = path("y.npy")
        _ = try MBenchProcess.run(["embed", "--dataset", "blobs", "--algorithm", "pca", "--n", "200", "--out", embedding])
        let cases: [[String]] = [
            ["evaluate", "--data", embedding, "--embedding", embedding, "--limit", "-1"],
            ["evaluate", "--data", embedding, "--embedding", embedding, "--queries", "0"],
            ["evaluate", "--data", embedding, "--random-projection", "-1"],
            ["evaluate", "--data", embedding, "--random-projection", "4611686018427387904"],
            ["cluster", "--input", embedding, "--limit", "-1"],
            ["cluster", "--input", embedding, "--k", "2...100000000000"],
            ["cluster", "--input", embedding, "--n-init", "0"],
            ["tsne-bench", "--mnist", folder.path, "--perplexity", "1e300"],
            ["tsne-bench", "--mnist", folder.path, "--n", "-1"],
            ["umap-bench", "--mnist", folder.path, "--n", "0"],
            ["datasets", "info", "blobs", "--n", "-5"],
        ]
        for arguments in cases {
            let r = try MBenchProcess.run(arguments)
            XCTAssertEqual(r.status, 2, "\(arguments.joined(separator: " ")): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("error:") || r.stderr.contains("Error:"), "\(arguments): \(r.stderr)")
        }
    }

    func testMissingInputFileIsARuntimeFailure() throws {
        let r = try MBenchProcess.run(["cluster", "--input", path("nothing.npy")])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("nothing.npy"), r.stderr)
    }

    // MARK: datasets

    func testDatasetsInfoOnAGenerator() throws {
        let r = try MBenchProcess.run(["datasets", "info", "swiss-roll", "--n", "500", "--seed", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("500"), r.stdout)
        let unknown = try MBenchProcess.run(["datasets", "info", "no-such-set"])
        XCTAssertNotEqual(unknown.status, 0)
    }

    // MARK: run and figures

    /// The generators for millions of points are named by list and saved by datasets info; n above a
    /// generator's size fails its task (status 1) with the limit; a bad --memory-limit is a usage error.
    func testLargeGeneratorsInListsSpecsAndInfo() throws {
        let list = try MBenchProcess.run(["list", "datasets"])
        XCTAssertTrue(list.stdout.contains("augmented-mnist  (options: size, rotation"), list.stdout)
        XCTAssertTrue(list.stdout.contains("word-vectors  (options: size, dimension"), list.stdout)
        let info = try MBenchProcess.run(["datasets", "info", "word-vectors", "--n", "50", "--option", "dimension=7",
                                          "--save", path("w.npy")])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("word-vectors: 50 × 7"), info.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("w.labels.npy")))
        let spec = path("big.yaml")
        try """
        name: big
        datasets:
          - {name: word-vectors, n: 4000000}
        algorithms: [{name: pca}]
        """.write(toFile: spec, atomically: true, encoding: .utf8)
        let bad = try MBenchProcess.run(["run", spec, "--output", path("out")])
        XCTAssertEqual(bad.status, 1, bad.stdout + bad.stderr)
        XCTAssertTrue((bad.stdout + bad.stderr).contains("it can make at most 3000000"), bad.stdout + bad.stderr)
        let limit = try MBenchProcess.run(["run", spec, "--memory-limit", "16GB", "--output", path("out")])
        XCTAssertEqual(limit.status, 2)
        XCTAssertTrue(limit.stderr.contains("--memory-limit must be"), limit.stderr)
    }

    func testRunThenFiguresDrawsTheSamePNG() throws {
        let spec = try write("tiny.yaml", """
            name: tiny
            datasets:
              - name: blobs
                n: 200
            algorithms:
              - name: pca
            figures:
              - kind: embeddings
                file: e.png
                width: 3
                height: 3
            """)
        let output = path("out")
        let run = try MBenchProcess.run(["run", spec, "--output", output])
        XCTAssertEqual(run.status, 0, run.stderr)
        let png = URL(fileURLWithPath: output).appendingPathComponent("tiny/e.png")
        let first = try Data(contentsOf: png)
        try FileManager.default.removeItem(at: png)
        let figures = try MBenchProcess.run(["figures", spec, "--output", output])
        XCTAssertEqual(figures.status, 0, figures.stderr)
        XCTAssertEqual(try Data(contentsOf: png), first, "figures re-draws the same bytes")
    }

    // MARK: bench exit statuses

    func testBenchExitStatusesAgainstABaseline() throws {
        let spec = try write("bench.yaml", """
            name: bench-cli
            datasets:
              - name: blobs
                n: 300
            algorithms:
              - name: pca
            """)
        let baseline = path("baseline.json")
        let common = ["bench", spec, "--warmup", "0", "--repetitions", "2", "--calibration-runs", "1", "--threads", "1"]
        let save = try MBenchProcess.run(common + ["--save-baseline", baseline])
        XCTAssertEqual(save.status, 0, save.stderr)
        let same = try MBenchProcess.run(common + ["--baseline", baseline, "--time-tolerance", "100"])
        XCTAssertEqual(same.status, 0, same.stderr)
        // One injected second per fit: a clear regression (3) ...
        let slower = try MBenchProcess.run(common + ["--baseline", baseline], environment: ["MBENCH_BENCH_INJECT_SECONDS": "1"])
        XCTAssertEqual(slower.status, 3, slower.stdout + slower.stderr)
        // ... and against a slow baseline, an improvement only (4).
        let slowBaseline = path("slow.json")
        _ = try MBenchProcess.run(common + ["--save-baseline", slowBaseline], environment: ["MBENCH_BENCH_INJECT_SECONDS": "1"])
        let faster = try MBenchProcess.run(common + ["--baseline", slowBaseline])
        XCTAssertEqual(faster.status, 4, faster.stdout + faster.stderr)
    }

    func testUnknownCommandIsAUsageError() throws {
        let r = try MBenchProcess.run(["frobnicate"])
        XCTAssertEqual(r.status, 2, r.stderr)
    }
}
