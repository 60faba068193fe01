/// Readiness beyond labs: what else a booked procedure needs before it can go ahead.
///
/// A procedure is ready when every requirement is met:
/// - **labs**: its required tests resulted (`Rules`, the missing-lab check; older than this file);
/// - **pre-authorization**: the payer's approval, in force on the day, with a unit left;
/// - **eligibility**: the patient's coverage verified as active within the policy age before it;
/// - **documents**: each document its kind needs (consents signed, history and physical
///   received and recent enough), by policy per procedure kind;
/// - **a bed for afterwards**: an ICU or step-down bed reserved (or held) when it needs one.
///
/// Each requirement has a lead time. At the lead time a requirement not met raises an urgent task
/// naming what is missing (`readiness.flagged`), once; when it is met later the rules close that
/// task. The payer's decision clock, denials (an appeal task with its deadline) and the end of an
/// approval's period are rules too. Everything here is an event, replayed like any other.

// MARK: - Model

public struct PreAuthID: SequentialID { public static let letter: Character = "A"; public let number: Int; public init(_ n: Int) { number = n } }

public enum PreAuthStatus: String, Vocabulary {
    case needed, submitted, pended, approved, denied, appealed, expired
    /// Waiting for the payer's answer: the decision clock runs.
    public var awaitsPayer: Bool { self == .submitted || self == .pended || self == .appealed }
}

/// A prior authorization: one payer's approval for a patient's procedure (or a series of them,
/// each using a unit).
public struct PreAuth: Equatable, Sendable, Encodable {
    public var id: PreAuthID
    public var mrn: MRN
    /// The procedure it was asked for; more may be linked (`auth link`).
    public var procedure: ProcedureID
    public var payer: String
    /// 72 hours for the payer's decision rather than 7 days (CMS-0057-F).
    public var expedited: Bool
    public var status: PreAuthStatus
    public var number: String?
    /// The approved period: from the start of the first day to the end of the last.
    public var validFrom: Timestamp?
    public var validUntil: Timestamp?
    /// Approved units (sessions); nil when the approval does not count them.
    public var units: Int?
    public var submittedAt: Timestamp?
    /// When the payer's decision is due (from submission or appeal, by the payer clock).
    public var decisionDue: Timestamp?
    public var decidedAt: Timestamp?
    /// A denial's reason, and the last day to appeal it.
    public var denialReason: String?
    public var appealBy: Timestamp?
    public var note: String?
    /// The task raised when the decision clock ran out (cleared when the clock starts again).
    public var chaseTask: TaskID?
    public var appealTask: TaskID?
    public var recordedAt: Timestamp

    /// Whether the approval covers an instant.
    public func covers(_ t: Timestamp) -> Bool {
        guard status == .approved else { return false }
        if let from = validFrom, t < from { return false }
        if let until = validUntil, t >= until { return false }
        return true
    }
}

/// The documents a procedure may need.
public enum DocumentKind: String, Vocabulary {
    case surgicalConsent = "surgical-consent", anaesthesiaConsent = "anaesthesia-consent", procedureConsent = "procedure-consent"
    case sedationConsent = "sedation-consent", bloodConsent = "blood-consent", historyAndPhysical = "history-and-physical"
    case intakeForm = "intake-form"

    /// A consent counts only when signed; other documents count when received.
    public var needsSignature: Bool { rawValue.hasSuffix("-consent") }
    public var label: String { rawValue.replacingOccurrences(of: "-", with: " ") }
}

public enum DocumentState: String, Vocabulary { case missing, received, signed }

public struct DocumentRecord: Equatable, Sendable, Encodable {
    public var kind: DocumentKind
    public var state: DocumentState
    /// When the document was written or signed (a history and physical counts for 30 days).
    public var dated: Timestamp
    public var by: Login
}

public struct Eligibility: Equatable, Sendable, Encodable {
    public var payer: String
    public var active: Bool
    public var verifiedAt: Timestamp
    public var by: Login
    public var note: String?
}

