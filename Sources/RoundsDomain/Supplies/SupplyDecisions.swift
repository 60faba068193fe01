/// Deciding the supplies and equipment commands, and their time rules.

extension Decision {
    func stockItem(_ item: String, _ location: String) throws(Refusal) -> StockItem {
        if let i = s.supplies.item(item, at: location) { return i }
        let elsewhere = s.supplies.items.values.filter { $0.item == item }.map(\.location).sorted()
        if !elsewhere.isEmpty { throw Refusal("\(item) is not kept at \(location)", hint: "it is kept at \(elsewhere.joined(separator: ", ")); or add it: stock add \(item) at \(location) …") }
        throw Refusal("no stock item \(item) at \(location)", hint: "add it first: stock add \(item) at \(location) name \"…\" unit box min N max N")
    }

    func asset(_ tag: String) throws(Refusal) -> Equipment {
        if let a = s.supplies[tag] { return a }
        throw Refusal("no equipment \(tag)", hint: s.supplies.assets.isEmpty ? "add it first: equip add TAG kind KIND name \"…\" at LOCATION maintenance DATE"
                                                                             : "asset tags are like \(s.supplies.assets.keys.sorted().prefix(4).joined(separator: ", "))")
    }

    /// Devices of a kind free to assign now, for a hint.
    func available(_ kind: EquipmentKind, besides tag: String) -> String {
        let free = s.supplies.assets.values.filter { $0.kind == kind && $0.tag != tag && $0.isAvailable(at: now) }.map(\.tag).sorted()
        return free.isEmpty ? "no other \(kind.label) is free now" : "free now: \(free.prefix(6).joined(separator: ", "))"
    }

    /// Closes the open tasks of an item's lots that `after` no longer has.
    mutating func closeLotTasks(_ before: StockItem, _ after: StockItem, _ why: String) {
        for (lot, task) in before.lotTasks.sorted(by: { $0.key < $1.key }) where !after.lots.contains(where: { $0.lot == lot }) {
            if let t = s.tasks[task], !t.status.isClosed { emit(.taskStatusChanged(TaskStatusChanged(id: task, status: .done, note: "Lot \(lot) \(why)"))) }
        }
    }

