#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsReports

/// Reading a damaged journal up to its damage, for an incident review (`--up-to-damage` on
/// report, audit and journal dump): where the damage is, where the read is recorded, and how
/// what is printed is marked as partial. The damaged file itself is never written.
struct PartialRead {
    var path: String
    var damage: JournalDamage
    /// Records before the damage, and the last of them.
    var records: Int
    var lastGoodSeq: UInt64

    /// The damage of the journal at `path`, or nil when it has none (intact, or a torn tail,
    /// which every reader already reads up to). Exits 1 when it cannot be read at all.
    static func check(_ path: String) throws -> PartialRead? {
        let report: VerifyReport
        do { report = try Journal.verify(at: path) } catch {
            warn("rounds: \(error)")
            throw Exit(code: 1)
        }
        guard case .damaged(let d) = report.verdict else { return nil }
        return PartialRead(path: path, damage: d, records: report.records, lastGoodSeq: report.lastSeq)
    }

    /// After a refusal because the journal is damaged: how to read what comes before the damage.
    static func hint(_ error: any Error) {
        if case .damaged = error as? JournalError {
            warn("rounds: to read the records before the damage, add --up-to-damage (the output is marked PARTIAL); `rounds journal salvage` copies them into a new journal")
        }
    }

    /// What a partial read says, on the page and on stderr.
    var banner: String {
        "PARTIAL: \(path) is damaged at byte offset \(damage.offset) (record seq \(damage.seq): \(damage.reason)); "
            + "this shows only the \(records) records up to seq \(lastGoodSeq), nothing recorded after the damage"
    }

    /// The side file beside a damaged journal in which reads of it are recorded (the journal
    /// cannot be written); `rounds journal salvage` carries them into the new journal.
    static func logPath(for journal: String) -> String { journal + ".partial-reads" }

    /// One read of a damaged journal, as a line of its side file.
    struct LogLine: Codable {
        var time: Int64
        var actor: String
        var origin: String
        var detail: String
        var patient: String?
    }

    /// Exports are audited: a read of a damaged journal is recorded, durably, in its side file
    /// before anything is printed. If it cannot be, nothing is printed.
    func recordExport(detail: String, patient: MRN? = nil, program: String) throws {
        let origin = Host.origin(program: "rounds " + program)
        let line = LogLine(time: SystemClock().now().milliseconds, actor: Host.currentUser(), origin: origin.origin,
                           detail: "\(detail), up to seq \(lastGoodSeq) of a damaged journal", patient: patient)
        let log = PartialRead.logPath(for: path)
        do {
            var bytes = try JSONEncoder().encode(line)
            bytes.append(0x0A)
            let fd = Glibc.open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            if fd < 0 { throw JournalError.system(log, operation: "opening", errno: errno) }
            defer { close(fd) }
            var st = stat()
            if stat(path, &st) == 0 { Journal.matchJournal(fd, st) }
            let wrote = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if wrote != bytes.count { throw JournalError.system(log, operation: "writing", errno: wrote < 0 ? errno : ENOSPC) }
            if fsync(fd) != 0 { throw JournalError.system(log, operation: "syncing", errno: errno) }
        } catch {
            warn("rounds: exports are recorded, and a read of a damaged journal is recorded in \(log), which could not be written: \(error)")
            throw Exit(code: 1)
        }
        warn("rounds: \(banner)")
    }

    /// The reads recorded beside a damaged journal (lines that cannot be read are skipped).
    static func log(of journal: String) -> [LogLine] {
        guard let data = FileManager.default.contents(atPath: logPath(for: journal)) else { return [] }
        return data.split(separator: 0x0A).compactMap { try? JSONDecoder().decode(LogLine.self, from: Data($0)) }
    }

    /// `text` in `format`, marked as partial where a reader of that format cannot miss it: a
    /// first line (text, Markdown, CSV as a `#` comment), a paragraph at the top of the page
    /// (HTML), or, for JSON, an object whose `partial` says what is missing around the report
    /// itself (`report`), so no program takes it for a whole one.
    func mark(_ text: String, format: ReportFormat) -> String {
        switch format {
        case .text: return banner + "\n\n" + text
        case .markdown: return "> **PARTIAL:**" + banner.dropFirst("PARTIAL:".count) + "\n\n" + text
        case .csv: return "# " + banner + "\r\n" + text
        case .html:
            let note = "<p class=\"partial\"><strong>PARTIAL</strong>" + HTML.escape(String(banner.dropFirst("PARTIAL".count))) + "</p>\n"
            if let body = text.range(of: "<body>") { return text[..<body.upperBound] + "\n" + note + text[body.upperBound...] }
            return note + text
        case .json:
            let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
            return "{\"partial\": " + jsonObject + ", \"report\": " + body + "}\n"
        }
    }

    /// What is missing, as a JSON object (also the first line of a partial dump).
    var jsonObject: String {
        "{\"journal\": \(JSON.quote(path)), \"damaged_at_offset\": \(damage.offset), \"damaged_seq\": \(damage.seq), "
            + "\"reason\": \(JSON.quote(damage.reason)), \"records\": \(records), \"last_good_seq\": \(lastGoodSeq)}"
    }
}
