#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RoundsDomain
import RoundsJournal
import RoundsTestSupport

/// A journal of `n` varied records written directly (no engine), and the records it holds.
func sampleJournal(_ dir: TemporaryDirectory, records n: Int = 12) throws -> (String, [Recorded]) {
    let path = dir.file("j.rj")
    let journal = try Journal.create(at: path)
    let events: [Event] = [
        .unitAdded(UnitAdded(code: "ICU", name: "Intensive Care", kind: .icu)),
        .bedAdded(BedAdded(id: "ICU-01", unit: "ICU", attributes: [.isolation, .telemetry])),
        .patientRecorded(Patient(mrn: "MRN1", name: "Nguyễn, Thị Hồng", dateOfBirth: LocalDate(year: 1950, month: 2, day: 3)!, sex: .f,
                                 language: "Tiếng Việt", interpreter: true, precautions: [.contact], fallRisk: true, livesAlone: false)),
        .admissionRequested(AdmissionRequested(stay: StayID(1), mrn: "MRN1", source: .ed, wantedUnit: "ICU", needs: [.telemetry],
                                               attending: "Dr Ōkubo", expectedDischarge: LocalDate(year: 2026, month: 11, day: 25))),
        .bedAssigned(BedAssigned(mrn: "MRN1", stay: StayID(1), bed: "ICU-01", override: nil)),
        .labOrdered(LabOrdered(id: LabID(1), mrn: "MRN1", test: "K", priority: .stat, neededBy: Timestamp(milliseconds: 9_000))),
        .labResulted(LabResulted(id: LabID(1), result: LabResult(value: "6.8", units: "mmol/L", range: "3.5-5.1", flag: .critical), criticalTask: TaskID(1))),
        .taskCreated(TaskCreated(id: TaskID(1), title: "Communicate critical K", kind: .criticalresult, priority: .stat,
                                 due: Timestamp(milliseconds: 1_800_000), owner: .role(.coordinator), patient: "MRN1", link: .lab(LabID(1)), note: nil)),
        .messageSent(MessageSent(id: MessageID(1), to: .person("drlee"), patient: "MRN1", subject: "K 6.8 — 王医生请回电", body: "",
                                 urgent: true, replyTo: nil, system: false)),
        .procedureBooked(ProcedureBooked(id: ProcedureID(1), mrn: "MRN1", kind: .surgery, title: "Hip", resource: "OR-3",
                                         start: Timestamp(milliseconds: 36_000_000), end: Timestamp(milliseconds: 43_200_000), requiredTests: ["K", "TS"])),
        .criticalCommunicated(CriticalCommunicated(lab: LabID(1), task: TaskID(1), toldName: "Dr Lee", toldRole: .physician, readBack: "6.8")),
        .bedBlocked(BedBlocked(bed: "ICU-01", reason: "broken", until: nil, returnsTo: .dirty)),
    ]
    var entries: [Journal.Entry] = []
    for i in 0..<n {
        entries.append(Journal.Entry(time: Timestamp(milliseconds: Int64(1000 * (i + 1))), actor: i % 2 == 0 ? "alice" : "sim", event: events[i % events.count]))
    }
    let recorded = try journal.withLock { () throws(JournalError) in try journal.append(entries) }
    return (path, recorded)
}

/// Replays on a second thread from the first byte, in batches of three with at most two
/// waiting, so that every journal a test reads crosses batches and fills the queue.
let eagerPipeline = Journal.Pipeline(threshold: 0, batch: 3, waiting: 2)

/// Replays `path`. A reader replays it twice, on one thread and on two (`eagerPipeline`), and
/// checks that both give the same records, the same report and the same error; a writer (which
/// moves a torn tail aside) replays it once, on two threads.
func replay(_ path: String, writable: Bool = false) throws -> ([Recorded], OpenReport) {
    func run(_ pipeline: Journal.Pipeline) -> Result<([Recorded], OpenReport), any Error> {
        var got: [Recorded] = []
        do {
            let (_, report) = try Journal.open(at: path, writable: writable, pipeline: pipeline) { got.append($0) }
            return .success((got, report))
        } catch {
            return .failure(error)
        }
    }
    if writable { return try run(eagerPipeline).get() }
    let plain = run(.off), pipelined = run(eagerPipeline)
    switch (plain, pipelined) {
    case let (.success(a), .success(b)):
        #expect(a.0 == b.0, "the same records on one thread and on two")
        #expect(a.1 == b.1, "the same report on one thread and on two")
    case let (.failure(a), .failure(b)):
        #expect("\(a)" == "\(b)", "the same error on one thread and on two")
    default:
        Issue.record("one thread: \(plain); two threads: \(pipelined)")
    }
    return try plain.get()
}

