import RoundsDomain
import RoundsEngine

public enum LayoutSize {
    /// At and above this size all four panes are shown at once.
    public static let full = (width: 160, height: 45)
    /// Below this, the "terminal too small" screen.
    public static let minimum = (width: 60, height: 16)
}

extension RoundsApp {
    /// Renders the whole screen. Pure apart from remembering what was shown, so keys act on it.
    public func render(width: Int, height: Int, ascii: Bool = false) -> Grid {
        var g = Grid(width: width, height: height, ascii: ascii)
        guard width >= LayoutSize.minimum.width, height >= LayoutSize.minimum.height else {
            let lines = ["terminal too small", "need \(LayoutSize.minimum.width)×\(LayoutSize.minimum.height)", "now \(width)×\(height)"]
            for (i, l) in lines.enumerated() {
                let text = ascii ? l.replacingOccurrences(of: "×", with: "x") : l
                g.put(text, x: max(0, (width - TextWidth.of(text)) / 2), y: max(0, height / 2 - 1 + i), style: i == 0 ? .headerAlert : .normal)
            }
            return g
        }
        if let lock {
            drawLock(&g, lock)
            return g
        }
        drawHeader(&g)
        let body = Rect(x: 0, y: 1, width: width, height: height - 3)
        if screen == .supervisor {
            drawSupervisor(&g, body)
        } else if screen == .handover {
            drawHandover(&g, body)
        } else if width >= LayoutSize.full.width && height >= LayoutSize.full.height {
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
        drawHints(&g, y: height - 2)
        drawStatus(&g, y: height - 1)
        if let o = overlay { drawOverlay(&g, o, body) }
        return g
    }

    func drawHeader(_ g: inout Grid) {
        let s = state
        let header = headerCounts()
        let (overdue, critical, waiting, urgent) = (header.overdue, header.critical, header.waiting, header.urgent)
        g.fill(Rect(x: 0, y: 0, width: g.width, height: 1), style: .header)
        let narrow = g.width < 140
        let left = narrow ? " Rounds · \(engine.actor) · \(engine.wallClock.hhmm(now))" : " Rounds · \(hospitalName) · \(engine.actor) · \(engine.wallClock.hhmm(now))"
        var x = g.put(left, x: 0, y: 0, style: .header) + 2
        if let shift = s.shift(at: now, wallClock: engine.wallClock), !narrow {
            x += g.put("\(shift.name) shift", x: x, y: 0, style: .header) + 2
        }
        if let t = timeline {
            let text = narrow ? "⏱ AS OF \(engine.wallClock.hhmm(t.time))" : "⏱ AS OF \(engine.wallClock.dateTime(t.time)) — the past, read-only"
            x += g.put(text, x: x, y: 0, style: .banner) + 2
        }
        if wall { x += g.put("WALL DISPLAY", x: x, y: 0, style: .banner) + 2 }
        else if readOnly != nil { x += g.put("READ-ONLY", x: x, y: 0, style: .banner) + 2 }
        if let grant = s.activeGrant(of: engine.actor, at: now) {
            let minutes = max(1, (grant.ends - now).milliseconds / 60_000)
            let text = narrow ? "⚠ BREAK-GLASS \(grant.id) \(minutes)m left" : "⚠ BREAK-GLASS \(grant.id) in force, \(minutes) min left — every action is reviewed"
            x += g.put(text, x: x, y: 0, style: .banner) + 2
        }
        let counts: [(String, Int)] = narrow
            ? [("overdue", overdue), ("critical", critical), ("waiting", waiting), ("urgent msg", urgent)]
            : [("overdue", overdue), ("critical not told", critical), ("waiting for a bed", waiting), ("urgent unacknowledged", urgent)]
        for (label, n) in counts {
            let text = (n > 0 ? "‼ " : "") + "\(n) \(label)"
            x += g.put(text, x: x, y: 0, style: n > 0 ? .headerAlert : .header) + (narrow ? 2 : 3)
        }
    }

    func drawTabs(_ g: inout Grid, y: Int) {
        var x = 0
        for p in PaneKind.allCases {
            let c = p == focus ? (shown[p] ?? content(p)) : content(p)
            let label = " \(p.rawValue + 1) \(p.title) · \(c.summary) "
            x += g.put(label, x: x, y: y, style: p == focus ? .paneTitleFocused : .paneTitle) + 1
        }
    }

    func drawPane(_ g: inout Grid, _ p: PaneKind, _ r: Rect) {
        let c = content(p)
        shown[p] = c
        resolveSelection(p, c)
        let focused = p == focus
        let v = views[p]!
        var title = "\(p.rawValue + 1) \(p.title) · \(c.summary)"
        if v.sort != 0 { title += " · by \(c.sortName)" }
        if !v.filter.isEmpty { title += " · filter \"\(v.filter)\"" }
        g.box(r, title: title, style: focused ? .borderFocused : .border, titleStyle: focused ? .paneTitleFocused : .paneTitle)
        let inner = r.inner
        guard inner.width > 4, inner.height > 1 else { return }
        if p == .beds && inner.width >= 96 && !c.side.isEmpty {
            let sideWidth = min(44, inner.width * 2 / 5)
            let main = Rect(x: inner.x, y: inner.y, width: inner.width - sideWidth - 1, height: inner.height)
            let side = Rect(x: inner.x + main.width + 1, y: inner.y, width: sideWidth, height: inner.height)
            for y in side.y..<(side.y + side.height) { g.put(g.ascii ? "|" : "│", x: side.x - 1, y: y, style: .border) }
            drawTable(&g, p, c.columns, c.rows, main, focused: focused, selectedKey: v.selected)
            let sideColumns: [PaneContent.Column] = [.init("Wait", 8), .init("Patient", 16, flexible: true), .init("From", 8), .init("Needs", 10)]
            drawTable(&g, p, sideColumns, RowList(c.side), side, focused: focused, selectedKey: v.selected)
        } else {
            drawTable(&g, p, c.columns, p == .beds ? RowList(c.sideInline + c.rows) : c.rows, inner, focused: focused, selectedKey: v.selected)
        }
    }

    /// Column widths for `available` columns: fixed ones as given, the flexible one takes the
    /// rest; columns that do not fit are dropped from the right.
    func widths(_ columns: [PaneContent.Column], _ available: Int) -> [Int] {
        var ws = columns.map(\.width)
        let gaps = max(0, columns.count - 1)
        while ws.count > 1 && ws.reduce(0, +) + ws.count - 1 > available {
            if let f = columns.prefix(ws.count).firstIndex(where: \.flexible), ws[f] > 12 {
                ws[f] = max(12, ws[f] - (ws.reduce(0, +) + ws.count - 1 - available))
                if ws.reduce(0, +) + ws.count - 1 <= available { break }
            }
            ws.removeLast()
        }
        let used = ws.reduce(0, +) + max(0, ws.count - 1)
        if used < available, let f = columns.prefix(ws.count).firstIndex(where: \.flexible) { ws[f] += available - used }
        _ = gaps
        return ws
    }

    func drawTable(_ g: inout Grid, _ p: PaneKind, _ columns: [PaneContent.Column], _ rows: RowList, _ r: Rect, focused: Bool, selectedKey: String?) {
        let ws = widths(columns, r.width)
        var x = r.x
        for (i, w) in ws.enumerated() {
            g.putPadded(columns[i].title, x: x, y: r.y, width: w, style: .columnHeading)
            x += w + 1
        }
        let visible = r.height - 1
        guard visible > 0 else { return }
        pageSize[p] = max(1, visible - 1)
        if rows.isEmpty {
            g.put(views[p]!.filter.isEmpty ? "(nothing here)" : "(no rows match the filter; Esc clears it)", x: r.x + 1, y: r.y + 1, style: .dim)
            return
        }
        // Keep the selected row in view.
        var top = views[p]!.top
        if let key = selectedKey, let i = rows.index(ofKey: key, near: views[p]!.top) {
            if i < top { top = i }
            if i >= top + visible { top = i - visible + 1 }
        }
        top = max(0, min(top, max(0, rows.count - visible)))
        views[p]!.top = top
        for (n, row) in rows.dropFirst(top).prefix(visible).enumerated() {
            let y = r.y + 1 + n
            let selected = row.key == selectedKey && row.selectable
            let style: StyleSlot = selected ? (focused ? .selected : .selectedUnfocused) : row.style
            let cells = row.cells
            if !row.selectable {
                g.putPadded(cells.first ?? "", x: r.x, y: y, width: r.width, style: row.style)
                continue
            }
            if selected { g.fill(Rect(x: r.x, y: y, width: r.width, height: 1), style: style) }
            var cx = r.x
            for (i, w) in ws.enumerated() {
                let cell = i < cells.count ? cells[i] : ""
                g.putPadded(TextWidth.truncate(cell, to: w, ascii: g.ascii), x: cx, y: y, width: w, style: style)
                cx += w + 1
            }
            if selected { g.put(g.ascii ? ">" : "▶", x: r.x + r.width - 1, y: y, style: style) }
        }
        if rows.count > visible {
            let more = "\(top + 1)–\(min(rows.count, top + visible)) of \(rows.count)"
            g.put(g.ascii ? more.replacingOccurrences(of: "–", with: "-") : more, x: r.x + max(0, r.width - TextWidth.of(more) - 1), y: r.y + r.height, style: .dim)
        }
    }

    func drawHints(_ g: inout Grid, y: Int) {
        g.fill(Rect(x: 0, y: y, width: g.width, height: 1), style: .hint)
        var x = 1
        let shown: [Action]
        if wall {
            shown = [ActionTable.action(.quit)]
        } else if screen == .supervisor {
            shown = [.supervisor, .reviewGrant, .down, .pageDown, .help, .commandLine, .quit].map(ActionTable.action)
        } else if screen == .handover {
            shown = ActionTable.all.filter { $0.scope == .handover } + [.ipass, .handover, .help, .quit].map(ActionTable.action)
        } else {
            shown = ActionTable.all.filter { $0.scope == .pane(focus) && $0.hinted } + ActionTable.all.filter { $0.scope == .global && $0.hinted }
        }
        for a in shown {
            let k = a.keys.first!.description
            let title = (a.id == .supervisor && screen == .supervisor) || (a.id == .handover && screen == .handover) ? "panes"
                : (a.id == .quit && wall ? "close the wall display" : a.title)
            let need = TextWidth.of(k) + TextWidth.of(title) + 3
            if x + need > g.width { break }
            x += g.put(k, x: x, y: y, style: .hintKey)
            x += g.put(" \(title)  ", x: x, y: y, style: .hint)
        }
    }

    func drawStatus(_ g: inout Grid, y: Int) {
        switch mode {
        case .command(let e):
            g.fill(Rect(x: 0, y: y, width: g.width, height: 1), style: .commandLine)
            g.put(":" + e.text, x: 0, y: y, style: .commandLine)
            if !completions.isEmpty {
                let list = "  ⇥ " + completions.prefix(8).joined(separator: " ")
                g.put(list, x: TextWidth.of(e.text) + 2, y: y, style: .dim)
            }
        case .filter(let e):
            g.fill(Rect(x: 0, y: y, width: g.width, height: 1), style: .commandLine)
            g.put("/" + e.text, x: 0, y: y, style: .commandLine)
            g.put("  filtering \(focus.title) — Enter keeps it, Esc clears", x: TextWidth.of(e.text) + 2, y: y, style: .dim)
        case .normal:
            g.put(status.text, x: 1, y: y, style: status.error ? .statusError : .statusOK, maxWidth: g.width - 2)
        }
    }

    func overlayRect(_ body: Rect, width: Int, height: Int) -> Rect {
        let w = min(body.width - 4, width), h = min(body.height - 2, height)
        return Rect(x: body.x + (body.width - w) / 2, y: body.y + max(1, (body.height - h) / 2), width: w, height: h)
    }

    func drawOverlay(_ g: inout Grid, _ o: Overlay, _ body: Rect) {
        switch o {
        case .confirmDiscard:
            let r = overlayRect(body, width: 56, height: 5)
            g.fill(r, style: .overlay)
            g.box(r, title: "Discard?", style: .overlay, titleStyle: .overlayTitle)
            g.put("Throw away what you typed in this form? y / n", x: r.x + 2, y: r.y + 2, style: .overlay, maxWidth: r.width - 4)
        case .confirmQuit:
            let r = overlayRect(body, width: 56, height: 5)
            g.fill(r, style: .overlay)
            g.box(r, title: "Quit?", style: .overlay, titleStyle: .overlayTitle)
            g.put("What you typed has not been saved. Quit anyway? y / n", x: r.x + 2, y: r.y + 2, style: .overlay, maxWidth: r.width - 4)
        case .help(let scroll):
            var lines: [(String, StyleSlot)] = []
            var scopes: [ActionScope] = [.global]
            scopes += PaneKind.allCases.map { .pane($0) }
            for scope in scopes {
                lines.append((scope.label, .overlayTitle))
                for a in ActionTable.all where a.scope == scope {
                    lines.append(("  " + TextWidth.pad(ActionTable.keyText(a), to: 14) + TextWidth.pad(a.title, to: 14) + a.help, .overlay))
                }
                lines.append(("", .overlay))
            }
            drawLines(&g, title: "Keys — ↑↓ scroll, any other key closes", lines: lines, scroll: scroll, body: body, width: 120)
        case .detail(let title, let lines, let scroll):
            drawLines(&g, title: "\(title) — Esc closes, p patient view", lines: lines.map { ($0, .overlay) }, scroll: scroll, body: body, width: 100)
        case .picker(let picker):
            let r = overlayRect(body, width: 90, height: min(picker.options.count + 4, 24))
            g.fill(r, style: .overlay)
            g.box(r, title: picker.title + " — ↑↓ choose, Enter assigns, Esc cancels", style: .overlay, titleStyle: .overlayTitle)
            let visible = r.height - 2
            let top = max(0, min(picker.selected - visible + 1, picker.options.count - visible))
            for (n, option) in picker.options.dropFirst(max(0, top)).prefix(visible).enumerated() {
                let i = n + max(0, top)
                g.putPadded((i == picker.selected ? "▶ " : "  ") + option.label, x: r.x + 1, y: r.y + 1 + n, width: r.width - 2,
                            style: i == picker.selected ? .selected : .overlay)
            }
        case .form(let form):
            let r = overlayRect(body, width: 84, height: form.fields.count * 2 + 5)
            g.fill(r, style: .overlay)
            g.box(r, title: form.title, style: .overlay, titleStyle: .overlayTitle)
            for (i, f) in form.fields.enumerated() {
                let y = r.y + 2 + i * 2
                let label = TextWidth.pad(f.label + (f.required ? "" : " (optional)"), to: 24)
                g.put(label, x: r.x + 2, y: y, style: .overlay)
                let fieldWidth = r.width - 28
                g.putPadded(f.editor.text + (i == form.focus ? "▏" : ""), x: r.x + 26, y: y, width: fieldWidth, style: i == form.focus ? .fieldFocused : .field)
                if let problem = f.problem, !f.editor.text.isEmpty || i != form.focus {
                    g.put("✗ " + problem, x: r.x + 26, y: y + 1, style: .fieldError, maxWidth: fieldWidth)
                } else if !f.hint.isEmpty {
                    g.put(f.hint, x: r.x + 26, y: y + 1, style: .dim, maxWidth: fieldWidth)
                }
            }
            g.put(form.isValid ? "Enter saves · Tab next field · Esc cancels" : "Tab next field · Esc cancels · fix the fields marked ✗",
                  x: r.x + 2, y: r.y + r.height - 2, style: .dim, maxWidth: r.width - 4)
        }
    }

    func drawLines(_ g: inout Grid, title: String, lines: [(String, StyleSlot)], scroll: Int, body: Rect, width: Int) {
        let r = overlayRect(body, width: width, height: lines.count + 2)
        g.fill(r, style: .overlay)
        g.box(r, title: title, style: .overlay, titleStyle: .overlayTitle)
        let visible = r.height - 2
        let top = max(0, min(scroll, lines.count - visible))
        for (n, line) in lines.dropFirst(top).prefix(visible).enumerated() {
            g.put(line.0, x: r.x + 2, y: r.y + 1 + n, style: line.1, maxWidth: r.width - 4)
        }
    }
}
