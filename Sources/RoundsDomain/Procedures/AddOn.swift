/// Add-on cases and the bump cascade (issue 19 §3): an urgent case booked into a day that is
/// already full. `proc add-on` does not book it: it journals a *plan* — up to three options,
/// each a room and a start for the add-on and the elective cases that move (later in the same
/// room, to another room of the same kind, or off the day) to make way. The coordinator
/// accepts an option (`plan accept B… N`), edits one (`plan edit`), or rejects the plan; an
/// accepted option is checked again against the hospital as it is then and applied in one
/// journaled decision: the add-on booked with its urgency and start-by time, every move and
/// cancellation (with its reason, whether it fell within 48 h, and whether it was avoidable),
/// a message to each moved case's owner and a task to tell each patient.
///
/// The planner is a pure function of the state, the request and the time (`AddOnPlanner`).

// MARK: - Model

public struct PlanID: SequentialID { public static let letter: Character = "B"; public let number: Int; public init(_ n: Int) { number = n } }

/// NCEPOD's classes of intervention; an elective case is the default of every booking.
public enum CaseUrgency: String, Vocabulary {
    case elective, expedited, urgent, immediate
    public var rank: Int { Int(code) }
}

/// What the coordinator asked for: the case, the rooms it may use, and the time it must start by.
public struct AddOnRequest: Equatable, Sendable, Encodable {
    public var mrn: MRN
    public var kind: ProcedureKind
    public var title: String
    /// Resource names, already expanded from families (`OR` → OR-1, OR-2, …).
    public var resources: [String]
    public var length: Span
    public var urgency: CaseUrgency
    public var startBy: Timestamp
    public var requiredTests: [String]
    public var after: UnitKind?
    public init(mrn: MRN, kind: ProcedureKind, title: String, resources: [String], length: Span, urgency: CaseUrgency,
                startBy: Timestamp, requiredTests: [String] = [], after: UnitKind? = nil) {
        self.mrn = mrn; self.kind = kind; self.title = title; self.resources = resources; self.length = length
        self.urgency = urgency; self.startBy = startBy; self.requiredTests = requiredTests; self.after = after
    }
}

/// One case that makes way: where it was, and where it goes (nil: cancelled, off the day).
public struct PlanMove: Equatable, Sendable, Encodable {
    public var procedure: ProcedureID
    public var fromResource: String
    public var fromStart: Timestamp
    public var fromEnd: Timestamp
    public var toResource: String?
    public var toStart: Timestamp?
    public var isCancellation: Bool { toResource == nil }
    public var toEnd: Timestamp? { toStart.map { $0 + (fromEnd - fromStart) } }
    public var delay: Span { toStart.map { $0 - fromStart } ?? .minutes(0) }
    public init(procedure: ProcedureID, fromResource: String, fromStart: Timestamp, fromEnd: Timestamp, toResource: String?, toStart: Timestamp?) {
        self.procedure = procedure; self.fromResource = fromResource; self.fromStart = fromStart; self.fromEnd = fromEnd
        self.toResource = toResource; self.toStart = toStart
    }
    /// `P12 OR-2 10:30 → 12:45`, `P13 OR-2 12:00 → OR-3 13:00`, `P14 OR-2 15:00 → cancelled`.
    public func describe(_ time: (Timestamp) -> String) -> String {
        guard let to = toResource, let start = toStart else { return "\(procedure) \(fromResource) \(time(fromStart)) → cancelled" }
        return "\(procedure) \(fromResource) \(time(fromStart)) → \(to == fromResource ? "" : to + " ")\(time(start))"
    }
}

