#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import RoundsDomain
import RoundsJournal
import RoundsEngine

/// A fresh directory under the system temporary directory, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String
    public init(_ label: String = "rounds") {
        var template = Array("/tmp/\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }
    public func file(_ name: String) -> String { path + "/" + name }
    /// The names of the files in the directory.
    public var names: [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var out: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }
    /// Removes the directory and everything in it, subdirectories too (a feed's
    /// `JOURNAL.feeds/`, a salvage's copies); symbolic links are removed, never followed.
    public func remove() { TemporaryDirectory.removeTree(path) }

    static func removeTree(_ path: String) {
        if let dir = opendir(path) {
            var names: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(dir)
            for name in names {
                let child = path + "/" + name
                var st = stat()
                if lstat(child, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
            }
        }
        rmdir(path)
    }
}

/// The morning every fixture starts from: 2026-11-22 07:00 UTC.
public let fixtureStart = Timestamp(milliseconds: 1_795_330_800_000)

/// A small hospital built through the command language: two units, eight beds, four staff.
public enum Fixture {
    public static let setup = [
        "unit add ICU name \"Intensive Care\" kind icu",
        "unit add 4W name \"4 West Med-Surg\" kind medsurg",
        "bed add ICU-01 unit ICU attrs isolation,telemetry",
        "bed add ICU-02 unit ICU attrs isolation,telemetry",
        "bed add ICU-03 unit ICU attrs telemetry",
        "bed add ICU-04 unit ICU attrs telemetry,bariatric",
        "bed add 4W-01 unit 4W attrs isolation",
        "bed add 4W-02 unit 4W",
        "bed add 4W-03 unit 4W",
        "bed add 4W-04 unit 4W",
        "staff add alice name \"Alice Moreau\" role coordinator",
        "staff add evs1 name \"Evan Štěpánek\" role evs",
        "staff add drlee name \"Dr Min-jun Lee\" role physician",
        // The first supervisor ends set-up mode: from here on, roles decide.
        "staff add sam name \"Sam Okafor\" role supervisor",
    ]

    /// A new journal in `dir` with the set-up above, on a manual clock at `fixtureStart`.
    public static func engine(in dir: TemporaryDirectory, name: String = "hospital.rj", actor: Login = "alice",
                              io: any JournalIO = SystemIO()) throws -> (Engine, ManualClock) {
        let clock = ManualClock(fixtureStart)
        let engine = try Engine(creatingJournalAt: dir.file(name), actor: actor, clock: clock, wallClock: .utc, io: io)
        for line in setup { try engine.submit(line: line) }
        return (engine, clock)
    }

    /// Everything a procedure needs besides its labs, in place: the patient's coverage verified
    /// and the documents its kind needs signed or received (for tests of the other rules).
    /// Appends records straight through the journal at `path`, bypassing the Decider (as an
    /// older version of Rounds or a feed might have written them): how a test makes a state the
    /// rules would refuse, such as two cases overlapping on one resource.
    public static func appendBypassingRules(_ path: String, actor: Login, _ events: [Event]) throws {
        var last = Timestamp(milliseconds: 0)
        let (journal, _) = try Journal.open(at: path, writable: true) { last = $0.time }
        let time = last + .seconds(1)
        _ = try journal.withLock { () throws(JournalError) in
            try journal.append(events.map { Journal.Entry(time: time, actor: actor, event: $0) })
        }
    }

    public static func paperwork(_ engine: Engine, _ procedure: ProcedureID) throws {
        guard let p = engine.state.procedures[procedure] else { return }
        try engine.submit(line: "elig \(p.mrn) payer \"Test Health\" active")
        for d in engine.state.readiness.documentsNeeded(for: p.kind) {
            try engine.submit(line: "doc \(procedure) \(d.rawValue) \(d.needsSignature ? "signed" : "received")")
        }
    }

    /// Admits a patient with a fixed identity into the placement queue.
    public static func admit(_ engine: Engine, _ mrn: MRN, extra: String = "") throws {
        try engine.submit(line: "admit \(mrn) name \"Test, Patient \(mrn)\" dob 1970-01-01 sex f from ed \(extra)")
    }
}

/// A `JournalIO` that fails on command: the next write with an errno (optionally after writing
/// part of the buffer), or the next sync.
public final class FaultyIO: JournalIO {
    public enum Fault: Sendable {
        case writeFails(errno: Int32, afterBytes: Int)
        case syncFails(errno: Int32)
    }
    private let pending = Mutex<[Fault]>([])
    private let system = SystemIO()
    public init() {}

    public func inject(_ fault: Fault) { pending.withLock { $0.append(fault) } }

    private func take(_ match: (Fault) -> Bool) -> Fault? {
        pending.withLock { faults in
            guard let i = faults.firstIndex(where: match) else { return nil }
            return faults.remove(at: i)
        }
    }

    /// A fault with `afterBytes > 0` writes that many bytes for real, reports the short write,
    /// and fails the next call with the errno, as the kernel does when the disk fills up.
    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int) -> IOOutcome {
        if case .writeFails(let e, let after)? = take({ if case .writeFails = $0 { true } else { false } }) {
            if after > 0 && after < bytes.count {
                let outcome = system.write(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<after]), at: offset)
                pending.withLock { $0.insert(.writeFails(errno: e, afterBytes: 0), at: 0) }
                return outcome
            }
            return .failed(e)
        }
        return system.write(fd, bytes, at: offset)
    }

    public func sync(_ fd: Int32) -> IOOutcome {
        if case .syncFails(let e)? = take({ if case .syncFails = $0 { true } else { false } }) { return .failed(e) }
        return system.sync(fd)
    }

    public func truncate(_ fd: Int32, to length: Int) -> IOOutcome { system.truncate(fd, to: length) }
}

/// Reads a whole file.
/// A journal file's bytes up to the end of its last record: without the zero bytes made ready
/// after it while it is open (Docs/JOURNAL-FORMAT.md, "Space made ready").
public func journalFileBytes(_ path: String) -> [UInt8] {
    let bytes = readFile(path)
    var at = 16
    while at + 12 <= bytes.count {
        let length = Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        if length == 0 { break }   // a zero header: space made ready (a record is never empty)
        at += 12 + length
    }
    guard at < bytes.count, bytes[at...].allSatisfy({ $0 == 0 }) else { return bytes }
    return Array(bytes[..<at])
}

public func readFile(_ path: String) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return out
}

/// Replaces a file's contents.
public func writeFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o640)
    precondition(fd >= 0)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

public func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }

/// Runs a submission expected to be refused and returns the refusal (nil if it was accepted or
/// failed another way), so tests can check the reason and the hint.
public func refusal<T>(_ body: () throws -> T) -> Refusal? {
    do {
        _ = try body()
        return nil
    } catch {
        if case .refused(let r)? = error as? SubmitError { return r }
        return nil
    }
}
