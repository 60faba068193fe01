import Testing
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsReports
import RoundsTestSupport

/// Research visits (RoundsDomain/Research): the visit plan, windows from the anchor date,
/// deviations, the continuing review, re-consent after an amendment, a visit due during a stay
/// on the worklist; replay, snapshots and the codec.
@Suite struct ResearchTests {
    func hospital(_ dir: TemporaryDirectory) throws -> (Engine, ManualClock) {
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        try e.submit(line: "study add HF-1 name \"Heart failure\" pi \"Dr Lee\" approved-until 2027-03-31 visits \"V1:0, V2:7±1, V3:28+-3\"")
        return (e, clock)
    }

    func researchTasks(_ e: Engine) -> [WorklistTask] { e.state.tasks.values.filter { $0.kind == .research && !$0.status.isClosed }.sorted { $0.id < $1.id } }

    @Test func thePlanIsReadAndBadPlansAreRefused() throws {
        let plan = try StudyVisitPlan.parse("V1:0, V2:7±1, V3:28+-3").get()
        #expect(plan == [StudyVisitPlan(name: "V1", day: 0, window: 0), StudyVisitPlan(name: "V2", day: 7, window: 1), StudyVisitPlan(name: "V3", day: 28, window: 3)])
        for bad in ["", "V1", "V1:x", "V1:7±y", "V1:0, V1:3", "V 1:0"] {
            if case .success = StudyVisitPlan.parse(bad) { Issue.record("'\(bad)' was accepted") }
        }
    }