/// A room and start for the add-on, and the cases that make way for it.
public struct PlanOption: Equatable, Sendable, Encodable {
    public var resource: String
    public var start: Timestamp
    public var moves: [PlanMove]
    public init(resource: String, start: Timestamp, moves: [PlanMove]) { self.resource = resource; self.start = start; self.moves = moves }
    public var cancellations: Int { moves.count { $0.isCancellation } }
    public var moved: Int { moves.count { !$0.isCancellation } }
    public var totalDelay: Span { moves.reduce(.minutes(0)) { $0 + $1.delay } }
    /// The order options are offered in: fewest cancellations, fewest cases moved, least delay
    /// in all, then the earliest start, then the room's name.
    static func cheaper(_ a: PlanOption, _ b: PlanOption) -> Bool {
        if a.cancellations != b.cancellations { return a.cancellations < b.cancellations }
        if a.moves.count != b.moves.count { return a.moves.count < b.moves.count }
        if a.totalDelay != b.totalDelay { return a.totalDelay < b.totalDelay }
        if a.start != b.start { return a.start < b.start }
        return a.resource < b.resource
    }
    public func summary(_ time: (Timestamp) -> String) -> String {
        let what = moves.isEmpty ? "nothing moves" : [moved > 0 ? "\(moved) moved" : nil, cancellations > 0 ? "\(cancellations) cancelled" : nil]
            .compactMap { $0 }.joined(separator: ", ")
        return "\(resource) at \(time(start)), \(what)"
    }
}

public enum PlanStatus: String, Vocabulary { case proposed, accepted, rejected }

public struct AddOnPlan: Equatable, Sendable, Encodable {
    public var id: PlanID
    public var request: AddOnRequest
    public var options: [PlanOption]
    public var proposedAt: Timestamp
    public var by: Login
    public var status: PlanStatus
    /// The option accepted (1-based) and the case it booked.
    public var accepted: Int?
    public var addOn: ProcedureID?
    public var reason: String?
}

/// Why a case came off the schedule: the reason, whether it was within 48 h of its start, and
/// whether it could have been avoided (nil when nobody said).
public struct Cancellation: Equatable, Sendable, Encodable {
    public var reason: String
    public var within48h: Bool
    public var avoidable: Bool?
    public var plan: PlanID?
    public var at: Timestamp
}

/// An add-on's urgency and the time it must start by.
public struct CaseUrgencyRecord: Equatable, Sendable, Encodable {
    public var urgency: CaseUrgency
    public var startBy: Timestamp
    public var plan: PlanID?
    /// The task raised when it had not started by its start-by time.
    public var lateTask: TaskID?
}

// MARK: - Events

public struct AddOnPlanned: Equatable, Sendable, Encodable { public var id: PlanID; public var request: AddOnRequest; public var options: [PlanOption] }
/// An option replaced (`option` ≤ the number of options) after the coordinator edited it.
public struct PlanEdited: Equatable, Sendable, Encodable { public var id: PlanID; public var option: Int; public var plan: PlanOption }
/// Accepted (`option`, 1-based, and the case booked) or rejected (`reason`).
public struct PlanDecided: Equatable, Sendable, Encodable { public var id: PlanID; public var option: Int?; public var addOn: ProcedureID?; public var reason: String? }
/// A case moved to another room (and time).
public struct ProcedureMoved: Equatable, Sendable, Encodable { public var id: ProcedureID; public var resource: String; public var start: Timestamp; public var end: Timestamp; public var plan: PlanID? }
public struct CancellationRecorded: Equatable, Sendable, Encodable {
    public var procedure: ProcedureID; public var reason: String; public var within48h: Bool; public var avoidable: Bool?; public var plan: PlanID?
}
/// A case's urgency (add-ons), or the task raised when it had not started by its time (`late`).
public struct UrgencySet: Equatable, Sendable, Encodable {
    public var procedure: ProcedureID; public var urgency: CaseUrgency; public var startBy: Timestamp; public var plan: PlanID?; public var late: TaskID?
}

// MARK: - State

public struct SchedulingState: Equatable, Sendable {
    public internal(set) var plans: [PlanID: AddOnPlan] = [:]
    public internal(set) var nextPlan = 1
    /// Who booked each case still on the live schedule: the owner told when it moves.
    public internal(set) var bookedBy: [ProcedureID: Login] = [:]
    public internal(set) var urgency: [ProcedureID: CaseUrgencyRecord] = [:]
    public internal(set) var cancellations: [ProcedureID: Cancellation] = [:]
    /// Cases moved by an accepted plan, with the plan (shown on the schedule).
    public internal(set) var bumpedBy: [ProcedureID: PlanID] = [:]
    public init() {}

    public func urgency(of id: ProcedureID) -> CaseUrgency { urgency[id]?.urgency ?? .elective }
    /// The plans still waiting for a decision, newest first.
    public var proposed: [AddOnPlan] { plans.values.filter { $0.status == .proposed }.sorted { $0.id > $1.id } }
}

