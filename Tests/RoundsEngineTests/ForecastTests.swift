import Testing
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsTestSupport

/// Tomorrow's beds (RoundsDomain/Beds/Forecast.swift): the forecast's arithmetic on a small hospital
/// worked out by hand, discharge barriers holding discharges, beds needed after procedures, the
/// shortfall's hour; the barrier commands' refusals; replay and snapshots.
@Suite struct ForecastTests {
    func admit(_ e: Engine, _ mrn: MRN, from source: String = "ed", _ extra: String = "") throws {
        try e.submit(line: "admit \(mrn) name \"Test, Patient \(mrn)\" dob 1970-01-01 sex f from \(source) \(extra)")
    }

    /// The fixture hospital at 07:00 (slot 0 is 07:00–08:00, slot 4 is 11:00, slot 23 ends at
    /// 07:00 tomorrow):
    /// - ICU: ICU-01 MRN001 (EDD today), ICU-02 MRN002 (EDD tomorrow, and a case needing an ICU
    ///   bed after, but already in one), ICU-03 available, ICU-04 blocked → 1 free.
    /// - 4W: 4W-01 MRN003 (EDD today, pharmacy barrier), 4W-02 MRN004 (EDD today; a case ending
    ///   15:30 needing an ICU bed), 4W-03 MRN008 (a case ending 13:30 needing an ICU bed),
    ///   4W-04 available → 1 free.
    /// - Waiting: MRN005 from the ED for ICU, MRN006 direct for 4W, MRN007 from the ED with no
    ///   unit and a case ending 10:20 that needs a step-down bed (there is no step-down unit).
    func hospital(_ dir: TemporaryDirectory) throws -> (Engine, ManualClock) {
        let (e, clock) = try Fixture.engine(in: dir)
        try admit(e, "MRN001", "edd today"); try e.submit(line: "assign MRN001 ICU-01")
        try admit(e, "MRN002", "edd tomorrow"); try e.submit(line: "assign MRN002 ICU-02")
        try admit(e, "MRN003", "edd today"); try e.submit(line: "assign MRN003 4W-01")
        try admit(e, "MRN004", "edd today"); try e.submit(line: "assign MRN004 4W-02")
        try admit(e, "MRN008"); try e.submit(line: "assign MRN008 4W-03")
        try e.submit(line: "bed block ICU-04 reason \"Broken monitor\"")
        try admit(e, "MRN005", "unit ICU")
        try admit(e, "MRN006", from: "direct", "unit 4W")
        try admit(e, "MRN007")
        try e.submit(line: "barrier add MRN003 pharmacy \"Discharge medications not dispensed\"")
        try e.submit(line: "proc book MRN008 surgery OR-1 at 09:00 until 13:30 after icu")   // P1
        try e.submit(line: "proc book MRN004 cath CATH-1 at 14:00 until 15:30 after icu")    // P2
        try e.submit(line: "proc book MRN007 endoscopy ENDO-1 at 09:40 until 10:20 after stepdown")   // P3
        try e.submit(line: "proc book MRN002 imaging CT-1 at 12:00 until 12:30 after icu")    // P4
        return (e, clock)
    }

    func unit(_ f: BedForecast, _ code: UnitCode) -> UnitForecast { f.units.first { $0.unit == code }! }

    /// Cumulative availability from per-slot changes, for expectations written as changes.
    func levels(_ free: Int, _ changes: [Int: Int]) -> [Int] {
        var level = free
        return (0..<24).map { level += changes[$0] ?? 0; return level }
    }

    @Test func forecastArithmeticOnASmallHospital() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        let f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(f.slotStarts.first == fixtureStart && f.end == fixtureStart + .hours(24))

        let icu = unit(f, "ICU")
        #expect(icu.freeNow == 1)
        // −1 now (MRN005 boarding), +1 at 11:00 (MRN001), −1 at 13:00 (P1), −1 at 15:00 (P2).
        #expect(icu.available == levels(1, [0: -1, 4: +1, 6: -1, 8: -1]))
        #expect(icu.totalDischarges == 1 && icu.totalDemand == 3 && icu.held == 0)
        #expect(icu.shortfall == 1 && icu.shortfallSlot == 8, "short 1 from 15:00")
        #expect(f.shortLine(icu, .utc) == "short 1 bed from 15:00 (1 free, 1 leaving, 3 needed)")

