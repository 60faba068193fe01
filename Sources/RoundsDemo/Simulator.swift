import RoundsDomain

/// Moves a hospital forward the way its people would: ED admissions arriving, beds assigned and
/// cleaned, labs collected and resulted, tasks done, messages sent and acknowledged. It only
/// proposes commands; they go through the same validation and journal as a person's.
public struct Simulator: Sendable {
    public var rng: SeededRandom
    public let wallClock: WallClock
    /// How long the simulator leaves a critical result for a person to communicate.
    public var criticalDelay: Span = .minutes(20)
    /// Patients and labs a scripted scenario needs left as they are (the demo's morning).
    public var leaveAlone: Set<MRN> = []
    public var leaveLabsAlone: Set<LabID> = []
    /// Also the rest of the coordinator's day (OtherWork.swift): referrals, complaints,
    /// follow-ups, research visits, supplies and equipment. Off in the demo, whose stories
    /// stay as they are; on in the benchmark journals.
    public var otherWork = false

    public init(seed: UInt64, wallClock: WallClock) {
        rng = SeededRandom(seed: seed)
        self.wallClock = wallClock
    }

    /// The next plausible command, or nil when the chosen kind of work has nothing to do.
    public mutating func next(in s: HospitalState, at now: Timestamp) -> Command? {
        if rng.chance(0.25), let c = housekeeping(s, now) { return c }
        if otherWork, rng.chance(0.08), let c = otherWork(s, now) { return c }
        for _ in 0..<6 {
            if let c = attempt(in: s, at: now) { return c }
        }
        return nil
    }

    var bedIDs: [BedID] = []
    /// The oldest lab, task and urgent message that may still be open (numbers only grow).
    var labCursor = 1, taskCursor = 1, messageCursor = 1

    /// What a hospital does with old work and the random picks rarely reach: labs are resulted
    /// within hours (or cancelled when the patient has left), tasks are done within a day,
    /// urgent messages are acknowledged within two hours. Without it, a year of simulation
    /// leaves hundreds of thousands of items open, which no hospital has.
    mutating func housekeeping(_ s: HospitalState, _ now: Timestamp) -> Command? {
        // Skip what is closed, and what a scenario or a person must deal with.
        while labCursor < s.nextLab {
            let id = LabID(labCursor)
            guard s.activeLabs.contains(id), let l = s.labs[id] else { labCursor += 1; continue }
            if l.awaitsCommunication || leaveLabsAlone.contains(id) || leaveAlone.contains(l.mrn) { labCursor += 1; continue }
            break
        }
        if labCursor < s.nextLab, let l = s.labs[LabID(labCursor)], now - l.orderedAt > .hours(6) {
            if s.activeStay[l.mrn] == nil { return .cancelLab(l.id, reason: "Patient discharged") }
            switch l.status {
            case .ordered: return .collectLab(l.id)
            case .collected, .received:
                let (value, flag) = labValue(l.test)
                return .resultLab(l.id, value: value, units: nil, range: nil, flag: flag == .critical ? .abnormal : flag)
            default: labCursor += 1
            }
        }
        while taskCursor < s.nextTask {
            let id = TaskID(taskCursor)
            guard s.openTasks.contains(id), let t = s.tasks[id] else { taskCursor += 1; continue }
            if t.kind == .criticalresult || t.kind == .cleaning || [.research, .referral, .complaint, .supplies].contains(t.kind) || (t.patient.map { leaveAlone.contains($0) } ?? false) { taskCursor += 1; continue }
            break
        }
        if taskCursor < s.nextTask, let t = s.tasks[TaskID(taskCursor)], now - t.createdAt > .hours(24) {
            taskCursor += 1   // proposed once: a refusal does not hold up the rest
            return .completeTask(t.id, note: nil, communication: nil)
        }
        while messageCursor < s.nextMessage, !s.unacknowledgedUrgent.contains(MessageID(messageCursor)) { messageCursor += 1 }
        if messageCursor < s.nextMessage, let m = s.messages[MessageID(messageCursor)], now - m.sentAt > .hours(2) {
            messageCursor += 1
            if Simulator.mayAcknowledge(m) { return .acknowledgeMessage(m.id) }
        }
        return nil
    }