    mutating func closeTask(_ id: TaskID?, _ note: String) {
        if let id, let t = s.tasks[id], !t.status.isClosed { emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .done, note: note))) }
    }

    mutating func runSupplies(_ command: Command) throws(Refusal) {
        guard case .supplies(let c) = command else { return }
        let today = wall.localDate(now)
        switch c {
        case let .define(item, location, name, unit, min, max, reorder, vendor, lead, isNew):
            let old = s.supplies.item(item, at: location)
            if isNew, let old { throw Refusal("\(old.label) exists already", hint: "change its levels: stock par \(item) at \(location) min N max N") }
            if !isNew, old == nil { _ = try stockItem(item, location) }
            if let name { try checkText(name, "the item's name", max: 80) }
            if let unit { try checkText(unit, "the unit", max: 20) }
            if let vendor { try checkText(vendor, "the vendor", max: 80) }
            let lo = min ?? old?.min ?? 0, hi = max ?? old?.max ?? 1
            guard lo < hi else { throw Refusal("min \(lo) is not below max \(hi)", hint: "min is the level that triggers a reorder, max the par level to fill up to: e.g. min 20 max 60") }
            let qty = reorder ?? old?.reorder ?? (hi - lo)
            emit(.stockItemRecorded(StockItemRecorded(item: item, location: location, name: name ?? old?.name ?? item, unit: unit ?? old?.unit ?? "each",
                                                      min: lo, max: hi, reorder: qty, vendor: vendor ?? old?.vendor, leadDays: lead ?? old?.leadDays ?? 2, isNew: isNew)))

        case let .stock(item, location, step, quantity, lot, expires, patient, note):
            let i = try stockItem(item, location)
            if let lot { try checkText(lot, "the lot number", max: 30) }
            if let note { try checkText(note, step == .discarded ? "the reason" : "the note", max: 200) }
            if let patient { _ = try self.patient(patient) }
            let lotHere = lot.flatMap { l in i.lots.first { $0.lot == l } }
            var events: [StockChanged] = []
            switch step {
            case .counted:
                if let lot, lotHere == nil { throw Refusal("\(i.label) has no lot \(lot) on hand", hint: i.lots.isEmpty ? "it has no lots on hand" : "its lots: \(i.lots.map(\.lot).joined(separator: ", "))") }
                events.append(StockChanged(item: item, location: location, step: .counted, quantity: quantity ?? 0, lot: lot))
            case .received:
                if let lot, let expires {
                    guard expires >= today else { throw Refusal("lot \(lot) expired on \(expires): it is not put on the shelf", hint: "send it back to \(i.vendor ?? "the vendor")") }
                    if let here = lotHere, here.expires != expires {
                        throw Refusal("lot \(lot) is on hand already with expiry \(here.expires), not \(expires)", hint: "check the label; one lot has one expiry date")
                    }
                }
                events.append(StockChanged(item: item, location: location, step: .received, quantity: quantity ?? 0, lot: lot, expires: expires))
            case .used:
                let n = quantity ?? 0
                let usable = i.usable(on: today), expired = i.expired(on: today)
                guard n <= usable else {
                    throw Refusal("only \(i.amount(usable)) of \(i.label) can be used" + (expired > 0 ? "; \(i.amount(expired)) more are in lots that have expired" : ""),
                                  hint: expired > 0 ? "discard the expired lots (stock discard \(item) at \(location) N lot \"…\" reason \"expired\"), and count the shelf if it holds more"
                                                    : "count the shelf if it holds more: stock count \(item) at \(location) N")
                }
                // First expiry first, never an expired lot; then what is not in a lot.
                var left = n
                for l in i.lots where l.expires >= today && left > 0 {
                    let take = Swift.min(left, l.quantity)
                    events.append(StockChanged(item: item, location: location, step: .used, quantity: take, lot: l.lot, patient: patient))
                    left -= take
                }
                if left > 0 { events.append(StockChanged(item: item, location: location, step: .used, quantity: left, patient: patient)) }
            case .discarded:
                let n = quantity ?? 0
                if let lot {
                    guard let here = lotHere else { throw Refusal("\(i.label) has no lot \(lot) on hand", hint: i.lots.isEmpty ? "it has no lots on hand" : "its lots: \(i.lots.map(\.lot).joined(separator: ", "))") }
                    guard n <= here.quantity else { throw Refusal("lot \(lot) has \(i.amount(here.quantity)) on hand, fewer than \(n)") }
                } else {
                    guard n <= i.unlotted else {
                        throw Refusal("\(i.amount(i.unlotted)) of \(i.label) are not in a lot, fewer than \(n)", hint: i.lots.isEmpty ? "count the shelf: stock count \(item) at \(location) N" : "name the lot: lot \"…\" (lots: \(i.lots.map(\.lot).joined(separator: ", ")))")
                    }
                }
                events.append(StockChanged(item: item, location: location, step: .discarded, quantity: n, lot: lot, note: note))
            case .ordered:
                if let o = i.order, o.expected > now {
                    throw Refusal("\(i.amount(o.quantity)) of \(i.label) were ordered \(wall.dateTime(o.at)), expected \(wall.dateTime(o.expected))",
                                  hint: "record the delivery when it comes: stock receive \(item) at \(location) N; a new order can be recorded once the expected time has passed")
                }
                events.append(StockChanged(item: item, location: location, step: .ordered, quantity: quantity ?? i.reorder, note: note))
            }
            var after = i
            for e in events { after.record(e, at: now); emit(.stockChanged(e)) }
            closeLotTasks(i, after, step == .discarded ? "discarded" : step == .used ? "used up" : "no longer on hand")
            if step == .ordered {
                let o = after.order!
                closeTask(i.reorderTask, "Ordered \(i.amount(o.quantity)), expected \(wall.dateTime(o.expected))")
            } else if !after.isBelowMin {
                closeTask(i.reorderTask, "\(after.amount(after.onHand)) on hand, at or above min \(i.min)")
            }

        case let .addEquipment(tag, kind, name, location, maintenance, vendor):
            if let a = s.supplies[tag] { throw Refusal("equipment \(tag) exists already (\(a.kind.label), \(a.stateWords))") }
            try checkText(name, "the device's name", max: 80)
            if let vendor { try checkText(vendor, "the vendor", max: 80) }
            guard maintenance.daysSinceEpoch - today.daysSinceEpoch <= 3 * 366 else { throw Refusal("the maintenance date \(maintenance) is more than 3 years away") }
            emit(.equipmentRecorded(EquipmentRecorded(tag: tag, kind: kind, name: name, location: location, vendor: vendor, maintenanceDate: maintenance,
                                                      maintenanceEnds: wall.instant(on: maintenance.adding(days: 1), minuteOfDay: 0))))

        case let .assign(tag, target):
            let a = try asset(tag)
            let holder: EquipmentHolder
            if let p = ProcedureID.parse(Substring(target)), s.patients[target] == nil {
                let pr = try procedure(p)
                guard pr.status == .scheduled || pr.status == .inprogress else { throw Refusal("\(p) is \(pr.status.rawValue): nothing is reserved for it") }
                holder = .procedure(p)
                if a.maintenanceEnds <= pr.start, a.status == .inService, !a.maintenanceOverdue(at: now) {
                    throw Refusal("\(a.label) is due for maintenance \(a.maintenanceDate), before \(p) starts \(wall.dateTime(pr.start))",
                                  hint: "maintain it first (equip maintained \(tag) next DATE) or reserve another; \(available(a.kind, besides: tag))")
                }
            } else if s.beds[target] != nil {
                holder = .bed(target)
            } else if s.patients[target] != nil {
                _ = try activeStay(target)
                holder = .patient(target)
            } else {
                throw Refusal("'\(target)' is not a patient, a procedure or a bed", hint: "give an admitted patient's MRN, a procedure number (P12) or a bed (4W-12)")
            }
            if a.maintenanceOverdue(at: now) {
                throw Refusal("\(a.label)'s maintenance was due \(a.maintenanceDate): it cannot be used or reserved until it is maintained",
                              hint: "record the maintenance (equip maintained \(tag) next DATE) or take another; \(available(a.kind, besides: tag))")
            }
            guard a.status == .inService else {
                throw Refusal("\(a.label) is \(a.stateWords), not in service", hint: a.status == .cleaning ? "clean it first (equip clean \(tag)); \(available(a.kind, besides: tag))" : available(a.kind, besides: tag))
            }
            emit(.equipmentChanged(EquipmentChanged(tag: tag, step: .assigned, holder: holder)))

        case let .equipment(tag, step, note, next):
            let a = try asset(tag)
            if let note { try checkText(note, step == .fault || step == .removed ? "the reason" : "the note", max: 200) }
            switch step {
            case .returned:
                guard a.status == .inUse else { throw Refusal("\(a.label) is \(a.stateWords), not in use") }
                closeTask(a.collectTask, "Returned")
            case .cleaned:
                guard a.status == .cleaning else { throw Refusal("\(a.label) is \(a.stateWords); only a returned device is cleaned", hint: a.status == .inUse ? "return it first: equip return \(tag)" : "") }
            case .fault:
                guard a.status != .awaitingRepair else { throw Refusal("\(a.label) is awaiting repair already") }
                closeTask(a.collectTask, "Reported faulty")
            case .removed:
                guard a.status != .inUse else { throw Refusal("\(a.label) is \(a.stateWords)", hint: "return it first (equip return \(tag)), or report a fault (equip fault \(tag) reason \"…\")") }
                guard a.status != .outOfService else { throw Refusal("\(a.label) is out of service already") }
            case .repaired:
                guard a.status == .awaitingRepair || a.status == .outOfService else { throw Refusal("\(a.label) is \(a.stateWords); only a device awaiting repair or out of service is repaired") }
            case .maintained:
                guard let next, next > today else { throw Refusal("the next maintenance date must be after today (\(today))", hint: "e.g. next \(today.adding(days: 180))") }
                guard next.daysSinceEpoch - today.daysSinceEpoch <= 3 * 366 else { throw Refusal("the next maintenance date \(next) is more than 3 years away") }
                emit(.equipmentChanged(EquipmentChanged(tag: tag, step: .maintained, maintenanceDate: next,
                                                        maintenanceEnds: wall.instant(on: next.adding(days: 1), minuteOfDay: 0), note: note)))
                closeTask(a.maintenanceTask, "Maintained; next due \(next)")
                return
            case .assigned, .released:
                throw Refusal("use equip assign TAG to …")
            }
            emit(.equipmentChanged(EquipmentChanged(tag: tag, step: step, note: note)))

        case let .need(p, kind, needed):
            let pr = try procedure(p)
            let has = s.supplies.needs[p]?.contains(kind) ?? false
            guard pr.status == .scheduled else { throw Refusal("\(p) is \(pr.status.rawValue); equipment is asked for a case still to happen") }
            guard has != needed else { throw Refusal(needed ? "\(p) needs a \(kind.label) already" : "\(p) does not need a \(kind.label)") }
            emit(.equipmentNeeded(EquipmentNeeded(procedure: p, kind: kind, needed: needed)))
        }
    }
}

