import Testing
@testable import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport
import RoundsDemo
import RoundsReports

/// What a real hospital needs on day one (issue 17): imports, all-or-none writes, who may
/// acknowledge a message, rules that fire for readers and under the engine's own actor, and
/// text that cannot carry terminal control sequences.
@Suite struct ImportTests {
    @Test func csvReadsQuotesCommasLineBreaksAndAByteOrderMark() throws {
        let rows = try CSV.parse("\u{FEFF}code,name,kind\r\n4W,\"4 West, \"\"Medical\"\"\",medsurg\n\nX,\"two\nlines\",icu")
        #expect(rows.map(\.fields) == [["code", "name", "kind"], ["4W", "4 West, \"Medical\"", "medsurg"], ["X", "two\nlines", "icu"]])
        #expect(rows.map(\.line) == [1, 2, 4])
        #expect(throws: ImportProblem.self) { try CSV.parse("a,b\n\"open,c\n") }
        #expect(throws: ImportProblem.self) { try CSV.parse("a,b\nx\"y,c\n") }
    }

    @Test func aBadRowIsReportedWithLineAndColumnAndNothingIsPlanned() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir, actor: "sam")
        let text = "code,name,kind\n5E,Five East,medsurg\n6E,Six East,surgical\n,Nameless,icu\n5E,Again,icu\n"
        guard case .failure(let found) = Import.plan(.units, text: text, in: e.state) else { Issue.record("a bad file was accepted"); return }
        let p = found.problems
        #expect(p.contains(ImportProblem(line: 3, column: "kind", "'surgical' is not a unit kind; use one of icu, stepdown, telemetry, medsurg, edholding, pacu, pediatrics, maternity, rehab")))
        #expect(p.contains { $0.line == 4 && $0.column == "code" && $0.message.contains("is empty") })
        #expect(p.contains { $0.line == 5 && $0.column == "code" && $0.message.contains("already on line 2") })
        #expect(!p.contains { $0.line == 2 }, "the good row is not reported")
        // A header without a required column names the columns.
        guard case .failure(let header) = Import.plan(.beds, text: "bed,ward\nX-1,ICU\n", in: e.state) else { Issue.record("bad header accepted"); return }
        #expect(header.problems.first?.description.contains("'ward' is not a column of a beds file; the columns are bed, unit, attributes") == true)
    }

    @Test func importingIsAllOrNoneAndAgainChangesNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir, actor: "sam")
        let units = "code,name,kind\n5E,\"Five East, Surgical\",medsurg\nICU,Intensive Care,icu\n"
        let plan = try Import.plan(.units, text: units, in: e.state).get()
        #expect(plan.added == 1 && plan.unchanged == 1)
        try e.submitAll(plan.commands.map(\.command))
        #expect(e.state.units["5E"]?.name == "Five East, Surgical")
        let beds = "bed,unit,attributes\n5E-01,5E,isolation;bariatric\n5E-02,5E,\nICU-01,ICU,isolation telemetry\n"
        let bedPlan = try Import.plan(.beds, text: beds, in: e.state).get()
        #expect(bedPlan.added == 2 && bedPlan.unchanged == 1)
        try e.submitAll(bedPlan.commands.map(\.command))
        #expect(e.state.beds["5E-01"]?.attributes == [.isolation, .bariatric])
        // The same files again: nothing to record.
        let seq = e.state.lastSeq
        #expect(try Import.plan(.units, text: units, in: e.state).get().commands.isEmpty)
        #expect(try Import.plan(.beds, text: beds, in: e.state).get().commands.isEmpty)
        #expect(e.state.lastSeq == seq)
        // Staff: a changed role updates the roster; the same file again changes nothing.
        let staff = "login,name,role,on_duty\nalice,Alice Moreau,charge-nurse,yes\nnewbie,New Person,nurse,no\n"
        let staffPlan = try Import.plan(.staff, text: staff, in: e.state).get()
        #expect(staffPlan.added == 1 && staffPlan.updated == 1)
        try e.submitAll(staffPlan.commands.map(\.command))
        #expect(e.state.staff["alice"]?.role == .chargenurse)
        #expect(e.state.staff["newbie"]?.onDuty == false)
        #expect(try Import.plan(.staff, text: staff, in: e.state).get().commands.isEmpty)
        // root and the engine's own actor are never put on the roster.
        guard case .failure(let bad) = Import.plan(.staff, text: "login,name,role\nroot,Root,supervisor\nsystem,Engine,viewer\n", in: e.state) else {
            Issue.record("root was accepted"); return
        }
        #expect(bad.problems.map(\.line) == [2, 3])
    }

    @Test func aBatchIsRecordedWholeOrNotAtAll() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir, actor: "sam")
        let before = e.state.lastSeq
        let commands: [Command] = [.addUnit(code: "5E", name: "Five East", kind: .medsurg),
                                   .addBed(id: "5E-01", unit: "5E", attributes: []),
                                   .addBed(id: "5E-01", unit: "5E", attributes: [])]
        #expect(throws: Engine.BatchError.refused(index: 2, Refusal("bed 5E-01 already exists"))) { try e.submitAll(commands) }
        #expect(e.state.lastSeq == before, "nothing of a refused batch is recorded")
        #expect(e.state.units["5E"] == nil)
        let reopened = try Engine(journalAt: e.journal.path, actor: "sam", useSnapshot: false)
        #expect(reopened.state.units["5E"] == nil)
        // Later commands see what earlier ones of the batch did.
        try e.submitAll(Array(commands.prefix(2)))
        #expect(e.state.beds["5E-01"]?.unit == "5E")
    }

    @Test func theHospitalIsNamedAndTheEnginesActorIsReserved() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir, actor: "sam")
        try e.submit(line: "hospital name \"St Example General\"")
        #expect(e.state.hospitalName == "St Example General")
        let reopened = try Engine(journalAt: e.journal.path, actor: "sam", useSnapshot: false)
        #expect(reopened.state.hospitalName == "St Example General")
        let r = try #require(refusal { try e.submit(line: "staff add system name \"Engine\" role supervisor") })
        #expect(r.reason.contains("reserved"))
        e.actor = "alice"
        #expect(refusal { try e.submit(line: "hospital name \"Other\"") }?.reason.contains("lacks the permission") == true)
    }
}

