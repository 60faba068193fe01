extension Event {
    /// One line saying what happened, for the status line and `rounds exec`. Identifiers only:
    /// no patient names, so it is safe in any terminal's scroll-back.
    public var summary: String {
        switch self {
        case .unitAdded(let e): "unit \(e.code) added"
        case .bedAdded(let e): "bed \(e.id) added to \(e.unit)"
        case .staffRecorded(let e): "staff \(e.login) recorded as \(e.role.label)\(e.onDuty ? "" : ", off duty")"
        case .policySet(let e): "policy \(e.key.rawValue) set"
        case .patientRecorded(let e): "patient \(e.mrn) recorded"
        case .admissionRequested(let e): "\(e.mrn) admitted from \(e.source.label) and waiting for a bed (\(e.stay))"
        case .admissionCancelled(let e): "admission of \(e.mrn) cancelled"
        case .bedReserved(let e): "bed \(e.bed) reserved for \(e.mrn)"
        case .reservationReleased(let e): "reservation of bed \(e.bed) released"
        case .bedAssigned(let e): "\(e.mrn) assigned to bed \(e.bed)" + (e.override != nil ? " (override recorded)" : "")
        case .patientTransferred(let e): "\(e.mrn) transferred from \(e.from) to \(e.to); \(e.from) is dirty"
        case .bedsSwapped(let e): "\(e.first) and \(e.second) swapped beds \(e.firstBed) and \(e.secondBed)"
        case .patientDischarged(let e): "\(e.mrn) discharged (\(e.disposition.rawValue))" + (e.bed.map { "; bed \($0) is dirty" } ?? "")
        case .stayUpdated(let e): "stay of \(e.mrn) updated"
        case .bedStatusChanged(let e): "bed \(e.bed) is \(e.status.rawValue)"
        case .bedBlocked(let e): "bed \(e.bed) blocked"
        case .bedUnblocked(let e): "bed \(e.bed) unblocked\(e.automatic ? " (block time ended)" : "")"
        case .taskCreated(let e): "task \(e.id) created: \(e.priority.rawValue) \(e.kind == .general ? "" : e.kind.rawValue + " ")task"
        case .taskStatusChanged(let e): "task \(e.id) is \(e.status.rawValue)"
        case .taskReassigned(let e): "task \(e.id) reassigned to \(e.owner?.description ?? "nobody")"
        case .taskRescheduled(let e): "task \(e.id) now due \(e.due)"
        case .taskNoted(let e): "note added to task \(e.id)"
        case .taskEscalated(let e): e.level >= 2 ? "task \(e.id) escalated to a supervisor" : "task \(e.id) is overdue"
        case .labOrdered(let e): "lab \(e.id) \(e.test) ordered for \(e.mrn)"
        case .labProgressed(let e): "lab \(e.id) \(e.status.rawValue)"
        case .labResulted(let e): "lab \(e.id) resulted \(e.result.flag.rawValue)" + (e.status.map { $0 == .final ? "" : " (\($0.rawValue))" } ?? "") + (e.criticalTask.map { "; \($0) raised to communicate it" } ?? "")
        case .labAcknowledged(let e): "lab \(e.id) acknowledged"
        case .criticalCommunicated(let e): "critical result \(e.lab) communicated to \(e.toldRole.label), read back; \(e.task) done"
        case .labCancelled(let e): "lab \(e.id) cancelled"
        case .procedureBooked(let e): "procedure \(e.id) booked on \(e.resource)"
        case .procedureRescheduled(let e): "procedure \(e.id) moved"
        case .procedureStatusChanged(let e): "procedure \(e.id) is \(e.status.rawValue)"
        case .procedureNotReady(let e): "procedure \(e.id) not ready: missing \(e.missing.joined(separator: ", ")); \(e.task) raised"
        case .messageSent(let e): "message \(e.id) sent to \(e.to)\(e.urgent ? " (urgent)" : "")"
        case .messageRead(let e): "message \(e.id) read"
        case .messageAcknowledged(let e): "message \(e.id) acknowledged" + (e.onBehalfOf.map { " on behalf of \($0)" } ?? "")
        case .messageEscalated(let e): e.level >= 2 ? "message \(e.id) escalated to a supervisor" : "message \(e.id) is overdue for acknowledgement"
        case .accessRecorded(let e): "\(e.kind.rawValue) \(e.detail)"
        case .sessionOpened(let e): "session opened (\(e.program), \(e.origin))"
        case .breakGlassStarted(let e): "break-glass \(e.id) started, in force until \(e.until); it waits for a supervisor's review"
        case .breakGlassEnded(let e): "break-glass \(e.id) ended"
        case .breakGlassReviewed(let e): "break-glass \(e.id) reviewed: \(e.verdict.rawValue)"
        case .ipassUpdated(let e): "I-PASS notes for \(e.mrn) updated" + (e.severity.map { " (\($0.rawValue))" } ?? "")
        case .handoverStarted(let e): "handover \(e.id) to \(e.to) started"
        case .handoverAcknowledged(let e): "handover \(e.id): \(e.to) acknowledged \(e.item) from \(e.from)"
        case .handoverStatusChanged(let e): "handover \(e.id) \(e.status.rawValue)"
        case .shiftsDefined(let e): "shifts set: \(e.shifts.map(\.description).joined(separator: ", "))"
        case .hospitalNamed(let e): "hospital named \"\(e.name)\""
        case .feedReceived(let e): "\(e.kind) received" + (e.item.map { "; held as interface item \($0)" } ?? " and applied")
        case .interfaceItemRaised(let e): "interface item \(e.id) (\(e.kind)) held" + (e.patient.map { " for \($0)" } ?? "")
        case .interfaceRetryRequested(let e): "interface item \(e.id) to be retried" + (e.override != nil ? " with an override" : "")
        case .interfaceItemResolved(let e): "interface item \(e.id) \(e.status.rawValue)"
        case .dischargeCancelled(let e): "discharge of \(e.mrn) cancelled; " + (e.bed.map { "back in bed \($0)" } ?? "waiting for a bed")
        case .patientMerged(let e): "\(e.merged) merged into \(e.survivor)"
        case .preAuthRecorded(let e): "pre-auth \(e.id) for \(e.procedure) recorded as needed" + (e.expedited ? " (expedited)" : "")
        case .preAuthChanged(let e): "pre-auth \(e.id) \(e.status.rawValue)" + (e.decisionDue.map { "; the payer's decision is due by \($0)" } ?? "") + (e.task.map { "; appeal task \($0)" } ?? "")
        case .preAuthLinked(let e): "\(e.procedure) uses pre-auth \(e.id)" + (e.override != nil ? " (override recorded)" : "")
        case .preAuthOverdue(let e): "pre-auth \(e.id): the payer's decision is overdue; task \(e.task)"
        case .eligibilityVerified(let e): "eligibility of \(e.mrn) verified: \(e.active ? "active" : "INACTIVE")"
        case .documentRecorded(let e): "\(e.procedure): \(e.kind.label) \(e.state.rawValue)"
        case .bedAfterSet(let e): "\(e.procedure) needs " + (e.kind.map { "a \($0.label) bed afterwards" } ?? "no bed afterwards")
        case .readinessFlagged(let e): "\(e.procedure) not ready (\(e.requirement)); task \(e.task)"
        case .documentsRequired(let e): "documents for \(e.kind.rawValue) set"
        case .addOnPlanned(let e):
            "plan \(e.id) for an \(e.request.urgency.rawValue) add-on, \(e.options.count == 1 ? "one option" : "\(e.options.count) options"): 1) \(e.options.first.map { $0.summary { $0.description } } ?? "none"); accept with plan accept \(e.id) [1-\(e.options.count)]"
        case .planEdited(let e): "plan \(e.id) option \(e.option) edited: \(e.plan.summary { $0.description })"
        case .planDecided(let e): e.option.map { "plan \(e.id) option \($0) accepted: add-on \(e.addOn.map(\.description) ?? "?") booked" } ?? "plan \(e.id) rejected"
        case .procedureMoved(let e): "procedure \(e.id) moved to \(e.resource) at \(e.start)"
        case .cancellationRecorded(let e): "cancellation of \(e.procedure) recorded (\(e.within48h ? "within 48 h" : "48 h or more before"), \(e.avoidable.map { $0 ? "avoidable" : "not avoidable" } ?? "avoidable not said"))"
        case .urgencySet(let e): e.late.map { "add-on \(e.procedure) has not started by its start-by time; task \($0)" } ?? "\(e.procedure) is an \(e.urgency.rawValue) case, to start by \(e.startBy)"
        case .barrierRecorded(let e): "\(e.kind.rawValue) barrier to the discharge of \(e.mrn) recorded"
        case .barrierResolved(let e): "\(e.kind.rawValue) barrier to the discharge of \(e.mrn) resolved"
        case .referralSent(let e): "referral \(e.id) of \(e.mrn) to \(e.service)\(e.external ? " (external)" : "") sent, \(e.urgency.rawValue), due \(e.due)\(e.highRisk ? ", high risk" : "")"
        case .referralUpdated(let e): "referral \(e.id) \(e.step.rawValue)" + (e.appointment.map { " for \($0)" } ?? "") + (e.due.map { "; due again \($0)" } ?? "")
        case .referralOverdue(let e): "referral \(e.id) overdue; task \(e.task)"
        case .complaintRecorded(let e): "\(e.grievance ? "grievance" : "complaint") \(e.id) (\(e.category.rawValue), \(e.channel.rawValue), from \(e.source.rawValue))" + (e.patient.map { " about \($0)" } ?? "") + " logged"
        case .complaintUpdated(let e): "complaint \(e.id) \(e.step.rawValue)" + (e.due.map { "; next response due \($0)" } ?? "")
        case .complaintOverdue(let e): "complaint \(e.id): no response within its time; task \(e.task)"
        case .followUpOpened(let e): "follow-up \(e.id) of \(e.mrn) opened at discharge (\(e.lace.description)); call task \(e.task)"
        case .followUpUpdated(let e): "follow-up \(e.id) \(e.step.rawValue)" + (e.at.map { " for \($0)" } ?? "")
        case .followUpOverdue(let e): "follow-up \(e.id): no visit booked in its window; task \(e.task)"
        case .studyRecorded(let e): "study \(e.code) added (\(e.plan.count) visits, approved until \(e.approvedUntil), consent \(e.consentVersion))"
        case .studyChanged(let e): "study \(e.code)" + (e.approvedUntil.map { " approved until \($0)" } ?? "") + (e.consentVersion.map { " consent amended to \($0)" } ?? "")
        case .patientEnrolled(let e): "\(e.mrn) enrolled in \(e.study) from \(e.anchor)" + (e.arm.map { ", arm \($0)" } ?? "")
        case .enrollmentUpdated(let e): "\(e.mrn) in \(e.study): " + ([e.visit.map { v in "\(v) \(e.outcome?.rawValue ?? "")" + (e.deviation != nil ? " (DEVIATION)" : "") }, e.consentVersion.map { "consent \($0) signed" }, e.ended.map { "enrolment \($0.rawValue)" }].compactMap { $0 }.joined(separator: "; "))
        case .researchTaskRaised(let e): "study \(e.study)" + (e.mrn.map { " for \($0)" } ?? "") + ": \(e.purpose) task \(e.task)"
        case .stockItemRecorded(let e): "stock \(e.item) at \(e.location) \(e.isNew ? "added" : "par changed"): min \(e.min) max \(e.max), reorder \(e.reorder) \(e.unit)"
        case .stockChanged(let e):
            "stock \(e.item) at \(e.location) \(e.step.rawValue) \(e.quantity)" + (e.lot.map { " lot \($0)" } ?? "") + (e.expires.map { " expires \($0)" } ?? "")
                + (e.patient.map { " for \($0)" } ?? "")
        case .supplyTaskRaised(let e): "\(e.key): \(e.purpose) task \(e.task)"
        case .equipmentRecorded(let e): "equipment \(e.tag) (\(e.kind.label)) added at \(e.location); maintenance due \(e.maintenanceDate)"
        case .equipmentChanged(let e):
            "equipment \(e.tag) \(e.step.rawValue)" + (e.holder.map { " to \($0)" } ?? "") + (e.maintenanceDate.map { "; next maintenance \($0)" } ?? "")
        case .equipmentNeeded(let e): "\(e.procedure) \(e.needed ? "needs" : "no longer needs") a \(e.kind.label)"
        }
    }
}
