import RoundsDomain
import RoundsEngine
import RoundsReports

/// A feed's health as the supervisor view shows it. The program fills these from the status
/// files a listener writes beside the journal (`rounds hl7 listen`, module RoundsFeed), so this
/// module reads no files and depends on no feed: plain values in, lines out.
public struct FeedHealthLine: Equatable, Sendable {
    /// The feed's login.
    public var feed: String
    public var running: Bool
    /// Where it listens (`0.0.0.0:6671`).
    public var bind: String
    public var tls: Bool
    /// Connected senders' addresses.
    public var senders: [String]
    public var messages: Int
    public var messagesLastMinute: Int
    /// Messages held as interface items.
    public var held: Int
    public var errors: Int
    public var lastMessage: Timestamp?
    public var lastMessageKind: String?
    public var lastError: String?
    public var lastErrorAt: Timestamp?
    /// When the listener last wrote its status (at least every 10 seconds while it runs).
    public var updated: Timestamp?

    public init(feed: String, running: Bool, bind: String = "", tls: Bool = false, senders: [String] = [], messages: Int = 0,
                messagesLastMinute: Int = 0, held: Int = 0, errors: Int = 0, lastMessage: Timestamp? = nil, lastMessageKind: String? = nil,
                lastError: String? = nil, lastErrorAt: Timestamp? = nil, updated: Timestamp? = nil) {
        self.feed = feed; self.running = running; self.bind = bind; self.tls = tls; self.senders = senders; self.messages = messages
        self.messagesLastMinute = messagesLastMinute; self.held = held; self.errors = errors; self.lastMessage = lastMessage
        self.lastMessageKind = lastMessageKind; self.lastError = lastError; self.lastErrorAt = lastErrorAt; self.updated = updated
    }

    /// A running listener that has not written its status for this long has probably stopped
    /// without saying so (killed, or its host down).
    public static let silentAfter = Span.seconds(60)
}

/// Interface items (I): messages from the hospital's systems that Rounds' rules refused, open
/// ones first, then those resolved in the last 7 days; retried or dismissed here.
final class InterfaceScreen: AppScreen {
    unowned let app: RoundsApp
    let id = Screen.interface
    var interfaceView = PaneView()
    var interfaceCache: (key: RoundsApp.RecordKey, items: [InterfaceItem], open: Int)?
    /// Items this session asked the feed to retry, with their attempts then (followRetries).
    var awaitedRetries: [InterfaceItemID: Int] = [:]

    init(app: RoundsApp) { self.app = app }

    var scope: ActionScope? { .interface }
    var toggle: ActionID? { .interfaceItems }
    var hints: [Action] { ActionTable.all.filter { $0.scope == .interface } + [.patient, .interfaceItems, .help, .quit].map(ActionTable.action) }
    func draw(into g: inout Grid, body: Rect) { drawInterface(&g, body) }
    func nothingHere(_ c: Character) -> String { "'\(c)' does nothing on the interface items screen; ? lists the keys" }

    /// Interface items as the screen lists them: the open ones, oldest first, then those
    /// resolved in the last 7 days, latest first. Kept per record and minute.
    func interfaceItems() -> (items: [InterfaceItem], open: Int) {
        let key = recordKey()
        if let cached = interfaceCache, cached.key == key { return (cached.items, cached.open) }
        let s = state
        let open = s.feeds.openItems.compactMap { s.feeds.items[$0] }.sorted { $0.id < $1.id }
        let since = now - .hours(24 * 7)
        var resolved: [InterfaceItem] = []
        s.feeds.items.forEach { i in
            if !i.status.isOpen, let at = i.resolvedAt, at >= since { resolved.append(i) }
        }
        resolved.sort { ($0.resolvedAt!, $0.id) > ($1.resolvedAt!, $1.id) }
        interfaceCache = (key, open + resolved, open.count)
        return (open + resolved, open.count)
    }

    func selectedInterfaceItem() -> InterfaceItem? {
        let items = interfaceItems().items
        guard !items.isEmpty else { return nil }
        if let key = interfaceView.selected, let i = items.firstIndex(where: { $0.id.description == key }) {
            interfaceView.selectedIndex = i
            return items[i]
        }
        let i = min(interfaceView.selectedIndex, items.count - 1)
        interfaceView.selectedIndex = i
        interfaceView.selected = items[i].id.description
        return items[i]
    }

