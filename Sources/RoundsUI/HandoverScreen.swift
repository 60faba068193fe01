import RoundsDomain
import RoundsEngine
import RoundsReports

/// The shift handover walkthrough (H): the items in I-PASS order, the selected one in full,
/// and the receiver's keys (acknowledge, with a note, all stable, take a task, complete).
final class HandoverScreen: AppScreen {
    unowned let app: RoundsApp
    let id = Screen.handover
    var handoverView = PaneView()
    var handoverCache: (key: RoundsApp.RecordKey, items: [HandoverItem])?

    init(app: RoundsApp) { self.app = app }

    var scope: ActionScope? { .handover }
    var toggle: ActionID? { .handover }
    var hints: [Action] { ActionTable.all.filter { $0.scope == .handover } + [.ipass, .handover, .help, .quit].map(ActionTable.action) }
    func draw(into g: inout Grid, body: Rect) { drawHandover(&g, body) }
    func nothingHere(_ c: Character) -> String { "'\(c)' does nothing in the handover; ? lists the keys" }

    /// The walkthrough's items, computed once per record and minute like the panes (a render
    /// and the keys around it ask several times).
    func handoverItems() -> [HandoverItem] {
        let key = recordKey()
        if let cached = handoverCache, cached.key == key { return cached.items }
        let items = state.handoverItems(at: now, wallClock: engine.wallClock)
        handoverCache = (key, items)
        return items
    }

    func selectedHandoverItem() -> HandoverItem? {
        let items = handoverItems()
        guard !items.isEmpty else { return nil }
        if let key = handoverView.selected, let i = items.firstIndex(where: { $0.key == key }) {
            handoverView.selectedIndex = i
            return items[i]
        }
        let i = min(handoverView.selectedIndex, items.count - 1)
        handoverView.selected = items[i].key
        return items[i]
    }

    func moveHandover(_ delta: Int) {
        let items = handoverItems()
        guard !items.isEmpty else { return }
        _ = selectedHandoverItem()
        let i = max(0, min(items.count - 1, handoverView.selectedIndex + delta))
        handoverView.selectedIndex = i
        handoverView.selected = items[i].key
    }

    func handle(_ key: Key) -> Handled {
        guard key == .escape else { return .unhandled }
        app.screen = .panes
        return .handled
    }

    func perform(_ action: Action) -> Handled {
        if action.scope == .handover {
            handoverAction(action.id)
            return .handled
        }
        switch action.id {
        case .up: moveHandover(-1)
        case .down: moveHandover(1)
        case .pageUp: moveHandover(-10)
        case .pageDown: moveHandover(10)
        case .top: moveHandover(-1_000_000)
        case .bottom: moveHandover(1_000_000)
        case .focusWorklist, .focusBeds, .focusLabs, .focusMessages, .nextPane, .previousPane:
            return app.returnToPanes(action)
        case .patient:
            guard let item = selectedHandoverItem(), state.patients[item.key] != nil else { unavailable("select a patient"); return .handled }
            openPatient(item.key)
        case .filter, .sort, .open:
            setStatus("\(action.title) works in the panes; H returns to them", error: true)
        // I-PASS and discharge are about the selected item's patient here.
        case .ipass: app.ipassForm(mrn: selectedHandoverItem()?.key)
        case .discharge: if !wall { app.confirmDischarge(selectedHandoverItem()?.key) }
        default:
            return .unhandled
        }
        return .handled
    }

    func handoverAction(_ id: ActionID) {
        let h = state.currentHandover
        let item = selectedHandoverItem()
        switch id {
        case .acknowledgeItem:
            guard let item else { unavailable("nothing to acknowledge"); return }
            submit("handover ack \(item.key)")
            if !status.error { moveHandover(1) }
        case .acknowledgeItemWithNote:
            guard let item else { unavailable("nothing to acknowledge"); return }
            var form = Form(title: "Acknowledge \(item.key) with a note", fields: [Form.Field("Note", hint: "what you will do, or what you were told")]) { v in
                "handover ack \(item.key) note \(v[0].quoted)"
            }
            form.then = .nextHandoverItem
            overlay = .form(form)
        case .acknowledgeStable:
            let items = handoverItems()
            let stable = items.filter { $0.kind == .patient(.stable) && h?.acknowledged[$0.key] == nil }
            guard !stable.isEmpty else { unavailable("no stable patient is waiting to be acknowledged"); return }
            let sample = stable.prefix(3).map(\.title).joined(separator: "; ")
            overlay = .confirm(Confirmation(title: "Acknowledge every stable patient",
                                            question: "Acknowledge all \(stable.count) stable patients not yet acknowledged, each in your name? (\(sample)\(stable.count > 3 ? "; …" : ""))",
                                            command: "handover ack all-stable", done: "\(stable.count) stable patients acknowledged"))
        case .completeHandover: submit("handover complete")
        case .pauseHandover: submit(h?.status == .paused ? "handover resume" : "handover pause")
        case .startHandover:
            let staff = Set(state.staff.keys)
            let me = engine.actor
            overlay = .form(Form(title: "Start a handover", fields: [
                Form.Field("Incoming coordinator", hint: "their login") { v in
                    v == me ? "not yourself" : (staff.contains(v) ? nil : "no staff member '\(v)'")
                },
            ]) { v in "handover start to \(v[0])" })
        case .takeTask:
            guard let item, state.patients[item.key] != nil else { unavailable("select a patient with tasks"); return }
            let open = state.openTasks.compactMap { state.tasks[$0] }.filter { $0.patient == item.key }.sorted { $0.due < $1.due }
            guard let first = open.first else { unavailable("\(item.key) has no open task"); return }
            let ids = Set(open.map(\.id.description))
            overlay = .form(Form(title: "Take over a task of \(item.key)", fields: [
                Form.Field("Task", hint: open.prefix(6).map { "\($0.id) \($0.title)" }.joined(separator: "; "), value: first.id.description) { v in
                    ids.contains(v.uppercased()) ? nil : "one of \(ids.sorted().joined(separator: ", "))"
                },
            ]) { v in "handover take \(v[0].uppercased())" })
        default: break
        }
    }

