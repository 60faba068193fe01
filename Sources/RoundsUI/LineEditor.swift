import RoundsDomain

/// A one-line text field: the command line, the filter and every form field.
public struct LineEditor: Equatable, Sendable {
    public var text: String
    public var cursor: Int

    public init(_ text: String = "") { self.text = text; cursor = text.count }

    /// Applies an editing key; returns false for keys it does not handle.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c):
            let i = text.index(text.startIndex, offsetBy: cursor)
            text.insert(c, at: i)
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            let i = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: i)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < text.count else { return true }
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"): text = String(text.dropFirst(cursor)); cursor = 0
        case .ctrl("k"): text = String(text.prefix(cursor))
        case .ctrl("w"):
            var before = String(text.prefix(cursor))
            let after = String(text.dropFirst(cursor))
            while before.last == " " { before.removeLast() }
            while let l = before.last, l != " " { _ = l; before.removeLast() }
            text = before + after
            cursor = before.count
        default: return false
        }
        return true
    }
}

/// Completion for the command line: verbs, sub-commands, MRNs, beds, staff logins and ids.
public enum Completion {
    static let subcommands: [String: [String]] = [
        "bed": ["dirty", "cleaning", "clean", "block", "unblock", "release", "add"],
        "task": ["add", "start", "wait", "done", "cancel", "reopen", "reassign", "snooze", "note"],
        "lab": ["order", "collect", "receive", "result", "ack", "communicate", "cancel"],
        "proc": ["book", "move", "start", "done", "cancel"],
        "msg": ["send", "reply", "read", "ack"],
        "staff": ["add", "set"], "unit": ["add"], "policy": ["set"],
        "barrier": ["add", "resolve"],
    ]

    /// Candidates for the last word of `line`.
    public static func candidates(_ line: String, words: [String]) -> [String] {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let current = parts.last ?? ""
        let pool: [String]
        if parts.count <= 1 {
            pool = CommandParser.verbs
        } else if parts.count == 2, let subs = subcommands[parts[0].lowercased()] {
            pool = subs
        } else {
            pool = words
        }
        let lower = current.lowercased()
        return pool.filter { $0.lowercased().hasPrefix(lower) && $0 != current }
    }

    /// Completes the last word: alone, fully; several, to their common prefix.
    public static func complete(_ line: String, words: [String]) -> (String, [String]) {
        let found = candidates(line, words: words)
        guard !found.isEmpty else { return (line, []) }
        var parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let current = parts.popLast() ?? ""
        var prefix = found[0]
        for f in found.dropFirst() {
            while !f.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
        }
        let word = found.count == 1 ? found[0] + " " : (prefix.count > current.count ? prefix : current)
        return ((parts + [word]).joined(separator: " "), found.count == 1 ? [] : found)
    }
}
