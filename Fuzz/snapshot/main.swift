// Fuzz target: the snapshot reader (Sources/RoundsJournal/Snapshot.swift and the state codec,
// Sources/RoundsDomain/Hospital/StateCodec.swift). Input: a mode byte, then
//   mode 0: a state body alone, read by HospitalState(snapshot:);
//   mode 1: a whole snapshot file whose body length and two checksums are put right first
//           (someone edited the file and recomputed them), read by Snapshot.parse;
//   mode 2: a whole snapshot file as it is;
//   mode 3: a whole snapshot file whose header checksum alone is put right, also read by
//           Snapshot.header (what deciding whether a snapshot is due reads).
// A state that is read must encode to bytes that read again.
@testable import RoundsJournal
import RoundsDomain

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    var bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let state: HospitalState?
    switch data[0] % 4 {
    case 0:
        state = bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return try? HospitalState(snapshot: &r)
        }
    default:
        if data[0] % 4 == 1, bytes.count >= Snapshot.headerSize {
            let h = Snapshot.headerSize
            bytes.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: UInt64(raw.count - h).littleEndian, toByteOffset: 88, as: UInt64.self)
                raw.storeBytes(of: JournalFormat.crc32c(UnsafeRawBufferPointer(rebasing: raw[h...])).littleEndian, toByteOffset: 96, as: UInt32.self)
                raw.storeBytes(of: JournalFormat.crc32c(UnsafeRawBufferPointer(rebasing: raw[0..<(h - 4)])).littleEndian, toByteOffset: h - 4, as: UInt32.self)
            }
        }
        if data[0] % 4 == 3, bytes.count >= Snapshot.headerSize {
            let h = Snapshot.headerSize
            bytes.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: JournalFormat.crc32c(UnsafeRawBufferPointer(rebasing: raw[0..<(h - 4)])).littleEndian, toByteOffset: h - 4, as: UInt32.self)
            }
        }
        guard bytes.count >= Snapshot.headerSize else { return 0 }
        _ = bytes.withUnsafeBytes { Snapshot.parseHeader(UnsafeRawBufferPointer(rebasing: $0[0..<Snapshot.headerSize])) }
        state = bytes.withUnsafeBytes { raw in
            if case .success(let (s, _)) = Snapshot.parse(raw) { return s }
            return nil
        }
    }
    if let state {
        var w = ByteWriter()
        state.writeSnapshot(to: &w)
        let again = w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return Result { () throws(CodecError) in try HospitalState(snapshot: &r) }
        }
        if case .failure(let e) = again { preconditionFailure("a state that was read does not read again once written: \(e)") }
    }
    return 0
}
