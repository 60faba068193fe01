/// "Since you were last here": what in a record matters to someone coming back — admissions,
/// discharges, transfers and placements, new critical results, tasks done and tasks gone
/// overdue, messages to them (by login or by their role).
public enum ChangeKind: String, CaseIterable, Sendable {
    case admitted, placed, transferred, discharged
    case criticalResult = "critical result"
    case taskDone = "task done"
    case taskOverdue = "task overdue"
    case messageToYou = "message to you"
    /// A discharge barrier recorded or resolved.
    case barrier = "discharge barrier"
    /// A referral sent, overdue, closed by its report, or closed otherwise.
    case referral
    /// A complaint logged, gone past its response time, or closed.
    case complaint
    /// A follow-up opened at discharge, its visit not booked in time, or closed.
    case followUp = "follow-up"

    /// Report order: what needs the reader first.
    public var rank: Int {
        switch self {
        case .criticalResult: 0
        case .messageToYou: 1
        case .taskOverdue: 2
        case .admitted: 3
        case .placed: 4
        case .transferred: 5
        case .discharged: 6
        case .barrier: 7
        case .referral: 8
        case .complaint: 9
        case .followUp: 10
        case .taskDone: 11
        }
    }
}

public struct Change: Equatable, Sendable {
    public var seq: UInt64
    public var time: Timestamp
    public var actor: Login
    public var kind: ChangeKind
    public var text: String
}

extension HospitalState {
    /// The change a record brings, for `user`, judged against the state just before it.
    public func change(in r: Recorded, for user: Login) -> Change? {
        func who(_ mrn: MRN) -> String { patients[mrn].map { "\(mrn) \($0.name)" } ?? mrn }
        func make(_ kind: ChangeKind, _ text: String) -> Change { Change(seq: r.seq, time: r.time, actor: r.actor, kind: kind, text: text) }
        switch r.event {
        case .admissionRequested(let e):
            let again = recentDischarge(of: e.mrn, at: r.time).flatMap(\.dischargedAt).map { " — READMISSION: discharged \(r.time - $0) before" } ?? ""
            return make(.admitted, "\(who(e.mrn)) admitted from \(e.source.label)" + (e.wantedUnit.map { " for \($0)" } ?? "") + again)
        case .bedAssigned(let e):
            return make(.placed, "\(who(e.mrn)) into bed \(e.bed)" + (e.override != nil ? " (override)" : ""))
        case .patientTransferred(let e):
            return make(.transferred, "\(who(e.mrn)) moved \(e.from) → \(e.to)")
        case .bedsSwapped(let e):
            return make(.transferred, "\(who(e.first)) and \(who(e.second)) swapped \(e.firstBed) ↔ \(e.secondBed)")
        case .patientDischarged(let e):
            return make(.discharged, "\(who(e.mrn)) discharged (\(e.disposition.rawValue))" + (e.bed.map { " from \($0)" } ?? ""))
        case .barrierRecorded(let e):
            let bed = stay(of: e.mrn)?.bed.map { " in \($0)" } ?? ""
            return make(.barrier, "\(who(e.mrn))\(bed): \(e.kind.rawValue) barrier to discharge: \(e.note)")
        case .barrierResolved(let e):
            let bed = stay(of: e.mrn)?.bed.map { " in \($0)" } ?? ""
            return make(.barrier, "\(who(e.mrn))\(bed): \(e.kind.rawValue) barrier resolved" + (e.note.map { ": \($0)" } ?? ""))
        case .referralSent(let e):
            return make(.referral, "\(e.id) \(who(e.mrn)) referred to \(e.service)\(e.external ? " (external)" : "") (\(e.urgency.rawValue))")
        case .referralUpdated(let e) where e.step != .received && e.step != .scheduled:
            guard let ref = referrals[e.id] else { return nil }
            let what = e.step == .reported ? "report received: loop closed" : e.step.rawValue
            return make(.referral, "\(e.id) \(who(ref.mrn)) to \(ref.destination): \(what)" + (e.note.map { " — \($0)" } ?? ""))
        case .referralOverdue(let e):
            guard let ref = referrals[e.id] else { return nil }
            return make(.referral, "\(e.id) \(who(ref.mrn)) to \(ref.destination) overdue: no report yet; \(e.task) raised to chase it")
        case .complaintRecorded(let e):
            return make(.complaint, "\(e.id) \(e.grievance ? "grievance" : "complaint") (\(e.category.rawValue)) from \(e.source.rawValue)" + (e.patient.map { " about \(who($0))" } ?? "") + ": \(e.summary)")
        case .complaintUpdated(let e) where e.step == .closed || e.step == .withdrawn || e.step == .reopened:
            return make(.complaint, "\(e.id) complaint \(e.step.rawValue)" + (e.note.map { ": \($0)" } ?? "") + (e.resolution.map { ": \($0.result)" } ?? ""))
        case .followUpOpened(let e):
            return make(.followUp, "\(e.id) \(who(e.mrn)) to be followed up after discharge (\(e.reasons.joined(separator: ", "))): \(e.lace.description)")
        case .followUpOverdue(let e):
            guard let f = followUps[e.id] else { return nil }
            return make(.followUp, "\(e.id) \(who(f.mrn)): no visit booked within \(f.windowDays) days of discharge; \(e.task) raised")
        case .followUpUpdated(let e) where e.step == .closed || e.step == .reached:
            guard let f = followUps[e.id] else { return nil }
            return make(.followUp, "\(e.id) \(who(f.mrn)): " + (e.step == .reached ? "reached after discharge" : "closed") + (e.note.map { " — \($0)" } ?? ""))
        case .complaintOverdue(let e):
            return make(.complaint, "\(e.id) complaint past its response time; \(e.task) raised to send the notice")
        case .labResulted(let e) where e.result.flag == .critical:
            guard let l = labs[e.id] else { return nil }
            let bed = stay(of: l.mrn)?.bed.map { " in \($0)" } ?? ""
            return make(.criticalResult, "\(l.id) \(l.test) \(e.result.value) \(e.result.units) CRITICAL for \(who(l.mrn))\(bed)")
        case .taskStatusChanged(let e) where e.status == .done:
            guard let t = tasks[e.id] else { return nil }
            return make(.taskDone, "\(t.id) \(t.title) done by \(r.actor)")
        case .taskEscalated(let e) where e.level == 1 || (e.level == 2 && tasks[e.id]?.escalation == 0):
            // A stat task goes from on time straight to a supervisor's notice (level 2): it went
            // overdue all the same, and is the most urgent of them.
            guard let t = tasks[e.id] else { return nil }
            return make(.taskOverdue, "\(t.id) \(t.title) (\(t.owner?.description ?? "nobody")) went overdue" + (e.level == 2 ? " (supervisor told)" : ""))
        case .messageSent(let e):
            let mine: Bool
            switch e.to {
            case .person(let login): mine = login == user
            case .role(let role): mine = staff[user]?.role == role
            }
            guard mine else { return nil }
            return make(.messageToYou, "\(e.id) from \(r.actor)\(e.urgent ? " URGENT" : ""): \(e.subject)")
        default:
            return nil
        }
    }

    /// When `user`'s last shift ended: when they last completed a handover as its giver, else
    /// the start of the current shift.
    public func lastShiftEnd(of user: Login, now: Timestamp, wallClock: WallClock) -> Timestamp {
        if let t = lastHandoverGiven[user] { return t }
        return shiftStart(at: now, wallClock: wallClock) ?? now - .hours(12)
    }
}
