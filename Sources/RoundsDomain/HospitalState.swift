/// The whole hospital as the engine holds it in memory: the fold of every journal record.
public struct HospitalState: Equatable, Sendable {
    public internal(set) var lastSeq: UInt64 = 0
    public internal(set) var lastTime = Timestamp(milliseconds: 0)
    public internal(set) var policy = Policy()
    public internal(set) var unitOrder: [UnitCode] = []
    public internal(set) var units: [UnitCode: Unit] = [:]
    public internal(set) var beds: [BedID: Bed] = [:]
    public internal(set) var patients: [MRN: Patient] = [:]
    public internal(set) var stays = IDTable<StayID, Stay>()
    /// The waiting or in-bed stay of each patient who has one.
    public internal(set) var activeStay: [MRN: StayID] = [:]
    public internal(set) var tasks = IDTable<TaskID, WorklistTask>()
    public internal(set) var openTasks: IDSet<TaskID> = []
    /// The open tasks in due order per priority (OpenTaskIndex.swift).
    public internal(set) var openTaskIndex = OpenTaskIndex()
    public internal(set) var labs = IDTable<LabID, LabOrder>()
    /// Labs not yet resulted or cancelled, and resulted critical labs not yet communicated.
    public internal(set) var activeLabs: IDSet<LabID> = []
    public internal(set) var procedures = IDTable<ProcedureID, Procedure>()
    public internal(set) var scheduledProcedures: IDSet<ProcedureID> = []
    public internal(set) var messages = IDTable<MessageID, Message>()
    /// Urgent messages not yet acknowledged.
    public internal(set) var unacknowledgedUrgent: IDSet<MessageID> = []
    public internal(set) var staff: [Login: Staff] = [:]
    /// Sessions by number (the seq of their `session.opened` record).
    public internal(set) var sessions: [UInt64: SessionInfo] = [:]
    /// Break-glass grants; the latest grant of each login that may still be in force; the review queue.
    public internal(set) var grants = IDTable<GrantID, BreakGlass>()
    public internal(set) var grantOf: [Login: GrantID] = [:]
    public internal(set) var awaitingReview: IDSet<GrantID> = []
    /// Shift handovers; the one in progress or paused; when each login last completed one.
    public internal(set) var handovers = IDTable<HandoverID, Handover>()
    public internal(set) var openHandover: HandoverID?
    public internal(set) var lastHandoverGiven: [Login: Timestamp] = [:]
    public internal(set) var shifts: [ShiftDefinition] = ShiftDefinition.defaults
    /// The hospital's name (`rounds init --hospital`, `hospital name "…"`); nil until named.
    public internal(set) var hospitalName: String?
    /// What the interfaces from the hospital's systems add (Feeds.swift).
    public internal(set) var feeds = FeedState()
    /// Pre-authorizations, eligibility, documents and beds for afterwards (Readiness.swift).
    public internal(set) var readiness = ReadinessState()
    /// Add-on plans, urgencies, owners and cancellations (AddOn.swift).
    public internal(set) var scheduling = SchedulingState()
    /// Discharge barriers of each stay (Forecast.swift).
    public internal(set) var barriers = BarrierState()
    /// Indexes kept by `apply` so that no event scans every bed, task or lab.
    public internal(set) var reservation: [MRN: BedID] = [:]
    public internal(set) var cleaningTask: [BedID: TaskID] = [:]
    public internal(set) var labsByPatient: [MRN: [LabID]] = [:]
    /// Events whose references did not resolve when applied (a journal written by a faulty
    /// tool); counted, never fatal, and reported by `journal verify`.
    public internal(set) var anomalies: Int = 0
    /// Closed items waiting to be archived out of memory (Archive.swift).
    public internal(set) var retiring = RetireQueue()
    /// The last record that could have changed each view (ChangeMarks.swift); not compared.
    public internal(set) var changeMarks = ChangeMarks()
    /// Messages in time order and unacknowledged urgent ones in order (MessageIndex.swift); not compared.
    public internal(set) var messageIndex = MessageIndex()
    /// Whether a long replay is in progress, and the items it archived not yet handed over
    /// (Archive.swift). Not compared, not in snapshots.
    var replaying = Replaying()

