import XCTest
import Linalg
@testable import Quality

final class EvaluatorTests: XCTestCase {
    func testMetricParsing() throws {
        XCTAssertEqual(try QualityMetric(parsing: "trustworthiness@15"), .trustworthiness(k: 15))
        XCTAssertEqual(try QualityMetric(parsing: "knn-accuracy-cv@10"), .knnAccuracyCV(k: 10))
        XCTAssertEqual(try QualityMetric(parsing: "knn-accuracy@1000"), .knnAccuracy(k: 1000))
        XCTAssertEqual(try QualityMetric(parsing: "continuity"), .continuity(k: 15))
        XCTAssertEqual(try QualityMetric(parsing: "distance-correlation"), .distanceCorrelation)
        for m: QualityMetric in [.silhouette, .knnPreservation(k: 4), .knnAccuracy(k: 3)] {
            XCTAssertEqual(try QualityMetric(parsing: m.name), m)
        }
        XCTAssertThrowsError(try QualityMetric(parsing: "trustworthyness@15")) { error in
            guard case let QualityError.unknownMetric(name, known) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "trustworthyness@15")
            XCTAssertTrue(known.contains("trustworthiness@<k>"))
            XCTAssertTrue("\(error)".contains("known metrics"))
        }
        XCTAssertThrowsError(try QualityMetric(parsing: "trustworthiness@x"))
        XCTAssertThrowsError(try QualityMetric(parsing: "trustworthiness@0"))
        XCTAssertThrowsError(try QualityMetric(parsing: "silhouette@3"))
    }

    func testEvaluatorMatchesFixtureAndIsCodable() throws {
        let f = try QualityFixture.load()
        let metrics = try ["trustworthiness@15", "continuity@10", "knn-preservation@5", "knn-accuracy@10",
                           "knn-accuracy-cv@10", "distance-correlation", "silhouette"].map(QualityMetric.init(parsing:))
        let results = try QualityEvaluator.evaluate(metrics, data: f.x, embedding: f.y, labels: f.labels, seed: 7)
        XCTAssertEqual(results.map(\.name), metrics.map(\.name))
        assertRelative(results[0].value, f.trustworthiness["15"]!, 1e-9, "T")
        assertRelative(results[1].value, f.continuity["10"]!, 1e-9, "C")
        assertRelative(results[2].value, f.preservation["5"]!, 1e-9, "P")
        assertRelative(results[3].value, f.knn_accuracy_loo["10"]!, 1e-12, "acc")
        XCTAssertNotNil(results[4].standardError)
        XCTAssert((0...1).contains(results[4].value))
        assertRelative(results[5].value, f.distance_correlation, 1e-9, "rho")
        let json = try JSONEncoder().encode(results)
        XCTAssertEqual(try JSONDecoder().decode([MetricResult].self, from: json), results)
    }

    func testLabelProblems() throws {
        let f = try QualityFixture.load()
        XCTAssertThrowsError(try QualityEvaluator.evaluate([.knnAccuracy(k: 5)], data: f.x, embedding: f.y, labels: nil, seed: 1)) {
            XCTAssertEqual($0 as? QualityError, .labelsRequired(metric: "knn-accuracy@5"))
        }
        XCTAssertThrowsError(try QualityEvaluator.evaluate([.knnAccuracy(k: 5)], data: f.x, embedding: f.y,
                                                           labels: Array(f.labels.dropLast()), seed: 1)) {
            XCTAssertEqual($0 as? QualityError, .labelCountMismatch(labels: f.n - 1, points: f.n))
        }
        XCTAssertThrowsError(try KNNAccuracy.leaveOneOut(embedding: f.y, labels: f.labels, ks: [f.n]))
    }

    func testCrossValidationUsesOnlyOtherFolds() throws {
        let f = try QualityFixture.load()
        let folds = KNNAccuracy.stratifiedFolds(labels: f.labels, folds: 10, seed: 3)
        // Stratified: every class is spread over folds with sizes differing by at most one overall.
        var sizes = [Int](repeating: 0, count: 10)
        for v in folds { sizes[v] += 1 }
        XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1)
        // Brute force: classify fold members by the k nearest points outside their fold.
        let k = 5
        let acc = try KNNAccuracy.crossValidated(embedding: f.y, labels: f.labels, ks: [k], folds: 10, seed: 3)
        var perFold = [Double](repeating: 0, count: 10)
        for i in 0..<f.n {
            let others = (0..<f.n).filter { folds[$0] != folds[i] }
            var dist: [(Double, Int)] = []
            for j in others {
                let dx: Double = f.embedding[2 * i] - f.embedding[2 * j]
                let dy: Double = f.embedding[2 * i + 1] - f.embedding[2 * j + 1]
                dist.append((dx * dx + dy * dy, j))
            }
            dist.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            var counts = [0, 0, 0]
            for (_, j) in dist.prefix(k) { counts[f.labels[j]] += 1 }
            let predicted = counts.firstIndex(of: counts.max()!)!
            if predicted == f.labels[i] { perFold[folds[i]] += 1 }
        }
        let mean = (0..<10).map { perFold[$0] / Double(sizes[$0]) }.reduce(0, +) / 10
        XCTAssertEqual(acc[k]?.value ?? .nan, mean, accuracy: 1e-12)
    }
}

final class NeighborSweepTests: XCTestCase {
    func testSweepEqualsBruteForceIncludingTiesAndFolds() throws {
        var rng = RandomStream(seed: 21)
        // Coarse grid values make many exact distance ties.
        let rows: [[Float]] = (0..<300).map { _ in [Float(rng.nextInt(below: 12)), Float(rng.nextInt(below: 12))] }
        let y = try Matrix(rowArrays: rows)
        let folds = (0..<300).map { $0 % 7 }
        for fold in [nil, folds] {
            let sweep = KNNAccuracy.sweepNeighborLists(y, k: 40, fold: fold)
            for i in 0..<300 {
                var all: [(Double, Int)] = []
                for j in 0..<300 where j != i && (fold == nil || fold![j] != fold![i]) {
                    let dx = Double(rows[i][0] - rows[j][0]), dy = Double(rows[i][1] - rows[j][1])
                    all.append((dx * dx + dy * dy, j))
                }
                all.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                XCTAssertEqual(Array(sweep[i]), all.prefix(40).map { $0.1 }, "point \(i)")
            }
        }
    }
}
