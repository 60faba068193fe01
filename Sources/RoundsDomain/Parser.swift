/// What the parser needs to turn relative times (`14:30`, `+30m`, `tomorrow 08:00`) into instants.
public struct ParseContext: Sendable {
    public var now: Timestamp
    public var wallClock: WallClock
    public init(now: Timestamp, wallClock: WallClock) { self.now = now; self.wallClock = wallClock }
}

/// A usage error: the text could not be read as a command. Says what was wrong and what is valid.
public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var usage: String?
    public init(_ message: String, usage: String? = nil) { self.message = message; self.usage = usage }
    public var description: String { usage.map { "\(message)\nusage: \($0)" } ?? message }
}

/// The command language. Grammar and examples: Docs/COMMANDS.md.
public enum CommandParser {
    /// Every verb with its usage line; the help text, completion and error hints come from here.
    public static let grammar: [(verb: String, usage: String)] = [
        ("admit", "admit MRN [name \"Family, Given\"] [dob YYYY-MM-DD] [sex f|m|x|u] [from ed|pacu|direct|transfer|clinic|or] [unit CODE] [needs telemetry,bariatric,isolation] [precautions contact,droplet,airborne,neutropenic] [language NAME] [interpreter] [lives-alone] [fall-risk] [attending \"Dr Name\"] [edd DATE]"),
        ("patient", "patient MRN [name \"…\"] [language NAME|none] [interpreter yes|no] [precautions LIST|none] [fall-risk yes|no] [lives-alone yes|no] [edd DATE|none] [attending \"…\"|none] [needs LIST|none]"),
        ("cancel-admission", "cancel-admission MRN reason \"…\""),
        ("assign", "assign MRN BED [override \"reason\"]"),
        ("transfer", "transfer MRN BED [override \"reason\"]"),
        ("swap", "swap MRN MRN [override \"reason\"]"),
        ("discharge", "discharge MRN [disposition home|home-services|snf|rehab|transfer|ama|hospice|deceased]"),
        ("reserve", "reserve BED MRN"),
        ("bed", "bed dirty|cleaning|clean|release|unblock BED · bed block BED reason \"…\" [until TIME] · bed add BED unit CODE [attrs isolation,telemetry,bariatric]"),
        ("unit", "unit add CODE name \"…\" kind icu|stepdown|telemetry|medsurg|edholding|pacu|pediatrics|maternity|rehab"),
        ("staff", "staff add LOGIN name \"…\" role ROLE [duty on|off] · staff set LOGIN [name \"…\"] [role ROLE] [duty on|off]"),
        ("policy", "policy set critical-window|procedure-lead|message-ack-window|stat-grace|urgent-grace|cleaning-window|preauth-lead|preauth-lead-expedited|payer-clock|payer-clock-expedited|appeal-window|eligibility-age|document-lead|hp-age|addon-immediate|addon-urgent|addon-expedited|bump-delay DURATION · policy set elderly-age YEARS · policy set discharge-time HH:MM · policy documents KIND \"DOC,DOC\"|none"),
        ("task", "task add \"title\" [patient MRN] [priority stat|urgent|routine] [due TIME] [owner LOGIN|@ROLE] [note \"…\"] · task start|done|cancel|reopen|reassign|snooze|wait|note T… (see Docs/COMMANDS.md)"),
        ("lab", "lab order MRN TEST [priority P] [needed-by TIME] · lab collect|receive|ack L… · lab result L… VALUE [units U] [range R] [flag normal|abnormal|critical] · lab communicate L… to \"Name\" role ROLE readback VALUE · lab cancel L… reason \"…\""),
        ("proc", "proc book MRN KIND RESOURCE at TIME (until TIME | for DURATION) [requires TEST,TEST] [title \"…\"] [after icu|stepdown] · proc move P… at TIME (until TIME | for DURATION) [override \"reason\"] · proc after P… icu|stepdown|none · proc add-on MRN KIND on ROOM[,ROOM…] urgency immediate|urgent|expedited for DURATION [by TIME] [requires TEST,TEST] [title \"…\"] [after icu|stepdown] · proc start|done P… · proc cancel P… reason \"…\" [avoidable|unavoidable]"),
        ("plan", "plan accept B… [OPTION] · plan edit B… OPTION P… to ROOM at TIME · plan edit B… OPTION P… cancel|stay · plan reject B… reason \"…\""),
        ("auth", "auth add P… payer \"…\" [expedited] · auth submit A… · auth pend A… [note \"…\"] · auth approve A… number \"…\" from DATE to DATE [units N] · auth deny A… reason \"…\" [appeal-by DATE] · auth appeal A… [note \"…\"] · auth link A… P… [override \"reason\"]"),
        ("barrier", "barrier add MRN transport|equipment|pharmacy|family|placement|other \"note\" · barrier resolve MRN KIND [note \"…\"]"),
        ("elig", "elig MRN payer \"…\" active|inactive [note \"…\"]"),
        ("doc", "doc P… KIND received|signed|missing [dated DATE] (KIND: surgical-consent, anaesthesia-consent, procedure-consent, sedation-consent, blood-consent, history-and-physical, intake-form)"),
        ("msg", "msg send LOGIN|@ROLE \"subject\" [about MRN] [urgent] [body \"…\"] · msg reply M… \"text\" [urgent] · msg read|ack M…"),
        ("ipass", "ipass MRN [severity stable|watcher|unstable] [summary \"…\"] [if \"…\" then \"…\"] [aware \"…\"] [clear contingencies|awareness]"),
        ("handover", "handover start to LOGIN · handover ack ITEM|all-stable [note \"…\"] · handover take T… · handover pause|resume · handover complete [note \"…\"] · handover cancel reason \"…\""),
        ("shifts", "shifts set \"NAME HH:MM-HH:MM, NAME HH:MM-HH:MM\""),
        ("hospital", "hospital name \"…\""),
        ("interface", "interface retry I… [override \"reason\"] · interface dismiss I… reason \"…\""),
        ("break-glass", "break-glass \"reason\" [for DURATION] · break-glass end [G…] · break-glass review G… appropriate|inappropriate|follow-up [note \"…\"]"),
    ]

