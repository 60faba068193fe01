#if canImport(Glibc)
import Glibc
#endif
import RoundsDomain

/// A snapshot: the whole state after a journal's first N records, so that opening replays only
/// the records after them (Docs/JOURNAL-FORMAT.md, "Snapshots"). It is a cache, never the record:
/// the journal stays append-only and complete, and a snapshot that is missing, damaged, of
/// another layout, or not taken from this journal is ignored and replay starts from the top.
///
///     file   := header body
///     header := "RNDSSNAP" version:u32le layout:u32le
///               offset:u64le nextSeq:u64le lastTime:i64le lastRecordStart:u64le prev:sha256[32]
///               takenAt:i64le bodyLength:u64le bodyCheck:u32le headerCheck:u32le      (104 bytes)
///     body   := the state (HospitalState.writeSnapshot)
///
/// `offset`…`prev` is the journal position after the last record the state includes; `prev` is
/// the SHA-256 of that record, which starts at `lastRecordStart`. Opening checks that the record
/// at `lastRecordStart` is whole, carries seq `nextSeq - 1` and hashes to `prev`: through the hash
/// chain, that one record stands for every record before it.
public enum Snapshot {
    public static let magic: [UInt8] = Array("RNDSSNAP".utf8)
    public static let version: UInt32 = 1
    public static let headerSize = 104

    /// Where the snapshot of a journal lives: next to it, with the same owner, group and mode.
    public static func path(for journal: String) -> String { journal + ".snapshot" }

    /// What a snapshot file says about itself.
    public struct Info: Equatable, Sendable {
        public var position: ScanPosition
        public var takenAt: Timestamp
        public var bytes: Int
        public var records: UInt64 { position.nextSeq - 1 }
    }

    /// Why a snapshot was not used. `missing` is the normal state of a new journal and is not
    /// worth a notice; every other reason is.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case missing
        case unreadable(String)
        case damaged(String)
        case otherLayout(String)
        /// The snapshot was not taken from this journal (replaced, restored or cut back).
        case notOfThisJournal(String)