extension HospitalState {
    /// The equipment requirement of a procedure for one kind: met when a device of that kind is
    /// reserved for it and its maintenance is still in date when the procedure starts.
    func equipmentRequirement(_ p: Procedure, _ kind: EquipmentKind, details: Bool) -> Requirement {
        let mine = supplies.held(by: .procedure(p.id)).filter { $0.kind == kind }
        let good = mine.first { $0.maintenanceEnds > p.start }
        var detail = ""
        if details {
            if let good { detail = "\(kind.label) \(good.tag) reserved" }
            else if let bad = mine.first { detail = "\(kind.label) \(bad.tag) reserved, but its maintenance is due \(bad.maintenanceDate), before the procedure" }
            else { detail = "no \(kind.label) reserved (equip assign TAG to \(p.id))" }
        }
        return Requirement(key: "equipment:\(kind.rawValue)", met: good != nil, detail: detail, lead: policy.procedureLead)
    }
}

extension Rules {
    /// Reorders, lots expiring, maintenance coming due, devices to collect from patients who
    /// have left, reservations of cases that are over. Each raises once; in key order.
    static func suppliesDue(in s: HospitalState, at now: Timestamp, wallClock: WallClock, nextTask: inout Int) -> [Event] {
        let sup = s.supplies
        guard !sup.belowMin.isEmpty || !sup.toCollect.isEmpty || !sup.toRelease.isEmpty || sup.watchFrom != nil else { return [] }
        var events: [Event] = []
        func raise(_ key: String, _ purpose: String, _ title: String, priority: Priority, due: Timestamp, patient: MRN? = nil) {
            let task = TaskID(nextTask)
            nextTask += 1
            events.append(.supplyTaskRaised(SupplyTaskRaised(key: key, purpose: purpose, task: task)))
            events.append(.taskCreated(TaskCreated(id: task, title: title, kind: .supplies, priority: priority, due: due, owner: .role(.coordinator),
                                                   patient: patient, link: .none, note: nil)))
        }
        for key in sup.belowMin.sorted() {
            guard let i = sup.items[key], i.needsReorder, i.reorderTask == nil else { continue }
            let onOrder = i.order.map { "; \(i.amount($0.quantity)) on order, expected \(wallClock.dateTime($0.expected))" } ?? ""
            raise(key, "reorder", "Reorder \(i.amount(i.reorder)) of \(i.label)" + (i.vendor.map { " from \($0)" } ?? "")
                  + ": \(i.amount(i.onHand)) on hand, below min \(i.min) (max \(i.max); lead \(i.leadDays) d)" + onOrder,
                  priority: i.onHand == 0 ? .urgent : .routine, due: now + (i.onHand == 0 ? .hours(2) : .hours(8)))
        }
        let today = wallClock.localDate(now)
        if let from = sup.watchFrom, today >= from {
            for key in sup.items.keys.sorted() {
                guard let i = sup.items[key] else { continue }
                for lot in i.lots where i.lotTasks[lot.lot] == nil && today >= lot.expires.adding(days: -lotExpiryWindow) {
                    let gone = lot.expires < today
                    raise(key, "lot:" + lot.lot, gone ? "Discard lot \(lot.lot) of \(i.label): \(i.amount(lot.quantity)) expired \(lot.expires)"
                                                      : "Use first or replace lot \(lot.lot) of \(i.label): \(i.amount(lot.quantity)) expire \(lot.expires)",
                          priority: gone ? .urgent : .routine,
                          due: gone ? now + .hours(2) : max(now + .hours(8), wallClock.instant(on: lot.expires, minuteOfDay: 12 * 60)))
                }
            }
            for tag in sup.assets.keys.sorted() {
                guard let a = sup.assets[tag], a.maintenanceFor != a.maintenanceDate, today >= a.maintenanceDate.adding(days: -maintenanceLead) else { continue }
                let overdue = a.maintenanceOverdue(at: now)
                raise(tag, "maintenance", "Planned maintenance of \(a.label) \(a.name)" + (a.vendor.map { " (\($0))" } ?? "")
                      + (overdue ? ": OVERDUE since \(a.maintenanceDate); it cannot be assigned until maintained" : ": due \(a.maintenanceDate)")
                      + (a.status == .inUse ? "; now \(a.stateWords)" : ""),
                      priority: overdue ? .urgent : .routine, due: overdue ? now + .hours(4) : max(now + .hours(8), a.maintenanceEnds - .minutes(1)))
            }
        }
        for tag in sup.toCollect.sorted() {
            guard let a = sup.assets[tag], case .patient(let mrn)? = a.holder, a.collectTask == nil, s.stay(of: mrn) == nil else { continue }
            raise(tag, "collect", "Collect \(a.label) from \(mrn), who has left; return it to \(a.location) for cleaning (equip return \(tag))",
                  priority: .routine, due: now + .hours(4), patient: mrn)
        }
        for tag in sup.toRelease.sorted() {
            guard let a = sup.assets[tag], case .procedure(let p)? = a.holder else { continue }
            let done = s.procedures[p]?.status == .done
            events.append(.equipmentChanged(EquipmentChanged(tag: tag, step: done ? .returned : .released,
                                                             note: done ? "\(p) done: to cleaning" : "\(p) \(s.procedures[p]?.status.rawValue ?? "closed"): reservation released")))
        }
        return events
    }
}