    public static var verbs: [String] { grammar.map(\.verb) }

    public static func usage(_ verb: String) -> String? { grammar.first { $0.verb == verb }?.usage }

    public static func parse(_ line: String, context: ParseContext) throws(ParseError) -> Command {
        var tokens = try tokenize(line)
        guard !tokens.isEmpty else { throw ParseError("empty command", usage: "one of: \(verbs.joined(separator: ", "))") }
        let verb = tokens.removeFirst().lowercased()
        guard let usage = usage(verb) else {
            let close = verbs.filter { editDistance($0, verb) <= 2 }
            let hint = close.isEmpty ? "" : "; did you mean \(close.joined(separator: " or "))?"
            throw ParseError("unknown command '\(verb)'\(hint)", usage: "one of: \(verbs.joined(separator: ", "))")
        }
        var r = Reader(tokens: tokens, verb: verb, usage: usage, ctx: context)
        return try r.command()
    }

    /// Splits on blanks; "double" or 'single' quotes group words; \" and \\ escape inside double quotes.
    public static func tokenize(_ line: String) throws(ParseError) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inToken = false
        var quote: Character?
        var escape = false
        for ch in line {
            if let q = quote {
                if escape { current.append(ch); escape = false }
                else if ch == "\\" && q == "\"" { escape = true }
                else if ch == q { quote = nil }
                else { current.append(ch) }
            } else if ch == "\"" || ch == "'" {
                quote = ch
                inToken = true
            } else if ch == " " || ch == "\t" || ch == "\n" || ch == "\r" {
                if inToken { tokens.append(current); current = ""; inToken = false }
            } else {
                current.append(ch)
                inToken = true
            }
        }
        if quote != nil { throw ParseError("unterminated quote in: \(line)", usage: "close every \" or ' you open") }
        if inToken { tokens.append(current) }
        return tokens
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }

    // MARK: value readers shared with other front ends

    /// `+30m`, `1h30m`, `90s`, `2d` → span. Plain numbers are refused: the unit must be said.
    public static func parseSpan(_ text: String) -> Span? {
        var t = Substring(text.lowercased())
        if t.first == "+" { t = t.dropFirst() }
        guard !t.isEmpty else { return nil }
        var total: Int64 = 0
        var number: Int64? = nil
        for ch in t {
            if let d = ch.wholeNumberValue, ch.isASCII {
                number = (number ?? 0) * 10 + Int64(d)
                if number! > 100_000 { return nil }
            } else {
                guard let n = number else { return nil }
                switch ch {
                case "s": total += n * 1000
                case "m": total += n * 60_000
                case "h": total += n * 3_600_000
                case "d": total += n * 86_400_000
                default: return nil
                }
                number = nil
            }
        }
        return number == nil ? Span(milliseconds: total) : nil
    }

    static func parseClock(_ t: Substring) -> Int? {
        let parts = t.split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...23).contains(h), (0...59).contains(m) else { return nil }
        return h * 60 + m
    }

    /// `now`, `+30m`, `14:30` (today), `today 14:30`, `tomorrow 08:00`, `2026-11-23 08:00`, `2026-11-23T08:00`.
    public static func parseTime(_ text: String, context c: ParseContext) -> Timestamp? {
        let lower = text.lowercased()
        if lower == "now" { return c.now }
        if lower.hasPrefix("+") { return parseSpan(lower).map { c.now + $0 } }
        var parts = lower.split(whereSeparator: { $0 == " " || $0 == "@" })
        // `2026-11-23T08:00`: a date and a time joined by T.
        if parts.count == 1, parts[0].count > 11, !lower.hasSuffix("z") {
            let word = parts[0]
            let t = word.index(word.startIndex, offsetBy: 10)
            if word[t] == "t" { parts = [word[..<t], word[word.index(after: t)...]] }
        }
        let today = c.wallClock.localDate(c.now)
        if parts.count == 1, let minute = parseClock(parts[0]) { return c.wallClock.instant(on: today, minuteOfDay: minute) }
        if lower.hasSuffix("z"), let iso = parseISO(lower) { return iso }
        guard parts.count == 2, let minute = parseClock(parts[1]) else { return nil }
        let date: LocalDate?
        switch parts[0] {
        case "today": date = today
        case "tomorrow": date = today.adding(days: 1)
        case "yesterday": date = today.adding(days: -1)
        default: date = LocalDate(iso: parts[0])
        }
        return date.map { c.wallClock.instant(on: $0, minuteOfDay: minute) }
    }

    /// `2026-11-22T07:00:00Z` or `…T07:00Z`.
    static func parseISO(_ text: String) -> Timestamp? {
        let body = text.dropLast()
        let halves = body.split(separator: "t")
        guard halves.count == 2, let date = LocalDate(iso: halves[0]) else { return nil }
        let hms = halves[1].split(separator: ":")
        guard hms.count == 2 || hms.count == 3, let h = Int(hms[0]), let m = Int(hms[1]), (0...23).contains(h), (0...59).contains(m) else { return nil }
        let sec = hms.count == 3 ? Int(hms[2]) : 0
        guard let sec, (0...59).contains(sec) else { return nil }
        return Timestamp(milliseconds: (Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + m * 60 + sec)) * 1000)
    }

    /// `YYYY-MM-DD`, `today`, `tomorrow`, `+2d`.
    public static func parseDate(_ text: String, context c: ParseContext) -> LocalDate? {
        let today = c.wallClock.localDate(c.now)
        switch text.lowercased() {
        case "today": return today
        case "tomorrow": return today.adding(days: 1)
        default:
            if text.hasPrefix("+"), let span = parseSpan(text), span.milliseconds % 86_400_000 == 0 {
                return today.adding(days: Int(span.milliseconds / 86_400_000))
            }
            return LocalDate(iso: Substring(text))
        }
    }
}