// MARK: - Resources

public enum Resources {
    /// `OR-3` → `OR`, `CATH-LAB-2` → `CATH-LAB`, `MRI1` → `MRI`: the name without its number.
    public static func family(_ name: String) -> String {
        var s = Substring(name.uppercased())
        while let c = s.last, c.isASCII, c.isNumber { s.removeLast() }
        while s.last == "-" { s.removeLast() }
        return String(s)
    }
}

extension HospitalState {
    /// Every resource named by a case on the live schedule, in name order.
    public var knownResources: [String] {
        var names = Set<String>()
        procedures.forEachNumbered { _, p in names.insert(p.resource) }
        return names.sorted()
    }
}

// MARK: - Planning

/// Proposes where an add-on goes and what makes way. Deterministic: the same state, request
/// and time give the same options.
///
/// For each room the add-on may use, the candidate starts are now (rounded up to 5 minutes)
/// and the end of each case in that room, up to the start-by time; a later start in a gap could
/// only delay the cases after it more. At a candidate start, the cases that may not move (in
/// progress, or as urgent as the add-on or more) must not overlap it; the others in the way are
/// pushed later in order (past any case that may not move), as long as each starts at most the
/// policy's bump delay after its booked start, its patient is free and an approved
/// pre-authorization still covers the new start. A case that cannot be pushed goes to the
/// earliest free time in another room of its kind within the same delay, else it is cancelled.
public struct AddOnPlanner {
    public let s: HospitalState
    public let now: Timestamp
    public let request: AddOnRequest
    var byResource: [String: [Procedure]] = [:]
    var byPatient: [MRN: [Procedure]] = [:]
    var families: [String: [String]] = [:]
    var busyByRoom: [String: [(Timestamp, Timestamp)]] = [:]

    public init(state: HospitalState, now: Timestamp, request: AddOnRequest) {
        s = state; self.now = now; self.request = request
        for id in s.scheduledProcedures {
            guard let p = s.procedures[id], !p.status.isClosed, p.end > now else { continue }
            byResource[p.resource, default: []].append(p)
            byPatient[p.mrn, default: []].append(p)
        }
        for k in byResource.keys {
            byResource[k]!.sort { ($0.start, $0.id) < ($1.start, $1.id) }
            busyByRoom[k] = byResource[k]!.map { ($0.start, $0.end) }
        }
        for name in Set(byResource.keys).union(request.resources) { families[Resources.family(name), default: []].append(name) }
        for k in families.keys { families[k]!.sort() }
    }

    /// The earliest start worth offering: now, rounded up to the next 5 minutes.
    public static func earliest(_ now: Timestamp) -> Timestamp {
        let step: Int64 = 300_000
        let m = now.milliseconds
        return Timestamp(milliseconds: (m + step - 1) / step * step)
    }

    func movable(_ p: Procedure) -> Bool {
        p.status == .scheduled && s.scheduling.urgency(of: p.id).rank < request.urgency.rank
    }

    /// The patient of `p` is free over `start..<end`, apart from `p` itself and cases this
    /// option moves (which are checked where they land).
    func patientFree(_ mrn: MRN, _ start: Timestamp, _ end: Timestamp, except: ProcedureID?, placed: [ProcedureID: (String, Timestamp, Timestamp)]) -> Bool {
        for q in byPatient[mrn] ?? [] where q.id != except {
            let (qs, qe) = placed[q.id].map { ($0.1, $0.2) } ?? (q.start, q.end)
            if placed[q.id] != nil, placed[q.id]!.0.isEmpty { continue }   // cancelled in this option
            if qs < end && start < qe { return false }
        }
        return true
    }

    func authAllows(_ p: Procedure, at start: Timestamp) -> Bool {
        guard let aid = s.readiness.authOf[p.id], let a = s.readiness.auths[aid], a.status == .approved, s.readiness.overrides[p.id] == nil else { return true }
        return a.covers(start)
    }

    /// The earliest start at or after `from` where `length` fits in `room` among `busy` intervals.
    static func earliestFit(from: Timestamp, length: Span, busy: [(Timestamp, Timestamp)]) -> Timestamp {
        var t = from
        var moved = true
        while moved {
            moved = false
            for (a, b) in busy where a < t + length && t < b { t = b; moved = true }
        }
        return t
    }

