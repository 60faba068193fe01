/// The binary encoding of a whole `HospitalState`, the body of a snapshot file
/// (Docs/JOURNAL-FORMAT.md, "Snapshots"). Built from the same primitives as the event codec:
/// varints, length-prefixed UTF-8, one byte per vocabulary word. Every stored property of the
/// state is written in declaration order; `HospitalState(snapshot:)` reads them back, and a
/// property test (snapshot plus tail equals full replay) fails if one is forgotten.
///
/// Dictionaries are written in their iteration order, so two processes may write different
/// bytes for equal states; a snapshot is checked by its checksum and its link to the journal,
/// never compared byte for byte.
extension HospitalState {
    /// Bumped whenever the layout below changes; a snapshot of another version is ignored
    /// (replay falls back to the journal) and replaced by the next one taken.
    public static let snapshotLayout: UInt32 = 11

    public func writeSnapshot(to w: inout ByteWriter) {
        w.varint(lastSeq); w.put(lastTime); w.put(policy); w.put(unitOrder)
        w.dictionary(units); w.dictionary(beds); w.dictionary(patients)
        w.table(stays); w.dictionary(activeStay)
        w.table(tasks); w.idSet(openTasks)
        w.table(labs); w.idSet(activeLabs)
        w.table(procedures); w.idSet(scheduledProcedures)
        w.table(messages); w.idSet(unacknowledgedUrgent)
        w.dictionary(staff)
        w.varint(UInt64(sessions.count))
        for k in sessions.keys.sorted() { w.varint(k); w.put(sessions[k]!) }
        w.table(grants); w.dictionary(grantOf); w.idSet(awaitingReview)
        w.table(handovers); w.put(openHandover); w.dictionary(lastHandoverGiven); w.put(shifts)
        w.put(hospitalName)
        feeds.write(to: &w)
        readiness.write(to: &w)
        scheduling.write(to: &w)
        w.dictionary(reservation); w.dictionary(cleaningTask); w.dictionary(labsByPatient)
        w.put(anomalies)
        retiring.write(to: &w)
        for n in [nextStay, nextTask, nextLab, nextMessage, nextProcedure, nextGrant, nextHandover] { w.put(n) }
        // Layout 6: discharge barriers and the forecast's discharge time, at the end.
        barriers.write(to: &w)
        w.put(policy.dischargeTime)
        // Layout 7: referrals.
        referrals.write(to: &w)
        // Layout 8: complaints.
        complaints.write(to: &w)
        // Layout 9: follow-ups, visits, readmissions.
        followUps.write(to: &w)
        // Layout 10: research.
        research.write(to: &w)
        // Layout 11: supplies and equipment.
        supplies.write(to: &w)
    }

    public init(snapshot r: inout ByteReader) throws(CodecError) {
        self.init()
        lastSeq = try r.varint(); lastTime = try r.get(); policy = try r.get(); unitOrder = try r.get()
        units = try r.dictionary(); beds = try r.dictionary(); patients = try r.dictionary()
        stays = try r.table(); activeStay = try r.dictionary()
        tasks = try r.table(); openTasks = try r.idSet(below: tasks.endNumber + IDTable<TaskID, WorklistTask>.maximumGap)
        openTaskIndex = OpenTaskIndex(tasks: tasks, open: openTasks)
        labs = try r.table(); activeLabs = try r.idSet(below: labs.endNumber + IDTable<LabID, LabOrder>.maximumGap)
        procedures = try r.table(); scheduledProcedures = try r.idSet(below: procedures.endNumber + IDTable<ProcedureID, Procedure>.maximumGap)
        messages = try r.table(); unacknowledgedUrgent = try r.idSet(below: messages.endNumber + IDTable<MessageID, Message>.maximumGap)
        staff = try r.dictionary()
        let sessionCount = try r.count()
        sessions.reserveCapacity(sessionCount)
        for _ in 0..<sessionCount { let k = try r.varint(); let v: SessionInfo = try r.get(); sessions[k] = v }
        grants = try r.table(); grantOf = try r.dictionary(); awaitingReview = try r.idSet(below: grants.endNumber + IDTable<GrantID, BreakGlass>.maximumGap)
        handovers = try r.table(); openHandover = try r.get(); lastHandoverGiven = try r.dictionary(); shifts = try r.get()
        hospitalName = try r.get()
        feeds = try FeedState(from: &r)
        readiness = try ReadinessState(from: &r)
        scheduling = try SchedulingState(from: &r)
        reservation = try r.dictionary(); cleaningTask = try r.dictionary(); labsByPatient = try r.dictionary()
        anomalies = try r.get()
        retiring = try RetireQueue(from: &r)
        nextStay = try r.get(); nextTask = try r.get(); nextLab = try r.get(); nextMessage = try r.get()
        nextProcedure = try r.get(); nextGrant = try r.get(); nextHandover = try r.get()
        barriers = try BarrierState(from: &r)
        policy.dischargeTime = try r.get()
        referrals = try ReferralState(from: &r)
        complaints = try ComplaintState(from: &r)
        followUps = try FollowUpState(from: &r)
        research = try ResearchState(from: &r)
        supplies = try SupplyState(from: &r)
        guard r.remaining == 0 else { throw CodecError("\(r.remaining) bytes left over after the state") }
        // The sender's numbers are kept with the labs and procedures they name.
        labs.forEachNumbered { id, lab in if let order = lab.external { feeds.labByOrder[order] = LabID(id) } }
        procedures.forEachNumbered { id, p in if let appt = p.external { feeds.procedureByAppointment[appt] = ProcedureID(id) } }
        changeMarks = ChangeMarks(all: lastSeq)
        messageIndex = MessageIndex(messages, next: nextMessage, unacknowledgedUrgent: unacknowledgedUrgent)
    }
}

