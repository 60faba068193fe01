// Fuzz target: a whole journal file through the record scanner (Sources/RoundsJournal/Scanner.swift)
// and `Journal.verify` (Verify.swift), as `rounds journal verify` and every open read it.
// Input: a flags byte, then the file.
//   flags & 1: first put every record's length check, body checksum, sequence number and hash
//              link right (someone edited the file and recomputed them), so the fuzzer reaches
//              the event decoder behind them;
//   flags & 2: also write the bytes to a file and run Journal.verify on it (slower: system calls).
// Every outcome is a value (end, torn tail, damage with offset and seq), and the records read
// are applied to a hospital as replay does; nothing may trap.
#if canImport(Glibc)
import Glibc
#endif
@testable import RoundsJournal
import RoundsDomain

/// Where flags & 2 writes the file: Fuzz/run.sh names its work directory and removes it after.
let scratch = (getenv("ROUNDS_FUZZ_SCRATCH").map { String(cString: $0) } ?? "/tmp") + "/journal-\(getpid()).rj"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let flags = data[0]
    var file = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if flags & 1 == 1 { repair(&file) }
    let h = JournalFormat.headerSize
    if file.count >= h, Array(file[0..<h]) == JournalFormat.header {
        var position = ScanPosition.start
        var state = HospitalState()
        let stop = file.withUnsafeBytes { raw in
            // Replay applies every record that reads: that must not trap either.
            RecordScanner.scan(UnsafeRawBufferPointer(rebasing: raw[h...]), position: &position, verifyChain: true) { state.apply($0) }
        }
        if case .end = stop { precondition(position.offset == file.count, "a scan that ended cleanly stopped before the end") }
    }
    if flags & 2 == 2 {
        let fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0)
        _ = file.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        _ = try? Journal.verify(at: scratch)
    }
    return 0
}

/// Recomputes what a careful forger would: the header, and for each record whose length is in
/// range and fits, its length check, seq, link to the previous record and body checksum.
func repair(_ file: inout [UInt8]) {
    let h = JournalFormat.headerSize
    guard file.count >= h else { return }
    file.replaceSubrange(0..<h, with: JournalFormat.header)
    var at = h
    var seq: UInt64 = 1
    var prev = ChainHash.genesis
    file.withUnsafeMutableBytes { raw in
        while raw.count - at >= JournalFormat.frameHeaderSize {
            let length = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            guard length >= JournalFormat.minimumBody, length <= JournalFormat.maximumBody,
                  at + JournalFormat.frameHeaderSize + length <= raw.count else { return }
            let end = at + JournalFormat.frameHeaderSize + length
            let body = at + JournalFormat.frameHeaderSize
            raw.storeBytes(of: JournalFormat.crc32c(UnsafeRawBufferPointer(rebasing: raw[at..<(at + 4)])).littleEndian, toByteOffset: at + 4, as: UInt32.self)
            raw.storeBytes(of: seq.littleEndian, toByteOffset: body, as: UInt64.self)
            var w = ByteWriter(capacity: 32)
            prev.write(to: &w)
            for (i, b) in w.bytes.enumerated() { raw[body + 16 + i] = b }
            raw.storeBytes(of: JournalFormat.crc32c(UnsafeRawBufferPointer(rebasing: raw[body..<end])).littleEndian, toByteOffset: at + 8, as: UInt32.self)
            prev = ChainHash.of(UnsafeRawBufferPointer(rebasing: raw[at..<end]))
            seq += 1
            at = end
        }
    }
}
