import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsReports

/// Where each pane stands: the selected item (by key, so it survives rows moving), the scroll
/// position, the filter and the sort order.
public struct PaneView: Sendable {
    public var selected: String?
    public var selectedIndex = 0
    public var top = 0
    public var filter = ""
    public var sort = 0
    /// Messages pane: every message (a supervisor's audited look) instead of one's own.
    public var allMessages = false
}

public enum Overlay: Sendable {
    case help(scroll: Int)
    case detail(title: String, lines: [String], scroll: Int)
    case form(Form)
    case picker(Picker)
    case confirmQuit
    /// Esc on a form that holds input: discard it? y or Esc again discards; n returns to the
    /// form; any other key is ignored (never typed into the form behind).
    case confirmDiscard(Form)
    /// A yes/no question before a command that is hard to take back.
    case confirm(Confirmation)
    /// Finding a patient anywhere in the hospital (f).
    case findPatient(PatientFinder)
}

/// What fills the screen below the header.
public enum Screen: CaseIterable, Sendable {
    /// The four panes (all at once, or one with tabs).
    case panes
    /// Capacity by unit, escalations, overdue work by owner, critical results past their window,
    /// break-glass awaiting review.
    case supervisor
    /// The shift handover walkthrough.
    case handover
    /// Interface items: messages from the hospital's systems that the rules refused.
    case interface
    /// The day's schedule: cases by resource, ready or not.
    case schedule
    /// Open loops: referrals waiting for their report.
    case loops
    /// Supplies and equipment: stock against par, devices and their maintenance.
    case supplies
}

public enum InputMode: Sendable {
    case normal
    case command(LineEditor)
    case filter(LineEditor)
}

/// The full-screen application without a terminal: keys in, a grid out. The terminal layer
/// feeds it keys and draws what it renders; tests do the same with no terminal at all.
public final class RoundsApp {
    public let engine: Engine
    public var hospitalName: String
    public var mode: InputMode = .normal
    public var overlay: Overlay?
    public private(set) var status: (text: String, error: Bool) = ("", false)
    /// How many lines the status message took in the last frame drawn.
    var statusRowsShown = 1
    public internal(set) var running = true
    public var history: [String] = []
    var historyIndex: Int?
    var completions: [String] = []
    var lastTick = Timestamp(milliseconds: 0)
    var lastRender: Grid?

    /// Why this session may not change anything (`--read-only`, or a login not on the roster),
    /// shown in the header.
    public var readOnly: String?
    /// `--read-only`: refuse every change here, before the engine is asked.
    public let sessionReadOnly: Bool
    /// The screen shown below the header (`screen(_:)` gives its type).
    public var screen: Screen = .panes
    lazy var panes = PanesScreen(app: self)
    lazy var supervisorScreen = SupervisorScreen(app: self)
    lazy var handoverScreen = HandoverScreen(app: self)
    lazy var interfaceScreen = InterfaceScreen(app: self)
    lazy var loopsScreen = LoopsScreen(app: self)
    lazy var suppliesScreen = SuppliesScreen(app: self)
    lazy var scheduleScreen = ScheduleScreen(app: self)
    /// A wall display (`--wall`): read-only, the supervisor view with no patient identifiers or
    /// free text, never locked (it shows nothing a passer-by may not see).
    public let wall: Bool
    /// Lock the screen after this long without a key (nil: never). Default 5 minutes.
    public var idleLock: Span?
    /// Checks the password that unlocks the screen (PAM in the real program).
    public var authenticator: (any Authenticator)?
    /// Set while the screen is locked: no patient data is drawn.
    public internal(set) var lock: LockScreen?
    var lastActivity: Timestamp
    /// Time travel: while set, the panes show the hospital as it was at the timeline's time.
    public internal(set) var timeline: Timeline?
    /// Opened with `--at`: the session stays in the past.
    public var pinnedToPast = false
    /// The interface item whose details are open (r, o and x act on it there).
    var detailItem: InterfaceItemID?
    /// The feeds' health for the supervisor view, from the status files beside the journal
    /// (`rounds hl7 listen` writes them); set by the program, read at most every 2 seconds.
    public var feedHealth: (() -> [FeedHealthLine])?
    var feedHealthRead: (at: Timestamp, lines: [FeedHealthLine])?
    lazy var stateSource = StateSource(app: self)
    var headerCache: (key: RecordKey, counts: HeaderCounts)?
    struct FinderKey: Equatable { var text: String; var seq: UInt64; var past: Bool }
    var finderCache: (key: FinderKey, matches: [PatientFinder.Match])?

    public init(engine: Engine, hospitalName: String = "Rounds", readOnly: Bool = false, wall: Bool = false,
                idleLock: Span? = .minutes(5), authenticator: (any Authenticator)? = nil) {
        self.engine = engine
        self.hospitalName = hospitalName
        self.wall = wall
        self.idleLock = wall ? nil : idleLock
        self.authenticator = authenticator
        lastActivity = engine.clock.now()
        sessionReadOnly = readOnly || wall
        if wall { screen = .supervisor }
        status = ("Welcome, \(engine.actor). ? shows every key; : runs any command.", false)
        if wall {
            self.readOnly = "wall display"
            status = ("Wall display: read-only, no patient identifiers. q closes it.", false)
        } else if readOnly {
            self.readOnly = "opened with --read-only"
        } else if !Authorization.isSettingUp(engine.state), engine.state.staff[engine.actor] == nil {
            self.readOnly = "\(engine.actor) is not on the staff roster"
            status = ("Read-only: \(engine.actor) is not on the staff roster. Ask a supervisor to run: staff add \(engine.actor) name \"Your Name\" role ROLE", true)
        }
    }

