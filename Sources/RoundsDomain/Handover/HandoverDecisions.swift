// Shift handover: I-PASS per patient, starting, acknowledging, taking tasks, pausing, completing
// and cancelling a handover, and the shifts (Docs/ARCHITECTURE.md, "The domain by area").

extension Decision {
    mutating func handover(_ command: Command) throws(Refusal) {
        switch command {
        case let .ipass(mrn, input):
            let st = try activeStay(mrn)
            if input.isEmpty { throw Refusal("ipass \(mrn): nothing to record", hint: "give severity, summary, if … then …, aware or clear") }
            if let t = input.summary { try checkText(t, "the summary", max: 200) }
            if let t = input.contingency { try checkText(t, "the contingency", max: 300) }
            if let t = input.awareness { try checkText(t, "the awareness note", max: 300) }
            emit(.ipassUpdated(IPassUpdated(mrn: mrn, stay: st.id, severity: input.severity, summary: input.summary, contingency: input.contingency,
                                            awareness: input.awareness, clearContingencies: input.clearContingencies, clearAwareness: input.clearAwareness)))

        case .startHandover(let to):
            if let h = s.currentHandover {
                throw Refusal("handover \(h.id) from \(h.from) to \(h.to) is \(h.status.rawValue)", hint: "resume it (handover resume), or cancel it: handover cancel reason \"…\"")
            }
            if to == actor { throw Refusal("\(actor) cannot hand over to themselves", hint: "name the incoming coordinator: handover start to LOGIN") }
            guard let receiver = s.staff[to] else {
                throw Refusal("no staff member with login '\(to)'", hint: "the receiver must be on the roster: staff add \(to) name \"…\" role coordinator")
            }
            if !Authorization.isSettingUp(s), !receiver.role.permissions.contains(.handover) {
                throw Refusal("\(to) (\(receiver.role.label)) cannot receive a handover", hint: "roles that can: \(Role.allCases.filter { $0.permissions.contains(.handover) }.map(\.label).joined(separator: ", "))")
            }
            emit(.handoverStarted(HandoverStarted(id: HandoverID(s.nextHandover), to: to)))

        case let .acknowledgeHandover(item, note):
            let h = try receiving()
            if let note { try checkText(note, "the note", max: 300) }
            let items = s.handoverItems(at: now, wallClock: .utc)
            if item.lowercased() == "all-stable" {
                let stable = items.filter { $0.kind == .patient(.stable) && h.acknowledged[$0.key] == nil }
                if stable.isEmpty { throw Refusal("no stable patient is waiting to be acknowledged in \(h.id)") }
                for i in stable { emit(.handoverAcknowledged(HandoverAcknowledged(id: h.id, item: i.key, from: h.from, to: h.to, note: note))) }
                return
            }
            let key = item.uppercased()
            guard let found = items.first(where: { $0.key.uppercased() == key }) else {
                let keys = items.filter { h.acknowledged[$0.key] == nil }.prefix(12).map(\.key)
                throw Refusal("'\(item)' is not an item of handover \(h.id)",
                              hint: keys.isEmpty ? "every item is acknowledged; handover complete" : "items still to acknowledge include: \(keys.joined(separator: ", "))")
            }
            if h.acknowledged[found.key] != nil { throw Refusal("\(found.key) was already acknowledged in \(h.id)") }
            emit(.handoverAcknowledged(HandoverAcknowledged(id: h.id, item: found.key, from: h.from, to: h.to, note: note)))

        case .takeTask(let id):
            _ = try receiving()
            let t = try openTask(id)
            if t.owner == .person(actor) { throw Refusal("task \(id) is already \(actor)'s") }
            emit(.taskReassigned(TaskReassigned(id: id, owner: .person(actor))))

        case .pauseHandover, .resumeHandover:
            guard let h = s.currentHandover else { throw Refusal("no handover is in progress", hint: "start one: handover start to LOGIN") }
            guard actor == h.from || actor == h.to else { throw Refusal("only \(h.from) and \(h.to) may pause or resume handover \(h.id)") }
            let pausing = command == .pauseHandover
            if pausing && h.status == .paused { throw Refusal("handover \(h.id) is already paused") }
            if !pausing && h.status == .inProgress { throw Refusal("handover \(h.id) is not paused") }
            emit(.handoverStatusChanged(HandoverStatusChanged(id: h.id, status: pausing ? .paused : .inProgress, note: nil)))

        case .completeHandover(let note):
            guard let h = s.currentHandover else { throw Refusal("no handover is in progress", hint: "start one: handover start to LOGIN") }
            guard actor == h.to || actor == h.from else { throw Refusal("only \(h.to), the receiver, or \(h.from) may complete handover \(h.id)") }
            if h.status == .paused { throw Refusal("handover \(h.id) is paused", hint: "handover resume, then complete") }
            if let note { try checkText(note, "the note", max: 500) }
            let missing = s.handoverItems(at: now, wallClock: .utc).filter { $0.required && h.acknowledged[$0.key] == nil }
            if !missing.isEmpty {
                let list = missing.map { i -> String in
                    switch i.kind {
                    case .patient: "\(i.key) (unstable patient)"
                    case .criticalResult: "\(i.key) (critical result not yet communicated)"
                    case .procedureNotReady: "\(i.key) (procedure not ready)"
                    default: i.key
                    }
                }
                let shown = list.prefix(6).joined(separator: ", ") + (list.count > 6 ? " and \(list.count - 6) more" : "")
                throw Refusal("handover \(h.id) cannot be completed: \(missing.count) required item\(missing.count == 1 ? " is" : "s are") not acknowledged: \(shown)",
                              hint: "\(h.to) acknowledges each with: handover ack ITEM")
            }
            emit(.handoverStatusChanged(HandoverStatusChanged(id: h.id, status: .completed, note: note)))

        case .cancelHandover(let reason):
            guard let h = s.currentHandover else { throw Refusal("no handover is in progress") }
            let supervisor = s.staff[actor]?.role == .supervisor
            guard actor == h.from || actor == h.to || supervisor else { throw Refusal("only \(h.from), \(h.to) or a supervisor may cancel handover \(h.id)") }
            try checkText(reason, "the reason")
            emit(.handoverStatusChanged(HandoverStatusChanged(id: h.id, status: .cancelled, note: reason)))

        case .setShifts(let shifts):
            guard !shifts.isEmpty else { throw Refusal("no shifts given", hint: "e.g. shifts set \"day 07:00-19:00, night 19:00-07:00\"") }
            for shift in shifts { try checkText(shift.name, "a shift's name", max: 20) }
            if Set(shifts.map(\.name)).count != shifts.count { throw Refusal("two shifts have the same name") }
            for minute in 0..<1440 {
                let n = shifts.filter { $0.contains(minute: minute) }.count
                if n != 1 {
                    throw Refusal("\(ShiftDefinition.clock(minute)) is in \(n == 0 ? "no shift" : "\(n) shifts")",
                                  hint: "shifts must cover the day once, e.g. day 07:00-19:00, night 19:00-07:00")
                }
            }
            emit(.shiftsDefined(ShiftsDefined(shifts: shifts)))

        default:
            break
        }
    }

    /// The open handover, when the actor is its receiver and it is not paused.
    func receiving() throws(Refusal) -> Handover {
        guard let h = s.currentHandover else { throw Refusal("no handover is in progress", hint: "the outgoing coordinator starts one: handover start to LOGIN") }
        guard h.to == actor else { throw Refusal("only \(h.to), the receiver of handover \(h.id), acknowledges its items") }
        if h.status == .paused { throw Refusal("handover \(h.id) is paused", hint: "handover resume") }
        return h
    }
}
