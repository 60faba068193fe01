import Foundation
import Testing
import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

/// The `rounds` binary built next to the test bundle.
let roundsBinary: String = {
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for dir in [bundle, bundle.deletingLastPathComponent()] {
        let candidate = dir.appendingPathComponent("rounds").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return bundle.appendingPathComponent("rounds").path
}()

struct Run {
    var status: Int32
    var out: String
    var err: String
}

/// Runs `rounds` with arguments and optional stdin; returns exit status and both outputs.
@discardableResult
func rounds(_ args: [String], stdin: String? = nil, env: [String: String] = [:]) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: roundsBinary)
    p.arguments = args
    var environment = ProcessInfo.processInfo.environment
    environment["TZ"] = "UTC"
    for (k, v) in env { environment[k] = v }
    p.environment = environment
    let out = Pipe(), err = Pipe(), input = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
}

/// A small demo journal in a fresh directory.
func demoJournal(_ dir: TemporaryDirectory, beds: Int = 40) throws -> String {
    let path = dir.file("h.rj")
    let r = try rounds(["demo", "--journal", path, "--beds", "\(beds)", "--at", "2026-11-22 07:00", "--quiet"])
    #expect(r.status == 0, "demo failed: \(r.err)")
    return path
}

@Suite(.serialized) struct ExecTests {
    @Test func exitZeroWhenAllAccepted() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let r = try rounds(["exec", "--journal", j, "admit", "CLI001", "name", "Zoë O'Brien", "dob", "1980-01-02", "sex", "f", "from", "ed"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("ok seq "))
        #expect(r.out.contains("CLI001 admitted from ED"))
        #expect(!r.out.contains("Zoë"), "no patient names in command output")
    }

    @Test func exitOneAtFirstRefusalWithReasonOnStderr() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let script = """
        # two admissions, then a bed that does not exist, then one more that must not run
        admit CLI001 name "Test, One" dob 1980-01-02 sex f from ed
        admit CLI002 name "Test, Two" dob 1981-01-02 sex m from pacu
        assign CLI001 NOPE-99

        admit CLI003 name "Test, Three" dob 1982-01-02 sex m from ed
        """
        let r = try rounds(["exec", "--journal", j, "-"], stdin: script)
        #expect(r.status == 1)
        #expect(r.err.contains("line 4: refused: no bed 'NOPE-99'"))
        #expect(r.out.split(separator: "\n").count == 2, "the two lines before the refusal were accepted")
        let report = try rounds(["report", "beds", "--journal", j, "--format", "csv"])
        #expect(report.out.contains("CLI002"))
        #expect(!report.out.contains("CLI003"), "nothing after the first refusal ran")
    }

    @Test func exitTwoForUsageErrors() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let r = try rounds(["exec", "--journal", j, "asign CLI1 4W-01"])
        #expect(r.status == 2)
        #expect(r.err.contains("unknown command 'asign'; did you mean assign?"))
        #expect(try rounds(["exec", "--journal", j]).status == 2)
        #expect(try rounds(["report", "bogus", "--journal", j]).status == 2)
        #expect(try rounds(["demo", "--beds", "3", "--journal", dir.file("x.rj")]).status == 2)
        #expect(try rounds(["frobnicate"]).status == 2)
    }

    @Test func missingJournalSaysHowToMakeOne() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let r = try rounds(["report", "census", "--journal", dir.file("none.rj")])
        #expect(r.status == 1)
        #expect(r.err.contains("no journal at"))
        #expect(r.err.contains("rounds demo --journal"))
    }

    @Test func journalPathComesFromTheEnvironment() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let r = try rounds(["report", "census"], env: ["ROUNDS_JOURNAL": j])
        #expect(r.status == 0)
        #expect(r.out.contains("Census at"))
        let xdg = try rounds(["report", "census"], env: ["ROUNDS_JOURNAL": "", "XDG_DATA_HOME": dir.path])
        #expect(xdg.status == 1)
        #expect(xdg.err.contains(dir.path + "/rounds/journal.rj"))
    }
}