    public var now: Timestamp { timeline?.time ?? max(engine.clock.now(), engine.state.lastTime) }
    public var state: HospitalState { timeline.map(projectedPast) ?? liveState }

    /// What an open details overlay is about: `p` opens its patient and `a` acknowledges its
    /// message, whatever row is selected behind it.
    var detailSubject: (patient: MRN?, message: MessageID?, isPatientView: Bool) = (nil, nil, false)

    /// The time rules fire when a process writes. A session that cannot write (a journal this
    /// login may only read) would otherwise show a critical result past its window as not yet
    /// escalated until someone else writes; it shows the hospital as the rules leave it at this
    /// minute instead (`Rules.projected`), exactly as the next writer will record it. So does
    /// time travel, at the moment it shows. Kept until a record arrives or the minute turns.
    private struct ProjectionKey: Equatable { var position: Int; var seq: UInt64; var at: Int64 }
    private var projectionKey = ProjectionKey(position: -2, seq: 0, at: 0)
    /// What the rules would add at the key's moment; nil when nothing is due (the common case),
    /// so the state is lent as it is, with no copy.
    private var projectedState: HospitalState?

    var liveState: HospitalState {
        guard !engine.journal.writable else { return engine.state }
        // One copy of the state (each read of `engine.state` from this module is one).
        let live = engine.state
        let minute = max(engine.clock.now(), live.lastTime).milliseconds / 60_000
        return projected(live, key: ProjectionKey(position: -1, seq: live.lastSeq, at: minute), at: Timestamp(milliseconds: minute * 60_000))
    }

    func projectedPast(_ t: Timeline) -> HospitalState {
        projected(t.state, key: ProjectionKey(position: t.position, seq: t.state.lastSeq, at: t.time.milliseconds), at: t.time)
    }

    private func projected(_ s: HospitalState, key: ProjectionKey, at time: Timestamp) -> HospitalState {
        if key != projectionKey {
            projectionKey = key
            let p = Rules.projected(s, at: max(time, s.lastTime), wallClock: engine.wallClock)
            projectedState = p.lastSeq == s.lastSeq ? nil : p
        }
        return projectedState ?? s
    }

    /// True while a form or the command line holds typed input (quitting asks first).
    public var holdsInput: Bool {
        if case .form(let f)? = overlay, f.hasInput { return true }
        if case .confirmDiscard? = overlay { return true }
        if case .findPatient(let f)? = overlay, !f.editor.text.isEmpty { return true }
        switch mode {
        case .command(let e): return !e.text.isEmpty
        default: return false
        }
    }

    // MARK: - Live

    /// Picks up other processes' records and fires due time rules (every five seconds), then,
    /// when nothing changed, does a slice of idle work. `refresh: false` skips the journal:
    /// the terminal session reads it every 250 ms, and polls every 10 ms between while there
    /// is idle work, so a feed writing every few milliseconds does not turn every slice into a
    /// catch-up and a frame (and idle work is never starved). Returns true when the hospital changed.
    @discardableResult
    public func poll(refresh: Bool = true) -> Bool {
        var changed = false
        if lock == nil, let limit = idleLock, engine.clock.now() - lastActivity >= limit {
            lockNow(why: "after \(limit) without a key")
            changed = true
        }
        // A screen may change by itself (a wall display turns its page every ten seconds).
        if shownScreen.poll() { changed = true }
        do {
            if refresh, engine.journal.mayHaveNewRecords { changed = try engine.refresh() > 0 }
            if changed { interfaceScreen.followRetries() }
            if engine.journal.writable, now - lastTick >= .seconds(5) {
                lastTick = now
                changed = try !engine.tick().isEmpty || changed
                engine.snapshotInBackgroundIfDue()
            }
            if !changed, lock == nil { prepareSearch() }
        } catch {
            setStatus("journal: \(error)", error: true)
        }
        return changed
    }

    public func setStatus(_ text: String, error: Bool = false) { status = (text, error) }

    /// This session's role on the roster (the live roster, also while time travelling).
    var myRole: Role? { engine.state.staff[engine.actor]?.role }

    /// Set by the redraw key; the terminal layer takes it (`takeRedrawRequest`), clears the
    /// screen and draws everything again at the terminal's size as it is now.
    var redrawRequested = false