extension ByteWriter {
    /// In key order: a dictionary's own order depends on the process (its hash seed) and on
    /// the dictionary's history, and the same state should give the same bytes everywhere.
    mutating func dictionary<K: JournalCodable & Comparable, V: JournalCodable>(_ d: [K: V]) {
        varint(UInt64(d.count))
        for k in d.keys.sorted() { put(k); put(d[k]!) }
    }
    mutating func idSet<ID: SequentialIDCodable>(_ s: IDSet<ID>) {
        varint(UInt64(s.count))
        for id in s { put(id) }
    }
    mutating func table<ID: SequentialID, V: JournalCodable>(_ t: IDTable<ID, V>) {
        t.write(to: &self)
    }
}

extension ByteReader {
    mutating func dictionary<K: JournalCodable & Hashable, V: JournalCodable>() throws(CodecError) -> [K: V] {
        let n = try count()
        var d: [K: V] = [:]
        d.reserveCapacity(n)
        for _ in 0..<n { let k: K = try get(); let v: V = try get(); d[k] = v }   // not `d[k] = try get()`: that reads a V?
        guard d.count == n else { throw CodecError("a key appears twice") }
        return d
    }
    /// Ids of items numbered below `end` (their table's end): a damaged number cannot make
    /// the set huge.
    mutating func idSet<ID: SequentialIDCodable>(below end: Int) throws(CodecError) -> IDSet<ID> {
        let n = try count()
        var s = IDSet<ID>()
        for _ in 0..<n {
            let id: ID = try get()
            guard id.number >= 1, id.number < end else { throw CodecError("an id (\(id)) outside its table") }
            s.insert(id)
        }
        return s
    }
    mutating func table<ID: SequentialID, V: JournalCodable>() throws(CodecError) -> IDTable<ID, V> {
        try IDTable(from: &self)
    }
}

extension IDTable where Value: JournalCodable {
    /// The numbering high-water mark, the item count, then each item after the gap from the
    /// previous number (archived numbers cost nothing).
    func write(to w: inout ByteWriter) {
        w.varint(UInt64(endNumber)); w.varint(UInt64(count))
        var previous = 0
        forEachNumbered { n, v in
            w.varint(UInt64(n - previous)); previous = n
            w.put(v)
        }
    }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        let end = try r.varint()
        let n = try r.count()
        guard end <= UInt64(Int32.max) else { throw CodecError("an id number of \(end) is out of range") }
        setEndNumber(Int(end))   // first: held numbers may lie far apart once old ones are archived
        var number = 0
        for _ in 0..<n {
            let gap = try r.varint()
            // `end - number`, never `number + gap`: a forged gap near 2⁶⁴ would overflow the sum.
            guard gap >= 1, gap < end - UInt64(number) else { throw CodecError("ids out of order or past the table's end") }
            number += Int(gap)
            let v: Value = try r.get()
            self[ID(number)] = v
        }
    }
}