    func moveInterface(_ delta: Int) {
        let items = interfaceItems().items
        guard !items.isEmpty else { return }
        _ = selectedInterfaceItem()
        let i = max(0, min(items.count - 1, interfaceView.selectedIndex + delta))
        interfaceView.selectedIndex = i
        interfaceView.selected = items[i].id.description
    }

    func handle(_ key: Key) -> Handled {
        guard key == .escape else { return .unhandled }
        app.screen = .panes
        return .handled
    }

    func perform(_ action: Action) -> Handled {
        if action.scope == .interface {
            guard let item = selectedInterfaceItem() else { unavailable("there are no interface items"); return .handled }
            interfaceAction(action.id, item: item.id)
            return .handled
        }
        switch action.id {
        case .up: moveInterface(-1)
        case .down: moveInterface(1)
        case .pageUp: moveInterface(-10)
        case .pageDown: moveInterface(10)
        case .top: moveInterface(-1_000_000)
        case .bottom: moveInterface(1_000_000)
        case .focusWorklist, .focusBeds, .focusLabs, .focusMessages, .nextPane, .previousPane:
            return app.returnToPanes(action)
        case .patient:
            guard let mrn = selectedInterfaceItem()?.patient.map(state.feeds.resolve), state.patients[mrn] != nil else {
                unavailable("the selected item names no patient Rounds knows"); return .handled
            }
            openPatient(mrn)
        case .filter, .sort, .discharge, .ipass:
            setStatus("\(action.title) works in the panes; I returns to them", error: true)
        default:
            return .unhandled
        }
        return .handled
    }

    /// r, o, x and Enter on an item (on its screen or in its details).
    func interfaceAction(_ id: ActionID, item itemID: InterfaceItemID) {
        guard let item = state.feeds.items[itemID] else { unavailable("no interface item \(itemID)"); return }
        if id == .itemDetail { openItemDetail(item); return }
        guard item.status.isOpen else {
            unavailable("interface item \(item.id) is already \(item.status.rawValue)" + (item.resolvedBy.map { " (by \($0))" } ?? "")); return
        }
        switch id {
        case .retryItem:
            submit("interface retry \(item.id)")
            if !status.error {
                setStatus(status.text + retryWhen(item))
                awaitedRetries[item.id] = item.attempts
            }
        case .overrideItem:
            guard !app.refusedBeforeAsking(.retryInterfaceItem(item.id, override: "?")) else { return }
            var form = Form(title: "Retry \(item.id) (\(item.kind)) overriding the placement rules", fields: [
                Form.Field("Override reason", hint: "why the rules may be set aside here; recorded on the item") { v in
                    v.count > 200 ? "at most 200 characters" : nil
                },
            ]) { v in "interface retry \(item.id) override \(v[0].quoted)" }
            form.then = .awaitRetry(item.id, attempts: item.attempts)
            overlay = .form(form)
        case .dismissItem:
            guard !app.refusedBeforeAsking(.dismissInterfaceItem(item.id, reason: "?")) else { return }
            overlay = .form(Form(title: "Dismiss \(item.id) (\(item.kind)): the message will not be applied", fields: [
                Form.Field("Reason", hint: "what was done instead, e.g. entered by hand in Rounds") { v in
                    v.count > 200 ? "at most 200 characters" : nil
                },
            ]) { v in "interface dismiss \(item.id) reason \(v[0].quoted)" })
        default: break
        }
    }

    /// The outcome of retries asked for in this session, once the feed has tried them: said in
    /// the status line (a retry refused again looks much like one not yet tried).
    func followRetries() {
        guard !awaitedRetries.isEmpty else { return }
        let items = engine.state.feeds.items
        var said: [String] = []
        var refused = false
        for (id, attempts) in awaitedRetries.sorted(by: { $0.key < $1.key }) {
            guard let item = items[id] else { awaitedRetries[id] = nil; continue }
            switch item.status {
            case .retrying: continue
            case .open where item.attempts > attempts:
                said.append("\(id) was tried again and refused: \(item.problem)")
                refused = true
            case .applied: said.append("\(id) applied by \(item.resolvedBy ?? "the feed")")
            default: break
            }
            awaitedRetries[id] = nil
        }
        if !said.isEmpty { setStatus((refused ? "✗ " : "✓ ") + said.joined(separator: "; "), error: refused) }
    }

