import RoundsDomain
import RoundsEngine

/// Open loops (O): what was asked of someone and must come back. Two sections, `v` switches:
/// the referrals (waiting for the specialist's report) and the complaints (waiting for a
/// response). Open ones overdue first, then by due time; with `a` also those closed in the last
/// 30 days. Keys put the matching command on the command line with the selected item filled
/// in, so what is typed is the command language, checked by the one decider.
final class LoopsScreen: AppScreen {
    enum Section: CaseIterable {
        case referrals, complaints, followUps
        var title: String {
            switch self {
            case .referrals: "referrals"
            case .complaints: "complaints"
            case .followUps: "follow-ups"
            }
        }
        var next: Section { Section.allCases[(Section.allCases.firstIndex(of: self)! + 1) % Section.allCases.count] }
    }

    /// One line of the list, whatever the section.
    struct Row {
        var id: String
        var open: Bool
        var overdue: Bool
        /// ✓ closed as hoped (the report received, the complaint resolved), ✗ otherwise.
        var closedWell: Bool
        var status: String
        var kind: String
        var since: Timestamp
        var due: Timestamp
        var closedAt: Timestamp?
        var mrn: MRN?
        var what: String
    }

    unowned let app: RoundsApp
    let id = Screen.loops
    var section = Section.referrals
    var views: [Section: PaneView] = [.referrals: PaneView(), .complaints: PaneView(), .followUps: PaneView()]
    var view: PaneView {
        get { views[section]! }
        set { views[section] = newValue }
    }
    /// Also list what was closed in the last 30 days.
    var showClosed = false
    var cache: (key: RoundsApp.RecordKey, section: Section, closed: Bool, list: [Row], open: Int)?

    init(app: RoundsApp) { self.app = app }

    var scope: ActionScope? { .loops }
    var toggle: ActionID? { .loops }
    var hints: [Action] { ActionTable.all.filter { $0.scope == .loops } + [.loops, .help, .quit].map(ActionTable.action) }
    func draw(into g: inout Grid, body: Rect) { drawLoops(&g, body) }
    func nothingHere(_ c: Character) -> String { "'\(c)' does nothing on the open loops screen; ? lists the keys" }

    /// The section's rows: open ones overdue first, then by due time; then, with `a`, the
    /// closed in the last 30 days, latest first. Kept per record and minute.
    func rows() -> (list: [Row], open: Int) {
        let key = recordKey()
        if let c = cache, c.key == key, c.section == section, c.closed == showClosed { return (c.list, c.open) }
        let s = state, t = now
        var all: [Row]
        switch section {
        case .referrals:
            all = s.referrals.byID.values.map { r in
                Row(id: r.id.description, open: r.isOpen, overdue: r.isOverdue(at: t), closedWell: r.status == .complete, status: r.status.rawValue,
                    kind: r.urgency.rawValue, since: r.sentAt, due: r.due, closedAt: r.closedAt, mrn: r.mrn,
                    what: r.destination + (r.highRisk ? " · HIGH RISK" : ""))
            }
        case .complaints:
            all = s.complaints.byID.values.map { c in
                Row(id: c.id.description, open: c.isOpen, overdue: c.isOverdue(at: t), closedWell: c.status == .closed, status: c.status.rawValue,
                    kind: c.category.rawValue, since: c.receivedAt, due: c.responseDue, closedAt: c.closedAt, mrn: c.patient,
                    what: (c.grievance ? "grievance: " : "") + c.summary)
            }
        case .followUps:
            all = s.followUps.byID.values.map { f in
                let stage = f.status != .open ? f.status.rawValue : f.reachedAt == nil ? "to call" : f.visitAt == nil ? "reached" : "visit booked"
                return Row(id: f.id.description, open: f.isOpen, overdue: f.callLate(at: t) || f.visitLate(at: t), closedWell: f.status == .done,
                           status: stage, kind: "LACE \(f.lace.total)", since: f.dischargedAt, due: f.reachedAt == nil ? f.callDue : f.visitDue,
                           closedAt: f.isOpen ? nil : f.history.last?.at, mrn: f.mrn,
                           what: (f.readmittedAt != nil ? "READMITTED · " : "") + f.reasons.joined(separator: ", "))
            }
        }
        func number(_ id: String) -> Int { Int(id.dropFirst()) ?? 0 }
        let open = all.filter(\.open).sorted { a, b in
            a.overdue != b.overdue ? a.overdue : (a.due, number(a.id)) < (b.due, number(b.id))
        }
        var closed: [Row] = []
        if showClosed {
            closed = all.filter { r in r.closedAt.map { $0 >= t - .days(30) } ?? false }
                .sorted { ($0.closedAt!, number($0.id)) > ($1.closedAt!, number($1.id)) }
        }
        cache = (key, section, showClosed, open + closed, open.count)
        return (open + closed, open.count)
    }