@Suite(.serialized) struct JournalCLITests {
    @Test func demoRefusesToOverwriteUnlessForced() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let again = try rounds(["demo", "--journal", j, "--quiet"])
        #expect(again.status == 1)
        #expect(again.err.contains("refusing to overwrite"))
        #expect(try rounds(["demo", "--journal", j, "--quiet", "--force", "--beds", "30"]).status == 0)
    }

    @Test func verifyRepairAndDump() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let ok = try rounds(["journal", "verify", j])
        #expect(ok.status == 0)
        #expect(ok.out.contains("intact"))
        #expect(ok.out.contains("chain head"))

        // A torn tail: exit 3, named as a torn tail; repair moves it aside; verify is clean again.
        let bytes = readFile(j)
        writeFile(j, Array(bytes.dropLast(9)))
        let torn = try rounds(["journal", "verify", j])
        #expect(torn.status == 3)
        #expect(torn.err.contains("torn tail"))
        let repaired = try rounds(["journal", "repair", j])
        #expect(repaired.status == 0)
        #expect(repaired.out.contains("moved aside to \(j).torn-"))
        #expect(try rounds(["journal", "verify", j]).status == 0)

        // Damage in the middle: exit 1, naming the byte offset and sequence number.
        var damaged = readFile(j)
        damaged[damaged.count / 2] ^= 0x20
        writeFile(j, damaged)
        let bad = try rounds(["journal", "verify", j])
        #expect(bad.status == 1)
        #expect(bad.err.contains("DAMAGED at byte offset"))
        #expect(bad.err.contains("record seq"))
        let refuse = try rounds(["exec", "--journal", j, "bed clean 4W-01"])
        #expect(refuse.status == 1)
        #expect(refuse.err.contains("will not be opened for writing"))
    }

    @Test func snapshotCommandAndVerifyOfTheSnapshot() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let taken = try rounds(["journal", "snapshot", j])
        #expect(taken.status == 0, "\(taken.err)")
        #expect(taken.out.contains("\(j).snapshot:"))
        #expect(taken.out.contains("records"))
        let ok = try rounds(["journal", "verify", j])
        #expect(ok.status == 0)
        #expect(ok.out.contains("matches the journal up to seq"))
        // Damaged: verify says it will be ignored (still exit 0: the journal is intact), and
        // every command that opens the journal says so too, then works from a full replay.
        var bytes = readFile(j + ".snapshot")
        bytes[bytes.count - 3] ^= 0x10
        writeFile(j + ".snapshot", bytes)
        let damaged = try rounds(["journal", "verify", j])
        #expect(damaged.status == 0)
        #expect(damaged.out.contains("snapshot is damaged"))
        let report = try rounds(["report", "census", "--journal", j])
        #expect(report.status == 0)
        #expect(report.err.contains("snapshot is damaged"))
        #expect(report.err.contains("whole journal replayed"))
        #expect(try rounds(["journal", "snapshot", "/nonexistent/dir/x.rj"]).status == 1)
    }

    @Test func dumpPrintsOneJSONObjectPerRecord() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let r = try rounds(["journal", "dump", j])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n")
        #expect(lines.count > 100)
        for (i, line) in lines.enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["seq"] as? Int == i + 1)
            #expect(object?["time"] is String)
            #expect(object?["actor"] is String)
            #expect(object?["type"] is String)
            #expect(object?["data"] is [String: Any])
        }
    }

    @Test func reportsInEveryFormat() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        for report in ["census", "beds", "worklist", "labs", "messages"] {
            let text = try rounds(["report", report, "--journal", j])
            #expect(text.status == 0)
            let csv = try rounds(["report", report, "--journal", j, "--format", "csv"])
            #expect(csv.out.contains("\r\n"))
            let json = try rounds(["report", report, "--journal", j, "--format", "json"])
            #expect((try JSONSerialization.jsonObject(with: Data(json.out.utf8))) is [[String: Any]])
        }
        let labs = try rounds(["report", "labs", "--journal", j])
        #expect(labs.out.contains("CRITICAL — communicate"))
        // The supervisor overview: several sections, one JSON object keyed by section.
        let sup = try rounds(["report", "supervisor", "--journal", j])
        for section in ["Census and capacity by unit", "Escalations", "Overdue work by owner", "Break-glass awaiting review"] {
            #expect(sup.out.contains(section))
        }
        let supJSON = try rounds(["report", "supervisor", "--journal", j, "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(supJSON.out.utf8)) as? [String: [[String: Any]]]
        #expect(object?["census_and_capacity_by_unit"]?.last?["unit"] as? String == "All", "\(supJSON.out.prefix(400))")
        let supCSV = try rounds(["report", "supervisor", "--journal", j, "--format", "csv"])
        #expect(supCSV.out.hasPrefix("# census_and_capacity_by_unit\r\nunit,beds,"))
        let md = try rounds(["report", "census", "--journal", j, "--format", "markdown"])
        #expect(md.out.contains("| Unit | Kind | Beds |"))
    }

    /// The demo's handover in progress, printed for paper and screen.
    @Test func handoverReportForPaperAndScreen() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let text = try rounds(["report", "handover", "--journal", j])
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("Handover H1: demo → "))
        #expect(text.out.contains("paused"))
        #expect(text.out.contains("Required before completion: "))
        #expect(text.out.split(separator: "\n").allSatisfy { $0.count <= 78 }, "fits A4 and Letter at 10–12 pt")
        let firstPatient = try #require(text.out.split(separator: "\n").first { $0.hasPrefix("1. ") })
        #expect(firstPatient.contains("[UNSTABLE"), "unstable patients first: \(firstPatient)")
        let html = try rounds(["report", "handover", "--journal", j, "--format", "html"])
        #expect(html.out.hasPrefix("<!DOCTYPE html>"))
        #expect(html.out.contains("@page"))
        #expect(html.out.contains("break-inside: avoid"))
        let md = try rounds(["report", "handover", "--journal", j, "--format", "markdown"])
        #expect(md.out.hasPrefix("# Handover at "))
        #expect(try rounds(["report", "handover", "--journal", j, "--format", "csv"]).status == 2)
        // Not a terminal: `rounds handover` prints the walkthrough.
        #expect(try rounds(["handover", "--journal", j]).out.contains("Handover H1"))
    }

    @Test func changesSinceATimeAndTheStateAtATime() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        try rounds(["exec", "--journal", j, "admit CHG001 name \"Change, Test\" dob 1950-01-01 sex f from ed"])
        let r = try rounds(["report", "changes", "--journal", j, "--since", "10m", "--format", "csv"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("admitted,"))
        #expect(r.out.contains("CHG001 Change, Test admitted from ED"))
        #expect(try rounds(["report", "changes", "--journal", j, "--since", "whenever"]).status == 2)
        // The census as it was a day ago has no CHG001 in the queue.
        let before = try rounds(["report", "beds", "--journal", j, "--at", "1d"])
        #expect(before.status == 0, "\(before.err)")
        #expect(!before.out.contains("CHG001"))
        #expect(try rounds(["report", "beds", "--journal", j]).out.contains("CHG001"))
        let future = try rounds(["report", "beds", "--journal", j, "--at", "+2h"])
        #expect(future.status == 2)
        #expect(future.err.contains("is in the future"))
        #expect(try rounds(["--journal", j, "--at", "tomorrow 08:00", "--print"]).status == 2)
    }
}

