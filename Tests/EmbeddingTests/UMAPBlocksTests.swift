import Foundation
import XCTest
@testable import Embedding
@testable import Linalg
import Neighbors

/// UMAP on blocks against umap-learn's model algebra on fitted models
/// (Fixtures/make_fitted_model_fixtures.py): `model_a * model_b`, `+`, and a mix weight.
final class UMAPBlocksTests: XCTestCase {
    struct Fixture: Decodable {
        let n_neighbors: Int, epochs: Int
        let a: [[Double]], b: [[Double]]
        let a_fitted: [[Double]], b_fitted: [[Double]]
        let product: [[Double]], sum: [[Double]]
        let intersection_0_25: [[Double]]

        enum CodingKeys: String, CodingKey {
            case n_neighbors, epochs, a, b, a_fitted, b_fitted, product, sum
            case intersection_0_25 = "intersection_0.25"
        }
    }

    static func load() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fitted_model_algebra.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    static func matrix(_ rows: [[Double]]) throws -> Matrix {
        try Matrix(rows: rows.count, cols: rows[0].count, storage: rows.flatMap { $0.map(Float.init) })
    }

    /// The combined graph of `fitBlocks` for two euclidean blocks.
    static func combined(_ f: Fixture, _ join: GraphCombination) throws -> UMAPGraph {
        let umap = try UMAP(parameters: ["n_neighbors": .number(Double(f.n_neighbors))])
        let blocks = [GraphBlock(name: "a", distance: .vectors(try matrix(f.a), .euclidean)),
                      GraphBlock(name: "b", distance: .vectors(try matrix(f.b), .euclidean))]
        var timer = PhaseTimer()
        var diagnostics: [String: Double] = [:], warnings: [String] = []
        return try umap.blockGraph(blocks, joins: try GraphCombination.perBlock([join], blocks: 2), n: f.a.count, seed: 0,
                                   timer: &timer, diagnostics: &diagnostics, warnings: &warnings)
    }

    func assertGraph(_ g: UMAPGraph, equals expected: [[Double]], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(g.rows, expected.count, what, file: file, line: line)
        var worst = 0.0
        for i in 0..<expected.count {
            for j in 0..<expected.count {
                let a = Double(g.value(i, j)), b = expected[i][j]
                worst = max(worst, abs(a - b))
                // Subnormal memberships (below 2^−126, from a row power that underflows) count as 0.
                let tiny = Double(Float.leastNormalMagnitude)
                if (a < tiny) != (b < tiny) { XCTFail("\(what): pattern differs at (\(i), \(j)): \(a) vs \(b)", file: file, line: line); return }
            }
        }
        XCTAssertLessThan(worst, 1e-5, "\(what): largest difference from umap-learn", file: file, line: line)
    }

    /// A fitted model's graph: the fuzzy set with the layout's pruned weights kept as stored zeros.
    func testFittedGraphKeepsPrunedEntriesAsZeros() throws {
        let f = try Self.load()
        for (name, data, expected) in [("a", f.a, f.a_fitted), ("b", f.b, f.b_fitted)] {
            let knn = try ExactKNN.search(try Self.matrix(data), k: f.n_neighbors, metric: .euclidean, includeSelf: true)
            let g = UMAPFuzzySet.fuzzySimplicialSet(knn).graph.zeroingLayoutCut(epochs: f.epochs)
            XCTAssertEqual(g.entryCount, expected.count, "\(name): stored entries")
            guard g.entryCount == expected.count else { continue }
            var zeros = 0
            for (e, t) in expected.enumerated() {
                let i = Int(t[0])
                XCTAssertTrue(g.rowStart[i] <= e && e < g.rowStart[i + 1] && Int(g.column[e]) == Int(t[1]), "\(name): entry \(e) position")
                XCTAssertEqual(Double(g.weight[e]), t[2], accuracy: 1e-5, "\(name): entry (\(i), \(Int(t[1])))")
                XCTAssertEqual(g.weight[e] == 0, t[2] == 0, "\(name): stored zero at (\(i), \(Int(t[1])))")
                if t[2] == 0 { zeros += 1 }
            }
            if name == "a" { XCTAssertGreaterThan(zeros, 0, "the fixture must prune entries of view a") }
        }
    }

    /// Two blocks joined by intersection, union and weight 0.25 give umap-learn's `model_a * model_b`,
    /// `model_a + model_b` and the weighted intersection of the fitted graphs (floors 1e-8, pruned
    /// entries as membership 0). With the unpruned fuzzy sets the floors were min/2 and the product differed.
    func testBlockCombinationsMatchFittedModelAlgebra() throws {
        let f = try Self.load()
        assertGraph(try Self.combined(f, .intersection(weight: 0.5)), equals: f.product, "a * b")
        assertGraph(try Self.combined(f, .union), equals: f.sum, "a + b")
        assertGraph(try Self.combined(f, .intersection(weight: 0.25)), equals: f.intersection_0_25, "a ∩ b at weight 0.25")
    }

    /// A stored zero is a present entry of membership 0: it makes its side's floor 1e-8 and is not replaced by the floor.
    func testStoredZerosInTheAlgebra() {
        let a = FuzzySetAlgebraTests.graph([[0, 0.5, 0.9], [0.5, 0, 0], [0.9, 0, 0]])
        let b = FuzzySetAlgebraTests.graph([[0, 0.2, 0], [0.2, 0, 0.8], [0, 0.8, 0]])
        var pruned = a
        pruned.weight[pruned.rowStart[0]] = 0   // (0, 1) pruned
        let product = FuzzySetAlgebra.intersection(pruned, b)
        XCTAssertEqual(product.value(0, 1), 0)                       // 0 · 0.2, not floor · 0.2
        XCTAssertEqual(product.value(1, 2), Float(1e-8 * 0.8), accuracy: 1e-15)  // A's floor: min 0 → 1e-8
        XCTAssertEqual(FuzzySetAlgebra.intersection(a, b).value(1, 2), Float(0.25 * 0.8), accuracy: 1e-7)  // min 0.5 → 0.25
        XCTAssertEqual(FuzzySetAlgebra.union(pruned, b).value(0, 1), 0.2, accuracy: 1e-7)  // 0 + 0.2 − 0
        // zeroingLayoutCut keeps the pattern.
        XCTAssertEqual(a.zeroingLayoutCut(epochs: 2), a)   // cut 0.45: nothing below it
        let harder = a.zeroingLayoutCut(epochs: 1)          // cut 0.9: the two 0.5s become stored zeros
        XCTAssertEqual(harder.entryCount, a.entryCount)
        XCTAssertEqual(harder.weight.filter { $0 == 0 }.count, 2)
    }
}