    func drawHandover(_ g: inout Grid, _ body: Rect) {
        let items = handoverItems()
        let h = state.currentHandover
        var title = "Handover"
        if let h {
            let done = items.filter { h.acknowledged[$0.key] != nil }.count
            let missing = items.filter { $0.required && h.acknowledged[$0.key] == nil }.count
            // What decides the next step first: how many required items are left.
            title += " \(h.id) · " + (missing > 0 ? "‼ \(missing) required left" : "ready to complete") + " · \(done)/\(items.count) acknowledged · \(h.from) → \(h.to) · \(h.status.rawValue)"
        } else {
            title += " · none started (s starts one) · preview in I-PASS order"
        }
        g.box(body, title: title, style: .borderFocused, titleStyle: .paneTitleFocused)
        let inner = body.inner
        guard inner.width > 20, inner.height > 2, !items.isEmpty else {
            g.put("(no patients in beds and nothing to hand over)", x: inner.x + 1, y: inner.y + 1, style: .dim)
            return
        }
        let selected = selectedHandoverItem()
        let listWidth = inner.width >= 110 ? inner.width * 11 / 20 : inner.width
        let listHeight = inner.width >= 110 ? inner.height : max(3, inner.height / 2)
        let list = Rect(x: inner.x, y: inner.y, width: listWidth, height: listHeight)
        var top = handoverView.top
        let index = handoverView.selectedIndex
        if index < top { top = index }
        if index >= top + list.height { top = index - list.height + 1 }
        top = max(0, min(top, max(0, items.count - list.height)))
        handoverView.top = top
        for (n, item) in items.dropFirst(top).prefix(list.height).enumerated() {
            let acked = h?.acknowledged[item.key] != nil
            let mark = acked ? "✓" : (item.required ? "‼" : "○")
            let badge: String
            switch item.kind {
            case .patient(let s): badge = (s?.rawValue ?? "not assessed").uppercased()
            case .criticalResult: badge = "CRITICAL"
            case .procedureNotReady: badge = "NOT READY"
            default: badge = "UNIT"
            }
            let text = "\(mark) \(TextWidth.pad(badge, to: 12)) \(item.title)"
            let isSelected = item.key == selected?.key
            var style: StyleSlot = acked ? .done : (item.kind == .patient(.unstable) || item.kind == .criticalResult ? .overdue : (item.required ? .urgent : .normal))
            if isSelected { style = .selected; g.fill(Rect(x: list.x, y: list.y + n, width: list.width, height: 1), style: style) }
            g.put(TextWidth.truncate(text, to: list.width, ascii: g.ascii), x: list.x, y: list.y + n, style: style, maxWidth: list.width)
        }
        // The selected item, in full.
        let detail = inner.width >= 110
            ? Rect(x: inner.x + listWidth + 1, y: inner.y, width: inner.width - listWidth - 1, height: inner.height)
            : Rect(x: inner.x, y: inner.y + listHeight, width: inner.width, height: inner.height - listHeight)
        if inner.width >= 110 { for y in detail.y..<(detail.y + detail.height) { g.put(g.ascii ? "|" : "│", x: detail.x - 1, y: y, style: .border) } }
        guard let item = selected, detail.height > 0 else { return }
        var lines: [(String, StyleSlot)] = [(item.title, .unitHeading)]
        if let ack = h?.acknowledged[item.key] {
            lines.append(("✓ acknowledged by \(h!.to) at \(engine.wallClock.hhmm(ack.at))" + (ack.note.map { ": \($0)" } ?? ""), .done))
        } else if item.required {
            lines.append(("‼ must be acknowledged before the handover can be completed", .overdue))
        }
        lines += item.lines.map { ($0, $0.contains("OVERDUE") || $0.contains("CRITICAL") || $0.contains("NOT READY") ? StyleSlot.overdue : .normal) }
        var y = detail.y
        for (text, style) in lines {
            for part in wrapped(text, width: detail.width - 1) {
                guard y < detail.y + detail.height else { return }
                g.put(part, x: detail.x, y: y, style: style, maxWidth: detail.width)
                y += 1
            }
        }
    }