extension Span: JournalCodable {
    public func write(to w: inout ByteWriter) { w.signed(milliseconds) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(milliseconds: try r.signed()) }
}

extension Policy: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(criticalWindow); w.put(procedureLead); w.put(messageAckWindow); w.put(statGrace); w.put(urgentGrace)
        w.put(elderlyAge); w.put(cleaningWindow); w.put(breakGlass)
        for s in [preauthLead, preauthLeadExpedited, payerClock, payerClockExpedited, appealWindow, eligibilityAge, documentLead, historyAndPhysicalAge] { w.put(s) }
        for s in [addOnImmediate, addOnUrgent, addOnExpedited, bumpDelay] { w.put(s) }
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        criticalWindow = try r.get(); procedureLead = try r.get(); messageAckWindow = try r.get(); statGrace = try r.get()
        urgentGrace = try r.get(); elderlyAge = try r.get(); cleaningWindow = try r.get(); breakGlass = try r.get()
        preauthLead = try r.get(); preauthLeadExpedited = try r.get(); payerClock = try r.get(); payerClockExpedited = try r.get()
        appealWindow = try r.get(); eligibilityAge = try r.get(); documentLead = try r.get(); historyAndPhysicalAge = try r.get()
        addOnImmediate = try r.get(); addOnUrgent = try r.get(); addOnExpedited = try r.get(); bumpDelay = try r.get()
    }
}

extension Unit: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(code); w.put(name); w.put(kind); w.put(beds) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(code: try r.get(), name: try r.get(), kind: try r.get(), beds: try r.get())
    }
}

extension BedBlock: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(reason); w.put(since); w.put(until); w.put(returnsTo) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(reason: try r.get(), since: try r.get(), until: try r.get(), returnsTo: try r.get())
    }
}

extension Bed: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(unit); w.put(attributes); w.put(status); w.put(since); w.put(patient); w.put(block)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), unit: try r.get(), attributes: try r.get(), status: try r.get(), since: try r.get(),
                  patient: try r.get(), block: try r.get())
    }
}

extension BedMove: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(bed); w.put(from); w.put(to); w.put(override) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(bed: try r.get(), from: try r.get(), to: try r.get(), override: try r.get())
    }
}

extension Stay: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(mrn); w.put(source); w.put(requestedAt); w.put(wantedUnit); w.put(needs); w.put(attending)
        w.put(expectedDischarge); w.put(phase); w.put(admittedAt); w.put(bed); w.put(history); w.put(dischargedAt)
        w.put(disposition); w.put(severity); w.put(summary); w.put(contingencies); w.put(awareness)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), mrn: try r.get(), source: try r.get(), requestedAt: try r.get(), wantedUnit: try r.get(),
                  needs: try r.get(), attending: try r.get(), expectedDischarge: try r.get(), phase: try r.get(),
                  admittedAt: try r.get(), bed: try r.get(), history: try r.get(), dischargedAt: try r.get(),
                  disposition: try r.get(), severity: try r.get(), summary: try r.get(), contingencies: try r.get(),
                  awareness: try r.get())
    }
}

extension StayPhase: VocabularyCodable {}

extension Note: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(at); w.put(by); w.put(text) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(at: try r.get(), by: try r.get(), text: try r.get()) }
}

extension Communication: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(toldName); w.put(toldRole); w.put(readBack); w.put(at); w.put(by) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(toldName: try r.get(), toldRole: try r.get(), readBack: try r.get(), at: try r.get(), by: try r.get())
    }
}

extension WorklistTask: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(title); w.put(kind); w.put(priority); w.put(due); w.put(owner); w.put(status); w.put(patient)
        w.put(link); w.put(notes); w.put(createdAt); w.put(createdBy); w.put(closedAt); w.put(closedBy)
        w.put(communication); w.put(escalation)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), title: try r.get(), kind: try r.get(), priority: try r.get(), due: try r.get(),
                  owner: try r.get(), status: try r.get(), patient: try r.get(), link: try r.get(), notes: try r.get(),
                  createdAt: try r.get(), createdBy: try r.get(), closedAt: try r.get(), closedBy: try r.get(),
                  communication: try r.get(), escalation: try r.get())
    }
}

