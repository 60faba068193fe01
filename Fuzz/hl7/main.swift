// Fuzz target: one HL7 v2 message from the network (Sources/HL7v2/Message.swift, Ack.swift, Time.swift).
// Every input either parses or is refused with an HL7ParseError; every field, component and
// time stamp of one that parses can be read; the ACK built for it parses as an ACK; the batch
// splitter and the ACK for unreadable bytes take any bytes.
import HL7v2

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for part in HL7Message.splitBatch(bytes) { _ = try? HL7Message.parse(part) }
    let unreadable = HL7Message.makeAckForUnreadable(bytes, code: .AR, text: "not readable", controlID: "R1", timestamp: "20261130000000")
    precondition((try? HL7Message.parse(unreadable))?.first("MSA") != nil, "the ACK for unreadable bytes is not an ACK")
    guard let m = try? HL7Message.parse(bytes) else { return 0 }
    for seg in m.segments.prefix(50) {
        for f in 0...min(seg.fieldCount, 60) {
            for r in 0..<min(seg.repetitions(f), 4) {
                for c in 1...min(max(seg.componentCount(f, repetition: r), 1), 8) {
                    _ = seg.value(f, component: c, subcomponent: 1, repetition: r)
                    _ = seg.value(f, component: c, subcomponent: 2, repetition: r)
                    if let t = seg.text(f, component: c, repetition: r), t.utf8.count <= 40, let d = HL7DateTime.parse(t) {
                        _ = d.epochMilliseconds(defaultOffsetMinutes: 0)
                    }
                }
            }
        }
    }
    _ = (m.messageCode, m.trigger, m.controlID, m.version, m.acceptAckType, m.applicationAckType, m.characterSet, m.isAck)
    let ack = HL7Message.makeAck(to: m, code: .AE, text: "text with | ^ ~ \\ & separators", error: HL7AckError(code: 207, text: "x\r\u{0B}y"),
                                 controlID: "R2", timestamp: "20261130000000")
    guard let parsed = try? HL7Message.parse(ack) else { preconditionFailure("the ACK built for a message does not parse") }
    precondition(parsed.first("MSA")?.text(1) == "AE", "the ACK's code did not survive")
    return 0
}
