#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import RoundsDomain

/// Where the engine gets "now". Production reads the system clock; tests and the demo's bulk
/// history use a manual clock they advance themselves, so no test ever sleeps for a rule.
public protocol Clock: Sendable {
    func now() -> Timestamp
}

public struct SystemClock: Clock {
    public init() {}
    public func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(milliseconds: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}

public final class ManualClock: Clock {
    private let current: Mutex<Timestamp>
    public init(_ start: Timestamp) { current = Mutex(start) }
    public func now() -> Timestamp { current.withLock { $0 } }
    public func set(_ t: Timestamp) { current.withLock { $0 = t } }
    public func advance(_ span: Span) { current.withLock { $0 = $0 + span } }
}

/// The operating system's view of who and where we are.
public enum Host {
    /// This process's session as the journal records it: the real user id, the controlling
    /// terminal, and the SSH client from `SSH_CONNECTION` (set by sshd; for a local login it is
    /// absent). The login itself is the record's actor and comes from the user id, never from
    /// the environment.
    public static func origin(program: String) -> SessionOpened {
        var terminal = ""
        for fd: Int32 in [0, 1, 2] {
            if let name = ttyname(fd) {
                let path = String(cString: name)
                terminal = path.hasPrefix("/dev/") ? String(path.dropFirst(5)) : path
                break
            }
        }
        var remote = ""
        if let raw = getenv("SSH_CONNECTION") {
            // "client-address client-port server-address server-port"
            let parts = String(cString: raw).split(separator: " ")
            if parts.count >= 2 { remote = "\(parts[0]) \(parts[1])" }
        }
        return SessionOpened(uid: Int64(getuid()), terminal: String(terminal.prefix(32)), remote: String(remote.prefix(64)), program: program)
    }

    /// The login name of the effective user, the actor on every record this process writes.
    public static func currentUser() -> Login {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid\(geteuid())"
    }

    /// The local time zone's rule, from the C library (honours TZ).
    public static let localWallClock = WallClock { t in
        var secs = time_t(t.milliseconds / 1000)
        var tmv = tm()
        localtime_r(&secs, &tmv)
        return Int(tmv.tm_gmtoff)
    }
}