/// Walks the tokens of one command.
private struct Reader {
    var tokens: [String]
    let verb: String
    let usage: String
    let ctx: ParseContext
    var index = 0

    init(tokens: [String], verb: String, usage: String, ctx: ParseContext) {
        self.tokens = tokens; self.verb = verb; self.usage = usage; self.ctx = ctx
    }

    func fail(_ message: String) -> ParseError { ParseError(message, usage: usage) }

    var atEnd: Bool { index >= tokens.count }

    mutating func next(_ what: String) throws(ParseError) -> String {
        guard index < tokens.count else { throw fail("\(verb): missing \(what)") }
        defer { index += 1 }
        return tokens[index]
    }

    mutating func peekIs(_ word: String) -> Bool { index < tokens.count && tokens[index].lowercased() == word }

    mutating func mrn() throws(ParseError) -> MRN {
        let t = try next("MRN")
        guard IdentifierSyntax.isValidMRN(Substring(t)) else { throw fail("'\(t)' is not an MRN (3–20 letters, digits or -)") }
        return t.uppercased()
    }

    mutating func code(_ what: String) throws(ParseError) -> String {
        let t = try next(what)
        guard IdentifierSyntax.isValidCode(Substring(t)) else { throw fail("'\(t)' is not a valid \(what) (1–16 letters, digits, - or _)") }
        return t.uppercased()
    }

