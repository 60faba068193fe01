import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsDemo
import RoundsReports

/// prctl(2); Glibc's Swift module does not export <sys/prctl.h>.
@_silgen_name("prctl")
func rounds_prctl(_ option: Int32, _ a2: UInt, _ a3: UInt, _ a4: UInt, _ a5: UInt) -> Int32

@main
struct Rounds {
    /// Exit codes: 0 success, 1 refused or failed, 2 usage error, 3 torn tail (verify).
    static func main() {
        // Patient data must never land in a core dump.
        _ = rounds_prctl(4 /* PR_SET_DUMPABLE */, 0, 0, 0, 0)
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
        do {
            var command = try RoundsCommand.parseAsRoot()
            try command.run()
        } catch let exit as Exit {
            Foundation.exit(exit.code)
        } catch {
            let code = RoundsCommand.exitCode(for: error)
            if code == .success {
                RoundsCommand.exit(withError: error)   // --help and --version
            }
            warn(RoundsCommand.fullMessage(for: error))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

struct RoundsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rounds",
        abstract: "Rounds — the hospital medical coordinator's live worklist, bed board, labs and messages.",
        discussion: """
        Every change is journaled to an append-only, checksummed, hash-chained file that several \
        terminals on one host share. Without --journal the journal is $ROUNDS_JOURNAL, else \
        $XDG_DATA_HOME/rounds/journal.rj (~/.local/share/rounds/journal.rj).

        Exit codes: 0 success, 1 a command was refused or the journal failed, 2 usage error, \
        3 a torn tail was found (journal verify).
        """,
        version: "0.1.0",
        subcommands: [Open.self, HandoverCommand.self, Init.self, ImportCommand.self, Demo.self, Simulate.self, Exec.self, JournalCommand.self, ReportCommand.self, Audit.self, HL7Command.self],
        defaultSubcommand: Open.self
    )
}

/// `rounds [--demo] [--journal PATH]`: open Rounds on a journal (or on a fresh demo hospital).
struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open Rounds on a journal, or with --demo on a fresh demo hospital (the default command).")

    @Flag(name: .long, help: "Make a fresh demo hospital (at --journal, else $XDG_DATA_HOME/rounds/demo.rj) and open it.")
    var demo = false

    @Option(name: .long, help: "The journal to open.")
    var journal: String?

    @Flag(name: .long, help: "With --demo and --journal: replace an existing demo journal there (never any other journal).")
    var force = false

    @Flag(name: .long, help: "With --demo: keep the demo hospital still (no simulator moving it along).")
    var noSimulator = false

    @Option(name: .long, help: "Theme: default, light, high-contrast, monochrome, or a file (see Themes/README.md).")
    var theme: String?

    @Flag(name: .long, help: "Print the census instead of opening the full screen (also when output is not a terminal).")
    var print = false

    @Flag(name: .long, help: "Look without changing anything.")
    var readOnly = false

    @Flag(name: .long, help: "A wall display: read-only, the supervisor overview without patient identifiers, following live changes, never locked.")
    var wall = false

    @Option(name: .long, help: "Lock the screen after this long without a key (1s to 15m, or off; default 5m or the config file's idle-lock).")
    var idleLock: String?

    @Option(name: .long, help: "Open the hospital as it was at this time (\"today 09:00\", \"2026-11-22 07:30\", or 2h meaning that long ago): read-only; [ ] step through events, { } by 15 minutes.")
    var at: String?

    func validate() throws {
        if let at { try TimeArgument.validatePast(at) }
        if let idleLock, Config.idleLock(idleLock) == nil {
            throw ValidationError("--idle-lock '\(idleLock)' is not a duration from 1s to 15m, or off (e.g. 5m, 90s)")
        }
    }

    mutating func run() throws {
        let path: String
        var stories: (Set<MRN>, Set<LabID>) = ([], [])
        if demo {
            path = journal ?? Paths.dataDirectory + "/demo.rj"
            // Never replace a journal that is not a demo's; an explicit --journal that exists is
            // replaced only with --force (Rounds' own default demo.rj is its scratch file).
            if let refusal = Demo.replaceRefusal(path: path, force: force || journal == nil, flag: "rounds --demo") {
                warn("rounds: \(refusal)")
                throw Exit(code: 1)
            }
            try Paths.prepareDirectory(for: path)
            // The shift starts now, so the live clock and the demo's morning agree.
            let now = SystemClock().now()
            let start = Timestamp(milliseconds: now.milliseconds - now.milliseconds % 60_000)
            let options = DemoOptions(start: start, creator: Host.currentUser(), wallClock: Host.localWallClock)
            do {
                let summary = try DemoHospital.write(to: path, options: options, replace: true)
                stories = (summary.storyPatients, summary.storyLabs)
            } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
        } else {
            path = Paths.journal(journal)
        }
        if print || isatty(0) == 0 || isatty(1) == 0 {
            if demo { say("Demo hospital written to \(path)") }
            try ReportCommand.print(.census, journal: path, format: .text, at: at.flatMap(TimeArgument.parse))
            return
        }
        try Interactive.run(path: path, themeName: theme, hospital: demo ? "Demo hospital" : nil, simulate: demo && at == nil && !noSimulator,
                            leaveAlone: stories, readOnly: readOnly, wall: wall,
                            idleLock: idleLock.flatMap(Config.idleLock), at: at.flatMap(TimeArgument.parse))
    }
}

/// `rounds handover`: open Rounds on the handover walkthrough (or print it when output is not
/// a terminal).
struct HandoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handover",
        abstract: "Open the shift handover walkthrough (I-PASS order); printed as text when output is not a terminal.")

    @Option(name: .long, help: "The journal to open.") var journal: String?
    @Option(name: .long, help: "Theme (see rounds --help).") var theme: String?

    func run() throws {
        let path = Paths.journal(journal)
        if isatty(0) == 0 || isatty(1) == 0 {
            try ReportCommand.print(.handover, journal: path, format: .text)
            return
        }
        try Interactive.run(path: path, themeName: theme, hospital: nil, simulate: false, screen: .handover)
    }
}