/// One requirement of a procedure as it stands.
public struct Requirement: Equatable, Sendable {
    /// `labs`, `preauth`, `eligibility`, `doc:KIND`, `bed-after`, `equipment:KIND`.
    public var key: String
    public var met: Bool
    /// What is missing, or what meets it: "pre-auth A3 submitted to Acme Health, not approved".
    public var detail: String
    /// How long before the start it must be met.
    public var lead: Span
}

// MARK: - Events

public struct PreAuthRecorded: Equatable, Sendable, Encodable {
    public var id: PreAuthID; public var procedure: ProcedureID; public var mrn: MRN; public var payer: String; public var expedited: Bool
}
/// Every change of a pre-authorization's state; the fields that go with it are set.
public struct PreAuthChanged: Equatable, Sendable, Encodable {
    public var id: PreAuthID; public var status: PreAuthStatus
    public var number: String? = nil; public var validFrom: Timestamp? = nil; public var validUntil: Timestamp? = nil; public var units: Int? = nil
    public var decisionDue: Timestamp? = nil; public var reason: String? = nil; public var appealBy: Timestamp? = nil
    public var task: TaskID? = nil; public var note: String? = nil
}
/// A further procedure using a pre-authorization; `override`: booked outside its period or
/// beyond its units, and why.
public struct PreAuthLinked: Equatable, Sendable, Encodable { public var id: PreAuthID; public var procedure: ProcedureID; public var override: String? }
/// The payer's decision clock ran out: the chase task raised.
public struct PreAuthOverdue: Equatable, Sendable, Encodable { public var id: PreAuthID; public var task: TaskID }
public struct EligibilityVerified: Equatable, Sendable, Encodable { public var mrn: MRN; public var payer: String; public var active: Bool; public var note: String? }
public struct DocumentRecorded: Equatable, Sendable, Encodable {
    public var procedure: ProcedureID; public var kind: DocumentKind; public var state: DocumentState; public var dated: Timestamp
}
/// The kind of bed a procedure needs afterwards (nil: none).
public struct BedAfterSet: Equatable, Sendable, Encodable { public var procedure: ProcedureID; public var kind: UnitKind? }
/// A requirement not met by its lead time, and the task raised for it.
public struct ReadinessFlagged: Equatable, Sendable, Encodable {
    public var procedure: ProcedureID; public var requirement: String; public var detail: String; public var task: TaskID
}
/// The documents a kind of procedure needs, set by policy.
public struct DocumentsRequired: Equatable, Sendable, Encodable { public var kind: ProcedureKind; public var documents: [DocumentKind] }

// MARK: - State

public struct ReadinessState: Equatable, Sendable {
    public internal(set) var auths: [PreAuthID: PreAuth] = [:]
    /// The pre-authorization each procedure uses.
    public internal(set) var authOf: [ProcedureID: PreAuthID] = [:]
    /// Why a procedure was linked to its pre-authorization outside its period or units.
    public internal(set) var overrides: [ProcedureID: String] = [:]
    public internal(set) var bedAfter: [ProcedureID: UnitKind] = [:]
    public internal(set) var documents: [ProcedureID: [DocumentRecord]] = [:]
    public internal(set) var eligibility: [MRN: Eligibility] = [:]
    /// Requirements flagged not met, and their tasks.
    public internal(set) var flagged: [ProcedureID: [String: TaskID]] = [:]
    /// Policy's documents per kind where it differs from `defaultDocuments`.
    public internal(set) var requiredDocuments: [ProcedureKind: [DocumentKind]] = [:]
    public internal(set) var nextAuth = 1
    /// The procedures using each pre-authorization, in id order (kept from `authOf`).
    public internal(set) var users: [PreAuthID: [ProcedureID]] = [:]

    public init() {}

    mutating func use(_ id: PreAuthID, by procedure: ProcedureID) {
        authOf[procedure] = id
        var list = users[id] ?? []
        if !list.contains(procedure) { list.append(procedure); list.sort() }
        users[id] = list
    }

