import Foundation
import XCTest

/// `mbench scale-out` and `mbench history` as a user runs them.
final class ScaleOutAndHistoryCommandTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-cli-history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: scratch) }

    /// docs/scale-out holds what the commands print (regenerate with `make scale-out-docs`).
    func testScaleOutDocsAreWhatTheCommandsGenerate() throws {
        let common = ["Experiments/umap-parameters.yaml", "--shards", "8", "--cpus", "8", "--mem", "16G", "--mbench", ".build/release/mbench"]
        let docs = MBenchProcess.repository.appendingPathComponent("docs/scale-out")
        for (arguments, file) in [(["scale-out", "slurm"] + common + ["--time", "04:00:00", "--print-script", "array"], "slurm-array.sh"),
                                  (["scale-out", "slurm"] + common + ["--time", "04:00:00", "--print-script", "merge"], "slurm-merge.sh"),
                                  (["scale-out", "k8s"] + common, "k8s-indexed-job.yaml")] {
            let r = try MBenchProcess.run(arguments)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, try String(contentsOf: docs.appendingPathComponent(file), encoding: .utf8),
                           "docs/scale-out/\(file) is out of date: run make scale-out-docs")
        }
    }

    func testScaleOutBadInput() throws {
        let tooMany = try MBenchProcess.run(["scale-out", "slurm", "Experiments/smoke-pca-blobs.yaml", "--shards", "9", "--dry-run"])
        XCTAssertEqual(tooMany.status, 2)
        XCTAssertTrue(tooMany.stderr.contains("expands to 4 tasks: --shards 9"), tooMany.stderr)
        let noSbatch = try MBenchProcess.run(["scale-out", "slurm", "Experiments/smoke-pca-blobs.yaml", "--shards", "2",
                                              "--output", scratch.path], environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(noSbatch.status, 2)
        XCTAssertTrue(noSbatch.stderr.contains("'sbatch' is not on PATH") && noSbatch.stderr.contains("nothing was submitted"), noSbatch.stderr)
        // sbatch refusing the array, then accepting it and refusing the merge job (a fake sbatch on PATH).
        let bin = scratch.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("sbatch")
        try """
        #!/bin/sh
        n=$(cat "$0.count" 2>/dev/null || echo 0); echo $((n + 1)) > "$0.count"
        if [ "$n" -eq 1 ]; then echo "41;cluster"; exit 0; fi
        echo "sbatch: error: invalid partition specified: nope" >&2; exit 1
        """.write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let submit = ["scale-out", "slurm", "Experiments/smoke-pca-blobs.yaml", "--shards", "2", "--output", scratch.appendingPathComponent("out").path]
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let refused = try MBenchProcess.run(submit, environment: ["PATH": path])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("sbatch refused the job array (exit 1): sbatch: error: invalid partition"), refused.stderr)
        let half = try MBenchProcess.run(submit, environment: ["PATH": path])
        XCTAssertEqual(half.status, 2)
        XCTAssertTrue(half.stderr.contains("the job array 41 was submitted, but sbatch refused the merge job")
                      && half.stderr.contains("--dependency=afterok:41"), half.stderr)
        let badScript = try MBenchProcess.run(["scale-out", "slurm", "Experiments/smoke-pca-blobs.yaml", "--shards", "2", "--print-script", "both"])
        XCTAssertEqual(badScript.status, 2)
        let k8sOff = try MBenchProcess.run(["scale-out", "k8s", "Experiments/smoke-pca-blobs.yaml", "--shards", "2", "--output", "Figures2"])
        XCTAssertEqual(k8sOff.status, 2)
        XCTAssertTrue(k8sOff.stderr.contains("not on the shared volume"), k8sOff.stderr)
        let status = try MBenchProcess.run(["scale-out", "status", "Experiments/smoke-pca-blobs.yaml", "--shards", "2", "--output", scratch.path])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("shard 2/2: not started"), status.stdout)
    }

    func testBenchHistoryThenHistoryReportAndExports() throws {
        let history = scratch.appendingPathComponent("history").path
        let missing = try MBenchProcess.run(["history", history])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("is not a benchmark history"), missing.stderr)
        let spec = scratch.appendingPathComponent("bench.yaml")
        try """
        name: history-cli
        datasets:
          - name: blobs
            n: 300
        algorithms:
          - name: pca
        metrics: [trustworthiness@10]
        """.write(to: spec, atomically: true, encoding: .utf8)
        let common = ["bench", spec.path, "--warmup", "0", "--repetitions", "2", "--calibration-runs", "1", "--threads", "1",
                      "--history", history, "--machine", "cli-test"]
        for commit in ["aaaa", "bbbb"] {
            let r = try MBenchProcess.run(common + ["--commit", commit])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.contains("added to history"), r.stderr)
        }
        // A half-written entry is reported and kept; the rest is read.
        let runs = scratch.appendingPathComponent("history/runs")
        try Data(#"{"format": 1, "commit": "cccc", "machi"#.utf8).write(to: runs.appendingPathComponent("zz.json"))
        let report = scratch.appendingPathComponent("report").path
        let bencher = scratch.appendingPathComponent("bmf.json").path, github = scratch.appendingPathComponent("gab.json").path
        let r = try MBenchProcess.run(["history", history, "--json", "--report", report, "--bencher-json", bencher, "--github-json", github])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("zz.json: not a history entry, or cut short"), r.stderr)
        let output = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(output?["commits"] as? [String], ["aaaa", "bbbb"])
        XCTAssertEqual((output?["regressions"] as? [Any])?.count, 0)
        XCTAssertEqual((output?["machines"] as? [[String: Any]])?.first?["id"] as? String, "cli-test")
        XCTAssertTrue(FileManager.default.fileExists(atPath: runs.appendingPathComponent("zz.json").path))
        let html = try String(contentsOfFile: report + "/index.html", encoding: .utf8)
        XCTAssertTrue(html.contains("history-cli: pca"), html)
        let bmf = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bencher))) as? [String: [String: [String: Double]]]
        XCTAssertEqual(bmf?.values.first?.keys.sorted(), ["peak-memory", "time", "trustworthiness-10"])
        let gab = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: github))) as? [[String: Any]]
        XCTAssertEqual(gab?.count, 2)
        // --history on a file is a usage error before any benchmark runs.
        let onFile = try MBenchProcess.run(common.map { $0 == history ? spec.path : $0 })
        XCTAssertEqual(onFile.status, 2)
        XCTAssertTrue(onFile.stderr.contains("is a file, not a history folder"), onFile.stderr)
    }
}
