/// Deciding the referral commands: what each step needs, and the refusals that say why not.

extension Decision {
    func referral(_ id: ReferralID) throws(Refusal) -> Referral {
        if let r = s.referrals[id] { return r }
        throw Refusal("no referral \(id)", hint: s.referrals.byID.isEmpty ? "none has been made yet: ref add MRN to \"Service\" reason \"…\""
                                                                           : "referrals run R1 to R\(s.referrals.next - 1)")
    }

    mutating func runReferrals(_ command: Command) throws(Refusal) {
        switch command {
        case .sendReferral(let q):
            _ = try patient(q.mrn)
            try checkText(q.service, "the service", max: 80)
            try checkText(q.reason, "the reason", max: 300)
            if let v = q.specialist { try checkText(v, "the specialist", max: 80) }
            if let v = q.clinician { try checkText(v, "the referring clinician", max: 80) }
            let latest = now + q.urgency.window
            var due = latest
            if let given = q.due {
                guard given > now else {
                    throw Refusal("the due time \(wall.dateTime(given)) has already passed", hint: "give a time after now, e.g. due +3d or due \(wall.localDate(now + .days(7)))")
                }
                if q.urgency == .stat, given > latest {
                    throw Refusal("a stat referral is due within 24 hours; \(wall.dateTime(given)) is later",
                                  hint: "leave due out (due \(wall.dateTime(latest))), or make it urgent or routine with that date")
                }
                due = given
            }
            let id = ReferralID(s.referrals.next)
            emit(.referralSent(ReferralSent(id: id, mrn: q.mrn, service: q.service, specialist: q.specialist, external: q.external, reason: q.reason,
                                            urgency: q.urgency, due: due, highRisk: q.highRisk, clinician: q.clinician)))

        case let .updateReferral(id, step, appointment, note, override):
            let r = try referral(id)
            if let note { try checkText(note, step == .reported ? "the report" : "the note", max: 500) }
            if let override { try checkText(override, "the clinical review", max: 200) }
            let said = "\(id) (\(r.destination)) is \(r.status.rawValue)"
            switch step {
            case .received:
                guard r.status == .pending else {
                    throw Refusal("\(said); only a pending referral is received", hint: r.isOpen ? "it was received already" : "reopen it first: ref reopen \(id) note \"…\"")
                }
            case .scheduled:
                guard r.isOpen else { throw Refusal("\(said), not open", hint: "reopen it first: ref reopen \(id) note \"…\"") }
                guard r.status != .partial else { throw Refusal("\(said): the appointment has happened and results are coming", hint: "record the report: ref report \(id) \"…\"") }
                if let appointment, appointment < now - .days(1) {
                    throw Refusal("the appointment \(wall.dateTime(appointment)) is more than a day in the past", hint: "give the appointment's time, e.g. at tomorrow 09:00")
                }
            case .unable:
                guard r.isOpen, r.status != .partial else { throw Refusal("\(said); only a referral waiting to be scheduled can be unable to schedule") }
            case .partial, .reported:
                guard r.isOpen else {
                    throw Refusal("\(said); its loop is already closed", hint: r.status == .complete ? "the report was received \(r.reportedAt.map(wall.dateTime) ?? "")" : "reopen it first: ref reopen \(id) note \"…\"")
                }
            case .discontinued, .cancelled:
                guard r.isOpen else { throw Refusal("\(said), not open") }
                if r.highRisk, override == nil {
                    throw Refusal("\(id) is a high-risk referral: it is not closed without clinical review",
                                  hint: "say who reviewed it: ref \(step == .cancelled ? "cancel" : "discontinue") \(id) reason \"…\" override \"reviewed by Dr …\"")
                }
            case .reopened:
                guard !r.isOpen else { throw Refusal("\(said): it is open already") }
            case .expired:
                throw Refusal("a referral expires by itself, \(referralExpiry) after it was sent if never received")
            }
            let full = [note, override.map { "clinical review: \($0)" }].compactMap { $0 }.joined(separator: "; ")
            let newDue: Timestamp? = step == .reopened ? now + r.urgency.window : nil
            emit(.referralUpdated(ReferralUpdated(id: id, step: step, appointment: step == .scheduled ? appointment : nil, due: newDue,
                                                  note: full.isEmpty ? nil : full)))
            // Closing the loop (or the referral) closes its overdue task: an item that is done
            // does not stay overdue on anyone's list.
            if step.status.map({ !$0.isOpen }) ?? false, let task = r.overdueTask, let t = s.tasks[task], !t.status.isClosed {
                emit(.taskStatusChanged(TaskStatusChanged(id: task, status: .done, note: step == .reported ? "Loop closed: the report was received" : "Referral \(step.rawValue)")))
            }

        default:
            break
        }
    }
}

extension Rules {
    /// Referrals past their due time with the loop open raise one task each; pending ones never
    /// received expire. In id order.
    static func referralsDue(in s: HospitalState, at now: Timestamp, nextTask: inout Int) -> [Event] {
        var events: [Event] = []
        for id in s.referrals.openIDs.sorted() {
            guard let r = s.referrals[id], r.isOpen else { continue }
            if r.status == .pending, now >= r.sentAt + referralExpiry {
                events.append(.referralUpdated(ReferralUpdated(id: id, step: .expired, note: "not received within \(referralExpiry) of being sent")))
                if let task = r.overdueTask, let t = s.tasks[task], !t.status.isClosed {
                    events.append(.taskStatusChanged(TaskStatusChanged(id: task, status: .done, note: "Referral expired")))
                }
                continue
            }
            guard r.overdueTask == nil, now >= r.due else { continue }
            let task = TaskID(nextTask)
            nextTask += 1
            events.append(.referralOverdue(ReferralOverdue(id: id, task: task)))
            let stage = switch r.status {
            case .pending: "not yet received by the service"
            case .active: r.unableReason.map { "unable to schedule: \($0)" } ?? "received, not scheduled"
            case .scheduled: r.appointment.map { "appointment \($0)" } ?? "scheduled"
            default: "partial results only"
            }
            let priority: Priority = switch r.urgency { case .stat: .stat; case .urgent: .urgent; case .routine: .routine }
            events.append(.taskCreated(TaskCreated(id: task, title: "Chase referral \(id) to \(r.destination) (\(r.urgency.rawValue)): no report by \(r.due); \(stage)",
                                                   kind: .referral, priority: priority, due: defaultDue(for: priority, from: now), owner: .role(.coordinator),
                                                   patient: r.mrn, link: .referral(id), note: nil)))
        }
        return events
    }
}
