#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

/// What a feed's messages do through the real engine and journal: applied whole or held as an
/// interface item, applied once, and the same safety rules as typed commands.
@Suite struct FeedTests {
    static let feed: Login = "hl7adt"

    /// The fixture hospital with a feed on the roster; the engine acts as the feed.
    func feedEngine(_ dir: TemporaryDirectory) throws -> (Engine, ManualClock) {
        let (e, clock) = try Fixture.engine(in: dir)
        e.actor = "sam"
        try e.submit(line: "staff add \(Self.feed) name \"ADT feed\" role feed")
        e.actor = Self.feed
        return (e, clock)
    }

    static func person(_ mrn: MRN) -> Admission {
        Admission(mrn: mrn, name: "Feedtest, Alpha", dateOfBirth: LocalDate(year: 1960, month: 5, day: 4)!, sex: .f, source: .ed)
    }

    static func message(_ key: String, _ actions: [FeedAction], digest: UInt64 = 1, patient: MRN? = nil) -> Command {
        .feedMessage(FeedMessage(key: key, digest: digest, kind: "ADT^A01", raw: "MSH|^~\\&|EHR|GEN|||20261130||ADT^A01|\(key)|P|2.5.1",
                                 patient: patient, plan: .apply(actions)))
    }

    @Test func admitIntoTheBedNamedAndApplyOnce() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        let m = Self.message("EHR|GEN|100", [.admit(Self.person("MRN501"), bed: "4W-02")])
        let first = try e.submit(m)
        #expect(first.contains { if case .feedReceived(let r) = $0.event { r.item == nil } else { false } })
        #expect(e.state.beds["4W-02"]?.patient == "MRN501")
        // The sender resends after a lost ACK: accepted, nothing recorded again.
        let again = try e.submit(m)
        #expect(again.isEmpty)
        #expect(e.state.feeds.received == 1)
        // The same control id with other content is a new message (senders reuse ids).
        let other = try e.submit(Self.message("EHR|GEN|100", [.moveTo(mrn: "MRN501", bed: "4W-03")], digest: 2))
        #expect(!other.isEmpty)
        #expect(e.state.beds["4W-03"]?.patient == "MRN501")
        #expect(e.state.beds["4W-02"]?.status == .dirty)
    }

    @Test func duplicateKeySurvivesReopeningTheJournal() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try feedEngine(dir)
        let m = Self.message("EHR|GEN|7", [.admit(Self.person("MRN502"), bed: nil)])
        try e.submit(m)
        try e.writeSnapshot()
        try e.submit(Self.message("EHR|GEN|8", [.admit(Self.person("MRN503"), bed: nil)]))
        let reopened = try Engine(journalAt: dir.file("hospital.rj"), actor: Self.feed, clock: clock, wallClock: .utc)
        #expect(try reopened.submit(m).isEmpty)
        #expect(try reopened.submit(Self.message("EHR|GEN|8", [.admit(Self.person("MRN503"), bed: nil)])).isEmpty)
        #expect(reopened.state.feeds == e.state.feeds)
    }

    @Test func occupiedBedHoldsTheWholeMessageAsAnItem() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        try e.submit(Self.message("EHR|GEN|1", [.admit(Self.person("MRN510"), bed: "4W-02")]))
        let before = e.state.beds
        // An A01 naming a bed that is occupied here: nothing of it applied, the message kept.
        try e.submit(Self.message("EHR|GEN|2", [.admit(Self.person("MRN511"), bed: "4W-02")], patient: "MRN511"))
        #expect(e.state.beds == before)
        #expect(e.state.stay(of: "MRN511") == nil, "the admission half of a refused message was applied")
        let item = try #require(e.state.feeds.items[InterfaceItemID(1)])
        #expect(item.status == .open)
        #expect(item.problem.contains("bed 4W-02 is occupied"))
        #expect(item.raw.hasPrefix("MSH|"))
        #expect(e.state.feeds.openItems.count == 1)
        // Resolved by a coordinator: a retry with an override is applied by the feed.
        e.actor = "alice"
        #expect(throws: SubmitError.self) { try e.submit(line: "interface dismiss I1") }
        try e.submit(line: "interface retry I1")
        #expect(e.state.feeds.items[InterfaceItemID(1)]?.status == .retrying)
        e.actor = Self.feed
        // Still occupied: the retry fails again and says so.
        try e.submit(.feedMessage(FeedMessage(key: item.key, digest: 2, kind: item.kind, raw: item.raw, patient: "MRN511",
                                              plan: .apply([.admit(Self.person("MRN511"), bed: "4W-02")]), retryOf: item.id)))
        #expect(e.state.feeds.items[item.id]?.status == .open)
        #expect(e.state.feeds.items[item.id]?.attempts == 2)
        // Into a free bed: applied, the item closed.
        try e.submit(.feedMessage(FeedMessage(key: item.key, digest: 2, kind: item.kind, raw: item.raw, patient: "MRN511",
                                              plan: .apply([.admit(Self.person("MRN511"), bed: "4W-03")]), retryOf: item.id)))
        #expect(e.state.feeds.items[item.id]?.status == .applied)
        #expect(e.state.feeds.openItems.isEmpty)
        #expect(e.state.beds["4W-03"]?.patient == "MRN511")
    }

    @Test func unmappedMessageIsHeldAndDismissedWithAReason() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        try e.submit(.feedMessage(FeedMessage(key: "EHR|GEN|3", digest: 9, kind: "ADT^A02", raw: "MSH|…", patient: "MRN520",
                                              plan: .hold("PV1-3 'T42E^BY02^17' is not mapped to a Rounds bed"))))
        #expect(e.state.feeds.items[InterfaceItemID(1)]?.problem.contains("not mapped") == true)
        e.actor = "alice"
        let r = try #require(refusal { try e.submit(line: "interface dismiss I1 reason \"\"") })
        #expect(r.reason.contains("reason"))
        try e.submit(line: "interface dismiss I1 reason \"entered by hand\"")
        #expect(e.state.feeds.items[InterfaceItemID(1)]?.status == .dismissed)
        #expect(e.state.feeds.items[InterfaceItemID(1)]?.resolvedBy == "alice")
        #expect(refusal { try e.submit(line: "interface retry I1") }?.reason.contains("already dismissed") == true)
        // A nurse may not resolve interface items; a viewer neither.
        e.actor = "evs1"
        #expect(refusal { try e.submit(line: "interface retry I1") }?.reason.contains("lacks the permission") == true)
    }

    @Test func feedHasOnlyThePermissionsItsMessagesNeed() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        #expect(refusal { try e.submit(line: "task add \"feed task\"") }?.reason.contains("lacks the permission") == true)
        #expect(refusal { try e.submit(line: "staff add x name \"X\" role supervisor") } != nil)
        #expect(refusal { try e.submit(line: "msg send alice \"hello\"") } != nil)
        // And a coordinator cannot pose as a feed.
        e.actor = "alice"
        #expect(refusal { try e.submit(Self.message("EHR|GEN|1", [.admit(Self.person("MRN530"), bed: nil)])) }?.reason.contains("lacks the permission") == true)
    }

    @Test func criticalResultFromTheFeedRaisesTheReadBackTaskOnce() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        try e.submit(Self.message("LIS|LAB|1", [.admit(Self.person("MRN540"), bed: "4W-02")]))
        let k = LabResult(value: "6.9", units: "mmol/L", range: "3.5-5.1", flag: .critical)
        // A preliminary critical value is already a critical result: the task is raised now.
        try e.submit(Self.message("LIS|LAB|2", [.resultLab(order: "ORD9^K", mrn: "MRN540", test: "K", result: k, status: .preliminary, register: nil)]))
        let labID = try #require(e.state.feeds.labByOrder["ORD9^K"])
        let lab = try #require(e.state.labs[labID])
        #expect(lab.status == .preliminary)
        #expect(lab.isPending)
        let task = try #require(lab.criticalTask)
        #expect(e.state.tasks[task]?.kind == .criticalresult)
        #expect(e.state.tasks[task]?.title.contains("preliminary critical K 6.9") == true)
        // The final with the same value: no second task.
        try e.submit(Self.message("LIS|LAB|3", [.resultLab(order: "ORD9^K", mrn: "MRN540", test: "K", result: k, status: .final, register: nil)]))
        #expect(e.state.labs[lab.id]?.status == .resulted)
        #expect(e.state.labs[lab.id]?.criticalTask == task)
        #expect(e.state.tasks.values.filter { $0.kind == .criticalresult }.count == 1)
        // Communicated, then corrected to another critical value: a new task, the old value kept.
        e.actor = "alice"
        try e.submit(line: "lab communicate \(lab.id) to \"Dr Test\" role physician readback 6.9")
        e.actor = Self.feed
        let k2 = LabResult(value: "7.4", units: "mmol/L", range: "3.5-5.1", flag: .critical)
        try e.submit(Self.message("LIS|LAB|4", [.resultLab(order: "ORD9^K", mrn: "MRN540", test: "K", result: k2, status: .corrected, register: nil)]))
        let corrected = try #require(e.state.labs[lab.id])
        #expect(corrected.resultStatus == .corrected)
        #expect(corrected.replaced?.value == "6.9")
        #expect(corrected.criticalTask != task)
        #expect(corrected.awaitsCommunication)
        #expect(e.state.activeLabs.contains(lab.id))
    }

    @Test func finalResultSentAgainChangedIsACorrection() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        try e.submit(Self.message("LIS|LAB|1", [.admit(Self.person("MRN541"), bed: nil)]))
        let a = LabResult(value: "140", units: "mmol/L", range: "135-145", flag: .normal)
        let b = LabResult(value: "128", units: "mmol/L", range: "135-145", flag: .abnormal)
        try e.submit(Self.message("LIS|LAB|2", [.resultLab(order: "O1^NA", mrn: "MRN541", test: "NA", result: a, status: .final, register: nil)]))
        try e.submit(Self.message("LIS|LAB|3", [.resultLab(order: "O1^NA", mrn: "MRN541", test: "NA", result: b, status: .final, register: nil)]))
        let labID = try #require(e.state.feeds.labByOrder["O1^NA"])
        let lab = try #require(e.state.labs[labID])
        #expect(lab.result?.value == "128")
        #expect(lab.resultStatus == .corrected)
        #expect(lab.replaced?.value == "140")
        #expect(e.state.labs.count == 1)
    }

    @Test func resultForAnUnknownPatientIsHeld() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        let a = LabResult(value: "140", units: "", range: "", flag: .normal)
        try e.submit(Self.message("LIS|LAB|1", [.resultLab(order: "O2^NA", mrn: "MRN999", test: "NA", result: a, status: .final, register: nil)]))
        #expect(e.state.labs.count == 0)
        #expect(e.state.feeds.items[InterfaceItemID(1)]?.problem.contains("not a patient Rounds knows") == true)
    }

    @Test func transferAfterDischargeIsHeldNotApplied() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        try e.submit(Self.message("E|G|1", [.admit(Self.person("MRN550"), bed: "4W-02")]))
        try e.submit(Self.message("E|G|2", [.discharge(mrn: "MRN550", disposition: .home)]))
        #expect(e.state.beds["4W-02"]?.status == .dirty)
        #expect(e.state.tasks.values.contains { $0.kind == .cleaning })
        try e.submit(Self.message("E|G|3", [.moveTo(mrn: "MRN550", bed: "4W-03")]))
        #expect(e.state.beds["4W-03"]?.status == .available)
        #expect(e.state.feeds.items[InterfaceItemID(1)]?.problem.contains("not admitted") == true)
    }

    @Test func cancelDischargePutsThePatientBackAndClosesTheCleaningRequest() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        try e.submit(Self.message("E|G|1", [.admit(Self.person("MRN560"), bed: "4W-02")]))
        try e.submit(Self.message("E|G|2", [.discharge(mrn: "MRN560", disposition: .home)]))
        let cleaning = try #require(e.state.cleaningTask["4W-02"])
        try e.submit(Self.message("E|G|3", [.cancelDischarge(mrn: "MRN560")]))
        #expect(e.state.stay(of: "MRN560")?.bed == "4W-02")
        #expect(e.state.beds["4W-02"]?.status == .occupied)
        #expect(e.state.tasks[cleaning]?.status == .cancelled)
        // A bed taken meanwhile: the patient goes back to the placement queue instead.
        try e.submit(Self.message("E|G|4", [.discharge(mrn: "MRN560", disposition: .home)]))
        e.actor = "alice"
        try e.submit(line: "bed clean 4W-02")
        e.actor = Self.feed
        try e.submit(Self.message("E|G|5", [.admit(Self.person("MRN561"), bed: "4W-02")]))
        try e.submit(Self.message("E|G|6", [.cancelDischarge(mrn: "MRN560")]))
        #expect(e.state.stay(of: "MRN560")?.phase == .waiting)
        #expect(e.state.beds["4W-02"]?.patient == "MRN561")
    }

    @Test func cancelTransferAndSwap() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        try e.submit(Self.message("E|G|1", [.admit(Self.person("MRN570"), bed: "4W-02")]))
        try e.submit(Self.message("E|G|2", [.admit(Self.person("MRN571"), bed: "4W-03")]))
        try e.submit(Self.message("E|G|3", [.swap("MRN570", "MRN571")]))
        #expect(e.state.beds["4W-02"]?.patient == "MRN571")
        #expect(e.state.beds["4W-03"]?.patient == "MRN570")
        try e.submit(Self.message("E|G|4", [.moveTo(mrn: "MRN570", bed: "4W-04")]))
        // A12: back to the bed before (the mapper names it); needs cleaning first.
        try e.submit(Self.message("E|G|5", [.moveTo(mrn: "MRN570", bed: "4W-03")]))
        #expect(e.state.feeds.items[InterfaceItemID(1)]?.problem.contains("dirty") == true)
    }

    @Test func mergeMovesTheStayAndLaterMessagesFollowIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        try e.submit(Self.message("E|G|1", [.admit(Self.person("TMP001"), bed: "4W-02")]))
        try e.submit(Self.message("E|G|2", [.merge(survivor: "MRN580", merged: "TMP001", register: nil)]))
        #expect(e.state.stay(of: "MRN580")?.bed == "4W-02")
        #expect(e.state.stay(of: "TMP001") == nil)
        #expect(e.state.beds["4W-02"]?.patient == "MRN580")
        #expect(e.state.patients["MRN580"]?.name == "Feedtest, Alpha")
        // A later message still using the temporary number reaches the same patient.
        try e.submit(Self.message("E|G|3", [.moveTo(mrn: "TMP001", bed: "4W-03")]))
        #expect(e.state.beds["4W-03"]?.patient == "MRN580")
        // MRG-1 equal to PID-3 is refused.
        try e.submit(Self.message("E|G|4", [.merge(survivor: "MRN580", merged: "MRN580", register: nil)]))
        #expect(e.state.feeds.items[InterfaceItemID(1)]?.problem.contains("two different patients") == true)
    }

    @Test func bookingsByAppointmentNumber() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try feedEngine(dir)
        try e.submit(Self.message("E|G|1", [.admit(Self.person("MRN590"), bed: nil)]))
        let start = fixtureStart + .hours(30)
        try e.submit(Self.message("S|G|1", [.book(appointment: "A100", mrn: "MRN590", kind: .imaging, resource: "CT1", start: start,
                                                  end: start + .minutes(30), title: "CT head", register: nil)]))
        let id = try #require(e.state.feeds.procedureByAppointment["A100"])
        #expect(e.state.procedures[id]?.resource == "CT1")
        // The same slot for another appointment is a conflict: held.
        try e.submit(Self.message("S|G|2", [.admit(Self.person("MRN591"), bed: nil),
                                            .book(appointment: "A101", mrn: "MRN591", kind: .imaging, resource: "CT1", start: start,
                                                  end: start + .minutes(30), title: nil, register: nil)]))
        #expect(e.state.stay(of: "MRN591") == nil, "half of a held message was applied")
        #expect(e.state.feeds.items[InterfaceItemID(1)]?.problem.contains("action 2 of 2") == true)
        try e.submit(Self.message("S|G|3", [.reschedule(appointment: "A100", start: start + .hours(1), end: start + .hours(2))]))
        #expect(e.state.procedures[id]?.start == start + .hours(1))
        try e.submit(Self.message("S|G|4", [.noShow(appointment: "A100")]))
        #expect(e.state.procedures[id]?.status == .noshow)
        #expect(!e.state.scheduledProcedures.contains(id))
    }

    @Test func itemsAndFeedStateSurviveASnapshot() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try feedEngine(dir)
        try e.submit(Self.message("E|G|1", [.admit(Self.person("MRN600"), bed: "4W-02")]))
        try e.submit(Self.message("E|G|2", [.admit(Self.person("MRN601"), bed: "4W-02")]))
        try e.submit(Self.message("L|G|1", [.orderLab(order: "O5^K", mrn: "MRN600", test: "K", priority: .stat, neededBy: nil, register: nil)]))
        try e.submit(Self.message("E|G|3", [.merge(survivor: "MRN602", merged: "MRN601", register: nil)]))
        try e.writeSnapshot()
        let reopened = try Engine(journalAt: dir.file("hospital.rj"), actor: Self.feed, clock: clock, wallClock: .utc)
        #expect(reopened.state == e.state)
        #expect(reopened.state.feeds.labByOrder["O5^K"] != nil)
        #expect(reopened.state.feeds.items[InterfaceItemID(1)]?.status == .open)
    }
}

