import RoundsDomain
import RoundsEngine

/// The day's schedule (K): every case of one day by resource, then start, each ready or not
/// ready with what is missing (Readiness.swift), its status once started, done or cancelled,
/// and `‼ OVERLAPS` when it shares its resource's time with another case. The same data as
/// `rounds report schedule`. The day's cases are worked out once per record, minute and day
/// (`cases()`); only the rows on screen are formatted.
final class ScheduleScreen: AppScreen {
    unowned let app: RoundsApp
    let id = Screen.schedule
    /// Selection (by case id), scroll and filter: this screen's own.
    var view = PaneView()
    /// The day shown; nil: today (follows the clock over midnight).
    var day: LocalDate?
    /// Rows a page moves (PgUp/PgDn): what the last frame showed.
    var pageSize = 10

    /// One case as the screen lists it.
    struct Case {
        var procedure: Procedure
        /// Still to happen (`scheduled`): readiness applies.
        var live: Bool
        /// The unmet requirements' details, in the order Readiness lists them.
        var unmet: [String]
        /// The other cases on its resource it overlaps.
        var overlaps: [ProcedureID]
    }
    /// A line of the list: a resource's heading, a case (by index into the cases), or a free
    /// interval between two cases on a resource.
    enum Line: Equatable {
        case heading(String, cases: Int, overlapping: Int), item(Int), free(Timestamp, Timestamp)
        /// The open add-on plan's option shown: its heading (0), the add-on (1), each move (2 + n).
        case plan(Int)
    }

    struct CacheKey: Equatable { var record: RoundsApp.RecordKey; var day: LocalDate; var option: Int = 0; var sort: Int = 0 }
    /// `o`: by room (the default, with a heading per room), by start time, or not ready first
    /// (then by start); the last two are one list with the room in a column.
    var sort = 0
    static let sorts = ["by room", "by start time", "not ready first"]
    /// The option of the newest open plan shown (0-based; `v` moves on).
    var option = 0
    /// The days worked out for the current record and minute, the one shown first: the day
    /// shown, and the days either side once idle time has prepared them (`prepareAdjacentDays`),
    /// so `[` and `]` find them ready. At most three.
    var days: [(key: CacheKey, cases: [Case], notReady: Int)] = []

    init(app: RoundsApp) { self.app = app }

    var scope: ActionScope? { .schedule }
    var toggle: ActionID? { .schedule }
    var hints: [Action] { ActionTable.all.filter { $0.scope == .schedule && $0.hinted } + [.filter, .schedule, .help, .quit].map(ActionTable.action) }
    func nothingHere(_ c: Character) -> String { "'\(c)' does nothing on the schedule; ? lists the keys" }

    var today: LocalDate { engine.wallClock.localDate(now) }
    var shownDay: LocalDate { day ?? today }

    /// The day's cases by resource, then start, then id; computed once per record, minute and day.
    func cases() -> (cases: [Case], notReady: Int) {
        let key = CacheKey(record: recordKey(), day: shownDay)
        if let i = days.firstIndex(where: { $0.key == key }) {
            if i > 0 { days.insert(days.remove(at: i), at: 0) }
            return (days[0].cases, days[0].notReady)
        }
        let (cases, notReady) = Self.cases(state, on: key.day, wall: engine.wallClock, now: now)
        days.insert((key, cases, notReady), at: 0)
        keepNearest(key.record)
        return (cases, notReady)
    }

    /// Keeps this record's three days nearest the one shown, the shown day first.
    func keepNearest(_ record: RoundsApp.RecordKey) {
        let shown = shownDay.daysSinceEpoch
        days = Array(days.filter { $0.key.record == record }
            .sorted { abs($0.key.day.daysSinceEpoch - shown) < abs($1.key.day.daysSinceEpoch - shown) }.prefix(3))
    }

    var hasIdleWork: Bool {
        let record = recordKey()
        let filter = view.filter.lowercased()
        return [shownDay.adding(days: 1), shownDay.adding(days: -1)].contains { d in
            !days.contains { $0.key == CacheKey(record: record, day: d) }
                || !linesCaches.contains { $0.key == CacheKey(record: record, day: d, option: option, sort: sort) && $0.filter == filter }
        } || !searchCaches.contains { $0.key == CacheKey(record: record, day: shownDay) }
    }

