// How the command language reads the task commands (one grammar: `CommandParser.grammar`).

extension CommandReader {
    mutating func task() throws(ParseError) -> Command {
        let sub = try next("sub-command").lowercased()
        if sub == "add" {
            let title = try text("title")
            var patient: MRN?, priority = Priority.routine, due: Timestamp?, owner: Assignee?, note: String?
            try options(["patient", "priority", "due", "owner", "note"]) { (r, key) throws(ParseError) in
                switch key {
                case "patient": patient = try r.mrn()
                case "priority": priority = try r.word(try r.next("priority"), Priority.self, "priority")
                case "due": due = try r.time("due time")
                case "owner": owner = try r.assignee()
                default: note = try r.text("note")
                }
            }
            return .addTask(title: title, patient: patient, priority: priority, due: due, owner: owner, note: note)
        }
        let valid = ["add", "start", "wait", "done", "cancel", "reopen", "reassign", "snooze", "note"]
        guard valid.contains(sub) else { throw fail("task: unknown sub-command '\(sub)'; valid: \(valid.joined(separator: ", "))") }
        let id = try id(TaskID.self, "task")
        switch sub {
        case "start": try end(); return .startTask(id)
        case "wait":
            var reason: String?
            try options(["reason"]) { (r, _) throws(ParseError) in reason = try r.text("reason") }
            return .waitTask(id, reason: reason)
        case "done":
            var note: String?, told: String?, role: Role?, readBack: String?
            try options(["note", "told", "role", "readback"]) { (r, key) throws(ParseError) in
                switch key {
                case "note": note = try r.text("note")
                case "told": told = try r.text("name of the person told")
                case "role": role = try r.role()
                default: readBack = try r.text("read-back value")
                }
            }
            let communication = try communicationInput(told: told, role: role, readBack: readBack)
            return .completeTask(id, note: note, communication: communication)
        case "cancel":
            var reason: String?
            try options(["reason"]) { (r, _) throws(ParseError) in reason = try r.text("reason") }
            guard let reason else { throw fail("task cancel needs reason \"…\"") }
            return .cancelTask(id, reason: reason)
        case "reopen":
            var reason: String?
            try options(["reason"]) { (r, _) throws(ParseError) in reason = try r.text("reason") }
            return .reopenTask(id, reason: reason)
        case "reassign":
            if peekIs("to") { index += 1 }
            if peekIs("nobody") { index += 1; try end(); return .reassignTask(id, owner: nil) }
            let owner = try assignee()
            try end()
            return .reassignTask(id, owner: owner)
        case "snooze":
            var until: Timestamp?, reason: String?
            try options(["until", "for", "reason"]) { (r, key) throws(ParseError) in
                switch key {
                case "until": until = try r.time("until-time")
                case "for": until = r.ctx.now + (try r.span("duration"))
                default: reason = try r.text("reason")
                }
            }
            guard let until else { throw fail("task snooze needs until TIME or for DURATION") }
            return .snoozeTask(id, until: until, reason: reason)
        default:
            let text = try text("note text")
            try end()
            return .noteTask(id, text: text)
        }
    }
}
