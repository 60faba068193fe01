import Foundation
import Testing
import RoundsTestSupport

/// Drives the real `rounds` binary in tmux, as a person at a terminal would: send keys, read the
/// screen, wait for text. On failure the screen is printed.
final class TmuxScreen {
    let socket: String
    let session = "rounds"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    init(command: String, env: [String: String] = [:], width: Int = 160, height: Int = 45) throws {
        socket = "rounds-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var environment = ["LANG": "C.UTF-8", "TERM": "xterm-256color", "TZ": "UTC"]
        for (k, v) in env { environment[k] = v }
        let exports = environment.sorted { $0.key < $1.key }.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        try tmux(["-u", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
                  "env \(exports) \(command); echo EXITED $?; sleep 60"])
    }

    deinit { _ = try? tmux(["-L", socket, "kill-server"]) }

    /// Runs a tmux client with posix_spawn and waitpid (the server that `new-session` starts
    /// forks from the client; Foundation's Process does not always reap such a client). Output
    /// goes to a temporary file, never a pipe the server could inherit.
    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let outPath = "/tmp/\(socket).out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = (["tmux"] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        // A clean signal mask and default handlers: test threads may block signals, and the
        // tmux server and the program under test would inherit that.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/usr/bin/tmux", &actions, &attr, argv, environ) == 0 else { return "" }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        unlink(outPath)
        return text
    }

    var screen: String { (try? tmux(["-L", socket, "capture-pane", "-p", "-t", session])) ?? "" }

    /// Sends tmux key names (`Enter`, `Escape`, `Tab`, `Down`, `C-l`) or, with `literal`, text.
    func send(_ keys: String..., literal: Bool = false) {
        _ = try? tmux(["-L", socket, "send-keys", "-t", session] + (literal ? ["-l"] : []) + keys)
    }

    func type(_ text: String) { send(text, literal: true) }

    func resize(_ w: Int, _ h: Int) { _ = try? tmux(["-L", socket, "resize-window", "-t", session, "-x", "\(w)", "-y", "\(h)"]) }

    /// Waits until `text` is on screen; prints the screen and fails the test when it never is.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if screen.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("'\(text)' did not appear on screen:\n\(screen)", sourceLocation: sourceLocation)
        return false
    }

    func waitGone(_ text: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !screen.contains(text) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("'\(text)' stayed on screen:\n\(screen)", sourceLocation: sourceLocation)
    }
}

/// A small hospital written through `rounds exec`, with times relative to now.
func smallHospital(_ dir: TemporaryDirectory) throws -> String {
    let j = dir.file("e2e.rj")
    _ = try rounds(["demo", "--journal", j, "--beds", "20", "--quiet"])
    try rounds(["exec", "--journal", j, "-"], stdin: """
    admit E2E001 name "Test, Waiting" dob 1980-01-01 sex f from ed
    unit add E2E name "End-to-end ward" kind medsurg
    bed add E2E-01 unit E2E
    bed add E2E-02 unit E2E
    admit E2E002 name "Test, Critical" dob 1970-01-01 sex m from ed
    assign E2E002 E2E-02
    lab order E2E002 K priority stat
    """)
    return j
}

