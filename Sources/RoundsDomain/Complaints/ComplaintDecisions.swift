/// Deciding the complaint commands, and the 7-day clock's time rule.

extension Decision {
    func complaint(_ id: ComplaintID) throws(Refusal) -> Complaint {
        if let c = s.complaints[id] { return c }
        throw Refusal("no complaint \(id)", hint: s.complaints.byID.isEmpty ? "none has been logged yet: complaint add \"…\" [patient MRN]"
                                                                            : "complaints run C1 to C\(s.complaints.next - 1)")
    }

    /// A record a complaint may be about: one Rounds has numbered (it may since have been
    /// archived), or a journal record by its sequence number.
    func checkAbout(_ ref: String) throws(Refusal) {
        let hint = "give records as S12 (a stay), P3 (a case), T40, L7, M9, R2 (a referral) or #1234 (a journal record), separated by commas"
        if ref.hasPrefix("#") {
            guard let n = UInt64(ref.dropFirst()), n >= 1, n <= s.lastSeq else {
                throw Refusal("'\(ref)' is not a journal record", hint: "records run #1 to #\(s.lastSeq); rounds journal dump lists them")
            }
            return
        }
        let sub = Substring(ref)
        let known: Bool
        switch ref.first {
        case "S": known = StayID.parse(sub).map { $0.number < s.nextStay } ?? false
        case "P": known = ProcedureID.parse(sub).map { $0.number < s.nextProcedure } ?? false
        case "T": known = TaskID.parse(sub).map { $0.number < s.nextTask } ?? false
        case "L": known = LabID.parse(sub).map { $0.number < s.nextLab } ?? false
        case "M": known = MessageID.parse(sub).map { $0.number < s.nextMessage } ?? false
        case "R": known = ReferralID.parse(sub).map { $0.number < s.referrals.next } ?? false
        default: throw Refusal("'\(ref)' is not a record Rounds numbers", hint: hint)
        }
        guard known else { throw Refusal("there is no \(ref)", hint: hint) }
    }

    mutating func runComplaints(_ command: Command) throws(Refusal) {
        switch command {
        case .recordComplaint(let q):
            try checkText(q.summary, "the complaint", max: 500)
            if let mrn = q.patient { _ = try patient(mrn) }
            if let name = q.complainant { try checkText(name, "the complainant's name", max: 80) }
            try checkAssignee(q.owner)
            guard q.about.count <= 20 else { throw Refusal("a complaint is about at most 20 records; \(q.about.count) given") }
            for ref in q.about { try checkAbout(ref) }
            let id = ComplaintID(s.complaints.next)
            emit(.complaintRecorded(ComplaintRecorded(id: id, summary: q.summary, source: q.source, channel: q.channel, category: q.category,
                                                      patient: q.patient, complainant: q.complainant, owner: q.owner ?? .role(.coordinator),
                                                      about: q.about, grievance: q.grievance || q.channel == .written,
                                                      responseDue: now + complaintResponseWindow)))

        case let .updateComplaint(id, step, note, next, closing):
            let c = try complaint(id)
            if let note { try checkText(note, step == .notice ? "the notice" : step == .withdrawn ? "the reason" : "the note", max: 500) }
            let said = "\(id) is \(c.status.rawValue)"
            var due: Timestamp?
            var resolution: ComplaintResolution?
            switch step {
            case .noted, .grievance, .withdrawn:
                guard c.isOpen else { throw Refusal("\(said), not open", hint: "reopen it first: complaint reopen \(id) note \"…\"") }
                if step == .grievance, c.grievance { throw Refusal("\(id) is a grievance already") }
            case .notice:
                guard c.isOpen else { throw Refusal("\(said): a closed complaint gets its written notice when it is closed", hint: "rounds report notice --id \(id) prints it") }
                if let next { try checkFuture(next, "the next response's due time") }
                due = next ?? now + complaintResponseWindow
            case .closed:
                guard c.isOpen else { throw Refusal("\(said), not open") }
                let missing = [closing?.contact == nil ? "contact \"…\" (who the complainant may call)" : nil,
                               closing?.steps == nil ? "steps \"…\" (what was done to investigate)" : nil,
                               closing?.result == nil ? "result \"…\" (what was found and done)" : nil].compactMap { $0 }
                guard missing.isEmpty, let closing, let contact = closing.contact, let steps = closing.steps, let result = closing.result else {
                    throw Refusal("closing \(id) needs the written notice's content: missing \(missing.joined(separator: ", "))",
                                  hint: "complaint close \(id) contact \"…\" steps \"…\" result \"…\" [completed DATE]")
                }
                try checkText(contact, "the contact", max: 120)
                try checkText(steps, "the steps taken", max: 1000)
                try checkText(result, "the result", max: 1000)
                let today = wall.localDate(now)
                let completed = closing.completed ?? today
                guard completed <= today else { throw Refusal("the date of completion \(completed) is after today", hint: "leave it out for today, or give the day it was completed") }
                guard completed >= wall.localDate(c.receivedAt) else { throw Refusal("the date of completion \(completed) is before the complaint was received (\(wall.localDate(c.receivedAt)))") }
                resolution = ComplaintResolution(contact: contact, steps: steps, result: result, completed: completed)
            case .reopened:
                guard !c.isOpen else { throw Refusal("\(said): it is open already") }
                due = now + complaintResponseWindow
            }
            emit(.complaintUpdated(ComplaintUpdated(id: id, step: step, note: note, due: due, resolution: resolution)))
            // A notice sent, or the complaint closed or withdrawn: the task to send the notice is done.
            if step == .notice || step == .closed || step == .withdrawn, let task = c.overdueTask, let t = s.tasks[task], !t.status.isClosed {
                emit(.taskStatusChanged(TaskStatusChanged(id: task, status: .done, note: step == .notice ? "Notice sent" : "Complaint \(step.rawValue)")))
            }

        default:
            break
        }
    }
}

extension Rules {
    /// Open complaints past their response time raise one task each (to send the "still
    /// working on it" notice), in id order.
    static func complaintsDue(in s: HospitalState, at now: Timestamp, nextTask: inout Int) -> [Event] {
        var events: [Event] = []
        for id in s.complaints.openIDs.sorted() {
            guard let c = s.complaints[id], c.isOpen, c.overdueTask == nil, now >= c.responseDue else { continue }
            let task = TaskID(nextTask)
            nextTask += 1
            events.append(.complaintOverdue(ComplaintOverdue(id: id, task: task)))
            let since = c.notices == 0 ? "within 7 days of receipt" : "by the date the last notice gave"
            events.append(.taskCreated(TaskCreated(id: task, title: "Send complaint \(id)'s \"still working on it\" notice: no response \(since) (\(c.category.rawValue))",
                                                   kind: .complaint, priority: .urgent, due: now + .hours(24), owner: c.owner,
                                                   patient: c.patient, link: .complaint(id), note: "complaint notice \(id) \"…\" [next DATE] records it")))
        }
        return events
    }
}
