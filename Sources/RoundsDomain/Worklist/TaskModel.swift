// Tasks on the worklist and their events.

/// What raised a task, so the worklist can lead back to it.
public enum TaskLink: Hashable, Sendable, Encodable, CustomStringConvertible {
    case none
    case lab(LabID)
    case message(MessageID)
    case procedure(ProcedureID)
    case bed(BedID)
    case stay(StayID)
    case task(TaskID)
    case referral(ReferralID)
    case complaint(ComplaintID)
    case followUp(FollowUpID)

    public var description: String {
        switch self {
        case .none: ""
        case .lab(let id): id.description
        case .message(let id): id.description
        case .procedure(let id): id.description
        case .bed(let id): "bed " + id
        case .stay(let id): id.description
        case .task(let id): id.description
        case .referral(let id): id.description
        case .complaint(let id): id.description
        case .followUp(let id): id.description
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

public struct Note: Equatable, Sendable, Encodable {
    public var at: Timestamp
    public var by: Login
    public var text: String
}

public struct WorklistTask: Equatable, Sendable, Encodable {
    public var id: TaskID
    public var title: String
    public var kind: TaskKind
    public var priority: Priority
    public var due: Timestamp
    public var owner: Assignee?
    public var status: TaskStatus
    public var patient: MRN?
    public var link: TaskLink
    public var notes: [Note]
    public var createdAt: Timestamp
    public var createdBy: Login
    public var closedAt: Timestamp?
    public var closedBy: Login?
    public var communication: Communication?
    /// 0 none, 1 overdue (shown louder), 2 supervisor told.
    public var escalation: Int

    public func isOverdue(at now: Timestamp) -> Bool { !status.isClosed && due < now }
}

public struct TaskCreated: Equatable, Sendable, Encodable {
    public var id: TaskID; public var title: String; public var kind: TaskKind; public var priority: Priority
    public var due: Timestamp; public var owner: Assignee?; public var patient: MRN?; public var link: TaskLink; public var note: String?
}

public struct TaskStatusChanged: Equatable, Sendable, Encodable { public var id: TaskID; public var status: TaskStatus; public var note: String? }

public struct TaskReassigned: Equatable, Sendable, Encodable { public var id: TaskID; public var owner: Assignee? }

public struct TaskRescheduled: Equatable, Sendable, Encodable { public var id: TaskID; public var due: Timestamp; public var reason: String? }

public struct TaskNoted: Equatable, Sendable, Encodable { public var id: TaskID; public var text: String }

public struct TaskEscalated: Equatable, Sendable, Encodable { public var id: TaskID; public var level: Int }
