import Testing
import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

/// The fixture plus a second coordinator (bob), four patients in beds with I-PASS notes, a
/// critical result not yet communicated and a procedure whose required lab is missing.
func handoverHospital(_ dir: TemporaryDirectory) throws -> (Engine, ManualClock) {
    let (e, clock) = try Fixture.engine(in: dir)
    e.actor = "sam"
    try e.submit(line: "staff add bob name \"Bob Achterberg\" role coordinator")
    e.actor = "alice"
    for (mrn, bed) in [("MRN001", "4W-02"), ("MRN002", "ICU-03"), ("MRN003", "4W-03"), ("MRN004", "ICU-02")] {
        try Fixture.admit(e, mrn)
        try e.submit(line: "assign \(mrn) \(bed)")
    }
    try e.submit(line: "ipass MRN001 severity stable summary \"Day 3 pneumonia, improving\"")
    try e.submit(line: "ipass MRN002 severity unstable summary \"Septic, on pressors\" if \"MAP < 65\" then \"call ICU fellow\"")
    try e.submit(line: "ipass MRN003 severity watcher aware \"Family meeting 15:00\"")
    // MRN004 is not assessed.
    try e.submit(line: "lab order MRN001 K priority stat")
    try e.submit(line: "lab collect L1")
    try e.submit(line: "lab result L1 6.9")
    try e.submit(line: "proc book MRN003 surgery OR-1 at +2h for 1h requires TS")
    try e.submit(line: "task add \"Chase echo report\" patient MRN002 priority urgent due +1h")
    return (e, clock)
}