    /// In idle time: works out the day before and the day after the one shown, one per call.
    /// Whether there was anything to do.
    func prepareAdjacentDays() -> Bool {
        let record = recordKey()
        if days.first?.key.record != record { _ = cases() }
        // The shown day's search texts, so that the first letter of a filter only searches.
        if let shown = days.first, !searchCaches.contains(where: { $0.key == shown.key }) {
            _ = searchTexts(shown.cases, shown.key)
            return true
        }
        for d in [shownDay.adding(days: 1), shownDay.adding(days: -1)] {
            let key = CacheKey(record: record, day: d)
            guard !days.contains(where: { $0.key == key }) else { continue }
            let (cases, notReady) = Self.cases(state, on: d, wall: engine.wallClock, now: now)
            days.append((key, cases, notReady))
            keepNearest(record)
            return true
        }
        // Then their lines, so that the first frame of the day after only formats its rows.
        for d in [shownDay.adding(days: 1), shownDay.adding(days: -1)] {
            let key = CacheKey(record: record, day: d, option: option, sort: sort)
            guard let day = days.first(where: { $0.key == CacheKey(record: record, day: d) }),
                  !linesCaches.contains(where: { $0.key == key && $0.filter == view.filter.lowercased() }) else { continue }
            _ = lines(on: d, day.cases)
            return true
        }
        return false
    }

    /// The cases of `day`, as `Reports.schedule` lists them.
    static func cases(_ s: HospitalState, on day: LocalDate, wall: WallClock, now: Timestamp) -> ([Case], Int) {
        let from = wall.instant(on: day, minuteOfDay: 0), to = wall.instant(on: day.adding(days: 1), minuteOfDay: 0)
        var procs: [Procedure] = []
        s.procedures.forEach { if $0.start < to && $0.end > from { procs.append($0) } }
        // Sorted by index (a procedure is large to move), resources compared as bytes first.
        let keys = procs.map { (Array($0.resource.utf8), $0.start, $0.id) }
        let order = keys.indices.sorted { a, b in
            let (x, y) = (keys[a], keys[b])
            if x.0 != y.0 { return x.0.lexicographicallyPrecedes(y.0) }
            return (x.1, x.2) < (y.1, y.2)
        }
        var notReady = 0
        var out = order.map { i -> Case in
            let p = procs[i]
            let live = p.status == .scheduled
            let unmet = live ? s.unmetRequirements(of: p, at: now).map(\.detail) : []
            if !unmet.isEmpty { notReady += 1 }
            return Case(procedure: p, live: live, unmet: unmet, overlaps: [])
        }
        // Overlaps: on one resource, sorted by start, a case meets only the ones starting before it ends.
        for i in out.indices where out[i].procedure.status != .cancelled {
            let p = out[i].procedure
            var j = i + 1
            while j < out.count, out[j].procedure.resource == p.resource, out[j].procedure.start < p.end {
                if out[j].procedure.status != .cancelled, out[j].procedure.overlaps(p.start, p.end) {
                    out[i].overlaps.append(out[j].procedure.id)
                    out[j].overlaps.append(p.id)
                }
                j += 1
            }
        }
        return (out, notReady)
    }

    /// The lines of the list and the cases shown (by index), for the filter; kept per content and filter.
    func lines() -> (lines: [Line], shown: [Int]) { lines(on: shownDay, cases().cases) }

