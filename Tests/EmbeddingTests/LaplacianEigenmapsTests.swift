import XCTest
import Foundation
import Linalg
@testable import Embedding

/// Laplacian eigenmaps against scikit-learn's `SpectralEmbedding` (Fixtures/spectral.json, made by
/// Fixtures/make_spectral_fixtures.py), the disconnected-graph fallback, parameters and bad input.
final class LaplacianEigenmapsTests: XCTestCase {
    struct Fixture: Decodable {
        struct Case: Decodable { let n_neighbors: Int, n_components: Int, embedding: [Double] }
        let n: Int, d: Int, data: [Double], cases: [Case]
    }

    func testMatchesScikitLearnSpectralEmbedding() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/spectral.json")
        let f = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let x = try Matrix(rows: f.n, cols: f.d, storage: f.data.map { Float($0) })
        for c in f.cases {
            let le = try LaplacianEigenmaps(parameters: ["n_neighbors": .number(Double(c.n_neighbors)),
                                                         "n_components": .number(Double(c.n_components))])
            let result = try le.fit(x, labels: nil, seed: 42, progress: nil)
            XCTAssertEqual(result.embedding.cols, c.n_components)
            XCTAssertTrue(result.warnings.isEmpty, "\(result.warnings)")
            for col in 0..<c.n_components {
                let ours = (0..<f.n).map { Double(result.embedding[$0, col]) }
                let theirs = (0..<f.n).map { c.embedding[$0 * c.n_components + col] }
                // Same sign rule, same scale (D^-1/2 of unit eigenvectors): equal up to the eigensolvers' accuracy.
                XCTAssertGreaterThan(Statistics.pearson(ours, theirs), 0.9999, "k = \(c.n_neighbors), column \(col)")
                let scale = theirs.map(abs).max()!
                let worst = zip(ours, theirs).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(worst / scale, 1e-2, "k = \(c.n_neighbors), column \(col)")
            }
        }
    }

    func testSeveralComponentsWarnAndStayFinite() throws {
        // Three tight groups far apart: with 5 neighbours the kNN graph has three components.
        var rng = RandomStream(seed: 3)
        var storage: [Float] = []
        for g in 0..<3 { for _ in 0..<40 { storage += [Float(100 * g) + Float(rng.nextGaussian()), Float(rng.nextGaussian())] } }
        let x = try Matrix(rows: 120, cols: 2, storage: storage)
        let result = try LaplacianEigenmaps(nNeighbors: 5).fit(x, labels: nil, seed: 1, progress: nil)
        XCTAssertEqual(result.diagnostics["connected_components"], 3)
        XCTAssertTrue(result.warnings.contains { $0.contains("3 connected components") && $0.contains("fell back") }, "\(result.warnings)")
        XCTAssertNil(result.embedding.firstNonFinite())
    }

    func testSameBitsForAnyThreadCountAndBadInput() throws {
        var rng = RandomStream(seed: 8)
        let x = try Matrix(rows: 300, cols: 4, storage: (0..<1_200).map { _ in Float(rng.nextGaussian()) })
        let one = try Parallel.withThreadCount(1) { try LaplacianEigenmaps().fit(x, labels: nil, seed: 2, progress: nil).embedding }
        let four = try Parallel.withThreadCount(4) { try LaplacianEigenmaps().fit(x, labels: nil, seed: 2, progress: nil).embedding }
        XCTAssertEqual(one, four)
        XCTAssertThrowsError(try LaplacianEigenmaps(parameters: ["n_neighbors": .number(1)])) { error in
            XCTAssertTrue("\(error)".contains("n_neighbors"), "\(error)")
        }
        XCTAssertThrowsError(try LaplacianEigenmaps(parameters: ["perplexity": .number(30)]))
        XCTAssertThrowsError(try LaplacianEigenmaps(nComponents: 3).fit(try Matrix(rows: 4, cols: 2, storage: [0, 0, 1, 0, 0, 1, 1, 1]),
                                                                        labels: nil, seed: 1, progress: nil))
        XCTAssertThrowsError(try LaplacianEigenmaps().fit(try Matrix(rows: 3, cols: 1, storage: [0, .nan, 1]),
                                                          labels: nil, seed: 1, progress: nil))
        XCTAssertEqual(LaplacianEigenmaps.parameterDocs.map(\.name), ["n_neighbors", "n_components", "nn_method"])
    }
}
