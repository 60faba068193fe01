import Foundation
import Testing
@testable import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

/// One table as Docs/REPORTS.md documents it: its report, its section (the supervisor
/// overview's), and its keys in order with their types.
struct DocumentedTable {
    var report: String
    var section: String?
    var keys: [(key: String, type: String, nullable: Bool)] = []
}

enum ReportsDoc {
    static var path: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Docs/REPORTS.md").path
    }

    static func backticked(_ s: Substring) -> [String] {
        s.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// Every `### `report`` or `### `report` → `section`` heading and the `| `key` | type | …`
    /// rows under it.
    static func tables() throws -> [DocumentedTable] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var tables: [DocumentedTable] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("### ") {
                let names = backticked(line)
                tables.append(DocumentedTable(report: names[0], section: names.count > 1 ? names[1] : nil))
            } else if line.hasPrefix("## ") {
                tables.append(DocumentedTable(report: ""))   // keys after a new chapter belong to no table
            } else if line.hasPrefix("| `"), !tables.isEmpty {
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                let type = cells[1]
                tables[tables.count - 1].keys.append((backticked(Substring(cells[0]))[0], type.replacingOccurrences(of: " or null", with: ""),
                                                       type.hasSuffix(" or null")))
            }
        }
        return tables.filter { !$0.report.isEmpty }
    }
}

