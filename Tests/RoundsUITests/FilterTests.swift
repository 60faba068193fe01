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
        let c = app.compute(p, filter: "")
        guard !needle.isEmpty else { return c.rows.map(\.key) }
        return c.rows.filter { row in row.key.lowercased().contains(needle) || row.cells.contains { $0.lowercased().contains(needle) } }.map(\.key)
    }

    func check(_ app: RoundsApp, _ p: PaneKind, _ comment: String) {
        let filter = app.views[p]!.filter
        if p == .beds {
            // The pane's own filtering (each row's cells, headings kept with their beds) is
            // the definition the searched text must agree with, beside and inline too.
            let want = app.compute(.beds, filter: filter), got = app.content(.beds)
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
        let sample = app.content(pane).rows.first.map { $0.cells.joined(separator: " ") } ?? ""
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
        #expect(app.content(pane).rows.count >= 1)
        try app.engine.submit(line: "task add \"Filter \(word) check\" due +30m")
        try app.engine.submit(line: "msg send @coordinator \"Filter \(word) check\" urgent")
        clock.advance(.minutes(3))
        app.poll()
        check(app, pane, "after changes and a minute")
        app.handle(.escape)
        #expect(app.views[pane]!.filter.isEmpty)
        #expect(app.content(pane).rows.count == app.compute(pane, filter: "").rows.count)
    }

    @Test func idlePollsLayOutTheTextInSlicesAndFilteringAgreesWithIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try demoApp(dir, beds: 60)
        app.idleLock = nil
        let total = app.compute(.worklist, filter: "").rows.count
        #expect(total > 12)
        app.prepareSearch(rows: 5)
        #expect(app.searchCache[.worklist]?.laidOut == 0, "the focused pane's rows listed in a slice of their own")
        app.prepareSearch(rows: 5)
        #expect(app.searchCache[.worklist]?.laidOut == 5, "the focused pane, five rows")
        #expect(app.searchCache[.beds] == nil, "only the focused pane")
        for _ in 0..<1_000 where app.hasIdleWork { app.prepareSearch(rows: 5) }
        #expect(app.searchCache[.worklist]?.laidOut == total, "laid out")
        #expect(app.searchCache[.beds]?.isComplete == true, "then the other panes")
        #expect(app.searchAhead[.worklist]?.isComplete == true, "then the next minute's")
        #expect(!app.hasIdleWork)
        // A minute later the text laid out ahead is this minute's: nothing is laid out again.
        let ahead = try #require(app.searchAhead[.worklist]?.text)
        clock.advance(.minutes(1))
        #expect(app.hasIdleWork, "the minute after this one is to be laid out")
        app.handle(.char("/"))
        type(app, "a")
        check(app, .worklist, "typed just after the minute turned over")
        #expect(app.searchCache[.worklist]?.text === ahead, "the text laid out ahead is used")
        app.handle(.escape)
        // A record that changes the worklist makes both old: half laid out again, then a
        // filter typed: the rest is laid out then.
        try app.engine.submit(line: "task add \"Filter slices\" due +45m")
        let after = app.compute(.worklist, filter: "").rows.count
        app.prepareSearch(rows: after / 2)
        app.prepareSearch(rows: after / 2)
        #expect(app.searchCache[.worklist]?.laidOut == after / 2)
        #expect(app.searchCache[.worklist]?.text !== ahead, "laid out again for the record")
        app.handle(.char("/"))
        type(app, "a")
        check(app, .worklist, "typed over a half-made text")
        type(app, "t")
        check(app, .worklist, "narrowed")
        // Laid out ahead, then a record changes the worklist before the minute turns: the text
        // laid out ahead is not used.
        app.handle(.escape)
        for _ in 0..<1_000 where app.hasIdleWork { app.prepareSearch(rows: 50) }
        #expect(app.searchAhead[.worklist]?.isComplete == true)
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
        let due = try #require(app.compute(.worklist, filter: "").rows.first?.cells[1])
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
    }
}