    /// Up to `limit` options, cheapest first; the earliest start the add-on can have is always
    /// one of them (an immediate case's team may prefer it to the least disruption).
    public func options(limit: Int = 3) -> [PlanOption] {
        let first = AddOnPlanner.earliest(now)
        guard first <= request.startBy, limit > 0 else { return [] }
        var found: [PlanOption] = []
        for room in request.resources {
            let cases = byResource[room] ?? []
            var starts: [Timestamp] = [first]
            for p in cases where p.end > first && p.end <= request.startBy { starts.append(p.end) }
            var seen = Set<Timestamp>()
            for t in starts.sorted() where seen.insert(t).inserted {
                if let o = option(room: room, start: t, cases: cases) { found.append(o) }
            }
        }
        found.sort(by: PlanOption.cheaper)
        // The same check an acceptance makes, on the candidates offered only; one that fails
        // it is never offered.
        func passes(_ o: PlanOption) -> Bool { (try? AddOnPlanner.check(o, request: request, in: s, now: now)) != nil }
        var out: [PlanOption] = []
        var earliest: PlanOption?
        for o in found where (earliest == nil || o.start < earliest!.start) && passes(o) { earliest = o }
        for o in found where out.count < limit - (earliest == nil ? 0 : 1) && o != earliest && passes(o) { out.append(o) }
        if let earliest { out.append(earliest); out.sort(by: PlanOption.cheaper) }
        return out
    }

    func option(room: String, start t: Timestamp, cases: [Procedure]) -> PlanOption? {
        let end = t + request.length
        let fixed = cases.filter { !movable($0) }
        if fixed.contains(where: { $0.overlaps(t, end) }) { return nil }
        var placed: [ProcedureID: (String, Timestamp, Timestamp)] = [:]
        guard patientFree(request.mrn, t, end, except: nil, placed: placed) else { return nil }
        let limit = s.policy.bumpDelay
        var busyHere = fixed.map { ($0.start, $0.end) } + [(t, end)]
        var elsewhere: [String: [(Timestamp, Timestamp)]] = [:]
        var moves: [PlanMove] = []
        var cursor = end
        for c in cases where movable(c) && c.end > t {
            if c.start >= cursor && !c.overlaps(t, end) { break }
            let len = c.end - c.start
            // Later in the same room.
            let here = AddOnPlanner.earliestFit(from: max(cursor, c.start), length: len, busy: busyHere)
            if here - c.start <= limit, authAllows(c, at: here), patientFree(c.mrn, here, here + len, except: c.id, placed: placed) {
                moves.append(PlanMove(procedure: c.id, fromResource: c.resource, fromStart: c.start, fromEnd: c.end, toResource: room, toStart: here))
                placed[c.id] = (room, here, here + len)
                busyHere.append((here, here + len))
                cursor = here + len
                continue
            }
            // Another room of its kind.
            var best: (String, Timestamp)?
            for other in families[Resources.family(c.resource)] ?? [] where other != room {
                // Only the add-on's room gives up cases, so another room's own cases all stay.
                let busy = (busyByRoom[other] ?? []) + (elsewhere[other] ?? [])
                let at = AddOnPlanner.earliestFit(from: max(c.start, AddOnPlanner.earliest(now)), length: len, busy: busy)
                guard at - c.start <= limit, authAllows(c, at: at), patientFree(c.mrn, at, at + len, except: c.id, placed: placed) else { continue }
                if best == nil || at < best!.1 { best = (other, at) }
            }
            if let (other, at) = best {
                moves.append(PlanMove(procedure: c.id, fromResource: c.resource, fromStart: c.start, fromEnd: c.end, toResource: other, toStart: at))
                placed[c.id] = (other, at, at + len)
                elsewhere[other, default: []].append((at, at + len))
            } else {
                moves.append(PlanMove(procedure: c.id, fromResource: c.resource, fromStart: c.start, fromEnd: c.end, toResource: nil, toStart: nil))
                placed[c.id] = ("", c.start, c.end)
            }
        }
        return PlanOption(resource: room, start: t, moves: moves)
    }

