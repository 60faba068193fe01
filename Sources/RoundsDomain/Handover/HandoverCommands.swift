// How the command language reads the I-PASS and handover commands (one grammar: `CommandParser.grammar`).

extension CommandReader {
    mutating func ipass() throws(ParseError) -> Command {
        let mrn = try mrn()
        var input = IPassInput()
        try options(["severity", "summary", "if", "aware", "clear"]) { (r, key) throws(ParseError) in
            switch key {
            case "severity": input.severity = try r.word(try r.next("severity"), Severity.self, "severity")
            case "summary": input.summary = try r.text("summary")
            case "if":
                let condition = try r.text("the condition")
                guard r.peekIs("then") else { throw r.fail("ipass: write if \"condition\" then \"action\"") }
                r.index += 1
                let action = try r.text("the action")
                input.contingency = "If \(condition), then \(action)"
            case "aware": input.awareness = try r.text("awareness note")
            default:
                switch try r.next("contingencies or awareness").lowercased() {
                case "contingencies": input.clearContingencies = true
                case "awareness": input.clearAwareness = true
                case let other: throw r.fail("ipass: clear '\(other)'? clear contingencies or clear awareness")
                }
            }
        }
        if input.isEmpty { throw fail("ipass \(mrn): say what to record") }
        return .ipass(mrn: mrn, input)
    }

    mutating func handover() throws(ParseError) -> Command {
        let sub = try next("sub-command").lowercased()
        switch sub {
        case "start":
            guard peekIs("to") else { throw fail("handover start to LOGIN") }
            index += 1
            let login = try next("the receiver's login")
            guard IdentifierSyntax.isValidLogin(Substring(login)) else { throw fail("'\(login)' is not a login") }
            try end()
            return .startHandover(to: login)
        case "ack":
            let item = try next("an item (MRN, L…, P…, queue, blocked, urgent) or all-stable")
            var note: String?
            try options(["note"]) { (r, _) throws(ParseError) in note = try r.text("note") }
            return .acknowledgeHandover(item: item, note: note)
        case "take":
            let id = try self.id(TaskID.self, "task")
            try end()
            return .takeTask(id)
        case "pause": try end(); return .pauseHandover
        case "resume": try end(); return .resumeHandover
        case "complete":
            var note: String?
            try options(["note"]) { (r, _) throws(ParseError) in note = try r.text("note") }
            return .completeHandover(note: note)
        case "cancel":
            var reason: String?
            try options(["reason"]) { (r, _) throws(ParseError) in reason = try r.text("reason") }
            guard let reason else { throw fail("handover cancel needs reason \"…\"") }
            return .cancelHandover(reason: reason)
        default:
            throw fail("handover: unknown sub-command '\(sub)'; one of start, ack, take, pause, resume, complete, cancel")
        }
    }
}
