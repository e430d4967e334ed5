import Foundation
import XCTest
import Linalg
@testable import Clustering

struct ClusteringFixture: Decodable {
    struct GMM: Decodable {
        let score: Double, bic: Double, aic: Double, n_iter: Int, lower_bound: Double
        let weights: [Double], means: [Double], predict: [Int], proba_first: [Double], sample_scores_first: [Double]
    }
    struct KM: Decodable { let inertia: Double; let labels: [Int]; let centers: [Double]; let n_iter: Int }
    struct Pair: Decodable { let a: [Int]; let b: [Int]; let ari: Double; let ami: Double }
    let n: Int, d: Int, k: Int
    let data: [Double], truth: [Int], means_init: [Double]
    let gmm: [String: GMM]
    let kmeans: KM
    let silhouette_truth: Double, silhouette_kmeans: Double
    let agreement: [Pair]

    static func load() throws -> ClusteringFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/clustering.json")
        return try JSONDecoder().decode(ClusteringFixture.self, from: Data(contentsOf: url))
    }
    var x: Matrix { get throws { try Matrix(rows: n, cols: d, storage: data.map { Float($0) }) } }
}

func assertRelative(_ a: Double, _ b: Double, _ tol: Double = 1e-6, _ message: String = "",
                    file: StaticString = #filePath, line: UInt = #line) {
    let scale = max(abs(a), abs(b), 1e-300)
    if abs(a - b) / scale > tol { XCTFail("\(message): \(a) vs \(b) (relative \(abs(a - b) / scale))", file: file, line: line) }
}

final class ClusteringFixtureTests: XCTestCase {
    func testGaussianMixtureMatchesScikitLearnForAllCovarianceTypes() throws {
        let f = try ClusteringFixture.load()
        let x = try f.x
        for type in CovarianceType.allCases {
            let ref = try XCTUnwrap(f.gmm[type.rawValue])
            let model = try GaussianMixture.fit(x, options: .init(components: f.k, covarianceType: type,
                                                                  initialMeans: f.means_init), seed: 1)
            XCTAssertEqual(model.iterations, ref.n_iter, "\(type) iterations")
            assertRelative(model.lowerBound, ref.lower_bound, 1e-6, "\(type) lower bound")
            assertRelative(try model.score(x), ref.score, 1e-6, "\(type) score")
            assertRelative(try model.bic(x), ref.bic, 1e-6, "\(type) BIC")
            assertRelative(try model.aic(x), ref.aic, 1e-6, "\(type) AIC")
            for (a, b) in zip(model.weights, ref.weights) { assertRelative(a, b, 1e-5, "\(type) weight") }
            for (a, b) in zip(model.means, ref.means) { XCTAssertEqual(a, b, accuracy: 1e-5, "\(type) mean") }
            XCTAssertEqual(try model.predict(x), ref.predict, "\(type) predict")
            let proba = try model.predictProbabilities(x)
            for (a, b) in zip(proba.prefix(5 * f.k), ref.proba_first) { XCTAssertEqual(a, b, accuracy: 1e-6) }
            let samples = try model.scoreSamples(x)
            for (a, b) in zip(samples.prefix(5), ref.sample_scores_first) { assertRelative(a, b, 1e-6, "score_samples") }
        }
    }

    func testParameterCounts() throws {
        let f = try ClusteringFixture.load()
        let x = try f.x
        let expected: [CovarianceType: Int] = [.full: 3 * 6 + 9 + 2, .tied: 6 + 9 + 2, .diag: 9 + 9 + 2, .spherical: 3 + 9 + 2]
        for type in CovarianceType.allCases {
            let m = try GaussianMixture.fit(x, options: .init(components: 3, covarianceType: type, initialMeans: f.means_init), seed: 1)
            XCTAssertEqual(m.parameterCount, expected[type])
        }
    }

    func testKMeansLloydAndElkanMatchScikitLearn() throws {
        let f = try ClusteringFixture.load()
        let x = try f.x
        for algorithm in [KMeans.Algorithm.lloyd, .elkan] {
            let r = try KMeans.fit(x, k: f.k, algorithm: algorithm, initialCenters: f.means_init, seed: 1)
            assertRelative(r.inertia, f.kmeans.inertia, 1e-9, "\(algorithm) inertia")
            XCTAssertEqual(r.labels, f.kmeans.labels)
            XCTAssertEqual(r.iterations, f.kmeans.n_iter, "\(algorithm) iterations")
            for (a, b) in zip(r.centers, f.kmeans.centers) { XCTAssertEqual(a, b, accuracy: 1e-9) }
        }
    }

    func testSilhouetteAndAgreementMatchScikitLearn() throws {
        let f = try ClusteringFixture.load()
        let x = try f.x
        assertRelative(try Silhouette.score(x, labels: f.truth), f.silhouette_truth, 1e-9, "silhouette truth")
        assertRelative(try Silhouette.score(x, labels: f.kmeans.labels), f.silhouette_kmeans, 1e-9, "silhouette kmeans")
        for p in f.agreement {
            XCTAssertEqual(try ClusterAgreement.adjustedRandIndex(p.a, p.b), p.ari, accuracy: 1e-12)
            XCTAssertEqual(try ClusterAgreement.adjustedMutualInformation(p.a, p.b), p.ami, accuracy: 1e-9)
        }
    }
}
