#if canImport(Glibc)
import Glibc
#endif
import RoundsDomain
import RoundsJournal

/// Why a submitted command did not take effect.
public enum SubmitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text was not a command (usage error).
    case parse(ParseError)
    /// The command was understood and refused by a rule of the hospital.
    case refused(Refusal)
    /// The journal could not record it; nothing changed.
    case journal(JournalError)

    public var description: String {
        switch self {
        case .parse(let e): e.description
        case .refused(let r): "refused: " + r.description.replacingPrefix("refused: ", with: "")
        case .journal(let j): j.description
        }
    }
}

extension String {
    func replacingPrefix(_ p: String, with r: String) -> String { hasPrefix(p) ? r + dropFirst(p.count) : self }
}

/// The in-process engine: the hospital's state in memory, kept equal to the journal's fold.
/// Every change goes through `submit` (or `tick` for the time rules): take the journal lock,
/// catch up with what other processes appended, validate against that latest state, append
/// durably, and only then apply. A refused or failed command leaves state untouched.
public final class Engine {
    public internal(set) var state = HospitalState()
    public let journal: Journal
    public let clock: any Clock
    /// Who the records are written as: the operating-system user, or `sim` for the simulator.
    public var actor: Login
    public var wallClock: WallClock
    public let openReport: OpenReport
    /// Sync each commit to disk before acknowledging it (off only for bulk demo history).
    public var durable = true
    /// Fire due time rules before each command (off only while the demo writes bulk history,
    /// which calls `tick` on its own schedule instead).
    public var runsRulesOnSubmit = true
    /// Where this process runs (user id, terminal, SSH connection). When set, the first write
    /// records it as `session.opened` and every record carries that session's number, so each
    /// change and read traces back to a connection. Unset (tests, bulk demo history): session 0.
    public var origin: SessionOpened?
    /// The seq of this process's `session.opened` record, once written; 0 before.
    public private(set) var sessionNumber: UInt64 = 0
    /// Records appended under the lock, applied by `writing` once durable.
    private var staged: [Recorded] = []
    /// Set while (and if) `submitEach` has applied records not yet durable; every write is then
    /// refused until the engine is opened again.
    private var poisoned: JournalError?
    private var stagedSession: UInt64?

    public init(journalAt path: String, actor: Login = Host.currentUser(), clock: any Clock = SystemClock(),
                wallClock: WallClock = Host.localWallClock, writable: Bool = true, verifyChain: Bool = true,
                useSnapshot: Bool = true, upToDamage: Bool = false, io: any JournalIO = SystemIO()) throws(JournalError) {
        // A partial read replays from the top, so that damage before a snapshot is found too.
        let useSnapshot = useSnapshot && !upToDamage
        var s = HospitalState()
        var opened: (Journal, OpenReport)?
        var status = SnapshotStatus.none
        if useSnapshot {
            switch Snapshot.load(journalPath: path) {
            case .success(let (snapshotState, info)):
                s = snapshotState
                s.beginReplay()
                do {
                    opened = try Journal.open(at: path, writable: writable, verifyChain: verifyChain, io: io, resumingFrom: info.position,
                                              afterBatch: { s.takeArchivedAside() }) { s.apply($0) }
                    status = .used(info)
                } catch {
                    guard case .snapshotMismatch(_, let reason) = error else { throw error }
                    status = .ignored(Snapshot.Problem.notOfThisJournal(reason).description)
                }
            case .failure(.missing): break
            case .failure(let problem): status = .ignored(problem.description)
            }
        }
        if opened == nil {
            s = HospitalState()
            if let size = Engine.fileSize(path) { s.reserveCapacity(records: size / 90) }
            // A long replay: archived items are destroyed on the reading thread, and the views'
            // change marks are set once at the end (HospitalState.beginReplay).
            s.beginReplay()
            opened = try Journal.open(at: path, writable: writable, verifyChain: verifyChain, io: io, upToDamage: upToDamage,
                                      afterBatch: { s.takeArchivedAside() }) { s.apply($0) }
        }
        s.endReplay()
        state = s
        journal = opened!.0
        openReport = opened!.1
        snapshotStatus = status
        if case .used(let info) = status { lastSnapshotSeq = info.records }
        self.clock = clock
        self.actor = actor
        self.wallClock = wallClock
    }

    /// Whether opening started from a snapshot, and if one was ignored, why.
    public enum SnapshotStatus: Equatable, Sendable {
        case none
        case used(Snapshot.Info)
        case ignored(String)

