import RoundsDomain
import RoundsJournal

/// One line of the answer to "who looked at or changed this patient, and when".
public struct AuditEntry: Equatable, Sendable {
    public var seq: UInt64
    public var time: Timestamp
    public var actor: Login
    /// `changed`, or the access kind: `viewed`, `searched`, `exported`.
    public var action: String
    public var patients: [MRN]
    public var what: String
}

extension Engine {
    /// Notes in the journal that this process's user read patient data (a patient view, a
    /// search, an export). Durable like any record; nothing in the hospital changes.
    @discardableResult
    public func recordAccess(_ kind: AccessKind, patient: MRN?, detail: String) throws(JournalError) -> Recorded? {
        try journal.withLock { () throws(JournalError) -> Recorded? in
            try journal.catchUp { state.apply($0) }
            let now = max(clock.now(), state.lastTime)
            let event = Event.accessRecorded(AccessRecorded(kind: kind, patient: patient, detail: String(detail.prefix(200))))
            let records = try journal.append([Journal.Entry(time: now, actor: actor, event: event)], sync: durable)
            for r in records { state.apply(r) }
            return records.first
        }
    }

    /// Every record of the journal that read or changed patient data, filtered by patient, by
    /// user and by time. Replays the journal so that numbered items resolve to their patient.
    public static func audit(journalAt path: String, patient: MRN? = nil, user: Login? = nil, since: Timestamp? = nil) throws(JournalError) -> [AuditEntry] {
        var state = HospitalState()
        var out: [AuditEntry] = []
        _ = try Journal.open(at: path, writable: false) { r in
            let touched = state.patients(touchedBy: r.event)
            state.apply(r)
            if let since, r.time < since { return }
            if let user, r.actor != user { return }
            if let patient, !touched.contains(patient) { return }
            let action: String
            if case .accessRecorded(let a) = r.event { action = a.kind.rawValue } else { action = "changed" }
            if touched.isEmpty && action == "changed" { return }
            out.append(AuditEntry(seq: r.seq, time: r.time, actor: r.actor, action: action, patients: touched, what: r.event.summary))
        }
        return out
    }
}
