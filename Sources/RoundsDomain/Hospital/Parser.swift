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
        ("ref", "ref add MRN to \"Service\" reason \"…\" [urgency stat|urgent|routine] [due TIME|DATE] [specialist \"…\"] [external] [high-risk] [clinician \"…\"] · ref receive R… · ref schedule R… at TIME · ref unable R… reason \"…\" · ref partial|report R… \"…\" · ref discontinue|cancel R… reason \"…\" [override \"review\"] · ref reopen R… note \"…\""),
        ("complaint", "complaint add \"…\" [from patient|family|other] [via verbal|phone|written|email] [category CAT] [patient MRN] [name \"…\"] [owner LOGIN|@ROLE] [about S12,P3,#1234] [grievance] · complaint note C… \"…\" · complaint notice C… \"…\" [next DATE] · complaint grievance C… · complaint close C… contact \"…\" steps \"…\" result \"…\" [completed DATE] · complaint withdraw C… reason \"…\" · complaint reopen C… note \"…\""),
        ("followup", "followup call F… reached|voicemail|no-answer|wrong-number [note \"…\"] · followup visit F… at TIME [with \"…\"] · followup visit F… attended|missed [note \"…\"] · followup close F… reason \"…\""),
        ("study", "study add CODE name \"…\" pi \"…\" approved-until DATE visits \"V1:0, V2:7±2\" [consent \"v1\"] · study renew CODE until DATE · study amend CODE consent \"v2\" · study enroll MRN CODE anchor DATE [arm \"…\"] [consent \"v1\"] · study visit MRN CODE VISIT done [at TIME] | missed [note \"…\"] · study consent MRN CODE \"v2\" · study end MRN CODE completed|withdrawn [note \"…\"]"),
        ("stock", "stock add ITEM at LOC name \"…\" unit UNIT min N max N [reorder N] [vendor \"…\"] [lead DAYS] · stock par ITEM at LOC [min N] [max N] [reorder N] [vendor \"…\"] [lead DAYS] · stock count ITEM at LOC N [lot \"…\"] · stock receive ITEM at LOC N [lot \"…\" expires DATE] · stock use ITEM at LOC N [for MRN] · stock discard ITEM at LOC N [lot \"…\"] reason \"…\" · stock order ITEM at LOC [N] [note \"…\"]"),
        ("equip", "equip add TAG kind ventilator|pump|monitor|mattress|defibrillator|bariatric|other name \"…\" at LOC maintenance DATE [vendor \"…\"] · equip assign TAG to MRN|P…|BED · equip return|clean|repaired TAG [note \"…\"] · equip fault|out TAG reason \"…\" · equip maintained TAG next DATE · equip need P… KIND [off]"),
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
        var r = CommandReader(tokens: tokens, verb: verb, usage: usage, ctx: context)
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
/// Reads one command's tokens; each area's verbs are read in its own folder (`extension CommandReader`).
struct CommandReader {
    var tokens: [String]
    let verb: String
    let usage: String
    let ctx: ParseContext
    var index = 0
    /// The options `slot()` read besides the times (title, requires, after, override).
    var extra: [String: String] = [:]

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
    mutating func options(_ keys: [String], _ handle: (inout CommandReader, String) throws(ParseError) -> Void) throws(ParseError) {
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
        case "ref": return try referral()
        case "complaint": return try complaint()
        case "followup": return try followUp()
        case "study": return try study()
        case "stock": return try stock()
        case "equip": return try equip()
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

    // Each area's verbs: Beds/StayCommands.swift, Hospital/SetupCommands.swift, Worklist/TaskCommands.swift,
    // Labs/LabCommands.swift, Procedures/ProcedureCommands.swift, Messages/MessageCommands.swift,
    // Handover/HandoverCommands.swift, Access/BreakGlassCommands.swift.
}
