import Testing
@testable import RoundsDomain

/// Inputs found by the fuzz targets (Fuzz/, Docs/FUZZING.md) that trapped a reader, kept here so
/// that the normal suite refuses them for ever. Each decoder must answer with a CodecError.
@Suite("Fuzz regressions: the codecs refuse what they cannot read")
struct FuzzRegressionTests {
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.filter { !$0.isWhitespace }.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// Decodes a fuzz input of Fuzz/event: the type code byte, then the payload.
    static func event(_ input: [UInt8]) -> Result<Event, CodecError> {
        input.withUnsafeBytes { raw in
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: raw[1...]))
            return Result { () throws(CodecError) in try Event.read(type: UInt16(raw[0]), from: &r) }
        }
    }

    @Test("a lab.resulted that spells out its final status has one encoding only (Fuzz/event smoke run in CI)")
    func explicitFinalStatusIsRefused() {
        // A result whose trailing status byte says final: final is written by leaving the byte
        // out, so this decoded to a value that encoded differently (found by the smoke run).
        var w = ByteWriter()
        Event.labResulted(LabResulted(id: LabID(1), result: LabResult(value: "4.1", units: "", range: "", flag: .normal), criticalTask: nil)).writePayload(to: &w)
        let plain = [UInt8(26)] + w.bytes
        guard case .success(let e) = Self.event(plain), case .labResulted(let r) = e else { Issue.record("a final result does not decode"); return }
        #expect(r.status == nil)
        #expect(Self.event(plain + [ResultStatus.final.code]) == .failure(CodecError("a lab.resulted payload names its status final, which is written by leaving it out")))
        guard case .success(let corrected) = Self.event(plain + [ResultStatus.corrected.code]), case .labResulted(let c) = corrected else {
            Issue.record("a corrected result does not decode"); return
        }
        #expect(c.status == .corrected)
        let found = Self.bytes("1a6d2a67c9c9c9c9c9c9c9c9457175617461626cc9c92f4c023c310000000000000000ffffffffffffffffff01040000000000000000")
        if case .success(let e) = Self.event(found) {
            var again = ByteWriter()
            e.writePayload(to: &again)
            #expect(Self.event([found[0]] + again.bytes) == .success(e), "the input found does not survive encoding again")
        }
    }

    @Test("a string length above Int.max is refused (Fuzz/event, minimised)")
    func stringLengthAboveIntMax() {
        // unit.added whose code has a 10-byte length varint of 17,793,159,177,499,949,942.
        let input = Self.bytes("01 f6f6f6f6feffff f6f601")
        #expect(Self.event(input) == .failure(CodecError("a length of 17793159177499949942 bytes is more than the 0 bytes left in the payload")))
    }

    @Test("an array count above Int.max is refused (Fuzz/event, as found)")
    func arrayCountAboveIntMax() {
        // procedure.booked whose required tests claim 17,793,119,283,696,135,645 items.
        let input = Self.bytes("""
            1e030a4d524e35303034393233051244524e257973693e000000010000004c2d31064449414c2d31
            800400dddbf1f6f6f6f6f6f601f6b301466c6f6174014b
            """)
        #expect(Self.event(input) == .failure(CodecError("a count of 17793119283696135645 items is more than the 10 bytes left in the payload")))
    }

    @Test("lengths and counts of 2^64 - 1, and just past the payload, are refused")
    func largestAndJustTooLong() {
        let max = "ffffffffffffffffff01"
        #expect(Self.event(Self.bytes("30" + max)) == .failure(CodecError("a length of 18446744073709551615 bytes is more than the 0 bytes left in the payload")))
        #expect(Self.event(Self.bytes("2f" + max)) == .failure(CodecError("a count of 18446744073709551615 items is more than the 0 bytes left in the payload")))
        #expect(Self.event(Self.bytes("30 03 6162")) == .failure(CodecError("a length of 3 bytes is more than the 2 bytes left in the payload")))
        #expect(Self.event(Self.bytes("30 02 6162")) == .success(.hospitalNamed(HospitalNamed(name: "ab"))))
    }

    @Test("a snapshot body whose count is above Int.max is refused (Fuzz/snapshot, minimised)")
    func snapshotCountAboveIntMax() {
        let body = Self.bytes("6800001e31054943552d" + "0000000000000000" + "00000000" + "ffffffffffffffff9d6f")
        let result = body.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return Result { () throws(CodecError) in try HospitalState(snapshot: &r) }
        }
        guard case .failure(let error) = result else { Issue.record("a damaged state was read"); return }
        #expect(error.message.hasSuffix("is more than the 0 bytes left in the payload"), "\(error)")
    }

    @Test("an id gap near 2^64 in a snapshot's table is refused, not added past the end")
    func tableGapOverflow() {
        // Table end 10, two items: the first at gap 1, the second at a gap of 2^64 - 1, where
        // `number + gap` overflowed.
        let body = Self.bytes("0a 02 01 01 61 ffffffffffffffffff01 01 62")
        let result = body.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return Result { () throws(CodecError) in try IDTable<TaskID, String>(from: &r) }
        }
        #expect(result.map(\.count) == .failure(CodecError("ids out of order or past the table's end")))
    }
}