extension FeedTests {
    /// The sender's numbers go with the labs and bookings they name when those are archived,
    /// so a year of feeds does not keep them all in memory.
    @Test func archivedLabsTakeTheirOrderNumbersWithThem() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try feedEngine(dir)
        try e.submit(Self.message("E|G|1", [.admit(Self.person("MRN610"), bed: "4W-02")]))
        let normal = LabResult(value: "140", units: "mmol/L", range: "135-145", flag: .normal)
        try e.submit(Self.message("L|G|1", [.resultLab(order: "O61^NA", mrn: "MRN610", test: "NA", result: normal, status: .final, register: nil)]))
        try e.submit(Self.message("E|G|2", [.discharge(mrn: "MRN610", disposition: .home)]))
        #expect(e.state.feeds.labByOrder["O61^NA"] != nil)
        clock.advance(.days(8))
        e.actor = "alice"
        try e.submit(line: "bed clean 4W-02")   // any record: archiving runs as records apply
        #expect(e.state.feeds.labByOrder["O61^NA"] == nil)
        let reopened = try Engine(journalAt: dir.file("hospital.rj"), actor: "alice", clock: clock, wallClock: .utc, useSnapshot: false)
        #expect(reopened.state.feeds.labByOrder == e.state.feeds.labByOrder)
    }
}

