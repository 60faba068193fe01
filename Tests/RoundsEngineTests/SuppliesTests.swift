import Testing
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsReports
import RoundsTestSupport

/// Supplies and equipment (RoundsDomain/Supplies): par levels and reorders, lots that expire,
/// equipment states, maintenance that takes a device out of use, reservations for procedures;
/// replay, snapshots and the codec.
@Suite struct SuppliesTests {
    func hospital(_ dir: TemporaryDirectory) throws -> (Engine, ManualClock) {
        let (e, clock) = try Fixture.engine(in: dir)
        try e.submit(line: "stock add SAL10 at 4W name \"Saline flush 10 mL\" unit box min 20 max 60 reorder 40 vendor \"Medline\" lead 3")
        return (e, clock)
    }

    func supplyTasks(_ e: Engine) -> [WorklistTask] { e.state.tasks.values.filter { $0.kind == .supplies && !$0.status.isClosed }.sorted { $0.id < $1.id } }
    func refusal(_ e: Engine, _ line: String) -> String { do { try e.submit(line: line); return "accepted" } catch { return "\(error)" } }
    func day(_ y: Int, _ m: Int, _ d: Int) -> Timestamp { WallClock.utc.instant(on: LocalDate(year: y, month: m, day: d)!, minuteOfDay: 0) }

