import Foundation
import ArgumentParser
import RoundsDomain
import RoundsEngine

/// Where journals live when no `--journal` is given: `ROUNDS_JOURNAL`, else the XDG data directory.
enum Paths {
    static var dataDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/rounds" }
        let home = env["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/rounds"
    }

    static func journal(_ explicit: String?) -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["ROUNDS_JOURNAL"], !env.isEmpty { return env }
        return dataDirectory + "/journal.rj"
    }

    /// Creates the directory that will hold `path` (mode 0750) when it does not exist yet.
    static func prepareDirectory(for path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        guard !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) else { return }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
    }
}

/// Times given on the command line (`--since`, `--at`): a time as the command language reads
/// it ("2026-11-22 07:00", "yesterday 19:00", "today 09:00"), or a duration meaning that long ago.
enum TimeArgument {
    static func parse(_ text: String) -> Timestamp? {
        let ctx = ParseContext(now: SystemClock().now(), wallClock: Host.localWallClock)
        if !text.hasPrefix("+"), let span = CommandParser.parseSpan(text.hasPrefix("-") ? String(text.dropFirst()) : text) { return ctx.now - span }
        return CommandParser.parseTime(text, context: ctx)
    }

    /// `--at`: a time in the past (time travel goes back, not forward).
    static func validatePast(_ text: String, option: String = "--at") throws {
        guard let t = parse(text) else {
            throw ValidationError("\(option) '\(text)' is not a time; use e.g. \"today 09:00\", \"2026-11-22 07:00\" or 2h (that long ago)")
        }
        if t > SystemClock().now() {
            throw ValidationError("\(option) '\(text)' is in the future; the journal can show only what has happened")
        }
    }
}

/// The journal at `path` opened to write as this login, with what opening found said on
/// stderr and the program named in the session its first write opens; when it cannot be
/// opened, the reason is said and the process exits 1.
func openWriter(_ path: String, program: String) throws -> Engine {
    let engine: Engine
    do { engine = try Engine(journalAt: path) } catch {
        warn("rounds: \(error)")
        throw Exit(code: 1)
    }
    for note in engine.openNotices { warn("rounds: \(note)") }
    engine.origin = Host.origin(program: program)
    return engine
}

/// Standard error, unbuffered. Line by line terminal-safe: text from the journal (a reason, a
/// name in a refusal) never reaches the terminal with a control character or a bidirectional
/// override in it (`TextSafety.escaped`).
func warn(_ text: String) {
    FileHandle.standardError.write(Data((safeLines(text) + "\n").utf8))
}

/// Standard output, flushed at once (for scripts reading line by line); terminal-safe like `warn`.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((safeLines(text) + "\n").utf8))
}

/// `text` with its line breaks kept and everything else unsafe on a terminal escaped.
func safeLines(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).terminalSafe }.joined(separator: "\n")
}

/// A failure the command has already explained on stderr; the process exits with `code`.
struct Exit: Error {
    let code: Int32
}

extension String {
    /// This text without `prefix` at its start (as it is when it does not start so).
    func droppingPrefix(_ prefix: String) -> String { hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self }
}
