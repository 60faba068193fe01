import Foundation
import Testing
@testable import RoundsUI
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsTestSupport

/// Issue 17, "A real hospital on day one": readable on every terminal it claims (§10), the
/// keyboard never surprises (§11), and the UI parts of §4, §8 and §9.
@Suite struct ReadableEverywhereTests {
    /// A scenario where the first task is 1h05m overdue and owned by @coordinator.
    func lateScenario(_ dir: TemporaryDirectory) throws -> RoundsApp {
        let (app, clock) = try scenarioApp(dir)
        clock.advance(.minutes(50))
        return app
    }

    @Test func dueOwnerAndStatusAreNeverCut() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let app = try lateScenario(dir)
        for (w, h) in [(160, 45), (220, 60), (80, 24)] {
            let text = app.render(width: w, height: h).text
            #expect(text.contains("‼ OVERDUE 1h05m"), "\(w)×\(h): the due time is cut:\n\(text)")
            #expect(text.contains("@coordinator "), "\(w)×\(h): the owner is cut")
            #expect(!text.contains("@coordina…"))
        }
        // In ASCII `‼` is two columns: the fall-back counts its own width.
        let ascii = app.render(width: 80, height: 24, ascii: true).text
        #expect(ascii.contains("!! OVERDUE 1h05m"), "\(ascii)")
        app.handle(.char("4"))
        let messages = app.render(width: 80, height: 24, ascii: true).text
        #expect(messages.contains("!! URGENT "), "\(messages)")
        #expect(!messages.contains("URGEN~"))
        // Titles give way instead.
        app.handle(.char("1"))
        #expect(app.render(width: 80, height: 24).text.contains("Communicate cri…"))
    }

    @Test func aRefusalSaysRefusedOnceAndALongStatusIsReadInFull() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.submit("assign MRN004 4W-03")   // needs telemetry: refused by the placement rules
        #expect(app.status.error)
        #expect(app.status.text.components(separatedBy: "refused:").count == 2, "\(app.status.text)")
        let long = "✗ refused: " + (1...30).map { "word\($0)" }.joined(separator: " ") + " the end"
        app.setStatus(long, error: true)
        let g = app.render(width: 80, height: 24)
        let bottom = (0..<24).map { g.row(at: $0) }.suffix(4).joined(separator: " ")
        #expect(bottom.contains("word1 "))
        #expect(bottom.contains("word30 the end"), "the whole message is on screen:\n\(g.text)")
        #expect(g.text.contains("┌─ 1 Worklist"), "the panes give way, still drawn")
    }

    @Test func theHelpOverlayWraps() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("?"))
        var seen = ""
        for _ in 0..<200 {   // past the end of the table, which grows with every action
            seen += app.render(width: 100, height: 30).text + "\n"
            app.handle(.down)
        }
        // The end of every description is on screen, however long it is.
        for a in ActionTable.all {
            let last = String(a.help.split(separator: " ").suffix(2).joined(separator: " "))
            let lastWord = String(a.help.split(separator: " ").last!)
            #expect(seen.contains(last) || seen.contains(" " + lastWord + " "), "\(a.id): '\(last)' is cut off")
        }
    }

    @Test func theTabStripHoldsAllFourPanesAt80Columns() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        let strip = app.render(width: 80, height: 24).row(at: 1)
        for tab in ["1 Work", "2 Beds", "3 Labs", "4 Msgs"] { #expect(strip.contains(tab), "\(strip)") }
        // Alice's own messages: the supervisors' notices (from the engine) are not hers.
        #expect(strip.hasSuffix("‼1 urgent"), "the last tab's counts fit: \(strip)")
        // A real hospital's counts are longer: they still fit.
        let demo = TemporaryDirectory(); defer { demo.remove() }
        let (big, _) = try demoApp(demo, beds: 200)
        let row = big.render(width: 80, height: 24).row(at: 1)
        #expect(TextWidth.of(row) <= 80)
        for tab in ["1", "2", "3", "4"] { #expect(row.contains(tab)) }
        let messages = big.content(.messages)
        #expect(row.hasSuffix(messages.shortSummary), "\(row)")
    }

    @Test func asciiKeepsNonLatinNamesApartAndReadable() {
        #expect(TextWidth.asciiFold("김, 민준") == "Gim, Minjun")
        #expect(TextWidth.asciiFold("이, 서연") == "I, Seoyeon")
        #expect(TextWidth.asciiFold("Иванов, Пётр") == "Ivanov, Pyotr")
        #expect(TextWidth.asciiFold("Παπαδόπουλος") == "Papadopoulos")
        #expect(TextWidth.asciiFold("さとう") == "Satou")
        #expect(TextWidth.asciiFold("王, 秀英") == "[738B], [79C0][82F1]")
        #expect(TextWidth.asciiFold("王, 秀英") != TextWidth.asciiFold("李, 秀英"))
        #expect(TextWidth.asciiFold("Nguyễn") == "Nguyen")
        // Two Korean patients' short names differ.
        #expect(TextWidth.asciiFold(shortName("김, 민준")) != TextWidth.asciiFold(shortName("박, 지호")))
        #expect(TextWidth.truncate("‼ URGENT", to: 8, ascii: true) == "!! URGE~", "cut on the width drawn")
        #expect(TextWidth.asciiFold("↑↓ ⏱") == "^v (t)")
        #expect(TextWidth.wrap("  :    command  Type any command of the language", width: 24, indent: 6)
                == ["  :    command  Type any", "      command of the", "      language"])
    }

    @Test func redrawHasAKeyAndCtrlLLocks() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.ctrl("r"))
        #expect(app.takeRedrawRequest())
        #expect(!app.takeRedrawRequest(), "taken once")
        #expect(app.lock == nil, "redraw does not lock")
        app.handle(.char("n"))
        type(app, "abc")
        app.handle(.ctrl("r"))
        #expect(app.takeRedrawRequest(), "redraw works in a form")
        guard case .form(let f)? = app.overlay else { Issue.record("the form went away"); return }
        #expect(f.fields[0].editor.text == "abc")
        app.handle(.ctrl("l"))
        #expect(app.lock != nil, "Ctrl-L locks")
        app.handle(.ctrl("r"))
        #expect(app.takeRedrawRequest(), "redraw works on the lock screen")
        #expect(ActionTable.markdown.contains("| `Ctrl-R` | redraw |"))
    }

    /// §8: a name held in an old journal with an escape sequence and a bidirectional override
    /// is drawn escaped: no control character reaches the terminal.
    @Test func controlCharactersFromTheJournalNeverReachTheTerminal() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        // Written by another tool, past the engine's checks.
        let other = try Engine(journalAt: app.engine.journal.path, actor: "sam", clock: app.engine.clock, wallClock: .utc)
        let evil = Patient(mrn: "MRN001", name: "Evil\u{1B}[2J, Name\u{202E}kcab", dateOfBirth: LocalDate(year: 1948, month: 3, day: 2)!, sex: .f)
        try other.journal.withLock { () throws(JournalError) in
            _ = try other.journal.catchUp { _ in }
            _ = try other.journal.append([Journal.Entry(time: app.now, actor: "sam", event: .patientRecorded(evil))])
        }
        app.poll()
        #expect(app.state.patients["MRN001"]?.name == evil.name)
        app.handle(.char("2"))
        for ascii in [false, true] {
            let g = app.render(width: 160, height: 45, ascii: ascii)
            let unsafe = g.cells.filter { $0.text.unicodeScalars.contains(where: TextSafety.isUnsafe) }
            #expect(unsafe.isEmpty, "raw control characters in the grid: \(unsafe.map(\.text))")
            #expect(g.text.contains("Evil\\u{001B}[2J"), "shown, escaped:\n\(g.text)")
        }
        app.handle(.char("p"))
        while app.selectedRow(.beds)?.patient != "MRN001" { app.overlay = nil; app.handle(.down) }
        app.handle(.char("p"))
        let view = app.render(width: 160, height: 45)
        #expect(!view.cells.contains { $0.text.unicodeScalars.contains(where: TextSafety.isUnsafe) })
        #expect(view.text.contains("\\u{202E}kcab"), "\(view.text)")
    }
}

