import RoundsDomain
import RoundsEngine

/// Open loops (O): what was asked of someone outside the ward and must come back. Today the
/// referrals: the open ones, overdue first then by due time, and (with `a`) those closed in the
/// last 30 days. Keys put the matching `ref` command on the command line with the selected
/// referral filled in, so what is typed is the command language, checked by the one decider.
final class LoopsScreen: AppScreen {
    unowned let app: RoundsApp
    let id = Screen.loops
    var view = PaneView()
    /// Also list the referrals closed in the last 30 days.
    var showClosed = false
    var cache: (key: RoundsApp.RecordKey, closed: Bool, list: [Referral], open: Int)?

    init(app: RoundsApp) { self.app = app }

    var scope: ActionScope? { .loops }
    var toggle: ActionID? { .loops }
    var hints: [Action] { ActionTable.all.filter { $0.scope == .loops } + [.loops, .help, .quit].map(ActionTable.action) }
    func draw(into g: inout Grid, body: Rect) { drawLoops(&g, body) }
    func nothingHere(_ c: Character) -> String { "'\(c)' does nothing on the open loops screen; ? lists the keys" }

    /// The referrals as listed: open ones overdue first, then by due time; then, with `a`, the
    /// closed in the last 30 days, latest first. Kept per record and minute.
    func referrals() -> (list: [Referral], open: Int) {
        let key = recordKey()
        if let c = cache, c.key == key, c.closed == showClosed { return (c.list, c.open) }
        let s = state, t = now
        let open = s.referrals.open.sorted { a, b in
            let la = a.isOverdue(at: t), lb = b.isOverdue(at: t)
            return la != lb ? la : (a.due, a.id) < (b.due, b.id)
        }
        var closed: [Referral] = []
        if showClosed {
            closed = s.referrals.byID.values.filter { r in r.closedAt.map { $0 >= t - .days(30) } ?? false }
                .sorted { ($0.closedAt!, $0.id) > ($1.closedAt!, $1.id) }
        }
        cache = (key, showClosed, open + closed, open.count)
        return (open + closed, open.count)
    }

    func selected() -> Referral? {
        let list = referrals().list
        guard !list.isEmpty else { return nil }
        if let key = view.selected, let i = list.firstIndex(where: { $0.id.description == key }) {
            view.selectedIndex = i
            return list[i]
        }
        let i = min(view.selectedIndex, list.count - 1)
        view.selectedIndex = i
        view.selected = list[i].id.description
        return list[i]
    }

    func move(_ delta: Int) {
        let list = referrals().list
        guard !list.isEmpty else { return }
        _ = selected()
        let i = max(0, min(list.count - 1, view.selectedIndex + delta))
        view.selectedIndex = i
        view.selected = list[i].id.description
    }

    func handle(_ key: Key) -> Handled {
        guard key == .escape else { return .unhandled }
        app.screen = .panes
        return .handled
    }

    /// Puts a command on the command line for the person to finish and send with Enter.
    func prefill(_ text: String, _ hint: String) {
        app.mode = .command(LineEditor(text))
        app.historyIndex = nil
        setStatus(hint)
    }

