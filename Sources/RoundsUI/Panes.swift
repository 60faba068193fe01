import RoundsDomain
import RoundsReports

/// What a pane shows: columns and rows, each row keyed by the item it stands for so the
/// selection can stay on that item when rows arrive, leave or move.
public struct PaneContent: Sendable {
    public struct Column: Sendable {
        public var title: String
        public var width: Int
        /// Takes the width left over (one flexible column per pane).
        public var flexible: Bool
        /// A column that decides what to do next (due, priority, state, owner): never cut.
        /// It is as wide as the widest value on screen, and other columns give way first.
        public var keep: Bool
        /// When the pane is too narrow, columns that do not keep their width are left out,
        /// the lowest `priority` first (the rightmost of equals).
        public var priority: Int
        public init(_ title: String, _ width: Int, flexible: Bool = false, keep: Bool = false, priority: Int = 0) {
            self.title = title; self.width = width; self.flexible = flexible; self.keep = keep; self.priority = priority
        }
    }
    public struct Row: Sendable {
        public var key: String
        /// The row's text, column by column. Rows of long panes are formatted only when drawn
        /// (or filtered): a pane of 20,000 tasks formats the forty on screen.
        public var cells: [String] {
            get { formatter?.cells(formatIndex) ?? storedCells }
            set { storedCells = newValue; formatter = nil }
        }
        var storedCells: [String]
        var formatter: RowFormatter?
        var formatIndex = 0
        public var style: StyleSlot
        /// Unit headings and section titles are shown but cannot be selected.
        public var selectable: Bool = true
        public var patient: MRN?
        public init(key: String, cells: [String], style: StyleSlot = .normal, selectable: Bool = true, patient: MRN? = nil) {
            self.key = key; self.storedCells = cells; self.style = style; self.selectable = selectable; self.patient = patient
        }
        init(key: String, formatter: RowFormatter, index: Int, style: StyleSlot, patient: MRN?) {
            self.key = key; self.storedCells = []; self.formatter = formatter; self.formatIndex = index; self.style = style; self.patient = patient
        }
    }
    public var columns: [Column]
    public var rows: RowList
    /// One line for the pane's title and the tab strip, e.g. `12 open · 3 overdue`.
    public var summary: String
    /// The same counts in fewer columns, for a tab strip that must hold all four panes at
    /// 80 columns, e.g. `12 open ‼3 late`.
    public var shortSummary: String = ""
    /// The short summary without what can wait for the pane's own title (the bed forecast's
    /// units short), for a tab strip that is tight.
    public var tightSummary: String?
    /// Said in the pane's title after the counts (whose messages these are).
    public var note: String?
    /// Shown beside the rows when the pane is wide enough (the bed board's queue and discharges).
    public var side: [Row] = []
    /// The same as `side`, laid out in the main columns, for a pane too narrow for a side panel.
    public var sideInline: [Row] = []
    public var sortName: String
    /// The selectable rows and where each key is among them, built once per content (the app
    /// caches content), so moving the selection is not a scan of 20,000 rows.
    var selection: SelectionIndex?
}

struct SelectionIndex: Sendable {
    let rows: RowList
    init(_ c: PaneContent) {
        // Most panes' rows are all selectable: share the list rather than copy 20,000 rows.
        rows = c.sideInline.isEmpty && c.rows.allSelectable ? c.rows : RowList((c.sideInline + c.rows).filter(\.selectable))
    }

    func index(of key: String, near hint: Int) -> Int? { rows.index(ofKey: key, near: hint) }
}

/// A pane's rows: stored, or made one at a time when drawn. A worklist of 20,000 open tasks
/// lists their ids in order and makes the forty rows on screen, not 20,000 rows per change.
public struct RowList: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable {
    /// Makes row `i`, and finds the row of a key, for a list whose rows are made on demand.
    final class Maker: @unchecked Sendable {
        let count: Int
        let make: (Int) -> PaneContent.Row
        let find: (String) -> Int?
        /// The number of the item row i shows (a task's, a message's), when rows show numbered
        /// items: the search text reuses an untouched item's text by it.
        let item: ((Int) -> Int)?
        init(count: Int, make: @escaping (Int) -> PaneContent.Row, find: @escaping (String) -> Int?, item: ((Int) -> Int)? = nil) {
            self.count = count; self.make = make; self.find = find; self.item = item
        }
    }

    private let stored: [PaneContent.Row]
    private let maker: Maker?
    /// No headings: every row can be selected (always so for made rows).
    let allSelectable: Bool

    public init(_ rows: [PaneContent.Row]) {
        stored = rows; maker = nil; allSelectable = !rows.contains { !$0.selectable }
    }
    public init(arrayLiteral rows: PaneContent.Row...) { self.init(rows) }
    init(_ maker: Maker) { stored = []; self.maker = maker; allSelectable = true }

    public var startIndex: Int { 0 }
    public var endIndex: Int { maker?.count ?? stored.count }
    public subscript(i: Int) -> PaneContent.Row { maker.map { $0.make(i) } ?? stored[i] }

