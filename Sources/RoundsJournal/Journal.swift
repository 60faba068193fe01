#if canImport(Glibc)
import Glibc
#endif
import RoundsDomain
import CJournal

public enum JournalError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(String)
    case alreadyExists(String)
    case notAJournal(String, reason: String)
    case system(String, operation: String, errno: Int32)
    case damaged(String, JournalDamage)
    /// A write or sync failed; the file was put back as it was and nothing was acknowledged.
    case writeFailed(String, reason: String)
    /// An earlier sync failed; the kernel may have dropped data, so this handle writes no more.
    case unusable(String, reason: String)
    case readOnly(String)
    /// This login may not write the file (it may still read it).
    case notWritable(String)
    /// This login may not even read the file.
    case noAccess(String)
    /// The file or where it lives would expose patient data or break the guarantees Rounds needs.
    case unsafeLocation(String, reason: String)
    /// A snapshot's position is not a point in this journal (`Engine` then replays it whole).
    case snapshotMismatch(String, reason: String)
    /// The file this process opened is no longer the journal at its path (deleted, replaced
    /// by another file, or cut short): nothing more is read from or written to it.
    case replaced(String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let p): "no journal at \(p); create a hospital with `rounds init --journal \(p) --hospital \"NAME\" --supervisor LOGIN`, or a synthetic one to try Rounds with `rounds demo --journal \(p)`"
        case .alreadyExists(let p): "\(p) already exists; refusing to overwrite it (use --force to replace a journal you no longer need)"
        case .notAJournal(let p, let reason): "\(p) is not a Rounds journal: \(reason)"
        case .system(let p, let op, let e): "\(op) \(p) failed: \(describe(errno: e))"
        case .damaged(let p, let d): "\(p): \(d); it will not be opened for writing. Run `rounds journal verify \(p)` for details and restore from a backup"
        case .writeFailed(let p, let reason): "could not write to \(p): \(reason); the command was not recorded"
        case .unusable(let p, let reason): "\(p) is not safe to write after an earlier failure (\(reason)); restart Rounds to reopen and re-verify it"
        case .readOnly(let p): "\(p) was opened read-only"
        case .notWritable(let p): "\(p) is not writable by this login (permission denied); open it read-only to look, or ask the administrator to add you to the journal's group (Docs/OPERATIONS.md, \"Setting up a shared host\")"
        case .unsafeLocation(let p, let reason): "refusing to write to \(p): \(reason)"
        case .noAccess(let p): "\(p) cannot be opened by this login (permission denied); a hospital's journal is shared through its group: ask the administrator to add you to that group (Docs/OPERATIONS.md, \"Setting up a shared host\"), then log in again"
        case .snapshotMismatch(let p, let reason): "the snapshot of \(p) was not taken from it (\(reason))"
        case .replaced(let p, let reason): "\(p) is no longer the journal this Rounds opened: \(reason). Nothing more is read from or written to the old file, so the hospital is not split in two; restart Rounds to open the journal now at \(p), and keep any file replaced by mistake for review"
        }
    }
}

/// What opening a journal found and did.
public struct OpenReport: Equatable, Sendable {
    public var records: Int = 0
    /// The seq a snapshot ended at, when replay started after it (`records` then counts only
    /// the records read after the snapshot).
    public var resumedAfter: UInt64?
    /// A torn tail moved aside into a side file (writers), or left in place (readers).
    public var tornTail: TornTail?
    /// Damage where reading stopped, when opened `upToDamage` (a partial read): the records
    /// before it were read, none after it.
    public var damage: JournalDamage?
    public init(records: Int = 0, tornTail: TornTail? = nil) { self.records = records; self.tornTail = tornTail }
}

public struct TornTail: Equatable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var length: Int
    public var reason: String
    /// Where the bytes were moved; nil when they were left in place.
    public var sideFile: String?
    public var description: String {
        let where_ = sideFile.map { "moved aside to \($0)" } ?? "left in place (run `rounds journal repair` to move it aside)"
        return "torn tail: \(length) bytes at offset \(offset) (\(reason)); \(where_)"
    }
}

/// One journal file, opened by one process. Several processes open the same file; appends are
/// serialised by an exclusive `flock` on it, and every writer catches up before it appends.
/// Durable appends share their syncs through the commit file (Commit.swift): group commit.
public final class Journal {
    public let path: String
    public let writable: Bool
    public let verifyChain: Bool
    let fd: Int32
    let io: any JournalIO
    public private(set) var position: ScanPosition
    private var unusableReason: String?
    private var lockDepth = 0
    private var lockedExclusive = false
    /// Shared with the other processes that have the journal open; nil for a reader when the
    /// journal has none (then it reads to the end of the file).
    var commit: CommitFile?
    /// Whether this writer has checked the commit file against the journal (at open).
    private var commitTrusted = false
    /// The end of records appended with `deferSync`, not yet waited for (`awaitDurable`).
    private var pendingDurable: Int?
    /// A zero-filled end found at `offset` when the file was as `stamp` says: nothing new to
    /// read while both still hold (readers of a journal with no live commit file).
    private var zeroTail: (offset: Int, stamp: FileStamp)?

