import XCTest
@testable import Lab
@testable import Embedding

final class PlanTests: XCTestCase {
    func spec(_ yaml: String) throws -> ExperimentSpec { try SpecParser.parse(yaml: yaml, file: "p.yaml") }

    let yaml = """
    seeds: [1, 2, 3]
    datasets:
      - name: blobs
        n: [100, 200]
    algorithms:
      - name: pca
        params: {n_components: [2, 3], whiten: [false, true]}
    """

    func testGridIsTheFullCrossProduct() throws {
        let plan = Plan(spec: try spec(yaml))
        XCTAssertEqual(plan.tasks.count, 2 * 2 * 2 * 3)
        XCTAssertEqual(Set(plan.tasks.map(\.id)).count, plan.tasks.count)
        XCTAssertEqual(plan.tasks.first?.dataset.n, 100)
        XCTAssertEqual(plan.tasks.first?.seed, 1)
        XCTAssertEqual(plan.tasks.last?.parameters["whiten"], .flag(true))
    }

    func testHashIsStableAndIgnoresLabelsAndOrder() throws {
        let a = Plan(spec: try spec(yaml)).tasks
        let reordered = yaml.replacingOccurrences(of: "{n_components: [2, 3], whiten: [false, true]}",
                                                  with: "{whiten: [false, true], n_components: [2, 3]}")
            .replacingOccurrences(of: "- name: pca", with: "- name: pca\n    label: Principal")
        let b = Plan(spec: try spec(reordered)).tasks
        XCTAssertEqual(Set(a.map(\.id)), Set(b.map(\.id)))
        // Known answer: the hash of a fixed task must not change silently (it names stored results).
        let task = ExperimentTask(datasetLabel: "x", dataset: DatasetSelection(
            name: "blobs", n: 100, split: nil, subsample: "random", scaling: "none", path: nil, labelsPath: nil,
            labelColumn: nil, options: ["dimension": 5], pca: nil), algorithm: "pca", algorithmLabel: "PCA",
            parameters: ["n_components": .number(2)], seed: 1)
        XCTAssertEqual(task.id.count, 16)
        XCTAssertEqual(task.id, ExperimentTask(datasetLabel: "y", dataset: task.dataset, algorithm: "pca",
                                               algorithmLabel: "P", parameters: task.parameters, seed: 1).id)
        XCTAssertNotEqual(task.id, ExperimentTask(datasetLabel: "x", dataset: task.dataset, algorithm: "pca",
                                                  algorithmLabel: "PCA", parameters: task.parameters, seed: 2).id)
    }

    func testShardsPartitionThePlan() throws {
        let plan = Plan(spec: try spec(yaml))
        let shards = (0..<5).map { plan.shard($0, of: 5) }
        XCTAssertEqual(shards.map(\.count).reduce(0, +), plan.tasks.count)
        XCTAssertEqual(Set(shards.flatMap { $0.map(\.id) }), Set(plan.tasks.map(\.id)))
    }
}
