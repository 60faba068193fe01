import Testing
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsReports
import RoundsTestSupport

/// Complaints and grievances (RoundsDomain/Complaints): logging with the records they are
/// about, the 7-day clock and its one notice task, notices restarting the clock, closing only
/// with the written notice's content, the printable notice; replay, snapshots and the codec.
@Suite struct ComplaintTests {
    func hospital(_ dir: TemporaryDirectory) throws -> (Engine, ManualClock) {
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        try Fixture.admit(e, "MRN002")
        return (e, clock)
    }

    func noticeTasks(_ e: Engine) -> [WorklistTask] { e.state.tasks.values.filter { $0.kind == .complaint && !$0.status.isClosed } }

    @Test func aComplaintIsLoggedWithWhatItIsAbout() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        let stay = try #require(e.state.stay(of: "MRN002")).id
        try e.submit(line: "complaint add \"Waited all night in the ED\" from family via verbal category waiting patient MRN002 name \"Son\" about \(stay),#3")
        let c = try #require(e.state.complaints[ComplaintID(1)])
        #expect(c.source == .family && c.channel == .verbal && c.category == .waiting && c.patient == "MRN002" && c.complainant == "Son")
        #expect(c.about == [stay.description, "#3"] && c.owner == .role(.coordinator) && !c.grievance && c.status == .open)
        #expect(c.responseDue == fixtureStart + .days(7))
        try e.submit(line: "complaint add \"Letter about the food\" via written category environment owner sam")
        let written = try #require(e.state.complaints[ComplaintID(2)])
        #expect(written.grievance, "a written complaint is a grievance")
        #expect(written.owner == .person("sam") && written.patient == nil)
        try e.submit(line: "complaint grievance C1 note \"Not resolved at the desk\"")
        #expect(e.state.complaints[ComplaintID(1)]?.grievance == true)
    }

    @Test func badInputIsRefusedAndChangesNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try e.submit(line: "complaint add \"Rude reply\" patient MRN001")
        let before = e.state
        func refusal(_ line: String) -> String {
            do { try e.submit(line: line); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal("complaint add \"x\" about S99").contains("there is no S99"))
        #expect(refusal("complaint add \"x\" about #999999").contains("'#999999' is not a journal record"))
        #expect(refusal("complaint add \"x\" about Q1").contains("'Q1' is not a record Rounds numbers"))
        #expect(refusal("complaint add \"x\" patient MRN404").contains("no patient with MRN MRN404"))
        #expect(refusal("complaint add \"x\" category food").contains("valid: care, waiting"))
        #expect(refusal("complaint add \"x\" owner nobody").contains("no staff member with login 'nobody'"))
        #expect(refusal("complaint add \"  \"").contains("the complaint is empty"))
        let close = refusal("complaint close C1 contact \"Ward manager\"")
        #expect(close.contains("closing C1 needs the written notice's content: missing steps") && close.contains("result"))
        #expect(refusal("complaint close C1 contact \"a\" steps \"b\" result \"c\" completed 2030-01-01").contains("is after today"))
        #expect(refusal("complaint close C1 contact \"a\" steps \"b\" result \"c\" completed 2020-01-01").contains("before the complaint was received"))
        #expect(refusal("complaint notice C1 \"x\" next 2020-01-01").contains("is in the past"))
        #expect(refusal("complaint reopen C1 note \"x\"").contains("it is open already"))
        #expect(refusal("complaint withdraw C1").contains("complaint withdraw needs reason"))
        #expect(refusal("complaint note C9 \"x\"").contains("no complaint C9"))
        #expect(refusal("complaint settle C1").contains("unknown sub-command 'settle'"))
        e.actor = "evs1"
        #expect(refusal("complaint note C1 \"x\"").contains("handle complaints"))
        #expect(e.state == before)
    }

    @Test func theSevenDayClockRaisesOneNoticeTaskAndANoticeRestartsIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "complaint add \"Bumped twice\" category bumped-procedure patient MRN001 owner alice")
        clock.advance(.minutes(7 * 24 * 60 - 1))
        _ = try e.tick()
        #expect(noticeTasks(e).isEmpty, "not before 7 days")
        clock.advance(.minutes(1))
        _ = try e.tick()
        let task = try #require(noticeTasks(e).first)
        #expect(noticeTasks(e).count == 1 && task.owner == .person("alice") && task.link == .complaint(ComplaintID(1)) && task.patient == "MRN001")
        #expect(task.title.contains("Send complaint C1's \"still working on it\" notice: no response within 7 days of receipt"))
        clock.advance(.hours(3))
        _ = try e.tick()
        #expect(noticeTasks(e).count == 1, "raised once")
        try e.submit(line: "complaint notice C1 \"Letter: investigation continues; reply by the 10th\" next +3d")
        #expect(noticeTasks(e).isEmpty && e.state.tasks[task.id]?.status == .done, "the notice closes its task")
        let c = try #require(e.state.complaints[ComplaintID(1)])
        #expect(c.notices == 1 && c.responseDue == clock.now() + .days(3) && c.overdueTask == nil)
        clock.advance(.days(3))
        _ = try e.tick()
        let second = try #require(noticeTasks(e).first)
        #expect(second.id != task.id && second.title.contains("by the date the last notice gave"))
        try e.submit(line: "complaint close C1 contact \"Patient relations, ext 2200\" steps \"Reviewed the theatre list and the bump reasons\" result \"Booked first on Monday's list; apology given\"")
        #expect(noticeTasks(e).isEmpty, "closing closes the task too")
        let closed = try #require(e.state.complaints[ComplaintID(1)])
        #expect(closed.status == .closed && closed.resolution?.completed == WallClock.utc.localDate(clock.now()))
        // Reopened: open again with a new 7-day clock.
        try e.submit(line: "complaint reopen C1 note \"Bumped a third time\"")
        #expect(e.state.complaints[ComplaintID(1)]?.status == .investigating && e.state.complaints[ComplaintID(1)]?.resolution == nil)
        #expect(e.state.complaints[ComplaintID(1)]?.responseDue == clock.now() + .days(7))
    }

    @Test func aWithdrawnComplaintStopsItsClock() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "complaint add \"Noise at night\" category environment patient MRN001")
        try e.submit(line: "complaint withdraw C1 reason \"Moved to a single room; happy now\"")
        clock.advance(.days(8))
        _ = try e.tick()
        #expect(noticeTasks(e).isEmpty)
        #expect(e.state.complaints[ComplaintID(1)]?.status == .withdrawn)
    }

    @Test func theNoticeIsPrintedOnceClosedAndTheReportListsTheClocks() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "complaint add \"Three discharge dates\" via written category communication patient MRN001 name \"Mr Test\"")
        try e.submit(line: "complaint add \"Waited\" category waiting patient MRN002")
        let c = ReportContext(now: clock.now(), wallClock: .utc)
        do {
            _ = try ComplaintNotice.render(e.state, id: ComplaintID(1), c, format: .text)
            Issue.record("an open complaint's notice was printed")
        } catch {
            #expect("\(error)".contains("complaint C1 is open: its written notice is printed once it is closed"))
        }
        clock.advance(.days(8))
        _ = try e.tick()
        try e.submit(line: "complaint close C1 contact \"Ward manager, ext 4410\" steps \"Spoke to the three staff\" result \"One date, set by the team\"")
        let now = ReportContext(now: clock.now(), wallClock: .utc)
        let text = try ComplaintNotice.render(e.state, id: ComplaintID(1), now, format: .text)
        for part in ["Written notice of the outcome of your grievance C1", "To: Mr Test", "Contact person: Ward manager, ext 4410",
                     "Steps taken to investigate: Spoke to the three staff", "Result: One date, set by the team", "Date of completion: 2026-11-30"] {
            #expect(text.contains(part), "\(part)")
        }
        #expect(try ComplaintNotice.render(e.state, id: ComplaintID(1), now, format: .html).contains("<strong>Result:</strong> One date, set by the team"))
        let table = try #require(Report.complaints.tables(e.state, now).first)
        #expect(table.rows.count == 2)
        let open = try #require(table.rows.first { $0[0].text == "C2" })
        #expect(open[11].value == .boolean(true) && open[11].text == "‼ 1d late" && open[9].value == .integer(8))
        let done = try #require(table.rows.first { $0[0].text == "C1" })
        #expect(done[6].value == .string("closed") && done[10].value == .null && done[1].value == .boolean(true))
    }

    @Test func replayAndSnapshotGiveTheSameState() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "complaint add \"A\" patient MRN001 about #2")
        try e.submit(line: "complaint add \"B\" via email category billing")
        try e.submit(line: "complaint note C2 \"Passed to billing\"")
        clock.advance(.days(7))
        _ = try e.tick()
        try e.submit(line: "complaint close C2 contact \"Billing office\" steps \"Checked the invoice\" result \"Refunded\"")
        let replayed = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(replayed.state == e.state && replayed.state.complaints.byID.count == 2)
        var w = ByteWriter()
        e.state.writeSnapshot(to: &w)
        let decoded = try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return try HospitalState(snapshot: &r)
        }
        #expect(decoded == e.state && decoded.complaints == e.state.complaints)
        #expect(HospitalState.snapshotLayout >= 8)
    }

    @Test func complaintEventsRoundTripThroughTheCodec() throws {
        let events: [Event] = [
            .complaintRecorded(ComplaintRecorded(id: ComplaintID(3), summary: "Wait", source: .family, channel: .phone, category: .waiting, patient: "MRN001",
                                                 complainant: "Daughter", owner: .person("alice"), about: ["S4", "#12"], grievance: false, responseDue: fixtureStart)),
            .complaintRecorded(ComplaintRecorded(id: ComplaintID(4), summary: "Food", source: .other, channel: .written, category: .environment, patient: nil,
                                                 complainant: nil, owner: .role(.supervisor), about: [], grievance: true, responseDue: fixtureStart)),
            .complaintUpdated(ComplaintUpdated(id: ComplaintID(3), step: .notice, note: "Still working", due: fixtureStart + .days(3))),
            .complaintUpdated(ComplaintUpdated(id: ComplaintID(3), step: .closed, resolution: ComplaintResolution(contact: "PR", steps: "Looked", result: "Fixed",
                                                                                                                  completed: WallClock.utc.localDate(fixtureStart)))),
            .complaintOverdue(ComplaintOverdue(id: ComplaintID(3), task: TaskID(9))),
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
        #expect(events.map(\.typeCode) == [75, 75, 76, 76, 77])
    }

    @Test func whatChangedTheAuditAndTheHandoverSayWhatHappened() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "complaint add \"Pain relief late\" category care patient MRN001")
        let before = e.state
        let logged = Event.complaintRecorded(ComplaintRecorded(id: ComplaintID(2), summary: "Cold food", source: .patient, channel: .verbal, category: .environment,
                                                               patient: "MRN001", complainant: nil, owner: .role(.coordinator), about: [], grievance: false,
                                                               responseDue: fixtureStart))
        let change = before.change(in: Recorded(seq: 1, time: fixtureStart, actor: "bob", event: logged), for: "alice")
        #expect(change?.kind == .complaint && change?.text == "C2 complaint (environment) from patient about MRN001 Test, Patient MRN001: Cold food")
        #expect(before.patients(touchedBy: logged) == ["MRN001"])
        #expect(logged.auditDescription.contains("\"Cold food\""))
        clock.advance(.days(7))
        let items = e.state.handoverItems(at: clock.now(), wallClock: .utc)
        let item = try #require(items.first { $0.key == "MRN001" })
        #expect(item.lines.contains { $0.hasPrefix("Complaint: C1 complaint (care) from patient, open, owner @coordinator — response OVERDUE since") })
    }
}
