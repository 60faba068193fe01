#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import RoundsDomain
@testable import RoundsJournal
import RoundsTestSupport

/// Counts syncs (and can fail them) around the system calls.
final class CountingIO: JournalIO {
    let syncs = Mutex(0)
    let inner = FaultyIO()
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> IOOutcome { inner.write(fd, bytes, at: offset) }
    func sync(_ fd: Int32) -> IOOutcome { syncs.withLock { $0 += 1 }; return inner.sync(fd) }
    func truncate(_ fd: Int32, to length: Int) -> IOOutcome { inner.truncate(fd, to: length) }
    var count: Int { syncs.withLock { $0 } }
}

/// Counts syncs; once armed, the next sync tells `entered` and waits for `release`, so a test
/// can act while a sync is under way.
final class GatedIO: JournalIO, @unchecked Sendable {
    let counting = CountingIO()
    let armed = Mutex(false)
    let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> IOOutcome { counting.write(fd, bytes, at: offset) }
    func sync(_ fd: Int32) -> IOOutcome {
        if armed.withLock({ let was = $0; $0 = false; return was }) {
            entered.signal()
            release.wait()
        }
        return counting.sync(fd)
    }
    func truncate(_ fd: Int32, to length: Int) -> IOOutcome { counting.truncate(fd, to: length) }
}

/// A journal handle handed to another thread (each is used by one thread at a time).
final class Handed: @unchecked Sendable {
    let journal: Journal
    init(_ journal: Journal) { self.journal = journal }
}

/// Group commit (Commit.swift): several writers, one sync.
@Suite struct GroupCommitTests {
    func entry(_ n: Int) -> Journal.Entry {
        Journal.Entry(time: Timestamp(milliseconds: Int64(60_000 + n)), actor: "w", event: .taskNoted(TaskNoted(id: TaskID(1), text: "note \(n)")))
    }

    func stage(_ j: Journal, _ n: Int) throws -> [Recorded] {
        try j.withLock { () throws(JournalError) -> [Recorded] in
            try j.catchUp { _ in }
            return try j.append([entry(n)], deferSync: true)
        }
    }

