import RoundsDomain

/// The supervisor's picture of the whole hospital: capacity by unit, what has escalated, who is
/// behind, critical results past their window, and break-glass uses awaiting review. The same
/// tables feed the supervisor view in the UI, the wall display and `rounds report supervisor`.
public enum SupervisorOverview {
    /// `minimal`: for a wall display that anyone walking past can read, leave out every free
    /// text and identifier of a patient (task titles, MRNs, break-glass reasons); beds, numbers
    /// and owners remain (minimum necessary, 45 CFR 164.502(b)).
    public static func tables(_ s: HospitalState, _ c: ReportContext, minimal: Bool = false) -> [Table] {
        [capacity(s, c), escalations(s, c, minimal: minimal), overdueByOwner(s, c), criticalPastWindow(s, c, minimal: minimal),
         breakGlassQueue(s, c, minimal: minimal)]
    }

    static func capacity(_ s: HospitalState, _ c: ReportContext) -> Table {
        var waitingFor: [UnitCode: Int] = [:]
        var unplaced = 0
        for st in s.placementQueue {
            if let u = st.wantedUnit { waitingFor[u, default: 0] += 1 } else { unplaced += 1 }
        }
        var rows: [[String]] = []
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
            rows.append([u.code, "\(beds.count)", "\(occupied)", "\(free)", "\(turning)", "\(n[.blocked] ?? 0)",
                         Reports.percent(occupied, beds.count), "\(waiting)", pressure])
            total.beds += beds.count; total.occupied += occupied; total.free += free; total.turning += turning; total.blocked += n[.blocked] ?? 0
        }
        rows.append(["All", "\(total.beds)", "\(total.occupied)", "\(total.free)", "\(total.turning)", "\(total.blocked)",
                     Reports.percent(total.occupied, total.beds), "\(s.placementQueue.count)", ""])
        return Table(title: "Census and capacity by unit",
                     columns: ["Unit", "Beds", "Occupied or reserved", "Available", "Dirty or cleaning", "Blocked", "Occupancy", "Waiting", "Pressure"],
                     rows: rows,
                     footer: unplaced > 0 ? ["\(unplaced) waiting with no unit asked for"] : [])
    }

    static func escalations(_ s: HospitalState, _ c: ReportContext, minimal: Bool) -> Table {
        var rows: [(Timestamp, [String])] = []
        for t in s.openTasks.compactMap({ s.tasks[$0] }) where t.escalation > 0 || t.kind == .escalation {
            let level = t.escalation >= 2 ? "‼ supervisor told" : (t.escalation == 1 ? "! overdue" : "raised")
            rows.append((t.due, [t.id.description, level, t.owner?.description ?? "nobody", t.isOverdue(at: c.now) ? "\(c.now - t.due) overdue" : "due in \(t.due - c.now)",
                                 minimal ? "\(t.priority.rawValue) task" : t.title]))
        }
        for id in s.unacknowledgedUrgent {
            guard let m = s.messages[id], m.escalation > 0 else { continue }
            let level = m.escalation >= 2 ? "‼ supervisor told" : "! not acknowledged"
            rows.append((m.sentAt, [m.id.description, level, m.to.description, "sent \(c.now - m.sentAt) ago", minimal ? "urgent message" : m.subject]))
        }
        rows.sort { ($0.0, $0.1[0]) < ($1.0, $1.1[0]) }
        return Table(title: "Escalations", columns: ["Item", "Level", "Owner", "When", "What"], rows: rows.map(\.1))
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
        let rows = by.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map { owner, t in
            [owner, "\(t.count)", "\(t.stat)", "\(t.urgent)", "\(c.now - t.oldest)"]
        }
        return Table(title: "Overdue work by owner", columns: ["Owner", "Overdue", "Stat", "Urgent", "Oldest overdue by"], rows: rows)
    }

    static func criticalPastWindow(_ s: HospitalState, _ c: ReportContext, minimal: Bool) -> Table {
        let window = s.policy.criticalWindow
        let late = s.activeLabs.compactMap { s.labs[$0] }
            .filter { $0.awaitsCommunication && ($0.resultedAt.map { c.now - $0 > window } ?? false) }
            .sorted { ($0.resultedAt!, $0.id) < ($1.resultedAt!, $1.id) }
        let rows = late.map { l -> [String] in
            let bed = s.stay(of: l.mrn)?.bed ?? "no bed"
            let past = c.now - (l.resultedAt! + window)
            let task = l.criticalTask.flatMap { s.tasks[$0] }
            return [l.id.description, bed, minimal ? "" : l.mrn, l.test, c.wallClock.hhmm(l.resultedAt!), "‼ \(past) past",
                    task?.owner?.description ?? "nobody"]
        }
        return Table(title: "Critical results past their \(window) window", columns: ["Lab", "Bed", "MRN", "Test", "Resulted", "Late by", "Owner"], rows: rows)
    }

    static func breakGlassQueue(_ s: HospitalState, _ c: ReportContext, minimal: Bool) -> Table {
        let rows = s.grantsAwaitingReview.map { g -> [String] in
            let state = g.isActive(at: c.now) ? "⚠ in force, \(g.ends - c.now) left" : "ended \(c.wallClock.hhmm(g.ends))"
            return [g.id.description, g.login, g.role?.label ?? "not on roster", c.wallClock.dateTime(g.started), state, "\(g.actionCount)",
                    minimal ? "" : g.reason]
        }
        return Table(title: "Break-glass awaiting review", columns: ["Grant", "Login", "Role", "Started", "State", "Actions", "Reason"], rows: rows,
                     footer: rows.isEmpty ? [] : ["review with: break-glass review G… appropriate|inappropriate|follow-up [note \"…\"]"])
    }
}
