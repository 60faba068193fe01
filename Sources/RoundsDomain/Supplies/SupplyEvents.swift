/// The supplies and equipment events, and how they change the state.

// MARK: - Events

/// An item defined at a location (`isNew`), or its par levels, vendor or lead time changed.
public struct StockItemRecorded: Equatable, Sendable, Encodable {
    public var item: String; public var location: String; public var name: String; public var unit: String
    public var min: Int; public var max: Int; public var reorder: Int; public var vendor: String?; public var leadDays: Int; public var isNew: Bool
    public init(item: String, location: String, name: String, unit: String, min: Int, max: Int, reorder: Int, vendor: String?, leadDays: Int, isNew: Bool) {
        self.item = item; self.location = location; self.name = name; self.unit = unit; self.min = min; self.max = max; self.reorder = reorder
        self.vendor = vendor; self.leadDays = leadDays; self.isNew = isNew
    }
}

/// A count, receipt, use, discard or order of an item; `lot` (with `expires` on receipt) when
/// it concerns one lot, `patient` for a use charged to a patient, `note` a discard's reason.
public struct StockChanged: Equatable, Sendable, Encodable {
    public var item: String; public var location: String; public var step: StockStep; public var quantity: Int
    public var lot: String?; public var expires: LocalDate?; public var patient: MRN?; public var note: String?
    public init(item: String, location: String, step: StockStep, quantity: Int, lot: String? = nil, expires: LocalDate? = nil,
                patient: MRN? = nil, note: String? = nil) {
        self.item = item; self.location = location; self.step = step; self.quantity = quantity; self.lot = lot; self.expires = expires
        self.patient = patient; self.note = note
    }
}

/// A supplies task raised by the rules: `key` is `ITEM@LOCATION` for `reorder` and `lot:LOT`,
/// an asset tag for `maintenance` and `collect`.
public struct SupplyTaskRaised: Equatable, Sendable, Encodable {
    public var key: String; public var purpose: String; public var task: TaskID
    public init(key: String, purpose: String, task: TaskID) { self.key = key; self.purpose = purpose; self.task = task }
}

public struct EquipmentRecorded: Equatable, Sendable, Encodable {
    public var tag: String; public var kind: EquipmentKind; public var name: String; public var location: String; public var vendor: String?
    public var maintenanceDate: LocalDate; public var maintenanceEnds: Timestamp
    public init(tag: String, kind: EquipmentKind, name: String, location: String, vendor: String?, maintenanceDate: LocalDate, maintenanceEnds: Timestamp) {
        self.tag = tag; self.kind = kind; self.name = name; self.location = location; self.vendor = vendor
        self.maintenanceDate = maintenanceDate; self.maintenanceEnds = maintenanceEnds
    }
}

/// A step of a device: `holder` for `assigned`, the next maintenance date for `maintained`,
/// `note` the reason or what was said.
public struct EquipmentChanged: Equatable, Sendable, Encodable {
    public var tag: String; public var step: EquipmentStep; public var holder: EquipmentHolder?
    public var maintenanceDate: LocalDate?; public var maintenanceEnds: Timestamp?; public var note: String?
    public init(tag: String, step: EquipmentStep, holder: EquipmentHolder? = nil, maintenanceDate: LocalDate? = nil, maintenanceEnds: Timestamp? = nil,
                note: String? = nil) {
        self.tag = tag; self.step = step; self.holder = holder; self.maintenanceDate = maintenanceDate; self.maintenanceEnds = maintenanceEnds; self.note = note
    }
}

/// A procedure needs (or no longer needs) a kind of equipment.
public struct EquipmentNeeded: Equatable, Sendable, Encodable {
    public var procedure: ProcedureID; public var kind: EquipmentKind; public var needed: Bool
    public init(procedure: ProcedureID, kind: EquipmentKind, needed: Bool) { self.procedure = procedure; self.kind = kind; self.needed = needed }
}

// MARK: - Applying

