// How the command language reads the break-glass commands (one grammar: `CommandParser.grammar`).

extension CommandReader {
    mutating func breakGlass() throws(ParseError) -> Command {
        let first = try next("a reason in quotes, end or review")
        switch first.lowercased() {
        case "end":
            let id = atEnd ? nil : try self.id(GrantID.self, "break-glass grant")
            try end()
            return .endBreakGlass(id)
        case "review":
            let id = try self.id(GrantID.self, "break-glass grant")
            let verdict = try word(try next("verdict"), ReviewVerdict.self, "verdict")
            var note: String?
            try options(["note"]) { (r, _) throws(ParseError) in note = try r.text("note") }
            return .reviewBreakGlass(id, verdict: verdict, note: note)
        default:
            var span: Span?
            try options(["for"]) { (r, _) throws(ParseError) in span = try r.span("duration") }
            return .breakGlass(reason: first, for: span)
        }
    }
}
