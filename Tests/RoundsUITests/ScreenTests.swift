import Foundation
import Testing
@testable import RoundsUI
import RoundsDomain
import RoundsEngine
import RoundsTestSupport

@Suite struct GoldenScreenTests {
    @Test func allFourPanesAt160x45() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        #expect(matchesGolden(app.render(width: 160, height: 45), "full-160x45"))
    }

    @Test func focusedPaneAndTabsAt80x24() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        #expect(matchesGolden(app.render(width: 80, height: 24), "worklist-80x24"))
        app.handle(.char("2"))
        #expect(matchesGolden(app.render(width: 80, height: 24), "beds-80x24"))
        app.handle(.char("3"))
        #expect(matchesGolden(app.render(width: 80, height: 24), "labs-80x24"))
        app.handle(.char("4"))
        #expect(matchesGolden(app.render(width: 80, height: 24), "messages-80x24"))
    }

    @Test func asciiWhenTheLocaleIsNotUTF8() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("2"))
        let g = app.render(width: 100, height: 24, ascii: true)
        let allASCII = g.text.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(allASCII)
        #expect(g.text.contains("Nguyen, T. H."))
        #expect(g.text.contains("* occupied"))
        #expect(matchesGolden(g, "beds-ascii-100x24"))
    }

    @Test func tooSmallSaysWhatIsNeeded() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        let g = app.render(width: 40, height: 10)
        #expect(g.text.contains("terminal too small"))
        #expect(g.text.contains("need 60×16"))
        // Resizing through every size from tiny to large never traps.
        for w in stride(from: 1, through: 200, by: 7) { for h in stride(from: 1, through: 60, by: 5) { _ = app.render(width: w, height: h) } }
        let again = app.render(width: 80, height: 24).text
        #expect(again.contains("1 Worklist"))
    }
}