/// The damage `Journal.open` reports, or nil.
func damage(_ path: String) -> JournalDamage? {
    do { _ = try replay(path); return nil } catch {
        if case .damaged(_, let d)? = error as? JournalError { return d }
        return nil
    }
}

/// The threads that destroyed `Tracked` values, in order.
final class DestroyLog: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var destroyedOn: [pthread_t] = []
    init() { pthread_mutex_init(&mutex, nil) }
    func note() {
        pthread_mutex_lock(&mutex); destroyedOn.append(pthread_self()); pthread_mutex_unlock(&mutex)
    }
    var threads: [pthread_t] {
        pthread_mutex_lock(&mutex); defer { pthread_mutex_unlock(&mutex) }
        return destroyedOn
    }
}

/// Notes in its log which thread destroyed it.
final class Tracked: Sendable {
    let log: DestroyLog
    init(_ log: DestroyLog) { self.log = log }
    deinit { log.note() }
}

/// Byte offsets at which each record starts, and the file end.
func recordOffsets(_ bytes: [UInt8]) -> [Int] {
    var offsets: [Int] = []
    var at = JournalFormat.headerSize
    while at < bytes.count {
        offsets.append(at)
        let len = Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        at += JournalFormat.frameHeaderSize + len
    }
    offsets.append(at)
    return offsets
}

@Suite struct JournalRoundTripTests {
    @Test func everyRecordComesBackExactly() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir, records: 24)
        let (read, report) = try replay(path)
        #expect(read == written)
        #expect(report.records == 24)
        #expect(report.tornTail == nil)
        #expect(read.map(\.seq) == Array(1...24))
        #expect(read[2].event == written[2].event, "non-ASCII names survive")
    }

    /// What `afterBatch` returns after each batch is destroyed, once each, and on the reading
    /// thread when it reuses the batch (the last few go when the replay ends).
    @Test func whatAfterBatchReturnsIsDestroyedOnTheReadingThread() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir, records: 300)
        let log = DestroyLog()
        let caller = pthread_self()
        var calls = 0
        var read: [Recorded] = []
        _ = try Journal.open(at: path, writable: false, pipeline: eagerPipeline, afterBatch: { () -> (any Sendable)? in
            calls += 1
            return Tracked(log)
        }) { r in
            read.append(r)
            // The applying thread is the slower one, as in a real replay: the reader waits
            // with full batches, so emptied ones are there for it to reuse.
            usleep(50)
        }
        #expect(read == written)
        #expect(calls == 100, "once per batch of three")
        let threads = log.threads
        #expect(threads.count == calls, "each destroyed once, all of them by the end of the replay")
        #expect(threads.filter { pthread_equal($0, caller) == 0 }.count > calls / 2, "mostly on the reading thread")
    }

    @Test func filesAreCreatedGroupReadableOnly() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, _) = try sampleJournal(dir)
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o640)
    }

    /// A journal longer than the piece it is read in comes back the same, with a torn tail
    /// still told apart from a record that merely crosses a piece boundary.
    @Test func aLongJournalIsReadInPieces() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("long.rj")
        let j = try Journal.create(at: path)
        var written: [Recorded] = []
        for batch in 0..<40 {
            let entries = (0..<1000).map { i in
                Journal.Entry(time: Timestamp(milliseconds: Int64(batch * 1000 + i)), actor: "w",
                              event: .taskNoted(TaskNoted(id: TaskID(1), text: String(repeating: "x", count: (batch * 7 + i) % 180))))
            }
            written += try j.append(entries, sync: false)
        }
        try j.sync()
        var st = stat()
        stat(path, &st)
        #expect(st.st_size > 3 * (JournalFormat.maximumBody + JournalFormat.frameHeaderSize), "several pieces")
        for pipeline in [Journal.Pipeline.off, Journal.Pipeline(threshold: 0), eagerPipeline] {
            var read: [Recorded] = []
            let (_, report) = try Journal.open(at: path, writable: false, readChunk: 1, pipeline: pipeline) { read.append($0) }
            #expect(read == written)
            #expect(report.tornTail == nil)
            #expect(report.records == written.count)
        }
        // Cut the last record short: a torn tail, found after many pieces.
        truncate(path, off_t(st.st_size - 3))
        for pipeline in [Journal.Pipeline.off, Journal.Pipeline(threshold: 0), eagerPipeline] {
            var read: [Recorded] = []
            let (_, torn) = try Journal.open(at: path, writable: false, readChunk: 1, pipeline: pipeline) { read.append($0) }
            #expect(read == Array(written.dropLast()))
            #expect(torn.tornTail != nil)
        }
    }

    @Test func aSharedGroupOfWritersGetsAGroupWritableJournal() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        chmod(dir.path, 0o2770)
        let (path, _) = try sampleJournal(dir)
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o660, "group members can append; nobody else can read")
        _ = try Journal.open(at: path, writable: true) { _ in }
    }

    @Test func aDirectoryEveryoneCanEnterIsRefused() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, _) = try sampleJournal(dir)
        chmod(dir.path, 0o755)
        let open = try #require(throws: JournalError.self) { _ = try Journal.open(at: path, writable: true) { _ in } }
        #expect(open.description.contains("can be entered by every user on this host (mode 0755)"))
        #expect(open.description.contains("chmod 750 \(dir.path)"))
        #expect(throws: JournalError.self) { _ = try Journal.create(at: dir.file("new.rj")) }
        #expect(access(dir.file("new.rj"), F_OK) != 0, "nothing was created")
        // Reading is still possible (a supervisor's read-only look), and fixing the mode is enough.
        _ = try Journal.open(at: path, writable: false) { _ in }
        chmod(dir.path, 0o750)
        _ = try Journal.open(at: path, writable: true) { _ in }
    }

    @Test func createRefusesToOverwrite() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, _) = try sampleJournal(dir)
        #expect(throws: JournalError.alreadyExists(path)) { _ = try Journal.create(at: path) }
    }

    @Test func notAJournalIsRefusedClearly() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("notes.txt")
        writeFile(path, Array("hello, this is not a journal".utf8))
        #expect(throws: JournalError.notAJournal(path, reason: "it does not start with RNDSJRNL")) { _ = try replay(path) }
    }
}

