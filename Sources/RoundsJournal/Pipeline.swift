#if canImport(Glibc)
import Glibc
#endif
import RoundsDomain

/// Replay on two cores: one thread reads, checks and decodes records (checksums, the hash
/// chain, `Event.read`) while the caller's thread applies them. Records reach the caller in
/// journal order, in batches, through a bounded queue, so memory stays small however long the
/// journal is. The caller sees the same records, the same scan result and the same errors as
/// a plain `readToEnd`, after the records that came before them.
extension Journal {
    /// When replay reads on a second thread, and in what batches.
    public struct Pipeline: Sendable {
        /// Replays with at least this many bytes to read use a second thread (below it, the
        /// thread costs more than it saves).
        public var threshold: Int
        /// Records handed over at a time, and how many batches may wait.
        public var batch: Int
        public var waiting: Int

        public init(threshold: Int, batch: Int = 4096, waiting: Int = 8) {
            self.threshold = threshold
            self.batch = max(1, batch)
            self.waiting = max(1, waiting)
        }

        /// From 4 MB (about 45,000 records): a snapshot's tail is replayed on one thread.
        public static let standard = Pipeline(threshold: 4 << 20)
        public static let off = Pipeline(threshold: .max)
    }

    func readToEndPipelined(_ pipeline: Pipeline, afterBatch: () -> (any Sendable)? = { nil },
                            _ onRecord: (Recorded) -> Void) throws(JournalError) -> ScanStop {
        let channel = BatchChannel(pipeline)
        let size = pipeline.batch
        let reader = Unchecked(self)
        let started = startThread {
            var batch = channel.emptyBatch(capacity: size)
            do throws(JournalError) {
                let stop = try reader.value.readToEnd { r in
                    (batch.base + batch.count).initialize(to: r)
                    batch.count += 1
                    if batch.count == size {
                        channel.put(batch)
                        batch = channel.emptyBatch(capacity: size)
                    }
                }
                channel.put(batch)
                channel.finish(.success(stop))
            } catch {
                channel.put(batch)
                channel.finish(.failure(error))
            }
        }
        guard let thread = started else { return try readToEnd(onRecord) }
        // Each record is moved out of its batch, applied and destroyed once: iterating an array
        // of records copied each one (a retain of every string in it) and released it twice.
        // (Lending the records in place and leaving the reading thread to destroy them, which
        // has time to spare, measured slower: both threads then touch every string's count.)
        while let batch = channel.take() {
            for i in 0..<batch.count { onRecord((batch.base + i).move()) }
            channel.recycle(Batch(base: batch.base, capacity: batch.capacity, garbage: afterBatch()))
        }
        pthread_join(thread, nil)
        return try channel.outcome!.get()
    }
}

/// A value handed to the reading thread, which alone uses it until it is joined.
private struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Records the reading thread has initialised, `count` of them from `base`, owned by whichever
/// thread holds the batch. An emptied batch goes back carrying what `afterBatch` gave, for the
/// reading thread to destroy.
private struct Batch: @unchecked Sendable {
    let base: UnsafeMutablePointer<Recorded>
    let capacity: Int
    var count = 0
    var garbage: (any Sendable)?

    func free() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

/// Batches of records from the reading thread to the applying one, at most `limit` waiting.
/// Emptied batches go back to the reader to fill again, so their memory is allocated and freed
/// by one thread.
private final class BatchChannel: @unchecked Sendable {
    private let limit: Int
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var queue: [Batch] = []
    private var head = 0
    private var spare: [Batch] = []
    private(set) var outcome: Result<ScanStop, JournalError>?

    init(_ pipeline: Journal.Pipeline) {
        limit = pipeline.waiting
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&changed, nil)
    }

    deinit {
        // Every batch put was taken and emptied before the caller returns (take() hands out
        // all of them before it returns nil), so only empty ones are left.
        for batch in spare { batch.free() }
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&mutex)
    }

    /// An emptied batch to fill again, or a new one. What came back with it is destroyed here,
    /// on the reading thread, outside the lock.
    func emptyBatch(capacity: Int) -> Batch {
        pthread_mutex_lock(&mutex)
        let reused = spare.popLast()
        pthread_mutex_unlock(&mutex)
        guard let reused else { return Batch(base: .allocate(capacity: capacity), capacity: capacity) }
        return Batch(base: reused.base, capacity: reused.capacity)
    }

    func put(_ batch: Batch) {
        guard batch.count > 0 else {
            recycle(batch)
            return
        }
        pthread_mutex_lock(&mutex)
        while queue.count - head >= limit { pthread_cond_wait(&changed, &mutex) }
        queue.append(batch)
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
    }

    /// Takes back a batch with no records in it (all moved out, or none put in).
    func recycle(_ batch: Batch) {
        pthread_mutex_lock(&mutex)
        spare.append(batch)
        pthread_mutex_unlock(&mutex)
    }

    func finish(_ result: Result<ScanStop, JournalError>) {
        pthread_mutex_lock(&mutex)
        outcome = result
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
    }

    /// The next batch in order, or nil once the reader has finished and every batch is taken.
    func take() -> Batch? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while head == queue.count && outcome == nil { pthread_cond_wait(&changed, &mutex) }
        guard head < queue.count else { return nil }
        let batch = queue[head]
        head += 1
        if head == queue.count { queue.removeAll(keepingCapacity: true); head = 0 }
        pthread_cond_broadcast(&changed)
        return batch
    }
}

/// Starts `body` on a new joinable thread; nil if the system would not start one.
private func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body))
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { raw in
        Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, box.toOpaque())
    guard started == 0 else {
        box.release()
        return nil
    }
    return thread
}