    /// Row i's item number, when its maker knows it.
    var items: ((Int) -> Int)? { maker?.item }

    /// Where the row keyed `key` is: made rows ask their maker; stored rows are searched
    /// outwards from `hint`, where it usually still is.
    func index(ofKey key: String, near hint: Int) -> Int? {
        if let maker { return maker.find(key) }
        guard !stored.isEmpty else { return nil }
        let start = Swift.max(0, Swift.min(stored.count - 1, hint))
        if stored[start].key == key { return start }
        var d = 1
        while start - d >= 0 || start + d < stored.count {
            if start + d < stored.count, stored[start + d].key == key { return start + d }
            if start - d >= 0, stored[start - d].key == key { return start - d }
            d += 1
        }
        return nil
    }
}

public struct PaneContext: Sendable {
    public var now: Timestamp
    public var wallClock: WallClock
    public var sort: Int
    public var filter: String
    /// Where rows formatted later read the hospital from. The app passes its live state:
    /// a formatter holding a copy would make the next change copy every table (copy on write).
    var source: StateSource?
    /// The bed forecast for `now`, when the caller keeps one (a sort or filter of the board
    /// does not work it out again).
    var forecast: BedForecast?
    public init(now: Timestamp, wallClock: WallClock, sort: Int = 0, filter: String = "") {
        self.now = now; self.wallClock = wallClock; self.sort = sort; self.filter = filter
    }
}

extension PaneContext {
    /// `count` rows made only when drawn (or filtered): `row` gives item i's key, style and
    /// patient, `cells` its text, both read from the live state (or `s` when no app supplies
    /// one); `find` turns a key back into its index. Filtered by the pane's filter.
    func madeRows(count: Int, _ s: HospitalState, row: @escaping (HospitalState, Int) -> (key: String, style: StyleSlot, patient: MRN?),
                  cells: @escaping (HospitalState, Int) -> [String], find: @escaping (String) -> Int?, item: ((Int) -> Int)? = nil) -> RowList {
        let source = self.source ?? StateSource(fixed: s)
        let formatter = RowFormatter { i in source.with { cells($0, i) } }
        let all = RowList(RowList.Maker(count: count, make: { i in
            let r = source.with { row($0, i) }
            return PaneContent.Row(key: r.key, formatter: formatter, index: i, style: r.style, patient: r.patient)
        }, find: find, item: item))
        return filter.isEmpty ? all : RowList(all.filter { matches($0, filter) })
    }

    /// Made rows of items named by sequential ids (tasks, labs, messages), found by id.
    func madeRows<ID: SequentialID>(_ ids: [ID], _ s: HospitalState, row: @escaping (HospitalState, Int) -> (style: StyleSlot, patient: MRN?),
                                    cells: @escaping (HospitalState, ID) -> [String]) -> RowList {
        madeRows(count: ids.count, s, row: { s, i in
            let r = row(s, i)
            return (ids[i].description, r.style, r.patient)
        }, cells: { s, i in cells(s, ids[i]) }, find: { key in
            guard let id = ID.parse(Substring(key)), id.description == key else { return nil }
            return ids.firstIndex(of: id)
        }, item: { ids[$0].number })
    }
}

/// Lends the state a formatter formats from, at the time it formats: the app's live state (or
/// the one it is travelling through), or a fixed state when no app supplies one. Lent, not
/// returned: returning a `HospitalState` copies it, a retain and a release of each of its
/// tables for every row made.
final class StateSource: @unchecked Sendable {
    private let fixed: HospitalState
    private unowned let app: RoundsApp?
    /// While many rows are formatted at once (`pinned(_:_:)`): one copy of the live state,
    /// lent to each row without a retain and release of every table.
    private var pin: Pinned?
    private final class Pinned {
        let state: HospitalState
        init(_ state: HospitalState) { self.state = state }
    }

    init(fixed: HospitalState) { self.fixed = fixed; app = nil }
    init(app: RoundsApp) { fixed = HospitalState(); self.app = app }

    func with<T>(_ body: (HospitalState) -> T) -> T {
        guard let app else { return body(fixed) }
        if let pin { return body(pin.state) }
        if let timeline = app.timeline { return body(app.projectedPast(timeline)) }
        return body(app.liveState)
    }

    /// Runs `body` with `state` (which must be the state `with` would lend) lent to every row
    /// it formats. The copy is dropped at the end, before anything can change the live state,
    /// so applying the next record copies no table.
    func pinned<T>(_ state: HospitalState, _ body: () -> T) -> T {
        // Already pinned (a frame that lays out search text): that copy serves.
        if pin != nil { return body() }
        pin = Pinned(state)
        defer { pin = nil }
        return body()
    }
}

/// Names as panes show them: family name and initials, `Nguyễn, T. H.`.
public func shortName(_ full: String) -> String {
    let parts = full.split(separator: ",", maxSplits: 1)
    guard parts.count == 2 else { return full }
    let given = parts[1].split(separator: " ").compactMap { $0.first.map { "\($0)." } }.joined(separator: " ")
    return "\(parts[0]), \(given)"
}

