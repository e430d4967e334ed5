import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on one experiment's results folder, held for the whole of a run.
///
/// Two `mbench run` processes on the same folder would both compute the same tasks and race
/// on the summary and the figures; with this lock the second one waits (saying so) until the
/// first is done, then reuses what it stored. The lock is `flock(2)` on `<experiment>/.lock`:
/// the kernel drops it when the holder exits, even by a crash, so a stale lock cannot remain.
/// Acquiring it is also the check that the folder is writable: a read-only results folder is
/// reported before any task runs.
public final class StoreLock {
    private let descriptor: Int32
    /// The lock file.
    public let url: URL

    /// Takes the lock of `store`'s experiment folder; `onWait` is called once if another process
    /// holds it (with what that process wrote into the lock file).
    public init(_ store: ResultStore, onWait: (String) -> Void) throws {
        url = store.experimentDirectory.appendingPathComponent(".lock")
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LabError.io("cannot write to the results folder \(store.experimentDirectory.path): \(String(cString: strerror(errno))); nothing was run")
        }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            onWait(holder.isEmpty ? "another process" : holder)
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    close(descriptor)
                    throw LabError.io("cannot lock \(url.path): \(String(cString: strerror(errno)))")
                }
            }
        }
        let note = "mbench run, pid \(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = note.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
