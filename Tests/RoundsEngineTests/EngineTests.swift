#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsDemo
import RoundsReports
import RoundsTestSupport

@Suite struct ReplayTests {
    @Test func replayGivesTheSameStateAsLiveApplication() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("demo.rj")
        let options = DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc, seed: 7, beds: 60, days: 2)
        // The engine that wrote the journal saw every event applied live…
        _ = try DemoHospital.write(to: path, options: options)
        let first = try Engine(journalAt: path, actor: "alice", clock: ManualClock(fixtureStart), wallClock: .utc, writable: false)
        // …and replays, with and without chain verification, agree with each other.
        let second = try Engine(journalAt: path, actor: "bob", clock: ManualClock(fixtureStart), wallClock: .utc, writable: false, verifyChain: false)
        #expect(first.state == second.state)
        #expect(first.state.anomalies == 0)
        #expect(first.state.lastSeq > 1000)
        // Live application equals replay: drive a writer further and compare with a fresh replay.
        let clock = ManualClock(fixtureStart)
        let live = try Engine(journalAt: path, actor: "alice", clock: clock, wallClock: .utc)
        var sim = Simulator(seed: 99, wallClock: .utc)
        for _ in 0..<400 {
            clock.advance(.seconds(37))
            if let c = sim.next(in: live.state, at: clock.now()) { _ = try? live.submit(c) }
            if Int(clock.now().milliseconds / 1000) % 300 < 37 { try live.tick() }
        }
        let replayed = try Engine(journalAt: path, actor: "carol", clock: clock, wallClock: .utc, writable: false)
        #expect(replayed.state == live.state)
    }

    @Test func sameSeedSameJournalBytes() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let options = DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc, seed: 42, beds: 40, days: 1)
        _ = try DemoHospital.write(to: dir.file("a.rj"), options: options)
        _ = try DemoHospital.write(to: dir.file("b.rj"), options: options)
        var other = options
        other.seed = 43
        _ = try DemoHospital.write(to: dir.file("c.rj"), options: other)
        let a = readFile(dir.file("a.rj")), b = readFile(dir.file("b.rj")), c = readFile(dir.file("c.rj"))
        #expect(a.count > 10_000)
        #expect(a.count == b.count)
        let identical = a == b
        #expect(identical, "same options must give byte-identical journals")
        let different = a != c
        #expect(different)
    }

    @Test func demoHasTheMorningSituations() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("demo.rj")
        let summary = try DemoHospital.write(to: path, options: DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc))
        #expect(summary.beds == 200)
        let s = try Engine(journalAt: path, actor: "alice", clock: ManualClock(fixtureStart), wallClock: .utc, writable: false).state
        #expect(Set(s.units.values.map(\.kind)).isSuperset(of: [.icu, .stepdown, .telemetry, .medsurg, .edholding]))
        let occupied = s.beds.values.filter { $0.status == .occupied }.count
        #expect(occupied > 140 && occupied < 200)
        #expect(s.placementQueue.count >= 5)
        #expect(s.placementQueue.contains { s.patients[$0.mrn]?.precautions.contains(.airborne) == true })
        #expect(s.activeLabs.contains { s.labs[$0]!.awaitsCommunication }, "a critical result not yet communicated")
        #expect(s.activeLabs.contains { s.labs[$0]!.isPending })
        let notReady = s.procedures.values.filter { $0.status == .scheduled && !s.isReady($0) && $0.start > fixtureStart }
        #expect(notReady.contains { $0.notReadyTask != nil }, "a procedure today missing a required lab, already flagged")
        #expect(!s.openTasks.isEmpty)
        #expect(!s.unacknowledgedUrgent.isEmpty)
        #expect(s.beds.values.contains { $0.status == .blocked && $0.block?.reason.isEmpty == false })
        let today = fixtureStart.utcDate
        #expect(s.stays.values.contains { $0.phase == .inBed && $0.expectedDischarge == today })
        #expect(s.staff["alice"]?.role == .supervisor, "whoever created the demo is on the roster, as its supervisor")
        #expect(s.staff["ilindqvist"]?.role == .supervisor, "every supervisor of the demo's roster is on it")
        #expect(!s.openTasks.contains { s.tasks[$0]!.due < fixtureStart - .hours(2) && s.tasks[$0]!.kind == .general },
                "the shift does not start with hours-old leftover tasks from the simulated night")
        #expect(s.staff.values.filter(\.onDuty).count >= 10)
        #expect(s.patients.values.contains { $0.name.unicodeScalars.contains { $0.value > 0x7F } }, "names with non-ASCII letters")
    }
}

