import Dispatch
import Foundation

/// Parallel loops whose results do not depend on the number of threads.
///
/// Work over `0 ..< count` is cut into chunks of a size chosen from the problem
/// (never from the core count). Each chunk is processed by exactly one thread,
/// and anything reduced across chunks is combined in chunk order by the caller
/// (use `mapChunks`). So 1 thread and 8 threads give bit-identical results.
public enum Parallel {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var configuredThreads: Int = {
        if let text = ProcessInfo.processInfo.environment["MBENCH_THREADS"], let n = Int(text), n > 0 {
            return n
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }()

    /// Number of worker threads used by `forEachChunk` / `mapChunks`
    /// (default: `MBENCH_THREADS` if set, else the number of active cores).
    public static var threadCount: Int {
        get { lock.lock(); defer { lock.unlock() }; return configuredThreads }
        set { lock.lock(); configuredThreads = max(1, newValue); lock.unlock() }
    }

    /// Runs `body` with `threadCount` set to `threads`, then restores the previous count
    /// (also when `body` throws). For comparing thread counts in tests and benchmarks.
    public static func withThreadCount<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        let saved = threadCount
        threadCount = threads
        defer { threadCount = saved }
        return try body()
    }

    /// Number of chunks of `chunkSize` needed to cover `count` items.
    @inlinable
    public static func chunkCount(count: Int, chunkSize: Int) -> Int {
        precondition(chunkSize > 0, "chunkSize must be positive")
        return (count + chunkSize - 1) / chunkSize
    }

    /// Calls `body(chunkIndex, range)` once for every chunk of `0 ..< count`,
    /// spread over `threadCount` threads. Chunks may run in any order and
    /// concurrently, so `body` must only write to memory owned by its chunk.
    public static func forEachChunk(count: Int, chunkSize: Int, _ body: (Int, Range<Int>) -> Void) {
        let chunks = chunkCount(count: count, chunkSize: chunkSize)
        if chunks == 0 { return }
        let workers = min(threadCount, chunks)
        if workers <= 1 {
            for c in 0..<chunks { body(c, c * chunkSize ..< min(count, (c + 1) * chunkSize)) }
            return
        }
        if let team = currentTeam, !team.running {
            team.run(count: count, chunkSize: chunkSize, chunks: chunks, body)
            return
        }
        let next = ChunkCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let c = next.take()
                if c >= chunks { break }
                body(c, c * chunkSize ..< min(count, (c + 1) * chunkSize))
            }
        }
    }

    /// Runs `body` with a `WorkerTeam` of `threadCount` threads serving the parallel passes that
    /// this thread starts inside it: for code that runs thousands of short passes in a row
    /// (UMAP's SGD, t-SNE's iterations). Results are the same bits as without it. Inside an
    /// open team (or with one thread) it just runs `body`.
    public static func withWorkerTeam<T>(_ body: () throws -> T) rethrows -> T {
        let threads = threadCount
        if currentTeam != nil || threads <= 1 { return try body() }
        let team = WorkerTeam(size: threads)
        pthread_setspecific(teamKey, Unmanaged.passUnretained(team).toOpaque())
        defer {
            pthread_setspecific(teamKey, nil)
            team.shutDown()
        }
        return try body()
    }

    /// The team opened by this thread (thread-specific: nil on every other thread).
    static var currentTeam: WorkerTeam? {
        guard let p = pthread_getspecific(teamKey) else { return nil }
        return Unmanaged<WorkerTeam>.fromOpaque(p).takeUnretainedValue()
    }

    private static let teamKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Computes one value per chunk in parallel and returns them in chunk order,
    /// ready for an order-fixed reduction.
    public static func mapChunks<T>(count: Int, chunkSize: Int, _ body: (Int, Range<Int>) -> T) -> [T] {
        let chunks = chunkCount(count: count, chunkSize: chunkSize)
        var results = [T?](repeating: nil, count: chunks)
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress
            forEachChunk(count: count, chunkSize: chunkSize) { c, range in
                (base! + c).pointee = body(c, range)
            }
        }
        return results.map { $0! }
    }

    /// A chunk size that gives about `targetChunks` chunks, at least `minimum` items each.
    /// Depends only on `count`, so the chunking is the same on every machine.
    @inlinable
    public static func chunkSize(for count: Int, targetChunks: Int = 64, minimum: Int = 16) -> Int {
        max(minimum, (count + targetChunks - 1) / max(targetChunks, 1))
    }
}

/// Hands out chunk indices to worker threads.
private final class ChunkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take() -> Int {
        lock.lock(); defer { lock.unlock() }
        let v = value
        value += 1
        return v
    }
}

/// Scratch space reused across the chunks of a parallel pass: a chunk takes an item (made by
/// `make` when none is free) and gives it back when done, so a pass over many chunks allocates
/// about one item per thread instead of one per chunk. Items must not carry results from one
/// chunk to the next (each chunk leaves its item as it found it); which item a chunk gets
/// depends on timing, so nothing a chunk computes may depend on it.
public final class ScratchPool<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [Item] = []
    private var made: [Item] = []
    private let make: () -> Item

    public init(make: @escaping () -> Item) { self.make = make }

    /// Runs `body` with an item of the pool, returned to it afterwards.
    public func withItem<R>(_ body: (inout Item) throws -> R) rethrows -> R {
        lock.lock()
        var item: Item
        if let reused = free.popLast() {
            item = reused
        } else {
            item = make()
            made.append(item)
        }
        lock.unlock()
        defer { lock.lock(); free.append(item); lock.unlock() }
        return try body(&item)
    }

    /// Every item made so far (to release manual allocations once the pass is over).
    public var allItems: [Item] {
        lock.lock(); defer { lock.unlock() }
        return made
    }
}
