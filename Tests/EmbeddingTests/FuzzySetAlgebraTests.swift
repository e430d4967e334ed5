import Foundation
import XCTest
@testable import Embedding
@testable import Neighbors
@testable import Linalg

/// Graph combination against umap-learn on small hand-made graphs (Fixtures/make_fuzzy_set_fixtures.py).
final class FuzzySetAlgebraTests: XCTestCase {
    struct Fixture: Decodable {
        struct Case: Decodable {
            let n: Int
            let left: [[Double]], right: [[Double]]
            let labels: [Int], codes: [[Int]]
            let intersection: [String: [[Double]]]
            let difference: [[Double]], union: [[Double]]
            let reset: [[Double]], reset_metric: [[Double]]
            let model_product: [[Double]], model_sum: [[Double]], model_difference: [[Double]]
            let label_intersection: [[Double]], hamming_intersection: [[Double]]
        }
        let umap_learn_version: String
        let cases: [Case]
    }

    static func load() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fuzzy_set_algebra.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// A graph from a dense matrix (0 = no entry).
    static func graph(_ dense: [[Double]]) -> UMAPGraph {
        let n = dense.count
        let lists = dense.map { row in row.enumerated().compactMap { j, w in w != 0 ? (Int32(j), Float(w)) : nil } }
        return UMAPGraph.fromRows(n, cols: n, lists)
    }

    func assertGraph(_ g: UMAPGraph, equals expected: [[Double]], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(g.rows, expected.count, what, file: file, line: line)
        for i in 0..<expected.count {
            for j in 0..<expected.count {
                let a = Double(g.value(i, j)), b = expected[i][j]
                if abs(a - b) > 1e-6 {
                    XCTFail("\(what): entry (\(i), \(j)) is \(a), umap-learn gives \(b)", file: file, line: line)
                    return
                }
                // The pattern matters too: an explicit entry where umap-learn has none would change the layout.
                if (a == 0) != (b == 0) { XCTFail("\(what): pattern differs at (\(i), \(j))", file: file, line: line); return }
            }
        }
    }

    func testCombinationsMatchUMAPLearn() throws {
        let fixture = try Self.load()
        XCTAssertEqual(fixture.cases.count, 3)
        for (c, entry) in fixture.cases.enumerated() {
            let left = Self.graph(entry.left), right = Self.graph(entry.right)
            for (w, expected) in entry.intersection {
                assertGraph(FuzzySetAlgebra.intersection(left, right, weight: Double(w)!), equals: expected, "case \(c) intersection w=\(w)")
            }
            assertGraph(FuzzySetAlgebra.difference(left, right), equals: entry.difference, "case \(c) difference")
            assertGraph(FuzzySetAlgebra.union(left, right), equals: entry.union, "case \(c) union")
            assertGraph(FuzzySetAlgebra.resetLocalConnectivity(left), equals: entry.reset, "case \(c) reset")
            assertGraph(FuzzySetAlgebra.resetLocalConnectivity(left, resetLocalMetric: true), equals: entry.reset_metric,
                        "case \(c) reset with local metric")
            assertGraph(FuzzySetAlgebra.modelIntersection(left, right), equals: entry.model_product, "case \(c) model *")
            assertGraph(FuzzySetAlgebra.modelUnion(left, right), equals: entry.model_sum, "case \(c) model +")
            assertGraph(FuzzySetAlgebra.modelDifference(left, right), equals: entry.model_difference, "case \(c) model -")
            assertGraph(FuzzySetAlgebra.labelIntersection(left, labels: entry.labels, unknownDistance: 1,
                                                          farDistance: FuzzySetAlgebra.farDistance(targetWeight: 0.5)),
                        equals: entry.label_intersection, "case \(c) label intersection")
            let codes = entry.codes.flatMap { $0.map(Int32.init) }
            var evaluator = BlockDistance.categorical(codes: codes, columns: 2).evaluator()
            assertGraph(FuzzySetAlgebra.metricIntersection(left, scale: 5) { evaluator.distance($0, $1) },
                        equals: entry.hamming_intersection, "case \(c) categorical-metric intersection")
        }
    }

    /// Known answers by hand: intersecting with an identical set at weight 0.5 squares every
    /// membership; union with an empty-pattern-free set keeps 1 where either is 1.
    func testHandComputedValues() {
        let a = Self.graph([[0, 0.5, 0], [0.5, 0, 1], [0, 1, 0]])
        let product = FuzzySetAlgebra.intersection(a, a, weight: 0.5)
        XCTAssertEqual(product.value(0, 1), 0.25, accuracy: 1e-7)
        XCTAssertEqual(product.value(1, 2), 1, accuracy: 1e-7)
        XCTAssertEqual(product.value(0, 2), 0)
        // Weight 1: only the right set counts (a^0 · b); weight 0: only the left (a · b^0).
        let b = Self.graph([[0, 0.2, 0], [0.2, 0, 0.4], [0, 0.4, 0]])
        XCTAssertEqual(FuzzySetAlgebra.intersection(a, b, weight: 1).value(0, 1), 0.2, accuracy: 1e-7)
        XCTAssertEqual(FuzzySetAlgebra.intersection(a, b, weight: 0).value(0, 1), 0.5, accuracy: 1e-7)
        // Union: 0.5 + 0.2 − 0.1.
        XCTAssertEqual(FuzzySetAlgebra.union(a, b).value(0, 1), 0.6, accuracy: 1e-7)
        // Reset: rows scaled to max 1, then a ∪ aᵀ: (0,1) becomes 0.5 + 0.5 − 0.25 = 0.75 after row 0 is scaled by 1/0.5.
        let reset = FuzzySetAlgebra.resetLocalConnectivity(a)
        XCTAssertEqual(reset.value(0, 1), 1, accuracy: 1e-7)  // row 0 → 1, row 1 → 0.5: 1 + 0.5 − 0.5
        XCTAssertEqual(reset.value(1, 0), 1, accuracy: 1e-7)
    }