    /// The patient an item names, as the list shows them: MRN and short name when known.
    func itemPatient(_ item: InterfaceItem) -> String {
        guard let mrn = item.patient else { return "" }
        let current = state.feeds.resolve(mrn)
        guard let p = state.patients[current] else { return mrn }
        return (current == mrn ? mrn : "\(mrn)→\(current)") + " " + shortName(p.name)
    }

    static func statusMark(_ s: InterfaceItemStatus) -> String {
        switch s {
        case .open: "‼ OPEN"
        case .retrying: "○ RETRYING"
        case .applied: "✓ applied"
        case .dismissed: "✗ dismissed"
        }
    }

    /// An item in full. The message is untrusted text: one segment a line, every control
    /// character shown escaped (`\u{1B}`), never sent to the terminal.
    func itemDetailLines(_ item: InterfaceItem, message: Bool) -> [String] {
        let w = engine.wallClock
        var lines = ["\(Self.statusMark(item.status))   \(item.kind)   from feed \(item.feed)", "",
                     (item.status == .applied ? "Problem (until the retry was applied): " : "Problem: ") + item.problem, ""]
        if let mrn = item.patient {
            let current = state.feeds.resolve(mrn)
            if let p = state.patients[current] {
                let where_ = state.stay(of: current).map { $0.bed.map { "in bed \($0)" } ?? "waiting for a bed" } ?? "not admitted here"
                lines.append("Patient: \(current) \(p.name) (\(where_))" + (current == mrn ? "" : "; the message names \(mrn), merged into \(current)"))
            } else {
                lines.append("Patient: \(mrn) (not a patient Rounds knows)")
            }
        } else {
            lines.append("Patient: the message names none Rounds could read")
        }
        lines.append("Raised: \(w.dateTime(item.raisedAt)) (\(relative(item.raisedAt, now)))   Attempts: \(item.attempts)")
        switch item.status {
        case .open: lines.append("Waiting for a coordinator: r retries, o retries overriding the placement rules, x dismisses")
        case .retrying: lines.append("Retry asked for" + (item.override.map { ", overriding the placement rules: \($0)" } ?? "") + "; the feed applies it again within a second when its listener runs")
        case .applied, .dismissed:
            lines.append("\(item.status.rawValue.initialCapital) by \(item.resolvedBy ?? "?")" + (item.resolvedAt.map { " at \(w.dateTime($0))" } ?? "")
                + (item.note.map { ": \($0)" } ?? "") + (item.override.map { " (override: \($0))" } ?? ""))
        }
        lines.append("Message key: \(item.key)")
        guard message else { return lines }
        lines += ["", "The message as received, one segment a line (control characters escaped):"]
        var segments: [String] = []
        var current = ""
        var previousCR = false
        for ch in item.raw.unicodeScalars {
            if ch == "\r" || ch == "\n" {
                if !(ch == "\n" && previousCR) { segments.append(current); current = "" }
                previousCR = ch == "\r"
                continue
            }
            previousCR = false
            current.unicodeScalars.append(ch)
        }
        if !current.isEmpty { segments.append(current) }
        lines += segments.filter { !$0.isEmpty }.map { "  " + $0.terminalSafe }
        return lines
    }

    /// Enter or d: the item's details with the message. Reading the message is a read of
    /// patient data, recorded like opening a patient.
    func openItemDetail(_ item: InterfaceItem) {
        audit(.viewed, patient: item.patient.map(state.feeds.resolve), detail: "interface item \(item.id) details (the message as received)")
        let mrn = item.patient.map(state.feeds.resolve).flatMap { state.patients[$0] != nil ? $0 : nil }
        app.detailSubject = (mrn, nil, false)
        overlay = .detail(title: item.status.isOpen ? "Item \(item.id): r retry · o override · x dismiss" : "Interface item \(item.id)", lines: itemDetailLines(item, message: true), scroll: 0)
        app.detailItem = item.id
    }

