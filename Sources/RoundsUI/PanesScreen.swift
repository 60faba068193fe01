import RoundsDomain
import RoundsEngine

/// The four panes (worklist, bed board, pending labs, messages): all at once at full size,
/// else the focused one under a strip of tabs. Their keys act on the focused pane's selected
/// row; pane actions (Docs/KEYS.md, one section per pane) come before the global ones.
final class PanesScreen: AppScreen {
    unowned let app: RoundsApp
    let id = Screen.panes
    var focus: PaneKind = .worklist
    var views: [PaneKind: PaneView] = [:]
    /// Rows as last rendered, per pane, so keys act on what is on screen.
    var shown: [PaneKind: PaneContent] = [:]
    var pageSize: [PaneKind: Int] = [:]
    var contentCache: [PaneKind: (key: ContentKey, content: PaneContent)] = [:]
    /// The bed board's forecast for a record and minute (`compute`).
    var forecastCache: (key: ForecastKey, forecast: BedForecast)?
    /// Per pane, the unfiltered content and its rows' text laid out for searching, kept while
    /// a filter is typed (the key is the content's, with an empty filter).
    var searchCache: [PaneKind: Search] = [:]
    /// The same for the next minute, laid out ahead in idle polls once this minute's is done:
    /// when the minute turns over, a filter (or a filtered pane) finds its text ready instead
    /// of laying out every row again. Dropped when a record changes the pane first.
    var searchAhead: [PaneKind: Search] = [:]
    /// The focused pane's content in its next sort, worked out in idle polls (`sortAheadKey`),
    /// so `o` on the 1,000-bed board draws instead of sorting it again.
    var sortAhead: (key: ContentKey, content: PaneContent)?
    struct Search {
        var key: ContentKey
        var content: PaneContent
        /// The text of the rows, then of the bed board's waiting and discharge lists beside
        /// the board and inline, laid out in that order.
        var texts: [SearchText]
        /// How many rows of each list the texts hold so far.
        var built: [Int]
        var text: SearchText { texts[0] }
        var side: SearchText { texts[1] }
        var sideInline: SearchText { texts[2] }
        var lists: [RowList] { [content.rows, RowList(content.side), RowList(content.sideInline)] }
        var laidOut: Int { built.reduce(0, +) }
        var isComplete: Bool { built == lists.map(\.count) }
        /// While the rows are laid out from an earlier text of the same pane and minute: that
        /// text, and where each untouched item's row is in it.
        var source: Source?
    }
    struct Source {
        let text: SearchText
        /// The earlier row of item number `low + k` at `rowOf[k]`; -1 when it has none or the
        /// records since may have changed it.
        let rowOf: [Int32]
        let low: Int
        func row(of item: Int) -> Int? {
            let k = item - low
            guard k >= 0, k < rowOf.count, rowOf[k] >= 0 else { return nil }
            return Int(rowOf[k])
        }
    }
    let concernIndex = ConcernIndex()
    /// How many search texts were laid out by reusing an earlier one (for tests).
    var reusedTexts = 0

    init(app: RoundsApp) {
        self.app = app
        for p in PaneKind.allCases { views[p] = PaneView() }
    }

    var scope: ActionScope? { .pane(focus) }
    var hints: [Action] {
        ActionTable.all.filter { $0.scope == .pane(focus) && $0.hinted } + ActionTable.all.filter { $0.scope == .global && $0.hinted }
    }
    func nothingHere(_ c: Character) -> String { "'\(c)' does nothing here; ? lists the keys" }

    func handle(_ key: Key) -> Handled {
        // Esc clears a filter that was kept with Enter, as it does while it is typed.
        guard key == .escape, !(views[focus]?.filter.isEmpty ?? true) else { return .unhandled }
        views[focus]!.filter = ""
        setStatus("Filter cleared")
        return .handled
    }

    func perform(_ action: Action) -> Handled {
        switch action.id {
        case .filter: app.mode = .filter(LineEditor(views[focus]!.filter))
        case .nextPane: focus = PaneKind(rawValue: (focus.rawValue + 1) % 4)!
        case .previousPane: focus = PaneKind(rawValue: (focus.rawValue + 3) % 4)!
        case .focusWorklist: focus = .worklist
        case .focusBeds: focus = .beds
        case .focusLabs: focus = .labs
        case .focusMessages: focus = .messages
        case .up: move(-1)
        case .down: move(1)
        case .pageUp: move(-(pageSize[focus] ?? 10))
        case .pageDown: move(pageSize[focus] ?? 10)
        case .top: move(-1_000_000)
        case .bottom: move(1_000_000)
        case .sort:
            views[focus]!.sort += 1
            setStatus("\(focus.title) sorted by \(content(focus).sortName)")
        case .ipass: app.ipassForm(mrn: selectedRow(focus)?.patient)
        case .open: openDetail()
        case .patient: app.openPatient()
        case .discharge: if !wall { app.confirmDischarge(selectedRow(focus)?.patient) }
        case .allMessages: toggleAllMessages()
        default:
            guard case .pane = action.scope else { return .unhandled }
            paneAction(action.id)
        }
        return .handled
    }

    func draw(into g: inout Grid, body: Rect) {
        let (width, height) = (g.width, g.height)
        if width >= LayoutSize.full.width && height >= LayoutSize.full.height {
            let w1 = width / 2, h1 = body.height / 2
            let rects: [PaneKind: Rect] = [
                .worklist: Rect(x: 0, y: body.y, width: w1, height: h1),
                .beds: Rect(x: w1, y: body.y, width: width - w1, height: h1),
                .labs: Rect(x: 0, y: body.y + h1, width: w1, height: body.height - h1),
                .messages: Rect(x: w1, y: body.y + h1, width: width - w1, height: body.height - h1),
            ]
            for p in PaneKind.allCases { drawPane(&g, p, rects[p]!) }
        } else {
            drawTabs(&g, y: body.y)
            drawPane(&g, focus, Rect(x: 0, y: body.y + 1, width: width, height: body.height - 1))
        }
    }
}