    /// The panes' focus and per-pane selection, scroll, filter and sort (`PanesScreen`).
    public var focus: PaneKind {
        get { panes.focus }
        set { panes.focus = newValue }
    }
    public var views: [PaneKind: PaneView] {
        get { panes.views }
        set { panes.views = newValue }
    }
    public func content(_ p: PaneKind) -> PaneContent { panes.content(p) }
    public func selectedRow(_ p: PaneKind) -> PaneContent.Row? { panes.selectedRow(p) }
    /// Lays out the panes' search text in idle polls (`PanesScreen.prepareSearch`).
    public func prepareSearch(rows: Int = 400) {
        // The header's counts for a new minute or record, before the next key needs them.
        if headerCache?.key != recordKey() { _ = headerCounts() }
        // On the schedule, its neighbouring days first: `[` and `]` are its next keys.
        if screen == .schedule, scheduleScreen.prepareAdjacentDays() { return }
        panes.prepareSearch(rows: rows)
    }
    /// Whether some pane's search text is still to be laid out (not while locked).
    public var hasIdleWork: Bool {
        lock == nil && (headerCache?.key != recordKey() || panes.hasIdleWork || screen == .schedule && scheduleScreen.hasIdleWork)
    }
    /// Bytes the panes' search texts hold (for the benchmark and operations notes).
    public var searchTextMemory: Int { panes.searchTextMemory }
}

extension PanesScreen {
    // MARK: - Content

    /// The panes show the hospital as at the start of the current minute: their content is
    /// kept for the minute (ContentKey), so every computation within it gives the same times,
    /// whether a record arrived or not, and a row's text can be reused across records.
    func context(_ p: PaneKind) -> PaneContext {
        let v = views[p]!
        let minute = Timestamp(milliseconds: now.milliseconds / 60_000 * 60_000)
        var c = PaneContext(now: minute, wallClock: engine.wallClock, sort: v.sort, filter: v.filter)
        c.source = app.stateSource
        return c
    }

    /// What a pane's content depends on. Panes show times to the minute, so content computed
    /// for the same records, minute, sort, filter and reader is reused: a key that only moves
    /// the selection costs drawing, not recomputing 20,000 tasks.
    struct ContentKey: Equatable {
        var seq: UInt64
        var past: Bool
        var minute: Int64
        var sort: Int
        var filter: String
        var actor: Login
        var allMessages = false
        var role: Role?
    }

    func contentKey(_ p: PaneKind) -> ContentKey {
        let v = views[p]!
        // Each pane keeps its content (and the text a filter searches) while records that cannot
        // change it arrive (ChangeMarks).
        let marks = state.changeMarks
        let seq = switch p {
        case .beds: marks.beds
        case .messages: marks.messages
        case .worklist: marks.worklist
        case .labs: marks.labs
        }
        return ContentKey(seq: seq, past: app.timeline != nil, minute: now.milliseconds / 60_000, sort: v.sort, filter: v.filter, actor: engine.actor,
                          allMessages: p == .messages && v.allMessages, role: p == .messages ? app.myRole : nil)
    }

    func content(_ p: PaneKind) -> PaneContent {
        let key = contentKey(p)
        if let cached = contentCache[p], cached.key == key { return cached.content }
        var c: PaneContent
        if let search = searchCache[p], search.key == key {
            c = search.content
        } else if let next = searchAhead[p], next.key == key {
            // The minute turned over: the content listed ahead is this minute's.
            searchCache[p] = next
            searchAhead[p] = nil
            c = next.content
        } else if let next = sortAhead, next.key == key {
            // `o`: the next sort, worked out in idle time.
            c = next.content
            sortAhead = nil
        } else if !key.filter.isEmpty {
            c = filtered(p, key)
        } else {
            c = compute(p, filter: key.filter)
        }
        c.selection = SelectionIndex(c)
        contentCache[p] = (key, c)
        return c
    }

    struct ForecastKey: Equatable { var seq: UInt64; var past: Bool; var minute: Int64 }

    /// Pane `p`'s content, as at `time` when given (the next minute's, laid out ahead).
    func compute(_ p: PaneKind, filter: String, at time: Timestamp? = nil, sort: Int? = nil) -> PaneContent {
        var ctx = context(p)
        ctx.filter = filter
        if let time { ctx.now = time }
        if let sort { ctx.sort = sort }
        switch p {
        case .worklist: return WorklistPane.content(state, ctx)
        case .beds:
            // Kept per record and moment: sorting or filtering the board reuses it.
            let key = ForecastKey(seq: state.lastSeq, past: app.timeline != nil, minute: ctx.now.milliseconds / 60_000)
            if let f = forecastCache, f.key == key { ctx.forecast = f.forecast } else {
                let f = state.bedForecast(at: ctx.now, wallClock: ctx.wallClock, details: false)
                forecastCache = (key, f)
                ctx.forecast = f
            }
            return BedBoardPane.content(state, ctx)
        case .labs: return LabsPane.content(state, ctx)
        case .messages:
            // The live state's messages are indexed by reader as they arrive; the past's are looked at.
            return MessagesPane.content(state, ctx, me: engine.actor, scope: views[.messages]!.allMessages ? .all : .concerning(engine.actor, app.myRole),
                                        index: app.timeline == nil ? concernIndex : nil)
        }
    }