    public static let defaultDocuments: [ProcedureKind: [DocumentKind]] = [
        .surgery: [.surgicalConsent, .anaesthesiaConsent, .historyAndPhysical],
        .endoscopy: [.procedureConsent, .sedationConsent],
        .cath: [.procedureConsent, .historyAndPhysical],
    ]

    public func documentsNeeded(for kind: ProcedureKind) -> [DocumentKind] {
        requiredDocuments[kind] ?? Self.defaultDocuments[kind] ?? []
    }

    /// Procedures using a pre-authorization (cancelled ones do not use a unit).
    public func procedures(using id: PreAuthID) -> [ProcedureID] { users[id] ?? [] }
}

// MARK: - Requirements

extension HospitalState {
    /// Every requirement of a procedure and whether it is met at `now`.
    /// `details: false` leaves the details empty (the rules' pass over every procedure near its
    /// lead time, on every write, formats nothing until something is to be raised).
    public func requirements(of p: Procedure, at now: Timestamp, details: Bool = true) -> [Requirement] {
        var out: [Requirement] = []
        if !p.requiredTests.isEmpty {
            let missing = missingTests(for: p)
            out.append(Requirement(key: "labs", met: missing.isEmpty,
                                   detail: !details ? "" : missing.isEmpty ? "labs \(p.requiredTests.joined(separator: ", ")) resulted" : "labs \(missing.joined(separator: ", ")) not resulted",
                                   lead: policy.procedureLead))
        }
        if let id = readiness.authOf[p.id], let a = readiness.auths[id] {
            out.append(authRequirement(a, for: p, details: details))
        }
        if let e = readiness.eligibility[p.mrn] {
            let fresh = e.verifiedAt >= p.start - policy.eligibilityAge
            let detail = !details ? ""
                : !e.active ? "coverage with \(e.payer) inactive (verified \(e.verifiedAt))"
                : fresh ? "coverage with \(e.payer) active, verified \(e.verifiedAt)"
                : "eligibility with \(e.payer) last verified \(e.verifiedAt), more than \(policy.eligibilityAge) before; verify again"
            out.append(Requirement(key: "eligibility", met: fresh && e.active, detail: detail, lead: policy.eligibilityAge))
        } else if readiness.authOf[p.id] != nil || p.kind.needsEligibility {
            out.append(Requirement(key: "eligibility", met: false, detail: details ? "insurance eligibility never verified" : "", lead: policy.eligibilityAge))
        }
        let docs = readiness.documents[p.id] ?? []
        for kind in readiness.documentsNeeded(for: p.kind) {
            let d = docs.last { $0.kind == kind }
            let state = d?.state ?? .missing
            let old = kind == .historyAndPhysical && (d.map { $0.dated < p.start - policy.historyAndPhysicalAge } ?? false)
            let met = (state == .signed || (state == .received && !kind.needsSignature)) && !old
            var detail = ""
            if details {
                detail = met ? "\(kind.label) \(state.rawValue)"
                    : state == .missing ? "\(kind.label) missing"
                    : old ? "history and physical of \(d!.dated) is more than \(policy.historyAndPhysicalAge) before; a new one is needed"
                    : "\(kind.label) received, not signed"
            }
            out.append(Requirement(key: "doc:\(kind.rawValue)", met: met && !old, detail: detail, lead: policy.documentLead))
        }
        for kind in supplies.needs[p.id] ?? [] { out.append(equipmentRequirement(p, kind, details: details)) }
        if let kind = readiness.bedAfter[p.id] {
            let met = bedAfterMet(p.mrn, kind)
            out.append(Requirement(key: "bed-after", met: met, detail: details ? bedAfterDetail(p.mrn, kind, met) : "", lead: policy.procedureLead))
        }
        return out
    }

    /// The requirements not met, for a procedure that is still to happen.
    /// (Worked out without details first: most cases on a day are ready, and the schedule asks
    /// this of every case on the day it shows.)
    public func unmetRequirements(of p: Procedure, at now: Timestamp) -> [Requirement] {
        guard requirements(of: p, at: now, details: false).contains(where: { !$0.met }) else { return [] }
        return requirements(of: p, at: now).filter { !$0.met }
    }