    /// Two numeric views with known structure: four clusters on a 2 × 2 grid; view A sees only the
    /// x position of a cluster (plus noise), view B only its y position. Each view alone mixes two
    /// clusters (about half of a point's edge weight goes to the wrong one); their intersection
    /// (umap-learn's `*`) keeps what is near in both, so most weight stays in the cluster, while
    /// their union (`+`) mixes clusters as much as a single view.
    func testIntersectionOfTwoViewsSeparatesWhatNeitherViewSeparates() throws {
        var rng = RandomStream(seed: 11)
        let per = 25, n = 4 * per
        var a: [Float] = [], b: [Float] = [], cluster: [Int] = []
        for c in 0..<4 {
            for _ in 0..<per {
                a += [Float(c / 2) * 20 + Float(rng.nextGaussian()), Float(rng.nextGaussian())]
                b += [Float(c % 2) * 20 + Float(rng.nextGaussian()), Float(rng.nextGaussian())]
                cluster.append(c)
            }
        }
        func graph(_ values: [Float]) throws -> UMAPGraph {
            let knn = try ExactKNN.search(try Matrix(rows: n, cols: 2, storage: values), k: 15, metric: .euclidean, includeSelf: true)
            return UMAPFuzzySet.fuzzySimplicialSet(knn).graph
        }
        func withinClusterShare(_ g: UMAPGraph) -> Double {
            var inside = 0.0, total = 0.0
            for i in 0..<n {
                for e in g.rowStart[i]..<g.rowStart[i + 1] {
                    total += Double(g.weight[e])
                    if cluster[Int(g.column[e])] == cluster[i] { inside += Double(g.weight[e]) }
                }
            }
            return inside / total
        }
        let ga = try graph(a), gb = try graph(b)
        XCTAssertEqual(withinClusterShare(ga), 0.5, accuracy: 0.15)
        XCTAssertEqual(withinClusterShare(gb), 0.5, accuracy: 0.15)
        let viewShare = max(withinClusterShare(ga), withinClusterShare(gb))
        // The raw intersection keeps nearly all weight in the cluster; re-normalising (reset of
        // local connectivity, and with re-calibrated rows as umap-learn's `*` does) spreads some
        // back, but far less than either view alone; the union is no better than a view.
        XCTAssertGreaterThan(withinClusterShare(FuzzySetAlgebra.intersection(ga, gb)), 0.95)
        XCTAssertGreaterThan(withinClusterShare(FuzzySetAlgebra.resetLocalConnectivity(FuzzySetAlgebra.intersection(ga, gb))), 0.85)
        XCTAssertGreaterThan(withinClusterShare(FuzzySetAlgebra.modelIntersection(ga, gb)), viewShare + 0.1)
        XCTAssertLessThan(withinClusterShare(FuzzySetAlgebra.modelUnion(ga, gb)), viewShare + 0.05)
    }

    /// A continuous target (`target_metric` for regression labels) on structureless data: the
    /// target's fuzzy set, intersected in with weight 0.8, makes embedding neighbours close in the
    /// target, which the data alone cannot (noise: neighbours differ by ~1/3 on average).
    func testContinuousTargetOrdersTheEmbedding() throws {
        var rng = RandomStream(seed: 21)
        let n = 200
        let data = try Matrix(rows: n, cols: 5, storage: (0..<n * 5).map { _ in Float(rng.nextGaussian()) })
        let target = (0..<n).map { _ in rng.nextDouble() }
        func meanTargetGap(_ embedding: Matrix) throws -> Double {
            let knn = try ExactKNN.search(embedding, k: 10, metric: .euclidean, includeSelf: false)
            var total = 0.0
            for i in 0..<n { for j in knn.neighbors(of: i) { total += abs(target[i] - target[Int(j)]) } }
            return total / Double(n * 10)
        }
        let umap = try UMAP(parameters: ["n_epochs": .number(100), "target_weight": .number(0.8)])
        let supervised = try umap.fitModel(data, target: target, seed: 3).1.embedding
        let plain = try umap.fitModel(data, seed: 3).1.embedding
        XCTAssertGreaterThan(try meanTargetGap(plain), 0.25)
        XCTAssertLessThan(try meanTargetGap(supervised), 0.08)
    }
}
