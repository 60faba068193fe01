/// Research visits: studies, enrolled patients, each patient's visit schedule from an anchor
/// date, deviations, and the study's documents (continuing review, consent re-signed on an
/// amendment).
///
/// **A study** has a code (`CARDIO-7`), a name, a principal investigator, the date its ethics
/// approval runs to (continuing review at least every 12 months), the current consent version,
/// and a visit plan: each visit's name, its target day from the anchor date, and a window of
/// days either side (`V1:0, V2:7±2, V3:28±3`).
///
/// **An enrolment** puts a patient on a study from an anchor date (randomisation, surgery),
/// with an arm and the consent version signed. A visit recorded done outside its window, or
/// missed, is a **deviation**, recorded with what happened. A trial patient is flagged on the
/// bed board (◆ and the study) and in the handover.
///
/// **Time rules** (tasks, each raised once):
/// - 30 days before a study's approval ends: the continuing review, due that day;
/// - a visit whose window opens (or is open) while the patient is admitted: arrange it during
///   the stay, due at the window's end;
/// - an enrolled patient whose consent is an older version than the study's: re-consent.

// MARK: - Model

public struct StudyVisitPlan: Equatable, Sendable, Encodable {
    public var name: String
    /// Days from the anchor date.
    public var day: Int
    /// Days either side of the target that are still on time.
    public var window: Int
    public init(name: String, day: Int, window: Int) { self.name = name; self.day = day; self.window = window }
    public var label: String { "\(name) day \(day)" + (window > 0 ? " ±\(window)" : "") }

    /// Reads `V1:0, V2:7±2, V3:28+-3`; nil with what is wrong.
    public static func parse(_ text: String) -> Result<[StudyVisitPlan], ParseError> {
        var out: [StudyVisitPlan] = []
        for part in text.split(separator: ",") {
            let item = String(part).trimmingCharacters(in: " ")
            let bits = item.split(separator: ":", maxSplits: 1)
            guard bits.count == 2, !bits[0].isEmpty, bits[0].count <= 12,
                  bits[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                return .failure(ParseError("'\(item)' is not a visit; write NAME:DAY or NAME:DAY±WINDOW, e.g. V2:7±2"))
            }
            // `±` or `+-` between the day and the window.
            var numbers = bits[1].split(separator: "±", maxSplits: 1).map(String.init)
            if numbers.count == 1, let r = numbers[0].firstRange(of: "+-") {
                numbers = [String(numbers[0][..<r.lowerBound]), String(numbers[0][r.upperBound...])]
            }
            guard let day = Int(numbers[0]), (-365...3650).contains(day),
                  let window = numbers.count == 2 ? Int(numbers[1]) : 0, (0...365).contains(window) else {
                return .failure(ParseError("'\(item)': the day and the window must be whole numbers of days, e.g. V2:7±2"))
            }
            if out.contains(where: { $0.name == String(bits[0]) }) { return .failure(ParseError("the visit \(bits[0]) is named twice")) }
            out.append(StudyVisitPlan(name: String(bits[0]), day: day, window: window))
        }
        guard !out.isEmpty, out.count <= 60 else { return .failure(ParseError("a visit plan has 1 to 60 visits, e.g. \"V1:0, V2:7±2\"")) }
        return .success(out)
    }
}

public struct Study: Equatable, Sendable, Encodable {
    public var code: String
    public var name: String
    public var investigator: String
    public var approvedUntil: LocalDate
    public var consentVersion: String
    public var plan: [StudyVisitPlan]
    /// The continuing review's task, and the approval end it was raised for.
    public var reviewTask: TaskID?
    public var reviewFor: LocalDate?
}

public enum EnrollmentStatus: String, Vocabulary {
    case onStudy = "on-study", completed, withdrawn
}

public enum StudyVisitOutcome: String, Vocabulary { case done, missed }

public struct StudyVisitRecord: Equatable, Sendable, Encodable {
    public var outcome: StudyVisitOutcome
    public var at: Timestamp
    /// Set when this is a deviation: what happened.
    public var deviation: String?
    public var note: String?
}

public struct Enrollment: Equatable, Sendable, Encodable {
    public var mrn: MRN
    public var study: String
    public var anchor: LocalDate
    public var arm: String?
    public var consentVersion: String
    public var status: EnrollmentStatus
    public var enrolledAt: Timestamp
    public var visits: [String: StudyVisitRecord]
    /// Tasks raised for it, by what they are for: `visit:V2`, `consent:v3`.
    public var tasks: [String: TaskID]
    public var endNote: String?
}

