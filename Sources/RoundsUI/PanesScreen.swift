import RoundsDomain
import RoundsEngine

/// The four panes (worklist, bed board, pending labs, messages): all at once at full size,
/// else the focused one under a strip of tabs. Their keys act on the focused pane's selected
/// row; pane actions (Docs/KEYS.md, one section per pane) come before the global ones.
final class PanesScreen: AppScreen {
    unowned let app: RoundsApp
    let id = Screen.panes

    init(app: RoundsApp) { self.app = app }

    var scope: ActionScope? { .pane(app.focus) }
    var hints: [Action] {
        ActionTable.all.filter { $0.scope == .pane(app.focus) && $0.hinted } + ActionTable.all.filter { $0.scope == .global && $0.hinted }
    }
    func nothingHere(_ c: Character) -> String { "'\(c)' does nothing here; ? lists the keys" }

    func handle(_ key: Key) -> Handled {
        // Esc clears a filter that was kept with Enter, as it does while it is typed.
        guard key == .escape, !(app.views[app.focus]?.filter.isEmpty ?? true) else { return .unhandled }
        app.views[app.focus]!.filter = ""
        setStatus("Filter cleared")
        return .handled
    }

    func perform(_ action: Action) -> Handled {
        let app = self.app
        let focus = app.focus
        switch action.id {
        case .filter: app.mode = .filter(LineEditor(app.views[focus]!.filter))
        case .nextPane: app.focus = PaneKind(rawValue: (focus.rawValue + 1) % 4)!
        case .previousPane: app.focus = PaneKind(rawValue: (focus.rawValue + 3) % 4)!
        case .focusWorklist: app.focus = .worklist
        case .focusBeds: app.focus = .beds
        case .focusLabs: app.focus = .labs
        case .focusMessages: app.focus = .messages
        case .up: app.move(-1)
        case .down: app.move(1)
        case .pageUp: app.move(-(app.pageSize[focus] ?? 10))
        case .pageDown: app.move(app.pageSize[focus] ?? 10)
        case .top: app.move(-1_000_000)
        case .bottom: app.move(1_000_000)
        case .sort:
            app.views[focus]!.sort += 1
            setStatus("\(focus.title) sorted by \(app.content(focus).sortName)")
        case .ipass: app.ipassForm(mrn: app.selectedRow(focus)?.patient)
        case .open: app.openDetail()
        case .patient: app.openPatient()
        case .discharge: if !wall { app.confirmDischarge(app.selectedRow(focus)?.patient) }
        case .allMessages: app.toggleAllMessages()
        default:
            guard case .pane = action.scope else { return .unhandled }
            app.paneAction(action.id)
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
            for p in PaneKind.allCases { app.drawPane(&g, p, rects[p]!) }
        } else {
            app.drawTabs(&g, y: body.y)
            app.drawPane(&g, app.focus, Rect(x: 0, y: body.y + 1, width: width, height: body.height - 1))
        }
    }
}
