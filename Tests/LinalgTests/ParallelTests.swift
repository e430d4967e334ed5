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

    /// A pass over many chunks makes at most one scratch item per thread, and every chunk
    /// finds its item as the previous user left it (here: all zero again).
    func testScratchPoolReusesItemsAcrossChunks() {
        for threads in [1, 2, 3] {
            let pool = ScratchPool { [Int](repeating: 0, count: 64) }
            let sums = Parallel.withThreadCount(threads) {
                Parallel.mapChunks(count: 1_000, chunkSize: 10) { c, range -> Int in
                    pool.withItem { scratch in
                        XCTAssertTrue(scratch.allSatisfy { $0 == 0 }, "a chunk must find its item clean")
                        for i in range { scratch[i % 64] += i }
                        let total = scratch.reduce(0, +)
                        for j in scratch.indices { scratch[j] = 0 }
                        return total
                    }
                }
            }
            XCTAssertEqual(sums.reduce(0, +), (0..<1_000).reduce(0, +))
            XCTAssertGreaterThanOrEqual(pool.allItems.count, 1)
            XCTAssertLessThanOrEqual(pool.allItems.count, threads, "one item per thread at most, not one per chunk")
        }
    }
}

