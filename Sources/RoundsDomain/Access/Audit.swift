extension HospitalState {
    /// The patients an event is about, resolving task, lab, message and procedure numbers
    /// against this state (the state just before the event is applied).
    public func patients(touchedBy event: Event) -> [MRN] {
        switch event {
        case .patientRecorded(let e): [e.mrn]
        case .admissionRequested(let e): [e.mrn]
        case .admissionCancelled(let e): [e.mrn]
        case .bedReserved(let e): [e.mrn]
        case .reservationReleased(let e): beds[e.bed]?.patient.map { [$0] } ?? []
        case .bedAssigned(let e): [e.mrn]
        case .patientTransferred(let e): [e.mrn]
        case .bedsSwapped(let e): [e.first, e.second]
        case .patientDischarged(let e): [e.mrn]
        case .stayUpdated(let e): [e.mrn]
        case .taskCreated(let e): e.patient.map { [$0] } ?? []
        case .taskStatusChanged(let e): tasks[e.id]?.patient.map { [$0] } ?? []
        case .taskReassigned(let e): tasks[e.id]?.patient.map { [$0] } ?? []
        case .taskRescheduled(let e): tasks[e.id]?.patient.map { [$0] } ?? []
        case .taskNoted(let e): tasks[e.id]?.patient.map { [$0] } ?? []
        case .taskEscalated(let e): tasks[e.id]?.patient.map { [$0] } ?? []
        case .labOrdered(let e): [e.mrn]
        case .labProgressed(let e): labs[e.id].map { [$0.mrn] } ?? []
        case .labResulted(let e): labs[e.id].map { [$0.mrn] } ?? []
        case .labAcknowledged(let e): labs[e.id].map { [$0.mrn] } ?? []
        case .criticalCommunicated(let e): labs[e.lab].map { [$0.mrn] } ?? []
        case .labCancelled(let e): labs[e.id].map { [$0.mrn] } ?? []
        case .procedureBooked(let e): [e.mrn]
        case .procedureRescheduled(let e): procedures[e.id].map { [$0.mrn] } ?? []
        case .procedureStatusChanged(let e): procedures[e.id].map { [$0.mrn] } ?? []
        case .procedureNotReady(let e): procedures[e.id].map { [$0.mrn] } ?? []
        case .messageSent(let e): e.patient.map { [$0] } ?? []
        case .messageRead(let e): messages[e.id]?.patient.map { [$0] } ?? []
        case .messageAcknowledged(let e): messages[e.id]?.patient.map { [$0] } ?? []
        case .messageEscalated(let e): messages[e.id]?.patient.map { [$0] } ?? []
        case .accessRecorded(let e): e.patient.map { [$0] } ?? []
        case .unitAdded, .bedAdded, .staffRecorded, .policySet, .bedStatusChanged, .bedBlocked, .bedUnblocked,
             .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed, .handoverStarted, .handoverStatusChanged, .shiftsDefined, .hospitalNamed: []
        case .ipassUpdated(let e): [e.mrn]
        case .feedReceived, .interfaceRetryRequested: []
        case .interfaceItemRaised(let e): e.patient.map { [$0] } ?? []
        case .interfaceItemResolved(let e): feeds.items[e.id]?.patient.map { [$0] } ?? []
        case .dischargeCancelled(let e): [e.mrn]
        case .patientMerged(let e): [e.survivor, e.merged]
        case .preAuthRecorded(let e): [e.mrn]
        case .preAuthChanged(let e): readiness.auths[e.id].map { [$0.mrn] } ?? []
        case .preAuthLinked(let e): readiness.auths[e.id].map { [$0.mrn] } ?? []
        case .preAuthOverdue(let e): readiness.auths[e.id].map { [$0.mrn] } ?? []
        case .eligibilityVerified(let e): [e.mrn]
        case .documentRecorded(let e): procedures[e.procedure].map { [$0.mrn] } ?? []
        case .bedAfterSet(let e): procedures[e.procedure].map { [$0.mrn] } ?? []
        case .readinessFlagged(let e): procedures[e.procedure].map { [$0.mrn] } ?? []
        case .documentsRequired: []
        case .addOnPlanned(let e): [e.request.mrn] + e.options.flatMap(\.moves).compactMap { procedures[$0.procedure]?.mrn }.filter { $0 != e.request.mrn }.uniqued
        case .planEdited(let e): e.plan.moves.compactMap { procedures[$0.procedure]?.mrn }.uniqued
        case .planDecided(let e): scheduling.plans[e.id].map { [$0.request.mrn] } ?? []
        case .procedureMoved(let e): procedures[e.id].map { [$0.mrn] } ?? []
        case .cancellationRecorded(let e): procedures[e.procedure].map { [$0.mrn] } ?? []
        case .urgencySet(let e): procedures[e.procedure].map { [$0.mrn] } ?? []
        case .barrierRecorded(let e): [e.mrn]
        case .barrierResolved(let e): [e.mrn]
        case .referralSent(let e): [e.mrn]
        case .referralUpdated(let e): referrals[e.id].map { [$0.mrn] } ?? []
        case .referralOverdue(let e): referrals[e.id].map { [$0.mrn] } ?? []
        case .complaintRecorded(let e): e.patient.map { [$0] } ?? []
        case .complaintUpdated(let e): complaints[e.id]?.patient.map { [$0] } ?? []
        case .complaintOverdue(let e): complaints[e.id]?.patient.map { [$0] } ?? []
        case .followUpOpened(let e): [e.mrn]
        case .followUpUpdated(let e): followUps[e.id].map { [$0.mrn] } ?? []
        case .followUpOverdue(let e): followUps[e.id].map { [$0.mrn] } ?? []
        case .studyRecorded, .studyChanged: []
        case .patientEnrolled(let e): [e.mrn]
        case .enrollmentUpdated(let e): [e.mrn]
        case .researchTaskRaised(let e): e.mrn.map { [$0] } ?? []
        case .stockItemRecorded, .equipmentRecorded: []
        case .stockChanged(let e): e.patient.map { [$0] } ?? []
        case .supplyTaskRaised(let e): supplies[e.key].flatMap { a -> MRN? in if case .patient(let m)? = a.holder { m } else { nil } }.map { [$0] } ?? []
        case .equipmentChanged(let e):
            switch e.holder ?? supplies[e.tag]?.holder {
            case .patient(let m)?: [m]
            case .procedure(let p)?: procedures[p].map { [$0.mrn] } ?? []
            default: []
            }
        case .equipmentNeeded(let e): procedures[e.procedure].map { [$0.mrn] } ?? []
        case .handoverAcknowledged(let e): patients[e.item] != nil ? [e.item] : []
        }
    }
}

