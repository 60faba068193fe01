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
