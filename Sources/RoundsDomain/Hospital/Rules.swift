/// The time-based rules. `Rules.due` looks at the state at an instant and returns the events
/// that should fire then; the engine journals them like any other change, so replay reproduces
/// exactly what fired and when. Each rule marks what it did in state, so it fires once.
/// The escalation model is written down in Docs/ESCALATION.md.
public enum Rules {
    /// The actor the engine records what these rules do under (escalations, notices, not-ready
    /// checks, blocks that run out). Reserved: it cannot be put on the roster.
    public static let actor: Login = "system"

    /// The hospital as it stands at `now` for someone who only reads: with what the rules would
    /// fire now applied (under `actor`), as the next writer will record it. Reports of a past
    /// moment (`--at`) and sessions that cannot write show what was due then, not what a
    /// writer happened to record later.
    public static func projected(_ s: HospitalState, at now: Timestamp, wallClock: WallClock = .utc) -> HospitalState {
        var state = s
        // A rule's events can make another due at the same instant (a task raised past its
        // due time escalates); three rounds reach every chain the rules have.
        for _ in 0..<3 {
            let events = due(in: state, at: now, wallClock: wallClock)
            if events.isEmpty { break }
            let time = max(now, state.lastTime)
            var seq = state.lastSeq
            for e in events { seq += 1; state.apply(Recorded(seq: seq, time: time, actor: actor, event: e)) }
        }
        return state
    }

