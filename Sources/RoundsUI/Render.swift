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
        // One copy of the state lent to every row the frame formats (rather than one per row).
        stateSource.pinned(state) { renderFrame(width: width, height: height, ascii: ascii) }
    }

    private func renderFrame(width: Int, height: Int, ascii: Bool) -> Grid {
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
            lock.draw(into: &g, login: engine.actor, wallClock: engine.wallClock)
            return g
        }
        drawHeader(&g)
        // A status message longer than the line takes the lines it needs (up to a quarter of
        // the screen), so it can be read in full; the panes give way.
        let statusRows = statusLines(width: width, height: height, ascii: ascii)
        statusRowsShown = statusRows.count
        let extra = statusRows.count - 1
        let body = Rect(x: 0, y: 1, width: width, height: height - 3 - extra)
        shownScreen.draw(into: &g, body: body)
        drawHints(&g, y: height - 2 - extra)
        drawStatus(&g, y: height - 1 - extra, lines: statusRows)
        if let o = overlay { drawOverlay(&g, o, body) }
        return g
    }

    func drawHeader(_ g: inout Grid) {
        let s = state
        let header = headerCounts()
        let (overdue, critical, waiting, urgent) = (header.overdue, header.critical, header.waiting, header.urgent)
        g.fill(Rect(x: 0, y: 0, width: g.width, height: 1), style: .header)
        // Open interface items are counted only when there are some, marked ⚠ (not by colour alone).
        let interface = header.interface > 0 ? "⚠ \(header.interface) interface" : nil
        let wideLeft = " Rounds · \(hospitalName) · \(engine.actor) · \(engine.wallClock.hhmm(now))"
        var narrow = g.width < 140
        if !narrow, let interface {
            // The wide header with the interface count must fit, or it is laid out as a narrow one.
            let shift = s.shift(at: now, wallClock: engine.wallClock).map { "\($0.name) shift  " } ?? ""
            var texts = [interface]
            for (n, label) in [(overdue, "overdue"), (critical, "critical not told"), (waiting, "waiting for a bed"), (urgent, "urgent unacknowledged")] {
                texts.append((n > 0 ? "‼ " : "") + "\(n) \(label)")
            }
            let width = TextWidth.of(drawn(wideLeft, g)) + 2 + TextWidth.of(drawn(shift, g)) + texts.reduce(0) { $0 + TextWidth.of(drawn($1, g)) } + 3 * (texts.count - 1)
            narrow = width > g.width
        }
        var left = narrow ? " Rounds · \(engine.actor) · \(engine.wallClock.hhmm(now))" : wideLeft
        // Narrow counts: `‼ 2 overdue`, or, when the interface count would not fit, `‼2 overdue`, `‼1 crit`.
        var compact = false
        if narrow {
            // The counts matter more than the name of the program: it goes first when short of room.
            func countsWidth(_ compact: Bool) -> Int {
                let texts = narrowCounts(header, compact: compact)
                return texts.reduce(0) { $0 + TextWidth.of(drawn($1.text, g)) } + 2 * (texts.count - 1)
            }
            let short = " \(engine.actor) · \(engine.wallClock.hhmm(now))"
            if TextWidth.of(left) + 2 + countsWidth(false) > g.width {
                if interface != nil, TextWidth.of(short) + 2 + countsWidth(false) > g.width {
                    compact = true
                    if TextWidth.of(left) + 2 + countsWidth(true) > g.width { left = short }
                } else {
                    left = short
                }
            }
        }
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
        var counts: [(text: String, alert: Bool)] = []
        if narrow {
            counts = narrowCounts(header, compact: compact)
        } else {
            for (label, n) in [("overdue", overdue), ("critical not told", critical), ("waiting for a bed", waiting), ("urgent unacknowledged", urgent)] {
                counts.append(((n > 0 ? "‼ " : "") + "\(n) \(label)", n > 0))
            }
            if let interface { counts.append((interface, true)) }
        }
        for (text, alert) in counts {
            x += g.put(text, x: x, y: 0, style: alert ? .headerAlert : .header) + (narrow ? 2 : 3)
        }
    }

    /// The header's counts on a narrow screen; `compact` when the interface count needs the room.
    func narrowCounts(_ h: HeaderCounts, compact: Bool) -> [(text: String, alert: Bool)] {
        let counts = compact
            ? [(h.overdue, "overdue"), (h.critical, "crit"), (h.waiting, "wait"), (h.urgent, "urgent")]
            : [(h.overdue, "overdue"), (h.critical, "critical"), (h.waiting, "waiting"), (h.urgent, "urgent msg")]
        var texts: [(text: String, alert: Bool)] = []
        for (n, label) in counts { texts.append(((n > 0 ? (compact ? "‼" : "‼ ") : "") + "\(n) \(label)", n > 0)) }
        if h.interface > 0 { texts.append(((compact ? "⚠" : "⚠ ") + "\(h.interface) interface", true)) }
        return texts
    }

}

