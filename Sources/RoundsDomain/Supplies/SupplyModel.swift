/// Supplies and equipment: stock kept at par on each location, lots that expire, and the
/// equipment patients and procedures need, in working order.
///
/// **Stock.** An item (`SAL10`) is kept at a location (a unit such as `4W`, or a store such as
/// `CSR`) with its name, unit of issue, par levels (min and max), the reorder quantity, the
/// vendor and the vendor's lead time in days. What is on hand changes only by what is recorded:
/// a count (sets it), a receipt (adds, with a lot and its expiry date when it has one), a use
/// and a discard (take away). Lots are used first-expiry-first; an expired lot is never used.
///
/// **Equipment** (ventilators, infusion pumps, monitors, special mattresses…) has an asset tag,
/// a kind, a home location, a state and the date its planned maintenance is due:
///
///     in-service ──assign to a patient, procedure or bed──▶ in-use ──return──▶ cleaning ──clean──▶ in-service
///     any (not in use) ── out (reason) ──▶ out-of-service ── repaired ──▶ in-service
///     any ── fault (reason) ──▶ awaiting-repair ── repaired ──▶ in-service
///
/// Maintenance past due (from the day after its date) takes a device out of what can be
/// assigned or reserved until `equip maintained` records the next date. A procedure that needs
/// a kind of equipment (`equip need P12 ventilator`) is not ready until one in date is reserved
/// for it (a readiness requirement, Procedures/Readiness.swift).
///
/// **Time rules** (each raises one task):
/// - an item whose on-hand falls below its min: reorder the reorder quantity from the vendor;
///   it closes when the order is recorded or stock is back at min;
/// - a lot that expires within 30 days (`lotExpiryWindow`): use it first or replace it; it
///   closes when the lot is used up or discarded;
/// - equipment whose maintenance is due within 7 days (`maintenanceLead`);
/// - equipment still with a patient who has left: collect it;
/// - a reservation for a case that is done or cancelled is released (done: to cleaning).

// MARK: - Model

public enum EquipmentKind: String, Vocabulary {
    case ventilator, pump, monitor, mattress, defibrillator, bariatric, other
    public var label: String {
        switch self {
        case .pump: "infusion pump"
        case .mattress: "special mattress"
        case .bariatric: "bariatric bed"
        default: rawValue
        }
    }
}

public enum EquipmentStatus: String, Vocabulary {
    case inService = "in-service", inUse = "in-use", cleaning, outOfService = "out-of-service", awaitingRepair = "awaiting-repair"
}

/// What an `equipmentChanged` event did.
public enum EquipmentStep: String, Vocabulary {
    case assigned, returned, cleaned, fault, removed = "out-of-service", repaired, maintained, released
    /// The state it leaves the device in (nil: unchanged).
    public var status: EquipmentStatus? {
        switch self {
        case .assigned: .inUse
        case .returned: .cleaning
        case .cleaned, .repaired, .released: .inService
        case .fault: .awaitingRepair
        case .removed: .outOfService
        case .maintained: nil
        }
    }
}

