/// Tomorrow's beds: discharge barriers recorded on a stay, and the bed forecast per unit and
/// hour for the next 24 hours.
///
/// **Discharge barriers.** What stands between a patient in a bed and going home: transport,
/// equipment, pharmacy, family, placement, or something else said in the note. Each is recorded
/// with a note, who recorded it and when, and stays open until it is resolved (by whom, when,
/// with an optional note). A stay holds at most one open barrier of each kind.
///
/// **The forecast** (`HospitalState.bedForecast(at:wallClock:)`) is a pure function of the state
/// and the moment; nothing of it is stored. Its rules, in plain words (Docs/USER-GUIDE.md,
/// "Tomorrow's beds"):
/// - The next 24 hours are 24 hourly slots; slot 0 is the current hour (from the start of the
///   local hour), slot 23 ends 24 hours after that start.
/// - **Free now**: the unit's available beds (clean, empty, not reserved, not blocked). Dirty
///   beds and beds being cleaned are not free yet.
/// - **Expected discharges**: each patient in a bed whose expected discharge date is today or
///   later, at the policy's discharge time (`discharge-time`, 11:00 local by default) of that
///   day, counted in the slot of that time in their bed's unit. A discharge time already past
///   today, with the patient still in, is expected in the current hour. An expected discharge
///   date before today is stale and not counted (listed as such). A patient with **an open
///   discharge barrier is not counted** at all, whatever the barrier (listed as held).
/// - **Demand**, in the unit it will need a bed in:
///   - each patient waiting in the placement queue (ED boarders, those from the ED, apart from
///     the rest), now, in the unit asked for; one without a unit asked for counts in the
///     hospital's total only ("no unit asked"). A waiting patient with a bed reserved is not
///     counted: the reserved bed is already not free.
///   - each scheduled or started procedure that needs an ICU or step-down bed afterwards
///     (`proc after`), at the hour it ends, in the first unit of that kind (the order units were
///     added), unless a fitting bed is already reserved for the patient or they are in one. Such
///     a patient counts once: for the bed afterwards, not also as waiting. The bed they leave
///     is not counted as freed.
///   - Rounds has no future admissions (a direct admission is recorded when it is requested and
///     then waits in the queue like any other), so nothing is counted for admissions booked
///     ahead.
/// - Per unit and slot: available(h) = free now + discharges up to h − demand up to h. The
///   **shortfall** is the most negative available(h), as a number of beds, and the slot where it
///   is first reached; none when available(h) never falls below zero.

// MARK: - Model

public enum BarrierKind: String, Vocabulary {
    case transport, equipment, pharmacy, family, placement, other
}

/// One thing standing between a patient and their discharge.
public struct DischargeBarrier: Equatable, Sendable, Encodable {
    public var kind: BarrierKind
    public var note: String
    public var recordedAt: Timestamp
    public var recordedBy: Login
    public var resolvedAt: Timestamp?
    public var resolvedBy: Login?
    /// Said when it was resolved, if anything.
    public var resolution: String?
    public var isOpen: Bool { resolvedAt == nil }
}

/// The barriers of each stay, open and resolved, in the order they were recorded.
public struct BarrierState: Equatable, Sendable {
    public internal(set) var byStay: [StayID: [DischargeBarrier]] = [:]
    public init() {}

    /// The open barriers of a stay, in the order they were recorded.
    public func open(_ stay: StayID) -> [DischargeBarrier] { byStay[stay]?.filter(\.isOpen) ?? [] }
    public func hasOpen(_ stay: StayID) -> Bool { byStay[stay]?.contains(where: \.isOpen) ?? false }
}

// MARK: - Events