extension LabOrder: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(mrn); w.put(test); w.put(priority); w.put(status); w.put(orderedAt); w.put(neededBy)
        w.put(collectedAt); w.put(receivedAt); w.put(resultedAt); w.put(result); w.put(acknowledgedBy)
        w.put(acknowledgedAt); w.put(communication); w.put(criticalTask)
        w.put(external); w.put(resultStatus); w.put(replaced)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), mrn: try r.get(), test: try r.get(), priority: try r.get(), status: try r.get(),
                  orderedAt: try r.get(), neededBy: try r.get(), collectedAt: try r.get(), receivedAt: try r.get(),
                  resultedAt: try r.get(), result: try r.get(), acknowledgedBy: try r.get(), acknowledgedAt: try r.get(),
                  communication: try r.get(), criticalTask: try r.get(), external: try r.get(), resultStatus: try r.get(),
                  replaced: try r.get())
    }
}

extension Procedure: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(mrn); w.put(kind); w.put(title); w.put(resource); w.put(start); w.put(end)
        w.put(requiredTests); w.put(status); w.put(notReadyTask); w.put(missingAtCheck); w.put(external)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), mrn: try r.get(), kind: try r.get(), title: try r.get(), resource: try r.get(),
                  start: try r.get(), end: try r.get(), requiredTests: try r.get(), status: try r.get(),
                  notReadyTask: try r.get(), missingAtCheck: try r.get(), external: try r.get())
    }
}

extension Message: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(from); w.put(to); w.put(patient); w.put(subject); w.put(body); w.put(urgent); w.put(sentAt)
        w.put(thread); w.put(replyTo); w.dictionary(readBy); w.put(acknowledgedBy); w.put(acknowledgedAt)
        w.put(escalation); w.put(system); w.put(acknowledgedOnBehalfOf)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), from: try r.get(), to: try r.get(), patient: try r.get(), subject: try r.get(),
                  body: try r.get(), urgent: try r.get(), sentAt: try r.get(), thread: try r.get(), replyTo: try r.get(),
                  readBy: try r.dictionary(), acknowledgedBy: try r.get(), acknowledgedAt: try r.get(),
                  escalation: try r.get(), system: try r.get())
        acknowledgedOnBehalfOf = try r.get()
    }
}

extension SessionInfo: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.varint(number); w.put(login); w.put(opened)
        w.put(details.uid); w.put(details.terminal); w.put(details.remote); w.put(details.program)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(number: try r.varint(), login: try r.get(), opened: try r.get(),
                  details: SessionOpened(uid: try r.get(), terminal: try r.get(), remote: try r.get(), program: try r.get()))
    }
}

extension BreakGlass.Action: JournalCodable {
    public func write(to w: inout ByteWriter) { w.varint(seq); w.put(time); w.put(summary) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(seq: try r.varint(), time: try r.get(), summary: try r.get()) }
}

extension BreakGlass.Review: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(by); w.put(at); w.put(verdict); w.put(note) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(by: try r.get(), at: try r.get(), verdict: try r.get(), note: try r.get())
    }
}

extension BreakGlass: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(login); w.put(role); w.put(reason); w.put(started); w.put(until); w.put(endedEarly)
        w.put(actions); w.put(actionCount); w.put(review)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), login: try r.get(), role: try r.get(), reason: try r.get(), started: try r.get(),
                  until: try r.get(), endedEarly: try r.get(), actions: try r.get(), actionCount: try r.get(), review: try r.get())
    }
}

extension Handover.Acknowledgement: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(at); w.put(note) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(at: try r.get(), note: try r.get()) }
}

extension Handover: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(from); w.put(to); w.put(started); w.put(status); w.put(changedAt); w.dictionary(acknowledged)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), from: try r.get(), to: try r.get(), started: try r.get(), status: try r.get(),
                  changedAt: try r.get(), acknowledged: try r.dictionary())
    }
}