func matches(_ row: PaneContent.Row, _ filter: String) -> Bool {
    guard !filter.isEmpty else { return true }
    let needle = filter.lowercased()
    return row.cells.contains { $0.lowercased().contains(needle) } || row.key.lowercased().contains(needle)
}

/// How long ago `t` was at `now`, never less than zero: panes show the hospital as at the start
/// of the minute, so something recorded later in the minute is shown as just now.
func age(since t: Timestamp, at now: Timestamp) -> Span { now < t ? .seconds(0) : now - t }

func relative(_ t: Timestamp, _ now: Timestamp) -> String {
    t < now ? "\(now - t) ago" : "in \(t - now)"
}

/// Formats rows on demand from the state they were listed from.
final class RowFormatter: @unchecked Sendable {
    let format: (Int) -> [String]
    init(_ format: @escaping (Int) -> [String]) { self.format = format }
    func cells(_ i: Int) -> [String] { format(i) }
}

public enum WorklistPane {
    public static let sorts = ["urgency", "due time", "owner"]

    public static func content(_ s: HospitalState, _ c: PaneContext) -> PaneContent {
        // The order comes from the open tasks' due-order index kept by `apply`: no gathering
        // and sorting of every open task on a change (OpenTaskIndex.swift).
        let index = s.openTaskIndex
        let order: [OpenTaskIndex.Entry]
        switch c.sort % sorts.count {
        case 1: order = index.dueOrder()
        case 2: order = index.ownerOrder()
        default: order = index.urgencyOrder(at: c.now)
        }
        let now = c.now
        let ids = order.map(\.id)
        let rows = c.madeRows(ids, s, row: { s, i in
            let e = order[i]
            return (e.due < now ? .overdue : (e.priority == .stat ? .stat : e.priority == .urgent ? .urgent : .normal), s.tasks[e.id]?.patient)
        }) { s, id in
            guard let t = s.tasks[id] else { return [] }
            let late = t.isOverdue(at: now)
            let when = late ? "‼ OVERDUE \(now - t.due)" : "in \(t.due - now)"
            let patient = t.patient.map { mrn in
                let name = s.patients[mrn].map { shortName($0.name) } ?? mrn
                let bed = s.stay(of: mrn)?.bed.map { " · \($0)" } ?? ""
                return name + bed
            } ?? "—"
            let status = t.escalation >= 2 ? "\(t.status.rawValue) ▲" : t.status.rawValue
            return [t.priority.rawValue.uppercased(), when, t.title, patient, t.owner?.description ?? "—", status, c.wallClock.hhmm(t.due)]
        }
        // Narrow panes drop columns from the right, so what must always show comes first.
        // Priority, due, owner and status keep their full width; the title gives way, and
        // a narrow pane drops the due time of day, then the patient.
        let overdue = index.overdueCount(at: now)
        return PaneContent(columns: [.init("Pri", 7, keep: true), .init("Due", 13, keep: true), .init("Task", 16, flexible: true, priority: 3), .init("Patient", 14, priority: 2),
                                     .init("Owner", 10, keep: true), .init("Status", 8, keep: true), .init("At", 5, priority: 1)],
                           rows: rows, summary: "\(order.count) open · \(overdue) overdue",
                           shortSummary: "\(order.count)" + (overdue > 0 ? " ‼\(overdue) late" : " open"), sortName: sorts[c.sort % sorts.count])
    }
}

public enum BedBoardPane {
    public static let sorts = ["unit", "status"]

    public static func glyph(_ status: BedStatus) -> (String, StyleSlot) {
        switch status {
        case .available: ("○ available", .bedAvailable)
        case .reserved: ("◐ reserved", .bedReserved)
        case .occupied: ("● occupied", .bedOccupied)
        case .dirty: ("✗ dirty", .bedDirty)
        case .cleaning: ("~ cleaning", .bedCleaning)
        case .blocked: ("■ blocked", .bedBlocked)
        }
    }

    /// Bed states in the order of their codes (the "status" sort).
    static let statusRank: [BedStatus: Int] = Dictionary(uniqueKeysWithValues: BedStatus.allCases.sorted { $0.code < $1.code }.enumerated().map { ($1, $0) })

