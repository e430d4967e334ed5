import XCTest
@testable import Linalg
@testable import Quality

final class HeldOutAccuracyTests: XCTestCase {
    /// Two training clusters on a line (class 0 near 0, class 1 near 10) and held-out points between.
    func testHeldOutPointsAreClassifiedByTheirNearestTrainingPoints() throws {
        let training = try Matrix(rows: 6, cols: 1, storage: [0, 0.5, 1, 9, 9.5, 10])
        let trainingLabels = [0, 0, 0, 1, 1, 1]
        let heldOut = try Matrix(rows: 4, cols: 1, storage: [0.2, 9.8, 4, 6])
        let labels = [0, 1, 0, 1]
        let acc = try KNNAccuracy.heldOut(training: training, trainingLabels: trainingLabels, heldOut: heldOut,
                                          heldOutLabels: labels, ks: [1, 3, 5])
        // k = 1: 0.2→0 ✓, 9.8→1 ✓, 4→(1.0, class 0) ✓, 6→(9.0, class 1) ✓.
        XCTAssertEqual(acc[1], 1.0)
        // k = 3: the three nearest of 4 are 1, 0.5, 0 (class 0) ✓; of 6 are 9, 9.5, 10 ✓.
        XCTAssertEqual(acc[3], 1.0)
        // k = 5: 4 → {1, 0.5, 0, 9, 9.5}: three 0s ✓; 6 → {9, 9.5, 10, 1, 0.5}: three 1s ✓.
        XCTAssertEqual(acc[5], 1.0)
        let flipped = try KNNAccuracy.heldOut(training: training, trainingLabels: trainingLabels, heldOut: heldOut,
                                              heldOutLabels: labels.map { 1 - $0 }, ks: [1])
        XCTAssertEqual(flipped[1], 0.0)
    }

    func testHeldOutClassUnseenInTrainingCountsAsWrong() throws {
        let training = try Matrix(rows: 2, cols: 1, storage: [0, 1])
        let heldOut = try Matrix(rows: 2, cols: 1, storage: [0, 1])
        let acc = try KNNAccuracy.heldOut(training: training, trainingLabels: [3, 4], heldOut: heldOut,
                                          heldOutLabels: [3, 7], ks: [1])
        XCTAssertEqual(acc[1], 0.5)
    }

    func testBadInputIsAnError() throws {
        let training = try Matrix(rows: 3, cols: 2, storage: [0, 0, 1, 1, 2, 2])
        let heldOut = try Matrix(rows: 1, cols: 3, storage: [0, 0, 0])
        XCTAssertThrowsError(try KNNAccuracy.heldOut(training: training, trainingLabels: [0, 1, 0], heldOut: heldOut,
                                                     heldOutLabels: [0], ks: [1]))
        let fine = try Matrix(rows: 1, cols: 2, storage: [0, 0])
        XCTAssertThrowsError(try KNNAccuracy.heldOut(training: training, trainingLabels: [0, 1, 0], heldOut: fine,
                                                     heldOutLabels: [0], ks: [4]))
        XCTAssertThrowsError(try KNNAccuracy.heldOut(training: training, trainingLabels: [0, 1, 0], heldOut: fine,
                                                     heldOutLabels: [0, 1], ks: [1]))
    }

    func testEvaluatorNamesHeldOutMetrics() throws {
        let metric = try QualityMetric(parsing: "transform-knn-accuracy@3")
        XCTAssertTrue(metric.needsHeldOut)
        XCTAssertTrue(metric.needsLabels)
        XCTAssertEqual(metric.name, "transform-knn-accuracy@3")
        let training = try Matrix(rows: 4, cols: 1, storage: [0, 1, 10, 11])
        let heldOut = try Matrix(rows: 2, cols: 1, storage: [0.5, 10.5])
        let results = try QualityEvaluator.evaluateHeldOut([metric, .trustworthiness(k: 5)], training: training,
                                                           trainingLabels: [0, 0, 1, 1], heldOut: heldOut, heldOutLabels: [0, 1])
        XCTAssertEqual(results.map(\.name), ["transform-knn-accuracy@3"])
        XCTAssertEqual(results.first?.value, 1.0)
    }
}
