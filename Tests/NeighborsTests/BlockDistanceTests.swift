import XCTest
@testable import Neighbors
@testable import Linalg

/// The block metrics on known answers, and the exact block kNN against a sort of all distances.
final class BlockDistanceTests: XCTestCase {
    func testLevenshteinKnownAnswers() {
        XCTAssertEqual(Levenshtein.distance("kitten", "sitting"), 3)
        XCTAssertEqual(Levenshtein.distance("flaw", "lawn"), 2)
        XCTAssertEqual(Levenshtein.distance("", "abc"), 3)
        XCTAssertEqual(Levenshtein.distance("abc", ""), 3)
        XCTAssertEqual(Levenshtein.distance("same", "same"), 0)
        XCTAssertEqual(Levenshtein.distance("Zürich", "Zurich"), 1)  // one Unicode scalar, not two bytes
        XCTAssertEqual(Levenshtein.distance("ab", "ba"), 2)
        XCTAssertEqual(Levenshtein.distance("Municipal", "Regional"), Levenshtein.distance("Regional", "Municipal"))
    }

    func testCategoricalOrdinalGower() {
        var cat = BlockDistance.categorical(codes: [0, 1, 0, 2, 1, 1], columns: 2).evaluator()
        XCTAssertEqual(cat.distance(0, 1), 0.5)   // (0, 1) vs (0, 2): one of two columns differs
        XCTAssertEqual(cat.distance(0, 2), 0.5)
        XCTAssertEqual(cat.distance(1, 2), 1)
        XCTAssertEqual(cat.distance(2, 2), 0)
        var ord = BlockDistance.ordinal(ranks: [0, 0.5, 1, 1], columns: 2).evaluator()
        XCTAssertEqual(ord.distance(0, 1), 0.75)   // (|0 − 1| + |0.5 − 1|) / 2
        let numeric = try! Matrix(rows: 2, cols: 2, storage: [0, 1, 0.5, 0.25])
        var gower = BlockDistance.gower(numeric: numeric, codes: [3, 4], codeColumns: 1).evaluator()
        XCTAssertEqual(gower.distance(0, 1), Float((0.5 + 0.75 + 1) / 3), accuracy: 1e-7)
        var strings = BlockDistance.strings(["kitten", "sitting"]).evaluator()
        XCTAssertEqual(strings.distance(0, 1), 3)
    }

    func testHaversineKnownAnswer() {
        // A quarter of a great circle: (0, 0) to (0, 90°) and to the pole.
        let m = try! Matrix(rows: 3, cols: 2, storage: [0, 0, 0, Float.pi / 2, Float.pi / 2, 0])
        var h = BlockDistance.vectors(m, .haversine).evaluator()
        XCTAssertEqual(h.distance(0, 1), Float.pi / 2, accuracy: 1e-6)
        XCTAssertEqual(h.distance(0, 2), Float.pi / 2, accuracy: 1e-6)
        XCTAssertEqual(h.distance(1, 2), Float.pi / 2, accuracy: 1e-6)
    }

    /// Exact kNN under edit distance equals a full sort (ties by lower index), and is the same for any thread count.
    func testBlockKNNMatchesFullSortAndIsThreadIndependent() throws {
        var rng = RandomStream(seed: 3)
        let letters: [Character] = ["a", "b", "c", "d", "e"]
        var words: [String] = []
        for _ in 0..<300 {
            let length = 3 + Int(rng.next() % 6)
            var word = ""
            for _ in 0..<length { word.append(letters[Int(rng.next() % 5)]) }
            words.append(word)
        }
        let block = BlockDistance.strings(words)
        let k = 6
        let graph = try BlockKNN.search(block, k: k, includeSelf: true)
        var evaluator = block.evaluator()
        for i in stride(from: 0, to: words.count, by: 17) {
            XCTAssertEqual(graph.indices[i * k], Int32(i))
            var others: [(distance: Float, index: Int)] = []
            for j in 0..<words.count where j != i { others.append((evaluator.distance(i, j), j)) }
            others.sort { a, b in a.distance < b.distance || (a.distance == b.distance && a.index < b.index) }
            let expected = others.prefix(k - 1)
            XCTAssertEqual(Array(graph.neighbors(of: i).dropFirst()), expected.map { Int32($0.index) })
            XCTAssertEqual(Array(graph.neighborDistances(of: i).dropFirst()), expected.map { $0.distance })
        }
        let one = try Parallel.withThreadCount(1) { try BlockKNN.search(block, k: k, includeSelf: true) }
        XCTAssertEqual(one, graph)
    }

    func testBlockKNNRefusesTooManyPointsAndTooLargeK() {
        XCTAssertThrowsError(try BlockKNN.search(.strings(["a", "b"]), k: 3, includeSelf: true))
        let big = BlockDistance.categorical(codes: [Int32](repeating: 0, count: BlockKNN.maximumPoints + 1), columns: 1)
        XCTAssertThrowsError(try BlockKNN.search(big, k: 2, includeSelf: true)) { error in
            XCTAssertTrue("\(error)".contains("limited to \(BlockKNN.maximumPoints) points"))
        }
    }
}
