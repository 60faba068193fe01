/// Feeds from the hospital's systems: what an interface (the HL7 listener, `rounds hl7
/// listen`) may do to the hospital, how a message is applied whole or held, and the interface
/// items a coordinator resolves. The adapter parses and maps a message into `FeedAction`s
/// (RoundsHL7); everything that decides and records happens here, so replay gives the same
/// state and the duplicate check survives restarts (it lives in the journal).
///
/// Rules:
/// - A message is applied whole or not at all. If any of its actions is refused (a bed
///   occupied here, a transfer of a patient Rounds has not admitted, an unmapped location),
///   nothing of it is applied and it becomes an open interface item holding the message.
/// - The duplicate key is the sender's application, facility and control id (MSH-3, MSH-4,
///   MSH-10) with a digest of the message's bytes. The same key and digest again is a
///   duplicate: accepted, applied once. The same key with other content is applied (senders
///   reuse control ids). The last `duplicateWindow` keys are remembered.
/// - A coordinator retries an item (optionally with an override of the placement rules) or
///   dismisses it with a reason; the feed applies a retried item's message again.
public struct InterfaceItemID: SequentialID { public static let letter: Character = "I"; public let number: Int; public init(_ n: Int) { number = n } }

/// One message from an interface, as the adapter mapped it.
public struct FeedMessage: Equatable, Sendable {
    public enum Plan: Equatable, Sendable {
        /// Apply these, in order, all or none.
        case apply([FeedAction])
        /// The adapter could not map the message (an unmapped location or code, a missing
        /// identifier): hold it as an interface item with this problem.
        case hold(String)
    }
    /// `MSH-3|MSH-4|MSH-10`.
    public var key: String
    /// A digest of the message's bytes (the adapter's choice of hash; compared, never decoded).
    public var digest: UInt64
    /// Message type and trigger, e.g. `ADT^A02`.
    public var kind: String
    /// The message as received, segments separated by carriage returns.
    public var raw: String
    /// The patient the message is about, when the adapter could tell.
    public var patient: MRN?
    public var plan: Plan
    /// Set when the feed applies an interface item's message again.
    public var retryOf: InterfaceItemID?
    /// The reason given with a retry to override the placement rules.
    public var override: String?

    public init(key: String, digest: UInt64, kind: String, raw: String, patient: MRN?, plan: Plan,
                retryOf: InterfaceItemID? = nil, override: String? = nil) {
        self.key = key; self.digest = digest; self.kind = kind; self.raw = raw; self.patient = patient; self.plan = plan
        self.retryOf = retryOf; self.override = override
    }
}

/// What a message asks of the hospital. Patients are named by MRN (a merged-away MRN is
/// followed to the patient it was merged into); orders and appointments by the sender's
/// numbers, which Rounds keeps with its own labs and procedures.
public enum FeedAction: Equatable, Sendable {
    /// A01/A04: on the placement queue, or straight into `bed`.
    case admit(Admission, bed: BedID?)
    /// A04 of an outpatient (and A28/A31): the patient's details only, no stay.
    case register(Patient)
    /// A08: demographics and the attending; nil leaves a value as it is.
    case update(mrn: MRN, name: String?, dateOfBirth: LocalDate?, sex: Sex?, attending: String??)
    /// A02: into `bed`, from the queue or another bed.
    case moveTo(mrn: MRN, bed: BedID)
    /// A12: back to `bed`; when that is the bed just left, its cleaning request is cancelled.
    case cancelTransfer(mrn: MRN, bed: BedID)
    /// A03.
    case discharge(mrn: MRN, disposition: Disposition)
    /// A11: off the placement queue.
    case cancelAdmission(mrn: MRN)
    /// A13: the last stay again, in its bed if that is free, else on the placement queue.
    case cancelDischarge(mrn: MRN)
    /// A17.
    case swap(MRN, MRN)
    /// A40: `merged`'s records become `survivor`'s.
    case merge(survivor: MRN, merged: MRN, register: Patient?)
    /// ORM/OML new order (`order` is the sender's order number and test).
    case orderLab(order: String, mrn: MRN, test: String, priority: Priority, neededBy: Timestamp?, register: Patient?)
    case cancelLab(order: String, reason: String)
    /// ORU: a result for the order (ordered here first when Rounds has not seen the order).
    case resultLab(order: String, mrn: MRN, test: String, result: LabResult, status: ResultStatus, register: Patient?)
    /// SIU S12 (and S14 with new times): a procedure or appointment.
    case book(appointment: String, mrn: MRN, kind: ProcedureKind, resource: String, start: Timestamp, end: Timestamp,
              title: String?, register: Patient?)
    /// SIU S13/S14: new times.
    case reschedule(appointment: String, start: Timestamp, end: Timestamp)
    /// SIU S15/S17.
    case cancelBooking(appointment: String, reason: String)
    /// SIU S26.
    case noShow(appointment: String)