/// Who or what a device is with.
public enum EquipmentHolder: Hashable, Sendable, Encodable, CustomStringConvertible {
    case patient(MRN), procedure(ProcedureID), bed(BedID)
    public var description: String {
        switch self {
        case .patient(let m): m
        case .procedure(let p): p.description
        case .bed(let b): "bed \(b)"
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

public enum StockStep: String, Vocabulary { case counted, received, used, discarded, ordered }

public struct StockLot: Equatable, Sendable, Encodable {
    public var lot: String
    /// Usable through this day; expired from the next.
    public var expires: LocalDate
    public var quantity: Int
    public init(lot: String, expires: LocalDate, quantity: Int) { self.lot = lot; self.expires = expires; self.quantity = quantity }
}

public struct StockOrder: Equatable, Sendable, Encodable {
    public var quantity: Int
    public var at: Timestamp
    /// `at` plus the vendor's lead time.
    public var expected: Timestamp
    public init(quantity: Int, at: Timestamp, expected: Timestamp) { self.quantity = quantity; self.at = at; self.expected = expected }
}

public struct StockItem: Equatable, Sendable, Encodable {
    public var item: String
    public var location: String
    public var name: String
    /// The unit of issue: "box", "each", "bag".
    public var unit: String
    public var min: Int
    public var max: Int
    /// How many to order when it falls below min.
    public var reorder: Int
    public var vendor: String?
    public var leadDays: Int
    public var onHand: Int
    /// With quantity left, soonest expiry first.
    public var lots: [StockLot]
    public var order: StockOrder?
    public var countedAt: Timestamp?
    /// The last count, receipt, use or discard. Until the first, nothing is known of the
    /// shelf and no reorder is raised (an item is added, then counted).
    public var lastChange: Timestamp?
    public var reorderTask: TaskID?
    /// Lot number → its expiry task.
    public var lotTasks: [String: TaskID]

    public var key: String { SupplyState.key(item, location) }
    public var isBelowMin: Bool { onHand < min }
    /// Below min on a shelf that has been counted or stocked: what raises a reorder.
    public var needsReorder: Bool { isBelowMin && lastChange != nil }
    /// On hand and not in a lot (received without one, or counted beyond the lots).
    public var unlotted: Int { Swift.max(0, onHand - lots.reduce(0) { $0 + $1.quantity }) }
    public func expired(on today: LocalDate) -> Int { lots.filter { $0.expires < today }.reduce(0) { $0 + $1.quantity } }
    public func usable(on today: LocalDate) -> Int { onHand - expired(on: today) }
    public var label: String { "\(name) (\(item)) at \(location)" }
    public func amount(_ n: Int) -> String { "\(n) \(unit)" }

    /// What one recorded change does to the item (used by `apply`, and by the decider to see
    /// ahead which lots a change empties).
    mutating func record(_ e: StockChanged, at time: Timestamp) {
        switch e.step {
        case .counted:
            if let lot = e.lot, let i = lots.firstIndex(where: { $0.lot == lot }) {
                onHand += e.quantity - lots[i].quantity
                lots[i].quantity = e.quantity
            } else {
                onHand = e.quantity
                // More in lots than counted: the first to expire were used first.
                var excess = lots.reduce(0) { $0 + $1.quantity } - onHand
                for i in lots.indices where excess > 0 {
                    let take = Swift.min(excess, lots[i].quantity)
                    lots[i].quantity -= take
                    excess -= take
                }
            }
            countedAt = time
        case .received:
            onHand += e.quantity
            if let lot = e.lot, let expires = e.expires {
                if let i = lots.firstIndex(where: { $0.lot == lot }) { lots[i].quantity += e.quantity } else {
                    lots.append(StockLot(lot: lot, expires: expires, quantity: e.quantity))
                }
            }
            order = nil
        case .used, .discarded:
            onHand = Swift.max(0, onHand - e.quantity)
            if let lot = e.lot, let i = lots.firstIndex(where: { $0.lot == lot }) { lots[i].quantity = Swift.max(0, lots[i].quantity - e.quantity) }
        case .ordered:
            order = StockOrder(quantity: e.quantity, at: time, expected: time + .days(Int64(leadDays)))
        }
        if e.step != .ordered { lastChange = time }
        lots.removeAll { $0.quantity <= 0 }
        lots.sort { ($0.expires, $0.lot) < ($1.expires, $1.lot) }
        for lot in lotTasks.keys where !lots.contains(where: { $0.lot == lot }) { lotTasks[lot] = nil }
        if !isBelowMin { reorderTask = nil }
    }
}

public struct Equipment: Equatable, Sendable, Encodable {
    public var tag: String
    public var kind: EquipmentKind
    public var name: String
    /// Its home location (where it goes back to).
    public var location: String
    public var vendor: String?
    public var status: EquipmentStatus
    public var holder: EquipmentHolder?
    /// Since when it is in its state.
    public var since: Timestamp
    /// The day planned maintenance is due; overdue from `maintenanceEnds` (the start of the next
    /// local day, worked out when it was recorded).
    public var maintenanceDate: LocalDate
    public var maintenanceEnds: Timestamp
    /// The maintenance task, and the date it was raised for.
    public var maintenanceTask: TaskID?
    public var maintenanceFor: LocalDate?
    /// The task to collect it from a patient who has left.
    public var collectTask: TaskID?
    /// Why it is out of service or awaiting repair.
    public var reason: String?

    public func maintenanceOverdue(at now: Timestamp) -> Bool { now >= maintenanceEnds }
    /// Free to assign or reserve: in service and maintained.
    public func isAvailable(at now: Timestamp) -> Bool { status == .inService && !maintenanceOverdue(at: now) }
    public var label: String { "\(tag) (\(kind.label))" }
    /// The state as people say it: "in use by 100234", "reserved for P12", "awaiting repair: …".
    public var stateWords: String {
        switch status {
        case .inUse:
            if case .procedure(let p)? = holder { return "reserved for \(p)" }
            return "in use" + (holder.map { " by \($0)" } ?? "")
        case .outOfService, .awaitingRepair: return status.rawValue + (reason.map { ": \($0)" } ?? "")
        default: return status.rawValue
        }
    }
}

public struct SupplyState: Equatable, Sendable {
    /// `ITEM@LOCATION` → the item kept there.
    public internal(set) var items: [String: StockItem] = [:]
    /// Asset tag → the device.
    public internal(set) var assets: [String: Equipment] = [:]
    /// The kinds of equipment each procedure needs.
    public internal(set) var needs: [ProcedureID: [EquipmentKind]] = [:]
    /// Devices with a patient who has left, or reserved for a case now closed: the rules' work.
    public internal(set) var toCollect: Set<String> = []
    public internal(set) var toRelease: Set<String> = []
    /// Kept by `apply` (and rebuilt from a snapshot): items below min without a reorder task;
    /// the devices each holder has; the first day a lot or a maintenance date needs a task.
    public internal(set) var belowMin: Set<String> = []
    public internal(set) var heldBy: [EquipmentHolder: [String]] = [:]
    public internal(set) var watchFrom: LocalDate?
    public init() {}

    public static func key(_ item: String, _ location: String) -> String { item + "@" + location }
    public func item(_ item: String, at location: String) -> StockItem? { items[Self.key(item, location)] }
    public subscript(tag: String) -> Equipment? { assets[tag] }
    public func held(by h: EquipmentHolder) -> [Equipment] { (heldBy[h] ?? []).compactMap { assets[$0] } }

    mutating func refresh(item key: String) {
        if let i = items[key], i.needsReorder, i.reorderTask == nil { belowMin.insert(key) } else { belowMin.remove(key) }
    }

    mutating func rebuildIndexes() {
        belowMin = []
        for key in items.keys { refresh(item: key) }
        heldBy = [:]
        for (tag, a) in assets { if let h = a.holder { heldBy[h, default: []].append(tag) } }
        for h in heldBy.keys { heldBy[h]!.sort() }
        refreshWatch()
    }

    /// The first day a lot without a task comes within `lotExpiryWindow` of expiring, or a
    /// device's maintenance within `maintenanceLead`, so the rules look only from then.
    mutating func refreshWatch() {
        var first: LocalDate?
        func consider(_ d: LocalDate) { if first.map({ d < $0 }) ?? true { first = d } }
        for i in items.values { for lot in i.lots where i.lotTasks[lot.lot] == nil { consider(lot.expires.adding(days: -lotExpiryWindow)) } }
        for a in assets.values where a.maintenanceFor != a.maintenanceDate { consider(a.maintenanceDate.adding(days: -maintenanceLead)) }
        watchFrom = first
    }
}

/// A lot expiring within this many days raises its task.
public let lotExpiryWindow = 30
/// Maintenance due within this many days raises its task.
public let maintenanceLead = 7
