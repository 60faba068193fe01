#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RoundsDomain
@testable import RoundsJournal
import RoundsEngine
import RoundsDemo
import RoundsTestSupport

/// Copies a file byte for byte (keeping a snapshot aside while the journal grows).
func copyFile(_ from: String, _ to: String) throws {
    writeFile(to, readFile(from))
}

@Suite struct SnapshotTests {
    /// Events the simulator does not produce, sprinkled into histories so the snapshot of every
    /// part of the state is exercised: break-glass and its review, handovers, I-PASS, shifts,
    /// policy, blocks, notes.
    static let extras = [
        "break-glass \"covering a colleague's patient\" for 20m",
        "policy set critical-window 25m",
        "shifts set \"early 06:00-14:00, late 14:00-22:00, night 22:00-06:00\"",
        "staff add nina name \"Nina Ødegaard\" role coordinator",
        "handover start to nina",
        "handover pause",
        "handover resume",
        "task add \"Call family about transport\" due +2h priority urgent",
        "handover start to ilindqvist",
        "break-glass end",
        "msg send @coordinator \"Bed meeting moved to 14:00\" urgent",
        "msg ack M1",
    ]

    static let scripted: [(Login, String)] = [
        ("evs1", "break-glass \"covering a colleague's patient\" for 20m"),
        ("evs1", "task add \"Under break-glass\""),
        ("sokafor", "policy set critical-window 25m"),
        ("sokafor", "shifts set \"early 06:00-14:00, late 14:00-22:00, night 22:00-06:00\""),
        ("sokafor", "staff add nina name \"Nina Ødegaard\" role coordinator"),
        ("alice", "handover resume"),
        ("alice", "handover ack all-stable"),
        ("evs1", "break-glass end"),
    ]

