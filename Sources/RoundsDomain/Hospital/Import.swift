/// Loading a hospital's layout and roster from the CSV files it already has
/// (`rounds import units|beds|staff FILE.csv`, Docs/COMMANDS.md "Importing"). The whole file is
/// read and checked before anything is written: every bad row is reported with its line, its
/// column and what would be valid. Rows that match what the hospital already holds change
/// nothing, so importing the same file again records nothing.

/// A problem with one place in an imported file.
public struct ImportProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    /// The column's header name, when the problem is in one cell.
    public var column: String?
    public var message: String
    public init(line: Int, column: String? = nil, _ message: String) { self.line = line; self.column = column; self.message = message }
    public var description: String {
        "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " + message
    }
}

/// Every problem found in a file (nothing is recorded then).
public struct ImportProblems: Error, Equatable, Sendable {
    public var problems: [ImportProblem]
    public init(_ problems: [ImportProblem]) { self.problems = problems }
}

/// RFC 4180 comma-separated values: fields separated by commas, records by LF or CRLF, fields
/// in double quotes may hold commas, line breaks and "" for a quote.
public enum CSV {
    /// One record and the line of the file it starts on.
    public struct Row: Equatable, Sendable {
        public var line: Int
        public var fields: [String]
    }

    /// Reads `text`; blank lines are skipped. A byte-order mark at the start is ignored.
    public static func parse(_ text: String) throws(ImportProblem) -> [Row] {
        var rows: [Row] = []
        var field = ""
        var fields: [String] = []
        var line = 1
        var rowLine = 1
        var quoted = false
        var wasQuoted = false
        var afterQuote = false
        var chars = Substring(text)
        if chars.first == "\u{FEFF}" { chars = chars.dropFirst() }

        func endRow() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) { rows.append(Row(line: rowLine, fields: fields)) }
            fields = []; field = ""; wasQuoted = false; afterQuote = false
        }

        var i = chars.startIndex
        while i < chars.endIndex {
            let c = chars[i]
            i = chars.index(after: i)
            if quoted {
                if c == "\"" {
                    if i < chars.endIndex, chars[i] == "\"" { field.append("\""); i = chars.index(after: i) }
                    else { quoted = false; afterQuote = true }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field); field = ""; wasQuoted = false; afterQuote = false
            case "\n", "\r\n", "\r":
                endRow()
                line += 1
                rowLine = line
            case "\"":
                guard field.isEmpty, !afterQuote else {
                    throw ImportProblem(line: line, "a double quote inside an unquoted field (field \(fields.count + 1)); quote the whole field and write a quote in it as \"\"")
                }
                quoted = true; wasQuoted = true
            default:
                if afterQuote {
                    throw ImportProblem(line: line, "text after the closing quote of field \(fields.count + 1); put the whole field in quotes")
                }
                field.append(c)
            }
        }
        if quoted { throw ImportProblem(line: rowLine, "a quoted field is not closed before the end of the file") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRow() }
        return rows
    }
}

/// What a file imports.
public enum ImportKind: String, CaseIterable, Sendable {
    case units, beds, staff

    /// The columns a file of this kind may have, the required ones first.
    public var columns: [(name: String, required: Bool, meaning: String)] {
        switch self {
        case .units: [("code", true, "unit code, 1–16 letters, digits, - or _ (e.g. 4W)"),
                      ("name", true, "the unit's name (e.g. 4 West Medical)"),
                      ("kind", true, UnitKind.allCases.map(\.rawValue).joined(separator: "|"))]
        case .beds: [("bed", true, "bed name, 1–16 letters, digits, - or _ (e.g. 4W-01)"),
                     ("unit", true, "the code of a unit already added or in the units file"),
                     ("attributes", false, "none, or a list of " + BedAttribute.allCases.map(\.rawValue).joined(separator: ", ") + " separated by ; or spaces")]
        case .staff: [("login", true, "the person's operating-system login"),
                      ("name", true, "their name as colleagues know it"),
                      ("role", true, Role.allCases.map(\.rawValue).joined(separator: "|")),
                      ("on_duty", false, "yes or no (default yes)")]
        }
    }

    public var headerExample: String { columns.map(\.name).joined(separator: ",") }
}

/// The commands an imported file asks for, and what it leaves as it is.
public struct ImportPlan: Equatable, Sendable {
    /// A command and the line of the row it comes from.
    public var commands: [(line: Int, command: Command)] = []
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var rows = 0

    public static func == (a: ImportPlan, b: ImportPlan) -> Bool {
        a.commands.map(\.line) == b.commands.map(\.line) && a.commands.map(\.command) == b.commands.map(\.command)
            && a.added == b.added && a.updated == b.updated && a.unchanged == b.unchanged && a.rows == b.rows
    }
}

