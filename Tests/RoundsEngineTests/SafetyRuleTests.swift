import Testing
@testable import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

/// Each safety rule of the engine, through the real command path and journal.
@Suite struct BedConflictTests {
    @Test func occupiedBedIsRefusedWithReason() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try Fixture.admit(e, "MRN002")
        try e.submit(line: "assign MRN001 4W-02")
        let before = e.state
        #expect(throws: SubmitError.refused(Refusal("bed 4W-02 is occupied by another patient", hint: "choose an available bed"))) {
            try e.submit(line: "assign MRN002 4W-02")
        }
        #expect(e.state == before)
        #expect(e.state.beds["4W-02"]?.patient == "MRN001")
    }

    @Test func patientCannotBeInTwoBeds() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        let r = try #require(refusal { try e.submit(line: "assign MRN001 4W-03") }, "a second bed was accepted")
        #expect(r.reason.contains("cannot be in two beds"))
        #expect(r.hint?.contains("transfer MRN001 4W-03") == true)
        #expect(e.state.beds["4W-03"]?.status == .available)
        #expect(e.state.beds.values.filter { $0.patient == "MRN001" }.count == 1)
    }

    @Test func blockedBedIsRefusedWithItsReason() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "bed block 4W-03 reason \"broken suction\"")
        let r = try #require(refusal { try e.submit(line: "assign MRN001 4W-03") }, "a blocked bed was assigned")
        #expect(r.reason.contains("blocked (broken suction"))
    }

    @Test func isolationPatientNeedsIsolationBedOrRecordedOverride() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001", extra: "precautions airborne")
        let r = try #require(refusal { try e.submit(line: "assign MRN001 4W-02") }, "an isolation patient went into a non-isolation bed")
        #expect(r.reason.contains("airborne precautions"))
        #expect(r.reason.contains("not isolation-capable"))
        #expect(r.hint?.contains("override") == true)
        #expect(e.state.beds["4W-02"]?.status == .available)
        // With a recorded reason the placement is allowed and the reason is kept on the stay.
        try e.submit(line: "assign MRN001 4W-02 override \"all isolation rooms full; ID consulted\"")
        #expect(e.state.stay(of: "MRN001")?.history.last?.override == "all isolation rooms full; ID consulted")
        // And an isolation-capable bed needs no override at all.
        try Fixture.admit(e, "MRN002", extra: "precautions contact")
        try e.submit(line: "assign MRN002 4W-01")
        #expect(e.state.beds["4W-01"]?.patient == "MRN002")
    }

    @Test func resourceBookedTwiceIsRefused() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try Fixture.admit(e, "MRN002")
        try e.submit(line: "proc book MRN001 surgery OR-3 at 10:00 for 2h")
        let r = try #require(refusal { try e.submit(line: "proc book MRN002 surgery OR-3 at 11:00 for 1h") }, "OR-3 was booked twice")
        #expect(r.reason.contains("OR-3 is already booked"))
        #expect(r.reason.contains("cannot be booked twice"))
        // Back to back is fine.
        try e.submit(line: "proc book MRN002 surgery OR-3 at 12:00 for 1h")
        #expect(e.state.procedures.count == 2)
    }

    @Test func dischargeMakesBedDirtyRaisesCleaningAndBlocksAssignmentUntilClean() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try Fixture.admit(e, "MRN002")
        try e.submit(line: "assign MRN001 4W-02")
        try e.submit(line: "discharge MRN001 disposition snf")
        #expect(e.state.beds["4W-02"]?.status == .dirty)
        let cleaning = e.state.tasks.values.filter { $0.kind == .cleaning && $0.link == .bed("4W-02") }
        #expect(cleaning.count == 1)
        #expect(cleaning.first?.owner == .role(.evs))
        #expect(throws: SubmitError.self) { try e.submit(line: "assign MRN002 4W-02") }
        try e.submit(line: "bed cleaning 4W-02")
        #expect(throws: SubmitError.self) { try e.submit(line: "assign MRN002 4W-02") }
        clock.advance(.minutes(25))
        try e.submit(line: "bed clean 4W-02")
        #expect(e.state.beds["4W-02"]?.status == .available)
        #expect(e.state.tasks[cleaning[0].id]?.status == .done)
        try e.submit(line: "assign MRN002 4W-02")
    }

    @Test func transferOutMakesTheOldBedDirty() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 ICU-03")
        try e.submit(line: "transfer MRN001 4W-03")
        #expect(e.state.beds["ICU-03"]?.status == .dirty)
        #expect(e.state.beds["4W-03"]?.patient == "MRN001")
        #expect(e.state.tasks.values.contains { $0.kind == .cleaning && $0.link == .bed("ICU-03") && !$0.status.isClosed })
        #expect(e.state.stay(of: "MRN001")?.history.count == 2)
    }

    @Test func swapChecksIsolationBothWays() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001", extra: "precautions droplet")
        try Fixture.admit(e, "MRN002")
        try e.submit(line: "assign MRN001 4W-01")
        try e.submit(line: "assign MRN002 4W-02")
        #expect(throws: SubmitError.self) { try e.submit(line: "swap MRN001 MRN002") }
        #expect(e.state.beds["4W-01"]?.patient == "MRN001")
        try e.submit(line: "swap MRN001 MRN002 override \"family request, cohorted\"")
        #expect(e.state.beds["4W-01"]?.patient == "MRN002")
        #expect(e.state.beds["4W-02"]?.patient == "MRN001")
    }

    @Test func vulnerableDischargeRaisesFollowUpAndOthersDoNot() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try e.submit(line: "admit OLD1 name \"Old, Person\" dob 1940-05-01 sex m from ed")
        try e.submit(line: "admit LANG1 name \"Lang, Person\" dob 1990-05-01 sex f from ed language Somali interpreter")
        try e.submit(line: "admit ALONE1 name \"Alone, Person\" dob 1990-05-01 sex f from ed lives-alone")
        try e.submit(line: "admit YOUNG1 name \"Young, Person\" dob 1995-05-01 sex f from ed")
        for (mrn, bed) in [("OLD1", "4W-01"), ("LANG1", "4W-02"), ("ALONE1", "4W-03"), ("YOUNG1", "4W-04")] {
            try e.submit(line: "assign \(mrn) \(bed)")
            try e.submit(line: "discharge \(mrn)")
        }
        let followUps = e.state.tasks.values.filter { $0.kind == .followup }
        #expect(Set(followUps.compactMap(\.patient)) == ["OLD1", "LANG1", "ALONE1"])
        #expect(followUps.first { $0.patient == "OLD1" }?.title.contains("age 86") == true)
        #expect(followUps.first { $0.patient == "LANG1" }?.title.contains("interpreter") == true)
    }
}

