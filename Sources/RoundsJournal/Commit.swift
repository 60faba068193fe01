#if canImport(Glibc)
import Glibc
#endif
import CJournal

/// The commit file beside a journal (`<journal>.commit`, one page, no patient data): how far
/// the journal is written, made durable and published, shared by every process that has the
/// journal open, through a shared memory mapping.
///
/// Group commit: a writer appends its records under the journal's lock, lets the lock go, then
/// waits until `synced` covers them. The first waiter to find no sync under way becomes the
/// leader: it syncs everything written so far with one `fdatasync`, raises `synced` and
/// `published`, and wakes the others; records other writers appended meanwhile are durable with
/// it. Readers read only up to `published`, so nobody sees a record before it is durable.
///
/// A failed sync sets `failed` (its errno): the leader cuts the journal back to `synced`, and
/// every writer waiting, and every writer after, is refused until the journal is reopened with
/// no process holding it (Docs/JOURNAL-FORMAT.md, "Commit file").
///
/// Layout (little-endian, offsets in bytes): magic "RNDSCMT1" at 0, journal inode at 8 and
/// device at 16, written at 24, synced at 32, published at 40 (u64 each); leader pid at 48,
/// generation (the number of the next sync) at 52, failed errno at 56 (u32 each); writing at 64
/// (u64: the end of an append under way; above `written` only when its writer died mid-write);
/// the target of the sync under way at 72 (u64); the boot id of the host at 80 (36 bytes); the
/// number of the sync whose target that is at 116, and the two futex words woken when an even
/// or an odd sync ends at 120 and 124 (u32 each). Values from another boot, another inode or
/// without the magic are stale: the next writer to open the journal sets them afresh.
final class CommitFile {
    static func path(for journal: String) -> String { journal + ".commit" }
    static let size = 4096
    static let magic: UInt64 = 0x3154_4D43_5344_4E52   // "RNDSCMT1"

    let path: String
    let fd: Int32
    let writable: Bool
    private let base: UnsafeMutableRawPointer
    private let identity: (inode: UInt64, device: UInt64)

    private init(path: String, fd: Int32, writable: Bool, base: UnsafeMutableRawPointer, identity: (UInt64, UInt64)) {
        self.path = path; self.fd = fd; self.writable = writable; self.base = base; self.identity = identity
    }

    deinit {
        munmap(base, CommitFile.size)
        close(fd)
    }

