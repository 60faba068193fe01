/// A request to change the hospital. Commands come from the `:` line, `rounds exec`, the demo
/// and the simulator, and all go through `Decider.decide`, the one validation path.
public enum Command: Equatable, Sendable {
    // Set-up
    case addUnit(code: UnitCode, name: String, kind: UnitKind)
    case addBed(id: BedID, unit: UnitCode, attributes: Set<BedAttribute>)
    case setStaff(login: Login, name: String?, role: Role?, onDuty: Bool?)
    case setPolicy(key: PolicyKey, value: Int64)
    case nameHospital(String)

    // Patients and stays
    case admit(Admission)
    case updatePatient(mrn: MRN, changes: PatientChanges)
    case cancelAdmission(mrn: MRN, reason: String)
    case reserve(bed: BedID, mrn: MRN)
    case releaseReservation(bed: BedID)
    case assign(mrn: MRN, bed: BedID, override: String?)
    case transfer(mrn: MRN, bed: BedID, override: String?)
    case swap(first: MRN, second: MRN, override: String?)
    case discharge(mrn: MRN, disposition: Disposition)

    // Beds
    case markDirty(bed: BedID)
    case startCleaning(bed: BedID)
    case finishCleaning(bed: BedID)
    case block(bed: BedID, reason: String, until: Timestamp?)
    case unblock(bed: BedID)

    // Worklist
    case addTask(title: String, patient: MRN?, priority: Priority, due: Timestamp?, owner: Assignee?, note: String?)
    case startTask(TaskID)
    case waitTask(TaskID, reason: String?)
    case completeTask(TaskID, note: String?, communication: CommunicationInput?)
    case cancelTask(TaskID, reason: String)
    case reopenTask(TaskID, reason: String?)
    case reassignTask(TaskID, owner: Assignee?)
    case snoozeTask(TaskID, until: Timestamp, reason: String?)
    case noteTask(TaskID, text: String)

    // Labs
    case orderLab(mrn: MRN, test: String, priority: Priority, neededBy: Timestamp?)
    case collectLab(LabID)
    case receiveLab(LabID)
    case resultLab(LabID, value: String, units: String?, range: String?, flag: ResultFlag?)
    case acknowledgeLab(LabID)
    case communicateLab(LabID, CommunicationInput)
    case cancelLab(LabID, reason: String)

    // Procedures and appointments
    case bookProcedure(mrn: MRN, kind: ProcedureKind, resource: String, start: Timestamp, end: Timestamp, requires: [String], title: String?, after: UnitKind? = nil)
    /// `override`: why it may move outside its pre-authorization's period.
    case moveProcedure(ProcedureID, start: Timestamp, end: Timestamp, override: String? = nil)
    case startProcedure(ProcedureID)
    case finishProcedure(ProcedureID)
    /// `avoidable`: whether the cancellation could have been avoided, when someone says.
    case cancelProcedure(ProcedureID, reason: String, avoidable: Bool? = nil)

    // Add-on cases and the bump cascade (AddOn.swift)
    case planAddOn(AddOnInput)
    case acceptPlan(PlanID, option: Int)
    /// Moves `procedure` in the option to `to`, or cancels it (nil).
    case editPlan(PlanID, option: Int, ProcedureID, to: PlanSlot?)
    /// Takes `procedure` out of the option: it stays where it is.
    case keepInPlan(PlanID, option: Int, ProcedureID)
    case rejectPlan(PlanID, reason: String)

    // Readiness beyond labs (Readiness.swift)
    case addPreAuth(ProcedureID, payer: String, expedited: Bool)
    case linkPreAuth(PreAuthID, ProcedureID, override: String?)
    case submitPreAuth(PreAuthID)
    case pendPreAuth(PreAuthID, note: String?)
    case approvePreAuth(PreAuthID, number: String, from: Timestamp, until: Timestamp, units: Int?)
    case denyPreAuth(PreAuthID, reason: String, appealBy: Timestamp?)
    case appealPreAuth(PreAuthID, note: String?)
    case verifyEligibility(MRN, payer: String, active: Bool, note: String?)
    case recordDocument(ProcedureID, DocumentKind, DocumentState, dated: Timestamp?)
    case setBedAfter(ProcedureID, UnitKind?)
    case requireDocuments(ProcedureKind, [DocumentKind])

    // Discharge barriers (Forecast.swift)
    case recordBarrier(MRN, BarrierKind, note: String)
    case resolveBarrier(MRN, BarrierKind, note: String?)

    // Referrals (Referrals/)
    case sendReferral(ReferralRequest)
    case updateReferral(ReferralID, ReferralStep, appointment: Timestamp?, note: String?, override: String?)

    // Complaints (Complaints/)
    case recordComplaint(ComplaintRequest)
    case updateComplaint(ComplaintID, ComplaintStep, note: String?, next: Timestamp?, closing: ComplaintClosing?)

    // Follow-up after discharge (FollowUps/)
    case updateFollowUp(FollowUpID, FollowUpStep, at: Timestamp?, with: String?, note: String?)

    // Research visits (Research/)
    case research(ResearchCommand)

    // Supplies and equipment (Supplies/)
    case supplies(SupplyCommand)

    // Messages
    case sendMessage(to: Assignee, patient: MRN?, subject: String, body: String, urgent: Bool)
    case replyMessage(MessageID, body: String, urgent: Bool)
    case readMessage(MessageID)
    case acknowledgeMessage(MessageID)

    // Emergency access
    /// Proceed beyond one's role for a while, saying why (nil: the policy's time).
    case breakGlass(reason: String, for: Span?)
    /// End a grant early: one's own (nil), or, for a supervisor, anyone's.
    case endBreakGlass(GrantID?)
    case reviewBreakGlass(GrantID, verdict: ReviewVerdict, note: String?)