@Suite struct TornTailTests {
    /// Truncation at every byte offset of the last three records recovers exactly the complete
    /// records before the cut; a writer moves the rest aside, never dropping it.
    @Test func truncationAtEveryOffsetRecoversExactlyTheCompleteRecords() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir, records: 12)
        let original = readFile(path)
        let offsets = recordOffsets(original)
        let firstCut = offsets[offsets.count - 4]
        for cut in firstCut..<original.count {
            let copy = dir.file("cut.rj")
            writeFile(copy, Array(original[0..<cut]))
            let complete = offsets.filter { $0 <= cut }.count - 1
            // A reader sees exactly the complete records and reports the torn tail.
            let (read, report) = try replay(copy)
            #expect(read == Array(written.prefix(complete)), "cut at \(cut)")
            if offsets.contains(cut) {
                #expect(report.tornTail == nil, "cut at \(cut) is on a record boundary")
            } else {
                let torn = try #require(report.tornTail, "cut at \(cut)")
                #expect(torn.offset == offsets[complete])
                #expect(torn.length == cut - offsets[complete])
                #expect(torn.sideFile == nil)
            }
            // A writer moves the tail aside, byte for byte, and truncates the journal.
            let (again, wreport) = try replay(copy, writable: true)
            #expect(again == Array(written.prefix(complete)))
            if let side = wreport.tornTail?.sideFile {
                #expect(readFile(side) == Array(original[offsets[complete]..<cut]))
                unlink(side)
            }
            #expect(readFile(copy).count == offsets[complete])
        }
    }

    /// Zero bytes after the last record are space made ready for records (durable appends
    /// preallocate): the end, not a torn tail, for readers and writers alike.
    @Test func zeroFilledTailIsSpaceMadeReady() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir)
        let size = readFile(path).count
        writeFile(path, readFile(path) + [UInt8](repeating: 0, count: 4096))
        let (read, report) = try replay(path)
        #expect(read == written)
        #expect(report.tornTail == nil)
        let (again, wreport) = try replay(path, writable: true)
        #expect(again == written)
        #expect(wreport.tornTail == nil)
        #expect(readFile(path).count == size, "the last writer to close cuts the space off")
    }

    /// Zero bytes where a record should start, then data: records a crash lost in part (their
    /// pages reached the disk out of order). Within one preallocation step that is a torn tail,
    /// moved aside whole; further on it is damage.
    @Test func zerosThenDataAreATornTailOnlyNearTheEnd() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir)
        let original = readFile(path)
        let lost = [UInt8](repeating: 0, count: 100) + [UInt8](repeating: 7, count: 50) + [UInt8](repeating: 0, count: 4000)
        writeFile(path, original + lost)
        let (read, report) = try replay(path)
        #expect(read == written)
        #expect(report.tornTail?.offset == original.count)
        #expect(report.tornTail?.length == 150, "up to the last byte that is not zero")
        let (_, wreport) = try replay(path, writable: true)
        let side = try #require(wreport.tornTail?.sideFile)
        #expect(readFile(side) == Array(lost.prefix(150)))
        #expect(readFile(path) == original)
        writeFile(path, original + [UInt8](repeating: 0, count: Journal.preallocationStep) + [1])
        #expect(throws: JournalError.self) { try replay(path) }
    }

    /// Zeros over records the commit file says were synced (a block of the disk read back as
    /// zeros) are damage even near the end: calling them a torn tail would move acknowledged
    /// records out of the hospital. Without a commit file for this journal, the old rule holds.
    @Test func zerosBelowWhatWasSyncedAreDamageNotATornTail() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, _) = try sampleJournal(dir)
        // Open and close as a writer so the commit file records the synced end.
        _ = try replay(path, writable: true)
        var bytes = readFile(path)
        // The first record becomes zeros.
        let firstLength = Int(bytes[16]) | Int(bytes[17]) << 8
        for i in 16..<(16 + 12 + firstLength) { bytes[i] = 0 }
        writeFile(path, bytes)
        let verify = try Journal.verify(at: path)
        guard case .damaged(let d) = verify.verdict else { Issue.record("not damage: \(verify.verdict)"); return }
        #expect(d.offset == 16 && d.reason.contains("inside what had been synced to disk"))
        #expect(throws: JournalError.self) { try replay(path, writable: true) }
        #expect(readFile(path) == bytes, "nothing moved aside")
        // The commit file gone (or another file's): zeros then records within a step are a torn tail.
        unlink(path + ".commit")
        if case .tornTail = try Journal.verify(at: path).verdict {} else { Issue.record("without a commit file: expected a torn tail") }
    }

    @Test func writerAppendsCleanlyAfterMovingATornTailAside() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir)
        let bytes = readFile(path)
        writeFile(path, Array(bytes.dropLast(7)))
        var state: [Recorded] = []
        let (journal, report) = try Journal.open(at: path, writable: true) { state.append($0) }
        #expect(report.tornTail?.sideFile != nil)
        #expect(state == Array(written.dropLast()))
        let more = try journal.withLock { () throws(JournalError) in
            try journal.append([Journal.Entry(time: Timestamp(milliseconds: 99_000), actor: "alice", event: .labAcknowledged(LabAcknowledged(id: LabID(1))))])
        }
        #expect(more.first?.seq == UInt64(written.count))
        let (read, _) = try replay(path)
        #expect(read.count == written.count)
        #expect(read.last?.event == .labAcknowledged(LabAcknowledged(id: LabID(1))))
    }
}

