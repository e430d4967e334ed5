import XCTest
@testable import Linalg

final class PhaseTimerTests: XCTestCase {
    /// Touches `bytes` of fresh memory and returns a value depending on it (so it is not optimised away).
    private func touch(_ bytes: Int) -> Int {
        var block = [UInt8](repeating: 1, count: bytes)
        block[bytes / 2] = 2
        return block.withUnsafeBufferPointer { p in stride(from: 0, to: bytes, by: 4096).reduce(0) { $0 + Int(p[$1]) } }
    }

    /// Each phase's peak is its own: a 256 MiB phase followed by a small one; the process's peak
    /// over the whole span still includes the big phase.
    func testEachPhaseRecordsItsOwnPeak() throws {
        guard Clock.resetPeakRSS() else { throw XCTSkip("the kernel's peak counter cannot be reset here") }
        let big = 256 << 20
        var timer = PhaseTimer()
        let touched = timer.measure("big") { touch(big) }
        XCTAssertGreaterThan(touched, 0)
        timer.measure("small") { _ = touch(1 << 20) }
        let bigPeak = try XCTUnwrap(timer.phases[0].peakRSSBytes)
        let smallPeak = try XCTUnwrap(timer.phases[1].peakRSSBytes)
        let resident = try XCTUnwrap(Clock.residentBytes())
        XCTAssertGreaterThanOrEqual(bigPeak, big)
        XCTAssertLessThan(smallPeak, bigPeak - big / 2, "the small phase must not inherit the big phase's peak")
        XCTAssertLessThan(smallPeak, resident + (64 << 20))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(Clock.peakRSSBytes()), bigPeak, "the span's peak keeps the big phase")
        // A new span forgets it.
        XCTAssertTrue(Clock.resetPeakRSS())
        XCTAssertLessThan(try XCTUnwrap(Clock.peakRSSBytes()), bigPeak - big / 2)
    }
}