/// A JSON value as a parser sees it: a number is not a string, a boolean is not a number.
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), int(Int), string(String), list([String])
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Int.self) { self = .int(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .list(try c.decode([String].self)) }
    }

    func matches(_ type: String, nullable: Bool) -> Bool {
        func iso(_ s: String, _ pattern: String) -> Bool { s.range(of: pattern, options: .regularExpression) != nil }
        switch (self, type) {
        case (.null, _): return nullable
        case (.bool, "boolean"), (.int, "integer"), (.string, "string"), (.list, "list"): return true
        case (.string(let s), "timestamp"): return iso(s, #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"#)
        case (.string(let s), "date"): return iso(s, #"^\d{4}-\d{2}-\d{2}$"#)
        default: return false
        }
    }
}

/// RFC 4180 fields of CSV text, row by row.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, afterQuote = false
    var it = Array(text.unicodeScalars).makeIterator()
    while let u = it.next() {
        if quoted {
            if u == "\"" { quoted = false; afterQuote = true } else { field.unicodeScalars.append(u) }
            continue
        }
        switch u {
        case "\"": if afterQuote { field += "\"" }; quoted = true
        case ",": row.append(field); field = ""
        case "\r": break
        case "\n": row.append(field); rows.append(row); row = []; field = ""
        default: field.unicodeScalars.append(u)
        }
        afterQuote = false
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    return rows
}

/// Appends records straight through the journal, bypassing the Decider, as an older version of
/// Rounds or a feed would have written them.
func appendDirectly(_ path: String, actor: Login, _ events: [Event]) throws {
    var last = Timestamp(milliseconds: 0)
    let (journal, _) = try Journal.open(at: path, writable: true) { last = $0.time }
    let time = last + .seconds(1)
    _ = try journal.withLock { () throws(JournalError) in
        try journal.append(events.map { Journal.Entry(time: time, actor: actor, event: $0) })
    }
}

/// Runs `rounds` with Swift's per-process hash seeding left on (no SWIFT_DETERMINISTIC_HASHING).
func roundsWithRandomHashing(_ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: roundsBinary)
    p.arguments = args
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_DETERMINISTIC_HASHING"] = nil
    environment["TZ"] = "UTC"
    p.environment = environment
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

@Suite(.serialized) struct ReportDataTests {
    /// A demo journal where every table of every report has rows: a break-glass grant for the
    /// supervisor's review queue, an admission for `changes`.
    func busyJournal(_ dir: TemporaryDirectory) throws -> String {
        let j = try demoJournal(dir)
        // Someone the roster gives fewer permissions than the coordinator running the tests.
        let state = try Engine(journalAt: j, writable: false).state
        try appendDirectly(j, actor: "agency-nurse", [.breakGlassStarted(BreakGlassStarted(id: GrantID(state.nextGrant), reason: "covering the desk",
                                                                                       until: state.lastTime + .minutes(30)))])
        #expect(try rounds(["exec", "--journal", j, "admit DOC001 name \"Doc, Test\" dob 1950-01-01 sex f from ed precautions droplet,contact"]).status == 0)
        // Two messages a feed held as interface items; one is then dismissed (and one retried
        // with an override), so every column of the interface report has values.
        let feed = try Engine(journalAt: j, writable: false).state.feeds
        var events: [Event] = []
        for n in 0..<2 {
            let id = InterfaceItemID(feed.nextItem + n)
            events += [.feedReceived(FeedReceived(key: "EHR|GEN|\(n)", digest: UInt64(n), kind: "ADT^A02", item: id)),
                       .interfaceItemRaised(InterfaceItemRaised(id: id, key: "EHR|GEN|\(n)", kind: "ADT^A02", problem: "move DOC001 to bed 4W-99: no bed 4W-99",
                                                                raw: "MSH|^~\\&|EHR|GEN\rPID|1||DOC001", patient: n == 0 ? "DOC001" : nil))]
        }
        try appendDirectly(j, actor: "hl7adt", events)
        #expect(try rounds(["exec", "--journal", j, "interface dismiss I\(feed.nextItem + 1) reason \"entered by hand\""]).status == 0)
        #expect(try rounds(["exec", "--journal", j, "interface retry I\(feed.nextItem) override \"bariatric bed on order\""]).status == 0)
        return j
    }

    func arguments(_ table: DocumentedTable, _ j: String) -> [String] {
        switch table.report {
        case "audit": ["audit", "--journal", j, "--since", "1d"]
        case "changes": ["report", "changes", "--journal", j, "--since", "1d"]
        case "interface": ["report", "interface", "--journal", j, "--all"]
        // The demo's day, not the day the tests run.
        case "schedule": ["report", "schedule", "--journal", j, "--date", "2026-11-22"]
        default: ["report", table.report, "--journal", j]
        }
    }

    /// Every report's JSON keys and CSV header are exactly what Docs/REPORTS.md lists, every JSON
    /// value has the documented type, and every format parses: so the docs and the code cannot
    /// drift apart.
    @Test func everyReportInEveryFormatMatchesDocsReports() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try busyJournal(dir)
        let documented = try ReportsDoc.tables()
        #expect(Set(documented.map(\.report)) == ["census", "beds", "worklist", "labs", "messages", "supervisor", "interface", "schedule", "forecast", "barriers", "referrals", "complaints", "followups", "research", "supplies", "changes", "audit"])
        for report in Set(documented.map(\.report)).sorted() {
            let tables = documented.filter { $0.report == report }
            let args = arguments(tables[0], j)
            // JSON: one array of rows, or an object of sections.
            let json = try rounds(args + ["--format", "json"])
            #expect(json.status == 0, "\(report): \(json.err)")
            var sections: [String: [[String: JSONValue]]] = [:]
            if tables.count == 1 {
                sections[report] = try JSONDecoder().decode([[String: JSONValue]].self, from: Data(json.out.utf8))
            } else {
                sections = try JSONDecoder().decode([String: [[String: JSONValue]]].self, from: Data(json.out.utf8))
                #expect(Set(sections.keys) == Set(tables.compactMap(\.section)), "\(report)'s sections")
            }
            for t in tables {
                let name = t.section ?? t.report
                let rows = try #require(sections[name], "\(name) missing from the JSON")
                #expect(!rows.isEmpty, "\(name) has rows, so the check below means something")
                for row in rows {
                    #expect(Set(row.keys) == Set(t.keys.map(\.key)), "\(name): JSON keys \(row.keys.sorted()) are not the documented \(t.keys.map(\.key))")
                    for k in t.keys {
                        if let v = row[k.key] { #expect(v.matches(k.type, nullable: k.nullable), "\(name).\(k.key) = \(v) is not a \(k.type)\(k.nullable ? " or null" : "")") }
                    }
                }
            }
            // CSV: the header is the documented keys, in order; every row has as many fields.
            let csv = try rounds(args + ["--format", "csv"])
            #expect(csv.status == 0)
            let records = parseCSV(csv.out)
            for t in tables {
                var body = records[...]
                if let section = t.section {
                    let start = try #require(records.firstIndex { $0 == ["# " + section] }, "no '# \(section)' line in the CSV")
                    body = records[(start + 1)...]
                    if let end = body.firstIndex(where: { $0 == [""] || $0.first?.hasPrefix("# ") == true }) { body = body[..<end] }
                }
                let header = try #require(body.first)
                #expect(header == t.keys.map(\.key), "\(t.section ?? report): CSV header \(header)")
                #expect(body.dropFirst().allSatisfy { $0.count == header.count }, "\(t.section ?? report): a CSV row with a different number of fields")
                #expect(body.count > 1)
            }
            // The formats for people.
            let text = try rounds(args)
            #expect(text.status == 0 && !text.out.isEmpty)
            let md = try rounds(args + ["--format", "markdown"])
            #expect(md.out.hasPrefix("#"), "\(report) markdown: \(md.out.prefix(80))")
            #expect(md.out.contains("|---|"))
            let html = try rounds(args + ["--format", "html"])
            try expectWholeHTMLDocument(html.out, report)
        }
        try expectWholeHTMLDocument(try rounds(["report", "handover", "--journal", j, "--format", "html"]).out, "handover")
    }

    func expectWholeHTMLDocument(_ html: String, _ what: String) throws {
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"), "\(what): \(html.prefix(80))")
        #expect(html.contains("<meta charset=\"utf-8\">"), "\(what)")
        #expect(html.contains("<title>") && html.contains("</title>"), "\(what)")
        #expect(html.contains("<body>"), "\(what)")
        #expect(html.hasSuffix("</body></html>\n") || html.hasSuffix("</body>\n</html>\n"), "\(what): \(html.suffix(40))")
    }

    /// The worklist that prompted this: the task id and title each have a key of their own,
    /// numbers are numbers, times carry a date and an offset.
    @Test func worklistAndCensusAreData() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let worklist = try #require(try JSONSerialization.jsonObject(with: Data(rounds(["report", "worklist", "--journal", j, "--format", "json"]).out.utf8)) as? [[String: Any]])
        let first = try #require(worklist.first)
        #expect((first["task"] as? String)?.hasPrefix("T") == true)
        #expect(first["title"] is String)
        #expect((first["due"] as? String)?.contains("T") == true && (first["due"] as? String)?.hasSuffix("+00:00") == true)
        #expect(first["overdue"] is Bool)
        let census = try #require(try JSONSerialization.jsonObject(with: Data(rounds(["report", "census", "--journal", j, "--format", "json"]).out.utf8)) as? [[String: Any]])
        #expect(census.first?["beds"] is Int)
        #expect(census.first?["occupancy_percent"] is Int)
        let csv = try rounds(["report", "worklist", "--journal", j, "--format", "csv"]).out
        #expect(csv.hasPrefix("task,priority,due,overdue,mrn,title,owner,status,escalation_level\r\n"))
        let sup = try #require(try JSONSerialization.jsonObject(with: Data(rounds(["report", "supervisor", "--journal", j, "--format", "json"]).out.utf8)) as? [String: [[String: Any]]])
        #expect(sup["critical_results_past_window"] != nil)
        let keys = Set(sup.keys).union(sup.values.flatMap { $0.flatMap(\.keys) })
        #expect(!keys.contains { $0.contains { $0.isNumber } }, "no key embeds a policy value: \(keys.sorted())")
    }

    /// Sets (bed attributes, precautions, needs) are dumped in word order, not in each
    /// process's hash order: the same journal gives the same bytes every time.
    @Test func journalDumpIsTheSameInEveryProcess() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        #expect(try rounds(["exec", "--journal", j, "admit SET001 name \"Set, Test\" dob 1950-01-01 sex f from ed precautions neutropenic,droplet,contact,airborne needs telemetry,bariatric"]).status == 0)
        var dumps: [[Substring]] = []
        for _ in 0..<3 { dumps.append(try roundsWithRandomHashing(["journal", "dump", j]).split(separator: "\n")) }
        let first = dumps[0]
        #expect(first.count > 100)
        for later in dumps.dropFirst() {
            // Each dump is itself recorded, so a later dump has more lines; the rest is the same.
            #expect(Array(later.prefix(first.count)) == first, "a dump differs from the one before")
        }
        #expect(first.contains { $0.contains("\"precautions\":[\"airborne\",\"contact\",\"droplet\",\"neutropenic\"]") })
        #expect(first.contains { $0.contains("\"needs\":[\"bariatric\",\"telemetry\"]") })
        #expect(first.contains { $0.contains("\"attributes\":[\"isolation\",\"telemetry\"]") })
    }
}

