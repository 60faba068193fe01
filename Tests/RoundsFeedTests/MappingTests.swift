import Testing
import HL7v2
@testable import RoundsHL7
import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

/// Synthetic messages written from the standard (v2.5.1 field positions), through the mapping
/// and the real engine on the fixture hospital (units ICU and 4W, beds 4W-01…4W-04, ICU-01…04).
final class FeedHarness {
    let dir: TemporaryDirectory
    // The hospital's directory goes with the harness (it was left in /tmp by every run).
    deinit { dir.remove() }
    let engine: Engine
    let clock: ManualClock
    var mapper: FeedMapper

    static let mapping = """
    # the test feed
    login = hl7adt
    mrn = MR@HOSP
    mrn = MR
    utc-offset = +00:00
    [units]
    4WEST = 4W
    MICU = ICU
    [beds]
    T42E^BY02^BY02-17 = 4W-04
    [tests]
    2823-3 = K
    LOCALNA = NA
    [resources]
    CT-ROOM-1 = CT1 imaging
    OR1 = OR-1 surgery
    [dispositions]
    HOSPICE-HOME = hospice
    """

    init(mapping: String = FeedHarness.mapping) throws {
        let dir = TemporaryDirectory()
        self.dir = dir
        let (e, c) = try Fixture.engine(in: dir)
        e.actor = "sam"
        try e.submit(line: "staff add hl7adt name \"ADT feed\" role feed")
        e.actor = "hl7adt"
        engine = e
        clock = c
        mapper = FeedMapper(config: try FeedConfig.parse(mapping, path: "test.conf"))
    }

    /// An HL7 time stamp `hours` after the fixture's start (UTC).
    func ts(_ hours: Double) -> String {
        HL7DateTime.format(epochMilliseconds: fixtureStart.milliseconds + Int64(hours * 3_600_000), offsetMinutes: 0)
            .replacingOccurrences(of: ".000+0000", with: "+0000")
    }

    static func message(_ type: String, _ id: String, _ segments: [String], version: String = "2.5.1", msh15: String = "") -> String {
        (["MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||\(type)|\(id)|P|\(version)" + (msh15.isEmpty ? "" : "|||\(msh15)")] + segments)
            .joined(separator: "\r") + "\r"
    }

    static func pid(_ mrn: String, name: String = "Feedtest^Alpha", dob: String = "19600504", sex: String = "F") -> String {
        "PID|1||\(mrn)^^^HOSP^MR~X\(mrn)^^^NHS^NH||\(name)||\(dob)|\(sex)"
    }

    func map(_ text: String) -> MapOutcome {
        let bytes = Array(text.utf8)
        guard let m = try? HL7Message.parse(bytes) else { return .noReply("unparseable") }
        return mapper.map(m, bytes: bytes)
    }

    /// Maps and submits; returns the records (empty for a duplicate).
    @discardableResult
    func send(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Recorded] {
        guard case .submit(let fm) = map(text) else {
            Issue.record("message not submitted: \(map(text))", sourceLocation: sourceLocation)
            return []
        }
        return try engine.submit(.feedMessage(fm))
    }

    var state: HospitalState { engine.state }
    var lastItem: InterfaceItem? { state.feeds.items[InterfaceItemID(state.feeds.nextItem - 1)] }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        var out = "", rest = Substring(self)
        while let r = rest.firstRange(of: a) { out += rest[..<r.lowerBound]; out += b; rest = rest[r.upperBound...] }
        return out + rest
    }
}