extension HospitalState {
    mutating func applySupplies(_ r: Recorded) {
        switch r.event {
        case .stockItemRecorded(let e):
            let key = SupplyState.key(e.item, e.location)
            if var i = supplies.items[key] {
                i.min = e.min; i.max = e.max; i.reorder = e.reorder; i.vendor = e.vendor; i.leadDays = e.leadDays
                if !i.isBelowMin { i.reorderTask = nil }
                supplies.items[key] = i
            } else {
                supplies.items[key] = StockItem(item: e.item, location: e.location, name: e.name, unit: e.unit, min: e.min, max: e.max, reorder: e.reorder,
                                                vendor: e.vendor, leadDays: e.leadDays, onHand: 0, lots: [], lotTasks: [:])
            }
            supplies.refresh(item: key)
        case .stockChanged(let e):
            let key = SupplyState.key(e.item, e.location)
            guard supplies.items[key] != nil else { anomalies += 1; return }
            let lotsBefore = supplies.items[key]!.lots.count
            supplies.items[key]!.record(e, at: r.time)
            supplies.refresh(item: key)
            if e.step == .received && e.lot != nil || supplies.items[key]!.lots.count != lotsBefore { supplies.refreshWatch() }
        case .supplyTaskRaised(let e):
            switch e.purpose {
            case "reorder":
                guard supplies.items[e.key] != nil else { anomalies += 1; return }
                supplies.items[e.key]!.reorderTask = e.task
                supplies.refresh(item: e.key)
            case "maintenance":
                guard let a = supplies.assets[e.key] else { anomalies += 1; return }
                supplies.assets[e.key]!.maintenanceTask = e.task
                supplies.assets[e.key]!.maintenanceFor = a.maintenanceDate
                supplies.refreshWatch()
            case "collect":
                guard supplies.assets[e.key] != nil else { anomalies += 1; return }
                supplies.assets[e.key]!.collectTask = e.task
                supplies.toCollect.remove(e.key)
            default:
                guard e.purpose.hasPrefix("lot:"), supplies.items[e.key] != nil else { anomalies += 1; return }
                supplies.items[e.key]!.lotTasks[String(e.purpose.dropFirst(4))] = e.task
                supplies.refreshWatch()
            }
        case .equipmentRecorded(let e):
            supplies.assets[e.tag] = Equipment(tag: e.tag, kind: e.kind, name: e.name, location: e.location, vendor: e.vendor, status: .inService,
                                               since: r.time, maintenanceDate: e.maintenanceDate, maintenanceEnds: e.maintenanceEnds)
            supplies.refreshWatch()
        case .equipmentChanged(let e):
            guard var a = supplies.assets[e.tag] else { anomalies += 1; return }
            if let h = a.holder, e.step != .maintained {
                supplies.heldBy[h]?.removeAll { $0 == e.tag }
                if supplies.heldBy[h]?.isEmpty == true { supplies.heldBy[h] = nil }
                a.holder = nil
            }
            if let status = e.step.status { a.status = status; a.since = r.time }
            switch e.step {
            case .assigned:
                a.holder = e.holder
                a.reason = nil
                a.collectTask = nil
                if let h = e.holder { supplies.heldBy[h, default: []].append(e.tag); supplies.heldBy[h]!.sort() }
            case .fault, .removed: a.reason = e.note
            case .repaired, .cleaned, .returned, .released: a.reason = nil
            case .maintained:
                if let d = e.maintenanceDate, let ends = e.maintenanceEnds { a.maintenanceDate = d; a.maintenanceEnds = ends }
            }
            if a.holder == nil { supplies.toCollect.remove(e.tag); supplies.toRelease.remove(e.tag) }
            supplies.assets[e.tag] = a
            if e.step == .maintained { supplies.refreshWatch() }
        case .equipmentNeeded(let e):
            var kinds = supplies.needs[e.procedure] ?? []
            kinds.removeAll { $0 == e.kind }
            if e.needed { kinds.append(e.kind); kinds.sort { $0.code < $1.code } }
            supplies.needs[e.procedure] = kinds.isEmpty ? nil : kinds
        default:
            break
        }
    }

    /// After a discharge or a case's end: devices still with a patient who has left are to be
    /// collected; a reservation for a case that is over is to be released (by the rules).
    mutating func noteEquipmentHolders(_ r: Recorded) {
        guard !supplies.heldBy.isEmpty else { return }
        switch r.event {
        case .patientDischarged(let e):
            for tag in supplies.heldBy[.patient(e.mrn)] ?? [] { supplies.toCollect.insert(tag) }
        case .procedureStatusChanged(let e):
            if e.status.isClosed { for tag in supplies.heldBy[.procedure(e.id)] ?? [] { supplies.toRelease.insert(tag) } }
        default:
            break
        }
    }
}
