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
    /// The file or where it lives would expose patient data or break the guarantees Rounds needs.
    case unsafeLocation(String, reason: String)
    /// A snapshot's position is not a point in this journal (`Engine` then replays it whole).
    case snapshotMismatch(String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let p): "no journal at \(p); create one with `rounds demo --journal \(p)`"
        case .alreadyExists(let p): "\(p) already exists; refusing to overwrite it (use --force to replace a journal you no longer need)"
        case .notAJournal(let p, let reason): "\(p) is not a Rounds journal: \(reason)"
        case .system(let p, let op, let e): "\(op) \(p) failed: \(describe(errno: e))"
        case .damaged(let p, let d): "\(p): \(d); it will not be opened for writing. Run `rounds journal verify \(p)` for details and restore from a backup"
        case .writeFailed(let p, let reason): "could not write to \(p): \(reason); the command was not recorded"
        case .unusable(let p, let reason): "\(p) is not safe to write after an earlier failure (\(reason)); restart Rounds to reopen and re-verify it"
        case .readOnly(let p): "\(p) was opened read-only"
        case .notWritable(let p): "\(p) is not writable by this login (permission denied); open it read-only to look, or ask the administrator to add you to the journal's group (Docs/OPERATIONS.md, \"Setting up a shared host\")"
        case .unsafeLocation(let p, let reason): "refusing to write to \(p): \(reason)"
        case .snapshotMismatch(let p, let reason): "the snapshot of \(p) was not taken from it (\(reason))"
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
public final class Journal {
    public let path: String
    public let writable: Bool
    public let verifyChain: Bool
    let fd: Int32
    let io: any JournalIO
    public private(set) var position: ScanPosition
    private var unusableReason: String?
    private var lockDepth = 0

    private init(path: String, fd: Int32, writable: Bool, verifyChain: Bool, io: any JournalIO) {
        self.path = path; self.fd = fd; self.writable = writable; self.verifyChain = verifyChain; self.io = io
        self.position = .start
    }