extension PanesScreen {
    /// The tab strip: every pane with its counts. When the full titles and counts do not fit,
    /// shorter ones are used (`1 Worklist 152 open ‼31 late`), then short titles, then the
    /// focused pane's counts are left to its own title just below, then the bed forecast's
    /// units short, then the other titles; the counts always stay.
    func drawTabs(_ g: inout Grid, y: Int) {
        let contents = PaneKind.allCases.map { p in p == focus ? (shown[p] ?? content(p)) : content(p) }
        let focused = self.focus
        let levels: [(PaneKind, PaneContent) -> String] = [
            { p, c in " \(p.rawValue + 1) \(p.title) · \(c.summary) " },
            { p, c in " \(p.rawValue + 1) \(p.title) \(c.shortSummary) " },
            { p, c in " \(p.rawValue + 1) \(p.shortTitle) \(c.shortSummary) " },
            { p, c in "\(p.rawValue + 1) \(p.shortTitle) \(c.shortSummary)" },
            // The focused pane's counts are in its own title, just below.
            { p, c in "\(p.rawValue + 1) \(p.shortTitle)" + (p == focused ? "" : " \(c.shortSummary)") },
            // What can wait for the pane's own title (the bed forecast) goes before the titles do.
            { p, c in "\(p.rawValue + 1) \(p.shortTitle)" + (p == focused ? "" : " \(c.tightSummary ?? c.shortSummary)") },
            { p, c in "\(p.rawValue + 1)" + (p == focused ? "" : ":\(c.shortSummary)") },
        ]
        var labels: [String] = []
        var tight = false
        for (i, level) in levels.enumerated() {
            labels = zip(PaneKind.allCases, contents).map { drawn(level($0, $1), g) }
            tight = i >= 3
            if labels.reduce(0, { $0 + TextWidth.of($1) }) + labels.count - 1 <= g.width { break }
        }
        var x = 0
        for (p, label) in zip(PaneKind.allCases, labels) {
            if x > 0, tight { g.put(g.ascii ? "|" : "│", x: x - 1, y: y, style: .border) }
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
        if let note = c.note { title += " · \(note)" }
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
            let sideColumns: [PaneContent.Column] = [.init("Wait", 8, keep: true), .init("Patient", 16, flexible: true, priority: 3), .init("From", 8, priority: 1), .init("Needs", 10, priority: 2)]
            drawTable(&g, p, sideColumns, RowList(c.side), side, focused: focused, selectedKey: v.selected)
        } else {
            drawTable(&g, p, c.columns, p == .beds ? RowList(c.sideInline + c.rows) : c.rows, inner, focused: focused, selectedKey: v.selected)
        }
    }

