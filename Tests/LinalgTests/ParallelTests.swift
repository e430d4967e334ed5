import XCTest
@testable import Linalg

final class ParallelTests: XCTestCase {
    /// A float reduction whose order matters gives identical bits for any thread count.
    func testChunkedReductionIndependentOfThreadCount() {
        let values = (0..<100_003).map { Float(sin(Double($0))) * 1e3 }
        func reduce(threads: Int) -> Float {
            Parallel.withThreadCount(threads) {
                let partial = Parallel.mapChunks(count: values.count, chunkSize: 997) { _, range -> Float in
                    var s: Float = 0
                    for i in range { s += values[i] }
                    return s
                }
                return partial.reduce(0, +)
            }
        }
        let one = reduce(threads: 1)
        XCTAssertEqual(one.bitPattern, reduce(threads: 2).bitPattern)
        XCTAssertEqual(one.bitPattern, reduce(threads: 8).bitPattern)
    }

    func testEveryIndexVisitedOnce() {
        var hits = [Int](repeating: 0, count: 10_000)
        hits.withUnsafeMutableBufferPointer { h in
            let p = h.baseAddress!
            Parallel.forEachChunk(count: 10_000, chunkSize: 33) { _, range in
                for i in range { p[i] += 1 }
            }
        }
        XCTAssertEqual(hits, [Int](repeating: 1, count: 10_000))
    }

    func testEmptyRangeDoesNothing() {
        Parallel.forEachChunk(count: 0, chunkSize: 10) { _, _ in XCTFail("no chunk expected") }
    }
}