extension RetireQueue {
    func write(to w: inout ByteWriter) {
        w.put(archived)
        w.varint(UInt64(pending))
        for e in entries[head...] {
            w.put(e.at)
            switch e.item {
            case .task(let id): w.u8(0); w.put(id)
            case .lab(let id): w.u8(1); w.put(id)
            case .procedure(let id): w.u8(2); w.put(id)
            case .message(let id): w.u8(3); w.put(id)
            case .stay(let id): w.u8(4); w.put(id)
            }
        }
    }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        archived = try r.get()
        let n = try r.count()
        entries.reserveCapacity(n)
        for _ in 0..<n {
            let at: Timestamp = try r.get()
            let item: Item
            switch try r.u8() {
            case 0: item = .task(try r.get())
            case 1: item = .lab(try r.get())
            case 2: item = .procedure(try r.get())
            case 3: item = .message(try r.get())
            case 4: item = .stay(try r.get())
            default: throw CodecError("unknown kind of archived item")
            }
            entries.append(Entry(at: at, item: item))
        }
    }
}

extension InterfaceItem: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(key); w.put(kind); w.put(problem); w.put(raw); w.put(patient); w.put(feed); w.put(raisedAt)
        w.put(attempts); w.put(status); w.put(override); w.put(resolvedAt); w.put(resolvedBy); w.put(note)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), key: try r.get(), kind: try r.get(), problem: try r.get(), raw: try r.get(), patient: try r.get(),
                  feed: try r.get(), raisedAt: try r.get(), attempts: try r.get(), status: try r.get(), override: try r.get(),
                  resolvedAt: try r.get(), resolvedBy: try r.get(), note: try r.get())
    }
}

extension FeedState {
    /// The remembered keys oldest first with their digests, the items, the merges and the
    /// item numbering. Labs and procedures by the sender's numbers are rebuilt from them.
    func write(to w: inout ByteWriter) {
        let keys = rememberedKeys
        w.varint(UInt64(keys.count))
        for k in keys {
            w.put(k)
            let digests = seen[k] ?? []
            w.varint(UInt64(digests.count))
            for d in digests { w.varint(d) }
        }
        w.table(items); w.idSet(openItems); w.dictionary(mergedInto); w.put(nextItem); w.put(received)
    }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        let n = try r.count()
        guard n <= FeedState.duplicateWindow else { throw CodecError("\(n) remembered message keys, more than \(FeedState.duplicateWindow)") }
        seenOrder.reserveCapacity(n)
        for _ in 0..<n {
            let k: String = try r.get()
            let count = try r.count()
            guard (1...FeedState.digestsPerKey).contains(count) else { throw CodecError("a message key with \(count) digests") }
            var digests: [UInt64] = []
            for _ in 0..<count { digests.append(try r.varint()) }
            guard seen.updateValue(digests, forKey: k) == nil else { throw CodecError("a message key appears twice") }
            seenOrder.append(k)
        }
        items = try r.table()
        openItems = try r.idSet(below: items.endNumber + IDTable<InterfaceItemID, InterfaceItem>.maximumGap)
        mergedInto = try r.dictionary(); nextItem = try r.get(); received = try r.get()
    }
}

extension PreAuthID: SequentialIDCodable {}
extension PreAuthStatus: VocabularyCodable {}
extension DocumentKind: VocabularyCodable {}
extension DocumentState: VocabularyCodable {}

extension PreAuth: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(mrn); w.put(procedure); w.put(payer); w.put(expedited); w.put(status); w.put(number); w.put(validFrom); w.put(validUntil)
        w.put(units); w.put(submittedAt); w.put(decisionDue); w.put(decidedAt); w.put(denialReason); w.put(appealBy); w.put(note)
        w.put(chaseTask); w.put(appealTask); w.put(recordedAt)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), mrn: try r.get(), procedure: try r.get(), payer: try r.get(), expedited: try r.get(), status: try r.get(),
                  number: try r.get(), validFrom: try r.get(), validUntil: try r.get(), units: try r.get(), submittedAt: try r.get(),
                  decisionDue: try r.get(), decidedAt: try r.get(), denialReason: try r.get(), appealBy: try r.get(), note: try r.get(),
                  chaseTask: try r.get(), appealTask: try r.get(), recordedAt: try r.get())
    }
}

extension DocumentRecord: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(kind); w.put(state); w.put(dated); w.put(by) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(kind: try r.get(), state: try r.get(), dated: try r.get(), by: try r.get()) }
}

extension Eligibility: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(payer); w.put(active); w.put(verifiedAt); w.put(by); w.put(note) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(payer: try r.get(), active: try r.get(), verifiedAt: try r.get(), by: try r.get(), note: try r.get())
    }
}