    public static func content(_ s: HospitalState, _ c: PaneContext) -> PaneContent {
        var rows: [PaneContent.Row] = []
        var free = 0
        let today = c.wallClock.localDate(c.now)
        // Beds in the order shown, first; their text is formatted when drawn (or filtered).
        // Only what a row needs is read (a whole `Bed` is not copied, nor moved by the sort).
        typealias Listed = (id: BedID, status: BedStatus, patient: MRN?)
        var units: [(unit: Unit, beds: [Listed])] = []
        let byStatus = c.sort % sorts.count == 1
        for code in s.unitOrder {
            guard let unit = s.units[code] else { continue }
            var beds: [Listed] = []
            beds.reserveCapacity(unit.beds.count)
            for id in unit.beds { if let b = s.beds[id] { beds.append((id, b.status, b.patient)) } }
            if byStatus {
                var ranked = beds.indices.map { (rank: statusRank[beds[$0].status]!, at: $0) }
                ranked.sort { a, b in a.rank != b.rank ? a.rank < b.rank : beds[a.at].id < beds[b.at].id }
                beds = ranked.map { beds[$0.at] }
            }
            units.append((unit, beds))
        }
        let ids = units.flatMap { $0.beds.map(\.id) }
        let source = c.source ?? StateSource(fixed: s)
        let now = c.now, wallClock = c.wallClock
        let formatter = RowFormatter { i in source.with { s -> [String] in
            guard let b = s.beds[ids[i]] else { return [] }
            let (label, _) = glyph(b.status)
            let p = b.patient.flatMap { s.patients[$0] }
            var who = p.map { shortName($0.name) } ?? ""
            if b.status == .reserved, let name = p.map({ shortName($0.name) }) { who = "for " + name }
            let precautions = p?.precautions.map(\.rawValue).sorted().joined(separator: ",") ?? ""
            var note = ""
            if b.status == .blocked, let block = b.block {
                note = block.reason + (block.until.map { " until \(wallClock.hhmm($0))" } ?? "")
            } else if b.status == .occupied, let st = b.patient.flatMap({ s.stay(of: $0) }) {
                if let edd = st.expectedDischarge { note = edd <= today ? "discharge today" : "EDD \(edd)" }
                // Open discharge barriers, by kind: the discharge is not counted in the forecast.
                let open = s.barriers.open(st.id)
                if !open.isEmpty { note = "‼ " + open.map(\.kind.rawValue).joined(separator: ",") + (note.isEmpty ? "" : " · " + note) }
                // A trial patient (Research/): the study, before anything else.
                if let studies = s.research.onStudy[st.mrn] { note = "◆ " + studies.joined(separator: ",") + (note.isEmpty ? "" : " · " + note) }
            } else if b.status == .dirty || b.status == .cleaning {
                note = "for \(age(since: b.since, at: now))"
            }
            let attrs = b.attributes.map { String($0.rawValue.prefix(3)) }.sorted().joined(separator: ",")
            return [b.id, label, who, precautions, note, attrs]
        } }
        let forecast = c.forecast ?? s.bedForecast(at: c.now, wallClock: c.wallClock, details: false)
        let shortUnits = forecast.short.count
        var i = 0
        for (unit, beds) in units {
            var occupied = 0, available = 0
            for b in beds { if b.status == .occupied { occupied += 1 } else if b.status == .available { available += 1 } }
            free += available
            var bedRows = beds.map { b -> PaneContent.Row in
                defer { i += 1 }
                return PaneContent.Row(key: "bed:" + b.id, formatter: formatter, index: i, style: glyph(b.status).1, patient: b.patient)
            }
            if !c.filter.isEmpty { bedRows = bedRows.filter { matches($0, c.filter) } }
            if !bedRows.isEmpty || c.filter.isEmpty {
                rows.append(PaneContent.Row(key: "unit:" + unit.code, cells: ["\(unit.code) · \(unit.name) · \(occupied)/\(beds.count) occupied · \(available) free"],
                                            style: .unitHeading, selectable: false))
                // The forecast's shortfall, in words under the unit's heading (never by colour alone).
                if let f = forecast.units.first(where: { $0.unit == unit.code }), f.shortfall > 0 {
                    rows.append(PaneContent.Row(key: "forecast:" + unit.code, cells: ["‼ Forecast " + forecast.shortLine(f, c.wallClock)],
                                                style: .overdue, selectable: false))
                }
                rows += bedRows
            }
        }
        // Beside the board: the placement queue, longest wait first, and today's discharges.
        // Their text too is formatted when drawn: a busy day lists hundreds of discharges.
        let queue = s.placementQueue
        // Read in place, sorted by small keys: no stay is copied.
        var leaving: [(bed: BedID, id: StayID, mrn: MRN)] = []
        for id in s.activeStay.values where s.stays[id]?.phase == .inBed && (s.stays[id]?.expectedDischarge.map { $0 <= today } ?? false) {
            if let mrn = s.stays[id]?.mrn { leaving.append((s.stays[id]?.bed ?? "", id, mrn)) }
        }
        leaving.sort { ($0.bed, $0.id) < ($1.bed, $1.id) }
        // Side cells: queue rows numbered from 0, discharge rows after them.
        let sideCells = RowFormatter { i in source.with { s -> [String] in
            if i < queue.count {
                let st = queue[i]
                let p = s.patients[st.mrn]
                let needs = (p?.precautions.map(\.rawValue) ?? []) + st.needs.map(\.rawValue)
                return ["\(age(since: st.requestedAt, at: now))", p.map { shortName($0.name) } ?? st.mrn, st.source.label, needs.sorted().joined(separator: ",")]
            }
            let st = leaving[i - queue.count]
            let held = s.barriers.open(st.id).map(\.kind.rawValue)
            return ["→ \(st.bed)", s.patients[st.mrn].map { shortName($0.name) } ?? st.mrn, held.isEmpty ? "" : "‼ held", held.joined(separator: ",")]
        } }
        // Inline (a pane too narrow for the side panel): wait in the bed column, source in the
        // status column, needs as precautions.
        let inlineCells = RowFormatter { i in
            let cells = sideCells.cells(i)
            return i < queue.count ? ["", "wait \(cells[0])", cells[1], cells[3], "from \(cells[2])", ""]
                                   : [String(cells[0].dropFirst(2)), cells[2].isEmpty ? "→ home today" : "‼ held", cells[1], cells[3], "", ""]
        }
        var side: [PaneContent.Row] = [PaneContent.Row(key: "title:queue", cells: ["Waiting for a bed (\(queue.count))"], style: .unitHeading, selectable: false)]
        var inline = side
        for (i, st) in queue.enumerated() {
            let style: StyleSlot = now - st.requestedAt > .hours(4) ? .urgent : .normal
            side.append(PaneContent.Row(key: "queue:" + st.mrn, formatter: sideCells, index: i, style: style, patient: st.mrn))
            inline.append(PaneContent.Row(key: "queue:" + st.mrn, formatter: inlineCells, index: i, style: style, patient: st.mrn))
        }
        let title = PaneContent.Row(key: "title:discharges", cells: ["Expected discharges today (\(leaving.count))"], style: .unitHeading, selectable: false)
        side.append(title)
        inline.append(title)
        for (i, st) in leaving.enumerated() {
            side.append(PaneContent.Row(key: "bed:" + st.bed, formatter: sideCells, index: queue.count + i, style: .normal, patient: st.mrn))
            inline.append(PaneContent.Row(key: "bed:" + st.bed, formatter: inlineCells, index: queue.count + i, style: .normal, patient: st.mrn))
        }
        if !c.filter.isEmpty {
            side = side.filter { !$0.selectable || matches($0, c.filter) }
            inline = inline.filter { !$0.selectable || matches($0, c.filter) }
        }
        var content = PaneContent(columns: [.init("Bed", 7, keep: true), .init("Status", 12, keep: true), .init("Patient", 20, priority: 3), .init("Precautions", 12, priority: 2), .init("Note", 20, flexible: true, priority: 1), .init("Attr", 11)],
                           rows: RowList(rows), summary: "\(free) free · \(queue.count) waiting" + (shortUnits > 0 ? " · ‼ \(shortUnits) unit\(shortUnits == 1 ? "" : "s") short in 24 h" : ""),
                           shortSummary: "\(free) free \(queue.count) wait" + (shortUnits > 0 ? " ‼\(shortUnits) short" : ""), side: side, sideInline: inline, sortName: sorts[c.sort % sorts.count])
        if shortUnits > 0 { content.tightSummary = "\(free) free \(queue.count) wait" }
        return content
    }
}