extension Event {
    /// What `rounds audit` says a record holds: the summary, plus what the record adds beyond
    /// identifiers — who was told a critical result and the value they read back, an override's
    /// reason, a cancellation's or block's reason, a note, a task's title, a result's value, a
    /// break-glass reason. Patients' names and dates of birth stay out (the record's MRN says
    /// whose record it is). Free text is quoted as recorded; printing makes it terminal-safe.
    public var auditDescription: String {
        func q(_ s: String) -> String { "\"" + s + "\"" }
        func override(_ o: String?) -> String { o.map { "; override: \(q($0))" } ?? "" }
        func note(_ n: String?, _ label: String = "note") -> String { n.map { "; \(label): \(q($0))" } ?? "" }
        switch self {
        case .bedAssigned(let e): return "\(e.mrn) assigned to bed \(e.bed)" + override(e.override)
        case .patientTransferred(let e): return "\(e.mrn) transferred from \(e.from) to \(e.to); \(e.from) is dirty" + override(e.override)
        case .bedsSwapped(let e): return "\(e.first) and \(e.second) swapped beds \(e.firstBed) and \(e.secondBed)" + override(e.override)
        case .criticalCommunicated(let e):
            return "critical result \(e.lab) communicated to \(q(e.toldName)) (\(e.toldRole.label)), who read back \(q(e.readBack)); \(e.task) done"
        case .admissionCancelled(let e): return summary + note(e.reason, "reason")
        case .barrierRecorded(let e): return summary + note(e.note)
        case .barrierResolved(let e): return summary + note(e.note)
        case .referralSent(let e): return summary + note(e.reason, "reason") + (e.clinician.map { "; clinician: \(q($0))" } ?? "")
        case .referralUpdated(let e): return summary + note(e.note)
        case .enrollmentUpdated(let e): return summary + (e.deviation.map { "; deviation: \(q($0))" } ?? "") + note(e.note)
        case .studyChanged(let e): return summary + note(e.note)
        case .stockChanged(let e): return summary + note(e.note)
        case .equipmentChanged(let e): return summary + note(e.note)
        case .followUpUpdated(let e): return summary + note(e.note) + (e.with.map { "; with \(q($0))" } ?? "")
        case .complaintRecorded(let e): return summary + ": " + q(e.summary) + (e.complainant.map { "; from \(q($0))" } ?? "")
        case .complaintUpdated(let e):
            return summary + note(e.note) + (e.resolution.map { "; contact: \(q($0.contact)); steps: \(q($0.steps)); result: \(q($0.result)); completed \($0.completed)" } ?? "")
        case .labCancelled(let e): return summary + note(e.reason, "reason")
        case .labResulted(let e):
            let value = "\(e.result.value) \(e.result.units)".trimmingSpaces
            return "lab \(e.id) resulted \(e.result.flag.rawValue): \(q(value))" + (e.criticalTask.map { "; \($0) raised to communicate it" } ?? "")
        case .bedBlocked(let e): return summary + note(e.reason, "reason") + (e.until.map { " until \($0)" } ?? "")
        case .taskCreated(let e): return summary + ": " + q(e.title) + note(e.note)
        case .taskStatusChanged(let e): return summary + note(e.note)
        case .taskRescheduled(let e): return summary + note(e.reason, "reason")
        case .taskNoted(let e): return summary + ": " + q(e.text)
        case .procedureStatusChanged(let e): return summary + note(e.reason, "reason")
        case .interfaceItemRaised(let e): return summary + ": " + q(e.problem)
        case .interfaceRetryRequested(let e): return summary + override(e.override)
        case .interfaceItemResolved(let e): return summary + note(e.note)
        case .messageSent(let e): return summary + ": " + q(e.subject)
        case .breakGlassStarted(let e): return summary + note(e.reason, "reason")
        case .breakGlassReviewed(let e): return summary + (e.note.isEmpty ? "" : note(e.note))
        case .handoverAcknowledged(let e): return summary + note(e.note)
        case .handoverStatusChanged(let e): return summary + note(e.note)
        case .preAuthRecorded(let e): return summary + " from payer " + q(e.payer)
        case .preAuthChanged(let e):
            return summary + (e.number.map { "; number \(q($0))" } ?? "") + (e.validFrom.map { "; from \($0)" } ?? "") + (e.validUntil.map { " until \($0)" } ?? "")
                + (e.units.map { "; \($0) units" } ?? "") + note(e.reason, "reason") + (e.appealBy.map { "; appeal by \($0)" } ?? "") + note(e.note)
        case .preAuthLinked(let e): return summary + override(e.override)
        case .eligibilityVerified(let e): return summary + " with payer " + q(e.payer) + note(e.note)
        case .documentRecorded(let e): return summary + ", dated \(e.dated)"
        case .readinessFlagged(let e): return summary + ": " + q(e.detail)
        case .documentsRequired(let e): return summary + ": " + (e.documents.isEmpty ? "none" : e.documents.map(\.rawValue).joined(separator: ", "))
        default: return summary
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