    /// The search text of pane `p` for the unfiltered content `key`, laid out up to `rows` more
    /// rows (all of them when `rows` is `Int.max`). Kept between calls, so idle polls can lay
    /// it out a slice at a time before anyone types. `ahead`: the next minute's text.
    @discardableResult
    func searchText(_ p: PaneKind, _ key: ContentKey, rows budget: Int, ahead: Bool = false) -> Search {
        // The rows are formatted from one copy of the state, pinned for this slice: rows of the
        // live state would each take a copy. The copy is dropped when the slice is made.
        let search = app.stateSource.pinned(state) {
            var search: Search
            if let cached = ahead ? searchAhead[p] : searchCache[p], cached.key == key {
                search = cached
            } else if !ahead, let next = searchAhead[p], next.key == key {
                // The minute turned over and no record changed the pane meanwhile.
                search = next
                searchAhead[p] = nil
            } else {
                // Ahead, the content is listed as at the start of the next minute.
                let content = compute(p, filter: "", at: ahead ? Timestamp(milliseconds: key.minute * 60_000) : nil)
                search = Search(key: key, content: content,
                                texts: [SearchText(rows: content.rows.count), SearchText(rows: content.side.count), SearchText(rows: content.sideInline.count)],
                                built: [0, 0, 0])
                // Reused from the text of the same minute: laid out ahead (a record came in the
                // minute before this one) or for this minute (a record came since).
                let minute = [searchAhead[p], searchCache[p]].compactMap { $0 }.first { $0.key.minute == key.minute }
                search.source = minute.flatMap { reuseSource($0, for: search.key, search.content, p) }
                if search.source != nil { reusedTexts += 1 }
            }
            var left = budget
            for (i, list) in search.lists.enumerated() where left > 0 && search.built[i] < list.count {
                if i == 0, let source = search.source, let item = list.items {
                    // Untouched items' rows are copied (32 copies count as one row formatted).
                    // Runs of rows that follow each other there too are copied at once.
                    var at = search.built[0], copied = 0
                    var run: ClosedRange<Int>?
                    let text = search.texts[0]
                    while at < list.count, left > 0 {
                        if let j = source.row(of: item(at)) {
                            if let r = run, r.upperBound + 1 == j { run = r.lowerBound...j } else {
                                if let r = run { text.append(rows: r, of: source.text) }
                                run = j...j
                            }
                            copied += 1
                            if copied % 32 == 0 { left -= 1 }
                        } else {
                            if let r = run { text.append(rows: r, of: source.text); run = nil }
                            text.append(list, at..<(at + 1))
                            left -= 1
                        }
                        at += 1
                    }
                    if let r = run { text.append(rows: r, of: source.text) }
                    search.built[0] = at
                    if at == list.count { search.source = nil }
                    continue
                }
                let from = search.built[i]
                let end = left >= list.count - from ? list.count : from + left
                search.texts[i].append(list, from..<end)
                search.built[i] = end
                left -= end - from
            }
            return search
        }
        if ahead { searchAhead[p] = search } else { searchCache[p] = search }
        return search
    }

    /// Where the rows of `old`, the text of the same pane and minute (in any sort) up to a few
    /// records earlier, can be copied from into the text of `content` (`key`): when the records between
    /// name every task (worklist) or message (messages) whose row they can have changed, every
    /// other item's row laid out in `old` is the same. Only the named and new ones are
    /// formatted: a task or message arriving while a filter is kept on 20,000 rows costs about a
    /// millisecond instead of laying out every row.
    private func reuseSource(_ old: Search, for key: ContentKey, _ content: PaneContent, _ p: PaneKind) -> Source? {
        // A row's text does not depend on the order: a text of another sort serves too.
        guard old.key.seq <= key.seq, old.key.minute == key.minute, old.key.past == key.past,
              old.key.actor == key.actor, old.key.filter == key.filter, content.rows.items != nil,
              let oldItem = old.content.rows.items else { return nil }
        let touches = state.changeMarks.touched
        guard let changed = p == .worklist ? touches.tasks(after: old.key.seq, through: key.seq)
                : p == .messages ? touches.messages(after: old.key.seq, through: key.seq) : nil else { return nil }
        // Old rows laid out so far, by item number, in an array over the numbers' range.
        let laid = old.built[0]
        guard laid > 0 else { return nil }
        var low = Int.max, high = Int.min
        for j in 0..<laid { let n = oldItem(j); low = min(low, n); high = max(high, n) }
        guard high - low < 1 << 22 else { return nil }
        var rowOf = [Int32](repeating: -1, count: high - low + 1)
        for j in 0..<laid { rowOf[oldItem(j) - low] = Int32(j) }
        for n in changed where n >= low && n <= high { rowOf[n - low] = -1 }
        return Source(text: old.text, rowOf: rowOf, low: low)
    }

    /// In a poll that found nothing new, lays out search text `rows` rows at a time: the
    /// focused pane's first, then the other panes', then the same for the next minute, so that
    /// the first key of a filter finds it ready, also just after the minute turns over.
    /// Listing a pane's content takes a slice of its own (the bed board's takes about half a
    /// millisecond at 1,000 beds). After a record changes a pane, its text is laid out again
    /// over the next polls (the terminal loop polls every 10 ms while `hasIdleWork`).
    func prepareSearch(rows: Int = 400) {
        // The focused pane in its next sort first: one piece of work, and `o` is a key away.
        if let key = sortAheadKey, sortAhead?.key != key {
            sortAhead = (key, compute(focus, filter: "", sort: key.sort))
            return
        }
        var budget = rows
        for (p, key, ahead) in searchWork {
            guard let cached = ahead ? searchAhead[p] : searchCache[p], cached.key == key else {
                searchText(p, key, rows: 0, ahead: ahead)
                return
            }
            let search = searchText(p, key, rows: budget, ahead: ahead)
            budget -= search.laidOut - cached.laidOut
            if budget <= 0 { return }
        }
    }

