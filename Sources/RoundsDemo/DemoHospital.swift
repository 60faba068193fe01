import RoundsDomain
import RoundsEngine
import RoundsJournal

public struct DemoOptions: Sendable {
    public var seed: UInt64 = 1
    public var beds: Int = 200
    public var days: Int = 0
    /// The simulated history covers the rest of the coordinator's day too (referrals,
    /// complaints, follow-ups, research, supplies and equipment; `Simulator.otherWork`).
    public var otherWork = false
    /// The start of the morning shift the demo opens on.
    public var start: Timestamp
    /// The login that created the demo; put on the roster as a coordinator.
    public var creator: Login
    public var wallClock: WallClock

    public init(start: Timestamp, creator: Login, wallClock: WallClock, seed: UInt64 = 1, beds: Int = 200, days: Int = 0) {
        self.start = start; self.creator = creator; self.wallClock = wallClock; self.seed = seed; self.beds = beds; self.days = days
    }
}

public struct DemoSummary: Sendable {
    public var records: UInt64
    public var refused: Int
    public var beds: Int
    public var units: Int
    /// The patients and labs of the morning's stories, which a simulator moving the demo along
    /// must leave for the person trying Rounds (`Simulator.leaveAlone`).
    public var storyPatients: Set<MRN> = []
    public var storyLabs: Set<LabID> = []
}

/// Writes a synthetic hospital at the start of a morning shift: units of every kind, a realistic
/// census, expected discharges, a placement queue, pending and resulted labs including a critical
/// result not yet communicated, a procedure today missing a required lab, open tasks and
/// messages, staff on duty — and, with `days`, that many days of simulated history before it.
/// Everything goes through the command language and the journal. Same options, same bytes.
public enum DemoHospital {
    public static let demoActor: Login = "demo"
    public static let simActor: Login = "sim"

