import Testing
@testable import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsDemo
import RoundsTestSupport

/// Closed work leaves memory `HospitalState.retention` after it closed; open work, and what
/// the safety rules read, never does.
@Suite struct ArchiveTests {
    static let week = HospitalState.retention

    @Test func closedTasksLeaveMemoryAfterTheRetentionOpenOnesNever() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try e.submit(line: "task add \"Closed soon\"")
        try e.submit(line: "task add \"Stays open\"")
        try e.submit(line: "task add \"Reopened\"")
        try e.submit(line: "task done T1")
        try e.submit(line: "task done T3")
        clock.advance(.days(3))
        try e.submit(line: "task reopen T3")
        try e.submit(line: "task done T3")
        clock.advance(Span(milliseconds: ArchiveTests.week.milliseconds - Span.days(3).milliseconds - Span.minutes(1).milliseconds))
        try e.submit(line: "task add \"Just before\"")
        #expect(e.state.tasks[TaskID(1)] != nil, "not yet: closed less than the retention ago")
        clock.advance(.minutes(2))
        try e.submit(line: "task add \"Just after\"")
        #expect(e.state.tasks[TaskID(1)] == nil, "closed more than the retention ago: archived")
        #expect(e.state.tasks[TaskID(2)] != nil, "open tasks are never archived")
        #expect(e.state.tasks[TaskID(3)] != nil, "closed again 3 days later: its own retention runs")
        #expect(e.state.archivedCount == 1)
        // Changing an archived task is refused with the reason, and says where its history is.
        let refused = try #require(refusal { try e.submit(line: "task note T1 \"late note\"") })
        #expect(refused.reason.contains("archived"))
        #expect(refused.reason.contains("T1"))
        #expect(refused.hint?.contains("journal") == true)
        // New numbers continue; none is reused.
        try e.submit(line: "task add \"Next\"")
        #expect(e.state.tasks[TaskID(6)]?.title == "Next")
        // Replay archives exactly the same.
        let replay = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(replay.state == e.state)
    }

    /// Safety rule: the pre-procedure check reads the patient's resulted labs. A lab resulted
    /// long ago for a patient still in a bed must not be archived, or a ready procedure would be
    /// flagged not ready (and, worse, a check could read a different set of labs on replay).
    @Test func labsOfAPatientInABedAreKeptForThePreProcedureCheck() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        try e.submit(line: "lab order MRN001 TS")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 \"O POS\" flag normal")
        clock.advance(.days(10))
        try e.submit(line: "proc book MRN001 surgery OR-3 at tomorrow 15:00 for 2h requires TS")
        try Fixture.paperwork(e, ProcedureID(1))
        let proc = try #require(e.state.procedures[ProcedureID(1)])
        #expect(e.state.labs[LabID(1)] != nil)
        #expect(e.state.isReady(proc), "the resulted TS still counts while the patient is here")
        // After discharge, the labs go with the stay, a retention later.
        try e.submit(line: "proc cancel P1 reason \"patient declined\"")
        try e.submit(line: "discharge MRN001")
        clock.advance(Span(milliseconds: ArchiveTests.week.milliseconds + 60_000))
        try e.submit(line: "task add \"tick\"")
        #expect(e.state.labs[LabID(1)] == nil)
        #expect(e.state.labsByPatient["MRN001"] == nil)
        #expect(e.state.stays.isEmpty)
        #expect(e.state.procedures[ProcedureID(1)] == nil)
        #expect(e.state.patients["MRN001"] != nil, "the patient register is never archived")
        let replay = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(replay.state == e.state)
    }

    /// Safety rule: an uncommunicated critical result and an unacknowledged urgent message
    /// stay in memory (and on screen) however old they are.
    @Test func uncommunicatedCriticalsAndUnacknowledgedUrgentMessagesAreNeverArchived() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "lab order MRN001 K priority stat")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 6.8")
        try e.submit(line: "msg send @coordinator \"Call me about bed 4\" urgent")
        try e.submit(line: "msg send @coordinator \"FYI\" body \"Nothing urgent\"")
        clock.advance(ArchiveTests.week * 3)
        try e.submit(line: "task add \"tick\"")
        #expect(e.state.labs[LabID(1)] != nil)
        #expect(e.state.activeLabs.contains(LabID(1)))
        #expect(e.state.messages[MessageID(1)] != nil)
        #expect(e.state.messages[MessageID(2)] == nil, "a non-urgent message goes a retention after it was sent")
        e.actor = "sam"   // a supervisor, on the coordinators' behalf
        try e.submit(line: "msg ack M1")
        e.actor = "alice"
        clock.advance(Span(milliseconds: ArchiveTests.week.milliseconds + 60_000))
        try e.submit(line: "task add \"tick\"")
        #expect(e.state.messages[MessageID(1)] == nil)
    }

    /// A long replay keeps archived items aside and hands them, batch by batch, to the reading
    /// thread to destroy, and keeps no change marks until it ends. The state is the same as when
    /// items are destroyed where they are archived, and every archived item is handed over once.
    @Test func itemsArchivedDuringAReplayAreHandedOverAndTheStateIsTheSame() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("ten-days.rj")
        _ = try DemoHospital.write(to: path, options: DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc, seed: 3, beds: 40, days: 10))
        var plain = HospitalState()
        _ = try Journal.open(at: path, writable: false, pipeline: .off) { plain.apply($0) }
        #expect(plain.archivedCount > 200, "ten days archive about three days of closed work")

        var aside = HospitalState()
        aside.beginReplay()
        var handedOver: [ArchivedItems] = []
        _ = try Journal.open(at: path, writable: false, pipeline: Journal.Pipeline(threshold: 0, batch: 64, waiting: 2),
                             afterBatch: { () -> (any Sendable)? in
                                 let items = aside.takeArchivedAside()
                                 if let items { handedOver.append(items) }
                                 return items
                             }) { aside.apply($0) }
        if let rest = aside.takeArchivedAside() { handedOver.append(rest) }
        aside.endReplay()
        #expect(aside == plain, "the same state whether archived items are destroyed at once or handed over")
        #expect(handedOver.count > 1, "handed over batch by batch")
        #expect(handedOver.map(\.count).reduce(0, +) == plain.archivedCount, "every archived item handed over once")
        let tasks = handedOver.flatMap(\.tasks), labs = handedOver.flatMap(\.labs), messages = handedOver.flatMap(\.messages)
        #expect(!tasks.isEmpty && !labs.isEmpty && !messages.isEmpty)
        #expect(tasks.allSatisfy { !aside.tasks.contains($0.id) && $0.status.isClosed }, "only closed tasks, gone from the state")
        #expect(labs.allSatisfy { !aside.labs.contains($0.id) })
        #expect(messages.allSatisfy { !aside.messages.contains($0.id) })
        #expect(Set(tasks.map(\.id)).count == tasks.count, "none twice")

        // Change marks were not kept during the replay; at its end every view counts as changed
        // at the last record, and nothing is known of the rows records before it touched.
        #expect(aside.changeMarks.beds == aside.lastSeq && aside.changeMarks.worklist == aside.lastSeq)
        #expect(aside.changeMarks.labs == aside.lastSeq && aside.changeMarks.messages == aside.lastSeq)
        #expect(aside.changeMarks.touched.tasks(after: aside.lastSeq - 1, through: aside.lastSeq) == nil)
        #expect(plain.changeMarks.touched.tasks(after: plain.lastSeq - 1, through: plain.lastSeq) != nil)
        // After a replay, archiving destroys items where they are archived again.
        #expect(aside.takeArchivedAside() == nil)
    }
}
