import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsJournal

/// `rounds init`: a new, empty hospital with its name and its first supervisor.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new, empty hospital: its journal, its name and its first supervisor.",
        discussion: """
        Writes a new journal holding the hospital's name and the first supervisor on the staff \
        roster; from then on roles decide who may do what (Docs/OPERATIONS.md). Then load the \
        layout and roster with `rounds import units|beds|staff FILE.csv`. Never replaces an \
        existing file.
        """)

    @Option(name: .long, help: "Where to create the journal (default: $ROUNDS_JOURNAL, else $XDG_DATA_HOME/rounds/journal.rj).") var journal: String?
    @Option(name: .long, help: "The hospital's name, e.g. \"St Example General\".") var hospital: String
    @Option(name: .long, help: "The operating-system login of the first supervisor.") var supervisor: String
    @Option(name: .long, help: "The supervisor's name as colleagues know it (default: from the host's user database, else the login).") var supervisorName: String?

    func validate() throws {
        guard IdentifierSyntax.isValidLogin(Substring(supervisor)) else {
            throw ValidationError("--supervisor '\(supervisor.terminalSafe)' is not a login; logins start with a letter and use letters, digits, ., - or _")
        }
        if supervisor == "root" || supervisor == Rules.actor {
            throw ValidationError("--supervisor \(supervisor) cannot be on the roster: every record must name one person; give the supervisor's personal login")
        }
        if let problem = TextSafety.problem(in: hospital, "--hospital") { throw ValidationError(problem) }
        if hospital.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--hospital is empty; give the hospital's name, e.g. --hospital \"St Example General\"") }
    }

    /// The name the host's user database gives a login (the first field of its GECOS).
    static func hostName(of login: String) -> String? {
        guard let pw = getpwnam(login), let gecos = pw.pointee.pw_gecos else { return nil }
        let name = String(cString: gecos).split(separator: ",", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return name.trimmingCharacters(in: .whitespaces).isEmpty ? nil : name
    }

    func run() throws {
        let path = Paths.journal(journal)
        if FileManager.default.fileExists(atPath: path) {
            warn("rounds: \(path) already exists; rounds init never replaces a file. Choose another --journal, or open this one with rounds --journal \(path)")
            throw Exit(code: 1)
        }
        if getpwnam(supervisor) == nil {
            warn("rounds: note: there is no login '\(supervisor)' on this host yet; they can use Rounds once it exists")
        }
        let name = supervisorName ?? Init.hostName(of: supervisor) ?? supervisor
        let engine: Engine
        do {
            try Paths.prepareDirectory(for: path)
            engine = try Engine(creatingJournalAt: path)
        } catch {
            warn("rounds: \(error)")
            throw Exit(code: 1)
        }
        engine.origin = Host.origin(program: "rounds init")
        do {
            try engine.submitAll([.nameHospital(hospital.trimmingCharacters(in: .whitespaces)),
                                  .setStaff(login: supervisor, name: name, role: .supervisor, onDuty: true)])
        } catch {
            switch error {
            case .refused(_, let r): warn("rounds: refused: \(r.description)")
            case .journal(let j): warn("rounds: \(j)")
            }
            // Nothing but the header was written: leave no half-made hospital behind.
            unlink(path); unlink(path + ".commit")
            throw Exit(code: 1)
        }
        var st = stat()
        let mode = stat(path, &st) == 0 ? String(st.st_mode & 0o777, radix: 8) : "?"
        say("Created \(path) (mode 0\(mode)): \"\(hospital.terminalSafe)\", first supervisor \(supervisor) (\(name.terminalSafe)).")
        say("Next, as \(supervisor): rounds import units FILE.csv, rounds import beds FILE.csv, rounds import staff FILE.csv (Docs/COMMANDS.md, \"Set-up files and imports\").")
    }
}

/// "seq 56" or "seq 56–61".
func seqRange(_ records: [Recorded]) -> String {
    guard let first = records.first?.seq, let last = records.last?.seq else { return "nothing" }
    return first == last ? "seq \(first)" : "seq \(first)–\(last)"
}

