import RoundsDomain
import RoundsEngine

/// Supplies and equipment (E): the stock at each location against its par levels, and every
/// device with its state and maintenance; `v` switches. What needs doing comes first (out of
/// stock, below min, lots expired or expiring; maintenance overdue, awaiting repair, out of
/// service, maintenance due within 7 days). Keys put the matching `stock …` or `equip …`
/// command on the command line with the selected item filled in, checked by the one decider.
final class SuppliesScreen: AppScreen {
    enum Section: CaseIterable {
        case stock, equipment
        var title: String { self == .stock ? "stock" : "equipment" }
        var next: Section { self == .stock ? .equipment : .stock }
    }

    struct Row {
        /// `ITEM@LOC` or the asset tag.
        var key: String
        /// Needs doing now (‼), soon (!) or nothing.
        var urgency: Int
        var cells: [String]
        var what: String
        var mrn: MRN?
    }

    unowned let app: RoundsApp
    let id = Screen.supplies
    var section = Section.stock
    var views: [Section: PaneView] = [.stock: PaneView(), .equipment: PaneView()]
    var view: PaneView {
        get { views[section]! }
        set { views[section] = newValue }
    }
    var cache: (key: RoundsApp.RecordKey, section: Section, list: [Row])?

    init(app: RoundsApp) { self.app = app }

    var scope: ActionScope? { .supplies }
    var toggle: ActionID? { .supplies }
    var hints: [Action] { ActionTable.all.filter { $0.scope == .supplies && $0.hinted } + [.supplies, .help, .quit].map(ActionTable.action) }
    func draw(into g: inout Grid, body: Rect) { drawSupplies(&g, body) }
    func nothingHere(_ c: Character) -> String { "'\(c)' does nothing on the supplies and equipment screen; ? lists the keys" }

    var columns: [(String, Int)] {
        section == .stock ? [("Item", 10), ("At", 5), ("On hand", 8), ("Min-max", 8), ("State", 13), ("Expiry", 10)]
                          : [("Tag", 9), ("Kind", 10), ("State", 18), ("Maintenance", 11)]
    }

    func rows() -> [Row] {
        let key = recordKey()
        if let c = cache, c.key == key, c.section == section { return c.list }
        let s = state, t = now, w = engine.wallClock
        let today = w.localDate(t)
        var all: [Row] = []
        switch section {
        case .stock:
            for i in s.supplies.items.values {
                let expired = i.expired(on: today)
                let soon = i.lots.first { $0.expires >= today && today >= $0.expires.adding(days: -lotExpiryWindow) }
                let state = i.onHand == 0 && i.lastChange != nil ? "‼ OUT" : i.needsReorder ? "‼ below min" : expired > 0 ? "‼ \(expired) expired"
                    : soon != nil ? "! expiring" : i.lastChange == nil ? "not counted" : "ok"
                let urgency = state.hasPrefix("‼") ? 2 : state.hasPrefix("!") ? 1 : 0
                let ordered = i.order.map { " · \($0.quantity) on order, due \(w.localDate($0.expected))" } ?? ""
                all.append(Row(key: i.key, urgency: urgency,
                               cells: [i.item, i.location, "\(i.onHand)", "\(i.min)-\(i.max)", state, i.lots.first.map { "\($0.expires)" } ?? ""],
                               what: i.name + " (\(i.unit))" + ordered, mrn: nil))
            }
        case .equipment:
            for a in s.supplies.assets.values {
                let days = Int(a.maintenanceDate.daysSinceEpoch - today.daysSinceEpoch)
                let overdue = a.maintenanceOverdue(at: t)
                let maintenance = overdue ? "‼ OVERDUE" : days <= maintenanceLead ? "! in \(days)d" : "\(a.maintenanceDate)"
                let broken = a.status == .awaitingRepair || a.status == .outOfService
                let urgency = overdue || broken ? 2 : days <= maintenanceLead ? 1 : 0
                var mrn: MRN?
                switch a.holder {
                case .patient(let m)?: mrn = m
                case .procedure(let p)?: mrn = s.procedures[p]?.mrn
                default: break
                }
                let state = switch a.status {
                case .inUse: if case .procedure? = a.holder { "reserved" } else { "in use" }
                default: a.status.rawValue
                }
                let with = a.holder.map { h -> String in
                    switch h {
                    case .patient(let m): s.patients[m].map { "\(m) \(shortName($0.name))" + (s.stay(of: m)?.bed.map { " in \($0)" } ?? "") } ?? m
                    case .procedure(let p): s.procedures[p].map { "\(p) \($0.title) \(w.hhmm($0.start))" } ?? p.description
                    case .bed(let b): "bed \(b)"
                    }
                }
                all.append(Row(key: a.tag, urgency: urgency, cells: [a.tag, a.kind.rawValue, (urgency == 2 && broken ? "‼ " : "") + state, maintenance],
                               what: (with.map { $0 + " · " } ?? "") + a.name + (a.reason.map { " · \($0)" } ?? ""), mrn: mrn))
            }
        }
        let list = all.sorted { ($1.urgency, $0.key) < ($0.urgency, $1.key) }
        cache = (key, section, list)
        return list
    }