@Suite struct ADTMappingTests {
    @Test func a01IntoTheBedPV13Names() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01^ADT_A01", "1", [FeedHarness.pid("MRN100"), "PV1|1|I|4WEST^402^02||||77^Careful^Cara^^^Dr"]))
        #expect(h.state.beds["4W-02"]?.patient == "MRN100")
        #expect(h.state.patients["MRN100"]?.name == "Feedtest, Alpha")
        #expect(h.state.patients["MRN100"]?.dateOfBirth == LocalDate(year: 1960, month: 5, day: 4))
        #expect(h.state.stay(of: "MRN100")?.attending == "Dr Cara Careful")
    }

    @Test func a01WithoutABedGoesToThePlacementQueueAndAUnitIsWanted() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN101"), "PV1|1|E|"]))
        #expect(h.state.stay(of: "MRN101")?.phase == .waiting)
        #expect(h.state.stay(of: "MRN101")?.source == .ed)
        try h.send(FeedHarness.message("ADT^A01", "2", [FeedHarness.pid("MRN102"), "PV1|1|I|MICU"]))
        #expect(h.state.stay(of: "MRN102")?.wantedUnit == "ICU")
    }

    @Test func bedsByTheMappingTable() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN103"), "PV1|1|I|T42E^BY02^BY02-17^^^^^^^^DEPID"]))
        #expect(h.state.beds["4W-04"]?.patient == "MRN103")
    }

    @Test func a04RegistersAnOutpatientAndAdmitsAnEDPatient() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A04", "1", [FeedHarness.pid("MRN104"), "PV1|1|O|CLINIC"]))
        #expect(h.state.patients["MRN104"] != nil)
        #expect(h.state.stay(of: "MRN104") == nil)
        try h.send(FeedHarness.message("ADT^A04", "2", [FeedHarness.pid("MRN105"), "PV1|1|E|"]))
        #expect(h.state.stay(of: "MRN105")?.phase == .waiting)
    }

    @Test func transferDischargeAndTheirCancellations() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN110"), "PV1|1|I|4W^^4W-01"]))
        try h.send(FeedHarness.message("ADT^A02", "2", [FeedHarness.pid("MRN110"), "PV1|1|I|4W^^03|||4W^^01"]))
        #expect(h.state.beds["4W-03"]?.patient == "MRN110")
        #expect(h.state.beds["4W-01"]?.status == .dirty)
        h.engine.actor = "alice"; try h.engine.submit(line: "bed clean 4W-01"); h.engine.actor = "hl7adt"
        try h.send(FeedHarness.message("ADT^A12", "3", [FeedHarness.pid("MRN110"), "PV1|1|I|4W^^01|||4W^^03"]))
        #expect(h.state.beds["4W-01"]?.patient == "MRN110")
        try h.send(FeedHarness.message("ADT^A03", "4", [FeedHarness.pid("MRN110"), "PV1|1|I|4W^^01" + String(repeating: "|", count: 33) + "20"]))
        let stay = try #require(h.state.stays.values.first { $0.mrn == "MRN110" })
        #expect(stay.disposition == .deceased)
        #expect(h.state.beds["4W-01"]?.status == .dirty)
        try h.send(FeedHarness.message("ADT^A13", "5", [FeedHarness.pid("MRN110"), "PV1|1|I|4W^^01"]))
        #expect(h.state.stay(of: "MRN110")?.bed == "4W-01")
    }

    @Test func dischargeOfAVulnerablePatientRaisesTheFollowUpAsATypedOneDoes() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN111", dob: "19300101"), "PV1|1|I|4W^^02"]))
        try h.send(FeedHarness.message("ADT^A03", "2", [FeedHarness.pid("MRN111", dob: "19300101"), "PV1|1|I|4W^^02" + String(repeating: "|", count: 33) + "01"]))
        #expect(h.state.tasks.values.contains { $0.kind == .followup && $0.patient == "MRN111" })
        #expect(h.state.tasks.values.contains { $0.kind == .cleaning })
    }

    @Test func unknownDispositionIsHeldNotGuessed() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN112"), "PV1|1|I|4W^^02"]))
        try h.send(FeedHarness.message("ADT^A03", "2", [FeedHarness.pid("MRN112"), "PV1|1|I|4W^^02" + String(repeating: "|", count: 33) + "ZZ"]))
        #expect(h.state.stay(of: "MRN112") != nil)
        #expect(h.lastItem?.problem.contains("PV1-36 discharge disposition 'ZZ' is not known") == true)
        try h.send(FeedHarness.message("ADT^A03", "3", [FeedHarness.pid("MRN112"), "PV1|1|I|4W^^02" + String(repeating: "|", count: 33) + "hospice-home"]))
        #expect(h.state.stay(of: "MRN112") == nil)
    }

    @Test func cancelAdmitAndUpdateWithNullAndEmptyFields() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN120"), "PV1|1|E|||||77^Careful^Cara"]))
        // An empty PV1-7 keeps the attending; "" clears it; an empty PID-5 keeps the name.
        try h.send(FeedHarness.message("ADT^A08", "2", ["PID|1||MRN120^^^HOSP^MR||Renamed^Alpha", "PV1|1|E|"]))
        #expect(h.state.patients["MRN120"]?.name == "Renamed, Alpha")
        #expect(h.state.stay(of: "MRN120")?.attending == "Cara Careful")
        try h.send(FeedHarness.message("ADT^A08", "3", ["PID|1||MRN120^^^HOSP^MR", "PV1|1|E||||||\"\""]))
        #expect(h.state.patients["MRN120"]?.name == "Renamed, Alpha")
        try h.send(FeedHarness.message("ADT^A08", "4", ["PID|1||MRN120^^^HOSP^MR", "PV1|1|E|||||\"\""]))
        #expect(h.state.stay(of: "MRN120")?.attending == nil)
        try h.send(FeedHarness.message("ADT^A11", "5", [FeedHarness.pid("MRN120"), "PV1|1|E|"]))
        #expect(h.state.stay(of: "MRN120") == nil)
    }

    @Test func swapAndMerge() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN130"), "PV1|1|I|4W^^02"]))
        try h.send(FeedHarness.message("ADT^A01", "2", [FeedHarness.pid("MRN131"), "PV1|1|I|4W^^03"]))
        try h.send(FeedHarness.message("ADT^A17", "3", [FeedHarness.pid("MRN130"), "PV1|1|I|4W^^03", FeedHarness.pid("MRN131"), "PV1|1|I|4W^^02"]))
        #expect(h.state.beds["4W-03"]?.patient == "MRN130")
        try h.send(FeedHarness.message("ADT^A40", "4", [FeedHarness.pid("MRN140"), "MRG|MRN131^^^HOSP^MR"]))
        #expect(h.state.beds["4W-02"]?.patient == "MRN140")
        guard case .reject(let e) = h.map(FeedHarness.message("ADT^A40", "5", [FeedHarness.pid("MRN140"), "MRG|MRN140^^^HOSP^MR"])) else {
            Issue.record("a merge into itself was not rejected"); return
        }
        #expect(e.code == 205)
    }

    @Test func theMRNIsChosenByAuthorityAndTypeNotPosition() throws {
        let h = try FeedHarness(mapping: "login = hl7adt\nmrn = MR@HOSP\n")
        try h.send(FeedHarness.message("ADT^A01", "1", ["PID|1||999^^^NHS^NH~MRN150^^^HOSP^MR||Feedtest^Beta||19700101|M", "PV1|1|E|"]))
        #expect(h.state.stay(of: "MRN150") != nil)
        try h.send(FeedHarness.message("ADT^A01", "2", ["PID|1||MRN151^^^OTHER^MR||Feedtest^Gamma||19700101|M", "PV1|1|E|"]))
        #expect(h.lastItem?.problem.contains("matches the mapping's mrn rules") == true)
    }

    @Test func unmappedOrUnknownLocationsAreHeld() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN160"), "PV1|1|I|9NORTH^^07"]))
        #expect(h.lastItem?.problem.contains("no bed '9NORTH-07'") == true)
        try h.send(FeedHarness.message("ADT^A01", "2", [FeedHarness.pid("MRN161"), "PV1|1|I|4W^^02"]))
        try h.send(FeedHarness.message("ADT^A02", "3", [FeedHarness.pid("MRN161"), "PV1|1|I|MICU"]))
        #expect(h.lastItem?.problem.contains("names unit ICU but no bed") == true)
    }
}

