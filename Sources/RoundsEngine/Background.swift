#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Work done off the caller's thread, one job at a time: the interactive UI writes its periodic
/// snapshot here, so that encoding and syncing a few megabytes never stalls a keystroke
/// (Docs/PERFORMANCE.md, "Keystroke to frame").
final class BackgroundJob: Sendable {
    private let busy = Mutex(false)

    /// Starts `body` on a new thread unless a job is still running; false if one is.
    func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        guard busy.withLock({ b in defer { b = true }; return !b }) else { return false }
        let box = Unmanaged.passRetained(Box { [self] in body(); busy.withLock { $0 = false } })
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            let job = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            job.body()
            return nil
        }, box.toOpaque())
        if started != 0 {
            box.release()
            busy.withLock { $0 = false }
            return false
        }
        pthread_detach(thread)
        return true
    }

    var isRunning: Bool { busy.withLock { $0 } }

    /// Waits (up to `limit` seconds) for a running job to finish: before the process exits, so
    /// a snapshot is not left half written as a temporary file.
    func wait(limit: Double = 10) {
        var waited = 0.0
        while isRunning && waited < limit {
            usleep(5_000)
            waited += 0.005
        }
    }

    private final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
