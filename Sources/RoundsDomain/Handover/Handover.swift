/// Shift handover in the I-PASS structure (Illness severity, Patient summary, Action list,
/// Situation awareness and contingencies, Synthesis by the receiver), built from live state.
///
/// A handover names the giver (who starts it) and the receiver. The receiver acknowledges each
/// item; every acknowledgement is an event naming both. It cannot be completed while an
/// unstable patient or a critical item is unacknowledged. Pausing and resuming are events, so
/// another terminal picks the handover up where it stands.

/// A handover, printed `H2`.
public struct HandoverID: SequentialID { public static let letter: Character = "H"; public let number: Int; public init(_ n: Int) { number = n } }

/// A named shift: `day 07:00-19:00`. Minutes of the local day; a shift may cross midnight.
public struct ShiftDefinition: Equatable, Sendable, Encodable {
    public var name: String
    public var start: Int
    public var end: Int
    public init(name: String, start: Int, end: Int) { self.name = name; self.start = start; self.end = end }

    public static let defaults = [ShiftDefinition(name: "day", start: 7 * 60, end: 19 * 60), ShiftDefinition(name: "night", start: 19 * 60, end: 7 * 60)]

    public var description: String { "\(name) \(Self.clock(start))–\(Self.clock(end))" }
    static func clock(_ m: Int) -> String {
        let h = m / 60, mm = m % 60
        return (h < 10 ? "0" : "") + "\(h):" + (mm < 10 ? "0" : "") + "\(mm)"
    }

    /// Whether the minute of the day `m` falls in this shift.
    public func contains(minute m: Int) -> Bool { start <= end ? (m >= start && m < end) : (m >= start || m < end) }
}

public struct IPassUpdated: Equatable, Sendable, Encodable {
    public var mrn: MRN; public var stay: StayID
    public var severity: Severity?; public var summary: String?; public var contingency: String?; public var awareness: String?
    public var clearContingencies: Bool; public var clearAwareness: Bool
    public init(mrn: MRN, stay: StayID, severity: Severity?, summary: String?, contingency: String?, awareness: String?,
                clearContingencies: Bool, clearAwareness: Bool) {
        self.mrn = mrn; self.stay = stay; self.severity = severity; self.summary = summary; self.contingency = contingency
        self.awareness = awareness; self.clearContingencies = clearContingencies; self.clearAwareness = clearAwareness
    }
}
public struct HandoverStarted: Equatable, Sendable, Encodable {
    public var id: HandoverID; public var to: Login
    public init(id: HandoverID, to: Login) { self.id = id; self.to = to }
}
public struct HandoverAcknowledged: Equatable, Sendable, Encodable {
    public var id: HandoverID; public var item: String; public var from: Login; public var to: Login; public var note: String?
    public init(id: HandoverID, item: String, from: Login, to: Login, note: String?) {
        self.id = id; self.item = item; self.from = from; self.to = to; self.note = note
    }
}
public struct HandoverStatusChanged: Equatable, Sendable, Encodable {
    public var id: HandoverID; public var status: HandoverStatus; public var note: String?
    public init(id: HandoverID, status: HandoverStatus, note: String?) { self.id = id; self.status = status; self.note = note }
}
public struct ShiftsDefined: Equatable, Sendable, Encodable {
    public var shifts: [ShiftDefinition]
    public init(shifts: [ShiftDefinition]) { self.shifts = shifts }
}

/// One handover as replay knows it.
public struct Handover: Equatable, Sendable {
    public struct Acknowledgement: Equatable, Sendable { public var at: Timestamp; public var note: String? }
    public var id: HandoverID
    public var from: Login
    public var to: Login
    public var started: Timestamp
    public var status: HandoverStatus
    public var changedAt: Timestamp
    public var acknowledged: [String: Acknowledgement] = [:]
}

/// One thing to hand over: a patient, or a unit-level item.
public struct HandoverItem: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case patient(Severity?)
        case criticalResult, procedureNotReady, placementQueue, blockedBeds, urgentMessages
        /// Units the bed forecast says will be short of beds in the next 24 hours.
        case bedForecast
    }
    /// What the receiver acknowledges: the MRN, a lab or procedure number, or `queue`,
    /// `blocked`, `urgent`, `forecast`.
    public var key: String
    public var kind: Kind
    /// Unstable patients and critical items must be acknowledged before completion.
    public var required: Bool
    public var title: String
    public var lines: [String]
}

