import RoundsDomain

/// Complaints as a table (the open ones with their response clock, then those closed in the
/// last 30 days), and a closed grievance's written notice as a document for paper or screen.
enum ComplaintTables {
    static func report(_ s: HospitalState, _ c: ReportContext) -> [Table] { [complaints(s, c)] }

    static func complaints(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let open = s.complaints.open.sorted { ($0.responseDue, $0.id) < ($1.responseDue, $1.id) }
        let closed = s.complaints.byID.values.filter { x in x.closedAt.map { $0 >= c.now - .days(30) } ?? false }.sorted { $0.id < $1.id }
        var overdue = 0
        let rows = (open + closed).map { x -> [Cell] in
            let late = x.isOverdue(at: c.now)
            if late { overdue += 1 }
            let who = x.patient.map { mrn in s.patients[mrn].map { "\(mrn) \(briefName($0.name))" } ?? mrn }
            let days = Int((x.closedAt ?? c.now).milliseconds - x.receivedAt.milliseconds) / 86_400_000
            return [.word(x.id.description, x.id.description), .boolean(x.grievance ? "grievance" : "complaint", x.grievance),
                    .word(x.category.rawValue, x.category.rawValue), .word(x.source.rawValue, x.source.rawValue), .word(x.channel.rawValue, x.channel.rawValue),
                    .word(who ?? "", x.patient), .word(x.status.rawValue, x.status.rawValue), .text(x.owner.description),
                    .time(x.receivedAt, shown: wall.dateTime(x.receivedAt), wall), .integer(days),
                    .time(x.isOpen ? x.responseDue : nil, shown: x.isOpen ? wall.dateTime(x.responseDue) : "", wall),
                    .boolean(late ? "‼ \(c.now - x.responseDue) late" : "no", late), .integer(x.notices),
                    .list(x.about, shown: x.about.joined(separator: ", ")), .text(x.summary)]
        }
        var footer: [String] = []
        if overdue > 0 { footer.append("‼ \(overdue) past the response time: send the \"still working on it\" notice (complaint notice C… \"…\")") }
        footer.append("open, then closed or withdrawn in the last 30 days; response due 7 days after receipt and after each notice (42 CFR 482.13)")
        return Table(key: "complaints", title: "Complaints and grievances (\(open.count) open)",
                     columns: [Column("Ref", key: "id"), Column("Kind", key: "grievance", .boolean), Column("Category", key: "category"),
                               Column("From", key: "source"), Column("Via", key: "channel"), Column("Patient", key: "mrn"), Column("Status", key: "status"),
                               Column("Owner", key: "owner"), Column("Received", key: "received_at", .timestamp), Column("Days", key: "days_open", .integer),
                               Column("Response due", key: "response_due", .timestamp), Column("Overdue", key: "overdue", .boolean),
                               Column("Notices", key: "notices", .integer), Column("About", key: "about", .list), Column("Complaint", key: "summary")],
                     rows: rows, footer: footer)
    }
}

/// The written notice that closes a grievance: the hospital's name, the complainant, what the
/// complaint was and when it was received, the contact person, the steps taken to investigate,
/// the result and the date of completion (42 CFR §482.13(a)(2)(iii)).
public enum ComplaintNotice {
    public enum Failure: Error, CustomStringConvertible {
        case noSuchComplaint(String), notClosed(String)
        public var description: String {
            switch self {
            case .noSuchComplaint(let s), .notClosed(let s): s
            }
        }
    }

    /// The notice's lines: a title, then (label, text) pairs.
    public static func content(_ s: HospitalState, id: ComplaintID, _ c: ReportContext) throws(Failure) -> (title: String, fields: [(String, String)]) {
        guard let x = s.complaints[id] else { throw .noSuchComplaint("no complaint \(id)") }
        guard x.status == .closed, let r = x.resolution else {
            throw .notClosed("complaint \(id) is \(x.status.rawValue): its written notice is printed once it is closed with its content (complaint close \(id) contact \"…\" steps \"…\" result \"…\")")
        }
        let wall = c.wallClock
        let to = x.complainant ?? x.patient.flatMap { s.patients[$0]?.name } ?? "the complainant"
        var fields: [(String, String)] = s.hospitalName.map { [("Hospital", $0)] } ?? []
        fields.append(("To", to))
        if let mrn = x.patient { fields.append(("Patient", s.patients[mrn].map { "\(mrn) \($0.name)" } ?? mrn)) }
        fields += [("Your \(x.grievance ? "grievance" : "complaint")", "\(x.summary) (received \(wall.localDate(x.receivedAt)), \(x.channel.rawValue); our reference \(x.id))"),
                   ("Contact person", r.contact), ("Steps taken to investigate", r.steps), ("Result", r.result), ("Date of completion", r.completed.description)]
        return ("Written notice of the outcome of your \(x.grievance ? "grievance" : "complaint") \(x.id)", fields)
    }

    public static func render(_ s: HospitalState, id: ComplaintID, _ c: ReportContext, format: ReportFormat) throws(Failure) -> String {
        let (title, fields) = try content(s, id: id, c)
        switch format {
        case .markdown:
            return "# \(Markdown.cell(title))\n\n" + fields.map { "**\(Markdown.cell($0.0)):** \(Markdown.cell($0.1))\n\n" }.joined()
        case .html:
            let body = "<h1>\(HTML.escape(title))</h1>\n" + fields.map { "<p><strong>\(HTML.escape($0.0)):</strong> \(HTML.escape($0.1))</p>\n" }.joined()
            return HTML.document(title: title, body: body)
        case .text, .csv, .json:
            var out = title.terminalSafe + "\n" + String(repeating: "=", count: min(78, DisplayWidth.of(title))) + "\n\n"
            for (label, text) in fields { out += HandoverReport.wrap("\(label): \(text)".terminalSafe, indent: "    ") + "\n" }
            return out
        }
    }
}
