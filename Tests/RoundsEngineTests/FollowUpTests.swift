import Testing
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsTestSupport

/// Follow-up after discharge (RoundsDomain/FollowUps): who is followed up, LACE from what Rounds
/// knows, the two-business-day call that only "reached" meets, the 7- or 14-day visit window
/// and its task, readmissions within 30 days; replay, snapshots and the codec.
@Suite struct FollowUpTests {
    /// A visit: admitted from `source`, put in `bed`, discharged `days` later.
    func visit(_ e: Engine, _ clock: ManualClock, _ mrn: MRN, bed: BedID, days: Int, source: String = "ed", extra: String = "") throws {
        try e.submit(line: "admit \(mrn) name \"Test, Patient \(mrn)\" dob 1970-01-01 sex f from \(source) \(extra)")
        try e.submit(line: "assign \(mrn) \(bed)")
        clock.advance(.days(Int64(days)))
        try e.submit(line: "discharge \(mrn)")
        try e.submit(line: "bed clean \(bed)")
    }

    func openTasks(_ e: Engine, _ mrn: MRN) -> [WorklistTask] {
        e.state.tasks.values.filter { $0.kind == .followup && $0.patient == mrn && !$0.status.isClosed }.sorted { $0.id < $1.id }
    }

    @Test func laceCountsLengthAcuityAndEDVisitsAndReadmissionsAreFlagged() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        // Three short ED visits ten days apart: LACE 3, 4, 5 (not high risk, not vulnerable).
        for _ in 0..<3 {
            try visit(e, clock, "MRN100", bed: "4W-02", days: 0)
            clock.advance(.days(10))
        }
        #expect(e.state.followUps.byID.isEmpty, "nobody to follow up yet")
        let stays = e.state.followUps.visits["MRN100"]!.map(\.stay)
        #expect(stays.count == 3)
        #expect(e.state.followUps.readmissions.count == 2, "the second and third came back within 30 days")
        #expect(e.state.followUps.readmissions[stays[1]]?.previous == stays[0])
        // The fourth: eight days, from the ED, three ED visits before: L 5 + A 3 + E 3 = 11.
        try e.submit(line: "admit MRN100 name \"Test, Patient MRN100\" dob 1970-01-01 sex f from ed")
        let fourth = try #require(e.state.stay(of: "MRN100")).id
        #expect(e.state.followUps.readmissions[fourth] != nil)
        try e.submit(line: "assign MRN100 4W-02")
        clock.advance(.days(8))
        let score = e.state.lace(e.state.stay(of: "MRN100")!, at: clock.now())
        #expect(score == LaceScore(length: 5, acuity: 3, comorbidity: nil, emergency: 3) && score.total == 11 && score.highRisk)
        #expect(score.description == "LACE 11 (L 5, A 3, C not known, E 3): high risk")
        try e.submit(line: "discharge MRN100")
        let f = try #require(e.state.followUps.open.first)
        #expect(f.mrn == "MRN100" && f.lace.total == 11 && f.reasons == ["LACE 11"] && f.windowDays == 7)
        // Discharged Wednesday 2026-12-30 07:00 UTC: visit by the end of the 7th day after;
        // call by the end of the second business day (Thursday, Friday).
        #expect(WallClock.utc.dateTime(f.dischargedAt) == "2026-12-30 07:00")
        #expect(WallClock.utc.dateTime(f.visitDue) == "2027-01-06 23:59")
        #expect(WallClock.utc.dateTime(f.callDue) == "2027-01-01 23:59")
        // After a Friday: Monday, Tuesday; after a Saturday or a Sunday: Monday, Tuesday too.
        let friday = fixtureStart + .days(5)
        #expect(WallClock.utc.dateTime(WallClock.utc.endOfBusinessDay(2, after: friday)) == "2026-12-01 23:59")
        #expect(WallClock.utc.endOfBusinessDay(2, after: friday + .days(1)) == WallClock.utc.endOfBusinessDay(2, after: friday + .days(2)))
        #expect(LaceScore.lengthPoints(days: 0) == 0 && LaceScore.lengthPoints(days: 3) == 3 && LaceScore.lengthPoints(days: 4) == 4
                && LaceScore.lengthPoints(days: 13) == 5 && LaceScore.lengthPoints(days: 14) == 7)
    }

    @Test func onlyReachingThePatientMeetsTheCall() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try e.submit(line: "admit OLD1 name \"Old, Person\" dob 1940-05-01 sex m from direct lives-alone")
        try e.submit(line: "assign OLD1 4W-01")
        clock.advance(.days(2))
        try e.submit(line: "discharge OLD1")
        let f = try #require(e.state.followUps.open.first)
        #expect(f.reasons == ["age 86", "lives alone"] && !f.lace.highRisk && f.windowDays == 14)
        // Discharged Tuesday 2026-11-24: Wednesday, Thursday.
        #expect(WallClock.utc.dateTime(f.callDue) == "2026-11-26 23:59")
        let call = try #require(openTasks(e, "OLD1").first)
        #expect(call.id == f.callTask && call.due == f.callDue && call.title.contains("a voicemail does not count"))
        try e.submit(line: "followup call \(f.id) voicemail note \"Left a message\"")
        try e.submit(line: "followup call \(f.id) no-answer")
        #expect(e.state.tasks[call.id]?.status.isClosed == false, "a voicemail does not count")
        #expect(e.state.followUps[f.id]?.attempts == 2 && e.state.followUps[f.id]?.reachedAt == nil)
        #expect(e.state.tasks[call.id]?.notes.suffix(2).map(\.text) == ["Call attempt 1: voicemail — not reached; Left a message", "Call attempt 2: no-answer — not reached"])
        clock.advance(.days(3))
        #expect(e.state.followUps[f.id]?.callLate(at: clock.now()) == true)
        try e.submit(line: "followup call \(f.id) reached note \"Daughter staying with him\"")
        #expect(e.state.tasks[call.id]?.status == .done && e.state.followUps[f.id]?.reachedAt == clock.now())
        do { try e.submit(line: "followup call \(f.id) reached"); Issue.record("reached twice") } catch {
            #expect("\(error)".contains("OLD1 was reached already"))
        }
    }

    @Test func aVisitNotBookedInItsWindowRaisesOneTask() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try e.submit(line: "admit OLD2 name \"Old, Two\" dob 1935-01-01 sex f from direct")
        try e.submit(line: "assign OLD2 4W-01")
        try e.submit(line: "discharge OLD2")
        let f = try #require(e.state.followUps.open.first)
        #expect(f.windowDays == 14 && WallClock.utc.dateTime(f.visitDue) == "2026-12-06 23:59")
        clock.set(f.visitDue - .days(2) - .minutes(1))
        _ = try e.tick()
        #expect(e.state.followUps[f.id]?.visitTask == nil, "not before two days before the window ends")
        clock.advance(.minutes(1))
        _ = try e.tick()
        let task = try #require(e.state.followUps[f.id]?.visitTask)
        #expect(e.state.tasks[task]?.title.contains("Book OLD2's follow-up visit (\(f.id)): none booked within 14 days") == true)
        #expect(e.state.tasks[task]?.link == .followUp(f.id) && e.state.tasks[task]?.due == f.visitDue)
        clock.advance(.hours(1))
        _ = try e.tick()
        #expect(e.state.tasks.values.filter { $0.link == .followUp(f.id) }.count == 1, "raised once")
        try e.submit(line: "followup visit \(f.id) at +1d with \"Dr Mehta's clinic\"")
        #expect(e.state.tasks[task]?.status == .done, "a visit inside the window closes the task")
        try e.submit(line: "followup call \(f.id) reached")
        #expect(e.state.followUps[f.id]?.status == .open)
        clock.advance(.days(1))
        try e.submit(line: "followup visit \(f.id) attended")
        #expect(e.state.followUps[f.id]?.status == .done, "reached and seen: done")
        do { try e.submit(line: "followup close \(f.id) reason \"x\""); Issue.record("closed a done follow-up") } catch {
            #expect("\(error)".contains("follow-up \(f.id) is done"))
        }
    }

    @Test func refusalsAndClosing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try e.submit(line: "admit OLD3 name \"Old, Three\" dob 1930-01-01 sex f from direct")
        try e.submit(line: "assign OLD3 4W-01")
        try e.submit(line: "discharge OLD3")
        let f = try #require(e.state.followUps.open.first)
        let before = e.state
        func refusal(_ line: String) -> String {
            do { try e.submit(line: line); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal("followup call \(f.id) maybe").contains("'maybe' is not a call's outcome; valid: reached, voicemail, no-answer, wrong-number"))
        #expect(refusal("followup visit \(f.id) attended").contains("has no visit booked"))
        #expect(refusal("followup visit \(f.id) at 2020-01-01 10:00").contains("more than a day in the past"))
        #expect(refusal("followup visit \(f.id) soon").contains("give at TIME"))
        #expect(refusal("followup close \(f.id)").contains("followup close needs reason"))
        #expect(refusal("followup call F99 reached").contains("no follow-up F99"))
        #expect(refusal("followup ring \(f.id)").contains("unknown sub-command 'ring'"))
        e.actor = "evs1"
        #expect(refusal("followup call \(f.id) reached").contains("manage tasks"))
        #expect(e.state == before)
        e.actor = "alice"
        try e.submit(line: "followup close \(f.id) reason \"Moved to her son's in another city\"")
        #expect(e.state.followUps[f.id]?.status == .closed && e.state.tasks[f.callTask]?.status == .done)
    }

    @Test func replayAndSnapshotGiveTheSameState() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try visit(e, clock, "MRN200", bed: "4W-02", days: 1)
        try visit(e, clock, "OLD4", bed: "4W-03", days: 3, source: "ed", extra: "lives-alone")
        clock.advance(.days(2))
        try visit(e, clock, "OLD4", bed: "4W-03", days: 1)
        let f = try #require(e.state.followUps.byID.values.min { $0.id < $1.id })
        #expect(f.readmittedAt != nil, "the first follow-up records the readmission")
        try e.submit(line: "followup call \(f.id) wrong-number")
        clock.advance(.days(14))
        _ = try e.tick()
        let replayed = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(replayed.state == e.state && replayed.state.followUps.byID.count == 2)
        var w = ByteWriter()
        e.state.writeSnapshot(to: &w)
        let decoded = try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return try HospitalState(snapshot: &r)
        }
        #expect(decoded == e.state && decoded.followUps == e.state.followUps)
        #expect(HospitalState.snapshotLayout >= 9)
    }

    @Test func followUpEventsRoundTripThroughTheCodec() throws {
        let events: [Event] = [
            .followUpOpened(FollowUpOpened(id: FollowUpID(2), mrn: "MRN001", stay: StayID(4), lace: LaceScore(length: 5, acuity: 3, comorbidity: nil, emergency: 4),
                                           reasons: ["age 80", "LACE 12"], callDue: fixtureStart, visitDue: fixtureStart + .days(7), task: TaskID(9))),
            .followUpOpened(FollowUpOpened(id: FollowUpID(3), mrn: "MRN002", stay: StayID(5), lace: LaceScore(length: 0, acuity: 0, comorbidity: 2, emergency: 0),
                                           reasons: [], callDue: fixtureStart, visitDue: fixtureStart, task: TaskID(10))),
            .followUpUpdated(FollowUpUpdated(id: FollowUpID(2), step: .visitBooked, at: fixtureStart + .days(3), with: "Clinic B")),
            .followUpUpdated(FollowUpUpdated(id: FollowUpID(2), step: .noAnswer, note: "Tried twice")),
            .followUpOverdue(FollowUpOverdue(id: FollowUpID(2), task: TaskID(11))),
        ]
        for event in events {
            var w = ByteWriter()
            event.writePayload(to: &w)
            let back = try w.bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                return try Event.read(type: event.typeCode, from: &r)
            }
            #expect(back == event)
        }
        #expect(events.map(\.typeCode) == [78, 78, 79, 79, 80])
    }

    @Test func whatChangedSaysReadmissionAndTheHandoverShowsIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try visit(e, clock, "MRN300", bed: "4W-02", days: 1)
        clock.advance(.days(5))
        let since = clock.now()
        try e.submit(line: "admit MRN300 name \"Test, Patient MRN300\" dob 1970-01-01 sex f from ed")
        let changes = try Engine.changes(journalAt: dir.file("hospital.rj"), since: since, for: "sam")
        #expect(changes.contains { $0.kind == .admitted && $0.text.contains("READMISSION: discharged 5d before") })
        try e.submit(line: "assign MRN300 4W-03")
        let item = try #require(e.state.handoverItems(at: clock.now(), wallClock: .utc).first { $0.key == "MRN300" })
        #expect(item.lines.contains { $0.hasPrefix("Readmission: back 5d after discharge") })
    }
}