@Suite struct SharedJournalTests {
    @Test func aSecondEngineSeesTheFirstsChangesAndValidatesAgainstThem() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (alice, clock) = try Fixture.engine(in: dir)
        let bob = try Engine(journalAt: alice.journal.path, actor: "sam", clock: clock, wallClock: .utc)
        try Fixture.admit(alice, "MRN001")
        try Fixture.admit(alice, "MRN002")
        #expect(bob.state.patients["MRN001"] == nil)
        #expect(try bob.refresh() > 0)
        #expect(bob.state.patients["MRN001"] != nil)
        // Bob, without refreshing, tries to take a bed Alice has just filled: he is judged
        // against the latest state, not his stale copy.
        try alice.submit(line: "assign MRN001 4W-02")
        #expect(bob.state.beds["4W-02"]?.status == .available)
        let r = try #require(refusal { try bob.submit(line: "assign MRN002 4W-02") })
        #expect(r.reason.contains("occupied"))
        #expect(bob.state.beds["4W-02"]?.patient == "MRN001")
        #expect(bob.state == alice.state || bob.state.lastSeq == alice.state.lastSeq)
    }

    @Test func refusedCommandWritesNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        let before = journalFileBytes(e.journal.path)
        let state = e.state
        for bad in ["assign NOPE01 4W-01", "bed clean 4W-01", "task done T99", "lab collect L1", "msg ack M1", "unit add ICU name \"x\" kind icu"] {
            #expect(refusal { try e.submit(line: bad) } != nil, "\(bad) should be refused")
        }
        #expect(journalFileBytes(e.journal.path) == before)
        #expect(e.state == state)
    }

    @Test func diskFullThroughTheEngineLeavesStateAndFileUnchanged() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let io = FaultyIO()
        let (e, _) = try Fixture.engine(in: dir, io: io)
        try Fixture.admit(e, "MRN001")
        let before = journalFileBytes(e.journal.path)
        let state = e.state
        io.inject(.writeFails(errno: ENOSPC, afterBytes: 10))
        do {
            try e.submit(line: "assign MRN001 4W-02")
            Issue.record("acknowledged a command that was not written")
        } catch {
            #expect(error.description.contains("no space left on the device"))
            #expect(error.description.contains("was not recorded"))
        }
        #expect(e.state == state)
        #expect(journalFileBytes(e.journal.path) == before)
        // Space again: the same command now goes through.
        try e.submit(line: "assign MRN001 4W-02")
        #expect(e.state.beds["4W-02"]?.patient == "MRN001")
    }

    @Test func failedSyncThroughTheEngineIsNotAcknowledged() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let io = FaultyIO()
        let (e, _) = try Fixture.engine(in: dir, io: io)
        let state = e.state
        io.inject(.syncFails(errno: EIO))
        #expect(throws: SubmitError.self) { try e.submit(line: "bed block 4W-01 reason \"leak\"") }
        #expect(e.state == state)
        let reopened = try Engine(journalAt: e.journal.path, actor: "alice", clock: ManualClock(fixtureStart), wallClock: .utc)
        #expect(reopened.state == state)
    }
}

@Suite struct ReportTests {
    @Test func reportsRenderInEveryFormat() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try e.submit(line: "admit MRN001 name \"Nguyễn, Thị\" dob 1950-01-01 sex f from ed precautions contact")
        try e.submit(line: "assign MRN001 4W-01")
        try e.submit(line: "bed block 4W-04 reason \"broken, needs \\\"parts\\\"\"")
        let ctx = ReportContext(now: fixtureStart + .minutes(5), wallClock: .utc)
        for report in Report.tabular {
            let t = report.tables(e.state, ctx)[0]
            #expect(t.render(.text).contains(t.columns[0].heading!))
            #expect(t.render(.csv).hasPrefix(t.keys.joined(separator: ",") + "\r\n"))
            #expect(t.render(.json).hasPrefix("["))
        }
        let beds = Report.beds.tables(e.state, ctx)[0]
        let csv = beds.render(.csv)
        #expect(csv.contains("\"broken, needs \"\"parts\"\"\""), "CSV quotes commas and quotes")
        #expect(beds.render(.text).contains("● occupied"), "state shown by glyph and word, not colour")
        let census = Report.census.tables(e.state, ctx)[0]
        #expect(census.rows.last?.prefix(4).map(\.text) == ["All", "", "8", "1"])
        #expect(census.rows.last?.prefix(4).map(\.value) == [.string("All"), .null, .integer(8), .integer(1)])
        #expect(census.render(.text).contains("Waiting for a bed: 0"))
    }

    @Test func textColumnsAlignByDisplayWidth() {
        let t = Table(key: "t", title: "", columns: [Column("Name", key: "name"), Column("X", key: "x")], rows: [[.text("王秀英"), .text("a")], [.text("Zoë"), .text("b")]])
        let lines = t.renderText().split(separator: "\n")
        #expect(DisplayWidth.of(String(lines[2])) == DisplayWidth.of(String(lines[3])))
        #expect(DisplayWidth.of("王秀英") == 6)
        #expect(DisplayWidth.of("Zoë") == 3)
        #expect(DisplayWidth.of("e\u{301}") == 1)
    }
}
