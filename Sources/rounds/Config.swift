import Foundation
import RoundsDomain

/// Settings from `$XDG_CONFIG_HOME/rounds/config`: `key = value` lines, `#` comments. Reading
/// the file is in Interactive.swift; `parse` is pure so that Fuzz/config can feed it any bytes.
struct Config {
    var theme: String?
    var hospital: String?
    /// Lock the screen after this long without a key; nil: never (`off`).
    var idleLock: Span? = .minutes(5)
    var pamService = "rounds"
    var warnings: [String] = []

    static let keys = ["theme", "hospital", "idle-lock", "pam-service"]

    /// `5m`, `90s`, `1h`, or `off`. Longer than 15 minutes is refused: the lock is there for
    /// a terminal left alone, and HIPAA's automatic logoff means minutes.
    static func idleLock(_ text: String) -> Span?? {
        if text.lowercased() == "off" { return .some(nil) }
        guard let span = CommandParser.parseSpan(text), span >= .seconds(1), span <= .minutes(15) else { return nil }
        return .some(span)
    }

    /// The settings in `text`, the contents of the file at `path` (named in warnings).
    static func parse(_ text: String, path: String) -> Config {
        var c = Config()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if line.isEmpty { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { c.warnings.append("\(path) line \(i + 1): expected key = value"); continue }
            switch parts[0] {
            case "theme": c.theme = parts[1]
            case "hospital": c.hospital = parts[1]
            case "idle-lock":
                if let v = idleLock(parts[1]) { c.idleLock = v }
                else { c.warnings.append("\(path) line \(i + 1): idle-lock '\(parts[1])' is not a duration from 1s to 15m, or off; using 5m") }
            case "pam-service": c.pamService = parts[1]
            default: c.warnings.append("\(path) line \(i + 1): unknown key '\(parts[0])'; known keys: \(keys.joined(separator: ", "))")
            }
        }
        return c
    }
}
