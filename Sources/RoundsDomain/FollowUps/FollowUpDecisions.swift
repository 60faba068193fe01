/// Deciding the follow-up commands; opening a follow-up at discharge; the visit's time rule.

extension WallClock {
    /// The end (23:59) of the `n`th business day (Monday to Friday) after `t`'s local day.
    public func endOfBusinessDay(_ n: Int, after t: Timestamp) -> Timestamp {
        var day = localDate(t)
        var left = n
        while left > 0 {
            day = day.adding(days: 1)
            let weekday = ((Int(day.daysSinceEpoch) + 3) % 7 + 7) % 7   // 0 Monday … 6 Sunday
            if weekday < 5 { left -= 1 }
        }
        return instant(on: day.adding(days: 1), minuteOfDay: 0) - .minutes(1)
    }

    /// The end (23:59) of the local day `days` after `t`'s.
    public func endOfDay(_ days: Int, after t: Timestamp) -> Timestamp {
        instant(on: localDate(t).adding(days: days + 1), minuteOfDay: 0) - .minutes(1)
    }
}

extension HospitalState {
    /// LACE for a patient discharged at `now` from `stay`, from what Rounds knows.
    public func lace(_ st: Stay, at now: Timestamp) -> LaceScore {
        let days = Int(max(0, (now - st.requestedAt).milliseconds) / 86_400_000)
        let before = (followUps.visits[st.mrn] ?? []).filter { $0.stay != st.id && $0.fromED && $0.arrivedAt >= st.requestedAt - visitMemory && $0.arrivedAt < st.requestedAt }
        return LaceScore(length: LaceScore.lengthPoints(days: days), acuity: st.source == .ed ? 3 : 0, comorbidity: nil, emergency: min(4, before.count))
    }
}

extension Decision {
    func followUp(_ id: FollowUpID) throws(Refusal) -> FollowUp {
        if let f = s.followUps[id] { return f }
        throw Refusal("no follow-up \(id)", hint: s.followUps.byID.isEmpty ? "a follow-up is opened when a vulnerable or high-risk patient is discharged"
                                                                          : "follow-ups run F1 to F\(s.followUps.next - 1)")
    }

    /// At a discharge: a follow-up for a vulnerable or high-risk patient, with its call task.
    mutating func openFollowUp(_ st: Stay, _ p: Patient) {
        let lace = s.lace(st, at: now)
        var reasons = vulnerability(p)
        if lace.highRisk { reasons.append("LACE \(lace.total)") }
        guard !reasons.isEmpty else { return }
        let callDue = wall.endOfBusinessDay(2, after: now)
        let window = lace.highRisk ? 7 : 14
        let visitDue = wall.endOfDay(window, after: now)
        let id = FollowUpID(s.followUps.next)
        let task = newTask("Call \(st.mrn) after discharge: reach them by \(wall.dateTime(callDue)) (a voicemail does not count); book a visit within \(window) days (\(reasons.joined(separator: ", ")))",
                           kind: .followup, priority: .urgent, due: callDue, owner: .role(.coordinator), patient: st.mrn, link: .stay(st.id),
                           note: "\(lace.description). Record each call: followup call \(id) reached|voicemail|no-answer|wrong-number")
        emit(.followUpOpened(FollowUpOpened(id: id, mrn: st.mrn, stay: st.id, lace: lace, reasons: reasons, callDue: callDue, visitDue: visitDue, task: task)))
    }

    mutating func runFollowUps(_ command: Command) throws(Refusal) {
        guard case let .updateFollowUp(id, step, at, with, note) = command else { return }
        let f = try followUp(id)
        if let note { try checkText(note, step == .closed ? "the reason" : "the note", max: 300) }
        if let with { try checkText(with, "where or with whom", max: 120) }
        guard f.isOpen else {
            throw Refusal("follow-up \(id) is \(f.status.rawValue)", hint: "its history is in the patient view (p on \(f.mrn))")
        }
        var closeTasks: [TaskID] = []
        switch step {
        case .reached, .voicemail, .noAnswer, .wrongNumber:
            guard f.reachedAt == nil else { throw Refusal("\(f.mrn) was reached already (\(wall.dateTime(f.reachedAt!)))", hint: "book the visit: followup visit \(id) at TIME") }
            if step == .reached { closeTasks.append(f.callTask) }
        case .visitBooked:
            guard let at else { throw Refusal("the visit needs its time") }
            guard at >= now - .days(1) else { throw Refusal("the visit \(wall.dateTime(at)) is more than a day in the past", hint: "give the booked visit's time, e.g. at +5d 10:00 or 2026-12-07 10:00") }
            if let t = f.visitTask, at <= f.visitDue { closeTasks.append(t) }
        case .visitAttended, .visitMissed:
            guard f.visitAt != nil else { throw Refusal("follow-up \(id) has no visit booked", hint: "book it first: followup visit \(id) at TIME") }
        case .closed:
            closeTasks += [f.callTask] + (f.visitTask.map { [$0] } ?? [])
        }
        emit(.followUpUpdated(FollowUpUpdated(id: id, step: step, at: step == .visitBooked ? at : nil, with: with, note: note)))
        for t in closeTasks where s.tasks[t].map({ !$0.status.isClosed }) ?? false {
            let why = switch step {
            case .reached: "Reached" + (note.map { ": \($0)" } ?? "")
            case .visitBooked: "Visit booked for \(wall.dateTime(at!))"
            default: "Follow-up closed: \(note ?? "")"
            }
            emit(.taskStatusChanged(TaskStatusChanged(id: t, status: .done, note: why)))
        }
        if step == .voicemail || step == .noAnswer || step == .wrongNumber, s.tasks[f.callTask].map({ !$0.status.isClosed }) ?? false {
            emit(.taskNoted(TaskNoted(id: f.callTask, text: "Call attempt \(f.attempts + 1): \(step.rawValue) — not reached" + (note.map { "; \($0)" } ?? ""))))
        }
    }
}

extension Rules {
    /// A follow-up with no visit booked inside its window two days before the window ends
    /// raises one task to book it, due at the window's end. In id order.
    static func followUpsDue(in s: HospitalState, at now: Timestamp, nextTask: inout Int) -> [Event] {
        var events: [Event] = []
        for id in s.followUps.openIDs.sorted() {
            guard let f = s.followUps[id], f.isOpen, f.visitTask == nil, now >= f.visitDue - .days(2),
                  f.visitAt.map({ $0 > f.visitDue }) ?? true else { continue }
            let task = TaskID(nextTask)
            nextTask += 1
            events.append(.followUpOverdue(FollowUpOverdue(id: id, task: task)))
            events.append(.taskCreated(TaskCreated(id: task, title: "Book \(f.mrn)'s follow-up visit (\(id)): none booked within \(f.windowDays) days of discharge (\(f.lace.description))",
                                                   kind: .followup, priority: .urgent, due: max(now + .hours(2), f.visitDue), owner: .role(.coordinator),
                                                   patient: f.mrn, link: .followUp(id), note: "followup visit \(id) at TIME [with \"…\"] records it")))
        }
        return events
    }
}