@Suite struct FieldRuleTests {
    @Test func escapesAndOtherSeparators() throws {
        let h = try FeedHarness()
        // Field ^, component ~, repetition |: the separators MSH-1 and MSH-2 declare.
        let text = "MSH^~|\\&^EHR^GEN^ROUNDS^GEN^20261122070000^^ADT~A01^9^P^2.5.1\rPID^1^^MRN170~~~HOSP~MR^^O\\S\\Brien~Ann\\T\\Marie^^19800101^F\rPV1^1^E^\r"
        try h.send(text)
        #expect(h.state.patients["MRN170"]?.name == "O~Brien, Ann&Marie")
    }

    @Test func bomCRLFAndLatin1() throws {
        let h = try FeedHarness()
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A01|1|P|2.5.1\r\nPID|1||MRN171^^^HOSP^MR||Ren".utf8)
        bytes += [0xE9] + Array("e^Zo".utf8) + [0xEB] + Array("||19800101|F\r\nPV1|1|E|\r\n".utf8)
        let m = try HL7Message.parse(bytes)
        guard case .submit(let fm) = h.mapper.map(m, bytes: bytes) else { Issue.record("not submitted"); return }
        try h.engine.submit(.feedMessage(fm))
        #expect(h.state.patients["MRN171"]?.name == "Renée, Zoë")
    }

