/// Who is at the keyboard, and emergency access: sessions and break-glass grants.
///
/// A session is one run of a Rounds process that wrote to the journal. Its first record is
/// `session.opened`, naming the operating-system user id, the terminal and the SSH connection it
/// came from; every later record of that process carries the session's number (the seq of that
/// first record), so each change and each read can be traced to a login *and* a connection.
///
/// Break-glass is the emergency access procedure of 45 CFR 164.312(a)(2)(ii): someone whose role
/// lacks a permission may proceed by giving a reason. The grant is time-boxed, is shown in a
/// banner while it lasts, and waits in the supervisors' review queue until one of them reviews it.

/// A break-glass grant, printed `G3`.
public struct GrantID: SequentialID { public static let letter: Character = "G"; public let number: Int; public init(_ n: Int) { number = n } }

/// Where a session came from, as the process found it when it started.
public struct SessionOpened: Equatable, Sendable, Encodable {
    /// The real user id of the process (the login is the record's actor).
    public var uid: Int64
    /// The controlling terminal without `/dev/` (`pts/3`, `tty1`), or empty when there is none.
    public var terminal: String
    /// The SSH client as `ADDRESS PORT` (from `SSH_CONNECTION`), or empty for a local session.
    public var remote: String
    /// What ran: `rounds`, `rounds exec`, `rounds simulate`, …
    public var program: String

    public init(uid: Int64, terminal: String, remote: String, program: String) {
        self.uid = uid; self.terminal = terminal; self.remote = remote; self.program = program
    }

    /// `ssh 10.0.0.5 port 52311 on pts/3`, `pts/1`, `no terminal`.
    public var origin: String {
        let tty = terminal.isEmpty ? "no terminal" : terminal
        guard !remote.isEmpty else { return tty }
        let parts = remote.split(separator: " ")
        let from = parts.count == 2 ? "\(parts[0]) port \(parts[1])" : remote
        return "ssh \(from) on \(tty)"
    }
}

/// A session as replay knows it.
public struct SessionInfo: Equatable, Sendable {
    public var number: UInt64
    public var login: Login
    public var opened: Timestamp
    public var details: SessionOpened
}

/// How a supervisor judged a break-glass use.
public enum ReviewVerdict: String, Vocabulary {
    case appropriate, inappropriate
    case followUp = "follow-up"
}

public struct BreakGlassStarted: Equatable, Sendable, Encodable {
    public var id: GrantID; public var reason: String; public var until: Timestamp
    public init(id: GrantID, reason: String, until: Timestamp) { self.id = id; self.reason = reason; self.until = until }
}
public struct BreakGlassEnded: Equatable, Sendable, Encodable {
    public var id: GrantID
    public init(id: GrantID) { self.id = id }
}
public struct BreakGlassReviewed: Equatable, Sendable, Encodable {
    public var id: GrantID; public var verdict: ReviewVerdict; public var note: String
    public init(id: GrantID, verdict: ReviewVerdict, note: String) { self.id = id; self.verdict = verdict; self.note = note }
}

/// One break-glass grant and what was done under it.
public struct BreakGlass: Equatable, Sendable {
    /// What was done under a grant, for its reviewer.
    public struct Action: Equatable, Sendable { public var seq: UInt64; public var time: Timestamp; public var summary: String }
    public struct Review: Equatable, Sendable { public var by: Login; public var at: Timestamp; public var verdict: ReviewVerdict; public var note: String }

    public var id: GrantID
    public var login: Login
    /// The login's role when the glass was broken (nil: not on the roster).
    public var role: Role?
    public var reason: String
    public var started: Timestamp
    public var until: Timestamp
    public var endedEarly: Timestamp?
    /// The first `BreakGlass.keptActions` records written under the grant.
    public var actions: [Action] = []
    public var actionCount = 0
    public var review: Review?

    /// How many actions a grant keeps in memory for its reviewer (all are in the journal).
    public static let keptActions = 200

    public var ends: Timestamp { endedEarly.map { min($0, until) } ?? until }
    public func isActive(at now: Timestamp) -> Bool { now >= started && now < ends }

    /// The permissions a grant adds: the clinical work of the hospital. Setting up units,
    /// managing the roster, changing policy and reviewing grants are never given this way.
    public static let grants: Set<Permission> = [.place, .beds, .tasks, .labs, .critical, .procedures, .messages, .handover, .assess]
    /// How long a grant may last at most (the research's "≤ 60 min").
    public static let longest = Span.minutes(60)
    /// Reasons shorter than this say nothing a reviewer can judge.
    public static let shortestReason = 10
}

extension HospitalState {
    /// The login's grant in force at `now`, if any.
    public func activeGrant(of login: Login, at now: Timestamp) -> BreakGlass? {
        guard let id = grantOf[login], let g = grants[id], g.isActive(at: now) else { return nil }
        return g
    }

    /// Grants not yet reviewed, oldest first (the supervisors' review queue).
    public var grantsAwaitingReview: [BreakGlass] { awaitingReview.sorted().compactMap { grants[$0] } }

    /// The session a record was written in, if it named one.
    public func session(_ number: UInt64) -> SessionInfo? { number == 0 ? nil : sessions[number] }

    mutating func applyAccess(_ r: Recorded) {
        switch r.event {
        case .sessionOpened(let e):
            sessions[r.seq] = SessionInfo(number: r.seq, login: r.actor, opened: r.time, details: e)
        case .breakGlassStarted(let e):
            guard grants.accepts(e.id), !grants.contains(e.id) else { anomalies += 1; return }
            grants[e.id] = BreakGlass(id: e.id, login: r.actor, role: staff[r.actor]?.role, reason: e.reason, started: r.time, until: e.until)
            grantOf[r.actor] = e.id
            awaitingReview.insert(e.id)
            nextGrant = max(nextGrant, e.id.number + 1)
        case .breakGlassEnded(let e):
            guard grants.contains(e.id) else { anomalies += 1; return }
            if grants[e.id]!.endedEarly == nil { grants[e.id]!.endedEarly = r.time }
        case .breakGlassReviewed(let e):
            guard grants.contains(e.id) else { anomalies += 1; return }
            grants[e.id]!.review = BreakGlass.Review(by: r.actor, at: r.time, verdict: e.verdict, note: e.note)
            awaitingReview.remove(e.id)
        default:
            break
        }
    }

    /// Notes a record written under a grant on the grant, for its reviewer.
    mutating func noteGrantAction(_ r: Recorded) {
        guard let id = grantOf[r.actor], let g = grants[id] else { return }
        guard g.isActive(at: r.time) else {
            if r.time >= g.ends { grantOf[r.actor] = nil }   // expired: stop looking
            return
        }
        grants[id]!.actionCount += 1
        if g.actions.count < BreakGlass.keptActions {
            grants[id]!.actions.append(BreakGlass.Action(seq: r.seq, time: r.time, summary: r.event.summary))
        }
    }
}
