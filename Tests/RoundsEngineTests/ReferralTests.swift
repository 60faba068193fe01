import Testing
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsReports
import RoundsTestSupport

/// Referrals (RoundsDomain/Referrals): the states and their steps, the due clock and its one
/// task, the loop closed only by the report (and its task closed with it), expiry, high-risk
/// referrals, reopening; the report; replay, snapshots and the codec.
@Suite struct ReferralTests {
    func hospital(_ dir: TemporaryDirectory) throws -> (Engine, ManualClock) {
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        try Fixture.admit(e, "MRN002")
        return (e, clock)
    }

    func openTasks(_ e: Engine, kind: TaskKind = .referral) -> [WorklistTask] {
        e.state.tasks.values.filter { $0.kind == kind && !$0.status.isClosed }
    }

    @Test func aReferralMovesThroughItsStatesAndOnlyTheReportClosesTheLoop() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "ref add MRN001 to \"Cardiology\" reason \"New murmur, echo and opinion\" urgency urgent specialist \"Dr Osei\"")
        var r = try #require(e.state.referrals[ReferralID(1)])
        #expect(r.status == .pending && r.urgency == .urgent && r.due == fixtureStart + .hours(72))
        #expect(r.destination == "Cardiology (Dr Osei)" && r.sentBy == "alice")
        try e.submit(line: "ref receive R1")
        #expect(e.state.referrals[ReferralID(1)]?.status == .active)
        try e.submit(line: "ref unable R1 reason \"No echo slot this week\"")
        #expect(e.state.referrals[ReferralID(1)]?.unableReason == "No echo slot this week")
        #expect(e.state.referrals[ReferralID(1)]?.status == .active, "unable to schedule leaves the status as it was")
        try e.submit(line: "ref schedule R1 at tomorrow 10:00")
        r = try #require(e.state.referrals[ReferralID(1)])
        #expect(r.status == .scheduled && r.unableReason == nil && r.appointment == fixtureStart + .hours(27))
        try e.submit(line: "ref partial R1 \"Echo done, report to follow\"")
        #expect(e.state.referrals[ReferralID(1)]?.status == .partial)
        #expect(e.state.referrals[ReferralID(1)]?.isOpen == true, "partial results do not close the loop")
        clock.advance(.hours(30))
        try e.submit(line: "ref report R1 \"Mild aortic sclerosis; no follow-up needed\"")
        r = try #require(e.state.referrals[ReferralID(1)])
        #expect(r.status == .complete && !r.isOpen && r.reportedAt == fixtureStart + .hours(30))
        #expect(r.history.map(\.step) == [.received, .unable, .scheduled, .partial, .reported])
        #expect(e.state.referrals.open.isEmpty)
    }

    @Test func stepsOutOfOrderAreRefusedAndChangeNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try e.submit(line: "ref add MRN001 to \"Neurology\" reason \"Seizure work-up\"")
        try e.submit(line: "ref receive R1")
        let before = e.state
        func refusal(_ line: String) -> String {
            do { try e.submit(line: line); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal("ref receive R1").contains("R1 (Neurology) is active; only a pending referral is received"))
        #expect(refusal("ref receive R9").contains("no referral R9") && refusal("ref receive R9").contains("R1 to R1"))
        #expect(refusal("ref add MRN009 to \"X\" reason \"y\"").contains("no patient with MRN MRN009"))
        #expect(refusal("ref add MRN001 reason \"y\"").contains("ref add needs to \"Service\" and reason"))
        #expect(refusal("ref add MRN001 to \"X\" reason \"y\" urgency soon").contains("'soon' is not a urgency; valid: stat, urgent, routine")
                || refusal("ref add MRN001 to \"X\" reason \"y\" urgency soon").contains("valid: stat, urgent, routine"))
        #expect(refusal("ref add MRN001 to \"X\" reason \"y\" urgency stat due +3d").contains("a stat referral is due within 24 hours"))
        #expect(refusal("ref add MRN001 to \"X\" reason \"y\" due 2020-01-01").contains("has already passed"))
        #expect(refusal("ref add MRN001 to \"  \" reason \"y\"").contains("the service is empty"))
        #expect(refusal("ref schedule R1").contains("ref schedule needs at TIME"))
        #expect(refusal("ref cancel R1").contains("ref cancel needs reason"))
        #expect(refusal("ref reopen R1 note \"x\"").contains("it is open already"))
        #expect(refusal("ref report R1").contains("missing the report's summary"))
        #expect(refusal("ref close R1").contains("unknown sub-command 'close'; valid: add, receive"))
        #expect(refusal("ref partial R1 \"bad \u{202E}text\"").contains("type it again as plain text"))
        e.actor = "evs1"
        #expect(refusal("ref receive R1").contains("track referrals"), "EVS may not track referrals")
        #expect(e.state == before)
    }

    @Test func theDueClockRaisesOneTaskThatClosesWithTheLoop() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "ref add MRN001 to \"Outside MRI\" reason \"MRI lumbar spine\" urgency stat external")
        let r = try #require(e.state.referrals[ReferralID(1)])
        #expect(r.due == fixtureStart + .hours(24), "stat: 24 hours")
        clock.advance(.minutes(24 * 60 - 1))
        _ = try e.tick()
        #expect(openTasks(e).isEmpty, "not before the due time")
        clock.advance(.minutes(1))
        _ = try e.tick()
        let task = try #require(openTasks(e).first)
        #expect(openTasks(e).count == 1 && task.priority == .stat && task.patient == "MRN001" && task.link == .referral(ReferralID(1)))
        #expect(task.title.contains("Chase referral R1 to Outside MRI (external) (stat)") && task.title.contains("not yet received by the service"))
        #expect(e.state.referrals[ReferralID(1)]?.overdueTask == task.id)
        clock.advance(.hours(5))
        _ = try e.tick()
        #expect(openTasks(e).count == 1, "raised once")
        try e.submit(line: "ref report R1 \"No disc herniation\"")
        #expect(openTasks(e).isEmpty, "the report closes the loop and its task")
        #expect(e.state.tasks[task.id]?.status == .done)
        // Reopened: a new clock from the reopening, and a new task when it runs out.
        try e.submit(line: "ref reopen R1 note \"Report was for the wrong level\"")
        let reopened = try #require(e.state.referrals[ReferralID(1)])
        #expect(reopened.status == .active && reopened.overdueTask == nil && reopened.due == clock.now() + .hours(24))
        clock.advance(.hours(24))
        _ = try e.tick()
        #expect(openTasks(e).count == 1 && openTasks(e).first?.id != task.id)
        try e.submit(line: "ref discontinue R1 reason \"Patient declined\"")
        #expect(openTasks(e).isEmpty, "closing it otherwise closes its task too")
        #expect(e.state.referrals[ReferralID(1)]?.status == .discontinued)
    }

    @Test func routineReferralsWaitTheirWindowOrTheGivenDate() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try e.submit(line: "ref add MRN002 to \"Dermatology\" reason \"Mole\"")
        #expect(e.state.referrals[ReferralID(1)]?.due == fixtureStart + .days(28))
        try e.submit(line: "ref add MRN002 to \"Dermatology\" reason \"Mole\" due +10d")
        #expect(e.state.referrals[ReferralID(2)]?.due == fixtureStart + .days(10))
        try e.submit(line: "ref add MRN002 to \"Dermatology\" reason \"Mole\" urgency urgent due 2026-11-25")
        // A date alone: the end of that day (fixtureStart is 2026-11-22 07:00 UTC).
        #expect(e.state.referrals[ReferralID(3)]?.due == fixtureStart + .days(3) + .hours(16) + .minutes(59))
    }

    @Test func aPendingReferralNeverReceivedExpires() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "ref add MRN002 to \"Rheumatology\" reason \"Inflammatory arthritis?\"")
        try e.submit(line: "ref add MRN002 to \"Rheumatology\" reason \"Second opinion\"")
        try e.submit(line: "ref receive R2")
        clock.advance(.days(28))
        _ = try e.tick()
        #expect(openTasks(e).count == 2, "both overdue")
        clock.advance(.days(62))
        #expect(referralExpiry == .days(90))
        _ = try e.tick()
        #expect(e.state.referrals[ReferralID(1)]?.status == .expired && e.state.referrals[ReferralID(1)]?.isOpen == false)
        #expect(e.state.referrals[ReferralID(2)]?.status == .active, "a received referral does not expire")
        #expect(openTasks(e).count == 1 && openTasks(e).first?.link == .referral(ReferralID(2)))
    }

    @Test func aHighRiskReferralIsNotClosedWithoutClinicalReview() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try e.submit(line: "ref add MRN001 to \"Oncology\" reason \"Suspicious mass on CT\" urgency urgent high-risk")
        do {
            try e.submit(line: "ref cancel R1 reason \"Duplicate\"")
            Issue.record("a high-risk referral was cancelled without review")
        } catch {
            #expect("\(error)".contains("R1 is a high-risk referral: it is not closed without clinical review") && "\(error)".contains("override \"reviewed by Dr"))
        }
        #expect(e.state.referrals[ReferralID(1)]?.isOpen == true)
        try e.submit(line: "ref cancel R1 reason \"Duplicate of an outside referral\" override \"Reviewed by Dr Lee\"")
        let r = try #require(e.state.referrals[ReferralID(1)])
        #expect(r.status == .cancelled && r.history.last?.note == "Duplicate of an outside referral; clinical review: Reviewed by Dr Lee")
    }

    @Test func theReportListsOpenReferralsAndDaysToCompleteByService() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "ref add MRN001 to \"Cardiology\" reason \"a\"")                      // R1: report after 2 days
        try e.submit(line: "ref add MRN001 to \"Cardiology\" reason \"b\"")                      // R2: report after 4 days
        try e.submit(line: "ref add MRN002 to \"Cardiology\" reason \"c\" urgency urgent")       // R3: open, overdue at day 4
        try e.submit(line: "ref add MRN002 to \"Neurology\" reason \"d\"")                       // R4: cancelled
        clock.advance(.days(2)); try e.submit(line: "ref report R1 \"ok\"")
        clock.advance(.days(2)); try e.submit(line: "ref report R2 \"ok\"")
        try e.submit(line: "ref cancel R4 reason \"Not needed\"")
        let c = ReportContext(now: clock.now(), wallClock: .utc)
        let tables = Report.referrals.tables(e.state, c)
        let open = tables[0]
        #expect(open.key == "open_referrals" && open.rows.count == 1)
        #expect(open.rows[0][0].value == .string("R3") && open.rows[0][7].value == .boolean(true), "R3 overdue")
        #expect(open.rows[0][7].text == "‼ 1d late")
        let by = tables[1]
        let cardio = try #require(by.rows.first { $0[0].text == "Cardiology" })
        // Sent 3, open 1, overdue 1, complete 2, closed otherwise 0, median 72 h, mean 72 h, longest 96 h, 66%.
        #expect(cardio.map(\.value) == [.string("Cardiology"), .integer(3), .integer(1), .integer(1), .integer(2), .integer(0),
                                        .integer(72), .integer(72), .integer(96), .integer(66)])
        let neuro = try #require(by.rows.first { $0[0].text == "Neurology" })
        #expect(neuro[5].value == .integer(1) && neuro[6].value == .null && neuro[9].value == .integer(0))
        let all = try #require(by.rows.last)
        #expect(all[0].text == "All" && all[1].value == .integer(4) && all[4].value == .integer(2) && all[9].value == .integer(50))
        // Every format renders; JSON carries the keys.
        #expect(by.render(.json).contains("\"median_hours_to_report\": 72"))
        #expect(open.render(.csv).contains("R3"))
    }

    @Test func replayAndSnapshotGiveTheSameState() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "ref add MRN001 to \"Cardiology\" reason \"a\" urgency stat clinician \"Dr Lee\"")
        try e.submit(line: "ref add MRN002 to \"Outside PET\" reason \"b\" external high-risk")
        try e.submit(line: "ref receive R2")
        try e.submit(line: "ref schedule R2 at tomorrow 09:00 note \"Booked by phone\"")
        clock.advance(.hours(25))
        _ = try e.tick()
        #expect(e.state.referrals[ReferralID(1)]?.overdueTask != nil)
        let replayed = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(replayed.state == e.state && replayed.state.referrals.byID.count == 2)
        var w = ByteWriter()
        e.state.writeSnapshot(to: &w)
        let decoded = try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return try HospitalState(snapshot: &r)
        }
        #expect(decoded == e.state && decoded.referrals == e.state.referrals)
        #expect(HospitalState.snapshotLayout >= 7)
        try e.writeSnapshot()
        let opened = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false)
        #expect(opened.state == e.state)
    }

    @Test func referralEventsRoundTripThroughTheCodec() throws {
        let events: [Event] = [
            .referralSent(ReferralSent(id: ReferralID(7), mrn: "MRN001", service: "Cardiology", specialist: "Dr Osei", external: true, reason: "Murmur",
                                       urgency: .urgent, due: fixtureStart + .hours(72), highRisk: true, clinician: "Dr Lee")),
            .referralSent(ReferralSent(id: ReferralID(8), mrn: "MRN001", service: "GI", specialist: nil, external: false, reason: "Scope",
                                       urgency: .routine, due: fixtureStart, highRisk: false, clinician: nil)),
            .referralUpdated(ReferralUpdated(id: ReferralID(7), step: .scheduled, appointment: fixtureStart + .hours(5), note: "by phone")),
            .referralUpdated(ReferralUpdated(id: ReferralID(7), step: .reopened, due: fixtureStart + .days(3), note: "wrong side")),
            .referralUpdated(ReferralUpdated(id: ReferralID(7), step: .expired)),
            .referralOverdue(ReferralOverdue(id: ReferralID(7), task: TaskID(12))),
        ]
        // (A task's link to a referral goes through the codec in replayAndSnapshotGiveTheSameState.)
        for event in events {
            var w = ByteWriter()
            event.writePayload(to: &w)
            let back = try w.bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                return try Event.read(type: event.typeCode, from: &r)
            }
            #expect(back == event)
        }
        #expect(events.prefix(6).map(\.typeCode) == [72, 72, 73, 73, 73, 74])
    }

    @Test func whatChangedTheAuditAndTheHandoverSayWhatHappened() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "ref add MRN001 to \"Cardiology\" reason \"Murmur\" urgency urgent")
        let before = e.state
        let sent = Event.referralSent(ReferralSent(id: ReferralID(2), mrn: "MRN001", service: "GI", specialist: nil, external: true, reason: "Scope",
                                                   urgency: .routine, due: fixtureStart + .days(28), highRisk: false, clinician: nil))
        let change = before.change(in: Recorded(seq: 1, time: fixtureStart, actor: "bob", event: sent), for: "alice")
        #expect(change?.kind == .referral && change?.text.contains("R2 MRN001 Test, Patient MRN001 referred to GI (external) (routine)") == true)
        let reported = Event.referralUpdated(ReferralUpdated(id: ReferralID(1), step: .reported, note: "Normal echo"))
        let closed = before.change(in: Recorded(seq: 2, time: fixtureStart, actor: "bob", event: reported), for: "alice")
        #expect(closed?.text.contains("R1 MRN001 Test, Patient MRN001 to Cardiology: report received: loop closed — Normal echo") == true)
        #expect(before.patients(touchedBy: reported) == ["MRN001"] && before.patients(touchedBy: sent) == ["MRN001"])
        #expect(sent.auditDescription.contains("reason: \"Scope\""))
        #expect(reported.summary == "referral R1 reported")
        // The handover lists the bed's open referral, overdue once its due time has passed.
        clock.advance(.hours(73))
        let items = e.state.handoverItems(at: clock.now(), wallClock: .utc)
        let item = try #require(items.first { $0.key == "MRN001" })
        #expect(item.lines.contains { $0.hasPrefix("Referral: R1 to Cardiology, urgent, pending — OVERDUE since") })
    }
}