    mutating func randomBed(_ s: HospitalState, where ok: (Bed) -> Bool) -> Bed? {
        if bedIDs.count != s.beds.count { bedIDs = s.unitOrder.flatMap { s.units[$0]?.beds ?? [] } }
        guard !bedIDs.isEmpty else { return nil }
        for _ in 0..<24 {
            if let b = s.beds[rng.pick(bedIDs)], ok(b) { return b }
        }
        return nil
    }

    func occupancy(_ s: HospitalState) -> Double {
        guard !s.beds.isEmpty else { return 1 }
        return Double(s.beds.values.reduce(0) { $0 + ($1.status == .occupied ? 1 : 0) }) / Double(s.beds.count)
    }

    /// A random member of a set of numbered items, chosen without relying on `Set` iteration
    /// order (Swift seeds each set's hashing differently, which would break same seed, same
    /// journal). Mostly recent numbers are tried; now and then the whole set is sorted so old
    /// items are reached too.
    mutating func someMember<T: SequentialID>(_ set: IDSet<T>, next: Int) -> T? {
        guard !set.isEmpty else { return nil }
        if rng.chance(0.05) {
            let all = set.sorted()
            return all[Int(rng.next() % UInt64(all.count))]
        }
        let hi = max(1, next - 1)
        let lo = max(1, hi - set.count * 4 - 64)
        for _ in 0..<8 {
            let candidate = T(rng.int(lo...hi))
            if set.contains(candidate) { return candidate }
        }
        return nil
    }

    mutating func attempt(in s: HospitalState, at now: Timestamp) -> Command? {
        let roll = Int(rng.next() % 1000)
        // A case the rules have flagged not ready is seen to within the hour, as a coordinator
        // would (the flagged cases are few; the demo's own stories are left as they are).
        if roll % 4 == 0 {
            for (id, flags) in s.readiness.flagged.sorted(by: { $0.key < $1.key }) where !flags.isEmpty {
                guard let p = s.procedures[id], !leaveAlone.contains(p.mrn), let c = paperwork(s, p, now) else { continue }
                return c
            }
        }
        switch roll {
        case 0..<70: return admit(s)
        case 70..<170: return assign(s)
        case 170..<230: return discharge(s, now)
        case 230..<330: return cleaning(s)
        case 330..<420: return orderLab(s, now)
        case 420..<500: return progressLab(s, .ordered)
        case 500..<560: return progressLab(s, .collected)
        case 560..<650: return resultLab(s)
        case 650..<690: return communicate(s, now)
        case 690..<720: return acknowledgeLab(s)
        case 720..<780: return taskWork(s, now)
        case 780..<860: return messageWork(s, now)
        case 860..<900: return procedureWork(s, now)
        case 900..<930: return transfer(s)
        case 930..<960: return edd(s, now)
        default: return s.unacknowledgedUrgent.isEmpty ? nil : acknowledgeMessage(s, now)
        }
    }

    mutating func newMRN(_ s: HospitalState) -> MRN {
        while true {
            let mrn = "MRN\(rng.int(1_000_000...9_999_999))"
            if s.patients[mrn] == nil { return mrn }
        }
    }