@Suite(.serialized) struct ConcurrencyTests {
    /// Several simulators write one journal at once: no record lost, torn, duplicated or
    /// interleaved, and every sequence number a writer printed is unique.
    @Test func severalWriterProcessesAtOnce() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let before = try Journal.verify(at: j).lastSeq
        var processes: [(Process, Pipe)] = []
        for seed in 1...4 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: roundsBinary)
            p.arguments = ["simulate", "--journal", j, "--rate", "0", "--count", "60", "--seed", "\(seed)", "--print-commits"]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            processes.append((p, out))
        }
        var printed: [UInt64] = []
        for (p, out) in processes {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            printed += String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { UInt64($0) }
        }
        let report = try Journal.verify(at: j)
        #expect(report.verdict == .intact)
        #expect(printed.count >= 240)
        #expect(Set(printed).count == printed.count, "no sequence number acknowledged twice")
        #expect(printed.allSatisfy { $0 > before && $0 <= report.lastSeq })
        #expect(Int(report.lastSeq - before) >= printed.count)
        // Every follower that replays gets the same state.
        let a = try Engine(journalAt: j, writable: false).state
        let b = try Engine(journalAt: j, writable: false, verifyChain: false).state
        #expect(a == b)
    }

    /// A follower picks up another process's record well within 250 ms.
    @Test func followerSeesAnotherProcessesChangeQuickly() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let follower = try Engine(journalAt: j, writable: false)
        var latencies: [Int64] = []
        for n in 1...5 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: roundsBinary)
            p.arguments = ["exec", "--journal", j, "task add \"Follow test \(n)\""]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let seen = try follower.waitForChanges(timeout: .seconds(10))
            let at = SystemClock().now()
            p.waitUntilExit()
            #expect(seen > 0)
            let written = follower.state.lastTime
            latencies.append((at - written).milliseconds)
        }
        // Record time is taken just before the write and fsync; the poll runs every 100 ms.
        #expect(latencies.max()! < 250, "latencies \(latencies) ms")
    }

    /// Two people assign the same bed at the same moment: one success, one clear refusal.
    @Test func sameBedAtTheSameInstant() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        try rounds(["exec", "--journal", j, "-"], stdin: """
        admit RACE01 name "Race, One" dob 1970-01-01 sex f from ed
        admit RACE02 name "Race, Two" dob 1970-01-01 sex m from ed
        unit add RACE name "Race unit" kind medsurg
        bed add RACE-01 unit RACE
        """)
        var runs: [(Process, Pipe)] = []
        for mrn in ["RACE01", "RACE02"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: roundsBinary)
            p.arguments = ["exec", "--journal", j, "assign \(mrn) RACE-01"]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            runs.append((p, err))
        }
        for (p, _) in runs { try p.run() }
        var statuses: [Int32] = []
        var errors = ""
        for (p, err) in runs {
            errors += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            statuses.append(p.terminationStatus)
        }
        #expect(statuses.sorted() == [0, 1])
        #expect(errors.contains("bed RACE-01 is occupied by another patient"))
    }
}

