// Patients and beds: admission, placement, transfer, swap and discharge, and a bed's own states (dirty, cleaning, blocked, reserved).
// How `Decider` judges this area's commands (Docs/ARCHITECTURE.md, "The domain by area").

extension Decision {
    mutating func runStays(_ command: Command) throws(Refusal) {
        switch command {
        case .admit(let a):
            try admit(a)

        case let .updatePatient(mrn, changes):
            let p = try patient(mrn)
            if changes.isEmpty { throw Refusal("nothing to change for \(mrn)", hint: "give one of: name, language, interpreter, precautions, fall-risk, lives-alone, edd, attending, needs") }
            let updated = try applyChanges(changes, to: p)
            if updated != p { emit(.patientRecorded(updated)) }
            let stayFields = changes.expectedDischarge != nil || changes.attending != nil || changes.needs != nil
            if stayFields {
                let st = try activeStay(mrn)
                let upd = StayUpdated(mrn: mrn, stay: st.id, attending: changes.attending ?? st.attending,
                                      expectedDischarge: changes.expectedDischarge ?? st.expectedDischarge,
                                      needs: changes.needs ?? st.needs, wantedUnit: st.wantedUnit)
                emit(.stayUpdated(upd))
            }
            if events.isEmpty { throw Refusal("\(mrn) already has those details") }

        case let .cancelAdmission(mrn, reason):
            let st = try activeStay(mrn)
            guard st.phase == .waiting else { throw Refusal("\(mrn) is already in bed \(st.bed ?? "?")", hint: "use discharge \(mrn) to end the stay") }
            try checkText(reason, "the reason", max: 200)
            emit(.admissionCancelled(AdmissionCancelled(mrn: mrn, stay: st.id, reason: reason)))

        case let .reserve(bedID, mrn):
            let b = try bed(bedID)
            let st = try activeStay(mrn)
            if st.bed == bedID { throw Refusal("\(mrn) is already in bed \(bedID)") }
            guard b.status == .available else { throw bedUnavailable(b, for: mrn) }
            emit(.bedReserved(BedReserved(bed: bedID, mrn: mrn)))

        case let .releaseReservation(bedID):
            let b = try bed(bedID)
            guard b.status == .reserved else { throw Refusal("bed \(bedID) is \(b.status.rawValue), not reserved") }
            emit(.reservationReleased(ReservationReleased(bed: bedID)))

        case let .assign(mrn, bedID, override):
            let st = try activeStay(mrn)
            if st.phase == .inBed, st.bed == bedID { throw Refusal("\(mrn) is already in bed \(bedID)", hint: "nothing to do; to move them elsewhere: transfer \(mrn) OTHER-BED") }
            if st.phase == .inBed { throw Refusal("\(mrn) is already in bed \(st.bed ?? "?") — a patient cannot be in two beds", hint: "use transfer \(mrn) \(bedID) to move them") }
            let b = try bed(bedID)
            try checkBedTakes(b, mrn: mrn)
            let ov = try checkPlacement(mrn: mrn, needs: st.needs, bed: b, override: override)
            emit(.bedAssigned(BedAssigned(mrn: mrn, stay: st.id, bed: bedID, override: ov)))

        case let .transfer(mrn, bedID, override):
            let st = try activeStay(mrn)
            guard st.phase == .inBed, let from = st.bed else { throw Refusal("\(mrn) is waiting for a bed, not in one", hint: "use assign \(mrn) \(bedID)") }
            if from == bedID { throw Refusal("\(mrn) is already in bed \(bedID)") }
            let b = try bed(bedID)
            try checkBedTakes(b, mrn: mrn)
            let ov = try checkPlacement(mrn: mrn, needs: st.needs, bed: b, override: override)
            emit(.patientTransferred(PatientTransferred(mrn: mrn, stay: st.id, from: from, to: bedID, override: ov)))
            raiseCleaning(bed: from)

        case let .swap(first, second, override):
            if first == second { throw Refusal("a swap needs two different patients") }
            let s1 = try activeStay(first), s2 = try activeStay(second)
            guard let b1 = s1.bed, s1.phase == .inBed else { throw Refusal("\(first) is not in a bed", hint: "both patients of a swap must be in beds") }
            guard let b2 = s2.bed, s2.phase == .inBed else { throw Refusal("\(second) is not in a bed", hint: "both patients of a swap must be in beds") }
            var problems = Decider.placementProblems(patient: s.patients[first], needs: s1.needs, bed: s.beds[b2]!)
            problems += Decider.placementProblems(patient: s.patients[second], needs: s2.needs, bed: s.beds[b1]!)
            let ov = try overrideCovering(problems, override)
            emit(.bedsSwapped(BedsSwapped(first: first, firstBed: b1, second: second, secondBed: b2, override: ov)))

        case let .discharge(mrn, disposition):
            let st = try activeStay(mrn)
            guard st.phase == .inBed, let b = st.bed else { throw Refusal("\(mrn) is still waiting for a bed", hint: "use cancel-admission \(mrn) reason \"…\" to take them off the queue") }
            emit(.patientDischarged(PatientDischarged(mrn: mrn, stay: st.id, bed: b, disposition: disposition)))
            raiseCleaning(bed: b)
            // A vulnerable or high-risk patient is followed up (FollowUps/).
            if disposition != .deceased, let p = s.patients[mrn] { openFollowUp(st, p) }

        case .markDirty(let id):
            let b = try bed(id)
            guard b.status == .available || b.status == .cleaning else { throw Refusal("bed \(id) is \(b.status.rawValue)", hint: "only an available or cleaning bed can be marked dirty") }
            emit(.bedStatusChanged(BedStatusChanged(bed: id, status: .dirty)))
            if s.cleaningTask[id].flatMap({ s.tasks[$0] })?.status.isClosed != false { raiseCleaning(bed: id) }

        case .startCleaning(let id):
            let b = try bed(id)
            guard b.status == .dirty else { throw Refusal("bed \(id) is \(b.status.rawValue), not dirty", hint: "cleaning starts on a dirty bed") }
            emit(.bedStatusChanged(BedStatusChanged(bed: id, status: .cleaning)))

        case .finishCleaning(let id):
            let b = try bed(id)
            guard b.status == .dirty || b.status == .cleaning else { throw Refusal("bed \(id) is \(b.status.rawValue)", hint: "only a dirty or cleaning bed can be marked clean") }
            emit(.bedStatusChanged(BedStatusChanged(bed: id, status: .available)))

        case let .block(id, reason, until):
            let b = try bed(id)
            try checkText(reason, "the reason", max: 200)
            if let until { try checkFuture(until, "the until-time") }
            switch b.status {
            case .occupied: throw Refusal("bed \(id) is occupied", hint: "transfer the patient out before blocking the bed")
            case .reserved: throw Refusal("bed \(id) is reserved", hint: "release the reservation first: bed release \(id)")
            case .blocked: throw Refusal("bed \(id) is already blocked: \(b.block?.reason ?? "")", hint: "unblock it first to change the reason")
            case .available, .dirty, .cleaning:
                emit(.bedBlocked(BedBlocked(bed: id, reason: reason, until: until, returnsTo: b.status == .available ? .available : .dirty)))
                // Nobody can clean a blocked bed: its cleaning request is closed now and asked
                // for again when the bed is unblocked (it returns dirty), so no task is left that
                // nobody may close.
                if let t = s.cleaningTask[id], s.tasks[t]?.status.isClosed == false {
                    emit(.taskStatusChanged(TaskStatusChanged(id: t, status: .cancelled, note: "Bed \(id) blocked: cleaning is asked for again when it is unblocked")))
                }
            }

        case .unblock(let id):
            let b = try bed(id)
            guard b.status == .blocked else { throw Refusal("bed \(id) is \(b.status.rawValue), not blocked") }
            emit(.bedUnblocked(BedUnblocked(bed: id, automatic: false)))
            if b.block?.returnsTo == .dirty { raiseCleaning(bed: id) }
        default:
            break
        }
    }
}