    /// Column widths for `available` columns, nil for a column left out. `measured` is the
    /// widest value of each column on screen (as drawn: in ASCII, folded). Columns that keep
    /// their width (`keep`) are as wide as their widest value; the flexible one takes what is
    /// left, giving way first (down to 16 columns); then the others are left out, the lowest
    /// priority first; a keep column is cut only when nothing else is left.
    func widths(_ columns: [PaneContent.Column], _ available: Int, measured: [Int] = []) -> [Int?] {
        var ws: [Int?] = columns.enumerated().map { i, c in
            c.keep ? max(c.width, TextWidth.of(c.title), i < measured.count ? measured[i] : 0) : c.width
        }
        func used() -> Int { let shown = ws.compactMap { $0 }; return shown.reduce(0, +) + max(0, shown.count - 1) }
        let flex = columns.firstIndex(where: \.flexible)
        while used() > available {
            let excess = used() - available
            if let f = flex, let w = ws[f], w > 16 { ws[f] = max(16, w - excess); continue }
            // Columns of little use go first (priority 1 or less); the title gives way to 12
            // columns before a column that matters (a patient) is left out.
            if let drop = ws.indices.filter({ ws[$0] != nil && !columns[$0].keep && !columns[$0].flexible && columns[$0].priority <= 1 })
                .min(by: { (columns[$0].priority, -$0) < (columns[$1].priority, -$1) }) {
                ws[drop] = nil; continue
            }
            if let f = flex, let w = ws[f], w > 12 { ws[f] = max(12, w - excess); continue }
            let droppable = ws.indices.filter { ws[$0] != nil && !columns[$0].keep }
            if ws.compactMap({ $0 }).count > 1, let drop = droppable.min(by: { (columns[$0].priority, -$0) < (columns[$1].priority, -$1) }) {
                ws[drop] = nil; continue
            }
            // Only columns that keep their width are left: cut the widest.
            guard let widest = ws.indices.filter({ ws[$0] != nil }).max(by: { ws[$0]! < ws[$1]! }), ws[widest]! > 1 else { break }
            ws[widest] = max(1, ws[widest]! - excess)
        }
        let extra = available - used()
        if extra > 0 {
            if let f = flex, ws[f] != nil { ws[f]! += extra }
            else if let last = ws.indices.last(where: { ws[$0] != nil }) { ws[last]! += extra }
        }
        return ws
    }