@Suite struct KeyboardNeverSurprisesTests {
    @Test func escTwiceThrowsTheFormAwayAndTheNextCommandIsACommand() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("n"))
        type(app, "Call family")
        app.handle(.escape)
        guard case .confirmDiscard? = app.overlay else { Issue.record("no question"); return }
        type(app, ":task")   // a key that is neither yes nor no is not typed into the form behind
        guard case .confirmDiscard? = app.overlay else { Issue.record("the question went away on ':'"); return }
        app.handle(.escape)
        #expect(app.overlay == nil, "Esc, Esc throws the form away")
        let tasks = app.state.openTasks.count
        app.handle(.char(":"))
        type(app, "task add \"Real command\"")
        app.handle(.enter)
        #expect(app.state.openTasks.count == tasks + 1)
        #expect(app.state.openTasks.compactMap { app.state.tasks[$0] }.contains { $0.title == "Real command" })
        #expect(!app.state.openTasks.compactMap { app.state.tasks[$0] }.contains { $0.title.contains("Call family") })
        // n goes back to the form, with what was typed.
        app.handle(.char("n"))
        type(app, "Keep me")
        app.handle(.escape)
        app.handle(.char("n"))
        guard case .form(let f)? = app.overlay else { Issue.record("n did not go back to the form"); return }
        #expect(f.fields[0].editor.text == "Keep me")
    }

    @Test func aNewMessageIsAboutNobodyUnlessSaidAndShowsWho() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("4"))
        _ = app.render(width: 160, height: 45)
        while app.selectedRow(.messages)?.patient == nil { app.handle(.down) }
        app.handle(.char("n"))
        guard case .form(let f)? = app.overlay else { Issue.record("no form"); return }
        #expect(f.fields[2].editor.text.isEmpty, "the selected row's patient is not slipped in")
        type(app, "drlee")
        app.handle(.tab)
        type(app, "Bed huddle at 10:00")
        app.handle(.enter)
        let sent = try #require(app.state.messages.values.max { $0.id < $1.id })
        #expect(sent.subject == "Bed huddle at 10:00")
        #expect(sent.patient == nil)
        // A patient named in the field is shown by name before sending.
        app.handle(.char("n"))
        type(app, "drlee")
        app.handle(.tab)
        type(app, "Family call")
        app.handle(.tab)
        type(app, "nguyen")
        #expect(app.render(width: 160, height: 45).text.contains("→ Nguyễn, Thị Hồng, 4W-01"))
        app.handle(.enter)
        #expect(app.state.messages.values.max { $0.id < $1.id }?.patient == "MRN001")
    }

    @Test func dischargeHasAKeyAndAsksFirst() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("2"))
        _ = app.render(width: 160, height: 45)
        while app.selectedRow(.beds)?.key != "bed:4W-01" { app.handle(.down) }
        app.handle(.char("D"))
        guard case .confirm(let c)? = app.overlay else { Issue.record("no question"); return }
        #expect(c.question.contains("Nguyễn, Thị Hồng (MRN001) from bed 4W-01"))
        #expect(app.render(width: 80, height: 24).text.contains("Discharge?"))
        app.handle(.char("n"))
        #expect(app.state.stay(of: "MRN001") != nil, "no: nothing changes")
        app.handle(.char("D"))
        app.handle(.char("y"))
        #expect(app.state.stay(of: "MRN001") == nil, "\(app.status.text)")
        #expect(app.state.beds["4W-01"]?.status == .dirty)
    }

    @Test func everyMRNArgumentCompletesFromMRNsAndNames() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        let s = app.state
        // discharge takes a patient in a bed: no beds offered.
        let (line, options) = Completion.complete("discharge ", s, words: app.completionWords())
        #expect(line == "discharge ", "nothing typed: the choices are listed, the word left to type")
        #expect(options.count == 2 && options.allSatisfy { $0.hasPrefix("MRN00") }, "\(options)")
        #expect(Completion.complete("discharge nguy", s, words: []).0 == "discharge MRN001 ")
        #expect(Completion.complete("discharge 王", s, words: []).0 == "discharge MRN003 ")
        #expect(Completion.complete("assign zo", s, words: []).0 == "assign MRN004 ", "accents do not matter")
        #expect(Completion.complete("assign MRN004 4W", s, words: []).0 == "assign MRN004 4W-03 ", "only a bed that can take a patient")
        #expect(Completion.complete("task add \"x\" patient okaf", s, words: []).1.isEmpty, "MRN002 went home")
        #expect(Completion.complete("msg send drlee \"x\" about nguy", s, words: []).0 == "msg send drlee \"x\" about MRN001 ")
        #expect(Completion.complete("lab order 王", s, words: []).0 == "lab order MRN003 ")
        #expect(Completion.complete("ass", s, words: []).0 == "assign ")
        #expect(Completion.complete("admit okaf", s, words: []).0 == "admit MRN002 ", "a returning patient")
        #expect(Completion.complete("admit ", s, words: []).1.isEmpty, "a new MRN is typed")
        #expect(Completion.complete("handover ack nguy", s, words: app.completionWords()).0 == "handover ack MRN001 ")
        #expect(Completion.complete("handover ack all", s, words: app.completionWords()).0 == "handover ack all-stable ")
        // Through the keys.
        app.handle(.char(":"))
        type(app, "discharge nguy")
        app.handle(.tab)
        guard case .command(let e) = app.mode else { Issue.record("not in command mode"); return }
        #expect(e.text == "discharge MRN001 ")
    }

    @Test func anyPatientIsFoundByName() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        let before = app.state.lastSeq
        app.handle(.char("f"))
        type(app, "okafor")   // discharged: not on any pane
        let screen = app.render(width: 80, height: 24).text
        #expect(screen.contains("MRN002  Okafor, Samuel"), "\(screen)")
        #expect(screen.contains("not admitted"))
        app.handle(.enter)
        #expect(app.render(width: 160, height: 45).text.contains("Patient MRN002"))
        let reads = try Engine.audit(journalAt: app.engine.journal.path).filter { $0.seq > before }
        #expect(reads.map(\.action) == ["searched", "viewed"])
        #expect(reads[0].what.contains("find patient \"okafor\""))
        // Accents, case and other scripts.
        #expect(PatientLookup.find(app.state, "NGUYEN").map(\.mrn) == ["MRN001"])
        #expect(PatientLookup.find(app.state, "王").map(\.mrn) == ["MRN003"])
        #expect(PatientLookup.find(app.state, "mrn00").count == 4)
        // Korean names are found as they are usually spelled too (김 is Gim in the Revised
        // Romanization shown on an ASCII screen, Kim on most papers).
        app.submit("admit MRN005 name \"김, 민준\" dob 1950-01-01 sex m from ed")
        #expect(PatientLookup.find(app.state, "kim").map(\.mrn) == ["MRN005"])
        #expect(PatientLookup.find(app.state, "gim min").map(\.mrn) == ["MRN005"])
        #expect(PatientLookup.find(app.state, "김").map(\.mrn) == ["MRN005"])
    }

    @Test func handoverNoteMovesOnAndAllStableAsks() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (alice, _) = try scenarioApp(dir)
        alice.submit("ipass MRN001 severity stable")
        alice.submit("ipass MRN003 severity stable")
        let sam = try Engine(journalAt: alice.engine.journal.path, actor: "sam", clock: alice.engine.clock, wallClock: .utc)
        try sam.submit(line: "staff add bob name \"Bob Ngata\" role coordinator")
        alice.submit("handover start to bob")
        #expect(!alice.status.error, "\(alice.status.text)")
        let engine = try Engine(journalAt: alice.engine.journal.path, actor: "bob", clock: alice.engine.clock, wallClock: .utc)
        let lee = RoundsApp(engine: engine)
        lee.handle(.char("H"))
        _ = lee.render(width: 160, height: 45)
        let first = try #require(lee.selectedHandoverItem()?.key)
        lee.handle(.char("n"))
        type(lee, "seen")
        lee.handle(.enter)
        #expect(lee.state.currentHandover?.acknowledged[first]?.note == "seen", "\(lee.status.text)")
        #expect(lee.selectedHandoverItem()?.key != first, "n moves on, like a")
        lee.handle(.char("A"))
        guard case .confirm(let c)? = lee.overlay else { Issue.record("A did not ask"); return }
        #expect(c.question.contains("stable patients"))
        lee.handle(.escape)
        #expect(lee.overlay == nil)
        #expect(lee.status.text == "Nothing was changed")
    }
}

