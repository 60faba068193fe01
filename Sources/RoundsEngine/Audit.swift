import RoundsDomain
import RoundsJournal

/// One line of the answer to "who looked at or changed this patient, and when".
public struct AuditEntry: Equatable, Sendable {
    public var seq: UInt64
    public var time: Timestamp
    public var actor: Login
    /// Where the record came from: `ssh 10.0.0.5 port 52311 on pts/3`, `pts/1`, or `-` when the
    /// writer named no session.
    public var origin: String
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
        try writing { () throws(JournalError) -> Recorded? in
            try journal.catchUp { state.apply($0) }
            let now = max(clock.now(), state.lastTime)
            let event = Event.accessRecorded(AccessRecorded(kind: kind, patient: patient, detail: String(detail.prefix(200))))
            // Whoever looks sees what is due now: rules that came due fire first, as the engine's.
            let rules = runsRulesOnSubmit ? Rules.due(in: state, at: now, wallClock: wallClock) : []
            return try commit([event], at: now, rulesBefore: rules).last
        }
    }

    /// Every record of the journal that read or changed patient data, filtered by patient, by
    /// user and by time. Replays the journal so that numbered items resolve to their patient.
    public static func audit(journalAt path: String, patient: MRN? = nil, user: Login? = nil, since: Timestamp? = nil,
                             upToDamage: Bool = false) throws(JournalError) -> [AuditEntry] {
        var state = HospitalState()
        var out: [AuditEntry] = []
        _ = try Journal.open(at: path, writable: false, upToDamage: upToDamage) { r in
            let touched = state.patients(touchedBy: r.event)
            state.apply(r)
            if let since, r.time < since { return }
            if let user, r.actor != user { return }
            if let patient, !touched.contains(patient) { return }
            let action: String
            switch r.event {
            case .accessRecorded(let a): action = a.kind.rawValue
            case .sessionOpened: action = "session"
            case .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed: action = "break-glass"
            default: action = "changed"
            }
            // Changes that touch no patient (the roster, units and beds, policies, messages about
            // nobody) are listed too, unless a patient is asked for: who changed what is the
            // question an auditor asks of every record.
            let origin = state.session(r.session)?.details.origin ?? "-"
            out.append(AuditEntry(seq: r.seq, time: r.time, actor: r.actor, origin: origin, action: action, patients: touched, what: r.event.auditDescription))
        }
        return out
    }
}

extension Engine {
    /// Everything that changed for `user` since `since`, oldest first, from the journal.
    public static func changes(journalAt path: String, since: Timestamp, for user: Login, upToDamage: Bool = false) throws(JournalError) -> [Change] {
        var state = HospitalState()
        var out: [Change] = []
        _ = try Journal.open(at: path, writable: false, upToDamage: upToDamage) { r in
            if r.time >= since, let c = state.change(in: r, for: user) { out.append(c) }
            state.apply(r)
        }
        return out
    }
}
