import Dispatch
import Foundation
import XCTest
@testable import Linalg

final class WorkerTeamTests: XCTestCase {
    /// Thousands of short passes on one team: every chunk of every pass runs exactly once.
    func testEveryChunkOfEveryPassRunsOnce() {
        let passes = 3_000, count = 997
        var hits = [Int](repeating: 0, count: count)
        Parallel.withThreadCount(3) {
            Parallel.withWorkerTeam {
                XCTAssertNotNil(Parallel.currentTeam)
                XCTAssertEqual(Parallel.currentTeam?.size, 3)
                hits.withUnsafeMutableBufferPointer { h in
                    let p = h.baseAddress!
                    for _ in 0..<passes {
                        Parallel.forEachChunk(count: count, chunkSize: 7) { _, range in
                            for i in range { p[i] += 1 }
                        }
                    }
                }
            }
        }
        XCTAssertNil(Parallel.currentTeam, "the team is closed with its block")
        XCTAssertEqual(hits, [Int](repeating: passes, count: count))
    }

    /// An order-dependent float reduction gives the same bits with and without a team, for any size.
    func testSameBitsWithAndWithoutTeam() {
        let values = (0..<50_001).map { Float(sin(Double($0) * 0.7)) * 1e3 }
        func reduce() -> Float {
            Parallel.mapChunks(count: values.count, chunkSize: 313) { _, range -> Float in
                var s: Float = 0
                for i in range { s += values[i] }
                return s
            }.reduce(0, +)
        }
        let plain = Parallel.withThreadCount(1) { reduce() }
        for threads in [2, 3, 5] {
            let teamed = Parallel.withThreadCount(threads) { Parallel.withWorkerTeam { reduce() } }
            XCTAssertEqual(plain.bitPattern, teamed.bitPattern, "\(threads) threads")
        }
    }

    /// A pass started inside a chunk body, or on another thread while the team is open, does
    /// not use the team (it would wait on itself) and still visits every index once.
    func testNestedAndForeignPassesTakeTheOrdinaryPath() {
        let outer = 16, inner = 500
        var hits = [Int](repeating: 0, count: outer * inner)
        Parallel.withThreadCount(2) {
            Parallel.withWorkerTeam {
                hits.withUnsafeMutableBufferPointer { h in
                    let p = h.baseAddress!
                    Parallel.forEachChunk(count: outer, chunkSize: 1) { c, _ in
                        Parallel.forEachChunk(count: inner, chunkSize: 50) { _, range in
                            for i in range { p[c * inner + i] += 1 }
                        }
                    }
                }
                let done = DispatchSemaphore(value: 0)
                let foreign = ForeignObservation()
                Thread {
                    foreign.sawTeam = Parallel.currentTeam != nil
                    foreign.sum = Parallel.mapChunks(count: 1_000, chunkSize: 10) { _, r in r.reduce(0, +) }.reduce(0, +)
                    done.signal()
                }.start()
                done.wait()
                XCTAssertFalse(foreign.sawTeam)
                XCTAssertEqual(foreign.sum, 999 * 1_000 / 2)
            }
        }
        XCTAssertEqual(hits, [Int](repeating: 1, count: outer * inner))
    }

    /// Helpers idle long enough to sleep are woken by the next pass (no lost wake-up).
    func testSleepingHelpersWakeForTheNextPass() {
        var total = 0
        Parallel.withThreadCount(2) {
            Parallel.withWorkerTeam {
                for round in 0..<5 {
                    Thread.sleep(forTimeInterval: 0.03)
                    let sums = Parallel.mapChunks(count: 64, chunkSize: 1) { c, _ in c + round }
                    total += sums.reduce(0, +)
                }
            }
        }
        XCTAssertEqual(total, 5 * (63 * 64 / 2) + 64 * (0 + 1 + 2 + 3 + 4))
    }

    /// One thread opens no team; teams nest by reusing the open one; many teams open and close.
    func testOneThreadNestingAndRepeatedTeams() {
        Parallel.withThreadCount(1) {
            Parallel.withWorkerTeam { XCTAssertNil(Parallel.currentTeam) }
        }
        Parallel.withThreadCount(2) {
            Parallel.withWorkerTeam {
                let outer = Parallel.currentTeam
                Parallel.withWorkerTeam { XCTAssertTrue(Parallel.currentTeam === outer) }
                XCTAssertTrue(Parallel.currentTeam === outer)
            }
            for _ in 0..<100 {
                let n = Parallel.withWorkerTeam { Parallel.mapChunks(count: 10, chunkSize: 1) { c, _ in c }.reduce(0, +) }
                XCTAssertEqual(n, 45)
            }
        }
    }
}

/// What the other thread saw (written there before the semaphore, read here after it).
private final class ForeignObservation: @unchecked Sendable {
    var sawTeam = true
    var sum = 0
}