@Suite struct ScreenContentTests {
    @Test func headerCountsWhatMatters() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        let top = app.render(width: 160, height: 45).row(at: 0)
        #expect(top.contains("St Example"))
        #expect(top.contains("alice"))
        #expect(top.contains("07:45"))
        #expect(top.contains("critical not told"))
        #expect(top.contains("waiting for a bed"))
    }

    @Test func headerCountsFollowEveryRecordNotOnlyTheWorklists() throws {
        // The header reads messages, labs and stays: a record that leaves the worklist alone
        // (an urgent message, its acknowledgement) must still change the count shown.
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        func urgent() -> String? {
            let top = app.render(width: 160, height: 45).row(at: 0)
            return top.firstMatch(of: /(\d+) urgent unacknowledged/).map { String($0.1) }
        }
        let before = try #require(urgent())
        let worklist = app.state.changeMarks.worklist
        app.engine.actor = "drlee"   // sent to the coordinators by someone else, acknowledged by one
        try app.engine.submit(line: "msg send @coordinator \"Header check\" urgent")
        app.engine.actor = "alice"
        #expect(app.state.changeMarks.worklist == worklist, "a message leaves the worklist's mark alone")
        #expect(urgent() == String(Int(before)! + 1))
        let id = try #require(app.state.unacknowledgedUrgent.max())
        try app.engine.submit(line: "msg ack \(id)")
        #expect(urgent() == before)
        // The handover walkthrough and the supervisor overview read the whole state too.
        func handoverUrgent() -> String? { app.handoverScreen.handoverItems().first { $0.kind == .urgentMessages }?.title }
        let walkthrough = handoverUrgent()
        try app.engine.submit(line: "msg send @coordinator \"Handover check\" urgent")
        #expect(app.state.changeMarks.worklist == worklist)
        #expect(handoverUrgent() != walkthrough, "the walkthrough counts the new urgent message")
    }

    /// Panes show the hospital as at the start of the minute: something recorded later in the
    /// minute is shown as just now, never with a negative age, and the rest of the pane keeps
    /// the times it had.
    @Test func panesAreAsAtTheStartOfTheMinute() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scenarioApp(dir)
        let before = app.content(.worklist).rows.map { $0.cells.joined(separator: "|") }
        clock.advance(.seconds(40))
        try app.engine.submit(line: "lab order MRN001 NA")
        let lab = try #require(app.content(.labs).rows.first { $0.cells[1] == "NA" })
        #expect(lab.cells[4] == "0s", "ordered after the minute began: shown as just now, not \(lab.cells[4])")
        try app.engine.submit(line: "task add \"Floor check\" due +90m")
        let after = app.content(.worklist).rows.filter { !$0.cells.contains("Floor check") }.map { $0.cells.joined(separator: "|") }
        #expect(after == before, "a record later in the minute leaves the other rows' times as they were")
        clock.advance(.seconds(20))
        let later = try #require(app.content(.labs).rows.first { $0.cells[1] == "NA" })
        #expect(later.cells[4] == "20s", "the next minute shows its age")
    }

    @Test func supervisorOverviewFollowsRecordsThatLeaveTheWorklistAlone() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scenarioApp(dir)
        app.engine.actor = "drlee"
        try app.engine.submit(line: "msg send @coordinator \"Escalate me\" urgent")
        app.engine.actor = "alice"
        let id = try #require(app.state.unacknowledgedUrgent.max())
        clock.advance(app.state.policy.messageAckWindow + .minutes(1))
        _ = try app.engine.tick()
        func overview() -> String { app.supervisorScreen.supervisorLines(width: 160).map(\.0).joined(separator: "\n") }
        #expect(overview().contains("Escalate me"), "an escalated message is listed")
        let worklist = app.state.changeMarks.worklist
        try app.engine.submit(line: "msg ack \(id)")
        try #require(app.state.changeMarks.worklist == worklist)
        #expect(!overview().contains("Escalate me"), "acknowledged, it leaves the overview in the same minute")
    }

    @Test func clinicalStateIsNeverColourAlone() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        let g = app.render(width: 160, height: 45)
        for word in ["● occupied", "✗ dirty", "■ blocked", "○ available", "‼ CRITICAL", "‼ OVERDUE"] {
            #expect(g.text.contains(word), "\(word) missing")
        }
        #expect(g.style(of: "✗ dirty") == .bedDirty)
        #expect(g.style(of: "‼ CRITICAL") == .labCritical || g.style(of: "‼ CRITICAL") == .selectedUnfocused)
    }

    @Test func criticalResultsComeFirstInLabs() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        let rows = app.content(.labs).rows
        #expect(rows.first?.cells[3].contains("CRITICAL") == true)
        #expect(rows.contains { $0.cells[5].contains("Surgery on OR-2 at 13:00") }, "what depends on a lab is shown")
    }

    @Test func overdueAppearsWithoutAKeypress() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scenarioApp(dir)
        app.idleLock = nil   // two hours without a key would lock the screen (IdleLockTests)
        let before = app.content(.worklist).rows.first { $0.cells[2] == "Chase pre-authorisation" }!
        #expect(!before.cells[1].contains("OVERDUE"))
        clock.advance(.hours(2))
        app.poll()
        let after = app.content(.worklist).rows.first { $0.cells[2] == "Chase pre-authorisation" }!
        #expect(after.cells[1].contains("OVERDUE"))
        #expect(app.render(width: 160, height: 45).text.contains("‼ OVERDUE 45m"))
    }
}