        public var description: String {
            switch self {
            case .missing: "no snapshot"
            case .unreadable(let why): "the snapshot could not be read (\(why))"
            case .damaged(let why): "the snapshot is damaged (\(why))"
            case .otherLayout(let why): "the snapshot was written by another version of Rounds (\(why))"
            case .notOfThisJournal(let why): "the snapshot was not taken from this journal (\(why))"
            }
        }
    }

    // MARK: writing

    /// Writes `state` (the fold of the journal up to `position`) atomically: a temporary file
    /// in the same directory, written and fsynced, renamed over the old snapshot, then the
    /// directory fsynced. Concurrent writers each use their own temporary file; the last rename
    /// wins and every snapshot it can leave behind is whole. Returns the snapshot's size.
    @discardableResult
    public static func write(_ state: HospitalState, at position: ScanPosition, journalPath: String,
                             takenAt: Timestamp, mode: mode_t = 0o640) throws(JournalError) -> Int {
        guard position.nextSeq > 1, position.lastRecordStart >= JournalFormat.headerSize else {
            throw .writeFailed(path(for: journalPath), reason: "an empty journal has nothing to snapshot")
        }
        var body = ByteWriter(capacity: 1 << 20)
        state.writeSnapshot(to: &body)
        var header = ByteWriter(capacity: headerSize)
        header.raw(magic)
        header.u32le(version)
        header.u32le(HospitalState.snapshotLayout)
        header.u64le(UInt64(position.offset))
        header.u64le(position.nextSeq)
        header.u64le(UInt64(bitPattern: position.lastTime.milliseconds))
        header.u64le(UInt64(position.lastRecordStart))
        position.prev.write(to: &header)
        header.u64le(UInt64(bitPattern: takenAt.milliseconds))
        header.u64le(UInt64(body.bytes.count))
        header.u32le(JournalFormat.crc32c(body.bytes))
        header.u32le(JournalFormat.crc32c(header.bytes))
        precondition(header.bytes.count == headerSize)

        let final = path(for: journalPath)
        let temporary = "\(final).tmp-\(getpid())"
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        if fd < 0 { throw .system(temporary, operation: "creating", errno: errno) }
        fchmod(fd, mode)
        var jst = stat()
        if stat(journalPath, &jst) == 0 { Journal.matchJournal(fd, jst) }
        var failure: String?
        for part in [header.bytes, body.bytes] where failure == nil {
            part.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                    if n < 0, errno == EINTR { continue }
                    if n <= 0 { failure = n < 0 ? describe(errno: errno) : "the device accepted no bytes"; return }
                    done += n
                }
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = "sync failed: " + describe(errno: errno) }
        close(fd)
        if failure == nil, rename(temporary, final) != 0 { failure = "rename failed: " + describe(errno: errno) }
        if let failure {
            unlink(temporary)
            throw .writeFailed(final, reason: failure)
        }
        Journal.syncDirectory(of: final)
        return header.bytes.count + body.bytes.count
    }

    // MARK: reading

    /// Reads and checks the snapshot of `journalPath` on its own (checksums, version, layout),
    /// without looking at the journal. `Journal.open(…, resumingFrom:)` checks the link.
    public static func load(journalPath: String) -> Result<(HospitalState, Info), Problem> {
        let file = path(for: journalPath)
        let fd = Glibc.open(file, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return .failure(errno == ENOENT ? .missing : .unreadable(describe(errno: errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(.unreadable(describe(errno: errno))) }
        let size = Int(st.st_size)
        guard size >= headerSize else { return .failure(.damaged("\(size) bytes, shorter than its header")) }
        var bytes = [UInt8](repeating: 0, count: size)
        var got = 0
        while got < size {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, size - got, off_t(got)) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return .failure(.unreadable(describe(errno: errno))) }
            if n == 0 { break }
            got += n
        }
        guard got == size else { return .failure(.damaged("it changed size while being read")) }
        return bytes.withUnsafeBytes { raw in parse(raw) }
    }

    /// The header alone (position and time taken), when it is whole and of this version; the
    /// body is not read or checked. For deciding whether a new snapshot is due.
    public static func header(journalPath: String) -> Info? {
        let fd = Glibc.open(path(for: journalPath), O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: headerSize)
        guard bytes.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, headerSize, 0) }) == headerSize else { return nil }
        return bytes.withUnsafeBytes { raw in
            guard case .success(let info) = parseHeader(raw) else { return nil }
            return info
        }
    }

    static func parseHeader(_ raw: UnsafeRawBufferPointer) -> Result<Info, Problem> {
        guard Array(raw[0..<8]) == magic else { return .failure(.damaged("it does not start with RNDSSNAP")) }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        guard JournalFormat.crc32c(UnsafeRawBufferPointer(rebasing: raw[0..<(headerSize - 4)])) == u32(headerSize - 4) else {
            return .failure(.damaged("its header checksum does not match"))
        }
        guard u32(8) == version else { return .failure(.otherLayout("file version \(u32(8)), this Rounds reads \(version)")) }
        guard u32(12) == HospitalState.snapshotLayout else {
            return .failure(.otherLayout("state layout \(u32(12)), this Rounds reads \(HospitalState.snapshotLayout)"))
        }
        let position = ScanPosition(offset: Int(truncatingIfNeeded: u64(16)), nextSeq: u64(24),
                                    prev: ChainHash(UnsafeRawBufferPointer(rebasing: raw[48..<80])),
                                    lastTime: Timestamp(milliseconds: Int64(bitPattern: u64(32))),
                                    lastRecordStart: Int(truncatingIfNeeded: u64(40)))
        guard position.nextSeq > 1, position.lastRecordStart >= JournalFormat.headerSize,
              position.lastRecordStart < position.offset else {
            return .failure(.damaged("it names an impossible journal position"))
        }
        let bodyLength = u64(88)
        guard bodyLength <= UInt64(Int.max - headerSize) else {
            return .failure(.damaged("its header gives a body of \(bodyLength) bytes"))
        }
        return .success(Info(position: position, takenAt: Timestamp(milliseconds: Int64(bitPattern: u64(80))),
                             bytes: headerSize + Int(bodyLength)))
    }

    static func parse(_ raw: UnsafeRawBufferPointer) -> Result<(HospitalState, Info), Problem> {
        let info: Info
        switch parseHeader(raw) {
        case .success(let i): info = i
        case .failure(let p): return .failure(p)
        }
        let position = info.position
        let bodyLength = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 88, as: UInt64.self))
        guard bodyLength == UInt64(raw.count - headerSize) else {
            return .failure(.damaged("its body is \(raw.count - headerSize) bytes, its header says \(bodyLength)"))
        }
        let body = UnsafeRawBufferPointer(rebasing: raw[headerSize...])
        let check = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 96, as: UInt32.self))
        guard JournalFormat.crc32c(body) == check else { return .failure(.damaged("its checksum does not match")) }
        var reader = ByteReader(body)
        do {
            let state = try HospitalState(snapshot: &reader)
            guard state.lastSeq == position.nextSeq - 1 else {
                return .failure(.damaged("its state ends at seq \(state.lastSeq), its header at \(position.nextSeq - 1)"))
            }
            return .success((state, info))
        } catch {
            return .failure(.damaged("its state cannot be read: \(error)"))
        }
    }
}

extension Journal {
    /// Checks that `position` (from a snapshot) is a point in this journal: the record that
    /// ends there is whole, has seq `nextSeq - 1` and hashes to `prev`. Returns why not, or nil.
    func linkProblem(_ position: ScanPosition) -> String? {
        let size = fileSize
        guard position.offset <= size else {
            return "it covers \(position.offset) bytes; the journal has \(size)"
        }
        let length = position.offset - position.lastRecordStart
        guard length >= JournalFormat.frameHeaderSize + JournalFormat.minimumBody,
              length <= JournalFormat.frameHeaderSize + JournalFormat.maximumBody else {
            return "it names a record of impossible length \(length)"
        }
        var bytes = [UInt8](repeating: 0, count: length)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(position.lastRecordStart)) }
        guard n == length else { return "the journal could not be read at offset \(position.lastRecordStart)" }
        return bytes.withUnsafeBytes { raw -> String? in
            let frameLength = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
            guard frameLength + JournalFormat.frameHeaderSize == length else {
                return "no record ends at offset \(position.offset)"
            }
            let seq = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: JournalFormat.frameHeaderSize, as: UInt64.self))
            guard seq == position.nextSeq - 1 else { return "the record at offset \(position.lastRecordStart) is seq \(seq), not \(position.nextSeq - 1)" }
            guard ChainHash.of(raw) == position.prev else { return "record \(seq) does not hash to the snapshot's link" }
            return nil
        }
    }
}
