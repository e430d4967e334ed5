import Atomics
import CKernels
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A team of threads kept awake for a run of many short parallel passes, such as UMAP's
/// SGD sub-steps (thousands per fit, each well under a millisecond) or t-SNE's iterations.
///
/// `Parallel.forEachChunk` normally hands every pass to `DispatchQueue.concurrentPerform`,
/// which wakes sleeping pool threads each time; on short passes that wake-up is a large part
/// of the pass (UMAP's SGD on 10 000 points ran 1.45× faster on 2 threads than on 1, not 2×).
/// Inside `Parallel.withWorkerTeam { … }` the passes that the calling thread starts go to a
/// team of `Parallel.threadCount` threads instead (the caller is one of them): helpers wait
/// for the next pass by spinning briefly, then yielding, then sleeping on a condition.
///
/// Determinism: the team changes who runs a chunk and when, never what a chunk is. Chunks
/// are cut from `count` and `chunkSize` exactly as before and each runs once, so the
/// results are the same bits as without a team and for any thread count.
///
/// Passes started from inside a chunk body (nested parallelism), or from another thread,
/// do not use the team: they take the `concurrentPerform` path as before.
///
/// Cost: while the block runs, idle helpers spin about `spinsBeforeYield` PAUSEs between
/// passes before they yield and then sleep. With more threads than free cores (another busy
/// process, or `MBENCH_THREADS` above the core count) that spinning takes CPU from the
/// workers; it never changes a result.
final class WorkerTeam: @unchecked Sendable {
    /// One pass: chunks of `chunkSize` over `0 ..< count`.
    private struct Pass {
        var count: Int
        var chunkSize: Int
        var chunks: Int
        var body: (Int, Range<Int>) -> Void
    }

    /// Threads in the team, the owner (the thread that made it) included.
    let size: Int
    private let owner = pthread_self()
    /// Bumped by the owner to start a pass (the pass is written before, with release order).
    private let generation = ManagedAtomic<Int>(0)
    private let nextChunk = ManagedAtomic<Int>(0)
    /// Helpers that have finished the current pass.
    private let finished = ManagedAtomic<Int>(0)
    /// Helpers asleep on `wake` (the owner signals only when some are).
    private let sleepers = ManagedAtomic<Int>(0)
    private let stopping = ManagedAtomic<Bool>(false)
    private let wake = NSCondition()
    private let exited = DispatchSemaphore(value: 0)
    /// The pass being run; written by the owner only while every helper waits.
    private var pass: Pass?
    /// True while the owner runs a pass (a nested pass then takes the ordinary path).
    private(set) var running = false

    /// Spins before a waiting helper yields its core, and yields before it sleeps.
    private static let spinsBeforeYield = 2_000
    private static let yieldsBeforeSleep = 200

    /// Starts `size − 1` helper threads (none for size 1).
    init(size: Int) {
        self.size = max(1, size)
        for _ in 1..<self.size {
            let thread = Thread { [self] in helperLoop() }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Stops and joins the helpers. Call once, from the owner, when no pass is running.
    func shutDown() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        wake.lock(); wake.broadcast(); wake.unlock()
        for _ in 1..<size { exited.wait() }
    }

    /// True on the thread that made the team.
    var isOwnerThread: Bool { pthread_equal(owner, pthread_self()) != 0 }

    /// Runs one pass on the team; the owner takes chunks too and returns when all are done.
    func run(count: Int, chunkSize: Int, chunks: Int, _ body: (Int, Range<Int>) -> Void) {
        withoutActuallyEscaping(body) { body in
            running = true
            pass = Pass(count: count, chunkSize: chunkSize, chunks: chunks, body: body)
            nextChunk.store(0, ordering: .relaxed)
            finished.store(0, ordering: .relaxed)
            generation.wrappingIncrement(ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock(); wake.broadcast(); wake.unlock()
            }
            work(pass!)
            var spins = 0
            while finished.load(ordering: .acquiring) < size - 1 {
                spins += 1
                if spins < WorkerTeam.spinsBeforeYield { mb_cpu_relax() } else { sched_yield() }
            }
            pass = nil
            running = false
        }
    }

    /// Takes chunks of `pass` until none are left.
    private func work(_ pass: Pass) {
        while true {
            let c = nextChunk.loadThenWrappingIncrement(ordering: .relaxed)
            if c >= pass.chunks { return }
            pass.body(c, c * pass.chunkSize ..< min(pass.count, (c + 1) * pass.chunkSize))
        }
    }

    private func helperLoop() {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen, !stopping.load(ordering: .relaxed) {
                spins += 1
                if spins < WorkerTeam.spinsBeforeYield {
                    mb_cpu_relax()
                } else if spins < WorkerTeam.spinsBeforeYield + WorkerTeam.yieldsBeforeSleep {
                    sched_yield()
                } else {
                    // Announce the sleep before checking again (the owner bumps the generation
                    // before reading `sleepers`), so a wake-up cannot be missed.
                    wake.lock()
                    sleepers.wrappingIncrement(ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen,
                          !stopping.load(ordering: .sequentiallyConsistent) {
                        wake.wait()
                    }
                    sleepers.wrappingDecrement(ordering: .sequentiallyConsistent)
                    wake.unlock()
                }
            }
            if stopping.load(ordering: .acquiring) { break }
            seen = generation.load(ordering: .acquiring)
            work(pass!)
            finished.wrappingIncrement(ordering: .releasing)
        }
        exited.signal()
    }
}