    // Handover (I-PASS)
    case ipass(mrn: MRN, IPassInput)
    case startHandover(to: Login)
    /// `all-stable` acknowledges every stable patient not yet acknowledged.
    case acknowledgeHandover(item: String, note: String?)
    /// The receiver takes over a task.
    case takeTask(TaskID)
    case pauseHandover
    case resumeHandover
    case completeHandover(note: String?)
    case cancelHandover(reason: String)
    case setShifts([ShiftDefinition])

    // Feeds from the hospital's systems (Feeds.swift)
    /// One message from an interface (an HL7 listener), applied whole or held as an interface item.
    case feedMessage(FeedMessage)
    case dismissInterfaceItem(InterfaceItemID, reason: String)
    /// Asks the feed to apply the item's message again (after a location was mapped, a bed
    /// freed or a patient admitted), with an override of the placement rules when given.
    case retryInterfaceItem(InterfaceItemID, override: String?)
}

/// What `proc add-on` asks for; rooms may name a kind (`OR`) for every room of it.
public struct AddOnInput: Equatable, Sendable {
    public var mrn: MRN
    public var kind: ProcedureKind
    public var resources: [String]
    public var urgency: CaseUrgency
    public var length: Span
    public var startBy: Timestamp?
    public var requires: [String]
    public var title: String?
    public var after: UnitKind?
    public init(mrn: MRN, kind: ProcedureKind, resources: [String], urgency: CaseUrgency, length: Span, startBy: Timestamp? = nil,
                requires: [String] = [], title: String? = nil, after: UnitKind? = nil) {
        self.mrn = mrn; self.kind = kind; self.resources = resources; self.urgency = urgency; self.length = length
        self.startBy = startBy; self.requires = requires; self.title = title; self.after = after
    }
}

/// A room and a start, where `plan edit` moves a case to.
public struct PlanSlot: Equatable, Sendable {
    public var resource: String
    public var start: Timestamp
    public init(resource: String, start: Timestamp) { self.resource = resource; self.start = start }
}

/// What an `ipass` command says about a patient; nil leaves a field as it is.
public struct IPassInput: Equatable, Sendable {
    public var severity: Severity?
    public var summary: String?
    public var contingency: String?
    public var awareness: String?
    public var clearContingencies = false
    public var clearAwareness = false
    public init(severity: Severity? = nil, summary: String? = nil, contingency: String? = nil, awareness: String? = nil,
                clearContingencies: Bool = false, clearAwareness: Bool = false) {
        self.severity = severity; self.summary = summary; self.contingency = contingency; self.awareness = awareness
        self.clearContingencies = clearContingencies; self.clearAwareness = clearAwareness
    }
    public var isEmpty: Bool { self == IPassInput() }
}

/// Who was told of a critical result and what they read back.
public struct CommunicationInput: Equatable, Sendable {
    public var toldName: String
    public var toldRole: Role
    public var readBack: String
    public init(toldName: String, toldRole: Role, readBack: String) {
        self.toldName = toldName; self.toldRole = toldRole; self.readBack = readBack
    }
}

/// Everything `admit` can say. A known MRN keeps its recorded details unless given again.
public struct Admission: Equatable, Sendable {
    public var mrn: MRN
    public var name: String?
    public var dateOfBirth: LocalDate?
    public var sex: Sex?
    public var source: AdmissionSource
    public var wantedUnit: UnitCode?
    public var needs: Set<BedAttribute>
    public var attending: String?
    public var expectedDischarge: LocalDate?
    public var changes: PatientChanges

    public init(mrn: MRN, name: String? = nil, dateOfBirth: LocalDate? = nil, sex: Sex? = nil, source: AdmissionSource,
                wantedUnit: UnitCode? = nil, needs: Set<BedAttribute> = [], attending: String? = nil,
                expectedDischarge: LocalDate? = nil, changes: PatientChanges = PatientChanges()) {
        self.mrn = mrn; self.name = name; self.dateOfBirth = dateOfBirth; self.sex = sex; self.source = source
        self.wantedUnit = wantedUnit; self.needs = needs; self.attending = attending
        self.expectedDischarge = expectedDischarge; self.changes = changes
    }
}

/// Optional changes to a patient or their current stay; nil leaves a field as it is.
public struct PatientChanges: Equatable, Sendable {
    public var name: String?
    public var language: String??
    public var interpreter: Bool?
    public var precautions: Set<Precaution>?
    public var fallRisk: Bool?
    public var livesAlone: Bool?
    public var expectedDischarge: LocalDate??
    public var attending: String??
    public var needs: Set<BedAttribute>?

    public init(name: String? = nil, language: String?? = nil, interpreter: Bool? = nil, precautions: Set<Precaution>? = nil,
                fallRisk: Bool? = nil, livesAlone: Bool? = nil, expectedDischarge: LocalDate?? = nil,
                attending: String?? = nil, needs: Set<BedAttribute>? = nil) {
        self.name = name; self.language = language; self.interpreter = interpreter; self.precautions = precautions
        self.fallRisk = fallRisk; self.livesAlone = livesAlone; self.expectedDischarge = expectedDischarge
        self.attending = attending; self.needs = needs
    }

    public var isEmpty: Bool { self == PatientChanges() }
}

/// Why a command was not carried out, and what would have been accepted.
public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var hint: String?
    public init(_ reason: String, hint: String? = nil) { self.reason = reason; self.hint = hint }
    public var description: String { hint.map { "\(reason) — \($0)" } ?? reason }
}
