#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsReports

extension JournalCommand {
    struct Follow: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follow a journal: print each new record as a JSON line as soon as any process appends it.",
            discussion: """
            Starts at the end of the journal (records already there are not printed) and looks for new \
            records every 100 ms, checking each record's checksums and chain link. With --until-seq it \
            stops after that record; with --summary it then prints the last sequence number, the chain \
            head it verified, and how long records took to appear (from each record's time to when this \
            process read it). Following is an export of patient data and is recorded as one.
            """)
        @Argument(help: "The journal file.") var path: String
        @Option(name: .long, help: "Stop after the record with this sequence number.") var untilSeq: UInt64?
        @Flag(name: .long, help: "Do not print the records.") var quiet = false
        @Flag(name: .long, help: "At the end, print: seq N head HASH records N latency_ms p50 … p99 … max ….") var summary = false

        func run() throws {
            try Audit.recordExport(journal: path, detail: "journal follow", program: "journal follow")
            let engine: Engine
            do { engine = try Engine(journalAt: path, writable: false) } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var latencies: [Int64] = []
            while untilSeq.map({ engine.state.lastSeq < $0 }) ?? true {
                do {
                    if !engine.journal.mayHaveNewRecords {
                        var pause = timespec(tv_sec: 0, tv_nsec: Int(Engine.followInterval.milliseconds) * 1_000_000)
                        nanosleep(&pause, nil)
                        continue
                    }
                    let now = SystemClock().now()
                    try engine.refresh { r in
                        latencies.append((now - r.time).milliseconds)
                        if !quiet, let data = try? encoder.encode(DumpLine(seq: r.seq, time: r.time.iso8601, actor: r.actor, session: r.session, type: r.event.typeName,
                                                                            data: AnyEncodable(r.event.payload))) {
                            FileHandle.standardOutput.write(Data(JSON.terminalSafe(Array(data)) + [0x0A]))
                        }
                    }
                } catch {
                    warn("rounds: \(error)")
                    throw Exit(code: 1)
                }
            }
            if summary {
                latencies.sort()
                func pct(_ p: Double) -> Int64 { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
                say("seq \(engine.state.lastSeq) head \(engine.journal.position.prev) records \(latencies.count) latency_ms p50 \(pct(0.5)) p99 \(pct(0.99)) max \(latencies.last ?? 0)")
            }
        }
    }
}