public struct BarrierRecorded: Equatable, Sendable, Encodable {
    public var mrn: MRN; public var stay: StayID; public var kind: BarrierKind; public var note: String
    public init(mrn: MRN, stay: StayID, kind: BarrierKind, note: String) { self.mrn = mrn; self.stay = stay; self.kind = kind; self.note = note }
}
/// `note`: what was said when it was resolved, if anything.
public struct BarrierResolved: Equatable, Sendable, Encodable {
    public var mrn: MRN; public var stay: StayID; public var kind: BarrierKind; public var note: String?
    public init(mrn: MRN, stay: StayID, kind: BarrierKind, note: String?) { self.mrn = mrn; self.stay = stay; self.kind = kind; self.note = note }
}

// MARK: - Deciding

extension Decision {
    mutating func runBarriers(_ command: Command) throws(Refusal) {
        switch command {
        case let .recordBarrier(mrn, kind, note):
            let st = try activeStay(mrn)
            guard st.phase == .inBed else {
                throw Refusal("\(mrn) is waiting for a bed, not in one", hint: "a discharge barrier is recorded for a patient in a bed")
            }
            try checkText(note, "the note", max: 200)
            if let open = s.barriers.open(st.id).first(where: { $0.kind == kind }) {
                throw Refusal("\(mrn) already has an open \(kind.rawValue) barrier, recorded \(open.recordedAt) by \(open.recordedBy): \"\(open.note)\"",
                              hint: "resolve it first (barrier resolve \(mrn) \(kind.rawValue)), or record another kind: \(BarrierKind.words)")
            }
            emit(.barrierRecorded(BarrierRecorded(mrn: mrn, stay: st.id, kind: kind, note: note)))

        case let .resolveBarrier(mrn, kind, note):
            let st = try activeStay(mrn)
            if let note { try checkText(note, "the note", max: 200) }
            let open = s.barriers.open(st.id)
            guard open.contains(where: { $0.kind == kind }) else {
                throw Refusal("\(mrn) has no open \(kind.rawValue) barrier",
                              hint: open.isEmpty ? "\(mrn) has no open discharge barriers" : "open barriers of \(mrn): \(open.map(\.kind.rawValue).joined(separator: ", "))")
            }
            emit(.barrierResolved(BarrierResolved(mrn: mrn, stay: st.id, kind: kind, note: note)))

        default:
            break
        }
    }
}

// MARK: - Applying

extension HospitalState {
    mutating func applyBarriers(_ r: Recorded) {
        switch r.event {
        case .barrierRecorded(let e):
            guard stays.contains(e.stay) else { anomalies += 1; return }
            barriers.byStay[e.stay, default: []].append(DischargeBarrier(kind: e.kind, note: e.note, recordedAt: r.time, recordedBy: r.actor))
        case .barrierResolved(let e):
            guard var list = barriers.byStay[e.stay], let i = list.lastIndex(where: { $0.kind == e.kind && $0.isOpen }) else { anomalies += 1; return }
            list[i].resolvedAt = r.time
            list[i].resolvedBy = r.actor
            list[i].resolution = e.note
            barriers.byStay[e.stay] = list
        default:
            break
        }
    }

    /// Every open barrier of a patient in a bed, by unit order, bed, then the order recorded.
    public var openBarriers: [(stay: Stay, barrier: DischargeBarrier)] {
        var out: [(Stay, DischargeBarrier)] = []
        for id in barriers.byStay.keys.sorted() {
            guard let st = stays[id], st.phase == .inBed, activeStay[st.mrn] == id else { continue }
            for b in barriers.open(id) { out.append((st, b)) }
        }
        var rank: [UnitCode: Int] = [:]
        for (i, u) in unitOrder.enumerated() { rank[u] = i }
        func place(_ st: Stay) -> (Int, BedID) {
            let unit = st.bed.flatMap { beds[$0]?.unit }
            return (unit.flatMap { rank[$0] } ?? Int.max, st.bed ?? "")
        }
        return out.enumerated().sorted { a, b in
            let pa = place(a.element.0), pb = place(b.element.0)
            return pa != pb ? pa < pb : a.offset < b.offset
        }.map { $0.element }
    }
}

// MARK: - The forecast

