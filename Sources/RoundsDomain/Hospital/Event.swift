/// Every change to the hospital is one of these. `HospitalState.apply` is the only code that
/// changes state, and it reads nothing but the state, the event and its record's time and actor.
///
/// Journal compatibility: an event's `typeCode` and the order of its fields are the on-disk
/// format (Docs/JOURNAL-FORMAT.md). Add new cases with new codes; never renumber.
public enum Event: Equatable, Sendable {
    case unitAdded(UnitAdded)
    case bedAdded(BedAdded)
    case staffRecorded(Staff)
    case policySet(PolicySet)
    case patientRecorded(Patient)
    case admissionRequested(AdmissionRequested)
    case admissionCancelled(AdmissionCancelled)
    case bedReserved(BedReserved)
    case reservationReleased(ReservationReleased)
    case bedAssigned(BedAssigned)
    case patientTransferred(PatientTransferred)
    case bedsSwapped(BedsSwapped)
    case patientDischarged(PatientDischarged)
    case stayUpdated(StayUpdated)
    case bedStatusChanged(BedStatusChanged)
    case bedBlocked(BedBlocked)
    case bedUnblocked(BedUnblocked)
    case taskCreated(TaskCreated)
    case taskStatusChanged(TaskStatusChanged)
    case taskReassigned(TaskReassigned)
    case taskRescheduled(TaskRescheduled)
    case taskNoted(TaskNoted)
    case taskEscalated(TaskEscalated)
    case labOrdered(LabOrdered)
    case labProgressed(LabProgressed)
    case labResulted(LabResulted)
    case labAcknowledged(LabAcknowledged)
    case criticalCommunicated(CriticalCommunicated)
    case labCancelled(LabCancelled)
    case procedureBooked(ProcedureBooked)
    case procedureRescheduled(ProcedureRescheduled)
    case procedureStatusChanged(ProcedureStatusChanged)
    case procedureNotReady(ProcedureNotReady)
    case messageSent(MessageSent)
    case messageRead(MessageRead)
    case messageAcknowledged(MessageAcknowledged)
    case messageEscalated(MessageEscalated)
    /// Someone looked at, searched or exported patient data (the audit of reads).
    case accessRecorded(AccessRecorded)
    /// A process started writing: its user id, terminal and SSH connection (see Access.swift).
    case sessionOpened(SessionOpened)
    /// Emergency access: someone proceeded beyond their role, giving a reason, for a time.
    case breakGlassStarted(BreakGlassStarted)
    case breakGlassEnded(BreakGlassEnded)
    case breakGlassReviewed(BreakGlassReviewed)
    /// I-PASS notes on a patient's stay: severity, summary, contingencies, awareness.
    case ipassUpdated(IPassUpdated)
    case handoverStarted(HandoverStarted)
    case handoverAcknowledged(HandoverAcknowledged)
    case handoverStatusChanged(HandoverStatusChanged)
    case shiftsDefined(ShiftsDefined)
    /// The hospital's name, set by `rounds init` or `hospital name "…"`.
    case hospitalNamed(HospitalNamed)
    /// Feeds (Feeds.swift): a message from an interface, interface items, and what only a
    /// feed does (a discharge cancelled, two patients' records merged).
    case feedReceived(FeedReceived)
    case interfaceItemRaised(InterfaceItemRaised)
    case interfaceRetryRequested(InterfaceRetryRequested)
    case interfaceItemResolved(InterfaceItemResolved)
    case dischargeCancelled(DischargeCancelled)
    case patientMerged(PatientMerged)
    /// Readiness beyond labs (Readiness.swift): pre-authorizations, eligibility, documents,
    /// a bed for afterwards, and the requirements the rules flag.
    case preAuthRecorded(PreAuthRecorded)
    case preAuthChanged(PreAuthChanged)
    case preAuthLinked(PreAuthLinked)
    case preAuthOverdue(PreAuthOverdue)
    case eligibilityVerified(EligibilityVerified)
    case documentRecorded(DocumentRecorded)
    case bedAfterSet(BedAfterSet)
    case readinessFlagged(ReadinessFlagged)
    case documentsRequired(DocumentsRequired)
    /// Add-on cases and the bump cascade (AddOn.swift).
    case addOnPlanned(AddOnPlanned)
    case planEdited(PlanEdited)
    case planDecided(PlanDecided)
    case procedureMoved(ProcedureMoved)
    case cancellationRecorded(CancellationRecorded)
    case urgencySet(UrgencySet)
    /// Discharge barriers (Forecast.swift).
    case barrierRecorded(BarrierRecorded)
    case barrierResolved(BarrierResolved)
    /// Referrals (Referrals/).
    case referralSent(ReferralSent)
    case referralUpdated(ReferralUpdated)
    case referralOverdue(ReferralOverdue)
    /// Complaints (Complaints/).
    case complaintRecorded(ComplaintRecorded)
    case complaintUpdated(ComplaintUpdated)
    case complaintOverdue(ComplaintOverdue)
    /// Follow-up after discharge (FollowUps/).
    case followUpOpened(FollowUpOpened)
    case followUpUpdated(FollowUpUpdated)
    case followUpOverdue(FollowUpOverdue)
    /// Research visits (Research/).
    case studyRecorded(StudyRecorded)
    case studyChanged(StudyChanged)
    case patientEnrolled(PatientEnrolled)
    case enrollmentUpdated(EnrollmentUpdated)
    case researchTaskRaised(ResearchTaskRaised)
    /// Supplies and equipment (Supplies/).
    case stockItemRecorded(StockItemRecorded)
    case stockChanged(StockChanged)
    case supplyTaskRaised(SupplyTaskRaised)
    case equipmentRecorded(EquipmentRecorded)
    case equipmentChanged(EquipmentChanged)
    case equipmentNeeded(EquipmentNeeded)
}