@Suite struct CriticalResultTests {
    func resultedCritical() throws -> (Engine, ManualClock, TemporaryDirectory, LabID, TaskID) {
        let dir = TemporaryDirectory()
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 ICU-03")
        try e.submit(line: "lab order MRN001 K priority stat")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 6.8")
        let lab = e.state.labs[LabID(1)]!
        let task = try #require(lab.criticalTask)
        return (e, clock, dir, LabID(1), task)
    }

    @Test func criticalResultRaisesStatTaskDueWithinWindow() throws {
        let (e, _, dir, lab, taskID) = try resultedCritical(); defer { dir.remove() }
        #expect(e.state.labs[lab]?.result?.flag == .critical)
        let task = try #require(e.state.tasks[taskID])
        #expect(task.kind == .criticalresult)
        #expect(task.priority == .stat)
        #expect(task.due == e.state.labs[lab]!.resultedAt! + .minutes(30))
        #expect(task.title.contains("K 6.8 mmol/L"))
    }

    @Test func windowIsConfigurable() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        e.actor = "sam"   // policy is a supervisor's
        try e.submit(line: "policy set critical-window 15m")
        e.actor = "alice"
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "lab order MRN001 NA")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 118")
        let task = e.state.tasks[e.state.labs[LabID(1)]!.criticalTask!]!
        #expect(task.due == e.state.labs[LabID(1)]!.resultedAt! + .minutes(15))
    }

    @Test func cannotCompleteWithoutWhoWasToldAndReadBack() throws {
        let (e, _, dir, _, taskID) = try resultedCritical(); defer { dir.remove() }
        let r = try #require(refusal { try e.submit(line: "task done \(taskID)") }, "completed without a read-back")
        #expect(r.reason.contains("only by recording who was told and their read-back"))
        #expect(r.hint == "task done \(taskID) told \"Dr Name\" role physician readback VALUE")
        #expect(throws: SubmitError.self) { try e.submit(line: "task cancel \(taskID) reason \"busy\"") }
        #expect(throws: SubmitError.self) { try e.submit(line: "task snooze \(taskID) for 30m") }
        #expect(throws: SubmitError.self) { try e.submit(line: "lab ack L1") }
        #expect(e.state.tasks[taskID]?.status == .open)
    }

    @Test func wrongReadBackIsRefused() throws {
        let (e, _, dir, _, taskID) = try resultedCritical(); defer { dir.remove() }
        let r = try #require(refusal { try e.submit(line: "task done \(taskID) told \"Dr Lee\" role physician readback 5.8") }, "a wrong read-back was accepted")
        #expect(r.reason.contains("does not match the result 6.8 mmol/L"))
        #expect(e.state.tasks[taskID]?.status == .open)
    }

    @Test func completionRecordsWhoWasToldAndReadBack() throws {
        let (e, _, dir, lab, taskID) = try resultedCritical(); defer { dir.remove() }
        try e.submit(line: "lab communicate L1 to \"Dr Min-jun Lee\" role physician readback \"6.8 mmol/L\"")
        let task = try #require(e.state.tasks[taskID])
        #expect(task.status == .done)
        #expect(task.communication?.toldName == "Dr Min-jun Lee")
        #expect(task.communication?.toldRole == .physician)
        #expect(task.communication?.readBack == "6.8 mmol/L")
        #expect(task.communication?.by == "alice")
        #expect(e.state.labs[lab]?.communication != nil)
        #expect(!e.state.activeLabs.contains(lab))
    }

    @Test func pastTheWindowItEscalatesToSupervisorsOnceAndIsJournaled() throws {
        let (e, clock, dir, _, taskID) = try resultedCritical(); defer { dir.remove() }
        clock.advance(.minutes(29))
        #expect(try e.tick().isEmpty)
        #expect(e.state.tasks[taskID]?.escalation == 0)
        clock.advance(.minutes(2))
        let fired = try e.tick()
        #expect(fired.contains { $0.event == .taskEscalated(TaskEscalated(id: taskID, level: 2)) })
        let notice = try #require(e.state.messages.values.first { $0.system && $0.to == .role(.supervisor) })
        #expect(notice.urgent)
        #expect(notice.subject.contains("Critical result not communicated"))
        clock.advance(.minutes(10))
        #expect(try e.tick().isEmpty, "an escalation fires once")
        // The journal holds what fired: a replay gives the same state.
        let replayed = try Engine(journalAt: e.journal.path, actor: "alice", clock: clock, wallClock: .utc)
        #expect(replayed.state == e.state)
    }
}

