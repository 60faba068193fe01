import RoundsDomain

/// The supervisor's and scripts' views of the hospital, as tables.
public enum Report: String, CaseIterable, Sendable {
    case census, beds, worklist, labs, messages, supervisor, handover, changes
}

public struct ReportContext: Sendable {
    public var now: Timestamp
    public var wallClock: WallClock
    public init(now: Timestamp, wallClock: WallClock) { self.now = now; self.wallClock = wallClock }
}

/// Glyph and word for each bed state: the state is never shown by colour alone.
public func bedLabel(_ status: BedStatus) -> String {
    switch status {
    case .available: "○ available"
    case .reserved: "◐ reserved"
    case .occupied: "● occupied"
    case .dirty: "✗ dirty"
    case .cleaning: "~ cleaning"
    case .blocked: "■ blocked"
    }
}

extension Report {
    /// The reports that are tables of the state; `handover` is a document (HandoverReport) and
    /// `changes` reads the journal (Engine.changes).
    public static var tabular: [Report] { [.census, .beds, .worklist, .labs, .messages, .supervisor] }

    /// The report's tables: one, or the supervisor overview's sections; none for the others.
    public func tables(_ s: HospitalState, _ c: ReportContext) -> [Table] {
        switch self {
        case .census: [Reports.census(s, c)]
        case .beds: [Reports.beds(s, c)]
        case .worklist: [Reports.worklist(s, c)]
        case .labs: [Reports.labs(s, c)]
        case .messages: [Reports.messages(s, c)]
        case .supervisor: SupervisorOverview.tables(s, c)
        case .handover, .changes: []
        }
    }
}

enum Reports {
    static func census(_ s: HospitalState, _ c: ReportContext) -> Table {
        var rows: [[String]] = []
        var totals = [BedStatus: Int]()
        var all = 0
        for code in s.unitOrder {
            guard let u = s.units[code] else { continue }
            let beds = s.beds(in: code)
            var n = [BedStatus: Int]()
            for b in beds { n[b.status, default: 0] += 1; totals[b.status, default: 0] += 1 }
            all += beds.count
            rows.append([u.code, u.kind.label, "\(beds.count)", "\(n[.occupied] ?? 0)", "\(n[.available] ?? 0)", "\(n[.reserved] ?? 0)",
                         "\(n[.dirty] ?? 0)", "\(n[.cleaning] ?? 0)", "\(n[.blocked] ?? 0)", percent(n[.occupied] ?? 0, beds.count)])
        }
        rows.append(["All", "", "\(all)", "\(totals[.occupied] ?? 0)", "\(totals[.available] ?? 0)", "\(totals[.reserved] ?? 0)",
                     "\(totals[.dirty] ?? 0)", "\(totals[.cleaning] ?? 0)", "\(totals[.blocked] ?? 0)", percent(totals[.occupied] ?? 0, all)])
        let today = c.wallClock.localDate(c.now)
        let dischargesToday = s.activeStay.values.compactMap { s.stays[$0] }.filter { $0.phase == .inBed && ($0.expectedDischarge.map { $0 <= today } ?? false) }.count
        let queue = s.placementQueue
        let longest = queue.first.map { " (longest wait \(c.now - $0.requestedAt))" } ?? ""
        let critical = s.activeLabs.compactMap { s.labs[$0] }.filter(\.awaitsCommunication).count
        let overdue = s.openTasks.compactMap { s.tasks[$0] }.filter { $0.isOverdue(at: c.now) }.count
        return Table(title: "Census at \(c.wallClock.dateTime(c.now))",
                     columns: ["Unit", "Kind", "Beds", "Occupied", "Available", "Reserved", "Dirty", "Cleaning", "Blocked", "Occupancy"],
                     rows: rows,
                     footer: ["Waiting for a bed: \(queue.count)\(longest)",
                              "Expected discharges today: \(dischargesToday)",
                              "Critical results not yet communicated: \(critical)",
                              "Overdue tasks: \(overdue)",
                              "Unacknowledged urgent messages: \(s.unacknowledgedUrgent.count)"])
    }

    static func percent(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : "\(a * 100 / b)%" }

