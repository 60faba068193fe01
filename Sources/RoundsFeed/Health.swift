#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOConcurrencyHelpers
import RoundsDomain
import RoundsEngine

/// A feed's health for supervisors: connected senders, messages in the last minute, the last
/// message, errors. Kept in memory and written, when it changed, at most once a second to a
/// small JSON file beside the journal (`JOURNAL.feeds/LOGIN.json`, the journal's group and
/// mode), which `rounds hl7 status` and the supervisor screen read. No patient data: message
/// types, counts, times and sender addresses only.
public final class FeedHealth: Sendable {
    public struct Status: Codable, Equatable, Sendable {
        public var feed: String
        public var pid: Int32
        public var bind: String
        public var tls: Bool
        public var running: Bool
        public var started: String
        public var updated: String
        public var senders: [String]
        public var messages: Int
        public var messagesLastMinute: Int
        public var held: Int
        public var errors: Int
        public var lastMessage: String?
        public var lastMessageKind: String?
        public var lastError: String?
        public var lastErrorAt: String?
        /// Set when the status is read: the listener's process is gone though it never said it
        /// stopped (killed, or the host restarted); `running` is then false.
        public var exitedUnexpectedly: Bool?

        enum CodingKeys: String, CodingKey {
            case feed, pid, bind, tls, running, started, updated, senders, messages
            case messagesLastMinute = "messages_last_minute", held, errors
            case lastMessage = "last_message", lastMessageKind = "last_message_kind", lastError = "last_error", lastErrorAt = "last_error_at"
            case exitedUnexpectedly = "exited_unexpectedly"
        }

        /// Every key always present, `null` when there is no value (as in every report).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(feed, forKey: .feed); try c.encode(pid, forKey: .pid); try c.encode(bind, forKey: .bind)
            try c.encode(tls, forKey: .tls); try c.encode(running, forKey: .running); try c.encode(started, forKey: .started)
            try c.encode(updated, forKey: .updated); try c.encode(senders, forKey: .senders); try c.encode(messages, forKey: .messages)
            try c.encode(messagesLastMinute, forKey: .messagesLastMinute); try c.encode(held, forKey: .held); try c.encode(errors, forKey: .errors)
            try c.encode(lastMessage, forKey: .lastMessage); try c.encode(lastMessageKind, forKey: .lastMessageKind)
            try c.encode(lastError, forKey: .lastError); try c.encode(lastErrorAt, forKey: .lastErrorAt)
            try c.encode(exitedUnexpectedly ?? false, forKey: .exitedUnexpectedly)
        }
    }

    struct State {
        var status: Status
        var senders: [String: Int] = [:]
        var recent: [Int64] = []
        var dirty = true
        var lastWrite: Int64 = 0
    }

    let state: NIOLockedValueBox<State>
    let statusPath: String?
    let clock: any Clock

    public init(login: Login, statusPath: String?, clock: any Clock) {
        self.statusPath = statusPath
        self.clock = clock
        let now = clock.now().iso8601
        state = NIOLockedValueBox(State(status: Status(feed: login, pid: getpid(), bind: "", tls: false, running: false, started: now, updated: now,
                                                       senders: [], messages: 0, messagesLastMinute: 0, held: 0, errors: 0)))
    }

    public var status: Status {
        let now = clock.now().milliseconds
        return state.withLockedValue { s in
            s.recent.removeAll { $0 < now - 60_000 }
            var st = s.status
            st.messagesLastMinute = s.recent.count
            st.senders = s.senders.keys.sorted()
            return st
        }
    }

    func started(bind: String, tls: Bool) {
        state.withLockedValue { $0.status.bind = bind; $0.status.tls = tls; $0.status.running = true; $0.dirty = true }
        flush()
    }

    func stopped() {
        state.withLockedValue { $0.status.running = false; $0.senders = [:]; $0.dirty = true }
        flush()
    }

    func connected(_ peer: String) { state.withLockedValue { $0.senders[peer, default: 0] += 1; $0.dirty = true } }
    func disconnected(_ peer: String) {
        state.withLockedValue { s in
            s.senders[peer, default: 1] -= 1
            if s.senders[peer]! <= 0 { s.senders[peer] = nil }
            s.dirty = true
        }
    }

    func note(message kind: String, peer: String, held: Bool = false) {
        let now = clock.now()
        state.withLockedValue { s in
            s.status.messages += 1
            if held { s.status.held += 1 }
            s.status.lastMessage = now.iso8601
            s.status.lastMessageKind = kind
            s.recent.append(now.milliseconds)
            if s.recent.count > 100_000 { s.recent.removeFirst(s.recent.count - 100_000) }
            s.dirty = true
        }
    }

    func note(error: String) {
        let now = clock.now()
        state.withLockedValue { s in
            s.status.errors += 1
            s.status.lastError = error
            s.status.lastErrorAt = now.iso8601
            s.dirty = true
        }
    }

    func flushIfDue() {
        let now = clock.now().milliseconds
        let due = state.withLockedValue { $0.dirty || now - $0.lastWrite >= 10_000 }
        if due { flush() }
    }

    /// Writes the status file whole (a new file renamed over the old one).
    func flush() {
        guard let statusPath else { return }
        var st = status
        st.updated = clock.now().iso8601
        state.withLockedValue { $0.dirty = false; $0.lastWrite = clock.now().milliseconds }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(st) else { return }
        let dir = (statusPath as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: dir) {
            mkdir(dir, 0o2770)
        }
        let temporary = statusPath + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o660)
        guard fd >= 0 else { return }
        _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        rename(temporary, statusPath)
    }

    /// Where a feed's status lives for a journal.
    public static func statusPath(journal: String, login: Login) -> String { journal + ".feeds/" + login + ".json" }

    /// Every feed status written beside a journal.
    public static func read(journal: String) -> [Status] {
        let dir = journal + ".feeds"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = FileManager.default.contents(atPath: dir + "/" + name),
                  var status = try? JSONDecoder().decode(Status.self, from: data) else { return nil }
            // A listener killed (or a host restarted) never wrote "stopped": ask the kernel.
            if status.running, kill(status.pid, 0) != 0, errno == ESRCH {
                status.running = false
                status.exitedUnexpectedly = true
                status.senders = []
            }
            return status
        }
    }
}