public enum Import {
    /// Reads a whole file of `kind` against the hospital `s` and returns what to record, or
    /// every problem found (nothing is to be recorded then).
    public static func plan(_ kind: ImportKind, text: String, in s: HospitalState) -> Result<ImportPlan, ImportProblems> {
        let rows: [CSV.Row]
        do { rows = try CSV.parse(text) } catch { return .failure(ImportProblems([error])) }
        guard let header = rows.first else {
            return .failure(ImportProblems([ImportProblem(line: 1, "the file is empty; the first line names the columns: \(kind.headerExample)")]))
        }
        var problems: [ImportProblem] = []
        // Map the header's columns.
        var index: [String: Int] = [:]
        let known = kind.columns.map(\.name)
        for (i, raw) in header.fields.enumerated() {
            let name = normalise(raw)
            if name.isEmpty, raw.isEmpty { continue }
            guard known.contains(name) else {
                problems.append(ImportProblem(line: header.line, column: "\(i + 1)", "'\(raw.terminalSafe)' is not a column of a \(kind.rawValue) file; the columns are \(known.joined(separator: ", "))"))
                continue
            }
            if index[name] != nil { problems.append(ImportProblem(line: header.line, column: raw.terminalSafe, "the column \(name) is named twice")) }
            index[name] = i
        }
        for c in kind.columns where c.required && index[c.name] == nil {
            problems.append(ImportProblem(line: header.line, "the header has no \(c.name) column; the first line must name the columns, e.g. \(kind.headerExample)"))
        }
        if !problems.isEmpty { return .failure(ImportProblems(problems)) }

        var plan = ImportPlan()
        var seen: [String: Int] = [:]
        for row in rows.dropFirst() {
            plan.rows += 1
            func cell(_ name: String) -> String? {
                guard let i = index[name] else { return nil }
                return i < row.fields.count ? trim(row.fields[i]) : ""
            }
            if row.fields.count > header.fields.count, row.fields[header.fields.count...].contains(where: { !trim($0).isEmpty }) {
                problems.append(ImportProblem(line: row.line, "\(row.fields.count) fields where the header names \(header.fields.count); quote a value that holds a comma"))
                continue
            }
            var rowProblems: [ImportProblem] = []
            func need(_ name: String) -> String {
                let v = cell(name) ?? ""
                if v.isEmpty { rowProblems.append(ImportProblem(line: row.line, column: name, "the \(name) is empty; give \(kind.columns.first { $0.name == name }!.meaning)")) }
                else if let p = TextSafety.problem(in: v, "the value") { rowProblems.append(ImportProblem(line: row.line, column: name, p)) }
                return v
            }
            func duplicate(_ key: String, _ column: String) -> Bool {
                if let first = seen[key.uppercased()] {
                    rowProblems.append(ImportProblem(line: row.line, column: column, "\(key.terminalSafe) is already on line \(first); each may appear once"))
                    return true
                }
                seen[key.uppercased()] = row.line
                return false
            }

            switch kind {
            case .units:
                let code = need("code"), name = need("name"), kindText = need("kind")
                if !code.isEmpty, !IdentifierSyntax.isValidCode(Substring(code)) {
                    rowProblems.append(ImportProblem(line: row.line, column: "code", "'\(code.terminalSafe)' is not a unit code; use 1–16 letters, digits, - or _"))
                }
                let unitKind = kindText.isEmpty ? nil : UnitKind.parse(Substring(kindText))
                if !kindText.isEmpty, unitKind == nil {
                    rowProblems.append(ImportProblem(line: row.line, column: "kind", "'\(kindText.terminalSafe)' is not a unit kind; use one of \(UnitKind.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                if name.count > 60 { rowProblems.append(ImportProblem(line: row.line, column: "name", "is \(name.count) characters long; keep it to 60")) }
                if !code.isEmpty { _ = duplicate(code, "code") }
                guard rowProblems.isEmpty, let unitKind else { problems += rowProblems; continue }
                if let existing = s.units[code] {
                    if existing.name == name && existing.kind == unitKind { plan.unchanged += 1; continue }
                    problems.append(ImportProblem(line: row.line, "unit \(code) already exists as \"\(existing.name.terminalSafe)\" (\(existing.kind.rawValue)); Rounds cannot rename a unit or change its kind, so make this row match: \(code),\"\(existing.name.terminalSafe)\",\(existing.kind.rawValue)"))
                    continue
                }
                plan.commands.append((row.line, .addUnit(code: code, name: name, kind: unitKind)))
                plan.added += 1

            case .beds:
                let bed = need("bed"), unit = need("unit")
                let attrText = cell("attributes") ?? ""
                if !bed.isEmpty, !IdentifierSyntax.isValidCode(Substring(bed)) {
                    rowProblems.append(ImportProblem(line: row.line, column: "bed", "'\(bed.terminalSafe)' is not a bed name; use 1–16 letters, digits, - or _, e.g. 4W-01"))
                }
                if !unit.isEmpty, s.units[unit] == nil {
                    let some = s.unitOrder.prefix(12).joined(separator: ", ")
                    rowProblems.append(ImportProblem(line: row.line, column: "unit", "there is no unit '\(unit.terminalSafe)'; " + (some.isEmpty ? "import the units file first" : "units are \(some)\(s.unitOrder.count > 12 ? ", …" : "")")))
                }
                var attributes: Set<BedAttribute> = []
                for word in attrText.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "," || $0 == "|" }) {
                    if word.lowercased() == "none" { continue }
                    if let a = BedAttribute.parse(word) { attributes.insert(a) } else {
                        rowProblems.append(ImportProblem(line: row.line, column: "attributes", "'\(String(word).terminalSafe)' is not a bed attribute; use \(BedAttribute.allCases.map(\.rawValue).joined(separator: ", ")) separated by ;"))
                    }
                }
                if !bed.isEmpty { _ = duplicate(bed, "bed") }
                guard rowProblems.isEmpty else { problems += rowProblems; continue }
                if let existing = s.beds[bed] {
                    if existing.unit == unit && existing.attributes == attributes { plan.unchanged += 1; continue }
                    let had = existing.attributes.map(\.rawValue).sorted().joined(separator: ";")
                    problems.append(ImportProblem(line: row.line, "bed \(bed) already exists in \(existing.unit) with attributes \(had.isEmpty ? "none" : had); Rounds cannot move a bed or change its attributes, so make this row match: \(bed),\(existing.unit),\(had)"))
                    continue
                }
                plan.commands.append((row.line, .addBed(id: bed, unit: unit, attributes: attributes)))
                plan.added += 1

            case .staff:
                let login = need("login"), name = need("name"), roleText = need("role")
                let dutyText = (cell("on_duty") ?? "").lowercased()
                if !login.isEmpty, !IdentifierSyntax.isValidLogin(Substring(login)) {
                    rowProblems.append(ImportProblem(line: row.line, column: "login", "'\(login.terminalSafe)' is not a login; logins start with a letter and use letters, digits, ., - or _"))
                }
                if login == Rules.actor {
                    rowProblems.append(ImportProblem(line: row.line, column: "login", "'\(login)' is reserved: it names the engine's own time rules in the journal; put people on the roster by their own login"))
                } else if login == "root" {
                    rowProblems.append(ImportProblem(line: row.line, column: "login", "'root' cannot be on the roster: every record must name one person by their own login"))
                }
                let role = roleText.isEmpty ? nil : Role.parse(Substring(roleText))
                if !roleText.isEmpty, role == nil {
                    rowProblems.append(ImportProblem(line: row.line, column: "role", "'\(roleText.terminalSafe)' is not a role; use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                var onDuty = true
                switch dutyText {
                case "", "yes", "y", "true", "1", "on": onDuty = true
                case "no", "n", "false", "0", "off": onDuty = false
                default: rowProblems.append(ImportProblem(line: row.line, column: "on_duty", "'\(dutyText.terminalSafe)' is not yes or no"))
                }
                if name.count > 80 { rowProblems.append(ImportProblem(line: row.line, column: "name", "is \(name.count) characters long; keep it to 80")) }
                if !login.isEmpty { _ = duplicate(login, "login") }
                guard rowProblems.isEmpty, let role else { problems += rowProblems; continue }
                if let existing = s.staff[login] {
                    if existing.name == name && existing.role == role && existing.onDuty == onDuty { plan.unchanged += 1; continue }
                    plan.commands.append((row.line, .setStaff(login: login, name: existing.name == name ? nil : name,
                                                              role: existing.role == role ? nil : role, onDuty: existing.onDuty == onDuty ? nil : onDuty)))
                    plan.updated += 1
                } else {
                    plan.commands.append((row.line, .setStaff(login: login, name: name, role: role, onDuty: onDuty)))
                    plan.added += 1
                }
            }
        }
        if !problems.isEmpty { return .failure(ImportProblems(problems)) }
        return .success(plan)
    }

    static func normalise(_ header: String) -> String {
        var h = trim(header).lowercased()
        h = h.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        switch h {
        case "duty", "onduty": return "on_duty"
        case "attrs", "attribute": return "attributes"
        default: return h
        }
    }

    static func trim(_ s: String) -> String {
        var sub = Substring(s)
        while let f = sub.first, f == " " || f == "\t" { sub = sub.dropFirst() }
        while let l = sub.last, l == " " || l == "\t" { sub = sub.dropLast() }
        return String(sub)
    }
}
