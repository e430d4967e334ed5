import Foundation
import XCTest
@testable import Lab

final class TerminalProgressTests: XCTestCase {
    func testLineShowsElapsedAndTimeLeft() {
        XCTAssertEqual(TerminalProgress.line(prefix: "t", phase: "optimize", fraction: 0.25, elapsed: 30),
                       "t optimize 25% · 0:30 elapsed · about 1:30 left")
        XCTAssertEqual(TerminalProgress.line(prefix: "t", phase: "neighbors", fraction: 1, elapsed: 3725),
                       "t neighbors 100% · 1:02:05 elapsed")
        // Too early to estimate: under 2 % or under 2 s.
        XCTAssertEqual(TerminalProgress.line(prefix: "t", phase: "x", fraction: 0.01, elapsed: 50), "t x 1% · 0:50 elapsed")
        XCTAssertEqual(TerminalProgress.line(prefix: "t", phase: "x", fraction: 0.5, elapsed: 1.4), "t x 50% · 0:01 elapsed")
        XCTAssertEqual(TerminalProgress.line(prefix: "t", phase: "x", fraction: 0.5, elapsed: 0.2), "t x 50%")
    }

    /// A phase that reports only its end began at the previous report; updates are throttled to ten a second.
    func testPhasesStartAtThePreviousReportAndUpdatesAreThrottled() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: url) }
        var now = 100.0
        let line = ProgressLine(prefix: "p", output: try FileHandle(forWritingTo: url), clock: { now })
        now = 110; line.update(phase: "neighbors", fraction: 1)
        now = 110.05; line.update(phase: "optimize", fraction: 0.1)   // throttled (0.05 s after the last line)
        now = 130.0; line.update(phase: "optimize", fraction: 0.5)
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\u{1B}[2K").filter { !$0.isEmpty }
        XCTAssertEqual(lines, ["p neighbors 100% · 0:10 elapsed", "p optimize 50% · 0:20 elapsed · about 0:20 left"])
    }
}
