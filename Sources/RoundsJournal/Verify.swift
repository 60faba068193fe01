#if canImport(Glibc)
import Glibc
#endif
import RoundsDomain

/// What `rounds journal verify` found: every record's checksum, sequence and SHA-256 link.
public struct VerifyReport: Sendable {
    public enum Verdict: Equatable, Sendable {
        case intact
        case tornTail(offset: Int, length: Int, reason: String)
        case damaged(JournalDamage)
    }
    public var verdict: Verdict
    public var records: Int
    public var lastSeq: UInt64
    public var firstTime: Timestamp?
    public var lastTime: Timestamp?
    /// SHA-256 of the last good record: the chain head to keep elsewhere.
    public var head: ChainHash
    public var bytes: Int
    /// With `verify --head`: the sequence number of the record whose hash is that head (0 for
    /// the empty journal's genesis), or nil when the journal does not pass through it.
    public var anchoredAt: UInt64?
}

extension Journal {
    /// Reads the whole journal under a shared lock (so no append is half-way through) and
    /// checks everything. Never changes the file.
    public static func verify(at path: String, anchor: ChainHash? = nil) throws(JournalError) -> VerifyReport {
        var first: Timestamp?
        var count = 0
        var anchoredAt: UInt64? = anchor == .genesis ? 0 : nil
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { throw .notFound(path) }
            throw .system(path, operation: "opening", errno: errno)
        }
        close(fd)
        let journal: Journal
        do {
            journal = try Journal.openUnchecked(at: path)
        }
        try journal.checkHeader()
        let stop = try journal.withLock(exclusive: false) { () throws(JournalError) in
            try journal.readToEnd(withHashes: { r, hash in
                if first == nil { first = r.time }
                count += 1
                if let anchor, anchoredAt == nil, hash == anchor { anchoredAt = r.seq }
            })
        }
        let verdict: VerifyReport.Verdict
        switch stop {
        case .end: verdict = .intact
        case let .partialTail(offset, length, reason): verdict = .tornTail(offset: offset, length: length, reason: reason)
        case .corrupt(let d): verdict = .damaged(d)
        case .zeros: verdict = .intact   // resolved by readToEnd; never returned by it
        }
        return VerifyReport(verdict: verdict, records: count, lastSeq: journal.position.nextSeq - 1, firstTime: first,
                            lastTime: count > 0 ? journal.position.lastTime : nil, head: journal.position.prev,
                            bytes: verdict == .intact ? journal.position.offset : journal.fileSize,
                            anchoredAt: anchoredAt)
    }
}
