import RoundsDomain

/// The supervisor's and scripts' views of the hospital, as tables.
public enum Report: String, CaseIterable, Sendable {
    case census, beds, worklist, labs, messages, supervisor, handover, changes, interface, schedule, forecast, barriers, referrals, complaints, followups, research, supplies, notice
}

public struct ReportContext: Sendable {
    public var now: Timestamp
    public var wallClock: WallClock
    /// Who reads the report. With one, the messages report lists only the messages that
    /// concern them (to them, to their role, or sent by them) unless `allMessages`.
    public var reader: Login?
    public var readerRole: Role?
    /// A supervisor's look at every message (an audited read).
    public var allMessages = false
    /// The interface report: every interface item, resolved ones too (`--all`), not only the open ones.
    public var allItems = false
    /// The schedule report's day (today when nil).
    public var day: LocalDate?
    public init(now: Timestamp, wallClock: WallClock, reader: Login? = nil, readerRole: Role? = nil, allMessages: Bool = false, allItems: Bool = false,
                day: LocalDate? = nil) {
        self.now = now; self.wallClock = wallClock; self.reader = reader; self.readerRole = readerRole; self.allMessages = allMessages
        self.allItems = allItems; self.day = day
    }
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
    public static var tabular: [Report] { [.census, .beds, .worklist, .labs, .messages, .supervisor, .interface, .schedule, .forecast, .barriers, .referrals, .complaints, .followups, .research, .supplies] }

    /// The heading of the report as one document.
    public var title: String {
        switch self {
        case .census: "Census"
        case .beds: "Beds"
        case .worklist: "Worklist"
        case .labs: "Pending labs"
        case .messages: "Messages"
        case .supervisor: "Supervisor overview"
        case .handover: "Handover"
        case .changes: "What changed"
        case .interface: "Interface items"
        case .schedule: "Schedule"
        case .forecast: "Bed forecast"
        case .barriers: "Discharge barriers"
        case .referrals: "Referrals"
        case .complaints: "Complaints"
        case .followups: "Follow-up after discharge"
        case .research: "Research"
        case .supplies: "Supplies and equipment"
        case .notice: "Complaint notice"
        }
    }

    /// The report's tables: one, or the supervisor overview's sections; none for the others.
    public func tables(_ s: HospitalState, _ c: ReportContext) -> [Table] {
        switch self {
        case .census: [Reports.census(s, c)]
        case .beds: [Reports.beds(s, c)]
        case .worklist: [Reports.worklist(s, c)]
        case .labs: [Reports.labs(s, c)]
        case .messages: [Reports.messages(s, c)]
        case .supervisor: SupervisorOverview.tables(s, c)
        case .interface: [Reports.interface(s, c)]
        case .schedule: [Reports.schedule(s, c)]
        case .forecast: ForecastTables.report(s, c)
        case .barriers: [ForecastTables.barriers(s, c)]
        case .referrals: ReferralTables.report(s, c)
        case .complaints: ComplaintTables.report(s, c)
        case .followups: FollowUpTables.report(s, c)
        case .research: ResearchTables.report(s, c)
        case .supplies: SupplyTables.report(s, c)
        case .handover, .changes, .notice: []
        }
    }
}