    /// Whether some pane's search text is not laid out for its current content or the next
    /// minute's.
    var hasIdleWork: Bool {
        if let key = sortAheadKey, sortAhead?.key != key { return true }
        return searchWork.contains { p, key, ahead in
            guard let search = ahead ? searchAhead[p] : searchCache[p], search.key == key else { return true }
            return !search.isComplete
        }
    }

    /// The focused pane's content in the sort `o` gives next, while it has no filter (a
    /// filtered pane in another sort needs that sort's search text first).
    var sortAheadKey: ContentKey? {
        guard views[focus]!.filter.isEmpty else { return nil }
        var key = contentKey(focus)
        key.sort += 1
        return key
    }

    /// The texts idle polls keep laid out, in order: each pane's for now (the focused pane
    /// first), then for the next minute (not while travelling in time, where it stands still).
    private var searchWork: [(PaneKind, ContentKey, Bool)] {
        let order = [focus] + PaneKind.allCases.filter { $0 != focus }
        var work: [(PaneKind, ContentKey, Bool)] = []
        for ahead in app.timeline == nil ? [false, true] : [false] {
            for p in order {
                var key = contentKey(p)
                key.filter = ""
                if ahead { key.minute += 1 }
                work.append((p, key, ahead))
            }
        }
        return work
    }

    var searchTextMemory: Int {
        (Array(searchCache.values) + Array(searchAhead.values)).reduce(0) { $0 + $1.texts.reduce(0) { $0 + $1.memory } }
    }

    /// A filtered pane: the unfiltered content, whose rows' text is laid out once for
    /// searching (SearchText), and the rows that match. Typing a longer filter searches only
    /// what the shorter one found. On the bed board a unit's heading stays with its beds that
    /// match, and the waiting and discharge lists are filtered too.
    func filtered(_ p: PaneKind, _ key: ContentKey) -> PaneContent {
        var baseKey = key
        baseKey.filter = ""
        let search = searchText(p, baseKey, rows: Int.max)
        let base = search.content
        let matches = search.text.matches(key.filter)
        if p == .beds {
            var c = base
            var rows: [PaneContent.Row] = []
            // A unit's heading is its run of rows that cannot be selected (the heading and the
            // forecast's shortfall under it).
            var heading: [PaneContent.Row] = []
            var inHeading = false
            var m = 0
            for (i, row) in base.rows.enumerated() {
                if !row.selectable {
                    if !inHeading { heading = [] }
                    heading.append(row); inHeading = true
                    continue
                }
                inHeading = false
                while m < matches.count, matches[m] < i { m += 1 }
                guard m < matches.count, matches[m] == i else { continue }
                rows += heading; heading = []
                rows.append(row)
            }
            c.rows = RowList(rows)
            func keep(_ all: [PaneContent.Row], _ text: SearchText) -> [PaneContent.Row] {
                let found = Set(text.matches(key.filter))
                return all.indices.compactMap { i in !all[i].selectable || found.contains(i) ? all[i] : nil }
            }
            c.side = keep(base.side, search.side)
            c.sideInline = keep(base.sideInline, search.sideInline)
            return c
        }
        let rows = base.rows
        var c = base
        c.rows = RowList(RowList.Maker(count: matches.count, make: { rows[matches[$0]] }, find: { k in
            guard let i = rows.index(ofKey: k, near: 0) else { return nil }
            let at = partitionPoint(matches.indices) { matches[$0] < i }
            return at < matches.count && matches[at] == i ? at : nil
        }))
        return c
    }

}

extension RoundsApp {
    /// The header's counts, kept until the next record or minute: they read tasks, labs, stays
    /// and messages, so no single pane's change mark covers them.
    func headerCounts() -> HeaderCounts {
        let key = recordKey()
        if let cached = headerCache, cached.key == key { return cached.counts }
        let s = state
        let counts = HeaderCounts(overdue: s.openTaskIndex.overdueCount(at: now),
                                  critical: s.activeLabs.reduce(0) { n, id in n + ((s.labs[id]?.awaitsCommunication ?? false) ? 1 : 0) },
                                  waiting: s.activeStay.values.reduce(0) { n, id in n + (s.stays[id]?.phase == .waiting ? 1 : 0) },
                                  urgent: s.unacknowledgedUrgent.count, interface: s.feeds.openItems.count)
        headerCache = (key, counts)
        return counts
    }

    /// What views that read the whole state depend on (the header, the supervisor overview,
    /// the handover walkthrough): the last record, the minute, and whether this is the past.
    struct RecordKey: Equatable { var seq: UInt64; var past: Bool; var minute: Int64 }

    func recordKey() -> RecordKey { RecordKey(seq: state.lastSeq, past: timeline != nil, minute: now.milliseconds / 60_000) }

    struct HeaderCounts { var overdue, critical, waiting, urgent, interface: Int }
}

extension PanesScreen {
    /// All rows a pane can select, in order (the bed board's queue and discharges included).
    func selectableRows(_ c: PaneContent) -> RowList { selection(c).rows }

