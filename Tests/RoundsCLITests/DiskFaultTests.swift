import Foundation
import Testing
import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

/// Faults on real file systems, not injected ones (issue 23): a small tmpfs filled while
/// writers, a screen and a follower run; an ext4 image that goes read-only under a writer;
/// permissions changed under a writer; a journal deleted or replaced under its readers. The
/// file-system tests mount, so they need root; they say so and are skipped otherwise.
enum FileSystems {
    /// Runs a program to the end; its status and its output and errors together.
    @discardableResult
    static func run(_ program: String, _ args: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Whether this process may mount a small tmpfs (root, and mount(8) allowed here).
    static let canMount: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/mount") || FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
        let dir = TemporaryDirectory("rounds-mountcheck")
        defer { dir.remove() }
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.path]).status == 0 else { return false }
        return run("/bin/umount", [dir.path]).status == 0
    }()

    static let canMountExt4: Bool = canMount && FileManager.default.isExecutableFile(atPath: "/usr/sbin/mkfs.ext4")
        && FileManager.default.fileExists(atPath: "/dev/loop-control")

    static let canDropPrivileges: Bool = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
}

/// A file system mounted for one test at `path`, unmounted (lazily, whatever still holds it)
/// when the test ends.
final class Mounted {
    let path: String
    let image: String?

    /// A tmpfs of `kilobytes`, its root mode 0750 (Rounds refuses a directory every user can enter).
    init(tmpfsIn dir: TemporaryDirectory, kilobytes: Int) throws {
        path = dir.file("mnt")
        image = nil
        mkdir(path, 0o750)
        let r = FileSystems.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0750", "tmpfs", path])
        if r.status != 0 { throw CocoaError(.fileWriteUnknown, userInfo: ["mount": r.output]) }
    }

    /// An ext4 image of `megabytes` on a loop device, remounted read-only by the kernel on an
    /// error (`errors=remount-ro`), as a real disk's file system is.
    init(ext4In dir: TemporaryDirectory, megabytes: Int) throws {
        path = dir.file("mnt")
        image = dir.file("disk.img")
        mkdir(path, 0o750)
        let fd = open(image!, O_RDWR | O_CREAT, 0o600)
        ftruncate(fd, off_t(megabytes) << 20)
        close(fd)
        let made = FileSystems.run("/usr/sbin/mkfs.ext4", ["-q", "-F", "-m", "0", image!])
        if made.status != 0 { throw CocoaError(.fileWriteUnknown, userInfo: ["mkfs": made.output]) }
        let r = FileSystems.run("/bin/mount", ["-o", "loop,errors=remount-ro", image!, path])
        if r.status != 0 { throw CocoaError(.fileWriteUnknown, userInfo: ["mount": r.output]) }
        chmod(path, 0o750)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit {
        FileSystems.run("/bin/umount", ["-l", path])
        if let image { unlink(image) }
        rmdir(path)
    }

    /// Fills the file system with a file of zeros until it is full; returns its path.
    func fill() -> String {
        let filler = file("filler")
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { close(fd) }
        let block = [UInt8](repeating: 0x5A, count: 1 << 16)
        for size in [1 << 16, 4096, 512, 1] {
            while block.withUnsafeBytes({ write(fd, $0.baseAddress, size) }) == size {}
        }
        fsync(fd)
        return filler
    }
}

/// `rounds exec --journal J -` kept running and fed one command at a time, each waited for:
/// the acknowledged commands (an `ok seq` line) and the refused ones, with what was said. A
/// refusal ends the process (exec stops at the first); the next command starts another.
final class ExecWriter: @unchecked Sendable {
    let journal: String
    let name: String
    private let lock = NSLock()
    private var _acked: [String] = []
    private var _refused: [(title: String, said: String)] = []
    private var _problems: [String] = []
    private var stopping = false
    private let done = DispatchSemaphore(value: 0)
    /// Text added to each command (a note), to make records larger.
    let padding: String

