// How the command language reads the message commands (one grammar: `CommandParser.grammar`).

extension CommandReader {
    mutating func message() throws(ParseError) -> Command {
        let sub = try next("sub-command").lowercased()
        switch sub {
        case "send":
            let to = try assignee()
            let subject = try text("subject")
            var patient: MRN?, urgent = false, body = ""
            try options(["about", "urgent", "body"]) { (r, key) throws(ParseError) in
                switch key {
                case "about": patient = try r.mrn()
                case "urgent": urgent = true
                default: body = try r.text("body")
                }
            }
            return .sendMessage(to: to, patient: patient, subject: subject, body: body, urgent: urgent)
        case "reply":
            let id = try id(MessageID.self, "message")
            let body = try text("reply text")
            var urgent = false
            try options(["urgent"]) { (_, _) throws(ParseError) in urgent = true }
            return .replyMessage(id, body: body, urgent: urgent)
        case "read": let id = try id(MessageID.self, "message"); try end(); return .readMessage(id)
        case "ack": let id = try id(MessageID.self, "message"); try end(); return .acknowledgeMessage(id)
        default:
            throw fail("msg: unknown sub-command '\(sub)'; valid: send, reply, read, ack")
        }
    }
}