    func selection(_ c: PaneContent) -> SelectionIndex { c.selection ?? SelectionIndex(c) }

    /// Keeps the selection on the same item when rows arrive, leave or move; when the item has
    /// gone, on the row that took its place.
    func resolveSelection(_ p: PaneKind, _ c: PaneContent) {
        let sel = selection(c)
        let rows = sel.rows
        guard !rows.isEmpty else { views[p]!.selected = nil; views[p]!.selectedIndex = 0; return }
        if let key = views[p]!.selected, let i = sel.index(of: key, near: views[p]!.selectedIndex) {
            views[p]!.selectedIndex = i
        } else {
            let i = min(views[p]!.selectedIndex, rows.count - 1)
            views[p]!.selectedIndex = i
            views[p]!.selected = rows[i].key
        }
    }

    func selectedRow(_ p: PaneKind) -> PaneContent.Row? {
        let c = shown[p] ?? content(p)
        resolveSelection(p, c)
        guard let key = views[p]!.selected else { return nil }
        let sel = selection(c)
        return sel.index(of: key, near: views[p]!.selectedIndex).map { sel.rows[$0] }
    }

    func move(_ delta: Int) {
        let c = shown[focus] ?? content(focus)
        resolveSelection(focus, c)
        let rows = selectableRows(c)
        guard !rows.isEmpty else { return }
        let i = max(0, min(rows.count - 1, views[focus]!.selectedIndex + delta))
        views[focus]!.selectedIndex = i
        views[focus]!.selected = rows[i].key
    }
}

extension RoundsApp {
    // MARK: - Keys

    public func takeRedrawRequest() -> Bool {
        defer { redrawRequested = false }
        return redrawRequested
    }

    public func handle(_ key: Key) {
        if key == .resize { return }
        // Redraw works everywhere, the lock screen, forms and the command line included.
        if ActionTable.action(.redraw).keys.contains(key) { redrawRequested = true; return }
        if lock != nil { handleLock(key); return }
        // Locking works everywhere too: what is typed in a form or the command line stays, hidden.
        if ActionTable.action(.lock).keys.contains(key) { lockNow(why: "with Ctrl-L"); return }
        lastActivity = engine.clock.now()
        // A message that took several lines of the screen has been read once the next key
        // comes: the panes get their lines back.
        if statusRowsShown > 1 { status = ("", false); statusRowsShown = 1 }
        if let o = overlay { handleOverlay(o, key); return }
        switch mode {
        case .command(var editor): handleCommandLine(&editor, key)
        case .filter(var editor): handleFilter(&editor, key)
        case .normal: handleScreenKey(key)
        }
    }

    func handleCommandLine(_ editor: inout LineEditor, _ key: Key) {
        switch key {
        case .escape:
            mode = .normal
            completions = []
        case .enter:
            let line = editor.text.trimmingCharacters(in: " ")
            mode = .normal
            completions = []
            historyIndex = nil
            guard !line.isEmpty else { return }
            if history.last != line { history.append(line) }
            submit(line)
        case .tab:
            let (completed, options) = Completion.complete(editor.text, state, words: completionWords())
            editor = LineEditor(completed)
            completions = options
            mode = .command(editor)
        case .up, .down:
            guard !history.isEmpty else { return }
            var i = historyIndex ?? history.count
            i = key == .up ? max(0, i - 1) : min(history.count, i + 1)
            historyIndex = i
            editor = LineEditor(i < history.count ? history[i] : "")
            mode = .command(editor)
        default:
            if editor.handle(key) { completions = []; mode = .command(editor) }
        }
    }

    func handleFilter(_ editor: inout LineEditor, _ key: Key) {
        switch key {
        case .escape:
            if screen == .schedule { scheduleScreen.view.filter = "" } else { views[focus]!.filter = "" }
            mode = .normal
        case .enter:
            mode = .normal
            if !editor.text.isEmpty { audit(.searched, patient: nil, detail: "\(screen == .schedule ? "Schedule" : focus.title) filter \"\(editor.text)\"") }
        default:
            if editor.handle(key) {
                if screen == .schedule { scheduleScreen.view.filter = editor.text } else { views[focus]!.filter = editor.text }
                mode = .filter(editor)
            }
        }
    }

    func completionWords() -> [String] {
        var words = Array(state.activeStay.keys)
        words += state.unitOrder.flatMap { state.units[$0]?.beds ?? [] }
        words += state.staff.keys.map { $0 }
        words += Role.allCases.map { "@" + $0.rawValue }
        words += state.openTasks.map(\.description) + state.activeLabs.map(\.description) + state.unacknowledgedUrgent.map(\.description)
        return words.sorted()
    }

