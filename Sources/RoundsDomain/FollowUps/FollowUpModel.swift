/// Follow-up after discharge for vulnerable patients, the LACE risk score, and readmissions
/// within 30 days.
///
/// **Who.** A discharge (other than a death) opens a follow-up when the patient is vulnerable
/// (aged at least the policy's `elderly-age`, needing an interpreter, living alone) or their
/// LACE score is 10 or more.
///
/// **LACE** (van Walraven 2010), from what Rounds knows:
/// - L, length of stay in whole days from arrival to discharge: 0 → 0, 1 → 1, 2 → 2, 3 → 3,
///   4–6 → 4, 7–13 → 5, 14 or more → 7;
/// - A, acuity: 3 when the admission came through the ED;
/// - C, the Charlson comorbidity index: Rounds holds no diagnoses, so it counts 0 and says so
///   (the score is then a lower bound);
/// - E, ED visits in the six months before this admission: 0–3 as counted, 4 or more → 4.
/// 10 or more is high risk.
///
/// **The clocks.** Contact must be *reached* by the end of the second business day (Monday to
/// Friday, local time) after the discharge day: a voicemail or no answer is recorded but does
/// not count. A visit must be booked within 7 days of discharge for a high-risk patient, 14
/// otherwise (the transitional-care windows). The call is a worklist task from the discharge;
/// a visit not booked by its window's end raises a task once.
///
/// **Readmission.** An admission within 30 days of the patient's last discharge is flagged as a
/// readmission (in the patient view, the handover, "what changed" and the report), and the
/// follow-up of that discharge records it.

// MARK: - Model

public struct FollowUpID: SequentialID { public static let letter: Character = "F"; public let number: Int; public init(_ n: Int) { number = n } }

/// The LACE index's parts and total. `comorbidity` nil: not known to Rounds (counted 0).
public struct LaceScore: Equatable, Sendable, Encodable {
    public var length: Int
    public var acuity: Int
    public var comorbidity: Int?
    public var emergency: Int
    public var total: Int { length + acuity + (comorbidity ?? 0) + emergency }
    public var highRisk: Bool { total >= 10 }
    public init(length: Int, acuity: Int, comorbidity: Int?, emergency: Int) {
        self.length = length; self.acuity = acuity; self.comorbidity = comorbidity; self.emergency = emergency
    }

    /// Points for a length of stay in whole days.
    public static func lengthPoints(days: Int) -> Int {
        switch days {
        case ..<1: 0
        case 1, 2, 3: days
        case 4...6: 4
        case 7...13: 5
        default: 7
        }
    }

    /// "LACE 11 (L 5, A 3, C not known, E 3): high risk".
    public var description: String {
        "LACE \(total) (L \(length), A \(acuity), C \(comorbidity.map(String.init) ?? "not known"), E \(emergency))" + (highRisk ? ": high risk" : "")
    }
}

public enum FollowUpStatus: String, Vocabulary {
    case open, done, closed
    public var isOpen: Bool { self == .open }
}

/// What a `followUpUpdated` event did.
public enum FollowUpStep: String, Vocabulary {
    /// A call attempt and its outcome; only `reached` meets the contact requirement.
    case reached, voicemail, noAnswer = "no-answer", wrongNumber = "wrong-number"
    case visitBooked = "visit-booked", visitAttended = "visit-attended", visitMissed = "visit-missed"
    /// Closed without meeting its goals (declined, moved away, readmitted), with the reason.
    case closed

    public var isCall: Bool { self == .reached || self == .voicemail || self == .noAnswer || self == .wrongNumber }
}

public struct FollowUpEntry: Equatable, Sendable, Encodable {
    public var step: FollowUpStep
    public var at: Timestamp
    public var by: Login
    public var note: String?
    public init(step: FollowUpStep, at: Timestamp, by: Login, note: String?) { self.step = step; self.at = at; self.by = by; self.note = note }
}

public struct FollowUp: Equatable, Sendable, Encodable {
    public var id: FollowUpID
    public var mrn: MRN
    public var stay: StayID
    public var dischargedAt: Timestamp
    public var lace: LaceScore
    /// Why the patient is followed up: "age 82", "lives alone", "LACE 11".
    public var reasons: [String]
    public var callDue: Timestamp
    public var visitDue: Timestamp
    /// The worklist task for the call.
    public var callTask: TaskID
    public var reachedAt: Timestamp?
    public var attempts: Int
    public var visitAt: Timestamp?
    /// With whom or where: "Dr Mehta's clinic".
    public var visitWith: String?
    public var visitAttended: Bool?
    public var visitTask: TaskID?
    public var readmittedAt: Timestamp?
    public var readmission: StayID?
    public var status: FollowUpStatus
    public var history: [FollowUpEntry]

