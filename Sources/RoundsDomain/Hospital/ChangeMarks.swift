/// The last record that could have changed what a view shows, set by `apply`. A view whose
/// content depends only on, say, the beds keeps its content while records that cannot touch
/// beds arrive: acknowledging a message does not recompute a 1,000-bed board.
///
/// Bookkeeping for views, not hospital state: it is not written to snapshots (opening from
/// one marks everything as changed at its record) and `==` ignores it, so that state from a
/// snapshot plus tail still equals state from a full replay.
public struct ChangeMarks: Equatable, Sendable {
    /// Beds, units, stays and patients: the bed board. Every record that is not known to leave
    /// them alone moves it (an event added later counts as a change until it is listed here).
    public internal(set) var beds: UInt64 = 0
    /// Messages and which urgent ones await acknowledgement: the messages pane. Only message
    /// events change them (archiving removes messages a week old, outside the pane's day).
    public internal(set) var messages: UInt64 = 0
    /// Open tasks, the names of their patients and the beds those patients are in: the
    /// worklist. Every record not known to leave them alone moves it.
    public internal(set) var worklist: UInt64 = 0
    /// Pending labs, their patients' names, scheduled procedures and the due time of a
    /// critical result's task: the labs pane. Every record not known to leave them alone
    /// moves it.
    public internal(set) var labs: UInt64 = 0

    /// Which task (worklist) and which message each recent record changed, for views that
    /// reuse the text of rows whose item was left alone.
    public internal(set) var touched = Touches()

    public init() {}
    init(all seq: UInt64) { beds = seq; messages = seq; worklist = seq; labs = seq; touched = Touches(after: seq) }

    public static func == (_: ChangeMarks, _: ChangeMarks) -> Bool { true }

    mutating func note(_ r: Recorded) {
        let before = (worklist, messages)
        defer { touched.note(r, worklist: worklist != before.0, messages: messages != before.1) }
        switch r.event {
        case .messageSent, .messageRead, .messageAcknowledged, .messageEscalated:
            messages = r.seq
        case .patientRecorded:
            // A corrected name shows in the messages about the patient, and on the board.
            messages = r.seq
            beds = r.seq
        case .taskCreated, .taskStatusChanged, .taskReassigned, .taskRescheduled, .taskNoted, .taskEscalated,
             .labOrdered, .labProgressed, .labResulted, .labAcknowledged, .criticalCommunicated, .labCancelled,
             .procedureBooked, .procedureNotReady,
             .accessRecorded, .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed,
             .ipassUpdated, .handoverStarted, .handoverAcknowledged, .handoverStatusChanged, .shiftsDefined, .hospitalNamed, .staffRecorded,
             .feedReceived, .interfaceItemRaised, .interfaceRetryRequested, .interfaceItemResolved,
             .preAuthRecorded, .preAuthChanged, .preAuthLinked, .preAuthOverdue, .eligibilityVerified, .documentRecorded,
             .readinessFlagged, .documentsRequired,
             .addOnPlanned, .planEdited, .planDecided, .cancellationRecorded, .urgencySet,
             .referralSent, .referralUpdated, .referralOverdue,
             .complaintRecorded, .complaintUpdated, .complaintOverdue,
             .followUpOpened, .followUpUpdated, .followUpOverdue,
             .studyRecorded, .studyChanged, .researchTaskRaised,
             .stockItemRecorded, .stockChanged, .supplyTaskRaised, .equipmentRecorded, .equipmentChanged, .equipmentNeeded:
            break
        default:
            // Also what moves the bed forecast shown on the board: a case needing a bed
            // afterwards moved, started, done or cancelled, its bed set, a discharge barrier.
            beds = r.seq
        }
        switch r.event {
        // A critical result's task is created by its own record; closing a cleaning task
        // when a bed is clean is a bed record, so bed records are not listed here.
        case .messageSent, .messageRead, .messageAcknowledged, .messageEscalated,
             .labOrdered, .labProgressed, .labResulted, .labAcknowledged, .labCancelled,
             .procedureBooked, .procedureRescheduled, .procedureStatusChanged, .procedureNotReady,
             .accessRecorded, .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed,
             .ipassUpdated, .handoverStarted, .handoverAcknowledged, .handoverStatusChanged, .shiftsDefined, .hospitalNamed, .staffRecorded,
             .unitAdded, .bedAdded, .policySet, .feedReceived, .interfaceItemRaised, .interfaceRetryRequested, .interfaceItemResolved,
             .preAuthRecorded, .preAuthChanged, .preAuthLinked, .preAuthOverdue, .eligibilityVerified, .documentRecorded, .bedAfterSet,
             .readinessFlagged, .documentsRequired,
             .addOnPlanned, .planEdited, .planDecided, .procedureMoved, .cancellationRecorded, .urgencySet, .barrierRecorded, .barrierResolved,
             .referralSent, .referralUpdated, .referralOverdue,
             .complaintRecorded, .complaintUpdated, .complaintOverdue,
             .followUpOpened, .followUpUpdated, .followUpOverdue,
             .studyRecorded, .studyChanged, .patientEnrolled, .enrollmentUpdated, .researchTaskRaised,
             .stockItemRecorded, .stockChanged, .supplyTaskRaised, .equipmentRecorded, .equipmentChanged, .equipmentNeeded:
            break
        default:
            worklist = r.seq
        }
        switch r.event {
        // Beds and stays are not shown in the labs pane; tasks are not either, except a
        // critical result's task's due time.
        case .taskCreated(let e) where e.kind != .criticalresult:
            break
        case .messageSent, .messageRead, .messageAcknowledged, .messageEscalated,
             .taskStatusChanged, .taskReassigned, .taskNoted, .taskEscalated,
             .accessRecorded, .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed,
             .ipassUpdated, .handoverStarted, .handoverAcknowledged, .handoverStatusChanged, .shiftsDefined, .hospitalNamed, .staffRecorded,
             .unitAdded, .bedAdded, .policySet, .admissionRequested, .admissionCancelled, .bedReserved, .reservationReleased,
             .bedAssigned, .patientTransferred, .bedsSwapped, .patientDischarged, .stayUpdated, .bedStatusChanged,
             .bedBlocked, .bedUnblocked, .feedReceived, .interfaceItemRaised, .interfaceRetryRequested, .interfaceItemResolved,
             .dischargeCancelled, .preAuthRecorded, .preAuthChanged, .preAuthLinked, .preAuthOverdue, .eligibilityVerified, .documentRecorded,
             .bedAfterSet, .readinessFlagged, .documentsRequired, .addOnPlanned, .planEdited, .planDecided, .barrierRecorded, .barrierResolved,
             .referralSent, .referralUpdated, .referralOverdue,
             .complaintRecorded, .complaintUpdated, .complaintOverdue,
             .followUpOpened, .followUpUpdated, .followUpOverdue,
             .studyRecorded, .studyChanged, .patientEnrolled, .enrollmentUpdated, .researchTaskRaised,
             // Equipment reserved or needed can change a scheduled case's readiness: not listed.
             .stockItemRecorded, .stockChanged, .supplyTaskRaised, .equipmentRecorded:
            break
        default:
            labs = r.seq
        }
    }
}

