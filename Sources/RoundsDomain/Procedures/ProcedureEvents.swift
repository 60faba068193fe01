// How the events of procedures change the hospital: part of `HospitalState.apply`, the only code
// that changes state (Docs/ARCHITECTURE.md, "The domain by area").

extension HospitalState {
    mutating func applyProcedures(_ r: Recorded, at now: Timestamp) {
        switch r.event {
        case .procedureBooked(let e):
            guard procedures.accepts(e.id) else { anomalies += 1; return }
            procedures.insert(Procedure(id: e.id, mrn: e.mrn, kind: e.kind, title: e.title, resource: e.resource, start: e.start,
                                         end: e.end, requiredTests: e.requiredTests, status: .scheduled, notReadyTask: nil, missingAtCheck: [],
                                         external: e.external), at: e.id)
            if let appt = e.external { feeds.procedureByAppointment[appt] = e.id }
            scheduledProcedures.insert(e.id)
            scheduling.bookedBy[e.id] = r.actor
            nextProcedure = max(nextProcedure, e.id.number + 1)
        case .procedureRescheduled(let e):
            guard procedures.contains(e.id) else { anomalies += 1; return }
            procedures[e.id]!.start = e.start
            procedures[e.id]!.end = e.end
            procedures[e.id]!.notReadyTask = nil
            procedures[e.id]!.missingAtCheck = []
        case .procedureStatusChanged(let e):
            guard procedures.contains(e.id) else { anomalies += 1; return }
            procedures[e.id]!.status = e.status
            if e.status.isClosed { scheduledProcedures.remove(e.id); retire(.procedure(e.id), at: now) }
        case .procedureNotReady(let e):
            guard procedures.contains(e.id) else { anomalies += 1; return }
            procedures[e.id]!.notReadyTask = e.task
            procedures[e.id]!.missingAtCheck = e.missing
        default:
            break
        }
    }
}