    /// The lines of `day`'s list for the filter; the last three worked out are kept (the day
    /// shown and, after idle time, its neighbours).
    func lines(on day: LocalDate, _ all: [Case]) -> (lines: [Line], shown: [Int]) {
        let key = CacheKey(record: recordKey(), day: day, option: option, sort: sort)
        let filter = view.filter.lowercased()
        if let c = linesCaches.first(where: { $0.key == key && $0.filter == filter }) { return (c.lines, c.shown) }
        var shown: [Int]
        if filter.isEmpty {
            shown = Array(all.indices)
        } else {
            // Each case's text is laid out once per day worked out; typing one more letter only
            // looks again at the cases the shorter filter kept.
            let texts = searchTexts(all, key)
            let from = linesCaches.first { c in c.key.record == key.record && c.key.day == day && c.key.sort == sort && !c.filter.isEmpty && filter.hasPrefix(c.filter) }?.shown
            let needle = Array(filter.utf8)
            if needle.allSatisfy({ $0 < 0x80 }) {
                shown = (from ?? Array(all.indices)).filter { Self.bytes(texts[$0], contain: needle) }
            } else {
                shown = (from ?? Array(all.indices)).filter { String(decoding: texts[$0], as: UTF8.self).contains(filter) }
            }
        }
        var lines: [Line] = []
        if let (_, o) = openPlan(on: day) { lines += (0..<(2 + o.moves.count)).map(Line.plan) }
        if sort != 0 {
            func late(_ c: Case) -> Int { c.live && (!c.unmet.isEmpty || !c.overlaps.isEmpty) ? 0 : 1 }
            shown.sort { a, b in
                let (p, q) = (all[a].procedure, all[b].procedure)
                if sort == 2, late(all[a]) != late(all[b]) { return late(all[a]) < late(all[b]) }
                return (p.start, p.resource, p.id) < (q.start, q.resource, q.id)
            }
            lines += shown.map(Line.item)
            return remember(key, filter, lines, shown)
        }
        var n = 0
        while n < shown.count {
            let resource = all[shown[n]].procedure.resource
            var m = n
            while m < shown.count, all[shown[m]].procedure.resource == resource { m += 1 }
            lines.append(.heading(resource, cases: m - n, overlapping: (n..<m).filter { !all[shown[$0]].overlaps.isEmpty }.count))
            // A free interval shown between cases when the resource is idle for 15 minutes or more.
            var busyUntil: Timestamp?
            for k in n..<m {
                let p = all[shown[k]].procedure
                if p.status != .cancelled {
                    if let until = busyUntil, p.start - until >= .minutes(15) { lines.append(.free(until, p.start)) }
                    busyUntil = max(busyUntil ?? p.end, p.end)
                }
                lines.append(.item(shown[k]))
            }
            n = m
        }
        return remember(key, filter, lines, shown)
    }

    func remember(_ key: CacheKey, _ filter: String, _ lines: [Line], _ shown: [Int]) -> (lines: [Line], shown: [Int]) {
        // Lines of an older record or minute are never used again.
        linesCaches.removeAll { $0.key.record != key.record }
        linesCaches.insert((key, filter, lines, shown), at: 0)
        // At most five. The day shown and its neighbours, for this filter, sort and option, are
        // always kept (they are what idle time prepares: evicting one of them would have it
        // work the same lines out again and again); the oldest of the others goes first.
        if linesCaches.count > 5 {
            let shownDay = shownDay.daysSinceEpoch
            let wanted = { (c: (key: CacheKey, filter: String, lines: [Line], shown: [Int])) in
                c.filter == filter && c.key.option == key.option && c.key.sort == key.sort && abs(c.key.day.daysSinceEpoch - shownDay) <= 1
            }
            if let stale = linesCaches.lastIndex(where: { !wanted($0) }) { linesCaches.remove(at: stale) }
        }
        return (lines, shown)
    }
    var linesCaches: [(key: CacheKey, filter: String, lines: [Line], shown: [Int])] = []