@Suite(.serialized) struct AuditCLITests {
    @Test func auditAnswersWhoLookedAtOrChangedAPatient() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        try rounds(["exec", "--journal", j, "admit AUD001 name \"Audit, Test\" dob 1950-01-01 sex f from ed"])
        try rounds(["exec", "--journal", j, "lab order AUD001 K"])
        let report = try rounds(["report", "census", "--journal", j])
        #expect(report.status == 0)
        let r = try rounds(["audit", "--journal", j, "--patient", "AUD001", "--format", "csv"])
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\r\n").dropFirst()
        #expect(lines.count == 4, "recorded, admitted, lab ordered, and the audit query itself: \(r.out)")
        #expect(lines.allSatisfy { $0.contains("AUD001") })
        #expect(r.out.contains("lab L") && r.out.contains("K ordered for AUD001"))
        let exports = try rounds(["audit", "--journal", j, "--since", "1h", "--format", "csv"])
        #expect(exports.out.contains("exported,,exported report census text"), "reports are recorded as exports")
        // Each record says where it came from: this test runs without a terminal.
        #expect(exports.out.contains(",no terminal,exported,,exported report census text"), "\(exports.out)")
        #expect(exports.out.contains(",session,,\"session opened (rounds report, no terminal)\""))
        let byUser = try rounds(["audit", "--journal", j, "--user", "nobody-at-all", "--format", "csv"])
        #expect(byUser.out.split(separator: "\r\n").count == 1, "only the header: \(byUser.out)")
        #expect(try rounds(["audit", "--journal", j, "--since", "someday"]).status == 2)
    }

    @Test func chainHeadKeptElsewhereProvesTheJournalStillExtendsIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let head = try rounds(["journal", "head", j]).out.split(separator: " ").first.map(String.init) ?? ""
        #expect(head.count == 64)
        try rounds(["exec", "--journal", j, "task add \"later work\""])
        let ok = try rounds(["journal", "verify", j, "--head", head])
        #expect(ok.status == 0)
        #expect(ok.out.contains("extends the given head"))
        // A journal rebuilt from the start (same length or not) no longer passes through the head.
        let other = dir.file("other.rj")
        _ = try rounds(["demo", "--journal", other, "--beds", "40", "--seed", "2", "--at", "2026-11-22 07:00", "--quiet"])
        let bad = try rounds(["journal", "verify", other, "--head", head])
        #expect(bad.status == 1)
        #expect(bad.err.contains("does NOT extend the given head"))
        #expect(try rounds(["journal", "verify", j, "--head", "xyz"]).status == 2)
    }
}