public enum LabsPane {
    public static let sorts = ["critical first", "age"]

    public static func content(_ s: HospitalState, _ c: PaneContext) -> PaneContent {
        var labs = s.activeLabs.compactMap { s.labs[$0] }
        let now = c.now
        // Critical results awaiting communication first, then labs still pending past the time
        // they were needed by (the longest late first), then the rest by age.
        func rank(_ l: LabOrder) -> Int { l.awaitsCommunication ? 0 : (l.isPastNeededBy(at: now) ? 1 : 2) }
        labs.sort { a, b in
            if c.sort % sorts.count == 0 {
                let ra = rank(a), rb = rank(b)
                if ra != rb { return ra < rb }
                if ra == 1, let na = a.neededBy, let nb = b.neededBy, na != nb { return na < nb }
            }
            return (a.orderedAt, a.id) < (b.orderedAt, b.id)
        }
        let critical = labs.filter(\.awaitsCommunication).count
        let late = labs.filter { $0.isPastNeededBy(at: now) }.count
        // Scheduled procedures by patient, once: not a scan of every procedure for every lab.
        var procedures: [MRN: [Procedure]] = [:]
        for id in s.scheduledProcedures {
            if let p = s.procedures[id], p.status == .scheduled { procedures[p.mrn, default: []].append(p) }
        }
        let rows = c.madeRows(labs.map(\.id), s, row: { _, i in
            let l = labs[i]
            return (l.awaitsCommunication ? .labCritical : (l.isPastNeededBy(at: now) ? .overdue : (l.priority == .stat ? .stat : .labPending)), l.mrn)
        }) { s, id in
            guard let l = s.labs[id] else { return [] }
            let name = s.patients[l.mrn].map { shortName($0.name) } ?? l.mrn
            var needs = (procedures[l.mrn] ?? [])
                .filter { $0.requiredTests.contains(l.test) }
                .min { $0.start < $1.start }
                .map { "\($0.title) at \(c.wallClock.hhmm($0.start))" } ?? (l.neededBy.map { "needed by \(c.wallClock.hhmm($0))" } ?? "")
            // Late says so first, in words, so a narrow column still shows it.
            if l.isPastNeededBy(at: now), let by = l.neededBy {
                needs = "‼ LATE \(now - by) · needed by \(c.wallClock.hhmm(by))" + (needs.hasPrefix("needed by") || needs.isEmpty ? "" : " · \(needs)")
            }
            let status: String
            if l.awaitsCommunication, let r = l.result {
                let due = l.criticalTask.flatMap { s.tasks[$0] }.map { c.wallClock.hhmm($0.due) } ?? ""
                status = "‼ CRITICAL \(r.value) · by \(due)"
            } else {
                status = l.status.rawValue
            }
            return [l.id.description, l.test, name, status, "\(age(since: l.orderedAt, at: c.now))", needs]
        }
        return PaneContent(columns: [.init("Lab", 5, keep: true), .init("Test", 4, keep: true), .init("Patient", 14, priority: 2), .init("Status", 10, keep: true),
                                     .init("Age", 6, priority: 1), .init("Needed for", 17, flexible: true, priority: 3)],
                           rows: rows, summary: "\(labs.count) pending · \(critical) critical" + (late > 0 ? " · \(late) late" : ""),
                           shortSummary: "\(labs.count)" + (critical > 0 ? " ‼\(critical) crit" : "") + (late > 0 ? " ‼\(late) late" : ""),
                           sortName: sorts[c.sort % sorts.count])
    }
}