    mutating func id<I: SequentialID>(_ type: I.Type, _ what: String) throws(ParseError) -> I {
        let t = try next("\(what) (\(I.letter)…)")
        guard let id = I.parse(Substring(t)) else { throw fail("'\(t)' is not a \(what) number, e.g. \(I.letter)12") }
        return id
    }

    func word<V: Vocabulary>(_ t: String, _ type: V.Type, _ what: String) throws(ParseError) -> V {
        guard let v = V.parse(Substring(t)) else { throw fail("'\(t)' is not a \(what); valid: \(V.words)") }
        return v
    }

    func set<V: Vocabulary>(_ t: String, _ type: V.Type, _ what: String) throws(ParseError) -> Set<V> {
        if t.lowercased() == "none" { return [] }
        var result = Set<V>()
        for part in t.split(separator: ",") {
            guard let v = V.parse(part) else { throw fail("'\(part)' is not a \(what); valid: \(V.words), or none") }
            result.insert(v)
        }
        return result
    }

    mutating func time(_ what: String) throws(ParseError) -> Timestamp {
        var t = try next(what)
        // `today 14:30` and `2026-11-23 08:00` may come as two words.
        if index < tokens.count, CommandParser.parseClock(Substring(tokens[index])) != nil, CommandParser.parseClock(Substring(t)) == nil,
           !t.hasPrefix("+") {
            t += " " + tokens[index]
            index += 1
        }
        guard let ts = CommandParser.parseTime(t, context: ctx) else {
            throw fail("'\(t)' is not a time; use now, +30m, 14:30, tomorrow 08:00 or 2026-11-23 08:00")
        }
        return ts
    }

    mutating func date(_ what: String) throws(ParseError) -> LocalDate {
        let t = try next(what)
        guard let d = CommandParser.parseDate(t, context: ctx) else { throw fail("'\(t)' is not a date; use YYYY-MM-DD, today, tomorrow or +2d") }
        return d
    }

    mutating func span(_ what: String) throws(ParseError) -> Span {
        let t = try next(what)
        guard let s = CommandParser.parseSpan(t) else { throw fail("'\(t)' is not a duration; use e.g. 30m, 2h, 1h30m, 1d") }
        return s
    }

    mutating func yesNo(_ what: String) throws(ParseError) -> Bool {
        let t = try next("yes or no")
        switch t.lowercased() {
        case "yes", "y", "true", "on": return true
        case "no", "n", "false", "off": return false
        default: throw fail("'\(t)' for \(what) must be yes or no")
        }
    }

    mutating func assignee() throws(ParseError) -> Assignee {
        let t = try next("a login or @role")
        if t.hasPrefix("@") {
            return .role(try word(String(t.dropFirst()), Role.self, "role"))
        }
        guard IdentifierSyntax.isValidLogin(Substring(t)) else { throw fail("'\(t)' is not a login; give a login or @role (@\(Role.allCases.map(\.rawValue).joined(separator: ", @")))") }
        return .person(t)
    }

    mutating func role() throws(ParseError) -> Role { try word(try next("role"), Role.self, "role") }