/// Which rows the records that moved the worklist's and the messages pane's change marks can
/// have changed: for each such record, the number of the only task (or message) whose row it
/// can change, or -1 when it can change rows it does not name (every task of a patient whose
/// bed changed). Only records that move a mark are kept, the last 8,192 to 16,384 of each, so
/// other traffic does not push them out. Not hospital state.
public struct Touches: Sendable {
    private var worklist = Log()
    private var messages = Log()

    init() {}
    /// After a snapshot at `seq`: nothing is known about the records before it.
    init(after seq: UInt64) { worklist.forgotten = seq; messages.forgotten = seq }

    struct Log: Sendable {
        var seqs: [UInt64] = []
        var items: [Int32] = []
        /// Moves up to this seq are no longer kept.
        var forgotten: UInt64 = 0

        mutating func note(_ seq: UInt64, _ item: Int32) {
            if seqs.count >= 16_384 {
                forgotten = seqs[8_191]
                seqs.removeFirst(8_192); items.removeFirst(8_192)
            }
            seqs.append(seq); items.append(item)
        }

        func numbers(after from: UInt64, through to: UInt64) -> [Int]? {
            guard from >= forgotten, from <= to else { return nil }
            var out: [Int] = []
            var i = partitionPoint(seqs.indices) { seqs[$0] <= from }
            while i < seqs.count, seqs[i] <= to {
                if items[i] < 0 { return nil }
                out.append(Int(items[i]))
                i += 1
            }
            return out
        }
    }

    /// `worklist`, `messages`: whether the record moved that pane's change mark.
    mutating func note(_ r: Recorded, worklist moved: Bool, messages movedMessages: Bool) {
        guard moved || movedMessages else { return }
        let (task, message) = Touches.named(r.event)
        if moved { worklist.note(r.seq, task ?? -1) }
        if movedMessages { messages.note(r.seq, message ?? -1) }
    }

    /// The one task and the one message an event changes, when it names them.
    static func named(_ event: Event) -> (task: Int32?, message: Int32?) {
        func n(_ number: Int) -> Int32 { Int32(clamping: number) }
        return switch event {
        case .taskCreated(let e): (n(e.id.number), nil)
        case .taskStatusChanged(let e): (n(e.id.number), nil)
        case .taskReassigned(let e): (n(e.id.number), nil)
        case .taskRescheduled(let e): (n(e.id.number), nil)
        case .taskNoted(let e): (n(e.id.number), nil)
        case .taskEscalated(let e): (n(e.id.number), nil)
        case .criticalCommunicated(let e): (n(e.task.number), nil)
        case .messageSent(let e): (nil, n(e.id.number))
        case .messageRead(let e): (nil, n(e.id.number))
        case .messageAcknowledged(let e): (nil, n(e.id.number))
        case .messageEscalated(let e): (nil, n(e.id.number))
        default: (nil, nil)
        }
    }

    /// The tasks whose worklist rows the records after `from`, up to `to`, can have changed;
    /// nil when one of them can have changed rows it does not name, or they are not all kept.
    public func tasks(after from: UInt64, through to: UInt64) -> [Int]? { worklist.numbers(after: from, through: to) }

    /// The same for the messages pane's rows.
    public func messages(after from: UInt64, through to: UInt64) -> [Int]? { messages.numbers(after: from, through: to) }
}
