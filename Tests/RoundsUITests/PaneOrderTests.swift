import Testing
import RoundsDomain
import RoundsEngine
import RoundsUI
import RoundsTestSupport
import RoundsJournal

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
        #expect(app.engine.state.openTasks.count > 6)
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
        let target = try #require((3..<rows.count).first { ![.cleaning, .criticalresult].contains(app.engine.state.tasks[TaskID.parse(Substring(rows[$0].key))!]!.kind) })
        for _ in 0..<target { app.handle(.down) }
        let chosen = try #require(app.selectedRow(.worklist))
        #expect(chosen.key == rows[target].key)
        try app.engine.submit(line: "task done \(chosen.key)")
        _ = app.render(width: 160, height: 45)
        let next = try #require(app.selectedRow(.worklist))
        #expect(next.key == rows[target + 1].key, "the row that took its place is selected")
    }
}

/// The bed board and messages panes keep their content while records that cannot change them
/// arrive (ChangeMarks). If a record the marks call harmless did change a pane, the screen would
/// show a stale bed board: these tests apply a demo hospital's records one at a time and check
/// that every record that leaves a mark alone leaves that pane's content alone too.
@Suite struct ChangeMarkTests {
    func fingerprint(_ c: PaneContent) -> [String] {
        [c.summary] + (Array(c.rows) + c.side + c.sideInline).map { "\($0.key)|\($0.style)|\($0.cells.joined(separator: "|"))" }
    }

    @Test func recordsThatLeaveAMarkAloneLeaveThePaneAlone() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try demoApp(dir, beds: 40)
        // More history on top of the demo: time passes, rules fire, work is done.
        app.idleLock = nil
        let e = app.engine
        for i in 0..<30 {
            clock.advance(.minutes(13))
            _ = try e.tick()
            let open = e.state.openTasks.sorted()
            if i % 3 == 0, let t = open.first(where: { e.state.tasks[$0]!.kind != .cleaning }) { _ = try? e.submit(line: "task done \(t)") }
            if i % 4 == 0 { _ = try? e.submit(line: "msg send @coordinator \"Round \(i)\"" + (i % 8 == 0 ? " urgent" : "")) }
            if i % 5 == 0, let m = e.state.unacknowledgedUrgent.sorted().first { _ = try? e.submit(line: "msg ack \(m)") }
        }
        var records: [Recorded] = []
        _ = try Journal.open(at: e.journal.path, writable: false, verifyChain: false) { records.append($0) }
        var s = HospitalState()
        var kinds = Set<String>(), worklistKinds = Set<String>(), labsKinds = Set<String>()
        var checked = 0
        for r in records {
            let ctx = PaneContext(now: r.time, wallClock: .utc)
            let beds = fingerprint(BedBoardPane.content(s, ctx)), msgs = fingerprint(MessagesPane.content(s, ctx, me: "alice"))
            let tasks = fingerprint(WorklistPane.content(s, ctx)), labs = fingerprint(LabsPane.content(s, ctx))
            let marks = s.changeMarks
            s.apply(r)
            if s.changeMarks.beds == marks.beds {
                #expect(fingerprint(BedBoardPane.content(s, ctx)) == beds, "record \(r.seq) (\(r.event.typeName)) changed the bed board without moving its mark")
                kinds.insert("\(r.event.typeName)")
                checked += 1
            }
            if s.changeMarks.messages == marks.messages {
                #expect(fingerprint(MessagesPane.content(s, ctx, me: "alice")) == msgs, "record \(r.seq) (\(r.event.typeName)) changed messages without moving its mark")
            }
            if s.changeMarks.worklist == marks.worklist {
                #expect(fingerprint(WorklistPane.content(s, ctx)) == tasks, "record \(r.seq) (\(r.event.typeName)) changed the worklist without moving its mark")
                worklistKinds.insert("\(r.event.typeName)")
            }
            if s.changeMarks.labs == marks.labs {
                #expect(fingerprint(LabsPane.content(s, ctx)) == labs, "record \(r.seq) (\(r.event.typeName)) changed the labs pane without moving its mark")
                labsKinds.insert("\(r.event.typeName)")
            }
        }
        #expect(checked > 100)
        #expect(kinds.count >= 8, "many kinds of record were checked: \(kinds.sorted())")
        #expect(worklistKinds.count >= 6, "worklist: \(worklistKinds.sorted())")
        #expect(labsKinds.count >= 6, "labs: \(labsKinds.sorted())")
    }
}
