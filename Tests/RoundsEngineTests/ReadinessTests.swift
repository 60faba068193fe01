import Testing
import RoundsDomain
import RoundsEngine
import RoundsTestSupport

/// Readiness beyond labs (Readiness.swift, Docs/COMMANDS.md "What makes a case ready"): each
/// requirement by its lead time, payer clocks, denial → appeal, period and units, expiry.
@Suite struct ReadinessTests {
    /// A patient in a bed with a surgery booked `hoursAhead` from 07:00 (P1), no labs required.
    func surgery(_ dir: TemporaryDirectory, hoursAhead: Int64 = 48, paperwork: Bool = false) throws -> (Engine, ManualClock) {
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        let start = fixtureStart + .hours(hoursAhead)
        try e.submit(.bookProcedure(mrn: "MRN001", kind: .surgery, resource: "OR-1", start: start, end: start + .hours(2), requires: [], title: "Knee replacement"))
        if paperwork { try Fixture.paperwork(e, ProcedureID(1)) }
        return (e, clock)
    }

    func flagged(_ records: [Recorded]) -> [ReadinessFlagged] {
        records.compactMap { if case .readinessFlagged(let f) = $0.event { f } else { nil } }
    }

    func task(_ e: Engine, _ id: ProcedureID, _ key: String) -> WorklistTask? {
        e.state.readiness.flagged[id]?[key].flatMap { e.state.tasks[$0] }
    }