    public mutating func newAdmission(_ s: HospitalState, source: AdmissionSource? = nil) -> Admission {
        let mrn = newMRN(s)
        let year = 2026 - rng.int(18...96)
        let dob = LocalDate(year: year, month: rng.int(1...12), day: rng.int(1...28))!
        var a = Admission(mrn: mrn, name: SyntheticPeople.name(&rng), dateOfBirth: dob, sex: rng.pick([.f, .m, .f, .m, .x]),
                          source: source ?? rng.pick([.ed, .ed, .ed, .pacu, .direct, .transfer, .clinic]))
        if rng.chance(0.12) { a.changes.language = .some(rng.pick(SyntheticPeople.languages)); a.changes.interpreter = true }
        if rng.chance(0.12) { a.changes.precautions = [rng.pick([.contact, .contact, .droplet, .airborne])] }
        if rng.chance(0.15) { a.changes.livesAlone = true }
        if rng.chance(0.2) { a.changes.fallRisk = true }
        if rng.chance(0.3) { a.needs = [.telemetry] }
        if rng.chance(0.03) { a.needs = [.bariatric] }
        a.attending = rng.pick(SyntheticPeople.attendings)
        return a
    }

    mutating func admit(_ s: HospitalState) -> Command? {
        let waiting = s.activeStay.count - s.beds.values.reduce(0) { $0 + ($1.status == .occupied ? 1 : 0) }
        guard waiting < max(4, s.beds.count / 25) else { return nil }
        return .admit(newAdmission(s))
    }

    mutating func assign(_ s: HospitalState) -> Command? {
        let queue = s.placementQueue
        guard !queue.isEmpty else { return nil }
        // Usually the longest wait, but any patient on the queue may be the one a bed suits.
        let stay = rng.chance(0.5) ? queue[0] : queue[Int(rng.next() % UInt64(queue.count))]
        if leaveAlone.contains(stay.mrn) { return nil }
        let patient = s.patients[stay.mrn]
        if let reserved = s.reservation[stay.mrn] { return .assign(mrn: stay.mrn, bed: reserved, override: nil) }
        guard let bed = randomBed(s, where: { b in
            b.status == .available && Decider.placementProblems(patient: patient, needs: stay.needs, bed: b).isEmpty
        }) else {
            // Nobody waits for ever: after 12 hours without a suitable bed, the patient goes elsewhere.
            if s.lastTime - stay.requestedAt > .hours(12) {
                return .cancelAdmission(mrn: stay.mrn, reason: "Transferred to another facility: no suitable bed")
            }
            return nil
        }
        return .assign(mrn: stay.mrn, bed: bed.id, override: nil)
    }

    mutating func discharge(_ s: HospitalState, _ now: Timestamp) -> Command? {
        guard occupancy(s) > 0.72 else { return nil }
        let today = wallClock.localDate(now)
        guard let bed = randomBed(s, where: { $0.status == .occupied }), let mrn = bed.patient, let stay = s.stay(of: mrn),
              !leaveAlone.contains(mrn) else { return nil }
        // Patients go home on or after their expected date; without one, after a day or so.
        if let edd = stay.expectedDischarge {
            if edd > today && !rng.chance(0.05) { return nil }
        } else if let admitted = stay.admittedAt, now - admitted < .hours(20) {
            return nil
        }
        return .discharge(mrn: mrn, disposition: rng.pick([.home, .home, .home, .homeservices, .snf, .rehab, .transfer]))
    }

    mutating func cleaning(_ s: HospitalState) -> Command? {
        guard let bed = randomBed(s, where: { $0.status == .dirty || $0.status == .cleaning }) else { return nil }
        return bed.status == .dirty ? .startCleaning(bed: bed.id) : .finishCleaning(bed: bed.id)
    }

