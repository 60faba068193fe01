/// A unit (ward) and its beds, in the order they were added.
public struct Unit: Equatable, Sendable, Encodable {
    public var code: UnitCode
    public var name: String
    public var kind: UnitKind
    public var beds: [BedID]
}

/// Why a bed is out of service, since when, until when (optional), and what it returns to.
public struct BedBlock: Equatable, Sendable, Encodable {
    public var reason: String
    public var since: Timestamp
    public var until: Timestamp?
    /// `available` or `dirty`: the state the bed had before it was blocked.
    public var returnsTo: BedStatus
}

public struct Bed: Equatable, Sendable, Encodable {
    public var id: BedID
    public var unit: UnitCode
    public var attributes: Set<BedAttribute>
    public var status: BedStatus
    public var since: Timestamp
    /// The patient in the bed (occupied) or held for (reserved).
    public var patient: MRN?
    public var block: BedBlock?

    public var isIsolationCapable: Bool { attributes.contains(.isolation) }
}

public struct Patient: Equatable, Sendable, Encodable {
    public var mrn: MRN
    public var name: String
    public var dateOfBirth: LocalDate
    public var sex: Sex
    /// Preferred language; nil means English.
    public var language: String?
    public var interpreter: Bool
    public var precautions: Set<Precaution>
    public var fallRisk: Bool
    public var livesAlone: Bool

    public init(mrn: MRN, name: String, dateOfBirth: LocalDate, sex: Sex, language: String? = nil,
                interpreter: Bool = false, precautions: Set<Precaution> = [], fallRisk: Bool = false, livesAlone: Bool = false) {
        self.mrn = mrn; self.name = name; self.dateOfBirth = dateOfBirth; self.sex = sex; self.language = language
        self.interpreter = interpreter; self.precautions = precautions; self.fallRisk = fallRisk; self.livesAlone = livesAlone
    }

    public var needsIsolationBed: Bool { precautions.contains { $0.needsIsolationBed } }
}

public enum StayPhase: String, Vocabulary {
    /// In the placement queue, waiting for a bed.
    case waiting
    /// In a bed.
    case inBed = "in-bed"
    case discharged
    /// Left the queue without a bed (admission cancelled).
    case cancelled
}

public struct BedMove: Equatable, Sendable, Encodable {
    public var bed: BedID
    public var from: Timestamp
    public var to: Timestamp?
    /// Recorded when a placement rule (isolation, bed attributes) was overridden.
    public var override: String?
}

public struct Stay: Equatable, Sendable, Encodable {
    public var id: StayID
    public var mrn: MRN
    public var source: AdmissionSource
    public var requestedAt: Timestamp
    /// Unit asked for, if any (placement preference, not a rule).
    public var wantedUnit: UnitCode?
    /// Bed attributes this patient needs (telemetry, bariatric); isolation follows precautions.
    public var needs: Set<BedAttribute>
    public var attending: String?
    public var expectedDischarge: LocalDate?
    public var phase: StayPhase
    public var admittedAt: Timestamp?
    public var bed: BedID?
    public var history: [BedMove]
    public var dischargedAt: Timestamp?
    public var disposition: Disposition?
    /// I-PASS: illness severity (nil: not assessed), a one-line summary, "if … then …"
    /// contingencies and situation-awareness notes, kept for the length of the stay.
    public var severity: Severity? = nil
    public var summary: String? = nil
    public var contingencies: [String] = []
    public var awareness: [String] = []
}

/// Who a task or message is for: one person or everyone holding a role.
public enum Assignee: Hashable, Sendable, Encodable, CustomStringConvertible {
    case person(Login)
    case role(Role)