    public static func write(to path: String, options o: DemoOptions, replace: Bool = false,
                             progress: ((Int, Int) -> Void)? = nil) throws -> DemoSummary {
        let historyStart = o.start - .days(Int64(o.days)) - .hours(14)
        let clock = ManualClock(historyStart)
        let engine = try Engine(creatingJournalAt: path, actor: demoActor, clock: clock, wallClock: o.wallClock, replace: replace)
        engine.durable = false
        engine.runsRulesOnSubmit = false
        var sim = Simulator(seed: o.seed, wallClock: o.wallClock)
        sim.otherWork = o.otherWork
        var refused = 0

        func run(_ c: Command) {
            do { try engine.submit(c) } catch { refused += 1 }
        }
        func line(_ l: String) {
            do { try engine.submit(line: l) } catch { refused += 1 }
        }

        // Units and beds.
        let plan = unitPlan(beds: max(20, o.beds))
        for u in plan {
            run(.addUnit(code: u.code, name: u.name, kind: u.kind))
            for i in 1...u.beds {
                var attrs: Set<BedAttribute> = []
                if [.icu, .stepdown, .telemetry].contains(u.kind) { attrs.insert(.telemetry) }
                if i % u.isolationEvery == 1 { attrs.insert(.isolation) }
                if u.kind == .medsurg && i % 16 == 0 { attrs.insert(.bariatric) }
                let id = "\(u.code)-\(i < 10 ? "0" : "")\(i)"
                run(.addBed(id: id, unit: u.code, attributes: attrs))
            }
        }

        // The roster: whoever made the demo and the demo's own accounts as coordinators, then the
        // supervisors, whose arrival ends set-up mode.
        // Whoever made the demo is its supervisor too, so a newcomer can try the roster and
        // the break-glass reviews; supervisors come last (their arrival ends set-up mode).
        run(.setStaff(login: demoActor, name: "Demo generator", role: .coordinator, onDuty: true))
        run(.setStaff(login: simActor, name: "Simulator", role: .coordinator, onDuty: true))
        var everyone = roster
        if IdentifierSyntax.isValidLogin(Substring(o.creator)), o.creator != Rules.actor {
            everyone.removeAll { $0.0 == o.creator }
            everyone.append((o.creator, o.creator, .supervisor))
        }
        for (login, name, role) in everyone.sorted(by: { ($0.2 == .supervisor ? 1 : 0) < ($1.2 == .supervisor ? 1 : 0) }) where engine.state.staff[login] == nil {
            run(.setStaff(login: login, name: name, role: role, onDuty: true))
            // Once a supervisor is on the roster only a supervisor may add the next one.
            if role == .supervisor, engine.state.staff[login] != nil { engine.actor = login }
        }
        engine.actor = demoActor

        // An opening census of about 84 %.
        var order = engine.state.unitOrder.flatMap { engine.state.units[$0]!.beds }
        order.shuffle(using: &sim.rng)
        let target = order.count * 84 / 100
        for bedID in order.prefix(target) {
            let bed = engine.state.beds[bedID]!
            var a = sim.newAdmission(engine.state)
            if !bed.isIsolationCapable { a.changes.precautions = [] }
            a.needs = a.needs.intersection(bed.attributes)
            // They were admitted over the past days: their expected discharges are spread ahead.
            // (from the shift's own day when there is no history, so nobody in a bed was due home yesterday)
            a.expectedDischarge = o.wallClock.localDate(o.days == 0 ? o.start : historyStart).adding(days: sim.rng.int(0...5))
            run(.admit(a))
            run(.assign(mrn: a.mrn, bed: bedID, override: nil))
            clock.advance(.seconds(20))
        }

        // History: about seven commands per bed per day, the time rules every five minutes, and
        // the morning's scripted situations woven in at their own times.
        engine.actor = simActor
        var morning = MorningScenario(start: o.start, wallClock: o.wallClock, seed: o.seed, creator: o.creator)
        let quiet = o.start - .minutes(30)
        let step = Span(milliseconds: max(1000, 86_400_000 / Int64(max(1, o.beds) * 7)))
        var nextTick = clock.now() + .minutes(5)
        let totalSteps = Int((o.start - clock.now()).milliseconds / step.milliseconds)
        var done = 0
        while clock.now() < o.start {
            clock.advance(step)
            if clock.now() > o.start { clock.set(o.start) }
            while let due = morning.nextStep(at: clock.now()) {
                engine.actor = demoActor
                morning.perform(due, engine: engine, sim: &sim, run: run, line: line)
                engine.actor = simActor
            }
            if clock.now() >= nextTick {
                _ = try engine.tick()
                nextTick = clock.now() + .minutes(5)
            }
            // The simulated night goes quiet half an hour before the shift starts.
            if clock.now() < quiet, let c = sim.next(in: engine.state, at: clock.now()) { run(c) }
            done += 1
            if done % 20_000 == 0 { progress?(done, totalSteps) }
        }
        clock.set(o.start)
        // The night shift did its own work: what the simulated night left open hours past its
        // due time is closed, so the shift starts with the morning's stories, not hours of
        // leftover overdue tasks.
        engine.actor = simActor
        for id in engine.state.openTasks.sorted() {
            // The stories' own tasks (written as the demo) stay; the simulator's go, whoever they are about.
            guard let t = engine.state.tasks[id], t.due < o.start - .hours(1), [.general, .followup].contains(t.kind),
                  !(t.createdBy == demoActor && (t.patient.map { sim.leaveAlone.contains($0) } ?? false)) else { continue }
            run(.completeTask(id, note: "Done by the night shift", communication: nil))
        }
        // …and told the clinicians of the night's critical results: the morning's own critical
        // potassium is the one left to communicate.
        for id in engine.state.activeLabs.sorted() {
            guard let l = engine.state.labs[id], l.awaitsCommunication, let result = l.result, !sim.leaveLabsAlone.contains(id),
                  !sim.leaveAlone.contains(l.mrn), (l.resultedAt ?? o.start) < o.start - .hours(1) else { continue }
            run(.communicateLab(id, CommunicationInput(toldName: "Dr On Call", toldRole: .physician, readBack: result.value)))
        }
        engine.runsRulesOnSubmit = true
        _ = try engine.tick()
        try engine.sync()
        // Opening a long history should not replay it: leave a snapshot of where it ends.
        if engine.state.lastSeq >= Engine.snapshotInterval { try engine.writeSnapshot() }
        return DemoSummary(records: engine.state.lastSeq, refused: refused, beds: engine.state.beds.count, units: engine.state.units.count,
                           storyPatients: sim.leaveAlone, storyLabs: sim.leaveLabsAlone)
    }

    struct UnitSpec { var code: String; var name: String; var kind: UnitKind; var beds: Int; var isolationEvery: Int }

    static func unitPlan(beds n: Int) -> [UnitSpec] {
        var specs = [
            UnitSpec(code: "ICU", name: "Intensive Care", kind: .icu, beds: max(4, n / 10), isolationEvery: 3),
            UnitSpec(code: "SDU", name: "Step-down", kind: .stepdown, beds: max(4, n / 10), isolationEvery: 4),
            UnitSpec(code: "5T", name: "5 Telemetry", kind: .telemetry, beds: max(4, n / 5), isolationEvery: 5),
        ]
        var medsurg = max(8, n - specs.reduce(0) { $0 + $1.beds } - max(4, n / 10))
        let names = ["4W", "5W", "6E", "7E", "8E", "8W", "9E", "9W", "10E", "10W", "11E", "11W", "12E", "12W", "3N", "3S",
                     "2N", "2S", "6W", "7W", "4E", "5E", "3E", "3W", "2E", "2W", "1E", "1W", "13E", "13W", "14E", "14W"]
        var i = 0
        while medsurg > 0 {
            let size = min(32, medsurg)
            let code = i < names.count ? names[i] : "MS\(i)"
            specs.append(UnitSpec(code: code, name: "\(code) Med-Surg", kind: .medsurg, beds: size, isolationEvery: 6))
            medsurg -= size
            i += 1
        }
        specs.append(UnitSpec(code: "EDH", name: "ED Holding", kind: .edholding, beds: max(4, n / 10), isolationEvery: 4))
        return specs
    }

