import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsReports

extension Report: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a report: census, beds, worklist, labs, messages, supervisor, interface, schedule, forecast, barriers, referrals, complaints, followups, research, supplies, notice, handover or changes.",
        discussion: """
        census, beds, worklist, labs, messages, supervisor, interface, schedule, forecast, barriers, referrals, complaints, followups, research and supplies are tables (text, csv, json, \
        markdown, html); interface lists the open interface items (with --all, the resolved ones \
        too), never the messages themselves; schedule lists a day's cases by resource (--date, \
        default today), each ready or not ready with what is missing; forecast is the bed forecast \
        for the next 24 hours by unit and by hour, the patients it counts and the open discharge \
        barriers; barriers lists the open discharge barriers alone; referrals lists the open referrals with their age and \
        overdue flag, and by service the time to the report and the share of loops closed; complaints lists the open complaints with their response clock and those \
        closed in 30 days; followups lists the follow-ups after discharge (LACE, call and visit clocks) and the readmissions \
        within 30 days; research lists the studies, the study visits with their windows and the deviations; supplies lists stock against par at each location, the lots expiring within 30 days and every piece of equipment with its state and maintenance. notice --id C… prints a closed complaint's written notice (text, markdown, html). handover is the I-PASS walkthrough as a document for paper or screen (text, \
        markdown, html). changes lists what changed for a user since a time or since their last \
        shift ended (--since last-shift, the default). --at TIME shows the hospital as it was then. \
        Every report is recorded in the journal as an export before it is printed. JSON and CSV \
        carry one snake_case key per column, numbers as numbers and times in ISO 8601 with their \
        offset; Docs/REPORTS.md lists every key and its type. \
        --up-to-damage reads a journal damaged in the middle up to its last good record (for an \
        incident review): every format is marked PARTIAL, and the read is recorded beside the \
        journal in JOURNAL.partial-reads, since the damaged file is never written (Docs/OPERATIONS.md, \
        "Reading a damaged journal").
        """)

    @Argument(help: "One of: \(Report.allCases.map(\.rawValue).joined(separator: ", ")).") var report: Report
    @Option(name: .long, help: "The journal to read.") var journal: String?
    @Option(name: .long, help: "text, csv, json, markdown or html.") var format: ReportFormat = .text
    @Option(name: .long, help: "changes: since this time (\"2026-11-22 07:00\", \"yesterday 19:00\", 8h meaning that long ago) or last-shift.") var since: String?
    @Option(name: .long, help: "changes: for this login (messages to them and their role); default: you.") var user: String?
    @Option(name: .long, help: "Show the hospital as it was at this time (not for changes).") var at: String?
    @Option(name: .long, help: "schedule: the day (2026-11-23, today, tomorrow, +2d); default today.") var date: String?
    @Option(name: .long, help: "notice: the complaint (C…).") var id: String?
    @Flag(name: .long, help: "messages: every message, not only those to you, your role or from you (supervisors; recorded in the audit). interface: resolved items too, not only the open ones.") var all = false
    @Flag(name: .long, help: "A journal damaged in the middle: report on the records before the damage, marked PARTIAL (the file is not changed).") var upToDamage = false

    func validate() throws {
        if report == .handover, [.csv, .json].contains(format) { throw ValidationError("the handover report is a document: --format text, markdown or html") }
        if report == .notice {
            if [.csv, .json].contains(format) { throw ValidationError("the notice is a document: --format text, markdown or html") }
            guard let id else { throw ValidationError("the notice needs --id C… (the closed complaint whose written notice to print)") }
            guard ComplaintID.parse(Substring(id)) != nil else { throw ValidationError("--id '\(id.terminalSafe)' is not a complaint; give it as C12") }
        } else if id != nil { throw ValidationError("--id applies to the notice report") }
        if report == .changes, at != nil { throw ValidationError("--at does not apply to changes; use --since") }
        if report != .changes, since != nil || user != nil { throw ValidationError("--since and --user apply to the changes report") }
        if let since, since != "last-shift", TimeArgument.parse(since) == nil {
            throw ValidationError("--since '\(since)' is not a time; use e.g. \"2026-11-22 07:00\", \"yesterday 19:00\", 8h (that long ago) or last-shift")
        }
        if let at { try TimeArgument.validatePast(at) }
        if all, report != .messages, report != .interface { throw ValidationError("--all applies to the messages and interface reports") }
        if let date {
            guard report == .schedule else { throw ValidationError("--date applies to the schedule report") }
            guard ReportCommand.day(date) != nil else { throw ValidationError("--date '\(date)' is not a date; use e.g. 2026-11-23, today, tomorrow or +2d") }
        }
    }

    func run() throws {
        try ReportCommand.print(report, journal: Paths.journal(journal), format: format, since: since, user: user, at: at.flatMap(TimeArgument.parse),
                                allMessages: all && report == .messages, allItems: all && report == .interface, day: date.flatMap(ReportCommand.day),
                                upToDamage: upToDamage, complaint: id.flatMap { ComplaintID.parse(Substring($0)) })
    }

    /// A day as the command language reads one, in this machine's time zone.
    static func day(_ text: String) -> LocalDate? {
        CommandParser.parseDate(text, context: ParseContext(now: SystemClock().now(), wallClock: Host.localWallClock))
    }

    static func print(_ report: Report, journal path: String, format: ReportFormat, since: String? = nil, user: String? = nil, at: Timestamp? = nil,
                      allMessages: Bool = false, allItems: Bool = false, day: LocalDate? = nil, upToDamage: Bool = false, complaint: ComplaintID? = nil) throws {
        // A damaged journal is read up to the damage only when asked, and never written.
        let partial = upToDamage ? try PartialRead.check(path) : nil
        // Exports are audited: the report is noted in the journal before anything is printed.
        let engine: Engine
        do {
            engine = try Engine(journalAt: path, writable: partial == nil, upToDamage: partial != nil)
            engine.origin = Host.origin(program: "rounds report")
            if report == .changes, let user, user != engine.actor, engine.state.staff[engine.actor]?.role != .supervisor {
                warn("rounds: refused: only a supervisor may look at what changed for someone else (\(user.terminalSafe)): it lists the messages sent to them; leave out --user for your own")
                throw Exit(code: 1)
            }
            if allMessages, engine.state.staff[engine.actor]?.role != .supervisor {
                warn("rounds: refused: only a supervisor may list every message (--all); without it the report lists the messages to you, to your role and from you")
                throw Exit(code: 1)
            }
            let detail = "report \(report.rawValue) \(format.rawValue)" + (at.map { " at \(Host.localWallClock.dateTime($0))" } ?? "") + (allMessages || allItems ? " all" : "") + (complaint.map { " \($0)" } ?? "")
            if let partial {
                try partial.recordExport(detail: detail, program: "report")
            } else {
                try engine.recordAccess(.exported, patient: complaint.flatMap { engine.state.complaints[$0]?.patient }, detail: detail)
            }
        } catch let exit as Exit {
            throw exit
        } catch {
            warn("rounds: \(error)")
            PartialRead.hint(error)
            throw Exit(code: 1)
        }
        for note in engine.openNotices { warn("rounds: \(note)") }
        let now = at ?? SystemClock().now()
        var state = engine.state
        if let at {
            do { state = try Engine.state(journalAt: path, asOf: at, upToDamage: partial != nil) } catch { warn("rounds: \(error)"); throw Exit(code: 1) }
        }
        // What was due at that moment shows as due, whether or not a writer had recorded it yet.
        state = Rules.projected(state, at: now, wallClock: engine.wallClock)
        let context = ReportContext(now: now, wallClock: engine.wallClock, reader: engine.actor, readerRole: engine.state.staff[engine.actor]?.role,
                                    allMessages: allMessages, allItems: allItems, day: day)
        let text: String
        switch report {
        case .handover:
            text = HandoverReport.render(state, context, format: format)
        case .notice:
            do { text = try ComplaintNotice.render(state, id: complaint!, context, format: format) } catch { warn("rounds: \(error)"); throw Exit(code: 1) }
        case .changes:
            let who = user ?? engine.actor
            let from = (since == nil || since == "last-shift") ? state.lastShiftEnd(of: who, now: now, wallClock: engine.wallClock) : TimeArgument.parse(since!)!
            let changes: [Change]
            do { changes = try Engine.changes(journalAt: path, since: from, for: who, upToDamage: partial != nil) } catch { warn("rounds: \(error)"); throw Exit(code: 1) }
            let sorted = changes.sorted { ($0.kind.rank, $0.time, $0.seq) < ($1.kind.rank, $1.time, $1.seq) }
            let wall = engine.wallClock
            let table = Table(key: "changes", title: "What changed for \(who) since \(wall.dateTime(from))" + (since == nil || since == "last-shift" ? " (last shift)" : ""),
                              columns: [Column("Kind", key: "kind"), Column("Time", key: "time", .timestamp), Column("What", key: "what"), Column("By", key: "by")],
                              rows: sorted.map { [.text($0.kind.rawValue), .time($0.time, shown: wall.dateTime($0.time), wall), .text($0.text), .text($0.actor)] },
                              footer: ["\(changes.count) changes"])
            text = table.render(format)
        default:
            // A printed page says which hospital it is from.
            let tables = report.tables(state, context).map { t -> Table in
                var named = t
                if let name = state.hospitalName { named.title = "\(name) — \(t.title)" }
                return named
            }
            let title = (state.hospitalName.map { "\($0) — " } ?? "") + "\(report.title) at \(context.wallClock.dateTime(now))"
            text = Table.render(tables, format, title: title)
        }
        FileHandle.standardOutput.write(Data((partial.map { $0.mark(text, format: format) } ?? text).utf8))
    }
}