@Suite(.serialized, .enabled(if: TmuxScreen.available)) struct EndToEndTests {
    @Test func demoStartsAndEveryPaneIsVisited() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let t = try TmuxScreen(command: "\(roundsBinary) --demo --journal \(dir.file("demo.rj"))", env: ["XDG_CONFIG_HOME": dir.path])
        t.waitFor("1 Worklist")
        t.waitFor("2 Bed board")
        t.waitFor("3 Pending labs")
        t.waitFor("4 Messages")
        t.waitFor("critical not told")
        t.resize(80, 24)
        t.waitFor("┌─ 1 Worklist")
        for (key, title) in [("2", "┌─ 2 Bed board"), ("3", "┌─ 3 Pending labs"), ("4", "┌─ 4 Messages"), ("Tab", "┌─ 1 Worklist"), ("BTab", "┌─ 4 Messages")] {
            t.send(key)
            t.waitFor(title)
        }
        t.send("?")
        t.waitFor("Keys — ↑↓ scroll")
        t.send("Escape")
        t.waitGone("Keys — ↑↓ scroll")
        t.send("q")
        t.waitFor("EXITED 0")
        #expect(!t.screen.contains("Worklist"), "the screen is cleared on exit: no patient data left behind")
    }

    @Test func assignABedFromTheQueue() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j)")
        t.waitFor("1 Worklist")
        t.send("2")
        t.send("/")
        t.type("E2E-01")
        t.send("Enter")
        t.waitFor("E2E-01  ○ available")
        t.send("a")
        t.waitFor("Who goes into E2E-01?")
        t.send("/")   // no effect inside the picker; choose the waiting test patient
        // One Down at a time, each drawn before the next (on a loaded machine Downs sent every
        // 30 ms went past the patient before the screen showed it).
        for _ in 0..<40 where !t.screen.contains("▶ E2E001") {
            let before = t.screen
            t.send("Down")
            _ = waitUntil(2) { t.screen != before }
        }
        t.waitFor("▶ E2E001")
        t.send("Enter")
        t.waitFor("E2E001 assigned to bed E2E-01")
        t.waitFor("E2E-01  ● occupied")
    }

    @Test func criticalResultCommunicatedWithReadBack() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        let labs = try rounds(["report", "labs", "--journal", j, "--format", "csv"]).out
        let lab = try #require(labs.split(separator: "\r\n").first { $0.contains("E2E002") }?.split(separator: ",").first)
        try rounds(["exec", "--journal", j, "lab collect \(lab)"])
        try rounds(["exec", "--journal", j, "lab result \(lab) 7.1"])
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j)")
        t.waitFor("1 Worklist")
        t.send("3")
        t.send("/")
        t.type("Test, C")
        t.send("Enter")
        t.waitFor("CRITICAL 7.1")
        t.send("t")
        t.waitFor("Communicate critical K 7.1")
        t.type("Dr Ada Ng")
        t.send("Tab")
        t.send("Tab")
        t.type("7.7")
        t.waitFor("does not match 7.1")
        t.send("BSpace")
        t.type("1")
        t.send("Enter")
        t.waitFor("communicated to physician, read back")
        let after = try rounds(["report", "labs", "--journal", j]).out
        #expect(!after.contains("E2E002"), "the critical result is no longer awaiting communication")
    }

    @Test func messageSentAndAcknowledged() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j)")
        t.waitFor("1 Worklist")
        t.send("4")
        t.send("n")
        t.waitFor("New message")
        t.type("@coordinator")
        t.send("Tab")
        t.type("E2E pump alarm in E2E-02")
        t.send("Tab")
        t.send("Tab")
        t.send("BSpace")
        t.type("y")
        t.send("Enter")
        t.waitFor("sent to @coordinator (urgent)")
        t.send("/")
        t.type("pump alarm")
        t.send("Enter")
        t.waitFor("! urgent")
        // The sender may not acknowledge their own message: that would stop its escalation
        // though no recipient has seen it.
        t.send("a")
        t.waitFor("cannot acknowledge")
    }

    /// tmux sends `ESC [ 4 ~` for End and `ESC [ 1 ~` for Home whatever TERM names: they are
    /// keys, not Esc, `[`, a digit that switches panes and `~`.
    @Test func homeAndEndAreKeysNotAPaneSwitch() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j)", width: 80, height: 24)
        t.waitFor("1 Worklist")
        t.send("End")
        t.send("Home")
        t.send("?")
        t.waitFor("Keys")
        t.send("Escape")
        t.waitGone("Keys")
        #expect(t.screen.contains("1 Worklist"), "still on the worklist:\n\(t.screen)")
        #expect(!t.screen.contains("does nothing here"), "no stray key:\n\(t.screen)")
    }

    @Test func refusedCommandShowsItsReason() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j)")
        t.waitFor("1 Worklist")
        t.send(":")
        t.type("assign E2E001 E2E-02")
        t.send("Enter")
        t.waitFor("✗ refused: bed E2E-02 is occupied by another patient")
        t.send(":")
        t.type("asign E2E001 E2E-01")
        t.send("Enter")
        t.waitFor("unknown command 'asign'; did you mean assign?")
    }

    @Test func resizeToTinyAndBack() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j)")
        t.waitFor("1 Worklist")
        t.resize(30, 8)
        t.waitFor("terminal too small")
        t.resize(160, 45)
        t.waitFor("4 Messages")
        t.resize(80, 24)
        t.waitFor("┌─ 1 Worklist")
        t.send("q")
        t.waitFor("EXITED 0")
    }

    /// A session started through `su -c` gets no SIGWINCH: the size is checked on every poll,
    /// and Ctrl-R redraws.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid"))) func resizeWithoutSIGWINCHIsFollowed() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        // In a session of its own, as `su -c` starts it, the terminal is not its controlling
        // terminal: SIGWINCH goes to the shell's process group, never to Rounds, and curses is
        // not told of the new size.
        let t = try TmuxScreen(command: "setsid -w \(roundsBinary) --journal \(j)")
        t.waitFor("4 Messages")
        t.resize(80, 24)
        t.waitFor("┌─ 1 Worklist")
        t.waitFor("4 Msgs")
        #expect(!t.screen.contains("2 Bed board · "), "drawn for 80 columns, not the old 160:\n\(t.screen)")
        t.resize(160, 45)
        t.waitFor("┌─ 4 Messages")
        t.send("C-r")
        t.waitFor("┌─ 4 Messages")
        #expect(!t.screen.contains("Rounds is locked"), "Ctrl-R redraws, it does not lock")
        t.send("q")
        t.waitFor("EXITED 0")
    }

    @Test func aChangeFromAnotherProcessAppears() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j)")
        t.waitFor("1 Worklist")
        t.send("/")
        t.type("elsewhere")
        t.send("Enter")
        try rounds(["exec", "--journal", j, "task add \"Elsewhere 1\" priority stat"])
        let seen = Date()
        t.waitFor("Elsewhere 1", timeout: 1.0)
        #expect(Date().timeIntervalSince(seen) < 1.0)
    }

    @Test func noColorAndVT100AndPlainLocale() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        for env in [["NO_COLOR": "1"], ["TERM": "vt100"], ["TERM": "screen"], ["TERM": "linux"], ["TERM": "xterm"]] {
            let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j)", env: env, width: 100, height: 30)
            t.waitFor("1 Worklist")
            t.send("2")
            t.waitFor("● occupied")
            t.send("q")
            t.waitFor("EXITED 0")
        }
        let ascii = try TmuxScreen(command: "\(roundsBinary) --journal \(j)", env: ["LANG": "C", "LC_ALL": "C"], width: 100, height: 30)
        ascii.waitFor("1 Worklist")
        ascii.send("2")
        ascii.waitFor("* occupied")
        #expect(!ascii.screen.contains("●"))
        #expect(ascii.screen.contains("+-"), "ASCII borders")
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j)")
        t.waitFor("1 Worklist")
        t.send("C-c")
        t.waitFor("EXITED 130")
        #expect(!t.screen.contains("Worklist"))
    }

    @Test func idleLockHidesPatientDataUntilThePasswordIsGiven() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j) --idle-lock 3s")
        t.waitFor("1 Worklist")
        t.send("2")
        t.send("/")
        t.type("E2E")
        t.send("Enter")
        t.waitFor("Test, C")
        // No key for three seconds: the lock comes by itself.
        t.waitFor("Rounds is locked — patient data is hidden", timeout: 8)
        let locked = t.screen
        for id in ["Test, C", "Test, W", "E2E00", "Worklist", "Bed board"] {
            #expect(!locked.contains(id), "\(id) is visible on the locked screen")
        }
        // A wrong password (or a host where PAM cannot check one) keeps it locked.
        t.send("Enter")
        t.waitFor("Password for")
        t.type("not-the-password")
        #expect(!t.screen.contains("not-the-password"), "the password is never echoed")
        t.send("Enter")
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !t.screen.contains("Not accepted"), !t.screen.contains("Cannot check your password") {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let after = t.screen
        #expect(after.contains("Not accepted") || after.contains("Cannot check your password"), "no verdict on the password:\n\(after)")
        #expect(after.contains("Rounds is locked"))
        #expect(!after.contains("Test, C"))
        t.send("q")
        t.waitFor("EXITED 0")
    }

    @Test func ctrlLLocksAtOnce() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j)")
        t.waitFor("1 Worklist")
        t.send("C-l")
        t.waitFor("Locked with Ctrl-L", timeout: 2)
        #expect(!t.screen.contains("Worklist"))
    }

    @Test func atOpensThePastReadOnlyAndStepsThroughIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try smallHospital(dir)
        try rounds(["exec", "--journal", j, "discharge E2E002"])
        // The hospital as it was now: the discharge is the last thing that happened.
        let t = try TmuxScreen(command: "\(roundsBinary) --journal \(j) --at 0m")
        t.waitFor("AS OF")
        t.waitFor("the past, read-only")
        t.send("2")
        t.send("/")
        t.type("E2E")
        t.send("Enter")
        t.waitFor("E2E-02  ✗ dirty")
        // One event back at a time, until the patient is back in the bed.
        var back = 0
        while !t.screen.contains("E2E-02  ● occupied"), back < 6 {
            t.send("[")
            back += 1
            Thread.sleep(forTimeInterval: 0.3)
        }
        t.waitFor("E2E-02  ● occupied")
        #expect(t.screen.contains(" #"), "each step names its event")
        for _ in 0..<back { t.send("]") }
        t.waitFor("(latest)")
        t.waitFor("E2E-02  ✗ dirty")
        t.send(":")
        t.type("task add \"from the past\"")
        t.send("Enter")
        t.waitFor("time travel is read-only")
        t.send("T")
        t.waitFor("this session stays in the past")
        t.send("q")
        t.waitFor("EXITED 0")
    }

    @Test func theHandoverWalkthroughFromTheCommandLine() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = dir.file("demo.rj")
        _ = try rounds(["demo", "--journal", j, "--beds", "20", "--quiet", "--at", "now"])
        let t = try TmuxScreen(command: "\(roundsBinary) handover --journal \(j)")
        t.waitFor("Handover H1 · ‼")
        t.waitFor("acknowledged · demo →")
        t.waitFor("paused")
        t.waitFor("UNSTABLE")
        t.send("P")
        t.waitFor("in-progress")
        t.send("c")
        t.waitFor("cannot be completed")
    }
}