    init(journal: String, name: String, padding: String = "") {
        self.journal = journal; self.name = name; self.padding = padding
    }

    var acked: [String] { lock.withLock { _acked } }
    var refused: [(title: String, said: String)] { lock.withLock { _refused } }
    var problems: [String] { lock.withLock { _problems } }

    func start() {
        Thread.detachNewThread { [self] in loop(); done.signal() }
    }

    func stop() {
        lock.withLock { stopping = true }
        done.wait()
    }

    private var stopped: Bool { lock.withLock { stopping } }

    private func loop() {
        var n = 0
        while !stopped {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: roundsBinary)
            p.arguments = ["exec", "--journal", journal, "-"]
            var env = ProcessInfo.processInfo.environment
            env["TZ"] = "UTC"
            p.environment = env
            let input = Pipe(), output = Pipe(), errors = Pipe()
            p.standardInput = input
            p.standardOutput = output
            p.standardError = errors
            do { try p.run() } catch { lock.withLock { _problems.append("\(name): \(error)") }; return }
            var pending = Data()
            func readLine() -> String? {
                while true {
                    if let nl = pending.firstIndex(of: 0x0A) {
                        let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                        pending = Data(pending[(nl + 1)...])
                        return line
                    }
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { return nil }
                    pending += chunk
                }
            }
            var alive = true
            while alive && !stopped {
                n += 1
                let title = "\(name)-\(n)"
                let line = "task add \"\(title)\" owner @coordinator" + (padding.isEmpty ? "" : " note \"\(padding)\"") + "\n"
                let wrote = Array(line.utf8).withUnsafeBytes { write(input.fileHandleForWriting.fileDescriptor, $0.baseAddress, $0.count) }
                if wrote == line.utf8.count, let answer = readLine() {
                    if answer.hasPrefix("ok seq ") { lock.withLock { _acked.append(title) }; continue }
                    lock.withLock { _problems.append("\(name): unexpected answer to \(title): \(answer)") }
                }
                alive = false
                try? input.fileHandleForWriting.close()
                let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                p.waitUntilExit()
                if p.terminationReason == .uncaughtSignal {
                    lock.withLock { _problems.append("\(name): rounds exec was killed by signal \(p.terminationStatus): \(said)") }
                } else {
                    lock.withLock { _refused.append((title, said)) }
                }
            }
            if alive {
                try? input.fileHandleForWriting.close()
                _ = output.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                if p.terminationStatus != 0 { lock.withLock { _problems.append("\(name): exit \(p.terminationStatus) at the end of its input") } }
            }
        }
    }
}

/// `rounds journal follow J` printing every record; what it printed and how it ended.
final class Follower: @unchecked Sendable {
    let process = Process()
    private let output = Pipe(), errors = Pipe()
    /// What it printed, read as it comes (a pipe nobody reads would stop it when full).
    private let lock = NSLock()
    private var printed = Data()
    private let drained = DispatchSemaphore(value: 0)

    init(journal: String, prefix: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: prefix.first ?? roundsBinary)
        process.arguments = prefix.isEmpty ? ["journal", "follow", journal] : Array(prefix.dropFirst()) + [roundsBinary, "journal", "follow", journal]
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        process.environment = env
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        Thread.detachNewThread { [self] in
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                lock.withLock { printed += chunk }
            }
            drained.signal()
        }
    }

    /// The seq of the last record it printed so far.
    var lastSeq: UInt64? {
        let data = lock.withLock { printed }
        guard let r = String(decoding: data.suffix(4096), as: UTF8.self).ranges(of: "\"seq\":").last else { return nil }
        let text = String(decoding: data.suffix(4096), as: UTF8.self)
        return UInt64(text[r.upperBound...].prefix { $0.isNumber })
    }

    /// Stops it (if still running) and returns the seq of every record it printed, and stderr.
    func finish() -> (seqs: [UInt64], said: String, wasRunning: Bool) {
        let wasRunning = process.isRunning
        // SIGKILL: a child of the test runner may inherit SIGTERM blocked.
        if wasRunning { kill(process.processIdentifier, SIGKILL) }
        drained.wait()
        let data = lock.withLock { printed }
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seqs = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line -> UInt64? in
            guard let r = line.range(of: "\"seq\":") else { return nil }
            return UInt64(line[r.upperBound...].prefix { $0.isNumber })
        }
        return (seqs, said, wasRunning)
    }
}

