import XCTest
@testable import Linalg

/// Known answers pin the generator: a change to it changes every published number.
final class RandomStreamTests: XCTestCase {
    func testXoshiroKnownAnswersForSeed42() {
        // Independently computed with a Python SplitMix64 + xoshiro256** reference.
        var r = RandomStream(seed: 42)
        XCTAssertEqual((0..<4).map { _ in r.next() },
                       [1546998764402558742, 6990951692964543102, 12544586762248559009, 17057574109182124193])
    }

    func testDerivedStreamKnownAnswers() {
        var s = RandomStream(seed: 42, purpose: "umap.sgd", index: 3)
        XCTAssertEqual((0..<4).map { _ in s.next() },
                       [13657188165966366258, 1788163498589377956, 4672308830002337151, 4196068733852229522])
    }

    func testStreamsDifferByPurposeAndIndex() {
        var a = RandomStream(seed: 7, purpose: "a", index: 0)
        var b = RandomStream(seed: 7, purpose: "b", index: 0)
        var c = RandomStream(seed: 7, purpose: "a", index: 1)
        let x = a.next(), y = b.next(), z = c.next()
        XCTAssertNotEqual(x, y)
        XCTAssertNotEqual(x, z)
        XCTAssertNotEqual(y, z)
    }

    func testUniformRangesAndMoments() {
        var r = RandomStream(seed: 1)
        var sum = 0.0, sumSq = 0.0
        let n = 200_000
        for _ in 0..<n {
            let u = r.nextDouble()
            XCTAssert(u >= 0 && u < 1)
            let f = r.nextFloat()
            XCTAssert(f >= 0 && f < 1)
            let g = r.nextGaussian()
            sum += g; sumSq += g * g
        }
        XCTAssertEqual(sum / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(sumSq / Double(n), 1, accuracy: 0.02)
    }

    func testNextIntIsUnbiasedAndInRange() {
        var r = RandomStream(seed: 3)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[r.nextInt(below: 7)] += 1 }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 400) }
    }

    func testPermutationAndSample() {
        var r = RandomStream(seed: 5)
        XCTAssertEqual(r.permutation(100).sorted(), Array(0..<100))
        let s = r.sample(10, from: 1000)
        XCTAssertEqual(Set(s).count, 10)
        XCTAssert(s.allSatisfy { $0 >= 0 && $0 < 1000 })
    }
}
