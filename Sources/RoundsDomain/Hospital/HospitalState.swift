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
    /// Referrals and consultations (Referrals/).
    public internal(set) var referrals = ReferralState()
    /// Complaints and grievances (Complaints/).
    public internal(set) var complaints = ComplaintState()
    /// Follow-up after discharge, patients' recent visits and readmissions (FollowUps/).
    public internal(set) var followUps = FollowUpState()
    /// Studies, enrolments, visits and deviations (Research/).
    public internal(set) var research = ResearchState()
    /// Stock, lots and equipment (Supplies/).
    public internal(set) var supplies = SupplyState()
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
        case .unitAdded, .bedAdded, .staffRecorded, .policySet, .hospitalNamed:
            applySetup(r, at: now)
        case .patientRecorded, .admissionRequested, .admissionCancelled, .bedReserved, .reservationReleased, .bedAssigned, .patientTransferred, .bedsSwapped, .patientDischarged, .stayUpdated, .bedStatusChanged, .bedBlocked, .bedUnblocked:
            applyStays(r, at: now)
            noteVisit(r)
            noteEquipmentHolders(r)
        case .taskCreated, .taskStatusChanged, .taskReassigned, .taskRescheduled, .taskNoted, .taskEscalated:
            applyWorklist(r, at: now)
        case .labOrdered, .labProgressed, .labResulted, .labAcknowledged, .criticalCommunicated, .labCancelled:
            applyLabs(r, at: now)
        case .procedureBooked, .procedureRescheduled, .procedureStatusChanged, .procedureNotReady:
            applyProcedures(r, at: now)
            noteEquipmentHolders(r)
        case .messageSent, .messageRead, .messageAcknowledged, .messageEscalated:
            applyMessages(r, at: now)
        case .accessRecorded:
            // The audit trail is the journal itself; reading changes nothing in the hospital.
            break
        case .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed:
            applyAccess(r)
        case .feedReceived, .interfaceItemRaised, .interfaceRetryRequested, .interfaceItemResolved, .dischargeCancelled, .patientMerged:
            applyFeed(r)
            noteVisit(r)
        case .preAuthRecorded, .preAuthChanged, .preAuthLinked, .preAuthOverdue, .eligibilityVerified, .documentRecorded, .bedAfterSet,
             .readinessFlagged, .documentsRequired:
            applyReadiness(r)
        case .addOnPlanned, .planEdited, .planDecided, .procedureMoved, .cancellationRecorded, .urgencySet:
            applyScheduling(r)
        case .barrierRecorded, .barrierResolved:
            applyBarriers(r)
        case .referralSent, .referralUpdated, .referralOverdue:
            applyReferrals(r)
        case .complaintRecorded, .complaintUpdated, .complaintOverdue:
            applyComplaints(r)
        case .followUpOpened, .followUpUpdated, .followUpOverdue:
            applyFollowUps(r)
        case .studyRecorded, .studyChanged, .patientEnrolled, .enrollmentUpdated, .researchTaskRaised:
            applyResearch(r)
        case .stockItemRecorded, .stockChanged, .supplyTaskRaised, .equipmentRecorded, .equipmentChanged, .equipmentNeeded:
            applySupplies(r)
        case .ipassUpdated, .handoverStarted, .handoverAcknowledged, .handoverStatusChanged, .shiftsDefined:
            applyHandover(r)
        }
    }

    mutating func setBed(_ id: BedID, _ status: BedStatus, at now: Timestamp) {
        beds[id]?.set(status, at: now)
    }

    mutating func releaseReservations(of mrn: MRN, at now: Timestamp, except keep: BedID? = nil) {
        guard let id = reservation[mrn] else { return }
        reservation[mrn] = nil
        if id != keep, beds[id]?.status == .reserved, beds[id]?.patient == mrn { setBed(id, .available, at: now) }
    }

    mutating func closeMove(stay: StayID, at now: Timestamp) {
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
    mutating func closeCleaningTasks(bed: BedID, at now: Timestamp, by actor: Login) {
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