enum Reports {
    static func census(_ s: HospitalState, _ c: ReportContext) -> Table {
        var rows: [[Cell]] = []
        var totals = [BedStatus: Int]()
        var all = 0
        func counts(_ n: [BedStatus: Int], _ beds: Int) -> [Cell] {
            [.integer(beds), .integer(n[.occupied] ?? 0), .integer(n[.available] ?? 0), .integer(n[.reserved] ?? 0),
             .integer(n[.dirty] ?? 0), .integer(n[.cleaning] ?? 0), .integer(n[.blocked] ?? 0), .percent(n[.occupied] ?? 0, of: beds)]
        }
        for code in s.unitOrder {
            guard let u = s.units[code] else { continue }
            let beds = s.beds(in: code)
            var n = [BedStatus: Int]()
            for b in beds { n[b.status, default: 0] += 1; totals[b.status, default: 0] += 1 }
            all += beds.count
            rows.append([.text(u.code), .word(u.kind.label, u.kind.rawValue)] + counts(n, beds.count))
        }
        rows.append([.text("All"), .text("")] + counts(totals, all))
        let today = c.wallClock.localDate(c.now)
        let dischargesToday = s.activeStay.values.compactMap { s.stays[$0] }.filter { $0.phase == .inBed && ($0.expectedDischarge.map { $0 <= today } ?? false) }.count
        let queue = s.placementQueue
        let longest = queue.first.map { " (longest wait \(c.now - $0.requestedAt))" } ?? ""
        let critical = s.activeLabs.compactMap { s.labs[$0] }.filter(\.awaitsCommunication).count
        let overdue = s.openTasks.compactMap { s.tasks[$0] }.filter { $0.isOverdue(at: c.now) }.count
        return Table(key: "census", title: "Census at \(c.wallClock.dateTime(c.now))",
                     columns: [Column("Unit", key: "unit"), Column("Kind", key: "kind"), Column("Beds", key: "beds", .integer),
                               Column("Occupied", key: "occupied", .integer), Column("Available", key: "available", .integer),
                               Column("Reserved", key: "reserved", .integer), Column("Dirty", key: "dirty", .integer),
                               Column("Cleaning", key: "cleaning", .integer), Column("Blocked", key: "blocked", .integer),
                               Column("Occupancy", key: "occupancy_percent", .integer)],
                     rows: rows,
                     footer: ["Waiting for a bed: \(queue.count)\(longest)",
                              "Expected discharges today: \(dischargesToday)",
                              "Critical results not yet communicated: \(critical)",
                              "Overdue tasks: \(overdue)",
                              "Unacknowledged urgent messages: \(s.unacknowledgedUrgent.count)"])
    }

    static func percent(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : "\(a * 100 / b)%" }

    static func words<V: Vocabulary>(_ set: Set<V>) -> [String] { set.map(\.rawValue).sorted() }

    static func beds(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        var rows: [[Cell]] = []
        for code in s.unitOrder {
            for b in s.beds(in: code) {
                let p = b.patient.flatMap { s.patients[$0] }
                let stay = b.patient.flatMap { s.stay(of: $0) }
                let attributes = words(b.attributes)
                var note = attributes.joined(separator: ",")
                if let block = b.block {
                    note = block.reason + (block.until.map { " until \(wall.dateTime($0))" } ?? "")
                }
                let precautions = p.map { words($0.precautions) } ?? []
                rows.append([.text(code), .text(b.id), .word(bedLabel(b.status), b.status.rawValue), .text(b.patient), .text(p?.name),
                             .list(precautions, shown: precautions.joined(separator: ",")),
                             .date(b.status == .occupied ? stay?.expectedDischarge : nil),
                             .time(b.since, shown: "\(c.now - b.since)", wall), .text(note),
                             .data(.list(attributes)), .data(b.block.map { .string($0.reason) } ?? .null),
                             .data(b.block?.until.map { .timestamp(wall.iso8601($0)) } ?? .null), .data(.null), .data(.list([]))])
            }
        }
        let queue = s.placementQueue.map { st -> [Cell] in
            let precautions = s.patients[st.mrn].map { words($0.precautions) } ?? []
            let needs = words(st.needs)
            return [.word("queue", nil), .word("-", nil), .word("waiting", "waiting"), .text(st.mrn), .text(s.patients[st.mrn]?.name),
                    .list(precautions, shown: precautions.joined(separator: ",")), .date(nil),
                    .time(st.requestedAt, shown: "\(c.now - st.requestedAt)", wall),
                    .text("from \(st.source.label)" + (needs.isEmpty ? "" : "; needs \(needs.joined(separator: ","))")),
                    .data(.list([])), .data(.null), .data(.null), .data(.string(st.source.rawValue)), .data(.list(needs))]
        }
        return Table(key: "beds", title: "Beds at \(wall.dateTime(c.now))",
                     columns: [Column("Unit", key: "unit"), Column("Bed", key: "bed"), Column("Status", key: "status"), Column("MRN", key: "mrn"),
                               Column("Patient", key: "patient_name"), Column("Precautions", key: "precautions", .list),
                               Column("Expected discharge", key: "expected_discharge", .date), Column("For", key: "since", .timestamp),
                               .shown("Notes"), .data("attributes", .list), .data("block_reason", .string), .data("blocked_until", .timestamp),
                               .data("source", .string), .data("needs", .list)],
                     rows: rows + queue)
    }

