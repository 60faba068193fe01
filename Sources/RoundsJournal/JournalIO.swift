#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The result of a write, sync or truncate: bytes done, or the `errno` it failed with.
public enum IOOutcome: Equatable, Sendable {
    case done(Int)
    case failed(Int32)
}

/// The seam through which the journal writes, syncs and truncates. Production uses the system
/// calls; tests inject disk-full, I/O errors and short writes to prove that a failed command
/// leaves no partial record and no change in memory.
public protocol JournalIO: Sendable {
    /// Writes at `offset` (the journal is written in place: its end may be space made ready).
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> IOOutcome
    func sync(_ fd: Int32) -> IOOutcome
    func truncate(_ fd: Int32, to length: Int) -> IOOutcome
}

public struct SystemIO: JournalIO {
    public init() {}
    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> IOOutcome {
        let n = pwrite(fd, bytes.baseAddress, bytes.count, off_t(offset))
        return n < 0 ? .failed(errno) : .done(n)
    }
    public func sync(_ fd: Int32) -> IOOutcome { fdatasync(fd) == 0 ? .done(0) : .failed(errno) }
    public func truncate(_ fd: Int32, to length: Int) -> IOOutcome { ftruncate(fd, off_t(length)) == 0 ? .done(0) : .failed(errno) }
}

/// `strerror` as a Swift string.
func describe(errno code: Int32) -> String {
    switch code {
    case ENOSPC: return "no space left on the device (ENOSPC)"
    case EIO: return "input/output error (EIO)"
    case EDQUOT: return "disk quota exceeded (EDQUOT)"
    case EACCES: return "permission denied (EACCES)"
    case EROFS: return "read-only file system (EROFS)"
    default: return String(cString: strerror(code)) + " (errno \(code))"
    }
}
