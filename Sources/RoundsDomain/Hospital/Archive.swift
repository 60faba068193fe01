/// Archiving closed work out of memory. The journal keeps everything; the in-memory state keeps
/// what the day's work needs: every open item, and closed items for `retention` after they
/// closed (the "since", handover and time-travel views replay the journal and never need more).
/// Without this, a year of a 1,000-bed hospital holds over a million closed tasks, labs and
/// messages in memory and in every snapshot (Docs/PERFORMANCE.md).
///
/// Archiving is part of `apply` and is driven only by record times, so replay, live
/// application and snapshot plus tail all archive the same items at the same record.
///
/// What is archived, `retention` after:
/// - a task closed (done or cancelled), unless it was reopened since;
/// - a lab no longer active (resulted and, if critical, communicated; or cancelled), unless
///   its patient has a waiting or in-bed stay: then it stays until `retention` after that stay
///   ends, because a procedure's pre-procedure check reads the patient's resulted labs;
/// - a procedure done or cancelled;
/// - a message sent, once it is not an unacknowledged urgent one;
/// - a stay discharged or cancelled (with its discharge barriers).
/// Patients (the register of names and dates of birth), beds, units, staff, sessions,
/// break-glass grants and handovers are never archived.
extension HospitalState {
    public static let retention = Span.days(7)

    /// What archiving removed so far (a count per kind; the items are in the journal).
    public var archivedCount: Int { retiring.archived }

    mutating func retire(_ item: RetireQueue.Item, at time: Timestamp) {
        retiring.entries.append(RetireQueue.Entry(at: time, item: item))
    }

    /// Archives every item whose retention ended at or before `now`.
    mutating func archiveDue(at now: Timestamp) {
        let cutoff = now - HospitalState.retention
        while retiring.head < retiring.entries.count, retiring.entries[retiring.head].at <= cutoff {
            let item = retiring.entries[retiring.head].item
            retiring.head += 1
            archive(item, cutoff: cutoff)
        }
        retiring.compactIfWorthwhile()
    }

    /// Fields are read where they lie: binding an item (`let t = tasks[id]`) would copy it, a
    /// retain and release of every string in it, for each of the million items a year archives.
    private mutating func archive(_ item: RetireQueue.Item, cutoff: Timestamp) {
        switch item {
        case .task(let id):
            guard tasks[id]?.status.isClosed == true, let closed = tasks[id]?.closedAt, closed <= cutoff else { return }
            HospitalState.discard(id, from: &tasks, keeping: replaying.on, aside: &replaying.items.tasks)
            retiring.archived += 1
        case .lab(let id):
            guard let mrn = labs[id]?.mrn, !activeLabs.contains(id), activeStay[mrn] == nil else { return }
            removeLab(id, of: mrn)
        case .procedure(let id):
            guard let status = procedures[id]?.status, status.isClosed else { return }
            if let appointment = procedures[id]?.external { feeds.procedureByAppointment[appointment] = nil }
            forgetReadiness(of: id)
            forgetScheduling(of: id)
            HospitalState.discard(id, from: &procedures, keeping: replaying.on, aside: &replaying.items.procedures)
            retiring.archived += 1
        case .message(let id):
            guard messages.contains(id), !unacknowledgedUrgent.contains(id) else { return }
            HospitalState.discard(id, from: &messages, keeping: replaying.on, aside: &replaying.items.messages)
            messageIndex.removed(id)
            retiring.archived += 1
        case .stay(let id):
            guard let phase = stays[id]?.phase, phase == .discharged || phase == .cancelled, let mrn = stays[id]?.mrn else { return }
            HospitalState.discard(id, from: &stays, keeping: replaying.on, aside: &replaying.items.stays)
            barriers.byStay[id] = nil
            retiring.archived += 1
            // Labs kept for the stay go too, unless the patient is back.
            if activeStay[mrn] == nil, let ids = labsByPatient[mrn] {
                for lab in ids where !activeLabs.contains(lab) {
                    guard let closed = labs[lab]?.resultedAt ?? labs[lab]?.orderedAt, closed <= cutoff else { continue }
                    removeLab(lab, of: mrn)
                }
            }
        }
    }

