#if canImport(Glibc)
import Glibc
#endif
import RoundsDomain

/// What `rounds journal salvage` copied: the good records of a damaged journal, up to the last
/// one before the damage (or before a torn tail).
public struct SalvageReport: Sendable {
    public var records: Int
    public var lastSeq: UInt64
    /// The chain head of the copy: the SHA-256 of its last record, the same as the damaged
    /// journal's at that record (the bytes are copied, not re-encoded).
    public var head: ChainHash
    /// The bytes copied (header included).
    public var bytes: Int
    /// Where the source stopped being readable: its damage, or its torn tail.
    public var stop: VerifyReport.Verdict
}

extension Journal {
    /// Copies the records of `source` before its damage, byte for byte, into a new journal at
    /// `destination` (created like any journal: never over an existing file, never
    /// world-readable), and makes the copy durable. `source` is opened read-only and read under
    /// a shared lock: its bytes are never changed. On any failure the copy is removed and
    /// nothing else is touched.
    public static func salvage(from source: String, to destination: String) throws(JournalError) -> SalvageReport {
        let reader = try Journal.openUnchecked(at: source)
        try reader.checkHeader()
        var count = 0
        return try reader.withLock(exclusive: false) { () throws(JournalError) -> SalvageReport in
            let stop = try reader.readToEnd { _ in count += 1 }
            let verdict: VerifyReport.Verdict
            switch stop {
            case .end, .zeros: verdict = .intact
            case let .partialTail(offset, length, reason): verdict = .tornTail(offset: offset, length: length, reason: reason)
            case .corrupt(let d): verdict = .damaged(d)
            }
            let end = reader.position.offset
            let copy = try Journal.create(at: destination)
            func fail(_ reason: String) -> JournalError {
                unlink(destination)
                unlink(CommitFile.path(for: destination))
                return .writeFailed(destination, reason: reason + "; the copy was removed, and \(source) is unchanged")
            }
            var buffer = [UInt8](repeating: 0, count: min(max(end - JournalFormat.headerSize, 0), 8 << 20))
            var at = JournalFormat.headerSize
            while at < end {
                let want = min(buffer.count, end - at)
                let got = buffer.withUnsafeMutableBytes { pread(reader.fd, $0.baseAddress, want, off_t(at)) }
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { throw fail("reading \(source) at byte \(at) failed: \(got < 0 ? describe(errno: errno) : "it ended early")") }
                var written = 0
                while written < got {
                    let outcome = buffer.withUnsafeBytes { copy.io.write(copy.fd, UnsafeRawBufferPointer(rebasing: $0[written..<got]), at: at + written) }
                    switch outcome {
                    case .done(let n) where n > 0: written += n
                    case .failed(let e) where e == EINTR: continue
                    case .failed(let e): throw fail(describe(errno: e))
                    case .done: throw fail("the device accepted no bytes")
                    }
                }
                at += got
            }
            if case .failed(let e) = copy.io.sync(copy.fd) { throw fail("sync failed: " + describe(errno: e)) }
            copy.commit?.reset(end: end)
            Journal.syncDirectory(of: destination)
            return SalvageReport(records: count, lastSeq: reader.position.nextSeq - 1, head: reader.position.prev, bytes: end, stop: verdict)
        }
    }
}
