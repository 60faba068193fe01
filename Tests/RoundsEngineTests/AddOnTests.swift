import Testing
import RoundsDomain
import RoundsEngine
import RoundsTestSupport
import RoundsDemo

/// Add-on cases and the bump cascade (AddOn.swift, Docs/COMMANDS.md "Add-on cases"): the plan,
/// its options, acceptance in one decision, edits, and the rules a plan may never break.
@Suite struct AddOnTests {
    /// fixtureStart is 07:00 UTC.
    func at(_ hour: Int64, _ minute: Int64 = 0) -> Timestamp { fixtureStart + .hours(hour - 7) + .minutes(minute) }

    func hospital(_ dir: TemporaryDirectory, patients: Int = 4, actor: Login = "alice") throws -> (Engine, ManualClock) {
        let (e, clock) = try Fixture.engine(in: dir, actor: actor)
        for i in 1...patients { try Fixture.admit(e, "MRN00\(i)") }
        return (e, clock)
    }

    func book(_ e: Engine, _ mrn: MRN, _ room: String, _ from: Timestamp, _ to: Timestamp) throws {
        try e.submit(.bookProcedure(mrn: mrn, kind: .surgery, resource: room, start: from, end: to, requires: [], title: nil))
    }

    func addOn(_ e: Engine, _ rooms: [String], _ urgency: CaseUrgency = .urgent, length: Span = .hours(2), by: Timestamp? = nil, mrn: MRN = "MRN004") throws -> AddOnPlan {
        try e.submit(.planAddOn(AddOnInput(mrn: mrn, kind: .surgery, resources: rooms, urgency: urgency, length: length, startBy: by, title: "Laparotomy")))
        return try #require(e.state.scheduling.proposed.first)
    }

    func refusal(_ body: () throws -> Void) -> String {
        do { try body(); return "" } catch let SubmitError.refused(r) { return r.description } catch { return "\(error)" }
    }

    /// Every live case: no room and no patient holds two at once.
    func expectNoDoubleBooking(_ s: HospitalState, sourceLocation: SourceLocation = #_sourceLocation) {
        let live = s.scheduledProcedures.compactMap { s.procedures[$0] }.filter { !$0.status.isClosed }
        for a in live { for b in live where a.id < b.id && a.overlaps(b.start, b.end) {
            #expect(a.resource != b.resource, "\(a.id) and \(b.id) share \(a.resource)", sourceLocation: sourceLocation)
            #expect(a.mrn != b.mrn, "\(a.id) and \(b.id) share \(a.mrn)", sourceLocation: sourceLocation)
        } }
    }