@Suite struct HandoverTests {
    @Test func theWalkthroughIsInIPassOrder() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try handoverHospital(dir)
        let items = e.state.handoverItems(at: clock.now(), wallClock: .utc)
        #expect(items.map(\.key) == ["MRN002", "MRN003", "MRN004", "MRN001", "L1", "P1"],
                "unstable, watcher, not assessed, stable; then the critical result and the procedure not ready")
        #expect(items.filter(\.required).map(\.key) == ["MRN002", "L1", "P1"])
        let septic = items[0]
        #expect(septic.lines.contains("Summary: Septic, on pressors"))
        #expect(septic.lines.contains("Contingency: If MAP < 65, then call ICU fellow"))
        #expect(septic.lines.contains { $0.hasPrefix("Action: T") && $0.contains("Chase echo report") })
        #expect(items[1].lines.contains("Awareness: Family meeting 15:00"))
        #expect(items[2].lines.contains("Severity: not assessed"))
    }

    @Test func completionIsRefusedUntilEveryRequiredItemIsAcknowledged() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try handoverHospital(dir)
        try e.submit(line: "handover start to bob")
        #expect(e.state.currentHandover?.from == "alice")
        // Only the receiver acknowledges.
        #expect(refusal { try e.submit(line: "handover ack MRN002") }?.reason.contains("only bob, the receiver") == true)
        e.actor = "bob"
        let refused = try #require(refusal { try e.submit(line: "handover complete") })
        #expect(refused.reason.contains("3 required items are not acknowledged"))
        #expect(refused.reason.contains("MRN002 (unstable patient)"))
        #expect(refused.reason.contains("L1 (critical result not yet communicated)"))
        #expect(refused.reason.contains("P1 (procedure not ready)"))
        clock.advance(.minutes(2))
        try e.submit(line: "handover ack MRN002 note \"will review pressors at 08:00\"")
        try e.submit(line: "handover ack all-stable")
        try e.submit(line: "handover ack l1")
        #expect(refusal { try e.submit(line: "handover ack MRN002") }?.reason.contains("already acknowledged") == true)
        #expect(refusal { try e.submit(line: "handover ack MRN999") }?.hint?.contains("P1") == true, "an unknown item lists what is left")
        let still = try #require(refusal { try e.submit(line: "handover complete") })
        #expect(still.reason.contains("1 required item is not acknowledged: P1 (procedure not ready)"))
        try e.submit(line: "handover take T2")
        #expect(e.state.tasks[TaskID(2)]?.owner == .person("bob"), "the receiver took over the task")
        try e.submit(line: "handover ack P1")
        try e.submit(line: "handover complete note \"all clear\"")
        #expect(e.state.currentHandover == nil)
        #expect(e.state.handovers[HandoverID(1)]?.status == .completed)
        #expect(e.state.lastHandoverGiven["alice"] == clock.now())

        // Each acknowledgement is in the journal with both names and the time.
        var acks: [(Recorded, HandoverAcknowledged)] = []
        _ = try Journal.open(at: dir.file("hospital.rj"), writable: false) { r in
            if case .handoverAcknowledged(let a) = r.event { acks.append((r, a)) }
        }
        #expect(acks.map(\.1.item) == ["MRN002", "MRN001", "L1", "P1"])
        #expect(acks.allSatisfy { $0.0.actor == "bob" && $0.1.from == "alice" && $0.1.to == "bob" })
        #expect(acks[0].1.note == "will review pressors at 08:00")
        #expect(acks[0].0.time == fixtureStart + .minutes(2))
        #expect(try Engine(journalAt: dir.file("hospital.rj"), writable: false).state == e.state)
    }

    @Test func aHandoverPausedAtOneTerminalResumesAtAnother() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try handoverHospital(dir)
        try e.submit(line: "handover start to bob")
        e.actor = "bob"
        try e.submit(line: "handover ack MRN002")
        try e.submit(line: "handover pause")
        #expect(refusal { try e.submit(line: "handover ack MRN003") }?.reason.contains("paused") == true)
        // Bob walks to another workstation: a separate process on the same journal.
        let other = try Engine(journalAt: dir.file("hospital.rj"), actor: "bob", clock: clock, wallClock: .utc)
        #expect(other.state.currentHandover?.status == .paused)
        #expect(other.state.currentHandover?.acknowledged["MRN002"] != nil, "what was acknowledged is still acknowledged")
        try other.submit(line: "handover resume")
        try other.submit(line: "handover ack MRN003")
        try e.refresh()
        #expect(e.state == other.state)
        // Only one open handover at a time.
        e.actor = "alice"
        #expect(refusal { try e.submit(line: "handover start to bob") }?.reason.contains("H1 from alice to bob is in-progress") == true)
        try e.submit(line: "handover cancel reason \"started by mistake\"")
        #expect(e.state.currentHandover == nil)
    }

    @Test func shiftsAreConfiguredAndCoverTheDayOnce() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try handoverHospital(dir)
        #expect(e.state.shift(at: clock.now(), wallClock: .utc)?.name == "day", "07:00 falls in the default day shift")
        e.actor = "sam"
        #expect(refusal { try e.submit(line: "shifts set \"early 07:00-15:00, late 15:00-23:00\"") }?.reason.contains("00:00 is in no shift") == true)
        #expect(refusal { try e.submit(line: "shifts set \"a 07:00-19:00, b 18:00-07:00\"") }?.reason.contains("18:00 is in 2 shifts") == true)
        try e.submit(line: "shifts set \"early 07:00-15:00, late 15:00-23:00, night 23:00-07:00\"")
        #expect(e.state.shift(at: clock.now() + .hours(9), wallClock: .utc)?.name == "late")
        #expect(e.state.shiftStart(at: clock.now() + .hours(9), wallClock: .utc) == clock.now() + .hours(8))
        #expect(e.state.shift(at: clock.now() - .hours(8), wallClock: .utc)?.name == "night", "23:00 the evening before")
    }
}

