import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsJournal

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run commands of the command language (Docs/COMMANDS.md): one from the arguments, or one per line from stdin with -.",
        discussion: """
        Each command is validated against the latest shared state and acknowledged only once its
        record is durable. Exit 0 when all were accepted; 1 at the first refusal (reason on stderr,
        later lines not run); 2 when a line is not a valid command. Blank lines and lines starting
        with # are skipped.
        """)

    @Option(name: .long, help: "The journal to change.") var journal: String?
    @Argument(parsing: .captureForPassthrough, help: "The command, or - to read commands from stdin.") var words: [String] = []

    func validate() throws {
        if words.isEmpty { throw ValidationError("give a command, e.g. rounds exec 'bed clean 4W-02', or - to read commands from stdin") }
    }

    /// Shell words back into one line, quoting words that the shell had unquoted.
    static func line(from words: [String]) -> String {
        words.map { w in
            w.isEmpty || w.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" }) && words.count > 1
                ? "\"" + w.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" : w
        }.joined(separator: " ")
    }

    func run() throws {
        let path = Paths.journal(journal)
        let engine: Engine
        do { engine = try Engine(journalAt: path) } catch {
            warn("rounds: \(error)")
            throw Exit(code: 1)
        }
        for note in engine.openNotices { warn("rounds: \(note)") }
        engine.origin = Host.origin(program: "rounds exec")
        let lines: AnySequence<String>
        if words == ["-"] {
            lines = AnySequence(sequence(state: ()) { _ in Swift.readLine(strippingNewline: true) })
        } else {
            lines = AnySequence([Exec.line(from: words)])
        }
        var number = 0
        for raw in lines {
            number += 1
            let text = raw.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let prefix = words == ["-"] ? "line \(number): " : ""
            do {
                let records = try engine.submit(line: text)
                let mine = records.filter { r in !isRuleEvent(r.event) }
                say("ok \(mine.first.map { "seq \($0.seq)" } ?? ""): " + mine.map(\.event.summary).joined(separator: "; "))
            } catch {
                switch error {
                case .parse(let p):
                    warn("rounds: \(prefix)\(p.message)")
                    if let usage = p.usage { warn("usage: \(usage)") }
                    throw Exit(code: 2)
                case .refused(let r):
                    warn("rounds: \(prefix)refused: \(r.reason)")
                    if let hint = r.hint { warn("  \(hint)") }
                    throw Exit(code: 1)
                case .journal(let j):
                    warn("rounds: \(prefix)\(j)")
                    throw Exit(code: 1)
                }
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