@Suite struct CorruptionTests {
    /// Every single-bit flip in every record is detected: as damage with its offset and seq
    /// before the tail, and as a torn tail in the last record (where a damaged write and a torn
    /// write look the same; the bytes are kept in a side file either way).
    @Test func aFlippedBitAnywhereIsDetected() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir, records: 6)
        let original = readFile(path)
        let offsets = recordOffsets(original)
        let lastStart = offsets[offsets.count - 2]
        var checked = 0
        for byte in 0..<original.count {
            for bit in [0, 3, 7] {
                var copy = original
                copy[byte] ^= UInt8(1 << bit)
                let p = dir.file("flip.rj")
                writeFile(p, copy)
                if byte < JournalFormat.headerSize {
                    #expect(throws: JournalError.self) { _ = try replay(p) }
                } else if byte >= lastStart {
                    // A reader that opens this file never sees the damaged record as valid.
                    let outcome = try? replay(p)
                    if let (read, report) = outcome {
                        #expect(read == Array(written.dropLast()), "flip at \(byte)")
                        #expect(report.tornTail?.offset == lastStart, "flip at \(byte)")
                    } else {
                        #expect(damage(p)?.offset == lastStart, "flip at \(byte)")
                    }
                } else {
                    let d = try #require(damage(p), "flip at \(byte) bit \(bit) went unnoticed")
                    let record = offsets.lastIndex { $0 <= byte }!
                    #expect(d.offset == offsets[record] || d.offset == offsets[record + 1], "flip at \(byte)")
                    #expect(d.seq == UInt64(record + 1) || d.seq == UInt64(record + 2))
                }
                checked += 1
            }
        }
        #expect(checked == original.count * 3)
    }

    /// An edit that recomputes the record's checksums (a deliberate change) breaks the chain.
    @Test func anEditedRecordWithValidChecksumsIsDetected() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, written) = try sampleJournal(dir, records: 6)
        var bytes = readFile(path)
        let offsets = recordOffsets(bytes)
        // Re-encode record 3 with a different actor but the same seq, prev hash and framing.
        let start = offsets[2], end = offsets[3]
        let prev = bytes.withUnsafeBytes { ChainHash(UnsafeRawBufferPointer(rebasing: $0[(start + 28)..<(start + 60)])) }
        var forged: [UInt8] = []
        _ = RecordEncoder().encode(seq: 3, time: written[2].time, actor: "mallory", event: written[2].event, prev: prev, into: &forged)
        bytes.replaceSubrange(start..<end, with: forged)
        writeFile(path, bytes)
        let d = try #require(damage(path))
        #expect(d.seq == 4, "the next record no longer chains to the edited one")
        #expect(d.reason.contains("does not chain"))
        #expect(d.offset == start + forged.count)
    }

    @Test func aRemovedRecordIsDetected() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, _) = try sampleJournal(dir, records: 6)
        var bytes = readFile(path)
        let offsets = recordOffsets(bytes)
        bytes.removeSubrange(offsets[2]..<offsets[3])
        writeFile(path, bytes)
        let d = try #require(damage(path))
        #expect(d.offset == offsets[2])
        #expect(d.seq == 3)
        #expect(d.reason.contains("found seq 4 where 3 was expected"))
    }

    @Test func reorderedRecordsAreDetected() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, _) = try sampleJournal(dir, records: 6)
        let bytes = readFile(path)
        let o = recordOffsets(bytes)
        let swapped = Array(bytes[0..<o[1]]) + Array(bytes[o[2]..<o[3]]) + Array(bytes[o[1]..<o[2]]) + Array(bytes[o[3]...])
        writeFile(path, swapped)
        let d = try #require(damage(path))
        #expect(d.offset == o[1])
        #expect(d.reason.contains("removed, reordered or duplicated"))
    }

    @Test func damageRefusesToOpenForWriting() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, _) = try sampleJournal(dir, records: 6)
        var bytes = readFile(path)
        let o = recordOffsets(bytes)
        bytes[o[1] + 40] ^= 0xFF
        writeFile(path, bytes)
        let before = readFile(path)
        do {
            _ = try Journal.open(at: path, writable: true) { _ in }
            Issue.record("opened a damaged journal for writing")
        } catch {
            #expect(error.description.contains("byte offset \(o[1])"))
            #expect(error.description.contains("seq 2"))
        }
        #expect(readFile(path) == before, "nothing was truncated or moved")
    }
}