@Suite struct PreProcedureLabTests {
    @Test func missingLabByLeadTimeRaisesUrgentTaskAndNotReady() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "proc book MRN001 surgery OR-3 at 15:00 for 2h requires K,TS")
        try Fixture.paperwork(e, ProcedureID(1))
        try e.submit(line: "lab order MRN001 K")
        try e.submit(line: "lab order MRN001 TS")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 4.1")
        let p = e.state.procedures[ProcedureID(1)]!
        #expect(e.state.missingTests(for: p) == ["TS"])
        // 07:00 now; lead time 4 h → the check is due at 11:00.
        clock.set(fixtureStart + .hours(3) + .minutes(59))
        #expect(try e.tick().isEmpty)
        clock.advance(.minutes(1))
        let fired = try e.tick()
        #expect(fired.contains { if case .procedureNotReady(let n) = $0.event { n.missing == ["TS"] } else { false } })
        let proc = e.state.procedures[ProcedureID(1)]!
        #expect(!e.state.isReady(proc))
        let task = try #require(proc.notReadyTask.flatMap { e.state.tasks[$0] })
        #expect(task.priority == .urgent)
        #expect(task.kind == .missinglab)
        #expect(task.title.contains("missing TS"))
        #expect(try e.tick().isEmpty, "the rule fires once")
        // Resulting the missing lab makes the procedure ready and closes the task.
        try e.submit(line: "lab collect L2")
        try e.submit(line: "lab result L2 \"O POS\" flag normal")
        #expect(e.state.isReady(e.state.procedures[ProcedureID(1)]!))
        #expect(e.state.tasks[task.id]?.status == .done)
    }

    @Test func leadTimeIsConfigurable() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        e.actor = "sam"
        try e.submit(line: "policy set procedure-lead 2h")
        e.actor = "alice"
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "proc book MRN001 imaging MRI-1 at 12:00 for 1h requires CREA")
        try Fixture.paperwork(e, ProcedureID(1))
        clock.set(fixtureStart + .hours(2) + .minutes(59))
        #expect(try e.tick().isEmpty)
        clock.set(fixtureStart + .hours(3))
        #expect(try e.tick().contains { if case .procedureNotReady = $0.event { true } else { false } })
    }

    @Test func readyProcedureRaisesNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "proc book MRN001 surgery OR-1 at 12:00 for 1h requires K")
        try Fixture.paperwork(e, ProcedureID(1))
        try e.submit(line: "lab order MRN001 K")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 4.0")
        clock.set(fixtureStart + .hours(4))
        #expect(try e.tick().isEmpty)
        #expect(e.state.isReady(e.state.procedures[ProcedureID(1)]!))
    }
}