@Suite struct InteractionTests {
    @Test func selectionStaysOnTheSameItemWhenRowsArrive() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        _ = app.render(width: 160, height: 45)
        for _ in 0..<3 { app.handle(.down) }
        let chosen = app.selectedRow(.worklist)!.key
        // Another process adds a stat task, which sorts above the selection.
        let other = try Engine(journalAt: app.engine.journal.path, actor: "sam", clock: app.engine.clock, wallClock: .utc)
        try other.submit(line: "task add \"Page the surgeon\" priority stat due +5m")
        #expect(app.poll())
        _ = app.render(width: 160, height: 45)
        #expect(app.selectedRow(.worklist)?.key == chosen)
        let rows = app.content(.worklist).rows
        let new = rows.firstIndex { $0.cells[2] == "Page the surgeon" }!, sel = rows.firstIndex { $0.key == chosen }!
        #expect(new < sel, "the new row arrived above the selection")
    }

    @Test func formsKeepTheirContentWhenLiveUpdatesArrive() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("2"))
        _ = app.render(width: 160, height: 45)
        // Select bed 4W-03 (available) and open the block form.
        while app.selectedRow(.beds)?.key != "bed:4W-03" { app.handle(.down) }
        app.handle(.char("b"))
        type(app, "leaking tap")
        let other = try Engine(journalAt: app.engine.journal.path, actor: "sam", clock: app.engine.clock, wallClock: .utc)
        try other.submit(line: "msg send @evs \"hello\"")
        app.poll()
        let screen = app.render(width: 160, height: 45).text
        #expect(screen.contains("Block bed 4W-03"))
        #expect(screen.contains("leaking tap"))
        app.handle(.tab)
        type(app, "25:99")
        #expect(app.render(width: 160, height: 45).text.contains("✗ not a time"), "fields validate as they are typed")
        for _ in 0..<5 { app.handle(.backspace) }
        type(app, "+2h")
        app.handle(.enter)
        #expect(app.state.beds["4W-03"]?.status == .blocked)
        #expect(app.state.beds["4W-03"]?.block?.reason == "leaking tap")
        #expect(app.status.text.hasPrefix("✓ bed 4W-03 blocked"))
    }

    @Test func assignFromTheQueueOnABed() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("2"))
        _ = app.render(width: 160, height: 45)
        while app.selectedRow(.beds)?.key != "bed:ICU-04" { app.handle(.down) }
        app.handle(.char("a"))
        guard case .picker(let picker)? = app.overlay else { Issue.record("no picker"); return }
        #expect(picker.options.first?.label.hasPrefix("MRN004") == true, "the telemetry patient suits a telemetry bed")
        app.handle(.enter)
        #expect(app.state.beds["ICU-04"]?.patient == "MRN004")
        #expect(app.status.text.contains("MRN004 assigned to bed ICU-04"))
    }

    @Test func criticalResultIsCommunicatedWithReadBack() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("3"))
        _ = app.render(width: 160, height: 45)
        #expect(app.selectedRow(.labs)?.key == "L1")
        app.handle(.char("t"))
        type(app, "Dr Min-jun Lee")
        app.handle(.tab)   // role keeps its default, physician
        app.handle(.tab)
        type(app, "5.8")
        #expect(app.render(width: 160, height: 45).text.contains("does not match 6.8"))
        app.handle(.enter)
        #expect(app.state.labs[LabID(1)]?.communication == nil, "a wrong read-back is not recorded")
        for _ in 0..<3 { app.handle(.backspace) }
        type(app, "6.8")
        app.handle(.enter)
        #expect(app.state.labs[LabID(1)]?.communication?.toldName == "Dr Min-jun Lee")
        #expect(app.overlay == nil)
    }

    @Test func commandLineRunsTheLanguageWithCompletionAndHistory() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char(":"))
        type(app, "ass")
        app.handle(.tab)
        guard case .command(let e) = app.mode else { Issue.record("not in command mode"); return }
        #expect(e.text == "assign ")
        type(app, "MRN00")
        app.handle(.tab)
        // `assign` takes a waiting patient: only MRN004 is waiting, so it completes in full.
        guard case .command(let m) = app.mode else { Issue.record("not in command mode"); return }
        #expect(m.text == "assign MRN004 ")
        type(app, "4W-04")
        app.handle(.enter)
        #expect(app.status.error)
        #expect(app.status.text.contains("bed 4W-04 is blocked (Broken suction"), "a refused command shows its reason")
        app.handle(.char(":"))
        app.handle(.up)
        guard case .command(let recalled) = app.mode else { Issue.record("not in command mode"); return }
        #expect(recalled.text == "assign MRN004 4W-04")
        app.handle(.escape)
        #expect(app.state.beds["4W-04"]?.status == .blocked)
    }

    @Test func filterAndSort() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("/"))
        type(app, "radiology")
        app.handle(.enter)
        #expect(app.content(.worklist).rows.map { $0.cells[2] } == ["Book transport to radiology"])
        app.handle(.char("/"))
        app.handle(.escape)
        #expect(app.content(.worklist).rows.count > 1)
        app.handle(.char("o"))
        #expect(app.content(.worklist).sortName == "due time")
    }

    @Test func typedInputIsNeverThrownAwayWithoutAsking() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("n"))   // new task form
        type(app, "Call pharmacy q")   // q is text inside a form, not quit
        #expect(app.running)
        app.handle(.escape)
        guard case .confirmDiscard? = app.overlay else { Issue.record("Esc did not ask"); return }
        #expect(app.holdsInput)
        app.handle(.char("n"))
        guard case .form(let form)? = app.overlay else { Issue.record("the form did not come back"); return }
        #expect(form.fields[0].editor.text == "Call pharmacy q")
        app.handle(.escape)
        app.handle(.char("y"))
        #expect(app.overlay == nil)
        #expect(app.status.text.contains("nothing was saved"))
        // An untouched form closes at once, and q then quits.
        app.handle(.char("n"))
        app.handle(.escape)
        #expect(app.overlay == nil)
        app.handle(.char("q"))
        #expect(!app.running)
    }

    @Test func patientViewDrawsTogetherOnePatient() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("3"))
        _ = app.render(width: 160, height: 45)
        while app.selectedRow(.labs)?.patient != "MRN003" { app.handle(.down) }
        app.handle(.char("p"))
        let text = app.render(width: 160, height: 45).text
        #expect(text.contains("Patient MRN003"))
        #expect(text.contains("in bed 4W-02"))
        #expect(text.contains("L3 TS ordered"))
        #expect(text.contains("NOT READY: labs TS not resulted"), "every requirement, as the schedule says it")
        #expect(text.contains("P1 Surgery on OR-2 · OR-2 "))
        #expect(text.contains("Chase pre-authorisation"))
    }
}