    func authRequirement(_ a: PreAuth, for p: Procedure, details: Bool = true) -> Requirement {
        let lead = a.expedited ? policy.preauthLeadExpedited : policy.preauthLead
        if !details {
            var met = a.covers(p.start) || (a.status == .approved && readiness.overrides[p.id] != nil)
            if met, readiness.overrides[p.id] == nil, let units = a.units {
                let using = readiness.procedures(using: a.id).filter { procedures[$0].map { $0.status != .cancelled } ?? false }
                if let place = using.firstIndex(of: p.id), place >= units { met = false }
            }
            return Requirement(key: "preauth", met: met, detail: "", lead: lead)
        }
        let who = "pre-auth \(a.id) (\(a.payer))"
        switch a.status {
        case .approved:
            if let reason = readiness.overrides[p.id] {
                return Requirement(key: "preauth", met: true, detail: "\(who) approved; booked outside it by override: \(reason)", lead: lead)
            }
            if !a.covers(p.start) {
                return Requirement(key: "preauth", met: false, detail: "\(who) approved for \(a.validFrom.map(\.description) ?? "…") to \(a.validUntil.map(\.description) ?? "…"), which does not cover the procedure", lead: lead)
            }
            if let units = a.units {
                let using = readiness.procedures(using: a.id).filter { procedures[$0].map { $0.status != .cancelled } ?? false }
                if let place = using.firstIndex(of: p.id), place >= units {
                    return Requirement(key: "preauth", met: false, detail: "\(who) approved for \(units) units, all used by earlier procedures", lead: lead)
                }
            }
            return Requirement(key: "preauth", met: true, detail: "\(who) approved" + (a.number.map { ", number \($0)" } ?? ""), lead: lead)
        case .needed: return Requirement(key: "preauth", met: false, detail: "\(who) needed, not yet submitted", lead: lead)
        case .submitted, .pended, .appealed:
            return Requirement(key: "preauth", met: false, detail: "\(who) \(a.status.rawValue), no decision yet", lead: lead)
        case .denied: return Requirement(key: "preauth", met: false, detail: "\(who) denied: \(a.denialReason ?? "no reason given")", lead: lead)
        case .expired: return Requirement(key: "preauth", met: false, detail: "\(who) expired", lead: lead)
        }
    }

    func bedAfterFits(_ bed: BedID?, _ kind: UnitKind) -> Bool {
        guard let bed, let unit = beds[bed]?.unit, let k = units[unit]?.kind else { return false }
        return k == kind || (kind == .stepdown && k == .icu)
    }

    func bedAfterMet(_ mrn: MRN, _ kind: UnitKind) -> Bool {
        if let bed = reservation[mrn], bedAfterFits(bed, kind) { return true }
        if let st = stay(of: mrn), st.phase == .inBed, bedAfterFits(st.bed, kind) { return true }
        return false
    }

    func bedAfterDetail(_ mrn: MRN, _ kind: UnitKind, _ met: Bool) -> String {
        guard met else { return "no \(kind.bedWord) bed reserved for afterwards" }
        if let bed = reservation[mrn], bedAfterFits(bed, kind) { return "\(kind.bedWord) bed \(bed) reserved" }
        return "in \(kind.bedWord) bed \(stay(of: mrn)?.bed ?? "") already"
    }
}

extension UnitKind {
    /// The kind of bed in a sentence: "ICU", "step-down".
    var bedWord: String { self == .icu ? "ICU" : label.lowercased() }
}

extension ProcedureKind {
    /// Kinds booked as a service the payer covers: their coverage is verified before.
    public var needsEligibility: Bool {
        switch self {
        case .surgery, .imaging, .endoscopy, .cath, .dialysis, .therapy: true
        case .consult, .followup: false
        }
    }
}

// MARK: - Deciding