    /// Removes an archived item from its table: destroyed where it lies, or, during a replay
    /// (`keeping`), moved to `aside` for the reading thread to destroy.
    private static func discard<ID, V>(_ id: ID, from table: inout IDTable<ID, V>, keeping: Bool, aside: inout [V]) {
        if !keeping { table.remove(id) } else if let item = table.take(id) { aside.append(item) }
    }

    private mutating func removeLab(_ id: LabID, of mrn: MRN) {
        if let order = labs[id]?.external { feeds.labByOrder[order] = nil }
        HospitalState.discard(id, from: &labs, keeping: replaying.on, aside: &replaying.items.labs)
        retiring.archived += 1
        // Changed where it lies: a copy of the list (`if var list = …`) made its removal copy
        // the whole list again.
        if let i = labsByPatient.index(forKey: mrn) {
            labsByPatient.values[i].removeAll { $0 == id }
            if labsByPatient.values[i].isEmpty { labsByPatient.remove(at: i) }
        }
    }
}

/// Archived items moved out of the state instead of destroyed, for a long replay to destroy on
/// its reading thread (Journal.open's `afterBatch`): freeing a week-old item's strings and
/// arrays was about a fifth of applying a year's journal, on the thread that sets its pace.
public struct ArchivedItems: Sendable {
    public var tasks: [WorklistTask] = []
    public var labs: [LabOrder] = []
    public var messages: [Message] = []
    public var stays: [Stay] = []
    public var procedures: [Procedure] = []
    public var isEmpty: Bool { tasks.isEmpty && labs.isEmpty && messages.isEmpty && stays.isEmpty && procedures.isEmpty }
    public var count: Int { tasks.count + labs.count + messages.count + stays.count + procedures.count }

    init() {}
    init(roomFor other: ArchivedItems) {
        tasks.reserveCapacity(other.tasks.count); labs.reserveCapacity(other.labs.count)
        messages.reserveCapacity(other.messages.count); stays.reserveCapacity(other.stays.count)
        procedures.reserveCapacity(other.procedures.count)
    }
}

/// A long replay in progress (`beginReplay` to `endReplay`): archived items are kept aside,
/// and the views' change marks are not kept.
struct Replaying: Equatable, Sendable {
    var on = false
    /// Archived since they were last handed over.
    var items = ArchivedItems()
    /// Bookkeeping of a replay, not part of the hospital: two states are equal whatever it holds.
    static func == (_: Replaying, _: Replaying) -> Bool { true }
}

extension HospitalState {
    /// A long replay begins (opening a journal). Until `endReplay()`, what the state holds is
    /// the same as without, but:
    /// - archived items are kept aside until `takeArchivedAside()` hands them over, instead of
    ///   destroyed where they are archived;
    /// - the views' change marks are not kept: no view exists yet, and `endReplay()` marks
    ///   everything as changed, as opening from a snapshot does (about 3% of applying a year).
    public mutating func beginReplay() {
        replaying.on = true
    }

    /// The items archived since the last call (nil if none), to be destroyed by the caller.
    public mutating func takeArchivedAside() -> ArchivedItems? {
        guard !replaying.items.isEmpty else { return nil }
        let taken = replaying.items
        // The next batch archives about as many: room for them, so the lists do not regrow.
        replaying.items = ArchivedItems(roomFor: taken)
        return taken
    }

    /// The replay is over: archived items are destroyed where they are archived again (those
    /// kept aside go now), and every view counts as changed at the last record.
    public mutating func endReplay() {
        guard replaying.on else { return }
        replaying = Replaying()
        changeMarks = ChangeMarks(all: lastSeq)
    }
}

/// Closed items in the order they closed, each archived `HospitalState.retention` later.
public struct RetireQueue: Equatable, Sendable {
    public enum Item: Equatable, Sendable {
        case task(TaskID), lab(LabID), procedure(ProcedureID), message(MessageID), stay(StayID)
    }
    public struct Entry: Equatable, Sendable {
        public var at: Timestamp
        public var item: Item
    }
    var entries: [Entry] = []
    /// Entries before `head` have been handled; they are dropped in batches.
    var head = 0
    public internal(set) var archived = 0

    public var pending: Int { entries.count - head }

    mutating func compactIfWorthwhile() {
        if head >= 4096, head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    public static func == (a: RetireQueue, b: RetireQueue) -> Bool {
        a.archived == b.archived && a.entries[a.head...] == b.entries[b.head...]
    }
}
