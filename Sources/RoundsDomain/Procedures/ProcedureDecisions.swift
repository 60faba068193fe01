// Procedures on the schedule: booked, moved, started, finished, cancelled. (Readiness and add-on planning sit beside this file.)
// How `Decider` judges this area's commands (Docs/ARCHITECTURE.md, "The domain by area").

extension Decision {
    mutating func runProcedures(_ command: Command) throws(Refusal) {
        switch command {
        case let .bookProcedure(mrn, kind, resource, start, end, requires, title, after):
            _ = try patient(mrn)
            try checkSlot(resource: resource, mrn: mrn, start: start, end: end, excluding: nil)
            if let title { try checkText(title, "the title", max: 120) }
            if let after, after != .icu, after != .stepdown {
                throw Refusal("a bed for afterwards is an icu or stepdown bed, not \(after.rawValue)", hint: "after icu, or after stepdown")
            }
            let tests = requires.map { $0.uppercased() }
            let id = ProcedureID(nextProcedure)
            emit(.procedureBooked(ProcedureBooked(id: id, mrn: mrn, kind: kind,
                                                  title: title ?? "\(kind.rawValue.initialCapital) on \(resource)",
                                                  resource: resource.uppercased(), start: start, end: end, requiredTests: tests)))
            if let after { emit(.bedAfterSet(BedAfterSet(procedure: id, kind: after))) }
            nextProcedure += 1

        case let .moveProcedure(id, start, end, override):
            let p = try procedure(id)
            guard p.status == .scheduled else { throw Refusal("procedure \(id) is \(p.status.rawValue)", hint: "only a scheduled procedure can be moved") }
            try checkSlot(resource: p.resource, mrn: p.mrn, start: start, end: end, excluding: id)
            // A linked pre-authorization's period and units (Readiness.swift); an override
            // records why the move goes outside them, and is refused when nothing needs it.
            if let a = s.readiness.authOf[id].flatMap({ s.readiness.auths[$0] }), a.status == .approved {
                var outside = false
                if s.readiness.overrides[id] == nil {
                    do throws(Refusal) { try checkAuthCovers(a, procedure: id, start: start, override: nil) } catch {
                        guard override != nil else { throw error }
                        outside = true
                    }
                }
                if let override {
                    guard outside || s.readiness.overrides[id] != nil else {
                        throw Refusal("\(id) stays inside pre-authorization \(a.id) at that time: there is nothing to override", hint: "leave override out")
                    }
                    try checkText(override, "the override's reason", max: 200)
                    emit(.procedureRescheduled(ProcedureRescheduled(id: id, start: start, end: end)))
                    emit(.preAuthLinked(PreAuthLinked(id: a.id, procedure: id, override: override)))
                    break
                }
            } else if override != nil {
                throw Refusal("an override is for moving a procedure outside its approved pre-authorization; \(id) has none", hint: "leave override out")
            }
            emit(.procedureRescheduled(ProcedureRescheduled(id: id, start: start, end: end)))

        case .startProcedure(let id):
            let p = try procedure(id)
            guard p.status == .scheduled else { throw Refusal("procedure \(id) is \(p.status.rawValue), not scheduled") }
            emit(.procedureStatusChanged(ProcedureStatusChanged(id: id, status: .inprogress, reason: nil)))

        case .finishProcedure(let id):
            let p = try procedure(id)
            guard p.status == .scheduled || p.status == .inprogress else { throw Refusal("procedure \(id) is \(p.status.rawValue)") }
            emit(.procedureStatusChanged(ProcedureStatusChanged(id: id, status: .done, reason: nil)))

        case let .cancelProcedure(id, reason, avoidable):
            let p = try procedure(id)
            guard p.status == .scheduled || p.status == .inprogress else { throw Refusal("procedure \(id) is \(p.status.rawValue)") }
            try checkText(reason, "the reason", max: 200)
            emit(.procedureStatusChanged(ProcedureStatusChanged(id: id, status: .cancelled, reason: reason)))
            emit(.cancellationRecorded(CancellationRecorded(procedure: id, reason: reason, within48h: p.start - now < .hours(48), avoidable: avoidable, plan: nil)))
        default:
            break
        }
    }
}

extension Decision {
    func checkSlot(resource: String, mrn: MRN, start: Timestamp, end: Timestamp, excluding: ProcedureID?) throws(Refusal) {
        guard IdentifierSyntax.isValidCode(Substring(resource)) else { throw Refusal("'\(resource)' is not a resource name", hint: "e.g. OR-3, MRI-1, CT-2") }
        guard start < end else { throw Refusal("the end is not after the start", hint: "give start and end, or start and for 90m") }
        if end - start > .hours(24) { throw Refusal("a booking longer than 24 hours is not allowed") }
        if excluding == nil { try checkFuture(end, "the end time") }
        let res = resource.uppercased()
        for id in s.scheduledProcedures.sorted() where id != excluding {
            guard let p = s.procedures[id], p.status != .cancelled, p.status != .done, p.overlaps(start, end) else { continue }
            if p.resource == res {
                throw Refusal("\(res) is already booked \(p.start)–\(p.end) (\(p.id)): a resource cannot be booked twice", hint: "choose another time or resource")
            }
            if p.mrn == mrn {
                throw Refusal("\(mrn) already has \(p.id) on \(p.resource) at an overlapping time", hint: "choose another time")
            }
        }
    }
}
