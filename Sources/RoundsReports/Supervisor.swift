import RoundsDomain

/// The supervisor's picture of the whole hospital: capacity by unit, what has escalated, who is
/// behind, critical results past their window, and break-glass uses awaiting review. The same
/// tables feed the supervisor view in the UI, the wall display and `rounds report supervisor`.
public enum SupervisorOverview {
    /// `minimal`: for a wall display that anyone walking past can read, leave out every free
    /// text and identifier of a patient (task titles, MRNs, break-glass reasons); beds, numbers
    /// and owners remain (minimum necessary, 45 CFR 164.502(b)).
    public static func tables(_ s: HospitalState, _ c: ReportContext, minimal: Bool = false) -> [Table] {
        [capacity(s, c), ForecastTables.byUnit(s.bedForecast(at: c.now, wallClock: c.wallClock, details: false), c, onlyShort: true), escalations(s, c, minimal: minimal), overdueByOwner(s, c), criticalPastWindow(s, c, minimal: minimal),
         breakGlassQueue(s, c, minimal: minimal), openLoops(s, c)]
    }

    /// What was asked of others and has not come back, and what is late: counts only (fit for
    /// a wall display); the open loops screen (O) and the reports list them.
    static func openLoops(_ s: HospitalState, _ c: ReportContext) -> Table {
        let now = c.now
        let referrals = s.referrals.open, complaints = s.complaints.open, followUps = s.followUps.open
        let onStudy = s.research.enrollments.values.filter { $0.status == .onStudy }
        let studyTasks = s.research.studies.values.compactMap(\.reviewTask) + onStudy.flatMap { $0.tasks.values }
        let studyLate = studyTasks.filter { id in s.tasks[id].map { !$0.status.isClosed && $0.due <= now } ?? false }.count
        func late(_ n: Int) -> Cell { .integer(n > 0 ? "‼ \(n)" : "0", n) }
        let rows: [[Cell]] = [
            [.word("Referrals (report due)", "referrals"), .integer(referrals.count), late(referrals.filter { $0.isOverdue(at: now) }.count), .text("rounds report referrals")],
            [.word("Complaints (response due)", "complaints"), .integer(complaints.count), late(complaints.filter { $0.isOverdue(at: now) }.count), .text("rounds report complaints")],
            [.word("Follow-ups after discharge (call, visit)", "followups"), .integer(followUps.count),
             late(followUps.filter { $0.callLate(at: now) || $0.visitLate(at: now) }.count), .text("rounds report followups")],
            [.word("Research (patients on study; review, visit, consent tasks)", "research"), .integer(onStudy.count), late(studyLate), .text("rounds report research")],
        ]
        return Table(key: "open_loops", title: "Open loops",
                     columns: [Column("What", key: "kind"), Column("Open", key: "open", .integer), Column("Late", key: "late", .integer), Column("Listed by", key: "report")],
                     rows: rows, footer: ["O opens the open loops screen (v: referrals, complaints, follow-ups)"])
    }

    static func capacity(_ s: HospitalState, _ c: ReportContext) -> Table {
        var waitingFor: [UnitCode: Int] = [:]
        var unplaced = 0
        for st in s.placementQueue {
            if let u = st.wantedUnit { waitingFor[u, default: 0] += 1 } else { unplaced += 1 }
        }
        var rows: [[Cell]] = []
        var total = (beds: 0, occupied: 0, free: 0, turning: 0, blocked: 0)
        for code in s.unitOrder {
            guard let u = s.units[code] else { continue }
            var n = [BedStatus: Int]()
            let beds = s.beds(in: code)
            for b in beds { n[b.status, default: 0] += 1 }
            let occupied = (n[.occupied] ?? 0) + (n[.reserved] ?? 0)
            let free = n[.available] ?? 0
            let turning = (n[.dirty] ?? 0) + (n[.cleaning] ?? 0)
            let waiting = waitingFor[code] ?? 0
            let pressure = waiting > free ? "‼ short \(waiting - free)" : (free == 0 ? "full" : "")
            rows.append([.text(u.code), .integer(beds.count), .integer(occupied), .integer(free), .integer(turning), .integer(n[.blocked] ?? 0),
                         .percent(occupied, of: beds.count), .integer(waiting), .integer(pressure, max(0, waiting - free))])
            total.beds += beds.count; total.occupied += occupied; total.free += free; total.turning += turning; total.blocked += n[.blocked] ?? 0
        }
        rows.append([.text("All"), .integer(total.beds), .integer(total.occupied), .integer(total.free), .integer(total.turning), .integer(total.blocked),
                     .percent(total.occupied, of: total.beds), .integer(s.placementQueue.count), .integer("", nil)])
        return Table(key: "census_and_capacity_by_unit", title: "Census and capacity by unit",
                     columns: [Column("Unit", key: "unit"), Column("Beds", key: "beds", .integer), Column("Occupied or reserved", key: "occupied_or_reserved", .integer),
                               Column("Available", key: "available", .integer), Column("Dirty or cleaning", key: "dirty_or_cleaning", .integer),
                               Column("Blocked", key: "blocked", .integer), Column("Occupancy", key: "occupancy_percent", .integer),
                               Column("Waiting", key: "waiting", .integer), Column("Pressure", key: "short_by", .integer)],
                     rows: rows,
                     footer: unplaced > 0 ? ["\(unplaced) waiting with no unit asked for"] : [])
    }

