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

    public init() {}
    init(all seq: UInt64) { beds = seq; messages = seq; worklist = seq; labs = seq }

    public static func == (_: ChangeMarks, _: ChangeMarks) -> Bool { true }

    mutating func note(_ r: Recorded) {
        switch r.event {
        case .messageSent, .messageRead, .messageAcknowledged, .messageEscalated:
            messages = r.seq
        case .taskCreated, .taskStatusChanged, .taskReassigned, .taskRescheduled, .taskNoted, .taskEscalated,
             .labOrdered, .labProgressed, .labResulted, .labAcknowledged, .criticalCommunicated, .labCancelled,
             .procedureBooked, .procedureRescheduled, .procedureStatusChanged, .procedureNotReady,
             .accessRecorded, .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed,
             .ipassUpdated, .handoverStarted, .handoverAcknowledged, .handoverStatusChanged, .shiftsDefined, .staffRecorded:
            break
        default:
            beds = r.seq
        }
        switch r.event {
        // A critical result's task is created by its own record; closing a cleaning task
        // when a bed is clean is a bed record, so bed records are not listed here.
        case .messageSent, .messageRead, .messageAcknowledged, .messageEscalated,
             .labOrdered, .labProgressed, .labResulted, .labAcknowledged, .labCancelled,
             .procedureBooked, .procedureRescheduled, .procedureStatusChanged, .procedureNotReady,
             .accessRecorded, .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed,
             .ipassUpdated, .handoverStarted, .handoverAcknowledged, .handoverStatusChanged, .shiftsDefined, .staffRecorded,
             .unitAdded, .bedAdded, .policySet:
            break
        default:
            worklist = r.seq
        }
        switch r.event {
        // Beds and stays are not shown in the labs pane; a task's status, owner, notes and
        // escalation are not either (only a critical result's task's due time is).
        case .messageSent, .messageRead, .messageAcknowledged, .messageEscalated,
             .taskStatusChanged, .taskReassigned, .taskNoted, .taskEscalated,
             .accessRecorded, .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed,
             .ipassUpdated, .handoverStarted, .handoverAcknowledged, .handoverStatusChanged, .shiftsDefined, .staffRecorded,
             .unitAdded, .bedAdded, .policySet, .admissionRequested, .admissionCancelled, .bedReserved, .reservationReleased,
             .bedAssigned, .patientTransferred, .bedsSwapped, .patientDischarged, .stayUpdated, .bedStatusChanged,
             .bedBlocked, .bedUnblocked:
            break
        default:
            labs = r.seq
        }
    }
}