extension TmuxScreen {
    /// Types a command at the `:` line and returns the status line it gives (✓ or ✗), told
    /// apart from any status shown before by a distinct one shown first.
    func outcome(of line: String, timeout: Double = 15) -> String? {
        let marker = "nop\(UInt32.random(in: 0...UInt32.max))"
        send(":"); type(marker); send("Enter")
        guard waitUntil(timeout, { screen.contains("unknown command '\(marker)'") }) else { return nil }
        send(":"); type(line); send("Enter")
        var status: String?
        _ = waitUntil(timeout) {
            let text = screen
            if text.contains("unknown command '\(marker)'") { return false }
            status = text.split(separator: "\n").last { $0.contains("✓ ") || $0.contains("✗ ") }.map { String($0) }
            return status != nil
        }
        return status
    }

    /// Types a command at the `:` line and waits for the status it gives.
    func command(_ line: String, expect: String, timeout: Double = 15, sourceLocation: SourceLocation = #_sourceLocation) {
        send(":")
        type(line)
        send("Enter")
        waitFor(expect, timeout: timeout, sourceLocation: sourceLocation)
    }
}

func waitUntil(_ timeout: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return condition()
}

@Suite(.serialized) struct DiskFaultTests {
    /// A 4 MB tmpfs filled while four writers, a screen and a follower run: every refused
    /// command says the disk is full, nothing acknowledged is lost, the commit file, the
    /// snapshot and a side file come through whole, and work goes on once space is freed.
    @Test(.enabled(if: FileSystems.canMount && TmuxScreen.available, "needs root to mount a tmpfs, and tmux"))
    func aFullDiskUnderFourWritersAScreenAndAFollower() throws {
        signal(SIGPIPE, SIG_IGN)
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let disk = try Mounted(tmpfsIn: dir, kilobytes: 4096)
        defer { withExtendedLifetime(disk) {} }   // mounted until the test ends
        let j = disk.file("h.rj")
        let demo = try rounds(["demo", "--journal", j, "--beds", "40", "--at", "2026-11-22 07:00", "--quiet"])
        try #require(demo.status == 0, "\(demo.err)")
        // A torn tail (the last record cut short) moved aside: a side file that must come
        // through whole.
        writeFile(j, Array(readFile(j).dropLast(9)))
        let repaired = try rounds(["journal", "repair", j])
        #expect(repaired.out.contains("moved aside to \(j).torn-"), "\(repaired.out)\(repaired.err)")
        #expect(try rounds(["journal", "snapshot", j]).status == 0)
        let sideFile = try #require(FileManager.default.contentsOfDirectory(atPath: disk.path).first { $0.contains(".torn-") })
        let sideBytes = readFile(disk.file(sideFile)), snapshotBytes = readFile(j + ".snapshot")

        let follower = try Follower(journal: j)
        let screen = try TmuxScreen(command: "\(roundsBinary) --journal \(j) --idle-lock off", env: ["XDG_CONFIG_HOME": dir.path])
        screen.waitFor("1 Worklist")
        screen.command("task add \"ui-before\"", expect: "✓ task")
        // Records of about 600 bytes: the megabyte made ready ahead of the journal is used up
        // in a few seconds, and the writers reach the full disk.
        let padding = String(repeating: "padding to make the record larger ", count: 14)
        let writers = (1...4).map { ExecWriter(journal: j, name: "w\($0)", padding: padding) }
        for w in writers { w.start() }
        #expect(waitUntil(60) { writers.allSatisfy { $0.acked.count >= 5 } }, "the writers did not start")

        let filler = disk.fill()
        #expect(waitUntil(90) { writers.allSatisfy { !$0.refused.isEmpty } }, "not every writer was refused on a full disk: \(writers.map(\.refused.count))")
        // The screen says the same. (A refused writer gives back the pages it took, so a
        // command may still find room now and then: each outcome is kept.)
        var screenAcked: [String] = [], screenRefused: [String] = []
        for attempt in 1...20 where screenRefused.isEmpty {
            let title = "ui-full-\(attempt)"
            let status = screen.outcome(of: "task add \"\(title)\"") ?? "no status"
            if status.contains("✓ task") { screenAcked.append(title); continue }
            #expect(status.contains("✗ could not write to \(j): no space left on the device (ENOSPC); the command was not recorded"), "\(status)")
            screenRefused.append(title)
        }
        #expect(!screenRefused.isEmpty, "the screen was never refused on a full disk")
        // A snapshot cannot be written: said, and the old one stays whole, with no leftovers.
        let snap = try rounds(["journal", "snapshot", j])
        #expect(snap.status == 1)
        #expect(snap.err.contains("no space left on the device"), "\(snap.err)")
        #expect(readFile(j + ".snapshot") == snapshotBytes)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: disk.path)).contains { $0.contains(".tmp-") })

        // Space freed: everyone carries on.
        unlink(filler)
        let refusedBefore = writers.map(\.refused.count), ackedBefore = writers.map(\.acked.count)
        #expect(waitUntil(60) { zip(writers, ackedBefore).allSatisfy { $0.acked.count >= $1 + 5 } }, "the writers did not carry on")
        screen.command("task add \"ui-after\"", expect: "✓ task")
        for w in writers { w.stop() }

        for w in writers {
            #expect(w.problems.isEmpty, "\(w.problems)")
            for (title, said) in w.refused {
                #expect(said.contains("no space left on the device (ENOSPC)") && said.contains("was not recorded"),
                        "\(w.name): \(title) was refused without saying the disk is full: \(said)")
            }
        }
        #expect(zip(writers, refusedBefore).allSatisfy { $0.refused.count >= $1 })
        let verified = try Journal.verify(at: j)
        #expect(verified.verdict == .intact)
        let state = try Engine(journalAt: j, writable: false).state
        let titles = Set(state.tasks.values.map(\.title))
        for w in writers {
            for title in w.acked { #expect(titles.contains(title), "\(title) was acknowledged and is not in the journal") }
            for (title, _) in w.refused { #expect(!titles.contains(title), "\(title) was refused and yet recorded") }
        }
        #expect(titles.contains("ui-before") && titles.contains("ui-after"))
        for title in screenAcked { #expect(titles.contains(title), "\(title) was shown done on the screen and is not in the journal") }
        for title in screenRefused { #expect(!titles.contains(title), "\(title) was refused on the screen and yet recorded") }
        // The follower followed throughout, every record once and in order, to the last.
        #expect(waitUntil(10) { follower.lastSeq == verified.lastSeq })
        let followed = follower.finish()
        #expect(followed.wasRunning, "the follower stopped: \(followed.said)")
        #expect(followed.seqs.last == verified.lastSeq, "\(followed.seqs.suffix(3)) \(verified.lastSeq)")
        #expect(zip(followed.seqs, followed.seqs.dropFirst()).allSatisfy { $1 == $0 + 1 })
        #expect(readFile(disk.file(sideFile)) == sideBytes)
        // The commit file is whole (one page) and the next writer uses it.
        #expect(readFile(j + ".commit").count == 4096)
        screen.send("q")
        screen.waitFor("EXITED 0")
        let after = try rounds(["exec", "--journal", j, "task add \"after everyone\""])
        #expect(after.status == 0, "\(after.err)")
        #expect(try rounds(["journal", "verify", j]).status == 0)
    }

    /// A new writer on a full disk whose journal has no commit file yet: refused with the
    /// reason, never killed by a page of a mapping the file system has no room for.
    @Test(.enabled(if: FileSystems.canMount, "needs root to mount a tmpfs"))
    func aCommitFileCannotBeMadeOnAFullDisk() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let disk = try Mounted(tmpfsIn: dir, kilobytes: 1024)
        defer { withExtendedLifetime(disk) {} }   // mounted until the test ends
        let j = disk.file("h.rj")
        #expect(try rounds(["demo", "--journal", j, "--beds", "20", "--at", "2026-11-22 07:00", "--quiet"]).status == 0)
        unlink(j + ".commit")
        let before = readFile(j)
        let filler = disk.fill()
        let r = try rounds(["exec", "--journal", j, "task add \"on a full disk\""])
        #expect(r.status == 1)
        #expect(r.err.contains("no space left on the device"), "\(r.err)")
        #expect(readFile(j) == before)
        unlink(filler)
        #expect(try rounds(["exec", "--journal", j, "task add \"with room again\""]).status == 0)
        #expect(try Journal.verify(at: j).verdict == .intact)
    }

    /// The disk's file system goes read-only under a running screen (ext4 remounted read-only
    /// after an error): the screen says so for each command and keeps showing the hospital;
    /// readers and verification carry on; a new writer is told.
    @Test(.enabled(if: FileSystems.canMountExt4 && TmuxScreen.available, "needs root, mkfs.ext4 and loop devices, and tmux"))
    func aFileSystemRemountedReadOnlyUnderAWriter() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let disk = try Mounted(ext4In: dir, megabytes: 32)
        defer { withExtendedLifetime(disk) {} }   // mounted until the test ends
        let j = disk.file("h.rj")
        #expect(try rounds(["demo", "--journal", j, "--beds", "20", "--at", "2026-11-22 07:00", "--quiet"]).status == 0)
        let follower = try Follower(journal: j)
        let screen = try TmuxScreen(command: "\(roundsBinary) --journal \(j) --idle-lock off", env: ["XDG_CONFIG_HOME": dir.path])
        screen.waitFor("1 Worklist")
        screen.command("task add \"before read-only\"", expect: "✓ task")
        let acknowledged = try Journal.verify(at: j).lastSeq
        // What ext4 does after an error with errors=remount-ro (the kernel's own remount).
        let abort = FileSystems.run("/bin/mount", ["-o", "remount,abort", disk.path])
        try #require(abort.status == 0, "\(abort.output)")
        screen.command("task add \"while read-only\"", expect: "read-only file system (EROFS)")
        #expect(screen.screen.contains("the command was not recorded"), "\(screen.screen)")
        let exec = try rounds(["exec", "--journal", j, "task add \"new writer\""])
        #expect(exec.status == 1)
        #expect(exec.err.contains("read-only file system"), "\(exec.err)")
        let report = try rounds(["report", "census", "--journal", j])
        #expect(report.status == 1)
        #expect(report.err.contains("read-only file system"), "\(report.err)")
        let verify = try Journal.verify(at: j)
        #expect(verify.verdict == .intact)
        #expect(verify.lastSeq == acknowledged)
        let state = try Engine(journalAt: j, writable: false).state
        #expect(state.tasks.values.contains { $0.title == "before read-only" })
        #expect(!state.tasks.values.contains { $0.title == "while read-only" })
        screen.send("q")
        screen.waitFor("EXITED 0")
        #expect(waitUntil(10) { follower.lastSeq == acknowledged })
        let followed = follower.finish()
        #expect(followed.wasRunning, "the follower stopped: \(followed.said)")
        #expect(followed.seqs.last == acknowledged)
    }

    /// The journal's permissions changed under a running screen of a login that is not root:
    /// write permission taken away, then the file opened to every user. Each is noticed at the
    /// next command and said; given back, work goes on.
    @Test(.enabled(if: FileSystems.canDropPrivileges && TmuxScreen.available, "needs root (to run the screen as another login with setpriv) and tmux"))
    func permissionsChangedUnderAWriter() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        chmod(dir.path, 0o711)
        let home = dir.file("h")
        mkdir(home, 0o750)
        chown(home, 65534, 65534)
        let j = home + "/h.rj"
        let asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        let demo = FileSystems.run(asNobody[0], Array(asNobody.dropFirst()) + [roundsBinary, "demo", "--journal", j, "--beds", "20", "--at", "2026-11-22 07:00", "--quiet"])
        try #require(demo.status == 0, "\(demo.output)")
        let follower = try Follower(journal: j, prefix: asNobody)
        let screen = try TmuxScreen(command: asNobody.joined(separator: " ") + " \(roundsBinary) --journal \(j) --idle-lock off", env: ["XDG_CONFIG_HOME": home, "HOME": home])
        screen.waitFor("1 Worklist")
        screen.command("task add \"allowed\"", expect: "✓ task")
        chmod(j, 0o440)
        screen.command("task add \"not allowed\"", expect: "is not writable by this login")
        chmod(j, 0o644)
        screen.command("task add \"open to everyone\"", expect: "can be read or written by every user on this host")
        chmod(j, 0o640)
        screen.command("task add \"allowed again\"", expect: "✓ task")
        screen.send("q")
        screen.waitFor("EXITED 0")
        let titles = Set(try Engine(journalAt: j, writable: false).state.tasks.values.map(\.title))
        #expect(titles.isSuperset(of: ["allowed", "allowed again"]))
        #expect(titles.isDisjoint(with: ["not allowed", "open to everyone"]))
        let last = try Journal.verify(at: j).lastSeq
        #expect(waitUntil(10) { follower.lastSeq == last })
        let followed = follower.finish()
        #expect(followed.wasRunning, "the follower stopped: \(followed.said)")
        #expect(followed.seqs.last == last)
    }