public struct ResearchState: Equatable, Sendable {
    public internal(set) var studies: [String: Study] = [:]
    /// By study code and MRN: `CARDIO-7/MRN100234`.
    public internal(set) var enrollments: [String: Enrollment] = [:]
    /// The studies each patient is on now.
    public internal(set) var onStudy: [MRN: [String]] = [:]
    public init() {}
    public static func key(_ study: String, _ mrn: MRN) -> String { study + "/" + mrn }
    public func enrollment(_ study: String, _ mrn: MRN) -> Enrollment? { enrollments[Self.key(study, mrn)] }
    public func of(_ mrn: MRN) -> [Enrollment] { enrollments.values.filter { $0.mrn == mrn }.sorted { $0.study < $1.study } }
}

extension Study {
    /// A visit's target date and window for an anchor.
    public func window(_ v: StudyVisitPlan, anchor: LocalDate) -> (target: LocalDate, first: LocalDate, last: LocalDate) {
        let target = anchor.adding(days: v.day)
        return (target, target.adding(days: -v.window), target.adding(days: v.window))
    }
}

/// How long before the approval ends the continuing review is raised.
public let continuingReviewLead = 30

// MARK: - Events

public struct StudyRecorded: Equatable, Sendable, Encodable {
    public var code: String; public var name: String; public var investigator: String; public var approvedUntil: LocalDate
    public var consentVersion: String; public var plan: [StudyVisitPlan]
    public init(code: String, name: String, investigator: String, approvedUntil: LocalDate, consentVersion: String, plan: [StudyVisitPlan]) {
        self.code = code; self.name = name; self.investigator = investigator; self.approvedUntil = approvedUntil
        self.consentVersion = consentVersion; self.plan = plan
    }
}

/// A study's approval renewed (`approvedUntil`) or its consent amended (`consentVersion`).
public struct StudyChanged: Equatable, Sendable, Encodable {
    public var code: String; public var approvedUntil: LocalDate?; public var consentVersion: String?; public var note: String?
    public init(code: String, approvedUntil: LocalDate? = nil, consentVersion: String? = nil, note: String? = nil) {
        self.code = code; self.approvedUntil = approvedUntil; self.consentVersion = consentVersion; self.note = note
    }
}

public struct PatientEnrolled: Equatable, Sendable, Encodable {
    public var study: String; public var mrn: MRN; public var anchor: LocalDate; public var arm: String?; public var consentVersion: String
    public init(study: String, mrn: MRN, anchor: LocalDate, arm: String?, consentVersion: String) {
        self.study = study; self.mrn = mrn; self.anchor = anchor; self.arm = arm; self.consentVersion = consentVersion
    }
}

/// Anything else about an enrolment: a visit done or missed (`deviation` set when it is one),
/// consent re-signed (`consentVersion`), the enrolment ended (`ended`).
public struct EnrollmentUpdated: Equatable, Sendable, Encodable {
    public var study: String; public var mrn: MRN
    public var visit: String?; public var outcome: StudyVisitOutcome?; public var at: Timestamp?; public var deviation: String?
    public var consentVersion: String?
    public var ended: EnrollmentStatus?
    public var note: String?
    public init(study: String, mrn: MRN, visit: String? = nil, outcome: StudyVisitOutcome? = nil, at: Timestamp? = nil, deviation: String? = nil,
                consentVersion: String? = nil, ended: EnrollmentStatus? = nil, note: String? = nil) {
        self.study = study; self.mrn = mrn; self.visit = visit; self.outcome = outcome; self.at = at; self.deviation = deviation
        self.consentVersion = consentVersion; self.ended = ended; self.note = note
    }
}

/// A time rule raised `task`: `for` is `review`, `visit:V2` or `consent:v3`; `mrn` nil for review.
public struct ResearchTaskRaised: Equatable, Sendable, Encodable {
    public var study: String; public var mrn: MRN?; public var purpose: String; public var task: TaskID
    public init(study: String, mrn: MRN?, purpose: String, task: TaskID) { self.study = study; self.mrn = mrn; self.purpose = purpose; self.task = task }
}
