import XCTest
import Foundation
import Linalg
@testable import Quality

/// The measures of issue 18 against their published implementations (Fixtures/published.json,
/// made by Fixtures/make_published_fixtures.py from ZADU, pyDRMetrics, Kobak & Berens' KNC and
/// PaCMAP's triplet rule), their large-n estimators against the exact values, and their
/// independence of the thread count.
final class PublishedMeasureTests: XCTestCase {
    struct Fixture: Decodable {
        let n: Int, d: Int
        let data: [Double], embedding: [Double], labels: [Int]
        let normalized_stress: Double, scale_normalized_stress: Double, shepard_correlation: Double
        let neighborhood_hit: [String: Double], qnx: [String: Double], rnx_auc: Double
        let knc: [String: Double], triplet_accuracy: Double

        static func load() throws -> Fixture {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/published.json")
            return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        }
        var x: Matrix { get throws { try Matrix(rows: n, cols: d, storage: data.map { Float($0) }) } }
        var y: Matrix { get throws { try Matrix(rows: n, cols: 2, storage: embedding.map { Float($0) }) } }
    }

    func testDistancePreservationMatchesZADU() throws {
        let f = try Fixture.load()
        let r = try DistancePreservation.measure(data: f.x, embedding: f.y, seed: 1)
        XCTAssertEqual(r.normalizedStress.value, f.normalized_stress, accuracy: 1e-6)
        XCTAssertEqual(r.scaleNormalizedStress.value, f.scale_normalized_stress, accuracy: 1e-6)
        XCTAssertEqual(r.shepard.value, f.shepard_correlation, accuracy: 1e-6)
        XCTAssertNil(r.normalizedStress.standardError, "all pairs: exact")
        // A perfect copy has zero stress and correlation 1; a scaled copy has zero scale-normalized stress.
        let y2 = try Matrix(rows: f.n, cols: f.d, storage: f.x.storage.map { $0 * 4 })
        let s = try DistancePreservation.measure(data: f.x, embedding: y2, seed: 1)
        XCTAssertEqual(s.normalizedStress.value, 3, accuracy: 1e-6)
        XCTAssertEqual(s.scaleNormalizedStress.value, 0, accuracy: 1e-6)
        XCTAssertEqual(s.shepard.value, 1, accuracy: 1e-12)
    }

    func testNeighborhoodHitMatchesZADU() throws {
        let f = try Fixture.load()
        let ks = f.neighborhood_hit.keys.compactMap { Int($0) }.sorted()
        let r = try NeighborhoodHit.compute(embedding: f.y, labels: f.labels, ks: ks)
        for k in ks { XCTAssertEqual(r[k]?.value ?? .nan, f.neighborhood_hit["\(k)"]!, accuracy: 1e-6, "k = \(k)") }
        // A high-dimensional "embedding" takes the BLAS distance rows: the same values as direct ones.
        let hX = try NeighborhoodHit.compute(embedding: f.x, labels: f.labels, ks: [5])[5]!.value
        XCTAssertEqual(hX, try directHit(f.x, labels: f.labels, k: 5), accuracy: 1e-12)
    }

    func testCoRankingMatchesPyDRMetrics() throws {
        let f = try Fixture.load()
        let ks = f.qnx.keys.compactMap { Int($0) }.sorted()
        let r = try CoRanking.compute(data: f.x, embedding: f.y, ks: ks, auc: true)
        for k in ks { XCTAssertEqual(r.qnx[k]?.value ?? .nan, f.qnx["\(k)"]!, accuracy: 1e-6, "Q_NX(\(k))") }
        XCTAssertEqual(r.rnxAUC?.value ?? .nan, f.rnx_auc, accuracy: 1e-6)
        // Q_NX(K) is kNN preservation at K.
        let p = try NeighborhoodMetrics.compute(data: f.x, embedding: f.y, preservation: [15])
        XCTAssertEqual(r.qnx[15]!.value, p.preservation[15]!.value, accuracy: 1e-12)
        // The input itself: every R_NX is 1.
        XCTAssertEqual(try CoRanking.compute(data: f.x, embedding: f.x, ks: [], auc: true).rnxAUC!.value, 1, accuracy: 1e-12)
    }