    public internal(set) var nextStay = 1
    public internal(set) var nextTask = 1
    public internal(set) var nextLab = 1
    public internal(set) var nextMessage = 1
    public internal(set) var nextProcedure = 1
    public internal(set) var nextGrant = 1
    public internal(set) var nextHandover = 1

    public init() {}

    /// Sizes the tables for a replay of about `records` records, so that they do not regrow and
    /// move their contents over and over while a long journal is read. Proportions are those of
    /// a simulated hospital's journal (Docs/PERFORMANCE.md); a guess only costs address space.
    public mutating func reserveCapacity(records: Int) {
        tasks.reserveCapacity(records / 6)
        labs.reserveCapacity(records / 7)
        messages.reserveCapacity(records / 6)
        stays.reserveCapacity(records / 16)
        procedures.reserveCapacity(records / 40)
        patients.reserveCapacity(records / 16)
    }

    public func stay(of mrn: MRN) -> Stay? { activeStay[mrn].flatMap { stays[$0] } }

    /// Patients waiting for a bed, longest wait first.
    public var placementQueue: [Stay] {
        // Read in place and sorted by small keys; only the waiting stays are copied, once.
        var waiting: [(at: Timestamp, id: StayID)] = []
        for id in activeStay.values where stays[id]?.phase == .waiting {
            if let at = stays[id]?.requestedAt { waiting.append((at, id)) }
        }
        waiting.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        return waiting.compactMap { stays[$0.id] }
    }

    /// Beds of a unit in the order they were added.
    public func beds(in unit: UnitCode) -> [Bed] { units[unit]?.beds.compactMap { beds[$0] } ?? [] }

    /// Required tests of a procedure that have no resulted order for the patient.
    public func missingTests(for p: Procedure) -> [String] {
        let mine = (labsByPatient[p.mrn] ?? []).compactMap { labs[$0] }
        return p.requiredTests.filter { test in
            !mine.contains { $0.test.caseInsensitiveCompare(test) && $0.status == .resulted }
        }
    }

    /// Ready when every requirement is met: labs resulted, and what Readiness.swift adds
    /// (pre-authorization, eligibility, documents, a bed for afterwards).
    public func isReady(_ p: Procedure) -> Bool { requirements(of: p, at: lastTime, details: false).allSatisfy(\.met) }

    // MARK: - apply

