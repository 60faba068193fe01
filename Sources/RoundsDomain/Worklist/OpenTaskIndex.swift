/// Open tasks in due order, one list per priority and one per owner, kept by `apply`. The worklist's orders and
/// the overdue split are read from it without gathering and sorting every open task: what is
/// overdue at `now` is a prefix of each list, found by binary search. With 20,000 open tasks
/// that is the difference between a keystroke redrawn in a frame and one that is not
/// (Docs/PERFORMANCE.md, "Keystroke to frame").
///
/// It is derived from `tasks` and `openTasks`, so snapshots do not store it: decoding rebuilds
/// it, and `HospitalState ==` compares it like any other property.
public struct OpenTaskIndex: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var due: Timestamp
        public var id: TaskID
        public var priority: Priority

        /// Due order; the id breaks ties so the order is total and the same in every process.
        @inline(__always) func precedes(_ b: Entry) -> Bool {
            due != b.due ? due < b.due : id.number < b.id.number
        }
    }

    /// By `Priority.rank`: stat, urgent, routine.
    public private(set) var lists: [[Entry]] = Array(repeating: [], count: Priority.allCases.count)
    /// By owner as written (`@evs`, `tnguyen`), `~` for none; no empty lists.
    public private(set) var byOwner: [String: [Entry]] = [:]

    static func ownerKey(_ owner: Assignee?) -> String { owner?.description ?? "~" }

    public init() {}

    /// Built at once from the open tasks (a snapshot being read): sorted per list, not inserted
    /// one by one.
    init(tasks: IDTable<TaskID, WorklistTask>, open: IDSet<TaskID>) {
        for id in open {
            guard let t = tasks[id] else { continue }
            lists[t.priority.rank].append(Entry(due: t.due, id: id, priority: t.priority))
            byOwner[OpenTaskIndex.ownerKey(t.owner), default: []].append(Entry(due: t.due, id: id, priority: t.priority))
        }
        for i in lists.indices { lists[i].sort { $0.precedes($1) } }
        for k in byOwner.keys { byOwner[k]!.sort { $0.precedes($1) } }
    }

    public var count: Int { lists.reduce(0) { $0 + $1.count } }

    /// Where `e` is, or would go, in `list`.
    private static func position(of e: Entry, in list: [Entry]) -> Int {
        partitionPoint(list.indices) { list[$0].precedes(e) }
    }

    private static func insert(_ e: Entry, into list: inout [Entry]) {
        let i = position(of: e, in: list)
        if i < list.count, list[i] == e { return }
        list.insert(e, at: i)
    }

    private static func remove(_ e: Entry, from list: inout [Entry]) {
        let i = position(of: e, in: list)
        if i < list.count, list[i] == e { list.remove(at: i) }
    }

    /// Adds task `id` as it is now in `tasks` (its due, priority and owner, read in place: the
    /// task is not copied).
    mutating func insert(_ id: TaskID, from tasks: IDTable<TaskID, WorklistTask>) {
        guard let due = tasks[id]?.due, let priority = tasks[id]?.priority else { return }
        let e = Entry(due: due, id: id, priority: priority)
        OpenTaskIndex.insert(e, into: &lists[e.priority.rank])
        OpenTaskIndex.insert(e, into: &byOwner[OpenTaskIndex.ownerKey(tasks[id]?.owner), default: []])
    }

    /// Removes task `id` as it is now in `tasks` (its current due, priority and owner).
    mutating func remove(_ id: TaskID, from tasks: IDTable<TaskID, WorklistTask>) {
        guard let due = tasks[id]?.due, let priority = tasks[id]?.priority else { return }
        let e = Entry(due: due, id: id, priority: priority)
        OpenTaskIndex.remove(e, from: &lists[e.priority.rank])
        let owner = OpenTaskIndex.ownerKey(tasks[id]?.owner)
        if byOwner[owner] != nil {
            OpenTaskIndex.remove(e, from: &byOwner[owner]!)
            if byOwner[owner]!.isEmpty { byOwner[owner] = nil }
        }
    }

    /// How many tasks of the list are overdue at `now` (due before it): they come first.
    public func overdueCount(_ priority: Priority, at now: Timestamp) -> Int {
        let list = lists[priority.rank]
        return partitionPoint(list.indices) { list[$0].due < now }
    }

    public func overdueCount(at now: Timestamp) -> Int {
        Priority.allCases.reduce(0) { $0 + overdueCount($1, at: now) }
    }

    /// Overdue first (stat, urgent, routine, each by due time), then the rest in the same
    /// order: the worklist's "urgency" order.
    public func urgencyOrder(at now: Timestamp) -> [Entry] {
        var out: [Entry] = []
        out.reserveCapacity(count)
        let split = Priority.allCases.map { overdueCount($0, at: now) }
        for p in Priority.allCases { out += lists[p.rank][..<split[p.rank]] }
        for p in Priority.allCases { out += lists[p.rank][split[p.rank]...] }
        return out
    }

    /// Every open task by due time (then id): the lists merged.
    public func dueOrder() -> [Entry] {
        var out: [Entry] = []
        out.reserveCapacity(count)
        var next = Array(repeating: 0, count: lists.count)
        while true {
            var best = -1
            for l in lists.indices where next[l] < lists[l].count {
                if best < 0 || lists[l][next[l]].precedes(lists[best][next[best]]) { best = l }
            }
            guard best >= 0 else { return out }
            out.append(lists[best][next[best]])
            next[best] += 1
        }
    }

    /// By owner (as written, `~` for none, sorted as text), then due time: the worklist's
    /// "owner" order.
    public func ownerOrder() -> [Entry] {
        var out: [Entry] = []
        out.reserveCapacity(count)
        for owner in byOwner.keys.sorted() { out += byOwner[owner]! }
        return out
    }

    /// The open tasks due before `now`, in id order (the time rules' deterministic order).
    public func overdue(at now: Timestamp) -> [TaskID] {
        var ids: [TaskID] = []
        for p in Priority.allCases { ids += lists[p.rank][..<overdueCount(p, at: now)].map(\.id) }
        return ids.sorted()
    }
}