    /// A journal moved away, then replaced by a copy, under a running screen and a follower:
    /// both say so; the screen writes nothing to the old file or the new one.
    @Test(.enabled(if: TmuxScreen.available, "needs tmux"))
    func aJournalDeletedOrReplacedUnderItsReaders() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let follower = try Follower(journal: j)
        let screen = try TmuxScreen(command: "\(roundsBinary) --journal \(j) --idle-lock off", env: ["XDG_CONFIG_HOME": dir.path])
        screen.waitFor("1 Worklist")
        screen.command("task add \"before\"", expect: "✓ task")
        Thread.sleep(forTimeInterval: 0.3)
        let old = dir.file("old.rj")
        rename(j, old)
        screen.command("task add \"moved away\"", expect: "is no longer the journal this Rounds opened")
        #expect(screen.screen.contains("deleted or moved away"), "\(screen.screen)")
        #expect(waitUntil(10) { !follower.process.isRunning })
        let followed = follower.finish()
        #expect(followed.said.contains("is no longer the journal this Rounds opened"), "\(followed.said)")
        #expect(followed.said.contains("deleted or moved away"), "\(followed.said)")
        #expect(followed.seqs.last == (try Journal.verify(at: old).lastSeq))
        let oldBytes = readFile(old)
        writeFile(j, oldBytes)
        chmod(j, 0o640)
        screen.command("task add \"replaced\"", expect: "another file was put in its place")
        #expect(readFile(old) == oldBytes, "nothing was written to the old file")
        #expect(readFile(j) == oldBytes, "nothing was written to the new file by the old screen")
        screen.send("q")
        screen.waitFor("EXITED 0")
        // The file now at the path is the journal from here on.
        #expect(try rounds(["exec", "--journal", j, "task add \"on the new file\""]).status == 0)
    }
}