    mutating func orderLab(_ s: HospitalState, _ now: Timestamp) -> Command? {
        // Most of the time, the labs an upcoming procedure needs are ordered in good time.
        if rng.chance(0.5), let id = someMember(s.scheduledProcedures, next: s.nextProcedure), let p = s.procedures[id], p.status == .scheduled,
           !leaveAlone.contains(p.mrn), s.activeStay[p.mrn] != nil {
            let ordered = Set((s.labsByPatient[p.mrn] ?? []).compactMap { s.labs[$0] }.filter { $0.status != .cancelled }.map(\.test))
            if let test = p.requiredTests.first(where: { !ordered.contains($0) }) {
                return .orderLab(mrn: p.mrn, test: test, priority: .urgent, neededBy: p.start - .hours(1))
            }
        }
        guard let bed = randomBed(s, where: { $0.status == .occupied }), let mrn = bed.patient else { return nil }
        let test = rng.pick(["K", "NA", "GLU", "CREA", "HGB", "PLT", "WBC", "INR", "TNI", "LACT", "CRP", "MG", "CA", "TS", "BCX"])
        return .orderLab(mrn: mrn, test: test, priority: rng.pick([.routine, .routine, .urgent, .stat]),
                         neededBy: rng.chance(0.2) ? now + .hours(Int64(rng.int(2...8))) : nil)
    }

    mutating func progressLab(_ s: HospitalState, _ from: LabStatus) -> Command? {
        guard let id = someMember(s.activeLabs, next: s.nextLab), let lab = s.labs[id], lab.status == from, !leaveLabsAlone.contains(id) else { return nil }
        return from == .ordered ? .collectLab(id) : .receiveLab(id)
    }

    mutating func resultLab(_ s: HospitalState) -> Command? {
        guard let id = someMember(s.activeLabs, next: s.nextLab), let lab = s.labs[id], lab.status == .received || lab.status == .collected,
              !leaveLabsAlone.contains(id) else { return nil }
        let (value, flag) = labValue(lab.test)
        return .resultLab(id, value: value, units: nil, range: nil, flag: flag)
    }

    /// A plausible value: mostly normal, some abnormal, about one in a hundred critical.
    public mutating func labValue(_ test: String, forceCritical: Bool = false) -> (String, ResultFlag?) {
        switch test {
        case "TS": return (rng.pick(["O POS", "A POS", "B POS", "O NEG", "AB POS", "A NEG"]), .normal)
        case "BCX": return rng.chance(0.02) || forceCritical ? ("Gram-positive cocci in clusters", .critical) : ("No growth at 48 h", .normal)
        default:
            guard let t = LabCatalog.test(test), let low = t.low ?? t.high.map({ $0 * 0.2 }), let high = t.high else { return ("1", .normal) }
            let span = high - low
            var v: Double
            if forceCritical, let c = t.criticalHigh { v = c * 1.05 }
            else if rng.chance(0.01), let c = t.criticalHigh { v = c * (1 + Double(rng.int(0...20)) / 100) }
            else if rng.chance(0.15) { v = high + span * Double(rng.int(5...40)) / 100 }
            else { v = low + span * Double(rng.int(5...95)) / 100 }
            let decimals = span < 2 ? 100.0 : span < 20 ? 10.0 : 1.0
            v = (v * decimals).rounded() / decimals
            let text = decimals == 1 ? String(Int(v)) : String(v)
            return (text, nil)
        }
    }

    mutating func communicate(_ s: HospitalState, _ now: Timestamp) -> Command? {
        guard let id = someMember(s.activeLabs, next: s.nextLab), let lab = s.labs[id], lab.awaitsCommunication,
              let at = lab.resultedAt, now - at >= criticalDelay, let result = lab.result else { return nil }
        return .communicateLab(id, CommunicationInput(toldName: rng.pick(SyntheticPeople.attendings), toldRole: .physician, readBack: result.value))
    }

    mutating func acknowledgeLab(_ s: HospitalState) -> Command? {
        // Results drop out of `activeLabs` when resulted; acknowledge a recent one by id.
        let newest = s.nextLab - 1
        guard newest > 0 else { return nil }
        let id = LabID(max(1, newest - rng.int(0...40)))
        guard let lab = s.labs[id], lab.status == .resulted, lab.acknowledgedBy == nil, !lab.awaitsCommunication else { return nil }
        return .acknowledgeLab(id)
    }