extension HospitalState {
    /// The open (in progress or paused) handover, if any.
    public var currentHandover: Handover? { openHandover.flatMap { handovers[$0] } }

    /// The shift a time falls in, by the journal's shift definitions.
    public func shift(at t: Timestamp, wallClock: WallClock) -> ShiftDefinition? {
        let minute = Self.localMinute(t, wallClock)
        return shifts.first { $0.contains(minute: minute) }
    }

    /// The minute of the local day at `t`.
    static func localMinute(_ t: Timestamp, _ wallClock: WallClock) -> Int {
        let local = t.milliseconds + Int64(wallClock.utcOffset(t)) * 1000
        return Int(((local % 86_400_000) + 86_400_000) % 86_400_000 / 60_000)
    }

    /// When the shift holding `t` started (the end of the one before it).
    public func shiftStart(at t: Timestamp, wallClock: WallClock) -> Timestamp? {
        guard let s = shift(at: t, wallClock: wallClock) else { return nil }
        var back = Self.localMinute(t, wallClock) - s.start
        if back < 0 { back += 24 * 60 }
        return Timestamp(milliseconds: t.milliseconds - t.milliseconds % 60_000) - .minutes(Int64(back))
    }

    /// The walkthrough, in I-PASS order: patients by severity (unstable, watcher, not assessed,
    /// stable), each group by unit and bed; then the unit-level items.
    public func handoverItems(at now: Timestamp, wallClock: WallClock) -> [HandoverItem] {
        var rows: [(rank: Int, unit: Int, bed: String, item: HandoverItem)] = []
        let unitIndex = Dictionary(uniqueKeysWithValues: unitOrder.enumerated().map { ($1, $0) })
        // Open tasks and coming procedures by patient, once, rather than a scan per patient.
        var tasksOf: [MRN: [WorklistTask]] = [:]
        for id in openTasks { if let t = tasks[id], let mrn = t.patient { tasksOf[mrn, default: []].append(t) } }
        var proceduresOf: [MRN: [Procedure]] = [:]
        for id in scheduledProcedures { if let pr = procedures[id], pr.end >= now { proceduresOf[pr.mrn, default: []].append(pr) } }
        var referralsOf: [MRN: [Referral]] = [:]
        for r in referrals.open { referralsOf[r.mrn, default: []].append(r) }
        var complaintsOf: [MRN: [Complaint]] = [:]
        for c in complaints.open { if let mrn = c.patient { complaintsOf[mrn, default: []].append(c) } }
        for (mrn, sid) in activeStay {
            guard let st = stays[sid], st.phase == .inBed, let bedID = st.bed else { continue }
            let p = patients[mrn]
            var lines: [String] = []
            lines.append("Severity: " + (st.severity.map { $0.rawValue } ?? "not assessed"))
            lines.append("Summary: " + (st.summary ?? "—"))
            let open = (tasksOf[mrn] ?? []).sorted { ($0.due, $0.id) < ($1.due, $1.id) }
            for t in open {
                let when = t.isOverdue(at: now) ? "OVERDUE since \(wallClock.hhmm(t.due))" : "due \(wallClock.hhmm(t.due))"
                lines.append("Action: \(t.id) \(t.title) — \(t.owner?.description ?? "nobody"), \(when)")
            }
            for c in st.contingencies { lines.append("Contingency: \(c)") }
            for a in st.awareness { lines.append("Awareness: \(a)") }
            for lid in labsByPatient[mrn] ?? [] {
                guard let l = labs[lid], activeLabs.contains(lid) else { continue }
                lines.append("Lab: \(l.id) \(l.test) " + (l.awaitsCommunication ? "CRITICAL \(l.result?.value ?? "") not yet communicated" : l.status.rawValue))
            }
            for pr in (proceduresOf[mrn] ?? []).sorted(by: { ($0.start, $0.id) < ($1.start, $1.id) }) {
                lines.append("Procedure: \(pr.id) \(pr.title) at \(wallClock.hhmm(pr.start))" + (isReady(pr) ? "" : " — NOT READY: \(unmetRequirements(of: pr, at: now).map(\.detail).joined(separator: "; "))"))
            }
            if let edd = st.expectedDischarge { lines.append("Expected discharge: \(edd)") }
            for b in barriers.open(sid) {
                lines.append("Discharge barrier: \(b.kind.rawValue) — \(b.note) (since \(wallClock.hhmm(b.recordedAt)))")
            }
            for r in referralsOf[mrn] ?? [] {
                lines.append("Referral: \(r.id) to \(r.destination), \(r.urgency.rawValue), \(r.status.rawValue)"
                             + ((r.status == .scheduled ? r.appointment : nil).map { " for \(wallClock.dateTime($0))" } ?? "")
                             + (r.isOverdue(at: now) ? " — OVERDUE since \(wallClock.dateTime(r.due))" : ", report due \(wallClock.dateTime(r.due))"))
            }
            for code in research.onStudy[mrn] ?? [] {
                guard let e = research.enrollment(code, mrn), let study = research.studies[code] else { continue }
                let next = study.plan.first { e.visits[$0.name] == nil }.map { v -> String in
                    let w = study.window(v, anchor: e.anchor)
                    return "; next \(v.name) window \(w.first)–\(w.last)"
                } ?? ""
                lines.append("Research: on study \(code) (\(study.investigator))" + (e.arm.map { ", arm \($0)" } ?? "") + next
                             + (e.consentVersion != study.consentVersion ? "; RE-CONSENT to \(study.consentVersion) needed" : ""))
            }
            for a in supplies.held(by: .patient(mrn)) {
                lines.append("Equipment: \(a.label) \(a.name) with the patient since \(wallClock.dateTime(a.since))"
                             + (a.maintenanceOverdue(at: now) ? "; MAINTENANCE OVERDUE since \(a.maintenanceDate): swap it" : ""))
            }
            if let re = followUps.readmissions[sid] {
                lines.append("Readmission: back \(re.admittedAt - re.previousDischarge) after discharge \(wallClock.dateTime(re.previousDischarge)) (stay \(re.previous))")
            }
            for c in complaintsOf[mrn] ?? [] {
                lines.append("Complaint: \(c.id) \(c.grievance ? "grievance" : "complaint") (\(c.category.rawValue)) from \(c.source.rawValue), \(c.status.rawValue), owner \(c.owner)"
                             + (c.isOverdue(at: now) ? " — response OVERDUE since \(wallClock.dateTime(c.responseDue))" : ", response due \(wallClock.dateTime(c.responseDue))"))
            }
            let title = "\(bedID) · \(p?.name ?? mrn) · \(mrn)"
            let item = HandoverItem(key: mrn, kind: .patient(st.severity), required: st.severity == .unstable, title: title, lines: lines)
            let rank = st.severity?.rank ?? 2
            rows.append((rank, unitIndex[beds[bedID]?.unit ?? ""] ?? Int.max, bedID, item))
        }
        rows.sort { ($0.rank, $0.unit, $0.bed) < ($1.rank, $1.unit, $1.bed) }
        var items = rows.map(\.item)

        let critical = activeLabs.compactMap { labs[$0] }.filter(\.awaitsCommunication).sorted { $0.id < $1.id }
        for l in critical {
            let bed = stay(of: l.mrn)?.bed ?? "no bed"
            let since = l.resultedAt.map { "resulted \(wallClock.hhmm($0))" } ?? ""
            items.append(HandoverItem(key: l.id.description, kind: .criticalResult, required: true,
                                      title: "Critical \(l.test) \(l.result?.value ?? "") for \(l.mrn) (\(bed)) not yet communicated",
                                      lines: [since, l.criticalTask.map { "Task \($0)" } ?? ""].filter { !$0.isEmpty }))
        }
        // Procedures to come with a requirement not met inside its lead time (labs 4 h,
        // documents 24 h, pre-authorization 24 or 72 h, eligibility 3 days): the ones the rules
        // have flagged or are about to.
        let notReady = scheduledProcedures.compactMap { procedures[$0] }
            .filter { p in p.start >= now && requirements(of: p, at: now, details: false).contains { !$0.met && now >= p.start - $0.lead } }
            .sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        for pr in notReady {
            let missing = requirements(of: pr, at: now).filter { !$0.met && now >= pr.start - $0.lead }
            items.append(HandoverItem(key: pr.id.description, kind: .procedureNotReady, required: true,
                                      title: "\(pr.title) for \(pr.mrn) at \(wallClock.hhmm(pr.start)) not ready",
                                      lines: missing.map { "Missing: \($0.detail)" } + ["Resource: \(pr.resource)"]))
        }
        let queue = placementQueue
        if !queue.isEmpty {
            items.append(HandoverItem(key: "queue", kind: .placementQueue, required: false, title: "\(queue.count) waiting for a bed",
                                      lines: queue.map { "\($0.mrn) from \($0.source.label), waiting \(now - $0.requestedAt)" + ($0.wantedUnit.map { ", for \($0)" } ?? "") }))
        }
        let forecast = bedForecast(at: now, wallClock: wallClock, details: false)
        if !forecast.short.isEmpty {
            items.append(HandoverItem(key: "forecast", kind: .bedForecast, required: false,
                                      title: "\(forecast.short.count) unit\(forecast.short.count == 1 ? "" : "s") short of beds in the next 24 h",
                                      lines: forecast.short.map { "\($0.unit ?? ""): \(forecast.shortLine($0, wallClock))" }))
        }
        let blocked = unitOrder.flatMap { self.beds(in: $0) }.filter { $0.status == .blocked }
        if !blocked.isEmpty {
            items.append(HandoverItem(key: "blocked", kind: .blockedBeds, required: false, title: "\(blocked.count) blocked beds",
                                      lines: blocked.map { b in "\(b.id): \(b.block?.reason ?? "")" + (b.block?.until.map { " until \(wallClock.hhmm($0))" } ?? "") }))
        }
        let urgent = unacknowledgedUrgent.compactMap { messages[$0] }.sorted { $0.id < $1.id }
        if !urgent.isEmpty {
            items.append(HandoverItem(key: "urgent", kind: .urgentMessages, required: false, title: "\(urgent.count) urgent messages not acknowledged",
                                      lines: urgent.map { "\($0.id) to \($0.to) at \(wallClock.hhmm($0.sentAt)): \($0.subject)" }))
        }
        return items
    }

