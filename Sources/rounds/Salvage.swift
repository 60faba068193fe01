import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsJournal

extension JournalCommand {
    struct Salvage: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the good records of a damaged journal into a new journal. The damaged file is never changed.",
            discussion: """
            Copies every record before the damage, byte for byte, into NEW, which must not exist yet \
            and is created like any journal (0640, or 0660 in a group-writable directory). The copy \
            ends on the same chain head as the damaged journal at its last good record, so \
            `rounds journal verify NEW --head HASH` still proves a head kept earlier. The salvage is \
            recorded in NEW as an export of the damaged journal, with every read of it recorded in \
            DAMAGED.partial-reads (--up-to-damage), since the damaged file could not record them. \
            An intact journal is refused (back it up with cp instead), and one that only ends in a \
            torn tail is left to `rounds journal repair`. Docs/OPERATIONS.md, "Reading a damaged journal".
            """)
        @Argument(help: "The damaged journal (read only).") var damaged: String
        @Argument(help: "The new journal to create.") var new: String

        func run() throws {
            guard let partial = try PartialRead.check(damaged) else {
                // Intact or a torn tail: a copy would only be a second hospital.
                let verdict = try? Journal.verify(at: damaged).verdict
                if case .tornTail? = verdict {
                    warn("rounds: \(damaged) is not damaged in the middle: it ends in a torn tail, which `rounds journal repair \(damaged)` moves aside; nothing was copied")
                } else {
                    warn("rounds: \(damaged) is intact: there is nothing to salvage (a copy of it would be a second hospital); back it up with cp and check the copy with `rounds journal verify`")
                }
                throw Exit(code: 1)
            }
            // The copy is an export of the damaged journal's patient data: recorded first.
            try partial.recordExport(detail: "journal salvage into \(new)", program: "journal salvage")
            let report: SalvageReport
            do { report = try Journal.salvage(from: damaged, to: new) } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
            // The reads of the damaged journal, recorded beside it, become records of the new one.
            do {
                let engine = try Engine(journalAt: new, actor: Host.currentUser())
                for line in PartialRead.log(of: damaged) {
                    engine.actor = line.actor
                    let when = Host.localWallClock.dateTime(Timestamp(milliseconds: line.time))
                    try engine.recordAccess(.exported, patient: line.patient, detail: "\(line.detail), \(when) from \(line.origin) (from \(PartialRead.logPath(for: damaged)))")
                }
                engine.actor = Host.currentUser()
                engine.origin = Host.origin(program: "rounds journal salvage")
                try engine.recordAccess(.exported, patient: nil, detail: "salvaged from \(damaged): \(report.records) records up to seq \(report.lastSeq); damaged at byte offset \(partial.damage.offset), record seq \(partial.damage.seq)")
            } catch {
                warn("rounds: \(new) holds the \(report.records) good records, but the salvage could not be recorded in it: \(error)")
                throw Exit(code: 1)
            }
            say("\(new): \(report.records) records copied from \(damaged), up to seq \(report.lastSeq), chain head \(report.head) at that seq (the damaged journal's)")
            say("\(damaged): unchanged; damaged at byte offset \(partial.damage.offset), record seq \(partial.damage.seq): \(partial.damage.reason). Keep it for review.")
        }
    }
}