    /// The actions that are the app's own, whatever the screen; the rest act on the panes
    /// (reached from another screen that leaves them, such as `i` on the supervisor view).
    func perform(_ id: ActionID) {
        switch id {
        case .quit:
            if holdsInput { overlay = .confirmQuit } else { running = false }
        case .help: overlay = .help(scroll: 0)
        case .commandLine: mode = .command(LineEditor()); historyIndex = nil
        case .lock: lockNow(why: "with Ctrl-L")
        case .redraw: redrawRequested = true
        case .breakGlass: breakGlassForm()
        case .reviewGrant: reviewForm()
        case .changes: showChanges()
        case .timeline: toggleTimeline()
        case .stepBack: step(-1)
        case .stepForward: step(1)
        case .jumpBack: jump(-15)
        case .jumpForward: jump(15)
        case .findPatient:
            if wall { return }
            overlay = .findPatient(PatientFinder())
        default:
            // A screen's own key (S, H, I) opens it, and on it returns to the panes.
            if let target = screens.first(where: { $0.toggle == id }) {
                if wall { return }
                if screen == target.id { screen = .panes } else { screen = target.id; target.opened() }
                return
            }
            _ = panes.perform(ActionTable.action(id))
        }
    }

    public func selectedHandoverItem() -> HandoverItem? { handoverScreen.selectedHandoverItem() }
    public func selectedInterfaceItem() -> InterfaceItem? { interfaceScreen.selectedInterfaceItem() }
    /// How many cases the schedule screen's day has (benchmarks and tests).
    public var scheduleCases: Int { scheduleScreen.cases().cases.count }

    func follow(_ then: AfterForm?) {
        switch then {
        case .nextHandoverItem?: handoverScreen.moveHandover(1)
        case .awaitRetry(let id, let attempts)?: interfaceScreen.awaitedRetries[id] = attempts
        case nil: break
        }
    }

    /// Runs one command of the command language and reports the outcome in the status line.
    public func submit(_ line: String) {
        // An unknown login is refused by the engine itself; --read-only is this session's own rule.
        if let why = whyNoChanges() { setStatus(why, error: true); return }
        do {
            let records = try engine.submit(line: line)
            // What the command did first; what the time rules recorded with it (tasks closed or
            // raised) only counted, so the coordinator reads the outcome of their own command.
            let own = records.filter { $0.actor != Rules.actor }
            var shown = (own.isEmpty ? records : own).filter { !$0.event.isCompanion }
            // An accepted plan writes many records; its decision says what happened.
            if let decided = shown.last(where: { if case .planDecided = $0.event { true } else { false } }) { shown = [decided] }
            let summaries = shown.map { r in
                // Times as the hospital's clock shows them, not the summary's UTC.
                if case .addOnPlanned(let e) = r.event, let o = e.options.first {
                    return "plan \(e.id) for an \(e.request.urgency.rawValue) add-on by \(engine.wallClock.hhmm(e.request.startBy)), "
                        + (e.options.count == 1 ? "one option" : "\(e.options.count) options") + ": 1) \(o.summary { engine.wallClock.hhmm($0) })"
                        + "; K shows it, or plan accept \(e.id)" + (e.options.count > 1 ? " [1-\(e.options.count)]" : "")
                }
                if case .planDecided(let d) = r.event, let n = d.option, let o = state.scheduling.plans[d.id].map({ $0.options[n - 1] }) {
                    return r.event.summary + (o.moves.isEmpty ? "" : " (\(o.moved) moved, \(o.cancellations) cancelled; owners told, tasks to tell the patients)")
                }
                return r.event.summary
            }
            let byRules = own.isEmpty ? 0 : records.count - own.count
            setStatus("✓ " + (summaries.last.map { _ in summaries.suffix(3).joined(separator: "; ") } ?? "nothing to do")
                      + (byRules > 0 ? " (+\(byRules) recorded by the time rules)" : ""))
        } catch {
            switch error {
            case .parse(let p): setStatus("✗ \(p.message)" + (p.usage.map { " — usage: \($0)" } ?? ""), error: true)
            case .refused(let r): setStatus(refusalText(r), error: true)
            case .journal(let j): setStatus("✗ \(j)", error: true)
            }
        }
    }

    /// Why nothing can be changed in this session now (time travel, --read-only), or nil.
    func whyNoChanges() -> String? {
        if let t = timeline {
            return "✗ time travel is read-only: this is the hospital as it was at \(engine.wallClock.dateTime(t.time))" + (pinnedToPast ? "" : "; T returns to now")
        }
        if sessionReadOnly { return "✗ this session is read-only (\(readOnly ?? "opened with --read-only")): nothing was changed" }
        return nil
    }

    /// A refusal as the status line says it.
    func refusalText(_ r: Refusal) -> String {
        // Some reasons already begin with the word; it is said once.
        let reason = r.reason.hasPrefix("refused: ") ? String(r.reason.dropFirst("refused: ".count)) : r.reason
        // A name typed where an MRN goes: say how to get from one to the other.
        let names = reason.hasPrefix("no patient with MRN") ? " (Tab after the first letters of a name completes its MRN; f finds anyone)" : ""
        return "✗ refused: \(reason)" + (r.hint.map { " — \($0)" } ?? "") + names
    }

    /// Before a form asks for a reason: would the command be refused whatever is typed (a
    /// read-only session, a role without the permission)? Then says so now, as the engine
    /// would, and returns true.
    func refusedBeforeAsking(_ command: Command) -> Bool {
        if let why = whyNoChanges() { setStatus(why, error: true); return true }
        if let r = Authorization.refusal(command, actor: engine.actor, in: engine.state, at: max(engine.clock.now(), engine.state.lastTime)) {
            setStatus(refusalText(r), error: true)
            return true
        }
        return false
    }

