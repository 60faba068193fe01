/// `complaint …`: the complaint commands (grammar in `CommandParser.grammar`, Docs/COMMANDS.md).

/// What `complaint add` asks for.
public struct ComplaintRequest: Equatable, Sendable {
    public var summary: String
    public var source: ComplaintSource = .patient
    public var channel: ComplaintChannel = .verbal
    public var category: ComplaintCategory = .other
    public var patient: MRN?
    public var complainant: String?
    public var owner: Assignee?
    public var about: [String] = []
    public var grievance = false
    public init(summary: String) { self.summary = summary }
}

/// What `complaint close` records: the written notice.
public struct ComplaintClosing: Equatable, Sendable {
    public var contact: String?
    public var steps: String?
    public var result: String?
    public var completed: LocalDate?
    public init(contact: String? = nil, steps: String? = nil, result: String? = nil, completed: LocalDate? = nil) {
        self.contact = contact; self.steps = steps; self.result = result; self.completed = completed
    }
}

extension CommandReader {
    mutating func complaint() throws(ParseError) -> Command {
        let sub = try next("sub-command (add, note, notice, grievance, close, withdraw, reopen)").lowercased()
        if sub == "add" {
            var q = ComplaintRequest(summary: try text("what the complaint is, in quotes"))
            try options(["from", "via", "category", "patient", "name", "owner", "about", "grievance"]) { (r, key) throws(ParseError) in
                switch key {
                case "from": q.source = try r.word(try r.next("who made it (\(ComplaintSource.words))"), ComplaintSource.self, "source")
                case "via": q.channel = try r.word(try r.next("how (\(ComplaintChannel.words))"), ComplaintChannel.self, "channel")
                case "category": q.category = try r.word(try r.next("category (\(ComplaintCategory.words))"), ComplaintCategory.self, "category")
                case "patient": q.patient = try r.mrn()
                case "name": q.complainant = try r.text("the complainant's name in quotes")
                case "owner": q.owner = try r.assignee()
                case "about":
                    let list = try r.next("records, e.g. S12,P3,#1234")
                    q.about = list.split(separator: ",").map { String($0).uppercased() }
                default: q.grievance = true
                }
            }
            return .recordComplaint(q)
        }
        let id = try id(ComplaintID.self, "complaint")
        switch sub {
        case "note":
            let note = try text("the step taken, in quotes")
            try end()
            return .updateComplaint(id, .noted, note: note, next: nil, closing: nil)
        case "notice":
            let note = try text("what the notice said, in quotes")
            var next: Timestamp?
            try options(["next"]) { (r, _) throws(ParseError) in next = try r.dueTime("when the next response is due") }
            return .updateComplaint(id, .notice, note: note, next: next, closing: nil)
        case "grievance":
            var note: String?
            try options(["note"]) { (r, _) throws(ParseError) in note = try r.text("the note in quotes") }
            return .updateComplaint(id, .grievance, note: note, next: nil, closing: nil)
        case "close":
            var c = ComplaintClosing()
            try options(["contact", "steps", "result", "completed"]) { (r, key) throws(ParseError) in
                switch key {
                case "contact": c.contact = try r.text("the contact person in quotes")
                case "steps": c.steps = try r.text("the steps taken, in quotes")
                case "result": c.result = try r.text("the result, in quotes")
                default: c.completed = try r.date("the date of completion")
                }
            }
            return .updateComplaint(id, .closed, note: nil, next: nil, closing: c)
        case "withdraw", "reopen":
            var note: String?
            try options([sub == "withdraw" ? "reason" : "note"]) { (r, _) throws(ParseError) in note = try r.text("the \(sub == "withdraw" ? "reason" : "note") in quotes") }
            guard note != nil else { throw fail("complaint \(sub) needs \(sub == "withdraw" ? "reason" : "note") \"…\"") }
            return .updateComplaint(id, sub == "withdraw" ? .withdrawn : .reopened, note: note, next: nil, closing: nil)
        default:
            throw fail("complaint: unknown sub-command '\(sub)'; valid: add, note, notice, grievance, close, withdraw, reopen")
        }
    }
}