    static let roster: [(Login, String, Role)] = [
        ("amoreau", "Alice Moreau", .coordinator), ("tnguyen", "Thảo Nguyễn", .coordinator), ("jkowalczyk", "Jan Kowalczyk", .coordinator),
        ("sokafor", "Samuel Okafor", .supervisor), ("ilindqvist", "Ingrid Lindqvist", .supervisor),
        ("mgarcia", "María García", .chargenurse), ("yozturk", "Yusuf Öztürk", .chargenurse), ("hsato", "佐藤 花子", .chargenurse),
        ("akovacs", "Dr Amelia Kovács", .physician), ("tngata", "Dr Tobias Ngata", .physician), ("rmehta", "Dr Rahul Mehta", .physician),
        ("lab1", "Leila Haddad", .lab), ("lab2", "Søren Ødegaard", .lab),
        ("evs1", "Evan Štěpánek", .evs), ("evs2", "Rūta Žukauskienė", .evs),
        ("trans1", "Kwame Mensah", .transport), ("viewer", "Ward clerk", .viewer),
    ]

}

/// The situations a coordinator walks in to at 07:00, each at the time it happened.
struct MorningScenario {
    enum Step: CaseIterable {
        case bookSurgery, preopLabs, waitingSevereSepsis, waitingTransfer, waitingTelemetry, waitingAirborne, waitingDirect,
             pendingLabs, criticalOrdered, criticalCollected, waitingPACU, waitingED, expectedDischarges, beds, forecast, work, criticalResulted,
             assess, handover, referrals, supplies
    }

    let start: Timestamp
    let wallClock: WallClock
    /// Who runs the demo: the receiver of the night's handover.
    let creator: Login
    var schedule: [(Timestamp, Step)]
    var surgical: MRN?
    /// The surgery's own lab orders by test (K, HGB, TS): the story results the first two only.
    var preop: [String: LabID] = [:]
    var critical: MRN?
    var criticalLab: LabID?
    /// The ward patient who needs the add-on laparotomy.
    var addOnPatient: MRN?
    /// The neurology referral whose report arrives during the night.
    var neurology: ReferralID?
    /// The patient discharged last evening who comes back through the ED this morning.
    var readmitted: MRN?
    /// The hip replacement (it needs a transport monitor, reserved).
    var hip: ProcedureID?

    init(start: Timestamp, wallClock: WallClock, seed: UInt64, creator: Login) {
        self.start = start
        self.wallClock = wallClock
        self.creator = creator
        let at: [Step: Span] = [
            .bookSurgery: .hours(9), .preopLabs: .hours(6), .waitingSevereSepsis: .hours(5), .waitingTransfer: .hours(4),
            .waitingTelemetry: .hours(3), .waitingAirborne: .minutes(150), .waitingDirect: .hours(2), .pendingLabs: .minutes(90),
            .criticalOrdered: .minutes(70), .criticalCollected: .minutes(50), .waitingPACU: .minutes(45), .waitingED: .minutes(35),
            .expectedDischarges: .minutes(33), .beds: .minutes(31), .forecast: .minutes(30), .work: .minutes(25), .criticalResulted: .minutes(12),
            .assess: .minutes(20), .handover: .minutes(8), .referrals: .minutes(500), .supplies: .minutes(510),
        ]
        schedule = Step.allCases.map { (start - at[$0]!, $0) }.sorted { $0.0 < $1.0 }
    }

    mutating func nextStep(at now: Timestamp) -> Step? {
        guard let first = schedule.first, first.0 <= now else { return nil }
        schedule.removeFirst()
        return first.1
    }

    func occupied(_ e: Engine) -> [MRN] {
        e.state.unitOrder.flatMap { e.state.beds(in: $0) }.filter { $0.status == .occupied }.compactMap(\.patient)
    }