extension ReadinessState {
    /// Dictionaries in key order; the flagged requirements and the documents per kind as lists.
    func write(to w: inout ByteWriter) {
        w.dictionary(auths); w.dictionary(authOf); w.dictionary(overrides); w.dictionary(bedAfter); w.dictionary(documents); w.dictionary(eligibility)
        w.varint(UInt64(flagged.count))
        for id in flagged.keys.sorted() {
            w.put(id)
            let f = flagged[id]!
            w.varint(UInt64(f.count))
            for k in f.keys.sorted() { w.put(k); w.put(f[k]!) }
        }
        w.varint(UInt64(requiredDocuments.count))
        for k in requiredDocuments.keys.sorted(by: { $0.code < $1.code }) { w.put(k); w.put(requiredDocuments[k]!) }
        w.put(nextAuth)
    }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        auths = try r.dictionary(); authOf = try r.dictionary(); overrides = try r.dictionary(); bedAfter = try r.dictionary()
        documents = try r.dictionary(); eligibility = try r.dictionary()
        for _ in 0..<(try r.count()) {
            let id: ProcedureID = try r.get()
            var f: [String: TaskID] = [:]
            for _ in 0..<(try r.count()) { let k: String = try r.get(); let t: TaskID = try r.get(); f[k] = t }
            flagged[id] = f
        }
        for _ in 0..<(try r.count()) { let k: ProcedureKind = try r.get(); let d: [DocumentKind] = try r.get(); requiredDocuments[k] = d }
        nextAuth = try r.get()
        for (procedure, id) in authOf.sorted(by: { $0.key < $1.key }) { users[id, default: []].append(procedure) }
    }
}

// MARK: - Scheduling (AddOn.swift)

extension PlanID: SequentialIDCodable {}
extension CaseUrgency: VocabularyCodable {}
extension PlanStatus: VocabularyCodable {}

extension AddOnRequest: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(mrn); w.put(kind); w.put(title); w.put(resources); w.put(length); w.put(urgency); w.put(startBy); w.put(requiredTests); w.put(after)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(mrn: try r.get(), kind: try r.get(), title: try r.get(), resources: try r.get(), length: try r.get(), urgency: try r.get(),
                  startBy: try r.get(), requiredTests: try r.get(), after: try r.get())
    }
}

extension PlanMove: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(procedure); w.put(fromResource); w.put(fromStart); w.put(fromEnd); w.put(toResource); w.put(toStart)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(procedure: try r.get(), fromResource: try r.get(), fromStart: try r.get(), fromEnd: try r.get(), toResource: try r.get(), toStart: try r.get())
        guard (toResource == nil) == (toStart == nil) else { throw CodecError("a move with a room and no time, or a time and no room") }
    }
}

extension PlanOption: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(resource); w.put(start); w.put(moves) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(resource: try r.get(), start: try r.get(), moves: try r.get()) }
}

extension AddOnPlan: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(request); w.put(options); w.put(proposedAt); w.put(by); w.put(status); w.put(accepted); w.put(addOn); w.put(reason)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), request: try r.get(), options: try r.get(), proposedAt: try r.get(), by: try r.get(), status: try r.get(),
                  accepted: try r.get(), addOn: try r.get(), reason: try r.get())
    }
}

extension Cancellation: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(reason); w.put(within48h); w.put(avoidable); w.put(plan); w.put(at) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(reason: try r.get(), within48h: try r.get(), avoidable: try r.get(), plan: try r.get(), at: try r.get())
    }
}

extension CaseUrgencyRecord: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(urgency); w.put(startBy); w.put(plan); w.put(lateTask) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(urgency: try r.get(), startBy: try r.get(), plan: try r.get(), lateTask: try r.get())
    }
}

extension SchedulingState {
    func write(to w: inout ByteWriter) {
        w.dictionary(plans); w.put(nextPlan); w.dictionary(bookedBy); w.dictionary(urgency); w.dictionary(cancellations); w.dictionary(bumpedBy)
    }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        plans = try r.dictionary(); nextPlan = try r.get(); bookedBy = try r.dictionary(); urgency = try r.dictionary()
        cancellations = try r.dictionary(); bumpedBy = try r.dictionary()
    }
}

extension BarrierKind: VocabularyCodable {}

extension DischargeBarrier: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(kind); w.put(note); w.put(recordedAt); w.put(recordedBy); w.put(resolvedAt); w.put(resolvedBy); w.put(resolution)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(kind: try r.get(), note: try r.get(), recordedAt: try r.get(), recordedBy: try r.get(), resolvedAt: try r.get(),
                  resolvedBy: try r.get(), resolution: try r.get())
    }
}

