import XCTest
import Linalg
@testable import Clustering

final class ModelSelectionTests: XCTestCase {
    func testElbowOfAKnownCurve() {
        // Steep fall to k = 4, then nearly flat to the minimum at k = 8, then rising.
        let bic: [Double] = [1000, 700, 400, 100, 95, 90, 85, 80, 120]
        let points = bic.enumerated().map { (k: $0.offset + 1, bic: $0.element) }
        XCTAssertEqual(ModelSelection.elbow(points), 4)
        XCTAssertEqual(ModelSelection.elbow([(k: 2, bic: 5), (k: 3, bic: 7)]), 2)
        XCTAssertNil(ModelSelection.elbow([]))
    }

    func testSweepFindsFourBlobsAndIsDeterministic() throws {
        var rng = RandomStream(seed: 11)
        let centres: [[Float]] = [[0, 0], [8, 0], [0, 8], [8, 8]]
        var rows: [[Float]] = [], labels: [Int] = []
        for i in 0..<240 {
            let c = i % 4
            rows.append([centres[c][0] + Float(rng.nextGaussian()), centres[c][1] + Float(rng.nextGaussian())])
            labels.append(c)
        }
        let x = try Matrix(rowArrays: rows)
        func sweep(threads: Int) throws -> SelectionReport {
            try Parallel.withThreadCount(threads) {
                try ModelSelection.sweep(data: x, ks: Array(2...7), covarianceTypes: [.spherical, .full], nInit: 2,
                                         seed: 3, labels: labels)
            }
        }
        let a = try sweep(threads: 1), b = try sweep(threads: 3)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.entries.count, 12)
        XCTAssertEqual(a.bicMinimum?.k, 4)
        XCTAssertEqual(a.silhouetteMaximum?.k, 4)
        XCTAssertEqual(a.chosen?.k, 4)
        let best = try XCTUnwrap(a.entries.first { $0.k == 4 && $0.covarianceType == .spherical })
        XCTAssertGreaterThan(best.adjustedRandIndex ?? 0, 0.95)
        XCTAssertNoThrow(try JSONEncoder().encode(a))
        XCTAssertThrowsError(try ModelSelection.sweep(data: x, ks: [300], covarianceTypes: [.full], seed: 1))
        XCTAssertThrowsError(try ModelSelection.sweep(data: x, ks: [3], covarianceTypes: [.full], seed: 1, labels: [1, 2]))
    }
}

final class ModelSelectionChoiceTests: XCTestCase {
    func entry(_ k: Int, _ bic: Double) -> SelectionEntry {
        SelectionEntry(k: k, covarianceType: .full, bic: bic, aic: bic, logLikelihood: 0, parameters: 1, silhouette: nil,
                       adjustedRandIndex: nil, adjustedMutualInformation: nil, converged: true, iterations: 1, notes: [])
    }

    func testChoiceUsesElbowWhenBICStillFalls() {
        let bic: [Double] = [1000, 700, 400, 100, 95, 90, 85, 80]
        let report = SelectionReport(entries: bic.enumerated().map { entry($0.offset + 2, $0.element) })
        XCTAssertEqual(report.bicMinimum?.k, 9)
        XCTAssertEqual(report.chosen?.k, 5)
        let withMinimum = SelectionReport(entries: [entry(2, 50), entry(3, 20), entry(4, 10), entry(5, 30)])
        XCTAssertEqual(withMinimum.chosen?.k, 4)
    }
}