    @Test func visitsOutsideTheirWindowAndMissedVisitsAreDeviations() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        // fixtureStart is Sunday 2026-11-22 07:00 UTC; anchor the Friday before.
        try e.submit(line: "study enroll MRN001 HF-1 anchor 2026-11-20 arm \"titration\"")
        let en = try #require(e.state.research.enrollment("HF-1", "MRN001"))
        #expect(en.consentVersion == "v1" && en.status == .onStudy && e.state.research.onStudy["MRN001"] == ["HF-1"])
        try e.submit(line: "study visit MRN001 HF-1 V1 done at 2026-11-20 10:00")
        #expect(e.state.research.enrollment("HF-1", "MRN001")?.visits["V1"]?.deviation == nil)
        clock.set(fixtureStart + .days(8))   // 2026-11-30: V2's window (11-26 to 11-28) has passed
        try e.submit(line: "study visit MRN001 HF-1 v2 done note \"Transport failed\"")
        let v2 = try #require(e.state.research.enrollment("HF-1", "MRN001")?.visits["V2"])
        #expect(v2.deviation == "V2 done on 2026-11-30, outside its window 2026-11-26–2026-11-28 (V2 day 7 ±1)")
        try e.submit(line: "study visit MRN001 HF-1 V3 missed note \"Withdrew consent for bloods\"")
        #expect(e.state.deviations.map(\.visit) == ["V2", "V3"])
        func refusal(_ line: String) -> String { do { try e.submit(line: line); return "accepted" } catch { return "\(error)" } }
        #expect(refusal("study visit MRN001 HF-1 V2 done").contains("is recorded already"))
        #expect(refusal("study visit MRN001 HF-1 V9 done").contains("HF-1 has no visit V9") && refusal("study visit MRN001 HF-1 V9 done").contains("V2 day 7 ±1"))
        #expect(refusal("study visit MRN002 HF-1 V1 done").contains("MRN002 is not enrolled in HF-1"))
        #expect(refusal("study enroll MRN001 HF-1 anchor 2026-11-20").contains("enrolled in HF-1 already"))
        #expect(refusal("study enroll MRN001 NOPE anchor 2026-11-20").contains("no study NOPE"))
        #expect(refusal("study add HF-1 name \"x\" pi \"y\" approved-until 2027-01-01 visits \"V1:0\"").contains("exists already"))
        #expect(refusal("study add HF-2 name \"x\" pi \"y\" approved-until 2030-01-01 visits \"V1:0\"").contains("at most 12 months"))
        #expect(refusal("study add HF-2 name \"x\" pi \"y\" approved-until 2027-01-01 visits \"V1\"").contains("is not a visit"))
        #expect(refusal("study end MRN001 HF-1 paused").contains("ends completed or withdrawn"))
        e.actor = "evs1"
        #expect(refusal("study visit MRN001 HF-1 V1 done").contains("coordinate research visits"))
    }

    @Test func aVisitDueDuringAStayIsOnTheWorklistOnce() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "study enroll MRN001 HF-1 anchor 2026-11-17")   // V2 window 2026-11-23 to 11-25
        #expect(researchTasks(e).filter { $0.title.contains("Study visit") }.isEmpty, "V2's window is not open yet; V1's (11-17) has passed")
        clock.set(fixtureStart + .days(1))   // Monday 2026-11-23
        _ = try e.tick()
        let visit = try #require(researchTasks(e).first { $0.title.contains("Study visit V2") })
        #expect(visit.patient == "MRN001" && WallClock.utc.dateTime(visit.due) == "2026-11-25 23:59")
        _ = try e.tick()
        #expect(researchTasks(e).filter { $0.title.contains("Study visit V2") }.count == 1)
        try e.submit(line: "study visit MRN001 HF-1 V2 done")
        #expect(e.state.tasks[visit.id]?.status == .done, "recording the visit closes its task")
        // Not admitted: no task for a visit whose window opens.
        try e.submit(line: "discharge MRN001")
        clock.set(fixtureStart + .days(25))
        _ = try e.tick()
        #expect(researchTasks(e).filter { $0.title.contains("Study visit V3") }.isEmpty, "V3 falls after the stay")
    }

    @Test func continuingReviewAndReconsentRaiseTasksThatCloseWhenDone() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "study enroll MRN001 HF-1 anchor 2026-11-20")
        clock.set(WallClock.utc.instant(on: LocalDate(year: 2027, month: 3, day: 1)!, minuteOfDay: 0) - .minutes(1))
        _ = try e.tick()
        #expect(!researchTasks(e).contains { $0.title.contains("Continuing review") }, "not before 30 days ahead")
        clock.advance(.minutes(1))
        _ = try e.tick()
        let review = try #require(researchTasks(e).first { $0.title.contains("Continuing review of study HF-1") })
        try e.submit(line: "study renew HF-1 until 2027-12-31 note \"IRB letter 2027-02\"")
        #expect(e.state.tasks[review.id]?.status == .done && e.state.research.studies["HF-1"]?.approvedUntil == LocalDate(year: 2027, month: 12, day: 31))
        try e.submit(line: "study amend HF-1 consent \"v2\" note \"Amendment 1\"")
        _ = try e.tick()
        let consent = try #require(researchTasks(e).first { $0.title.contains("Re-consent MRN001 for study HF-1") })
        do { try e.submit(line: "study consent MRN001 HF-1 \"v3\""); Issue.record("a version not approved was accepted") } catch {
            #expect("\(error)".contains("HF-1's current consent is v2, not v3"))
        }
        try e.submit(line: "study consent MRN001 HF-1 \"v2\"")
        #expect(e.state.tasks[consent.id]?.status == .done && e.state.research.enrollment("HF-1", "MRN001")?.consentVersion == "v2")
        try e.submit(line: "study end MRN001 HF-1 withdrawn note \"Moved away\"")
        #expect(e.state.research.onStudy["MRN001"] == nil && e.state.research.enrollment("HF-1", "MRN001")?.status == .withdrawn)
    }

    @Test func theReportReplayAndTheCodec() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "study enroll MRN001 HF-1 anchor 2026-11-17 consent \"v1\"")
        clock.set(fixtureStart + .days(1))
        _ = try e.tick()
        try e.submit(line: "study visit MRN001 HF-1 V1 done at 2026-11-18 09:00")
        let tables = Report.research.tables(e.state, ReportContext(now: clock.now(), wallClock: .utc))
        #expect(tables.map(\.key) == ["studies", "study_visits", "deviations"])
        #expect(tables[1].rows.count == 3 && tables[2].rows.count == 1)
        #expect(tables[1].rows[1][6].text == "due now" && tables[1].rows[0][6].text == "‼ done, deviation")
        let replayed = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(replayed.state == e.state)
        var w = ByteWriter()
        e.state.writeSnapshot(to: &w)
        let decoded = try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return try HospitalState(snapshot: &r)
        }
        #expect(decoded == e.state && decoded.research == e.state.research && HospitalState.snapshotLayout >= 10)
        let events: [Event] = [
            .studyRecorded(StudyRecorded(code: "X", name: "n", investigator: "p", approvedUntil: LocalDate(year: 2027, month: 1, day: 1)!, consentVersion: "v1",
                                         plan: [StudyVisitPlan(name: "V1", day: -3, window: 2)])),
            .studyChanged(StudyChanged(code: "X", approvedUntil: nil, consentVersion: "v2", note: "a")),
            .patientEnrolled(PatientEnrolled(study: "X", mrn: "M1", anchor: LocalDate(year: 2026, month: 1, day: 1)!, arm: nil, consentVersion: "v1")),
            .enrollmentUpdated(EnrollmentUpdated(study: "X", mrn: "M1", visit: "V1", outcome: .missed, at: fixtureStart, deviation: "d", note: "n")),
            .enrollmentUpdated(EnrollmentUpdated(study: "X", mrn: "M1", ended: .completed)),
            .researchTaskRaised(ResearchTaskRaised(study: "X", mrn: nil, purpose: "review", task: TaskID(4))),
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
        #expect(events.map(\.typeCode) == [81, 82, 83, 84, 84, 85])
        // On the handover's item for the patient.
        let item = try #require(e.state.handoverItems(at: clock.now(), wallClock: .utc).first { $0.key == "MRN001" })
        #expect(item.lines.contains { $0.hasPrefix("Research: on study HF-1 (Dr Lee); next V2 window 2026-11-23–2026-11-25") })
    }
}