    @Test func offsetsOfTheFieldThenMSH7ThenTheMapping() throws {
        let h = try FeedHarness(mapping: FeedHarness.mapping.replacingOccurrences(of: "utc-offset = +00:00", with: "utc-offset = +02:00"))
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN172"), "PV1|1|I|4W^^02"]))
        let start = h.ts(30)   // with +0000
        func book(_ id: String, _ startText: String) -> String {
            "MSH|^~\\&|SCHED|GEN|ROUNDS|GEN|20261122070000-0500||SIU^S12|\(id)|P|2.5.1\rSCH|A\(id)|A\(id)|||||||30|min\r"
                + FeedHarness.pid("MRN172") + "\rAIL|1||CT-ROOM-1|||\(startText)\r"
        }
        try h.send(book("1", start))
        let p1 = try #require(h.state.feeds.procedureByAppointment["A1"].flatMap { h.state.procedures[$0] })
        #expect(p1.start == fixtureStart + .hours(30))
        #expect(p1.end == fixtureStart + .hours(30) + .minutes(30))
        // No offset in the field: MSH-7's -0500 applies.
        try h.send(book("2", String(start.prefix(12))))
        let p2 = try #require(h.state.feeds.procedureByAppointment["A2"].flatMap { h.state.procedures[$0] })
        #expect(p2.start == fixtureStart + .hours(35))
    }

    @Test func unsupportedAndBrokenMessagesAreRejectedWithTheirCode() throws {
        let h = try FeedHarness()
        func code(_ text: String) -> Int? { if case .reject(let e) = h.map(text) { return e.code } else { return nil } }
        #expect(code(FeedHarness.message("ADT^A99", "1", [FeedHarness.pid("MRN180")])) == 201)
        #expect(code(FeedHarness.message("XYZ^A01", "1", [FeedHarness.pid("MRN180")])) == 200)
        #expect(code("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A01|1|T|2.5.1\r" + FeedHarness.pid("MRN180") + "\r") == 202)
        #expect(code("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A01||P|2.5.1\r" + FeedHarness.pid("MRN180") + "\r") == 101)
        #expect(code(FeedHarness.message("ADT^A01", "1", ["PV1|1|E|"])) == 101)
        if case .noReply = h.map("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ACK^A01|9|P|2.5.1\rMSA|AA|1\r") {} else {
            Issue.record("an ACK was not left unanswered")
        }
    }

    @Test func mappingFileProblemsNameTheirLines() {
        let text = "login = hl7adt\nbogus = 1\n[beds]\nX^^1 = not a bed!\n[resources]\nOR1 = OR-1\nutc-offset = +25:00\n[nope]\n"
        do {
            _ = try FeedConfig.parse(text, path: "m.conf")
            Issue.record("a bad mapping file was accepted")
        } catch {
            let d = error.description
            #expect(d.contains("m.conf: line 2: unknown key 'bogus'"))
            #expect(d.contains("line 4: 'not a bed!' is not a Rounds bed"))
            #expect(d.contains("line 6: a resource is written RESOURCE KIND"))
            #expect(d.contains("line 8: unknown section [nope]"))
        }
    }

    @Test func allowListMatchesAddressesAndBlocks() throws {
        let block = try #require(AddressRule("10.20.0.0/16"))
        #expect(block.matches([10, 20, 3, 4]))
        #expect(!block.matches([10, 21, 3, 4]))
        // An IPv4 sender on a dual-stack socket.
        #expect(block.matches([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 10, 20, 9, 9]))
        let one = try #require(AddressRule("::1"))
        #expect(one.matches(Array(repeating: 0, count: 15) + [1]))
        #expect(AddressRule("10.20.0.0/33") == nil)
        #expect(AddressRule("example.org") == nil)
    }
}