    /// A short description for an interface item's problem.
    public var summary: String {
        switch self {
        case .admit(let a, let bed): "admit \(a.mrn)" + (bed.map { " to bed \($0)" } ?? " to the placement queue")
        case .register(let p): "register \(p.mrn)"
        case .update(let mrn, _, _, _, _): "update \(mrn)"
        case .moveTo(let mrn, let bed): "move \(mrn) to bed \(bed)"
        case .cancelTransfer(let mrn, let bed): "cancel the transfer of \(mrn) (back to bed \(bed))"
        case .discharge(let mrn, let d): "discharge \(mrn) (\(d.rawValue))"
        case .cancelAdmission(let mrn): "cancel the admission of \(mrn)"
        case .cancelDischarge(let mrn): "cancel the discharge of \(mrn)"
        case .swap(let a, let b): "swap the beds of \(a) and \(b)"
        case .merge(let survivor, let merged, _): "merge \(merged) into \(survivor)"
        case .orderLab(let order, let mrn, let test, _, _, _): "order \(test) for \(mrn) (order \(order))"
        case .cancelLab(let order, _): "cancel order \(order)"
        case .resultLab(let order, let mrn, let test, _, let status, _): "\(status == .final ? "" : "\(status.rawValue) ")result of \(test) for \(mrn) (order \(order))"
        case .book(let appt, let mrn, let kind, let resource, _, _, _, _): "book \(kind.rawValue) for \(mrn) on \(resource) (appointment \(appt))"
        case .reschedule(let appt, _, _): "reschedule appointment \(appt)"
        case .cancelBooking(let appt, _): "cancel appointment \(appt)"
        case .noShow(let appt): "record a no-show for appointment \(appt)"
        }
    }
}

public enum InterfaceItemStatus: String, Vocabulary {
    /// `retrying`: a coordinator asked the feed to apply the message again.
    case open, retrying, applied, dismissed
    public var isOpen: Bool { self == .open || self == .retrying }
}

/// A message the hospital's rules refused, kept until a coordinator resolves it.
public struct InterfaceItem: Equatable, Sendable, Encodable {
    public var id: InterfaceItemID
    public var key: String
    public var kind: String
    public var problem: String
    public var raw: String
    public var patient: MRN?
    public var feed: Login
    public var raisedAt: Timestamp
    /// How many times it was tried (1 when raised).
    public var attempts: Int
    public var status: InterfaceItemStatus
    public var override: String?
    public var resolvedAt: Timestamp?
    public var resolvedBy: Login?
    public var note: String?
}

// MARK: - Events

public struct FeedReceived: Equatable, Sendable, Encodable {
    public var key: String; public var digest: UInt64; public var kind: String
    /// The interface item the message became; nil when it was applied.
    public var item: InterfaceItemID?
}
/// Raises an item, or (same id) records another failed attempt with its new problem.
public struct InterfaceItemRaised: Equatable, Sendable, Encodable {
    public var id: InterfaceItemID; public var key: String; public var kind: String; public var problem: String
    public var raw: String; public var patient: MRN?
}
public struct InterfaceRetryRequested: Equatable, Sendable, Encodable { public var id: InterfaceItemID; public var override: String? }
public struct InterfaceItemResolved: Equatable, Sendable, Encodable {
    public var id: InterfaceItemID; public var status: InterfaceItemStatus; public var note: String?
}
public struct DischargeCancelled: Equatable, Sendable, Encodable { public var mrn: MRN; public var stay: StayID; public var bed: BedID? }
public struct PatientMerged: Equatable, Sendable, Encodable { public var survivor: MRN; public var merged: MRN }

// MARK: - State

/// What the feeds add to the hospital's state.
public struct FeedState: Equatable, Sendable {
    /// How many message keys are remembered for the duplicate check (about eight hours of a
    /// busy hospital's feeds at 3 messages a second; senders resend within minutes).
    public static let duplicateWindow = 100_000
    /// Digests of the messages seen with each key (the last `digestsPerKey`).
    public internal(set) var seen: [String: [UInt64]] = [:]
    public static let digestsPerKey = 8
    /// Keys in the order first seen, oldest at `seenHead`, for forgetting the oldest.
    var seenOrder: [String] = []
    var seenHead = 0
    public internal(set) var items = IDTable<InterfaceItemID, InterfaceItem>()
    public internal(set) var openItems: IDSet<InterfaceItemID> = []
    /// Labs and procedures by the sender's numbers (rebuilt from the labs and procedures).
    public internal(set) var labByOrder: [String: LabID] = [:]
    public internal(set) var procedureByAppointment: [String: ProcedureID] = [:]
    /// MRNs merged away (A40), and the MRN each now belongs to.
    public internal(set) var mergedInto: [MRN: MRN] = [:]
    public internal(set) var nextItem = 1
    public internal(set) var received = 0

