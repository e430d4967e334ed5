import Embedding
import Foundation
import Linalg
#if canImport(Glibc)
import Glibc
#endif

/// Algorithms that misbehave on purpose, to test task isolation end to end: a crash, a hang,
/// a known amount of memory, and a failure that happens once (for retries on a cluster). They exist only when `MBENCH_TEST_ALGORITHMS=1` is set (the
/// workers inherit it), so specs cannot name them otherwise and `mbench list` does not show them.
public enum TestAlgorithms {
    /// The environment variable that enables them.
    public static let variable = "MBENCH_TEST_ALGORITHMS"

    static var enabled: Bool { ProcessInfo.processInfo.environment[variable] == "1" }

    static var types: [any EmbeddingAlgorithm.Type] {
        enabled ? [CrashingAlgorithm.self, SleepingAlgorithm.self, AllocatingAlgorithm.self, FlakyAlgorithm.self] : []
    }

    /// The first two columns of the data (or zeros): what the well-behaved ones return.
    static func firstColumns(_ data: Matrix) throws -> Matrix {
        var out = [Float](repeating: 0, count: data.rows * 2)
        for i in 0..<data.rows {
            for j in 0..<min(2, data.cols) { out[2 * i + j] = data.storage[i * data.cols + j] }
        }
        return try Matrix(rows: data.rows, cols: 2, storage: out)
    }
}

/// `test-crash`: ends its process by a signal (`signal`: 11 = SIGSEGV by default, 6 = SIGABRT, 9 = SIGKILL).
struct CrashingAlgorithm: EmbeddingAlgorithm {
    static let name = "test-crash"
    static let implementationVersion = 1
    static let parameterDocs = [ParameterDoc("signal", "11", "the signal the process sends itself")]
    let signal: Int32

    init(parameters: Parameters) throws {
        let reader = try ParameterReader(algorithm: Self.name, parameters: parameters, docs: Self.parameterDocs)
        signal = Int32(try reader.int("signal", default: 11, range: 1...31))
    }

    func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        Glibc.signal(signal, SIG_DFL)
        raise(signal)
        throw EmbeddingError.numerical("signal \(signal) did not end the process")
    }
}

/// `test-sleep`: waits `seconds`, then returns the data's first two columns.
struct SleepingAlgorithm: EmbeddingAlgorithm {
    static let name = "test-sleep"
    static let implementationVersion = 1
    static let parameterDocs = [ParameterDoc("seconds", "1", "how long to sleep")]
    let seconds: Double

    init(parameters: Parameters) throws {
        let reader = try ParameterReader(algorithm: Self.name, parameters: parameters, docs: Self.parameterDocs)
        seconds = try reader.double("seconds", default: 1, range: 0...86_400)
    }

    func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        Thread.sleep(forTimeInterval: seconds)
        return EmbeddingResult(embedding: try TestAlgorithms.firstColumns(data))
    }
}

/// `test-allocate`: touches `mib` MiB of memory, then returns the data's first two columns.
struct AllocatingAlgorithm: EmbeddingAlgorithm {
    static let name = "test-allocate"
    static let implementationVersion = 1
    static let parameterDocs = [ParameterDoc("mib", "100", "MiB to allocate and touch")]
    let mib: Int

    init(parameters: Parameters) throws {
        let reader = try ParameterReader(algorithm: Self.name, parameters: parameters, docs: Self.parameterDocs)
        mib = try reader.int("mib", default: 100, range: 1...16_384)
    }

    func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        let count = mib << 20
        let block = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        defer { block.deallocate() }
        var sum = 0
        for i in stride(from: 0, to: count, by: 4096) {
            block[i] = UInt8(truncatingIfNeeded: i >> 12)
            sum &+= Int(block[i])
        }
        var result = EmbeddingResult(embedding: try TestAlgorithms.firstColumns(data))
        result.diagnostics["touched_pages_checksum"] = Double(sum)
        return result
    }
}

/// `test-flaky`: returns the data's first two columns, but when `MBENCH_TEST_FLAKY_DIR` names a
/// folder, its first fit of each (seed, rows) fails: it leaves a marker file there and throws, so
/// a retry of the same task succeeds. Without the variable it never fails, so a single-process
/// run of the same spec gives the results a retried cluster run must reproduce.
struct FlakyAlgorithm: EmbeddingAlgorithm {
    static let name = "test-flaky"
    static let implementationVersion = 1
    static let parameterDocs: [ParameterDoc] = []
    /// The folder of markers; unset means never fail.
    static let markerVariable = "MBENCH_TEST_FLAKY_DIR"

    init(parameters: Parameters) throws {
        _ = try ParameterReader(algorithm: Self.name, parameters: parameters, docs: Self.parameterDocs)
    }

    func fit(_ data: Matrix, labels: [Int]?, seed: UInt64, progress: ProgressHandler?) throws -> EmbeddingResult {
        if let folder = ProcessInfo.processInfo.environment[Self.markerVariable], !folder.isEmpty {
            let marker = URL(fileURLWithPath: folder).appendingPathComponent("failed-once-seed\(seed)-rows\(data.rows)")
            // O_EXCL: of two attempts racing for the same marker exactly one fails.
            let descriptor = open(marker.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                close(descriptor)
                throw EmbeddingError.numerical("test-flaky: failing once on purpose (marker \(marker.path))")
            }
        }
        return EmbeddingResult(embedding: try TestAlgorithms.firstColumns(data))
    }
}