@Suite struct MessageAcknowledgementTests {
    @Test func onlyARecipientOrASupervisorForThemMayAcknowledge() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try e.submit(line: "msg send @supervisor \"Need a decision on bed 4\" urgent")   // M1, alice to supervisors
        try e.submit(line: "msg send drlee \"Personal: call me\" urgent")                 // M2, alice to drlee
        try e.submit(line: "msg send @evs \"Spill in 4W\" urgent")                         // M3, alice to EVS
        // The sender cannot stop the escalation of their own message.
        let own = try #require(refusal { try e.submit(line: "msg ack M1") }, "the sender acknowledged their own message")
        #expect(own.reason.contains("alice sent message M1 and cannot acknowledge it"))
        // Someone who is not a recipient cannot either.
        e.actor = "evs1"
        let other = try #require(refusal { try e.submit(line: "msg ack M2") }, "a non-recipient acknowledged a personal message")
        #expect(other.reason.contains("addressed to drlee, not to evs1"))
        #expect(other.hint?.contains("supervisor may acknowledge") == true)
        #expect(e.state.messages[MessageID(2)]?.acknowledgedBy == nil)
        // A holder of the role may.
        try e.submit(line: "msg ack M3")
        #expect(e.state.messages[MessageID(3)]?.acknowledgedBy == "evs1")
        #expect(e.state.messages[MessageID(3)]?.acknowledgedOnBehalfOf == nil)
        // The named person may.
        e.actor = "drlee"
        try e.submit(line: "msg ack M2")
        // A supervisor acknowledges a message to the supervisors as a recipient, and anyone
        // else's on their behalf, recorded as such.
        try e.submit(line: "msg send @coordinator \"Family waiting in lobby\" urgent")     // M4, drlee to coordinators
        e.actor = "sam"
        try e.submit(line: "msg ack M1")
        #expect(e.state.messages[MessageID(1)]?.acknowledgedOnBehalfOf == nil)
        let records = try e.submit(line: "msg ack M4")
        #expect(records.first?.event == .messageAcknowledged(MessageAcknowledged(id: MessageID(4), onBehalfOf: .role(.coordinator))))
        #expect(records.first?.event.summary == "message M4 acknowledged on behalf of @coordinator")
        // The journal keeps it: a replay gives the same.
        let reopened = try Engine(journalAt: e.journal.path, useSnapshot: false)
        #expect(reopened.state.messages[MessageID(4)]?.acknowledgedOnBehalfOf == .role(.coordinator))
        #expect(reopened.state.messages[MessageID(4)]?.acknowledgedBy == "sam")
    }

    @Test func ruleNoticesToSupervisorsNeverEscalate() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try e.submit(line: "msg send @evs \"Spill in 4W corridor\" urgent")
        clock.advance(e.state.policy.messageAckWindow * 2 + .minutes(1))
        try e.tick()
        let notice = try #require(e.state.messages.values.first { $0.system })
        #expect(notice.urgent)
        clock.advance(.hours(6))
        try e.tick()
        #expect(e.state.messages[notice.id]?.escalation == 0, "a notice about an escalation does not itself escalate")
        #expect(e.state.messages.values.filter { $0.system }.count == 1, "no notice about a notice")
    }
}

