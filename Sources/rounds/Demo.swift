import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsDemo
import RoundsReports

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a new journal holding a synthetic demo hospital at the start of a morning shift.",
        discussion: """
        Same seed, beds, days and --at give byte-for-byte the same journal (the login that runs \
        the command is put on the roster as the demo's supervisor, so another user's journal \
        differs in that record). Without --journal it is written to $XDG_DATA_HOME/rounds/demo.rj. \
        Refuses to overwrite an existing file unless --force is given, and never overwrites a \
        journal that is not a demo's, even with --force.
        """)

    @Option(name: .long, help: "Where to write the journal (default: $XDG_DATA_HOME/rounds/demo.rj).") var journal: String?
    @Option(name: .long, help: "Seed for the synthetic data.") var seed: UInt64 = 1
    @Option(name: .long, help: "Number of beds (20–5000).") var beds: Int = 200
    @Option(name: .long, help: "Days of simulated history to write first (0–3650).") var days: Int = 0
    @Option(name: .long, help: "Start of the morning shift, e.g. \"2026-11-22 07:00\" (default: today 07:00 local, or now when that is still to come).") var at: String?
    @Flag(name: .long, help: "Replace an existing demo journal (never a hospital's journal).") var force = false
    @Flag(name: .long, help: "Do not print the census afterwards.") var quiet = false

    /// Why a demo may not be written at `path`, or nil when it may: nothing is there, or a
    /// demo's journal is there and `force` says to replace it. A journal that is not a demo's
    /// (its first record was not written by the demo generator), or a file that is not a
    /// journal at all, is never replaced, whatever the flags.
    static func replaceRefusal(path: String, force: Bool, flag: String) -> String? {
        guard FileManager.default.fileExists(atPath: path) || (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil else { return nil }
        let first: Recorded?
        do { first = try Journal.leadingRecords(at: path, bytes: 4096).first } catch {
            return "\(path) already exists and is not a demo journal (\(error)); \(flag) never replaces it. Choose another --journal"
        }
        guard let first, first.actor == DemoHospital.demoActor else {
            return "\(path) is a hospital's journal, not a demo's; \(flag) never replaces it, even with --force. Choose another --journal for the demo"
        }
        if !force { return "\(path) already exists (a demo journal); refusing to overwrite it: add --force to replace it, or choose another --journal" }
        return nil
    }

    /// Today's 07:00, or now (to the minute) before then: a demo dated after the clock would
    /// have every record in the future, and a reader's "now" would show an empty hospital.
    static func defaultStart() -> Timestamp {
        let wall = Host.localWallClock
        let now = SystemClock().now()
        let seven = wall.instant(on: wall.localDate(now), minuteOfDay: 7 * 60)
        return min(seven, Timestamp(milliseconds: now.milliseconds - now.milliseconds % 60_000))
    }

    func validate() throws {
        guard (20...5000).contains(beds) else { throw ValidationError("--beds must be from 20 to 5000, not \(beds)") }
        guard (0...3650).contains(days) else { throw ValidationError("--days must be from 0 to 3650, not \(days)") }
        if let at, CommandParser.parseTime(at, context: ParseContext(now: SystemClock().now(), wallClock: Host.localWallClock)) == nil {
            throw ValidationError("--at '\(at)' is not a time; use e.g. \"2026-11-22 07:00\" or 07:00")
        }
    }

    func run() throws {
        // A demo is never written to $ROUNDS_JOURNAL (the hospital's) by default.
        let path = journal ?? Paths.dataDirectory + "/demo.rj"
        let now = SystemClock().now()
        let start = at.flatMap { CommandParser.parseTime($0, context: ParseContext(now: now, wallClock: Host.localWallClock)) } ?? Demo.defaultStart()
        if let refusal = Demo.replaceRefusal(path: path, force: force, flag: "rounds demo") {
            warn("rounds: \(refusal)")
            throw Exit(code: 1)
        }
        try Paths.prepareDirectory(for: path)
        let options = DemoOptions(start: start, creator: Host.currentUser(), wallClock: Host.localWallClock, seed: seed, beds: beds, days: days)
        let began = SystemClock().now()
        let summary: DemoSummary
        do {
            summary = try DemoHospital.write(to: path, options: options, replace: force) { done, total in
                if isatty(2) != 0 { warn("  history: \(done * 100 / max(total, 1))%") }
            }
        } catch {
            warn("rounds: \(error)")
            throw Exit(code: 1)
        }
        let took = SystemClock().now() - began
        warn("Wrote \(summary.records) records (\(summary.units) units, \(summary.beds) beds) to \(path) in \(took)")
        if !quiet { try ReportCommand.print(.census, journal: path, format: .text) }
    }
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move a hospital forward through the same command path a person uses, as actor `sim`.",
        discussion: "Labs are collected and resulted, ED admissions arrive, beds are cleaned, tasks done, messages sent. Several simulators may run on one journal at once.")

    @Option(name: .long, help: "The journal to drive.") var journal: String?
    @Option(name: .long, help: "Commands per second (0 for as fast as possible).") var rate: Double = 2
    @Option(name: .long, help: "Stop after this many seconds.") var duration: Double?
    @Option(name: .long, help: "Stop after this many accepted commands.") var count: Int?
    @Option(name: .long, help: "Seed (default: from the clock and process id).") var seed: UInt64?
    @Flag(name: .long, help: "Print each record's sequence number, one per line, once it is durable.") var printCommits = false

    func validate() throws {
        guard rate >= 0, rate <= 100_000 else { throw ValidationError("--rate must be from 0 to 100000") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        if let count, count <= 0 { throw ValidationError("--count must be positive") }
    }

    func run() throws {
        let path = Paths.journal(journal)
        let engine: Engine
        do { engine = try Engine(journalAt: path, actor: DemoHospital.simActor) } catch {
            warn("rounds: \(error)")
            throw Exit(code: 1)
        }
        for note in engine.openNotices { warn("rounds: \(note)") }
        engine.origin = Host.origin(program: "rounds simulate")
        var sim = Simulator(seed: seed ?? UInt64(SystemClock().now().milliseconds) ^ UInt64(getpid()) << 32, wallClock: engine.wallClock)
        let clock = SystemClock()
        let began = clock.now()
        let interval = rate > 0 ? 1.0 / rate : 0
        var accepted = 0, refused = 0
        var lastTick = began
        var nextAt = Date()
        while true {
            if let duration, Double((clock.now() - began).milliseconds) / 1000 >= duration { break }
            if let count, accepted >= count { break }
            do {
                try engine.refresh()
                if clock.now() - lastTick >= .seconds(1) {
                    lastTick = clock.now()
                    let fired = try engine.tick()
                    if printCommits { for r in fired { say(String(r.seq)) } }
                    engine.snapshotIfDue()
                }
            } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
            if let command = sim.next(in: engine.state, at: clock.now()) {
                do {
                    let records = try engine.submit(command)
                    accepted += 1
                    if printCommits { for r in records { say(String(r.seq)) } }
                } catch {
                    if case .journal(let j) = error { warn("rounds: \(j)"); throw Exit(code: 1) }
                    refused += 1
                }
            }
            if interval > 0 {
                nextAt = nextAt.addingTimeInterval(interval)
                let wait = nextAt.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) } else { nextAt = Date() }
            }
        }
        warn("simulate: \(accepted) commands accepted, \(refused) refused (raced or no longer valid)")
    }
}