    @Test func aPreAuthNotApprovedByItsLeadTimeRaisesAnUrgentTaskAndApprovalClosesIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 96, paperwork: true)
        try e.submit(line: "auth add P1 payer \"Acme Health\"")
        try e.submit(line: "auth submit A1")
        let p = e.state.procedures[ProcedureID(1)]!
        #expect(!e.state.isReady(p))
        // Standard: due 72 h before the start (96 h ahead → at 24 h from now).
        clock.set(fixtureStart + .hours(24) - .minutes(1))
        #expect(flagged(try e.tick()).isEmpty)
        clock.set(fixtureStart + .hours(24))
        let raised = flagged(try e.tick())
        // (The coverage verified 96 h before has gone stale by now too: its own task.)
        #expect(raised.map(\.requirement) == ["preauth", "eligibility"])
        let t = try #require(task(e, ProcedureID(1), "preauth"))
        #expect(t.priority == .urgent && t.kind == .readiness && t.title.contains("A1") && t.title.contains("Acme Health"))
        #expect(flagged(try e.tick()).isEmpty, "raised once")
        try e.submit(line: "auth approve A1 number \"PA-1\" from today to +30d")
        #expect(e.state.tasks[t.id]?.status == .done, "the approval closes the task in the same write")
        try e.submit(line: "elig MRN001 payer \"Acme Health\" active")
        #expect(e.state.isReady(e.state.procedures[ProcedureID(1)]!))
    }

    @Test func theExpeditedLeadTimeIsShorter() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 48, paperwork: true)
        try e.submit(line: "auth add P1 payer \"Acme Health\" expedited")
        clock.set(fixtureStart + .hours(24) - .minutes(1))
        #expect(flagged(try e.tick()).isEmpty, "expedited: 24 h before, not 72")
        clock.set(fixtureStart + .hours(24))
        #expect(flagged(try e.tick()).map(\.requirement) == ["preauth"])
    }

    @Test func thePayersClockRunsFromSubmission() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 24 * 20, paperwork: true)
        try e.submit(line: "auth add P1 payer \"Acme Health\"")
        clock.advance(.hours(1))
        try e.submit(line: "auth submit A1")
        #expect(e.state.readiness.auths[PreAuthID(1)]?.decisionDue == fixtureStart + .hours(1) + .days(7))
        try e.submit(line: "auth pend A1 note \"needs imaging report\"")
        clock.set(fixtureStart + .hours(1) + .days(7) - .minutes(1))
        #expect(try e.tick().allSatisfy { if case .preAuthOverdue = $0.event { false } else { true } })
        clock.set(fixtureStart + .hours(1) + .days(7))
        let fired = try e.tick()
        let overdue = try #require(fired.compactMap { if case .preAuthOverdue(let o) = $0.event { o } else { nil } }.first)
        let chase = try #require(e.state.tasks[overdue.task])
        #expect(chase.kind == .preauth && chase.priority == .urgent && chase.title.contains("Call Acme Health") && chase.title.contains("CMS-0057-F"))
        #expect(try e.tick().isEmpty, "chased once")
        try e.submit(line: "auth approve A1 number \"PA-9\" from today to +30d")
        #expect(e.state.tasks[chase.id]?.status == .done)
    }

    @Test func anExpeditedRequestHas72Hours() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 24 * 20, paperwork: true)
        try e.submit(line: "auth add P1 payer \"Acme Health\" expedited")
        try e.submit(line: "auth submit A1")
        clock.set(fixtureStart + .hours(72))
        #expect(try e.tick().contains { if case .preAuthOverdue = $0.event { true } else { false } })
    }

    @Test func aDenialRaisesAnAppealTaskWithItsDeadlineAndAnAppealRestartsTheClock() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 24 * 30, paperwork: true)
        try e.submit(line: "auth add P1 payer \"Medicare\"")
        try e.submit(line: "auth submit A1")
        #expect(throws: SubmitError.self) { try e.submit(line: "auth appeal A1") }
        try e.submit(line: "auth deny A1 reason \"CO-197 precertification absent\"")
        let a = try #require(e.state.readiness.auths[PreAuthID(1)])
        #expect(a.status == .denied && a.denialReason == "CO-197 precertification absent")
        #expect(a.appealBy == fixtureStart + .days(120), "the policy's appeal window when the payer gives none")
        let appeal = try #require(a.appealTask.flatMap { e.state.tasks[$0] })
        #expect(appeal.priority == .urgent && appeal.title.contains("Appeal pre-auth A1"))
        #expect(appeal.due == fixtureStart + .days(29), "a day before the procedure, which comes before the deadline")
        #expect(throws: SubmitError.self) { try e.submit(line: "auth submit A1") }
        clock.advance(.hours(2))
        try e.submit(line: "auth appeal A1 note \"letter of medical necessity sent\"")
        #expect(e.state.tasks[appeal.id]?.status == .done)
        #expect(e.state.readiness.auths[PreAuthID(1)]?.decisionDue == fixtureStart + .hours(2) + .days(7))
    }

    /// Dialysis on days 1, 2 and 3 (P1–P3); A1 approved from today for `approvedFor`, 2 units,
    /// used by P1 and P2.
    func dialysisSeries(_ dir: TemporaryDirectory, approvedFor: String) throws -> Engine {
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        for day in [1, 2, 3] {
            let start = fixtureStart + .days(Int64(day))
            try e.submit(.bookProcedure(mrn: "MRN001", kind: .dialysis, resource: "DIAL-1", start: start, end: start + .hours(3), requires: [], title: "Dialysis"))
        }
        try e.submit(line: "auth add P1 payer \"Acme Health\"")
        try e.submit(line: "auth approve A1 number \"PA-5\" from today to +\(approvedFor) units 2")
        try e.submit(line: "auth link A1 P2")
        return e
    }

    @Test func bookingOutsideTheApprovedPeriodIsRefused() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let e = try dialysisSeries(dir, approvedFor: "2d")
        // P3 is on day 3, after the period; and both units are used.
        do {
            try e.submit(line: "auth link A1 P3")
            Issue.record("linked outside the period")
        } catch {
            #expect("\(error)".contains("is outside it"), "\(error)")
        }
        #expect(e.state.readiness.authOf[ProcedureID(3)] == nil, "nothing partly applied")
    }

    @Test func unitsAndPeriodAreChecked() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let e = try dialysisSeries(dir, approvedFor: "5d")
        do {
            try e.submit(line: "auth link A1 P3")
            Issue.record("linked beyond the units")
        } catch {
            #expect("\(error)".contains("approved for 2 units and 2 are used (P1, P2)"), "\(error)")
        }
        try e.submit(line: "auth link A1 P3 override \"payer agreed a third session by phone\"")
        #expect(e.state.readiness.overrides[ProcedureID(3)] == "payer agreed a third session by phone")
        #expect(e.state.isReady(e.state.procedures[ProcedureID(3)]!) == false, "dialysis still needs its eligibility")
        // Moving a linked procedure out of the period is refused; with an override it is recorded.
        do {
            try e.submit(line: "proc move P2 at 2026-12-20 08:00 for 3h")
            Issue.record("moved outside the period")
        } catch {
            #expect("\(error)".contains("outside it"), "\(error)")
        }
        #expect(e.state.procedures[ProcedureID(2)]?.start == fixtureStart + .days(2))
        try e.submit(line: "proc move P2 at 2026-12-20 08:00 for 3h override \"payer extended by phone, letter to follow\"")
        #expect(e.state.readiness.overrides[ProcedureID(2)] != nil)
    }

    @Test func eligibilityNeverVerifiedStaleOrInactiveMakesTheCaseNotReady() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 24 * 5)
        for d in [DocumentKind.surgicalConsent, .anaesthesiaConsent] { try e.submit(.recordDocument(ProcedureID(1), d, .signed, dated: nil)) }
        try e.submit(.recordDocument(ProcedureID(1), .historyAndPhysical, .received, dated: nil))
        // Verified now (5 days before): too old by the procedure (3 days).
        try e.submit(line: "elig MRN001 payer \"Acme Health\" active")
        #expect(!e.state.isReady(e.state.procedures[ProcedureID(1)]!))
        clock.set(fixtureStart + .days(2))
        #expect(flagged(try e.tick()).map(\.requirement) == ["eligibility"])
        let t = try #require(task(e, ProcedureID(1), "eligibility"))
        #expect(t.title.contains("verify again"))
        try e.submit(line: "elig MRN001 payer \"Acme Health\" inactive note \"coverage ended 11-30\"")
        #expect(e.state.tasks[t.id]?.status.isClosed == false, "inactive coverage does not meet it")
        #expect(e.state.requirements(of: e.state.procedures[ProcedureID(1)]!, at: clock.now()).contains { $0.key == "eligibility" && $0.detail.contains("inactive") })
        try e.submit(line: "elig MRN001 payer \"Blue Harbor\" active")
        #expect(e.state.tasks[t.id]?.status == .done)
        #expect(e.state.isReady(e.state.procedures[ProcedureID(1)]!))
    }

    @Test func documentsByTheirLeadTime() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 30)
        try e.submit(line: "elig MRN001 payer \"Acme Health\" active")
        try e.submit(line: "doc P1 surgical-consent received")
        try e.submit(line: "doc P1 history-and-physical received dated 2026-10-01")
        let p = e.state.procedures[ProcedureID(1)]!
        let unmet = e.state.unmetRequirements(of: p, at: clock.now()).map(\.key)
        #expect(unmet == ["doc:surgical-consent", "doc:anaesthesia-consent", "doc:history-and-physical"])
        #expect(e.state.unmetRequirements(of: p, at: clock.now()).first?.detail == "surgical consent received, not signed")
        #expect(e.state.unmetRequirements(of: p, at: clock.now()).last?.detail.contains("more than 30d before") == true,
                "\(e.state.unmetRequirements(of: p, at: clock.now()).map(\.detail))")
        // 24 h before: each raises its own task.
        clock.set(fixtureStart + .hours(6) - .minutes(1))
        #expect(flagged(try e.tick()).isEmpty)
        clock.set(fixtureStart + .hours(6))
        #expect(Set(flagged(try e.tick()).map(\.requirement)) == Set(unmet))
        #expect(throws: SubmitError.self) { try e.submit(line: "doc P1 history-and-physical signed") }
        try e.submit(line: "doc P1 surgical-consent signed")
        try e.submit(line: "doc P1 anaesthesia-consent signed")
        try e.submit(line: "doc P1 history-and-physical received")
        for key in unmet { #expect(task(e, ProcedureID(1), key)?.status == .done, "\(key)") }
        #expect(e.state.isReady(e.state.procedures[ProcedureID(1)]!))
        // A supervisor changes what surgery needs.
        e.actor = "sam"
        try e.submit(line: "policy documents surgery \"surgical-consent\"")
        #expect(e.state.readiness.documentsNeeded(for: .surgery) == [.surgicalConsent])
    }

    @Test func aBedForAfterwardsMustBeReserved() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 6, paperwork: true)
        try e.submit(line: "proc after P1 stepdown")
        #expect(throws: SubmitError.self) { try e.submit(line: "proc after P1 medsurg") }
        clock.set(fixtureStart + .hours(2))
        #expect(flagged(try e.tick()).map(\.requirement) == ["bed-after"])
        let t = try #require(task(e, ProcedureID(1), "bed-after"))
        #expect(t.title.contains("no step-down bed reserved for afterwards"), "\(t.title)")
        // An ICU bed serves for step-down.
        try e.submit(line: "reserve ICU-01 MRN001")
        #expect(e.state.tasks[t.id]?.status == .done)
        #expect(e.state.isReady(e.state.procedures[ProcedureID(1)]!))
    }

    @Test func aCaseCancelledOrPastItsStartStillClosesItsTasks() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 3)
        try e.submit(line: "elig MRN001 payer \"Acme Health\" active")
        try e.tick()
        // Inside every lead time at once: flagged in the writes themselves.
        #expect(Set(e.state.readiness.flagged[ProcedureID(1)]?.keys.map { $0 } ?? []) == ["eligibility", "doc:surgical-consent", "doc:anaesthesia-consent", "doc:history-and-physical"])
        #expect(task(e, ProcedureID(1), "eligibility")?.status == .done, "flagged at booking, closed by the verification")
        // Past the start, still scheduled: a consent signed late still closes its task.
        clock.set(fixtureStart + .hours(4))
        try e.submit(line: "doc P1 surgical-consent signed")
        #expect(task(e, ProcedureID(1), "doc:surgical-consent")?.status == .done)
        // Cancelled: the rest close, saying why.
        try e.submit(line: "proc cancel P1 reason \"patient unwell\"")
        let rest = [task(e, ProcedureID(1), "doc:anaesthesia-consent"), task(e, ProcedureID(1), "doc:history-and-physical")]
        #expect(rest.allSatisfy { $0?.status == .done })
        #expect(try e.tick().isEmpty)
    }

    @Test func anApprovalRunsOut() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 24 * 10, paperwork: true)
        try e.submit(line: "auth add P1 payer \"Acme Health\"")
        try e.submit(line: "auth approve A1 number \"PA-2\" from today to today")
        clock.set(fixtureStart + .days(1))
        #expect(try e.tick().contains { if case .preAuthChanged(let c) = $0.event { c.status == .expired } else { false } })
        #expect(e.state.readiness.auths[PreAuthID(1)]?.status == .expired)
        #expect(!e.state.isReady(e.state.procedures[ProcedureID(1)]!))
    }

    @Test func aNotReadyCaseIsARequiredHandoverItemWithWhatIsMissing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 10)
        try e.submit(line: "elig MRN001 payer \"Acme Health\" active")
        let items = e.state.handoverItems(at: clock.now(), wallClock: .utc)
        let item = try #require(items.first { $0.key == "P1" })
        #expect(item.required && item.kind == .procedureNotReady)
        #expect(item.lines.contains("Missing: surgical consent missing"))
        #expect(item.lines.contains("Missing: history and physical missing"))
    }

    @Test func replayGivesTheSameState() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try surgery(dir, hoursAhead: 30)
        try e.submit(line: "auth add P1 payer \"Acme Health\" expedited")
        try e.submit(line: "auth submit A1")
        try e.submit(line: "doc P1 surgical-consent signed")
        try e.submit(line: "proc after P1 icu")
        clock.set(fixtureStart + .hours(20))
        try e.tick()
        let replayed = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(replayed.state == e.state)
        #expect(!e.state.readiness.flagged.isEmpty)
    }
}