    /// `wallClock` gives the local day for rules counted in days (research visit windows).
    public static func due(in s: HospitalState, at now: Timestamp, wallClock: WallClock = .utc) -> [Event] {
        var events: [Event] = []
        var nextTask = s.nextTask
        var nextMessage = s.nextMessage

        func notifySupervisor(_ subject: String, patient: MRN?, body: String) {
            events.append(.messageSent(MessageSent(id: MessageID(nextMessage), to: .role(.supervisor), patient: patient,
                                                   subject: String(subject.prefix(120)), body: body, urgent: true, replyTo: nil, system: true)))
            nextMessage += 1
        }

        // Overdue and escalating tasks.
        // Only what is already due is read, from the open tasks' due-order index, in id order
        // (deterministic): each submit runs these rules, and must not visit every open task.
        for id in s.openTaskIndex.overdue(at: now) {
            guard let t = s.tasks[id] else { continue }
            let grace: Span? = switch (t.kind, t.priority) {
            case (.criticalresult, _): Span(milliseconds: 0)
            case (_, .stat): s.policy.statGrace
            case (_, .urgent): s.policy.urgentGrace
            case (_, .routine): nil
            }
            if let grace, t.escalation < 2, now >= t.due + grace, t.kind != .escalation {
                events.append(.taskEscalated(TaskEscalated(id: id, level: 2)))
                let what = t.kind == .criticalresult ? "Critical result not communicated within \(s.policy.criticalWindow)"
                                                     : "\(t.priority.rawValue.initialCapital) task overdue"
                notifySupervisor("\(what): \(t.id)", patient: t.patient,
                                 body: "\(t.id) \"\(t.title)\" was due at \(t.due) and is still \(t.status.rawValue); owner \(t.owner?.description ?? "none").")
            } else if t.escalation < 1 {
                events.append(.taskEscalated(TaskEscalated(id: id, level: 1)))
            }
        }

        // Urgent messages nobody has acknowledged. The rules' own notices to supervisors do not
        // escalate: they already went to the top of the ladder (Docs/ESCALATION.md).
        let window = s.policy.messageAckWindow
        // In id order (the same on every machine), from the index kept by `apply`; fields are
        // read in place, and messages already escalated as far as they go are passed over.
        for id in s.messageIndex.unacknowledgedUrgent {
            guard let sentAt = s.messages[id]?.sentAt, now >= sentAt + window,
                  s.messages[id]?.system == false, let level = s.messages[id]?.escalation, level < 2 else { continue }
            guard let m = s.messages[id], m.acknowledgedBy == nil else { continue }
            if m.escalation < 2, !m.system, now >= m.sentAt + window * 2 {
                events.append(.messageEscalated(MessageEscalated(id: id, level: 2)))
                notifySupervisor("Urgent message unacknowledged for \((now - m.sentAt)): \(m.id)", patient: m.patient,
                                 body: "\(m.id) to \(m.to) \"\(m.subject)\" sent at \(m.sentAt) has not been acknowledged.")
            } else if m.escalation < 1, now >= m.sentAt + window {
                events.append(.messageEscalated(MessageEscalated(id: id, level: 1)))
            }
        }

        // Procedures whose required labs are not resulted by the lead time.
        let lead = s.policy.procedureLead
        var starting: [ProcedureID] = []
        for id in s.scheduledProcedures {
            guard s.procedures[id]?.notReadyTask == nil, let start = s.procedures[id]?.start, let end = s.procedures[id]?.end,
                  now >= start - lead, now < end else { continue }
            starting.append(id)
        }
        starting.sort()
        for id in starting {
            guard let p = s.procedures[id], p.status == .scheduled else { continue }
            let missing = s.missingTests(for: p)
            guard !missing.isEmpty else { continue }
            let task = TaskID(nextTask)
            nextTask += 1
            events.append(.procedureNotReady(ProcedureNotReady(id: id, missing: missing, task: task)))
            let due = max(now + .minutes(15), p.start - .hours(1))
            events.append(.taskCreated(TaskCreated(id: task, title: "\(p.title) (\(p.id)): missing \(missing.joined(separator: ", ")) — call the lab, alert the team",
                                                   kind: .missinglab, priority: .urgent, due: due, owner: .role(.coordinator),
                                                   patient: p.mrn, link: .procedure(id), note: nil)))
        }

        // Readiness beyond labs (Readiness.swift).
        events += readinessDue(in: s, at: now, nextTask: &nextTask)
        // Add-ons not started by their start-by time (AddOn.swift).
        events += addOnsLate(in: s, at: now, nextTask: &nextTask)
        // Referrals past their due time, or never received (Referrals/).
        events += referralsDue(in: s, at: now, nextTask: &nextTask)
        // Complaints past their response time (Complaints/).
        events += complaintsDue(in: s, at: now, nextTask: &nextTask)
        // Follow-up visits not booked inside their window (FollowUps/).
        events += followUpsDue(in: s, at: now, nextTask: &nextTask)
        // Research: continuing reviews, visits during a stay, consents to sign again (Research/).
        events += researchDue(in: s, at: now, wallClock: wallClock, nextTask: &nextTask)
        // Supplies: reorders, lots expiring, maintenance, devices to collect or release (Supplies/).
        events += suppliesDue(in: s, at: now, wallClock: wallClock, nextTask: &nextTask)

        // Blocks that have reached their until-time return the bed to service.
        // In unit and bed order, reading each bed's status in place.
        for unit in s.unitOrder {
            for id in s.units[unit]?.beds ?? [] where s.beds[id]?.status == .blocked {
                if let until = s.beds[id]?.block?.until, until <= now {
                    events.append(.bedUnblocked(BedUnblocked(bed: id, automatic: true)))
                    if s.beds[id]?.block?.returnsTo == .dirty {
                        events.append(.taskCreated(Decider.cleaningRequest(TaskID(nextTask), bed: id, in: s, at: now)))
                        nextTask += 1
                    }
                }
            }
        }
        return events
    }
}

extension Event {
    /// Whether recording this event can make a time rule due at once (a procedure booked or
    /// moved inside its lead time with a lab missing, a required lab cancelled, a policy
    /// shortened): the engine then runs the rules again in the same write.
    public var mayMakeRulesDue: Bool {
        switch self {
        case .procedureBooked, .procedureRescheduled, .labCancelled, .policySet: true
        // Readiness: a requirement met (its task closes) or newly due (a task is raised).
        case .preAuthRecorded, .preAuthChanged, .preAuthLinked, .eligibilityVerified, .documentRecorded, .bedAfterSet, .documentsRequired,
             .bedReserved, .reservationReleased, .bedAssigned, .patientTransferred, .procedureStatusChanged: true
        // Supplies: a shelf below min, a lot received inside its window, a device reserved or
        // needed, one left with a patient who has gone (Supplies/).
        case .stockItemRecorded, .stockChanged, .equipmentRecorded, .equipmentChanged, .equipmentNeeded, .patientDischarged: true
        default: false
        }
    }
}