@Suite struct SinceYouWereLastHereTests {
    /// A journal built by hand: every kind of change, and things that must not be listed.
    @Test func theChangesReportListsWhatChangedForThatUser() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "OLD001")            // before "since": not listed
        clock.advance(.hours(1))
        let since = clock.now()
        try Fixture.admit(e, "NEW001")
        try e.submit(line: "assign NEW001 4W-02")
        try e.submit(line: "transfer NEW001 ICU-03")
        try e.submit(line: "discharge NEW001")
        try e.submit(line: "lab order OLD001 K priority stat")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 6.9")
        try e.submit(line: "lab order OLD001 NA")
        try e.submit(line: "lab collect L2")
        try e.submit(line: "lab result L2 140")         // normal: not listed
        try e.submit(line: "task add \"Call the GP\" due +10m")
        try e.submit(line: "task add \"Fax the referral\"")
        let fax = try #require(e.state.tasks.values.first { $0.title == "Fax the referral" }?.id)
        let gp = try #require(e.state.tasks.values.first { $0.title == "Call the GP" }?.id)
        try e.submit(line: "task done \(fax)")
        try e.submit(line: "msg send drlee \"not for alice\"")
        e.actor = "sam"
        try e.submit(line: "msg send alice \"Bed meeting moved to 11:00\"")
        try e.submit(line: "msg send @coordinator \"Ward round starts late\" urgent")
        try e.submit(line: "msg send @evs \"not for a coordinator\"")
        clock.advance(.minutes(20))
        try e.tick()                                      // "Call the GP" goes overdue
        let changes = try Engine.changes(journalAt: dir.file("hospital.rj"), since: since, for: "alice")
        let kinds = changes.map(\.kind)
        #expect(kinds == [.admitted, .placed, .transferred, .discharged, .criticalResult, .taskDone, .messageToYou, .messageToYou, .taskOverdue])
        #expect(changes[0].text.hasPrefix("NEW001 Test, Patient NEW001 admitted"))
        #expect(changes[2].text.contains("4W-02 → ICU-03"))
        #expect(changes[4].text.contains("L1 K 6.9"))
        #expect(changes[5].text.contains("\(fax) Fax the referral done by alice"))
        #expect(changes[6].text.contains("from sam: Bed meeting moved to 11:00"))
        #expect(changes[7].text.contains("URGENT: Ward round starts late"), "to alice's role")
        #expect(changes[8].text.contains("\(gp) Call the GP"))
        #expect(!changes.contains { $0.text.contains("OLD001 admitted") || $0.text.contains("not for") })
    }

    @Test func lastShiftMeansTheLastHandoverGivenElseTheShiftStart() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try handoverHospital(dir)
        let start = e.state.lastShiftEnd(of: "alice", now: clock.now() + .hours(3), wallClock: .utc)
        #expect(start == fixtureStart, "07:00: the day shift's start")
        try e.submit(line: "handover start to bob")
        e.actor = "bob"
        for item in ["MRN002", "L1", "P1"] { try e.submit(line: "handover ack \(item)") }
        clock.advance(.minutes(30))
        try e.submit(line: "handover complete")
        #expect(e.state.lastShiftEnd(of: "alice", now: clock.now() + .hours(20), wallClock: .utc) == clock.now())
    }
}

@Suite struct TimeTravelTests {
    /// The state at time T, seen through the timeline, equals a replay of the journal up to T
    /// and equals what the live engine held at T.
    @Test func theStateAtTEqualsTheJournalReplayedToT() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try handoverHospital(dir)
        var snapshots: [(Timestamp, HospitalState)] = [(clock.now(), e.state)]
        let lines = ["assign MRN004 4W-04", "discharge MRN001", "bed dirty 4W-01", "task add \"later\"", "handover start to bob",
                     "lab order MRN002 HGB", "msg send @coordinator \"x\" urgent"]
        for line in lines {
            clock.advance(.minutes(7))
            _ = try? e.submit(line: line)
            snapshots.append((clock.now(), e.state))
        }
        let path = dir.file("hospital.rj")
        let timeline = try Timeline(journalAt: path, from: fixtureStart, to: clock.now(), at: clock.now())
        for (t, expected) in snapshots.reversed() {       // backwards: through the checkpoints
            timeline.move(toTime: t)
            #expect(timeline.state == expected, "at \(t)")
            var replay = HospitalState()
            _ = try Journal.open(at: path, writable: false) { r in if r.time <= t { replay.apply(r) } }
            #expect(timeline.state == replay)
        }
        // Stepping one record at a time forwards and backwards lands on the same states.
        timeline.move(to: 0)
        let first = timeline.state
        timeline.move(to: timeline.records.count)
        #expect(timeline.state == e.state)
        timeline.move(to: 0)
        #expect(timeline.state == first)
    }
}