@Suite struct RulesWithoutAWriterTests {
    /// A critical result in a fresh fixture, resulted now.
    static func critical(_ e: Engine) throws {
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        try e.submit(line: "lab order MRN001 K priority stat")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 6.9")
    }

    @Test func rulesAreRecordedUnderTheEnginesOwnActor() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Self.critical(e)
        clock.advance(e.state.policy.criticalWindow + .minutes(1))
        e.actor = "drlee"
        let records = try e.submit(line: "task add \"Unrelated\"")
        let escalation = try #require(records.first { if case .taskEscalated = $0.event { true } else { false } })
        #expect(escalation.actor == Engine.systemActor, "a rule's event names the engine, not drlee")
        let notice = try #require(records.first { if case .messageSent(let m) = $0.event { m.system } else { false } })
        #expect(notice.actor == "system")
        #expect(records.last?.actor == "drlee", "the command itself is drlee's")
    }

    @Test func aReaderSeesWhatIsDueWithoutAnyCommand() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Self.critical(e)
        clock.advance(e.state.policy.criticalWindow + .minutes(1))
        // Another process that only reads: recording its read fires what is due first.
        let reader = try Engine(journalAt: e.journal.path, actor: "sam", clock: clock, wallClock: .utc)
        #expect(reader.state.tasks[TaskID(1)]?.escalation == 0, "nothing recorded it yet")
        let access = try #require(try reader.recordAccess(.exported, patient: nil, detail: "report supervisor json"))
        if case .accessRecorded = access.event {} else { Issue.record("the access record is returned") }
        #expect(reader.state.tasks[TaskID(1)]?.escalation == 2)
        #expect(reader.state.messages.values.contains { $0.system && $0.subject.contains("Critical result not communicated") })
        // A report of the moment shows it whether or not anyone recorded it (the projection).
        let (f, clock2) = try Fixture.engine(in: dir, name: "other.rj")
        try Self.critical(f)
        let projected = Rules.projected(f.state, at: clock2.now() + f.state.policy.criticalWindow + .minutes(1))
        #expect(projected.tasks[TaskID(1)]?.escalation == 2)
        #expect(f.state.tasks[TaskID(1)]?.escalation == 0, "projecting changes nothing held")
    }

    @Test func aBookingMissingItsLabsIsNotReadyWithTheBookingItself() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        let records = try e.submit(line: "proc book MRN001 surgery OR-1 at +2h for 90m requires K,TS")
        let notReady = records.contains { if case .procedureNotReady = $0.event { true } else { false } }
        #expect(notReady, "the booking's own write raises the missing-lab task")
        let task = try #require(e.state.openTasks.compactMap { e.state.tasks[$0] }.first { $0.kind == .missinglab })
        #expect(task.title.contains("missing K, TS"))
        #expect(records.first { if case .procedureNotReady = $0.event { true } else { false } }?.actor == "system")
    }
}

