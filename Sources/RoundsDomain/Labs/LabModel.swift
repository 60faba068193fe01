// Lab orders and results, the communication of a critical result, and their events.

/// The record that closes a critical-result task: who was told, and what they read back.
public struct Communication: Equatable, Sendable, Encodable {
    public var toldName: String
    public var toldRole: Role
    public var readBack: String
    public var at: Timestamp
    public var by: Login
}

public struct LabResult: Equatable, Sendable, Encodable {
    public var value: String
    public var units: String
    public var range: String
    public var flag: ResultFlag
    public init(value: String, units: String, range: String, flag: ResultFlag) {
        self.value = value; self.units = units; self.range = range; self.flag = flag
    }
}

public struct LabOrder: Equatable, Sendable, Encodable {
    public var id: LabID
    public var mrn: MRN
    public var test: String
    public var priority: Priority
    public var status: LabStatus
    public var orderedAt: Timestamp
    public var neededBy: Timestamp?
    public var collectedAt: Timestamp?
    public var receivedAt: Timestamp?
    public var resultedAt: Timestamp?
    public var result: LabResult?
    public var acknowledgedBy: Login?
    public var acknowledgedAt: Timestamp?
    public var communication: Communication?
    /// The stat task raised by a critical result.
    public var criticalTask: TaskID?
    /// The sending system's order number and test, for an order that came from a feed.
    public var external: String? = nil
    /// Whether the result is preliminary, final or a correction of an earlier one.
    public var resultStatus: ResultStatus = .final
    /// The result a correction replaced.
    public var replaced: LabResult? = nil

    public var isPending: Bool { status != .resulted && status != .cancelled }
    /// Still pending after the time it was needed by: shown flagged, never like any other.
    public func isPastNeededBy(at now: Timestamp) -> Bool {
        guard isPending, let neededBy else { return false }
        return now > neededBy
    }
    public var awaitsCommunication: Bool { result?.flag == .critical && communication == nil }
}

public struct LabOrdered: Equatable, Sendable, Encodable {
    public var id: LabID; public var mrn: MRN; public var test: String; public var priority: Priority; public var neededBy: Timestamp?
    /// The sending system's order number and test (feeds only).
    public var external: String? = nil
}

public struct LabProgressed: Equatable, Sendable, Encodable { public var id: LabID; public var status: LabStatus }

public struct LabResulted: Equatable, Sendable, Encodable {
    public var id: LabID; public var result: LabResult; public var criticalTask: TaskID?
    /// nil: final (every typed result); preliminary or corrected from a feed.
    public var status: ResultStatus? = nil
}

public struct LabAcknowledged: Equatable, Sendable, Encodable { public var id: LabID }

public struct CriticalCommunicated: Equatable, Sendable, Encodable {
    public var lab: LabID; public var task: TaskID; public var toldName: String; public var toldRole: Role; public var readBack: String
}

public struct LabCancelled: Equatable, Sendable, Encodable { public var id: LabID; public var reason: String }