    /// `@role` for a role, the login otherwise.
    public var description: String {
        switch self {
        case .person(let login): login
        case .role(let role): "@" + role.rawValue
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// What raised a task, so the worklist can lead back to it.
public enum TaskLink: Hashable, Sendable, Encodable, CustomStringConvertible {
    case none
    case lab(LabID)
    case message(MessageID)
    case procedure(ProcedureID)
    case bed(BedID)
    case stay(StayID)
    case task(TaskID)

    public var description: String {
        switch self {
        case .none: ""
        case .lab(let id): id.description
        case .message(let id): id.description
        case .procedure(let id): id.description
        case .bed(let id): "bed " + id
        case .stay(let id): id.description
        case .task(let id): id.description
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

/// The record that closes a critical-result task: who was told, and what they read back.
public struct Communication: Equatable, Sendable, Encodable {
    public var toldName: String
    public var toldRole: Role
    public var readBack: String
    public var at: Timestamp
    public var by: Login
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

public struct Staff: Equatable, Sendable, Encodable {
    public var login: Login
    public var name: String
    public var role: Role
    public var onDuty: Bool
    public init(login: Login, name: String, role: Role, onDuty: Bool) { self.login = login; self.name = name; self.role = role; self.onDuty = onDuty }
}

/// The values the rules read; see `PolicyKey`.
public struct Policy: Equatable, Sendable, Encodable {
    /// A span after midnight as a clock time: "11:00".
    public static func clock(_ s: Span) -> String {
        let m = Int(s.milliseconds / 60_000)
        return "\(pad2(m / 60)):\(pad2(m % 60))"
    }

    public var criticalWindow: Span = .minutes(30)
    public var procedureLead: Span = .hours(4)
    public var messageAckWindow: Span = .minutes(15)
    public var statGrace: Span = .minutes(0)
    public var urgentGrace: Span = .minutes(60)
    public var elderlyAge: Int = 65
    public var cleaningWindow: Span = .minutes(60)
    public var breakGlass: Span = .minutes(30)
    public var preauthLead: Span = .hours(72)
    public var preauthLeadExpedited: Span = .hours(24)
    public var payerClock: Span = .days(7)
    public var payerClockExpedited: Span = .hours(72)
    public var appealWindow: Span = .days(120)
    public var eligibilityAge: Span = .days(3)
    public var documentLead: Span = .hours(24)
    public var historyAndPhysicalAge: Span = .days(30)
    public var addOnImmediate: Span = .hours(2)
    public var addOnUrgent: Span = .hours(18)
    public var addOnExpedited: Span = .hours(72)
    public var bumpDelay: Span = .hours(4)
    /// After local midnight: when a discharge with only an expected date is forecast.
    public var dischargeTime: Span = .hours(11)

    public init() {}

    /// Spans are stored in milliseconds, the age in years.
    public mutating func set(_ key: PolicyKey, _ value: Int64) {
        switch key {
        case .criticalWindow: criticalWindow = Span(milliseconds: value)
        case .procedureLead: procedureLead = Span(milliseconds: value)
        case .messageAckWindow: messageAckWindow = Span(milliseconds: value)
        case .statGrace: statGrace = Span(milliseconds: value)
        case .urgentGrace: urgentGrace = Span(milliseconds: value)
        case .elderlyAge: elderlyAge = Int(value)
        case .cleaningWindow: cleaningWindow = Span(milliseconds: value)
        case .breakGlass: breakGlass = Span(milliseconds: value)
        case .preauthLead: preauthLead = Span(milliseconds: value)
        case .preauthLeadExpedited: preauthLeadExpedited = Span(milliseconds: value)
        case .payerClock: payerClock = Span(milliseconds: value)
        case .payerClockExpedited: payerClockExpedited = Span(milliseconds: value)
        case .appealWindow: appealWindow = Span(milliseconds: value)
        case .eligibilityAge: eligibilityAge = Span(milliseconds: value)
        case .documentLead: documentLead = Span(milliseconds: value)
        case .historyAndPhysicalAge: historyAndPhysicalAge = Span(milliseconds: value)
        case .addOnImmediate: addOnImmediate = Span(milliseconds: value)
        case .addOnUrgent: addOnUrgent = Span(milliseconds: value)
        case .addOnExpedited: addOnExpedited = Span(milliseconds: value)
        case .bumpDelay: bumpDelay = Span(milliseconds: value)
        case .dischargeTime: dischargeTime = Span(milliseconds: value)
        }
    }

    public func describe(_ key: PolicyKey) -> String {
        switch key {
        case .criticalWindow: criticalWindow.description
        case .procedureLead: procedureLead.description
        case .messageAckWindow: messageAckWindow.description
        case .statGrace: statGrace.description
        case .urgentGrace: urgentGrace.description
        case .elderlyAge: "\(elderlyAge) years"
        case .cleaningWindow: cleaningWindow.description
        case .breakGlass: breakGlass.description
        case .preauthLead: preauthLead.description
        case .preauthLeadExpedited: preauthLeadExpedited.description
        case .payerClock: payerClock.description
        case .payerClockExpedited: payerClockExpedited.description
        case .appealWindow: appealWindow.description
        case .eligibilityAge: eligibilityAge.description
        case .documentLead: documentLead.description
        case .historyAndPhysicalAge: historyAndPhysicalAge.description
        case .addOnImmediate: addOnImmediate.description
        case .addOnUrgent: addOnUrgent.description
        case .addOnExpedited: addOnExpedited.description
        case .bumpDelay: bumpDelay.description
        case .dischargeTime: Policy.clock(dischargeTime)
        }
    }
}