    @Test func fallingBelowMinRaisesOneReorderTaskWithTheReorderQuantity() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        try e.submit(line: "stock count SAL10 at 4W 21")
        try e.submit(line: "stock use SAL10 at 4W 1")
        #expect(supplyTasks(e).isEmpty, "20 on hand is at min, not below it")
        try e.submit(line: "stock use SAL10 at 4W 1")
        let task = try #require(supplyTasks(e).first)
        #expect(supplyTasks(e).count == 1 && task.title.hasPrefix("Reorder 40 box of Saline flush 10 mL (SAL10) at 4W from Medline: 19 box on hand, below min 20"))
        try e.submit(line: "stock use SAL10 at 4W 5")
        #expect(supplyTasks(e).count == 1, "raised once while below min")
        try e.submit(line: "stock order SAL10 at 4W")
        #expect(e.state.tasks[task.id]?.status == .done && e.state.supplies.item("SAL10", at: "4W")?.order?.quantity == 40)
        #expect(refusal(e, "stock order SAL10 at 4W").contains("were ordered"))
        try e.submit(line: "stock use SAL10 at 4W 1")
        #expect(supplyTasks(e).isEmpty, "ordered: no second task until stock is back at min")
        try e.submit(line: "stock receive SAL10 at 4W 40")
        let item = try #require(e.state.supplies.item("SAL10", at: "4W"))
        #expect(item.onHand == 53 && item.order == nil && item.reorderTask == nil)
        try e.submit(line: "stock use SAL10 at 4W 34")
        #expect(supplyTasks(e).count == 1, "a new fall below min raises again")
        // Receiving back to min closes an open reorder task.
        try e.submit(line: "stock receive SAL10 at 4W 1")
        #expect(supplyTasks(e).isEmpty)
    }

    @Test func lotsAreUsedFirstExpiryFirstAndAnExpiredLotIsNeverUsed() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "stock receive SAL10 at 4W 30 lot \"LATE\" expires 2027-06-30")
        try e.submit(line: "stock receive SAL10 at 4W 10 lot \"SOON\" expires 2026-12-31")
        try e.submit(line: "stock use SAL10 at 4W 12")
        var item = try #require(e.state.supplies.item("SAL10", at: "4W"))
        #expect(item.lots.map(\.lot) == ["LATE"] && item.lots[0].quantity == 28 && item.onHand == 28, "SOON (first to expire) went first")
        try e.submit(line: "stock receive SAL10 at 4W 5 lot \"OLD\" expires 2026-12-01")
        clock.set(day(2026, 12, 2))   // OLD expired yesterday
        item = try #require(e.state.supplies.item("SAL10", at: "4W"))
        #expect(item.usable(on: LocalDate(year: 2026, month: 12, day: 2)!) == 28)
        let r = refusal(e, "stock use SAL10 at 4W 30")
        #expect(r.contains("only 28 box of Saline flush 10 mL (SAL10) at 4W can be used; 5 box more are in lots that have expired") && r.contains("stock discard"))
        try e.submit(line: "stock use SAL10 at 4W 3")
        item = try #require(e.state.supplies.item("SAL10", at: "4W"))
        #expect(item.lots.first { $0.lot == "OLD" }?.quantity == 5, "the expired lot was not touched")
        #expect(refusal(e, "stock receive SAL10 at 4W 5 lot \"GONE\" expires 2026-12-01").contains("expired on 2026-12-01"))
        #expect(refusal(e, "stock receive SAL10 at 4W 5 lot \"LATE\" expires 2027-07-01").contains("one lot has one expiry date"))
        #expect(refusal(e, "stock discard SAL10 at 4W 6 lot \"OLD\" reason \"expired\"").contains("lot OLD has 5 box on hand, fewer than 6"))
        #expect(refusal(e, "stock use SAL10 at 4W 1 for NOBODY").contains("no patient with MRN NOBODY"))
        #expect(refusal(e, "stock count SAL10 at 5E 3").contains("is not kept at 5E"))
        #expect(refusal(e, "stock use SAL10 at 4W 0").contains("a whole number from 1"))
        #expect(refusal(e, "stock receive SAL10 at 4W 3 lot \"X\"").contains("a lot comes with its expiry date"))
        #expect(refusal(e, "stock par SAL10 at 4W min 60").contains("min 60 is not below max 60"))
        e.actor = "drlee"
        #expect(refusal(e, "stock use SAL10 at 4W 1").contains("manage supplies and equipment"))
    }

    @Test func aLotExpiringWithinThirtyDaysRaisesATaskThatClosesWhenItIsGone() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "stock receive SAL10 at 4W 50 lot \"L7\" expires 2027-01-31")
        clock.set(day(2027, 1, 1) - .minutes(1))   // 2026-12-31 23:59: 31 days before
        _ = try e.tick()
        #expect(supplyTasks(e).isEmpty, "not before 30 days ahead")
        clock.advance(.minutes(1))
        _ = try e.tick()
        let task = try #require(supplyTasks(e).first)
        #expect(task.title == "Use first or replace lot L7 of Saline flush 10 mL (SAL10) at 4W: 50 box expire 2027-01-31")
        _ = try e.tick()
        #expect(supplyTasks(e).count == 1, "raised once")
        try e.submit(line: "stock discard SAL10 at 4W 20 lot \"L7\" reason \"damaged\"")
        #expect(e.state.tasks[task.id]?.status.isClosed == false, "30 box still in the lot")
        try e.submit(line: "stock discard SAL10 at 4W 30 lot \"L7\" reason \"expires soon, swapped with the vendor\"")
        #expect(e.state.tasks[task.id]?.status == .done)
        // A lot received already expired-in-window and then past expiry: the task says discard.
        try e.submit(line: "stock receive SAL10 at 4W 8 lot \"L8\" expires 2027-01-02")
        clock.set(day(2027, 1, 3))
        _ = try e.tick()
        #expect(supplyTasks(e).contains { $0.title.hasPrefix("Use first or replace lot L8") })
        try e.submit(line: "stock count SAL10 at 4W 0")
        #expect(!supplyTasks(e).contains { $0.title.contains("lot L8") }, "a count of zero empties the lot and closes its task")
    }

    @Test func overdueMaintenanceTakesADeviceOutOfWhatCanBeAssigned() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 ICU-01")
        try e.submit(line: "equip add VENT-01 kind ventilator name \"Hamilton C6\" at ICU maintenance 2026-12-10 vendor \"Hamilton\"")
        try e.submit(line: "equip add VENT-02 kind ventilator name \"Hamilton C6\" at ICU maintenance 2027-05-01")
        // The maintenance task: 7 days before, not a minute earlier.
        clock.set(day(2026, 12, 3) - .minutes(1))
        _ = try e.tick()
        #expect(supplyTasks(e).isEmpty)
        clock.advance(.minutes(1))
        _ = try e.tick()
        let task = try #require(supplyTasks(e).first)
        #expect(task.title == "Planned maintenance of VENT-01 (ventilator) Hamilton C6 (Hamilton): due 2026-12-10")
        // On its due day it can still be used; from the next day it cannot.
        clock.set(day(2026, 12, 11) - .minutes(1))
        try e.submit(line: "equip assign VENT-01 to MRN001")
        try e.submit(line: "equip return VENT-01")
        try e.submit(line: "equip clean VENT-01")
        clock.advance(.minutes(1))
        let r = refusal(e, "equip assign VENT-01 to MRN001")
        #expect(r.contains("VENT-01 (ventilator)'s maintenance was due 2026-12-10: it cannot be used or reserved") && r.contains("free now: VENT-02"))
        try e.submit(line: "equip maintained VENT-01 next 2027-06-10")
        #expect(e.state.tasks[task.id]?.status == .done)
        try e.submit(line: "equip assign VENT-01 to MRN001")
        #expect(e.state.supplies["VENT-01"]?.status == .inUse && e.state.supplies.held(by: .patient("MRN001")).map(\.tag) == ["VENT-01"])
        #expect(refusal(e, "equip maintained VENT-02 next 2026-12-01").contains("must be after today"))
    }

    @Test func equipmentStatesAndTheirRefusals() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try Fixture.admit(e, "MRN001")
        try Fixture.admit(e, "MRN002")
        try e.submit(line: "assign MRN001 4W-02")
        try e.submit(line: "equip add PUMP-1 kind pump name \"Alaris\" at 4W maintenance 2027-03-01")
        try e.submit(line: "equip add MATT-1 kind mattress name \"Air mattress\" at 4W maintenance 2027-03-01")
        #expect(refusal(e, "equip add PUMP-1 kind pump name \"x\" at 4W maintenance 2027-03-01").contains("exists already"))
        #expect(refusal(e, "equip assign PUMP-1 to XYZ99").contains("not a patient, a procedure or a bed"))
        #expect(refusal(e, "equip clean PUMP-1").contains("only a returned device is cleaned"))
        try e.submit(line: "equip assign MATT-1 to 4W-03")
        #expect(e.state.supplies["MATT-1"]?.holder == .bed("4W-03") && e.state.supplies["MATT-1"]?.stateWords == "in use by bed 4W-03")
        try e.submit(line: "equip assign PUMP-1 to MRN001")
        #expect(refusal(e, "equip assign PUMP-1 to MRN001").contains("is in use by MRN001, not in service"))
        #expect(refusal(e, "equip out PUMP-1 reason \"x\"").contains("return it first"))
        // A patient who leaves with a device: one task to collect it.
        clock.advance(.hours(1))
        try e.submit(line: "discharge MRN001")
        let collect = try #require(supplyTasks(e).first { $0.title.hasPrefix("Collect PUMP-1 (infusion pump) from MRN001") })
        _ = try e.tick()
        #expect(supplyTasks(e).filter { $0.title.hasPrefix("Collect") }.count == 1)
        #expect(refusal(e, "equip assign MATT-1 to MRN001").contains("MRN001 is not admitted"))
        try e.submit(line: "equip return PUMP-1")
        #expect(e.state.tasks[collect.id]?.status == .done && e.state.supplies["PUMP-1"]?.status == .cleaning)
        #expect(refusal(e, "equip assign PUMP-1 to 4W-01").contains("clean it first"))
        try e.submit(line: "equip clean PUMP-1")
        try e.submit(line: "equip fault PUMP-1 reason \"Occlusion alarm won't clear\"")
        #expect(e.state.supplies["PUMP-1"]?.stateWords == "awaiting-repair: Occlusion alarm won't clear")
        #expect(refusal(e, "equip fault PUMP-1 reason \"again\"").contains("awaiting repair already"))
        try e.submit(line: "equip repaired PUMP-1 note \"Biomed replaced the sensor\"")
        #expect(e.state.supplies["PUMP-1"]?.status == .inService)
        try e.submit(line: "equip out PUMP-1 reason \"Recall notice\"")
        #expect(e.state.supplies["PUMP-1"]?.status == .outOfService)
        #expect(refusal(e, "equip assign PUMP-1 to 4W-01").contains("out-of-service: Recall notice, not in service"))
    }

    @Test func aProcedureThatNeedsEquipmentIsNotReadyUntilAnInDateDeviceIsReserved() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        try e.submit(line: "proc book MRN001 imaging CT-1 at 2026-11-24 10:00 for 1h")
        let p = ProcedureID(1)
        try Fixture.paperwork(e, p)
        try e.submit(line: "equip add MON-1 kind monitor name \"Transport monitor\" at ICU maintenance 2026-11-23")
        try e.submit(line: "equip add MON-2 kind monitor name \"Transport monitor\" at ICU maintenance 2027-02-01")
        #expect(e.state.isReady(e.state.procedures[p]!))
        try e.submit(line: "equip need P1 monitor")
        let unmet = e.state.unmetRequirements(of: e.state.procedures[p]!, at: clock.now())
        #expect(unmet.map(\.key) == ["equipment:monitor"] && unmet[0].detail == "no monitor reserved (equip assign TAG to P1)")
        #expect(refusal(e, "equip need P1 monitor").contains("needs a monitor already"))
        // A device due for maintenance before the case is not reserved for it.
        let r = refusal(e, "equip assign MON-1 to P1")
        #expect(r.contains("due for maintenance 2026-11-23, before P1 starts 2026-11-24 10:00") && r.contains("free now: MON-2"))
        // At the lead time the requirement not met raises the readiness task; reserving closes it.
        clock.set(e.state.procedures[p]!.start - e.state.policy.procedureLead)
        _ = try e.tick()
        let flagged = try #require(e.state.tasks.values.first { $0.kind == .readiness && !$0.status.isClosed })
        #expect(flagged.title.contains("no monitor reserved"))
        try e.submit(line: "equip assign MON-2 to P1")
        #expect(e.state.isReady(e.state.procedures[p]!) && e.state.supplies["MON-2"]?.stateWords == "reserved for P1")
        _ = try e.tick()
        #expect(e.state.tasks[flagged.id]?.status == .done)
        // The case done: the device goes to cleaning by itself.
        clock.set(e.state.procedures[p]!.start)
        try e.submit(line: "proc start P1")
        try e.submit(line: "proc done P1")
        #expect(e.state.supplies["MON-2"]?.status == .cleaning && e.state.supplies["MON-2"]?.holder == nil)
        // A cancelled case releases its reservation straight back to service.
        try e.submit(line: "proc book MRN001 imaging CT-1 at 2026-11-26 10:00 for 1h")
        try e.submit(line: "equip clean MON-2")
        try e.submit(line: "equip assign MON-2 to P2")
        try e.submit(line: "proc cancel P2 reason \"Scan no longer needed\"")
        #expect(e.state.supplies["MON-2"]?.status == .inService && e.state.supplies.heldBy.isEmpty)
        #expect(refusal(e, "equip need P2 monitor").contains("P2 is cancelled"))
    }

    @Test func theReportReplaySnapshotAndCodec() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 ICU-01")
        try e.submit(line: "stock receive SAL10 at 4W 12 lot \"L1\" expires 2026-12-15")
        try e.submit(line: "equip add VENT-01 kind ventilator name \"Hamilton C6\" at ICU maintenance 2026-11-25")
        try e.submit(line: "equip assign VENT-01 to MRN001")
        _ = try e.tick()
        clock.advance(.hours(1))
        let tables = Report.supplies.tables(e.state, ReportContext(now: clock.now(), wallClock: .utc))
        #expect(tables.map(\.key) == ["stock", "lots", "equipment"])
        #expect(tables[0].rows.count == 1 && tables[0].rows[0][4].text == "12" && tables[0].rows[0].contains { $0.text.contains("BELOW MIN") })
        #expect(tables[1].rows.count == 1 && tables[2].rows.count == 1)
        let replayed = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(replayed.state == e.state)
        var w = ByteWriter()
        e.state.writeSnapshot(to: &w)
        let decoded = try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return try HospitalState(snapshot: &r)
        }
        #expect(decoded == e.state && decoded.supplies == e.state.supplies && HospitalState.snapshotLayout >= 11)
        let events: [Event] = [
            .stockItemRecorded(StockItemRecorded(item: "A", location: "B", name: "n", unit: "u", min: 1, max: 2, reorder: 3, vendor: nil, leadDays: 4, isNew: true)),
            .stockChanged(StockChanged(item: "A", location: "B", step: .received, quantity: 5, lot: "L", expires: LocalDate(year: 2027, month: 1, day: 1)!,
                                       patient: "M1", note: "x")),
            .stockChanged(StockChanged(item: "A", location: "B", step: .used, quantity: 1)),
            .supplyTaskRaised(SupplyTaskRaised(key: "A@B", purpose: "lot:L", task: TaskID(9))),
            .equipmentRecorded(EquipmentRecorded(tag: "V", kind: .bariatric, name: "n", location: "ICU", vendor: "v",
                                                 maintenanceDate: LocalDate(year: 2027, month: 1, day: 1)!, maintenanceEnds: fixtureStart)),
            .equipmentChanged(EquipmentChanged(tag: "V", step: .assigned, holder: .procedure(ProcedureID(3)))),
            .equipmentChanged(EquipmentChanged(tag: "V", step: .assigned, holder: .bed("ICU-01"), note: "n")),
            .equipmentChanged(EquipmentChanged(tag: "V", step: .maintained, holder: .patient("M"), maintenanceDate: LocalDate(year: 2027, month: 1, day: 1)!,
                                               maintenanceEnds: fixtureStart)),
            .equipmentNeeded(EquipmentNeeded(procedure: ProcedureID(2), kind: .other, needed: false)),
        ]
        for event in events {
            var w = ByteWriter()
            event.writePayload(to: &w)
            let back = try w.bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                return try Event.read(type: event.typeCode, from: &r)
            }
            #expect(back == event)
        }
        #expect(events.map(\.typeCode) == [86, 87, 87, 88, 89, 90, 90, 90, 91])
        let item = try #require(e.state.handoverItems(at: clock.now(), wallClock: .utc).first { $0.key == "MRN001" })
        #expect(item.lines.contains { $0.hasPrefix("Equipment: VENT-01 (ventilator) Hamilton C6 with the patient since 2026-11-22 07:00") })
    }
}
