import Testing
import RoundsDomain
import RoundsEngine
import RoundsUI
import RoundsTestSupport

/// The panes read their order from indexes kept by `apply` (OpenTaskIndex) and make rows only
/// when drawn. These tests compare that with the plain definition, a sort of every open item,
/// as time passes and work changes: overdue work must never sink below work that is not.
@Suite struct PaneOrderTests {
    /// The worklist's orders by definition: urgency (overdue first, then priority, then due),
    /// due time, owner.
    func expectedWorklist(_ s: HospitalState, sort: Int, now: Timestamp) -> [String] {
        let open = s.openTasks.compactMap { s.tasks[$0] }
        let sorted: [WorklistTask]
        switch sort {
        case 1: sorted = open.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
        case 2: sorted = open.sorted { ($0.owner?.description ?? "~", $0.due, $0.id) < ($1.owner?.description ?? "~", $1.due, $1.id) }
        default:
            sorted = open.sorted { a, b in
                let la = a.isOverdue(at: now), lb = b.isOverdue(at: now)
                if la != lb { return la }
                if a.priority.rank != b.priority.rank { return a.priority.rank < b.priority.rank }
                return (a.due, a.id) < (b.due, b.id)
            }
        }
        return sorted.map(\.id.description)
    }

    func expectedMessages(_ s: HospitalState, sort: Int, now: Timestamp) -> [String] {
        var all: [Message] = []
        s.messages.forEach { m in if m.sentAt >= now - .hours(24) || m.awaitsAcknowledgement { all.append(m) } }
        return all.sorted { a, b in
            if sort == 0, a.awaitsAcknowledgement != b.awaitsAcknowledgement { return a.awaitsAcknowledgement }
            return (a.sentAt, a.id) > (b.sentAt, b.id)
        }.map(\.id.description)
    }

    func check(_ app: RoundsApp, _ comment: String) {
        let s = app.engine.state
        for sort in 0..<WorklistPane.sorts.count {
            let c = WorklistPane.content(s, PaneContext(now: app.now, wallClock: .utc, sort: sort))
            #expect(c.rows.map(\.key) == expectedWorklist(s, sort: sort, now: app.now), "worklist sort \(sort), \(comment)")
            let overdue = s.openTasks.filter { s.tasks[$0]!.isOverdue(at: app.now) }.count
            #expect(c.summary == "\(s.openTasks.count) open · \(overdue) overdue", "\(comment)")
            #expect(c.rows.filter { $0.style == .overdue }.count == overdue, "overdue rows are marked, \(comment)")
        }
        for sort in 0..<MessagesPane.sorts.count {
            let c = MessagesPane.content(s, PaneContext(now: app.now, wallClock: .utc, sort: sort), me: "alice")
            #expect(c.rows.map(\.key) == expectedMessages(s, sort: sort, now: app.now), "messages sort \(sort), \(comment)")
        }
    }

    @Test func worklistAndMessagesFollowTheirDefinitionAsTimePassesAndWorkChanges() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try demoApp(dir, beds: 60)
        app.idleLock = nil
        check(app, "at the start")
        #expect(app.engine.state.openTasks.count > 20)
        // Time passes: tasks fall overdue one by one.
        for hour in 1...6 {
            clock.advance(.minutes(47))
            app.poll()
            check(app, "after \(hour) steps")
        }
        // Work changes: rescheduled, closed, reopened, added with equal due times.
        let e = app.engine
        let ids = e.state.openTasks.sorted()
        try e.submit(line: "task snooze \(ids[0]) for 3h reason \"waiting for family\"")
        try e.submit(line: "task done \(ids[1])")
        try e.submit(line: "task cancel \(ids[2]) reason \"duplicate\"")
        try e.submit(line: "task reopen \(ids[1])")
        for i in 0..<4 { try e.submit(line: "task add \"Same time \(i)\" priority \(["stat", "routine"][i % 2]) due +10m") }
        try e.submit(line: "msg send @coordinator \"Bed needed in ED\" urgent")
        try e.submit(line: "msg send alice \"Family asking\"")
        check(app, "after changes")
        clock.advance(.minutes(11))
        check(app, "after the new tasks fell due")
    }

    @Test func selectionFollowsAMadeRowByKeyAndMovesOnWhenItCloses() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try demoApp(dir, beds: 60)
        app.idleLock = nil
        _ = app.render(width: 160, height: 45)
        // A row a few down that is not a bed's cleaning request (those close when the bed is clean).
        let rows = app.content(.worklist).rows
        let target = try #require((3..<rows.count).first { app.engine.state.tasks[TaskID.parse(Substring(rows[$0].key))!]!.kind != .cleaning })
        for _ in 0..<target { app.handle(.down) }
        let chosen = try #require(app.selectedRow(.worklist))
        #expect(chosen.key == rows[target].key)
        try app.engine.submit(line: "task done \(chosen.key)")
        _ = app.render(width: 160, height: 45)
        let next = try #require(app.selectedRow(.worklist))
        #expect(next.key == rows[target + 1].key, "the row that took its place is selected")
    }
}
