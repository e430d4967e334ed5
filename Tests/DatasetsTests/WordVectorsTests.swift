import Foundation
import XCTest
@testable import Datasets
import Linalg

final class WordVectorsTests: XCTestCase {
    func load(n: Int, subsample: Subsample = .random, seed: UInt64 = 3, _ options: [String: Double] = [:]) throws -> Dataset {
        try DatasetLoader.load(DatasetRequest(name: "word-vectors", n: n, subsample: subsample, options: options), seed: seed)
    }

    func generator(_ options: [String: Double], seed: UInt64 = 3) throws -> WordVectors {
        try WordVectors(options: try IndexedGenerators.OptionValues(WordVectors.declaration, options), seed: seed)
    }

    func testShapeLabelsAndSeeds() throws {
        let a = try load(n: 200, ["dimension": 12, "clusters": 20])
        XCTAssertEqual(a.data.rows, 200)
        XCTAssertEqual(a.data.cols, 12)
        XCTAssertNil(a.data.firstNonFinite())
        XCTAssertTrue(a.labels!.allSatisfy { (0..<20).contains($0) })
        XCTAssertEqual(try load(n: 200, ["dimension": 12, "clusters": 20]).data, a.data)
        XCTAssertNotEqual(try load(n: 200, seed: 4, ["dimension": 12, "clusters": 20]).data, a.data)
        XCTAssertEqual(try load(n: 5).data.cols, 300, "300 dimensions by default")
    }

    /// Row i depends only on (seed, i): a random subsample of a smaller virtual set holds the same rows.
    func testSubsampleRowsAreThoseOfTheFullSet() throws {
        let options: [String: Double] = ["dimension": 8, "clusters": 5, "size": 3000]
        let full = try load(n: 3000, subsample: .first, options)
        let part = try load(n: 50, options)
        let idx = try Preprocessing.subsampleIndices(total: 3000, n: 50, method: .random, labels: nil, seed: 3)
        XCTAssertEqual(part.data, full.data.selectingRows(idx))
        XCTAssertEqual(part.labels, idx.map { full.labels![$0] })
        let g = try generator(options)
        XCTAssertEqual(full.labels, (0..<3000).map { g.label(ofRow: $0, seed: 3) })
    }

    func testBytesDoNotDependOnThreadCount() throws {
        let g = try generator(["dimension": 30, "clusters": 40])
        let rows = Array(0..<600) + [2_999_999]
        let one = try Parallel.withThreadCount(1) { try g.generate(rows: rows, seed: 1) }
        let two = try Parallel.withThreadCount(2) { try g.generate(rows: rows, seed: 1) }
        let three = try Parallel.withThreadCount(3) { try g.generate(rows: rows, seed: 1) }
        XCTAssertEqual(one.storage, two.storage)
        XCTAssertEqual(one.storage, three.storage)
    }

    /// Cluster c is drawn with probability (c + 1)^−s / Σ: exponent 1 gives a harmonic (heavy) tail, 0 equal sizes.
    func testClusterSizesFollowZipf() throws {
        let g = try generator(["dimension": 2, "clusters": 50, "zipf_exponent": 1])
        var counts = [Int](repeating: 0, count: 50)
        let n = 40_000
        for i in 0..<n { counts[g.label(ofRow: i, seed: 3)] += 1 }
        let harmonic = (1...50).map { 1 / Double($0) }.reduce(0, +)
        for c in [0, 1, 4, 9] {
            let p = 1 / Double(c + 1) / harmonic
            XCTAssertEqual(Double(counts[c]) / Double(n), p, accuracy: 4 * (p * (1 - p) / Double(n)).squareRoot(), "cluster \(c)")
        }
        let flat = try generator(["dimension": 2, "clusters": 50, "zipf_exponent": 0])
        var flatCounts = [Int](repeating: 0, count: 50)
        for i in 0..<n { flatCounts[flat.label(ofRow: i, seed: 3)] += 1 }
        XCTAssertLessThan(Double(flatCounts.max()!) / Double(flatCounts.min()!), 1.4)
    }

    /// Around its centre, a cluster spreads with variance σ² / j² along its j-th direction and (σ/20)² across.
    func testClustersAreAnisotropic() throws {
        let d = 100
        let g = try generator(["dimension": Double(d), "clusters": 3, "cluster_std": 3])
        let rows = (0..<6000).filter { g.label(ofRow: $0, seed: 3) == 0 }
        let m = try g.generate(rows: rows, seed: 3)
        let stride = (1 + g.rank) * d
        XCTAssertEqual(g.clusterParameters.count, 3 * stride)
        let centre = Array(g.clusterParameters[0..<d])
        let centreStd = (centre.map { $0 * $0 }.reduce(0, +) / Double(d)).squareRoot()
        XCTAssertEqual(centreStd, 0.2, accuracy: 0.2 * 0.3, "centre coordinates have standard deviation center_std")
        func variance(along u: [Double]) -> Double {
            var s = 0.0
            for i in 0..<m.rows {
                var p = 0.0
                for j in 0..<d { p += (Double(m[i, j]) - centre[j]) * u[j] }
                s += p * p
            }
            return s / Double(m.rows)
        }
        for r in [1, 2] {
            let u = Array(g.clusterParameters[r * d ..< (r + 1) * d])
            XCTAssertEqual(u.map { $0 * $0 }.reduce(0, +), 1, accuracy: 1e-12)
            let expected = 9 / Double(r * r) + 0.0225
            XCTAssertEqual(variance(along: u), expected, accuracy: 0.15 * expected, "direction \(r)")
        }
        // A direction orthogonal to all of the cluster's axes sees only the isotropic part.
        var v = (0..<d).map { Double($0 % 7) - 3 }
        for r in 1...g.rank {
            let u = Array(g.clusterParameters[r * d ..< (r + 1) * d])
            let dot = zip(v, u).map(*).reduce(0, +)
            for j in 0..<d { v[j] -= dot * u[j] }
        }
        // (re-orthogonalise once: the axes are not exactly orthogonal to each other)
        for r in 1...g.rank {
            let u = Array(g.clusterParameters[r * d ..< (r + 1) * d])
            let dot = zip(v, u).map(*).reduce(0, +)
            for j in 0..<d { v[j] -= dot * u[j] }
        }
        let norm = v.map { $0 * $0 }.reduce(0, +).squareRoot()
        v = v.map { $0 / norm }
        XCTAssertEqual(variance(along: v), 0.0225, accuracy: 0.006)
    }

    func testLimitsAreChecked() throws {
        XCTAssertThrowsError(try load(n: 3_000_001)) { XCTAssertTrue("\($0)".contains("at most 3000000"), "\($0)") }
        XCTAssertThrowsError(try load(n: 11, ["size": 10]))
        XCTAssertThrowsError(try load(n: 10, ["dimension": 1]))
        XCTAssertThrowsError(try load(n: 10, ["clusters": 100_000, "dimension": 4096])) {
            XCTAssertTrue("\($0)".contains("clusters"), "\($0)")
        }
        XCTAssertThrowsError(try DatasetLoader.validate(DatasetRequest(name: "word-vectors", options: ["zipf": 1])))
        XCTAssertNoThrow(try DatasetLoader.validate(DatasetRequest(name: "word-vectors", n: 3_000_000)))
        XCTAssertEqual(DatasetLoader.allowedOptions(for: "word-vectors"), ["size", "dimension", "clusters", "zipf_exponent", "cluster_std", "center_std"])
    }
}
