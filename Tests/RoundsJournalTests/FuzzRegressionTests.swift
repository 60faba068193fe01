import Testing
import RoundsDomain
@testable import RoundsJournal
import RoundsTestSupport

/// What a reader does with the inputs the fuzz targets found (Fuzz/, Docs/FUZZING.md), carried
/// in files whose checksums and hash links are all correct, as after an edit by someone who
/// recomputed them: a journal record that cannot be decoded is damage with its offset and seq,
/// a snapshot that cannot be decoded is damaged and ignored. Nothing traps.
@Suite("Fuzz regressions: journals and snapshots with forged lengths")
struct JournalFuzzRegressionTests {
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.filter { !$0.isWhitespace }.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// A journal of one record, seq 1 by alice, carrying `payload` as an event of type `type`,
    /// with every checksum and the hash link right.
    static func forgedJournal(type: UInt16, payload: [UInt8], seq: UInt64 = 1) -> [UInt8] {
        var body = ByteWriter()
        body.u64le(seq)
        body.u64le(1_795_000_000_000)
        ChainHash.genesis.write(to: &body)
        body.u8(5)
        body.raw(Array("alice".utf8))
        body.varint(0)
        body.u8(UInt8(type & 0xFF))
        body.u8(UInt8(type >> 8))
        body.raw(payload)
        var frame = ByteWriter()
        frame.u32le(UInt32(body.bytes.count))
        frame.u32le(JournalFormat.crc32c(frame.bytes))
        frame.u32le(JournalFormat.crc32c(body.bytes))
        frame.raw(body.bytes)
        return JournalFormat.header + frame.bytes
    }

    static let cases: [(type: UInt16, payload: String, reason: String)] = [
        // hospital.named whose name is 2^64 - 1 bytes long.
        (48, "ffffffffffffffffff01", "the event cannot be read: a length of 18446744073709551615 bytes is more than the 0 bytes left in the payload"),
        // The procedure.booked payload Fuzz/event found.
        (30, "030a4d524e35303034393233051244524e257973693e000000010000004c2d31064449414c2d31800400dddbf1f6f6f6f6f6f601f6b301466c6f6174014b",
         "the event cannot be read: a count of 17793119283696135645 items is more than the 10 bytes left in the payload"),
    ]

    @Test("the scanner reports a record it cannot decode as damage at its offset and seq", arguments: 0..<2)
    func scannerReportsDamage(_ i: Int) {
        let file = Self.forgedJournal(type: Self.cases[i].type, payload: Self.bytes(Self.cases[i].payload))
        var position = ScanPosition.start
        var records = 0
        let stop = file.withUnsafeBytes { raw in
            RecordScanner.scan(UnsafeRawBufferPointer(rebasing: raw[JournalFormat.headerSize...]), position: &position, verifyChain: true) { _ in records += 1 }
        }
        #expect(records == 0)
        #expect(stop == .corrupt(JournalDamage(offset: 16, seq: 1, reason: Self.cases[i].reason)))
    }

    @Test("journal verify says the file is damaged, with the offset and seq", arguments: 0..<2)
    func verifyReportsDamage(_ i: Int) throws {
        let dir = TemporaryDirectory("rounds-fuzz")
        defer { dir.remove() }
        let path = dir.file("forged.rj")
        writeFile(path, Self.forgedJournal(type: Self.cases[i].type, payload: Self.bytes(Self.cases[i].payload)))
        let report = try Journal.verify(at: path)
        #expect(report.verdict == .damaged(JournalDamage(offset: 16, seq: 1, reason: Self.cases[i].reason)))
        #expect(report.records == 0)
    }

    @Test("a record of seq 2^64 - 1, reachable only from a forged snapshot's position, is damage")
    func lastSequenceNumber() {
        let file = Self.forgedJournal(type: 48, payload: Self.bytes("0161"), seq: .max)
        var position = ScanPosition(offset: JournalFormat.headerSize, nextSeq: .max, prev: .genesis, lastTime: Timestamp(milliseconds: 0))
        let stop = file.withUnsafeBytes { raw in
            RecordScanner.scan(UnsafeRawBufferPointer(rebasing: raw[JournalFormat.headerSize...]), position: &position, verifyChain: true) { _ in }
        }
        #expect(stop == .corrupt(JournalDamage(offset: 16, seq: .max, reason: "seq 18446744073709551615 is past the last a journal can hold")))
    }

    /// A snapshot file around `body` with both checksums right; `bodyLength` as its header says.
    static func forgedSnapshot(_ body: [UInt8], bodyLength: UInt64? = nil) -> [UInt8] {
        var header = ByteWriter()
        header.raw(Snapshot.magic)
        header.u32le(Snapshot.version)
        header.u32le(HospitalState.snapshotLayout)
        header.u64le(20_000)            // offset
        header.u64le(105)               // nextSeq: the state's lastSeq + 1
        header.u64le(1_795_000_000_000) // lastTime
        header.u64le(19_900)            // lastRecordStart
        ChainHash.genesis.write(to: &header)
        header.u64le(1_795_000_000_000) // takenAt
        header.u64le(bodyLength ?? UInt64(body.count))
        header.u32le(JournalFormat.crc32c(body))
        header.u32le(JournalFormat.crc32c(header.bytes))
        return header.bytes + body
    }

    @Test("a snapshot whose header gives a body near Int.max bytes is damaged, not added up (found by review)")
    func snapshotBodyLength() {
        // Snapshot.header (deciding whether a snapshot is due) computed 104 + the length: overflow.
        let file = Self.forgedSnapshot([0x68], bodyLength: UInt64(Int.max))
        let header = file.withUnsafeBytes { Snapshot.parseHeader($0) }
        #expect(header == .failure(.damaged("its header gives a body of 9223372036854775807 bytes")))
        let dir = TemporaryDirectory("rounds-fuzz")
        defer { dir.remove() }
        writeFile(Snapshot.path(for: dir.file("j.rj")), file)
        #expect(Snapshot.header(journalPath: dir.file("j.rj")) == nil)
    }

    @Test("a snapshot whose state has a count above Int.max is damaged, not read (Fuzz/snapshot)")
    func snapshotIsDamaged() throws {
        let body = Self.bytes("6800001e31054943552d" + "0000000000000000" + "00000000" + "ffffffffffffffff9d6f")   // lastSeq 104, the policy (8 + 8 readiness + 4 add-on values), then a forged count
        let file = Self.forgedSnapshot(body)
        let dir = TemporaryDirectory("rounds-fuzz")
        defer { dir.remove() }
        writeFile(Snapshot.path(for: dir.file("j.rj")), file)
        guard case .failure(let problem) = Snapshot.load(journalPath: dir.file("j.rj")) else {
            Issue.record("a damaged snapshot was read")
            return
        }
        guard case .damaged(let why) = problem else { Issue.record("\(problem)"); return }
        #expect(why.hasPrefix("its state cannot be read: a count of "), "\(why)")
        #expect(why.hasSuffix("is more than the 0 bytes left in the payload"), "\(why)")
    }
}