    /// Applies one journal record. Deterministic: the same records in the same order give the
    /// same state on every machine.
    public mutating func apply(_ r: Recorded) {
        lastSeq = r.seq
        if r.time > lastTime { lastTime = r.time }
        if !replaying.on { changeMarks.note(r) }
        let now = r.time
        // After the event (so it always finds what the decider saw), archive what has been
        // closed for longer than the retention.
        defer {
            if retiring.head < retiring.entries.count, retiring.entries[retiring.head].at <= now - HospitalState.retention {
                archiveDue(at: now)
            }
        }
        if !grantOf.isEmpty, r.event.isWork { noteGrantAction(r) }
        switch r.event {
        case .unitAdded(let e):
            if !units.keys.contains(e.code) { unitOrder.append(e.code) }
            units[e.code] = Unit(code: e.code, name: e.name, kind: e.kind, beds: units[e.code]?.beds ?? [])
        case .bedAdded(let e):
            guard units.keys.contains(e.unit), !beds.keys.contains(e.id) else { anomalies += 1; return }
            units[e.unit]!.beds.append(e.id)
            beds[e.id] = Bed(id: e.id, unit: e.unit, attributes: e.attributes, status: .available, since: now, patient: nil, block: nil)
        case .staffRecorded(let s):
            staff[s.login] = s
        case .policySet(let e):
            policy.set(e.key, e.value)
        case .patientRecorded(let p):
            patients[p.mrn] = p
        case .admissionRequested(let e):
            guard stays.accepts(e.stay) else { anomalies += 1; return }
            stays.insert(Stay(id: e.stay, mrn: e.mrn, source: e.source, requestedAt: now, wantedUnit: e.wantedUnit, needs: e.needs,
                                 attending: e.attending, expectedDischarge: e.expectedDischarge, phase: .waiting,
                                 admittedAt: nil, bed: nil, history: [], dischargedAt: nil, disposition: nil), at: e.stay)
            activeStay[e.mrn] = e.stay
            nextStay = max(nextStay, e.stay.number + 1)
        case .admissionCancelled(let e):
            guard stays.contains(e.stay) else { anomalies += 1; return }
            stays[e.stay]!.phase = .cancelled
            stays[e.stay]!.dischargedAt = now
            activeStay[e.mrn] = nil
            releaseReservations(of: e.mrn, at: now)
            retire(.stay(e.stay), at: now)
        case .bedReserved(let e):
            guard beds.keys.contains(e.bed) else { anomalies += 1; return }
            releaseReservations(of: e.mrn, at: now)
            reservation[e.mrn] = e.bed
            beds[e.bed]?.hold(e.mrn, .reserved, at: now)
        case .reservationReleased(let e):
            guard beds.keys.contains(e.bed) else { anomalies += 1; return }
            if let mrn = beds[e.bed]?.patient, reservation[mrn] == e.bed { reservation[mrn] = nil }
            setBed(e.bed, .available, at: now)
        case .bedAssigned(let e):
            guard beds.keys.contains(e.bed), stays.contains(e.stay) else { anomalies += 1; return }
            releaseReservations(of: e.mrn, at: now, except: e.bed)
            beds[e.bed]?.hold(e.mrn, .occupied, at: now)
            stays[e.stay]!.phase = .inBed
            stays[e.stay]!.bed = e.bed
            stays[e.stay]!.admittedAt = stays[e.stay]!.admittedAt ?? now
            stays[e.stay]!.history.append(BedMove(bed: e.bed, from: now, to: nil, override: e.override))
        case .patientTransferred(let e):
            guard beds.keys.contains(e.from), beds.keys.contains(e.to), stays.contains(e.stay) else { anomalies += 1; return }
            releaseReservations(of: e.mrn, at: now, except: e.to)
            setBed(e.from, .dirty, at: now)
            beds[e.to]?.hold(e.mrn, .occupied, at: now)
            closeMove(stay: e.stay, at: now)
            stays[e.stay]!.bed = e.to
            stays[e.stay]!.history.append(BedMove(bed: e.to, from: now, to: nil, override: e.override))
        case .bedsSwapped(let e):
            guard beds.keys.contains(e.firstBed), beds.keys.contains(e.secondBed),
                  let s1 = activeStay[e.first], let s2 = activeStay[e.second] else { anomalies += 1; return }
            beds[e.firstBed]?.hold(e.second, at: now)
            beds[e.secondBed]?.hold(e.first, at: now)
            closeMove(stay: s1, at: now)
            closeMove(stay: s2, at: now)
            stays[s1]!.bed = e.secondBed
            stays[s2]!.bed = e.firstBed
            stays[s1]!.history.append(BedMove(bed: e.secondBed, from: now, to: nil, override: e.override))
            stays[s2]!.history.append(BedMove(bed: e.firstBed, from: now, to: nil, override: e.override))
        case .patientDischarged(let e):
            guard stays.contains(e.stay) else { anomalies += 1; return }
            if let bed = e.bed, beds.keys.contains(bed) { setBed(bed, .dirty, at: now) }
            closeMove(stay: e.stay, at: now)
            stays[e.stay]!.phase = .discharged
            stays[e.stay]!.bed = nil
            stays[e.stay]!.dischargedAt = now
            stays[e.stay]!.disposition = e.disposition
            activeStay[e.mrn] = nil
            releaseReservations(of: e.mrn, at: now)
            retire(.stay(e.stay), at: now)
        case .stayUpdated(let e):
            guard stays.contains(e.stay) else { anomalies += 1; return }
            stays[e.stay]!.attending = e.attending
            stays[e.stay]!.expectedDischarge = e.expectedDischarge
            stays[e.stay]!.needs = e.needs
            stays[e.stay]!.wantedUnit = e.wantedUnit
        case .bedStatusChanged(let e):
            guard beds.keys.contains(e.bed) else { anomalies += 1; return }
            setBed(e.bed, e.status, at: now)
            if e.status == .available { closeCleaningTasks(bed: e.bed, at: now, by: r.actor) }
        case .bedBlocked(let e):
            guard beds.keys.contains(e.bed) else { anomalies += 1; return }
            if let mrn = beds[e.bed]?.patient, reservation[mrn] == e.bed { reservation[mrn] = nil }
            beds[e.bed]?.set(.blocked, at: now, block: BedBlock(reason: e.reason, since: now, until: e.until, returnsTo: e.returnsTo))
        case .bedUnblocked(let e):
            guard beds.keys.contains(e.bed) else { anomalies += 1; return }
            setBed(e.bed, beds[e.bed]?.block?.returnsTo ?? .available, at: now)
        case .taskCreated(let e):
            guard tasks.accepts(e.id) else { anomalies += 1; return }
            if openTasks.contains(e.id) { openTaskIndex.remove(e.id, from: tasks) }
            tasks.insert(WorklistTask(id: e.id, title: e.title, kind: e.kind, priority: e.priority, due: e.due, owner: e.owner,
                                       status: .open, patient: e.patient, link: e.link,
                                       notes: e.note.map { [Note(at: now, by: r.actor, text: $0)] } ?? [],
                                       createdAt: now, createdBy: r.actor, closedAt: nil, closedBy: nil, communication: nil, escalation: 0), at: e.id)
            openTasks.insert(e.id)
            openTaskIndex.insert(e.id, from: tasks)
            if e.kind == .cleaning, case .bed(let bed) = e.link { cleaningTask[bed] = e.id }
            nextTask = max(nextTask, e.id.number + 1)
        case .taskStatusChanged(let e):
            guard tasks.contains(e.id) else { anomalies += 1; return }
            setTaskStatus(e.id, e.status, note: e.note, at: now, by: r.actor)
        case .taskReassigned(let e):
            guard tasks.contains(e.id) else { anomalies += 1; return }
            let open = openTasks.contains(e.id)
            if open { openTaskIndex.remove(e.id, from: tasks) }
            tasks[e.id]!.owner = e.owner
            if open { openTaskIndex.insert(e.id, from: tasks) }
        case .taskRescheduled(let e):
            guard tasks.contains(e.id) else { anomalies += 1; return }
            let open = openTasks.contains(e.id)
            if open { openTaskIndex.remove(e.id, from: tasks) }
            tasks[e.id]!.due = e.due
            if open { openTaskIndex.insert(e.id, from: tasks) }
            tasks[e.id]!.escalation = 0
            if let reason = e.reason { tasks[e.id]!.notes.append(Note(at: now, by: r.actor, text: reason)) }
        case .taskNoted(let e):
            guard tasks.contains(e.id) else { anomalies += 1; return }
            tasks[e.id]!.notes.append(Note(at: now, by: r.actor, text: e.text))
        case .taskEscalated(let e):
            guard tasks.contains(e.id) else { anomalies += 1; return }
            tasks[e.id]!.escalation = max(tasks[e.id]!.escalation, e.level)
        case .labOrdered(let e):
            guard labs.accepts(e.id) else { anomalies += 1; return }
            labs.insert(LabOrder(id: e.id, mrn: e.mrn, test: e.test, priority: e.priority, status: .ordered, orderedAt: now,
                                  neededBy: e.neededBy, collectedAt: nil, receivedAt: nil, resultedAt: nil, result: nil,
                                  acknowledgedBy: nil, acknowledgedAt: nil, communication: nil, criticalTask: nil, external: e.external), at: e.id)
            if let order = e.external { feeds.labByOrder[order] = e.id }
            activeLabs.insert(e.id)
            labsByPatient[e.mrn, default: []].append(e.id)
            nextLab = max(nextLab, e.id.number + 1)
        case .labProgressed(let e):
            guard labs.contains(e.id) else { anomalies += 1; return }
            labs[e.id]!.status = e.status
            if e.status == .collected { labs[e.id]!.collectedAt = now }
            if e.status == .received { labs[e.id]!.receivedAt = now }
        case .labResulted(let e):
            guard labs.contains(e.id) else { anomalies += 1; return }
            let previous = labs[e.id]!.result
            let status = e.status ?? .final
            labs[e.id]!.status = status == .preliminary ? .preliminary : .resulted
            labs[e.id]!.resultedAt = now
            labs[e.id]!.result = e.result
            labs[e.id]!.resultStatus = status
            if status == .corrected { labs[e.id]!.replaced = previous }
            if e.criticalTask != labs[e.id]!.criticalTask, e.criticalTask != nil { labs[e.id]!.communication = nil }
            labs[e.id]!.criticalTask = e.criticalTask ?? (e.result.flag == .critical ? labs[e.id]!.criticalTask : nil)
            if status == .preliminary || labs[e.id]!.awaitsCommunication {
                activeLabs.insert(e.id)
            } else if activeLabs.remove(e.id) != nil || status == .final {
                retire(.lab(e.id), at: now)
            }
        case .labAcknowledged(let e):
            guard labs.contains(e.id) else { anomalies += 1; return }
            labs[e.id]!.acknowledgedBy = r.actor
            labs[e.id]!.acknowledgedAt = now
        case .criticalCommunicated(let e):
            guard labs.contains(e.lab), tasks.contains(e.task) else { anomalies += 1; return }
            let c = Communication(toldName: e.toldName, toldRole: e.toldRole, readBack: e.readBack, at: now, by: r.actor)
            labs[e.lab]!.communication = c
            labs[e.lab]!.acknowledgedBy = labs[e.lab]!.acknowledgedBy ?? r.actor
            labs[e.lab]!.acknowledgedAt = labs[e.lab]!.acknowledgedAt ?? now
            activeLabs.remove(e.lab)
            retire(.lab(e.lab), at: now)
            tasks[e.task]!.communication = c
            setTaskStatus(e.task, .done, note: "Told \(e.toldName) (\(e.toldRole.label)); read back \(e.readBack)", at: now, by: r.actor)
        case .labCancelled(let e):
            guard labs.contains(e.id) else { anomalies += 1; return }
            labs[e.id]!.status = .cancelled
            activeLabs.remove(e.id)
            retire(.lab(e.id), at: now)
        case .procedureBooked(let e):
            guard procedures.accepts(e.id) else { anomalies += 1; return }
            procedures.insert(Procedure(id: e.id, mrn: e.mrn, kind: e.kind, title: e.title, resource: e.resource, start: e.start,
                                         end: e.end, requiredTests: e.requiredTests, status: .scheduled, notReadyTask: nil, missingAtCheck: [],
                                         external: e.external), at: e.id)
            if let appt = e.external { feeds.procedureByAppointment[appt] = e.id }
            scheduledProcedures.insert(e.id)
            scheduling.bookedBy[e.id] = r.actor
            nextProcedure = max(nextProcedure, e.id.number + 1)
        case .procedureRescheduled(let e):
            guard procedures.contains(e.id) else { anomalies += 1; return }
            procedures[e.id]!.start = e.start
            procedures[e.id]!.end = e.end
            procedures[e.id]!.notReadyTask = nil
            procedures[e.id]!.missingAtCheck = []
        case .procedureStatusChanged(let e):
            guard procedures.contains(e.id) else { anomalies += 1; return }
            procedures[e.id]!.status = e.status
            if e.status.isClosed { scheduledProcedures.remove(e.id); retire(.procedure(e.id), at: now) }
        case .procedureNotReady(let e):
            guard procedures.contains(e.id) else { anomalies += 1; return }
            procedures[e.id]!.notReadyTask = e.task
            procedures[e.id]!.missingAtCheck = e.missing
        case .messageSent(let e):
            guard messages.accepts(e.id) else { anomalies += 1; return }
            let thread = e.replyTo.flatMap { messages[$0]?.thread } ?? e.id
            messages.insert(Message(id: e.id, from: r.actor, to: e.to, patient: e.patient, subject: e.subject, body: e.body,
                                     urgent: e.urgent, sentAt: now, thread: thread, replyTo: e.replyTo, readBy: [r.actor: now],
                                     acknowledgedBy: nil, acknowledgedAt: nil, escalation: 0, system: e.system), at: e.id)
            if e.urgent { unacknowledgedUrgent.insert(e.id) } else { retire(.message(e.id), at: now) }
            messageIndex.sent(e.id, at: now, next: nextMessage, urgent: e.urgent)
            nextMessage = max(nextMessage, e.id.number + 1)
        case .messageRead(let e):
            guard messages.contains(e.id) else { anomalies += 1; return }
            if messages[e.id]!.readBy[r.actor] == nil { messages[e.id]!.readBy[r.actor] = now }
        case .messageAcknowledged(let e):
            guard messages.contains(e.id) else { anomalies += 1; return }
            if messages[e.id]!.readBy[r.actor] == nil { messages[e.id]!.readBy[r.actor] = now }
            messages[e.id]!.acknowledgedBy = r.actor
            messages[e.id]!.acknowledgedAt = now
            messages[e.id]!.acknowledgedOnBehalfOf = e.onBehalfOf
            if unacknowledgedUrgent.remove(e.id) != nil { messageIndex.acknowledged(e.id); retire(.message(e.id), at: now) }
        case .messageEscalated(let e):
            guard messages.contains(e.id) else { anomalies += 1; return }
            messages[e.id]!.escalation = max(messages[e.id]!.escalation, e.level)
        case .accessRecorded:
            // The audit trail is the journal itself; reading changes nothing in the hospital.
            break
        case .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed:
            applyAccess(r)
        case .hospitalNamed(let e):
            hospitalName = e.name
        case .feedReceived, .interfaceItemRaised, .interfaceRetryRequested, .interfaceItemResolved, .dischargeCancelled, .patientMerged:
            applyFeed(r)
        case .preAuthRecorded, .preAuthChanged, .preAuthLinked, .preAuthOverdue, .eligibilityVerified, .documentRecorded, .bedAfterSet,
             .readinessFlagged, .documentsRequired:
            applyReadiness(r)
        case .addOnPlanned, .planEdited, .planDecided, .procedureMoved, .cancellationRecorded, .urgencySet:
            applyScheduling(r)
        case .barrierRecorded, .barrierResolved:
            applyBarriers(r)
        case .ipassUpdated, .handoverStarted, .handoverAcknowledged, .handoverStatusChanged, .shiftsDefined:
            applyHandover(r)
        }
    }