    static func worklist(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let tasks = s.openTasks.compactMap { s.tasks[$0] }.sorted { a, b in
            let ao = a.isOverdue(at: c.now), bo = b.isOverdue(at: c.now)
            if ao != bo { return ao }
            if a.priority.rank != b.priority.rank { return a.priority.rank < b.priority.rank }
            return (a.due, a.id) < (b.due, b.id)
        }
        let rows = tasks.map { t -> [Cell] in
            let overdue = t.isOverdue(at: c.now)
            let state = overdue ? "OVERDUE \(c.now - t.due)" : "in \(t.due - c.now)"
            return [.text(t.id.description), .word(t.priority.rawValue.uppercased(), t.priority.rawValue), .time(t.due, shown: wall.localDate(t.due) == wall.localDate(c.now) ? wall.hhmm(t.due) : wall.dateTime(t.due), wall),
                    .boolean(state, overdue), .text(t.patient), .text(t.title), .word(t.owner?.description ?? "—", t.owner?.description),
                    .text(t.status.rawValue), .integer(t.escalation >= 2 ? "supervisor told" : "", t.escalation)]
        }
        return Table(key: "worklist", title: "Worklist at \(wall.dateTime(c.now)) — \(tasks.count) open",
                     columns: [Column("Task", key: "task"), Column("Priority", key: "priority"), Column("Due", key: "due", .timestamp),
                               Column("When", key: "overdue", .boolean), Column("MRN", key: "mrn"), Column("Title", key: "title"),
                               Column("Owner", key: "owner"), Column("Status", key: "status"), Column("Escalation", key: "escalation_level", .integer)],
                     rows: rows)
    }

    static func labs(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let labs = s.activeLabs.compactMap { s.labs[$0] }.sorted { a, b in
            if a.awaitsCommunication != b.awaitsCommunication { return a.awaitsCommunication }
            return (a.orderedAt, a.id) < (b.orderedAt, b.id)
        }
        let rows = labs.map { l -> [Cell] in
            let dependents = s.scheduledProcedures.compactMap { s.procedures[$0] }
                .filter { $0.mrn == l.mrn && $0.requiredTests.contains(l.test) }
                .sorted { ($0.start, $0.id) < ($1.start, $1.id) }
            let result = l.result.map { r in "\(r.value) \(r.units)".trimmedSpaces + " \(r.flag.rawValue.uppercased())" } ?? ""
            let status = l.awaitsCommunication ? "CRITICAL — communicate" : l.status.rawValue
            return [.text(l.id.description), .text(l.mrn), .text(l.test), .text(l.priority.rawValue), .word(status, l.status.rawValue),
                    .data(.boolean(l.awaitsCommunication)), .time(l.orderedAt, shown: "\(c.now - l.orderedAt)", wall),
                    .time(l.neededBy, shown: l.neededBy.map { n in l.isPastNeededBy(at: c.now) ? "‼ LATE \(c.now - n) (\(wall.hhmm(n)))" : wall.hhmm(n) } ?? "", wall),
                    .data(.boolean(l.isPastNeededBy(at: c.now))),
                    .list(dependents.map(\.id.description), shown: dependents.map { "\($0.id) \($0.title) at \(wall.hhmm($0.start))" }.joined(separator: "; ")),
                    .text(result), .data(l.result.map { .string($0.value) } ?? .null),
                    .data(l.result.map { $0.units.isEmpty ? .null : .string($0.units) } ?? .null), .data(l.result.map { .string($0.flag.rawValue) } ?? .null)]
        }
        return Table(key: "labs", title: "Pending labs at \(wall.dateTime(c.now))",
                     columns: [Column("Lab", key: "lab"), Column("MRN", key: "mrn"), Column("Test", key: "test"), Column("Priority", key: "priority"),
                               Column("Status", key: "status"), .data("awaits_communication", .boolean), Column("Age", key: "ordered_at", .timestamp),
                               Column("Needed by", key: "needed_by", .timestamp), .data("past_needed_by", .boolean), Column("Needed for", key: "needed_for", .list),
                               .shown("Result"), .data("result_value", .string), .data("result_units", .string), .data("result_flag", .string)],
                     rows: rows)
    }