    deinit { close(fd) }

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
        if replace { unlink(path); unlink(Snapshot.path(for: path)) }
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, mode)
        if fd < 0 {
            if errno == EEXIST { throw .alreadyExists(path) }
            throw .system(path, operation: "creating", errno: errno)
        }
        fchmod(fd, mode)
        let journal = Journal(path: path, fd: fd, writable: true, verifyChain: true, io: io)
        let header = JournalFormat.header
        let outcome = header.withUnsafeBytes { io.write(fd, $0) }
        guard case .done(let n) = outcome, n == header.count, case .done = io.sync(fd) else {
            unlink(path)
            throw .writeFailed(path, reason: "the header could not be written")
        }
        syncDirectory(of: path)
        return journal
    }

    /// Opens a journal and replays it through `onRecord`. A writer takes the lock, moves a torn
    /// tail aside into a side file and truncates it away; a reader takes a shared lock while it
    /// reads, and leaves a torn tail in place. Damage before the tail refuses to open.
    ///
    /// With `resumingFrom` (a snapshot's position) replay starts there instead of at the top,
    /// once the record ending there is proved to be this journal's (`.snapshotMismatch` if not).
    ///
    /// A long replay reads, checks and decodes on a second thread while `onRecord` runs on
    /// this one (`pipeline`, Pipeline.swift); `onRecord` sees the same records in the same
    /// order either way.
    public static func open(at path: String, writable: Bool, verifyChain: Bool = true, io: any JournalIO = SystemIO(),
                            readChunk: Int = Journal.chunkSize, resumingFrom resume: ScanPosition? = nil, pipeline: Pipeline = .standard,
                            onRecord: (Recorded) -> Void) throws(JournalError) -> (Journal, OpenReport) {
        let fd = Glibc.open(path, (writable ? O_RDWR | O_APPEND : O_RDONLY) | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { throw .notFound(path) }
            if errno == EACCES, writable, access(path, R_OK) == 0 { throw .notWritable(path) }
            throw .system(path, operation: "opening", errno: errno)
        }
        let journal = Journal(path: path, fd: fd, writable: writable, verifyChain: verifyChain, io: io)
        journal.readChunk = readChunk
        try journal.checkHeader()
        if writable { try journal.checkSafeToWrite() }
        var report = OpenReport()
        try journal.withLock(exclusive: writable) { () throws(JournalError) in
            if let resume {
                if let problem = journal.linkProblem(resume) { throw .snapshotMismatch(path, reason: problem) }
                journal.position = resume
                report.resumedAfter = resume.nextSeq - 1
            }
            // A long replay reads and checks on a second thread while this one applies.
            let pipelined = journal.fileSize - journal.position.offset >= pipeline.threshold
            let stop = pipelined ? try journal.readToEndPipelined(pipeline) { r in report.records += 1; onRecord(r) }
                                 : try journal.readToEnd { r in report.records += 1; onRecord(r) }
            switch stop {
            case .end: break
            case .corrupt(let d): throw .damaged(path, d)
            case let .partialTail(offset, length, reason):
                var torn = TornTail(offset: offset, length: length, reason: reason, sideFile: nil)
                if writable { torn.sideFile = try journal.moveTailAside(offset: offset, length: length) }
                report.tornTail = torn
            }
        }
        return (journal, report)
    }

    /// Refuses a journal that everyone on the host could read or write, one in a directory
    /// everyone can enter, and one on a network file system (where appends and locks are not
    /// reliable), saying how to fix it.
    func checkSafeToWrite() throws(JournalError) {
        var st = stat()
        if fstat(fd, &st) == 0, st.st_mode & 0o007 != 0 {
            let mode = String(st.st_mode & 0o777, radix: 8)
            let fix = st.st_mode & 0o020 != 0 ? "chmod 660" : "chmod 640"
            throw .unsafeLocation(path, reason: "it can be read or written by every user on this host (mode 0\(mode)); patient data must not be. Fix it with: \(fix) \(path)")
        }
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

    public var fileSize: Int {
        var st = stat()
        return fstat(fd, &st) == 0 ? Int(st.st_size) : 0
    }

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
        let size = fileSize
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
            case .end where reachedEnd: return .end
            case .partialTail where reachedEnd: return stop
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
        var count = 0
        let stop = try readToEnd { r in count += 1; onRecord(r) }
        if case .corrupt(let d) = stop { throw .damaged(path, d) }
        return count
    }

    // MARK: locking

    /// Runs `body` holding the journal's `flock` (exclusive for writers). Re-entrant.
    public func withLock<T>(exclusive: Bool = true, _ body: () throws(JournalError) -> T) throws(JournalError) -> T {
        if lockDepth == 0 {
            while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
                if errno != EINTR { throw .system(path, operation: "locking", errno: errno) }
            }
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
    public func append(_ entries: [Entry], sync: Bool = true) throws(JournalError) -> [Recorded] {
        guard writable else { throw .readOnly(path) }
        if let reason = unusableReason { throw .unusable(path, reason: reason) }
        guard !entries.isEmpty else { return [] }
        let size = fileSize
        if size > position.offset {
            // Bytes we have not read: records from another writer (catch up first) or a torn
            // tail left by one that crashed. Holding the lock, we can tell which.
            var pending: [Recorded] = []
            let stop = try readToEnd { pending.append($0) }
            if !pending.isEmpty { throw .writeFailed(path, reason: "another process appended records; catch up before appending") }
            if case .partialTail(let offset, let length, _) = stop { _ = try moveTailAside(offset: offset, length: length) }
            if case .corrupt(let d) = stop { throw .damaged(path, d) }
        }
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
        var written = 0
        var failure: String?
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                switch io.write(fd, UnsafeRawBufferPointer(rebasing: raw[written...])) {
                case .done(let n) where n > 0: written += n
                case .done: failure = "the device accepted no bytes"; return
                case .failed(let e) where e == EINTR: continue
                case .failed(let e): failure = describe(errno: e); return
                }
            }
        }
        if failure == nil, sync, case .failed(let e) = io.sync(fd) {
            failure = "sync failed: " + describe(errno: e)
            // After a failed fsync the kernel may have dropped dirty pages and cleared the error
            // (the "fsyncgate" lesson): never trust this handle for writing again.
            unusableReason = failure
        }
        if let failure {
            if written > 0 || fileSize != start {
                if case .failed(let e) = io.truncate(fd, to: start) {
                    unusableReason = "could not cut back a partial record: " + describe(errno: e)
                } else if sync {
                    _ = io.sync(fd)
                }
            }
            throw .writeFailed(path, reason: failure)
        }
        position.offset = start + bytes.count
        position.nextSeq = seq
        position.prev = prev
        position.lastTime = lastTime
        position.lastRecordStart = lastStart
        return recorded
    }

    /// Makes everything written so far durable (for bulk writers that append with `sync: false`).
    public func sync() throws(JournalError) {
        if case .failed(let e) = io.sync(fd) {
            unusableReason = "sync failed: " + describe(errno: e)
            throw .writeFailed(path, reason: unusableReason!)
        }
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
        let sfd = Glibc.open(side, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        if sfd < 0 { throw .system(side, operation: "creating", errno: errno) }
        fchmod(sfd, 0o640)
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
        return side
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