    func drawInterface(_ g: inout Grid, _ body: Rect) {
        let (items, open) = interfaceItems()
        let resolved = items.count - open
        let title = "Interface items · " + (open > 0 ? "‼ \(open) open" : "none open") + (resolved > 0 ? " · \(resolved) resolved in 7 days" : "") + " · I or Esc returns"
        g.box(body, title: title, style: .borderFocused, titleStyle: .paneTitleFocused)
        let inner = body.inner
        guard inner.width > 20, inner.height > 3 else { return }
        guard !items.isEmpty else {
            g.put("No interface items: every message from the hospital's systems was applied.", x: inner.x + 1, y: inner.y + 1, style: .dim, maxWidth: inner.width - 2)
            g.put("A message Rounds' rules refuse is held here until someone retries or dismisses it.", x: inner.x + 1, y: inner.y + 2, style: .dim, maxWidth: inner.width - 2)
            return
        }
        let selected = selectedInterfaceItem()
        // The selected item's problem in full under the list (6 lines), or beside it on a wide screen.
        // Lines: a heading, the open items, a heading, the resolved ones.
        enum Line { case heading(String), item(Int) }
        var lines: [Line] = [.heading(open > 0 ? "Open (oldest first)" : "No open items")]
        lines += (0..<open).map { Line.item($0) }
        if resolved > 0 { lines.append(.heading("Resolved in the last 7 days")); lines += (open..<items.count).map { Line.item($0) } }
        // Below the list, what room it leaves (at least 6 lines, at most half); beside it when wide.
        let wide = inner.width >= 120
        let previewHeight = wide ? inner.height : min(max(6, inner.height - lines.count - 1), inner.height / 2, max(0, inner.height - 6))
        let listWidth = wide ? inner.width * 3 / 5 : inner.width
        let list = Rect(x: inner.x, y: inner.y, width: listWidth, height: inner.height - (wide ? 0 : previewHeight))
        let index = interfaceView.selectedIndex
        let lineOfSelected = lines.firstIndex { if case .item(let i) = $0 { i == index } else { false } } ?? 0
        let visible = list.height - 1
        var top = interfaceView.top
        if lineOfSelected < top { top = lineOfSelected }
        if lineOfSelected >= top + visible { top = lineOfSelected - visible + 1 }
        // The heading above the first open item stays in view at the top.
        if top == 1, lineOfSelected < visible { top = 0 }
        top = max(0, min(top, max(0, lines.count - visible)))
        interfaceView.top = top
        let idWidth = max(4, items.map { TextWidth.of($0.id.description) }.max() ?? 4)
        let kindWidth = min(12, max(4, items.map { TextWidth.of(drawn($0.kind, g)) }.max() ?? 4))
        let patientWidth = list.width >= 90 ? 24 : 18
        let columns: [(String, Int)] = [("Item", idWidth), ("Status", 11), ("Age", 6), ("Kind", kindWidth), ("Patient", patientWidth)]
        var x = list.x
        for (heading, w) in columns { g.putPadded(heading, x: x, y: list.y, width: w, style: .columnHeading); x += w + 1 }
        g.put("Problem", x: x, y: list.y, style: .columnHeading, maxWidth: max(0, list.x + list.width - x))
        for (n, line) in lines.dropFirst(top).prefix(visible).enumerated() {
            let y = list.y + 1 + n
            switch line {
            case .heading(let text):
                g.put(text, x: list.x, y: y, style: .unitHeading, maxWidth: list.width)
            case .item(let i):
                let item = items[i]
                let isSelected = item.id == selected?.id
                var style: StyleSlot = item.status == .open ? .urgent : (item.status.isOpen ? .normal : .dim)
                if isSelected { style = .selected; g.fill(Rect(x: list.x, y: y, width: list.width, height: 1), style: style) }
                let cells = [item.id.description, Self.statusMark(item.status), "\(age(since: item.raisedAt, at: now))", item.kind, itemPatient(item)]
                var cx = list.x
                for (cell, (_, w)) in zip(cells, columns) {
                    g.putPadded(TextWidth.truncate(drawn(cell, g), to: w, ascii: g.ascii), x: cx, y: y, width: w, style: style)
                    cx += w + 1
                }
                let rest = list.x + list.width - 1 - cx
                if rest > 0 { g.putPadded(TextWidth.truncate(drawn(item.problem, g), to: rest, ascii: g.ascii), x: cx, y: y, width: rest, style: style) }
                if isSelected { g.put(g.ascii ? ">" : "▶", x: list.x + list.width - 1, y: y, style: style) }
            }
        }
        if lines.count > visible {
            let more = "\(top + 1)–\(min(lines.count, top + visible)) of \(lines.count)"
            g.put(g.ascii ? more.replacingOccurrences(of: "–", with: "-") : more, x: body.x + max(0, body.width - TextWidth.of(more) - 2), y: body.y + body.height - 1, style: .dim)
        }
        // The selected item, without its message (Enter shows that, as a recorded read).
        guard let item = selected, previewHeight > 1 else { return }
        let preview = wide
            ? Rect(x: inner.x + listWidth + 1, y: inner.y, width: inner.width - listWidth - 1, height: inner.height)
            : Rect(x: inner.x, y: inner.y + list.height, width: inner.width, height: previewHeight)
        if wide {
            for y in preview.y..<(preview.y + preview.height) { g.put(g.ascii ? "|" : "│", x: preview.x - 1, y: y, style: .border) }
        } else {
            g.put(String(repeating: g.ascii ? "-" : "─", count: preview.width), x: preview.x, y: preview.y, style: .border)
        }
        var y = wide ? preview.y : preview.y + 1
        let about = itemDetailLines(item, message: false)
        var text: [(String, StyleSlot)] = [("\(item.id) " + about[0], .unitHeading)]
        for line in about.dropFirst(2) where !line.isEmpty { text.append((line, .normal)) }
        text.append(("Enter: the message as received" + (item.status.isOpen ? " · r retry · o override · x dismiss" : ""), .dim))
        for (line, style) in text {
            for part in TextWidth.wrap(drawn(line, g), width: preview.width - 1, indent: 2) {
                guard y < preview.y + preview.height else { return }
                g.put(part, x: preview.x, y: y, style: style, maxWidth: preview.width)
                y += 1
            }
        }
    }