    func testKNCMatchesKobakBerens() throws {
        let f = try Fixture.load()
        for (key, expected) in f.knc {
            let k = Int(key)!
            XCTAssertEqual(try ClassMeanNeighbors.preservation(data: f.x, embedding: f.y, labels: f.labels, k: k),
                           expected, accuracy: 1e-6, "k = \(k)")
        }
        XCTAssertThrowsError(try ClassMeanNeighbors.preservation(data: f.x, embedding: f.y, labels: f.labels, k: 6)) { error in
            XCTAssertTrue("\(error)".contains("number of classes (here 6)"), "\(error)")
        }
    }

    func testTripletAccuracyMatchesPaCMAPRule() throws {
        let f = try Fixture.load()
        let e = try TripletAccuracy.accuracy(data: f.x, embedding: f.y, seed: 1)
        XCTAssertEqual(e.value, f.triplet_accuracy, accuracy: 1e-6)
        XCTAssertNil(e.standardError)
        XCTAssertEqual(e.queries, 150 * 149 * 148 / 2)
    }

    /// Each sampled estimate lies within 4 standard errors of the exact value, and its error is positive.
    func testEstimatorsAgreeWithExactValuesWithinTheirStandardErrors() throws {
        let (x, y, labels) = try largerCase(n: 1_200)
        func check(_ estimate: MetricEstimate, _ exact: Double, _ what: String) {
            guard let se = estimate.standardError else { return XCTFail("\(what): no standard error") }
            XCTAssertGreaterThan(se, 0, what)
            XCTAssertLessThan(abs(estimate.value - exact), 4 * se, "\(what): \(estimate.value) vs exact \(exact), se \(se)")
        }
        let exactPairs = try DistancePreservation.measure(data: x, embedding: y, exactLimit: 1_200, seed: 3)
        let sampledPairs = try DistancePreservation.measure(data: x, embedding: y, exactLimit: 100, pairs: 20_000, seed: 3)
        check(sampledPairs.normalizedStress, exactPairs.normalizedStress.value, "normalized stress")
        check(sampledPairs.scaleNormalizedStress, exactPairs.scaleNormalizedStress.value, "scale-normalized stress")
        check(sampledPairs.shepard, exactPairs.shepard.value, "Shepard")

        let exactHit = try NeighborhoodHit.compute(embedding: y, labels: labels, ks: [10])[10]!.value
        check(try NeighborhoodHit.compute(embedding: y, labels: labels, ks: [10], queries: .sample(count: 300, seed: 3))[10]!,
              exactHit, "neighbourhood hit")

        // Triplets on 400 of the points (the exact count grows as n³).
        let (x4, y4, _) = try largerCase(n: 400)
        let exactTriplets = try TripletAccuracy.accuracy(data: x4, embedding: y4, exactLimit: 400, seed: 3).value
        check(try TripletAccuracy.accuracy(data: x4, embedding: y4, exactLimit: 100, count: 20_000, seed: 3),
              exactTriplets, "triplet accuracy")

        let exactCo = try CoRanking.compute(data: x, embedding: y, ks: [15], auc: true)
        let sampledCo = try CoRanking.compute(data: x, embedding: y, ks: [15], auc: true, queries: .sample(count: 200, seed: 3))
        check(sampledCo.qnx[15]!, exactCo.qnx[15]!.value, "Q_NX(15)")
        check(sampledCo.rnxAUC!, exactCo.rnxAUC!.value, "R_NX AUC")
    }

