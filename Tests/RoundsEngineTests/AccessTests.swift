import Testing
import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

@Suite struct SessionTests {
    @Test func everyRecordNamesTheSessionAndConnectionItCameFrom() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        let path = dir.file("hospital.rj")
        let setupEnd = e.state.lastSeq
        // Alice at a workstation terminal.
        e.origin = SessionOpened(uid: 1001, terminal: "tty2", remote: "", program: "rounds")
        let first = try e.submit(line: "task add \"call pharmacy\"")
        #expect(e.sessionNumber == setupEnd + 1)
        #expect(first.map(\.session) == [setupEnd + 1])
        // Sam over SSH, in another process, on the same journal.
        let sam = try Engine(journalAt: path, actor: "sam", clock: clock, wallClock: .utc)
        sam.origin = SessionOpened(uid: 1002, terminal: "pts/4", remote: "10.20.0.7 52311", program: "rounds")
        try sam.recordAccess(.viewed, patient: nil, detail: "census")
        try e.submit(line: "task add \"second\"")
        // Replay sees the same: each record's session, each session's login and connection.
        let replay = try Engine(journalAt: path, writable: false)
        #expect(replay.state == e.state)
        var sessions: [UInt64: UInt64] = [:]
        _ = try Journal.open(at: path, writable: false) { r in sessions[r.seq] = r.session }
        #expect(sessions[setupEnd + 1] == setupEnd + 1, "the session record names itself")
        #expect(sessions[setupEnd + 2] == setupEnd + 1)
        #expect(sessions[setupEnd + 3] == setupEnd + 3, "sam's session opens with sam's first write")
        #expect(sessions[setupEnd + 4] == setupEnd + 3)
        #expect(sessions[setupEnd + 5] == setupEnd + 1, "alice's later record stays in her session")
        #expect(sessions[1] == 0, "records written without an origin name no session")
        let s = try #require(replay.state.session(setupEnd + 3))
        #expect(s.login == "sam")
        #expect(s.details.uid == 1002)
        #expect(s.details.origin == "ssh 10.20.0.7 port 52311 on pts/4")
        #expect(replay.state.session(setupEnd + 1)?.details.origin == "tty2")
        // The audit names where each read or change came from.
        let audit = try Engine.audit(journalAt: path, user: "sam")
        #expect(audit.contains { $0.action == "viewed" && $0.origin == "ssh 10.20.0.7 port 52311 on pts/4" })
        #expect(audit.contains { $0.action == "session" })
    }

    @Test func aRefusedFirstCommandOpensNoSession() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        e.origin = SessionOpened(uid: 1001, terminal: "tty2", remote: "", program: "rounds exec")
        let before = e.state.lastSeq
        #expect(refusal { try e.submit(line: "assign MRN404 4W-02") } != nil)
        #expect(e.state.lastSeq == before)
        #expect(e.sessionNumber == 0)
    }
}

@Suite struct BreakGlassTests {
    @Test func aUserWithoutAPermissionMayProceedGivingAReasonForALimitedTime() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        e.actor = "evs1"
        let refused = try #require(refusal { try e.submit(line: "assign MRN001 4W-02") })
        #expect(refused.reason == "evs1 (EVS) lacks the permission to place patients")
        #expect(refused.hint?.contains("break-glass \"why you must\"") == true, "the refusal says how to proceed in an emergency")

        // The reason must say something; the time box has a ceiling.
        let before = e.state
        #expect(refusal { try e.submit(line: "break-glass \"urgent\"") }?.reason.contains("at least 10 characters") == true)
        #expect(refusal { try e.submit(line: "break-glass \"charge nurse at a code, bed needed now\" for 2h") }?.reason.contains("from 1 to 60 minutes") == true)
        #expect(e.state == before, "refusals change nothing")

        try e.submit(line: "break-glass \"charge nurse at a code, bed needed now\" for 20m")
        let grant = try #require(e.state.activeGrant(of: "evs1", at: clock.now()))
        #expect(grant.id == GrantID(1))
        #expect(grant.role == .evs)
        #expect(grant.until == clock.now() + .minutes(20))
        try e.submit(line: "assign MRN001 4W-02")
        #expect(e.state.beds["4W-02"]?.patient == "MRN001")
        #expect(refusal { try e.submit(line: "break-glass \"and again, to be sure of it\"") }?.reason.contains("already in force") == true)

        // Never the roster, policy or set-up.
        #expect(refusal { try e.submit(line: "staff set evs1 role supervisor") }?.reason.contains("manage the staff roster") == true)
        #expect(refusal { try e.submit(line: "policy set critical-window 5m") }?.reason.contains("change policy") == true)