extension Decision {
    func auth(_ id: PreAuthID) throws(Refusal) -> PreAuth {
        if let a = s.readiness.auths[id] { return a }
        throw Refusal("no pre-authorization \(id)", hint: "pre-authorizations are numbered A1 to A\(max(s.readiness.nextAuth - 1, 1)); record one with auth add P… payer \"…\"")
    }

    /// Refuses a procedure's slot outside an approved pre-authorization's period or beyond its
    /// units, unless an override says why.
    func checkAuthCovers(_ a: PreAuth, procedure: ProcedureID, start: Timestamp, override: String?) throws(Refusal) {
        guard a.status == .approved else { return }
        if let override { try checkText(override, "the override's reason", max: 200); return }
        if !a.covers(start) {
            throw Refusal("pre-authorization \(a.id) is approved from \(a.validFrom.map(\.description) ?? "…") to \(a.validUntil.map(\.description) ?? "…"); \(start) is outside it",
                          hint: "book inside the period, ask the payer to extend it, or add override \"reason\"")
        }
        if let units = a.units {
            let using = s.readiness.procedures(using: a.id).filter { $0 != procedure && (s.procedures[$0].map { $0.status != .cancelled } ?? false) }
            if using.count >= units {
                throw Refusal("pre-authorization \(a.id) is approved for \(units) units and \(using.count) are used (\(using.map(\.description).joined(separator: ", ")))",
                              hint: "ask the payer for more units, cancel one of those, or add override \"reason\"")
            }
        }
    }