    /// Reads `key value` options until the end, calling `handle` for each key; unknown keys fail.
    mutating func options(_ keys: [String], _ handle: (inout Reader, String) throws(ParseError) -> Void) throws(ParseError) {
        while !atEnd {
            let key = tokens[index].lowercased()
            index += 1
            guard keys.contains(key) else {
                throw fail("\(verb): unexpected '\(tokens[index - 1])'; expected one of: \(keys.joined(separator: ", "))")
            }
            try handle(&self, key)
        }
    }

    mutating func end() throws(ParseError) {
        if !atEnd { throw fail("\(verb): unexpected '\(tokens[index])' at the end") }
    }

    mutating func text(_ what: String) throws(ParseError) -> String { try next(what) }

    // MARK: commands

    mutating func command() throws(ParseError) -> Command {
        switch verb {
        case "admit": return try admit()
        case "patient": return try patient()
        case "cancel-admission":
            let mrn = try mrn()
            var reason: String?
            try options(["reason"]) { (r, _) throws(ParseError) in reason = try r.text("reason") }
            guard let reason else { throw fail("cancel-admission needs reason \"…\"") }
            return .cancelAdmission(mrn: mrn, reason: reason)
        case "assign", "transfer":
            let mrn = try mrn(), bed = try code("bed")
            var override: String?
            try options(["override"]) { (r, _) throws(ParseError) in override = try r.text("override reason") }
            return verb == "assign" ? .assign(mrn: mrn, bed: bed, override: override) : .transfer(mrn: mrn, bed: bed, override: override)
        case "swap":
            let a = try mrn(), b = try mrn()
            var override: String?
            try options(["override"]) { (r, _) throws(ParseError) in override = try r.text("override reason") }
            return .swap(first: a, second: b, override: override)
        case "discharge":
            let mrn = try mrn()
            var disposition = Disposition.home
            try options(["disposition", "to"]) { (r, _) throws(ParseError) in disposition = try r.word(try r.next("disposition"), Disposition.self, "disposition") }
            return .discharge(mrn: mrn, disposition: disposition)
        case "reserve":
            let bed = try code("bed"), mrn = try mrn()
            try end()
            return .reserve(bed: bed, mrn: mrn)
        case "bed": return try bed()
        case "unit":
            guard try next("sub-command").lowercased() == "add" else { throw fail("unit: the only sub-command is add") }
            let code = try code("unit code")
            var name: String?, kind: UnitKind?
            try options(["name", "kind"]) { (r, key) throws(ParseError) in
                if key == "name" { name = try r.text("name") } else { kind = try r.word(try r.next("kind"), UnitKind.self, "unit kind") }
            }
            guard let name, let kind else { throw fail("unit add needs name \"…\" and kind") }
            return .addUnit(code: code, name: name, kind: kind)
        case "staff": return try staff()
        case "policy":
            let sub = try next("sub-command").lowercased()
            if sub == "documents" {
                let kind = try word(try next("procedure kind"), ProcedureKind.self, "procedure kind")
                let list = try next("the documents, comma-separated in quotes, or none")
                try end()
                if list.lowercased() == "none" { return .requireDocuments(kind, []) }
                var docs: [DocumentKind] = []
                for part in list.split(separator: ",") {
                    let w = String(part).trimmingCharacters(in: " ")
                    guard let d = DocumentKind.parse(Substring(w)) else { throw fail("'\(w)' is not a document; valid: \(DocumentKind.words)") }
                    docs.append(d)
                }
                return .requireDocuments(kind, docs)
            }
            guard sub == "set" else { throw fail("policy: the sub-commands are set and documents") }
            let key = try word(try next("policy name"), PolicyKey.self, "policy")
            if key == .elderlyAge {
                let t = try next("age in years")
                guard let years = Int64(t) else { throw fail("'\(t)' is not a number of years") }
                try end()
                return .setPolicy(key: key, value: years)
            }
            if key == .dischargeTime {
                let t = try next("a time of day, HH:MM")
                guard let minute = CommandParser.parseClock(Substring(t)) else { throw fail("'\(t)' is not a time of day; use HH:MM, e.g. 11:00") }
                try end()
                return .setPolicy(key: key, value: Int64(minute) * 60_000)
            }
            let s = try span("duration")
            try end()
            return .setPolicy(key: key, value: s.milliseconds)
        case "task": return try task()
        case "lab": return try lab()
        case "proc": return try procedure()
        case "plan": return try plan()
        case "auth": return try preAuth()
        case "barrier":
            let sub = try next("sub-command (add or resolve)").lowercased()
            guard sub == "add" || sub == "resolve" else { throw fail("barrier: the sub-commands are add and resolve, not '\(sub)'") }
            let mrn = try mrn()
            let kind = try word(try next("kind of barrier (\(BarrierKind.words))"), BarrierKind.self, "kind of barrier")
            if sub == "add" {
                let note = try text("the note in quotes, e.g. \"ambulance booked for 14:00\"")
                try end()
                return .recordBarrier(mrn, kind, note: note)
            }
            var note: String?
            try options(["note"]) { (r, _) throws(ParseError) in note = try r.text("the note in quotes") }
            return .resolveBarrier(mrn, kind, note: note)
        case "elig":
            let mrn = try mrn()
            var payer: String?, active: Bool?, note: String?
            try options(["payer", "active", "inactive", "note"]) { (r, key) throws(ParseError) in
                switch key {
                case "payer": payer = try r.text("the payer in quotes")
                case "note": note = try r.text("the note in quotes")
                default: active = key == "active"
                }
            }
            guard let payer, let active else { throw fail("elig needs payer \"…\" and active or inactive") }
            return .verifyEligibility(mrn, payer: payer, active: active, note: note)
        case "doc":
            let id = try id(ProcedureID.self, "procedure")
            let kind = try word(try next("document"), DocumentKind.self, "document")
            let state = try word(try next("received, signed or missing"), DocumentState.self, "document state")
            var dated: Timestamp?
            try options(["dated"]) { (r, _) throws(ParseError) in
                let d = try r.date("date")
                dated = r.ctx.wallClock.instant(on: d, minuteOfDay: 0)
            }
            return .recordDocument(id, kind, state, dated: dated)
        case "msg": return try message()
        case "break-glass": return try breakGlass()
        case "ipass": return try ipass()
        case "handover": return try handover()
        case "hospital":
            guard try next("sub-command").lowercased() == "name" else { throw fail("hospital: the only sub-command is name") }
            let name = try text("the hospital's name in quotes")
            try end()
            return .nameHospital(name)
        case "interface":
            let sub = try next("sub-command").lowercased()
            let id = try id(InterfaceItemID.self, "interface item")
            switch sub {
            case "retry":
                var override: String?
                try options(["override"]) { (r, _) throws(ParseError) in override = try r.text("the override's reason in quotes") }
                return .retryInterfaceItem(id, override: override)
            case "dismiss":
                var reason: String?
                try options(["reason"]) { (r, _) throws(ParseError) in reason = try r.text("the reason in quotes") }
                guard let reason else { throw fail("interface dismiss needs reason \"…\" (what was done instead)") }
                return .dismissInterfaceItem(id, reason: reason)
            default:
                throw fail("interface: the sub-commands are retry and dismiss")
            }
        case "shifts":
            guard try next("sub-command").lowercased() == "set" else { throw fail("shifts: the only sub-command is set") }
            let text = try next("the shifts in quotes")
            try end()
            var shifts: [ShiftDefinition] = []
            for part in text.split(separator: ",") {
                let words = part.split(separator: " ")
                let times = words.count == 2 ? words[1].split(separator: "-") : []
                guard times.count == 2, let a = CommandParser.parseClock(times[0]), let b = CommandParser.parseClock(times[1]), a != b else {
                    throw fail("'\(String(part).trimmingCharacters(in: " "))' is not a shift; write NAME HH:MM-HH:MM, e.g. day 07:00-19:00")
                }
                shifts.append(ShiftDefinition(name: String(words[0]).lowercased(), start: a, end: b))
            }
            return .setShifts(shifts)
        default: throw fail("unknown command '\(verb)'")
        }
    }

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