public struct HospitalNamed: Equatable, Sendable, Encodable { public var name: String; public init(name: String) { self.name = name } }

public struct UnitAdded: Equatable, Sendable, Encodable { public var code: UnitCode; public var name: String; public var kind: UnitKind }
public struct BedAdded: Equatable, Sendable, Encodable { public var id: BedID; public var unit: UnitCode; public var attributes: Set<BedAttribute> }
public struct PolicySet: Equatable, Sendable, Encodable { public var key: PolicyKey; public var value: Int64 }
extension Event {
    /// Work done in the hospital (changes and reads), as opposed to the records that open a
    /// session or manage a break-glass grant.
    public var isWork: Bool {
        switch self {
        case .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed: false
        default: true
        }
    }

    /// Dotted name used in `journal dump` and the docs.
    public var typeName: String {
        switch self {
        case .unitAdded: "unit.added"
        case .bedAdded: "bed.added"
        case .staffRecorded: "staff.recorded"
        case .policySet: "policy.set"
        case .patientRecorded: "patient.recorded"
        case .admissionRequested: "admission.requested"
        case .admissionCancelled: "admission.cancelled"
        case .bedReserved: "bed.reserved"
        case .reservationReleased: "bed.reservation-released"
        case .bedAssigned: "bed.assigned"
        case .patientTransferred: "patient.transferred"
        case .bedsSwapped: "beds.swapped"
        case .patientDischarged: "patient.discharged"
        case .stayUpdated: "stay.updated"
        case .bedStatusChanged: "bed.status-changed"
        case .bedBlocked: "bed.blocked"
        case .bedUnblocked: "bed.unblocked"
        case .taskCreated: "task.created"
        case .taskStatusChanged: "task.status-changed"
        case .taskReassigned: "task.reassigned"
        case .taskRescheduled: "task.rescheduled"
        case .taskNoted: "task.noted"
        case .taskEscalated: "task.escalated"
        case .labOrdered: "lab.ordered"
        case .labProgressed: "lab.progressed"
        case .labResulted: "lab.resulted"
        case .labAcknowledged: "lab.acknowledged"
        case .criticalCommunicated: "lab.critical-communicated"
        case .labCancelled: "lab.cancelled"
        case .procedureBooked: "procedure.booked"
        case .procedureRescheduled: "procedure.rescheduled"
        case .procedureStatusChanged: "procedure.status-changed"
        case .procedureNotReady: "procedure.not-ready"
        case .messageSent: "message.sent"
        case .messageRead: "message.read"
        case .messageAcknowledged: "message.acknowledged"
        case .messageEscalated: "message.escalated"
        case .accessRecorded: "access.recorded"
        case .sessionOpened: "session.opened"
        case .breakGlassStarted: "break-glass.started"
        case .breakGlassEnded: "break-glass.ended"
        case .breakGlassReviewed: "break-glass.reviewed"
        case .ipassUpdated: "ipass.updated"
        case .handoverStarted: "handover.started"
        case .handoverAcknowledged: "handover.acknowledged"
        case .handoverStatusChanged: "handover.status-changed"
        case .shiftsDefined: "shifts.defined"
        case .hospitalNamed: "hospital.named"
        case .feedReceived: "feed.received"
        case .interfaceItemRaised: "interface.item-raised"
        case .interfaceRetryRequested: "interface.retry-requested"
        case .interfaceItemResolved: "interface.item-resolved"
        case .dischargeCancelled: "discharge.cancelled"
        case .patientMerged: "patient.merged"
        case .preAuthRecorded: "preauth.recorded"
        case .preAuthChanged: "preauth.changed"
        case .preAuthLinked: "preauth.linked"
        case .preAuthOverdue: "preauth.overdue"
        case .eligibilityVerified: "eligibility.verified"
        case .documentRecorded: "document.recorded"
        case .bedAfterSet: "procedure.bed-after"
        case .readinessFlagged: "readiness.flagged"
        case .documentsRequired: "policy.documents"
        case .addOnPlanned: "addon.planned"
        case .planEdited: "addon.plan-edited"
        case .planDecided: "addon.plan-decided"
        case .procedureMoved: "procedure.moved"
        case .cancellationRecorded: "procedure.cancellation"
        case .urgencySet: "procedure.urgency"
        case .barrierRecorded: "barrier.recorded"
        case .barrierResolved: "barrier.resolved"
        case .referralSent: "referral.sent"
        case .referralUpdated: "referral.updated"
        case .referralOverdue: "referral.overdue"
        case .complaintRecorded: "complaint.recorded"
        case .complaintUpdated: "complaint.updated"
        case .complaintOverdue: "complaint.overdue"
        case .followUpOpened: "followup.opened"
        case .followUpUpdated: "followup.updated"
        case .followUpOverdue: "followup.overdue"
        case .studyRecorded: "study.recorded"
        case .studyChanged: "study.changed"
        case .patientEnrolled: "study.enrolled"
        case .enrollmentUpdated: "study.enrolment-updated"
        case .researchTaskRaised: "study.task"
        case .stockItemRecorded: "stock.item"
        case .stockChanged: "stock.changed"
        case .supplyTaskRaised: "supplies.task"
        case .equipmentRecorded: "equipment.recorded"
        case .equipmentChanged: "equipment.changed"
        case .equipmentNeeded: "equipment.needed"
        }
    }