        let w4 = unit(f, "4W")
        #expect(w4.freeNow == 1)
        // −1 now (MRN006), +1 at 11:00 (MRN004); MRN003 is held by the pharmacy barrier.
        #expect(w4.available == levels(1, [0: -1, 4: +1]))
        #expect(w4.held == 1 && w4.shortfall == 0 && w4.shortfallSlot == nil)

        // The hospital: both units plus MRN007's step-down bed (no such unit) at 10:00.
        #expect(f.unplaced == 1)
        #expect(f.total.freeNow == 2 && f.total.held == 1)
        #expect(f.total.available == levels(2, [0: -2, 3: -1, 4: +2, 6: -1, 8: -1]))
        #expect(f.total.shortfall == 1 && f.total.shortfallSlot == 3)
        #expect(f.short.map(\.unit) == ["ICU"])

        let kinds = Dictionary(grouping: f.items, by: \.kind).mapValues { $0.map(\.mrn).sorted() }
        #expect(kinds[.discharge] == ["MRN001", "MRN004"])
        #expect(kinds[.held] == ["MRN003"])
        #expect(kinds[.boarder] == ["MRN005"], "MRN007 counts once, for its bed afterwards")
        #expect(kinds[.waiting] == ["MRN006"])
        #expect(kinds[.bedAfter] == ["MRN004", "MRN007", "MRN008"], "MRN002 is in an ICU bed already")
        #expect(f.items.first { $0.kind == .held }?.detail.contains("pharmacy") == true)
        // Without the words (the board's and supervisor's forecast): the same numbers.
        let quick = e.state.bedForecast(at: clock.now(), wallClock: .utc, details: false)
        #expect(quick.units == f.units && quick.total == f.total && quick.unplaced == f.unplaced)
        // (the same items, not sorted: only the reports list them)
        #expect(quick.items.map { "\($0.kind) \($0.mrn)" }.sorted() == f.items.map { "\($0.kind) \($0.mrn)" }.sorted() && quick.items.allSatisfy(\.detail.isEmpty))
    }

    @Test func anOpenBarrierHoldsTheDischargeAndResolvingItCountsItAgain() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "barrier add MRN001 transport \"Ambulance booked for 14:00\"")
        var f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(unit(f, "ICU").totalDischarges == 0 && unit(f, "ICU").held == 1)
        #expect(unit(f, "ICU").shortfall == 2 && unit(f, "ICU").shortfallSlot == 8)
        // Two open barriers: resolving one is not enough.
        try e.submit(line: "barrier add MRN001 family \"Family meeting at 10:00\"")
        try e.submit(line: "barrier resolve MRN001 transport note \"Ambulance confirmed\"")
        f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(unit(f, "ICU").held == 1)
        try e.submit(line: "barrier resolve MRN001 family")
        f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(unit(f, "ICU").totalDischarges == 1 && unit(f, "ICU").held == 0 && unit(f, "ICU").shortfall == 1)
        let stay = try #require(e.state.stay(of: "MRN001"))
        let list = try #require(e.state.barriers.byStay[stay.id])
        #expect(list.map(\.kind) == [.transport, .family] && list.allSatisfy { !$0.isOpen })
        #expect(list[0].resolution == "Ambulance confirmed" && list[0].resolvedBy == "alice" && list[0].recordedBy == "alice")
        #expect(e.state.openBarriers.map(\.stay.mrn) == ["MRN003"])
    }

    @Test func dischargeTimeIsAPolicyAndALateOrStaleDateIsHandled() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        e.actor = "sam"   // a supervisor sets policy
        try e.submit(line: "policy set discharge-time 14:30")
        #expect(e.state.policy.describe(.dischargeTime) == "14:30")
        var f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(unit(f, "ICU").discharges[7] == 1, "14:30 is in the 14:00 slot")
        // Past the discharge time and still in: expected now.
        clock.set(fixtureStart + .hours(8))
        f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(unit(f, "ICU").discharges[0] == 1 && f.slotStarts[0] == fixtureStart + .hours(8))
        // The next day the expected date has passed: not counted, listed as such.
        clock.set(fixtureStart + .hours(25))
        f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(unit(f, "ICU").totalDischarges == 1, "MRN002's date, tomorrow, is today now")
        #expect(f.items.filter { $0.kind == .stale }.map(\.mrn).sorted() == ["MRN001", "MRN003", "MRN004"], "a barrier or not")
        // A slot starts on the hour: at 07:40 slot 0 is 07:00–08:00.
        clock.set(fixtureStart + .minutes(40))
        #expect(e.state.bedForecast(at: clock.now(), wallClock: .utc).slotStarts[1] == fixtureStart + .hours(1))
    }

    @Test func aReservedBedMeetsTheDemandAndIsNotFree() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "reserve ICU-03 MRN005")
        var f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(unit(f, "ICU").freeNow == 0 && unit(f, "ICU").demand[0] == 0)
        // A bed reserved for afterwards: the case needs nothing more.
        try e.submit(line: "bed release ICU-03")
        try e.submit(line: "reserve ICU-03 MRN008")
        f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(unit(f, "ICU").demand[6] == 0 && unit(f, "ICU").demand[0] == 1)
        // A case cancelled or done needs no bed.
        try e.submit(line: "proc cancel P2 reason \"postponed\"")
        f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(unit(f, "ICU").demand[8] == 0)
        // No bed free, MRN005 waiting: short now, until MRN001 leaves at 11:00.
        #expect(unit(f, "ICU").shortfall == 1 && unit(f, "ICU").shortfallSlot == 0)
        #expect(f.shortLine(unit(f, "ICU"), .utc).hasPrefix("short 1 bed now (0 free, 1 leaving, 1 needed)"))
    }

    @Test func aDischargeClosesTheStaysBarriersAndTheDischargeIsNoLongerForecast() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "discharge MRN003")
        let f = e.state.bedForecast(at: clock.now(), wallClock: .utc)
        #expect(!f.items.contains { $0.mrn == "MRN003" })
        #expect(e.state.openBarriers.isEmpty)
    }

    @Test func aStaysBarriersAreArchivedWithIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        let stay = try #require(e.state.stay(of: "MRN003")).id
        try e.submit(line: "discharge MRN003")
        #expect(e.state.barriers.byStay[stay]?.count == 1, "kept with the discharged stay for its retention")
        clock.advance(HospitalState.retention + .hours(1))
        try e.submit(line: "msg send @evs \"a week later\"")
        #expect(e.state.stays[stay] == nil && e.state.barriers.byStay[stay] == nil)
        let replayed = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(replayed.state == e.state)
    }

    @Test func replayAndSnapshotGiveTheSameState() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, clock) = try hospital(dir)
        try e.submit(line: "barrier add MRN001 other \"Waiting for a hospital bed at home\"")
        try e.submit(line: "barrier resolve MRN001 other")
        e.actor = "sam"
        try e.submit(line: "policy set discharge-time 10:15")
        let replayed = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false, useSnapshot: false)
        #expect(replayed.state == e.state)
        #expect(replayed.state.barriers == e.state.barriers && !e.state.barriers.byStay.isEmpty)
        var w = ByteWriter()
        e.state.writeSnapshot(to: &w)
        let decoded = try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return try HospitalState(snapshot: &r)
        }
        #expect(decoded == e.state)
        #expect(decoded.barriers == e.state.barriers && decoded.policy.dischargeTime == .minutes(615))
        #expect(decoded.bedForecast(at: clock.now(), wallClock: .utc) == e.state.bedForecast(at: clock.now(), wallClock: .utc))
        #expect(HospitalState.snapshotLayout >= 6)
        // Through a snapshot file and the engine.
        try e.writeSnapshot()
        let opened = try Engine(journalAt: dir.file("hospital.rj"), actor: "carol", clock: clock, wallClock: .utc, writable: false)
        #expect(opened.state == e.state)
    }

    @Test func barrierEventsRoundTripThroughTheCodec() throws {
        for event in [Event.barrierRecorded(BarrierRecorded(mrn: "MRN001", stay: StayID(3), kind: .placement, note: "SNF bed not before Friday")),
                      .barrierResolved(BarrierResolved(mrn: "MRN001", stay: StayID(3), kind: .placement, note: nil)),
                      .barrierResolved(BarrierResolved(mrn: "MRN001", stay: StayID(3), kind: .equipment, note: "Oxygen delivered"))] {
            var w = ByteWriter()
            event.writePayload(to: &w)
            let back = try w.bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                return try Event.read(type: event.typeCode, from: &r)
            }
            #expect(back == event)
        }
        #expect(Event.barrierRecorded(BarrierRecorded(mrn: "M", stay: StayID(1), kind: .family, note: "x")).typeCode == 70)
        #expect(Event.barrierResolved(BarrierResolved(mrn: "M", stay: StayID(1), kind: .family, note: nil)).typeCode == 71)
    }

    @Test func whatChangedAndTheAuditSayWhatHappened() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try hospital(dir)
        let before = e.state
        let event = Event.barrierRecorded(BarrierRecorded(mrn: "MRN004", stay: before.stay(of: "MRN004")!.id, kind: .transport, note: "No ride home"))
        let change = before.change(in: Recorded(seq: 1, time: fixtureStart, actor: "bob", event: event), for: "alice")
        #expect(change?.kind == .barrier && change?.text.contains("4W-02: transport barrier to discharge: No ride home") == true)
        #expect(before.patients(touchedBy: event) == ["MRN004"])
        #expect(event.auditDescription.contains("\"No ride home\""))
        #expect(event.summary == "transport barrier to the discharge of MRN004 recorded")
    }
}

