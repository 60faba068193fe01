import Testing
import RoundsDomain
@testable import RoundsUI
import RoundsTestSupport

/// Typing a filter searches the rows' text laid out once per content (SearchText), and a
/// longer filter searches only what the shorter one found. These tests compare the filtered
/// panes, key by key, with the plain definition: the rows of the unfiltered pane whose key or
/// one of whose cells contains the text, ignoring case, in the same order.
@Suite struct FilterTests {
    func expected(_ app: RoundsApp, _ p: PaneKind, _ filter: String) -> [String] {
        let needle = filter.lowercased()
        let c = app.panes.compute(p, filter: "")
        guard !needle.isEmpty else { return c.rows.map(\.key) }
        return c.rows.filter { row in row.key.lowercased().contains(needle) || row.cells.contains { $0.lowercased().contains(needle) } }.map(\.key)
    }

    func check(_ app: RoundsApp, _ p: PaneKind, _ comment: String) {
        let filter = app.views[p]!.filter
        if p == .beds {
            // The pane's own filtering (each row's cells, headings kept with their beds) is
            // the definition the searched text must agree with, beside and inline too.
            let want = app.panes.compute(.beds, filter: filter), got = app.content(.beds)
            #expect(got.rows.map(\.key) == want.rows.map(\.key), "bed board filtered by \"\(filter)\", \(comment)")
            #expect(got.side.map(\.key) == want.side.map(\.key), "\(comment)")
            #expect(got.sideInline.map(\.key) == want.sideInline.map(\.key), "\(comment)")
            return
        }
        let shown = app.content(p).rows.map(\.key)
        #expect(shown == expected(app, p, filter), "\(p.title) filtered by \"\(filter)\", \(comment)")
        // Each shown row is found again by its key, at its place.
        let rows = app.content(p).rows
        for (i, key) in shown.enumerated() where i < 30 { #expect(rows.index(ofKey: key, near: 0) == i) }
    }

    @Test(arguments: [PaneKind.worklist, .beds, .labs, .messages])
    func typingNarrowingWideningAndChangesMatchTheDefinition(pane: PaneKind) throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try demoApp(dir, beds: 60)
        app.idleLock = nil
        app.handle(.char(Character("\(PaneKind.allCases.firstIndex(of: pane)! + 1)")))
        #expect(app.focus == pane)
        // Some rows must match the texts typed, or the test would prove nothing.
        // (a row of its own, not a unit's heading or forecast line, which filtering never matches)
        let sample = app.content(pane).rows.first { $0.selectable && !$0.key.hasPrefix("unit:") && !$0.key.hasPrefix("title:") }.map { $0.cells.joined(separator: " ") } ?? ""
        #expect(!sample.isEmpty)
        app.handle(.char("/"))
        for ch in "e" { app.handle(.char(ch)); check(app, pane, "after typing") }
        let one = app.content(pane).rows.count
        #expect(one > 0)
        for ch in "R" { app.handle(.char(ch)); check(app, pane, "upper case is folded") }
        app.handle(.backspace); check(app, pane, "after a backspace (wider)")
        #expect(app.content(pane).rows.count == one)
        app.handle(.backspace); check(app, pane, "empty filter")
        // Text from a row itself, then time passes and work changes while the filter is on.
        let word = String(sample.split(separator: " ").max { $0.count < $1.count } ?? "a").prefix(5)
        type(app, String(word))
        check(app, pane, "a word from the first row")
        #expect(app.content(pane).rows.count >= 1, "typed \(word) from \(sample)")
        try app.engine.submit(line: "task add \"Filter \(word) check\" due +30m")
        try app.engine.submit(line: "msg send @coordinator \"Filter \(word) check\" urgent")
        clock.advance(.minutes(3))
        app.poll()
        check(app, pane, "after changes and a minute")
        app.handle(.escape)
        #expect(app.views[pane]!.filter.isEmpty)
        #expect(app.content(pane).rows.count == app.panes.compute(pane, filter: "").rows.count)
    }