@Suite struct MessagesAreOnesOwnTests {
    func scenario(_ dir: TemporaryDirectory) throws -> (RoundsApp, ManualClock) {
        let (app, clock) = try scenarioApp(dir)
        let sam = try Engine(journalAt: app.engine.journal.path, actor: "sam", clock: clock, wallClock: .utc)
        try sam.submit(line: "msg send drlee \"Private: your appraisal\"")
        try sam.submit(line: "msg send @coordinator \"Bed meeting moved to 11:00\"")
        app.poll()
        return (app, clock)
    }

    @Test func theMessagesPaneShowsWhatConcernsMe() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scenario(dir)
        app.handle(.char("4"))
        let text = app.render(width: 160, height: 45).text
        #expect(!text.contains("Private: your appraisal"), "person-to-person between others is not shown")
        #expect(text.contains("Bed meeting moved"), "to my role")
        #expect(text.contains("Family asking"), "sent by me")
        // The patient view lists only the messages that concern me, too.
        let other = try Engine(journalAt: app.engine.journal.path, actor: "sam", clock: clock, wallClock: .utc)
        try other.submit(line: "msg send drlee \"Private about Nguyen\" about MRN001")
        app.poll()
        app.openPatient("MRN001")
        let view = app.render(width: 160, height: 45).text
        #expect(view.contains("Family asking"))
        #expect(!view.contains("Private about Nguyen"))
        app.overlay = nil
        let shown = app.content(.messages).rows.count
        let strip = app.render(width: 80, height: 24).row(at: 1)
        #expect(strip.contains("4 Msgs \(shown) "), "the tab counts what is shown: \(strip)")
        // Not a supervisor: no switch.
        let before = app.state.lastSeq
        app.handle(.char("v"))
        #expect(app.status.error)
        #expect(app.status.text.contains("only a supervisor"))
        #expect(!app.render(width: 160, height: 45).text.contains("Private: your appraisal"))
        #expect(app.state.lastSeq == before, "nothing recorded")

