// Fuzz target: a message from the network through the mapping to the domain's feed actions and
// the decision on a small hospital (Sources/RoundsHL7/Mapper.swift, Sources/RoundsDomain/Feeds/Feeds.swift).
// Whatever parses maps to a submission, a rejection or no reply; a submission is decided (applied,
// held or refused) and its events apply, without trapping.
import HL7v2
import RoundsHL7
@testable import RoundsDomain

let config = try! FeedConfig.parse("""
login = hl7
mrn = MR
[units]
4WEST = 4W
[beds]
T42E^BY02^17 = 4W-02
[tests]
2823-3 = K
[resources]
CT1 = CT1 imaging
""", path: "fuzz")
let mapper = FeedMapper(config: config)
let now = Timestamp(milliseconds: 1_795_000_000_000)

let hospital: HospitalState = {
    var s = HospitalState()
    let events: [Event] = [
        .unitAdded(UnitAdded(code: "4W", name: "4 West", kind: .medsurg)),
        .bedAdded(BedAdded(id: "4W-01", unit: "4W", attributes: [.isolation])),
        .bedAdded(BedAdded(id: "4W-02", unit: "4W", attributes: [])),
        .staffRecorded(Staff(login: "sup", name: "Supervisor", role: .supervisor, onDuty: true)),
        .staffRecorded(Staff(login: "hl7", name: "Feed", role: .feed, onDuty: true)),
        .patientRecorded(Patient(mrn: "MRN100", name: "Fuzz, Alpha", dateOfBirth: LocalDate(year: 1960, month: 1, day: 1)!, sex: .f)),
    ]
    for (i, e) in events.enumerated() { s.apply(Recorded(seq: UInt64(i + 1), time: now, actor: "sup", event: e)) }
    return s
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let m = try? HL7Message.parse(bytes) else { return 0 }
    guard case .submit(let message) = mapper.map(m, bytes: bytes) else { return 0 }
    var state = hospital
    for attempt in 0..<2 {
        guard let events = try? Decider.decide(.feedMessage(message), in: state, at: now, by: "hl7") else { return 0 }
        if attempt == 1 { precondition(events.isEmpty, "the same message twice was not a duplicate") }
        for e in events { state.apply(Recorded(seq: state.lastSeq + 1, time: now, actor: "hl7", event: e)) }
    }
    return 0
}