@Suite struct OrderAndResultMappingTests {
    func admitted() throws -> FeedHarness {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "A", [FeedHarness.pid("MRN200"), "PV1|1|I|4W^^02"]))
        return h
    }

    @Test func ordersAndCancellations() throws {
        let h = try admitted()
        try h.send(FeedHarness.message("ORM^O01", "1", [FeedHarness.pid("MRN200"), "ORC|NW|ORD1|||||^^^^^S", "OBR|1|ORD1||2823-3^Potassium^LN"]))
        let id = try #require(h.state.feeds.labByOrder["ORD1^K"])
        #expect(h.state.labs[id]?.priority == .stat)
        #expect(h.state.labs[id]?.test == "K")
        try h.send(FeedHarness.message("OML^O21", "2", [FeedHarness.pid("MRN200"), "ORC|CA|ORD1", "OBR|1|ORD1||2823-3^Potassium^LN"]))
        #expect(h.state.labs[id]?.status == .cancelled)
    }

    @Test func criticalPreliminaryCorrectedAndUnmapped() throws {
        let h = try admitted()
        try h.send(FeedHarness.message("ORU^R01", "1", [FeedHarness.pid("MRN200"), "OBR|1|ORD2||NA^Sodium",
                                                         "OBX|1|NM|2823-3^Potassium^LN||6.9|mmol/L|3.5-5.1|HH|||P"]))
        let id = try #require(h.state.feeds.labByOrder["ORD2^K"])
        #expect(h.state.labs[id]?.status == .preliminary)
        let task = try #require(h.state.labs[id]?.criticalTask)
        #expect(h.state.tasks[task]?.priority == .stat)
        try h.send(FeedHarness.message("ORU^R01", "2", [FeedHarness.pid("MRN200"), "OBR|1|ORD2||NA^Sodium",
                                                         "OBX|1|NM|2823-3^Potassium^LN||5.0|mmol/L|3.5-5.1|N|||C"]))
        #expect(h.state.labs[id]?.resultStatus == .corrected)
        #expect(h.state.labs[id]?.replaced?.value == "6.9")
        #expect(h.state.labs[id]?.result?.flag == .normal)
        // A local code mapped by the file, and one that is not.
        try h.send(FeedHarness.message("ORU^R01", "3", [FeedHarness.pid("MRN200"), "OBR|1|ORD3||X",
                                                         "OBX|1|SN|LOCALNA^Sodium^L||<^120|mmol/L||LL|||F"]))
        let na = try #require(h.state.feeds.labByOrder["ORD3^NA"])
        #expect(h.state.labs[na]?.result?.value == "<120")
        #expect(h.state.labs[na]?.result?.flag == .critical)
        try h.send(FeedHarness.message("ORU^R01", "4", [FeedHarness.pid("MRN200"), "OBR|1|ORD4||X",
                                                         "OBX|1|NM|99999-9^Mystery^LN||1|||N|||F"]))
        #expect(h.lastItem?.problem.contains("test '99999-9 Mystery' is not mapped") == true)
    }

    @Test func wrongPatientResultsAreHeldForACoordinator() throws {
        let h = try admitted()
        try h.send(FeedHarness.message("ORU^R01", "1", [FeedHarness.pid("MRN200"), "OBR|1|ORD5||K", "OBX|1|NM|K||4.0|||N|||W"]))
        #expect(h.lastItem?.problem.contains("wrong patient") == true)
        #expect(h.state.feeds.labByOrder["ORD5^K"] == nil)
    }
}