public enum MessagesPane {
    public static let sorts = ["urgent first", "newest"]

    /// Which messages the pane lists.
    public enum Scope: Equatable, Sendable {
        /// Every message: a supervisor's audited look.
        case all
        /// What concerns this login holding this role (`Message.concerns`): addressed to them
        /// or their role, or sent by them. The default.
        case concerning(Login, Role?)

        func includes(_ m: Message?) -> Bool {
            switch self {
            case .all: true
            case .concerning(let login, let role): m?.concerns(login, role: role) ?? false
            }
        }
    }

    public static func content(_ s: HospitalState, _ c: PaneContext, me: Login, scope: Scope = .all, index: ConcernIndex? = nil) -> PaneContent {
        let since = c.now - .hours(24)
        let urgentFirst = c.sort % sorts.count == 0
        if case .concerning(let login, let role) = scope, let day = DayOfMessages(s, since: since, urgentFirst: urgentFirst) {
            // One's own messages: the day's (from the reader's index, which looks at each
            // message once, when it arrives), then the older unacknowledged urgent ones; with
            // "urgent first", the unacknowledged ones first. A row's message and a key's row are
            // found by binary search: nothing is listed per row, so what a record costs does not
            // grow with the day's messages.
            let mine = (index ?? ConcernIndex()).numbers(s, from: day.low, login, role)
            let dayMine = mine[partitionPoint(mine.indices) { mine[$0] < day.low }...]
            // Reads the two fields in place (a whole message is not copied to test it).
            func concerns(_ id: MessageID) -> Bool {
                guard let from = s.messages[id]?.from else { return false }
                if from == login { return true }
                switch s.messages[id]?.to {
                case .person(let p)?: return p == login
                case .role(let r)?: return r == role
                case nil: return false
                }
            }
            let openIDs = day.open.filter(concerns)
            let head = urgentFirst ? openIDs : []
            let tail = urgentFirst ? [] : day.older.filter(concerns)
            // With "urgent first", the day's open ones are listed first and skipped after: their
            // places counted from the newest, ascending.
            var places: [Int] = []
            if urgentFirst {
                for id in openIDs where id.number >= day.low {
                    let p = partitionPoint(dayMine.indices) { dayMine[$0] < id.number }
                    if p < dayMine.endIndex, dayMine[p] == id.number { places.append(dayMine.endIndex - 1 - p) }
                }
                places.sort()
            }
            let skips = places
            let rest = dayMine.count - skips.count
            let count = head.count + rest + tail.count
            // The j-th of the day's rows not listed first is at place j + (how many skipped
            // places p_k have p_k - k <= j): one binary search, nothing listed per row.
            let shifted = skips.enumerated().map { $0.element - $0.offset }
            let message: (Int) -> MessageID = { i in
                if i < head.count { return head[i] }
                let j = i - head.count
                guard j < rest else { return tail[j - rest] }
                var lo = 0, hi = shifted.count
                while lo < hi { let mid = (lo + hi) >> 1; if shifted[mid] <= j { lo = mid + 1 } else { hi = mid } }
                return MessageID(dayMine[dayMine.endIndex - 1 - (j + lo)])
            }
            let rows = c.madeRows(count: count, s, row: { s, i in
                let id = message(i)
                let m = s.messages[id]
                return (id.description, m?.awaitsAcknowledgement == true ? .messageUrgent : (m?.readBy[me] == nil ? .messageUnread : .normal), m?.patient)
            }, cells: { s, i in cells(s, message(i), c, me: me) }, find: { key in
                guard let id = MessageID.parse(Substring(key)), id.description == key else { return nil }
                if let h = head.firstIndex(of: id) { return h }
                let p = partitionPoint(dayMine.indices) { dayMine[$0] < id.number }
                if p < dayMine.endIndex, dayMine[p] == id.number {
                    let place = dayMine.endIndex - 1 - p
                    let before = partitionPoint(skips.indices) { skips[$0] < place }
                    if before < skips.count, skips[before] == place { return nil }
                    return head.count + place - before
                }
                return tail.firstIndex(of: id).map { head.count + rest + $0 }
            }, item: { message($0).number })
            return summarised(PaneContent(columns: columns, rows: rows, summary: "", sortName: sorts[c.sort % sorts.count]), count: count, open: openIDs.count, scope: scope)
        }
        if scope == .all, let day = DayOfMessages(s, since: since, urgentFirst: urgentFirst) {
            let all = c.madeRows(count: day.count, s, row: { s, i in
                let id = day[i]
                let m = s.messages[id]
                return (id.description, m?.awaitsAcknowledgement == true ? .messageUrgent : (m?.readBy[me] == nil ? .messageUnread : .normal), m?.patient)
            }, cells: { s, i in cells(s, day[i], c, me: me) }, find: { key in
                guard let id = MessageID.parse(Substring(key)), id.description == key else { return nil }
                return day.index(of: id)
            }, item: { day[$0].number })
            return summarised(PaneContent(columns: columns, rows: all, summary: "", sortName: sorts[c.sort % sorts.count]),
                              count: day.count, open: day.open.count, scope: scope)
        }
        // Messages out of time order (a journal written by another tool): every message held
        // is looked at.
        struct Item { var sentAt: Timestamp; var id: MessageID; var open: Bool }
        var msgs: [Item] = []
        for id in s.messages.ids {
            guard let sentAt = s.messages[id]?.sentAt, scope.includes(s.messages[id]) else { continue }
            let open = s.messages[id]?.awaitsAcknowledgement ?? false
            if sentAt >= since || open { msgs.append(Item(sentAt: sentAt, id: id, open: open)) }
        }
        msgs.sort { a, b in a.sentAt != b.sentAt ? a.sentAt > b.sentAt : a.id > b.id }
        let open = msgs.reduce(0) { $0 + ($1.open ? 1 : 0) }
        if urgentFirst {
            msgs = msgs.filter(\.open) + msgs.filter { !$0.open }
        }
        let rows = c.madeRows(msgs.map(\.id), s, row: { s, i in
            let id = msgs[i].id
            return (msgs[i].open ? .messageUrgent : (s.messages[id]?.readBy[me] == nil ? .messageUnread : .normal), s.messages[id]?.patient)
        }) { s, id in cells(s, id, c, me: me) }
        return summarised(PaneContent(columns: columns, rows: rows, summary: "", sortName: sorts[c.sort % sorts.count]), count: msgs.count, open: open, scope: scope)
    }