        // A supervisor switches to all, and that look is recorded.
        let samEngine = try Engine(journalAt: app.engine.journal.path, actor: "sam", clock: clock, wallClock: .utc)
        let sam = RoundsApp(engine: samEngine)
        sam.handle(.char("4"))
        #expect(!sam.render(width: 160, height: 45).text.contains("Family asking"), "alice to drlee is not sam's business")
        let mark = sam.state.lastSeq
        sam.handle(.char("v"))
        let all = sam.render(width: 160, height: 45).text
        #expect(all.contains("Family asking"))
        #expect(all.contains("ALL messages"))
        let reads = try Engine.audit(journalAt: app.engine.journal.path).filter { $0.seq > mark }
        #expect(reads.count == 1 && reads[0].action == "viewed" && reads[0].actor == "sam")
        #expect(reads[0].what.contains("every message"))
        sam.handle(.char("v"))
        #expect(!sam.render(width: 160, height: 45).text.contains("Family asking"), "v returns to one's own")
        #expect(ActionTable.markdown.contains("| `v` | mine / all |"))
    }

    /// The reader's index looks at each message once; what it lists is the definition: the
    /// messages pane's rows, filtered to what concerns the reader.
    @Test func onesOwnMessagesMatchTheDefinitionAsMessagesArrive() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scenario(dir)
        let sam = try Engine(journalAt: app.engine.journal.path, actor: "sam", clock: clock, wallClock: .utc)
        let index = ConcernIndex()
        for step in 0..<12 {
            let line = ["msg send drlee \"p\(step)\"", "msg send @coordinator \"c\(step)\" urgent", "msg send alice \"a\(step)\"",
                        "msg send @evs \"e\(step)\" urgent"][step % 4]
            try sam.submit(line: line)
            app.poll()
            // Alice acknowledges what is addressed to her role (only a recipient may).
            if step % 3 == 0, let open = app.state.unacknowledgedUrgent.filter({
                app.state.messages[$0]?.isAddressed(to: "alice", role: .coordinator) == true && app.state.messages[$0]?.from != "alice" }).min() {
                try app.engine.submit(line: "msg ack \(open)")
            }
            clock.advance(.minutes(7))
            app.poll()
            let s = app.state
            for sort in 0..<MessagesPane.sorts.count {
                let ctx = PaneContext(now: app.now, wallClock: .utc, sort: sort)
                let want = expectedMessages(s, sort: sort, now: app.now).filter { id in
                    s.messages[MessageID.parse(Substring(id))!]!.concerns("alice", role: .coordinator)
                }
                let got = MessagesPane.content(s, ctx, me: "alice", scope: .concerning("alice", .coordinator), index: index).rows.map(\.key)
                #expect(got == want, "step \(step) sort \(sort)")
                let fresh = MessagesPane.content(s, ctx, me: "alice", scope: .concerning("alice", .coordinator)).rows.map(\.key)
                #expect(fresh == want)
            }
        }
    }

    @Test func aLabPastItsNeededByIsFlaggedAndSortsUp() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scenarioApp(dir)
        app.handle(.char("3"))
        #expect(!app.render(width: 80, height: 24).text.contains("LATE"))
        clock.advance(.minutes(2 * 60 + 40))   // 10:25: L3 (TS) was needed by 10:00
        let c = app.content(.labs)
        #expect(c.rows.map(\.key) == ["L1", "L3", "L2"], "critical, then late, then the rest")
        let row = try #require(c.rows.first { $0.key == "L3" })
        #expect(row.cells[5].hasPrefix("‼ LATE 25m"))
        #expect(row.style == .overdue)
        for ascii in [false, true] {
            let text = app.render(width: 80, height: 24, ascii: ascii).text
            #expect(text.contains(ascii ? "!! LATE 25m" : "‼ LATE 25m"), "\(text)")
        }
        #expect(c.summary.contains("1 late"))
    }
}