    mutating func runReadiness(_ command: Command) throws(Refusal) {
        switch command {
        case let .addPreAuth(pid, payer, expedited):
            let p = try procedure(pid)
            guard !p.status.isClosed else { throw Refusal("procedure \(pid) is \(p.status.rawValue)", hint: "a pre-authorization is for a procedure still to happen") }
            try checkText(payer, "the payer", max: 80)
            if let existing = s.readiness.authOf[pid] {
                throw Refusal("procedure \(pid) already uses pre-authorization \(existing)", hint: "its state is in the patient view (Enter on the patient) and in rounds report schedule; change it with auth submit|approve|deny \(existing)")
            }
            emit(.preAuthRecorded(PreAuthRecorded(id: PreAuthID(s.readiness.nextAuth), procedure: pid, mrn: p.mrn, payer: payer, expedited: expedited)))

        case let .linkPreAuth(id, pid, override):
            let a = try auth(id)
            let p = try procedure(pid)
            guard p.mrn == a.mrn else { throw Refusal("pre-authorization \(id) is for \(a.mrn), procedure \(pid) for \(p.mrn)") }
            guard !p.status.isClosed else { throw Refusal("procedure \(pid) is \(p.status.rawValue)") }
            if let existing = s.readiness.authOf[pid] { throw Refusal("procedure \(pid) already uses pre-authorization \(existing)") }
            guard a.status != .denied, a.status != .expired else { throw Refusal("pre-authorization \(id) is \(a.status.rawValue)", hint: "record a new one: auth add \(pid) payer \"\(a.payer)\"") }
            try checkAuthCovers(a, procedure: pid, start: p.start, override: override)
            emit(.preAuthLinked(PreAuthLinked(id: id, procedure: pid, override: a.status == .approved ? override : nil)))

        case let .submitPreAuth(id):
            let a = try auth(id)
            guard a.status == .needed || a.status == .pended else {
                throw Refusal("pre-authorization \(id) is \(a.status.rawValue)", hint: a.status == .denied ? "appeal it (auth appeal \(id)) or record a new request" : "only a needed or pended request can be submitted")
            }
            let clock = a.expedited ? s.policy.payerClockExpedited : s.policy.payerClock
            emit(.preAuthChanged(PreAuthChanged(id: id, status: .submitted, decisionDue: now + clock)))

        case let .pendPreAuth(id, note):
            let a = try auth(id)
            guard a.status == .submitted || a.status == .appealed else { throw Refusal("pre-authorization \(id) is \(a.status.rawValue)", hint: "the payer pends a submitted request") }
            if let note { try checkText(note, "the note", max: 200) }
            emit(.preAuthChanged(PreAuthChanged(id: id, status: .pended, note: note)))

        case let .approvePreAuth(id, number, from, until, units):
            let a = try auth(id)
            guard [.needed, .submitted, .pended, .appealed].contains(a.status) else { throw Refusal("pre-authorization \(id) is \(a.status.rawValue)", hint: "a denied request is appealed or asked again; an approved one stands") }
            try checkText(number, "the authorization number", max: 40)
            guard from < until else { throw Refusal("the approved period ends before it starts", hint: "from DATE to DATE, the first day no later than the last") }
            if let units, units < 1 || units > 999 { throw Refusal("\(units) units", hint: "units 1 to 999, or leave units out") }
            var close: TaskID?
            if let t = a.chaseTask, s.tasks[t].map({ !$0.status.isClosed }) ?? false { close = t }
            emit(.preAuthChanged(PreAuthChanged(id: id, status: .approved, number: number, validFrom: from, validUntil: until, units: units)))
            if let close { emit(.taskStatusChanged(TaskStatusChanged(id: close, status: .done, note: "Pre-authorization \(id) approved"))) }

        case let .denyPreAuth(id, reason, appealBy):
            let a = try auth(id)
            guard a.status.awaitsPayer || a.status == .needed else { throw Refusal("pre-authorization \(id) is \(a.status.rawValue)", hint: "a payer denies a request it has") }
            try checkText(reason, "the denial reason", max: 200)
            let by = appealBy ?? now + s.policy.appealWindow
            guard by > now else { throw Refusal("the appeal deadline \(by) has passed", hint: "give appeal-by a later date, or leave it out for the policy's \(s.policy.appealWindow)") }
            let p = s.procedures[a.procedure]
            // Due at the deadline, or before the procedure if that comes first.
            let due = min(by, max(now + .hours(2), (p?.start ?? by) - .days(1)))
            let task = newTask("Appeal pre-auth \(a.id) (\(a.payer)) for \(a.procedure): denied — \(reason); appeal by \(by)",
                               kind: .preauth, priority: .urgent, due: due, owner: .role(.coordinator), patient: a.mrn, link: .procedure(a.procedure))
            emit(.preAuthChanged(PreAuthChanged(id: id, status: .denied, reason: reason, appealBy: by, task: task)))

        case let .appealPreAuth(id, note):
            let a = try auth(id)
            guard a.status == .denied else { throw Refusal("pre-authorization \(id) is \(a.status.rawValue), not denied", hint: "only a denial is appealed") }
            if let note { try checkText(note, "the note", max: 200) }
            let clock = a.expedited ? s.policy.payerClockExpedited : s.policy.payerClock
            emit(.preAuthChanged(PreAuthChanged(id: id, status: .appealed, decisionDue: now + clock, note: note)))
            if let t = a.appealTask, s.tasks[t].map({ !$0.status.isClosed }) ?? false {
                emit(.taskStatusChanged(TaskStatusChanged(id: t, status: .done, note: "Appeal sent for \(id)")))
            }

        case let .verifyEligibility(mrn, payer, active, note):
            _ = try patient(mrn)
            try checkText(payer, "the payer", max: 80)
            if let note { try checkText(note, "the note", max: 200) }
            emit(.eligibilityVerified(EligibilityVerified(mrn: mrn, payer: payer, active: active, note: note)))

        case let .recordDocument(pid, kind, state, dated):
            let p = try procedure(pid)
            guard !p.status.isClosed else { throw Refusal("procedure \(pid) is \(p.status.rawValue)") }
            if state == .signed, !kind.needsSignature {
                throw Refusal("a \(kind.label) is received, not signed", hint: "doc \(pid) \(kind.rawValue) received")
            }
            let when = dated ?? now
            guard when <= now else { throw Refusal("the document is dated \(when), in the future", hint: "give the day it was written or signed, today or before") }
            emit(.documentRecorded(DocumentRecorded(procedure: pid, kind: kind, state: state, dated: when)))

        case let .setBedAfter(pid, kind):
            let p = try procedure(pid)
            guard !p.status.isClosed else { throw Refusal("procedure \(pid) is \(p.status.rawValue)") }
            if let kind, kind != .icu, kind != .stepdown {
                throw Refusal("a bed for afterwards is an icu or stepdown bed, not \(kind.rawValue)", hint: "proc after \(pid) icu|stepdown|none")
            }
            emit(.bedAfterSet(BedAfterSet(procedure: pid, kind: kind)))

        case let .requireDocuments(kind, documents):
            guard Set(documents).count == documents.count else { throw Refusal("a document is named twice") }
            emit(.documentsRequired(DocumentsRequired(kind: kind, documents: documents)))

        default:
            break
        }
    }
}