/// Bad input: a clear refusal naming what would be valid, and nothing applied.
@Suite struct ReadinessRefusalTests {
    @Test func refusalsSayWhatWouldBeValid() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "proc book MRN001 surgery OR-1 at tomorrow 09:00 for 2h")
        try e.submit(line: "auth add P1 payer \"Acme Health\"")
        let before = e.state
        func refusal(_ line: String) -> String {
            do { try e.submit(line: line); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal("auth approve A1 number \"X\" from 2026-12-10 to 2026-12-01").contains("the approved period ends before it starts"))
        #expect(refusal("auth approve A1 number \"X\" from today to +3d units 0").contains("units 1 to 999"))
        #expect(refusal("doc P1 consent signed").contains("valid: surgical-consent, anaesthesia-consent"))
        #expect(refusal("elig MRN001 payer \"Acme Health\"").contains("elig needs payer \"…\" and active or inactive"))
        #expect(refusal("auth add P9 payer \"Acme Health\"").contains("no procedure P9"))
        #expect(refusal("auth add P1 payer \"Other\"").contains("already uses pre-authorization A1"))
        #expect(refusal("auth submit A7").contains("pre-authorizations are numbered A1 to A1"))
        #expect(refusal("auth appeal A1").contains("not denied"))
        #expect(refusal("doc P1 surgical-consent signed dated 2027-06-01").contains("in the future"))
        #expect(refusal("proc after P1 medsurg").contains("icu or stepdown"))
        #expect(refusal("proc move P1 at tomorrow 10:00 for 1h override \"x\"").contains("an override is for moving a procedure outside its approved pre-authorization"))
        #expect(refusal("auth deny A1 reason \"late\" appeal-by 2026-01-01").contains("has passed"))
        #expect(e.state == before, "nothing applied")
        // A feed may not record paperwork; a coordinator may not change what a kind needs.
        #expect(refusal("policy documents surgery none").contains("policy"))
    }
}