    func perform(_ action: Action) -> Handled {
        switch action.id {
        case .up: move(-1)
        case .down: move(1)
        case .pageUp: move(-10)
        case .pageDown: move(10)
        case .top: move(-1_000_000)
        case .bottom: move(1_000_000)
        case .focusWorklist, .focusBeds, .focusLabs, .focusMessages, .nextPane, .previousPane:
            return app.returnToPanes(action)
        case .showClosedLoops:
            showClosed.toggle()
            setStatus(showClosed ? "Showing referrals closed in the last 30 days too" : "Showing open referrals only")
        case .newReferral:
            let mrn = selected()?.mrn
            prefill("ref add \(mrn.map { "\($0) " } ?? "")to ", "Type the service in quotes, then reason \"…\" [urgency stat|urgent|routine] [due DATE] [external]; Enter sends, Esc cancels")
        case .loopPatient, .patient:
            guard let r = selected() else { unavailable("there are no referrals to open"); return .handled }
            openPatient(r.mrn)
        case .receiveReferral, .scheduleReferral, .unableReferral, .reportReferral, .closeReferral:
            guard let r = selected() else { unavailable("there are no referrals; n makes one"); return .handled }
            switch action.id {
            case .receiveReferral: prefill("ref receive \(r.id)", "Enter records that the service received \(r.id)")
            case .scheduleReferral: prefill("ref schedule \(r.id) at ", "Type the appointment's time (tomorrow 10:00, 2026-12-03 14:30); Enter sends")
            case .unableReferral: prefill("ref unable \(r.id) reason ", "Type why it cannot be scheduled, in quotes; Enter sends")
            case .reportReferral: prefill("ref report \(r.id) ", "Type the report's summary in quotes: the loop closes; (ref partial \(r.id) \"…\" for partial results)")
            default: prefill("ref cancel \(r.id) reason ", "Type the reason in quotes (or change cancel to discontinue)" + (r.highRisk ? "; high risk: add override \"reviewed by …\"" : ""))
            }
        case .filter, .sort, .discharge, .ipass:
            setStatus("\(action.title) works in the panes; O returns to them", error: true)
        default:
            return .unhandled
        }
        return .handled
    }

    /// A referral in full: what was asked, of whom, and every step.
    func detailLines(_ r: Referral) -> [String] {
        let w = engine.wallClock
        var lines = [app.referralLine(r)]
        let who = state.patients[r.mrn].map { "\(r.mrn) \($0.name)" } ?? r.mrn
        let bed = state.stay(of: r.mrn).map { $0.bed.map { "in bed \($0)" } ?? "waiting for a bed" } ?? "not admitted now"
        lines.append("Patient: \(who) (\(bed))")
        lines.append("Reason: \(r.reason)")
        lines.append("Sent \(w.dateTime(r.sentAt)) by \(r.sentBy)" + (r.clinician.map { " for \($0)" } ?? "") + " · \(r.urgency.rawValue): report due \(w.dateTime(r.due))"
                     + (r.highRisk ? " · HIGH RISK: not closed without clinical review" : ""))
        if let t = r.overdueTask { lines.append("Overdue task: \(t)" + (state.tasks[t].map { " (\($0.status.rawValue))" } ?? "")) }
        for h in r.history {
            lines.append("  \(w.dateTime(h.at)) \(h.by): \(h.step.rawValue)" + (h.note.map { " — \($0)" } ?? ""))
        }
        return lines
    }

