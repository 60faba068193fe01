/// How the referral events change the state.

extension HospitalState {
    mutating func applyReferrals(_ r: Recorded) {
        defer {
            switch r.event {
            case .referralSent(let e): referrals.refreshOpen(e.id)
            case .referralUpdated(let e): referrals.refreshOpen(e.id)
            default: break
            }
        }
        switch r.event {
        case .referralSent(let e):
            referrals.byID[e.id] = Referral(id: e.id, mrn: e.mrn, service: e.service, specialist: e.specialist, external: e.external, reason: e.reason,
                                            urgency: e.urgency, due: e.due, highRisk: e.highRisk, clinician: e.clinician, sentAt: r.time, sentBy: r.actor,
                                            status: .pending, history: [])
            referrals.next = max(referrals.next, e.id.number + 1)
        case .referralUpdated(let e):
            guard var ref = referrals.byID[e.id] else { anomalies += 1; return }
            ref.history.append(ReferralEntry(step: e.step, at: r.time, by: r.actor, note: e.note))
            if let status = e.step.status { ref.status = status }
            switch e.step {
            case .received: break
            case .scheduled: ref.appointment = e.appointment; ref.unableReason = nil
            case .unable: ref.unableReason = e.note
            case .partial: ref.report = e.note
            case .reported: ref.report = e.note; ref.reportedAt = r.time
            case .discontinued, .cancelled, .expired: break
            case .reopened:
                ref.due = e.due ?? ref.due
                ref.overdueTask = nil
                ref.reportedAt = nil
                ref.unableReason = nil
            }
            referrals.byID[e.id] = ref
        case .referralOverdue(let e):
            guard referrals.byID[e.id] != nil else { anomalies += 1; return }
            referrals.byID[e.id]?.overdueTask = e.task
        default:
            break
        }
    }
}
