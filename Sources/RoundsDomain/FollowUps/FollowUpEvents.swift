/// How the follow-up events change the state, and the visits kept for LACE and readmissions.

extension HospitalState {
    /// The patient's last discharge if it was within 30 days of `now` (an admission now would
    /// be a readmission).
    public func recentDischarge(of mrn: MRN, at now: Timestamp) -> Visit? {
        guard let last = (followUps.visits[mrn] ?? []).filter({ $0.dischargedAt != nil }).max(by: { $0.dischargedAt! < $1.dischargedAt! }),
              let out = last.dischargedAt, now - out <= readmissionWindow else { return nil }
        return last
    }

    mutating func applyFollowUps(_ r: Recorded) {
        defer {
            switch r.event {
            case .followUpOpened(let e): followUps.refreshOpen(e.id)
            case .followUpUpdated(let e): followUps.refreshOpen(e.id)
            default: break
            }
        }
        switch r.event {
        case .followUpOpened(let e):
            followUps.byID[e.id] = FollowUp(id: e.id, mrn: e.mrn, stay: e.stay, dischargedAt: r.time, lace: e.lace, reasons: e.reasons, callDue: e.callDue,
                                            visitDue: e.visitDue, callTask: e.task, attempts: 0, status: .open, history: [])
            followUps.next = max(followUps.next, e.id.number + 1)
            followUps.byStay[e.stay] = e.id
        case .followUpUpdated(let e):
            guard var f = followUps.byID[e.id] else { anomalies += 1; return }
            f.history.append(FollowUpEntry(step: e.step, at: r.time, by: r.actor, note: e.note ?? e.with))
            switch e.step {
            case .reached: f.reachedAt = r.time; f.attempts += 1
            case .voicemail, .noAnswer, .wrongNumber: f.attempts += 1
            case .visitBooked: f.visitAt = e.at; f.visitWith = e.with; f.visitAttended = nil
            case .visitAttended: f.visitAttended = true
            case .visitMissed: f.visitAttended = false; f.visitAt = nil
            case .closed: f.status = .closed
            }
            if f.status == .open, f.reachedAt != nil, f.visitAttended == true { f.status = .done }
            followUps.byID[e.id] = f
        case .followUpOverdue(let e):
            guard followUps.byID[e.id] != nil else { anomalies += 1; return }
            followUps.byID[e.id]?.visitTask = e.task
        default:
            break
        }
    }

    /// After a stay's own event: the patient's visits (for LACE's ED visits), readmissions
    /// within 30 days, and a follow-up whose discharge was cancelled.
    mutating func noteVisit(_ r: Recorded) {
        let now = r.time
        switch r.event {
        case .admissionRequested(let e):
            var list = followUps.visits[e.mrn] ?? []
            list.removeAll { $0.dischargedAt.map { $0 < now - visitMemory } ?? false }
            if let last = recentDischarge(of: e.mrn, at: now), let out = last.dischargedAt {
                followUps.readmissions[e.stay] = Readmission(stay: e.stay, previous: last.stay, previousDischarge: out, admittedAt: now)
                if let id = followUps.byStay[last.stay], followUps.byID[id]?.readmission == nil {
                    followUps.byID[id]?.readmittedAt = now
                    followUps.byID[id]?.readmission = e.stay
                }
            }
            list.append(Visit(stay: e.stay, arrivedAt: now, fromED: e.source == .ed, dischargedAt: nil))
            followUps.visits[e.mrn] = list
            // Readmissions older than the visits kept are forgotten with them: looked over when
            // their number reaches a power of two (so each admission costs O(1) on average).
            let n = followUps.readmissions.count
            if n >= 64, n & (n - 1) == 0 {
                followUps.readmissions = followUps.readmissions.filter { $0.value.admittedAt >= now - visitMemory }
            }
        case .patientDischarged(let e):
            guard let i = followUps.visits[e.mrn]?.firstIndex(where: { $0.stay == e.stay }) else { return }
            followUps.visits[e.mrn]![i].dischargedAt = now
        case .admissionCancelled(let e):
            followUps.visits[e.mrn]?.removeAll { $0.stay == e.stay }
            if followUps.visits[e.mrn]?.isEmpty == true { followUps.visits[e.mrn] = nil }
            followUps.readmissions[e.stay] = nil
        case .dischargeCancelled(let e):
            if let i = followUps.visits[e.mrn]?.firstIndex(where: { $0.stay == e.stay }) { followUps.visits[e.mrn]![i].dischargedAt = nil }
            if let id = followUps.byStay[e.stay], followUps.byID[id]?.isOpen == true {
                followUps.byID[id]?.status = .closed
                followUps.byID[id]?.history.append(FollowUpEntry(step: .closed, at: now, by: r.actor, note: "Discharge cancelled"))
                followUps.refreshOpen(id)
            }
        default:
            break
        }
    }
}