@Suite struct FaultInjectionTests {
    func journalWith(_ io: FaultyIO, _ dir: TemporaryDirectory) throws -> (Journal, String, [UInt8]) {
        let (path, _) = try sampleJournal(dir, records: 4)
        let (j, _) = try Journal.open(at: path, writable: true, io: io) { _ in }
        return (j, path, readFile(path))
    }

    let entry = Journal.Entry(time: Timestamp(milliseconds: 50_000), actor: "alice", event: .labAcknowledged(LabAcknowledged(id: LabID(1))))

    @Test func diskFullMidRecordLeavesNoPartialRecord() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let io = FaultyIO()
        let (j, path, before) = try journalWith(io, dir)
        // No room for the step made ready ahead (its zero bytes fail), so the records are
        // written past the end as they are, and those fail part-way too.
        io.inject(.writeFails(errno: ENOSPC, afterBytes: 0))
        io.inject(.writeFails(errno: ENOSPC, afterBytes: 20))
        #expect(throws: JournalError.writeFailed(path, reason: "no space left on the device (ENOSPC)")) {
            _ = try j.withLock { () throws(JournalError) in try j.append([entry, entry]) }
        }
        #expect(readFile(path) == before, "the partial record was cut away")
        #expect(j.position.nextSeq == 5)
        // The next write, with space again, goes through and the file stays valid.
        let ok = try j.withLock { () throws(JournalError) in try j.append([entry]) }
        #expect(ok.first?.seq == 5)
        #expect(try replay(path).0.count == 5)
        // Now the room is made (zero bytes after the records): a record cut short there is cut
        // away as well, and the journal reads as before.
        #expect(readFile(path).count == Journal.preallocationStep)
        let good = journalFileBytes(path)
        io.inject(.writeFails(errno: ENOSPC, afterBytes: 20))
        #expect(throws: JournalError.self) { _ = try j.withLock { () throws(JournalError) in try j.append([entry, entry]) } }
        #expect(journalFileBytes(path) == good)
        #expect(readFile(path).count == good.count, "nothing of the partial record is left")
        #expect(try replay(path).0.count == 5)
    }

    /// A disk with no room for the step made ready ahead may still have room for the records:
    /// they are written past the end as they are, acknowledged, and read back.
    @Test func noRoomAheadStillRecordsWhatFits() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let io = FaultyIO()
        let (j, path, before) = try journalWith(io, dir)
        io.inject(.writeFails(errno: ENOSPC, afterBytes: 100))
        let written = try j.withLock { () throws(JournalError) in try j.append([entry, entry]) }
        #expect(written.map(\.seq) == [5, 6])
        let after = readFile(path)
        #expect(after.count > before.count && after.count < Journal.preallocationStep, "no zero bytes were left ahead")
        #expect(Array(after.prefix(before.count)) == before)
        #expect(try replay(path).0.count == 6)
    }

    @Test func ioErrorOnWriteIsRefused() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let io = FaultyIO()
        let (j, path, before) = try journalWith(io, dir)
        io.inject(.writeFails(errno: EIO, afterBytes: 0))
        #expect(throws: JournalError.self) { _ = try j.withLock { () throws(JournalError) in try j.append([entry]) } }
        #expect(readFile(path) == before)
    }

    @Test func failedSyncIsRefusedAndTheHandleWritesNoMore() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let io = FaultyIO()
        let (j, path, before) = try journalWith(io, dir)
        io.inject(.syncFails(errno: EIO))
        #expect(throws: JournalError.writeFailed(path, reason: "sync failed: input/output error (EIO)")) {
            _ = try j.withLock { () throws(JournalError) in try j.append([entry]) }
        }
        #expect(readFile(path) == before, "the unsynced record was cut away")
        do {
            _ = try j.withLock { () throws(JournalError) in try j.append([entry]) }
            Issue.record("wrote again after a failed fsync")
        } catch {
            #expect(error.description.contains("not safe to write"))
        }
        // A fresh open (what a restart does) re-verifies and works.
        let (fresh, _) = try Journal.open(at: path, writable: true) { _ in }
        #expect(try fresh.withLock { () throws(JournalError) in try fresh.append([entry]) }.count == 1)
    }
}

import Crypto

@Suite struct ChecksumTests {
    /// The one-call SHA-256 used for the chain agrees with swift-crypto on every length that
    /// matters (empty, block boundaries, records of every size).
    @Test func chainHashAgreesWithSwiftCrypto() {
        var rng = SystemRandomNumberGenerator()
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 200, 1000, 4096] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let ours = bytes.withUnsafeBytes { ChainHash.of($0) }
            let theirs = SHA256.hash(data: bytes).withUnsafeBytes { ChainHash($0) }
            #expect(ours == theirs, "length \(length)")
        }
        // FIPS 180-4 test vector for "abc".
        let abc = Array("abc".utf8).withUnsafeBytes { ChainHash.of($0) }
        #expect(abc.description == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