        /// What a user or administrator should be told: only an ignored snapshot is news.
        public var notice: String? {
            if case .ignored(let why) = self { return "\(why); it was ignored and the whole journal replayed instead. The next snapshot replaces it." }
            return nil
        }
    }

    public let snapshotStatus: SnapshotStatus

    /// What opening found that someone should be told: a torn tail, an ignored snapshot.
    public var openNotices: [String] {
        (openReport.tornTail.map { ["\(journal.path): \($0)"] } ?? []) + (snapshotStatus.notice.map { ["\(journal.path): \($0)"] } ?? [])
    }
    /// The seq the newest snapshot this process used or wrote ends at (0: none).
    public private(set) var lastSnapshotSeq: UInt64 = 0
    /// A snapshot being written off the caller's thread (`snapshotInBackgroundIfDue`).
    let background = BackgroundJob()
    /// Records after the last snapshot at which `snapshotIfDue` takes a new one. At about 10,000
    /// records a day for a 1,000-bed hospital, that is a snapshot every few hours and an open
    /// that replays at most this many records (Docs/PERFORMANCE.md).
    public static let snapshotInterval: UInt64 = 20_000
    /// This engine's interval (`snapshotInterval` unless a test shortens it).
    public var snapshotEvery = Engine.snapshotInterval

    /// Writes a snapshot of the state now (caught up first). Returns its size in bytes.
    @discardableResult
    public func writeSnapshot() throws(JournalError) -> Int {
        guard journal.writable else { throw .readOnly(journal.path) }
        try refresh()
        let bytes = try Snapshot.write(state, at: journal.position, journalPath: journal.path, takenAt: clock.now(), mode: snapshotMode)
        lastSnapshotSeq = journal.position.nextSeq - 1
        return bytes
    }

    /// A snapshot gets the journal's permissions (group read and write at most).
    private var snapshotMode: mode_t {
        var st = stat()
        return stat(journal.path, &st) == 0 ? st.st_mode & 0o660 : 0o640
    }

    /// Whether `snapshotInterval` records have been replayed or written since the last snapshot
    /// of any process (one taken by another process counts).
    private func snapshotDue() -> Bool {
        guard journal.writable, state.lastSeq >= lastSnapshotSeq + snapshotEvery else { return false }
        if let info = Snapshot.header(journalPath: journal.path), info.records + snapshotEvery > state.lastSeq {
            lastSnapshotSeq = max(lastSnapshotSeq, info.records)   // another process took one
            return false
        }
        return true
    }

    /// Takes a snapshot when it is due (`snapshotDue`). Never throws: a snapshot is a cache, and
    /// failing to write one loses nothing. Returns the size written, if one was.
    @discardableResult
    public func snapshotIfDue() -> Int? {
        background.wait()
        guard snapshotDue() else { return nil }
        do { return try writeSnapshot() } catch {
            // Not allowed or no room here: wait another interval rather than retrying (and
            // encoding the state) on every idle poll.
            lastSnapshotSeq = state.lastSeq
            return nil
        }
    }

    /// As `snapshotIfDue`, but the state (a copy, shared until either side changes it) is
    /// encoded and written by a background thread, so the caller does not wait: the interactive
    /// UI calls this when idle. One at a time; a failure is ignored like `snapshotIfDue`'s.
    /// Returns whether one was started.
    @discardableResult
    public func snapshotInBackgroundIfDue() -> Bool {
        guard !background.isRunning, snapshotDue() else { return false }
        let state = self.state, position = journal.position, path = journal.path, takenAt = clock.now(), mode = snapshotMode
        guard position.nextSeq - 1 == state.lastSeq else { return false }
        // Whether or not it succeeds, wait another interval before the next attempt.
        lastSnapshotSeq = state.lastSeq
        return background.start {
            _ = try? Snapshot.write(state, at: position, journalPath: path, takenAt: takenAt, mode: mode)
        }
    }

    /// Waits for a background snapshot to finish (before the process exits).
    public func finishBackgroundWork() { background.wait() }

    /// Creates a new journal and an engine on it.
    public init(creatingJournalAt path: String, actor: Login = Host.currentUser(), clock: any Clock = SystemClock(),
                wallClock: WallClock = Host.localWallClock, replace: Bool = false, io: any JournalIO = SystemIO()) throws(JournalError) {
        journal = try Journal.create(at: path, io: io, replace: replace)
        openReport = OpenReport()
        snapshotStatus = .none
        self.clock = clock
        self.actor = actor
        self.wallClock = wallClock
    }