@Suite struct ScheduleMappingTests {
    @Test func bookMoveNoShowAndCancel() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "A", [FeedHarness.pid("MRN300"), "PV1|1|I|4W^^02"]))
        func siu(_ trigger: String, _ id: String, _ appt: String, start: Double, minutes: Int = 45) -> String {
            FeedHarness.message("SIU^\(trigger)", id, ["SCH|\(appt)|\(appt)|||||^CT head||\(minutes)|min|^^^\(h.ts(start))",
                                                      FeedHarness.pid("MRN300"), "RGS|1|A", "AIL|1||CT-ROOM-1^CT^1"])
        }
        try h.send(siu("S12", "1", "AP1", start: 30))
        let id = try #require(h.state.feeds.procedureByAppointment["AP1"])
        #expect(h.state.procedures[id]?.resource == "CT1")
        #expect(h.state.procedures[id]?.kind == .imaging)
        #expect(h.state.procedures[id]?.title == "CT head")
        #expect(h.state.procedures[id]?.end == fixtureStart + .hours(30) + .minutes(45))
        try h.send(siu("S13", "2", "AP1", start: 32))
        #expect(h.state.procedures[id]?.start == fixtureStart + .hours(32))
        // Another booking into the same slot: the same conflict check as proc book, held.
        try h.send(FeedHarness.message("ADT^A01", "B", [FeedHarness.pid("MRN301"), "PV1|1|I|4W^^03"]))
        try h.send(FeedHarness.message("SIU^S12", "3", ["SCH|AP2|AP2|||||||30|min|^^^\(h.ts(32))", FeedHarness.pid("MRN301"), "AIL|1||CT-ROOM-1"]))
        #expect(h.state.feeds.procedureByAppointment["AP2"] == nil)
        #expect(h.lastItem?.problem.isEmpty == false)
        try h.send(siu("S26", "4", "AP1", start: 32))
        #expect(h.state.procedures[id]?.status == .noshow)
        try h.send(FeedHarness.message("SIU^S12", "5", ["SCH|AP3|AP3|||||||30|min|^^^\(h.ts(40))", FeedHarness.pid("MRN300"), "AIL|1||OR-9"]))
        #expect(h.lastItem?.problem.contains("AIL-3 'OR-9' is not mapped") == true)
        try h.send(FeedHarness.message("SIU^S12", "6", ["SCH|AP4|AP4|||||||30|min|^^^\(h.ts(41))", FeedHarness.pid("MRN300"), "AIL|1||OR1"]))
        let p4 = try #require(h.state.feeds.procedureByAppointment["AP4"])
        try h.send(FeedHarness.message("SIU^S15", "7", ["SCH|AP4|AP4|||||^Patient unwell", FeedHarness.pid("MRN300")]))
        #expect(h.state.procedures[p4]?.status == .cancelled)
    }
}

@Suite struct BatchTests {
    @Test func aBatchFileIsSplitIntoItsMessages() throws {
        let h = try FeedHarness()
        let batch = "FHS|^~\\&|EHR\rBHS|^~\\&|EHR\r" + FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN400"), "PV1|1|E|"])
            + FeedHarness.message("ADT^A01", "2", [FeedHarness.pid("MRN401"), "PV1|1|E|"]) + "BTS|2\rFTS|1\r"
        let parts = HL7Message.splitBatch(Array(batch.utf8))
        #expect(parts.count == 2)
        for p in parts {
            let m = try HL7Message.parse(p)
            guard case .submit(let fm) = h.mapper.map(m, bytes: p) else { Issue.record("not submitted"); continue }
            try h.engine.submit(.feedMessage(fm))
        }
        #expect(h.state.stay(of: "MRN400") != nil && h.state.stay(of: "MRN401") != nil)
    }
}

