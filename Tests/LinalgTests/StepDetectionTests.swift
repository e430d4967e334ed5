import Linalg
import XCTest

final class StepDetectionTests: XCTestCase {
    /// log of 40 commits: `samples` repetitions each, every one level × (1 + u), u uniform in ±15 %;
    /// the level is 1.3 from `stepAt` on (nil: no step). The commit's value is the samples' median.
    static func series(seed: UInt64, stepAt: Int?, samples: Int, commits: Int = 40) -> [Double] {
        var random = RandomStream(seed: seed, purpose: "step-detection-test")
        return (0..<commits).map { i in
            let level = stepAt.map { i >= $0 ? 1.3 : 1.0 } ?? 1.0
            let values = (0..<samples).map { _ in level * (1 + 0.3 * (random.nextDouble() - 0.5)) }.sorted()
            return Foundation.log(Statistics.median(sorted: values))
        }
    }

    func testAThirtyPercentStepIsFoundAtItsCommitAndNothingElse() {
        for seed in UInt64(0)..<60 {
            let at = 10 + Int(seed % 21)  // 10…30
            let steps = StepDetection.steps(Self.series(seed: seed, stepAt: at, samples: 5), minimumChange: Foundation.log(1.1))
            XCTAssertEqual(steps.count, 1, "seed \(seed): \(steps)")
            if let step = steps.first {
                XCTAssertTrue(step.candidates.contains(at), "seed \(seed): step at \(at), found \(step.candidates)")
                XCTAssertLessThanOrEqual(step.candidates.count, 2)
                XCTAssertEqual(Foundation.exp(step.after - step.before), 1.3, accuracy: 0.12, "seed \(seed) at \(at): \(step)")
            }
        }
    }

    func testPureNoiseHasNoStep() {
        for seed in UInt64(100)..<160 {
            XCTAssertEqual(StepDetection.steps(Self.series(seed: seed, stepAt: nil, samples: 5), minimumChange: Foundation.log(1.1)), [],
                           "seed \(seed)")
        }
    }

    /// One sample per commit is the hard case: count how often it errs over many seeds.
    func testOneSamplePerCommitErrsRarely() {
        var missed = 0, extra = 0, falseOnNoise = 0
        let trials = 300
        for seed in UInt64(0)..<UInt64(trials) {
            let at = 10 + Int(seed % 21)
            let steps = StepDetection.steps(Self.series(seed: 1_000 + seed, stepAt: at, samples: 1), minimumChange: Foundation.log(1.1))
            if !steps.contains(where: { $0.candidates.contains(at) }) { missed += 1 }
            extra += steps.filter { !$0.candidates.contains(at) }.count
            if !StepDetection.steps(Self.series(seed: 5_000 + seed, stepAt: nil, samples: 1), minimumChange: Foundation.log(1.1)).isEmpty {
                falseOnNoise += 1
            }
        }
        print("one sample per commit, \(trials) series each: \(missed) steps missed, \(extra) extra steps, \(falseOnNoise) noise series with a step")
        XCTAssertLessThanOrEqual(missed, trials / 20)
        XCTAssertLessThanOrEqual(extra, trials / 20)
        XCTAssertLessThanOrEqual(falseOnNoise, trials / 50)
    }

    func testExactCasesAndEdges() {
        // A clean step of 1 → 2 in the middle: found exactly, p is the exact two-sided minimum.
        let clean = (0..<20).map { $0 < 10 ? 0.0 : 1.0 }.enumerated().map { $0.element + Double($0.offset) * 1e-6 }
        let steps = StepDetection.steps(clean, minimumChange: 0.5)
        XCTAssertEqual(steps.map(\.index), [10])
        XCTAssertEqual(steps.first?.candidates, [10])
        XCTAssertEqual(steps.first?.pValue ?? 1, 2.0 / 184_756, accuracy: 1e-12)  // 2 / C(20, 10)
        // Below the minimum change: nothing.
        XCTAssertEqual(StepDetection.steps(clean, minimumChange: 2), [])
        // Two steps, up then down.
        let twice = (0..<45).map { i -> Double in (i >= 15 && i < 30 ? 1.0 : 0.0) + Double(i % 7) * 1e-3 }
        XCTAssertEqual(StepDetection.steps(twice, minimumChange: 0.5).map(\.index), [15, 30])
        // Too short, non-finite, or constant: nothing, no crash.
        XCTAssertEqual(StepDetection.steps([1, 2], minimumChange: 0), [])
        XCTAssertEqual(StepDetection.steps([Double](repeating: 1, count: 30), minimumChange: 0), [])
        XCTAssertEqual(StepDetection.steps((0..<30).map { $0 == 3 ? .nan : Double($0) }, minimumChange: 0), [])
    }
}