@Suite struct EscalationTests {
    @Test func overdueTasksEscalateByPriority() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try e.submit(line: "task add \"Call transport\" priority routine due +30m")
        try e.submit(line: "task add \"Chase pre-auth\" priority urgent due +30m")
        try e.submit(line: "task add \"Page surgeon\" priority stat due +30m")
        clock.advance(.minutes(31))
        try e.tick()
        #expect(e.state.tasks[TaskID(1)]?.escalation == 1)
        #expect(e.state.tasks[TaskID(2)]?.escalation == 1)
        #expect(e.state.tasks[TaskID(3)]?.escalation == 2, "stat escalates to a supervisor as soon as it is overdue")
        clock.advance(.minutes(60))
        try e.tick()
        #expect(e.state.tasks[TaskID(1)]?.escalation == 1, "routine tasks are shown overdue but never page a supervisor")
        #expect(e.state.tasks[TaskID(2)]?.escalation == 2)
        #expect(e.state.messages.values.filter { $0.system }.count == 2)
    }

    @Test func unacknowledgedUrgentMessagesEscalate() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try e.submit(line: "msg send @evs \"Spill in 4W corridor\" urgent")
        try e.submit(line: "msg send drlee \"Routine question\"")
        clock.advance(.minutes(16))
        try e.tick()
        #expect(e.state.messages[MessageID(1)]?.escalation == 1)
        #expect(e.state.messages[MessageID(2)]?.escalation == 0)
        clock.advance(.minutes(15))
        try e.tick()
        #expect(e.state.messages[MessageID(1)]?.escalation == 2)
        let notices = e.state.messages.values.filter { $0.system }
        #expect(notices.count == 1)
        // Acknowledging (by a recipient) stops it.
        e.actor = "evs1"
        try e.submit(line: "msg ack M1")
        #expect(!e.state.unacknowledgedUrgent.contains(MessageID(1)))
    }

    @Test func blockUntilTimeReturnsBedToService() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try Fixture.engine(in: dir)
        try e.submit(line: "bed block 4W-04 reason \"no nurse\" until 11:00")
        clock.set(fixtureStart + .hours(4))
        let fired = try e.tick()
        #expect(fired.map(\.event) == [.bedUnblocked(BedUnblocked(bed: "4W-04", automatic: true))])
        #expect(e.state.beds["4W-04"]?.status == .available)
    }
}

@Suite struct AuthorizationTests {
    @Test func eachCommandNeedsAPermissionOfTheActorsRole() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        // EVS may clean beds but not place patients.
        e.actor = "evs1"
        try e.submit(line: "bed dirty 4W-03")
        let placing = try #require(refusal { try e.submit(line: "assign MRN001 4W-02") })
        #expect(placing.reason == "evs1 (EVS) lacks the permission to place patients")
        #expect(placing.hint?.contains("coordinator") == true)
        // A physician may communicate a critical result but not change policy or the roster.
        e.actor = "drlee"
        #expect(refusal { try e.submit(line: "policy set critical-window 5m") }?.reason == "drlee (physician) lacks the permission to change policy settings")
        #expect(refusal { try e.submit(line: "staff add eve name \"Eve\" role supervisor") }?.reason.contains("manage the staff roster") == true)
        // Coordinators manage the day; only supervisors change the roster and policy.
        e.actor = "alice"
        try e.submit(line: "assign MRN001 4W-02")
        #expect(refusal { try e.submit(line: "staff set alice role supervisor") } != nil, "nobody promotes themselves without the permission")
        e.actor = "sam"
        try e.submit(line: "staff set alice role supervisor")
        #expect(e.state.staff["alice"]?.role == .supervisor)
    }

    @Test func anUnknownLoginIsReadOnlyAndToldHowToBeAdded() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        let before = e.state
        e.actor = "mallory"
        let r = try #require(refusal { try e.submit(line: "task add \"hello\"") })
        #expect(r.reason.contains("mallory is not on the staff roster, so this session is read-only"))
        #expect(r.hint?.hasPrefix("ask a supervisor to add you: staff add mallory name \"Your Name\" role ROLE") == true)
        #expect(e.state == before)
        // Reads are still recorded in their name.
        try e.recordAccess(.viewed, patient: nil, detail: "census")
        #expect(e.state.lastSeq == before.lastSeq + 1)
    }

    @Test func setUpModeEndsWithTheFirstSupervisor() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let e = try Engine(creatingJournalAt: dir.file("new.rj"), actor: "installer", clock: ManualClock(fixtureStart), wallClock: .utc)
        try e.submit(line: "unit add ICU name \"ICU\" kind icu")
        try e.submit(line: "staff add boss name \"Boss\" role supervisor")
        #expect(!Authorization.isSettingUp(e.state))
        #expect(refusal { try e.submit(line: "unit add 4W name \"4W\" kind medsurg") } != nil, "the installer is not on the roster")
    }
}
