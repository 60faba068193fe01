/// `followup …`: the follow-up commands (grammar in `CommandParser.grammar`, Docs/COMMANDS.md).

extension CommandReader {
    mutating func followUp() throws(ParseError) -> Command {
        let sub = try next("sub-command (call, visit, close)").lowercased()
        let id = try id(FollowUpID.self, "follow-up")
        switch sub {
        case "call":
            let outcome = try next("the call's outcome (reached, voicemail, no-answer, wrong-number)").lowercased()
            let steps: [String: FollowUpStep] = ["reached": .reached, "voicemail": .voicemail, "no-answer": .noAnswer, "wrong-number": .wrongNumber]
            guard let step = steps[outcome] else { throw fail("'\(outcome)' is not a call's outcome; valid: reached, voicemail, no-answer, wrong-number") }
            var note: String?
            try options(["note"]) { (r, _) throws(ParseError) in note = try r.text("the note in quotes") }
            return .updateFollowUp(id, step, at: nil, with: nil, note: note)
        case "visit":
            let what = try next("at TIME, attended or missed").lowercased()
            switch what {
            case "at":
                let at = try time("the visit's time")
                var with: String?
                try options(["with"]) { (r, _) throws(ParseError) in with = try r.text("where or with whom, in quotes") }
                return .updateFollowUp(id, .visitBooked, at: at, with: with, note: nil)
            case "attended", "missed":
                var note: String?
                try options(["note"]) { (r, _) throws(ParseError) in note = try r.text("the note in quotes") }
                return .updateFollowUp(id, what == "attended" ? .visitAttended : .visitMissed, at: nil, with: nil, note: note)
            default:
                throw fail("followup visit: give at TIME [with \"…\"] to book it, or attended or missed")
            }
        case "close":
            var reason: String?
            try options(["reason"]) { (r, _) throws(ParseError) in reason = try r.text("the reason in quotes") }
            guard let reason else { throw fail("followup close needs reason \"…\" (declined, moved away, …)") }
            return .updateFollowUp(id, .closed, at: nil, with: nil, note: reason)
        default:
            throw fail("followup: unknown sub-command '\(sub)'; valid: call, visit, close")
        }
    }
}