    func wrapped(_ text: String, width: Int) -> [String] {
        guard width > 8 else { return [text] }
        var out: [String] = [], line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if TextWidth.of(candidate) > width, !line.isEmpty { out.append(line); line = "  " + word } else { line = candidate }
        }
        if !line.isEmpty { out.append(line) }
        return out
    }

}

extension RoundsApp {
    // MARK: - I-PASS notes

    func ipassForm(mrn: MRN?) {
        guard let mrn, let st = state.stay(of: mrn) else { unavailable("select a patient who is admitted"); return }
        overlay = .form(Form(title: "I-PASS for \(mrn) (\(st.bed ?? "waiting"))", fields: [
            Form.Field("Severity", hint: "stable, watcher or unstable", required: false, value: st.severity?.rawValue ?? "") { v in
                Severity.parse(Substring(v)) == nil ? "stable, watcher or unstable" : nil
            },
            Form.Field("Summary", hint: "one line", required: false, value: st.summary ?? ""),
            Form.Field("If", hint: "optional contingency: the condition", required: false),
            Form.Field("Then", hint: "what to do (if left empty: tell the coordinator)", required: false),
            Form.Field("Aware", hint: "optional situation-awareness note", required: false),
        ]) { v in
            var line = "ipass \(mrn)"
            if !v[0].isEmpty && v[0] != (st.severity?.rawValue ?? "") { line += " severity \(v[0].lowercased())" }
            if !v[1].isEmpty && v[1] != (st.summary ?? "") { line += " summary \(v[1].quoted)" }
            if !v[2].isEmpty { line += " if \(v[2].quoted) then \((v[3].isEmpty ? "tell the coordinator" : v[3]).quoted)" }
            if !v[4].isEmpty { line += " aware \(v[4].quoted)" }
            return line
        })
    }

    // MARK: - Since you were last here

    public func showChanges() {
        let me = engine.actor
        let since = engine.state.lastShiftEnd(of: me, now: max(engine.clock.now(), engine.state.lastTime), wallClock: engine.wallClock)
        let changes: [Change]
        do { changes = try Engine.changes(journalAt: engine.journal.path, since: since, for: me) } catch {
            setStatus("✗ \(error)", error: true); return
        }
        audit(.viewed, patient: nil, detail: "changes since \(engine.wallClock.dateTime(since))")
        let w = engine.wallClock
        var lines: [String] = []
        for kind in ChangeKind.allCases.sorted(by: { $0.rank < $1.rank }) {
            let these = changes.filter { $0.kind == kind }
            guard !these.isEmpty else { continue }
            lines.append("\(kind.rawValue.initialCapital) (\(these.count))")
            lines += these.map { "  \(w.hhmm($0.time))  \($0.text)" + ($0.actor == me ? "" : "  — \($0.actor)") }
            lines.append("")
        }
        if lines.isEmpty { lines = ["Nothing changed for you since then."] }
        detailSubject = (nil, nil, false)
        overlay = .detail(title: "Since you were last here (\(w.dateTime(since)))", lines: lines, scroll: 0)
    }

    // MARK: - Time travel

    /// Enters time travel at `at` (now by default), over the 24 hours before it and up to 24
    /// hours after; or leaves it.
    public func toggleTimeline(at: Timestamp? = nil) {
        if timeline != nil {
            if pinnedToPast { setStatus("Opened with --at: this session stays in the past; quit and open Rounds again for now", error: true); return }
            timeline = nil
            setStatus("Back to now")
            return
        }
        let live = max(engine.clock.now(), engine.state.lastTime)
        let t = at ?? live
        do {
            timeline = try Timeline(journalAt: engine.journal.path, from: t - .hours(24), to: min(live, t + .hours(24)), at: t)
        } catch {
            setStatus("✗ \(error)", error: true); return
        }
        audit(.viewed, patient: nil, detail: "time travel to \(engine.wallClock.dateTime(t))")
        setStatus("Time travel: [ ] one event, { } 15 minutes" + (pinnedToPast ? "" : ", T returns to now"))
    }

    func step(_ delta: Int) {
        guard let t = timeline else { setStatus("[ and ] step through events while time travelling (T)", error: true); return }
        t.move(to: t.position + delta)
        if let r = t.current {
            setStatus("#\(r.seq) \(engine.wallClock.dateTime(r.time)) \(r.actor): \(r.event.summary)" + (t.atEnd ? " (latest)" : ""))
        } else {
            setStatus("The start of the window: \(engine.wallClock.dateTime(t.time))")
        }
    }

    func jump(_ minutes: Int64) {
        guard let t = timeline else { setStatus("{ and } move 15 minutes while time travelling (T)", error: true); return }
        t.move(toTime: t.time + .minutes(minutes))
        setStatus("\(engine.wallClock.dateTime(t.time)) — \(t.position) of \(t.records.count) events in the window")
    }
}