    /// The payload, for JSON output.
    public var payload: any Encodable & Sendable {
        switch self {
        case .unitAdded(let p): p
        case .bedAdded(let p): p
        case .staffRecorded(let p): p
        case .policySet(let p): p
        case .patientRecorded(let p): p
        case .admissionRequested(let p): p
        case .admissionCancelled(let p): p
        case .bedReserved(let p): p
        case .reservationReleased(let p): p
        case .bedAssigned(let p): p
        case .patientTransferred(let p): p
        case .bedsSwapped(let p): p
        case .patientDischarged(let p): p
        case .stayUpdated(let p): p
        case .bedStatusChanged(let p): p
        case .bedBlocked(let p): p
        case .bedUnblocked(let p): p
        case .taskCreated(let p): p
        case .taskStatusChanged(let p): p
        case .taskReassigned(let p): p
        case .taskRescheduled(let p): p
        case .taskNoted(let p): p
        case .taskEscalated(let p): p
        case .labOrdered(let p): p
        case .labProgressed(let p): p
        case .labResulted(let p): p
        case .labAcknowledged(let p): p
        case .criticalCommunicated(let p): p
        case .labCancelled(let p): p
        case .procedureBooked(let p): p
        case .procedureRescheduled(let p): p
        case .procedureStatusChanged(let p): p
        case .procedureNotReady(let p): p
        case .messageSent(let p): p
        case .messageRead(let p): p
        case .messageAcknowledged(let p): p
        case .messageEscalated(let p): p
        case .accessRecorded(let p): p
        case .sessionOpened(let p): p
        case .breakGlassStarted(let p): p
        case .breakGlassEnded(let p): p
        case .breakGlassReviewed(let p): p
        case .ipassUpdated(let p): p
        case .handoverStarted(let p): p
        case .handoverAcknowledged(let p): p
        case .handoverStatusChanged(let p): p
        case .shiftsDefined(let p): p
        case .hospitalNamed(let p): p
        case .feedReceived(let p): p
        case .interfaceItemRaised(let p): p
        case .interfaceRetryRequested(let p): p
        case .interfaceItemResolved(let p): p
        case .dischargeCancelled(let p): p
        case .patientMerged(let p): p
        case .preAuthRecorded(let p): p
        case .preAuthChanged(let p): p
        case .preAuthLinked(let p): p
        case .preAuthOverdue(let p): p
        case .eligibilityVerified(let p): p
        case .documentRecorded(let p): p
        case .bedAfterSet(let p): p
        case .readinessFlagged(let p): p
        case .documentsRequired(let p): p
        case .addOnPlanned(let p): p
        case .planEdited(let p): p
        case .planDecided(let p): p
        case .procedureMoved(let p): p
        case .cancellationRecorded(let p): p
        case .urgencySet(let p): p
        case .barrierRecorded(let p): p
        case .barrierResolved(let p): p
        case .referralSent(let p): p
        case .referralUpdated(let p): p
        case .referralOverdue(let p): p
        case .complaintRecorded(let p): p
        case .complaintUpdated(let p): p
        case .complaintOverdue(let p): p
        case .followUpOpened(let p): p
        case .followUpUpdated(let p): p
        case .followUpOverdue(let p): p
        case .studyRecorded(let p): p
        case .studyChanged(let p): p
        case .patientEnrolled(let p): p
        case .enrollmentUpdated(let p): p
        case .researchTaskRaised(let p): p
        case .stockItemRecorded(let p): p
        case .stockChanged(let p): p
        case .supplyTaskRaised(let p): p
        case .equipmentRecorded(let p): p
        case .equipmentChanged(let p): p
        case .equipmentNeeded(let p): p
        }
    }
}

/// An event with the facts its journal record adds: sequence number, time and actor.
public struct Recorded: Equatable, Sendable {
    public var seq: UInt64
    public var time: Timestamp
    public var actor: Login
    /// The session the record was written in (the seq of its `session.opened`), 0 for none.
    public var session: UInt64
    public var event: Event
    public init(seq: UInt64, time: Timestamp, actor: Login, session: UInt64 = 0, event: Event) {
        self.seq = seq; self.time = time; self.actor = actor; self.session = session; self.event = event
    }
}