    func drawTable(_ g: inout Grid, _ p: PaneKind, _ columns: [PaneContent.Column], _ rows: RowList, _ r: Rect, focused: Bool, selectedKey: String?) {
        let visible = r.height - 1
        // Keep the selected row in view.
        var top = views[p]!.top
        if visible > 0, let key = selectedKey, let i = rows.index(ofKey: key, near: views[p]!.top) {
            if i < top { top = i }
            if i >= top + visible { top = i - visible + 1 }
        }
        top = max(0, min(top, max(0, rows.count - max(visible, 0))))
        let onScreen = visible > 0 ? Array(rows.dropFirst(top).prefix(visible)) : []
        let cellsOnScreen = onScreen.map { row in row.cells.map { drawn($0, g) } }
        var measured = Array(repeating: 0, count: columns.count)
        for (row, cells) in zip(onScreen, cellsOnScreen) where row.selectable {
            for (i, cell) in cells.enumerated() where i < columns.count && columns[i].keep { measured[i] = max(measured[i], TextWidth.of(cell)) }
        }
        // The last column is left for the selection mark, so it never covers a value.
        let ws = widths(columns, r.width - 1, measured: measured)
        var x = r.x
        for (i, w) in ws.enumerated() {
            guard let w else { continue }
            g.putPadded(columns[i].title, x: x, y: r.y, width: w, style: .columnHeading)
            x += w + 1
        }
        guard visible > 0 else { return }
        pageSize[p] = max(1, visible - 1)
        if rows.isEmpty {
            g.put(views[p]!.filter.isEmpty ? "(nothing here)" : "(no rows match the filter; Esc clears it)", x: r.x + 1, y: r.y + 1, style: .dim)
            return
        }
        views[p]!.top = top
        for (n, (row, cells)) in zip(onScreen, cellsOnScreen).enumerated() {
            let y = r.y + 1 + n
            let selected = row.key == selectedKey && row.selectable
            let style: StyleSlot = selected ? (focused ? .selected : .selectedUnfocused) : row.style
            if !row.selectable {
                g.putPadded(cells.first ?? "", x: r.x, y: y, width: r.width, style: row.style)
                continue
            }
            if selected { g.fill(Rect(x: r.x, y: y, width: r.width, height: 1), style: style) }
            var cx = r.x
            for (i, w) in ws.enumerated() {
                guard let w else { continue }
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

}

extension RoundsApp {
    /// Text as the grid will draw it (folded to ASCII on an ASCII terminal), so widths are
    /// counted on what is drawn: `‼` is two columns as `!!`.
    func drawn(_ text: String, _ g: Grid) -> String { g.ascii ? TextWidth.asciiFold(text.terminalSafe) : text.terminalSafe }

    func drawHints(_ g: inout Grid, y: Int) {
        g.fill(Rect(x: 0, y: y, width: g.width, height: 1), style: .hint)
        var x = 1
        let current = shownScreen
        let shown = wall ? [ActionTable.action(.quit)] : current.hints
        for a in shown {
            let k = a.keys.first!.description
            // On a screen, its own key returns to the panes.
            let title = a.id == current.toggle ? "panes" : (a.id == .quit && wall ? "close the wall display" : a.title)
            let need = TextWidth.of(k) + TextWidth.of(title) + 3
            if x + need > g.width { break }
            x += g.put(k, x: x, y: y, style: .hintKey)
            x += g.put(" \(title)  ", x: x, y: y, style: .hint)
        }
    }

    /// The status message as the lines it is shown in: one, unless it is longer than the line
    /// (and no command or filter is being typed there).
    func statusLines(width: Int, height: Int, ascii: Bool) -> [String] {
        guard case .normal = mode else { return [""] }
        let text = ascii ? TextWidth.asciiFold(status.text) : status.text
        var lines = TextWidth.wrap(text, width: width - 2, indent: 2)
        let most = max(1, height / 4)
        if lines.count > most {
            lines = Array(lines.prefix(most))
            lines[most - 1] = TextWidth.truncate(lines[most - 1] + " …", to: width - 2, ascii: ascii)
        }
        return lines
    }

    func drawStatus(_ g: inout Grid, y: Int, lines: [String] = []) {
        switch mode {
        case .command(let e):
            g.fill(Rect(x: 0, y: y, width: g.width, height: 1), style: .commandLine)
            g.put(":" + e.text, x: 0, y: y, style: .commandLine)
            if !completions.isEmpty {
                // How many first, so a narrow line still says there are more to type towards.
                let list = "  ⇥ " + (completions.count > 1 ? "\(completions.count): " : "") + completions.prefix(8).joined(separator: "  ")
                g.put(list, x: TextWidth.of(e.text) + 2, y: y, style: .dim)
            }
        case .filter(let e):
            g.fill(Rect(x: 0, y: y, width: g.width, height: 1), style: .commandLine)
            g.put("/" + e.text, x: 0, y: y, style: .commandLine)
            g.put("  filtering \(screen == .schedule ? "the schedule" : focus.title) — Enter keeps it, Esc clears", x: TextWidth.of(e.text) + 2, y: y, style: .dim)
        case .normal:
            for (i, line) in (lines.isEmpty ? [status.text] : lines).enumerated() {
                g.put(line, x: 1, y: y + i, style: status.error ? .statusError : .statusOK, maxWidth: g.width - 2)
            }
        }
    }

    func overlayRect(_ body: Rect, width: Int, height: Int) -> Rect {
        let w = min(body.width - 4, width), h = min(body.height - 2, height)
        return Rect(x: body.x + (body.width - w) / 2, y: body.y + max(1, (body.height - h) / 2), width: w, height: h)
    }

    func drawOverlay(_ g: inout Grid, _ o: Overlay, _ body: Rect) {
        switch o {
        case .confirmDiscard:
            let r = overlayRect(body, width: 72, height: 5)
            g.fill(r, style: .overlay)
            g.box(r, title: "Discard?", style: .overlay, titleStyle: .overlayTitle)
            g.put("Throw away what you typed? y or Esc: discard · n: back to the form", x: r.x + 2, y: r.y + 2, style: .overlay, maxWidth: r.width - 4)
        case .confirm(let c):
            let lines = TextWidth.wrap(drawn(c.question, g), width: min(body.width - 4, 76) - 4)
            let r = overlayRect(body, width: 76, height: lines.count + 4)
            g.fill(r, style: .overlay)
            g.box(r, title: c.title + "?", style: .overlay, titleStyle: .overlayTitle)
            for (i, line) in lines.enumerated() { g.put(line, x: r.x + 2, y: r.y + 1 + i, style: .overlay, maxWidth: r.width - 4) }
            g.put("y: yes · n or Esc: no, change nothing", x: r.x + 2, y: r.y + r.height - 2, style: .dim, maxWidth: r.width - 4)
        case .findPatient(let f):
            let matches = finderMatches(f.editor.text)
            let r = overlayRect(body, width: 96, height: max(6, min(matches.count, 16) + 5))
            g.fill(r, style: .overlay)
            g.box(r, title: "Find a patient — type a name or MRN · ↑↓ choose · Enter opens · Esc closes", style: .overlay, titleStyle: .overlayTitle)
            g.putPadded("Name or MRN: " + f.editor.text + "▏", x: r.x + 2, y: r.y + 1, width: r.width - 4, style: .fieldFocused)
            let visible = r.height - 4
            if matches.isEmpty {
                g.put(f.editor.text.isEmpty ? "Anyone the hospital knows, admitted or not; accents and case do not matter." : "Nobody found.", x: r.x + 2, y: r.y + 3, style: .dim, maxWidth: r.width - 4)
            }
            let selected = min(f.selected, max(0, matches.count - 1))
            let top = max(0, selected - visible + 1)
            for (n, m) in matches.dropFirst(top).prefix(visible).enumerated() {
                let i = n + top
                g.putPadded((i == selected ? "▶ " : "  ") + m.label, x: r.x + 1, y: r.y + 3 + n, width: r.width - 2, style: i == selected ? .selected : .overlay)
            }
        case .confirmQuit:
            let r = overlayRect(body, width: 56, height: 5)
            g.fill(r, style: .overlay)
            g.box(r, title: "Quit?", style: .overlay, titleStyle: .overlayTitle)
            g.put("What you typed has not been saved. Quit anyway? y / n", x: r.x + 2, y: r.y + 2, style: .overlay, maxWidth: r.width - 4)
        case .help(let scroll):
            var lines: [(String, StyleSlot)] = []
            for scope in ActionScope.all {
                lines.append((scope.label, .overlayTitle))
                for a in ActionTable.all where a.scope == scope {
                    lines.append(("  " + TextWidth.pad(ActionTable.keyText(a), to: 14) + TextWidth.pad(a.title, to: 20) + a.help, .overlay))
                }
                lines.append(("", .overlay))
            }
            // Long descriptions wrap under themselves, not off the edge.
            drawLines(&g, title: "Keys — ↑↓ scroll, any other key closes", lines: lines, scroll: scroll, body: body, width: 120, indent: 36)
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
                } else if let described = f.describe?(f.editor.text.trimmingCharacters(in: " ")) {
                    g.put(described, x: r.x + 26, y: y + 1, style: .overlay, maxWidth: fieldWidth)
                } else if !f.hint.isEmpty {
                    g.put(f.hint, x: r.x + 26, y: y + 1, style: .dim, maxWidth: fieldWidth)
                }
            }
            g.put(form.isValid ? "Enter saves · Tab next field · Esc cancels" : "Tab next field · Esc cancels · fix the fields marked ✗",
                  x: r.x + 2, y: r.y + r.height - 2, style: .dim, maxWidth: r.width - 4)
        }
    }

    func drawLines(_ g: inout Grid, title: String, lines unwrapped: [(String, StyleSlot)], scroll: Int, body: Rect, width: Int, indent: Int = 4) {
        let inner = min(body.width - 4, width) - 4
        let lines = unwrapped.flatMap { line in TextWidth.wrap(drawn(line.0, g), width: inner, indent: indent).map { ($0, line.1) } }
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
