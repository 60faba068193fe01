import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsJournal

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run commands of the command language (Docs/COMMANDS.md): one from the arguments, or one per line from stdin with -.",
        discussion: """
        Each command is validated against the latest shared state and acknowledged only once its \
        record is durable. Exit 0 when all were accepted; 1 at the first refusal (the line and the \
        reason on stderr; earlier lines stay recorded, later lines are not run); 2 when a line is \
        not a valid command. Blank lines and lines starting with # are skipped. With \
        --all-or-none, every line is read and checked first and all are recorded in one durable \
        write, or none (for set-up files).
        """)

    @Option(name: .long, help: "The journal to change.") var journal: String?
    @Flag(name: .long, help: "With -: check every line first and record all of them or none.") var allOrNone = false
    @Argument(parsing: .captureForPassthrough, help: "The command, or - to read commands from stdin.") var words: [String] = []

    func validate() throws {
        // The words are passed through as they are, so --help would be taken for a command.
        if words.first == "--help" || words.first == "-h" { throw CleanExit.helpRequest(self) }
        if words.isEmpty { throw ValidationError("give a command, e.g. rounds exec 'bed clean 4W-02', or - to read commands from stdin") }
        if allOrNone, words != ["-"] { throw ValidationError("--all-or-none applies to commands read from stdin: rounds exec --all-or-none - < setup.txt") }
    }

    /// Shell words back into one line, quoting words that the shell had unquoted.
    static func line(from words: [String]) -> String {
        words.map { w in
            w.isEmpty || w.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" }) && words.count > 1
                ? "\"" + w.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" : w
        }.joined(separator: " ")
    }

    func run() throws {
        let engine = try openWriter(Paths.journal(journal), program: "rounds exec")
        let lines: AnySequence<String>
        if words == ["-"] {
            lines = AnySequence(sequence(state: ()) { _ in Swift.readLine(strippingNewline: true) })
        } else {
            lines = AnySequence([Exec.line(from: words)])
        }
        if allOrNone { try runAllOrNone(engine, lines: lines); return }
        var number = 0
        var written: [UInt64] = []
        func before() -> String {
            guard let first = written.first, let last = written.last else { return "no earlier line was recorded" }
            return "the lines before it were recorded (seq \(first == last ? "\(first)" : "\(first)–\(last)"))"
        }
        for raw in lines {
            number += 1
            let text = raw.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let prefix = words == ["-"] ? "line \(number): " : ""
            do {
                let records = try engine.submit(line: text)
                let mine = records.filter { r in r.actor != Engine.systemActor && !isRuleEvent(r.event) }
                written += mine.map(\.seq)
                say("ok \(mine.first.map { "seq \($0.seq)" } ?? ""): " + mine.map { $0.event.summary.terminalSafe }.joined(separator: "; "))
            } catch {
                switch error {
                case .parse(let p):
                    warn("rounds: \(prefix)\(p.message.terminalSafe)")
                    if let usage = p.usage { warn("usage: \(usage)") }
                    if words == ["-"] { warn("rounds: stopped at line \(number): \(before()); later lines were not run") }
                    throw Exit(code: 2)
                case .refused(let r):
                    warn("rounds: \(prefix)refused: \(r.reason.droppingPrefix("refused: ").terminalSafe)")
                    if let hint = r.hint { warn("  \(hint.terminalSafe)") }
                    if words == ["-"] { warn("rounds: stopped at line \(number): \(before()); later lines were not run (--all-or-none records all lines or none)") }
                    throw Exit(code: 1)
                case .journal(let j):
                    warn("rounds: \(prefix)\(j)")
                    throw Exit(code: 1)
                }
            }
        }
        engine.snapshotIfDue()
    }

    /// Reads every line, parses each (naming every line that is not a command), then records
    /// all of them in one durable write or, at the first refusal, none.
    func runAllOrNone(_ engine: Engine, lines: AnySequence<String>) throws {
        var commands: [(line: Int, command: Command)] = []
        var bad = 0
        let context = engine.parseContext
        for (i, raw) in lines.enumerated() {
            let text = raw.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            do { commands.append((i + 1, try CommandParser.parse(text, context: context))) } catch {
                bad += 1
                warn("rounds: line \(i + 1): \(error.message.terminalSafe)")
                if let usage = error.usage { warn("usage: \(usage)") }
            }
        }
        if bad > 0 {
            warn("rounds: nothing was recorded: \(bad) line\(bad == 1 ? " is" : "s are") not a command")
            throw Exit(code: 2)
        }
        do {
            let records = try engine.submitAll(commands.map(\.command))
            let mine = records.filter { $0.actor != Engine.systemActor }
            say("ok: \(commands.count) command\(commands.count == 1 ? "" : "s") recorded" + (mine.isEmpty ? "" : " as \(seqRange(mine))"))
        } catch {
            switch error {
            case .refused(let index, let r):
                warn("rounds: line \(commands[index].line): refused: \(r.reason.droppingPrefix("refused: ").terminalSafe)")
                if let hint = r.hint { warn("  \(hint.terminalSafe)") }
                warn("rounds: nothing was recorded (--all-or-none)")
                throw Exit(code: 1)
            case .journal(let j):
                warn("rounds: \(j)")
                throw Exit(code: 1)
            }
        }
        engine.snapshotIfDue()
    }

    func isRuleEvent(_ e: Event) -> Bool {
        switch e {
        case .taskEscalated, .messageEscalated, .procedureNotReady: true
        case .bedUnblocked(let u): u.automatic
        case .messageSent(let m): m.system
        default: false
        }
    }
}