/// What one patient adds to (or, held, would have added to) the forecast.
public struct ForecastItem: Equatable, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Expected to leave: frees a bed.
        case discharge
        /// Would be expected to leave, but an open barrier holds the discharge: not counted.
        case held = "held-by-barrier"
        /// Expected discharge date before today: not counted.
        case stale = "edd-passed"
        /// Waiting in the placement queue, from the ED.
        case boarder = "ed-boarder"
        /// Waiting in the placement queue, from anywhere else.
        case waiting
        /// A procedure ending in the window that needs an ICU or step-down bed afterwards.
        case bedAfter = "bed-after"

        public var isDemand: Bool { self == .boarder || self == .waiting || self == .bedAfter }
        public var counts: Bool { self == .discharge || isDemand }
    }
    public var kind: Kind
    public var mrn: MRN
    /// The unit whose beds it frees or needs; nil: no unit asked for (counted in the total only).
    public var unit: UnitCode?
    /// When it is expected (a time already past is now); nil for what is not counted.
    public var at: Timestamp?
    /// The hourly slot (0–23) it is counted in; nil when not counted.
    public var slot: Int?
    /// Why, in words: "expected discharge today at 11:00", "P3 ends 12:30; needs an ICU bed".
    public var detail: String
}

/// One unit's forecast (or the hospital's, `unit` nil), slot by slot.
public struct UnitForecast: Equatable, Sendable {
    public var unit: UnitCode?
    public var name: String
    public var freeNow: Int
    /// Beds freed and needed in each slot.
    public var discharges: [Int]
    public var demand: [Int]
    /// Discharges not counted because of an open barrier.
    public var held: Int
    /// available(h) = free now + discharges up to h − demand up to h.
    public var available: [Int]
    /// The most beds short (0: none) and the first slot it is reached in.
    public var shortfall: Int
    public var shortfallSlot: Int?

    init(unit: UnitCode?, name: String, freeNow: Int, discharges: [Int], demand: [Int], held: Int) {
        self.unit = unit; self.name = name; self.freeNow = freeNow; self.discharges = discharges; self.demand = demand; self.held = held
        var level = freeNow
        available = zip(discharges, demand).map { d, n in level += d - n; return level }
        let lowest = available.min() ?? freeNow
        shortfall = max(0, -lowest)
        shortfallSlot = shortfall > 0 ? available.firstIndex(of: lowest) : nil
    }

    public var totalDischarges: Int { discharges.reduce(0, +) }
    public var totalDemand: Int { demand.reduce(0, +) }
    public var lowest: Int { available.min() ?? freeNow }
}

public struct BedForecast: Equatable, Sendable {
    public static let hours = 24
    /// The moment it was made for.
    public var now: Timestamp
    /// The start of each slot: slot 0 starts at the start of the current local hour.
    public var slotStarts: [Timestamp]
    /// Every unit, in the order they were added.
    public var units: [UnitForecast]
    /// The whole hospital, with the demand of patients who asked for no unit.
    public var total: UnitForecast
    /// Demand with no unit asked for, per slot.
    public var unplaced: Int
    /// Every patient counted or held, by kind, unit order, slot, then MRN.
    public var items: [ForecastItem]
    /// The policy's time of day for a discharge with only a date.
    public var dischargeTime: Span

    /// The end of the window.
    public var end: Timestamp { slotStarts[0] + .hours(Int64(Self.hours)) }
    /// Units short of beds at some hour, in unit order.
    public var short: [UnitForecast] { units.filter { $0.shortfall > 0 } }

    /// "now" for the current hour, else the slot's start ("16:00").
    public func label(_ slot: Int, _ wall: WallClock) -> String { slot == 0 ? "now" : wall.hhmm(slotStarts[slot]) }

