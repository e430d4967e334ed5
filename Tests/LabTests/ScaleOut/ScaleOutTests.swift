import Foundation
import Lab
import XCTest
import Yams

final class ScaleOutTests: XCTestCase {
    func plan(shards: Int = 4, output: String = "Figures", memory: String? = "4G", retries: Int = 2) throws -> ScaleOutPlan {
        try ScaleOutPlan(specPath: "Experiments/x.yaml", experiment: "My Sweep", taskCount: 12, shards: shards, output: output,
                         cpus: 2, memory: memory, timeLimit: "01:00:00", partition: "short", retries: retries)
    }

    func testBadSettingsAreRefusedWithTheOptionNamed() {
        func message(_ make: () throws -> ScaleOutPlan) -> String {
            do { _ = try make(); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message { try self.plan(shards: 13) }.contains("expands to 12 tasks: --shards 13"))
        XCTAssertTrue(message { try self.plan(shards: 0) }.contains("--shards must be in"))
        XCTAssertTrue(message { try self.plan(memory: "4 GB") }.contains("--mem"))
        XCTAssertTrue(message { try self.plan(retries: 99) }.contains("--retries"))
        XCTAssertTrue(message { try ScaleOutPlan(specPath: "s.yaml", experiment: "e", taskCount: 4, shards: 2, timeLimit: "1:2:3:4") }.contains("--time"))
        XCTAssertTrue(message { try ScaleOutPlan(specPath: "s.yaml", experiment: "e", taskCount: 4, shards: 2, partition: "a;rm -rf") }.contains("--partition"))
        XCTAssertTrue(message { try ScaleOutPlan(specPath: "s.yaml", experiment: "e", taskCount: 4, shards: 2, output: "a\nb") }.contains("single line"))
        XCTAssertEqual(message { try ScaleOutPlan(specPath: "s.yaml", experiment: "e", taskCount: 4, shards: 2, timeLimit: "2-12:00:00") }, "")
    }

    func testSlurmScriptsAreValidBashWithTheDirectivesAsked() throws {
        let p = try plan(output: "/shared dir/Figures")
        let array = SlurmScripts.array(p), merge = SlurmScripts.merge(p)
        for line in ["#SBATCH --array=0-3", "#SBATCH --cpus-per-task=2", "#SBATCH --mem=4G", "#SBATCH --time=01:00:00",
                     "#SBATCH --partition=short", "#SBATCH --requeue", "RETRIES=2", "SHARDS=4",
                     "WORK='/shared dir/Figures/.scale-out/My Sweep'"] {
            XCTAssertTrue(array.contains(line + "\n"), line)
        }
        XCTAssertTrue(merge.contains("\"$MBENCH\" merge \"$OUTPUT\" \"${folders[@]}\""))
        XCTAssertTrue(merge.contains("--require-done"))
        XCTAssertFalse(merge.contains("--array"))
        // Every #SBATCH line comes before the first command (sbatch stops reading them there).
        for script in [array, merge] {
            let lines = script.split(separator: "\n")
            let firstCommand = lines.firstIndex { !$0.hasPrefix("#") }!
            XCTAssertFalse(lines[firstCommand...].contains { $0.hasPrefix("#SBATCH") })
            XCTAssertEqual(try Self.bash(["-n", "-c", script]), 0)
        }
    }

    /// The array script as Slurm would run it, with a fake mbench that fails its first call:
    /// the retry happens and reuses; without the shared token it refuses to start.
    func testArrayScriptRetriesAndChecksTheSharedFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-slurm-script-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let fake = dir.appendingPathComponent("fake-mbench")
        try """
        #!/bin/sh
        echo "$@" >> calls
        [ -f failed-once ] && exit 0
        touch failed-once; exit 1
        """.write(to: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        let p = try ScaleOutPlan(specPath: "s.yaml", experiment: "e", taskCount: 4, shards: 2, output: "out",
                                 executable: fake.path, retries: 1)
        try FileManager.default.createDirectory(atPath: dir.appendingPathComponent(p.workFolder).path, withIntermediateDirectories: true)
        try "tok".write(toFile: dir.appendingPathComponent(p.tokenFile).path, atomically: true, encoding: .utf8)
        let environment = ["SLURM_ARRAY_TASK_ID": "1", "SLURM_SUBMIT_DIR": dir.path, ScaleOutPlan.tokenVariable: "tok"]
        XCTAssertEqual(try Self.bash(["-c", SlurmScripts.array(p)], environment: environment), 0)
        let calls = try String(contentsOf: dir.appendingPathComponent("calls"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(calls, Array(repeating: "run s.yaml --shard 2/2 --threads 1 --output out/.scale-out/e/shard-2", count: 2))
        var other = environment
        other[ScaleOutPlan.tokenVariable] = "another"
        XCTAssertEqual(try Self.bash(["-c", SlurmScripts.array(p)], environment: other), 2)
    }

    func testKubernetesManifestFitsTheJobSchema() throws {
        let p = try plan(output: "/shared/Figures")
        let job = try KubernetesJob(plan: p, image: "registry.example.org/mbench:1", claim: "mbench-shared", mountPath: "/shared")
        XCTAssertEqual(job.name, "mbench-my-sweep")
        let manifest = job.manifest()
        let node = try XCTUnwrap(try Yams.load(yaml: manifest) as? [String: Any])
        try KubernetesJobSchema.validate(node)
        let spec = node["spec"] as? [String: Any]
        XCTAssertEqual(spec?["completions"] as? Int, 4)
        XCTAssertEqual(spec?["parallelism"] as? Int, 4)
        XCTAssertEqual(spec?["completionMode"] as? String, "Indexed")
        let container = (((spec?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]])?.first
        let command = (container?["args"] as? [String])?.first ?? ""
        XCTAssertTrue(command.contains("--shard \"$((JOB_COMPLETION_INDEX + 1))/4\""), command)
        XCTAssertTrue(command.contains("--output '/shared/Figures/.scale-out/My Sweep'/shard-"), command)
        XCTAssertEqual(try Self.bash(["-n", "-c", command]), 0)
        // The validator is not a rubber stamp.
        var broken = node
        broken["spec"] = (spec ?? [:]).merging(["completionsCount": 4]) { $1 }
        XCTAssertThrowsError(try KubernetesJobSchema.validate(broken))
        // Output off the shared volume is refused.
        XCTAssertThrowsError(try KubernetesJob(plan: try plan(output: "Figures"), image: "i", mountPath: "/shared"))
    }

    static func bash(_ arguments: [String], environment: [String: String] = [:]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// The fields of the Kubernetes batch/v1 Job schema (API reference, v1.29) that a manifest of
/// ours may use, with their types, and the Job rules it must meet.
enum KubernetesJobSchema {
    struct Invalid: Error, CustomStringConvertible { let description: String }

    indirect enum FieldType { case string, integer, object([String: FieldType]), list(FieldType), map }

    static let quantity = FieldType.string
    static let container: [String: FieldType] = [
        "name": .string, "image": .string, "workingDir": .string, "command": .list(.string), "args": .list(.string),
        "env": .list(.object(["name": .string, "value": .string])),
        "resources": .object(["requests": .map, "limits": .map]),
        "volumeMounts": .list(.object(["name": .string, "mountPath": .string, "readOnly": .string, "subPath": .string])),
    ]
    static let job: [String: FieldType] = [
        "apiVersion": .string, "kind": .string,
        "metadata": .object(["name": .string, "namespace": .string, "labels": .map, "annotations": .map]),
        "spec": .object([
            "completionMode": .string, "completions": .integer, "parallelism": .integer, "backoffLimit": .integer,
            "backoffLimitPerIndex": .integer, "activeDeadlineSeconds": .integer, "ttlSecondsAfterFinished": .integer,
            "template": .object([
                "metadata": .object(["labels": .map, "annotations": .map]),
                "spec": .object([
                    "restartPolicy": .string, "containers": .list(.object(container)),
                    "volumes": .list(.object(["name": .string, "persistentVolumeClaim": .object(["claimName": .string, "readOnly": .string])])),
                ]),
            ]),
        ]),
    ]

    static func validate(_ node: [String: Any]) throws {
        try check(node, against: .object(job), path: "")
        guard node["apiVersion"] as? String == "batch/v1", node["kind"] as? String == "Job" else { throw Invalid(description: "not a batch/v1 Job") }
        let metadata = node["metadata"] as? [String: Any] ?? [:]
        let name = metadata["name"] as? String ?? ""
        guard !name.isEmpty, name.count <= 63, name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }),
              name.first != "-", name.last != "-" else { throw Invalid(description: "metadata.name '\(name)' is not a DNS-1123 label") }
        let spec = node["spec"] as? [String: Any] ?? [:]
        guard let completions = spec["completions"] as? Int, completions >= 1 else { throw Invalid(description: "an Indexed Job needs completions ≥ 1") }
        guard spec["completionMode"] as? String == "Indexed" else { throw Invalid(description: "completionMode must be Indexed") }
        guard let parallelism = spec["parallelism"] as? Int, (1...completions).contains(parallelism) else { throw Invalid(description: "parallelism out of 1...completions") }
        let pod = ((spec["template"] as? [String: Any])?["spec"] as? [String: Any]) ?? [:]
        guard ["OnFailure", "Never"].contains(pod["restartPolicy"] as? String ?? "") else { throw Invalid(description: "a Job's restartPolicy is OnFailure or Never") }
        let volumes = Set(((pod["volumes"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
        for container in (pod["containers"] as? [[String: Any]]) ?? [] {
            for mount in (container["volumeMounts"] as? [[String: Any]]) ?? [] where !volumes.contains(mount["name"] as? String ?? "") {
                throw Invalid(description: "volumeMount \(mount["name"] ?? "") names no volume")
            }
            let resources = container["resources"] as? [String: Any] ?? [:]
            for (_, group) in resources {
                for (_, value) in group as? [String: Any] ?? [:] {
                    guard let text = value as? String, text.range(of: #"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$"#, options: .regularExpression) != nil else {
                        throw Invalid(description: "resource quantity \(value) is not a string quantity")
                    }
                }
            }
        }
    }

    static func check(_ value: Any, against type: FieldType, path: String) throws {
        switch type {
        case .string: guard value is String else { throw Invalid(description: "\(path) must be a string") }
        case .integer: guard value is Int else { throw Invalid(description: "\(path) must be an integer") }
        case .map: guard value is [String: Any] else { throw Invalid(description: "\(path) must be a map") }
        case .list(let element):
            guard let items = value as? [Any] else { throw Invalid(description: "\(path) must be a list") }
            for (i, item) in items.enumerated() { try check(item, against: element, path: "\(path)[\(i)]") }
        case .object(let fields):
            guard let object = value as? [String: Any] else { throw Invalid(description: "\(path) must be an object") }
            for (key, item) in object {
                guard let field = fields[key] else { throw Invalid(description: "\(path).\(key) is not a field of the Job schema") }
                try check(item, against: field, path: path.isEmpty ? key : "\(path).\(key)")
            }
        }
    }
}