// MARK: - Time rules

extension Rules {
    /// Requirements not met by their lead times; payer clocks; approvals running out; flagged
    /// requirements met since (their tasks closed). `nextTask` is advanced for tasks raised.
    static func readinessDue(in s: HospitalState, at now: Timestamp, nextTask: inout Int) -> [Event] {
        var events: [Event] = []
        let longest = [s.policy.preauthLead, s.policy.preauthLeadExpedited, s.policy.eligibilityAge, s.policy.documentLead, s.policy.procedureLead].max()!
        // Flagged requirements met since, or cases no longer to happen: their tasks close
        // (whatever the time; the flagged are few).
        for id in s.readiness.flagged.keys.sorted() {
            guard let flags = s.readiness.flagged[id] else { continue }
            // A loop, not `filter`: a closure reading `s` took a copy of the whole state each
            // time (seen in a profile of the feed's writes).
            var open: [String: TaskID] = [:]
            for (key, task) in flags where s.tasks[task].map({ !$0.status.isClosed }) ?? false { open[key] = task }
            guard !open.isEmpty else { continue }
            guard let p = s.procedures[id], p.status == .scheduled else {
                let why = s.procedures[id].map { "\(id) is \($0.status.rawValue)" } ?? "\(id) is no longer held"
                for key in open.keys.sorted() { events.append(.taskStatusChanged(TaskStatusChanged(id: open[key]!, status: .done, note: why))) }
                continue
            }
            let current = s.requirements(of: p, at: now, details: false)
            for key in open.keys.sorted() where current.first(where: { $0.key == key })?.met ?? true {
                let detail = s.requirements(of: p, at: s.lastTime).first { $0.key == key }?.detail ?? "no longer required"
                events.append(.taskStatusChanged(TaskStatusChanged(id: open[key]!, status: .done, note: "Met: \(detail)")))
            }
        }
        // Requirements not met by their lead times, for procedures still to start, in id order.
        for id in s.scheduledProcedures {
            guard let start = s.procedures[id]?.start, now >= start - longest, now < start,
                  let p = s.procedures[id], p.status == .scheduled else { continue }
            let flagged = s.readiness.flagged[id] ?? [:]
            let quick = s.requirements(of: p, at: now, details: false)
            // Nothing to raise: the common case, with nothing formatted.
            guard quick.contains(where: { r in r.key != "labs" && flagged[r.key] == nil && !r.met && now >= start - r.lead }) else { continue }
            for r in s.requirements(of: p, at: now) where r.key != "labs" && flagged[r.key] == nil && !r.met && now >= start - r.lead {
                let task = TaskID(nextTask)
                nextTask += 1
                events.append(.readinessFlagged(ReadinessFlagged(procedure: id, requirement: r.key, detail: r.detail, task: task)))
                let due = max(now + .minutes(15), min(start - .hours(1), now + .hours(2)))
                events.append(.taskCreated(TaskCreated(id: task, title: "\(p.title) (\(p.id)) not ready: \(r.detail)", kind: .readiness, priority: .urgent,
                                                       due: due, owner: .role(.coordinator), patient: p.mrn, link: .procedure(id), note: nil)))
            }
        }
        // Payer clocks and approvals that have run out, in id order.
        for id in s.readiness.auths.keys.sorted() {
            guard let a = s.readiness.auths[id] else { continue }
            if a.status.awaitsPayer, a.chaseTask == nil, let due = a.decisionDue, now >= due {
                let task = TaskID(nextTask)
                nextTask += 1
                events.append(.preAuthOverdue(PreAuthOverdue(id: id, task: task)))
                let clock = a.expedited ? "72 hours (expedited)" : "7 days (standard)"
                events.append(.taskCreated(TaskCreated(id: task, title: "Call \(a.payer) about pre-auth \(a.id): no decision within \(clock) of submission, past \(due) (CMS-0057-F)",
                                                       kind: .preauth, priority: .urgent, due: now + .hours(2), owner: .role(.coordinator),
                                                       patient: a.mrn, link: .procedure(a.procedure), note: nil)))
            }
            if a.status == .approved, let until = a.validUntil, now >= until {
                events.append(.preAuthChanged(PreAuthChanged(id: id, status: .expired)))
            }
        }
        return events
    }
}

