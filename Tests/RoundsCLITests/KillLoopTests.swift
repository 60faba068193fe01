import Foundation
import Testing
import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

/// `kill -9` in a loop under load (issue 23): in each round two `rounds exec` writers stream
/// commands, a screen runs a command, and the HL7 listener takes a stream of messages from
/// `rounds hl7 send`; 100 to 600 ms after the first writer's first acknowledgement every one of
/// them is killed with SIGKILL at once. Afterwards every command acknowledged (an
/// `ok seq` line, a ✓ on the screen) and every message ACKed AA is in the journal, which
/// verifies once its torn tails are moved aside.
///
/// ROUNDS_KILL_ITERATIONS sets the number of rounds (default 12, so the suite stays fast; the
/// long run is recorded in Docs/OPERATIONS.md, "Fault testing").
@Suite(.serialized) struct KillLoopTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["ROUNDS_KILL_ITERATIONS"] ?? "") ?? 12

    /// A process started with its output kept: it is killed, then what it printed is read.
    final class Running {
        let process = Process()
        let output = Pipe()
        init(_ args: [String], stdin: String? = nil) throws {
            process.executableURL = URL(fileURLWithPath: roundsBinary)
            process.arguments = args
            var env = ProcessInfo.processInfo.environment
            env["TZ"] = "UTC"
            process.environment = env
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            let input = Pipe()
            process.standardInput = input
            try process.run()
            if let stdin { _ = Array(stdin.utf8).withUnsafeBytes { write(input.fileHandleForWriting.fileDescriptor, $0.baseAddress, $0.count) } }
            try? input.fileHandleForWriting.close()
        }
        private var early = Data()
        /// Waits for its first line of output (or its end).
        func awaitFirstLine() {
            while !early.contains(0x0A) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return }
                early += chunk
            }
        }
        func kill9() -> String {
            kill(process.processIdentifier, SIGKILL)
            let data = early + output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// The pids of the processes the screen's shell started (the `rounds` under test).
    static func children(of pid: Int32) -> [Int32] {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) else { return [] }
        return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    @Test(.enabled(if: TmuxScreen.available, "needs tmux"))
    func killNineUnderLoadLosesNothingAcknowledged() throws {
        signal(SIGPIPE, SIG_IGN)
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (j, config) = try feedHospital(dir)
        var ackedTitles: [String] = []
        var ackedMessages: [String] = []
        var screenAcks: [(task: String, title: String)] = []
        var random: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: UInt64) -> UInt64 { random = random &* 6364136223846793005 &+ 1442695040888963407; return (random >> 33) % n }
        var message = 0
        let started = Date()
        for round in 0..<KillLoopTests.iterations {
            // The screen and the listener first (each replays the journal as it opens), a
            // command on the screen, then the writers and the sender; the kill comes while they
            // are all at work.
            let screen = try TmuxScreen(command: "\(roundsBinary) --journal \(j) --idle-lock off", env: ["XDG_CONFIG_HOME": dir.path])
            let listener = try ListenerProcess(journal: j, config: config)
            let uiTitle = "r\(round)ui"
            if waitUntil(10, { screen.screen.contains("1 Worklist") }) {
                screen.send(":")
                screen.type("task add \"\(uiTitle)\"")
                screen.send("Enter")
            }
            let file = dir.file("round.hl7")
            var text = ""
            for _ in 0..<100 { message += 1; text += adtA01("K\(message)", "MRNK\(message)") }
            writeFile(file, Array(text.utf8))
            let sender = try Running(["hl7", "send", "--timeout", "5", "--to", "127.0.0.1:\(listener.port)", file])
            var scripts: [[String]] = []
            var writers: [Running] = []
            for w in 0..<2 {
                let titles = (0..<400).map { "r\(round)w\(w)-\($0)" }
                scripts.append(titles)
                writers.append(try Running(["exec", "--journal", j, "-"], stdin: titles.map { "task add \"\($0)\" owner @coordinator\n" }.joined()))
            }
            // The pause starts once a writer is at work, however slow the build (a sanitizer's)
            // is to start its processes.
            writers[0].awaitFirstLine()
            Thread.sleep(forTimeInterval: Double(100 + next(500)) / 1000)
            // What the screen showed before it was killed is what its user was told.
            let shown = screen.screen
            let panePid = Int32((try? screen.tmux(["-L", screen.socket, "list-panes", "-t", screen.session, "-F", "#{pane_pid}"]))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
            // Every one of them at once.
            let victims = KillLoopTests.children(of: panePid) + [listener.process.processIdentifier] + writers.map(\.process.processIdentifier)
            for pid in victims where pid > 0 { kill(pid, SIGKILL) }
            listener.kill9()
            for (w, writer) in writers.enumerated() {
                let oks = writer.kill9().split(separator: "\n").filter { $0.hasPrefix("ok seq ") }.count
                ackedTitles += scripts[w].prefix(oks)
            }
            for line in sender.kill9().split(separator: "\n") where line.hasSuffix(": AA") {
                if let id = line.split(separator: " ").first(where: { $0.hasSuffix(":") }) { ackedMessages.append(String(id.dropLast())) }
            }
            if let m = shown.firstMatch(of: /✓ task (T\d+) created/) { screenAcks.append((String(m.output.1), uiTitle)) }
            // Now and then a snapshot, as the screens and writers take them on a live host.
            if round % 100 == 99 { _ = try rounds(["journal", "snapshot", j]) }
        }
        let seconds = Date().timeIntervalSince(started)
        let repaired = try rounds(["journal", "repair", j])
        #expect(repaired.status == 0, "\(repaired.err)")
        let verified = try Journal.verify(at: j)
        #expect(verified.verdict == .intact)
        let state = try Engine(journalAt: j, writable: false).state
        let titles = Set(state.tasks.values.map(\.title))
        for title in ackedTitles { #expect(titles.contains(title), "\(title) was acknowledged and is not in the journal") }
        for id in ackedMessages { #expect(state.feeds.seen["EHR|GEN|\(id)"] != nil, "\(id) was ACKed AA but is not in the journal") }
        for (task, title) in screenAcks {
            let id = TaskID(Int(task.dropFirst())!)
            #expect(state.tasks[id]?.title == title, "\(task) was shown as created on the screen and is not \(title) in the journal")
        }
        let sideFiles = (try? FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".torn-") }.count) ?? 0
        print("kill -9 loop: \(KillLoopTests.iterations) rounds in \(Int(seconds)) s; acknowledged \(ackedTitles.count) commands, \(screenAcks.count) on screens, \(ackedMessages.count) HL7 messages AA; \(verified.lastSeq) records; \(sideFiles) torn tails moved aside")
        #expect(!ackedTitles.isEmpty && !ackedMessages.isEmpty)
    }
}
