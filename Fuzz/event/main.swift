// Fuzz target: one event payload as a journal record carries it (Sources/RoundsDomain/Hospital/EventCodec.swift).
// Input: type code (1 byte) + payload. A payload either decodes or is refused with a CodecError;
// one that decodes must encode to bytes that decode to the same event, and apply to a hospital.
@testable import RoundsDomain

/// A small hospital the decoded event is applied to.
let hospital: HospitalState = {
    var s = HospitalState()
    let t = Timestamp(milliseconds: 1_795_000_000_000)
    let events: [Event] = [
        .unitAdded(UnitAdded(code: "4W", name: "4 West Medical", kind: .medsurg)),
        .bedAdded(BedAdded(id: "4W-01", unit: "4W", attributes: [.telemetry])),
        .staffRecorded(Staff(login: "jdoe", name: "Jordan Doe", role: .nurse, onDuty: true)),
    ]
    for (i, e) in events.enumerated() { s.apply(Recorded(seq: UInt64(i + 1), time: t, actor: "admin", event: e)) }
    return s
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let type = UInt16(data[0])
    let payload = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    var reader = ByteReader(payload)
    guard let event = try? Event.read(type: type, from: &reader) else { return 0 }
    precondition(event.typeCode == type, "decoded a \(event.typeName) from type \(type)")
    var w = ByteWriter()
    event.writePayload(to: &w)
    let again: Event? = w.bytes.withUnsafeBytes { raw in
        var r = ByteReader(raw)
        return try? Event.read(type: type, from: &r)
    }
    precondition(again == event, "a decoded \(event.typeName) does not survive encoding and decoding again")
    // Replay applies whatever decodes: that must not trap either.
    var state = hospital
    state.apply(Recorded(seq: 4, time: Timestamp(milliseconds: 1_795_000_000_000), actor: "alice", event: event))
    return 0
}
