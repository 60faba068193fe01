/// Deciding the research commands, and the research time rules.

extension Decision {
    func studyNamed(_ code: String) throws(Refusal) -> Study {
        if let st = s.research.studies[code] { return st }
        throw Refusal("no study \(code)", hint: s.research.studies.isEmpty ? "add it first: study add CODE name \"…\" pi \"…\" approved-until DATE visits \"V1:0, V2:7±2\""
                                                                         : "studies: \(s.research.studies.keys.sorted().joined(separator: ", "))")
    }

    func enrollment(_ code: String, _ mrn: MRN) throws(Refusal) -> Enrollment {
        _ = try studyNamed(code)
        if let e = s.research.enrollment(code, mrn) { return e }
        throw Refusal("\(mrn) is not enrolled in \(code)", hint: "enrol them: study enroll \(mrn) \(code) anchor DATE")
    }

    mutating func runResearch(_ command: Command) throws(Refusal) {
        guard case .research(let c) = command else { return }
        let today = wall.localDate(now)
        switch c {
        case let .add(code, name, investigator, until, consent, plan):
            if s.research.studies[code] != nil { throw Refusal("study \(code) exists already", hint: "renew its approval (study renew) or amend its consent (study amend)") }
            try checkText(name, "the study's name", max: 120)
            try checkText(investigator, "the principal investigator", max: 80)
            try checkText(consent, "the consent version", max: 20)
            guard until >= today else { throw Refusal("the approval ended on \(until)", hint: "a study is added with its current approval's last day, today or later") }
            guard until <= today.adding(days: 366) else { throw Refusal("an approval runs at most 12 months; \(until) is later than \(today.adding(days: 366))", hint: "continuing review is at least every 12 months") }
            emit(.studyRecorded(StudyRecorded(code: code, name: name, investigator: investigator, approvedUntil: until, consentVersion: consent, plan: plan)))
        case let .renew(code, until, note):
            let st = try studyNamed(code)
            if let note { try checkText(note, "the note", max: 200) }
            guard until > st.approvedUntil else { throw Refusal("\(code) is approved until \(st.approvedUntil) already; \(until) is not later") }
            guard until <= today.adding(days: 366) else { throw Refusal("an approval runs at most 12 months; \(until) is later than \(today.adding(days: 366))") }
            emit(.studyChanged(StudyChanged(code: code, approvedUntil: until, note: note)))
            if let t = st.reviewTask, s.tasks[t].map({ !$0.status.isClosed }) ?? false {
                emit(.taskStatusChanged(TaskStatusChanged(id: t, status: .done, note: "Approval renewed until \(until)")))
            }
        case let .amend(code, consent, note):
            let st = try studyNamed(code)
            try checkText(consent, "the consent version", max: 20)
            if let note { try checkText(note, "the note", max: 200) }
            guard consent != st.consentVersion else { throw Refusal("the consent of \(code) is \(consent) already") }
            emit(.studyChanged(StudyChanged(code: code, consentVersion: consent, note: note)))
        case let .enroll(mrn, code, anchor, arm, consent):
            _ = try patient(mrn)
            let st = try studyNamed(code)
            if let arm { try checkText(arm, "the arm", max: 40) }
            if let consent { try checkText(consent, "the consent version", max: 20) }
            if let e = s.research.enrollment(code, mrn) { throw Refusal("\(mrn) is enrolled in \(code) already (\(e.status.rawValue), anchor \(e.anchor))") }
            guard st.approvedUntil >= today else { throw Refusal("\(code)'s approval ended on \(st.approvedUntil): nobody is enrolled until it is renewed", hint: "study renew \(code) until DATE") }
            guard abs(anchor.daysSinceEpoch - today.daysSinceEpoch) <= 366 else { throw Refusal("the anchor date \(anchor) is more than a year from today") }
            emit(.patientEnrolled(PatientEnrolled(study: code, mrn: mrn, anchor: anchor, arm: arm, consentVersion: consent ?? st.consentVersion)))
        case let .visit(mrn, code, visit, outcome, at, note):
            let e = try enrollment(code, mrn)
            let st = try studyNamed(code)
            if let note { try checkText(note, "the note", max: 200) }
            guard e.status == .onStudy else { throw Refusal("\(mrn)'s enrolment in \(code) has ended (\(e.status.rawValue))") }
            guard let plan = st.plan.first(where: { $0.name.caseInsensitiveCompare(visit) }) else {
                throw Refusal("\(code) has no visit \(visit)", hint: "its visits: \(st.plan.map(\.label).joined(separator: ", "))")
            }
            if let done = e.visits[plan.name] { throw Refusal("\(plan.name) of \(mrn) in \(code) is recorded already (\(done.outcome.rawValue))") }
            let when = at ?? now
            guard when <= now + .minutes(5) else { throw Refusal("a visit is recorded when it has happened; \(wall.dateTime(when)) is later than now") }
            let w = st.window(plan, anchor: e.anchor)
            let day = wall.localDate(when)
            var deviation: String?
            if outcome == .missed {
                deviation = "\(plan.name) missed (window \(w.first)–\(w.last))"
            } else if day < w.first || day > w.last {
                deviation = "\(plan.name) done on \(day), outside its window \(w.first)–\(w.last) (\(plan.label))"
            }
            emit(.enrollmentUpdated(EnrollmentUpdated(study: code, mrn: mrn, visit: plan.name, outcome: outcome, at: when, deviation: deviation, note: note)))
            if let t = e.tasks["visit:" + plan.name], s.tasks[t].map({ !$0.status.isClosed }) ?? false {
                emit(.taskStatusChanged(TaskStatusChanged(id: t, status: .done, note: "\(plan.name) \(outcome.rawValue)" + (deviation != nil ? " (deviation recorded)" : ""))))
            }
        case let .consent(mrn, code, version):
            let e = try enrollment(code, mrn)
            let st = try studyNamed(code)
            try checkText(version, "the consent version", max: 20)
            guard version == st.consentVersion else {
                throw Refusal("\(code)'s current consent is \(st.consentVersion), not \(version)", hint: "record the version signed; amend the study first if a new version was approved (study amend)")
            }
            guard e.consentVersion != version else { throw Refusal("\(mrn) signed \(version) of \(code) already") }
            emit(.enrollmentUpdated(EnrollmentUpdated(study: code, mrn: mrn, consentVersion: version)))
            if let t = e.tasks["consent:" + version], s.tasks[t].map({ !$0.status.isClosed }) ?? false {
                emit(.taskStatusChanged(TaskStatusChanged(id: t, status: .done, note: "Consent \(version) signed")))
            }
        case let .end(mrn, code, status, note):
            let e = try enrollment(code, mrn)
            if let note { try checkText(note, "the note", max: 200) }
            guard e.status == .onStudy else { throw Refusal("\(mrn)'s enrolment in \(code) has ended already (\(e.status.rawValue))") }
            emit(.enrollmentUpdated(EnrollmentUpdated(study: code, mrn: mrn, ended: status, note: note)))
            for t in e.tasks.values.sorted() where s.tasks[t].map({ !$0.status.isClosed }) ?? false {
                emit(.taskStatusChanged(TaskStatusChanged(id: t, status: .cancelled, note: "Enrolment \(status.rawValue)")))
            }
        }
    }
}