    mutating func admit() throws(ParseError) -> Command {
        var a = Admission(mrn: try mrn(), source: .ed)
        try options(["name", "dob", "sex", "from", "unit", "needs", "precautions", "language", "interpreter", "lives-alone",
                     "fall-risk", "attending", "edd"]) { (r, key) throws(ParseError) in
            switch key {
            case "name": a.name = try r.text("name")
            case "dob": a.dateOfBirth = try r.date("date of birth")
            case "sex": a.sex = try r.word(try r.next("sex"), Sex.self, "sex")
            case "from": a.source = try r.word(try r.next("source"), AdmissionSource.self, "admission source")
            case "unit": a.wantedUnit = try r.code("unit")
            case "needs": a.needs = try r.set(try r.next("needs"), BedAttribute.self, "bed attribute")
            case "precautions": a.changes.precautions = try r.set(try r.next("precautions"), Precaution.self, "precaution")
            case "language": a.changes.language = .some(try r.text("language"))
            case "interpreter": a.changes.interpreter = true
            case "lives-alone": a.changes.livesAlone = true
            case "fall-risk": a.changes.fallRisk = true
            case "attending": a.attending = try r.text("attending")
            default: a.expectedDischarge = try r.date("expected discharge date")
            }
        }
        return .admit(a)
    }