    /// `o` after idle time shows the next sort worked out ahead, the same as worked out on the key.
    @Test func theNextSortWorkedOutAheadReadsAsTheOneWorkedOutOnTheKey() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try demoApp(dir, beds: 60)
        app.idleLock = nil
        for pane in PaneKind.allCases {
            app.focus = pane
            for round in 0..<3 {
                if round == 1 { try app.engine.submit(line: "task add \"Sort ahead \(pane)\" due +30m"); app.poll() }
                if round == 2 { clock.advance(.minutes(1)) }
                for _ in 0..<2_000 where app.hasIdleWork { app.prepareSearch(rows: 400) }
                let ahead = try #require(app.panes.sortAhead)
                #expect(ahead.key == { var k = app.panes.contentKey(pane); k.sort += 1; return k }())
                app.handle(.char("o"))
                #expect(app.panes.sortAhead == nil, "\(pane): the content worked out ahead was used")
                let shown = app.render(width: 160, height: 45).text
                app.panes.contentCache[pane] = nil
                app.panes.searchCache[pane] = nil
                #expect(app.render(width: 160, height: 45).text == shown, "\(pane), round \(round): the same as worked out on the key")
            }
        }
    }

    @Test func idlePollsLayOutTheTextInSlicesAndFilteringAgreesWithIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try demoApp(dir, beds: 60)
        app.idleLock = nil
        // A clean empty bed for the end of the test (the demo's morning may have filled them all).
        if !app.state.beds.values.contains(where: { $0.status == .available }),
           let bed = app.state.beds.values.filter({ $0.status == .dirty || $0.status == .cleaning }).map(\.id).min() {
            if app.state.beds[bed]?.status == .dirty { try app.engine.submit(line: "bed cleaning \(bed)") }
            try app.engine.submit(line: "bed clean \(bed)")
        }
        let total = app.panes.compute(.worklist, filter: "").rows.count
        #expect(total > 6)
        app.prepareSearch(rows: 5)
        #expect(app.panes.sortAhead?.key.sort == 1 && app.panes.searchCache[.worklist] == nil, "first the focused pane in its next sort, alone")
        app.prepareSearch(rows: 5)
        #expect(app.panes.searchCache[.worklist]?.laidOut == 0, "the focused pane's rows listed in a slice of their own")
        app.prepareSearch(rows: 5)
        #expect(app.panes.searchCache[.worklist]?.laidOut == 5, "the focused pane, five rows")
        #expect(app.panes.searchCache[.beds] == nil, "only the focused pane")
        for _ in 0..<1_000 where app.hasIdleWork { app.prepareSearch(rows: 5) }
        #expect(app.panes.searchCache[.worklist]?.laidOut == total, "laid out")
        #expect(app.panes.searchCache[.beds]?.isComplete == true, "then the other panes")
        #expect(app.panes.searchAhead[.worklist]?.isComplete == true, "then the next minute's")
        #expect(!app.hasIdleWork)
        // A minute later the text laid out ahead is this minute's: nothing is laid out again.
        let ahead = try #require(app.panes.searchAhead[.worklist]?.text)
        clock.advance(.minutes(1))
        #expect(app.hasIdleWork, "the minute after this one is to be laid out")
        // Unfiltered, the panes show the content listed ahead, the same as listed now.
        let aheadBeds = try #require(app.panes.searchAhead[.beds]?.text)
        func cells(_ c: PaneContent) -> [[String]] { (Array(c.rows) + c.side).map { [$0.key] + $0.cells } }
        #expect(cells(app.content(.beds)) == cells(app.panes.compute(.beds, filter: "")))
        #expect(app.panes.searchCache[.beds]?.text === aheadBeds, "the bed board listed ahead is used")
        app.handle(.char("/"))
        type(app, "a")
        check(app, .worklist, "typed just after the minute turned over")
        #expect(app.panes.searchCache[.worklist]?.text === ahead, "the text laid out ahead is used")
        app.handle(.escape)
        // A task added: the other rows' text is reused, the text is whole at once.
        let reused = app.panes.reusedTexts
        try app.engine.submit(line: "task add \"Filter slices\" due +45m")
        app.prepareSearch(rows: 5) // the worklist in its next sort first
        app.prepareSearch(rows: 5)
        app.prepareSearch(rows: 5)
        #expect(app.panes.searchCache[.worklist]?.isComplete == true && app.panes.reusedTexts == reused + 1,
                "listed in one slice, then whole in one slice of five rows: only the new task is formatted")
        // A bed made dirty (which raises a cleaning task, and names no single task's row)
        // makes the text old: half laid out again, then a filter typed: the rest is laid out then.
        let bed = try #require(app.state.beds.values.filter { $0.status == .available }.map(\.id).min())
        try app.engine.submit(line: "bed dirty \(bed)")
        let after = app.panes.compute(.worklist, filter: "").rows.count
        app.prepareSearch(rows: after / 2) // the next sort
        app.prepareSearch(rows: after / 2)
        app.prepareSearch(rows: after / 2)
        #expect(app.panes.searchCache[.worklist]?.laidOut == after / 2)
        #expect(app.panes.searchCache[.worklist]?.text !== ahead, "laid out again for the record")
        app.handle(.char("/"))
        type(app, "a")
        check(app, .worklist, "typed over a half-made text")
        type(app, "t")
        check(app, .worklist, "narrowed")
        // Laid out ahead, then a record changes the worklist before the minute turns: the text
        // laid out ahead is not used.
        app.handle(.escape)
        for _ in 0..<1_000 where app.hasIdleWork { app.prepareSearch(rows: 50) }
        #expect(app.panes.searchAhead[.worklist]?.isComplete == true)
        try app.engine.submit(line: "task add \"Zebra crossing\" due +50m")
        clock.advance(.minutes(1))
        app.handle(.char("/"))
        type(app, "zebra")
        check(app, .worklist, "a record came after the text was laid out ahead")
        #expect(app.content(.worklist).rows.count == 1)
        app.handle(.escape)
        // The text laid out ahead is the next minute's: a row's time as shown after the minute
        // turns over finds it.
        for _ in 0..<1_000 where app.hasIdleWork { app.prepareSearch(rows: 50) }
        clock.advance(.minutes(1))
        let due = try #require(app.panes.compute(.worklist, filter: "").rows.first?.cells[1])
        app.handle(.char("/"))
        type(app, due)
        check(app, .worklist, "filtered by the time \(due)")
        app.handle(.escape)
        // Laid out ahead over many minutes, every filter agrees with the definition.
        app.handle(.escape)
        for minute in 0..<5 {
            for _ in 0..<1_000 where app.hasIdleWork { app.prepareSearch(rows: 50) }
            clock.advance(.minutes(1))
            for p in PaneKind.allCases {
                app.handle(.char(Character("\(PaneKind.allCases.firstIndex(of: p)! + 1)")))
                app.handle(.char("/"))
                type(app, "e")
                check(app, p, "minute \(minute) after laying out ahead")
                app.handle(.escape)
            }
        }
    }

    /// A search text laid out by reusing the rows of untouched tasks and messages is the text
    /// laid out afresh, record after record: tasks added, started, noted, snoozed, reassigned
    /// and finished, messages sent, read and acknowledged, a patient's bed changed (which names
    /// no single task, so everything is laid out again), minutes passing.
    @Test(arguments: [PaneKind.worklist, .messages])
    func textReusedAcrossRecordsIsTheTextLaidOutAfresh(pane: PaneKind) throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try demoApp(dir, beds: 60)
        app.idleLock = nil
        var seed: UInt64 = 0x5EED
        func pick(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(max(1, n)))
        }
        let e = app.engine
        for step in 0..<60 {
            // Mostly laid out whole between records; every third step only a few rows, so that
            // a text is also laid out from one only partly laid out.
            for _ in 0..<(step % 3 == 0 ? 3 : 2_000) where app.hasIdleWork { app.prepareSearch(rows: step % 3 == 0 ? 7 : 300) }
            let open = Array(e.state.openTasks.filter { e.state.tasks[$0]?.kind != .cleaning && e.state.tasks[$0]?.kind != .criticalresult })
            let urgent = Array(e.state.unacknowledgedUrgent)
            let task = open.isEmpty ? nil : open[pick(open.count)]
            let lines: [String?] = [
                "task add \"Reuse \(step)\" due +\(10 + pick(300))m priority \(["stat", "urgent", "routine"][pick(3)])",
                task.map { "task start \($0)" }, task.map { "task note \($0) \"step \(step)\"" },
                task.map { "task snooze \($0) for \(5 + pick(60))m" }, task.map { "task reassign \($0) to @evs" },
                task.map { "task done \($0)" },
                "msg send @coordinator \"Reuse \(step)\"" + (pick(2) == 0 ? " urgent" : ""),
                urgent.isEmpty ? nil : "msg ack \(urgent[pick(urgent.count)])",
                urgent.isEmpty ? nil : "msg read \(urgent[pick(urgent.count)])",
            ]
            for _ in 0...pick(3) {
                if let line = lines[pick(lines.count)] { _ = try? e.submit(line: line) }
            }
            if step % 9 == 4, let bed = e.state.beds.values.filter({ $0.status == .dirty }).map(\.id).min() {
                _ = try? e.submit(line: "bed clean \(bed)")
            }
            // A patient with tasks (and messages about them) moves bed or has a name corrected:
            // rows the record does not name change.
            let patients = open.compactMap { e.state.tasks[$0]?.patient }.filter { e.state.stay(of: $0)?.bed != nil }.sorted()
            if let mrn = patients.isEmpty ? nil : patients[pick(patients.count)] {
                if step % 5 == 2 {
                    _ = try? e.submit(line: "msg send @coordinator \"About \(step)\" about \(mrn)")
                }
                if step % 5 == 3, let bed = e.state.beds.values.filter({ $0.status == .available }).map(\.id).sorted().first {
                    _ = try? e.submit(line: "transfer \(mrn) \(bed) override \"test\"")
                }
                if step % 8 == 5 { _ = try? e.submit(line: "patient \(mrn) name \"Renamed\(step), Test\"") }
            }
            if step % 7 == 6 { clock.advance(.minutes(1)) }
            // Sometimes the pane's order changes: the rows' text is the same in any order.
            if step % 4 == 1 {
                app.handle(.char(Character("\(PaneKind.allCases.firstIndex(of: pane)! + 1)")))
                app.handle(.char("o"))
            }
            var key = app.panes.contentKey(pane)
            key.filter = ""
            let search = app.panes.searchText(pane, key, rows: Int.max)
            let fresh = SearchText(app.panes.compute(pane, filter: "").rows)
            #expect(search.text.isSame(as: fresh), "step \(step): the reused text differs from the text laid out afresh")
            #expect(search.isComplete)
        }
        #expect(app.panes.reusedTexts >= 20, "the reuse was taken often enough to be tested: \(app.panes.reusedTexts)")
    }

    @Test func accentsAndSymbolsAreSearchedAsTyped() {
        var bytes: [UInt8] = []
        SearchText.appendFolded("NGUYỄN → Ward ‼ Ä", to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "nguyễn → ward ‼ ä")
        let text = SearchText(RowList([PaneContent.Row(key: "T1", cells: ["Nguyễn, T. H.", "→ 4W"]), PaneContent.Row(key: "T2", cells: ["Okafor", "ICU"])]))
        #expect(text.matches("NGUYỄN") == [0])
        #expect(text.matches("→ 4w") == [0])
        #expect(text.matches("t2") == [1])
        #expect(text.matches("n, t") == [0])
        #expect(text.matches("h.→").isEmpty, "a match never spans two cells")
        #expect(text.matches("zzz").isEmpty)
        // The search starts from the needle's rarest byte: matches at either end of a row and of
        // the text, repeated letters, and a rare byte with no match around it.
        let rows = ["vase", "eave", "ev", "avava", "qa", "aq", "e"].enumerated().map { PaneContent.Row(key: "R\($0.offset)", cells: [$0.element]) }
        let t = SearchText(RowList(rows))
        for needle in ["v", "va", "av", "ava", "vav", "ve", "q", "aq", "qa", "e", "ev", "vase", "avava", "eaves"] {
            let want = rows.indices.filter { rows[$0].cells[0].contains(needle) || "r\($0)".contains(needle) }
            #expect(t.matches(needle) == want, "\(needle)")
        }
    }
}