extension BarrierState {
    /// By stay, in key order.
    func write(to w: inout ByteWriter) { w.dictionary(byStay) }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        byStay = try r.dictionary()
    }
}

extension ReferralEntry: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(step); w.put(at); w.put(by); w.put(note) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(step: try r.get(), at: try r.get(), by: try r.get(), note: try r.get())
    }
}

extension Referral: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(mrn); w.put(service); w.put(specialist); w.put(external); w.put(reason); w.put(urgency); w.put(due); w.put(highRisk)
        w.put(clinician); w.put(sentAt); w.put(sentBy); w.put(status); w.put(appointment); w.put(unableReason); w.put(report); w.put(reportedAt)
        w.put(overdueTask); w.put(history)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), mrn: try r.get(), service: try r.get(), specialist: try r.get(), external: try r.get(), reason: try r.get(),
                  urgency: try r.get(), due: try r.get(), highRisk: try r.get(), clinician: try r.get(), sentAt: try r.get(), sentBy: try r.get(),
                  status: try r.get(), appointment: try r.get(), unableReason: try r.get(), report: try r.get(), reportedAt: try r.get(),
                  overdueTask: try r.get(), history: try r.get())
    }
}

extension ReferralState {
    /// By id, in key order, then the next number.
    func write(to w: inout ByteWriter) { w.dictionary(byID); w.put(next) }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        byID = try r.dictionary(); next = try r.get()
        for (id, x) in byID where x.isOpen { openIDs.insert(id) }
    }
}

extension ComplaintEntry: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(step); w.put(at); w.put(by); w.put(note) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(step: try r.get(), at: try r.get(), by: try r.get(), note: try r.get())
    }
}

extension Complaint: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(summary); w.put(source); w.put(channel); w.put(category); w.put(patient); w.put(complainant); w.put(owner); w.put(about)
        w.put(receivedAt); w.put(receivedBy); w.put(grievance); w.put(status); w.put(responseDue); w.put(notices); w.put(overdueTask); w.put(resolution)
        w.put(history)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), summary: try r.get(), source: try r.get(), channel: try r.get(), category: try r.get(), patient: try r.get(),
                  complainant: try r.get(), owner: try r.get(), about: try r.get(), receivedAt: try r.get(), receivedBy: try r.get(),
                  grievance: try r.get(), status: try r.get(), responseDue: try r.get(), notices: try r.get(), overdueTask: try r.get(),
                  resolution: try r.get(), history: try r.get())
    }
}

extension ComplaintState {
    func write(to w: inout ByteWriter) { w.dictionary(byID); w.put(next) }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        byID = try r.dictionary(); next = try r.get()
        for (id, x) in byID where x.isOpen { openIDs.insert(id) }
    }
}

extension FollowUpEntry: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(step); w.put(at); w.put(by); w.put(note) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(step: try r.get(), at: try r.get(), by: try r.get(), note: try r.get())
    }
}

extension FollowUp: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(id); w.put(mrn); w.put(stay); w.put(dischargedAt); w.put(lace); w.put(reasons); w.put(callDue); w.put(visitDue); w.put(callTask)
        w.put(reachedAt); w.put(attempts); w.put(visitAt); w.put(visitWith); w.put(visitAttended); w.put(visitTask); w.put(readmittedAt)
        w.put(readmission); w.put(status); w.put(history)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(id: try r.get(), mrn: try r.get(), stay: try r.get(), dischargedAt: try r.get(), lace: try r.get(), reasons: try r.get(),
                  callDue: try r.get(), visitDue: try r.get(), callTask: try r.get(), reachedAt: try r.get(), attempts: try r.get(),
                  visitAt: try r.get(), visitWith: try r.get(), visitAttended: try r.get(), visitTask: try r.get(), readmittedAt: try r.get(),
                  readmission: try r.get(), status: try r.get(), history: try r.get())
    }
}

extension Visit: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(stay); w.put(arrivedAt); w.put(fromED); w.put(dischargedAt) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(stay: try r.get(), arrivedAt: try r.get(), fromED: try r.get(), dischargedAt: try r.get())
    }
}