    func selected() -> Row? {
        let list = rows()
        guard !list.isEmpty else { return nil }
        if let key = view.selected, let i = list.firstIndex(where: { $0.key == key }) {
            view.selectedIndex = i
            return list[i]
        }
        let i = min(view.selectedIndex, list.count - 1)
        view.selectedIndex = i
        view.selected = list[i].key
        return list[i]
    }

    func move(_ delta: Int) {
        let list = rows()
        guard !list.isEmpty else { return }
        _ = selected()
        let i = max(0, min(list.count - 1, view.selectedIndex + delta))
        view.selectedIndex = i
        view.selected = list[i].key
    }

    func handle(_ key: Key) -> Handled {
        guard key == .escape else { return .unhandled }
        app.screen = .panes
        return .handled
    }

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
        case .supplySection:
            section = section.next
            setStatus("Supplies and equipment: \(section.title)")
        case .supplyNew:
            if section == .stock {
                prefill("stock add ", "Type ITEM at LOC name \"…\" unit UNIT min N max N [reorder N] [vendor \"…\"] [lead DAYS]; Enter sends, Esc cancels")
            } else {
                prefill("equip add ", "Type TAG kind \(EquipmentKind.allCases.map(\.rawValue).joined(separator: "|")) name \"…\" at LOC maintenance DATE [vendor \"…\"]; Enter sends")
            }
        case .supplyPatient, .patient:
            guard let row = selected() else { unavailable("there is nothing to open"); return .handled }
            guard let mrn = row.mrn else { unavailable(section == .stock ? "stock is not a patient's" : "\(row.key) is not with a patient"); return .handled }
            openPatient(mrn)
        case .supplyCount, .supplyReceive, .supplyUse, .supplyDiscard, .supplyOrder:
            guard let row = selected() else { unavailable("there is no \(section.title) yet; n adds some"); return .handled }
            if section == .stock {
                guard let i = state.supplies.items[row.key] else { return .handled }
                let at = "\(i.item) at \(i.location)"
                switch action.id {
                case .supplyCount: prefill("stock count \(at) ", "Type the count on the shelf [lot \"…\" for one lot]; Enter sends")
                case .supplyReceive: prefill("stock receive \(at) ", "Type the quantity received [lot \"…\" expires DATE]; Enter sends")
                case .supplyUse: prefill("stock use \(at) ", "Type the quantity used [for MRN]; expired lots are never used")
                case .supplyDiscard:
                    let lot = i.lots.first { $0.expires < engine.wallClock.localDate(now) } ?? i.lots.first
                    prefill("stock discard \(at) " + (lot.map { "\($0.quantity) lot \"\($0.lot)\" reason \"expired\"" } ?? ""),
                            lot == nil ? "Type the quantity and reason \"…\"" : "Enter discards lot \(lot!.lot) (edit the quantity, lot or reason first if need be)")
                default: prefill("stock order \(at)", "Enter records an order of \(i.amount(i.reorder)) (add a quantity to change it)" + (i.vendor.map { " from \($0)" } ?? "") + ", expected in \(i.leadDays) d")
                }
            } else {
                guard let a = state.supplies[row.key] else { return .handled }
                switch action.id {
                case .supplyCount: prefill("equip clean \(a.tag)", "Enter records \(a.tag) cleaned and back in service")
                case .supplyReceive: prefill("equip return \(a.tag)", "Enter records \(a.tag) returned (to cleaning)")
                case .supplyUse: prefill("equip assign \(a.tag) to ", "Type an MRN, a procedure (P12) or a bed (4W-12); Enter sends")
                case .supplyDiscard: prefill("equip fault \(a.tag) reason ", "Type the fault in quotes (equip out \(a.tag) reason \"…\" takes it out of service instead)")
                default: prefill("equip maintained \(a.tag) next ", "Type the next maintenance date (YYYY-MM-DD or +180d); Enter sends")
                }
            }
        case .filter, .sort, .discharge, .ipass:
            setStatus("\(action.title) works in the panes; E returns to them", error: true)
        default:
            return .unhandled
        }
        return .handled
    }

    /// The selected item in full.
    func detailLines(_ row: Row) -> [String] {
        let w = engine.wallClock
        if section == .stock {
            guard let i = state.supplies.items[row.key] else { return [] }
            let today = w.localDate(now)
            var lines = ["\(i.label): \(i.amount(i.onHand)) on hand, \(i.usable(on: today)) usable · min \(i.min) max \(i.max) · reorder \(i.reorder)"]
            lines.append("Vendor: \(i.vendor ?? "—") · lead \(i.leadDays) d" + (i.countedAt.map { " · counted \(w.dateTime($0))" } ?? ""))
            if let o = i.order { lines.append("On order: \(i.amount(o.quantity)) since \(w.dateTime(o.at)), expected \(w.dateTime(o.expected))") }
            if let t = i.reorderTask { lines.append("Reorder task: \(t)" + (state.tasks[t].map { " (\($0.status.rawValue))" } ?? "")) }
            for lot in i.lots {
                let gone = lot.expires < today
                lines.append("  lot \(lot.lot): \(i.amount(lot.quantity)), " + (gone ? "‼ EXPIRED \(lot.expires)" : "expires \(lot.expires)")
                             + (i.lotTasks[lot.lot].map { " · task \($0)" } ?? ""))
            }
            if i.unlotted > 0 { lines.append("  not in a lot: \(i.amount(i.unlotted))") }
            return lines
        }
        guard let a = state.supplies[row.key] else { return [] }
        var lines = ["\(a.label) \(a.name) · \(a.stateWords) since \(w.dateTime(a.since))"]
        lines.append("Home: \(a.location) · vendor \(a.vendor ?? "—")")
        lines.append("Maintenance due \(a.maintenanceDate)" + (a.maintenanceOverdue(at: now) ? " ‼ OVERDUE: it cannot be assigned or reserved until maintained" : "")
                     + (a.maintenanceTask.map { " · task \($0)" } ?? ""))
        if let t = a.collectTask { lines.append("Collect task: \(t)" + (state.tasks[t].map { " (\($0.status.rawValue))" } ?? "")) }
        if !row.what.isEmpty { lines.append(row.what) }
        return lines
    }

    func drawSupplies(_ g: inout Grid, _ body: Rect) {
        let list = rows()
        let attention = list.filter { $0.urgency == 2 }.count
        let title = "Supplies and equipment · \(section.title): \(list.count)" + (attention > 0 ? " · ‼ \(attention) need action" : "")
            + " · v \(section.next.title) · Esc returns"
        g.box(body, title: title, style: .borderFocused, titleStyle: .paneTitleFocused)
        let inner = body.inner
        guard inner.width > 20, inner.height > 3 else { return }
        guard !list.isEmpty else {
            g.put(section == .stock ? "No stock items yet." : "No equipment yet.", x: inner.x + 1, y: inner.y + 1, style: .dim, maxWidth: inner.width - 2)
            let how = section == .stock ? "n adds one: stock add ITEM at LOC name \"…\" unit box min N max N" : "n adds one: equip add TAG kind KIND name \"…\" at LOC maintenance DATE"
            g.put(how + "; v switches to \(section.next.title).", x: inner.x + 1, y: inner.y + 2, style: .dim, maxWidth: inner.width - 2)
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
        let cols = columns
        var x = area.x
        for (heading, width) in cols { g.putPadded(heading, x: x, y: area.y, width: width, style: .columnHeading); x += width + 1 }
        g.put(section == .stock ? "Name" : "With · name", x: x, y: area.y, style: .columnHeading, maxWidth: max(0, area.x + area.width - x))
        for (n, r) in list.dropFirst(top).prefix(visible).enumerated() {
            let y = area.y + 1 + n
            let isSelected = r.key == chosen?.key
            var style: StyleSlot = r.urgency == 2 ? .urgent : .normal
            if isSelected { style = .selected; g.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style) }
            var cx = area.x
            for (cell, (_, width)) in zip(r.cells, cols) {
                g.putPadded(TextWidth.truncate(drawn(cell, g), to: width, ascii: g.ascii), x: cx, y: y, width: width, style: style)
                cx += width + 1
            }
            let rest = area.x + area.width - 1 - cx
            if rest > 0 { g.putPadded(TextWidth.truncate(drawn(r.what, g), to: rest, ascii: g.ascii), x: cx, y: y, width: rest, style: style) }
            if isSelected { g.put(g.ascii ? ">" : "▶", x: area.x + area.width - 1, y: y, style: style) }
        }
        if list.count > visible {
            let more = "\(top + 1)-\(min(list.count, top + visible)) of \(list.count)"
            g.put(more, x: body.x + max(0, body.width - TextWidth.of(more) - 2), y: body.y + body.height - 1, style: .dim)
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
        let keys = section == .stock ? "c count · r receive · u use · x discard · e order · n new · v equipment"
                                     : "u assign · r return · c clean · x fault · e maintained · n new · p patient · v stock"
        text.append((keys, .dim))
        for (line, style) in text {
            for part in TextWidth.wrap(drawn(line, g), width: preview.width - 1, indent: 2) {
                guard y < preview.y + preview.height else { return }
                g.put(part, x: preview.x, y: y, style: style, maxWidth: preview.width)
                y += 1
            }
        }
    }
}