/// Issue 17, item 5: a session that writes nothing still sees what is due.
@Suite struct ReadOnlySessionRulesTests {
    @Test func aSessionThatCannotWriteSeesARuleThatCameDue() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        try e.submit(line: "lab order MRN001 K priority stat")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 6.9")
        clock.advance(e.state.policy.criticalWindow + .minutes(2))
        // A supervisor's watching screen on a journal this login may only read.
        let reader = try Engine(journalAt: e.journal.path, actor: "sam", clock: clock, wallClock: .utc, writable: false)
        let app = RoundsApp(engine: reader, readOnly: true)
        #expect(reader.state.tasks[TaskID(1)]?.escalation == 0, "nobody has recorded the escalation")
        #expect(app.state.tasks[TaskID(1)]?.escalation == 2, "the screen shows it as due all the same")
        let overview = app.supervisorScreen.supervisorLines(width: 160).map(\.0).joined(separator: "\n")
        #expect(overview.contains("Critical result not communicated") || overview.contains("T1"), "the supervisor view lists it")
        #expect(reader.state.lastSeq == e.state.lastSeq, "nothing was written")
    }
}

/// What the full-screen walkthrough found (issue 17, §11): each failed before its fix.
@Suite struct FullScreenWalkthroughTests {
    @Test func aMessagesDetailsAcknowledgeWithATheirOwnMessage() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.engine.actor = "drlee"
        try app.engine.submit(line: "msg send @coordinator \"Walkthrough page\" urgent")
        app.engine.actor = "alice"
        let id = try #require(app.state.messages.values.first { $0.subject == "Walkthrough page" }?.id)
        app.handle(.char("4"))
        _ = app.render(width: 160, height: 45)
        var guardSteps = 0
        while app.selectedRow(.messages)?.key != id.description, guardSteps < 50 { app.handle(.down); guardSteps += 1 }
        app.handle(.enter)
        #expect(app.render(width: 160, height: 45).text.contains("a to acknowledge"))
        app.handle(.char("a"))
        #expect(app.state.messages[id]?.acknowledgedBy == "alice", "a in the details acknowledges: \(app.status.text)")
    }

    @Test func pInAPatientViewNeverOpensTheRowBehindIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("2"))
        _ = app.render(width: 160, height: 45)
        while app.selectedRow(.beds)?.patient != "MRN003" { app.handle(.down) }
        app.openPatient("MRN001")
        let reads = try Engine.audit(journalAt: app.engine.journal.path).count
        app.handle(.char("p"))
        #expect(app.render(width: 160, height: 45).text.contains("Patient MRN001"), "still the patient shown")
        let after = try Engine.audit(journalAt: app.engine.journal.path)
        #expect(after.count == reads && !after.contains { $0.patients.contains("MRN003") && $0.action == "viewed" },
                "no view of the row behind was recorded")
    }

    @Test func aFinderClosedWithEscIsARecordedSearch() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("f"))
        type(app, "nguyen")
        app.handle(.escape)
        let audit = try Engine.audit(journalAt: app.engine.journal.path)
        #expect(audit.contains { $0.action == "searched" && $0.what.contains("nguyen") }, "the names shown were a read")
    }

    @Test func typingReplacesADefaultAndALongRefusalGivesItsLinesBack() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.overlay = .form(Form(title: "Test", fields: [Form.Field("Urgent (y/n)", value: "n")]) { v in "task add \"x\(v[0])\"" })
        app.handle(.char("y"))
        guard case .form(let f)? = app.overlay else { Issue.record("form closed"); return }
        #expect(f.fields[0].editor.text == "y", "typed over the default, not after it")
        app.overlay = nil
        app.setStatus(String(repeating: "a long refusal that goes on ", count: 12), error: true)
        let tall = app.render(width: 80, height: 24)
        #expect(app.statusRowsShown > 1)
        app.handle(.char("j"))
        _ = tall
        #expect(app.status.text.isEmpty, "read once, it goes at the next key")
    }

    @Test func dischargeWarnsOfWhatShouldStopIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        try app.engine.submit(line: "lab order MRN001 K priority stat")
        try app.engine.submit(line: "lab collect L4")
        try app.engine.submit(line: "lab result L4 6.9")
        app.handle(.char("2"))
        _ = app.render(width: 160, height: 45)
        while app.selectedRow(.beds)?.key != "bed:4W-01" { app.handle(.down) }
        app.handle(.char("D"))
        guard case .confirm(let c)? = app.overlay else { Issue.record("no question"); return }
        #expect(c.question.contains("WARNING") && c.question.contains("critical K 6.9 not yet communicated"), "\(c.question)")
        // The critical result's form from the worklist names the test, the value and the patient.
        app.overlay = nil
        let task = try #require(app.state.labs[LabID(4)]?.criticalTask)
        app.panes.completeTask(task.description)
        guard case .form(let f)? = app.overlay else { Issue.record("no form"); return }
        #expect(f.title.contains("critical K 6.9 mmol/L for Nguyễn, T. H. (MRN001)"), "\(f.title)")
    }
}

@Suite struct KeptFilterTests {
    @Test func escInThePaneClearsAFilterKeptWithEnter() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("/"))
        type(app, "transport")
        app.handle(.enter)
        #expect(app.views[.worklist]!.filter == "transport")
        app.handle(.escape)
        #expect(app.views[.worklist]!.filter.isEmpty, "Esc clears the kept filter")
        #expect(!app.status.text.contains("does nothing"))
    }
}