    static func beds(_ s: HospitalState, _ c: ReportContext) -> Table {
        var rows: [[String]] = []
        for code in s.unitOrder {
            for b in s.beds(in: code) {
                let p = b.patient.flatMap { s.patients[$0] }
                let stay = b.patient.flatMap { s.stay(of: $0) }
                var note = b.attributes.map(\.rawValue).sorted().joined(separator: ",")
                if let block = b.block {
                    note = block.reason + (block.until.map { " until \(c.wallClock.dateTime($0))" } ?? "")
                }
                rows.append([code, b.id, bedLabel(b.status), b.patient ?? "", p?.name ?? "",
                             p?.precautions.map(\.rawValue).sorted().joined(separator: ",") ?? "",
                             b.status == .occupied ? (stay?.expectedDischarge?.description ?? "") : "",
                             "\(c.now - b.since)", note])
            }
        }
        let queue = s.placementQueue.map { st in
            ["queue", "-", "waiting", st.mrn, s.patients[st.mrn]?.name ?? "", s.patients[st.mrn]?.precautions.map(\.rawValue).sorted().joined(separator: ",") ?? "",
             "", "\(c.now - st.requestedAt)", "from \(st.source.label)" + (st.needs.isEmpty ? "" : "; needs \(st.needs.map(\.rawValue).sorted().joined(separator: ","))")]
        }
        return Table(title: "Beds at \(c.wallClock.dateTime(c.now))",
                     columns: ["Unit", "Bed", "Status", "MRN", "Patient", "Precautions", "Expected discharge", "For", "Notes"],
                     rows: rows + queue)
    }

    static func worklist(_ s: HospitalState, _ c: ReportContext) -> Table {
        let tasks = s.openTasks.compactMap { s.tasks[$0] }.sorted { a, b in
            let ao = a.isOverdue(at: c.now), bo = b.isOverdue(at: c.now)
            if ao != bo { return ao }
            if a.priority.rank != b.priority.rank { return a.priority.rank < b.priority.rank }
            return (a.due, a.id) < (b.due, b.id)
        }
        let rows = tasks.map { t -> [String] in
            let due = c.wallClock.hhmm(t.due)
            let state = t.isOverdue(at: c.now) ? "OVERDUE \(c.now - t.due)" : "in \(t.due - c.now)"
            let escalated = t.escalation >= 2 ? "supervisor told" : ""
            return [t.id.description, t.priority.rawValue.uppercased(), due, state, t.patient ?? "", t.title, t.owner?.description ?? "—",
                    t.status.rawValue, escalated]
        }
        return Table(title: "Worklist at \(c.wallClock.dateTime(c.now)) — \(tasks.count) open",
                     columns: ["Task", "Priority", "Due", "When", "MRN", "Task", "Owner", "Status", "Escalation"], rows: rows)
    }

    static func labs(_ s: HospitalState, _ c: ReportContext) -> Table {
        let labs = s.activeLabs.compactMap { s.labs[$0] }.sorted { a, b in
            if a.awaitsCommunication != b.awaitsCommunication { return a.awaitsCommunication }
            return (a.orderedAt, a.id) < (b.orderedAt, b.id)
        }
        let rows = labs.map { l -> [String] in
            let dependents = s.scheduledProcedures.compactMap { s.procedures[$0] }
                .filter { $0.mrn == l.mrn && $0.requiredTests.contains(l.test) }
                .sorted { $0.start < $1.start }
                .map { "\($0.id) \($0.title) at \(c.wallClock.hhmm($0.start))" }
            let result = l.result.map { r in "\(r.value) \(r.units)".trimmedSpaces + " \(r.flag.rawValue.uppercased())" } ?? ""
            let status = l.awaitsCommunication ? "CRITICAL — communicate" : l.status.rawValue
            return [l.id.description, l.mrn, l.test, l.priority.rawValue, status, "\(c.now - l.orderedAt)",
                    l.neededBy.map { c.wallClock.hhmm($0) } ?? "", dependents.joined(separator: "; "), result]
        }
        return Table(title: "Pending labs at \(c.wallClock.dateTime(c.now))",
                     columns: ["Lab", "MRN", "Test", "Priority", "Status", "Age", "Needed by", "Needed for", "Result"], rows: rows)
    }

    static func messages(_ s: HospitalState, _ c: ReportContext) -> Table {
        let since = c.now - .hours(24)
        let msgs = s.messages.values.filter { ($0.urgent && $0.acknowledgedBy == nil) || $0.sentAt >= since }.sorted { a, b in
            let au = a.urgent && a.acknowledgedBy == nil, bu = b.urgent && b.acknowledgedBy == nil
            if au != bu { return au }
            return (a.sentAt, a.id) > (b.sentAt, b.id)
        }
        let rows = msgs.map { m -> [String] in
            let ack = m.acknowledgedBy.map { "acknowledged by \($0)" } ?? (m.urgent ? "NOT ACKNOWLEDGED" : "")
            return [m.id.description, m.urgent ? "URGENT" : "", c.wallClock.hhmm(m.sentAt), m.from, m.to.description, m.patient ?? "",
                    m.subject, "\(m.readBy.count) read", ack]
        }
        return Table(title: "Messages at \(c.wallClock.dateTime(c.now)) (unacknowledged urgent, then the last 24 hours)",
                     columns: ["Msg", "Urgency", "Sent", "From", "To", "MRN", "Subject", "Read", "Acknowledged"], rows: rows)
    }
}

extension String {
    var trimmedSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