    /// A file's size and time of last change: writes into space made ready keep the size.
    struct FileStamp: Equatable {
        var size: Int
        var seconds: Int
        var nanoseconds: Int
    }

    var fileStamp: FileStamp {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return FileStamp(size: 0, seconds: 0, nanoseconds: 0) }
        return FileStamp(size: Int(st.st_size), seconds: Int(st.st_mtim.tv_sec), nanoseconds: Int(st.st_mtim.tv_nsec))
    }
    /// Durable appends make room ahead in steps of this many zero bytes, so that their sync
    /// writes data only, not the file's size and new blocks (Docs/JOURNAL-FORMAT.md).
    public static let preallocationStep = 1 << 20

    private init(path: String, fd: Int32, writable: Bool, verifyChain: Bool, io: any JournalIO) {
        self.path = path; self.fd = fd; self.writable = writable; self.verifyChain = verifyChain; self.io = io
        self.position = .start
    }

    deinit {
        trimIfLast()
        commit = nil
        close(fd)
    }

    /// The last process to close a journal cuts the space made ready off its end, so a journal
    /// nobody has open ends at its last record.
    private func trimIfLast() {
        guard writable, unusableReason == nil, let commit, commit.isLastUser(), commit.isCurrent, commit.failed == 0,
              commit.writing == commit.written else { return }
        let end = commit.written
        // Never wait for the lock here: a process opening the journal holds it while it waits
        // for the commit file this process now holds exclusively.
        guard end >= JournalFormat.headerSize, fileSize > end, flock(fd, LOCK_EX | LOCK_NB) == 0 else { return }
        if fileSize > end, allZero(from: end, to: fileSize), ftruncate(fd, off_t(end)) == 0 { _ = fdatasync(fd) }
        flock(fd, LOCK_UN)
    }

    // MARK: create and open

    /// Creates a new, empty journal (header only), never world-readable: 0640 (the owner writes,
    /// the group reads), or 0660 when its directory is group-writable (a shared group of
    /// writers, Docs/OPERATIONS.md). Refuses a directory every user can enter.
    public static func create(at path: String, io: any JournalIO = SystemIO(), replace: Bool = false) throws(JournalError) -> Journal {
        let directory = directoryMode(of: path)
        if let mode = directory, mode & 0o007 != 0 {
            throw .unsafeLocation(path, reason: directoryAdvice(path, mode))
        }
        let mode: mode_t = (directory ?? 0) & 0o020 != 0 ? 0o660 : 0o640
        if replace { unlink(path); unlink(Snapshot.path(for: path)); unlink(CommitFile.path(for: path)) }
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 {
            if errno == EEXIST { throw .alreadyExists(path) }
            throw .system(path, operation: "creating", errno: errno)
        }
        fchmod(fd, mode)
        // In a group-writable directory the journal belongs to the directory's group (as a
        // setgid directory would give it), so every member of that group may write it.
        var dst = stat()
        if mode == 0o660, stat(Journal.directory(of: path), &dst) == 0 { _ = fchown(fd, uid_t.max, dst.st_gid) }
        let journal = Journal(path: path, fd: fd, writable: true, verifyChain: true, io: io)
        let header = JournalFormat.header
        let outcome = header.withUnsafeBytes { io.write(fd, $0, at: 0) }
        guard case .done(let n) = outcome, n == header.count, case .done = io.sync(fd) else {
            unlink(path)
            throw .writeFailed(path, reason: "the header could not be written")
        }
        do {
            journal.commit = try CommitFile.open(journalPath: path, journalFD: fd, writable: true)
        } catch {
            unlink(path)
            throw error
        }
        journal.commit?.reset(end: header.count)
        journal.commitTrusted = true
        syncDirectory(of: path)
        return journal
    }

    /// Opens a journal and replays it through `onRecord`. A writer takes the lock, moves a torn
    /// tail aside into a side file and truncates it away; a reader takes a shared lock while it
    /// reads, and leaves a torn tail in place. Damage before the tail refuses to open, unless a
    /// reader asks for `upToDamage`: then it has read every record before the damage, and
    /// `OpenReport.damage` says where reading stopped (a partial read; the file is not changed).
    ///
    /// With `resumingFrom` (a snapshot's position) replay starts there instead of at the top,
    /// once the record ending there is proved to be this journal's (`.snapshotMismatch` if not).
    ///
    /// A long replay reads, checks and decodes on a second thread while `onRecord` runs on
    /// this one (`pipeline`, Pipeline.swift); `onRecord` sees the same records in the same
    /// order either way. On two threads, `afterBatch` is called on this one after each batch
    /// of records, and what it returns is destroyed on the reading thread (the state's archived
    /// items: HospitalState.takeArchivedAside); on one thread it is not called.
    public static func open(at path: String, writable: Bool, verifyChain: Bool = true, io: any JournalIO = SystemIO(),
                            readChunk: Int = Journal.chunkSize, resumingFrom resume: ScanPosition? = nil, pipeline: Pipeline = .standard,
                            upToDamage: Bool = false, afterBatch: () -> (any Sendable)? = { nil },
                            onRecord: (Recorded) -> Void) throws(JournalError) -> (Journal, OpenReport) {
        let fd = Glibc.open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { throw .notFound(path) }
            if errno == EACCES, writable, access(path, R_OK) == 0 { throw .notWritable(path) }
            if errno == EACCES { throw .noAccess(path) }
            throw .system(path, operation: "opening", errno: errno)
        }
        let journal = Journal(path: path, fd: fd, writable: writable, verifyChain: verifyChain, io: io)
        journal.readChunk = readChunk
        try journal.checkHeader()
        if writable { try journal.checkSafeToWrite() }
        var report = OpenReport()
        try journal.withLock(exclusive: writable) { () throws(JournalError) in
            let commit = try CommitFile.open(journalPath: path, journalFD: fd, writable: writable)
            journal.commit = commit
            if writable, let commit, commit.isCurrent, commit.failed != 0 || commit.writing > commit.written {
                // A sync failed, or a writer died mid-append: nothing after `synced` (or after
                // the last whole append) was acknowledged. Keep those bytes in a side file.
                let keep = commit.failed != 0 ? commit.synced : commit.written
                let end = journal.lastNonZero(from: keep)
                if end > keep { report.tornTail = TornTail(offset: keep, length: end - keep, reason: commit.failed != 0 ? "written after a sync that failed" : "an append its writer did not finish", sideFile: try journal.moveTailAside(offset: keep, length: end - keep)) }
                commit.noteCutBack(to: keep)
            }
            if let resume {
                if let problem = journal.linkProblem(resume) { throw .snapshotMismatch(path, reason: problem) }
                journal.position = resume
                report.resumedAfter = resume.nextSeq - 1
            }
            // A long replay reads and checks on a second thread while this one applies.
            let pipelined = journal.fileSize - journal.position.offset >= pipeline.threshold
            let stop = pipelined ? try journal.readToEndPipelined(pipeline, afterBatch: afterBatch) { r in report.records += 1; onRecord(r) }
                                 : try journal.readToEnd { r in report.records += 1; onRecord(r) }
            switch stop {
            case .end: break
            case .corrupt(let d):
                // A partial read (incident review) stops at the damage; a writer never does.
                guard upToDamage, !writable else { throw .damaged(path, d) }
                report.damage = d
            case let .partialTail(offset, length, reason):
                var torn = TornTail(offset: offset, length: length, reason: reason, sideFile: nil)
                if writable { torn.sideFile = try journal.moveTailAside(offset: offset, length: length) }
                report.tornTail = torn
            case .zeros: break   // readToEnd resolves these
            }
            if writable, let commit, commit.firstWriter || !commit.isCurrent || commit.failed != 0 || commit.written != journal.position.offset {
                // New, stale (another boot or another file) or after a failure: everything read
                // is made durable and the values start afresh from it.
                if case .failed(let e) = io.sync(fd) { throw .system(path, operation: "syncing", errno: e) }
                commit.reset(end: journal.position.offset)
            }
            journal.commitTrusted = writable && commit != nil
        }
        return (journal, report)
    }

    /// Refuses a journal that everyone on the host could read or write, one in a directory
    /// everyone can enter, and one on a network file system (where appends and locks are not
    /// reliable), saying how to fix it.
    func checkSafeToWrite() throws(JournalError) {
        try checkModeIsPrivate()
        if let mode = Journal.directoryMode(of: path), mode & 0o007 != 0 {
            throw .unsafeLocation(path, reason: Journal.directoryAdvice(path, mode))
        }
        do {
            let kind: String? = switch UInt32(truncatingIfNeeded: rounds_fs_type(fd)) {
            case 0x6969: "NFS"
            case 0x517B: "SMB"
            case 0xFF53_4D42: "CIFS"
            case 0xFE53_4D42: "SMB2"
            case 0x6573_5546: "FUSE (sshfs or similar)"
            case 0x0102_1997: "9P"
            default: nil
            }
            if let kind {
                throw .unsafeLocation(path, reason: "it is on a network file system (\(kind)), where appends and locks are not reliable; keep the journal on a local disk of this host")
            }
        }
    }

    /// Refuses a journal every user on the host can read or write.
    func checkModeIsPrivate() throws(JournalError) {
        var st = stat()
        if fstat(fd, &st) == 0, st.st_mode & 0o007 != 0 {
            let mode = String(st.st_mode & 0o777, radix: 8)
            let fix = st.st_mode & 0o020 != 0 ? "chmod 660" : "chmod 640"
            throw .unsafeLocation(path, reason: "it can be read or written by every user on this host (mode 0\(mode)); patient data must not be. Fix it with: \(fix) \(path)")
        }
    }

    /// Before each append: the journal's mode or owner may have been changed since it was
    /// opened. A login whose write permission was taken away writes no more (its open file
    /// would still let it), and nobody writes to a journal that was opened to every user.
    func checkStillPermitted() throws(JournalError) {
        if access(path, W_OK) != 0, errno == EACCES || errno == EPERM { throw .notWritable(path) }
        try checkModeIsPrivate()
    }

    /// Opens read-only without reading anything (for `verify`, which reads under its own lock).
    static func openUnchecked(at path: String) throws(JournalError) -> Journal {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .system(path, operation: "opening", errno: errno) }
        return Journal(path: path, fd: fd, writable: false, verifyChain: true, io: SystemIO())
    }

    func checkHeader() throws(JournalError) {
        var buf = [UInt8](repeating: 0, count: JournalFormat.headerSize)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, JournalFormat.headerSize, 0) }
        if n < 0 { throw .system(path, operation: "reading", errno: errno) }
        guard n == JournalFormat.headerSize else { throw .notAJournal(path, reason: "it is \(n) bytes long, shorter than a journal header") }
        guard Array(buf[0..<8]) == JournalFormat.magic else { throw .notAJournal(path, reason: "it does not start with RNDSJRNL") }
        let version = UInt32(buf[8]) | UInt32(buf[9]) << 8 | UInt32(buf[10]) << 16 | UInt32(buf[11]) << 24
        guard buf == JournalFormat.header else {
            if version == 1 {
                throw .notAJournal(path, reason: "format version 1, written before records named their session; this Rounds reads version \(JournalFormat.version). Export what you need with the Rounds that wrote it, or make a fresh journal")
            }
            if version != JournalFormat.version { throw .notAJournal(path, reason: "format version \(version); this Rounds reads version \(JournalFormat.version)") }
            throw .notAJournal(path, reason: "its header is damaged")
        }
    }

    // MARK: reading

    public var fileSize: Int { fileStamp.size }

    /// How far this process may read: to the end of the file while it holds the exclusive
    /// lock (it writes next and must see every record), otherwise to what is published.
    var readLimit: Int {
        if lockDepth > 0 && lockedExclusive {
            // Every append is noted under this lock: its end is exact, and the zero bytes
            // made ready after it need not be read on every catch-up. The file is never
            // shorter (writers make room before they write), so no `fstat` is needed; were it
            // cut short behind Rounds' back, the short read is reported as damage.
            if commitTrusted, let commit { return commit.written }
            return fileSize
        }
        if let commit, commit.isLive { return min(fileSize, commit.published) }
        return fileSize
    }

    /// Whether records may have been appended since the last read: one load from shared memory
    /// (or one `fstat` when the commit file is missing or not live), after a `stat` and an
    /// `fstat` that tell whether the journal was deleted or replaced (then true: `catchUp` says so).
    public var mayHaveNewRecords: Bool {
        if stillAtPathProblem() != nil { return true }
        if let commit, commit.isLive { return commit.published > position.offset }
        let stamp = fileStamp
        if let z = zeroTail, z.offset == position.offset, z.stamp == stamp { return false }
        return stamp.size > position.offset
    }

    /// Why the file this handle has open is no longer the journal at `path`, or nil: deleted,
    /// another file renamed or copied into its place, or cut shorter than what was already read
    /// from it. Two system calls (`stat`, `fstat`).
    func stillAtPathProblem() -> String? {
        var open = stat(), named = stat()
        guard fstat(fd, &open) == 0 else { return nil }
        if open.st_nlink == 0 { return "it was deleted while it was open" }
        if stat(path, &named) != 0 {
            return errno == ENOENT ? "it was deleted or moved away while it was open" : nil
        }
        if named.st_ino != open.st_ino || named.st_dev != open.st_dev {
            return "another file was put in its place while it was open"
        }
        // A sync that failed cuts the journal back below what writers had caught up to; that
        // is said by the failure itself (`unusable`).
        if Int(open.st_size) < position.offset, commit?.failed ?? 0 == 0, unusableReason == nil {
            return "it is now \(open.st_size) bytes long, shorter than the \(position.offset) bytes already read from it: it was cut short or overwritten"
        }
        return nil
    }

    /// Throws `.replaced` when the file open is no longer the journal at `path`.
    public func checkStillAtPath() throws(JournalError) {
        if let problem = stillAtPathProblem() { throw .replaced(path, reason: problem) }
    }

    /// The bytes of the journal up to the end of its last record (what a reader has read).
    public var recordsEnd: Int { position.offset }

    /// Reads every complete record after `position` and says how the scan ended.
    func readToEnd(_ onRecord: (Recorded) -> Void) throws(JournalError) -> ScanStop {
        try readToEnd(withHashes: { r, _ in onRecord(r) })
    }

    /// Bytes read at a time: a year's journal is read in pieces, never held whole in memory.
    public static let chunkSize = 8 << 20
    /// This handle's piece size (tests make it small to cross many piece boundaries); never
    /// less than one record of the largest size.
    var readChunk = Journal.chunkSize

    func readToEnd(withHashes onRecord: (Recorded, ChainHash?) -> Void) throws(JournalError) -> ScanStop {
        let size = readLimit
        var buffer = [UInt8]()
        while true {
            let want = min(size - position.offset, max(readChunk, JournalFormat.frameHeaderSize + JournalFormat.maximumBody))
            guard want > 0 else { return .end }
            if buffer.count < want { buffer = [UInt8](repeating: 0, count: want) }
            var got = 0
            while got < want {
                let n = buffer.withUnsafeMutableBytes { raw in pread(fd, raw.baseAddress! + got, want - got, off_t(position.offset + got)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .system(path, operation: "reading", errno: errno)
                }
                if n == 0 { break }
                got += n
            }
            let before = position.offset
            let stop = buffer.withUnsafeBytes { raw in
                RecordScanner.scan(UnsafeRawBufferPointer(rebasing: raw[0..<got]), position: &position, verifyChain: verifyChain, onRecordAndHash: onRecord)
            }
            let reachedEnd = before + got >= size
            switch stop {
            case .corrupt: return stop
            case .zeros(let offset): return resolveZeros(at: offset, size: size)
            case .end where reachedEnd: return .end
            case .partialTail(let o, let l, _) where reachedEnd || allZero(from: o + l, to: size): return stop
            case .end, .partialTail:
                // A record runs past this piece: read on from the end of the last whole one. (A
                // piece always holds a whole record of the largest size, so no progress here
                // would mean the file changed under the lock; never call that a torn tail.)
                if position.offset == before {
                    return .corrupt(JournalDamage(offset: before, seq: position.nextSeq, reason: "a record could not be read whole"))
                }
            }
        }
    }

    /// Applies records other processes appended since the last read. A partial record at the
    /// end is left for the next call: its writer may still be writing it.
    @discardableResult
    public func catchUp(_ onRecord: (Recorded) -> Void) throws(JournalError) -> Int {
        try checkStillAtPath()
        var count = 0
        let stop = try readToEnd { r in count += 1; onRecord(r) }
        if case .corrupt(let d) = stop { throw .damaged(path, d) }
        return count
    }

    /// Zero bytes where the next record would start. All zero to the end: space made ready
    /// for records (`.end`). Data after them: records written after the last sync and lost in
    /// part by a crash (a torn tail) when it all lies within one preallocation step, otherwise
    /// damage.
    private func resolveZeros(at offset: Int, size: Int) -> ScanStop {
        let stamp = fileStamp
        let end = lastNonZero(from: offset, to: size)
        if end <= offset {
            // File times move in coarse ticks: a write in the tick of `stamp` may keep it, so
            // only a stamp older than any tick is trusted to change with the next write.
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let age = (Int(now.tv_sec) - stamp.seconds) * 1_000_000_000 + (Int(now.tv_nsec) - stamp.nanoseconds)
            if stamp.size == size && age >= 50_000_000 { zeroTail = (offset, stamp) }
            return .end
        }
        // Below what the commit file says was synced, nothing can have been lost to a crash.
        if let floor = CommitFile.syncedFloor(journalPath: path, journalFD: fd), offset < floor {
            return .corrupt(JournalDamage(offset: offset, seq: position.nextSeq, reason: "zero bytes where a record should start, inside what had been synced to disk (up to byte \(floor)), followed by more records"))
        }
        if end - offset <= Journal.preallocationStep {
            return .partialTail(offset: offset, length: end - offset, reason: "zero bytes where the next record should start, then \(end - offset) bytes of records never made durable (a crash)")
        }
        return .corrupt(JournalDamage(offset: offset, seq: position.nextSeq, reason: "zero bytes where a record should start, followed by more records"))
    }

    /// The offset just past the last byte that is not zero in `from..<to` (`from` when all are).
    func lastNonZero(from: Int, to: Int? = nil) -> Int {
        let to = to ?? fileSize
        var end = to
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while end > from {
            let start = max(from, end - buffer.count)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, end - start, off_t(start)) }
            if n <= 0 { return end }
            var i = n - 1
            while i >= 0 && buffer[i] == 0 { i -= 1 }
            if i >= 0 { return start + i + 1 }
            end = start
        }
        return from
    }

    func allZero(from: Int, to: Int) -> Bool { lastNonZero(from: from, to: to) == from }

    // MARK: locking

    /// Runs `body` holding the journal's `flock` (exclusive for writers). Re-entrant.
    public func withLock<T>(exclusive: Bool = true, _ body: () throws(JournalError) -> T) throws(JournalError) -> T {
        if lockDepth == 0 {
            while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
                if errno != EINTR { throw .system(path, operation: "locking", errno: errno) }
            }
            lockedExclusive = exclusive
        }
        lockDepth += 1
        defer {
            lockDepth -= 1
            if lockDepth == 0 { flock(fd, LOCK_UN) }
        }
        return try body()
    }

    // MARK: writing

    public struct Entry: Sendable {
        public var time: Timestamp
        public var actor: Login
        /// The writer's session (the seq of its `session.opened` record), 0 for none.
        public var session: UInt64
        public var event: Event
        public init(time: Timestamp, actor: Login, session: UInt64 = 0, event: Event) {
            self.time = time; self.actor = actor; self.session = session; self.event = event
        }
    }

    /// Appends records as one write and, when `sync` is true, makes them durable before
    /// returning. Call inside `withLock` after `catchUp`. On any failure the file is cut back to
    /// its previous length and nothing is returned: the caller must not apply the events.
    ///
    /// With `deferSync` (group commit) the records are written but the sync is left to
    /// `awaitDurable()`, which the caller calls after letting the lock go and before applying
    /// the records: one sync then covers the records of every writer waiting with it.
    public func append(_ entries: [Entry], sync: Bool = true, deferSync: Bool = false) throws(JournalError) -> [Recorded] {
        guard writable else { throw .readOnly(path) }
        if let reason = unusableReason { throw .unusable(path, reason: reason) }
        if let commit, commit.failed != 0 {
            unusableReason = "a sync of this journal failed in another process (\(describe(errno: commit.failed)))"
            throw .unusable(path, reason: unusableReason!)
        }
        guard !entries.isEmpty else { return [] }
        // Never append to a file that is no longer the journal at its path: that would be a
        // second hospital nobody else sees.
        try checkStillAtPath()
        try checkStillPermitted()
        try checkNothingUnread()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.count * 160)
        var prev = position.prev
        var seq = position.nextSeq
        var lastTime = position.lastTime
        var recorded: [Recorded] = []
        recorded.reserveCapacity(entries.count)
        let encoder = RecordEncoder()
        var lastStart = position.lastRecordStart
        for e in entries {
            lastStart = position.offset + bytes.count
            let time = max(e.time, lastTime)   // time in the journal never runs backwards
            prev = encoder.encode(seq: seq, time: time, actor: e.actor, session: e.session, event: e.event, prev: prev, into: &bytes)
            recorded.append(Recorded(seq: seq, time: time, actor: String(decoding: e.actor.utf8.prefix(JournalFormat.maximumActor), as: UTF8.self),
                                     session: e.session, event: e.event))
            seq += 1
            lastTime = time
        }
        let start = position.offset
        let end = start + bytes.count
        let grouped = sync && deferSync && commit != nil
        var failure: String?
        if sync, commit != nil { failure = makeRoom(to: end) }
        commit?.noteWriting(end: end)
        var written = 0
        if failure == nil {
            bytes.withUnsafeBytes { raw in
                while written < raw.count {
                    switch io.write(fd, UnsafeRawBufferPointer(rebasing: raw[written...]), at: start + written) {
                    case .done(let n) where n > 0: written += n
                    case .done: failure = "the device accepted no bytes"; return
                    case .failed(let e) where e == EINTR: continue
                    case .failed(let e): failure = describe(errno: e); return
                    }
                }
            }
        }
        if failure == nil, sync, !grouped, case .failed(let e) = io.sync(fd) {
            failure = "sync failed: " + describe(errno: e)
            // After a failed fsync the kernel may have dropped dirty pages and cleared the error
            // (the "fsyncgate" lesson): never trust this handle for writing again.
            unusableReason = failure
            commit?.noteFailed(e)
        }
        if let failure {
            cutBack(to: start, sync: sync)
            throw .writeFailed(path, reason: failure)
        }
        commit?.noteWritten(end: end, publish: !sync)
        if sync && !grouped { commit?.noteSynced(end) }
        if grouped { pendingDurable = end }
        position.offset = end
        position.nextSeq = seq
        position.prev = prev
        position.lastTime = lastTime
        position.lastRecordStart = lastStart
        return recorded
    }

    /// Refuses to append after bytes this process has not read: records from another writer
    /// (catch up first) or a torn tail left by one that crashed, which is moved aside.
    private func checkNothingUnread() throws(JournalError) {
        if let commit, commit.isLive {
            // Every append is noted under the lock, so this is exact without reading the file.
            if commit.written > position.offset {
                throw .writeFailed(path, reason: "another process appended records; catch up before appending")
            }
            if commit.writing > commit.written {
                // A writer died mid-append: its bytes were never acknowledged.
                let end = lastNonZero(from: commit.written)
                if end > commit.written { _ = try moveTailAside(offset: commit.written, length: end - commit.written) }
                commit.noteCutBack(to: commit.written)
            }
            return
        }
        if fileSize > position.offset {
            var pending: [Recorded] = []
            let stop = try readToEnd { pending.append($0) }
            if !pending.isEmpty { throw .writeFailed(path, reason: "another process appended records; catch up before appending") }
            if case .partialTail(let offset, let length, _) = stop { _ = try moveTailAside(offset: offset, length: length) }
            if case .corrupt(let d) = stop { throw .damaged(path, d) }
        }
    }

    /// Extends the file with zero bytes so that `end` lies inside it: a sync then writes data
    /// only. Returns why it failed, or nil.
    private func makeRoom(to end: Int) -> String? {
        if end <= knownSize { return nil }
        let size = fileSize
        knownSize = size
        guard end > size else { return nil }
        let step = Journal.preallocationStep
        let target = (end / step + 1) * step
        let zeros = [UInt8](repeating: 0, count: min(step, target - size))
        var at = size
        while at < target {
            let n = min(zeros.count, target - at)
            let outcome = zeros.withUnsafeBytes { io.write(fd, UnsafeRawBufferPointer(rebasing: $0[0..<n]), at: at) }
            switch outcome {
            case .done(let w) where w > 0: at += w
            case .failed(let e) where e == EINTR: continue
            case .failed(let e) where e == ENOSPC || e == EDQUOT:
                // No room for a step ahead: give the zeros back and write the records past the
                // end as they are (their sync then carries the new size). The records may still
                // fit; if they do not, their own write says the disk is full.
                if case .failed = io.truncate(fd, to: size) { cutBack(to: size, sync: false); return describe(errno: e) }
                knownSize = 0
                return nil
            case .failed(let e): cutBack(to: size, sync: false); return describe(errno: e)
            case .done: cutBack(to: size, sync: false); return "the device accepted no bytes"
            }
        }
        if case .failed(let e) = io.sync(fd) {
            unusableReason = "sync failed: " + describe(errno: e)
            commit?.noteFailed(e)
            cutBack(to: size, sync: false)
            return unusableReason
        }
        knownSize = target
        return nil
    }

    /// The file's size when this process last looked: it only grows while the journal is open
    /// for writing, except when cut back (`cutBack`, `moveTailAside` reset it).
    private var knownSize = 0

    /// Puts the end of the file back at `offset` after a failed write (holding the lock).
    private func cutBack(to offset: Int, sync: Bool) {
        knownSize = 0
        if fileSize != offset || commit?.writing != commit?.written {
            if case .failed(let e) = io.truncate(fd, to: offset) {
                unusableReason = "could not cut back a partial record: " + describe(errno: e)
                return
            } else if sync {
                _ = io.sync(fd)
            }
        }
        commit?.noteCutBack(to: offset)
    }

    /// Waits until the records of the last `append(…, deferSync: true)` are durable: one sync,
    /// led by one of the waiting processes, covers every record written before it. Call after
    /// letting the lock go. On failure nothing after the last good sync is acknowledged: the
    /// file is cut back, this handle writes no more, and the caller must not apply the records.
    public func awaitDurable() throws(JournalError) {
        guard let end = pendingDurable else { return }
        pendingDurable = nil
        guard let commit else { return }
        switch commit.awaitDurable(end, sync: { io.sync(fd) }) {
        case .durable: return
        case .failed(let e):
            let reason = "sync failed: " + describe(errno: e)
            unusableReason = reason
            // Cut back what no sync covered; another waiter may already have done it.
            if flock(fd, LOCK_EX) == 0 {
                let keep = commit.synced
                if commit.written > keep, case .done = io.truncate(fd, to: keep) { commit.noteCutBack(to: keep) }
                flock(fd, LOCK_UN)
            }
            throw .writeFailed(path, reason: reason)
        }
    }

    /// Makes everything written so far durable (for bulk writers that append with `sync: false`).
    public func sync() throws(JournalError) {
        let target = commit?.written ?? position.offset
        if case .failed(let e) = io.sync(fd) {
            unusableReason = "sync failed: " + describe(errno: e)
            commit?.noteFailed(e)
            throw .writeFailed(path, reason: unusableReason!)
        }
        commit?.noteSynced(target)
    }

    /// Copies the bytes from `offset` to the end into a side file next to the journal, makes
    /// the copy durable, then cuts the journal back to `offset`. Never deletes data.
    func moveTailAside(offset: Int, length: Int) throws(JournalError) -> String {
        var bytes = [UInt8](repeating: 0, count: length)
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
        if got < 0 { throw .system(path, operation: "reading the torn tail of", errno: errno) }
        bytes.removeLast(length - got)
        var side = "\(path).torn-\(offset)"
        var n = 1
        while access(side, F_OK) == 0 { n += 1; side = "\(path).torn-\(offset)-\(n)" }
        let sfd = Glibc.open(side, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if sfd < 0 { throw .system(side, operation: "creating", errno: errno) }
        var jst = stat()
        if fstat(fd, &jst) == 0 { Journal.matchJournal(sfd, jst) } else { fchmod(sfd, 0o640) }
        let wrote = bytes.withUnsafeBytes { Glibc.write(sfd, $0.baseAddress, $0.count) }
        let synced = fsync(sfd)
        close(sfd)
        guard wrote == bytes.count, synced == 0 else {
            unlink(side)
            throw .writeFailed(side, reason: "the torn tail could not be saved, so it was left in the journal")
        }
        Journal.syncDirectory(of: path)
        if case .failed(let e) = io.truncate(fd, to: offset) { throw .system(path, operation: "truncating", errno: e) }
        _ = io.sync(fd)
        commit?.noteCutBack(to: offset)
        knownSize = 0
        return side
    }

    /// Gives a file Rounds keeps beside a journal (commit file, snapshot, torn-tail side file)
    /// the journal's group and mode (read and write for owner and group at most), whatever the
    /// umask of the process that creates it: every member of a shared group must be able to use
    /// what any one of them created. Only the owner can change a file's mode, and only to a
    /// group it belongs to; what cannot be changed is left as it is.
    public static func matchJournal(_ fd: Int32, _ journal: stat) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return }
        if st.st_gid != journal.st_gid { _ = fchown(fd, uid_t.max, journal.st_gid) }
        let mode = journal.st_mode & 0o660
        if st.st_mode & 0o7777 != mode { _ = fchmod(fd, mode) }
    }

    /// The records at the start of a journal (those within its first `bytes`), read without
    /// a lock and without replaying the rest: enough to tell who created it and how.
    public static func leadingRecords(at path: String, bytes: Int = 64 * 1024) throws(JournalError) -> [Recorded] {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { throw .notFound(path) }
            throw .system(path, operation: "opening", errno: errno)
        }
        let journal = Journal(path: path, fd: fd, writable: false, verifyChain: true, io: SystemIO())
        try journal.checkHeader()
        var buffer = [UInt8](repeating: 0, count: bytes)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, bytes, off_t(JournalFormat.headerSize)) }
        guard n > 0 else { return [] }
        var records: [Recorded] = []
        var position = ScanPosition.start
        buffer.withUnsafeBytes { raw in
            _ = RecordScanner.scan(UnsafeRawBufferPointer(rebasing: raw[0..<n]), position: &position, verifyChain: true) { records.append($0) }
        }
        return records
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// The permission bits of the directory holding `path` (nil when it cannot be read).
    static func directoryMode(of path: String) -> mode_t? {
        var st = stat()
        return stat(directory(of: path), &st) == 0 ? st.st_mode & 0o7777 : nil
    }

    static func directoryAdvice(_ path: String, _ mode: mode_t) -> String {
        let dir = directory(of: path)
        return "its directory \(dir) can be entered by every user on this host (mode 0\(String(mode, radix: 8))); keep journals in a directory of mode 0750 (one writer) or 2770 (a shared group of writers), e.g. chmod 750 \(dir), or choose another --journal"
    }

    static func syncDirectory(of path: String) {
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let dfd = Glibc.open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    /// Moves a torn tail aside without replaying into anyone's state (`rounds journal repair`).
    public static func repair(at path: String) throws(JournalError) -> OpenReport {
        try open(at: path, writable: true) { _ in }.1
    }
}