    /// Refuses an option that would double-book a room or a patient, start the add-on after its
    /// start-by time or in the past, move a case that may not move or that changed since the
    /// plan was made, or move a case outside its approved pre-authorization.
    public static func check(_ o: PlanOption, request: AddOnRequest, in s: HospitalState, now: Timestamp) throws(Refusal) {
        let end = o.start + request.length
        guard o.start <= request.startBy else {
            throw Refusal("the add-on would start at \(o.start), after its start-by time \(request.startBy)", hint: "plan again, or choose a slot before it")
        }
        guard o.start >= now - .minutes(5) else {
            throw Refusal("the add-on's slot at \(o.start) has passed", hint: "plan again: proc add-on …")
        }
        var placed: [ProcedureID: (String, Timestamp, Timestamp)?] = [:]
        var seen = Set<ProcedureID>()
        for m in o.moves {
            guard seen.insert(m.procedure).inserted else { throw Refusal("\(m.procedure) is moved twice in this option") }
            guard let p = s.procedures[m.procedure] else { throw Refusal("no procedure \(m.procedure)") }
            guard p.status == .scheduled else { throw Refusal("\(p.id) is \(p.status.rawValue) and cannot be moved", hint: "plan again") }
            guard p.resource == m.fromResource, p.start == m.fromStart, p.end == m.fromEnd else {
                throw Refusal("\(p.id) changed since the plan was made (now \(p.resource) at \(p.start))", hint: "plan again: proc add-on …")
            }
            let u = s.scheduling.urgency(of: p.id)
            guard u.rank < request.urgency.rank else {
                throw Refusal("\(p.id) is \(u.rawValue) and an \(request.urgency.rawValue) add-on may not bump it", hint: "only less urgent cases make way")
            }
            if let r = m.toResource, let t = m.toStart {
                guard IdentifierSyntax.isValidCode(Substring(r)) else { throw Refusal("'\(r)' is not a resource name") }
                guard t >= now - .minutes(5) else { throw Refusal("\(p.id) would move to \(t), in the past") }
                if let aid = s.readiness.authOf[p.id], let a = s.readiness.auths[aid], a.status == .approved, s.readiness.overrides[p.id] == nil, !a.covers(t) {
                    throw Refusal("\(p.id) at \(t) would be outside pre-authorization \(a.id)'s approved period", hint: "choose a time inside it, or cancel the case instead")
                }
                placed[p.id] = (r.uppercased(), t, t + (p.end - p.start))
            } else {
                placed[p.id] = .some(nil)
            }
        }
        // Where every live case will be; the moved cases and the add-on are checked against all.
        var byRoom: [String: [(ProcedureID, Timestamp, Timestamp)]] = [:]
        var byPatient: [MRN: [(ProcedureID, Timestamp, Timestamp)]] = [:]
        for id in s.scheduledProcedures {
            guard let p = s.procedures[id], !p.status.isClosed else { continue }
            let at: (String, Timestamp, Timestamp)?
            if let over = placed[id] { at = over } else { at = (p.resource, p.start, p.end) }
            guard let (r, a, b) = at else { continue }
            byRoom[r, default: []].append((id, a, b))
            byPatient[p.mrn, default: []].append((id, a, b))
        }
        /// The first case in `list` other than `me` overlapping `a..<b`.
        func clash(_ list: [(ProcedureID, Timestamp, Timestamp)]?, _ me: ProcedureID?, _ a: Timestamp, _ b: Timestamp) -> ProcedureID? {
            for (id, x, y) in list ?? [] where id != me && x < b && a < y { return id }
            return nil
        }
        if let other = clash(byRoom[o.resource], nil, o.start, end) {
            throw Refusal("\(o.resource) is busy \(o.start)–\(end) with \(other)", hint: "move that case in the plan, or choose another slot")
        }
        if let other = clash(byPatient[request.mrn], nil, o.start, end) {
            throw Refusal("\(request.mrn) already has \(other) at an overlapping time")
        }
        for m in o.moves {
            guard let r = m.toResource, let t = m.toStart, let p = s.procedures[m.procedure] else { continue }
            let e = t + (p.end - p.start)
            if r.uppercased() == o.resource, t < end, o.start < e {
                throw Refusal("\(p.id) at \(t) would overlap the add-on on \(o.resource)", hint: "choose a time after \(end)")
            }
            if let other = clash(byRoom[r.uppercased()], p.id, t, e) {
                throw Refusal("\(p.id) at \(r.uppercased()) \(t) would overlap \(other): a resource cannot be booked twice", hint: "choose another time or room")
            }
            if let other = clash(byPatient[p.mrn], p.id, t, e) {
                throw Refusal("\(p.mrn) would have \(p.id) and \(other) at overlapping times")
            }
            if p.mrn == request.mrn, t < end, o.start < e {
                throw Refusal("\(p.id) would overlap the add-on for the same patient")
            }
        }
    }
}

