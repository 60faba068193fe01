import Foundation
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

/// Standard error, unbuffered.
func warn(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Standard output, flushed at once (for scripts reading line by line).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A failure the command has already explained on stderr; the process exits with `code`.
struct Exit: Error {
    let code: Int32
}