    public init() {}

    /// Whether this exact message (key and digest) was seen before.
    public func isDuplicate(key: String, digest: UInt64) -> Bool { seen[key]?.contains(digest) == true }

    mutating func remember(_ key: String, _ digest: UInt64) {
        if let i = seen.index(forKey: key) {
            if !seen.values[i].contains(digest) {
                seen.values[i].append(digest)
                if seen.values[i].count > FeedState.digestsPerKey { seen.values[i].removeFirst() }
            }
        } else {
            seen[key] = [digest]
            seenOrder.append(key)
            if seenOrder.count - seenHead > FeedState.duplicateWindow {
                seen[seenOrder[seenHead]] = nil
                seenHead += 1
                if seenHead >= 4_096, seenHead * 2 >= seenOrder.count {
                    seenOrder.removeFirst(seenHead)
                    seenHead = 0
                }
            }
        }
    }

    /// Keys still remembered, oldest first.
    public var rememberedKeys: ArraySlice<String> { seenOrder[seenHead...] }

    /// The MRN a (possibly merged-away) MRN now belongs to.
    public func resolve(_ mrn: MRN) -> MRN {
        var m = mrn
        for _ in 0..<16 { guard let next = mergedInto[m] else { break }; m = next }
        return m
    }
}

// MARK: - Deciding

extension Decider {
    /// Largest message kept in an interface item; the rest is cut (the sender still has it).
    public static let maxRawBytes = 65_536

    static func decideFeed(_ m: FeedMessage, in s: HospitalState, at now: Timestamp, by actor: Login) throws(Refusal) -> [Event] {
        guard !m.key.isEmpty, m.key.utf8.count <= 400 else { throw Refusal("a feed message needs a key of 1–400 bytes") }
        guard m.kind.utf8.count <= 40 else { throw Refusal("a feed message's kind is at most 40 bytes") }
        var retried: InterfaceItem?
        if let id = m.retryOf {
            guard let item = s.feeds.items[id] else { throw Refusal("no interface item \(id)") }
            guard item.status.isOpen else { throw Refusal("interface item \(id) is \(item.status.rawValue)") }
            retried = item
        } else if s.feeds.isDuplicate(key: m.key, digest: m.digest) {
            return []   // the same message again: accepted, applied once
        }
        let raw = m.raw.utf8.count <= maxRawBytes ? m.raw : String(decoding: m.raw.utf8.prefix(maxRawBytes), as: UTF8.self) + " [cut]"
        func hold(_ problem: String) -> [Event] {
            let id = retried?.id ?? InterfaceItemID(s.feeds.nextItem)
            // A retry refused again records its new problem; the message is already held.
            let raised = Event.interfaceItemRaised(InterfaceItemRaised(id: id, key: m.key, kind: m.kind, problem: problem,
                                                                       raw: retried == nil ? raw : "", patient: m.patient))
            if retried != nil { return [raised] }
            return [.feedReceived(FeedReceived(key: m.key, digest: m.digest, kind: m.kind, item: id)), raised]
        }
        switch m.plan {
        case .hold(let problem):
            return hold(problem)
        case .apply(let actions):
            var run = FeedRun(state: s, now: now, actor: actor, override: m.override ?? retried?.override)
            for (index, action) in actions.enumerated() {
                do throws(Refusal) {
                    try run.perform(action)
                } catch {
                    let which = actions.count > 1 ? " (action \(index + 1) of \(actions.count))" : ""
                    return hold("\(action.summary)\(which): \(error.description)")
                }
            }
            if let item = retried {
                return run.events + [.interfaceItemResolved(InterfaceItemResolved(id: item.id, status: .applied, note: nil))]
            }
            return [.feedReceived(FeedReceived(key: m.key, digest: m.digest, kind: m.kind, item: nil))] + run.events
        }
    }
}

/// Applies a message's actions one after another, each judged against what the earlier ones
/// leave. The state is copied only when a later action must read the earlier ones' events
/// through the decider; orders, results and a new patient's bed are worked out from the
/// events themselves, so a busy feed does not copy the hospital for each message.
private struct FeedRun {
    let base: HospitalState
    var state: HospitalState
    let now: Timestamp
    let actor: Login
    let override: String?
    var events: [Event] = []
    var unapplied = 0
    /// Numbers for labs and tasks this message creates, ahead of the state.
    var labCounter: Int
    var taskCounter: Int
    /// Labs this message ordered, by the sender's order and test.
    var newLabs: [String: LabOrder] = [:]
    /// Patients this message registered.
    var registered: Set<MRN> = []

    init(state: HospitalState, now: Timestamp, actor: Login, override: String?) {
        self.base = state; self.state = state; self.now = now; self.actor = actor; self.override = override
        labCounter = state.nextLab; taskCounter = state.nextTask
    }