    // MARK: - Overlays

    func handleOverlay(_ o: Overlay, _ key: Key) {
        switch o {
        case .confirmQuit:
            if key == .char("y") || key == .char("Y") { running = false } else { overlay = nil }
        case .confirmDiscard(let form):
            switch key {
            case .char("y"), .char("Y"), .escape: overlay = nil; setStatus("Cancelled; nothing was saved")
            case .char("n"), .char("N"): overlay = .form(form)
            default: setStatus("y or Esc throws the form away; n goes back to it", error: true)
            }
        case .confirm(let c):
            switch key {
            case .char("y"), .char("Y"):
                overlay = nil
                submit(c.command)
                if !status.error {
                    if let done = c.done { setStatus("✓ " + done) }
                    follow(c.then)
                }
            case .char("n"), .char("N"), .escape: overlay = nil; setStatus("Nothing was changed")
            default: setStatus("y: \(c.title.lowercased()) · n or Esc: change nothing", error: true)
            }
        case .findPatient(var finder):
            handleFinder(&finder, key)
        case .help(let scroll):
            switch key {
            case .down, .char("j"): overlay = .help(scroll: scroll + 1)
            case .up, .char("k"): overlay = .help(scroll: max(0, scroll - 1))
            case .pageDown: overlay = .help(scroll: scroll + 10)
            case .pageUp: overlay = .help(scroll: max(0, scroll - 10))
            default: overlay = nil
            }
        case .detail(let title, let lines, let scroll):
            // What the details are about is forgotten as they close (every key but scrolling).
            let item = detailItem
            detailItem = nil
            switch key {
            case .down, .char("j"): overlay = .detail(title: title, lines: lines, scroll: min(scroll + 1, max(0, lines.count - 1))); detailItem = item
            case .up, .char("k"): overlay = .detail(title: title, lines: lines, scroll: max(0, scroll - 1)); detailItem = item
            case .pageDown: overlay = .detail(title: title, lines: lines, scroll: min(scroll + 10, max(0, lines.count - 1))); detailItem = item
            case .pageUp: overlay = .detail(title: title, lines: lines, scroll: max(0, scroll - 10)); detailItem = item
            case let k where item != nil && [Key.char("r"), .char("o"), .char("x")].contains(k):
                // The interface item's actions, as on its screen.
                overlay = nil
                let id: ActionID = key == .char("r") ? .retryItem : (key == .char("o") ? .overrideItem : .dismissItem)
                interfaceScreen.interfaceAction(id, item: item!)
            case .char("p"):
                // The patient of what is shown, never the row behind it; a patient view is
                // already that patient's.
                guard !detailSubject.isPatientView else { return }
                overlay = nil
                if let mrn = detailSubject.patient { openPatient(mrn) } else { unavailable("what is shown has no patient") }
            case .char("a") where detailSubject.message != nil:
                // "a to acknowledge", as the message's details say.
                overlay = nil
                submit("msg ack \(detailSubject.message!)")
            default: overlay = nil
            }
        case .picker(var picker):
            switch key {
            case .escape, .char("q"): overlay = nil
            case .down, .char("j"): picker.selected = min(picker.options.count - 1, picker.selected + 1); overlay = .picker(picker)
            case .up, .char("k"): picker.selected = max(0, picker.selected - 1); overlay = .picker(picker)
            case .enter:
                guard picker.options.indices.contains(picker.selected) else { overlay = nil; return }
                let option = picker.options[picker.selected]
                if let problem = option.needsOverride {
                    let base = option.command
                    overlay = .form(Form(title: "Override needed: \(problem)",
                                         fields: [Form.Field("Reason for this bed", hint: "recorded on the stay")]) { v in "\(base) override \(v[0].quoted)" })
                } else {
                    overlay = nil
                    submit(option.command)
                }
            default: break
            }
        case .form(var form):
            switch key {
            case .escape:
                if form.hasInput && form.fields.contains(where: { !$0.editor.text.isEmpty && $0.editor.text != $0.initial }) {
                    overlay = .confirmDiscard(form)
                } else {
                    overlay = nil
                    setStatus("Cancelled")
                }
            case .tab, .down: form.focus = (form.focus + 1) % form.fields.count; overlay = .form(form)
            case .backTab, .up: form.focus = (form.focus + form.fields.count - 1) % form.fields.count; overlay = .form(form)
            case .enter:
                if let bad = form.fields.firstIndex(where: { $0.problem != nil }) {
                    form.focus = bad
                    overlay = .form(form)
                    setStatus("✗ \(form.fields[bad].label): \(form.fields[bad].problem!)", error: true)
                    return
                }
                let line = form.build(form.values)
                overlay = nil
                submit(line)
                if status.error { overlay = .form(form) }   // keep what was typed; the reason is in the status line
                else { follow(form.then) }
            default:
                // A field that still holds what it started with (a default such as `n` or
                // `physician`) is replaced by what is typed into it, not added to.
                var field = form.fields[form.focus]
                if case .char = key, !field.touched, !field.initial.isEmpty, field.editor.text == field.initial { field.editor = LineEditor("") }
                if field.editor.handle(key) { field.touched = true; form.fields[form.focus] = field; overlay = .form(form) }
            }
        }
    }
}
