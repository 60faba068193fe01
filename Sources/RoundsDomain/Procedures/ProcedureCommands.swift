// How the command language reads the procedure, add-on plan and pre-authorization commands (one grammar: `CommandParser.grammar`).

extension CommandReader {
    mutating func slot() throws(ParseError) -> (Timestamp, Timestamp)? {
        var start: Timestamp?, end: Timestamp?, length: Span?
        var extra: [String: String] = [:]
        try options(["at", "until", "for", "requires", "title", "after", "override"]) { (r, key) throws(ParseError) in
            switch key {
            case "at": start = try r.time("start time")
            case "until": end = try r.time("end time")
            case "for": length = try r.span("duration")
            default: extra[key] = try r.text(key)
            }
        }
        self.extra = extra
        guard let start else { return nil }
        if let length { return (start, start + length) }
        guard let end else { return nil }
        return (start, end)
    }

    mutating func procedure() throws(ParseError) -> Command {
        let sub = try next("sub-command").lowercased()
        switch sub {
        case "book":
            let mrn = try mrn()
            let kind = try word(try next("kind"), ProcedureKind.self, "procedure kind")
            let resource = try code("resource")
            guard let (start, end) = try slot() else { throw fail("proc book needs at TIME and until TIME or for DURATION") }
            let requires = extra["requires"].map { $0.split(separator: ",").map { String($0) } } ?? []
            if extra["override"] != nil { throw fail("proc book: override is for proc move (and auth link)") }
            let after = try extra["after"].map { t throws(ParseError) in try word(t, UnitKind.self, "kind of bed for afterwards") }
            return .bookProcedure(mrn: mrn, kind: kind, resource: resource, start: start, end: end, requires: requires, title: extra["title"], after: after)
        case "move":
            let id = try id(ProcedureID.self, "procedure")
            guard let (start, end) = try slot(), extra.keys.allSatisfy({ $0 == "override" }) else {
                throw fail("proc move needs at TIME and until TIME or for DURATION, and may give override \"reason\"")
            }
            return .moveProcedure(id, start: start, end: end, override: extra["override"])
        case "after":
            let id = try id(ProcedureID.self, "procedure")
            let t = try next("icu, stepdown or none")
            try end()
            if t.lowercased() == "none" { return .setBedAfter(id, nil) }
            return .setBedAfter(id, try word(t, UnitKind.self, "kind of bed for afterwards"))
        case "start": let id = try id(ProcedureID.self, "procedure"); try end(); return .startProcedure(id)
        case "done": let id = try id(ProcedureID.self, "procedure"); try end(); return .finishProcedure(id)
        case "cancel":
            let id = try id(ProcedureID.self, "procedure")
            var reason: String?, avoidable: Bool?
            try options(["reason", "avoidable", "unavoidable"]) { (r, key) throws(ParseError) in
                switch key {
                case "reason": reason = try r.text("reason")
                default: avoidable = key == "avoidable"
                }
            }
            guard let reason else { throw fail("proc cancel needs reason \"…\"") }
            return .cancelProcedure(id, reason: reason, avoidable: avoidable)
        case "add-on", "addon":
            let mrn = try mrn()
            let kind = try word(try next("kind"), ProcedureKind.self, "procedure kind")
            var rooms: [String]?, urgency: CaseUrgency?, length: Span?, by: Timestamp?, requires: [String] = [], title: String?, after: UnitKind?
            try options(["on", "urgency", "for", "by", "requires", "title", "after"]) { (r, key) throws(ParseError) in
                switch key {
                case "on": rooms = try r.next("rooms, e.g. OR-1,OR-2 or OR").split(separator: ",").map(String.init)
                case "urgency": urgency = try r.word(try r.next("urgency"), CaseUrgency.self, "urgency")
                case "for": length = try r.span("duration")
                case "by": by = try r.time("time it must start by")
                case "requires": requires = try r.next("tests").split(separator: ",").map(String.init)
                case "title": title = try r.text("title")
                default: after = try r.word(try r.next("icu or stepdown"), UnitKind.self, "kind of bed for afterwards")
                }
            }
            guard let rooms, !rooms.isEmpty else { throw fail("proc add-on needs on ROOM (or on OR for every OR)") }
            guard let urgency else { throw fail("proc add-on needs urgency immediate, urgent or expedited") }
            guard let length else { throw fail("proc add-on needs for DURATION, e.g. for 2h") }
            return .planAddOn(AddOnInput(mrn: mrn, kind: kind, resources: rooms, urgency: urgency, length: length, startBy: by,
                                         requires: requires, title: title, after: after))
        default:
            throw fail("proc: unknown sub-command '\(sub)'; valid: book, add-on, move, after, start, done, cancel")
        }
    }