    /// Whether `needle` (ASCII) occurs in `text` (UTF-8): an ASCII byte never matches part of a
    /// longer character, so bytes compare as characters do.
    static func bytes(_ text: [UInt8], contain needle: [UInt8]) -> Bool {
        guard let first = needle.first, text.count >= needle.count else { return needle.isEmpty }
        return text.withUnsafeBufferPointer { t in
            needle.withUnsafeBufferPointer { n in
                var i = 0
                let last = t.count - n.count
                while i <= last {
                    if t[i] == first {
                        var k = 1
                        while k < n.count, t[i + k] == n[k] { k += 1 }
                        if k == n.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// The newest add-on plan waiting for a decision whose add-on or moves fall on the day
    /// shown, with the option shown.
    func openPlan() -> (AddOnPlan, PlanOption)? { openPlan(on: shownDay) }
    func openPlan(on day: LocalDate) -> (AddOnPlan, PlanOption)? {
        let key = CacheKey(record: recordKey(), day: day, option: option)
        if let c = planCache, c.key == key { return c.plan }
        let found = Self.openPlan(state, on: day, option: option, wall: engine.wallClock)
        planCache = (key, found)
        return found
    }
    var planCache: (key: CacheKey, plan: (AddOnPlan, PlanOption)?)?

    static func openPlan(_ state: HospitalState, on d: LocalDate, option: Int, wall: WallClock) -> (AddOnPlan, PlanOption)? {
        for p in state.scheduling.proposed {
            guard !p.options.isEmpty else { continue }
            let o = p.options[min(option, p.options.count - 1)]
            let days = [o.start] + o.moves.flatMap { [$0.fromStart] + ($0.toStart.map { [$0] } ?? []) }
            if days.contains(where: { wall.localDate($0) == d }) { return (p, o) }
        }
        return nil
    }

    /// What the plan shown does to a case: `→ 12:45 (B1·2)`, `→ OR-3 13:00 (B1·2)`, `✗ CANCELLED BY B1·2`.
    func planMark(_ p: Procedure) -> String? {
        guard let (plan, o) = openPlan(), let m = o.moves.first(where: { $0.procedure == p.id }) else { return nil }
        let n = (plan.options.firstIndex(of: o) ?? 0) + 1
        let wall = engine.wallClock
        guard let to = m.toResource, let t = m.toStart else { return "✗ CANCELLED BY PLAN \(plan.id)·\(n)" }
        return "→ \(to == p.resource ? "" : to + " ")\(wall.hhmm(t)) (plan \(plan.id)·\(n))"
    }

    /// A plan line's text: the heading, the add-on, or a move.
    func planLine(_ k: Int, span: (Timestamp, Timestamp) -> String) -> (String, StyleSlot) {
        guard let (plan, o) = openPlan() else { return ("", .normal) }
        let n = (plan.options.firstIndex(of: o) ?? 0) + 1
        let r = plan.request
        let wall = engine.wallClock
        switch k {
        case 0:
            return ("PLAN \(plan.id) · \(r.urgency.rawValue) add-on by \(wall.hhmm(r.startBy)) · option \(n) of \(plan.options.count) · v next option · a accept", .urgent)
        case 1:
            let who = state.patients[r.mrn].map { "\(r.mrn) \(shortName($0.name))" } ?? r.mrn
            let what = o.moves.isEmpty ? "nothing moves" : [o.moved > 0 ? "\(o.moved) moved" : nil, o.cancellations > 0 ? "\(o.cancellations) cancelled" : nil].compactMap { $0 }.joined(separator: ", ")
            return ("  + \(o.resource) \(span(o.start, o.start + r.length)) ADD-ON · \(what) · \(who) · \(r.kind.rawValue) \"\(r.title)\"", .normal)
        default:
            let m = o.moves[k - 2]
            let p = state.procedures[m.procedure]
            let who = p.flatMap { state.patients[$0.mrn].map { "\(p!.mrn) \(shortName($0.name))" } } ?? ""
            return ("  \(m.describe { wall.hhmm($0) }) · \(who) · \(p?.title ?? "")", m.isCancellation ? .urgent : .normal)
        }
    }

    /// Every case's search text, for the day and record `key` names.
    func searchTexts(_ all: [Case], _ key: CacheKey) -> [[UInt8]] {
        let day = CacheKey(record: key.record, day: key.day)
        if let c = searchCaches.first(where: { $0.key == day }) { return c.texts }
        let texts = all.map { Array(searchText($0).utf8) }
        searchCaches.insert((day, texts), at: 0)
        if searchCaches.count > 3 { searchCaches.removeLast() }
        return texts
    }
    var searchCaches: [(key: CacheKey, texts: [[UInt8]])] = []

    /// A case's row as text, for the filter.
    func searchText(_ c: Case) -> String {
        let p = c.procedure
        let name = state.patients[p.mrn]?.name ?? ""
        return [p.resource, p.id.description, p.mrn, name, p.kind.rawValue, p.title, readyWord(c), c.unmet.joined(separator: "; "),
                c.overlaps.isEmpty ? "" : "overlaps"].joined(separator: "\u{1F}").lowercased()
    }

    func readyWord(_ c: Case) -> String {
        if !c.live { return c.procedure.status.rawValue }
        return c.unmet.isEmpty ? "✓ ready" : "‼ NOT READY"
    }

    func reasons(_ c: Case) -> String { (notes(c) + c.unmet).joined(separator: "; ") }

    /// What the row says besides the unmet requirements: the open plan's move, an add-on's
    /// urgency, why it was cancelled or which plan moved it, overlaps.
    func notes(_ c: Case) -> [String] {
        var parts: [String] = []
        if let mark = planMark(c.procedure) { parts.append(mark) }
        let sched = state.scheduling
        if let u = sched.urgency[c.procedure.id], c.live { parts.append("\(u.urgency.rawValue.uppercased()) add-on, start by \(engine.wallClock.hhmm(u.startBy))") }
        if let cancel = sched.cancellations[c.procedure.id], c.procedure.status == .cancelled {
            parts.append("\(cancel.reason) (\(cancel.within48h ? "within 48 h" : "48 h or more before")\(cancel.avoidable.map { $0 ? ", avoidable" : ", not avoidable" } ?? ""))")
        } else if let plan = sched.bumpedBy[c.procedure.id], c.live {
            parts.append("moved by plan \(plan)")
        }
        if !c.overlaps.isEmpty { parts.append("‼ OVERLAPS " + c.overlaps.map(\.description).joined(separator: ", ")) }
        return parts
    }

    func patientText(_ p: Procedure) -> String {
        guard let patient = state.patients[p.mrn] else { return p.mrn }
        return "\(p.mrn) \(shortName(patient.name))"
    }

    /// The selected case (index into the cases), kept by id as the list changes.
    func selected() -> Int? {
        let (all, _) = cases()
        let shown = lines().shown
        guard !shown.isEmpty else { return nil }
        if let id = view.selected, let at = shown.firstIndex(where: { all[$0].procedure.id.description == id }) {
            view.selectedIndex = at
            return shown[at]
        }
        let at = max(0, min(view.selectedIndex, shown.count - 1))
        view.selectedIndex = at
        view.selected = all[shown[at]].procedure.id.description
        return shown[at]
    }

    func move(_ delta: Int) {
        let shown = lines().shown
        guard !shown.isEmpty else { return }
        _ = selected()
        let at = max(0, min(shown.count - 1, view.selectedIndex + delta))
        view.selectedIndex = at
        view.selected = cases().cases[shown[at]].procedure.id.description
    }

    func goTo(_ d: LocalDate?) {
        day = d == today ? nil : d
        view.selected = nil
        view.selectedIndex = 0
        view.top = 0
    }

    /// The procedure the selection is on, for tests and the patient view.
    var selectedProcedure: Procedure? { selected().map { cases().cases[$0].procedure } }

    func opened() { _ = cases() }

    func handle(_ key: Key) -> Handled {
        guard key == .escape else { return .unhandled }
        if !view.filter.isEmpty { view.filter = ""; return .handled }
        app.screen = .panes
        return .handled
    }

    func perform(_ action: Action) -> Handled {
        switch action.id {
        case .nextOption:
            guard let (plan, _) = openPlan() else { unavailable("no add-on plan waits for a decision on \(shownDay); proc add-on … makes one"); return .handled }
            option = (option + 1) % plan.options.count
        case .acceptOption:
            guard let (plan, o) = openPlan() else { unavailable("no add-on plan waits for a decision on \(shownDay)"); return .handled }
            app.mode = .command(LineEditor("plan accept \(plan.id) \((plan.options.firstIndex(of: o) ?? 0) + 1)"))
        case .previousDay: goTo(shownDay.adding(days: -1))
        case .nextDay: goTo(shownDay.adding(days: 1))
        case .today: goTo(nil)
        case .up: move(-1)
        case .down: move(1)
        case .pageUp: move(-pageSize)
        case .pageDown: move(pageSize)
        case .top: move(-1_000_000)
        case .bottom: move(1_000_000)
        case .casePatient, .open, .patient:
            guard let i = selected() else { unavailable("there are no cases on \(shownDay)"); return .handled }
            let mrn = cases().cases[i].procedure.mrn
            guard state.patients[mrn] != nil else { unavailable("patient \(mrn) is not known here"); return .handled }
            openPatient(mrn)
        case .filter: app.mode = .filter(LineEditor(view.filter))
        case .sort:
            sort = (sort + 1) % Self.sorts.count
            view.top = 0
            setStatus("schedule \(Self.sorts[sort])")
        case .focusWorklist, .focusBeds, .focusLabs, .focusMessages, .nextPane, .previousPane:
            return app.returnToPanes(action)
        case .discharge, .ipass:
            setStatus("\(action.title) works in the panes; K returns to them", error: true)
        default:
            return .unhandled
        }
        return .handled
    }

    static func weekday(_ d: LocalDate) -> String {
        ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][Int(((Int64(d.daysSinceEpoch) % 7) + 11) % 7)]
    }

    func draw(into g: inout Grid, body: Rect) {
        let (all, notReady) = cases()
        let (lines, shown) = lines()
        let d = shownDay
        var title = "Schedule · \(Self.weekday(d)) \(d)" + (d == today ? " (today)" : "") + " · \(all.count) case" + (all.count == 1 ? "" : "s")
        if sort != 0 { title += " · \(Self.sorts[sort])" }
        title += notReady > 0 ? " · ‼ \(notReady) not ready" : ""
        if !view.filter.isEmpty { title += " · filter \"\(view.filter)\" (\(shown.count))" }
        // The keys when they fit (the hint bar lists them too).
        for keys in [" · [ ] days, t today · K or Esc returns", " · K or Esc returns"] where TextWidth.of(title + keys) + 6 <= body.width {
            title += keys
            break
        }
        g.box(body, title: drawn(title, g), style: .borderFocused, titleStyle: .paneTitleFocused)
        let inner = body.inner
        guard inner.width > 20, inner.height > 3 else { return }
        guard !lines.isEmpty else {
            let empty = all.isEmpty ? "No cases on \(Self.weekday(d)) \(d). [ and ] move a day, t returns to today."
                : "No case matches the filter; Esc clears it."
            g.put(empty, x: inner.x + 1, y: inner.y + 1, style: .dim, maxWidth: inner.width - 2)
            return
        }
        let sel = selected()
        let ascii = g.ascii
        // The selected case in full at the bottom: a rule and 2 lines (3 when tall).
        let wall = engine.wallClock
        let dash = ascii ? "-" : "–"
        func span(_ a: Timestamp, _ b: Timestamp) -> String {
            // A case running over midnight shows its other day's time with a mark.
            let from = wall.localDate(a) == d ? wall.hhmm(a) : "<" + wall.hhmm(a)
            let to = wall.localDate(b) == d || b == wall.instant(on: d.adding(days: 1), minuteOfDay: 0) ? wall.hhmm(b) : wall.hhmm(b) + ">"
            return from + dash + to
        }
        // Under the list: a rule, the case, and its reasons in full (up to a third of the body).
        let detail = detailLines(sel, all, g, width: inner.width - 2, room: max(1, inner.height / 3 - 2), span: span)
        let detailHeight = 1 + max(2, detail.lines.count)
        let list = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - detailHeight)
        let wide = list.width >= 100
        let patientWidth = wide ? 24 : 17
        var columns: [(String, Int)] = [("Time", 11)]
        if sort != 0 { columns.append(("Room", max(4, min(10, all.map { $0.procedure.resource.count }.max() ?? 4)))) }
        if wide { columns.append(("Case", max(4, all.map { $0.procedure.id.description.count }.max() ?? 4))) }
        columns.append(("Patient", patientWidth))
        if wide { columns.append(("Kind", 10)) }
        columns.append(("Title", wide ? 24 : 12))
        columns.append(("Ready", 12))
        var x = list.x + 1
        for (heading, w) in columns { g.putPadded(heading, x: x, y: list.y, width: w, style: .columnHeading); x += w + 1 }
        g.put("Missing / conflicts", x: x, y: list.y, style: .columnHeading, maxWidth: max(0, list.x + list.width - x))
        let visible = list.height - 1
        pageSize = max(1, visible - 1)
        let lineOfSelected = sel.flatMap { s in lines.firstIndex(of: .item(s)) } ?? 0
        var top = view.top
        if lineOfSelected < top { top = lineOfSelected }
        if lineOfSelected >= top + visible { top = lineOfSelected - visible + 1 }
        // Keep the resource's heading in view when its first case is selected.
        if top > 0, lineOfSelected == top, case .heading = lines[top - 1] { top -= 1 }
        top = max(0, min(top, max(0, lines.count - visible)))
        view.top = top
        for (n, line) in lines.dropFirst(top).prefix(visible).enumerated() {
            let y = list.y + 1 + n
            switch line {
            case .heading(let resource, let count, let overlapping):
                let text = "\(resource) · \(count) case" + (count == 1 ? "" : "s") + (overlapping > 0 ? " · ‼ \(overlapping) overlapping" : "")
                g.put(drawn(text, g), x: list.x, y: y, style: overlapping > 0 ? .overdue : .unitHeading, maxWidth: list.width)
            case .plan(let k):
                let (text, style) = planLine(k, span: span)
                g.put(drawn(text, g), x: list.x + (k == 0 ? 0 : 1), y: y, style: style == .urgent && k == 0 ? .overdue : style, maxWidth: list.width - (k == 0 ? 0 : 1))
            case .free(let a, let b):
                let minutes = Int((b - a).milliseconds / 60_000)
                let length = minutes >= 60 ? "\(minutes / 60)h" + (minutes % 60 > 0 ? (minutes % 60 < 10 ? "0" : "") + "\(minutes % 60)" : "") : "\(minutes) min"
                g.put(drawn("\(span(a, b))  · free \(length)", g), x: list.x + 1, y: y, style: .dim, maxWidth: list.width - 1)
            case .item(let i):
                let c = all[i]
                let p = c.procedure
                let isSelected = i == sel
                var style: StyleSlot = !c.live ? (p.status == .inprogress ? .normal : .dim)
                    : !c.unmet.isEmpty ? .urgent : .normal
                if !c.overlaps.isEmpty { style = .overdue }
                if isSelected { style = .selected; g.fill(Rect(x: list.x, y: y, width: list.width, height: 1), style: style) }
                var cells = [span(p.start, p.end)]
                if sort != 0 { cells.append(p.resource) }
                if wide { cells.append(p.id.description) }
                cells.append(patientText(p))
                if wide { cells.append(p.kind.rawValue) }
                cells += [p.title, readyWord(c)]
                var cx = list.x + 1
                for (cell, (_, w)) in zip(cells, columns) {
                    g.putPadded(TextWidth.truncate(drawn(cell, g), to: w, ascii: ascii), x: cx, y: y, width: w, style: style)
                    cx += w + 1
                }
                let rest = list.x + list.width - 1 - cx
                if rest > 0 { g.putPadded(TextWidth.truncate(drawn(reasons(c), g), to: rest, ascii: ascii), x: cx, y: y, width: rest, style: style) }
                if isSelected { g.put(ascii ? ">" : "▶", x: list.x, y: y, style: style) }
            }
        }
        if lines.count > visible {
            let more = "\(top + 1)\(dash)\(min(lines.count, top + visible)) of \(lines.count)"
            g.put(more, x: list.x + max(0, list.width - TextWidth.of(more) - 1), y: list.y + list.height - 1, style: .dim)
        }
        // The selected case in full.
        let ruleY = list.y + list.height
        g.put(String(repeating: ascii ? "-" : "─", count: inner.width), x: inner.x, y: ruleY, style: .border)
        for (n, l) in detail.lines.enumerated() {
            g.put(l, x: inner.x + 1, y: ruleY + 1 + n, style: n == 0 ? .normal : detail.style, maxWidth: inner.width - 2)
        }
    }

    /// The selected case in full under the list: a line for the case, then its reasons wrapped
    /// (at most `room` lines, the last cut with … when they do not fit).
    func detailLines(_ i: Int?, _ c: [Case], _ g: Grid, width: Int, room: Int, span: (Timestamp, Timestamp) -> String) -> (lines: [String], style: StyleSlot) {
        guard let i else { return ([], .normal) }
        let c = c[i]
        let p = c.procedure
        let name = state.patients[p.mrn].map { "\(p.mrn) \($0.name)" } ?? p.mrn
        let head = "\(p.id) \(p.resource) \(span(p.start, p.end)) · \(p.kind.rawValue) \"\(p.title)\" · \(name) · \(readyWord(c))"
        let notes = notes(c).joined(separator: "; ")
        var text = c.unmet.isEmpty ? (c.live ? "Every requirement met." : "Case \(p.status.rawValue).") : "Missing: " + c.unmet.joined(separator: "; ")
        if !notes.isEmpty { text = notes + " · " + text }
        var wrapped = TextWidth.wrap(drawn(text, g), width: width)
        if wrapped.count > room {
            wrapped = Array(wrapped.prefix(room))
            wrapped[room - 1] = TextWidth.truncate(wrapped[room - 1] + " …", to: width, ascii: g.ascii)
        }
        return ([TextWidth.truncate(drawn(head, g), to: width, ascii: g.ascii)] + wrapped, c.unmet.isEmpty && c.overlaps.isEmpty ? .normal : .urgent)
    }
}
