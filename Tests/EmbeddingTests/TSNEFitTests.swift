import XCTest
import Linalg
import Neighbors
@testable import Embedding

final class TSNEFitTests: XCTestCase {
    func testSeparatesBlobsAndKLDecreases() throws {
        let (data, labels) = TSNETestData.blobs(perCluster: 80, clusters: 5, d: 10, separation: 12, seed: 1)
        for method in ["bh", "fft"] {
            let tsne = try TSNE(parameters: ["negative_gradient_method": .text(method), "n_iter": .number(300)])
            var calls = 0
            let r = try tsne.fit(data, labels: nil, seed: 42) { _, _ in calls += 1 }
            XCTAssertGreaterThan(calls, 0)
            XCTAssertEqual(TSNETestData.knnAccuracy(r.embedding, labels: labels, k: 10), 1.0, method)
            let history = r.series["kl_history"]!
            XCTAssertEqual(history.count, (250 + 300) / 50)
            XCTAssertLessThan(history.last!, history.first!)
            // After early exaggeration the KL keeps decreasing (within noise).
            let main = Array(history.dropFirst(5))
            for (a, b) in zip(main, main.dropFirst()) { XCTAssertLessThanOrEqual(b, a + 1e-3, method) }
            XCTAssertEqual(r.phases.map(\.name), ["neighbors", "affinities", "init", "early_exaggeration", "optimize"])
            XCTAssertEqual(r.series["sigma"]!.count, data.rows)
            XCTAssertLessThanOrEqual(r.diagnostics["kl_divergence"]!, history.last! + 1e-2)
        }
    }

    func testSameSeedBitIdenticalForOneAndTwoThreads() throws {
        let (data, _) = TSNETestData.blobs(perCluster: 60, clusters: 4, d: 6, separation: 8, seed: 7)
        for (method, inits) in [("exact", ["pca"]), ("bh", ["pca", "random"]), ("fft", ["pca"])] {
            for initialization in inits {
                let tsne = try TSNE(parameters: ["negative_gradient_method": .text(method), "initialization": .text(initialization),
                                                 "early_exaggeration_iter": .number(50), "n_iter": .number(100)])
                let a = try Parallel.withThreadCount(1) { try tsne.fit(data, labels: nil, seed: 5, progress: nil) }
                let b = try Parallel.withThreadCount(2) { try tsne.fit(data, labels: nil, seed: 5, progress: nil) }
                XCTAssertEqual(a.embedding.storage, b.embedding.storage, "\(method) \(initialization)")
                XCTAssertEqual(a.diagnostics["kl_divergence"], b.diagnostics["kl_divergence"])
            }
        }
    }

    func testInjectedNeighborGraphMatchesInternalExactKNN() throws {
        let (data, _) = TSNETestData.blobs(perCluster: 40, clusters: 3, d: 5, separation: 8, seed: 8)
        let tsne = try TSNE(parameters: ["perplexity": .number(10), "early_exaggeration_iter": .number(30), "n_iter": .number(30)])
        let g = try ExactKNN.euclidean(data, k: 31, includeSelf: true)
        let a = try tsne.fit(data, neighbors: g, seed: 3, progress: nil)
        let b = try tsne.fit(data, labels: nil, seed: 3, progress: nil)
        XCTAssertEqual(a.embedding.storage, b.embedding.storage)
        let small = try ExactKNN.euclidean(data, k: 10, includeSelf: false)
        let c = try tsne.fit(data, neighbors: small, seed: 3, progress: nil)
        XCTAssertTrue(c.warnings.contains { $0.contains("fewer than 3·perplexity") })
    }

    func testBadInput() throws {
        var data = try Matrix(rowArrays: (0..<20).map { i in [Float(i), Float(i * i % 7)] })
        let tsne = try TSNE(parameters: ["perplexity": .number(5), "n_iter": .number(10), "early_exaggeration_iter": .number(10)])
        // Perplexity too large for n: error naming the allowed range.
        let big = try TSNE(parameters: ["perplexity": .number(19)])
        XCTAssertThrowsError(try big.fit(data, labels: nil, seed: 1, progress: nil)) { e in
            XCTAssertTrue("\(e)".contains("(0, 19)"), "\(e)")
        }
        XCTAssertThrowsError(try TSNE(parameters: ["perplexity": .number(0)]))
        XCTAssertThrowsError(try TSNE(parameters: ["negative_gradient_method": .text("fast")]))
        XCTAssertThrowsError(try TSNE(parameters: ["learning_rate": .text("fast")]))
        XCTAssertNoThrow(try TSNE(parameters: ["learning_rate": .number(100)]))
        // 3·perplexity > n − 1: lowered with a warning.
        let lowered = try TSNE(parameters: ["perplexity": .number(10), "n_iter": .number(10), "early_exaggeration_iter": .number(10)])
        let r = try lowered.fit(data, labels: nil, seed: 1, progress: nil)
        XCTAssertEqual(r.diagnostics["perplexity"]!, 19.0 / 3, accuracy: 1e-12)
        XCTAssertFalse(r.warnings.isEmpty)
        // FFT with 3 components switches to Barnes–Hut.
        let fft3 = try TSNE(parameters: ["perplexity": .number(5), "n_components": .number(3),
                                         "negative_gradient_method": .text("fft"), "n_iter": .number(10), "early_exaggeration_iter": .number(10)])
        let r3 = try fft3.fit(data, labels: nil, seed: 1, progress: nil)
        XCTAssertEqual(r3.embedding.cols, 3)
        XCTAssertTrue(r3.warnings.contains { $0.contains("Barnes-Hut") })
        // NaN input.
        data[3, 1] = .nan
        XCTAssertThrowsError(try tsne.fit(data, labels: nil, seed: 1, progress: nil)) { e in
            guard case .invalidInput? = e as? EmbeddingError else { return XCTFail("\(e)") }
        }
    }

    func testDivergenceIsReportedAsNumericalError() throws {
        let (data, _) = TSNETestData.blobs(perCluster: 30, clusters: 3, d: 5, separation: 8, seed: 9)
        let tsne = try TSNE(parameters: ["perplexity": .number(10), "learning_rate": .number(1e12), "max_step_norm": .text("none"),
                                         "negative_gradient_method": .text("exact"),
                                         "early_exaggeration_iter": .number(100), "n_iter": .number(100)])
        XCTAssertThrowsError(try tsne.fit(data, labels: nil, seed: 1, progress: nil)) { e in
            guard case .numerical? = e as? EmbeddingError else { return XCTFail("\(e)") }
        }
    }
}