/// `Engine.submitEach` applies as it decides; after a failed append it writes nothing more.
@Suite struct SubmitEachTests {
    @Test func laterCommandsSeeEarlierOnesAndRefusalsStandAlone() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        let results = try e.submitEach([
            .admit(Admission(mrn: "MRN601", name: "Each, One", dateOfBirth: LocalDate(year: 1970, month: 1, day: 1)!, sex: .f, source: .ed)),
            .assign(mrn: "MRN601", bed: "4W-02", override: nil),
            .assign(mrn: "MRN601", bed: "4W-03", override: nil),   // a second bed: refused
        ])
        #expect(results.count == 3)
        if case .success(let r) = results[1] { #expect(r.first?.event.typeName == "bed.assigned") } else { Issue.record("the assign was refused") }
        if case .failure(let refusal) = results[2] { #expect(refusal.reason.contains("cannot be in two beds")) } else { Issue.record("two beds accepted") }
        let reopened = try Engine(journalAt: dir.file("hospital.rj"), actor: "alice", wallClock: .utc)
        #expect(reopened.state.beds["4W-02"]?.patient == "MRN601")
        #expect(reopened.state == e.state)
    }

    @Test func aFailedSyncStopsEveryWriteUntilOpenedAgain() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let io = FaultyIO()
        let (setup, clock) = try Fixture.engine(in: dir)
        _ = setup
        let e = try Engine(journalAt: dir.file("hospital.rj"), actor: "alice", clock: clock, wallClock: .utc, io: io)
        io.inject(.syncFails(errno: EIO))
        #expect(throws: JournalError.self) { _ = try e.submitEach([.markDirty(bed: "4W-02")]) }
        // Its memory may be ahead of the disk: nothing more is written through it.
        #expect(throws: JournalError.self) { _ = try e.submitEach([.markDirty(bed: "4W-03")]) }
        let reopened = try Engine(journalAt: dir.file("hospital.rj"), actor: "alice", clock: clock, wallClock: .utc)
        #expect(reopened.state.beds["4W-03"]?.status == .available)
        _ = try reopened.submitEach([.markDirty(bed: "4W-03")])
        #expect(reopened.state.beds["4W-03"]?.status == .dirty)
    }
}
