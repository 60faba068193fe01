import RoundsDomain

/// Referrals as tables: the open ones with their age and overdue flag, and by service the
/// time from sending to the report (days-to-complete) and the proportion of loops closed.
/// The states and the clock are the domain's (RoundsDomain/Referrals).
enum ReferralTables {
    /// `rounds report referrals`: the open referrals, then by service.
    static func report(_ s: HospitalState, _ c: ReportContext) -> [Table] { [open(s, c), byService(s, c)] }

    static func who(_ s: HospitalState, _ mrn: MRN) -> String { s.patients[mrn].map { "\(mrn) \(briefName($0.name))" } ?? mrn }

    /// What stands out about an open referral: the appointment, why it could not be
    /// scheduled, what has come back so far.
    static func detail(_ r: Referral, _ c: ReportContext) -> String {
        var parts: [String] = []
        if r.highRisk { parts.append("HIGH RISK") }
        if r.status == .scheduled, let a = r.appointment { parts.append("appointment \(c.wallClock.dateTime(a))") }
        if let u = r.unableReason { parts.append("unable to schedule: \(u)") }
        if r.status == .partial, let p = r.report { parts.append("so far: \(p)") }
        if parts.isEmpty { parts.append(r.reason) }
        return parts.joined(separator: "; ")
    }

    /// The open referrals, most overdue first, then by due time.
    static func open(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let list = s.referrals.open.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
        var overdue = 0
        let rows = list.map { r -> [Cell] in
            let late = r.isOverdue(at: c.now)
            if late { overdue += 1 }
            let dueShown = late ? "‼ \(c.now - r.due) late" : "no"
            return [.word(r.id.description, r.id.description), .word(who(s, r.mrn), r.mrn), .text(r.destination), .word(r.urgency.rawValue, r.urgency.rawValue),
                    .word(r.status.rawValue, r.status.rawValue), .time(r.sentAt, shown: "\(c.now - r.sentAt)", wall),
                    .time(r.due, shown: wall.dateTime(r.due), wall), .boolean(dueShown, late),
                    .text(detail(r, c)), .word(r.overdueTask?.description ?? "", r.overdueTask?.description)]
        }
        var footer: [String] = []
        if overdue > 0 { footer.append("‼ \(overdue) overdue: past the report's due time with the loop open") }
        if !rows.isEmpty { footer.append("the loop closes when the report is received: ref report R… \"summary\"") }
        return Table(key: "open_referrals", title: "Open referrals (\(rows.count))",
                     columns: [Column("Ref", key: "id"), Column("Patient", key: "mrn"), Column("To", key: "to"), Column("Urgency", key: "urgency"),
                               Column("Status", key: "status"), Column("Age", key: "sent_at", .timestamp), Column("Due", key: "due", .timestamp),
                               Column("Overdue", key: "overdue", .boolean), Column("Detail", key: "detail"), Column("Task", key: "overdue_task")],
                     rows: rows, footer: footer)
    }

    /// Hours, shown as a span (`3d4h`).
    static func hours(_ span: Span?) -> Cell {
        guard let span else { return .integer("-", nil) }
        return .integer("\(span)", Int(span.milliseconds / 3_600_000))
    }

    /// Per service (and for all): sent, open, overdue, completed, closed otherwise, the time to
    /// complete (median, mean, longest) and the loops closed as a share of those sent.
    static func byService(_ s: HospitalState, _ c: ReportContext) -> Table {
        var groups: [String: [Referral]] = [:]
        for r in s.referrals.byID.values { groups[r.service, default: []].append(r) }
        func row(_ name: String, _ list: [Referral]) -> [Cell] {
            let done = list.filter { $0.status == .complete }
            let times = done.compactMap { r in r.reportedAt.map { $0 - r.sentAt } }.sorted()
            let median: Span? = times.isEmpty ? nil : times.count % 2 == 1 ? times[times.count / 2]
                : Span(milliseconds: (times[times.count / 2 - 1].milliseconds + times[times.count / 2].milliseconds) / 2)
            let mean: Span? = times.isEmpty ? nil : Span(milliseconds: times.reduce(0) { $0 + $1.milliseconds } / Int64(times.count))
            let openCount = list.filter(\.isOpen).count
            let late = list.filter { $0.isOverdue(at: c.now) }.count
            return [.text(name), .integer(list.count), .integer(openCount), .integer(late > 0 ? "‼ \(late)" : "0", late), .integer(done.count),
                    .integer(list.count - openCount - done.count), hours(median), hours(mean), hours(times.last),
                    .percent(done.count, of: list.count)]
        }
        var rows = groups.keys.sorted { $0.lowercased() < $1.lowercased() }.map { row($0, groups[$0]!) }
        rows.append(row("All", Array(s.referrals.byID.values)))
        return Table(key: "referrals_by_service", title: "Referrals by service: days to complete and loops closed",
                     columns: [Column("Service", key: "service"), Column("Sent", key: "sent", .integer), Column("Open", key: "open", .integer),
                               Column("Overdue", key: "overdue", .integer), Column("Complete", key: "complete", .integer),
                               Column("Closed otherwise", key: "closed_otherwise", .integer),
                               Column("Median to report", key: "median_hours_to_report", .integer), Column("Mean", key: "mean_hours_to_report", .integer),
                               Column("Longest", key: "longest_hours_to_report", .integer), Column("Loop closed", key: "loop_closed_percent", .integer)],
                     rows: rows,
                     footer: ["every referral recorded; to report: from sent to the specialist's report received (hours in CSV and JSON)",
                              "loop closed: referrals whose report was received, of all sent (as in CMS50, \"Closing the Referral Loop\")"])
    }
}