    static func messages(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let since = c.now - .hours(24)
        let msgs = s.messages.values.filter { ($0.urgent && $0.acknowledgedBy == nil) || $0.sentAt >= since }
            .filter { m in c.allMessages || c.reader.map { m.concerns($0, role: c.readerRole) } ?? true }.sorted { a, b in
            let au = a.urgent && a.acknowledgedBy == nil, bu = b.urgent && b.acknowledgedBy == nil
            if au != bu { return au }
            return (a.sentAt, a.id) > (b.sentAt, b.id)
        }
        let rows = msgs.map { m -> [Cell] in
            let ack = m.acknowledgedBy.map { "acknowledged by \($0)" + (m.acknowledgedOnBehalfOf.map { " for \($0)" } ?? "") } ?? (m.urgent ? "NOT ACKNOWLEDGED" : "")
            // The sender has read what they wrote; what counts is who else has.
            let readers = m.readBy.keys.filter { $0 != m.from }.count
            return [.text(m.id.description), .boolean(m.urgent ? "URGENT" : "", m.urgent), .time(m.sentAt, shown: wall.hhmm(m.sentAt), wall),
                    .text(m.from), .text(m.to.description), .text(m.patient), .text(m.subject), .integer("\(readers) read", readers),
                    .word(ack, m.acknowledgedBy), .data(m.acknowledgedOnBehalfOf.map { .string($0.description) } ?? .null), .time(m.acknowledgedAt, shown: "", wall)]
        }
        return Table(key: "messages", title: "Messages at \(wall.dateTime(c.now)) (unacknowledged urgent, then the last 24 hours)",
                     columns: [Column("Msg", key: "message"), Column("Urgency", key: "urgent", .boolean), Column("Sent", key: "sent_at", .timestamp),
                               Column("From", key: "from"), Column("To", key: "to"), Column("MRN", key: "mrn"), Column("Subject", key: "subject"),
                               Column("Read", key: "read_count", .integer), Column("Acknowledged", key: "acknowledged_by"),
                               .data("acknowledged_on_behalf_of", .string), .data("acknowledged_at", .timestamp)],
                     rows: rows)
    }
}

extension Reports {
    /// Interface items: the open ones, oldest first; with `allItems` the resolved ones too,
    /// latest resolved first. Never the message itself: patient data stays in the journal.
    static func interface(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let open = s.feeds.openItems.compactMap { s.feeds.items[$0] }.sorted { $0.id < $1.id }
        var resolved: [InterfaceItem] = []
        if c.allItems {
            s.feeds.items.forEach { if !$0.status.isOpen { resolved.append($0) } }
            resolved.sort { ($0.resolvedAt ?? $0.raisedAt, $0.id) > ($1.resolvedAt ?? $1.raisedAt, $1.id) }
        }
        let rows = (open + resolved).map { i -> [Cell] in
            let name = i.patient.flatMap { s.patients[s.feeds.resolve($0)]?.name }
            let shownStatus = i.status.isOpen ? "‼ \(i.status.rawValue.uppercased())" : i.status.rawValue
            return [.text(i.id.description), .word(shownStatus, i.status.rawValue), .text(i.kind),
                    .word(i.patient.map { p in name.map { "\(p) \($0)" } ?? p } ?? "", i.patient),
                    .time(i.raisedAt, shown: wall.dateTime(i.raisedAt), wall), .integer(i.attempts), .text(i.problem), .text(i.feed),
                    .text(i.resolvedBy), .time(i.resolvedAt, shown: i.resolvedAt.map { wall.dateTime($0) } ?? "", wall), .text(i.note),
                    .text(i.override)]
        }
        let title = c.allItems ? "Interface items at \(wall.dateTime(c.now)) — \(open.count) open, \(resolved.count) resolved"
                               : "Open interface items at \(wall.dateTime(c.now)) — \(open.count)"
        return Table(key: "interface", title: title,
                     columns: [Column("Item", key: "id"), Column("Status", key: "status"), Column("Kind", key: "kind"), Column("Patient", key: "patient"),
                               Column("Raised", key: "raised_at", .timestamp), Column("Attempts", key: "attempts", .integer),
                               Column("Problem", key: "problem"), Column("Feed", key: "feed"), Column("Resolved by", key: "resolved_by"),
                               Column("Resolved", key: "resolved_at", .timestamp), Column("Note", key: "note"), Column("Override", key: "override")],
                     rows: rows,
                     footer: open.isEmpty ? [] : ["resolve with: interface retry I… [override \"reason\"] · interface dismiss I… reason \"…\" (or I in Rounds)"])
    }
}