    private mutating func setBed(_ id: BedID, _ status: BedStatus, at now: Timestamp) {
        beds[id]?.set(status, at: now)
    }

    private mutating func releaseReservations(of mrn: MRN, at now: Timestamp, except keep: BedID? = nil) {
        guard let id = reservation[mrn] else { return }
        reservation[mrn] = nil
        if id != keep, beds[id]?.status == .reserved, beds[id]?.patient == mrn { setBed(id, .available, at: now) }
    }

    private mutating func closeMove(stay: StayID, at now: Timestamp) {
        guard let last = stays[stay]?.history.indices.last else { return }
        stays[stay]!.history[last].to = now
    }

    mutating func setTaskStatus(_ id: TaskID, _ status: TaskStatus, note: String?, at now: Timestamp, by actor: Login) {
        tasks[id]!.status = status
        if let note { tasks[id]!.notes.append(Note(at: now, by: actor, text: note)) }
        if status.isClosed {
            tasks[id]!.closedAt = now
            tasks[id]!.closedBy = actor
            if openTasks.remove(id) != nil { openTaskIndex.remove(id, from: tasks) }
            retire(.task(id), at: now)
        } else {
            tasks[id]!.closedAt = nil
            tasks[id]!.closedBy = nil
            if openTasks.insert(id).inserted { openTaskIndex.insert(id, from: tasks) }
        }
    }

    /// A bed that is clean again closes the cleaning request raised when it went dirty.
    private mutating func closeCleaningTasks(bed: BedID, at now: Timestamp, by actor: Login) {
        guard let id = cleaningTask.removeValue(forKey: bed), tasks[id]?.status.isClosed == false else { return }
        setTaskStatus(id, .done, note: "Bed cleaned", at: now, by: actor)
    }
}

/// Several fields of a bed changed in one access: each `beds[id]!.field = …` hashes the bed's
/// id again.
extension Bed {
    /// Holds `patient` (status unchanged when nil), since `now`.
    mutating func hold(_ patient: MRN, _ status: BedStatus? = nil, at now: Timestamp) {
        if let status { self.status = status }
        self.patient = patient
        since = now
    }

    /// Becomes `status`, empty, since `now`, with `block` (nil unless blocked).
    mutating func set(_ status: BedStatus, at now: Timestamp, block: BedBlock? = nil) {
        self.status = status
        since = now
        patient = nil
        self.block = block
    }
}

extension String {
    func caseInsensitiveCompare(_ other: String) -> Bool { lowercased() == other.lowercased() }
}