/// `rounds import units|beds|staff FILE.csv`: the layout and roster from a hospital's files.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load units, beds or staff from a CSV file with a header row (all rows or none).",
        discussion: """
        Columns (the first line names them, in any order):
          units: \(ImportKind.units.headerExample)
          beds:  \(ImportKind.beds.headerExample)   (attributes: isolation;telemetry;bariatric, or empty)
          staff: \(ImportKind.staff.headerExample)   (on_duty: yes or no, default yes)

        The whole file is checked first; every bad row is reported with its line and column and \
        nothing is written unless every row is valid. Rows that match what the hospital holds \
        change nothing, so importing the same file again records nothing. Staff rows that differ \
        update the roster. Exit 0 when recorded (or nothing to record), 1 when refused.
        """)

    @Argument(help: "units, beds or staff.") var kind: String
    @Argument(help: "The CSV file, or - for standard input.") var file: String
    @Option(name: .long, help: "The journal to load into.") var journal: String?
    @Flag(name: .long, help: "Check the file and say what it would record, without recording anything.") var check = false

    func validate() throws {
        guard ImportKind(rawValue: kind.lowercased()) != nil else {
            throw ValidationError("'\(kind.terminalSafe)' is not something to import; use units, beds or staff")
        }
    }

    func run() throws {
        let kind = ImportKind(rawValue: self.kind.lowercased())!
        let text: String
        do {
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            guard let decoded = String(validating: Array(data), as: UTF8.self) else {
                let bytes = Array(data)
                var line = 1, offset = 0
                // Find the first byte that is not UTF-8 by growing a valid prefix.
                var end = 0
                while end < bytes.count {
                    var next = end + 1
                    while next <= min(bytes.count, end + 4), String(validating: bytes[end..<next], as: UTF8.self) == nil { next += 1 }
                    if next > min(bytes.count, end + 4) { break }
                    if bytes[end] == 0x0A { line += 1 }
                    end = next
                }
                offset = end
                warn("rounds: \(file) is not UTF-8 text: line \(line), byte \(offset + 1) of the file (0x\(String(bytes[min(offset, bytes.count - 1)], radix: 16, uppercase: true))) is not UTF-8; save it from the spreadsheet as \"CSV UTF-8\" and import it again")
                throw Exit(code: 1)
            }
            text = decoded
        } catch let e as Exit { throw e } catch {
            warn("rounds: cannot read \(file): \((error as NSError).localizedDescription)")
            throw Exit(code: 1)
        }
        let engine = try openWriter(Paths.journal(journal), program: "rounds import")
        let name = file == "-" ? "stdin" : file
        // Say at once when this login may not import this kind, before reading every row.
        let sample: Command = kind == .staff ? .setStaff(login: "x", name: nil, role: nil, onDuty: nil) : .addUnit(code: "X", name: "x", kind: .icu)
        if let refusal = Authorization.refusal(sample, actor: engine.actor, in: engine.state, at: SystemClock().now()) {
            warn("rounds: refused: \(refusal.description.terminalSafe)")
            warn("rounds: nothing was imported")
            throw Exit(code: 1)
        }
        let plan: ImportPlan
        switch Import.plan(kind, text: text, in: engine.state) {
        case .failure(let found):
            let problems = found.problems
            for p in problems.prefix(50) { warn("\(name): \(p)") }
            if problems.count > 50 { warn("\(name): … and \(problems.count - 50) more problems") }
            warn("rounds: nothing was imported: \(problems.count) problem\(problems.count == 1 ? "" : "s") in \(name); fix \(problems.count == 1 ? "it" : "them") and import the whole file again")
            throw Exit(code: 1)
        case .success(let p):
            plan = p
        }
        let summary = "\(plan.rows) row\(plan.rows == 1 ? "" : "s"): \(plan.added) to add, \(plan.updated) to update, \(plan.unchanged) unchanged"
        if check || plan.commands.isEmpty {
            say("\(name): \(summary)" + (plan.commands.isEmpty ? "; nothing to record" : "; checked only, nothing recorded"))
            return
        }
        do {
            let records = try engine.submitAll(plan.commands.map(\.command))
            let mine = records.filter { $0.actor != Engine.systemActor }
            say("\(name): \(summary); recorded as \(seqRange(mine))")
        } catch {
            switch error {
            case .refused(let index, let r):
                warn("\(name): line \(plan.commands[index].line): refused: \(r.description)")
                warn("rounds: nothing was imported")
            case .journal(let j):
                warn("rounds: \(j)")
            }
            throw Exit(code: 1)
        }
        engine.snapshotIfDue()
    }
}