    static func fileSize(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    public var parseContext: ParseContext { ParseContext(now: clock.now(), wallClock: wallClock) }

    /// Picks up records other processes appended. Returns how many were applied.
    @discardableResult
    public func refresh() throws(JournalError) -> Int {
        try journal.catchUp { state.apply($0) }
    }

    /// As `refresh`, also handing each new record to `each` after it is applied.
    @discardableResult
    public func refresh(_ each: (Recorded) -> Void) throws(JournalError) -> Int {
        try journal.catchUp { r in state.apply(r); each(r) }
    }

    /// Parses and submits one line of the command language.
    @discardableResult
    public func submit(line: String) throws(SubmitError) -> [Recorded] {
        let command: Command
        do { command = try CommandParser.parse(line, context: parseContext) } catch { throw .parse(error) }
        return try submit(command)
    }

    /// Validates and records one command. Time rules that have come due fire first, in the
    /// same durable write, so the command is judged against the hospital as it is now.
    @discardableResult
    public func submit(_ command: Command) throws(SubmitError) -> [Recorded] {
        let result: Result<[Recorded], Refusal>
        do {
            result = try writing { () throws(JournalError) -> Result<[Recorded], Refusal> in
                try journal.catchUp { state.apply($0) }
                let now = max(clock.now(), state.lastTime)
                let ruleEvents = runsRulesOnSubmit ? Rules.due(in: state, at: now, wallClock: wallClock) : []
                let events: [Event]
                var after: [Event] = []
                do throws(Refusal) {
                    if ruleEvents.isEmpty {
                        events = try Decider.decide(command, in: state, at: now, by: actor, wallClock: wallClock)
                    } else {
                        // Judge the command against the state the rules leave behind. The copy is
                        // dropped before `state` is mutated, so no dictionary is copied on write.
                        var provisional = state
                        var seq = state.lastSeq
                        for e in ruleEvents { seq += 1; provisional.apply(Recorded(seq: seq, time: now, actor: Engine.systemActor, event: e)) }
                        events = try Decider.decide(command, in: provisional, at: now, by: actor, wallClock: wallClock)
                    }
                    // What the command itself makes due (a procedure booked inside its lead time
                    // with a lab missing) fires in the same write, not at the next command.
                    if runsRulesOnSubmit, events.contains(where: \.mayMakeRulesDue) {
                        after = rulesDue(after: ruleEvents, events, at: now)
                    }
                } catch { return .failure(error) }
                return .success(try commit(events, at: now, rulesBefore: ruleEvents, rulesAfter: after))
            }
        } catch {
            throw .journal(error)
        }
        switch result {
        case .success(let records): return records
        case .failure(let refusal): throw .refused(refusal)
        }
    }

    /// Why a batch of commands was not recorded: the command at `index` (from 0) was refused,
    /// or the journal failed. Nothing of the batch was recorded.
    public enum BatchError: Error, Equatable, Sendable {
        case refused(index: Int, Refusal)
        case journal(JournalError)
    }

    /// Validates `commands` in order, each against the hospital as the ones before it leave it,
    /// and records all of them in one durable append, or none: the first refusal names its
    /// command and nothing is written. For set-up files and imports, where half a file
    /// recorded is worse than none.
    @discardableResult
    public func submitAll(_ commands: [Command]) throws(BatchError) -> [Recorded] {
        let result: Result<[Recorded], BatchError>
        do {
            result = try writing { () throws(JournalError) -> Result<[Recorded], BatchError> in
                try journal.catchUp { state.apply($0) }
                let now = max(clock.now(), state.lastTime)
                let rules = runsRulesOnSubmit ? Rules.due(in: state, at: now, wallClock: wallClock) : []
                var provisional = state
                var seq = state.lastSeq
                func applyProvisionally(_ list: [Event], by who: Login) {
                    for e in list { seq += 1; provisional.apply(Recorded(seq: seq, time: now, actor: who, event: e)) }
                }
                applyProvisionally(rules, by: Engine.systemActor)
                var events: [Event] = []
                for (index, command) in commands.enumerated() {
                    do throws(Refusal) {
                        let decided = try Decider.decide(command, in: provisional, at: now, by: actor, wallClock: wallClock)
                        applyProvisionally(decided, by: actor)
                        events += decided
                    } catch {
                        return .failure(.refused(index: index, error))
                    }
                }
                // What the batch itself made due fires in the same write.
                let after = runsRulesOnSubmit ? Rules.due(in: provisional, at: now, wallClock: wallClock) : []
                guard !rules.isEmpty || !events.isEmpty || !after.isEmpty else { return .success([]) }
                return .success(try commit(events, at: now, rulesBefore: rules, rulesAfter: after))
            }
        } catch {
            throw .journal(error)
        }
        return try result.get()
    }

    /// Validates `commands` in order, each against what the ones before it leave, and records
    /// every one that is not refused in one durable append (one sync for all): a feed's
    /// messages arriving together. Returns each command's records or refusal, in order.
    ///
    /// For speed the events are applied to the state as they are decided, before they are
    /// durable, so no copy of the hospital is made however many commands there are. If the
    /// append or its sync fails, the state is ahead of the journal: the engine then refuses
    /// every further write (`JournalError.unusable`) and must be opened again, which
    /// reads what is really durable. For a process that owns its engine alone (the HL7
    /// listener, which opens it again after a failure).
    public func submitEach(_ commands: [Command]) throws(JournalError) -> [Result<[Recorded], Refusal>] {
        if let poisoned { throw poisoned }
        let outcomes: [Result<[Recorded], Refusal>]
        do {
            outcomes = try journal.withLock { () throws(JournalError) -> [Result<[Recorded], Refusal>] in
                try journal.catchUp { state.apply($0) }
                let now = max(clock.now(), state.lastTime)
                var entries: [Journal.Entry] = []
                var expected: [Recorded] = []
                var session = sessionNumber
                var seq = state.lastSeq
                func record(_ e: Event, by who: Login) -> Recorded {
                    seq += 1
                    let r = Recorded(seq: seq, time: now, actor: who, session: session, event: e)
                    state.apply(r)
                    entries.append(Journal.Entry(time: now, actor: who, session: session, event: e))
                    expected.append(r)
                    return r
                }
                if session == 0, let origin {
                    session = seq + 1
                    _ = record(.sessionOpened(origin), by: actor)
                }
                if runsRulesOnSubmit { for e in Rules.due(in: state, at: now, wallClock: wallClock) { _ = record(e, by: Engine.systemActor) } }
                var results: [Result<[Recorded], Refusal>] = []
                var mayMakeDue = false
                for command in commands {
                    do throws(Refusal) {
                        let decided = try Decider.decide(command, in: state, at: now, by: actor, wallClock: wallClock)
                        mayMakeDue = mayMakeDue || decided.contains(where: \.mayMakeRulesDue)
                        results.append(.success(decided.map { record($0, by: actor) }))
                    } catch {
                        results.append(.failure(error))
                    }
                }
                if runsRulesOnSubmit && mayMakeDue { for e in Rules.due(in: state, at: now, wallClock: wallClock) { _ = record(e, by: Engine.systemActor) } }
                guard !entries.isEmpty else { return results }
                // From here the state is ahead of the journal until the append is durable.
                poisoned = .unusable(journal.path, reason: "records were applied in memory before they were durable, and their append failed")
                let written = try journal.append(entries, sync: durable, deferSync: true)
                guard written.map(\.seq) == expected.map(\.seq) else {
                    throw JournalError.unusable(journal.path, reason: "the journal numbered the records differently than expected")
                }
                sessionNumber = session
                return results
            }
            if poisoned != nil {
                try journal.awaitDurable()
                poisoned = nil
            }
        } catch {
            throw error
        }
        return outcomes
    }

    /// Fires the time rules that have come due and journals what they did.
    @discardableResult
    public func tick() throws(JournalError) -> [Recorded] {
        try writing { () throws(JournalError) -> [Recorded] in
            try journal.catchUp { state.apply($0) }
            let now = max(clock.now(), state.lastTime)
            let events = Rules.due(in: state, at: now, wallClock: wallClock)
            guard !events.isEmpty else { return [] }
            return try commit([], at: now, rulesBefore: events)
        }
    }

    /// Runs `body` holding the journal's lock, then, with the lock let go, waits for what
    /// `commit` appended to be durable (group commit: one sync covers every writer waiting)
    /// and applies it. If the sync fails nothing is applied.
    func writing<T>(_ body: () throws(JournalError) -> T) throws(JournalError) -> T {
        let value: T
        do {
            value = try journal.withLock(body)
        } catch {
            staged = []
            throw error
        }
        let records = staged, opening = stagedSession
        staged = []
        stagedSession = nil
        guard !records.isEmpty else { return value }
        try journal.awaitDurable()
        for r in records { state.apply(r) }
        if let opening { sessionNumber = opening }
        return value
    }

    /// The actor of what the time rules do (escalations, their notices, not-ready checks,
    /// blocks that run out): the engine's own, never the login of whichever process happened to
    /// run the rule. `system` cannot be put on the roster.
    public static let systemActor: Login = Rules.actor

    /// The rules due once `events` (after `before`) are applied to the state now.
    func rulesDue(after before: [Event], _ events: [Event], at now: Timestamp) -> [Event] {
        var provisional = state
        var seq = state.lastSeq
        for e in before { seq += 1; provisional.apply(Recorded(seq: seq, time: now, actor: Engine.systemActor, event: e)) }
        for e in events { seq += 1; provisional.apply(Recorded(seq: seq, time: now, actor: actor, event: e)) }
        return Rules.due(in: provisional, at: now, wallClock: wallClock)
    }

    /// Appends `events` (call inside `writing`, caught up), with what the time rules fired
    /// before and after them under `systemActor`; `writing` applies them once they are durable.
    /// The first write of a process with an `origin` opens its session in the same durable
    /// write. Returns the records of the rules and `events` (not the session's).
    func commit(_ events: [Event], at now: Timestamp, rulesBefore: [Event] = [], rulesAfter: [Event] = []) throws(JournalError) -> [Recorded] {
        var entries: [Journal.Entry] = []
        entries.reserveCapacity(rulesBefore.count + events.count + rulesAfter.count + 1)
        var session = sessionNumber
        let opening = session == 0 && origin != nil
        if opening, let origin {
            session = journal.position.nextSeq
            entries.append(Journal.Entry(time: now, actor: actor, session: session, event: .sessionOpened(origin)))
        }
        for e in rulesBefore { entries.append(Journal.Entry(time: now, actor: Engine.systemActor, session: session, event: e)) }
        for e in events { entries.append(Journal.Entry(time: now, actor: actor, session: session, event: e)) }
        for e in rulesAfter { entries.append(Journal.Entry(time: now, actor: Engine.systemActor, session: session, event: e)) }
        let records = try journal.append(entries, sync: durable, deferSync: true)
        staged = records
        stagedSession = opening ? session : nil
        return opening ? Array(records.dropFirst()) : records
    }

    /// How often a follower looks for other processes' records: well inside the 250 ms in
    /// which a change made elsewhere must appear.
    public static let followInterval = Span(milliseconds: 100)

    /// Waits until another process appends records (or `timeout` passes), applying them.
    /// Looks every `followInterval`: one load from the shared commit file (Commit.swift).
    @discardableResult
    public func waitForChanges(timeout: Span) throws(JournalError) -> Int {
        let deadline = SystemClock().now() + timeout
        while true {
            if journal.mayHaveNewRecords {
                let n = try refresh()
                if n > 0 { return n }
            }
            if SystemClock().now() >= deadline { return 0 }
            var pause = timespec(tv_sec: 0, tv_nsec: Int(Engine.followInterval.milliseconds) * 1_000_000)
            nanosleep(&pause, nil)
        }
    }

    /// Makes bulk appends durable.
    public func sync() throws(JournalError) { try journal.sync() }
}

/// What `rounds journal verify` says about a journal's snapshot.
public enum SnapshotCheck: Equatable, Sendable {
    case none
    /// The snapshot is whole, linked to this journal, and equal to replaying it up to its seq.
    case matches(Snapshot.Info)
    /// It would be ignored when opening (damaged, other version, not of this journal).
    case ignored(String)
    /// Linked to this journal but not equal to its replay: edited, or written by a faulty
    /// Rounds. Opening would trust it, so it must be replaced or removed.
    case differs(Snapshot.Info)
}

extension Engine {
    /// Replays the journal from the top (chain verified) up to the snapshot's seq and compares.
    public static func checkSnapshot(journalAt path: String) throws(JournalError) -> SnapshotCheck {
        let info: Snapshot.Info
        let snapshotState: HospitalState
        switch Snapshot.load(journalPath: path) {
        case .success(let (s, i)): snapshotState = s; info = i
        case .failure(.missing): return .none
        case .failure(let p): return .ignored(p.description)
        }
        do {
            _ = try Journal.open(at: path, writable: false, resumingFrom: info.position) { _ in }
        } catch {
            if case .snapshotMismatch(_, let reason) = error { return .ignored(Snapshot.Problem.notOfThisJournal(reason).description) }
            throw error
        }
        var replayed = HospitalState()
        _ = try Journal.open(at: path, writable: false) { r in if r.seq <= info.records { replayed.apply(r) } }
        return replayed == snapshotState ? .matches(info) : .differs(info)
    }
}
