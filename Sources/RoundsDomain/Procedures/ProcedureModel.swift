// A procedure on the schedule and its events (readiness and add-on plans: Readiness.swift, AddOn.swift).

public struct Procedure: Equatable, Sendable, Encodable {
    public var id: ProcedureID
    public var mrn: MRN
    public var kind: ProcedureKind
    public var title: String
    public var resource: String
    public var start: Timestamp
    public var end: Timestamp
    public var requiredTests: [String]
    public var status: ProcedureStatus
    /// Set when the lead-time rule found required labs missing; the task it raised.
    public var notReadyTask: TaskID?
    public var missingAtCheck: [String]
    /// The sending system's appointment id, for a booking that came from a feed.
    public var external: String? = nil

    public func overlaps(_ start: Timestamp, _ end: Timestamp) -> Bool { self.start < end && start < self.end }
}

public struct ProcedureBooked: Equatable, Sendable, Encodable {
    public var id: ProcedureID; public var mrn: MRN; public var kind: ProcedureKind; public var title: String; public var resource: String
    public var start: Timestamp; public var end: Timestamp; public var requiredTests: [String]
    /// The sending system's appointment id (feeds only).
    public var external: String? = nil
}

public struct ProcedureRescheduled: Equatable, Sendable, Encodable { public var id: ProcedureID; public var start: Timestamp; public var end: Timestamp }

public struct ProcedureStatusChanged: Equatable, Sendable, Encodable { public var id: ProcedureID; public var status: ProcedureStatus; public var reason: String? }

public struct ProcedureNotReady: Equatable, Sendable, Encodable { public var id: ProcedureID; public var missing: [String]; public var task: TaskID }
