/// Referrals and consultations: closing the loop.
///
/// A referral asks a service (cardiology, an outside imaging centre) or a named specialist for a
/// consultation or a test, and is only finished when the specialist's report has come back to
/// the referring team. States follow VistA's consults (Docs/USER-GUIDE.md, "Referrals"):
///
///     pending ──receive──▶ active ──schedule──▶ scheduled ──partial──▶ partial-results
///        │                   │                      │                        │
///        └────────────── report (the specialist's report received) ─────────┴──▶ complete
///     any open state ── discontinue | cancel (reason) ──▶ discontinued | cancelled
///     pending 90 days after it was sent, never received ──▶ expired (by the time rule)
///     complete | discontinued | cancelled | expired ── reopen (note) ──▶ active
///
/// "Unable to schedule" is said of an open referral with its reason; it stays listed with it
/// until the referral is scheduled.
///
/// **The clock.** Each referral has a reply due time: 24 hours after it was sent for a stat
/// referral (the VA Consult Toolbox's standard), 72 hours for urgent and 28 days for routine
/// unless a due time is given (the clinically indicated date). When it passes with the loop
/// still open, a worklist task is raised once (`referralOverdue`); it closes by itself when the
/// report arrives or the referral is closed. Reopening starts a new clock from the reopening.

// MARK: - Model

public struct ReferralID: SequentialID { public static let letter: Character = "R"; public let number: Int; public init(_ n: Int) { number = n } }

public enum ReferralUrgency: String, Vocabulary {
    case stat, urgent, routine
    /// The reply due time when none is given.
    public var window: Span {
        switch self {
        case .stat: .hours(24)
        case .urgent: .hours(72)
        case .routine: .days(28)
        }
    }
    public var windowWords: String {
        switch self {
        case .stat: "24 hours"
        case .urgent: "72 hours"
        case .routine: "28 days"
        }
    }
}

public enum ReferralStatus: String, Vocabulary {
    case pending, active, scheduled, partial = "partial-results", complete, discontinued, cancelled, expired
    /// Still waiting for the loop to close.
    public var isOpen: Bool { self == .pending || self == .active || self == .scheduled || self == .partial }
}

/// What a `referralUpdated` event did.
public enum ReferralStep: String, Vocabulary {
    case received, scheduled, unable = "unable-to-schedule", partial = "partial-results", reported, discontinued, cancelled, expired, reopened

    /// The status the step leaves the referral in (nil: unchanged).
    public var status: ReferralStatus? {
        switch self {
        case .received, .reopened: .active
        case .scheduled: .scheduled
        case .unable: nil
        case .partial: .partial
        case .reported: .complete
        case .discontinued: .discontinued
        case .cancelled: .cancelled
        case .expired: .expired
        }
    }
}

/// One step of a referral's history, as recorded.
public struct ReferralEntry: Equatable, Sendable, Encodable {
    public var step: ReferralStep
    public var at: Timestamp
    public var by: Login
    public var note: String?
    public init(step: ReferralStep, at: Timestamp, by: Login, note: String?) { self.step = step; self.at = at; self.by = by; self.note = note }
}

public struct Referral: Equatable, Sendable, Encodable {
    public var id: ReferralID
    public var mrn: MRN
    /// The service referred to: "Cardiology", "Outside MRI".
    public var service: String
    /// A named specialist, when one was asked for.
    public var specialist: String?
    /// To a service outside the hospital.
    public var external: Bool
    public var reason: String
    public var urgency: ReferralUrgency
    /// When the report is due (the clinically indicated date); the clock of the overdue task.
    public var due: Timestamp
    /// "High risk — do not cancel without clinical review": closing it needs a review note.
    public var highRisk: Bool
    /// The referring clinician, when not the person who recorded it.
    public var clinician: String?
    public var sentAt: Timestamp
    public var sentBy: Login
    public var status: ReferralStatus
    public var appointment: Timestamp?
    /// Why it could not be scheduled, while that holds.
    public var unableReason: String?
    /// The specialist's report (or its summary), once received.
    public var report: String?
    public var reportedAt: Timestamp?
    /// The overdue task of the current clock, once raised.
    public var overdueTask: TaskID?
    public var history: [ReferralEntry]

    public var isOpen: Bool { status.isOpen }
    public func isOverdue(at now: Timestamp) -> Bool { isOpen && now >= due }
    /// Where the referral is going, as people say it: "Cardiology (Dr Osei, external)".
    public var destination: String {
        var extra: [String] = []
        if let specialist { extra.append(specialist) }
        if external { extra.append("external") }
        return extra.isEmpty ? service : "\(service) (\(extra.joined(separator: ", ")))"
    }
    /// When the loop closed, or the referral was otherwise closed; nil while open.
    public var closedAt: Timestamp? { isOpen ? nil : history.last?.at }
}

/// Every referral, open and closed; they are few beside tasks and labs and are kept (not
/// archived) so that days-to-complete and the proportion of loops closed can be reported.
public struct ReferralState: Equatable, Sendable {
    public internal(set) var byID: [ReferralID: Referral] = [:]
    public internal(set) var next = 1
    /// The open ones, kept by `apply` (the time rule looks only at these on every write).
    public internal(set) var openIDs: Set<ReferralID> = []
    public init() {}
    mutating func refreshOpen(_ id: ReferralID) { if byID[id]?.isOpen == true { openIDs.insert(id) } else { openIDs.remove(id) } }

    public subscript(id: ReferralID) -> Referral? { byID[id] }
    /// A patient's referrals, oldest first.
    public func of(_ mrn: MRN) -> [Referral] { byID.values.filter { $0.mrn == mrn }.sorted { $0.id < $1.id } }
    /// The open referrals, oldest first.
    public var open: [Referral] { openIDs.sorted().compactMap { byID[$0] } }
}

/// Pending this long after it was sent, never received: expired by the time rule.
public let referralExpiry = Span.days(90)

// MARK: - Events

public struct ReferralSent: Equatable, Sendable, Encodable {
    public var id: ReferralID; public var mrn: MRN; public var service: String; public var specialist: String?; public var external: Bool
    public var reason: String; public var urgency: ReferralUrgency; public var due: Timestamp; public var highRisk: Bool; public var clinician: String?
    public init(id: ReferralID, mrn: MRN, service: String, specialist: String?, external: Bool, reason: String, urgency: ReferralUrgency,
                due: Timestamp, highRisk: Bool, clinician: String?) {
        self.id = id; self.mrn = mrn; self.service = service; self.specialist = specialist; self.external = external; self.reason = reason
        self.urgency = urgency; self.due = due; self.highRisk = highRisk; self.clinician = clinician
    }
}

/// A step of a referral: `appointment` for `scheduled`, `due` for `reopened` (the new clock),
/// `note` the reason, the report's summary or what was said.
public struct ReferralUpdated: Equatable, Sendable, Encodable {
    public var id: ReferralID; public var step: ReferralStep; public var appointment: Timestamp?; public var due: Timestamp?; public var note: String?
    public init(id: ReferralID, step: ReferralStep, appointment: Timestamp? = nil, due: Timestamp? = nil, note: String? = nil) {
        self.id = id; self.step = step; self.appointment = appointment; self.due = due; self.note = note
    }
}

/// The reply due time passed with the loop open: `task` is raised to chase it.
public struct ReferralOverdue: Equatable, Sendable, Encodable {
    public var id: ReferralID; public var task: TaskID
    public init(id: ReferralID, task: TaskID) { self.id = id; self.task = task }
}