@Suite struct ActionTableTests {
    @Test func keysDocMatchesTheTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("Docs/KEYS.md"), encoding: .utf8)
        #expect(doc == ActionTable.markdown, "regenerate Docs/KEYS.md from ActionTable.markdown")
    }

    @Test func noKeyMeansTwoThingsInOnePlace() {
        for pane in PaneKind.allCases {
            var seen: [Key: ActionID] = [:]
            for a in ActionTable.all where a.scope == .global || a.scope == .pane(pane) {
                for k in a.keys {
                    if let other = seen[k], ActionTable.action(other).scope == a.scope { Issue.record("\(k) is bound to \(other) and \(a.id) in \(pane)") }
                    seen[k] = a.id
                }
            }
        }
    }

    @Test func shippedThemesAreTheFilesAndReadCleanly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["default", "light", "high-contrast", "monochrome"] {
            let file = try String(contentsOf: root.appendingPathComponent("Themes/\(name).theme"), encoding: .utf8)
            #expect(BuiltinThemes.all[name] == file, "\(name): regenerate BuiltinThemes.swift")
            let theme = Theme.parse(file, name: name)
            #expect(theme.warnings.isEmpty, "\(theme.warnings)")
            #expect(Set(theme.mono.keys) == Set(StyleSlot.allCases), "\(name) has a mono line for every slot")
        }
    }

    @Test func themeWarningsNameTheLine() {
        let t = Theme.parse("color normal default default\ncolour bed.dirty red default\nmono bed.dirty blink\ncolor nosuch red red\n", name: "mine")
        #expect(t.warnings.count == 3)
        #expect(t.warnings[0].hasPrefix("mine line 2: unknown keyword 'colour'"))
        #expect(t.warnings[1].hasPrefix("mine line 3: unknown attribute 'blink'"))
        #expect(t.warnings[2].hasPrefix("mine line 4: unknown style slot 'nosuch'"))
    }

    @Test func coloursFallBackFor16And8AndNone() {
        let t = Theme.parse(BuiltinThemes.all["default"]!, name: "default")
        let r256 = t.resolve(colors: 256), r16 = t.resolve(colors: 16), r8 = t.resolve(colors: 8), none = t.resolve(colors: 0)
        #expect(r256.style(.stat).foreground == 208)
        #expect(r16.style(.stat).foreground.map { $0 < 16 } == true)
        #expect(r8.style(.overdue).foreground.map { $0 < 8 } == true)
        #expect(none.style(.selected) == Theme.Rendition(reverse: true))
        #expect(none.style(.bedDirty).foreground == nil)
    }
}

