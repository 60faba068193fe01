import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsReports

/// `rounds audit`: who looked at or changed a patient, and when.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer \"who looked at or changed this patient, and when\" from the journal.",
        discussion: """
        Lists every change (with --patient, those about that patient) and every recorded read (patient views, \
        searches, exports), oldest first, filtered by patient, user and time, with what each record \
        holds (who was told a critical result and their read-back, an override's reason). The \
        query is itself recorded as an export. Keys of --format csv|json: Docs/REPORTS.md. \
        --up-to-damage reads a journal damaged in the middle up to its last good record, marked \
        PARTIAL; the query is then recorded in JOURNAL.partial-reads (the damaged file is never written).
        """)

    @Option(name: .long, help: "The journal to read.") var journal: String?
    @Option(name: .long, help: "Only records about this patient (MRN).") var patient: String?
    @Option(name: .long, help: "Only records by this login.") var user: String?
    @Option(name: .long, help: "Only records at or after this time: \"2026-11-22 07:00\", \"yesterday 19:00\", or a duration such as 8h meaning that long ago.") var since: String?
    @Option(name: .long, help: "text, csv, json, markdown or html.") var format: ReportFormat = .text
    @Flag(name: .long, help: "A journal damaged in the middle: list the records before the damage, marked PARTIAL (the file is not changed).") var upToDamage = false

    func sinceTime() -> Timestamp? { since.flatMap(TimeArgument.parse) }

    func validate() throws {
        if since != nil && sinceTime() == nil { throw ValidationError("--since '\(since!)' is not a time; use e.g. \"2026-11-22 07:00\", \"yesterday 19:00\", or 8h (that long ago)") }
        if let patient, !IdentifierSyntax.isValidMRN(Substring(patient)) { throw ValidationError("--patient '\(patient)' is not an MRN") }
    }

    func run() throws {
        let path = Paths.journal(journal)
        let filters = [patient.map { "patient \($0.uppercased())" }, user.map { "user \($0)" }, since.map { "since \($0)" }].compactMap { $0 }
        let partial = try Audit.recordExport(journal: path, detail: "audit query" + (filters.isEmpty ? "" : " (\(filters.joined(separator: ", ")))"),
                                             patient: patient?.uppercased(), program: "audit", upToDamage: upToDamage)
        let entries: [AuditEntry]
        do { entries = try Engine.audit(journalAt: path, patient: patient?.uppercased(), user: user, since: sinceTime(), upToDamage: partial != nil) } catch {
            warn("rounds: \(error)")
            throw Exit(code: 1)
        }
        let wall = Host.localWallClock
        let table = Table(key: "audit", title: "Audit of \(path)" + (filters.isEmpty ? "" : " — \(filters.joined(separator: ", "))"),
                          columns: [Column("Seq", key: "seq", .integer), Column("Time", key: "time", .timestamp), Column("User", key: "user"),
                                    Column("From", key: "origin"), Column("Action", key: "action"), Column("Patient", key: "patients", .list),
                                    Column("What", key: "what")],
                          rows: entries.map { [.integer(Int($0.seq)), .time($0.time, shown: wall.dateTime($0.time), wall), .text($0.actor), .text($0.origin),
                                               .text($0.action), .list($0.patients, shown: $0.patients.joined(separator: " ")), .text($0.what)] },
                          footer: ["\(entries.count) records"])
        let text = table.render(format)
        FileHandle.standardOutput.write(Data((partial.map { $0.mark(text, format: format) } ?? text).utf8))
    }

    /// Exports are audited: note this one in the journal before any patient data is printed.
    /// If it cannot be noted, nothing is printed. With `upToDamage`, a journal damaged in the
    /// middle is not written: the read is recorded beside it, and what was found is returned
    /// (nil: the journal has no damage and the export is in the journal as usual).
    @discardableResult
    static func recordExport(journal path: String, detail: String, patient: MRN? = nil, program: String, upToDamage: Bool = false) throws -> PartialRead? {
        if upToDamage, let partial = try PartialRead.check(path) {
            try partial.recordExport(detail: detail, patient: patient, program: program)
            return partial
        }
        do {
            let engine = try Engine(journalAt: path)
            engine.origin = Host.origin(program: "rounds " + program)
            try engine.recordAccess(.exported, patient: patient, detail: detail)
        } catch {
            warn("rounds: exports are recorded in the journal, and this one could not be: \(error)")
            PartialRead.hint(error)
            throw Exit(code: 1)
        }
        return nil
    }
}
