/// `ref …`: the referral commands (grammar in `CommandParser.grammar`, Docs/COMMANDS.md).

/// What `ref add` asks for.
public struct ReferralRequest: Equatable, Sendable {
    public var mrn: MRN
    public var service: String
    public var reason: String
    public var urgency: ReferralUrgency
    /// The clinically indicated date; nil: the urgency's window from now.
    public var due: Timestamp?
    public var specialist: String?
    public var external: Bool
    public var highRisk: Bool
    public var clinician: String?
    public init(mrn: MRN, service: String, reason: String, urgency: ReferralUrgency = .routine, due: Timestamp? = nil, specialist: String? = nil,
                external: Bool = false, highRisk: Bool = false, clinician: String? = nil) {
        self.mrn = mrn; self.service = service; self.reason = reason; self.urgency = urgency; self.due = due; self.specialist = specialist
        self.external = external; self.highRisk = highRisk; self.clinician = clinician
    }
}

extension CommandReader {
    /// `due` takes a time (`tomorrow 09:00`, `+3d`) or a date (the end of that day).
    mutating func dueTime(_ what: String) throws(ParseError) -> Timestamp {
        if index < tokens.count, tokens[index].count == 10, let d = CommandParser.parseDate(tokens[index], context: ctx),
           !(index + 1 < tokens.count && CommandParser.parseClock(Substring(tokens[index + 1])) != nil) {
            index += 1
            return ctx.wallClock.instant(on: d.adding(days: 1), minuteOfDay: 0) - .minutes(1)
        }
        return try time(what)
    }

    mutating func referral() throws(ParseError) -> Command {
        let sub = try next("sub-command (add, receive, schedule, unable, partial, report, discontinue, cancel, reopen)").lowercased()
        if sub == "add" {
            let mrn = try mrn()
            var r = ReferralRequest(mrn: mrn, service: "", reason: "")
            var service: String?, reason: String?
            try options(["to", "reason", "urgency", "due", "specialist", "external", "high-risk", "clinician"]) { (c, key) throws(ParseError) in
                switch key {
                case "to": service = try c.text("the service in quotes, e.g. \"Cardiology\"")
                case "reason": reason = try c.text("the reason in quotes")
                case "urgency": r.urgency = try c.word(try c.next("urgency (\(ReferralUrgency.words))"), ReferralUrgency.self, "urgency")
                case "due": r.due = try c.dueTime("the date the report is due")
                case "specialist": r.specialist = try c.text("the specialist's name in quotes")
                case "clinician": r.clinician = try c.text("the referring clinician's name in quotes")
                case "external": r.external = true
                default: r.highRisk = true
                }
            }
            guard let service, let reason else { throw fail("ref add needs to \"Service\" and reason \"…\"") }
            r.service = service; r.reason = reason
            return .sendReferral(r)
        }
        let step: ReferralStep
        switch sub {
        case "receive": step = .received
        case "schedule": step = .scheduled
        case "unable": step = .unable
        case "partial": step = .partial
        case "report": step = .reported
        case "discontinue": step = .discontinued
        case "cancel": step = .cancelled
        case "reopen": step = .reopened
        default: throw fail("ref: unknown sub-command '\(sub)'; valid: add, receive, schedule, unable, partial, report, discontinue, cancel, reopen")
        }
        let id = try id(ReferralID.self, "referral")
        var appointment: Timestamp?, note: String?, override: String?
        switch step {
        case .received:
            try options(["note"]) { (c, _) throws(ParseError) in note = try c.text("the note in quotes") }
        case .scheduled:
            try options(["at", "note"]) { (c, key) throws(ParseError) in
                if key == "at" { appointment = try c.time("the appointment's time") } else { note = try c.text("the note in quotes") }
            }
            guard appointment != nil else { throw fail("ref schedule needs at TIME (the appointment)") }
        case .partial, .reported:
            note = try text(step == .reported ? "the report's summary in quotes, e.g. \"echo: EF 55%, no follow-up needed\""
                                              : "what has come back so far, in quotes")
            try end()
        case .unable, .discontinued, .cancelled:
            try options(["reason", "override"]) { (c, key) throws(ParseError) in
                if key == "reason" { note = try c.text("the reason in quotes") } else { override = try c.text("the clinical review in quotes") }
            }
            guard note != nil else { throw fail("ref \(sub) needs reason \"…\"") }
        case .reopened:
            try options(["note"]) { (c, _) throws(ParseError) in note = try c.text("why it is reopened, in quotes") }
            guard note != nil else { throw fail("ref reopen needs note \"…\" (why the loop is open again)") }
        case .expired:
            throw fail("a referral expires by itself")
        }
        return .updateReferral(id, step, appointment: appointment, note: note, override: override)
    }
}