    mutating func patient() throws(ParseError) -> Command {
        let mrn = try mrn()
        var c = PatientChanges()
        func noneOr(_ t: String) -> String? { t.lowercased() == "none" ? nil : t }
        try options(["name", "language", "interpreter", "precautions", "fall-risk", "lives-alone", "edd", "attending", "needs"]) { (r, key) throws(ParseError) in
            switch key {
            case "name": c.name = try r.text("name")
            case "language": c.language = .some(noneOr(try r.text("language")))
            case "interpreter": c.interpreter = try r.yesNo("interpreter")
            case "precautions": c.precautions = try r.set(try r.next("precautions"), Precaution.self, "precaution")
            case "fall-risk": c.fallRisk = try r.yesNo("fall-risk")
            case "lives-alone": c.livesAlone = try r.yesNo("lives-alone")
            case "edd":
                let t = try r.next("expected discharge date")
                if t.lowercased() == "none" { c.expectedDischarge = .some(nil) }
                else if let d = CommandParser.parseDate(t, context: r.ctx) { c.expectedDischarge = .some(d) }
                else { throw r.fail("'\(t)' is not a date; use YYYY-MM-DD, today, tomorrow, +2d or none") }
            case "attending": c.attending = .some(noneOr(try r.text("attending")))
            default: c.needs = try r.set(try r.next("needs"), BedAttribute.self, "bed attribute")
            }
        }
        if c.isEmpty { throw fail("patient \(mrn): say what to change") }
        return .updatePatient(mrn: mrn, changes: c)
    }

    mutating func bed() throws(ParseError) -> Command {
        let sub = try next("sub-command").lowercased()
        switch sub {
        case "dirty", "cleaning", "clean", "release", "unblock":
            let bed = try code("bed")
            try end()
            switch sub {
            case "dirty": return .markDirty(bed: bed)
            case "cleaning": return .startCleaning(bed: bed)
            case "clean": return .finishCleaning(bed: bed)
            case "release": return .releaseReservation(bed: bed)
            default: return .unblock(bed: bed)
            }
        case "block":
            let bed = try code("bed")
            var reason: String?, until: Timestamp?
            try options(["reason", "until"]) { (r, key) throws(ParseError) in
                if key == "reason" { reason = try r.text("reason") } else { until = try r.time("until-time") }
            }
            guard let reason else { throw fail("bed block needs reason \"…\"") }
            return .block(bed: bed, reason: reason, until: until)
        case "add":
            let bed = try code("bed")
            var unit: String?, attrs = Set<BedAttribute>()
            try options(["unit", "attrs"]) { (r, key) throws(ParseError) in
                if key == "unit" { unit = try r.code("unit") } else { attrs = try r.set(try r.next("attributes"), BedAttribute.self, "bed attribute") }
            }
            guard let unit else { throw fail("bed add needs unit CODE") }
            return .addBed(id: bed, unit: unit, attributes: attrs)
        default:
            throw fail("bed: unknown sub-command '\(sub)'; valid: dirty, cleaning, clean, block, unblock, release, add")
        }
    }

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
    var extra: [String: String] = [:]

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
