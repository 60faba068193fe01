/// `study …`: the research commands (grammar in `CommandParser.grammar`, Docs/COMMANDS.md).

public enum ResearchCommand: Equatable, Sendable {
    case add(code: String, name: String, investigator: String, approvedUntil: LocalDate, consent: String, plan: [StudyVisitPlan])
    case renew(code: String, until: LocalDate, note: String?)
    case amend(code: String, consent: String, note: String?)
    case enroll(mrn: MRN, code: String, anchor: LocalDate, arm: String?, consent: String?)
    case visit(mrn: MRN, code: String, visit: String, outcome: StudyVisitOutcome, at: Timestamp?, note: String?)
    case consent(mrn: MRN, code: String, version: String)
    case end(mrn: MRN, code: String, status: EnrollmentStatus, note: String?)
}

extension CommandReader {
    mutating func studyCode() throws(ParseError) -> String {
        let t = try next("study code, e.g. CARDIO-7")
        guard IdentifierSyntax.isValidCode(Substring(t)) else { throw fail("'\(t)' is not a study code: 1–16 letters, digits, - and _") }
        return t.uppercased()
    }

    mutating func study() throws(ParseError) -> Command {
        let sub = try next("sub-command (add, renew, amend, enroll, visit, consent, end)").lowercased()
        switch sub {
        case "add":
            let code = try studyCode()
            var name: String?, pi: String?, until: LocalDate?, consent: String?, plan: [StudyVisitPlan]?
            try options(["name", "pi", "approved-until", "consent", "visits"]) { (r, key) throws(ParseError) in
                switch key {
                case "name": name = try r.text("the study's name in quotes")
                case "pi": pi = try r.text("the principal investigator in quotes")
                case "approved-until": until = try r.date("the last day of the ethics approval")
                case "consent": consent = try r.text("the consent version in quotes, e.g. \"v1\"")
                default:
                    switch StudyVisitPlan.parse(try r.text("the visit plan in quotes, e.g. \"V1:0, V2:7±2, V3:28±3\"")) {
                    case .success(let p): plan = p
                    case .failure(let e): throw r.fail(e.message)
                    }
                }
            }
            guard let name, let pi, let until, let plan else { throw fail("study add needs name \"…\", pi \"…\", approved-until DATE and visits \"V1:0, V2:7±2\"") }
            return .research(.add(code: code, name: name, investigator: pi, approvedUntil: until, consent: consent ?? "v1", plan: plan))
        case "renew":
            let code = try studyCode()
            var until: LocalDate?, note: String?
            try options(["until", "note"]) { (r, key) throws(ParseError) in
                if key == "until" { until = try r.date("the new last day of the approval") } else { note = try r.text("the note in quotes") }
            }
            guard let until else { throw fail("study renew needs until DATE (the approval's new last day)") }
            return .research(.renew(code: code, until: until, note: note))
        case "amend":
            let code = try studyCode()
            var consent: String?, note: String?
            try options(["consent", "note"]) { (r, key) throws(ParseError) in
                if key == "consent" { consent = try r.text("the new consent version in quotes") } else { note = try r.text("the note in quotes") }
            }
            guard let consent else { throw fail("study amend needs consent \"…\" (the new consent version)") }
            return .research(.amend(code: code, consent: consent, note: note))
        case "enroll":
            let mrn = try mrn()
            let code = try studyCode()
            var anchor: LocalDate?, arm: String?, consent: String?
            try options(["anchor", "arm", "consent"]) { (r, key) throws(ParseError) in
                switch key {
                case "anchor": anchor = try r.date("the anchor date (day 0 of the visit plan)")
                case "arm": arm = try r.text("the arm in quotes")
                default: consent = try r.text("the consent version signed, in quotes")
                }
            }
            guard let anchor else { throw fail("study enroll needs anchor DATE (day 0 of the visit plan)") }
            return .research(.enroll(mrn: mrn, code: code, anchor: anchor, arm: arm, consent: consent))
        case "visit":
            let mrn = try mrn()
            let code = try studyCode()
            let visit = try next("the visit's name, e.g. V2")
            let word = try next("done or missed").lowercased()
            guard let outcome = StudyVisitOutcome(rawValue: word) else { throw fail("'\(word)': a visit is done or missed") }
            var at: Timestamp?, note: String?
            try options(outcome == .done ? ["at", "note"] : ["note"]) { (r, key) throws(ParseError) in
                if key == "at" { at = try r.time("when it was done") } else { note = try r.text("the note in quotes") }
            }
            return .research(.visit(mrn: mrn, code: code, visit: visit, outcome: outcome, at: at, note: note))
        case "consent":
            let mrn = try mrn()
            let code = try studyCode()
            let version = try text("the consent version signed, in quotes")
            try end()
            return .research(.consent(mrn: mrn, code: code, version: version))
        case "end":
            let mrn = try mrn()
            let code = try studyCode()
            let word = try next("completed or withdrawn").lowercased()
            guard let status = EnrollmentStatus(rawValue: word), status != .onStudy else { throw fail("'\(word)': an enrolment ends completed or withdrawn") }
            var note: String?
            try options(["note"]) { (r, _) throws(ParseError) in note = try r.text("the note in quotes") }
            return .research(.end(mrn: mrn, code: code, status: status, note: note))
        default:
            throw fail("study: unknown sub-command '\(sub)'; valid: add, renew, amend, enroll, visit, consent, end")
        }
    }
}