extension Decision {
    mutating func admit(_ a: Admission) throws(Refusal) {
        guard IdentifierSyntax.isValidMRN(Substring(a.mrn)) else { throw Refusal("'\(a.mrn)' is not a valid MRN", hint: "use 3–20 letters, digits or -") }
        if let st = s.stay(of: a.mrn) {
            throw Refusal("\(a.mrn) is already admitted (\(st.phase == .waiting ? "waiting for a bed" : "in bed \(st.bed ?? "?")"))",
                          hint: "use transfer, or discharge first")
        }
        if let u = a.wantedUnit { _ = try unit(u) }
        var p: Patient
        if let existing = s.patients[a.mrn] {
            p = existing
            if let name = a.name { p.name = name }
            if let dob = a.dateOfBirth { p.dateOfBirth = dob }
            if let sex = a.sex { p.sex = sex }
        } else {
            guard let name = a.name, let dob = a.dateOfBirth, let sex = a.sex else {
                var missing: [String] = []
                if a.name == nil { missing.append("name \"Family, Given\"") }
                if a.dateOfBirth == nil { missing.append("dob YYYY-MM-DD") }
                if a.sex == nil { missing.append("sex \(Sex.allCases.map(\.rawValue).joined(separator: "|"))") }
                throw Refusal("\(a.mrn) is a new patient: missing \(missing.joined(separator: ", "))")
            }
            p = Patient(mrn: a.mrn, name: name, dateOfBirth: dob, sex: sex)
        }
        try checkText(p.name, "the name", max: 100)
        if let attending = a.attending { try checkText(attending, "the attending", max: 80) }
        if p.dateOfBirth > now.utcDate { throw Refusal("date of birth \(p.dateOfBirth) is in the future") }
        if p.dateOfBirth.years(until: now.utcDate) > 130 { throw Refusal("date of birth \(p.dateOfBirth) is more than 130 years ago") }
        p = try applyChanges(a.changes, to: p)
        if s.patients[a.mrn] != p { emit(.patientRecorded(p)) }
        let stay = StayID(nextStay)
        nextStay += 1
        emit(.admissionRequested(AdmissionRequested(stay: stay, mrn: a.mrn, source: a.source, wantedUnit: a.wantedUnit,
                                                    needs: a.needs.union(a.changes.needs ?? []), attending: a.attending ?? (a.changes.attending ?? nil),
                                                    expectedDischarge: a.expectedDischarge ?? (a.changes.expectedDischarge ?? nil))))
    }

