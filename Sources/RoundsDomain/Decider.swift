/// The one validation path: a command, the latest state, the time and the actor in; the events
/// that carry it out, or a refusal that says what was wrong and what would be valid, out.
/// Nothing here changes state; the engine journals the events and then applies them.
public enum Decider {
    /// `wallClock` only words the times in texts people read (a moved case's message); the
    /// events' instants do not depend on it.
    public static func decide(_ command: Command, in s: HospitalState, at now: Timestamp, by actor: Login, wallClock: WallClock = .utc) throws(Refusal) -> [Event] {
        if let refusal = Authorization.refusal(command, actor: actor, in: s, at: now) { throw refusal }
        var d = Decision(s: s, now: now, actor: actor)
        d.wall = wallClock
        try d.run(command)
        return d.events
    }

    /// Whether a patient may go into a bed; returns the problems an override would have to cover.
    public static func placementProblems(patient: Patient?, needs: Set<BedAttribute>, bed: Bed) -> [String] {
        var problems: [String] = []
        if let p = patient, p.needsIsolationBed, !bed.isIsolationCapable {
            let list = p.precautions.map(\.rawValue).sorted().joined(separator: ", ")
            problems.append("the patient is on \(list) precautions and bed \(bed.id) is not isolation-capable")
        }
        for need in needs.subtracting(bed.attributes).sorted(by: { $0.code < $1.code }) where need != .isolation {
            problems.append("the patient needs a \(need.rawValue) bed and bed \(bed.id) has none")
        }
        return problems
    }

    /// The request to environmental services to clean a bed that went dirty (or came back
    /// dirty from a block).
    public static func cleaningRequest(_ id: TaskID, bed: BedID, in s: HospitalState, at now: Timestamp) -> TaskCreated {
        let unit = s.beds[bed]?.unit ?? ""
        return TaskCreated(id: id, title: "Clean bed \(bed)", kind: .cleaning, priority: .urgent, due: now + s.policy.cleaningWindow,
                           owner: .role(.evs), patient: nil, link: .bed(bed), note: unit.isEmpty ? nil : "Unit \(unit)")
    }

    /// Whether a read-back matches a result: numerically when both are numbers, otherwise as text.
    public static func readBackMatches(_ readBack: String, value: String) -> Bool {
        func number(_ t: String) -> Double? {
            let head = t.trimmingCharacters(in: " ").split(separator: " ").first.map(String.init) ?? ""
            return Double(head.trimmingPrefix("<").trimmingPrefix(">"))
        }
        if let a = number(readBack), let b = number(value) { return a == b }
        return readBack.trimmingCharacters(in: " ").lowercased() == value.trimmingCharacters(in: " ").lowercased()
    }
}

/// Default due times for tasks added without one.
public func defaultDue(for priority: Priority, from now: Timestamp) -> Timestamp {
    switch priority {
    case .stat: now + .minutes(30)
    case .urgent: now + .hours(2)
    case .routine: now + .hours(8)
    }
}

struct Decision {
    let s: HospitalState
    let now: Timestamp
    let actor: Login
    var wall: WallClock = .utc
    var events: [Event] = []
    var nextTask: Int
    var nextLab: Int
    var nextMessage: Int
    var nextProcedure: Int
    var nextStay: Int

    init(s: HospitalState, now: Timestamp, actor: Login) {
        self.s = s; self.now = now; self.actor = actor
        nextTask = s.nextTask; nextLab = s.nextLab; nextMessage = s.nextMessage
        nextProcedure = s.nextProcedure; nextStay = s.nextStay
    }

    mutating func emit(_ e: Event) { events.append(e) }

    mutating func newTask(_ title: String, kind: TaskKind, priority: Priority, due: Timestamp, owner: Assignee?,
                          patient: MRN?, link: TaskLink, note: String? = nil) -> TaskID {
        let id = TaskID(nextTask)
        nextTask += 1
        emit(.taskCreated(TaskCreated(id: id, title: title, kind: kind, priority: priority, due: due, owner: owner,
                                      patient: patient, link: link, note: note)))
        return id
    }

    // MARK: lookups that refuse with a helpful message

