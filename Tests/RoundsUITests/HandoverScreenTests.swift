import Testing
import RoundsDomain
import RoundsEngine
import RoundsUI
import RoundsTestSupport

@Suite struct HandoverScreenTests {
    /// Alice hands over to bob at one terminal; bob walks through at another.
    @Test func theReceiverWalksThroughAndCannotCompleteUntilTheRequiredItemsAreAcknowledged() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (alice, clock) = try scenarioApp(dir)
        let e = alice.engine
        e.actor = "sam"
        try e.submit(line: "staff add bob name \"Bob Achterberg\" role coordinator")
        e.actor = "alice"
        try e.submit(line: "ipass MRN003 severity unstable summary \"Post-op bleed\" if \"Hb < 7\" then \"call surgery\"")
        try e.submit(line: "ipass MRN001 severity stable summary \"Improving\"")
        alice.handle(.char("H"))
        #expect(alice.screen == .handover)
        alice.handle(.char("s"))
        type(alice, "bob")
        alice.handle(.enter)
        #expect(alice.state.currentHandover?.to == "bob", "\(alice.status.text)")

        let bobEngine = try Engine(journalAt: dir.file("hospital.rj"), actor: "bob", clock: clock, wallClock: .utc)
        let bob = RoundsApp(engine: bobEngine, hospitalName: "St Example")
        bob.handle(.char("H"))
        let screen = bob.render(width: 160, height: 45).text
        #expect(screen.contains("Handover H1 · ‼ 2 required left · 0/6 acknowledged · alice → bob · in-progress"), "\(screen)")
        // I-PASS order: the unstable patient first, then the stable one, then the critical result.
        let unstable = try #require(screen.range(of: "UNSTABLE"))
        let stable = try #require(screen.range(of: "STABLE     "))
        #expect(unstable.lowerBound < stable.lowerBound)
        #expect(screen.contains("Contingency: If Hb < 7, then call surgery"), "the selected item is shown in full")
        bob.handle(.char("c"))
        #expect(bob.status.error)
        #expect(bob.status.text.contains("MRN003 (unstable patient)"))
        #expect(bob.status.text.contains("L1 (critical result not yet communicated)"))
        bob.handle(.char("a"))                     // the selected (first) item: MRN003
        #expect(bob.state.currentHandover?.acknowledged["MRN003"] != nil)
        bob.handle(.char("A"))                     // every stable patient, after a question saying how many
        guard case .confirm(let question)? = bob.overlay else { Issue.record("A acknowledged without asking"); return }
        #expect(question.question.contains("all 1 stable patients"))
        #expect(bob.state.currentHandover?.acknowledged["MRN001"] == nil, "nothing is acknowledged before the answer")
        bob.handle(.char("y"))
        #expect(bob.state.currentHandover?.acknowledged["MRN001"] != nil)
        #expect(bob.status.text == "✓ 1 stable patients acknowledged", "one line, not one per patient")
        // Acknowledge the critical result with a note.
        for _ in 0..<10 where bob.selectedHandoverItem()?.key != "L1" { bob.handle(.down) }
        bob.handle(.char("n"))
        type(bob, "calling Dr Lee now")
        bob.handle(.enter)
        #expect(bob.state.currentHandover?.acknowledged["L1"]?.note == "calling Dr Lee now")
        bob.handle(.char("c"))
        #expect(!bob.status.error, "\(bob.status.text)")
        #expect(bob.state.handovers[HandoverID(1)]?.status == .completed)
        // Alice's screen follows.
        alice.poll()
        #expect(alice.render(width: 160, height: 45).text.contains("Handover · none started"))
    }

    @Test func ipassFromThePanes() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("2"))
        app.handle(.char("/"))
        type(app, "4W-01")
        app.handle(.enter)
        app.handle(.char("i"))
        type(app, "watcher")
        app.handle(.tab)
        type(app, "Droplet precautions, febrile")
        app.handle(.tab)
        type(app, "temp > 38.5")
        app.handle(.tab)
        type(app, "blood cultures")
        app.handle(.enter)
        let st = try #require(app.state.stay(of: "MRN001"))
        #expect(st.severity == .watcher, "\(app.status.text)")
        #expect(st.summary == "Droplet precautions, febrile")
        #expect(st.contingencies == ["If temp > 38.5, then blood cultures"])
    }

    @Test func sinceYouWereLastHereAndTimeTravel() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scenarioApp(dir)
        app.idleLock = nil
        app.handle(.char("W"))
        guard case .detail(let title, let lines, _)? = app.overlay else { Issue.record("no changes overlay"); return }
        #expect(title.hasPrefix("Since you were last here (2026-"))
        #expect(lines.contains { $0.hasPrefix("Critical result") })
        #expect(lines.contains { $0.contains("MRN002") && $0.contains("discharged") })
        app.handle(.escape)

        // Time travel: back before the discharge of MRN002, then forward again.
        clock.advance(.minutes(1))
        let live = app.render(width: 160, height: 45).text
        #expect(!live.contains("ICU-03  ● occupied"))
        app.handle(.char("T"))
        #expect(app.timeline != nil)
        app.handle(.char("{"))             // 15 minutes back: before the rules fired at 07:45
        #expect(app.render(width: 160, height: 45).text.contains("⏱ AS OF 2026-11-22 07:31"))
        // Step back event by event to just before the discharge.
        var past = ""
        for _ in 0..<10 {
            app.handle(.char("["))
            past = app.render(width: 160, height: 45).text
            if past.contains("ICU-03  ● occupied") { break }
        }
        #expect(past.contains("⏱ AS OF"), "the past is clearly marked")
        #expect(past.contains("ICU-03  ● occupied"), "MRN002 is back in ICU-03 before the discharge:\n\(past)")
        app.submit("task add \"from the past\"")
        #expect(app.status.error && app.status.text.contains("time travel is read-only"))
        for _ in 0..<20 { app.handle(.char("]")) }
        #expect(app.status.text.hasPrefix("#"), "each step names the event")
        app.handle(.char("T"))
        #expect(app.timeline == nil)
        #expect(!app.render(width: 160, height: 45).text.contains("AS OF"))
    }
}