    mutating func perform(_ step: Step, engine e: Engine, sim: inout Simulator, run: (Command) -> Void, line: (String) -> Void) {
        let inBed = occupied(e).filter { !sim.leaveAlone.contains($0) }
        func wait(_ source: AdmissionSource, _ precautions: Set<Precaution> = [], _ needs: Set<BedAttribute> = [], unit: UnitCode? = nil) {
            var a = sim.newAdmission(e.state, source: source)
            a.changes.precautions = precautions
            a.needs = needs
            a.wantedUnit = unit
            sim.leaveAlone.insert(a.mrn)
            run(.admit(a))
        }
        switch step {
        case .bookSurgery:
            guard inBed.count > 2 else { return }
            let mrn = inBed[inBed.count / 2]
            surgical = mrn
            sim.leaveAlone.insert(mrn)
            // In for surgery: not going home today.
            run(.updatePatient(mrn: mrn, changes: PatientChanges(expectedDischarge: .some(wallClock.localDate(start).adding(days: 3)))))
            run(.bookProcedure(mrn: mrn, kind: .surgery, resource: "OR-2", start: start + .hours(3) + .minutes(30),
                               end: start + .hours(5) + .minutes(30), requires: ["K", "HGB", "TS"], title: "Total hip replacement"))
            // Everything a surgery needs, in its different states: coverage verified, the
            // surgical consent signed and the history and physical in; the anaesthesia consent
            // not yet signed; the payer's approval pended; an ICU bed needed afterwards.
            let hip = ProcedureID(e.state.nextProcedure - 1)
            self.hip = hip
            run(.verifyEligibility(mrn, payer: "Acme Health", active: true, note: nil))
            run(.recordDocument(hip, .surgicalConsent, .signed, dated: nil))
            run(.recordDocument(hip, .historyAndPhysical, .received, dated: start - .days(6)))
            run(.recordDocument(hip, .anaesthesiaConsent, .received, dated: nil))
            run(.setBedAfter(hip, .icu))
            run(.addPreAuth(hip, payer: "Acme Health", expedited: true))
            run(.submitPreAuth(PreAuthID(e.state.readiness.nextAuth - 1)))
            run(.pendPreAuth(PreAuthID(e.state.readiness.nextAuth - 1), note: "Payer asks for the imaging report"))
            // A full elective list on OR-1 and OR-3, and a ward patient who needs an urgent
            // laparotomy today: the add-on case to try (Docs/USER-GUIDE.md, "An add-on case").
            // Patients with no open task of the night (they are left alone from here on, so the
            // night shift would not close one).
            // Ward patients (not ICU or step-down, whose beds the forecast story counts), in
            // for their operation: not going home today.
            var busy = Set<MRN>()
            for id in e.state.openTasks { if let p = e.state.tasks[id]?.patient { busy.insert(p) } }
            let ward: Set<UnitKind> = [.medsurg, .telemetry]
            let free = inBed.filter { m in
                m != mrn && !busy.contains(m)
                    && (e.state.stay(of: m)?.bed.flatMap { e.state.beds[$0]?.unit }.flatMap { e.state.units[$0]?.kind }).map(ward.contains) == true
            }
            let list = free.prefix(6)
            if list.count == 6, let addOn = free.last(where: { !list.contains($0) }) {
                let electives: [(String, Int64, Int64, ProcedureKind, String)] = [
                    ("OR-1", 60, 150, .surgery, "Knee arthroscopy"), ("OR-1", 165, 255, .surgery, "Inguinal hernia repair"),
                    ("OR-1", 285, 405, .surgery, "Laparoscopic cholecystectomy"),
                    ("OR-3", 90, 240, .surgery, "Shoulder replacement"), ("OR-3", 270, 360, .surgery, "Carpal tunnel release"),
                    ("OR-3", 375, 435, .surgery, "Excision of skin lesion"),
                ]
                for ((room, from, to, kind, title), patient) in zip(electives, list) {
                    sim.leaveAlone.insert(patient)
                    run(.updatePatient(mrn: patient, changes: PatientChanges(expectedDischarge: .some(wallClock.localDate(start).adding(days: 2)))))
                    run(.bookProcedure(mrn: patient, kind: kind, resource: room, start: start + .minutes(from), end: start + .minutes(to), requires: [], title: title))
                    let id = ProcedureID(e.state.nextProcedure - 1)
                    run(.verifyEligibility(patient, payer: "Acme Health", active: true, note: nil))
                    for d in e.state.readiness.documentsNeeded(for: kind) { run(.recordDocument(id, d, d.needsSignature ? .signed : .received, dated: nil)) }
                }
                sim.leaveAlone.insert(addOn)
                addOnPatient = addOn
            }
            for test in ["K", "HGB", "TS"] {
                run(.orderLab(mrn: mrn, test: test, priority: .urgent, neededBy: start + .hours(2)))
                sim.leaveLabsAlone.insert(LabID(e.state.nextLab - 1))
                preop[test] = LabID(e.state.nextLab - 1)
            }
        case .preopLabs:
            // Potassium and haemoglobin come back; the type & screen is never collected.
            guard surgical != nil else { return }
            for test in ["K", "HGB"] {
                guard let id = preop[test], let lab = e.state.labs[id], lab.status == .ordered else { continue }
                run(.collectLab(id))
                let (v, f) = sim.labValue(lab.test)
                run(.resultLab(id, value: v, units: nil, range: nil, flag: f == .critical ? .abnormal : f))
            }
        case .waitingSevereSepsis: wait(.ed, [], [.telemetry], unit: "5T")
        case .waitingTransfer: wait(.transfer, [.contact], [.telemetry])
        case .waitingTelemetry: wait(.ed, [], [.telemetry], unit: "5T")
        case .waitingAirborne: wait(.ed, [.airborne])
        case .waitingDirect: wait(.direct)
        case .waitingPACU: wait(.pacu)
        case .waitingED: wait(.ed)
        case .pendingLabs:
            for (i, mrn) in inBed.suffix(8).enumerated() {
                run(.orderLab(mrn: mrn, test: sim.rng.pick(["NA", "CREA", "HGB", "INR", "LACT"]), priority: sim.rng.pick([.routine, .urgent, .stat]), neededBy: nil))
                let id = LabID(e.state.nextLab - 1)
                sim.leaveLabsAlone.insert(id)
                if i % 2 == 0 { run(.collectLab(id)) }
            }
        case .criticalOrdered:
            guard inBed.count > 3 else { return }
            let mrn = inBed[inBed.count / 3]
            critical = mrn
            sim.leaveAlone.insert(mrn)
            run(.orderLab(mrn: mrn, test: "K", priority: .stat, neededBy: nil))
            criticalLab = LabID(e.state.nextLab - 1)
            sim.leaveLabsAlone.insert(criticalLab!)
        case .criticalCollected:
            guard let k = criticalLab else { return }
            run(.collectLab(k))
            run(.receiveLab(k))
        case .criticalResulted:
            guard let k = criticalLab else { return }
            run(.resultLab(k, value: "6.6", units: nil, range: nil, flag: nil))
        case .expectedDischarges:
            let today = wallClock.localDate(start)
            for (i, mrn) in inBed.enumerated() where i % 8 == 3 {
                run(.updatePatient(mrn: mrn, changes: PatientChanges(expectedDischarge: .some(today))))
            }
        case .beds:
            // Empty beds, clean or not, may be taken out of service.
            let empty: Set<BedStatus> = [.available, .dirty, .cleaning]
            let all: [Bed] = e.state.unitOrder.flatMap { e.state.beds(in: $0) }
            let free: [BedID] = all.filter { empty.contains($0.status) }.map(\.id)
            guard free.count >= 3 else { return }
            line("bed block \(free[0]) reason \"Bed motor broken — maintenance ticket 4471\" until tomorrow 12:00")
            line("bed block \(free[free.count / 2]) reason \"Closed overnight: no nurse to staff it\"")
            line("bed dirty \(free[free.count - 1])")
        case .referrals:
            // Open loops: an urgent echo the service could not schedule, past its clinically
            // indicated time (its chase task is on the worklist at 07:00); an outside MRI booked
            // for today; a high-risk oncology referral not yet received; a scope with partial
            // results; a neurology opinion whose report has closed the loop.
            guard inBed.count >= 10 else { return }
            let gap = inBed.count / 5
            let who = (0..<5).map { inBed[$0 * gap + gap / 2] }
            for mrn in who { sim.leaveAlone.insert(mrn) }
            let first = e.state.referrals.next
            let ids = (0..<5).map { ReferralID(first + $0) }
            run(.sendReferral(ReferralRequest(mrn: who[0], service: "Cardiology", reason: "New systolic murmur: echo and cardiology opinion before discharge",
                                              urgency: .urgent, due: start - .hours(1), specialist: "Dr Osei", clinician: "Dr Amelia Kovács")))
            run(.updateReferral(ids[0], .received, appointment: nil, note: nil, override: nil))
            run(.updateReferral(ids[0], .unable, appointment: nil, note: "No echo slot before Thursday", override: nil))
            run(.sendReferral(ReferralRequest(mrn: who[1], service: "Outside MRI", reason: "MRI lumbar spine: new leg weakness", urgency: .stat, external: true)))
            run(.updateReferral(ids[1], .received, appointment: nil, note: nil, override: nil))
            run(.updateReferral(ids[1], .scheduled, appointment: start + .hours(5), note: "Booked by phone; transport needed", override: nil))
            run(.sendReferral(ReferralRequest(mrn: who[2], service: "Oncology", reason: "Suspicious lung mass on CT", urgency: .urgent, highRisk: true)))
            run(.sendReferral(ReferralRequest(mrn: who[3], service: "Gastroenterology", reason: "Iron-deficiency anaemia: upper and lower scope")))
            run(.updateReferral(ids[3], .received, appointment: nil, note: nil, override: nil))
            run(.updateReferral(ids[3], .partial, appointment: nil, note: "Gastroscopy normal; colonoscopy biopsy histology to follow", override: nil))
            run(.sendReferral(ReferralRequest(mrn: who[4], service: "Neurology", reason: "Transient confusion: opinion on EEG", specialist: "Dr Ngata")))
            run(.updateReferral(ids[4], .received, appointment: nil, note: nil, override: nil))
            neurology = ids[4]
            // Research: a heart-failure trial; one of its patients is in a bed with visit V3's
            // window open today (on the worklist), V2 was done a day late (a deviation), and the
            // consent was amended to v2 since he signed v1 (a re-consent task).
            let today = wallClock.localDate(start)
            line("study add HF-TRIAL name \"Heart failure nurse-led titration\" pi \"Dr Rahul Mehta\" approved-until \(today.adding(days: 20)) consent \"v1\" visits \"V1:0, V2:7±1, V3:14±2, V4:28±3\"")
            if let trial = inBed.first(where: { !who.contains($0) }) {
                sim.leaveAlone.insert(trial)
                line("study enroll \(trial) HF-TRIAL anchor \(today.adding(days: -14)) arm \"nurse-led\"")
                line("study visit \(trial) HF-TRIAL V1 done at \(today.adding(days: -14)) 10:00")
                line("study visit \(trial) HF-TRIAL V2 done at \(today.adding(days: -5)) 10:00 note \"Transport failed the day before\"")
                line("study amend HF-TRIAL consent \"v2\" note \"Amendment 3: extra blood sample at V4\"")
            }
            // Follow-up and a readmission: a patient who lives alone goes home last evening
            // (a follow-up call is due), and comes back through the ED at 06:35.
            let home = inBed[min(inBed.count - 1, 4 * gap + gap / 2 + 1)]
            if !who.contains(home) {
                sim.leaveAlone.insert(home)
                run(.updatePatient(mrn: home, changes: PatientChanges(livesAlone: true)))
                run(.discharge(mrn: home, disposition: .home))
                readmitted = home
            }
        case .forecast:
            // Tomorrow's beds: the ICU's two discharges today are held by barriers (transport,
            // pharmacy), its others are not before tomorrow, ED boarders fill its free beds, so
            // the hip replacement's ICU bed afterwards leaves it short from midday. A barrier on
            // a med-surg discharge has been resolved already.
            let today = wallClock.localDate(start)
            let now = e.clock.now()
            guard let icu = e.state.unitOrder.first(where: { e.state.units[$0]?.kind == .icu }) else { return }
            let icuPatients = e.state.beds(in: icu).filter { $0.status == .occupied }.compactMap(\.patient)
                .filter { !sim.leaveAlone.contains($0) && $0 != surgical }
            for (i, mrn) in icuPatients.enumerated() {
                if i < 2 {
                    sim.leaveAlone.insert(mrn)
                    run(.updatePatient(mrn: mrn, changes: PatientChanges(expectedDischarge: .some(today))))
                    run(i == 0 ? .recordBarrier(mrn, .transport, note: "Ambulance to the nursing home not booked; earliest slot tomorrow")
                               : .recordBarrier(mrn, .pharmacy, note: "Discharge medications not dispensed: anticoagulant needs a prescriber's sign-off"))
                } else if e.state.stay(of: mrn)?.expectedDischarge == today {
                    run(.updatePatient(mrn: mrn, changes: PatientChanges(expectedDischarge: .some(today.adding(days: 1)))))
                }
            }
            let leaving = inBed.filter { !sim.leaveAlone.contains($0) && e.state.stay(of: $0)?.expectedDischarge == today
                && e.state.stay(of: $0)?.bed.flatMap { e.state.beds[$0]?.unit } != icu }
            if let family = leaving.first {
                sim.leaveAlone.insert(family)
                run(.recordBarrier(family, .family, note: "Daughter can collect only after work"))
                run(.resolveBarrier(family, .family, note: "Neighbour will collect at 11:00"))
            }
            let f = e.state.bedForecast(at: now, wallClock: wallClock)
            let free = f.units.first { $0.unit == icu }?.available.first ?? 0
            for _ in 0..<min(8, max(0, free)) { wait(.ed, [], [.telemetry], unit: icu) }
        case .supplies:
            // The evening before (dates from the shift's day D): a flush below min on 5T (its
            // reorder task), IV sets in the ICU with a lot expiring in 18 days, chlorhexidine
            // wipes whose lot expires tonight (expired by 07:00), gloves counted in central
            // supply; ventilators (one on an ICU patient, one due for maintenance in 3 days,
            // one awaiting repair), pumps (one on a 5T patient, one being cleaned, one whose
            // maintenance runs out tonight), a transport monitor reserved for the hip
            // replacement, an air mattress on a 5T bed.
            let d = wallClock.localDate(start)
            for l in ["stock add SAL10 at 5T name \"Saline flush 10 mL\" unit box min 20 max 60 reorder 40 vendor \"Medline\" lead 3",
                      "stock receive SAL10 at 5T 24 lot \"SF2291\" expires \(d.adding(days: 200))",
                      "stock use SAL10 at 5T 6",
                      "stock add IVSET at ICU name \"IV administration set\" unit each min 10 max 40 reorder 30 vendor \"Baxter\" lead 2",
                      "stock receive IVSET at ICU 12 lot \"B7731\" expires \(d.adding(days: 18))",
                      "stock receive IVSET at ICU 20 lot \"B8102\" expires \(d.adding(days: 300))",
                      "stock add CHG2 at ICU name \"Chlorhexidine 2% wipes\" unit pack min 6 max 24 reorder 18 vendor \"Medline\" lead 3",
                      "stock receive CHG2 at ICU 4 lot \"C0457\" expires \(d.adding(days: -1))",
                      "stock receive CHG2 at ICU 12 lot \"C0512\" expires \(d.adding(days: 200))",
                      "stock add GLOVE-M at CSR name \"Nitrile gloves, medium\" unit box min 40 max 160 reorder 120 vendor \"Cardinal Health\" lead 5",
                      "stock count GLOVE-M at CSR 96",
                      "equip add VENT-01 kind ventilator name \"Hamilton C6\" at ICU maintenance \(d.adding(days: 120)) vendor \"Hamilton Medical\"",
                      "equip add VENT-02 kind ventilator name \"Hamilton C6\" at ICU maintenance \(d.adding(days: 3)) vendor \"Hamilton Medical\"",
                      "equip add VENT-03 kind ventilator name \"Hamilton C6\" at ICU maintenance \(d.adding(days: 90)) vendor \"Hamilton Medical\"",
                      "equip fault VENT-03 reason \"Flow sensor fault: biomed ticket 5120\"",
                      "equip add PUMP-01 kind pump name \"Alaris 8015\" at 5T maintenance \(d.adding(days: 60))",
                      "equip add PUMP-02 kind pump name \"Alaris 8015\" at 5T maintenance \(d.adding(days: 75))",
                      "equip add PUMP-03 kind pump name \"Alaris 8015\" at 5T maintenance \(d.adding(days: 160))",
                      "equip add PUMP-04 kind pump name \"Alaris 8015\" at 5T maintenance \(d.adding(days: -1))",
                      "equip add MON-01 kind monitor name \"Transport monitor\" at ICU maintenance \(d.adding(days: 45))",
                      "equip add MATT-01 kind mattress name \"Pressure-relief air mattress\" at 5T maintenance \(d.adding(days: 150))"] {
                line(l)
            }
            let icu = e.state.beds(in: "ICU").filter { $0.status == .occupied }.compactMap(\.patient).filter { !sim.leaveAlone.contains($0) }
            // On 5T when it has two such patients (the demo's size decides), elsewhere otherwise.
            let free: (Bed) -> Bool = { $0.status == .occupied && $0.patient.map { !sim.leaveAlone.contains($0) && !icu.prefix(1).contains($0) } ?? false }
            var tele = e.state.beds(in: "5T").filter(free)
            if tele.count < 2 { tele = e.state.unitOrder.filter { $0 != "ICU" }.flatMap { e.state.beds(in: $0) }.filter(free) }
            if let vent = icu.first {
                sim.leaveAlone.insert(vent)
                line("equip assign VENT-01 to \(vent)")
            }
            if tele.count >= 2, let pumped = tele[0].patient {
                sim.leaveAlone.insert(pumped)
                line("equip assign PUMP-01 to \(pumped)")
                line("equip assign PUMP-02 to \(pumped)")
                line("equip return PUMP-02 note \"No longer needed\"")
                line("equip assign MATT-01 to \(tele[1].id)")
            }
            if let hip {
                line("equip need \(hip) monitor")
                line("equip assign MON-01 to \(hip)")
            }
        case .work:
            // Back through the ED, eight hours after going home: a readmission.
            if let mrn = readmitted, e.state.stay(of: mrn) == nil { line("admit \(mrn) from ed") }
            // The neurology report arrived in the night: that loop is closed.
            if let id = neurology, e.state.referrals[id]?.isOpen == true {
                run(.updateReferral(id, .reported, appointment: nil, note: "EEG normal; no antiepileptic; outpatient follow-up not needed", override: nil))
            }
            // Complaints: a daughter upset by her mother's wait in the ED for a bed (a step
            // already taken), and a written grievance about discharge information.
            let waiting = e.state.activeStay.values.compactMap { e.state.stays[$0] }.filter { $0.phase == .waiting }.sorted { $0.id < $1.id }
            if let st = waiting.first {
                var q = ComplaintRequest(summary: "Her mother has waited on a trolley in the ED since last night with no word on a bed")
                q.source = .family; q.channel = .verbal; q.category = .waiting; q.patient = st.mrn; q.complainant = "Daughter (next of kin)"
                q.about = [st.id.description]
                let id = ComplaintID(e.state.complaints.next)
                run(.recordComplaint(q))
                run(.updateComplaint(id, .noted, note: "Apologised; explained the ICU bed forecast; will call her when a bed is assigned", next: nil, closing: nil))
            }
            if inBed.count > 12 {
                var q = ComplaintRequest(summary: "Letter: was told three different discharge dates by three staff members")
                q.source = .patient; q.channel = .written; q.category = .communication; q.patient = inBed[12]; q.owner = .role(.supervisor)
                run(.recordComplaint(q))
            }
            // The add-on case to try: after the simulated night, so nothing closes its task.
            if let addOn = addOnPatient {
                run(.addTask(title: "Add-on: urgent laparotomy for \(addOn), 2 h, in OR-1 within 4 h (proc add-on)", patient: addOn,
                             priority: .urgent, due: start + .minutes(30), owner: .role(.coordinator),
                             note: "Surgeon's call after the ward round: the surgeon is on OR-1's list today. Plan it: proc add-on \(addOn) surgery on OR-1 urgency urgent for 2h by +4h title \"Laparotomy\""))
            }
            guard inBed.count > 5 else { return }
            run(.addTask(title: "Confirm transport home for \(wallClock.hhmm(start + .hours(4))) discharge", patient: inBed[1], priority: .urgent, due: start + .hours(1), owner: .role(.coordinator), note: nil))
            run(.addTask(title: "Chase insurance pre-authorisation for MRI", patient: inBed[4], priority: .routine, due: start + .hours(4), owner: .person("tnguyen"), note: nil))
            run(.addTask(title: "Call family: interpreter booked for \(wallClock.hhmm(start + .hours(7))) meeting", patient: inBed[2], priority: .routine, due: start + .hours(6), owner: .role(.coordinator), note: nil))
            run(.addTask(title: "Return call to GP practice about medication list", patient: inBed[3], priority: .urgent, due: start - .minutes(5), owner: .role(.coordinator), note: "Asked twice overnight"))
            run(.sendMessage(to: .role(.coordinator), patient: nil, subject: "ED boarding 6 — need 2 telemetry beds by \(wallClock.hhmm(start + .hours(2)))", body: "ED charge nurse", urgent: true))
            run(.sendMessage(to: .role(.coordinator), patient: inBed[1], subject: "Family asking when discharge is", body: "", urgent: false))
            run(.sendMessage(to: .person("tnguyen"), patient: nil, subject: "Handover: two PACU patients expected before \(wallClock.hhmm(start + .hours(5)))", body: "", urgent: false))
        case .assess:
            // The night coordinator's I-PASS notes: a realistic mix of severities, summaries,
            // contingencies and things to be aware of.
            for (i, mrn) in occupied(e).enumerated() {
                var input = IPassInput()
                let roll = sim.rng.int(0...99)
                let severity: Severity = mrn == critical ? .unstable : mrn == surgical ? .watcher : roll < 5 ? .unstable : roll < 20 ? .watcher : .stable
                input.severity = severity
                switch severity {
                case .unstable:
                    let (summary, ifThen) = mrn == critical
                        ? ("K 6.6 this morning; on a cardiac monitor, repeat ECG due", "If ECG changes or K > 7, then call the physician at once and start the hyperkalaemia protocol")
                        : sim.rng.pick(Self.unstable)
                    input.summary = summary
                    input.contingency = ifThen
                case .watcher:
                    let (summary, ifThen) = mrn == surgical
                        ? ("Hip replacement \(wallClock.hhmm(start + .hours(3) + .minutes(30))) — type & screen still not collected",
                           "If not collected by \(wallClock.hhmm(start + .hours(1) + .minutes(30))), then call the phlebotomy lead and tell OR-2")
                        : sim.rng.pick(Self.watcher)
                    input.summary = summary
                    if i % 2 == 0 || mrn == surgical { input.contingency = ifThen }
                case .stable:
                    input.summary = sim.rng.pick(Self.stable)
                }
                if roll % 7 == 3 { input.awareness = sim.rng.pick(Self.awareness) }
                run(.ipass(mrn: mrn, input))
            }
        case .handover:
            // The night coordinator hands over to whoever runs the demo, who has started on the
            // stable patients; the unstable ones, the critical result and the not-ready
            // surgery are still to do, so the handover cannot be completed yet.
            guard IdentifierSyntax.isValidLogin(Substring(creator)), e.state.staff[creator] != nil else { return }
            run(.startHandover(to: creator))
            let stable = e.state.handoverItems(at: start, wallClock: wallClock).filter { $0.kind == .patient(.stable) }.prefix(6)
            let giver = e.actor
            e.actor = creator
            for item in stable { run(.acknowledgeHandover(item: item.key, note: nil)) }
            run(.pauseHandover)
            e.actor = giver
        }
    }