    func drawLoops(_ g: inout Grid, _ body: Rect) {
        let (list, open) = referrals()
        let overdue = list.prefix(open).filter { $0.isOverdue(at: now) }.count
        let title = "Open loops · referrals: " + (open > 0 ? "\(open) open" : "none open") + (overdue > 0 ? " · ‼ \(overdue) overdue" : "")
            + (showClosed ? " · closed in 30 days: \(list.count - open)" : "") + " · O or Esc returns"
        g.box(body, title: title, style: .borderFocused, titleStyle: .paneTitleFocused)
        let inner = body.inner
        guard inner.width > 20, inner.height > 3 else { return }
        guard !list.isEmpty else {
            g.put(showClosed ? "No referrals open or closed in the last 30 days." : "No open referrals.", x: inner.x + 1, y: inner.y + 1, style: .dim, maxWidth: inner.width - 2)
            g.put("n starts one: ref add MRN to \"Service\" reason \"…\"; a shows the recently closed.", x: inner.x + 1, y: inner.y + 2, style: .dim, maxWidth: inner.width - 2)
            return
        }
        let chosen = selected()
        let wide = inner.width >= 120
        let previewHeight = wide ? inner.height : min(max(6, inner.height - list.count - 2), inner.height / 2, max(0, inner.height - 6))
        let listWidth = wide ? inner.width * 3 / 5 : inner.width
        let area = Rect(x: inner.x, y: inner.y, width: listWidth, height: inner.height - (wide ? 0 : previewHeight))
        let visible = area.height - 1
        var top = view.top
        if view.selectedIndex < top { top = view.selectedIndex }
        if view.selectedIndex >= top + visible { top = view.selectedIndex - visible + 1 }
        top = max(0, min(top, max(0, list.count - visible)))
        view.top = top
        let w = engine.wallClock
        let patientWidth = area.width >= 90 ? 20 : 14
        let columns: [(String, Int)] = [("Ref", 5), ("Status", 17), ("Urgency", 7), ("Age", 6), ("Due", 11), ("Patient", patientWidth)]
        var x = area.x
        for (heading, width) in columns { g.putPadded(heading, x: x, y: area.y, width: width, style: .columnHeading); x += width + 1 }
        g.put("To", x: x, y: area.y, style: .columnHeading, maxWidth: max(0, area.x + area.width - x))
        for (n, r) in list.dropFirst(top).prefix(visible).enumerated() {
            let y = area.y + 1 + n
            let late = r.isOverdue(at: now)
            let isSelected = r.id == chosen?.id
            var style: StyleSlot = late ? .urgent : (r.isOpen ? .normal : .dim)
            if isSelected { style = .selected; g.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style) }
            let mark = late ? "‼ " : r.status == .complete ? "✓ " : r.isOpen ? "○ " : "✗ "
            let due = r.isOpen ? (late ? "late \(now - r.due)" : w.localDate(r.due) == w.localDate(now) ? "today \(w.hhmm(r.due))" : "\(w.localDate(r.due))")
                               : (r.closedAt.map { "\(w.localDate($0))" } ?? "")
            let who = state.patients[r.mrn].map { "\(r.mrn) \(shortName($0.name))" } ?? r.mrn
            let cells = [r.id.description, mark + r.status.rawValue, r.urgency.rawValue, "\(age(since: r.sentAt, at: now))", due, who]
            var cx = area.x
            for (cell, (_, width)) in zip(cells, columns) {
                g.putPadded(TextWidth.truncate(drawn(cell, g), to: width, ascii: g.ascii), x: cx, y: y, width: width, style: style)
                cx += width + 1
            }
            let rest = area.x + area.width - 1 - cx
            if rest > 0 { g.putPadded(TextWidth.truncate(drawn(r.destination + (r.highRisk ? " · HIGH RISK" : ""), g), to: rest, ascii: g.ascii), x: cx, y: y, width: rest, style: style) }
            if isSelected { g.put(g.ascii ? ">" : "▶", x: area.x + area.width - 1, y: y, style: style) }
        }
        if list.count > visible {
            let more = "\(top + 1)–\(min(list.count, top + visible)) of \(list.count)"
            g.put(g.ascii ? more.replacingOccurrences(of: "–", with: "-") : more, x: body.x + max(0, body.width - TextWidth.of(more) - 2), y: body.y + body.height - 1, style: .dim)
        }
        guard let r = chosen, previewHeight > 1 else { return }
        let preview = wide
            ? Rect(x: inner.x + listWidth + 1, y: inner.y, width: inner.width - listWidth - 1, height: inner.height)
            : Rect(x: inner.x, y: inner.y + area.height, width: inner.width, height: previewHeight)
        if wide {
            for y in preview.y..<(preview.y + preview.height) { g.put(g.ascii ? "|" : "│", x: preview.x - 1, y: y, style: .border) }
        } else {
            g.put(String(repeating: g.ascii ? "-" : "─", count: preview.width), x: preview.x, y: preview.y, style: .border)
        }
        var y = wide ? preview.y : preview.y + 1
        var text = detailLines(r).enumerated().map { ($0.element, $0.offset == 0 ? StyleSlot.unitHeading : .normal) }
        text.append(((r.isOpen ? "r received · s schedule · u unable · e report (closes the loop) · x cancel · " : "") + "p patient · n new · a closed too", .dim))
        for (line, style) in text {
            for part in TextWidth.wrap(drawn(line, g), width: preview.width - 1, indent: 2) {
                guard y < preview.y + preview.height else { return }
                g.put(part, x: preview.x, y: y, style: style, maxWidth: preview.width)
                y += 1
            }
        }
    }
}