    mutating func taskWork(_ s: HospitalState, _ now: Timestamp) -> Command? {
        if rng.chance(0.35) || s.openTasks.isEmpty {
            guard let bed = randomBed(s, where: { $0.status == .occupied }), let mrn = bed.patient else { return nil }
            let title = rng.pick(["Book transport to radiology", "Chase insurance pre-authorisation", "Arrange physiotherapy consult",
                                  "Get consent form signed for procedure", "Call family about discharge plan", "Request interpreter for rounds",
                                  "Order home oxygen for discharge", "Confirm follow-up clinic appointment", "Fax referral to cardiology"])
            return .addTask(title: title, patient: mrn, priority: rng.pick([.routine, .routine, .urgent, .stat]),
                            due: now + .minutes(Int64(rng.int(30...480))), owner: .role(.coordinator), note: nil)
        }
        guard let id = someMember(s.openTasks, next: s.nextTask), let t = s.tasks[id] else { return nil }
        switch t.kind {
        // Closed by recording what they ask for (a report, a notice, a visit), never by hand here.
        case .criticalresult, .cleaning, .research, .referral, .complaint, .supplies: return nil
        case .missinglab:
            if case .procedure(let p) = t.link, let proc = s.procedures[p], leaveAlone.contains(proc.mrn) { return nil }
            if case .procedure(let p) = t.link, let proc = s.procedures[p] {
                for test in proc.requiredTests where !(s.labsByPatient[proc.mrn] ?? []).contains(where: { s.labs[$0]?.test == test }) {
                    return .orderLab(mrn: proc.mrn, test: test, priority: .stat, neededBy: proc.start - .hours(1))
                }
            }
            return nil
        case .readiness, .preauth:
            // Closed by seeing to what is missing (the rules close the task), not by hand.
            guard case .procedure(let pid) = t.link, let p = s.procedures[pid], !leaveAlone.contains(p.mrn) else { return nil }
            return paperwork(s, p, now)
        default:
            return t.status == .open && rng.chance(0.3) ? .startTask(id) : .completeTask(id, note: nil, communication: nil)
        }
    }

    mutating func messageWork(_ s: HospitalState, _ now: Timestamp) -> Command? {
        let staff = s.staff.keys.sorted()
        if rng.chance(0.6) || s.messages.isEmpty {
            let to: Assignee = staff.isEmpty || rng.chance(0.5) ? .role(rng.pick([.coordinator, .evs, .lab, .transport, .chargenurse])) : .person(rng.pick(staff))
            let about = randomBed(s, where: { $0.status == .occupied })?.patient
            let subject = rng.pick(["Family asking for update", "Transport delayed 20 min", "Pharmacy: med rec needed", "Bed request from ED",
                                    "Insurance callback", "Consult note ready", "Isolation cart needed", "Please call back re: discharge"])
            return .sendMessage(to: to, patient: about, subject: subject, body: "", urgent: rng.chance(0.15))
        }
        let newest = s.nextMessage - 1
        guard newest > 0 else { return nil }
        let id = MessageID(max(1, newest - rng.int(0...30)))
        guard let m = s.messages[id] else { return nil }
        if m.urgent && m.acknowledgedBy == nil { return Simulator.mayAcknowledge(m) ? .acknowledgeMessage(id) : nil }
        return m.readBy["sim"] == nil ? .readMessage(id) : nil
    }

    /// The simulator acts as a coordinator (`sim`): it acknowledges only what is addressed to
    /// coordinators or to it, never its own messages, and never the demo's seeded stories
    /// (messages the demo itself sent), which are left for the person trying Rounds.
    static func mayAcknowledge(_ m: Message) -> Bool {
        m.from != "sim" && m.from != "demo" && m.isAddressed(to: "sim", role: .coordinator)
    }

    mutating func acknowledgeMessage(_ s: HospitalState, _ now: Timestamp) -> Command? {
        guard let id = someMember(s.unacknowledgedUrgent, next: s.nextMessage), let m = s.messages[id], now - m.sentAt >= .minutes(5),
              Simulator.mayAcknowledge(m) else { return nil }
        return .acknowledgeMessage(id)
    }

