import Testing
@testable import RoundsDomain
import RoundsEngine
import RoundsUI
import RoundsTestSupport

/// The scenario hospital with a day of cases: P1 on OR-2 not ready (its TS not resulted), P2 on
/// MRI-1 ready, P3 on OR-1 not ready for several reasons, P4 on OR-1 cancelled, P5 on OR-2
/// overlapping P1 (appended past the rules, which refuse double bookings) and P6 on MRI-1
/// after a free interval.
func scheduleApp(_ dir: TemporaryDirectory) throws -> (RoundsApp, ManualClock) {
    let (app, clock) = try scenarioApp(dir)
    for line in [
        "elig MRN001 payer \"Acme Health\" active",
        "proc book MRN001 imaging MRI-1 at 10:00 for 1h title \"CT chest\"",
        "proc book MRN004 surgery OR-1 at 08:30 for 3h requires HGB title \"Laparoscopic cholecystectomy\"",
        "doc P3 anaesthesia-consent received",
        "proc book MRN001 surgery OR-1 at 14:00 for 1h title \"Excision of lesion\"",
        "proc cancel P4 reason \"patient unwell\"",
    ] { app.submit(line); #expect(!app.status.error, "\(line): \(app.status.text)") }
    let s = app.engine.state
    let day = app.engine.wallClock.localDate(clock.now())
    let at = { (minute: Int) in app.engine.wallClock.instant(on: day, minuteOfDay: minute) }
    try Fixture.appendBypassingRules(dir.file("hospital.rj"), actor: "hl7sched", [
        .procedureBooked(ProcedureBooked(id: ProcedureID(s.nextProcedure), mrn: "MRN004", kind: .consult, title: "Anaesthesia review",
                                         resource: "OR-2", start: at(14 * 60), end: at(16 * 60), requiredTests: [])),
        .procedureBooked(ProcedureBooked(id: ProcedureID(s.nextProcedure + 1), mrn: "MRN001", kind: .consult, title: "Results review",
                                         resource: "MRI-1", start: at(13 * 60), end: at(13 * 60 + 30), requiredTests: [])),
    ])
    _ = try app.engine.refresh()
    return (app, clock)
}

@Suite struct ScheduleScreenTests {
    @Test func opensWithKAndReturns() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scheduleApp(dir)
        app.handle(.char("K"))
        #expect(app.screen == .schedule)
        let text = app.render(width: 160, height: 45).text
        #expect(text.contains("Schedule · Sun 2026-11-22 (today) · 6 cases · ‼ 2 not ready"))
        for word in ["OR-1", "OR-2", "MRI-1", "‼ NOT READY", "✓ ready", "cancelled", "‼ OVERLAPS P5", "‼ OVERLAPS P1",
                     "labs TS not resulted", "free 2h"] {
            #expect(text.contains(word), "\(word)")
        }
        app.handle(.char("K"))
        #expect(app.screen == .panes)
        app.handle(.char("K"))
        app.handle(.escape)
        #expect(app.screen == .panes)
    }

    @Test func daysMoveAndTodayReturns() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scheduleApp(dir)
        app.handle(.char("K"))
        app.handle(.char("]"))
        var text = app.render(width: 80, height: 24).text
        #expect(text.contains("Schedule · Mon 2026-11-23 · 0 cases"))
        #expect(text.contains("No cases on Mon 2026-11-23"))
        app.handle(.char("["))
        app.handle(.char("["))
        #expect(app.render(width: 80, height: 24).text.contains("Schedule · Sat 2026-11-21 · 0 cases"))
        app.handle(.char("t"))
        text = app.render(width: 80, height: 24).text
        #expect(text.contains("Schedule · Sun 2026-11-22 (today) · 6 cases"))
    }

    @Test func selectionDetailAndEnterOpensThePatient() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scheduleApp(dir)
        app.handle(.char("K"))
        // MRI-1 sorts first; then OR-1: P3 is the third case.
        _ = app.render(width: 80, height: 24)
        app.handle(.down); app.handle(.down)
        let text = app.render(width: 80, height: 24).text
        // The reasons, truncated in the row, in full in the detail lines at the bottom.
        #expect(text.contains("P3 OR-1 08:30–11:30"))
        #expect(text.contains("insurance eligibility never verified"))
        #expect(text.contains("anaesthesia consent received, not signed"))
        #expect(text.contains("and physical missing"))
        app.handle(.enter)
        #expect(app.render(width: 80, height: 24).text.contains("Patient MRN004"))
    }

    @Test func filterKeepsMatchingCases() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scheduleApp(dir)
        app.handle(.char("K"))
        type(app, "/overlaps")
        app.handle(.enter)
        let text = app.render(width: 160, height: 45).text
        #expect(text.contains("filter \"overlaps\" (2)"))
        #expect(!text.contains("MRI-1"))
        app.handle(.escape)
        #expect(app.screen == .schedule)
        #expect(app.render(width: 160, height: 45).text.contains("MRI-1"))
    }

    @Test func theFilterNarrowsAsItIsTypedAndWidensWhenShortened() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scheduleApp(dir)
        app.handle(.char("K"))
        var counts: [String] = []
        for typed in ["/o", "r", "-", "1"] {
            type(app, typed)
            let text = app.render(width: 160, height: 45).text
            counts.append(text.components(separatedBy: "filter \"").dropFirst().first.map { String($0.prefix(12)) } ?? "")
        }
        // "o" is in almost every case's text; "or-1" only in OR-1's two.
        #expect(counts.last == "or-1\" (2) · ", "\(counts)")
        app.handle(.backspace)
        app.handle(.backspace)
        let wider = app.render(width: 160, height: 45).text
        #expect(wider.contains("filter \"or\" (4)"), "shortened, the cases the longer filter left out come back")
    }

    @Test func oSortsByStartTimeThenNotReadyFirstThenByRoom() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scheduleApp(dir)
        app.handle(.char("K"))
        func order() -> [String] {
            app.render(width: 160, height: 45).text.split(separator: "\n").compactMap { line in
                line.firstMatch(of: /│[ ▶](\d\d:\d\d)–\d\d:\d\d (\S+) +(P\d)/).map { "\($0.2) \($0.1) \($0.3)" }
            }
        }
        app.handle(.char("o"))
        #expect(app.status.text == "schedule by start time")
        #expect(app.render(width: 160, height: 45).text.contains("· by start time"))
        // One list in start order, the room in its own column.
        #expect(order() == ["OR-1 08:30 P3", "MRI-1 10:00 P2", "MRI-1 13:00 P6", "OR-2 13:00 P1", "OR-1 14:00 P4", "OR-2 14:00 P5"], "\(order())")
        app.handle(.char("o"))
        // Not ready (or overlapping) first: P3, P1, P5; then the rest by start.
        #expect(order() == ["OR-1 08:30 P3", "OR-2 13:00 P1", "OR-2 14:00 P5", "MRI-1 10:00 P2", "MRI-1 13:00 P6", "OR-1 14:00 P4"], "\(order())")
        app.handle(.char("o"))
        #expect(app.render(width: 160, height: 45).text.contains("OR-1 · 2 cases"), "back to a heading per room")
    }

    @Test func asciiAndGoldens() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scheduleApp(dir)
        app.handle(.char("K"))
        _ = app.render(width: 80, height: 24)
        app.handle(.down); app.handle(.down)
        #expect(matchesGolden(app.render(width: 80, height: 24), "schedule-80x24"))
        #expect(matchesGolden(app.render(width: 160, height: 45), "schedule-160x45"))
        let ascii = app.render(width: 80, height: 24, ascii: true).text
        let allASCII = ascii.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII)
        #expect(ascii.contains("!! NOT READY") || ascii.contains("NOT READY"))
    }

    @Test func anOpenAddOnPlanIsShownWithItsMovesAndAcceptedFromTheCommandLine() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scheduleApp(dir)
        app.submit("proc add-on MRN003 surgery on OR-1 urgency immediate for 2h title \"Laparotomy\"")
        #expect(app.status.text == "✓ plan B1 for an immediate add-on by 09:45, one option: 1) OR-1 at 07:50, 1 moved; K shows it, or plan accept B1", "\(app.status.text)")
        app.handle(.char("K"))
        let text = app.render(width: 160, height: 45).text
        #expect(text.contains("PLAN B1 · immediate add-on by 09:45 · option 1 of 1 · v next option · a accept"), "\(text)")
        #expect(text.contains("+ OR-1 07:50–09:50 ADD-ON · 1 moved · MRN003"))
        #expect(text.contains("P3 OR-1 08:30 → 09:50 · MRN004"))
        #expect(text.contains("→ 09:50 (plan B1·1)"), "the moved case's row says where it goes")
        let narrow = app.render(width: 80, height: 24).text
        #expect(narrow.contains("PLAN B1"))
        app.handle(.char("a"))
        guard case .command(let editor) = app.mode else { Issue.record("no command line"); return }
        #expect(editor.text == "plan accept B1 1")
        app.handle(.enter)
        #expect(app.status.text.hasPrefix("✓ plan B1 option 1 accepted: add-on P"), "\(app.status.text)")
        #expect(app.status.text.contains("1 moved, 0 cancelled; owners told"))
        let after = app.render(width: 160, height: 45).text
        #expect(!after.contains("PLAN B1"), "an accepted plan is no longer shown")
        #expect(after.contains("Laparotomy"))
        app.handle(.char("v"))
        #expect(app.status.text.contains("no add-on plan waits"))
    }

    @Test func idleTimePreparesTheNeighbouringDaysAndTheyReadTheSame() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scheduleApp(dir)
        app.submit("proc book MRN002 imaging MRI-1 at tomorrow 09:00 for 1h title \"MRI knee\"")
        app.handle(.char("K"))
        let today = app.render(width: 160, height: 45).text
        app.handle(.char("]"))
        let cold = app.render(width: 160, height: 45).text
        app.handle(.char("["))
        #expect(app.hasIdleWork, "the day before is still to do")
        while app.hasIdleWork { app.prepareSearch() }
        #expect(app.render(width: 160, height: 45).text == today)
        app.handle(.char("]"))
        #expect(app.render(width: 160, height: 45).text == cold, "the prepared day reads as the one worked out on the key")
        #expect(cold.contains("MRI knee"))
        // With a filter typed, idle time prepares the filtered days too, and then stops.
        type(app, "/or")
        app.handle(.enter)
        var polls = 0
        while app.hasIdleWork, polls < 50 { app.prepareSearch(); polls += 1 }
        #expect(polls < 50 && !app.hasIdleWork, "idle work ends (\(polls) polls)")
        app.handle(.char("["))
        #expect(app.render(width: 160, height: 45).text.contains("filter \"or\" (4)"))
        // A filter that is not ASCII is searched as characters.
        app.handle(.escape)
        type(app, "/nguyễn")
        app.handle(.enter)
        #expect(app.render(width: 160, height: 45).text.contains("filter \"nguyễn\" (3)"))
        app.handle(.escape)
        app.handle(.char("]"))
        // A new record: what was prepared is not used.
        app.submit("proc book MRN003 imaging MRI-1 at tomorrow 11:00 for 1h title \"MRI spine\"")
        #expect(app.render(width: 160, height: 45).text.contains("MRI spine"))
    }

    /// Idle time on the schedule ends, minute after minute and day after day. (Its cache of
    /// lines once evicted the day it had just prepared when it held five entries, so a session
    /// left on the schedule worked the same two days out every 10 ms, for ever.)
    @Test func idleWorkOnTheScheduleEndsEveryMinute() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scheduleApp(dir)
        app.handle(.char("K"))
        for step in 0..<24 {
            clock.advance(.minutes(1))
            app.handle(step % 3 == 0 ? .char("]") : step % 3 == 1 ? .char("[") : .char("o"))
            _ = app.render(width: 160, height: 45)
            var polls = 0
            while app.hasIdleWork, polls < 20 { app.prepareSearch(); polls += 1 }
            #expect(!app.hasIdleWork, "step \(step): idle work still to do after \(polls) polls")
            #expect(app.screen == .schedule)
        }
    }
}
