/// Complaints and grievances from patients and families.
///
/// A complaint is logged with who made it (the patient, family, someone else), how (in person,
/// by phone, in writing, by e-mail), its category, an owner, and the records it is about: the
/// stay that waited for a bed (`S…`), the moved or bumped case (`P…`), a task, a lab, a message,
/// a referral, or any journal record by number (`#1234`). Written complaints are grievances
/// (CMS 42 CFR §482.13(a)(2)); a verbal one becomes a grievance when it is declared one.
///
///     open ──note (steps taken)──▶ investigating ──close (the written notice)──▶ closed
///     open | investigating ──withdraw (reason)──▶ withdrawn
///     closed | withdrawn ──reopen (note)──▶ investigating
///
/// **The clock.** A response is due 7 days after the complaint was received. When that passes
/// with the complaint open, one task is raised to send the "still working on it" notice; sending
/// it (`complaint notice`) records what was said and sets when the next response is due (7 days
/// more unless said), and the clock runs again. Closing needs the written notice's content:
/// the contact person, the steps taken to investigate, the result and the date of completion,
/// and the notice can then be printed (`rounds report notice --id C…`).

// MARK: - Model

public struct ComplaintID: SequentialID { public static let letter: Character = "C"; public let number: Int; public init(_ n: Int) { number = n } }

public enum ComplaintSource: String, Vocabulary { case patient, family, other }
public enum ComplaintChannel: String, Vocabulary { case verbal, phone, written, email }
public enum ComplaintCategory: String, Vocabulary {
    case care, waiting, communication, bumped = "bumped-procedure", staff, billing, environment, discharge, other
}
public enum ComplaintStatus: String, Vocabulary {
    case open, investigating, closed, withdrawn
    public var isOpen: Bool { self == .open || self == .investigating }
}

/// What a `complaintUpdated` event did.
public enum ComplaintStep: String, Vocabulary {
    /// A step taken in the investigation, said in the note.
    case noted
    /// The "still working on it" notice sent; `due` is when the next response is due.
    case notice
    case closed, withdrawn, reopened
    /// Declared a grievance (a verbal complaint not resolved at once).
    case grievance

    public var status: ComplaintStatus? {
        switch self {
        case .noted, .reopened: .investigating
        case .closed: .closed
        case .withdrawn: .withdrawn
        case .notice, .grievance: nil
        }
    }
}

/// The content of the written notice that closes a grievance (42 CFR §482.13(a)(2)(iii)).
public struct ComplaintResolution: Equatable, Sendable, Encodable {
    /// Who the complainant may contact at the hospital.
    public var contact: String
    public var steps: String
    public var result: String
    public var completed: LocalDate
    public init(contact: String, steps: String, result: String, completed: LocalDate) {
        self.contact = contact; self.steps = steps; self.result = result; self.completed = completed
    }
}

public struct ComplaintEntry: Equatable, Sendable, Encodable {
    public var step: ComplaintStep
    public var at: Timestamp
    public var by: Login
    public var note: String?
    public init(step: ComplaintStep, at: Timestamp, by: Login, note: String?) { self.step = step; self.at = at; self.by = by; self.note = note }
}

public struct Complaint: Equatable, Sendable, Encodable {
    public var id: ComplaintID
    public var summary: String
    public var source: ComplaintSource
    public var channel: ComplaintChannel
    public var category: ComplaintCategory
    /// The patient it concerns, when there is one.
    public var patient: MRN?
    /// Who made it, as they gave their name (a family member's, say).
    public var complainant: String?
    public var owner: Assignee
    /// The records it is about: `S12`, `P3`, `T40`, `L7`, `M9`, `R2` or `#1234` (a journal record).
    public var about: [String]
    public var receivedAt: Timestamp
    public var receivedBy: Login
    public var grievance: Bool
    public var status: ComplaintStatus
    /// When the next response (the resolution or a "still working on it" notice) is due.
    public var responseDue: Timestamp
    public var notices: Int
    public var overdueTask: TaskID?
    public var resolution: ComplaintResolution?
    public var history: [ComplaintEntry]

    public var isOpen: Bool { status.isOpen }
    public func isOverdue(at now: Timestamp) -> Bool { isOpen && now >= responseDue }
    public var closedAt: Timestamp? { isOpen ? nil : history.last?.at }
}

public struct ComplaintState: Equatable, Sendable {
    public internal(set) var byID: [ComplaintID: Complaint] = [:]
    public internal(set) var next = 1
    /// The open ones, kept by `apply` (the time rule looks only at these on every write).
    public internal(set) var openIDs: Set<ComplaintID> = []
    public init() {}
    mutating func refreshOpen(_ id: ComplaintID) { if byID[id]?.isOpen == true { openIDs.insert(id) } else { openIDs.remove(id) } }
    public subscript(id: ComplaintID) -> Complaint? { byID[id] }
    public func of(_ mrn: MRN) -> [Complaint] { byID.values.filter { $0.patient == mrn }.sorted { $0.id < $1.id } }
    public var open: [Complaint] { openIDs.sorted().compactMap { byID[$0] } }
}

/// The time a response is due in after the complaint is received, and after each notice.
public let complaintResponseWindow = Span.days(7)

// MARK: - Events

public struct ComplaintRecorded: Equatable, Sendable, Encodable {
    public var id: ComplaintID; public var summary: String; public var source: ComplaintSource; public var channel: ComplaintChannel
    public var category: ComplaintCategory; public var patient: MRN?; public var complainant: String?; public var owner: Assignee; public var about: [String]
    public var grievance: Bool; public var responseDue: Timestamp
    public init(id: ComplaintID, summary: String, source: ComplaintSource, channel: ComplaintChannel, category: ComplaintCategory, patient: MRN?,
                complainant: String?, owner: Assignee, about: [String], grievance: Bool, responseDue: Timestamp) {
        self.id = id; self.summary = summary; self.source = source; self.channel = channel; self.category = category; self.patient = patient
        self.complainant = complainant; self.owner = owner; self.about = about; self.grievance = grievance; self.responseDue = responseDue
    }
}

/// A step: `due` the next response's due time (`notice`, `reopened`), `resolution` for `closed`.
public struct ComplaintUpdated: Equatable, Sendable, Encodable {
    public var id: ComplaintID; public var step: ComplaintStep; public var note: String?; public var due: Timestamp?; public var resolution: ComplaintResolution?
    public init(id: ComplaintID, step: ComplaintStep, note: String? = nil, due: Timestamp? = nil, resolution: ComplaintResolution? = nil) {
        self.id = id; self.step = step; self.note = note; self.due = due; self.resolution = resolution
    }
}

public struct ComplaintOverdue: Equatable, Sendable, Encodable {
    public var id: ComplaintID; public var task: TaskID
    public init(id: ComplaintID, task: TaskID) { self.id = id; self.task = task }
}
