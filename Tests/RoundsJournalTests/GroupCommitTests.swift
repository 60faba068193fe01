#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing
@testable import RoundsDomain
import RoundsJournal
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
    /// chain, each writer's in its order.
    @Test func concurrentWritersLoseNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir, records: 2)
        let writers = 4, each = 150
        let failures = Mutex(0)
        let ios = (0..<writers).map { _ in CountingIO() }
        let threads = (0..<writers).map { w in
            Thread {
                do {
                    let (j, _) = try Journal.open(at: path, writable: true, io: ios[w]) { _ in }
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
