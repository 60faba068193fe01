import RoundsDomain

/// The rest of the coordinator's day at a hospital's scale, for benchmark journals
/// (`Simulator.otherWork`): referrals sent and answered, complaints logged and closed, follow-up
/// calls and visits, a registry study with patients enrolled and their visits, stock used,
/// ordered and received at every unit, devices assigned, returned, cleaned, maintained and
/// repaired. Each is a command line of the command language, decided like a person's.
extension Simulator {
    mutating func otherWork(_ s: HospitalState, _ now: Timestamp) -> Command? {
        let context = ParseContext(now: now, wallClock: wallClock)
        func command(_ line: String) -> Command? { try? CommandParser.parse(line, context: context) }
        let today = wallClock.localDate(now)
        func patient() -> MRN? {
            guard let mrn = randomBed(s, where: { $0.status == .occupied })?.patient, !leaveAlone.contains(mrn) else { return nil }
            return mrn
        }
        switch rng.int(0...9) {
        case 0, 1:
            let open = s.referrals.openIDs.sorted()
            if open.count < max(5, s.beds.count / 10), rng.chance(0.5), let mrn = patient() {
                let (service, reason) = rng.pick([("Cardiology", "Echo and opinion"), ("Outside MRI", "MRI lumbar spine"), ("Gastroenterology", "Scope"),
                                                 ("Neurology", "Opinion on EEG"), ("Dietetics", "Weight loss")])
                return command("ref add \(mrn) to \"\(service)\" reason \"\(reason)\" urgency \(rng.pick(["stat", "urgent", "routine", "routine"]))")
            }
            guard !open.isEmpty, let r = s.referrals[rng.pick(open)], !leaveAlone.contains(r.mrn) else { return nil }
            switch r.status {
            case .pending: return command("ref receive \(r.id)")
            case .active: return command("ref schedule \(r.id) at tomorrow \(rng.int(8...16)):00")
            default: return r.appointment.map { $0 <= now } ?? true ? command("ref report \(r.id) \"Seen; report back to the team\"") : nil
            }
        case 2:
            let open = s.complaints.openIDs.sorted()
            if open.count < max(2, s.beds.count / 100), let mrn = patient() {
                return command("complaint add \"\(rng.pick(["Long wait for a bed", "Food was cold", "Not told about the delay"]))\" from family category \(rng.pick(["waiting", "communication", "other"])) patient \(mrn)")
            }
            guard !open.isEmpty, let c = s.complaints[rng.pick(open)], now - c.receivedAt > .days(2) else { return nil }
            return command("complaint close \(c.id) contact \"Patient relations, ext 4410\" steps \"Reviewed the notes and spoke to the staff\" result \"Apologised; process changed\"")
        case 3:
            let open = s.followUps.openIDs.sorted()
            guard !open.isEmpty, let f = s.followUps[rng.pick(open)] else { return nil }
            if f.reachedAt == nil { return command("followup call \(f.id) \(rng.chance(0.8) ? "reached" : "voicemail")") }
            if f.visitAt == nil { return command("followup visit \(f.id) at tomorrow 10:30 with \"Clinic\"") }
            return f.visitAt.map { $0 <= now } ?? false ? command("followup visit \(f.id) attended") : nil
        case 4:
            guard let st = s.research.studies["SIM-1"] else {
                return command("study add SIM-1 name \"Simulated registry\" pi \"Dr Sim\" approved-until \(today.adding(days: 300)) visits \"V1:0, V2:7±2, V3:28±3\"")
            }
            if st.approvedUntil <= today.adding(days: 30) { return command("study renew SIM-1 until \(today.adding(days: 360))") }
            let on = s.research.onStudy.filter { $0.value.contains("SIM-1") }.map(\.key).sorted()
            if on.count < max(3, s.beds.count / 50), rng.chance(0.5), let mrn = patient(), s.research.enrollment("SIM-1", mrn) == nil {
                return command("study enroll \(mrn) SIM-1 anchor \(today)")
            }
            guard !on.isEmpty, let e = s.research.enrollment("SIM-1", rng.pick(on)) else { return nil }
            guard let v = st.plan.first(where: { e.visits[$0.name] == nil }) else { return command("study end \(e.mrn) SIM-1 completed") }
            let w = st.window(v, anchor: e.anchor)
            if today > w.last { return command("study visit \(e.mrn) SIM-1 \(v.name) missed note \"Not reached\"") }
            return today >= w.first ? command("study visit \(e.mrn) SIM-1 \(v.name) done") : nil
        case 5, 6, 7:
            let wanted = s.unitOrder.count * 3
            if s.supplies.items.count < wanted {
                for unit in s.unitOrder {
                    for (item, name, unitWord) in [("SAL10", "Saline flush 10 mL", "box"), ("GAUZE", "Gauze swabs", "pack"), ("IVSET", "IV administration set", "each")]
                    where s.supplies.item(item, at: unit) == nil {
                        return command("stock add \(item) at \(unit) name \"\(name)\" unit \(unitWord) min 20 max 60 reorder 40 vendor \"Medline\" lead 2")
                    }
                }
            }
            let keys = s.supplies.items.keys.sorted()
            guard !keys.isEmpty, let i = s.supplies.items[rng.pick(keys)] else { return nil }
            let at = "\(i.item) at \(i.location)"
            let lot = "L\(rng.int(10_000...99_999)) expires \(today.adding(days: rng.int(20...400)))"
            if i.lastChange == nil { return command("stock receive \(at) \(i.max) lot \"\(lot.split(separator: " ")[0])\" \(lot.split(separator: " ", maxSplits: 1)[1])") }
            if let gone = i.lots.first(where: { $0.expires < today }) { return command("stock discard \(at) \(gone.quantity) lot \"\(gone.lot)\" reason \"expired\"") }
            if let o = i.order {
                return o.expected <= now ? command("stock receive \(at) \(o.quantity) lot \"\(lot.split(separator: " ")[0])\" \(lot.split(separator: " ", maxSplits: 1)[1])") : nil
            }
            if i.isBelowMin { return command("stock order \(at)") }
            if rng.chance(0.05) { return command("stock count \(at) \(i.onHand)") }
            return command("stock use \(at) \(min(rng.int(1...4), max(1, i.usable(on: today))))" + (patient().map { " for \($0)" } ?? ""))
        default:
            let pumps = max(4, s.beds.count / 10), vents = max(2, s.beds.count / 50)
            let count = s.supplies.assets.count
            if count < pumps + vents, let home = s.unitOrder.first {
                let vent = count >= pumps
                let tag = vent ? "VENT-\(count - pumps + 1)" : "PUMP-\(count + 1)"
                return command("equip add \(tag) kind \(vent ? "ventilator" : "pump") name \"\(vent ? "Hamilton C6" : "Alaris 8015")\" at \(home) maintenance \(today.adding(days: rng.int(30...365)))")
            }
            let tags = s.supplies.assets.keys.sorted()
            guard !tags.isEmpty, let a = s.supplies[rng.pick(tags)] else { return nil }
            if a.maintenanceTask.map({ s.tasks[$0].map { !$0.status.isClosed } ?? false }) ?? false || a.maintenanceOverdue(at: now) {
                return command("equip maintained \(a.tag) next \(today.adding(days: 365))")
            }
            switch a.status {
            case .inService:
                if rng.chance(0.01) { return command("equip fault \(a.tag) reason \"Alarm fault\"") }
                return patient().flatMap { command("equip assign \(a.tag) to \($0)") }
            case .inUse:
                if case .patient(let m)? = a.holder, leaveAlone.contains(m) { return nil }
                return rng.chance(0.3) ? command("equip return \(a.tag)") : nil
            case .cleaning: return command("equip clean \(a.tag)")
            case .awaitingRepair, .outOfService: return command("equip repaired \(a.tag)")
            }
        }
    }
}