    /// The counts of what is listed, and whose messages they are.
    static func summarised(_ content: PaneContent, count: Int, open: Int, scope: Scope) -> PaneContent {
        var c = content
        c.summary = "\(count) · \(open) urgent unacknowledged"
        c.note = scope == .all ? "ALL messages (audited; v: mine)" : "to me, my role or from me"
        c.shortSummary = (scope == .all ? "all " : "") + "\(count)" + (open > 0 ? " ‼\(open) urgent" : "")
        return c
    }

    static let columns: [PaneContent.Column] = [.init("Urgency", 8, keep: true), .init("Sent", 5, keep: true), .init("From → to", 19, keep: true), .init("State", 11, keep: true),
                                                .init("Subject", 18, flexible: true, priority: 2), .init("Patient", 14, priority: 1)]

    static func cells(_ s: HospitalState, _ id: MessageID, _ c: PaneContext, me: Login) -> [String] {
        guard let m = s.messages[id] else { return [] }
        let urgency = m.urgent ? (m.acknowledgedBy == nil ? (m.escalation > 0 ? "‼ URGENT" : "! urgent") : "urgent") : ""
        let state = m.acknowledgedBy.map { "✓ ack \($0)" } ?? (m.readBy[me] == nil ? "• unread" : "read")
        let patient = m.patient.map { mrn in s.patients[mrn].map { shortName($0.name) } ?? mrn } ?? ""
        return [urgency, c.wallClock.hhmm(m.sentAt), "\(m.from) → \(m.to)", state, m.subject, patient]
    }
}

/// The numbers of the messages that concern one reader (`Message.concerns`), in order, kept as
/// messages arrive: whom a message is from and to never changes, so each is looked at once,
/// not once per record for the whole day. The app keeps one for its live state.
public final class ConcernIndex: @unchecked Sendable {
    struct Reader: Equatable { var login: Login; var role: Role? }
    /// The numbers, in a buffer of their own: content made earlier keeps a view of it (its
    /// start and end), so appending a new message's number never copies the whole list, as a
    /// shared array would.
    final class Buffer: @unchecked Sendable { var items: [Int] = [] }
    /// A view of the numbers as they were when it was made.
    struct Numbers: RandomAccessCollection {
        let buffer: Buffer
        let startIndex: Int
        let endIndex: Int
        subscript(i: Int) -> Int { buffer.items[i] }
    }
    private var reader: Reader?
    private var buffer = Buffer()
    /// Messages numbered `start ..< scanned` have been looked at.
    private var start = 0, scanned = 0