    /// Two writers each append and let the lock go; the first to wait syncs once for both,
    /// and the second finds its record already durable. A reader sees neither record before
    /// that sync and both after it.
    @Test func oneSyncCoversEveryWriterWaiting() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir, records: 3)
        let ioA = CountingIO(), ioB = CountingIO()
        let (a, _) = try Journal.open(at: path, writable: true, io: ioA) { _ in }
        let (b, _) = try Journal.open(at: path, writable: true, io: ioB) { _ in }
        var seen: [Recorded] = []
        let (reader, _) = try Journal.open(at: path, writable: false) { seen.append($0) }
        let syncsBefore = ioA.count + ioB.count
        let first = try stage(a, 1)
        let second = try stage(b, 2)
        #expect(first.first?.seq == 4 && second.first?.seq == 5, "the second writer caught up and chained after the first")
        #expect(!reader.mayHaveNewRecords, "nothing is published before it is durable")
        #expect(try reader.catchUp { seen.append($0) } == 0)
        try b.awaitDurable()
        #expect(ioB.count - (syncsBefore - ioA.count) >= 1)
        let afterB = ioA.count + ioB.count
        try a.awaitDurable()
        #expect(ioA.count + ioB.count == afterB, "the first writer's record was already durable: no second sync")
        #expect(reader.mayHaveNewRecords)
        #expect(try reader.catchUp { seen.append($0) } == 2)
        #expect(seen == written + first + second)
    }

    /// While a sync is under way, a writer it covers sleeps until it ends and is then durable
    /// without a sync of its own; a writer that appended after it began sleeps until the leader
    /// calls it to lead the next sync, which it then does. Waits may last 10 s here, so a
    /// missed wake-up shows as a wait that ran out.
    @Test func theEndOfASyncWakesThoseItCoveredAndOneToLeadTheNext() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, _) = try sampleJournal(dir, records: 2)
        let ios = (0..<3).map { _ in GatedIO() }
        let handles = try ios.map { io in Handed(try Journal.open(at: path, writable: true, io: io) { _ in }.0) }
        for h in handles { h.journal.commit?.waitLimit = 10_000_000_000 }
        let leader = handles[0].journal, covered = handles[1].journal, next = handles[2].journal
        _ = try stage(leader, 1)
        _ = try stage(covered, 2)
        let before = ios.map(\.counting.count)
        ios[0].armed.withLock { $0 = true }
        let results = Mutex<[Int: Bool]>([:])
        func wait(_ i: Int) -> Thread {
            let t = Thread {
                let ok = (try? handles[i].journal.awaitDurable()) != nil
                results.withLock { $0[i] = ok }
            }
            t.start()
            return t
        }
        let threads = [wait(0)]
        ios[0].entered.wait()   // the leader's sync is under way, covering records 1 and 2
        _ = try stage(next, 3)   // written after it began: not covered
        let more = [wait(1), wait(2)]
        usleep(100_000)   // both asleep (were either not yet, it would find the sync ended and go on)
        ios[2].armed.withLock { $0 = true }
        ios[0].release.signal()
        ios[2].entered.wait()   // the writer of record 3 leads the next sync
        // The covered writer was woken when the first sync ended, not when this one does.
        var waited = 0
        while !more[0].isFinished && waited < 5_000 { usleep(1000); waited += 1 }
        #expect(more[0].isFinished, "the writer the first sync covered is still asleep")
        ios[2].release.signal()
        for t in threads + more { while !t.isFinished { usleep(1000) } }
        #expect(results.withLock { $0 } == [0: true, 1: true, 2: true])
        let syncs = zip(ios, before).map { $0.counting.count - $1 }
        #expect(syncs == [1, 0, 1], "the leader synced records 1 and 2; the writer of record 3 led the next sync")
        #expect(handles.map { $0.journal.commit?.timedOutWaits } == [0, 0, 0], "a waiter slept through its wake-up")
        #expect(next.commit.map { $0.synced == $0.written } == true)
    }

    /// A failed sync refuses every writer waiting on it and every writer after; nothing past
    /// the last good sync is kept or published, and a journal reopened later is whole.
    @Test func aFailedSyncRefusesEveryWaiterAndCutsBack() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir, records: 3)
        let before = readFile(path)
        let ioA = CountingIO(), ioB = CountingIO()
        do {
            let (a, _) = try Journal.open(at: path, writable: true, io: ioA) { _ in }
            let (b, _) = try Journal.open(at: path, writable: true, io: ioB) { _ in }
            var seen: [Recorded] = []
            let (reader, _) = try Journal.open(at: path, writable: false) { seen.append($0) }
            _ = try stage(a, 1)
            _ = try stage(b, 2)
            ioB.inner.inject(.syncFails(errno: EIO))
            #expect(throws: JournalError.writeFailed(path, reason: "sync failed: input/output error (EIO)")) { try b.awaitDurable() }
            #expect(throws: JournalError.writeFailed(path, reason: "sync failed: input/output error (EIO)")) { try a.awaitDurable() }
            #expect(Array(readFile(path).prefix(before.count)) == before)
            #expect(readFile(path).count == before.count, "cut back to the last good sync")
            #expect(throws: JournalError.self) { _ = try stage(a, 3) }
            #expect(try reader.catchUp { seen.append($0) } == 0)
            #expect(seen == written)
        }
        let (reopened, report) = try replay(path, writable: true)
        #expect(reopened == written)
        #expect(report.tornTail == nil)
        let (c, _) = try Journal.open(at: path, writable: true) { _ in }
        let more = try stage(c, 4)
        try c.awaitDurable()
        #expect(more.first?.seq == 4)
    }

    /// Four threads, each with its own handle (its own lock and file description, as separate
    /// processes have), append durably at once: every record is there once, in one valid
    /// chain, each writer's in its order. No waiter sleeps through the end of the sync that
    /// covers it, or through the call to lead the next (their waits may last 10 s, so one
    /// missed wake-up shows as a wait that ran out).
    @Test func concurrentWritersLoseNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir, records: 2)
        let writers = 4, each = 150
        let failures = Mutex(0), timedOut = Mutex(0)
        let ios = (0..<writers).map { _ in CountingIO() }
        let threads = (0..<writers).map { w in
            Thread {
                do {
                    let (j, _) = try Journal.open(at: path, writable: true, io: ios[w]) { _ in }
                    j.commit?.waitLimit = 10_000_000_000
                    defer { timedOut.withLock { $0 += j.commit?.timedOutWaits ?? 1 } }
                    for i in 0..<each {
                        let e = Journal.Entry(time: Timestamp(milliseconds: 70_000), actor: "w\(w)",
                                              event: .taskNoted(TaskNoted(id: TaskID(1), text: "\(w) \(i)")))
                        _ = try j.withLock { () throws(JournalError) -> [Recorded] in
                            try j.catchUp { _ in }
                            return try j.append([e], deferSync: true)
                        }
                        try j.awaitDurable()
                    }
                } catch {
                    failures.withLock { $0 += 1 }
                }
            }
        }
        for t in threads { t.start() }
        while threads.contains(where: { !$0.isFinished }) { usleep(1000) }
        #expect(failures.withLock { $0 } == 0)
        #expect(timedOut.withLock { $0 } == 0, "a waiter slept through its wake-up")
        let (read, report) = try replay(path)
        #expect(report.tornTail == nil)
        #expect(read.count == written.count + writers * each)
        #expect(read.map(\.seq) == Array(1...UInt64(read.count)))
        for w in 0..<writers {
            let texts = read.compactMap { r -> String? in
                guard r.actor == "w\(w)", case .taskNoted(let n) = r.event else { return nil }
                return n.text
            }
            #expect(texts == (0..<each).map { "\(w) \($0)" })
        }
        let syncs = ios.reduce(0) { $0 + $1.count }
        #expect(syncs <= writers * each + writers, "at most one sync per record, besides making room")
    }

    /// Appends that preallocate leave the file longer than its records while it is open; the
    /// last writer to close cuts the space off, so a closed journal ends at its last record.
    @Test func spaceMadeReadyIsCutOffByTheLastToClose() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, _) = try sampleJournal(dir, records: 3)
        do {
            let (a, _) = try Journal.open(at: path, writable: true) { _ in }
            _ = try stage(a, 1)
            try a.awaitDurable()
            #expect(readFile(path).count == Journal.preallocationStep)
            #expect(a.recordsEnd < Journal.preallocationStep)
            do {
                let (b, _) = try Journal.open(at: path, writable: true) { _ in }
                #expect(b.recordsEnd == a.recordsEnd)
            }
            #expect(readFile(path).count == Journal.preallocationStep, "another process still has it open")
        }
        let bytes = readFile(path)
        #expect(bytes.count < Journal.preallocationStep)
        #expect(bytes.last != 0)
        #expect(try replay(path).0.count == 4)
    }
}