    func unit(_ code: UnitCode) throws(Refusal) -> Unit {
        if let u = s.units[code] { return u }
        throw Refusal("no unit '\(code)'", hint: s.unitOrder.isEmpty ? "add one with: unit add CODE name \"Name\" kind KIND"
                                                                     : "units are: \(s.unitOrder.joined(separator: ", "))")
    }

    func bed(_ id: BedID) throws(Refusal) -> Bed {
        if let b = s.beds[id] { return b }
        let unitPart = id.split(separator: "-").first.map(String.init) ?? id
        if let u = s.units[unitPart], let first = u.beds.first, let last = u.beds.last {
            throw Refusal("no bed '\(id)'", hint: "beds in \(u.code) run \(first) to \(last)")
        }
        throw Refusal("no bed '\(id)'", hint: "beds are named UNIT-NN, e.g. \(s.unitOrder.first.flatMap { s.units[$0]?.beds.first } ?? "ICU-01"); units are: \(s.unitOrder.joined(separator: ", "))")
    }

    func patient(_ mrn: MRN) throws(Refusal) -> Patient {
        if let p = s.patients[mrn] { return p }
        throw Refusal("no patient with MRN \(mrn)", hint: "admit the patient first, or check the MRN")
    }

    func activeStay(_ mrn: MRN) throws(Refusal) -> Stay {
        _ = try patient(mrn)
        if let st = s.stay(of: mrn) { return st }
        throw Refusal("\(mrn) is not admitted", hint: "admit \(mrn) from ED|PACU|DIRECT|TRANSFER|CLINIC|OR first")
    }

    /// An existing number that is no longer held: closed longer than the retention and archived.
    static func archived(_ kind: String, _ id: some SequentialID) -> Refusal {
        Refusal("\(kind) \(id) was finished more than \(HospitalState.retention) ago and has been archived from the live view; it can no longer be changed",
                hint: "its history is in the journal: rounds journal dump, or rounds report changes --since … ; make a new \(kind) if work remains")
    }

    func task(_ id: TaskID) throws(Refusal) -> WorklistTask {
        if let t = s.tasks[id] { return t }
        if id.number >= 1, id.number < s.nextTask { throw Self.archived("task", id) }
        throw Refusal("no task \(id)", hint: "tasks are numbered T1 to T\(max(s.nextTask - 1, 1))")
    }

    func openTask(_ id: TaskID) throws(Refusal) -> WorklistTask {
        let t = try task(id)
        if t.status.isClosed { throw Refusal("task \(id) is already \(t.status.rawValue)", hint: "reopen it first: task reopen \(id)") }
        return t
    }

    func lab(_ id: LabID) throws(Refusal) -> LabOrder {
        if let l = s.labs[id] { return l }
        if id.number >= 1, id.number < s.nextLab { throw Self.archived("lab order", id) }
        throw Refusal("no lab order \(id)", hint: "lab orders are numbered L1 to L\(max(s.nextLab - 1, 1))")
    }

    func message(_ id: MessageID) throws(Refusal) -> Message {
        if let m = s.messages[id] { return m }
        if id.number >= 1, id.number < s.nextMessage { throw Self.archived("message", id) }
        throw Refusal("no message \(id)", hint: "messages are numbered M1 to M\(max(s.nextMessage - 1, 1))")
    }

    func procedure(_ id: ProcedureID) throws(Refusal) -> Procedure {
        if let p = s.procedures[id] { return p }
        if id.number >= 1, id.number < s.nextProcedure { throw Self.archived("procedure", id) }
        throw Refusal("no procedure \(id)", hint: "procedures are numbered P1 to P\(max(s.nextProcedure - 1, 1))")
    }

    func checkText(_ text: String, _ what: String, max: Int = 500) throws(Refusal) {
        if text.trimmingCharacters(in: " ").isEmpty { throw Refusal("\(what) is empty", hint: "give \(what) in quotes, e.g. \"…\"") }
        if text.count > max { throw Refusal("\(what) is \(text.count) characters long", hint: "keep it to \(max) characters") }
        if let problem = TextSafety.problem(in: text, what) {
            throw Refusal(problem, hint: "type it again as plain text: letters, digits, spaces and punctuation, without control characters or direction overrides")
        }
    }