// MARK: - Deciding

extension Decision {
    func plan(_ id: PlanID) throws(Refusal) -> AddOnPlan {
        if let p = s.scheduling.plans[id] { return p }
        throw Refusal("no plan \(id)", hint: s.scheduling.nextPlan > 1 ? "plans are numbered B1 to B\(s.scheduling.nextPlan - 1)" : "make one with proc add-on MRN KIND on ROOM urgency … for DURATION")
    }

    func openPlan(_ id: PlanID) throws(Refusal) -> AddOnPlan {
        let p = try plan(id)
        guard p.status == .proposed else { throw Refusal("plan \(id) was \(p.status.rawValue)", hint: "make a new one with proc add-on …") }
        return p
    }

    func option(_ p: AddOnPlan, _ n: Int) throws(Refusal) -> PlanOption {
        guard n >= 1, n <= p.options.count else {
            throw Refusal("plan \(p.id) has \(p.options.count == 1 ? "one option" : "options 1 to \(p.options.count)"), not \(n)")
        }
        return p.options[n - 1]
    }

    /// Expands `OR` into every known OR; names with a number are taken as they are.
    func expand(_ names: [String]) throws(Refusal) -> [String] {
        let known = s.knownResources
        var out: [String] = []
        for raw in names {
            let name = raw.uppercased()
            guard IdentifierSyntax.isValidCode(Substring(name)) else { throw Refusal("'\(raw)' is not a resource name", hint: "e.g. OR-3, or OR for every OR") }
            if name.last?.isNumber == true { out.append(name); continue }
            let members = known.filter { Resources.family($0) == name }
            guard !members.isEmpty else {
                let families = Set(known.map(Resources.family)).sorted()
                throw Refusal("no resource called \(name) or of kind \(name)", hint: families.isEmpty ? "name a room, e.g. OR-1" : "kinds with cases: \(families.joined(separator: ", "))")
            }
            out.append(contentsOf: members)
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    mutating func runAddOn(_ command: Command) throws(Refusal) {
        switch command {
        case let .planAddOn(input):
            _ = try patient(input.mrn)
            guard input.urgency != .elective else { throw Refusal("an add-on is immediate, urgent or expedited", hint: "book an elective case with proc book") }
            guard input.length > .minutes(0), input.length <= .hours(24) else { throw Refusal("an add-on lasts more than 0 and at most 24 hours") }
            if let t = input.title { try checkText(t, "the title", max: 120) }
            let rooms = try expand(input.resources)
            let limit: Span = switch input.urgency {
            case .immediate: s.policy.addOnImmediate
            case .urgent: s.policy.addOnUrgent
            default: s.policy.addOnExpedited
            }
            let startBy = input.startBy ?? now + limit
            guard startBy >= AddOnPlanner.earliest(now) else { throw Refusal("start by \(startBy) has passed", hint: "give a later time, or leave by out for the policy's \(limit)") }
            let request = AddOnRequest(mrn: input.mrn, kind: input.kind, title: input.title ?? "\(input.urgency.rawValue.initialCapital) \(input.kind.rawValue)",
                                       resources: rooms, length: input.length, urgency: input.urgency, startBy: startBy,
                                       requiredTests: input.requires.map { $0.uppercased() }, after: input.after)
            if let after = input.after, after != .icu, after != .stepdown {
                throw Refusal("a bed for afterwards is an icu or stepdown bed, not \(after.rawValue)")
            }
            let options = AddOnPlanner(state: s, now: now, request: request).options()
            guard !options.isEmpty else {
                throw Refusal("no way to start it on \(rooms.joined(separator: ", ")) by \(startBy): every slot is held by cases that may not move (in progress or as urgent), or the patient is busy",
                              hint: "name more rooms (e.g. on OR), or a later by TIME")
            }
            emit(.addOnPlanned(AddOnPlanned(id: PlanID(s.scheduling.nextPlan), request: request, options: options)))

        case let .editPlan(id, n, pid, to):
            let p = try openPlan(id)
            var o = try option(p, n)
            let proc = try procedure(pid)
            if let i = o.moves.firstIndex(where: { $0.procedure == pid }) {
                o.moves[i].toResource = to?.resource.uppercased(); o.moves[i].toStart = to?.start
            } else {
                guard proc.status == .scheduled else { throw Refusal("\(pid) is \(proc.status.rawValue) and cannot be moved") }
                o.moves.append(PlanMove(procedure: pid, fromResource: proc.resource, fromStart: proc.start, fromEnd: proc.end,
                                        toResource: to?.resource.uppercased(), toStart: to?.start))
            }
            try AddOnPlanner.check(o, request: p.request, in: s, now: now)
            emit(.planEdited(PlanEdited(id: id, option: n, plan: o)))

        case let .keepInPlan(id, n, pid):
            let p = try openPlan(id)
            var o = try option(p, n)
            guard let i = o.moves.firstIndex(where: { $0.procedure == pid }) else { throw Refusal("option \(n) of plan \(id) does not move \(pid)") }
            o.moves.remove(at: i)
            try AddOnPlanner.check(o, request: p.request, in: s, now: now)
            emit(.planEdited(PlanEdited(id: id, option: n, plan: o)))

        case let .rejectPlan(id, reason):
            _ = try openPlan(id)
            try checkText(reason, "the reason", max: 200)
            emit(.planDecided(PlanDecided(id: id, option: nil, addOn: nil, reason: reason)))

        case let .acceptPlan(id, n):
            let p = try openPlan(id)
            let o = try option(p, n)
            try AddOnPlanner.check(o, request: p.request, in: s, now: now)
            let r = p.request
            let addOn = ProcedureID(nextProcedure)
            nextProcedure += 1
            emit(.procedureBooked(ProcedureBooked(id: addOn, mrn: r.mrn, kind: r.kind, title: r.title, resource: o.resource,
                                                  start: o.start, end: o.start + r.length, requiredTests: r.requiredTests)))
            emit(.urgencySet(UrgencySet(procedure: addOn, urgency: r.urgency, startBy: r.startBy, plan: id, late: nil)))
            if let after = r.after { emit(.bedAfterSet(BedAfterSet(procedure: addOn, kind: after))) }
            let why = "make way for \(r.urgency.rawValue) add-on \(addOn) (plan \(id))"
            // Times as the hospital's clock reads them, with the day when it is not today.
            func when(_ t: Timestamp) -> String {
                let d = wall.localDate(t)
                return (d == wall.localDate(now) ? "" : "\(d) ") + wall.hhmm(t)
            }
            for m in o.moves {
                guard let c = s.procedures[m.procedure] else { continue }
                let what: String
                if let to = m.toResource, let start = m.toStart {
                    emit(.procedureMoved(ProcedureMoved(id: c.id, resource: to, start: start, end: start + (c.end - c.start), plan: id)))
                    what = "moved from \(c.resource) \(when(c.start)) to \(to) \(when(start))"
                } else {
                    emit(.procedureStatusChanged(ProcedureStatusChanged(id: c.id, status: .cancelled, reason: "Bumped: \(why)")))
                    emit(.cancellationRecorded(CancellationRecorded(procedure: c.id, reason: "Bumped to \(why)", within48h: c.start - now < .hours(48),
                                                                    avoidable: false, plan: id)))
                    what = "cancelled (was \(c.resource) \(when(c.start))); it needs a new date"
                }
                // The person who booked it, if on the roster (a feed is told nothing); else the coordinators.
                var owner: Assignee = .role(.coordinator)
                if let l = s.scheduling.bookedBy[c.id], let who = s.staff[l], who.role != .feed { owner = .person(l) }
                emit(.messageSent(MessageSent(id: MessageID(nextMessage), to: owner, patient: c.mrn, subject: "\(c.id) \(what)",
                                              body: "\(c.title) for \(c.mrn) was \(what) to \(why).", urgent: c.start - now < .hours(24), replyTo: nil, system: true)))
                nextMessage += 1
                _ = newTask("Tell \(c.mrn) that \(c.id) was \(m.isCancellation ? "cancelled and needs a new date" : "moved to \(m.toResource!) \(when(m.toStart!))")",
                            kind: .general, priority: c.start - now < .hours(24) ? .urgent : .routine,
                            due: min(max(now + .minutes(30), c.start - .hours(1)), now + .hours(4)), owner: .role(.coordinator), patient: c.mrn, link: .procedure(c.id))
            }
            emit(.planDecided(PlanDecided(id: id, option: n, addOn: addOn, reason: nil)))

        default:
            break
        }
    }
}

// MARK: - Time rules

extension Rules {
    /// An add-on still not started at its start-by time: a stat task, since its urgency was the
    /// reason other cases moved.
    static func addOnsLate(in s: HospitalState, at now: Timestamp, nextTask: inout Int) -> [Event] {
        var out: [Event] = []
        for (id, u) in s.scheduling.urgency.sorted(by: { $0.key < $1.key }) where u.lateTask == nil && now > u.startBy {
            guard let p = s.procedures[id], p.status == .scheduled else { continue }
            let task = TaskID(nextTask)
            nextTask += 1
            out.append(.taskCreated(TaskCreated(id: task, title: "\(u.urgency.rawValue.initialCapital) add-on \(id) on \(p.resource) has not started; it was to start by \(u.startBy)",
                                                kind: .escalation, priority: .stat, due: now, owner: .role(.supervisor), patient: p.mrn, link: .procedure(id), note: nil)))
            out.append(.urgencySet(UrgencySet(procedure: id, urgency: u.urgency, startBy: u.startBy, plan: u.plan, late: task)))
        }
        return out
    }
}

// MARK: - Applying

extension HospitalState {
    mutating func applyScheduling(_ r: Recorded) {
        switch r.event {
        case .addOnPlanned(let e):
            scheduling.plans[e.id] = AddOnPlan(id: e.id, request: e.request, options: e.options, proposedAt: r.time, by: r.actor, status: .proposed)
            scheduling.nextPlan = max(scheduling.nextPlan, e.id.number + 1)
        case .planEdited(let e):
            guard var p = scheduling.plans[e.id], e.option >= 1, e.option <= p.options.count else { anomalies += 1; return }
            p.options[e.option - 1] = e.plan
            scheduling.plans[e.id] = p
        case .planDecided(let e):
            guard var p = scheduling.plans[e.id] else { anomalies += 1; return }
            p.status = e.option == nil ? .rejected : .accepted
            p.accepted = e.option; p.addOn = e.addOn; p.reason = e.reason
            scheduling.plans[e.id] = p
            if let n = e.option, n >= 1, n <= p.options.count {
                for m in p.options[n - 1].moves { scheduling.bumpedBy[m.procedure] = e.id }
            }
        case .procedureMoved(let e):
            guard procedures.contains(e.id) else { anomalies += 1; return }
            procedures[e.id]!.resource = e.resource
            procedures[e.id]!.start = e.start
            procedures[e.id]!.end = e.end
            procedures[e.id]!.notReadyTask = nil
            procedures[e.id]!.missingAtCheck = []
        case .cancellationRecorded(let e):
            scheduling.cancellations[e.procedure] = Cancellation(reason: e.reason, within48h: e.within48h, avoidable: e.avoidable, plan: e.plan, at: r.time)
        case .urgencySet(let e):
            scheduling.urgency[e.procedure] = CaseUrgencyRecord(urgency: e.urgency, startBy: e.startBy, plan: e.plan, lateTask: e.late)
        default:
            break
        }
    }

    /// A procedure archived from the live view takes what scheduling held for it.
    mutating func forgetScheduling(of id: ProcedureID) {
        scheduling.bookedBy[id] = nil
        scheduling.urgency[id] = nil
        scheduling.cancellations[id] = nil
        scheduling.bumpedBy[id] = nil
    }
}

extension Event {
    /// Written beside another event that already says what happened (a cancellation's details
    /// beside the cancellation, an add-on's urgency beside its booking): left out of a status line.
    public var isCompanion: Bool {
        switch self {
        case .cancellationRecorded: true
        case .urgencySet(let u): u.late == nil
        default: false
        }
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    var uniqued: [Element] { var seen = Set<Element>(); return filter { seen.insert($0).inserted } }
}
