/// How the complaint events change the state.

extension HospitalState {
    mutating func applyComplaints(_ r: Recorded) {
        defer {
            switch r.event {
            case .complaintRecorded(let e): complaints.refreshOpen(e.id)
            case .complaintUpdated(let e): complaints.refreshOpen(e.id)
            default: break
            }
        }
        switch r.event {
        case .complaintRecorded(let e):
            complaints.byID[e.id] = Complaint(id: e.id, summary: e.summary, source: e.source, channel: e.channel, category: e.category, patient: e.patient,
                                              complainant: e.complainant, owner: e.owner, about: e.about, receivedAt: r.time, receivedBy: r.actor,
                                              grievance: e.grievance, status: .open, responseDue: e.responseDue, notices: 0, history: [])
            complaints.next = max(complaints.next, e.id.number + 1)
        case .complaintUpdated(let e):
            guard var c = complaints.byID[e.id] else { anomalies += 1; return }
            c.history.append(ComplaintEntry(step: e.step, at: r.time, by: r.actor, note: e.note))
            if let status = e.step.status { c.status = status }
            switch e.step {
            case .notice:
                c.notices += 1
                c.responseDue = e.due ?? c.responseDue
                c.overdueTask = nil
            case .reopened:
                c.responseDue = e.due ?? c.responseDue
                c.overdueTask = nil
                c.resolution = nil
            case .closed: c.resolution = e.resolution
            case .grievance: c.grievance = true
            case .noted, .withdrawn: break
            }
            complaints.byID[e.id] = c
        case .complaintOverdue(let e):
            guard complaints.byID[e.id] != nil else { anomalies += 1; return }
            complaints.byID[e.id]?.overdueTask = e.task
        default:
            break
        }
    }
}