    static func escalations(_ s: HospitalState, _ c: ReportContext, minimal: Bool) -> Table {
        let wall = c.wallClock
        var rows: [(Timestamp, String, [Cell])] = []
        for t in s.openTasks.compactMap({ s.tasks[$0] }) where t.escalation > 0 || t.kind == .escalation {
            let level = t.escalation >= 2 ? "‼ supervisor told" : (t.escalation == 1 ? "! overdue" : "raised")
            let when = t.isOverdue(at: c.now) ? "\(c.now - t.due) overdue" : "due in \(t.due - c.now)"
            rows.append((t.due, t.id.description, [.text(t.id.description), .data(.string("task")), .integer(level, t.escalation), .text(t.owner?.description ?? "nobody"),
                                                    .time(t.due, shown: when, wall), .data(.null), .text(minimal ? "\(t.priority.rawValue) task" : t.title)]))
        }
        for id in s.unacknowledgedUrgent {
            guard let m = s.messages[id], m.escalation > 0 else { continue }
            let level = m.escalation >= 2 ? "‼ supervisor told" : "! not acknowledged"
            rows.append((m.sentAt, m.id.description, [.text(m.id.description), .data(.string("message")), .integer(level, m.escalation), .text(m.to.description),
                                                      .word("sent \(c.now - m.sentAt) ago", nil), .data(.timestamp(wall.iso8601(m.sentAt))),
                                                      .text(minimal ? "urgent message" : m.subject)]))
        }
        rows.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        return Table(key: "escalations", title: "Escalations",
                     columns: [Column("Item", key: "item"), .data("kind", .string), Column("Level", key: "level", .integer), Column("Owner", key: "owner"),
                               Column("When", key: "due", .timestamp), .data("sent_at", .timestamp), Column("What", key: "what")],
                     rows: rows.map(\.2))
    }

    static func overdueByOwner(_ s: HospitalState, _ c: ReportContext) -> Table {
        struct Tally { var count = 0; var stat = 0; var urgent = 0; var oldest = Timestamp(milliseconds: Int64.max) }
        var by: [String: Tally] = [:]
        for t in s.openTasks.compactMap({ s.tasks[$0] }) where t.isOverdue(at: c.now) {
            let owner = t.owner?.description ?? "nobody"
            by[owner, default: Tally()].count += 1
            if t.priority == .stat { by[owner]!.stat += 1 }
            if t.priority == .urgent { by[owner]!.urgent += 1 }
            by[owner]!.oldest = min(by[owner]!.oldest, t.due)
        }
        let rows = by.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map { owner, t -> [Cell] in
            [.text(owner), .integer(t.count), .integer(t.stat), .integer(t.urgent), .time(t.oldest, shown: "\(c.now - t.oldest)", c.wallClock)]
        }
        return Table(key: "overdue_work_by_owner", title: "Overdue work by owner",
                     columns: [Column("Owner", key: "owner"), Column("Overdue", key: "overdue", .integer), Column("Stat", key: "stat", .integer),
                               Column("Urgent", key: "urgent", .integer), Column("Oldest overdue by", key: "oldest_due", .timestamp)],
                     rows: rows)
    }

    static func criticalPastWindow(_ s: HospitalState, _ c: ReportContext, minimal: Bool) -> Table {
        let wall = c.wallClock
        let window = s.policy.criticalWindow
        let late = s.activeLabs.compactMap { s.labs[$0] }
            .filter { $0.awaitsCommunication && ($0.resultedAt.map { c.now - $0 > window } ?? false) }
            .sorted { ($0.resultedAt!, $0.id) < ($1.resultedAt!, $1.id) }
        let rows = late.map { l -> [Cell] in
            let bed = s.stay(of: l.mrn)?.bed
            let past = c.now - (l.resultedAt! + window)
            let task = l.criticalTask.flatMap { s.tasks[$0] }
            return [.text(l.id.description), .word(bed ?? "no bed", bed), .text(minimal ? "" : l.mrn), .text(l.test),
                    .time(l.resultedAt!, shown: wall.hhmm(l.resultedAt!), wall), .time(l.resultedAt! + window, shown: "‼ \(past) past", wall),
                    .text(task?.owner?.description ?? "nobody")]
        }
        return Table(key: "critical_results_past_window", title: "Critical results past their \(window) window",
                     columns: [Column("Lab", key: "lab"), Column("Bed", key: "bed"), Column("MRN", key: "mrn"), Column("Test", key: "test"),
                               Column("Resulted", key: "resulted_at", .timestamp), Column("Late by", key: "communicate_by", .timestamp),
                               Column("Owner", key: "owner")],
                     rows: rows)
    }

    static func breakGlassQueue(_ s: HospitalState, _ c: ReportContext, minimal: Bool) -> Table {
        let wall = c.wallClock
        let rows = s.grantsAwaitingReview.map { g -> [Cell] in
            let active = g.isActive(at: c.now)
            let state = active ? "⚠ in force, \(g.ends - c.now) left" : "ended \(wall.hhmm(g.ends))"
            return [.text(g.id.description), .text(g.login), .word(g.role?.label ?? "not on roster", g.role?.rawValue),
                    .time(g.started, shown: wall.dateTime(g.started), wall), .boolean(state, active), .data(.timestamp(wall.iso8601(g.ends))),
                    .integer(g.actionCount), .text(minimal ? "" : g.reason)]
        }
        return Table(key: "break_glass_awaiting_review", title: "Break-glass awaiting review",
                     columns: [Column("Grant", key: "grant"), Column("Login", key: "login"), Column("Role", key: "role"), Column("Started", key: "started", .timestamp),
                               Column("State", key: "in_force", .boolean), .data("ends", .timestamp), Column("Actions", key: "actions", .integer),
                               Column("Reason", key: "reason")],
                     rows: rows,
                     footer: rows.isEmpty ? [] : ["review with: break-glass review G… appropriate|inappropriate|follow-up [note \"…\"]"])
    }
}
