// Messages between staff and their events.

public struct Message: Equatable, Sendable, Encodable {
    public var id: MessageID
    public var from: Login
    public var to: Assignee
    public var patient: MRN?
    public var subject: String
    public var body: String
    public var urgent: Bool
    public var sentAt: Timestamp
    /// The first message of the thread (itself for a new thread).
    public var thread: MessageID
    public var replyTo: MessageID?
    public var readBy: [Login: Timestamp]
    public var acknowledgedBy: Login?
    public var acknowledgedAt: Timestamp?
    /// Set when a supervisor acknowledged for the recipients.
    public var acknowledgedOnBehalfOf: Assignee? = nil
    /// 0 none, 1 overdue for acknowledgement, 2 supervisor told.
    public var escalation: Int
    /// Raised by the engine (escalation notices); these do not escalate further.
    public var system: Bool

    /// Urgent and nobody has acknowledged it yet.
    public var awaitsAcknowledgement: Bool { urgent && acknowledgedBy == nil }

    /// Whether `login` (holding `role`, if on the roster) is a recipient: the message is
    /// addressed to them by name, or to their role.
    @inlinable public func isAddressed(to login: Login, role: Role?) -> Bool {
        switch to {
        case .person(let p): p == login
        case .role(let r): r == role
        }
    }

    /// Whether the message is `login`'s business: addressed to them or their role, or sent by
    /// them. This is what a messages pane or report shows by default; a supervisor may look at
    /// every message, and that look is an audited read.
    @inlinable public func concerns(_ login: Login, role: Role?) -> Bool {
        from == login || isAddressed(to: login, role: role)
    }
}

public struct MessageSent: Equatable, Sendable, Encodable {
    public var id: MessageID; public var to: Assignee; public var patient: MRN?; public var subject: String; public var body: String
    public var urgent: Bool; public var replyTo: MessageID?; public var system: Bool
}

public struct MessageRead: Equatable, Sendable, Encodable { public var id: MessageID }

public struct MessageAcknowledged: Equatable, Sendable, Encodable {
    public var id: MessageID
    /// Set when a supervisor acknowledged for the recipients (they were not one of them).
    public var onBehalfOf: Assignee?
    public init(id: MessageID, onBehalfOf: Assignee? = nil) { self.id = id; self.onBehalfOf = onBehalfOf }
}

public struct MessageEscalated: Equatable, Sendable, Encodable { public var id: MessageID; public var level: Int }