@Suite struct GenerateDocs {
    /// With ROUNDS_UPDATE_GOLDEN=1, rewrites Docs/KEYS.md from the action table.
    @Test func writeKeysDoc() throws {
        guard ProcessInfo.processInfo.environment["ROUNDS_UPDATE_GOLDEN"] == "1" else { return }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try ActionTable.markdown.write(to: root.appendingPathComponent("Docs/KEYS.md"), atomically: true, encoding: .utf8)
    }
}

@Suite struct OverrideTests {
    @Test func choosingABedThatNeedsAnOverrideAsksForTheReasonAndRecordsIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("2"))
        _ = app.render(width: 160, height: 45)
        while app.selectedRow(.beds)?.key != "queue:MRN004" { app.handle(.down) }
        app.handle(.char("a"))
        guard case .picker(let picker)? = app.overlay else { Issue.record("no picker"); return }
        let index = try #require(picker.options.firstIndex { $0.command == "assign MRN004 4W-03" })
        #expect(picker.options[index].needsOverride?.contains("needs a telemetry bed") == true)
        for _ in 0..<index { app.handle(.down) }
        app.handle(.enter)
        guard case .form? = app.overlay else { Issue.record("no override form"); return }
        type(app, "Telemetry full; remote monitoring arranged")
        app.handle(.enter)
        #expect(app.overlay == nil)
        #expect(app.status.text.contains("MRN004 assigned to bed 4W-03 (override recorded)"), "\(app.status.text)")
        #expect(app.state.stay(of: "MRN004")?.history.last?.override == "Telemetry full; remote monitoring arranged")
    }
}

@Suite struct ReadAuditTests {
    @Test func openingAPatientAndSearchingAreRecorded() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        let before = app.state.lastSeq
        app.handle(.char("3"))
        _ = app.render(width: 160, height: 45)
        app.handle(.char("p"))
        app.handle(.escape)
        app.handle(.char("/"))
        type(app, "okafor")
        app.handle(.enter)
        let entries = try Engine.audit(journalAt: app.engine.journal.path)
        let reads = entries.filter { $0.seq > before }
        #expect(reads.map(\.action) == ["viewed", "searched"])
        #expect(reads[0].patients == ["MRN002"])
        #expect(reads[0].actor == "alice")
        #expect(reads[1].what.contains("Pending labs filter \"okafor\""))
        let aboutPatient = try Engine.audit(journalAt: app.engine.journal.path, patient: "MRN002")
        #expect(aboutPatient.contains { $0.action == "changed" && $0.what.contains("discharged") })
        #expect(aboutPatient.contains { $0.action == "viewed" })
    }
}

@Suite struct ReadOnlyTests {
    @Test func readOnlySessionChangesNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (scenario, _) = try scenarioApp(dir)
        let app = RoundsApp(engine: scenario.engine, hospitalName: "St Example", readOnly: true)
        let before = app.state.lastSeq
        app.submit("task add \"nope\"")
        #expect(app.status.text.contains("read-only"))
        #expect(app.state.lastSeq == before)
        #expect(app.render(width: 160, height: 45).row(at: 0).contains("READ-ONLY"))
    }

    @Test func anUnknownLoginSeesWhyAndHowToBeAdded() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (scenario, clock) = try scenarioApp(dir)
        let stranger = try Engine(journalAt: scenario.engine.journal.path, actor: "mallory", clock: clock, wallClock: .utc)
        let app = RoundsApp(engine: stranger)
        #expect(app.status.text.contains("staff add mallory"))
        #expect(app.render(width: 160, height: 45).row(at: 0).contains("READ-ONLY"))
        app.handle(.char(":"))
        type(app, "bed dirty 4W-03")
        app.handle(.enter)
        #expect(app.status.text.contains("not on the staff roster"))
        #expect(app.state.beds["4W-03"]?.status == .available)
    }
}