/// What a new user's walk through the feeds found, each kept from coming back.
@Suite struct FeedWalkthroughFindings {
    @Test func aCriticalValueWithNoFlagIsStillCritical() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "A", [FeedHarness.pid("MRN900"), "PV1|1|I|4W^^02"]))
        // The lab left OBX-8 empty (and, in the second, said N) for a potassium of 7.5.
        try h.send(FeedHarness.message("ORU^R01", "1", [FeedHarness.pid("MRN900"), "OBR|1|ORD90||K", "OBX|1|NM|2823-3^Potassium^LN||7.5|mmol/L|3.5-5.1||||F"]))
        try h.send(FeedHarness.message("ORU^R01", "2", [FeedHarness.pid("MRN900"), "OBR|1|ORD91||K", "OBX|1|NM|2823-3^Potassium^LN||7.2|mmol/L|3.5-5.1|N|||F"]))
        for order in ["ORD90^K", "ORD91^K"] {
            let id = try #require(h.state.feeds.labByOrder[order])
            #expect(h.state.labs[id]?.result?.flag == .critical, "\(order)")
            #expect(h.state.labs[id]?.criticalTask != nil, "\(order) raised no read-back task")
        }
        // A test the catalogue does not know, outside the range the lab sent: abnormal.
        let mapping = FeedHarness.mapping + "\n[tests]\nXYZ = XYZ\n"
        let h2 = try FeedHarness(mapping: mapping)
        try h2.send(FeedHarness.message("ADT^A01", "A", [FeedHarness.pid("MRN901"), "PV1|1|I|4W^^02"]))
        try h2.send(FeedHarness.message("ORU^R01", "1", [FeedHarness.pid("MRN901"), "OBR|1|ORD92||XYZ", "OBX|1|NM|XYZ||12|u|1-10||||F"]))
        let id = try #require(h2.state.feeds.labByOrder["ORD92^XYZ"])
        #expect(h2.state.labs[id]?.result?.flag == .abnormal)
    }

    @Test func theOriginalOfAReusedControlIdIsStillADuplicate() throws {
        let h = try FeedHarness()
        let first = FeedHarness.message("ADT^A01", "C12", [FeedHarness.pid("MRN902", name: "Alphonse^Test"), "PV1|1|E|"])
        let other = FeedHarness.message("ADT^A08", "C12", ["PID|1||MRN902^^^HOSP^MR||Alphaone^Test", "PV1|1|E|"])
        try h.send(first)
        try h.send(other)
        #expect(h.state.patients["MRN902"]?.name == "Alphaone, Test")
        // The first message resent: a duplicate, and the newer name stays.
        #expect(try h.send(first).isEmpty)
        #expect(h.state.patients["MRN902"]?.name == "Alphaone, Test")
    }

    @Test func cancellingADischargeCancelsItsFollowUp() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN903", dob: "19300101"), "PV1|1|I|4W^^02"]))
        try h.send(FeedHarness.message("ADT^A03", "2", [FeedHarness.pid("MRN903", dob: "19300101"), "PV1|1|I|4W^^02"]))
        let followUp = try #require(h.state.tasks.values.first { $0.kind == .followup && $0.patient == "MRN903" })
        try h.send(FeedHarness.message("ADT^A13", "3", [FeedHarness.pid("MRN903", dob: "19300101"), "PV1|1|I|4W^^02"]))
        #expect(h.state.tasks[followUp.id]?.status == .cancelled)
        #expect(h.state.followUps.of("MRN903").map(\.status) == [.closed], "the follow-up of a discharge that did not happen is closed")
        #expect(h.state.followUps.visits["MRN903"]?.last?.dischargedAt == nil, "the visit is open again")
    }

    @Test func cancellingATransferReturnsToTheBedJustLeft() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN904"), "PV1|1|I|4W^^02"]))
        try h.send(FeedHarness.message("ADT^A02", "2", [FeedHarness.pid("MRN904"), "PV1|1|I|4W^^03"]))
        let cleaning = try #require(h.state.cleaningTask["4W-02"])
        try h.send(FeedHarness.message("ADT^A12", "3", [FeedHarness.pid("MRN904"), "PV1|1|I|4W^^02"]))
        #expect(h.state.beds["4W-02"]?.patient == "MRN904")
        #expect(h.state.tasks[cleaning]?.status == .cancelled)
        #expect(h.state.beds["4W-03"]?.status == .dirty)
        #expect(h.state.feeds.openItems.isEmpty)
    }

    @Test func bedNumbersAreZeroPaddedAndAMissingBedNamesTheMapping() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN905"), "PV1|1|I|4WEST^^3"]))
        #expect(h.state.beds["4W-03"]?.patient == "MRN905")
        try h.send(FeedHarness.message("ADT^A01", "2", [FeedHarness.pid("MRN906"), "PV1|1|I|7EAST^^2"]))
        #expect(h.lastItem?.problem.contains("no bed '7EAST-2' (from the message's location)") == true)
        #expect(h.lastItem?.problem.contains("[units] or [beds] in the feed's mapping file") == true)
    }

    @Test func aRetryRefusedAgainDoesNotStoreTheMessageAgain() throws {
        let h = try FeedHarness()
        try h.send(FeedHarness.message("ADT^A01", "1", [FeedHarness.pid("MRN907"), "PV1|1|I|4W^^02"]))
        try h.send(FeedHarness.message("ADT^A01", "2", [FeedHarness.pid("MRN908"), "PV1|1|I|4W^^02"]))
        let item = try #require(h.lastItem)
        guard case .submit(var fm) = h.map(item.raw) else { Issue.record("not mapped"); return }
        fm.retryOf = item.id
        let records = try h.engine.submit(.feedMessage(fm))
        guard case .interfaceItemRaised(let again)? = records.first?.event else { Issue.record("no new attempt recorded"); return }
        #expect(again.raw.isEmpty)
        #expect(h.state.feeds.items[item.id]?.raw == item.raw)
        #expect(h.state.feeds.items[item.id]?.attempts == 2)
    }
}