    mutating func plan() throws(ParseError) -> Command {
        let sub = try next("sub-command").lowercased()
        switch sub {
        case "accept":
            let id = try id(PlanID.self, "plan")
            let n = atEnd ? 1 : try option()
            try end()
            return .acceptPlan(id, option: n)
        case "edit":
            let id = try id(PlanID.self, "plan")
            let n = try option()
            let pid = try self.id(ProcedureID.self, "procedure")
            let what = try next("to ROOM at TIME, cancel or stay").lowercased()
            switch what {
            case "cancel": try end(); return .editPlan(id, option: n, pid, to: nil)
            case "stay": try end(); return .keepInPlan(id, option: n, pid)
            case "to":
                let room = try code("room")
                guard try next("at").lowercased() == "at" else { throw fail("plan edit: to ROOM at TIME") }
                let t = try time("start time")
                try end()
                return .editPlan(id, option: n, pid, to: PlanSlot(resource: room, start: t))
            default: throw fail("plan edit: after the case, to ROOM at TIME, cancel or stay; not '\(what)'")
            }
        case "reject":
            let id = try id(PlanID.self, "plan")
            var reason: String?
            try options(["reason"]) { (r, _) throws(ParseError) in reason = try r.text("reason") }
            guard let reason else { throw fail("plan reject needs reason \"…\"") }
            return .rejectPlan(id, reason: reason)
        default:
            throw fail("plan: unknown sub-command '\(sub)'; valid: accept, edit, reject")
        }
    }

    mutating func option() throws(ParseError) -> Int {
        let t = try next("option number")
        guard let n = Int(t), n >= 1, n <= 99 else { throw fail("'\(t)' is not an option number; options are 1, 2, 3") }
        return n
    }

    /// From the start of the first day to the end of the last, in the hospital's time.
    func period(_ from: LocalDate, _ to: LocalDate) -> (Timestamp, Timestamp) {
        (ctx.wallClock.instant(on: from, minuteOfDay: 0), ctx.wallClock.instant(on: LocalDate(daysSinceEpoch: to.daysSinceEpoch + 1), minuteOfDay: 0))
    }

    mutating func preAuth() throws(ParseError) -> Command {
        let sub = try next("sub-command").lowercased()
        switch sub {
        case "add":
            let pid = try id(ProcedureID.self, "procedure")
            var payer: String?, expedited = false
            try options(["payer", "expedited"]) { (r, key) throws(ParseError) in
                if key == "payer" { payer = try r.text("the payer in quotes") } else { expedited = true }
            }
            guard let payer else { throw fail("auth add needs payer \"…\"") }
            return .addPreAuth(pid, payer: payer, expedited: expedited)
        case "link":
            let auth = try id(PreAuthID.self, "pre-authorization")
            let pid = try id(ProcedureID.self, "procedure")
            var override: String?
            try options(["override"]) { (r, _) throws(ParseError) in override = try r.text("the override's reason in quotes") }
            return .linkPreAuth(auth, pid, override: override)
        case "submit": let id = try id(PreAuthID.self, "pre-authorization"); try end(); return .submitPreAuth(id)
        case "pend", "appeal":
            let id = try id(PreAuthID.self, "pre-authorization")
            var note: String?
            try options(["note"]) { (r, _) throws(ParseError) in note = try r.text("the note in quotes") }
            return sub == "pend" ? .pendPreAuth(id, note: note) : .appealPreAuth(id, note: note)
        case "approve":
            let id = try id(PreAuthID.self, "pre-authorization")
            var number: String?, from: LocalDate?, to: LocalDate?, units: Int?
            try options(["number", "from", "to", "units"]) { (r, key) throws(ParseError) in
                switch key {
                case "number": number = try r.text("the authorization number in quotes")
                case "from": from = try r.date("first day")
                case "to": to = try r.date("last day")
                default:
                    let t = try r.next("units")
                    guard let n = Int(t) else { throw r.fail("'\(t)' is not a number of units") }
                    units = n
                }
            }
            guard let number, let from, let to else { throw fail("auth approve needs number \"…\", from DATE and to DATE") }
            let (start, end) = period(from, to)
            return .approvePreAuth(id, number: number, from: start, until: end, units: units)
        case "deny":
            let id = try id(PreAuthID.self, "pre-authorization")
            var reason: String?, by: LocalDate?
            try options(["reason", "appeal-by"]) { (r, key) throws(ParseError) in
                if key == "reason" { reason = try r.text("the reason in quotes") } else { by = try r.date("appeal deadline") }
            }
            guard let reason else { throw fail("auth deny needs reason \"…\" (the payer's reason, e.g. its denial code)") }
            return .denyPreAuth(id, reason: reason, appealBy: by.map { period($0, $0).1 })
        default:
            throw fail("auth: unknown sub-command '\(sub)'; valid: add, submit, pend, approve, deny, appeal, link")
        }
    }
}