extension Rules {
    /// Continuing reviews coming due, study visits whose window is open while the patient is
    /// admitted, and consents to sign again after an amendment; each raises one task.
    static func researchDue(in s: HospitalState, at now: Timestamp, wallClock: WallClock, nextTask: inout Int) -> [Event] {
        guard !s.research.studies.isEmpty else { return [] }
        var events: [Event] = []
        let today = wallClock.localDate(now)
        func raise(_ study: String, _ mrn: MRN?, _ purpose: String, _ title: String, priority: Priority, due: Timestamp, owner: Assignee) {
            let task = TaskID(nextTask)
            nextTask += 1
            events.append(.researchTaskRaised(ResearchTaskRaised(study: study, mrn: mrn, purpose: purpose, task: task)))
            events.append(.taskCreated(TaskCreated(id: task, title: title, kind: .research, priority: priority, due: due, owner: owner, patient: mrn,
                                                   link: .none, note: nil)))
        }
        for code in s.research.studies.keys.sorted() {
            guard let st = s.research.studies[code] else { continue }
            if st.reviewFor != st.approvedUntil, today >= st.approvedUntil.adding(days: -continuingReviewLead) {
                raise(code, nil, "review", "Continuing review of study \(code) (\(st.investigator)): its approval ends \(st.approvedUntil) — at least every 12 months",
                      priority: .routine, due: max(now + .hours(8), wallClock.instant(on: st.approvedUntil, minuteOfDay: 12 * 60)), owner: .role(.coordinator))
            }
        }
        // Only the patients on a study now (`onStudy`, kept by apply): a year's ended
        // enrolments are not looked at on every write.
        let onStudy = s.research.onStudy.sorted { $0.key < $1.key }.flatMap { mrn, codes in codes.sorted().map { (mrn, $0) } }
        for (mrn, code) in onStudy {
            guard let e = s.research.enrollment(code, mrn), e.status == .onStudy, let st = s.research.studies[e.study] else { continue }
            if e.consentVersion != st.consentVersion, e.tasks["consent:" + st.consentVersion] == nil {
                raise(e.study, e.mrn, "consent:" + st.consentVersion, "Re-consent \(e.mrn) for study \(e.study): consent amended to \(st.consentVersion) (signed \(e.consentVersion))",
                      priority: .urgent, due: now + .hours(24), owner: .role(.coordinator))
            }
            // Visits during a stay: only for a patient admitted now.
            guard s.stay(of: e.mrn) != nil else { continue }
            for v in st.plan where e.visits[v.name] == nil && e.tasks["visit:" + v.name] == nil {
                let w = st.window(v, anchor: e.anchor)
                guard today >= w.first, today <= w.last else { continue }
                let due = wallClock.instant(on: w.last.adding(days: 1), minuteOfDay: 0) - .minutes(1)
                raise(e.study, e.mrn, "visit:" + v.name, "Study visit \(v.name) of \(e.study) for \(e.mrn) during the stay: \(v.label) from \(e.anchor), window \(w.first)–\(w.last)",
                      priority: .urgent, due: due, owner: .role(.coordinator))
            }
        }
        return events
    }
}