    /// Drives a writer through a random history (the simulator plus the extras above), taking
    /// snapshots at random points and keeping a copy of each. Then, for every copy: opening the
    /// final journal from that snapshot gives exactly the state of a full replay.
    @Test(arguments: 0..<12)
    func snapshotPlusTailEqualsFullReplay(seed: Int) throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("h.rj")
        var rng = SeededRandom(seed: UInt64(seed) &* 7919 &+ 3)
        let options = DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc, seed: UInt64(seed) + 1,
                                  beds: 20 + rng.int(0...40), days: seed % 2 == 0 ? rng.int(0...1) : 8 + rng.int(0...2))
        _ = try DemoHospital.write(to: path, options: options)
        let clock = ManualClock(fixtureStart)
        let writer = try Engine(journalAt: path, actor: "alice", clock: clock, wallClock: .utc, useSnapshot: false)
        var sim = Simulator(seed: UInt64(seed) + 100, wallClock: .utc)
        var kept: [(file: String, seq: UInt64)] = []
        var extrasAccepted = 0
        let steps = 150 + rng.int(0...250)
        for step in 0..<steps {
            clock.advance(.seconds(Int64(5 + rng.int(0...240))))
            if rng.int(0...12) == 0 {
                // As a supervisor (policy, roster, shifts), an environmental services login (who
                // breaks the glass for clinical work), or a coordinator.
                writer.actor = rng.pick(["sokafor", "alice", "evs1", "alice"])
                let extra = SnapshotTests.extras[rng.int(0...(SnapshotTests.extras.count - 1))]
                if (try? writer.submit(line: extra)) != nil { extrasAccepted += 1 }
                writer.actor = "alice"
            } else if let c = sim.next(in: writer.state, at: clock.now()) {
                _ = try? writer.submit(c)
            }
            if step == steps / 3 {
                // Once per history, each kind in order by someone allowed to.
                for (actor, line) in SnapshotTests.scripted {
                    writer.actor = actor
                    if (try? writer.submit(line: line)) != nil { extrasAccepted += 1 }
                }
                writer.actor = "alice"
            }
            if step % 17 == 0 { try writer.tick() }
            if rng.int(0...60) == 0 || step == steps / 2 {
                try writer.writeSnapshot()
                let copy = dir.file("snap-\(kept.count)")
                try copyFile(Snapshot.path(for: path), copy)
                kept.append((copy, writer.state.lastSeq))
            }
        }
        let full = try Engine(journalAt: path, actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(full.state == writer.state)
        // The open tasks' due-order index kept by apply is the one built from scratch.
        #expect(full.state.openTaskIndex == OpenTaskIndex(tasks: full.state.tasks, open: full.state.openTasks))
        #expect(full.state.openTaskIndex.count == full.state.openTasks.count)
        #expect(full.state.messageIndex.unacknowledgedUrgent == full.state.unacknowledgedUrgent.sorted())
        #expect(!kept.isEmpty)
        #expect(extrasAccepted > 0, "the history should include events the simulator does not make")
        // Odd seeds run past the retention, so archiving happens inside the history and the tail.
        if seed % 2 == 1 { #expect(full.state.archivedCount > 0) }
        for (copy, seq) in kept {
            try copyFile(copy, Snapshot.path(for: path))
            let resumed = try Engine(journalAt: path, actor: "carol", clock: clock, wallClock: .utc, writable: false)
            guard case .used(let info) = resumed.snapshotStatus else {
                Issue.record("snapshot at seq \(seq) was not used: \(resumed.snapshotStatus)")
                continue
            }
            #expect(info.records == seq)
            #expect(resumed.openReport.records == Int(full.state.lastSeq - seq))
            #expect(resumed.state == full.state, "snapshot at seq \(seq) plus tail differs from full replay")
            #expect(resumed.state.messageIndex.unacknowledgedUrgent == full.state.messageIndex.unacknowledgedUrgent)
        }
    }

    /// The state codec on its own: a demo hospital (with I-PASS notes, a paused handover,
    /// sessions) encodes and decodes to an equal state, table by table.
    @Test func stateRoundTrips() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("h.rj")
        _ = try DemoHospital.write(to: path, options: DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc, seed: 5, beds: 60, days: 1))
        let engine = try Engine(journalAt: path, actor: "alice", clock: ManualClock(fixtureStart), wallClock: .utc, useSnapshot: false)
        var w = ByteWriter()
        engine.state.writeSnapshot(to: &w)
        let decoded = try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return try HospitalState(snapshot: &r)
        }
        #expect(decoded.stays == engine.state.stays)
        #expect(decoded.tasks == engine.state.tasks)
        #expect(decoded.labs == engine.state.labs)
        #expect(decoded.messages == engine.state.messages)
        #expect(decoded.handovers == engine.state.handovers)
        #expect(decoded == engine.state)
        // Equal states give the same bytes: the decoded state's dictionaries were built in
        // another order and size than the replayed one's, so hash order would differ.
        var again = ByteWriter()
        decoded.writeSnapshot(to: &again)
        let same = again.bytes == w.bytes   // outside #expect, which would print every byte
        #expect(same, "the same state writes the same snapshot bytes")
        // Cut anywhere, the bytes are refused, never misread.
        for cut in stride(from: 0, to: w.bytes.count, by: max(1, w.bytes.count / 97)) {
            let refused = w.bytes[0..<cut].withUnsafeBytes { raw -> Bool in
                var r = ByteReader(raw)
                return (try? HospitalState(snapshot: &r)) == nil
            }
            #expect(refused, "a snapshot cut at \(cut) of \(w.bytes.count) bytes was accepted")
        }
    }

    /// A journal with some history and a snapshot part-way, plus more records after it.
    static func journalWithSnapshot(_ dir: TemporaryDirectory) throws -> (path: String, full: HospitalState) {
        let path = dir.file("h.rj")
        _ = try DemoHospital.write(to: path, options: DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc, seed: 3, beds: 30))
        let clock = ManualClock(fixtureStart)
        let writer = try Engine(journalAt: path, actor: "alice", clock: clock, wallClock: .utc)
        try writer.writeSnapshot()
        for i in 0..<20 { clock.advance(.minutes(3)); try writer.submit(line: "task add \"after the snapshot \(i)\"") }
        return (path, writer.state)
    }

    func open(_ path: String) throws -> Engine {
        try Engine(journalAt: path, actor: "carol", clock: ManualClock(fixtureStart), wallClock: .utc, writable: false)
    }

    @Test func snapshotIsUsedAndOnlyTheTailIsRead() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, full) = try SnapshotTests.journalWithSnapshot(dir)
        let e = try open(path)
        guard case .used(let info) = e.snapshotStatus else { Issue.record("not used: \(e.snapshotStatus)"); return }
        #expect(e.openReport.records >= 20)
        #expect(UInt64(e.openReport.records) == full.lastSeq - info.records)
        #expect(e.openNotices.isEmpty)
        #expect(e.state == full)
        // Written atomically: no temporary file is left beside it, and it is as private as the journal.
        let names = dir.names
        #expect(names.sorted() == ["h.rj", "h.rj.commit", "h.rj.snapshot"])
        var st = stat()
        stat(Snapshot.path(for: path), &st)
        #expect(st.st_mode & 0o007 == 0)
    }

    @Test func damagedSnapshotIsIgnoredWithANotice() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, full) = try SnapshotTests.journalWithSnapshot(dir)
        let snap = Snapshot.path(for: path)
        let good = readFile(snap)
        // Every kind of damage: a flipped bit in the body, in the header, a cut file, an empty file.
        var flippedBody = good; flippedBody[good.count / 2] ^= 0x04
        var flippedHeader = good; flippedHeader[20] ^= 0x01
        for (bytes, expected) in [(flippedBody, "checksum"), (flippedHeader, "header checksum"),
                                  (Array(good.prefix(good.count - 7)), "body"), ([], "shorter than its header")] {
            writeFile(snap, bytes)
            let e = try open(path)
            #expect(e.snapshotStatus.notice?.contains("damaged") == true)
            #expect(e.snapshotStatus.notice?.contains(expected) == true, "\(e.snapshotStatus)")
            #expect(e.openNotices.count == 1)
            #expect(e.state == full, "fallback replay must give the full state")
        }
        // A missing snapshot is normal: no notice.
        unlink(snap)
        let e = try open(path)
        #expect(e.snapshotStatus == .none)
        #expect(e.openNotices.isEmpty)
        #expect(e.state == full)
    }

    @Test func snapshotOfAnotherJournalOrACutJournalIsIgnored() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, full) = try SnapshotTests.journalWithSnapshot(dir)
        // Another hospital's snapshot put beside this journal.
        let other = TemporaryDirectory(); defer { other.remove() }
        let otherPath = other.file("o.rj")
        _ = try DemoHospital.write(to: otherPath, options: DemoOptions(start: fixtureStart, creator: "bob", wallClock: .utc, seed: 9, beds: 30))
        try Engine(journalAt: otherPath, actor: "bob", clock: ManualClock(fixtureStart), wallClock: .utc).writeSnapshot()
        try copyFile(Snapshot.path(for: otherPath), Snapshot.path(for: path))
        let e = try open(path)
        #expect(e.snapshotStatus.notice?.contains("not taken from this journal") == true, "\(e.snapshotStatus)")
        #expect(e.state == full)
        #expect(try Engine.checkSnapshot(journalAt: path) != .none)

        // This journal restored from an older backup: shorter than the snapshot says.
        let cutDir = TemporaryDirectory(); defer { cutDir.remove() }
        let cut = cutDir.file("h.rj")
        _ = try DemoHospital.write(to: cut, options: DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc, seed: 3, beds: 30))
        let before = try Engine(journalAt: cut, actor: "alice", clock: ManualClock(fixtureStart), wallClock: .utc, useSnapshot: false).state
        let clock = ManualClock(fixtureStart)
        let w = try Engine(journalAt: cut, actor: "alice", clock: clock, wallClock: .utc)
        let backup = readFile(cut)
        try w.submit(line: "task add \"later\"")
        try w.writeSnapshot()
        writeFile(cut, backup)
        let restored = try open(cut)
        #expect(restored.snapshotStatus.notice?.contains("not taken from this journal") == true, "\(restored.snapshotStatus)")
        #expect(restored.state == before)
    }

    @Test func verifyComparesTheSnapshotWithReplay() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (path, _) = try SnapshotTests.journalWithSnapshot(dir)
        guard case .matches(let info) = try Engine.checkSnapshot(journalAt: path) else { Issue.record("should match"); return }
        // A snapshot with valid checksums and link but a different state (edited): found out.
        guard case .success(var (state, _)) = Snapshot.load(journalPath: path) else { Issue.record("load"); return }
        state.anomalies += 1
        try Snapshot.write(state, at: info.position, journalPath: path, takenAt: fixtureStart)
        #expect(try Engine.checkSnapshot(journalAt: path) == .differs(info))
    }

    /// The UI's snapshot is encoded and written by a background thread while the engine goes on
    /// writing: the file it leaves is whole, linked to the record it was taken at, and opening
    /// from it (plus the tail written meanwhile) gives the state of a full replay.
    @Test func aBackgroundSnapshotIsWholeAndTheEngineGoesOnMeanwhile() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("h.rj")
        _ = try DemoHospital.write(to: path, options: DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc, seed: 3, beds: 30))
        let clock = ManualClock(fixtureStart)
        let e = try Engine(journalAt: path, actor: "alice", clock: clock, wallClock: .utc)
        e.snapshotEvery = 50
        let taken = e.state.lastSeq
        #expect(e.snapshotInBackgroundIfDue())
        #expect(!e.snapshotInBackgroundIfDue(), "one at a time, and not again before another interval")
        for i in 0..<5 {
            clock.advance(.minutes(1))
            try e.submit(line: "task add \"Meanwhile \(i)\" priority routine")
        }
        e.finishBackgroundWork()
        let info = try #require(Snapshot.header(journalPath: path))
        #expect(info.records == taken)
        let resumed = try Engine(journalAt: path, actor: "carol", clock: clock, wallClock: .utc, writable: false)
        guard case .used = resumed.snapshotStatus else {
            Issue.record("the background snapshot was not used: \(resumed.snapshotStatus)")
            return
        }
        // The five tasks, and whatever the time rules recorded with them.
        #expect(resumed.openReport.records == Int(e.state.lastSeq - taken))
        #expect(resumed.openReport.records >= 5)
        let full = try Engine(journalAt: path, actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(resumed.state == full.state)
        #expect(try Engine.checkSnapshot(journalAt: path) == .matches(info))
        #expect(dir.names.filter { $0.contains(".tmp-") }.isEmpty, "no temporary file is left")
    }

    @Test func snapshotIfDueWaitsForTheInterval() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("h.rj")
        _ = try DemoHospital.write(to: path, options: DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc, seed: 3, beds: 30))
        let e = try Engine(journalAt: path, actor: "alice", clock: ManualClock(fixtureStart), wallClock: .utc)
        let due = e.state.lastSeq >= Engine.snapshotInterval
        #expect((e.snapshotIfDue() != nil) == due)
        #expect(e.snapshotIfDue() == nil, "a second call right after must not write again")
    }
}