// MARK: - Applying

extension HospitalState {
    mutating func applyReadiness(_ r: Recorded) {
        let now = r.time
        switch r.event {
        case .preAuthRecorded(let e):
            readiness.auths[e.id] = PreAuth(id: e.id, mrn: e.mrn, procedure: e.procedure, payer: e.payer, expedited: e.expedited, status: .needed,
                                            recordedAt: now)
            readiness.use(e.id, by: e.procedure)
            readiness.nextAuth = max(readiness.nextAuth, e.id.number + 1)
        case .preAuthChanged(let e):
            guard var a = readiness.auths[e.id] else { anomalies += 1; return }
            a.status = e.status
            switch e.status {
            case .submitted: a.submittedAt = now; a.decisionDue = e.decisionDue; a.chaseTask = nil
            case .appealed: a.decisionDue = e.decisionDue; a.chaseTask = nil; a.note = e.note ?? a.note
            case .pended: a.note = e.note ?? a.note
            case .approved:
                a.number = e.number; a.validFrom = e.validFrom; a.validUntil = e.validUntil; a.units = e.units; a.decidedAt = now
            case .denied: a.denialReason = e.reason; a.appealBy = e.appealBy; a.appealTask = e.task; a.decidedAt = now
            case .needed, .expired: break
            }
            readiness.auths[e.id] = a
        case .preAuthLinked(let e):
            readiness.use(e.id, by: e.procedure)
            if let o = e.override { readiness.overrides[e.procedure] = o }
        case .preAuthOverdue(let e):
            readiness.auths[e.id]?.chaseTask = e.task
        case .eligibilityVerified(let e):
            readiness.eligibility[e.mrn] = Eligibility(payer: e.payer, active: e.active, verifiedAt: now, by: r.actor, note: e.note)
        case .documentRecorded(let e):
            var docs = readiness.documents[e.procedure] ?? []
            docs.removeAll { $0.kind == e.kind }
            docs.append(DocumentRecord(kind: e.kind, state: e.state, dated: e.dated, by: r.actor))
            readiness.documents[e.procedure] = docs
        case .bedAfterSet(let e):
            readiness.bedAfter[e.procedure] = e.kind
        case .readinessFlagged(let e):
            readiness.flagged[e.procedure, default: [:]][e.requirement] = e.task
        case .documentsRequired(let e):
            readiness.requiredDocuments[e.kind] = e.documents
        default:
            break
        }
    }

    /// A procedure archived from the live view takes what readiness held for it.
    mutating func forgetReadiness(of id: ProcedureID) {
        readiness.flagged[id] = nil
        readiness.documents[id] = nil
        readiness.bedAfter[id] = nil
        readiness.overrides[id] = nil
        if let a = readiness.authOf.removeValue(forKey: id) {
            readiness.users[a]?.removeAll { $0 == id }
            if readiness.users[a]?.isEmpty ?? true { readiness.users[a] = nil; readiness.auths[a] = nil }
        }
    }
}