@Suite struct UntrustedTextTests {
    @Test func controlCharactersAndDirectionOverridesAreRefusedEverywhere() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir, actor: "sam")
        let esc = "\u{1B}", bell = "\u{07}", rlo = "\u{202E}", tab = "\t"
        let bad: [(String, String)] = [
            ("admit EVIL01 name \"Evil\(esc)[2J\(esc)[31mRED\" dob 1970-01-01 sex f from ed", "escape character"),
            ("task add \"Ring\(bell)\"", "bell"),
            ("msg send @evs \"abc\(rlo)def\"", "bidirectional override"),
            ("staff add tabby name \"Tab\(tab)by\" role nurse", "tab"),
        ]
        for (line, word) in bad {
            let before = e.state
            let r = try #require(refusal { try e.submit(line: line) }, "accepted: \(line.terminalSafe)")
            #expect(r.reason.contains(word), "\(r.reason)")
            #expect(r.reason.contains("at character"))
            #expect(e.state == before)
        }
        #expect("Evil\(esc)[2J\(rlo)".terminalSafe == "Evil\\u{001B}[2J\\u{202E}")
        #expect(!"Evil\(esc)[2J".terminalSafe.unicodeScalars.contains { $0.value == 0x1B })
        #expect("Nguyễn, Thị Hồng 김민준".terminalSafe == "Nguyễn, Thị Hồng 김민준", "ordinary names are left alone")
    }
}

@Suite struct NoStuckWorkTests {
    @Test func aDirtyBedThatIsBlockedLeavesNoTaskNobodyCanClose() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try e.submit(line: "bed dirty 4W-03")
        let cleaning = try #require(e.state.cleaningTask["4W-03"])
        try e.submit(line: "bed block 4W-03 reason \"Broken rail\" until +2h")
        #expect(e.state.tasks[cleaning]?.status == .cancelled, "nobody can clean a blocked bed: its request closes")
        #expect(!e.state.openTasks.contains(cleaning))
        // Unblocked by hand, it comes back dirty with a new request that bed clean closes.
        try e.submit(line: "bed unblock 4W-03")
        #expect(e.state.beds["4W-03"]?.status == .dirty)
        let again = try #require(e.state.cleaningTask["4W-03"])
        #expect(again != cleaning && e.state.tasks[again]?.status == .open)
        try e.submit(line: "bed clean 4W-03")
        #expect(e.state.tasks[again]?.status == .done)
        // The same when the block runs out by itself.
        try e.submit(line: "bed dirty 4W-04")
        try e.submit(line: "bed block 4W-04 reason \"No staff\" until +1h")
        clock.advance(.minutes(61))
        try e.tick()
        #expect(e.state.beds["4W-04"]?.status == .dirty)
        let auto = try #require(e.state.cleaningTask["4W-04"])
        #expect(e.state.tasks[auto]?.status == .open)
    }

    @Test func anOldStuckCleaningTaskCanBeCancelledWhileItsBedIsBlocked() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try e.submit(line: "bed dirty 4W-03")
        let t = try #require(e.state.cleaningTask["4W-03"])
        // As an older journal holds it: blocked with the request still open.
        let blocked = Recorded(seq: e.state.lastSeq + 1, time: e.state.lastTime, actor: "alice",
                               event: .bedBlocked(BedBlocked(bed: "4W-03", reason: "Broken rail", until: nil, returnsTo: .dirty)))
        let older = try Engine(journalAt: e.journal.path, actor: "alice", useSnapshot: false)
        try older.journal.withLock { () throws(JournalError) in
            _ = try older.journal.append([Journal.Entry(time: blocked.time, actor: blocked.actor, session: 0, event: blocked.event)], sync: true)
        }
        try e.refresh()
        let done = try #require(refusal { try e.submit(line: "task done \(t)") })
        #expect(done.hint?.contains("task cancel \(t)") == true, "the hint names what is accepted, not bed clean")
        try e.submit(line: "task cancel \(t) reason \"bed blocked\"")
        #expect(e.state.tasks[t]?.status == .cancelled)
    }

    @Test func hintsNameSomethingThatWouldBeAccepted() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        let same = try #require(refusal { try e.submit(line: "assign MRN001 4W-02") })
        #expect(!(same.hint ?? "").contains("transfer MRN001 4W-02"), "never advise moving a patient to the bed they are in")
        clock.advance(.hours(7))   // 14:00
        let past = try #require(refusal { try e.submit(line: "task add \"Call\" due 08:00") })
        #expect(past.hint?.contains("tomorrow 08:00") == true)
        try e.submit(line: "task add \"Call\" due tomorrow 08:00")
        // The result form's own example for a type & screen is accepted.
        try e.submit(line: "lab order MRN001 TS")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 \"O POS\"")
        #expect(e.state.labs[LabID(1)]?.result?.flag == .normal)
        try e.submit(line: "lab order MRN001 BCX")
        try e.submit(line: "lab collect L2")
        let unknown = try #require(refusal { try e.submit(line: "lab result L2 \"gram positive cocci\"") })
        #expect(unknown.hint?.contains("lab result L2 \"gram positive cocci\" flag") == true)
        try e.submit(line: "lab result L2 \"gram positive cocci\" flag critical")
    }
}