    /// What the coordinator does next for a case's paperwork: coverage verified, a consent
    /// signed, the history and physical in. Nil when none is missing.
    mutating func paperwork(_ s: HospitalState, _ p: Procedure, _ now: Timestamp) -> Command? {
        guard p.status == .scheduled,
              let r = s.requirements(of: p, at: now, details: false).first(where: { !$0.met && ($0.key == "eligibility" || $0.key.hasPrefix("doc:")) })
        else { return nil }
        if r.key == "eligibility" { return .verifyEligibility(p.mrn, payer: rng.pick(["Acme Health", "Medicare", "Blue Harbor", "Northwind Care"]), active: true, note: nil) }
        guard let kind = DocumentKind(rawValue: String(r.key.dropFirst(4))) else { return nil }
        return .recordDocument(p.id, kind, kind.needsSignature ? .signed : .received, dated: nil)
    }

    mutating func procedureWork(_ s: HospitalState, _ now: Timestamp) -> Command? {
        if let id = someMember(s.scheduledProcedures, next: s.nextProcedure), let p = s.procedures[id] {
            if p.status == .scheduled, now >= p.start { return .startProcedure(id) }
            if p.status == .inprogress, now >= p.end { return .finishProcedure(id) }
            // The coordinator's paperwork (the demo's own stories are left as they are).
            if p.status == .scheduled, !leaveAlone.contains(p.mrn), rng.chance(0.8), let c = paperwork(s, p, now) { return c }
        }
        guard rng.chance(0.5), let bed = randomBed(s, where: { $0.status == .occupied }), let mrn = bed.patient else { return nil }
        let kind = rng.pick([ProcedureKind.surgery, .imaging, .imaging, .endoscopy, .cath, .dialysis])
        let resource: String
        let requires: [String]
        switch kind {
        case .surgery: resource = "OR-\(rng.int(1...6))"; requires = ["K", "HGB", "TS"]
        case .imaging: resource = rng.pick(["MRI-1", "MRI-2", "CT-1", "CT-2", "US-1"]); requires = rng.chance(0.5) ? ["CREA"] : []
        case .endoscopy: resource = "ENDO-\(rng.int(1...2))"; requires = ["INR", "PLT"]
        case .cath: resource = "CATH-1"; requires = ["K", "CREA", "INR"]
        default: resource = "DIAL-\(rng.int(1...3))"; requires = ["K"]
        }
        // On the quarter hour, 5–30 hours ahead.
        let ahead = now + .hours(Int64(rng.int(5...30)))
        let start = Timestamp(milliseconds: ahead.milliseconds - ahead.milliseconds % 900_000)
        return .bookProcedure(mrn: mrn, kind: kind, resource: resource, start: start, end: start + .minutes(Int64(rng.pick([30, 45, 60, 90, 120]))),
                              requires: requires, title: nil)
    }

    mutating func transfer(_ s: HospitalState) -> Command? {
        guard let from = randomBed(s, where: { $0.status == .occupied }), let mrn = from.patient, let stay = s.stay(of: mrn),
              !leaveAlone.contains(mrn) else { return nil }
        let patient = s.patients[mrn]
        guard let to = randomBed(s, where: { $0.status == .available && $0.unit != from.unit &&
            Decider.placementProblems(patient: patient, needs: stay.needs, bed: $0).isEmpty }) else { return nil }
        return .transfer(mrn: mrn, bed: to.id, override: nil)
    }

    mutating func edd(_ s: HospitalState, _ now: Timestamp) -> Command? {
        guard let bed = randomBed(s, where: { $0.status == .occupied }), let mrn = bed.patient,
              s.stay(of: mrn)?.expectedDischarge == nil else { return nil }
        return .updatePatient(mrn: mrn, changes: PatientChanges(expectedDischarge: .some(wallClock.localDate(now).adding(days: rng.int(0...4)))))
    }
}