/// Text from an older journal or a feed, recorded without the checks `Decider.checkText` makes
/// today, never reaches a terminal raw from any report, dump or audit, in any format.
@Suite(.serialized) struct UntrustedTextTests {
    static let evil = "Evil\u{1B}[2J\u{1B}[31mRED\u{202E}dcba\u{7}\u{9B}31m\u{2066}"

    /// Everything a terminal must not receive raw; line ends (and CSV's carriage returns) apart.
    static func unsafe(_ s: String) -> [Unicode.Scalar] {
        s.unicodeScalars.filter { TextSafety.isUnsafe($0) && $0 != "\n" && $0 != "\r" }
    }

    @Test func noOutputCarriesAControlCharacterOrBidiOverride() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        #expect(try rounds(["exec", "--journal", j, "admit EVIL01 name \"Placeholder\" dob 1950-01-01 sex f from ed"]).status == 0)
        #expect(try rounds(["exec", "--journal", j, "task add \"placeholder\" patient EVIL01"]).status == 0)
        // A bed of its own to block (the demo's beds may all be taken by the time it runs).
        let unit = try #require(try Engine(journalAt: j, writable: false).state.unitOrder.first)
        #expect(try rounds(["exec", "--journal", j, "bed add EVX-01 unit \(unit)"]).status == 0)
        // Written straight through the journal, as an older version would have.
        let state = try Engine(journalAt: j, writable: false).state
        let freeBed = "EVX-01"
        let task = try #require(state.tasks.values.first { $0.patient == "EVIL01" }?.id)
        let now = state.lastTime + .minutes(1)
        let evil = Self.evil
        let events: [Event] = [
            .patientRecorded(Patient(mrn: "EVIL01", name: evil, dateOfBirth: LocalDate(year: 1950, month: 1, day: 1)!, sex: .f)),
            .taskCreated(TaskCreated(id: TaskID(state.nextTask), title: evil, kind: .general, priority: .stat, due: now, owner: .person(evil),
                                     patient: "EVIL01", link: .none, note: evil)),
            .taskNoted(TaskNoted(id: task, text: evil)),
            .messageSent(MessageSent(id: MessageID(state.nextMessage), to: .person(evil), patient: "EVIL01", subject: evil, body: evil,
                                     urgent: true, replyTo: nil, system: false)),
            .bedBlocked(BedBlocked(bed: freeBed, reason: evil, until: nil, returnsTo: .available)),
            .accessRecorded(AccessRecorded(kind: .viewed, patient: "EVIL01", detail: evil)),
            .interfaceItemRaised(InterfaceItemRaised(id: InterfaceItemID(state.feeds.nextItem), key: evil, kind: evil, problem: evil, raw: evil, patient: "EVIL01")),
        ]
        try appendDirectly(j, actor: "ev\u{1B}[2Jil\u{202E}", events)
        #expect(try rounds(["report", "beds", "--journal", j, "--format", "json"]).out.contains("\\u001b[2J"), "the name is there, escaped")