@Suite struct DemoThatTeachesTests {
    @Test func theSimulatorLeavesTheStoriesAndTheTextsMatchTheClock() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let path = dir.file("demo.rj")
        // A shift that starts at an odd time, as `rounds --demo` starts it now.
        let start = fixtureStart + .hours(11) + .minutes(6)   // 18:06
        let summary = try DemoHospital.write(to: path, options: DemoOptions(start: start, creator: "alice", wallClock: .utc, beds: 40))
        #expect(!summary.storyPatients.isEmpty && !summary.storyLabs.isEmpty)
        let clock = ManualClock(start)
        let e = try Engine(journalAt: path, actor: DemoHospital.simActor, clock: clock, wallClock: .utc)
        let hip = try #require(e.state.procedures.values.first { $0.title == "Total hip replacement" })
        let ipass = try #require(e.state.stay(of: hip.mrn)?.summary)
        #expect(ipass.contains("Hip replacement \(WallClock.utc.hhmm(hip.start))"), "the story's text names the booking's own time: \(ipass)")
        let storyMessages = e.state.messages.values.filter { $0.from == DemoHospital.demoActor && $0.urgent && $0.acknowledgedBy == nil }.map(\.id)
        #expect(!storyMessages.isEmpty)
        let atStart = Dictionary(uniqueKeysWithValues: summary.storyLabs.compactMap { id in e.state.labs[id].map { (id, $0.status) } })
        var sim = Simulator(seed: 99, wallClock: .utc)
        sim.leaveAlone = summary.storyPatients
        sim.leaveLabsAlone = summary.storyLabs
        for _ in 0..<600 {
            clock.advance(.seconds(20))
            if let c = sim.next(in: e.state, at: clock.now()) { _ = try? e.submit(c) }
        }
        for (id, status) in atStart {
            #expect(e.state.labs[id]?.status == status, "story lab \(id) was moved on by the simulator")
        }
        #expect(e.state.labs.values.contains { $0.mrn == hip.mrn && $0.test == "TS" && $0.isPending }, "the hip's type & screen is still not done")
        for id in storyMessages { #expect(e.state.messages[id]?.acknowledgedBy == nil, "story message \(id) was acknowledged by the simulator") }
    }
}

@Suite struct ChangesAndMessageReportTests {
    @Test func aStatTaskThatGoesOverdueIsAChangeAndTheSenderIsNotAReader() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try e.submit(line: "task add \"Stat call\" priority stat owner alice")
        let since = clock.now()
        clock.advance(.minutes(31))
        try e.tick()
        #expect(e.state.tasks[TaskID(1)]?.escalation == 2, "a stat task goes straight to level 2")
        let changes = try Engine.changes(journalAt: e.journal.path, since: since, for: "alice")
        #expect(changes.contains { $0.kind == .taskOverdue && $0.text.contains("T1") }, "the stat task that went overdue is listed")
        // Read counts leave the sender out; an acknowledgement for someone says so in the data.
        try e.submit(line: "msg send @evs \"Spill\" urgent")
        e.actor = "sam"
        try e.submit(line: "msg ack M2")
        let table = Report.messages.tables(e.state, ReportContext(now: clock.now(), wallClock: .utc))[0]
        let json = table.render(.json)
        #expect(json.contains("\"read_count\": 1") || json.contains("\"read_count\":1"), "sam read it acknowledging; alice only wrote it")
        #expect(json.contains("\"acknowledged_on_behalf_of\": \"@evs\"") || json.contains("\"acknowledged_on_behalf_of\":\"@evs\""))
    }
}