    /// The state after every event so far (copied from `base` the first time it is needed).
    mutating func current() -> HospitalState {
        if unapplied > 0 {
            var seq = state.lastSeq
            for e in events.suffix(unapplied) { seq += 1; state.apply(Recorded(seq: seq, time: now, actor: actor, event: e)) }
            unapplied = 0
        }
        return state
    }

    mutating func emit(_ list: [Event]) {
        for e in list {
            switch e {
            case .labOrdered(let o): labCounter = max(labCounter, o.id.number + 1)
            case .taskCreated(let t): taskCounter = max(taskCounter, t.id.number + 1)
            case .patientRecorded(let p): registered.insert(p.mrn)
            default: break
            }
        }
        events += list; unapplied += list.count
    }

    mutating func decide(_ c: Command) throws(Refusal) {
        emit(try Decider.decide(c, in: current(), at: now, by: actor))
    }

    /// A bed as the sender named it, or the same with its number zero-padded (`5T-7` is
    /// `5T-07` here).
    func resolveBed(_ id: BedID, in s: HospitalState) -> BedID {
        if s.beds[id] != nil { return id }
        guard let dash = id.lastIndex(of: "-") else { return id }
        let unit = id[..<dash], number = id[id.index(after: dash)...]
        guard !number.isEmpty, number.count < 3, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return id }
        for width in [2, 3] where number.count < width {
            let padded = "\(unit)-\(String(repeating: "0", count: width - number.count))\(number)"
            if s.beds[padded] != nil { return padded }
        }
        return id
    }

    /// Refuses a bed Rounds does not have, saying where the name came from.
    func knownBed(_ id: BedID, in s: HospitalState) throws(Refusal) -> Bed {
        if let b = s.beds[id] { return b }
        do throws(Refusal) { return try Decision(s: s, now: now, actor: actor).bed(id) } catch {
            throw Refusal("\(error.reason) (from the message's location)",
                          hint: (error.hint.map { $0 + "; " } ?? "") + "map the sender's locations to Rounds' beds under [units] or [beds] in the feed's mapping file")
        }
    }

    /// A patient the message registers when Rounds does not know them yet.
    mutating func register(_ p: Patient?, as mrn: MRN) throws(Refusal) {
        guard base.patients[mrn] == nil, !registered.contains(mrn) else { return }
        guard var p else { throw Refusal("\(mrn) is not a patient Rounds knows", hint: "admit them first, or send the patient's name, date of birth and sex") }
        p.mrn = mrn
        guard IdentifierSyntax.isValidMRN(Substring(mrn)) else { throw Refusal("'\(mrn)' is not a valid MRN", hint: "use 3–20 letters, digits or -") }
        try checkFeedText(p.name, "the name", max: 100)
        emit([.patientRecorded(p)])
    }

    func checkFeedText(_ text: String, _ what: String, max: Int) throws(Refusal) {
        if let problem = TextSafety.problem(in: text, what) { throw Refusal(problem) }
        if text.count > max { throw Refusal("\(what) is longer than \(max) characters") }
    }

    mutating func perform(_ action: FeedAction) throws(Refusal) {
        let s = current()
        switch action {
        case .admit(var a, let bed):
            a.mrn = s.feeds.resolve(a.mrn)
            if let st = s.stay(of: a.mrn) {
                // The same admission sent again with a new control id, or with its bed now.
                guard let named = bed else { return }
                let bed = resolveBed(named, in: s)
                if st.bed == bed { return }
                _ = try knownBed(bed, in: s)
                if st.phase == .waiting { try decide(.assign(mrn: a.mrn, bed: bed, override: override)); return }
                throw Refusal("\(a.mrn) is already admitted, in bed \(st.bed ?? "?")", hint: "send an A02 transfer to move them")
            }
            let before = events.count
            try decide(.admit(a))
            guard let bed else { return }
            // The bed for the stay just requested, judged from the admission's own events.
            var stay: StayID?, patient = s.patients[a.mrn], needs: Set<BedAttribute> = []
            for e in events[before...] {
                if case .admissionRequested(let r) = e { stay = r.stay; needs = r.needs }
                if case .patientRecorded(let p) = e { patient = p }
            }
            guard let stay else { throw Refusal("the admission of \(a.mrn) was not recorded") }
            let b = try knownBed(resolveBed(bed, in: s), in: s)
            let d = Decision(s: s, now: now, actor: actor)
            try d.checkBedTakes(b, mrn: a.mrn)
            let ov = try d.overrideCovering(Decider.placementProblems(patient: patient, needs: needs, bed: b), override)
            emit([.bedAssigned(BedAssigned(mrn: a.mrn, stay: stay, bed: b.id, override: ov))])

        case .register(let p):
            let mrn = s.feeds.resolve(p.mrn)
            guard var known = s.patients[mrn] else { try register(p, as: mrn); return }
            try checkFeedText(p.name, "the name", max: 100)
            known.name = p.name; known.dateOfBirth = p.dateOfBirth; known.sex = p.sex
            if known != s.patients[mrn] { emit([.patientRecorded(known)]) }

        case let .update(mrn0, name, dob, sex, attending):
            let mrn = s.feeds.resolve(mrn0)
            guard var p = s.patients[mrn] else { throw Refusal("\(mrn) is not a patient Rounds knows", hint: "an A08 updates a patient admitted or registered before") }
            if let name { try checkFeedText(name, "the name", max: 100); p.name = name }
            if let dob {
                if dob > now.utcDate { throw Refusal("date of birth \(dob) is in the future") }
                p.dateOfBirth = dob
            }
            if let sex { p.sex = sex }
            if p != s.patients[mrn] { emit([.patientRecorded(p)]) }
            if let attending, let st = s.stay(of: mrn), st.attending != attending {
                if let a = attending { try checkFeedText(a, "the attending", max: 80) }
                emit([.stayUpdated(StayUpdated(mrn: mrn, stay: st.id, attending: attending, expectedDischarge: st.expectedDischarge,
                                               needs: st.needs, wantedUnit: st.wantedUnit))])
            }

        case let .moveTo(mrn0, named):
            let mrn = s.feeds.resolve(mrn0)
            guard let st = s.stay(of: mrn) else { throw Refusal("\(mrn) is not admitted here", hint: "an A01 admits the patient first") }
            let bed = resolveBed(named, in: s)
            _ = try knownBed(bed, in: s)
            if st.phase == .waiting { try decide(.assign(mrn: mrn, bed: bed, override: override)); return }
            if st.bed == bed { return }
            try decide(.transfer(mrn: mrn, bed: bed, override: override))

        case let .cancelTransfer(mrn0, named):
            let mrn = s.feeds.resolve(mrn0)
            guard let st = s.stay(of: mrn), st.phase == .inBed, let from = st.bed else { throw Refusal("\(mrn) is not in a bed here", hint: "nothing to cancel") }
            let bed = resolveBed(named, in: s)
            let b = try knownBed(bed, in: s)
            if from == bed { return }
            // Back to the bed just left: its cleaning request is cancelled, as for a cancelled
            // discharge, and the patient moves back. Any other bed must be ready as usual.
            let justLeft = st.history.dropLast().last?.bed == bed && b.patient == nil && (b.status == .dirty || b.status == .cleaning)
            if justLeft {
                if let t = s.cleaningTask[bed], s.tasks[t]?.status.isClosed == false {
                    emit([.taskStatusChanged(TaskStatusChanged(id: t, status: .cancelled, note: "Transfer cancelled: \(mrn) is back in the bed"))])
                }
                emit([.bedStatusChanged(BedStatusChanged(bed: bed, status: .available))])
            }
            try decide(.transfer(mrn: mrn, bed: bed, override: override))

        case let .discharge(mrn0, disposition):
            let mrn = s.feeds.resolve(mrn0)
            guard let st = s.stay(of: mrn) else { throw Refusal("\(mrn) is not admitted here", hint: "nothing to discharge") }
            if st.phase == .waiting {
                try decide(.cancelAdmission(mrn: mrn, reason: "Discharged by the hospital's system before a bed was assigned"))
            } else {
                try decide(.discharge(mrn: mrn, disposition: disposition))
            }

        case .cancelAdmission(let mrn0):
            let mrn = s.feeds.resolve(mrn0)
            guard let st = s.stay(of: mrn) else { throw Refusal("\(mrn) is not admitted here", hint: "nothing to cancel") }
            guard st.phase == .waiting else {
                throw Refusal("\(mrn) is already in bed \(st.bed ?? "?")", hint: "a coordinator decides: discharge the patient, or dismiss this item")
            }
            try decide(.cancelAdmission(mrn: mrn, reason: "Admission cancelled by the hospital's system"))

        case .cancelDischarge(let mrn0):
            let mrn = s.feeds.resolve(mrn0)
            if let st = s.stay(of: mrn) { throw Refusal("\(mrn) is admitted (\(st.bed.map { "bed \($0)" } ?? "waiting for a bed"))", hint: "no discharge to cancel") }
            var last: Stay?
            s.stays.forEachNumbered { _, st in if st.mrn == mrn, st.phase == .discharged { last = st } }
            guard let stay = last else { throw Refusal("\(mrn) has no recent discharge here", hint: "discharges older than \(HospitalState.retention.description) are archived") }
            var bed: BedID? = nil
            if let b = stay.history.last?.bed, let status = s.beds[b]?.status, status == .available || status == .dirty || status == .cleaning {
                bed = b
            }
            emit([.dischargeCancelled(DischargeCancelled(mrn: mrn, stay: stay.id, bed: bed))])

        case let .swap(a, b):
            try decide(.swap(first: s.feeds.resolve(a), second: s.feeds.resolve(b), override: override))

        case let .merge(survivor0, merged0, register):
            let survivor = s.feeds.resolve(survivor0), merged = s.feeds.resolve(merged0)
            guard survivor != merged else { throw Refusal("\(merged0) is already \(survivor)", hint: "a merge needs two different patients (MRG-1 must differ from PID-3)") }
            guard let old = s.patients[merged] else { throw Refusal("\(merged) is not a patient Rounds knows", hint: "nothing to merge") }
            if s.patients[survivor] == nil {
                var p = register ?? old
                p.mrn = survivor
                try self.register(p, as: survivor)
            }
            if s.stay(of: survivor) != nil, s.stay(of: merged) != nil {
                throw Refusal("both \(survivor) and \(merged) have a stay here", hint: "a coordinator discharges or cancels one first, then retries")
            }
            emit([.patientMerged(PatientMerged(survivor: survivor, merged: merged))])

        case let .orderLab(order, mrn0, test, priority, neededBy, register):
            if s.feeds.labByOrder[order] != nil || newLabs[order] != nil { return }   // ordered before
            let mrn = s.feeds.resolve(mrn0)
            try self.register(register, as: mrn)
            try orderLab(order: order, mrn: mrn, test: test, priority: priority, neededBy: neededBy)

        case let .cancelLab(order, reason):
            guard let id = s.feeds.labByOrder[order], let lab = s.labs[id] else { throw Refusal("no order \(order) here", hint: "the order was not sent to Rounds, or is archived") }
            if lab.status == .cancelled { return }
            try decide(.cancelLab(id, reason: reason))

        case let .resultLab(order, mrn0, test, result, status, register):
            let mrn = s.feeds.resolve(mrn0)
            if newLabs[order] == nil, s.feeds.labByOrder[order] == nil {
                try self.register(register, as: mrn)
                try orderLab(order: order, mrn: mrn, test: test, priority: .routine, neededBy: nil)
            }
            if let lab = newLabs[order] {
                newLabs[order] = try self.result(lab, result, status)
            } else if let id = s.feeds.labByOrder[order], let lab = s.labs[id] {
                newLabs[order] = try self.result(lab, result, status)
            } else {
                throw Refusal("order \(order) is archived", hint: "a result for an order older than \(HospitalState.retention.description) is entered by hand")
            }

        case let .book(appt, mrn0, kind, resource, start, end, title, register):
            if let id = s.feeds.procedureByAppointment[appt] {
                try perform(.reschedule(appointment: appt, start: start, end: end))
                _ = id
                return
            }
            let mrn = s.feeds.resolve(mrn0)
            try self.register(register, as: mrn)
            let before = events.count
            try decide(.bookProcedure(mrn: mrn, kind: kind, resource: resource, start: start, end: end, requires: [], title: title))
            for i in before..<events.count { if case .procedureBooked(var e) = events[i] { e.external = appt; events[i] = .procedureBooked(e) } }

        case let .reschedule(appt, start, end):
            guard let id = s.feeds.procedureByAppointment[appt], let p = s.procedures[id] else { throw Refusal("no appointment \(appt) here", hint: "an S12 books it first") }
            if p.start == start, p.end == end { return }
            try decide(.moveProcedure(id, start: start, end: end, override: nil))

        case let .cancelBooking(appt, reason):
            guard let id = s.feeds.procedureByAppointment[appt], let p = s.procedures[id] else { throw Refusal("no appointment \(appt) here", hint: "nothing to cancel") }
            if p.status == .cancelled { return }
            try decide(.cancelProcedure(id, reason: reason))

        case .noShow(let appt):
            guard let id = s.feeds.procedureByAppointment[appt], let p = s.procedures[id] else { throw Refusal("no appointment \(appt) here", hint: "nothing to mark") }
            if p.status == .noshow { return }
            guard p.status == .scheduled else { throw Refusal("appointment \(appt) is \(p.status.rawValue)", hint: "only a scheduled appointment can be a no-show") }
            emit([.procedureStatusChanged(ProcedureStatusChanged(id: id, status: .noshow, reason: "Patient did not attend"))])
        }
    }

    /// An order from the feed, worked out without the decider (its checks are the same).
    mutating func orderLab(order: String, mrn: MRN, test: String, priority: Priority, neededBy: Timestamp?) throws(Refusal) {
        guard base.patients[mrn] != nil || registered.contains(mrn) else {
            throw Refusal("\(mrn) is not a patient Rounds knows", hint: "admit them first, or send the patient's name, date of birth and sex")
        }
        let code = test.uppercased()
        guard (1...16).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw Refusal("'\(test)' is not a test code", hint: "map the sender's code to a Rounds test under [tests] in the mapping file")
        }
        // A needed-by time already past is kept as now: the order is late, not wrong.
        let needed = neededBy.map { max($0, now + .minutes(1)) }
        let id = LabID(labCounter)
        emit([.labOrdered(LabOrdered(id: id, mrn: mrn, test: code, priority: priority, neededBy: needed, external: order))])
        newLabs[order] = LabOrder(id: id, mrn: mrn, test: code, priority: priority, status: .ordered, orderedAt: now, neededBy: needed,
                                  collectedAt: nil, receivedAt: nil, resultedAt: nil, result: nil, acknowledgedBy: nil, acknowledgedAt: nil,
                                  communication: nil, criticalTask: nil, external: order)
    }

    /// A result from the lab's system: preliminary, final or corrected. Critical results raise
    /// the same communicate-with-read-back task as a typed one, once per critical value. A
    /// flag the lab left empty (or normal) is checked against the lab catalogue's limits, so a
    /// critical value is never taken as normal. Returns the lab as it now is.
    mutating func result(_ l: LabOrder, _ sent: LabResult, _ status: ResultStatus) throws(Refusal) -> LabOrder {
        let s = base
        let id = l.id
        if l.status == .cancelled { throw Refusal("lab \(id) was cancelled", hint: "a coordinator decides whether the result stands") }
        try checkFeedText(sent.value, "the value", max: 60)
        try checkFeedText(sent.units, "the units", max: 30)
        try checkFeedText(sent.range, "the range", max: 60)
        var given = sent
        if let known = LabCatalog.test(l.test) {
            if let flag = known.flag(for: given.value), flag.severity > given.flag.severity { given.flag = flag }
            if given.units.isEmpty { given.units = known.units }
            if given.range.isEmpty { given.range = known.range }
        }
        let resulted = l.status == .resulted
        // A final result sent again unchanged is nothing new; a changed one is a correction.
        if resulted, l.result == given, status != .corrected { return l }
        let effective: ResultStatus = resulted && status == .final ? .corrected : status
        if resulted, effective == .preliminary { throw Refusal("lab \(id) already has a final result", hint: "a preliminary result cannot replace it") }
        var task: TaskID? = nil
        let stillUntold = l.criticalTask.map { t in s.tasks[t]?.status.isClosed == false } ?? false
        if given.flag == .critical {
            task = stillUntold && l.result?.value == given.value ? l.criticalTask : TaskID(taskCounter)
        }
        emit([.labResulted(LabResulted(id: id, result: given, criticalTask: task, status: effective))])
        if let task, task != l.criticalTask {
            let shown = given.units.isEmpty ? given.value : "\(given.value) \(given.units)"
            let what = effective == .final ? "critical" : "\(effective.rawValue) critical"
            emit([.taskCreated(TaskCreated(id: task, title: "Communicate \(what) \(l.test) \(shown) to the responsible clinician",
                                           kind: .criticalresult, priority: .stat, due: now + s.policy.criticalWindow,
                                           owner: .role(.coordinator), patient: l.mrn, link: .lab(id), note: nil))])
        }
        var after = l
        after.status = effective == .preliminary ? .preliminary : .resulted
        after.result = given
        after.resultStatus = effective
        if let task { after.criticalTask = task }
        // A procedure flagged not ready becomes ready when its last missing lab is resulted.
        guard effective != .preliminary else { return after }
        for pid in s.scheduledProcedures.sorted() {
            guard let p = s.procedures[pid], p.mrn == l.mrn, let t = p.notReadyTask, s.tasks[t]?.status.isClosed == false,
                  s.missingTests(for: p).allSatisfy({ $0.caseInsensitiveCompare(l.test) }) else { continue }
            emit([.taskStatusChanged(TaskStatusChanged(id: t, status: .done, note: "All required labs for \(pid) are resulted"))])
        }
        return after
    }
}