        // The grant lists what was done under it, for its reviewer.
        let g = try #require(e.state.grants[GrantID(1)])
        #expect(g.actionCount == 1)
        #expect(g.actions.first?.summary.contains("MRN001 assigned to bed 4W-02") == true)

        // When the time is up, the role's permissions are all there is again.
        clock.advance(.minutes(20))
        #expect(e.state.activeGrant(of: "evs1", at: clock.now()) == nil)
        #expect(refusal { try e.submit(line: "discharge MRN001") }?.reason == "evs1 (EVS) lacks the permission to place patients")
    }

    @Test func everyGrantWaitsForASupervisorsReview() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        e.actor = "sam"
        try e.submit(line: "staff add rita name \"Rita Hale\" role viewer")
        try e.submit(line: "staff add sue name \"Sue Park\" role supervisor")
        // Three grants by three people, one of them not on the roster at all.
        for (who, reason) in [("evs1", "bed board needed during code blue"), ("rita", "covering the desk while coordinator away"),
                              ("mallory", "agency nurse, not yet on the roster")] {
            e.actor = who
            try e.submit(line: "break-glass \"\(reason)\" for 10m")
        }
        #expect(e.state.grants[GrantID(3)]?.role == nil, "a login not on the roster may break the glass, and it shows")
        e.actor = "mallory"
        try e.submit(line: "task add \"fetch wheelchair\"")
        e.actor = "rita"
        try e.submit(line: "break-glass end")
        #expect(e.state.activeGrant(of: "rita", at: clock.now()) == nil)
        #expect(e.state.grantsAwaitingReview.map(\.id) == [GrantID(1), GrantID(2), GrantID(3)], "every grant is queued, ended or not")

        // Only someone with the review permission, never the holder, and only once it has ended.
        e.actor = "alice"
        #expect(refusal { try e.submit(line: "break-glass review G2 appropriate") }?.reason.contains("review emergency access") == true)
        e.actor = "sam"
        #expect(refusal { try e.submit(line: "break-glass review G1 appropriate") }?.reason.contains("still in force") == true)
        #expect(refusal { try e.submit(line: "break-glass review G2 inappropriate") }?.reason.contains("a note") == true)
        try e.submit(line: "break-glass review G2 appropriate")
        #expect(refusal { try e.submit(line: "break-glass review G2 appropriate") }?.reason.contains("already reviewed by sam") == true)
        try e.submit(line: "break-glass end G1")   // a supervisor may end anyone's grant
        try e.submit(line: "break-glass review G1 follow-up note \"EVS should not place patients; talk to the manager\"")
        #expect(e.state.grantsAwaitingReview.map(\.id) == [GrantID(3)])
        clock.advance(.minutes(10))
        try e.submit(line: "break-glass review G3 appropriate note \"agency nurse; added to roster\"")
        #expect(e.state.grantsAwaitingReview.isEmpty)
        let g3 = try #require(e.state.grants[GrantID(3)])
        #expect(g3.review?.by == "sam")
        #expect(g3.actionCount == 1)

        // Replay agrees, grant by grant.
        let replay = try Engine(journalAt: dir.file("hospital.rj"), writable: false)
        #expect(replay.state == e.state)
    }

    @Test func aSupervisorOwnReviewIsRefused() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        e.actor = "sam"
        try e.submit(line: "staff add sue name \"Sue Park\" role supervisor")
        e.actor = "drlee"
        try e.submit(line: "break-glass \"placing a patient, coordinator unreachable\" for 5m")
        clock.advance(.minutes(6))
        // drlee is promoted later; still may not review their own grant.
        e.actor = "sam"
        try e.submit(line: "staff set drlee role supervisor")
        e.actor = "drlee"
        #expect(refusal { try e.submit(line: "break-glass review G1 appropriate") }?.reason.contains("cannot review their own") == true)
        e.actor = "sue"
        try e.submit(line: "break-glass review G1 appropriate")
    }

    @Test func aRoleThatHasItAllNeedsNoGlass() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        let r = try #require(refusal { try e.submit(line: "break-glass \"just because I want to\"") })
        #expect(r.reason == "alice (coordinator) already has every permission break-glass gives")
        e.actor = "sam"
        #expect(refusal { try e.submit(line: "policy set break-glass 2h") }?.reason.contains("at most") == true)
        try e.submit(line: "policy set break-glass 45m")
        e.actor = "evs1"
        try e.submit(line: "break-glass \"bed needed for an arrest now\"")
        #expect(e.state.grants[GrantID(1)].map { $0.until - $0.started } == .minutes(45), "the policy sets the default length")
    }
}