    func checkAssignee(_ a: Assignee?) throws(Refusal) {
        guard case .person(let login)? = a else { return }
        if s.staff[login] == nil {
            let known = s.staff.keys.sorted().prefix(12).joined(separator: ", ")
            throw Refusal("no staff member with login '\(login)'", hint: known.isEmpty ? "add them with: staff add LOGIN name \"Name\" role ROLE" : "known logins include \(known); or give a role as @coordinator, @evs, …")
        }
    }

    func checkFuture(_ t: Timestamp, _ what: String) throws(Refusal) {
        if t < now { throw Refusal("\(what) is in the past", hint: "give a time after now: +30m, +2h, or a clock time with its day, e.g. tomorrow 08:00") }
    }

    // MARK: the commands

    mutating func run(_ command: Command) throws(Refusal) {
        switch command {
        case let .addUnit(code, name, kind):
            guard IdentifierSyntax.isValidCode(Substring(code)) else { throw Refusal("'\(code)' is not a valid unit code", hint: "use 1–16 letters, digits, - or _") }
            if s.units[code] != nil { throw Refusal("unit \(code) already exists") }
            try checkText(name, "the unit name", max: 60)
            emit(.unitAdded(UnitAdded(code: code, name: name, kind: kind)))

        case let .addBed(id, unitCode, attributes):
            guard IdentifierSyntax.isValidCode(Substring(id)) else { throw Refusal("'\(id)' is not a valid bed name", hint: "use 1–16 letters, digits, - or _, e.g. ICU-01") }
            _ = try unit(unitCode)
            if s.beds[id] != nil { throw Refusal("bed \(id) already exists") }
            emit(.bedAdded(BedAdded(id: id, unit: unitCode, attributes: attributes)))

        case let .setStaff(login, name, role, onDuty):
            guard IdentifierSyntax.isValidLogin(Substring(login)) else { throw Refusal("'\(login)' is not a valid login", hint: "logins start with a letter and use letters, digits, ., - or _") }
            if login == Rules.actor { throw Refusal("'\(login)' is reserved: it names the engine's own time rules in the journal", hint: "put people on the roster by their own login") }
            if let existing = s.staff[login] {
                var updated = existing
                if let name { try checkText(name, "the name", max: 80); updated.name = name }
                if let role { updated.role = role }
                if let onDuty { updated.onDuty = onDuty }
                if updated == existing { throw Refusal("nothing to change for \(login)", hint: "give name, role or duty on|off") }
                emit(.staffRecorded(updated))
            } else {
                guard let name, let role else { throw Refusal("\(login) is not on the roster yet", hint: "a new staff member needs both name \"Name\" and role \(Role.words)") }
                try checkText(name, "the name", max: 80)
                emit(.staffRecorded(Staff(login: login, name: name, role: role, onDuty: onDuty ?? true)))
            }

        case let .setPolicy(key, value):
            if key == .elderlyAge {
                guard (40...110).contains(value) else { throw Refusal("\(key.rawValue) of \(value) is out of range", hint: "give an age from 40 to 110 years") }
            } else if key == .dischargeTime {
                guard value >= 0, value < Span.days(1).milliseconds, value % 60_000 == 0 else {
                    throw Refusal("\(key.rawValue) is a time of day", hint: "give a clock time from 00:00 to 23:59, e.g. policy set discharge-time 11:00")
                }
            } else {
                guard value >= 0, value <= Span.days(2).milliseconds else { throw Refusal("\(key.rawValue) is out of range", hint: "give a duration from 0m to 48h, e.g. 30m") }
                if key == .criticalWindow || key == .messageAckWindow || key == .breakGlass, value < Span.minutes(1).milliseconds {
                    throw Refusal("\(key.rawValue) must be at least 1 minute")
                }
                if key == .breakGlass, value > BreakGlass.longest.milliseconds {
                    throw Refusal("\(key.rawValue) may be at most \(BreakGlass.longest)", hint: "emergency access is time-boxed; give e.g. 30m")
                }
            }
            emit(.policySet(PolicySet(key: key, value: value)))

        case .nameHospital(let name):
            let trimmed = name.trimmingCharacters(in: " ")
            try checkText(trimmed, "the hospital name", max: 80)
            if s.hospitalName == trimmed { throw Refusal("the hospital is already named \"\(trimmed)\"") }
            emit(.hospitalNamed(HospitalNamed(name: trimmed)))

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
            if disposition != .deceased, let p = s.patients[mrn] {
                let reasons = vulnerability(p)
                if !reasons.isEmpty {
                    _ = newTask("Follow-up call or appointment after discharge (\(reasons.joined(separator: ", ")))",
                                kind: .followup, priority: .urgent, due: now + .hours(24), owner: .role(.coordinator),
                                patient: mrn, link: .stay(st.id))
                }
            }

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

        case let .addTask(title, patient, priority, due, owner, note):
            try checkText(title, "the task title", max: 200)
            if let patient { _ = try self.patient(patient) }
            if let due { try checkFuture(due, "the due time") }
            try checkAssignee(owner)
            if let note { try checkText(note, "the note") }
            _ = newTask(title, kind: .general, priority: priority, due: due ?? defaultDue(for: priority, from: now),
                        owner: owner, patient: patient, link: .none, note: note)

        case .startTask(let id):
            let t = try openTask(id)
            if t.status == .inprogress { throw Refusal("task \(id) is already in progress") }
            emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .inprogress, note: nil)))

        case let .waitTask(id, reason):
            let t = try openTask(id)
            if t.status == .waiting { throw Refusal("task \(id) is already waiting") }
            if let reason { try checkText(reason, "the reason", max: 200) }
            emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .waiting, note: reason)))

        case let .completeTask(id, note, communication):
            let t = try openTask(id)
            if let note { try checkText(note, "the note") }
            switch t.kind {
            case .criticalresult:
                guard case .lab(let labID) = t.link else { throw Refusal("task \(id) has lost its lab link") }
                guard let communication else {
                    throw Refusal("task \(id) communicates a critical result: it can be completed only by recording who was told and their read-back",
                                  hint: "task done \(id) told \"Dr Name\" role physician readback VALUE")
                }
                try communicate(labID, task: id, communication)
            case .cleaning:
                let bedID = t.link.description.replacingOccurrences(of: "bed ", with: "")
                if s.beds[bedID]?.status == .blocked {
                    throw Refusal("task \(id) asks for bed \(bedID) to be cleaned, and the bed is blocked", hint: "close the request: task cancel \(id) reason \"bed blocked\"; cleaning is asked for again when the bed is unblocked")
                }
                throw Refusal("task \(id) is a cleaning request: it closes when the bed is marked clean", hint: "bed clean \(bedID)")
            default:
                if communication != nil { throw Refusal("task \(id) is not a critical-result task", hint: "drop told/role/readback") }
                emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .done, note: note)))
            }

        case let .cancelTask(id, reason):
            let t = try openTask(id)
            try checkText(reason, "the reason", max: 200)
            if t.kind == .criticalresult { throw Refusal("task \(id) communicates a critical result and cannot be cancelled", hint: "record the communication: task done \(id) told \"Dr Name\" role physician readback VALUE") }
            if t.kind == .cleaning, case .bed(let bedID) = t.link, s.beds[bedID]?.status != .blocked {
                throw Refusal("task \(id) is a cleaning request: it closes when the bed is marked clean", hint: "bed clean \(bedID) when EVS finish")
            }
            emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .cancelled, note: reason)))

        case let .reopenTask(id, reason):
            let t = try task(id)
            guard t.status.isClosed else { throw Refusal("task \(id) is \(t.status.rawValue), not closed") }
            if t.kind == .criticalresult || t.kind == .cleaning { throw Refusal("a \(t.kind.rawValue) task closes by its own rule and cannot be reopened", hint: "add a new task instead") }
            emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .open, note: reason)))

        case let .reassignTask(id, owner):
            let t = try openTask(id)
            try checkAssignee(owner)
            if t.owner == owner { throw Refusal("task \(id) is already with \(owner?.description ?? "nobody")") }
            emit(.taskReassigned(TaskReassigned(id: id, owner: owner)))

        case let .snoozeTask(id, until, reason):
            let t = try openTask(id)
            if t.kind == .criticalresult { throw Refusal("a critical-result task cannot be snoozed", hint: "communicate the result within the window; it escalates when the window passes") }
            try checkFuture(until, "the new due time")
            if until > now + .days(14) { throw Refusal("snoozing past 14 days is not allowed", hint: "cancel the task with a reason instead") }
            if let reason { try checkText(reason, "the reason", max: 200) }
            emit(.taskRescheduled(TaskRescheduled(id: id, due: until, reason: reason)))

        case let .noteTask(id, text):
            _ = try task(id)
            try checkText(text, "the note")
            emit(.taskNoted(TaskNoted(id: id, text: text)))

        case let .orderLab(mrn, test, priority, neededBy):
            _ = try patient(mrn)
            let code = test.uppercased()
            guard (1...16).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw Refusal("'\(test)' is not a test code", hint: "known tests: \(LabCatalog.codes)")
            }
            if let neededBy { try checkFuture(neededBy, "the needed-by time") }
            emit(.labOrdered(LabOrdered(id: LabID(nextLab), mrn: mrn, test: code, priority: priority, neededBy: neededBy)))
            nextLab += 1

        case .collectLab(let id):
            let l = try lab(id)
            guard l.status == .ordered else { throw Refusal("lab \(id) is \(l.status.rawValue)", hint: "only an ordered lab can be collected") }
            emit(.labProgressed(LabProgressed(id: id, status: .collected)))

        case .receiveLab(let id):
            let l = try lab(id)
            guard l.status == .collected else { throw Refusal("lab \(id) is \(l.status.rawValue)", hint: "the lab receives a specimen after it is collected") }
            emit(.labProgressed(LabProgressed(id: id, status: .received)))

        case let .resultLab(id, value, units, range, flag):
            let l = try lab(id)
            guard l.status == .collected || l.status == .received else {
                throw Refusal("lab \(id) is \(l.status.rawValue)", hint: l.status == .ordered ? "collect it first: lab collect \(id)" : "a lab is resulted once")
            }
            try checkText(value, "the value", max: 60)
            if let units, !units.isEmpty { try checkText(units, "the units", max: 30) }
            if let range, !range.isEmpty { try checkText(range, "the range", max: 60) }
            let known = LabCatalog.test(l.test)
            guard let finalFlag = flag ?? known?.flag(for: value) else {
                throw Refusal("cannot tell whether \(value) is normal for \(l.test)",
                              hint: "add flag normal|abnormal|critical, e.g. lab result \(id) \(value.contains(" ") ? "\"\(value)\"" : value) flag abnormal")
            }
            let result = LabResult(value: value, units: units ?? known?.units ?? "", range: range ?? known?.range ?? "", flag: finalFlag)
            if finalFlag == .critical {
                let taskID = TaskID(nextTask)
                emit(.labResulted(LabResulted(id: id, result: result, criticalTask: taskID)))
                let shown = result.units.isEmpty ? value : "\(value) \(result.units)"
                _ = newTask("Communicate critical \(l.test) \(shown) to the responsible clinician", kind: .criticalresult,
                            priority: .stat, due: now + s.policy.criticalWindow, owner: .role(.coordinator),
                            patient: l.mrn, link: .lab(id))
            } else {
                emit(.labResulted(LabResulted(id: id, result: result, criticalTask: nil)))
            }
            // A procedure flagged not ready becomes ready when its last missing lab is resulted.
            for pid in s.scheduledProcedures.sorted() {
                guard let p = s.procedures[pid], p.mrn == l.mrn, let t = p.notReadyTask, s.tasks[t]?.status.isClosed == false,
                      s.missingTests(for: p).allSatisfy({ $0.caseInsensitiveCompare(l.test) }) else { continue }
                emit(.taskStatusChanged(TaskStatusChanged(id: t, status: .done, note: "All required labs for \(pid) are resulted")))
            }

        case .acknowledgeLab(let id):
            let l = try lab(id)
            guard l.status == .resulted else { throw Refusal("lab \(id) is \(l.status.rawValue), not resulted", hint: "only a result can be acknowledged") }
            if l.awaitsCommunication, let t = l.criticalTask {
                throw Refusal("lab \(id) is critical and not yet communicated", hint: "lab communicate \(id) to \"Dr Name\" role physician readback VALUE (closes \(t))")
            }
            if let by = l.acknowledgedBy { throw Refusal("lab \(id) was already acknowledged by \(by)") }
            emit(.labAcknowledged(LabAcknowledged(id: id)))

        case let .communicateLab(id, c):
            let l = try lab(id)
            guard l.result?.flag == .critical, let t = l.criticalTask else { throw Refusal("lab \(id) has no critical result to communicate", hint: "use lab ack \(id) to acknowledge a result") }
            if l.communication != nil { throw Refusal("lab \(id) was already communicated") }
            try communicate(id, task: t, c)

        case let .cancelLab(id, reason):
            let l = try lab(id)
            guard l.isPending else { throw Refusal("lab \(id) is \(l.status.rawValue) and cannot be cancelled") }
            try checkText(reason, "the reason", max: 200)
            emit(.labCancelled(LabCancelled(id: id, reason: reason)))

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

        case .addPreAuth, .linkPreAuth, .submitPreAuth, .pendPreAuth, .approvePreAuth, .denyPreAuth, .appealPreAuth,
             .verifyEligibility, .recordDocument, .setBedAfter, .requireDocuments:
            try runReadiness(command)

        case .recordBarrier, .resolveBarrier:
            try runBarriers(command)

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

        case .planAddOn, .acceptPlan, .editPlan, .keepInPlan, .rejectPlan:
            try runAddOn(command)

        case let .sendMessage(to, patient, subject, body, urgent):
            try checkAssignee(to)
            if let patient { _ = try self.patient(patient) }
            try checkText(subject, "the subject", max: 120)
            if !body.isEmpty { try checkText(body, "the body", max: 2000) }
            emit(.messageSent(MessageSent(id: MessageID(nextMessage), to: to, patient: patient, subject: subject, body: body,
                                          urgent: urgent, replyTo: nil, system: false)))
            nextMessage += 1

        case let .replyMessage(id, body, urgent):
            let m = try message(id)
            try checkText(body, "the reply", max: 2000)
            let to: Assignee = m.from == actor ? m.to : .person(m.from)
            let subject = m.subject.hasPrefix("Re: ") ? m.subject : "Re: " + m.subject
            emit(.messageSent(MessageSent(id: MessageID(nextMessage), to: to, patient: m.patient, subject: String(subject.prefix(120)),
                                          body: body, urgent: urgent, replyTo: id, system: false)))
            nextMessage += 1

        case .readMessage(let id):
            let m = try message(id)
            if m.readBy[actor] != nil { throw Refusal("message \(id) is already marked read by \(actor)") }
            emit(.messageRead(MessageRead(id: id)))

        case .acknowledgeMessage(let id):
            let m = try message(id)
            if let by = m.acknowledgedBy {
                throw Refusal("message \(id) was already acknowledged by \(by)" + (m.acknowledgedOnBehalfOf.map { " for \($0)" } ?? ""))
            }
            // Acknowledging says a recipient has it in hand and stops the escalation, so only a
            // recipient may, or a supervisor for them (recorded as such); never the sender.
            let role = s.staff[actor]?.role
            if m.from == actor {
                throw Refusal("\(actor) sent message \(id) and cannot acknowledge it: an acknowledgement says a recipient (\(m.to)) has it in hand",
                              hint: "wait for \(m.to) to acknowledge it; if it is still urgent, reply or call them")
            }
            if m.isAddressed(to: actor, role: role) {
                emit(.messageAcknowledged(MessageAcknowledged(id: id)))
            } else if role == .supervisor {
                emit(.messageAcknowledged(MessageAcknowledged(id: id, onBehalfOf: m.to)))
            } else {
                throw Refusal("message \(id) is addressed to \(m.to), not to \(actor)\(role.map { " (\($0.label))" } ?? ""): only a recipient may acknowledge it",
                              hint: "a supervisor may acknowledge it on the recipient's behalf; to respond, msg reply \(id) \"…\"")
            }

        case let .breakGlass(reason, span):
            try breakGlass(reason: reason, span: span)

        case .feedMessage(let m):
            events += try Decider.decideFeed(m, in: s, at: now, by: actor)

        case .dismissInterfaceItem, .retryInterfaceItem:
            events += try Decider.decideInterface(command, in: s, at: now)

        case .ipass, .startHandover, .acknowledgeHandover, .takeTask, .pauseHandover, .resumeHandover, .completeHandover, .cancelHandover, .setShifts:
            try handover(command)

        case .endBreakGlass(let id):
            let g: BreakGlass
            if let id {
                guard let found = s.grants[id] else { throw Refusal("no break-glass \(id)", hint: "grants are numbered G1 to G\(max(s.nextGrant - 1, 1))") }
                g = found
            } else {
                guard let mine = s.activeGrant(of: actor, at: now) else {
                    throw Refusal("\(actor) has no break-glass in force", hint: "nothing to end")
                }
                g = mine
            }
            guard g.isActive(at: now) else { throw Refusal("break-glass \(g.id) has already ended") }
            emit(.breakGlassEnded(BreakGlassEnded(id: g.id)))

        case let .reviewBreakGlass(id, verdict, note):
            guard let g = s.grants[id] else { throw Refusal("no break-glass \(id)", hint: "grants are numbered G1 to G\(max(s.nextGrant - 1, 1))") }
            if let r = g.review { throw Refusal("break-glass \(id) was already reviewed by \(r.by) (\(r.verdict.rawValue))") }
            if g.login == actor { throw Refusal("\(actor) cannot review their own break-glass", hint: "another supervisor must review \(id)") }
            if g.isActive(at: now) {
                throw Refusal("break-glass \(id) is still in force (\(minutesLeft(g)) min left)", hint: "review it when it ends, or end it now: break-glass end \(id)")
            }
            let text = note ?? ""
            if verdict != .appropriate { try checkText(text, "a note saying what follows") }
            if !text.isEmpty { try checkText(text, "the note") }
            emit(.breakGlassReviewed(BreakGlassReviewed(id: id, verdict: verdict, note: text)))
        }
    }

    // MARK: handover

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

    func minutesLeft(_ g: BreakGlass) -> Int64 { max(1, (g.ends - now).milliseconds / 60_000) }

    mutating func breakGlass(reason: String, span: Span?) throws(Refusal) {
        let why = reason.trimmingCharacters(in: " ")
        try checkText(why, "the reason", max: 300)
        if why.count < BreakGlass.shortestReason {
            throw Refusal("a break-glass reason must say why (at least \(BreakGlass.shortestReason) characters; \"\(why)\" is \(why.count))",
                          hint: "e.g. break-glass \"covering 4W: charge nurse called away to a code\"")
        }
        if let g = s.activeGrant(of: actor, at: now) {
            throw Refusal("break-glass \(g.id) is already in force for \(actor) (\(minutesLeft(g)) min left)",
                          hint: "carry on; end it early with: break-glass end")
        }
        let role = s.staff[actor]?.role
        if !Authorization.isSettingUp(s), let role, role.permissions.isSuperset(of: BreakGlass.grants) {
            throw Refusal("\(actor) (\(role.label)) already has every permission break-glass gives", hint: "break-glass is for work your role does not allow")
        }
        let length = span ?? s.policy.breakGlass
        guard length >= .minutes(1), length <= BreakGlass.longest else {
            throw Refusal("break-glass lasts from 1 to \(BreakGlass.longest.milliseconds / 60_000) minutes, not \(length)",
                          hint: "e.g. break-glass \"…\" for 30m; break the glass again if the emergency outlasts it")
        }
        emit(.breakGlassStarted(BreakGlassStarted(id: GrantID(s.nextGrant), reason: why, until: now + length)))
    }

    // MARK: helpers

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

    mutating func communicate(_ labID: LabID, task: TaskID, _ c: CommunicationInput) throws(Refusal) {
        guard let l = s.labs[labID], let result = l.result else { throw Refusal("lab \(labID) has no result") }
        try checkText(c.toldName, "the name of the person told", max: 80)
        try checkText(c.readBack, "the read-back", max: 60)
        guard Decider.readBackMatches(c.readBack, value: result.value) else {
            throw Refusal("the read-back '\(c.readBack)' does not match the result \(result.value) \(result.units)".trimmingCharacters(in: " "),
                          hint: "ask the clinician to read the value back again and record exactly what they said")
        }
        if let t = s.tasks[task], t.status.isClosed { throw Refusal("task \(task) is already \(t.status.rawValue)") }
        emit(.criticalCommunicated(CriticalCommunicated(lab: labID, task: task, toldName: c.toldName, toldRole: c.toldRole, readBack: c.readBack)))
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var sub = Substring(self)
        while sub.first == set { sub = sub.dropFirst() }
        while sub.last == set { sub = sub.dropLast() }
        return String(sub)
    }
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            result += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