// MARK: - Interface items: a coordinator's commands

extension Decider {
    static func decideInterface(_ command: Command, in s: HospitalState, at now: Timestamp) throws(Refusal) -> [Event] {
        switch command {
        case let .dismissInterfaceItem(id, reason):
            let item = try openItem(id, in: s)
            let trimmed = reason.trimmingCharacters(in: " ")
            guard !trimmed.isEmpty else { throw Refusal("a dismissal needs a reason", hint: "interface dismiss \(id) \"entered by hand in Rounds\"") }
            if let problem = TextSafety.problem(in: trimmed, "the reason") { throw Refusal(problem) }
            guard trimmed.count <= 200 else { throw Refusal("the reason is longer than 200 characters") }
            _ = item
            return [.interfaceItemResolved(InterfaceItemResolved(id: id, status: .dismissed, note: trimmed))]
        case let .retryInterfaceItem(id, override):
            let item = try openItem(id, in: s)
            if item.status == .retrying, override == item.override { throw Refusal("interface item \(id) is already waiting for the feed to retry it") }
            if let override {
                let trimmed = override.trimmingCharacters(in: " ")
                guard !trimmed.isEmpty else { throw Refusal("an override needs a reason") }
                if let problem = TextSafety.problem(in: trimmed, "the override") { throw Refusal(problem) }
                guard trimmed.count <= 200 else { throw Refusal("the override is longer than 200 characters") }
                return [.interfaceRetryRequested(InterfaceRetryRequested(id: id, override: trimmed))]
            }
            return [.interfaceRetryRequested(InterfaceRetryRequested(id: id, override: nil))]
        default:
            return []
        }
    }