    /// When the feed will act on a retry: now if its listener runs, else when it starts.
    func retryWhen(_ item: InterfaceItem) -> String {
        if let health = app.currentFeedHealth().first(where: { $0.feed == item.feed }), !health.running {
            return " — but the feed \(item.feed) is not running: the retry waits until its listener starts (or rounds hl7 retry)"
        }
        return " — the feed applies it again within a second when its listener runs (else: rounds hl7 retry)"
    }

}

extension RoundsApp {
    // MARK: - Feeds in the supervisor view

    /// The feeds' health, read from the program at most every 2 seconds.
    func currentFeedHealth() -> [FeedHealthLine] {
        guard let feedHealth else { return [] }
        let t = engine.clock.now()
        if let last = feedHealthRead, t - last.at < .seconds(2), t >= last.at { return last.lines }
        let lines = feedHealth()
        feedHealthRead = (t, lines)
        return lines
    }

    /// The supervisor view's Feeds section: each feed's health and the open interface items.
    func feedsTable(_ feeds: [FeedHealthLine], openItems: Int) -> Table {
        let w = engine.wallClock
        let t = engine.clock.now()
        func when(_ at: Timestamp?) -> String {
            guard let at else { return "" }
            return w.localDate(at) == w.localDate(now) ? w.hhmm(at) : w.dateTime(at)
        }
        let rows = feeds.map { f -> [RoundsReports.Cell] in
            let silent = f.running && (f.updated.map { t - $0 > FeedHealthLine.silentAfter } ?? false)
            let shown = silent ? "‼ silent \(t - f.updated!) (stopped?)"
                : f.running ? "● listening" + (f.bind.isEmpty ? "" : " on \(f.bind)") + (f.tls ? " TLS" : "") : "■ stopped"
            let last = f.lastMessage.map { when($0) + (f.lastMessageKind.map { " \($0)" } ?? "") } ?? "none"
            // The last error may name a patient (a refusal's reason): not on a wall display.
            let error = f.lastError.map { e in (wall ? "" : e + " ") + "at " + when(f.lastErrorAt) } ?? ""
            return [.text(f.feed), .text(shown), .integer(f.senders.count), .integer(f.messagesLastMinute), .integer(f.messages),
                    .integer(f.held), .integer(f.errors > 0 ? "⚠ \(f.errors)" : "0", f.errors), .text(last), .text(error)]
        }
        var footer = ["Open interface items: " + (openItems > 0 ? "‼ \(openItems)" : "0") + (openItems > 0 && !wall ? " — I lists them" : "")]
        if feeds.isEmpty { footer.insert("No feed has run on this journal (rounds hl7 listen).", at: 0) }
        return Table(key: "feeds", title: "Feeds",
                     columns: [Column("Feed", key: nil), Column("State", key: nil), Column("Senders", key: nil), Column("Last min", key: nil),
                               Column("Messages", key: nil), Column("Held", key: nil), Column("Errors", key: nil), Column("Last message", key: nil),
                               Column("Last error", key: nil)],
                     rows: rows, footer: footer)
    }
}