    func selected() -> Row? {
        let list = rows().list
        guard !list.isEmpty else { return nil }
        if let key = view.selected, let i = list.firstIndex(where: { $0.id == key }) {
            view.selectedIndex = i
            return list[i]
        }
        let i = min(view.selectedIndex, list.count - 1)
        view.selectedIndex = i
        view.selected = list[i].id
        return list[i]
    }

    func move(_ delta: Int) {
        let list = rows().list
        guard !list.isEmpty else { return }
        _ = selected()
        let i = max(0, min(list.count - 1, view.selectedIndex + delta))
        view.selectedIndex = i
        view.selected = list[i].id
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
        case .loopSection:
            section = section.next
            setStatus("Open loops: \(section.title)")
        case .loopClosedToo:
            showClosed.toggle()
            setStatus(showClosed ? "Showing what was closed in the last 30 days too" : "Showing what is open only")
        case .loopNew:
            let mrn = selected()?.mrn
            if section == .followUps {
                unavailable("a follow-up is opened by the discharge of a vulnerable or high-risk patient")
            } else if section == .referrals {
                prefill("ref add \(mrn.map { "\($0) " } ?? "")to ", "Type the service in quotes, then reason \"…\" [urgency stat|urgent|routine] [due DATE] [external]; Enter sends, Esc cancels")
            } else {
                prefill("complaint add ", "Type the complaint in quotes, then [from patient|family|other] [via verbal|phone|written|email] [category …]"
                        + (mrn.map { " patient \($0)" } ?? " [patient MRN]") + " [about S12,P3]; Enter sends")
            }
        case .loopPatient, .patient:
            guard let mrn = selected()?.mrn else { unavailable(selected() == nil ? "there is nothing to open" : "this complaint names no patient"); return .handled }
            openPatient(mrn)
        case .loopReceive, .loopStep, .loopUnable, .loopClose, .loopCancel:
            guard let row = selected() else { unavailable("there are no \(section.title)" + (section == .followUps ? "" : "; n makes one")); return .handled }
            if section == .followUps {
                switch action.id {
                case .loopReceive: prefill("followup call \(row.id) reached", "Enter records that \(row.mrn ?? "the patient") was reached (add note \"…\" if you like)")
                case .loopUnable: prefill("followup call \(row.id) voicemail", "Enter records a call that did not reach them (change to no-answer or wrong-number); it does not count")
                case .loopStep: prefill("followup visit \(row.id) at ", "Type the booked visit's time [with \"clinic or doctor\"]; Enter sends")
                case .loopClose: prefill("followup visit \(row.id) attended", "Enter records the visit attended (or change to missed)")
                default: prefill("followup close \(row.id) reason ", "Type why it is closed (declined, moved away), in quotes")
                }
            } else if section == .referrals {
                let high = state.referrals[ReferralID(Int(row.id.dropFirst()) ?? 0)]?.highRisk ?? false
                switch action.id {
                case .loopReceive: prefill("ref receive \(row.id)", "Enter records that the service received \(row.id)")
                case .loopStep: prefill("ref schedule \(row.id) at ", "Type the appointment's time (tomorrow 10:00, 2026-12-03 14:30); Enter sends")
                case .loopUnable: prefill("ref unable \(row.id) reason ", "Type why it cannot be scheduled, in quotes; Enter sends")
                case .loopClose: prefill("ref report \(row.id) ", "Type the report's summary in quotes: the loop closes (ref partial \(row.id) \"…\" for partial results)")
                default: prefill("ref cancel \(row.id) reason ", "Type the reason in quotes (or change cancel to discontinue)" + (high ? "; high risk: add override \"reviewed by …\"" : ""))
                }
            } else {
                switch action.id {
                case .loopReceive: prefill("complaint notice \(row.id) ", "Type what the \"still working on it\" notice said, in quotes [next DATE]; the clock starts again")
                case .loopStep: prefill("complaint note \(row.id) ", "Type the step taken, in quotes; Enter sends")
                case .loopUnable: prefill("complaint grievance \(row.id)", "Enter declares \(row.id) a grievance")
                case .loopClose: prefill("complaint close \(row.id) contact ", "Type: \"contact\" steps \"steps taken\" result \"the result\" [completed DATE]; then rounds report notice --id \(row.id) prints the notice")
                default: prefill("complaint withdraw \(row.id) reason ", "Type why it was withdrawn, in quotes; Enter sends")
                }
            }
        case .filter, .sort, .discharge, .ipass:
            setStatus("\(action.title) works in the panes; O returns to them", error: true)
        default:
            return .unhandled
        }
        return .handled
    }

    /// The selected item in full.
    func detailLines(_ row: Row) -> [String] {
        switch section {
        case .referrals:
            guard let r = state.referrals[ReferralID(Int(row.id.dropFirst()) ?? 0)] else { return [] }
            return referralLines(r)
        case .complaints:
            guard let c = state.complaints[ComplaintID(Int(row.id.dropFirst()) ?? 0)] else { return [] }
            return complaintLines(c)
        case .followUps:
            guard let f = state.followUps[FollowUpID(Int(row.id.dropFirst()) ?? 0)] else { return [] }
            let w = engine.wallClock
            var lines = [app.followUpLine(f), "Patient: \(state.patients[f.mrn].map { "\(f.mrn) \($0.name)" } ?? f.mrn) · stay \(f.stay)",
                         "Why: \(f.reasons.joined(separator: ", ")) · C (Charlson) is not known to Rounds and counts 0"]
            lines.append("Call task \(f.callTask)" + (f.visitTask.map { " · visit task \($0)" } ?? ""))
            for h in f.history { lines.append("  \(w.dateTime(h.at)) \(h.by): \(h.step.rawValue)" + (h.note.map { " — \($0)" } ?? "")) }
            return lines
        }
    }

    func complaintLines(_ c: Complaint) -> [String] {
        let w = engine.wallClock
        var lines = [app.complaintLine(c)]
        if let mrn = c.patient {
            let bed = state.stay(of: mrn).map { $0.bed.map { "in bed \($0)" } ?? "waiting for a bed" } ?? "not admitted now"
            lines.append("Patient: \(state.patients[mrn].map { "\(mrn) \($0.name)" } ?? mrn) (\(bed))")
        }
        if let name = c.complainant { lines.append("From: \(name) (\(c.source.rawValue))") }
        lines.append("Received \(w.dateTime(c.receivedAt)) by \(c.receivedBy) · owner \(c.owner)" + (c.about.isEmpty ? "" : " · about \(c.about.joined(separator: ", "))"))
        if c.notices > 0 { lines.append("\"Still working on it\" notices sent: \(c.notices)") }
        if let t = c.overdueTask { lines.append("Notice task: \(t)" + (state.tasks[t].map { " (\($0.status.rawValue))" } ?? "")) }
        if let r = c.resolution { lines.append("Notice: contact \(r.contact); steps: \(r.steps); result: \(r.result); completed \(r.completed)") }
        for h in c.history { lines.append("  \(w.dateTime(h.at)) \(h.by): \(h.step.rawValue)" + (h.note.map { " — \($0)" } ?? "")) }
        return lines
    }

    /// A referral in full: what was asked, of whom, and every step.
    func referralLines(_ r: Referral) -> [String] {
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
        let (list, open) = rows()
        let overdue = list.prefix(open).filter(\.overdue).count
        let other = section.next.title
        let title = "Open loops · \(section.title): " + (open > 0 ? "\(open) open" : "none open") + (overdue > 0 ? " · ‼ \(overdue) overdue" : "")
            + (showClosed ? " · closed in 30 days: \(list.count - open)" : "") + " · v \(other) · O or Esc returns"
        g.box(body, title: title, style: .borderFocused, titleStyle: .paneTitleFocused)
        let inner = body.inner
        guard inner.width > 20, inner.height > 3 else { return }
        guard !list.isEmpty else {
            let none = "No open \(section.title)."
            g.put(showClosed ? "Nothing open or closed in the last 30 days." : none, x: inner.x + 1, y: inner.y + 1, style: .dim, maxWidth: inner.width - 2)
            let how = switch section {
            case .referrals: "n starts one: ref add MRN to \"Service\" reason \"…\""
            case .complaints: "n logs one: complaint add \"…\" patient MRN category …"
            case .followUps: "a discharge of a vulnerable or high-risk patient opens one"
            }
            g.put(how + "; a shows the recently closed; v switches to \(other).", x: inner.x + 1, y: inner.y + 2, style: .dim, maxWidth: inner.width - 2)
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
        // Narrow: the patient by MRN alone, the category shortened, so what it is about has room.
        let narrow = area.width < 100
        let patientWidth = narrow ? 10 : 20
        let kindWidth = section == .referrals ? 7 : section == .followUps ? 7 : narrow ? 9 : 13
        let kindHeading = switch section { case .referrals: "Urgency"; case .complaints: "Category"; case .followUps: "Risk" }
        let columns: [(String, Int)] = [("Ref", 5), ("Status", section == .referrals ? 17 : 15), (kindHeading, kindWidth), ("Age", 6), ("Due", 11), ("Patient", patientWidth)]
        var x = area.x
        for (heading, width) in columns { g.putPadded(heading, x: x, y: area.y, width: width, style: .columnHeading); x += width + 1 }
        g.put(section == .referrals ? "To" : section == .complaints ? "Complaint" : "Why", x: x, y: area.y, style: .columnHeading, maxWidth: max(0, area.x + area.width - x))
        for (n, r) in list.dropFirst(top).prefix(visible).enumerated() {
            let y = area.y + 1 + n
            let isSelected = r.id == chosen?.id
            var style: StyleSlot = r.overdue ? .urgent : (r.open ? .normal : .dim)
            if isSelected { style = .selected; g.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style) }
            let mark = r.overdue ? "‼ " : r.open ? "○ " : r.closedWell ? "✓ " : "✗ "
            let due = r.open ? (r.overdue ? "late \(now - r.due)" : w.localDate(r.due) == w.localDate(now) ? "today \(w.hhmm(r.due))" : "\(w.localDate(r.due))")
                             : (r.closedAt.map { "\(w.localDate($0))" } ?? "")
            let who = r.mrn.map { mrn in narrow ? mrn : state.patients[mrn].map { "\(mrn) \(shortName($0.name))" } ?? mrn } ?? ""
            let cells = [r.id, mark + r.status, r.kind, "\(age(since: r.since, at: now))", due, who]
            var cx = area.x
            for (cell, (_, width)) in zip(cells, columns) {
                g.putPadded(TextWidth.truncate(drawn(cell, g), to: width, ascii: g.ascii), x: cx, y: y, width: width, style: style)
                cx += width + 1
            }
            let rest = area.x + area.width - 1 - cx
            if rest > 0 { g.putPadded(TextWidth.truncate(drawn(r.what, g), to: rest, ascii: g.ascii), x: cx, y: y, width: rest, style: style) }
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
        let keys = switch section {
        case .referrals: "r received · s schedule · u unable · e report (closes the loop) · x cancel · "
        case .complaints: "r notice sent · s step taken · u grievance · e close with the notice · x withdraw · "
        case .followUps: "r reached · u not reached · s visit booked · e visit attended · x close · "
        }
        text.append(((r.open ? keys : "") + "p patient · n new · a closed too · v \(other)", .dim))
        for (line, style) in text {
            for part in TextWidth.wrap(drawn(line, g), width: preview.width - 1, indent: 2) {
                guard y < preview.y + preview.height else { return }
                g.put(part, x: preview.x, y: y, style: style, maxWidth: preview.width)
                y += 1
            }
        }
    }
}