    static func openItem(_ id: InterfaceItemID, in s: HospitalState) throws(Refusal) -> InterfaceItem {
        guard let item = s.feeds.items[id] else {
            throw Refusal("no interface item \(id)", hint: s.feeds.openItems.isEmpty ? "there are no open interface items" : "open items: \(s.feeds.openItems.prefix(8).map(\.description).joined(separator: ", "))")
        }
        guard item.status.isOpen else { throw Refusal("interface item \(id) is already \(item.status.rawValue)") }
        return item
    }
}

// MARK: - Applying

extension HospitalState {
    mutating func applyFeed(_ r: Recorded) {
        let now = r.time
        switch r.event {
        case .feedReceived(let e):
            feeds.remember(e.key, e.digest)
            feeds.received += 1
        case .interfaceItemRaised(let e):
            if var item = feeds.items[e.id] {
                item.problem = e.problem
                item.attempts += 1
                item.status = .open
                item.override = nil
                feeds.items[e.id] = item
            } else {
                guard feeds.items.accepts(e.id) else { anomalies += 1; return }
                feeds.items.insert(InterfaceItem(id: e.id, key: e.key, kind: e.kind, problem: e.problem, raw: e.raw, patient: e.patient,
                                                 feed: r.actor, raisedAt: now, attempts: 1, status: .open, override: nil,
                                                 resolvedAt: nil, resolvedBy: nil, note: nil), at: e.id)
                feeds.nextItem = max(feeds.nextItem, e.id.number + 1)
            }
            feeds.openItems.insert(e.id)
        case .interfaceRetryRequested(let e):
            guard feeds.items.contains(e.id) else { anomalies += 1; return }
            feeds.items[e.id]!.status = .retrying
            feeds.items[e.id]!.override = e.override
        case .interfaceItemResolved(let e):
            guard feeds.items.contains(e.id) else { anomalies += 1; return }
            feeds.items[e.id]!.status = e.status
            feeds.items[e.id]!.resolvedAt = now
            feeds.items[e.id]!.resolvedBy = r.actor
            feeds.items[e.id]!.note = e.note
            feeds.openItems.remove(e.id)
        case .dischargeCancelled(let e):
            guard stays.contains(e.stay), activeStay[e.mrn] == nil else { anomalies += 1; return }
            stays[e.stay]!.dischargedAt = nil
            stays[e.stay]!.disposition = nil
            activeStay[e.mrn] = e.stay
            // The follow-up after discharge no longer applies: the patient is back.
            for t in openTasks where tasks[t]?.kind == .followup && tasks[t]?.link == .stay(e.stay) {
                setTaskStatus(t, .cancelled, note: "Discharge cancelled", at: now, by: r.actor)
            }
            if let bed = e.bed, beds.keys.contains(bed) {
                if let t = cleaningTask.removeValue(forKey: bed), tasks[t]?.status.isClosed == false {
                    setTaskStatus(t, .cancelled, note: "Discharge cancelled: \(e.mrn) is back in the bed", at: now, by: r.actor)
                }
                beds[bed]?.hold(e.mrn, .occupied, at: now)
                stays[e.stay]!.phase = .inBed
                stays[e.stay]!.bed = bed
                stays[e.stay]!.history.append(BedMove(bed: bed, from: now, to: nil, override: nil))
            } else {
                stays[e.stay]!.phase = .waiting
                stays[e.stay]!.requestedAt = now
            }
        case .patientMerged(let e):
            feeds.mergedInto[e.merged] = e.survivor
            if let stay = activeStay.removeValue(forKey: e.merged) {
                activeStay[e.survivor] = stay
                stays[stay]?.mrn = e.survivor
                if let bed = stays[stay]?.bed, beds[bed]?.patient == e.merged { beds[bed]?.patient = e.survivor }
            }
            if let bed = reservation.removeValue(forKey: e.merged) {
                reservation[e.survivor] = bed
                if beds[bed]?.patient == e.merged { beds[bed]?.patient = e.survivor }
            }
            if let labIDs = labsByPatient.removeValue(forKey: e.merged) {
                for id in labIDs { labs[id]?.mrn = e.survivor }
                labsByPatient[e.survivor, default: []].append(contentsOf: labIDs)
            }
            for id in openTasks where tasks[id]?.patient == e.merged { tasks[id]!.patient = e.survivor }
            for id in scheduledProcedures where procedures[id]?.mrn == e.merged { procedures[id]!.mrn = e.survivor }
        default:
            break
        }
    }
}