    mutating func applyHandover(_ r: Recorded) {
        switch r.event {
        case .ipassUpdated(let e):
            guard stays.contains(e.stay) else { anomalies += 1; return }
            if let s = e.severity { stays[e.stay]!.severity = s }
            if let s = e.summary { stays[e.stay]!.summary = s }
            if e.clearContingencies { stays[e.stay]!.contingencies = [] }
            if e.clearAwareness { stays[e.stay]!.awareness = [] }
            if let c = e.contingency { stays[e.stay]!.contingencies.append(c) }
            if let a = e.awareness { stays[e.stay]!.awareness.append(a) }
        case .handoverStarted(let e):
            guard handovers.accepts(e.id), !handovers.contains(e.id) else { anomalies += 1; return }
            handovers[e.id] = Handover(id: e.id, from: r.actor, to: e.to, started: r.time, status: .inProgress, changedAt: r.time)
            openHandover = e.id
            nextHandover = max(nextHandover, e.id.number + 1)
        case .handoverAcknowledged(let e):
            guard handovers.contains(e.id) else { anomalies += 1; return }
            handovers[e.id]!.acknowledged[e.item] = Handover.Acknowledgement(at: r.time, note: e.note)
        case .handoverStatusChanged(let e):
            guard handovers.contains(e.id) else { anomalies += 1; return }
            handovers[e.id]!.status = e.status
            handovers[e.id]!.changedAt = r.time
            if !e.status.isOpen, openHandover == e.id { openHandover = nil }
            if e.status == .completed { lastHandoverGiven[handovers[e.id]!.from] = r.time }
        case .shiftsDefined(let e):
            shifts = e.shifts
        default:
            break
        }
    }
}
