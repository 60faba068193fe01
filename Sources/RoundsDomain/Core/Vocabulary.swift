/// Closed vocabularies. Each case's raw value is the word used in commands, reports and JSON.
/// The journal stores a case by its position in `allCases`: append new cases, never reorder.
public protocol Vocabulary: RawRepresentable, CaseIterable, Hashable, Sendable, Encodable
where RawValue == String, AllCases == [Self] {}

extension Vocabulary {
    public static var words: String { allCases.map(\.rawValue).joined(separator: ", ") }
    public static func parse(_ word: Substring) -> Self? { Self(rawValue: word.lowercased()) }
    public var code: UInt8 { UInt8(Self.allCases.firstIndex(of: self)!) }
    public static func from(code: UInt8) -> Self? { code < allCases.count ? allCases[Int(code)] : nil }
}

public enum UnitKind: String, Vocabulary {
    case icu, stepdown, telemetry, medsurg, edholding, pacu, pediatrics, maternity, rehab
    public var label: String {
        switch self {
        case .icu: "ICU"
        case .stepdown: "Step-down"
        case .telemetry: "Telemetry"
        case .medsurg: "Med-surg"
        case .edholding: "ED holding"
        case .pacu: "PACU"
        case .pediatrics: "Pediatrics"
        case .maternity: "Maternity"
        case .rehab: "Rehab"
        }
    }
}

public enum BedAttribute: String, Vocabulary {
    case isolation, telemetry, bariatric
}

public enum BedStatus: String, Vocabulary {
    case available, reserved, occupied, dirty, cleaning, blocked
}

public enum Precaution: String, Vocabulary {
    case contact, droplet, airborne, neutropenic
    /// Every precaution Rounds knows calls for a single, isolation-capable room.
    public var needsIsolationBed: Bool { true }
}

public enum Sex: String, Vocabulary { case f, m, x, u }

public enum AdmissionSource: String, Vocabulary {
    case ed, pacu, direct, transfer, clinic, or
    public var label: String {
        switch self {
        case .ed: "ED"
        case .pacu: "PACU"
        case .direct: "Direct"
        case .transfer: "Transfer in"
        case .clinic: "Clinic"
        case .or: "OR"
        }
    }
}

public enum Disposition: String, Vocabulary {
    case home, homeservices = "home-services", snf, rehab, transfer, ama, hospice, deceased
    /// Dispositions after which the patient goes home and may need a follow-up.
    public var goesHome: Bool { self == .home || self == .homeservices || self == .ama }
}

public enum Priority: String, Vocabulary {
    case stat, urgent, routine
    /// Lower sorts first.
    public var rank: Int { Int(code) }
}

public enum TaskStatus: String, Vocabulary {
    case open, inprogress = "in-progress", waiting, done, cancelled
    public var isClosed: Bool { self == .done || self == .cancelled }
}

/// What kind of work a task is; engine-raised kinds carry safety rules.
public enum TaskKind: String, Vocabulary {
    case general, criticalresult = "critical-result", missinglab = "missing-lab", cleaning, followup = "follow-up", escalation
    /// A procedure's requirement not met by its lead time (pre-auth, eligibility, documents, a bed for afterwards).
    case readiness
    /// Chasing a payer, or appealing a denial.
    case preauth = "pre-auth"
    /// Chasing a referral whose report is overdue (Referrals/).
    case referral
    /// Sending a complaint's "still working on it" notice (Complaints/).
    case complaint
    /// A study's continuing review, a study visit during a stay, a consent to sign again (Research/).
    case research
    /// Reordering stock, a lot expiring, maintenance due, a device to collect (Supplies/).
    case supplies
}

public enum LabStatus: String, Vocabulary {
    /// `preliminary`: a result has come from the lab's system but is not final yet; the lab
    /// stays pending (a procedure's required test is not met by it).
    case ordered, collected, received, resulted, cancelled, preliminary
}

/// How final a lab result is (HL7 OBX-11 / OBR-25): a preliminary result is shown as such, a
/// corrected one replaces the earlier result and says so.
public enum ResultStatus: String, Vocabulary {
    case final, preliminary, corrected
}

public enum ResultFlag: String, Vocabulary {
    case normal, abnormal, critical
    /// 0 normal, 1 abnormal, 2 critical: the more severe of two flags wins.
    public var severity: Int { self == .normal ? 0 : self == .abnormal ? 1 : 2 }
}