/// Bad input: a clear refusal naming what would be valid, and nothing applied.
@Suite struct BarrierRefusalTests {
    @Test func refusalsSayWhatWouldBeValidAndChangeNothing() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001")
        try e.submit(line: "assign MRN001 4W-02")
        try Fixture.admit(e, "MRN002")
        try e.submit(line: "barrier add MRN001 transport \"Ambulance booked for 14:00\"")
        let before = e.state
        func refusal(_ line: String) -> String {
            do { try e.submit(line: line); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal("barrier add MRN001 taxi \"x\"").contains("'taxi' is not a kind of barrier; valid: transport, equipment, pharmacy, family, placement, other"))
        #expect(refusal("barrier add MRN001 pharmacy").contains("missing the note"))
        #expect(refusal("barrier fix MRN001 pharmacy").contains("the sub-commands are add and resolve"))
        #expect(refusal("barrier add MRN001 pharmacy \"x\" urgent").contains("unexpected 'urgent'"))
        #expect(refusal("barrier add MRN001 pharmacy \"  \"").contains("the note is empty"))
        #expect(refusal("barrier add MRN002 pharmacy \"x\"").contains("MRN002 is waiting for a bed, not in one"))
        #expect(refusal("barrier add MRN009 pharmacy \"x\"").contains("no patient with MRN MRN009"))
        let twice = refusal("barrier add MRN001 transport \"again\"")
        #expect(twice.contains("already has an open transport barrier") && twice.contains("barrier resolve MRN001 transport"))
        let none = refusal("barrier resolve MRN001 family")
        #expect(none.contains("MRN001 has no open family barrier") && none.contains("open barriers of MRN001: transport"))
        #expect(refusal("barrier resolve MRN002 family").contains("MRN002 has no open discharge barriers"))
        #expect(refusal("barrier add MRN001 family \"bad \u{202E}text\"").contains("type it again as plain text"))
        e.actor = "sam"
        #expect(refusal("policy set discharge-time 25:00").contains("not a time of day; use HH:MM"))
        #expect(refusal("policy set discharge-time 11h").contains("not a time of day"))
        #expect(e.state == before, "nothing was applied")
        #expect(e.state.lastSeq == before.lastSeq)
        // The decider refuses a discharge time that is no time of day, from any front end.
        #expect(RoundsTestSupport.refusal { try e.submit(.setPolicy(key: .dischargeTime, value: Span.hours(25).milliseconds)) }?.reason.contains("a time of day") == true)
        #expect(e.state.policy.dischargeTime == .hours(11))
    }
}