    func testEvaluatorGivesTheSameBitsForAnyThreadCount() throws {
        let (x, y, labels) = try largerCase(n: 700)
        let metrics = try ["normalized-stress", "scale-normalized-stress", "shepard-correlation", "neighborhood-hit@7",
                           "knc@3", "triplet-accuracy", "qnx@10", "rnx-auc"].map { try QualityMetric(parsing: $0) }
        // Small limits so that every measure takes its sampled path too.
        for options in [EvaluationOptions(), EvaluationOptions(exactLimit: 100, queries: 150, pairExactLimit: 100, pairs: 5_000,
                                                               tripletExactLimit: 100, triplets: 5_000, coRankingExactLimit: 100)] {
            let runs = try [1, 2, 5].map { threads in
                try Parallel.withThreadCount(threads) {
                    try QualityEvaluator.evaluate(metrics, data: x, embedding: y, labels: labels, seed: 9, options: options)
                }
            }
            XCTAssertEqual(runs[0].map(\.name), metrics.map(\.name))
            for run in runs.dropFirst() {
                XCTAssertEqual(run.map { $0.value.bitPattern }, runs[0].map { $0.value.bitPattern })
                XCTAssertEqual(run.map { $0.standardError?.bitPattern }, runs[0].map { $0.standardError?.bitPattern })
            }
        }
    }

    func testNamesParseAndBadInputIsRefused() throws {
        for name in ["normalized-stress", "scale-normalized-stress", "shepard-correlation", "neighborhood-hit@10", "knc@4",
                     "triplet-accuracy", "qnx@15", "rnx-auc"] {
            XCTAssertEqual(try QualityMetric(parsing: name).name, name)
        }
        XCTAssertEqual(try QualityMetric(parsing: "neighborhood-hit").name, "neighborhood-hit@10")
        XCTAssertEqual(try QualityMetric(parsing: "knc").name, "knc@4")
        XCTAssertEqual(try QualityMetric(parsing: "qnx").name, "qnx@15")
        XCTAssertThrowsError(try QualityMetric(parsing: "rnx-auc@3"))
        XCTAssertTrue(try QualityMetric(parsing: "knc").needsLabels)
        XCTAssertTrue(try QualityMetric(parsing: "neighborhood-hit@3").needsLabels)
        let f = try Fixture.load()
        XCTAssertThrowsError(try CoRanking.compute(data: f.x, embedding: f.y, ks: [149], auc: false))
        XCTAssertThrowsError(try NeighborhoodHit.compute(embedding: f.y, labels: f.labels, ks: [150]))
        let same = Matrix(rows: 5, cols: 2)
        XCTAssertThrowsError(try DistancePreservation.measure(data: same, embedding: same, seed: 1)) { error in
            XCTAssertTrue("\(error)".contains("coincides"), "\(error)")
        }
        XCTAssertThrowsError(try QualityEvaluator.evaluate([.classMeanPreservation(k: 4)], data: f.x, embedding: f.y,
                                                           labels: nil, seed: 1))
    }

    // MARK: - helpers

    /// Gaussian blobs in 12-D (8 classes) and a noisy linear 2-D view of them.
    private func largerCase(n: Int) throws -> (Matrix, Matrix, [Int]) {
        var rng = RandomStream(seed: 77)
        let d = 12
        let centers = (0..<8).map { _ in (0..<d).map { _ in 3 * rng.nextGaussian() } }
        var labels: [Int] = [], xs: [Float] = [], ys: [Float] = []
        for _ in 0..<n {
            let c = rng.nextInt(below: 8)
            labels.append(c)
            let p = centers[c].map { $0 + rng.nextGaussian() }
            xs += p.map(Float.init)
            ys.append(Float(p[0] + 0.5 * p[2] + 2 * rng.nextGaussian()))
            ys.append(Float(p[1] - 0.5 * p[3] + 2 * rng.nextGaussian()))
        }
        return (try Matrix(rows: n, cols: d, storage: xs), try Matrix(rows: n, cols: 2, storage: ys), labels)
    }

    private func directHit(_ m: Matrix, labels: [Int], k: Int) throws -> Double {
        var total = 0.0
        for i in 0..<m.rows {
            var near: [(Double, Int)] = []
            for j in 0..<m.rows where j != i {
                var s = 0.0
                for t in 0..<m.cols {
                    let v = Double(m[i, t]) - Double(m[j, t])
                    s += v * v
                }
                near.append((s, j))
            }
            near.sort { a, b in a.0 < b.0 || (a.0 == b.0 && a.1 < b.1) }
            var same = 0
            for (_, j) in near.prefix(k) where labels[j] == labels[i] { same += 1 }
            total += Double(same) / Double(k)
        }
        return total / Double(m.rows)
    }
}