    func applyChanges(_ c: PatientChanges, to patient: Patient) throws(Refusal) -> Patient {
        var p = patient
        if case .some(.some(let attending)) = c.attending { try checkText(attending, "the attending", max: 80) }
        if let name = c.name { try checkText(name, "the name", max: 100); p.name = name }
        if let language = c.language {
            if let l = language { try checkText(l, "the language", max: 40) }
            p.language = language
            if language == nil { p.interpreter = false }
        }
        if let v = c.interpreter { p.interpreter = v }
        if let v = c.precautions { p.precautions = v }
        if let v = c.fallRisk { p.fallRisk = v }
        if let v = c.livesAlone { p.livesAlone = v }
        return p
    }

    func vulnerability(_ p: Patient) -> [String] {
        var reasons: [String] = []
        let age = p.dateOfBirth.years(until: now.utcDate)
        if age >= s.policy.elderlyAge { reasons.append("age \(age)") }
        if p.interpreter { reasons.append("needs an interpreter" + (p.language.map { " (\($0))" } ?? "")) }
        if p.livesAlone { reasons.append("lives alone") }
        return reasons
    }

    mutating func raiseCleaning(bed: BedID) {
        emit(.taskCreated(Decider.cleaningRequest(TaskID(nextTask), bed: bed, in: s, at: now)))
        nextTask += 1
    }

    func bedUnavailable(_ b: Bed, for mrn: MRN) -> Refusal {
        switch b.status {
        case .occupied: return Refusal("bed \(b.id) is occupied by another patient", hint: "choose an available bed")
        case .reserved: return Refusal("bed \(b.id) is reserved for another patient", hint: "release it first (bed release \(b.id)) or choose another bed")
        case .dirty: return Refusal("bed \(b.id) is dirty and cannot be assigned until it is cleaned", hint: "bed cleaning \(b.id), then bed clean \(b.id) when EVS finish")
        case .cleaning: return Refusal("bed \(b.id) is being cleaned and cannot be assigned yet", hint: "bed clean \(b.id) when EVS finish")
        case .blocked:
            let until = b.block?.until.map { " until \($0)" } ?? ""
            return Refusal("bed \(b.id) is blocked (\(b.block?.reason ?? "no reason")\(until))", hint: "unblock it first, or choose another bed")
        case .available: return Refusal("bed \(b.id) is available")
        }
    }

    func checkBedTakes(_ b: Bed, mrn: MRN) throws(Refusal) {
        if b.status == .available { return }
        if b.status == .reserved && b.patient == mrn { return }
        throw bedUnavailable(b, for: mrn)
    }

    func checkPlacement(mrn: MRN, needs: Set<BedAttribute>, bed: Bed, override: String?) throws(Refusal) -> String? {
        try overrideCovering(Decider.placementProblems(patient: s.patients[mrn], needs: needs, bed: bed), override)
    }

    /// Refuses unless every problem is covered by a recorded override reason.
    func overrideCovering(_ problems: [String], _ override: String?) throws(Refusal) -> String? {
        guard !problems.isEmpty else { return nil }
        guard let override, !override.trimmingCharacters(in: " ").isEmpty else {
            throw Refusal("refused: \(problems.joined(separator: "; "))", hint: "choose a suitable bed, or add override \"reason\" to record why this bed is acceptable")
        }
        try checkText(override, "the override reason", max: 200)
        return override
    }
}