@Suite(.serialized) struct BusyMorningTests {
    /// Eight processes each submit 1,000 commands while four others follow. Every follower ends
    /// on the same record and chain head as a fresh verification: nothing lost, torn, reordered
    /// or interleaved. The followers' latency figures are printed (Docs/PERFORMANCE.md).
    @Test func eightWritersFourFollowers() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = dir.file("busy.rj")
        let setup = try Engine(creatingJournalAt: j, actor: "setup")
        try setup.submit(line: "unit add BUSY name \"Busy ward\" kind medsurg")
        let start = try Journal.verify(at: j).lastSeq
        let writers = 8, each = 1000, followers = 4
        var follow: [(Process, Pipe)] = []
        for _ in 0..<followers {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: roundsBinary)
            // Each follower's own start is recorded as an export, in a session of its own: 8
            // records before the writers, who each open a session too.
            p.arguments = ["journal", "follow", j, "--quiet", "--summary", "--until-seq", "\(start + UInt64(2 * followers + writers * (each + 1)))"]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            follow.append((p, out))
        }
        let deadline = Date().addingTimeInterval(20)
        while try Journal.verify(at: j).lastSeq < start + UInt64(2 * followers), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        var writing: [Process] = []
        for w in 0..<writers {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: roundsBinary)
            p.arguments = ["exec", "--journal", j, "-"]
            let input = Pipe()
            p.standardInput = input
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let script = (0..<each).map { "task add \"w\(w)-\($0)\" owner @coordinator" }.joined(separator: "\n") + "\n"
            input.fileHandleForWriting.write(Data(script.utf8))
            try input.fileHandleForWriting.close()
            writing.append(p)
        }
        for p in writing {
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        let verified = try Journal.verify(at: j)
        #expect(verified.verdict == .intact)
        #expect(verified.lastSeq == start + UInt64(2 * followers + writers * (each + 1)))
        var summaries: [String] = []
        for (p, out) in follow {
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            summaries.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(text.hasPrefix("seq \(verified.lastSeq) head \(verified.head) "), "follower ended elsewhere: \(text)")
        }
        print("busy morning: \(writers)×\(each) commands, \(followers) followers:\n" + summaries.joined(separator: "\n"))
        // A fresh replay holds every task exactly once.
        let replay = try Engine(journalAt: j, writable: false)
        #expect(replay.state.tasks.count == writers * each)
        let titles = Set(replay.state.tasks.values.map(\.title))
        #expect(titles.count == writers * each)
    }
}

@Suite(.serialized) struct PrivacyTests {
    @Test func aJournalEveryoneCanReadIsNotWritten() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        chmod(j, 0o644)
        let before = readFile(j)
        let r = try rounds(["exec", "--journal", j, "task add \"x\""])
        #expect(r.status == 1)
        #expect(r.err.contains("can be read or written by every user on this host (mode 0644)"))
        #expect(r.err.contains("chmod 640 \(j)"))
        #expect(readFile(j) == before)
        chmod(j, 0o640)
        #expect(try rounds(["exec", "--journal", j, "task add \"x\""]).status == 0)
    }

    /// Seeded patient names never appear in any output other than the journal and the reports
    /// someone asked for: command acknowledgements, refusals, usage errors, verification,
    /// repair, the simulator, the demo, the audit, the supervisor overview, break-glass.
    @Test func patientNamesStayOutOfEveryOtherOutput() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let names = ["Zzyzx", "Quentinella", "Wąchocka"]
        var outputs: [String] = []
        func run(_ args: [String], stdin: String? = nil) throws {
            let r = try rounds(args, stdin: stdin)
            outputs.append(r.out + r.err)
        }
        try run(["exec", "--journal", j, "-"], stdin: """
        admit SEED001 name "Zzyzx, Quentinella" dob 1940-02-02 sex f from ed precautions airborne lives-alone
        admit SEED002 name "Wąchocka, Ilse" dob 1955-03-03 sex f from pacu
        assign SEED001 4W-02
        """)
        try run(["exec", "--journal", j, "assign SEED001 4W-02 override \"no other bed\""])
        try run(["exec", "--journal", j, "discharge SEED001"])
        try run(["exec", "--journal", j, "assign SEED002 NOPE-1"])
        try run(["exec", "--journal", j, "admit SEED002 name \"Wąchocka, Ilse\" dob 1955-03-03 sex f from ed"])
        try run(["exec", "--journal", j, "frobnicate SEED002"])
        try run(["journal", "verify", j])
        try run(["journal", "head", j])
        try run(["journal", "repair", j])
        try run(["simulate", "--journal", j, "--rate", "0", "--count", "30", "--print-commits"])
        try run(["audit", "--journal", j, "--patient", "SEED001"])
        try run(["report", "supervisor", "--journal", j])   // MRNs and beds, never names
        try run(["exec", "--journal", j, "break-glass \"covering the desk for a while\""])
        try run(["demo", "--journal", dir.file("d2.rj"), "--beds", "20", "--quiet"])
        var torn = readFile(j)
        torn.removeLast(5)
        writeFile(j, torn)
        try run(["journal", "verify", j])
        try run(["exec", "--journal", j, "task add \"after a torn tail\""])
        for (i, out) in outputs.enumerated() {
            for name in names { #expect(!out.contains(name), "output \(i) shows a patient name: \(out)") }
        }
        // The data is there when asked for, so the check above is not vacuous.
        let beds = try rounds(["report", "beds", "--journal", j]).out
        #expect(beds.contains("Wąchocka"))
    }
}
