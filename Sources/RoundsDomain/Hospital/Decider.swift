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
        case .addUnit, .addBed, .setStaff, .setPolicy, .nameHospital:
            try runSetup(command)

        case .admit, .updatePatient, .cancelAdmission, .reserve, .releaseReservation, .assign, .transfer, .swap, .discharge, .markDirty, .startCleaning, .finishCleaning, .block, .unblock:
            try runStays(command)

        case .addTask, .startTask, .waitTask, .completeTask, .cancelTask, .reopenTask, .reassignTask, .snoozeTask, .noteTask:
            try runWorklist(command)

        case .orderLab, .collectLab, .receiveLab, .resultLab, .acknowledgeLab, .communicateLab, .cancelLab:
            try runLabs(command)

        case .bookProcedure, .moveProcedure, .startProcedure, .finishProcedure, .cancelProcedure:
            try runProcedures(command)

        case .sendMessage, .replyMessage, .readMessage, .acknowledgeMessage:
            try runMessages(command)

        case .breakGlass, .endBreakGlass, .reviewBreakGlass:
            try runAccess(command)

        case .addPreAuth, .linkPreAuth, .submitPreAuth, .pendPreAuth, .approvePreAuth, .denyPreAuth, .appealPreAuth,
             .verifyEligibility, .recordDocument, .setBedAfter, .requireDocuments:
            try runReadiness(command)

        case .recordBarrier, .resolveBarrier:
            try runBarriers(command)

        case .sendReferral, .updateReferral:
            try runReferrals(command)

        case .recordComplaint, .updateComplaint:
            try runComplaints(command)

        case .updateFollowUp:
            try runFollowUps(command)

        case .research:
            try runResearch(command)

        case .supplies:
            try runSupplies(command)

        case .planAddOn, .acceptPlan, .editPlan, .keepInPlan, .rejectPlan:
            try runAddOn(command)

        case .feedMessage(let m):
            events += try Decider.decideFeed(m, in: s, at: now, by: actor)

        case .dismissInterfaceItem, .retryInterfaceItem:
            events += try Decider.decideInterface(command, in: s, at: now)

        case .ipass, .startHandover, .acknowledgeHandover, .takeTask, .pauseHandover, .resumeHandover, .completeHandover, .cancelHandover, .setShifts:
            try handover(command)
        }
    }

    // The areas' commands: Hospital/SetupDecisions.swift, Beds/StayDecisions.swift,
    // Worklist/TaskDecisions.swift, Labs/LabDecisions.swift, Procedures/ProcedureDecisions.swift
    // (and Readiness.swift, AddOn.swift, Forecast.swift), Messages/MessageDecisions.swift,
    // Access/BreakGlassDecisions.swift, Handover/HandoverDecisions.swift, Feeds/Feeds.swift.
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