    /// How far the journal open at `journalFD` was once synced to disk, by its commit file (read,
    /// not mapped), whatever process or boot of the host wrote it: nil when there is no commit
    /// file or it describes another file. The value only rises while the file is the same (a
    /// failed sync cuts the journal back to it), so bytes below it were made durable: zeros
    /// there are damage, never a torn tail.
    static func syncedFloor(journalPath: String, journalFD: Int32) -> Int? {
        var st = stat()
        guard fstat(journalFD, &st) == 0 else { return nil }
        let fd = Glibc.open(CommitFile.path(for: journalPath), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var words = [UInt64](repeating: 0, count: 5)
        let n = words.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 40, 0) }
        guard n == 40, words[0] == CommitFile.magic, words[1] == UInt64(st.st_ino), words[2] == UInt64(st.st_dev) else { return nil }
        return Int(clamping: words[4])
    }

    /// Opens (a writer creates) the commit file of the journal open at `journalFD`. Every
    /// process holds a shared `flock` on it while it has the journal open, so the last one to
    /// close can tell that it is the last (`isLastUser`). Nil for a reader when there is none.
    static func open(journalPath: String, journalFD: Int32, writable: Bool) throws(JournalError) -> CommitFile? {
        let path = CommitFile.path(for: journalPath)
        var st = stat()
        guard fstat(journalFD, &st) == 0 else { throw .system(journalPath, operation: "reading the status of", errno: errno) }
        let identity = (UInt64(st.st_ino), UInt64(st.st_dev))
        let mode = st.st_mode & 0o660
        let fd = Glibc.open(path, writable ? O_RDWR | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC, mode)
        if fd < 0 {
            if !writable { return nil }
            throw .unsafeLocation(journalPath, reason: "its commit file \(path) cannot be opened (\(describe(errno: errno))); a writer needs to create and write files beside the journal (Docs/OPERATIONS.md, \"Setting up a shared host\")")
        }
        var cst = stat()
        fstat(fd, &cst)
        if writable {
            Journal.matchJournal(fd, st)
            // Its page is allocated on the disk before it is mapped: a page of a shared mapping
            // that the file system cannot find room for when it is first written kills the
            // process (SIGBUS) instead of returning an error (a full tmpfs, a full quota).
            let e = posix_fallocate(fd, 0, off_t(size))
            if e != 0 {
                close(fd)
                throw .system(path, operation: e == ENOSPC || e == EDQUOT ? "making room for" : "sizing", errno: e)
            }
        } else if Int(cst.st_size) < size {
            close(fd)
            return nil
        }
        guard let base = mmap(nil, size, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            let e = errno
            close(fd)
            throw .system(path, operation: "mapping", errno: e)
        }
        while flock(fd, LOCK_SH) != 0 && errno == EINTR {}
        let file = CommitFile(path: path, fd: fd, writable: writable, base: base, identity: identity)
        if writable {
            file.firstWriter = rounds_writer_mark_held(fd) == 0
            _ = rounds_hold_writer_mark(fd)
        }
        return file
    }

    /// A writer that found no other writer holding the journal open (checked under the
    /// journal's exclusive lock): the values may be stale, so it sets them afresh.
    private(set) var firstWriter = false
    private let pid = UInt32(bitPattern: getpid())

    /// Whether the values are live: they describe this journal in this boot and a writer holds
    /// it open (this process, or another). With no writer, values left behind may no longer
    /// match the file (it may have been restored or repaired), so readers read to its end.
    var isLive: Bool {
        guard isCurrent else { return false }
        return writable || rounds_writer_mark_held(fd) == 1
    }

    // MARK: fields

    private func word64(_ offset: Int) -> UnsafeMutablePointer<UInt64> { (base + offset).assumingMemoryBound(to: UInt64.self) }
    private func word32(_ offset: Int) -> UnsafeMutablePointer<UInt32> { (base + offset).assumingMemoryBound(to: UInt32.self) }

    /// Bytes of the journal written by some writer (the end of the last append).
    var written: Int { Int(rounds_load64(word64(24))) }
    /// Bytes of the journal known to be on disk.
    var synced: Int { Int(rounds_load64(word64(32))) }
    /// Bytes of the journal readers may read.
    var published: Int { Int(rounds_load64(word64(40))) }
    /// The errno of a failed sync, 0 when none has failed.
    var failed: Int32 { Int32(bitPattern: rounds_load32(word32(56))) }

    /// Whether the values describe this journal in this boot of the host.
    var isCurrent: Bool {
        rounds_load64(word64(0)) == CommitFile.magic && rounds_load64(word64(8)) == identity.inode
            && rounds_load64(word64(16)) == identity.device && sameBoot
    }

    private var sameBoot: Bool {
        CommitFile.hostBootID.withUnsafeBytes { memcmp(base + 80, $0.baseAddress!, 36) == 0 }
    }

    /// The host's boot id: values written before a restart of the host are stale.
    static let hostBootID: [UInt8] = {
        let fd = Glibc.open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC)
        var bytes = [UInt8](repeating: 0, count: 36)
        if fd >= 0 {
            _ = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, 36) }
            close(fd)
        }
        return bytes
    }()

    /// Sets every value afresh for a journal whose bytes up to `end` are all on disk. Call
    /// holding the journal's exclusive lock.
    func reset(end: Int) {
        guard writable else { return }
        rounds_store64(word64(8), identity.inode)
        rounds_store64(word64(16), identity.device)
        CommitFile.hostBootID.withUnsafeBytes { (base + 80).copyMemory(from: $0.baseAddress!, byteCount: 36) }
        rounds_store64(word64(24), UInt64(end))
        rounds_store64(word64(32), UInt64(end))
        rounds_store64(word64(40), UInt64(end))
        rounds_store64(word64(64), UInt64(end))
        rounds_store32(word32(48), 0)
        rounds_store32(word32(56), 0)
        rounds_store64(word64(72), UInt64(end))
        rounds_store32(word32(116), rounds_load32(word32(52)) &- 1)   // no sync's target yet
        rounds_store64(word64(0), CommitFile.magic)
    }

    /// The end of an append under way, or of the last one.
    var writing: Int { Int(rounds_load64(word64(64))) }

    /// Before an append (under the journal's lock): it will write up to `end`.
    func noteWriting(end: Int) { rounds_store64(word64(64), UInt64(end)) }

    /// Records an append (under the journal's lock); `publish` makes it readable at once (a
    /// write its writer did not ask to make durable).
    func noteWritten(end: Int, publish: Bool) {
        rounds_store64(word64(24), UInt64(end))
        rounds_store64(word64(64), UInt64(end))
        if publish { rounds_raise64(word64(40), UInt64(end)) }
    }

    /// After the journal was cut back (under its lock) to `end`.
    func noteCutBack(to end: Int) {
        rounds_store64(word64(24), UInt64(end))
        rounds_store64(word64(64), UInt64(end))
    }

    /// Records that the journal is on disk up to `end` and publishes it.
    func noteSynced(_ end: Int) {
        rounds_raise64(word64(32), UInt64(end))
        rounds_raise64(word64(40), UInt64(end))
    }

    func noteFailed(_ code: Int32) { rounds_store32(word32(56), UInt32(bitPattern: code == 0 ? EIO : code)) }

    /// How a wait for durability ended.
    enum Durability: Equatable {
        case durable
        /// A sync failed (here or in another process): the errno.
        case failed(Int32)
    }

    /// Waits until the journal is on disk up to `end`, leading a sync when none is under way.
    /// `sync` makes the journal durable (the caller's I/O seam); it runs in at most one process
    /// at a time. A leader that dies mid-sync is replaced when its process is found gone.
    ///
    /// Syncs are numbered by the generation word. A waiter whose records the sync under way
    /// covers (its target, published with its number, reaches them) sleeps on the wake word of
    /// that sync's parity, which the leader wakes all of when it ends. A waiter the sync does not
    /// cover sleeps on the other word: the leader wakes just one of those to lead the next sync,
    /// which covers them all, and the rest sleep on until it ends. So nobody is woken only to
    /// find that it must sleep again. A waiter that cannot tell yet (the leader has not
    /// published its target) sleeps on the word woken when the sync ends, as all did before.
    func awaitDurable(_ end: Int, sync: () -> IOOutcome) -> Durability {
        let leader = word32(48), generation = word32(52)
        let me = pid
        var stalled = false
        while true {
            if failed != 0 { return .failed(failed) }
            if synced >= end { return .durable }
            let seen = rounds_load32(generation)
            if rounds_cas32(leader, 0, me) != 0 {
                // The generation moves only while the leader word is held, so `seen` is the
                // number of this sync unless another leader ended one just before the swap.
                let number = rounds_load32(generation)
                if failed == 0 && synced < end {
                    let target = written
                    rounds_store64(word64(72), UInt64(target))
                    rounds_store32(word32(116), number)
                    switch sync() {
                    case .done: noteSynced(target)
                    case .failed(let e): noteFailed(e)
                    }
                }
                rounds_add32(generation, 1)
                rounds_store32(leader, 0)
                let covered = wakeWord(number), next = wakeWord(number &+ 1)
                rounds_add32(covered, 1)
                rounds_futex_wake_all(covered)
                rounds_add32(next, 1)
                rounds_futex_wake(next, 1)
            } else {
                let current = rounds_load32(leader)
                if stalled && current != 0 && current != me && kill(pid_t(bitPattern: current), 0) != 0 && errno == ESRCH {
                    _ = rounds_cas32(leader, current, 0)   // its process is gone: take over
                    continue
                }
                let uncovered = rounds_load32(word32(116)) == seen && Int(rounds_load64(word64(72))) < end
                let word = wakeWord(uncovered ? seen &+ 1 : seen)
                let value = rounds_load32(word)
                // Sleep only while that sync is still under way: its leader moves the generation
                // before it changes the wake words, so no wake-up is missed.
                guard rounds_load32(generation) == seen, rounds_load32(leader) != 0 else { stalled = false; continue }
                if rounds_futex_wait(word, value, waitLimit) != 0 { timedOutWaits += 1 }
                stalled = rounds_load32(generation) == seen   // `waitLimit` and no sync ended
            }
        }
    }

    /// How long a waiter sleeps before it looks again (and checks that the leader is alive).
    var waitLimit = 20_000_000
    /// Waits that ran to `waitLimit` without a wake-up: none while every leader lives and its
    /// sync ends within the limit (tests set a long limit to catch a wake-up missed).
    private(set) var timedOutWaits = 0

    /// The futex word woken when sync number `number` ends: one per parity of the number.
    private func wakeWord(_ number: UInt32) -> UnsafeMutablePointer<UInt32> { word32(120 + 4 * Int(number & 1)) }

    /// Whether no other process holds the journal open (with its commit file). When true, this
    /// process holds the commit file exclusively until it closes it.
    func isLastUser() -> Bool {
        flock(fd, LOCK_EX | LOCK_NB) == 0
    }
}
