// How the command language reads the lab commands (one grammar: `CommandParser.grammar`).

extension CommandReader {
    func communicationInput(told: String?, role: Role?, readBack: String?) throws(ParseError) -> CommunicationInput? {
        if told == nil && role == nil && readBack == nil { return nil }
        guard let told, let role, let readBack else {
            throw fail("recording a critical-result communication needs all of: told \"Name\" role ROLE readback VALUE")
        }
        return CommunicationInput(toldName: told, toldRole: role, readBack: readBack)
    }

    mutating func lab() throws(ParseError) -> Command {
        let sub = try next("sub-command").lowercased()
        if sub == "order" {
            let mrn = try mrn()
            let test = try next("test code")
            var priority = Priority.routine, neededBy: Timestamp?
            try options(["priority", "needed-by"]) { (r, key) throws(ParseError) in
                if key == "priority" { priority = try r.word(try r.next("priority"), Priority.self, "priority") }
                else { neededBy = try r.time("needed-by time") }
            }
            return .orderLab(mrn: mrn, test: test, priority: priority, neededBy: neededBy)
        }
        let valid = ["order", "collect", "receive", "result", "ack", "communicate", "cancel"]
        guard valid.contains(sub) else { throw fail("lab: unknown sub-command '\(sub)'; valid: \(valid.joined(separator: ", "))") }
        let id = try id(LabID.self, "lab order")
        switch sub {
        case "collect": try end(); return .collectLab(id)
        case "receive": try end(); return .receiveLab(id)
        case "ack": try end(); return .acknowledgeLab(id)
        case "result":
            let value = try next("value")
            var units: String?, range: String?, flag: ResultFlag?
            try options(["units", "range", "flag"]) { (r, key) throws(ParseError) in
                switch key {
                case "units": units = try r.text("units")
                case "range": range = try r.text("range")
                default: flag = try r.word(try r.next("flag"), ResultFlag.self, "flag")
                }
            }
            return .resultLab(id, value: value, units: units, range: range, flag: flag)
        case "communicate":
            var told: String?, role: Role?, readBack: String?
            try options(["to", "role", "readback"]) { (r, key) throws(ParseError) in
                switch key {
                case "to": told = try r.text("name of the person told")
                case "role": role = try r.role()
                default: readBack = try r.text("read-back value")
                }
            }
            guard let c = try communicationInput(told: told, role: role, readBack: readBack) else {
                throw fail("lab communicate needs to \"Name\" role ROLE readback VALUE")
            }
            return .communicateLab(id, c)
        default:
            var reason: String?
            try options(["reason"]) { (r, _) throws(ParseError) in reason = try r.text("reason") }
            guard let reason else { throw fail("lab cancel needs reason \"…\"") }
            return .cancelLab(id, reason: reason)
        }
    }
}
