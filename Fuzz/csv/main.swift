// Fuzz target: CSV import (Sources/RoundsDomain/Hospital/Import.swift): `CSV.parse` and `Import.plan`
// for units, beds and staff against a small hospital. Input: a kind byte, then the file.
@testable import RoundsDomain

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
    let kind = ImportKind.allCases[Int(data[0]) % ImportKind.allCases.count]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    _ = try? CSV.parse(text)
    _ = Import.plan(kind, text: text, in: hospital)
    return 0
}