extension Reports {
    /// A day's procedures by resource and start: each with whether it is ready and, when not,
    /// every requirement not met (Readiness.swift), and whether it overlaps another case on its
    /// resource.
    static func schedule(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let day = c.day ?? wall.localDate(c.now)
        let from = wall.instant(on: day, minuteOfDay: 0), to = wall.instant(on: day.adding(days: 1), minuteOfDay: 0)
        var cases: [Procedure] = []
        s.procedures.forEach { if $0.start < to && $0.end > from { cases.append($0) } }
        cases.sort { ($0.resource, $0.start, $0.id) < ($1.resource, $1.start, $1.id) }
        var notReady = 0
        let rows = cases.enumerated().map { i, p -> [Cell] in
            let live = p.status == .scheduled
            let unmet = live ? s.unmetRequirements(of: p, at: c.now) : []
            if live, !unmet.isEmpty { notReady += 1 }
            let overlaps = cases.contains { q in q.id != p.id && q.resource == p.resource && q.status != .cancelled && p.status != .cancelled && q.overlaps(p.start, p.end) }
            let name = s.patients[p.mrn]?.name
            let auth = s.readiness.authOf[p.id].flatMap { s.readiness.auths[$0] }
            let readyWord = !live ? p.status.rawValue : (unmet.isEmpty ? "ready" : "‼ NOT READY")
            _ = i
            let cancellation = s.scheduling.cancellations[p.id]
            let urgency = s.scheduling.urgency(of: p.id)
            let moved = s.scheduling.bumpedBy[p.id]
            let changed = cancellation.map { c in
                "\(c.reason) · \(c.within48h ? "within 48 h" : "48 h or more before") · \(c.avoidable.map { $0 ? "avoidable" : "not avoidable" } ?? "avoidable not said")"
            } ?? moved.map { "moved by plan \($0)" } ?? ""
            return [.text(p.resource), .time(p.start, shown: wall.hhmm(p.start), wall), .time(p.end, shown: wall.hhmm(p.end), wall), .text(p.id.description),
                    .word(name.map { "\(p.mrn) \($0)" } ?? p.mrn, p.mrn), .text(p.kind.rawValue), .text(p.title), .text(p.status.rawValue),
                    .word(readyWord, live ? (unmet.isEmpty ? "ready" : "not-ready") : p.status.rawValue), .data(.boolean(live && unmet.isEmpty)),
                    .list(unmet.map(\.detail), shown: unmet.map(\.detail).joined(separator: "; ")),
                    .word(auth.map { "\($0.id) \($0.status.rawValue)" } ?? "", auth.map { "\($0.id) \($0.status.rawValue)" }),
                    .word(s.readiness.bedAfter[p.id].map { "\($0.label) bed after" } ?? "", s.readiness.bedAfter[p.id]?.rawValue),
                    .word(overlaps ? "‼ OVERLAPS" : "", overlaps ? "true" : nil), .data(.boolean(overlaps)),
                    .word(urgency == .elective ? "" : urgency.rawValue, urgency.rawValue),
                    .word(changed, nil), .word("", cancellation?.reason), .data(cancellation.map { .boolean($0.within48h) } ?? .null),
                    .data(cancellation?.avoidable.map { .boolean($0) } ?? .null), .word("", moved?.description)]
        }
        return Table(key: "schedule", title: "Schedule for \(day) — \(cases.count) cases, \(notReady) not ready (as at \(wall.dateTime(c.now)))",
                     columns: [Column("Resource", key: "resource"), Column("Start", key: "start", .timestamp), Column("End", key: "end", .timestamp),
                               Column("Case", key: "procedure"), Column("Patient", key: "mrn"), Column("Kind", key: "kind"), Column("Title", key: "title"),
                               .data("status", .string), Column("Ready", key: "readiness"), .data("ready", .boolean),
                               Column("Missing", key: "missing", .list), Column("Pre-auth", key: "preauth"), Column("After", key: "bed_after"),
                               .shown("Conflict"), .data("overlaps", .boolean), Column("Urgency", key: "urgency"),
                               .shown("Moved / cancelled"), .data("cancel_reason", .string), .data("cancel_within_48h", .boolean),
                               .data("cancel_avoidable", .boolean), .data("moved_by_plan", .string)],
                     rows: rows,
                     footer: notReady == 0 ? [] : ["each NOT READY case lists what is missing; see Docs/COMMANDS.md \"What makes a case ready\""])
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