    static let unstable: [(String, String)] = [
        ("Septic shock, on noradrenaline", "If MAP < 65, then call the ICU fellow and increase noradrenaline per protocol"),
        ("GI bleed, Hb falling, 2 units given", "If Hb < 7, then transfuse 1 unit and call the surgical registrar"),
        ("New AF with RVR, rate 140s", "If rate > 150 or BP drops, then call the rapid response team"),
        ("Resp failure, on BiPAP FiO2 0.6", "If SpO2 < 90% on BiPAP, then call anaesthesia for intubation"),
        ("DKA, on insulin infusion", "If K < 3.3, then stop the insulin and call the physician"),
    ]
    static let watcher: [(String, String)] = [
        ("Pneumonia day 2, still febrile", "If temp > 38.5, then blood cultures and call the physician"),
        ("Post-op day 1, drain output high", "If drain > 200 mL/h, then call the surgical team"),
        ("Confused overnight, 1:1 sitter", "If agitation increases, then call the physician before any sedation"),
        ("New O2 requirement, 2 L", "If O2 need rises above 4 L, then call the rapid response team"),
        ("Chest pain ruled out, awaiting stress test", "If chest pain returns, then ECG and troponin, and call the physician"),
    ]
    static let stable = ["Cellulitis, on oral antibiotics, discharge likely tomorrow", "COPD exacerbation, back to baseline",
                         "Post-op day 3, mobilising well", "Awaiting rehab bed", "Heart failure, diuresing well, weight down 2 kg",
                         "UTI, afebrile 24 h", "Waiting for social work assessment", "Stroke rehab, stable"]
    static let awareness = ["Family meeting this afternoon — interpreter booked", "Allergic to penicillin (rash)", "Daughter is the contact, not the son",
                            "Patient asks for a single room", "Hard of hearing — use the amplifier", "Wants to be told results in person"]
}
