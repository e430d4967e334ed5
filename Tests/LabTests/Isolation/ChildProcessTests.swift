import XCTest
@testable import Lab
@testable import Linalg

final class ChildProcessTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func sh(_ script: String, timeout: Double? = nil) throws -> ChildOutcome {
        try ChildProcess.run(executable: "/bin/sh", arguments: ["-c", script], environment: ["PATH": "/usr/bin:/bin"],
                             stdout: folder.appendingPathComponent("out"), stderr: folder.appendingPathComponent("err"),
                             timeoutSeconds: timeout)
    }

    func testExitStatusAndStandardErrorTail() throws {
        let outcome = try sh("echo first >&2; echo 'the last words' >&2; exit 7")
        XCTAssertEqual(outcome.ending, .exited(7))
        XCTAssertFalse(outcome.succeeded)
        XCTAssertTrue(outcome.stderrTail.hasSuffix("the last words\n"), outcome.stderrTail)
        XCTAssertTrue(try sh("true").succeeded)
    }

    func testDeathBySignalIsNamed() throws {
        let outcome = try sh("kill -SEGV $$")
        XCTAssertEqual(outcome.ending, .signaled(SIGSEGV))
        XCTAssertTrue(outcome.ending.description.contains("SIGSEGV"), outcome.ending.description)
        let killed = try sh("kill -KILL $$")
        XCTAssertTrue(killed.ending.description.contains("out-of-memory"), killed.ending.description)
    }

    func testTimeLimitKillsTheWholeProcessGroup() throws {
        let marker = folder.appendingPathComponent("grandchild-pid").path
        let start = Date()
        // The child starts a grandchild that would outlive it, then waits forever.
        let outcome = try sh("sleep 300 & echo $! > \(marker); wait", timeout: 0.5)
        XCTAssertEqual(outcome.ending, .timedOut(limitSeconds: 0.5))
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        let pid = Int32(try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))!
        // The grandchild is gone (or a zombie of init's for a moment): signal 0 fails or it is reaped soon.
        var alive = true
        for _ in 0..<100 where alive {
            alive = kill(pid, 0) == 0 && !isZombie(pid)
            if alive { usleep(20_000) }
        }
        XCTAssertFalse(alive, "the grandchild \(pid) survived the time limit")
    }

    func testPeakMemoryIsTheChildsOwnIncludingWhatItWaitedFor() throws {
        // `tail` keeps the whole newline-free 200 MiB stream in memory before printing it.
        let outcome = try sh("head -c 209715200 /dev/zero | tail -n 1 > /dev/null")
        XCTAssertTrue(outcome.succeeded)
        XCTAssertGreaterThan(outcome.peakRSSBytes, 190 << 20)
        // A small child right after is measured on its own, not with the earlier one's peak (the
        // kernel floors it at this test process's own high-water mark, which it inherits at exec).
        let small = try sh("true")
        XCTAssertLessThan(small.peakRSSBytes, (Clock.peakRSSBytes() ?? 0) + (16 << 20))
        XCTAssertLessThan(small.peakRSSBytes, 150 << 20)
    }

    func testAMissingProgramIsAnErrorNotACrash() {
        XCTAssertThrowsError(try ChildProcess.run(executable: "/nonexistent/mbench", arguments: [], environment: [:],
                                                  stdout: folder.appendingPathComponent("o"),
                                                  stderr: folder.appendingPathComponent("e")))
    }

    private func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true
    }
}