    public var isOpen: Bool { status.isOpen }
    /// Past the call's due time without reaching the patient.
    public func callLate(at now: Timestamp) -> Bool { isOpen && reachedAt == nil && now >= callDue }
    /// Past the visit's window with no visit booked inside it.
    public func visitLate(at now: Timestamp) -> Bool { isOpen && now >= visitDue && (visitAt.map { $0 > visitDue } ?? true) }
    public var windowDays: Int { lace.highRisk ? 7 : 14 }
}

/// One hospital visit of a patient, kept six months after it ended (for LACE's ED visits and
/// readmissions; stays themselves are archived a week after they close).
public struct Visit: Equatable, Sendable {
    public var stay: StayID
    public var arrivedAt: Timestamp
    public var fromED: Bool
    public var dischargedAt: Timestamp?
    public init(stay: StayID, arrivedAt: Timestamp, fromED: Bool, dischargedAt: Timestamp?) {
        self.stay = stay; self.arrivedAt = arrivedAt; self.fromED = fromED; self.dischargedAt = dischargedAt
    }
}

/// A stay that began within 30 days of the patient's previous discharge.
public struct Readmission: Equatable, Sendable {
    public var stay: StayID
    public var previous: StayID
    public var previousDischarge: Timestamp
    public var admittedAt: Timestamp
    public init(stay: StayID, previous: StayID, previousDischarge: Timestamp, admittedAt: Timestamp) {
        self.stay = stay; self.previous = previous; self.previousDischarge = previousDischarge; self.admittedAt = admittedAt
    }
}

public struct FollowUpState: Equatable, Sendable {
    public internal(set) var byID: [FollowUpID: FollowUp] = [:]
    public internal(set) var next = 1
    /// Each patient's visits ending in the last six months, and the open one.
    public internal(set) var visits: [MRN: [Visit]] = [:]
    /// Readmissions by the new stay.
    public internal(set) var readmissions: [StayID: Readmission] = [:]
    /// The open ones, kept by `apply` (the time rule looks only at these on every write).
    public internal(set) var openIDs: Set<FollowUpID> = []
    /// The follow-up of each discharged stay, kept by `apply` (a readmission finds it at once).
    public internal(set) var byStay: [StayID: FollowUpID] = [:]
    public init() {}
    mutating func refreshOpen(_ id: FollowUpID) { if byID[id]?.isOpen == true { openIDs.insert(id) } else { openIDs.remove(id) } }
    public subscript(id: FollowUpID) -> FollowUp? { byID[id] }
    public func of(_ mrn: MRN) -> [FollowUp] { byID.values.filter { $0.mrn == mrn }.sorted { $0.id < $1.id } }
    public var open: [FollowUp] { openIDs.sorted().compactMap { byID[$0] } }
}

/// How long visits are kept for the score's ED visits, and the readmission window.
public let visitMemory = Span.days(183)
public let readmissionWindow = Span.days(30)

// MARK: - Events

public struct FollowUpOpened: Equatable, Sendable, Encodable {
    public var id: FollowUpID; public var mrn: MRN; public var stay: StayID; public var lace: LaceScore; public var reasons: [String]
    public var callDue: Timestamp; public var visitDue: Timestamp; public var task: TaskID
    public init(id: FollowUpID, mrn: MRN, stay: StayID, lace: LaceScore, reasons: [String], callDue: Timestamp, visitDue: Timestamp, task: TaskID) {
        self.id = id; self.mrn = mrn; self.stay = stay; self.lace = lace; self.reasons = reasons; self.callDue = callDue; self.visitDue = visitDue; self.task = task
    }
}

/// A step: `at` the visit's time (`visit-booked`), `with` where or with whom.
public struct FollowUpUpdated: Equatable, Sendable, Encodable {
    public var id: FollowUpID; public var step: FollowUpStep; public var at: Timestamp?; public var with: String?; public var note: String?
    public init(id: FollowUpID, step: FollowUpStep, at: Timestamp? = nil, with: String? = nil, note: String? = nil) {
        self.id = id; self.step = step; self.at = at; self.with = with; self.note = note
    }
}

/// The visit's window ended with no visit booked inside it: `task` raised to book one.
public struct FollowUpOverdue: Equatable, Sendable, Encodable {
    public var id: FollowUpID; public var task: TaskID
    public init(id: FollowUpID, task: TaskID) { self.id = id; self.task = task }
}