    @Test func aFreeRoomIsOfferedWithNothingMoving() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try book(e, "MRN001", "OR-1", at(8), at(10))
        let plan = try addOn(e, ["OR-2"])
        #expect(plan.options.first == PlanOption(resource: "OR-2", start: at(7), moves: []))
        #expect(plan.request.startBy == at(7) + .hours(18), "urgent: the policy's 18 h when no time is given")
        #expect(e.state.procedures.count == 1, "a plan books nothing")
    }

    @Test func aFullRoomPushesItsElectivesLaterInOrderAndAcceptanceMovesThemInOneDecision() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try book(e, "MRN001", "OR-1", at(8), at(10))
        try book(e, "MRN002", "OR-1", at(10), at(12))
        try book(e, "MRN003", "OR-1", at(13), at(14))
        clock.set(at(7, 58))
        let plan = try addOn(e, ["OR-1"], by: at(9))
        // 08:00 (now rounded up to 5 minutes): P1 and P2 each move two hours; P3 moves to 14:00.
        let o = try #require(plan.options.first)
        #expect(o.resource == "OR-1" && o.start == at(8))
        #expect(o.moves.map(\.procedure) == [ProcedureID(1), ProcedureID(2), ProcedureID(3)])
        #expect(o.moves.map(\.toStart) == [at(10), at(12), at(14)])
        #expect(plan.options.allSatisfy { $0.start <= at(9) }, "never past the start-by time")

        let records = try e.submit(line: "plan accept B1")
        #expect(Set(records.map(\.seq)).count == records.count)
        let s = e.state
        #expect(s.scheduling.plans[PlanID(1)]?.status == .accepted)
        let addOn = try #require(s.scheduling.plans[PlanID(1)]?.addOn)
        #expect(s.procedures[addOn]?.start == at(8) && s.procedures[addOn]?.resource == "OR-1" && s.procedures[addOn]?.title == "Laparotomy")
        #expect(s.scheduling.urgency(of: addOn) == .urgent && s.scheduling.urgency[addOn]?.startBy == at(9))
        #expect(s.procedures[ProcedureID(1)]?.start == at(10) && s.procedures[ProcedureID(2)]?.start == at(12) && s.procedures[ProcedureID(3)]?.start == at(14))
        expectNoDoubleBooking(s)
        // Every moved case's owner (alice booked them) is told, and a task to tell each patient.
        let told = s.messages.values.filter { $0.to == .person("alice") && $0.system }
        #expect(Set(told.compactMap(\.patient)) == ["MRN001", "MRN002", "MRN003"])
        #expect(told.allSatisfy { $0.subject.contains("moved from OR-1") })
        #expect(told.contains { $0.subject == "P1 moved from OR-1 08:00 to OR-1 10:00" }, "times as the hospital's clock reads them")
        let tell = s.tasks.values.filter { $0.title.hasPrefix("Tell ") }
        #expect(Set(tell.compactMap(\.patient)) == ["MRN001", "MRN002", "MRN003"])
        #expect(s.scheduling.bumpedBy[ProcedureID(2)] == PlanID(1))
        #expect(refusal { try e.submit(line: "plan accept B1") }.contains("was accepted"))
    }

    @Test func aCaseThatWouldWaitTooLongGoesToAnotherRoomOfItsKind() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir, patients: 5, actor: "sam")
        try e.submit(line: "policy set bump-delay 1h")
        try book(e, "MRN001", "OR-1", at(7, 30), at(9, 30))
        try book(e, "MRN002", "OR-1", at(9, 30), at(11, 30))
        try book(e, "MRN003", "OR-2", at(7), at(12))
        try book(e, "MRN005", "OR-3", at(14), at(15))
        let plan = try addOn(e, ["OR-1"], .immediate, length: .hours(3), by: at(7, 30))
        let o = try #require(plan.options.first)
        #expect(o.start == at(7))
        // P1 would wait 2½ h in OR-1: OR-2 is busy until 12:00, so it goes to OR-3 at its own time.
        #expect(o.moves.first == PlanMove(procedure: ProcedureID(1), fromResource: "OR-1", fromStart: at(7, 30), fromEnd: at(9, 30), toResource: "OR-3", toStart: at(7, 30)))
        // P2 waits half an hour for the add-on to finish.
        #expect(o.moves.last == PlanMove(procedure: ProcedureID(2), fromResource: "OR-1", fromStart: at(9, 30), fromEnd: at(11, 30), toResource: "OR-1", toStart: at(10)))
        try e.submit(line: "plan accept B1 1")
        #expect(e.state.procedures[ProcedureID(1)]?.resource == "OR-3")
        expectNoDoubleBooking(e.state)
    }

    @Test func whenNothingFitsACaseIsCancelledWithItsReasonWithin48hAndNotAvoidable() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir, actor: "sam")
        try e.submit(line: "policy set bump-delay 1h")
        try book(e, "MRN001", "OR-1", at(7, 30), at(12))
        let plan = try addOn(e, ["OR-1"], .immediate, by: at(7, 15))
        let o = try #require(plan.options.first)
        #expect(o.moves == [PlanMove(procedure: ProcedureID(1), fromResource: "OR-1", fromStart: at(7, 30), fromEnd: at(12), toResource: nil, toStart: nil)])
        try e.submit(line: "plan accept B1")
        #expect(e.state.procedures[ProcedureID(1)]?.status == .cancelled)
        let c = try #require(e.state.scheduling.cancellations[ProcedureID(1)])
        #expect(c.within48h && c.avoidable == false && c.plan == PlanID(1) && c.reason.contains("add-on P2"))
        #expect(e.state.messages.values.contains { $0.patient == "MRN001" && $0.subject.contains("cancelled") && $0.urgent })
    }

    @Test func aPlainCancellationRecordsItsTimeframeAndWhetherItWasAvoidable() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try book(e, "MRN001", "OR-1", at(7) + .days(3), at(9) + .days(3))
        try book(e, "MRN002", "OR-1", at(10), at(11))
        try e.submit(line: "proc cancel P1 reason \"patient unwell\" unavoidable")
        try e.submit(line: "proc cancel P2 reason \"no bed afterwards\" avoidable")
        #expect(e.state.scheduling.cancellations[ProcedureID(1)].map { ($0.within48h, $0.avoidable) } ?? (true, nil) == (false, false))
        #expect(e.state.scheduling.cancellations[ProcedureID(2)].map { ($0.within48h, $0.avoidable) } ?? (false, nil) == (true, true))
    }

    @Test func casesInProgressOrAsUrgentNeverMakeWay() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir, patients: 5)
        try book(e, "MRN001", "OR-1", at(7), at(9))
        try e.submit(line: "proc start P1")
        // Starting at 09:00, when P1 ends, is the only way; by 08:30 there is none.
        let why = refusal { _ = try addOn(e, ["OR-1"], by: at(8, 30)) }
        #expect(why.contains("no way to start it on OR-1") && why.contains("on OR"))
        #expect(e.state.scheduling.plans.isEmpty, "nothing recorded")
        let plan = try addOn(e, ["OR-1"], .urgent, by: at(10))
        #expect(plan.options.first?.start == at(9) && plan.options.first?.moves == [])
        try e.submit(line: "plan accept B1")
        // The urgent add-on (P2, 09:00–11:00) does not make way for an expedited one.
        clock.set(at(8))
        let later = try addOn(e, ["OR-1"], .expedited, by: at(11), mrn: "MRN005")
        #expect(later.options.allSatisfy { o in !o.moves.contains { $0.procedure == ProcedureID(2) } })
        #expect(later.options.first?.start == at(11))
    }

    @Test func acceptanceChecksTheHospitalAgainAndRefusesAStalePlan() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try book(e, "MRN001", "OR-1", at(8), at(10))
        _ = try addOn(e, ["OR-1"], by: at(8))
        try e.submit(line: "proc move P1 at 11:00 for 2h")
        let before = e.state
        #expect(refusal { try e.submit(line: "plan accept B1") }.contains("P1 changed since the plan was made"))
        #expect(e.state == before, "nothing applied")
        // An add-on slot that has passed is refused too.
        _ = try addOn(e, ["OR-2"], by: at(9))
        clock.set(at(7, 30))
        #expect(refusal { try e.submit(line: "plan accept B2") }.contains("has passed"))
        #expect(refusal { try e.submit(line: "plan accept B2 4") }.contains("has one option, not 4"))
        #expect(refusal { try e.submit(line: "plan accept B9") }.contains("no plan B9"))
    }

    @Test func anEditIsCheckedLikeAPlanAndAcceptedAsEdited() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try book(e, "MRN001", "OR-1", at(8), at(10))
        try book(e, "MRN002", "OR-2", at(8), at(12))
        _ = try addOn(e, ["OR-1"], by: at(8))
        #expect(refusal { try e.submit(line: "plan edit B1 1 P1 to OR-2 at 09:00") }.contains("would overlap P2"))
        #expect(refusal { try e.submit(line: "plan edit B1 1 P1 to OR-1 at 08:30") }.contains("OR-1 is busy"))
        #expect(refusal { try e.submit(line: "plan edit B1 1 P1 stay") }.contains("OR-1 is busy"))
        try e.submit(line: "plan edit B1 1 P1 to OR-2 at 12:00")
        #expect(e.state.scheduling.plans[PlanID(1)]?.options[0].moves.first?.toResource == "OR-2")
        try e.submit(line: "plan accept B1")
        #expect(e.state.procedures[ProcedureID(1)].map { ($0.resource, $0.start) } ?? ("", at(0)) == ("OR-2", at(12)))
        expectNoDoubleBooking(e.state)
    }

    @Test func aMoveOutsideAnApprovedPreAuthorizationIsRefused() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try book(e, "MRN001", "OR-1", at(8), at(10))
        try e.submit(line: "auth add P1 payer \"Acme Health\"")
        try e.submit(line: "auth approve A1 number \"PA-1\" from today to today")
        _ = try addOn(e, ["OR-1"], by: at(8))
        #expect(refusal { try e.submit(line: "plan edit B1 1 P1 to OR-1 at tomorrow 10:00") }.contains("outside pre-authorization A1"))
        let o = try #require(e.state.scheduling.plans[PlanID(1)]?.options.first)
        #expect(o.moves.allSatisfy { m in m.toStart.map { $0 < at(24) } ?? true }, "the planner keeps P1 inside its period")
    }

    @Test func anAddOnNotStartedByItsTimeRaisesOneStatTask() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        _ = try addOn(e, ["OR-1"], .immediate, by: at(8))
        try e.submit(line: "plan accept B1")
        clock.set(at(8))
        #expect(try e.tick().isEmpty, "not late at the minute itself")
        clock.set(at(8, 1))
        let fired = try e.tick()
        let task = try #require(fired.compactMap { if case .taskCreated(let t) = $0.event { t } else { nil } }.first)
        #expect(task.priority == .stat && task.title.contains("P1") && task.title.contains("has not started"))
        #expect(try e.tick().isEmpty, "once")
    }

    @Test func refusalsNameWhatIsValid() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try book(e, "MRN001", "OR-1", at(8), at(10))
        #expect(refusal { _ = try addOn(e, ["CT"]) }.contains("kinds with cases: OR"))
        #expect(refusal { try e.submit(line: "proc add-on MRN004 surgery on OR urgency elective for 1h") }.contains("immediate, urgent or expedited"))
        #expect(refusal { try e.submit(line: "proc add-on MRN004 surgery on OR for 1h") }.contains("urgency"))
        #expect(refusal { try e.submit(line: "plan edit B1 x P1 cancel") }.contains("option number"))
        // A family expands to every room of that kind.
        try e.submit(line: "proc add-on MRN004 surgery on OR urgency urgent for 1h")
        #expect(e.state.scheduling.plans[PlanID(1)]?.request.resources == ["OR-1"])
        try e.submit(line: "plan reject B1 reason \"surgeon prefers tomorrow\"")
        #expect(e.state.scheduling.plans[PlanID(1)]?.status == .rejected)
    }

    @Test func aJournalReplaysToTheSameSchedule() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try book(e, "MRN001", "OR-1", at(8), at(10))
        _ = try addOn(e, ["OR-1"], by: at(8))
        try e.submit(line: "plan accept B1")
        let replayed = try Engine(journalAt: dir.file("hospital.rj"), actor: "alice", clock: ManualClock(at(9)), wallClock: .utc)
        #expect(replayed.state.scheduling == e.state.scheduling)
        #expect(replayed.state.procedures[ProcedureID(1)] == e.state.procedures[ProcedureID(1)])
    }

    /// Random days: whatever the schedule, an accepted option never double-books a room or a
    /// patient, never starts past its limit, and tells the owner of every case it moves.
    @Test func randomDaysNeverBreakTheRules() throws {
        var rng = SeededRandom(seed: 19)   // RoundsDemo's SplitMix64: a failing round replays
        for round in 0..<40 {
            var s = HospitalState()
            var seq: UInt64 = 0
            func run(_ c: Command, _ now: Timestamp) throws {
                for ev in try Decider.decide(c, in: s, at: now, by: "alice") { seq += 1; s.apply(Recorded(seq: seq, time: now, actor: "alice", event: ev)) }
            }
            let now = at(7)
            let ctx = ParseContext(now: now, wallClock: .utc)
            for i in 1...12 { try run(try CommandParser.parse("admit RND\(i) name \"Test, R\" dob 1970-01-01 sex f from ed", context: ctx), now) }
            let rooms = (1...3).map { "OR-\($0)" }
            for room in rooms {
                var t = at(7) + .minutes(Int64(rng.next() % 4) * 15)
                for _ in 0..<Int(rng.next() % 5) {
                    let len = Span.minutes(30 * Int64(1 + rng.next() % 5))
                    let mrn = "RND\(1 + rng.next() % 11)"
                    _ = try? run(.bookProcedure(mrn: mrn, kind: .surgery, resource: room, start: t, end: t + len, requires: [], title: nil), now)
                    t = t + len + .minutes(Int64(rng.next() % 3) * 30)
                }
            }
            try run(.setPolicy(key: .bumpDelay, value: Span.hours(Int64(1 + rng.next() % 4)).milliseconds), now)
            let urgency: CaseUrgency = [.immediate, .urgent, .expedited][Int(rng.next() % 3)]
            let by = now + .minutes(Int64(rng.next() % 8) * 30)
            let input = AddOnInput(mrn: "RND12", kind: .surgery, resources: [rooms[Int(rng.next() % 3)]], urgency: urgency, length: .minutes(30 * Int64(1 + rng.next() % 6)), startBy: by)
            do { try run(.planAddOn(input), now) } catch { continue }
            let plan = try #require(s.scheduling.proposed.first)
            for (i, o) in plan.options.enumerated() {
                #expect(o.start <= by && o.start >= now, "round \(round) option \(i + 1)")
                var trial = s, tseq = seq
                for ev in try Decider.decide(.acceptPlan(plan.id, option: i + 1), in: s, at: now, by: "alice") { tseq += 1; trial.apply(Recorded(seq: tseq, time: now, actor: "alice", event: ev)) }
                expectNoDoubleBooking(trial)
                for m in o.moves {
                    #expect(trial.messages.values.contains { $0.patient == trial.procedures[m.procedure]?.mrn && $0.subject.hasPrefix("\(m.procedure) ") }, "round \(round): \(m.procedure) told")
                    if let t = m.toStart { #expect(t >= m.fromStart) }
                }
            }
        }
    }
}