public enum ProcedureKind: String, Vocabulary {
    case surgery, imaging, endoscopy, cath, consult, dialysis, followup = "follow-up", therapy
}

public enum ProcedureStatus: String, Vocabulary {
    case scheduled, inprogress = "in-progress", done, cancelled, noshow = "no-show"
    /// Off the schedule for good: done, cancelled or the patient did not come.
    public var isClosed: Bool { self == .done || self == .cancelled || self == .noshow }
}

public enum Role: String, Vocabulary {
    /// `feed`: an interface from the hospital's systems (an HL7 listener's login), not a person.
    case coordinator, supervisor, chargenurse = "charge-nurse", nurse, physician, lab, evs, transport, viewer, feed
    public var label: String {
        switch self {
        case .chargenurse: "charge nurse"
        case .feed: "interface feed"
        case .evs: "EVS"
        default: rawValue
        }
    }
}

/// Settings the time rules read. Changing one is an event, so replay sees the same values.
public enum PolicyKey: String, Vocabulary {
    /// Time allowed to communicate a critical result (default 30 min).
    case criticalWindow = "critical-window"
    /// How long before a procedure its required labs must be resulted (default 4 h).
    case procedureLead = "procedure-lead"
    /// Time an urgent message may stay unacknowledged before it escalates (default 15 min).
    case messageAckWindow = "message-ack-window"
    /// How long a stat task may be overdue before a supervisor is told (default 0).
    case statGrace = "stat-grace"
    /// How long an urgent task may be overdue before a supervisor is told (default 60 min).
    case urgentGrace = "urgent-grace"
    /// Age at or above which a discharged patient counts as elderly (default 65 years).
    case elderlyAge = "elderly-age"
    /// How long a cleaning request may take before it is overdue (default 60 min).
    case cleaningWindow = "cleaning-window"
    /// How long a break-glass grant lasts when no time is given (default 30 min, at most 60).
    case breakGlass = "break-glass"
    /// How long before a procedure its pre-authorization must be approved (default 72 h).
    case preauthLead = "preauth-lead"
    /// The same for an expedited request (default 24 h).
    case preauthLeadExpedited = "preauth-lead-expedited"
    /// The payer's time to decide a standard request, from submission (default 7 days, CMS-0057-F).
    case payerClock = "payer-clock"
    /// The payer's time to decide an expedited request (default 72 h).
    case payerClockExpedited = "payer-clock-expedited"
    /// Time to appeal a denial when the payer gives no deadline (default 120 days, Medicare's redetermination).
    case appealWindow = "appeal-window"
    /// How recent an eligibility check must be before a procedure (default 3 days).
    case eligibilityAge = "eligibility-age"
    /// How long before a procedure its documents must be in (default 24 h).
    case documentLead = "document-lead"
    /// How old a history and physical may be at the procedure (default 30 days).
    case historyAndPhysicalAge = "hp-age"
    /// How soon an immediate add-on must start when no time is given (default 2 h; NELA's category 1).
    case addOnImmediate = "addon-immediate"
    /// The same for an urgent add-on (default 18 h; NELA's 2a and 2b).
    case addOnUrgent = "addon-urgent"
    /// The same for an expedited add-on (default 72 h: NCEPOD's "days").
    case addOnExpedited = "addon-expedited"
    /// How much later than booked a case may start when it makes way for an add-on, before it
    /// goes to another room or is cancelled (default 4 h).
    case bumpDelay = "bump-delay"
    /// The local time of day a discharge with only an expected date is forecast to happen
    /// (default 11:00); set as a clock time, stored as the span after midnight.
    case dischargeTime = "discharge-time"
}

/// I-PASS illness severity.
public enum Severity: String, Vocabulary {
    case stable, watcher, unstable
    /// Walkthrough order: unstable first.
    public var rank: Int {
        switch self {
        case .unstable: 0
        case .watcher: 1
        case .stable: 3
        }
    }
}

/// Where a shift handover stands.
public enum HandoverStatus: String, Vocabulary {
    case inProgress = "in-progress", paused, completed, cancelled
    public var isOpen: Bool { self == .inProgress || self == .paused }
}

/// What kind of read an access record notes.
public enum AccessKind: String, Vocabulary {
    /// A patient's details or patient view were opened.
    case viewed
    /// A search or filter was run over patient data.
    case searched
    /// Patient data left Rounds: a report or dump printed, an audit query answered.
    case exported
}
