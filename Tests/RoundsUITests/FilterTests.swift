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
        for _ in 0..<400 { app.prepareSearch(rows: 5) }
        #expect(app.searchCache[.worklist]?.laidOut == total, "laid out")
        #expect(app.searchCache[.beds]?.isComplete == true, "then the other panes")
        #expect(!app.hasIdleWork)
        // Half laid out again after a minute, then a filter typed: the rest is laid out then.
        clock.advance(.minutes(1))
        #expect(app.hasIdleWork, "a minute later the text is laid out again")
        app.prepareSearch(rows: total / 2)
        app.prepareSearch(rows: total / 2)
        #expect(app.searchCache[.worklist]?.laidOut == total / 2)
        app.handle(.char("/"))
        type(app, "a")
        check(app, .worklist, "typed over a half-made text")
        type(app, "t")
        check(app, .worklist, "narrowed")
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