        var runs: [(String, Run)] = []
        func run(_ args: [String]) throws { runs.append((args.joined(separator: " "), try rounds(args))) }
        for report in ["census", "beds", "worklist", "labs", "messages", "supervisor", "interface", "changes"] {
            for format in ["text", "csv", "json", "markdown", "html"] {
                // The demo's creator (this login) is its supervisor: --all lists the evil message
                // sent between two other logins.
                try run(["report", report, "--journal", j, "--format", format] + (report == "changes" ? ["--since", "1d", "--user", evil] : [])
                        + (report == "messages" || report == "interface" ? ["--all"] : []))
            }
        }
        for format in ["text", "markdown", "html"] { try run(["report", "handover", "--journal", j, "--format", format]) }
        for format in ["text", "csv", "json", "markdown", "html"] {
            try run(["audit", "--journal", j, "--format", format])
            try run(["audit", "--journal", j, "--patient", "EVIL01", "--format", format])
        }
        try run(["journal", "dump", j])
        try run(["handover", "--journal", j])
        try run(["exec", "--journal", j, "assign EVIL01 \(freeBed)"])   // a refusal that names the block's reason
        for (what, r) in runs {
            let bad = Self.unsafe(r.out + r.err)
            #expect(bad.isEmpty, "`rounds \(what)` printed \(bad.map { "U+" + String($0.value, radix: 16) })")
        }
        // The evil text is shown, escaped, not dropped: in text as \u{1B}, in JSON as \u001b.
        let beds = try #require(runs.first { $0.0.hasPrefix("report beds --journal \(j) --format text") }?.1.out)
        #expect(beds.contains("Evil\\u{001B}[2J\\u{001B}[31mRED\\u{202E}dcba"))
        let json = try #require(runs.first { $0.0.hasPrefix("report messages --journal \(j) --format json") }?.1.out)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(rows.contains { $0["subject"] as? String == evil }, "JSON escapes are the same text to a parser")
        #expect(json.contains("\\u202e"))
        let dump = try #require(runs.first { $0.0.hasPrefix("journal dump") }?.1.out)
        for line in dump.split(separator: "\n") { _ = try JSONSerialization.jsonObject(with: Data(line.utf8)) }
        #expect(dump.contains("\\u202e") || dump.contains("\\u202E"))
    }
}
