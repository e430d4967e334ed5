import Foundation
import XCTest

/// Runs the `mbench` binary built beside the test bundle (`swift build --build-tests`
/// builds it with the same flags) and captures its exit status and output.
enum MBenchProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The binary was not built (run `swift build --build-tests`, as `make test` does).
    struct MissingBinary: Error, CustomStringConvertible {
        let path: String
        var description: String { "no mbench binary at \(path); build it with the tests (make test)" }
    }

    /// The package root (Tests/mbenchTests/ is two levels below it).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `.build/<configuration>/mbench`: the folder of the test bundle holds the products.
    static var binary: URL {
        get throws {
            #if os(macOS)
            let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }!.bundleURL.deletingLastPathComponent()
            #else
            let products = Bundle.main.bundleURL
            #endif
            let url = products.appendingPathComponent("mbench")
            guard FileManager.default.isExecutableFile(atPath: url.path) else {
                throw MissingBinary(path: url.path)
            }
            return url
        }
    }

    /// Runs `mbench arguments…` in the repository folder (so relative paths such as Experiments/ resolve).
    static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = try binary
        process.arguments = arguments
        process.currentDirectoryURL = repository
        var environment = ProcessInfo.processInfo.environment
        environment["MBENCH_THREADS"] = environment["MBENCH_THREADS"] ?? "2"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        // Output goes to files, so a chatty command never blocks on a full pipe.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mbench-cli-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        let outData = try Data(contentsOf: outURL), errData = try Data(contentsOf: errURL)
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
