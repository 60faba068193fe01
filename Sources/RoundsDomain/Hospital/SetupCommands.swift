// How the command language reads the roster commands (one grammar: `CommandParser.grammar`).

extension CommandReader {
    mutating func staff() throws(ParseError) -> Command {
        let sub = try next("sub-command").lowercased()
        guard sub == "add" || sub == "set" else { throw fail("staff: unknown sub-command '\(sub)'; valid: add, set") }
        let login = try next("login")
        guard IdentifierSyntax.isValidLogin(Substring(login)) else { throw fail("'\(login)' is not a valid login") }
        var name: String?, role: Role?, duty: Bool?
        try options(["name", "role", "duty"]) { (r, key) throws(ParseError) in
            switch key {
            case "name": name = try r.text("name")
            case "role": role = try r.role()
            default: duty = try r.yesNo("duty")
            }
        }
        if sub == "add", name == nil || role == nil { throw fail("staff add needs name \"…\" and role ROLE") }
        return .setStaff(login: login, name: name, role: role, onDuty: duty)
    }
}
