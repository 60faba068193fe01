import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsReports

struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "Check, repair and read a journal file.",
        subcommands: [Verify.self, Head.self, Snapshot.self, Repair.self, Dump.self, Follow.self, Salvage.self])

    struct Head: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the journal's chain head (SHA-256 of its last record) and sequence number, to keep somewhere else.",
            discussion: "Later, `rounds journal verify PATH --head HASH` proves the journal still extends that head: no record up to it was edited, removed or reordered.")
        @Argument(help: "The journal file.") var path: String

        func run() throws {
            do {
                let r = try Journal.verify(at: path)
                guard case .intact = r.verdict else {
                    warn("rounds: \(path) is not intact; run `rounds journal verify \(path)`")
                    throw Exit(code: 1)
                }
                say("\(r.head) seq \(r.lastSeq)")
            } catch let e as JournalError {
                warn("rounds: \(e)")
                throw Exit(code: 1)
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every record's checksum, sequence number and SHA-256 link.",
            discussion: "Exit 0 when intact; 1 on damage (naming byte offset and sequence number) or when --head is given and the journal does not extend it; 3 on a torn tail (run `rounds journal repair`).")
        @Argument(help: "The journal file.") var path: String
        @Option(name: .long, help: "A chain head printed earlier by `rounds journal head`: check the journal still extends it.") var head: String?

        func validate() throws {
            if let head, ChainHash(hex: head) == nil { throw ValidationError("--head must be 64 hexadecimal digits, as `rounds journal head` prints") }
        }

        /// The snapshot is a cache that opening trusts once it is linked: check it equals the
        /// replay it stands for.
        func checkSnapshot() throws {
            let file = RoundsJournal.Snapshot.path(for: path)
            switch try Engine.checkSnapshot(journalAt: path) {
            case .none: break
            case .matches(let info): say("\(file): matches the journal up to seq \(info.records)")
            case .ignored(let why): say("\(file): \(why); opening ignores it and replays the whole journal. `rounds journal snapshot \(path)` replaces it")
            case .differs(let info):
                warn("\(file): DIFFERS from replaying the journal up to seq \(info.records): it was edited or written by a faulty Rounds. Remove it (rm \(file)) or replace it with `rounds journal snapshot \(path)`")
                throw Exit(code: 1)
            }
        }

        func run() throws {
            let report: VerifyReport
            let anchor = head.flatMap { ChainHash(hex: $0) }
            do { report = try Journal.verify(at: path, anchor: anchor) } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
            let wall = Host.localWallClock
            let span = report.firstTime.map { "\(wall.dateTime($0)) to \(wall.dateTime(report.lastTime!))" } ?? "no records"
            let summary = "\(report.records) records, last seq \(report.lastSeq), \(span), \(report.bytes) bytes, chain head \(report.head)"
            if anchor != nil {
                if let seq = report.anchoredAt {
                    say("\(path): extends the given head (record seq \(seq)); \(report.lastSeq - seq) records since")
                } else {
                    warn("\(path): does NOT extend the given head: a record up to it was edited, removed or reordered, or the journal was replaced")
                    if case .intact = report.verdict { throw Exit(code: 1) }
                }
            }
            switch report.verdict {
            case .intact:
                say("\(path): intact — \(summary)")
                try checkSnapshot()
            case let .tornTail(offset, length, reason):
                say("\(path): \(summary)")
                warn("\(path): torn tail — \(length) bytes at offset \(offset) after seq \(report.lastSeq) (\(reason)); the records before it are intact. Run `rounds journal repair \(path)` to move the tail aside.")
                throw Exit(code: 3)
            case .damaged(let d):
                say("\(path): \(report.records) good records before the damage, last good seq \(report.lastSeq)")
                warn("\(path): DAMAGED at byte offset \(d.offset), record seq \(d.seq): \(d.reason)")
                throw Exit(code: 1)
            }
        }
    }

    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a snapshot of the journal's state now, so that opening replays only what comes after it.",
            discussion: "The snapshot is PATH.snapshot, written atomically; Rounds also takes one every \(Engine.snapshotInterval) records. It is a cache: the journal stays complete, and a damaged or stale snapshot is ignored. Needs write access to the journal's directory.")
        @Argument(help: "The journal file.") var path: String

        func run() throws {
            do {
                let engine = try Engine(journalAt: path, actor: Host.currentUser())
                for note in engine.openNotices { warn("rounds: \(note)") }
                let clock = SystemClock()
                let t0 = clock.now()
                let bytes = try engine.writeSnapshot()
                let ms = (clock.now() - t0).milliseconds
                say("\(RoundsJournal.Snapshot.path(for: path)): \(engine.state.lastSeq) records, \(bytes) bytes, written in \(ms) ms")
            } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
        }
    }

    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a torn tail aside into a side file next to the journal. Never deletes data.",
            discussion: "Damage before the tail is not repaired: restore from a backup, and keep the damaged file for review.")
        @Argument(help: "The journal file.") var path: String

        func run() throws {
            do {
                let report = try Journal.repair(at: path)
                if let torn = report.tornTail {
                    say("\(path): \(torn); \(report.records) records kept")
                } else {
                    say("\(path): no torn tail; \(report.records) records, nothing to do")
                }
            } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
        }
    }

    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every record as one JSON object per line: seq, time, actor, session, type and the event's data.",
            discussion: "Sets (bed attributes, precautions, needs) are listed in word order, so the same journal dumps to the same bytes every time. Control characters and bidirectional overrides in recorded text are written as \\uXXXX escapes, never raw. With --up-to-damage, a journal damaged in the middle is dumped up to its last good record, after a first line {\"partial\": {…}} that says where the damage is; the read is recorded in JOURNAL.partial-reads and the damaged file is not changed.")
        @Argument(help: "The journal file.") var path: String
        @Flag(name: .long, help: "A journal damaged in the middle: dump the records before the damage, after a first line saying it is partial.") var upToDamage = false

        func run() throws {
            let partial = try Audit.recordExport(journal: path, detail: "journal dump", program: "journal dump", upToDamage: upToDamage)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var failure: (any Error)?
            let out = FileHandle.standardOutput
            var buffer = Data()
            if let partial { buffer.append(contentsOf: Array(("{\"partial\": " + partial.jsonObject + "}\n").utf8)) }
            do {
                _ = try Journal.open(at: path, writable: false, upToDamage: partial != nil) { r in
                    guard failure == nil else { return }
                    do {
                        let line = DumpLine(seq: r.seq, time: r.time.iso8601, actor: r.actor, session: r.session, type: r.event.typeName, data: AnyEncodable(r.event.payload))
                        buffer.append(contentsOf: JSON.terminalSafe(Array(try encoder.encode(line))))
                        buffer.append(0x0A)
                        if buffer.count > 1 << 16 { out.write(buffer); buffer.removeAll(keepingCapacity: true) }
                    } catch { failure = error }
                }
            } catch {
                out.write(buffer)
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
            out.write(buffer)
            if let failure { warn("rounds: \(failure)"); throw Exit(code: 1) }
        }
    }
}

struct DumpLine: Encodable {
    var seq: UInt64
    var time: String
    var actor: String
    /// The seq of the writer's `session.opened` record; 0 when it named none.
    var session: UInt64
    var type: String
    var data: AnyEncodable
}

struct AnyEncodable: Encodable {
    let value: any Encodable
    init(_ value: any Encodable) { self.value = value }
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