extension Readmission: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(stay); w.put(previous); w.put(previousDischarge); w.put(admittedAt) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(stay: try r.get(), previous: try r.get(), previousDischarge: try r.get(), admittedAt: try r.get())
    }
}

extension FollowUpState {
    func write(to w: inout ByteWriter) { w.dictionary(byID); w.put(next); w.dictionary(visits); w.dictionary(readmissions) }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        byID = try r.dictionary(); next = try r.get(); visits = try r.dictionary(); readmissions = try r.dictionary()
        for (id, x) in byID {
            if x.isOpen { openIDs.insert(id) }
            byStay[x.stay] = id
        }
    }
}

extension Study: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(code); w.put(name); w.put(investigator); w.put(approvedUntil); w.put(consentVersion); w.put(plan); w.put(reviewTask); w.put(reviewFor)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(code: try r.get(), name: try r.get(), investigator: try r.get(), approvedUntil: try r.get(), consentVersion: try r.get(),
                  plan: try r.get(), reviewTask: try r.get(), reviewFor: try r.get())
    }
}

extension StudyVisitRecord: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(outcome); w.put(at); w.put(deviation); w.put(note) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(outcome: try r.get(), at: try r.get(), deviation: try r.get(), note: try r.get())
    }
}

extension Enrollment: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(mrn); w.put(study); w.put(anchor); w.put(arm); w.put(consentVersion); w.put(status); w.put(enrolledAt); w.dictionary(visits)
        w.dictionary(tasks); w.put(endNote)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(mrn: try r.get(), study: try r.get(), anchor: try r.get(), arm: try r.get(), consentVersion: try r.get(), status: try r.get(),
                  enrolledAt: try r.get(), visits: try r.dictionary(), tasks: try r.dictionary(), endNote: try r.get())
    }
}

extension ResearchState {
    func write(to w: inout ByteWriter) { w.dictionary(studies); w.dictionary(enrollments); w.dictionary(onStudy) }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        studies = try r.dictionary(); enrollments = try r.dictionary(); onStudy = try r.dictionary()
    }
}

extension StockLot: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(lot); w.put(expires); w.put(quantity) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(lot: try r.get(), expires: try r.get(), quantity: try r.get()) }
}

extension StockOrder: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(quantity); w.put(at); w.put(expected) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(quantity: try r.get(), at: try r.get(), expected: try r.get()) }
}

extension StockItem: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(item); w.put(location); w.put(name); w.put(unit); w.put(min); w.put(max); w.put(reorder); w.put(vendor); w.put(leadDays)
        w.put(onHand); w.put(lots); w.put(order); w.put(countedAt); w.put(lastChange); w.put(reorderTask); w.dictionary(lotTasks)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(item: try r.get(), location: try r.get(), name: try r.get(), unit: try r.get(), min: try r.get(), max: try r.get(), reorder: try r.get(),
                  vendor: try r.get(), leadDays: try r.get(), onHand: try r.get(), lots: try r.get(), order: try r.get(), countedAt: try r.get(),
                  lastChange: try r.get(), reorderTask: try r.get(), lotTasks: try r.dictionary())
    }
}

extension Equipment: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(tag); w.put(kind); w.put(name); w.put(location); w.put(vendor); w.put(status); w.put(holder); w.put(since); w.put(maintenanceDate)
        w.put(maintenanceEnds); w.put(maintenanceTask); w.put(maintenanceFor); w.put(collectTask); w.put(reason)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(tag: try r.get(), kind: try r.get(), name: try r.get(), location: try r.get(), vendor: try r.get(), status: try r.get(), holder: try r.get(),
                  since: try r.get(), maintenanceDate: try r.get(), maintenanceEnds: try r.get(), maintenanceTask: try r.get(), maintenanceFor: try r.get(),
                  collectTask: try r.get(), reason: try r.get())
    }
}

extension SupplyState {
    func write(to w: inout ByteWriter) {
        w.dictionary(items); w.dictionary(assets); w.dictionary(needs); w.put(toCollect.sorted()); w.put(toRelease.sorted())
    }
    init(from r: inout ByteReader) throws(CodecError) {
        self.init()
        items = try r.dictionary(); assets = try r.dictionary(); needs = try r.dictionary()
        toCollect = Set(try r.get() as [String]); toRelease = Set(try r.get() as [String])
        rebuildIndexes()
    }
}