    public init() {}

    /// The numbers from `low` on (and perhaps a few before) of the messages that concern
    /// `login`, ascending.
    func numbers(_ s: HospitalState, from low: Int, _ login: Login, _ role: Role?) -> Numbers {
        let r = Reader(login: login, role: role)
        if r != reader || low < start || s.nextMessage < scanned {
            reader = r; buffer = Buffer(); start = low; scanned = low
        }
        for n in scanned..<max(scanned, s.nextMessage) where s.messages[MessageID(n)]?.concerns(login, role: role) == true {
            buffer.items.append(n)
        }
        scanned = max(scanned, s.nextMessage)
        // Drop what left the day long ago, now and then, into a new buffer (views made before
        // keep the old one); a margin of message numbers is kept, as the next minute's content
        // (listed ahead) asks from a later start than this one.
        let keepFrom = low - 10_000
        if buffer.items.count > 4096, let first = buffer.items.firstIndex(where: { $0 >= keepFrom }), first > buffer.items.count / 2 {
            let fresh = Buffer()
            fresh.items = Array(buffer.items[first...])
            buffer = fresh
            start = keepFrom
        }
        return Numbers(buffer: buffer, startIndex: 0, endIndex: buffer.items.count)
    }
}

/// The messages pane's rows when the day's messages lie in the run known to be in time order
/// (`MessageIndex`): the day is the id range `low...high`, found by binary search, and rows are
/// numbered without listing it. Newest first, then the older urgent messages still
/// unacknowledged; with "urgent first", the unacknowledged ones come first and the rest
/// skip them. What it costs does not grow with the day's messages.
struct DayOfMessages: Sendable {
    let low: Int, high: Int
    /// Unacknowledged urgent messages: of the day (newest first), then older (newest first).
    let open: [MessageID]
    /// The day's unacknowledged ones as positions from the newest (ascending), skipped by the
    /// rest of the day when they are listed first.
    let skipped: [Int]
    let older: [MessageID]
    let urgentFirst: Bool

    init?(_ s: HospitalState, since: Timestamp, urgentFirst: Bool) {
        let start = s.messageIndex.runStart, next = s.nextMessage
        // The run must reach back past the start of the day.
        guard start < next, let first = s.messages[MessageID(start)]?.sentAt, first < since else { return nil }
        // The first message of the day: ids in the run are in time order.
        low = partitionPoint((start + 1)..<next) { (s.messages[MessageID($0)]?.sentAt ?? since) < since }
        high = next - 1
        // The unacknowledged urgent ones, in number order (kept by `apply`): of the day, newest
        // first; older ones in the run, newest first; below the run (sent no later than its
        // first message), by time and then number.
        let urgent = s.messageIndex.unacknowledgedUrgent
        let dayFrom = s.messageIndex.position(of: MessageID(low)), runFrom = s.messageIndex.position(of: MessageID(start))
        let day = Array(urgent[dayFrom...].reversed())
        let inRun = urgent[runFrom..<dayFrom].reversed()
        let below = urgent[..<runFrom].sorted { a, b in
            let ta = s.messages[a]?.sentAt ?? since, tb = s.messages[b]?.sentAt ?? since
            return ta != tb ? ta > tb : a > b
        }
        let before = inRun + below
        older = before
        open = day + before
        let newest = next - 1
        skipped = urgentFirst ? day.map { newest - $0.number } : []
        self.urgentFirst = urgentFirst
    }

    var dayCount: Int { high - low + 1 }
    var count: Int { dayCount + older.count }

    subscript(i: Int) -> MessageID {
        if !urgentFirst { return i < dayCount ? MessageID(high - i) : older[i - dayCount] }
        if i < open.count { return open[i] }
        // The j-th position of the day that is not listed first. Before skipped[m] there are
        // skipped[m] - m positions not skipped (ascending in m), so j + the number of m with
        // skipped[m] - m <= j is the position.
        let j = i - open.count
        let before = partitionPoint(skipped.indices) { skipped[$0] - $0 <= j }
        return MessageID(high - (j + before))
    }

    func index(of id: MessageID) -> Int? {
        let n = id.number
        let inDay = n >= low && n <= high
        if !urgentFirst {
            if inDay { return high - n }
            return older.firstIndex(of: id).map { dayCount + $0 }
        }
        if let i = open.firstIndex(of: id) { return i }
        guard inDay else { return nil }
        let position = high - n
        // Skipped positions before this one, by binary search (they are ascending).
        return open.count + position - partitionPoint(skipped.indices) { skipped[$0] < position }
    }
}