    /// One line for a unit short of beds, in the 24 hours: "short 2 beds from 16:00 (1 free,
    /// 1 leaving, 4 needed, 1 held)" (held: discharges not counted because of a barrier).
    public func shortLine(_ u: UnitForecast, _ wall: WallClock) -> String {
        guard u.shortfall > 0, let slot = u.shortfallSlot else { return "no shortfall in 24 h" }
        return "short \(u.shortfall) bed\(u.shortfall == 1 ? "" : "s") \(slot == 0 ? "now" : "from \(label(slot, wall))")"
            + " (\(u.freeNow) free, \(u.totalDischarges) leaving, \(u.totalDemand) needed" + (u.held > 0 ? ", \(u.held) held" : "") + ")"
    }
}

extension HospitalState {
    /// The bed forecast for the 24 hours from the start of `now`'s local hour (the rules are in
    /// the comment at the top of this file). Pure: the same state and moment, the same forecast.
    /// `details: false` leaves the items' words out (the board and the supervisor view need
    /// only the numbers, recomputed whenever a record could move them).
    public func bedForecast(at now: Timestamp, wallClock: WallClock, details: Bool = true) -> BedForecast {
        let hours = BedForecast.hours
        let minute = wallClock.minuteOfDay(now)
        let start = now - .minutes(Int64(minute % 60)) - Span(milliseconds: ((now.milliseconds % 60_000) + 60_000) % 60_000)
        let starts = (0..<hours).map { start + .hours(Int64($0)) }
        let end = start + .hours(Int64(hours))
        func slot(_ t: Timestamp) -> Int? {
            if t < start + .hours(1) { return 0 }
            guard t < end else { return nil }
            return Int((t - start).milliseconds / 3_600_000)
        }
        let today = wallClock.localDate(now)
        let dischargeMinute = Int(policy.dischargeTime.milliseconds / 60_000)
        var items: [ForecastItem] = []

        // Expected discharges, held or counted.
        for id in activeStay.values {
            guard let st = stays[id], st.phase == .inBed, let edd = st.expectedDischarge, let bed = st.bed, let unit = beds[bed]?.unit else { continue }
            if edd < today {
                items.append(ForecastItem(kind: .stale, mrn: st.mrn, unit: unit, at: nil, slot: nil, detail: details ? "in \(bed); expected discharge \(edd) has passed" : ""))
                continue
            }
            let expected = wallClock.instant(on: edd, minuteOfDay: dischargeMinute)
            let at = max(expected, now)
            guard let k = slot(at) else { continue }
            let when = !details ? "" : edd == today ? "today" : edd == today.adding(days: 1) ? "tomorrow" : "\(edd)"
            if !details {
                items.append(ForecastItem(kind: barriers.hasOpen(id) ? .held : .discharge, mrn: st.mrn, unit: unit, at: barriers.hasOpen(id) ? nil : at,
                                          slot: barriers.hasOpen(id) ? nil : k, detail: ""))
                continue
            }
            let open = barriers.open(id)
            if !open.isEmpty {
                items.append(ForecastItem(kind: .held, mrn: st.mrn, unit: unit, at: nil, slot: nil,
                                          detail: "in \(bed); expected \(when) at \(wallClock.hhmm(expected)), held by " + open.map { "\($0.kind.rawValue) (\($0.note))" }.joined(separator: ", ")))
            } else {
                items.append(ForecastItem(kind: .discharge, mrn: st.mrn, unit: unit, at: at, slot: k,
                                          detail: "in \(bed); expected \(when) at \(wallClock.hhmm(expected))" + (expected < now ? ", not gone yet" : "")))
            }
        }

        // Procedures that need an ICU or step-down bed afterwards.
        var firstOfKind: [UnitKind: UnitCode] = [:]
        for code in unitOrder.reversed() { if let u = units[code] { firstOfKind[u.kind] = code } }
        var afterwards: Set<MRN> = []
        for (pid, kind) in readiness.bedAfter {
            guard let p = procedures[pid], p.status == .scheduled || p.status == .inprogress, !bedAfterMet(p.mrn, kind) else { continue }
            let at = max(p.end, now)
            guard let k = slot(at) else { continue }
            afterwards.insert(p.mrn)
            items.append(ForecastItem(kind: .bedAfter, mrn: p.mrn, unit: firstOfKind[kind], at: at, slot: k,
                                      detail: !details ? "" : "\(p.id) \(p.title) ends \(wallClock.hhmm(p.end)); needs a\(kind == .icu ? "n" : "") \(kind.bedWord) bed"
                                          + (firstOfKind[kind] == nil ? " and there is no \(kind.bedWord) unit" : "")))
        }

        // Patients waiting for a bed.
        for id in activeStay.values {
            guard let st = stays[id], st.phase == .waiting, reservation[st.mrn] == nil, !afterwards.contains(st.mrn) else { continue }
            let unit = st.wantedUnit.flatMap { units[$0] != nil ? $0 : nil }
            let waited = now - st.requestedAt
            items.append(ForecastItem(kind: st.source == .ed ? .boarder : .waiting, mrn: st.mrn, unit: unit, at: now, slot: 0,
                                      detail: !details ? "" : "waiting \(waited < .seconds(0) ? .seconds(0) : waited) from \(st.source.label)"
                                          + (unit == nil ? (st.wantedUnit.map { "; unit \($0) does not exist" } ?? "; no unit asked for") : "")))
        }

        // The items in the order the reports list them; the board and the supervisor view
        // (`details: false`) read only the sums, so they are not sorted for them (the sort was
        // most of the forecast's time in a profile of a 1,000-bed board under a feed).
        if details {
            var rank: [UnitCode: Int] = [:]
            for (i, u) in unitOrder.enumerated() { rank[u] = i }
            let kindRank = Dictionary(uniqueKeysWithValues: ForecastItem.Kind.allCases.enumerated().map { ($1, $0) })
            let keys = items.map { (kindRank[$0.kind]!, $0.unit.flatMap { rank[$0] } ?? Int.max, $0.slot ?? Int.max) }
            let order = items.indices.sorted { a, b in
                keys[a] != keys[b] ? keys[a] < keys[b] : (items[a].mrn, items[a].detail) < (items[b].mrn, items[b].detail)
            }
            items = order.map { items[$0] }
        }

        var out: [UnitForecast] = []
        var all = (free: 0, discharges: [Int](repeating: 0, count: hours), demand: [Int](repeating: 0, count: hours), held: 0)
        var perUnit: [UnitCode: (discharges: [Int], demand: [Int], held: Int)] = [:]
        var unplaced = 0
        for it in items {
            if it.kind == .held { if let u = it.unit { perUnit[u, default: (Array(repeating: 0, count: hours), Array(repeating: 0, count: hours), 0)].held += 1 }; all.held += 1 }
            guard it.kind.counts, let k = it.slot else { continue }
            if it.kind == .discharge { all.discharges[k] += 1 } else { all.demand[k] += 1 }
            guard let u = it.unit else { unplaced += 1; continue }
            var entry = perUnit[u] ?? (Array(repeating: 0, count: hours), Array(repeating: 0, count: hours), 0)
            if it.kind == .discharge { entry.discharges[k] += 1 } else { entry.demand[k] += 1 }
            perUnit[u] = entry
        }
        for code in unitOrder {
            guard let u = units[code] else { continue }
            var free = 0
            for b in u.beds where beds[b]?.status == .available { free += 1 }
            all.free += free
            let e = perUnit[code] ?? (Array(repeating: 0, count: hours), Array(repeating: 0, count: hours), 0)
            out.append(UnitForecast(unit: code, name: u.name, freeNow: free, discharges: e.discharges, demand: e.demand, held: e.held))
        }
        let total = UnitForecast(unit: nil, name: "Hospital", freeNow: all.free, discharges: all.discharges, demand: all.demand, held: all.held)
        return BedForecast(now: now, slotStarts: starts, units: out, total: total, unplaced: unplaced, items: items, dischargeTime: policy.dischargeTime)
    }
}
