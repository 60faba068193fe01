import Foundation
import Testing
@testable import RoundsDomain
import RoundsJournal
import RoundsTestSupport

/// `rounds init`, `rounds import`, `rounds exec --all-or-none`, and never destroying a journal.
@Suite(.serialized) struct SetupCLITests {
    @Test func initMakesAnEmptyHospitalAndNeverReplacesOne() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = dir.file("h.rj")
        let missing = try rounds(["exec", "--journal", j, "unit add 4W name \"4 West\" kind medsurg"])
        #expect(missing.status == 1)
        #expect(missing.err.contains("rounds init --journal \(j)"), "every 'no journal' message points to rounds init: \(missing.err)")
        let made = try rounds(["init", "--journal", j, "--hospital", "St Example General", "--supervisor", "tsuper", "--supervisor-name", "Tess Super"])
        #expect(made.status == 0, "\(made.err)")
        #expect(made.out.contains("first supervisor tsuper"))
        let dump = try rounds(["journal", "dump", j]).out
        #expect(dump.contains("hospital.named") && dump.contains("St Example General"))
        #expect(dump.contains("\"role\":\"supervisor\""))
        #expect(!dump.contains("patient.recorded"), "an empty hospital, not the demo")
        let size = try FileManager.default.attributesOfItem(atPath: j)[.size] as? Int
        let again = try rounds(["init", "--journal", j, "--hospital", "Other", "--supervisor", "tsuper"])
        #expect(again.status == 1)
        #expect(again.err.contains("never replaces"))
        #expect(try FileManager.default.attributesOfItem(atPath: j)[.size] as? Int ?? 0 >= size ?? 0)
        #expect(try rounds(["journal", "verify", j]).status == 0)
        let root = try rounds(["init", "--journal", dir.file("r.rj"), "--hospital", "X", "--supervisor", "root"])
        #expect(root.status == 2)
        #expect(root.err.contains("personal login"))
        // Whoever is not on the roster is told at once that they cannot import.
        do {
            try "code,name,kind\n4W,4 West,medsurg\n".write(toFile: dir.file("u.csv"), atomically: true, encoding: .utf8)
            let imp = try rounds(["import", "units", dir.file("u.csv"), "--journal", j])
            #expect(imp.status == 1)
            #expect(imp.err.contains("not on the staff roster") && imp.err.contains("nothing was imported"))
        }
    }

    @Test func allOrNoneRecordsEveryLineOrNone() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let head = try rounds(["journal", "head", j]).out
        let script = """
        unit add 9Z name "Nine Zulu" kind medsurg
        bed add 9Z-01 unit 9Z
        bed add 9Z-01 unit 9Z
        """
        let r = try rounds(["exec", "--all-or-none", "--journal", j, "-"], stdin: script)
        #expect(r.status == 1)
        #expect(r.err.contains("line 3: refused: bed 9Z-01 already exists"))
        #expect(r.err.contains("nothing was recorded"))
        #expect(try rounds(["journal", "head", j]).out == head, "nothing of the file was written")
        let parse = try rounds(["exec", "--all-or-none", "--journal", j, "-"], stdin: "unit add 9Z name \"Nine\" kind medsurg\nbed ad 9Z-01\nfrobnicate\n")
        #expect(parse.status == 2)
        #expect(parse.err.contains("line 2:") && parse.err.contains("line 3:"), "every line that is not a command is named: \(parse.err)")
        #expect(try rounds(["journal", "head", j]).out == head)
        let ok = try rounds(["exec", "--all-or-none", "--journal", j, "-"], stdin: String(script.split(separator: "\n").prefix(2).joined(separator: "\n")))
        #expect(ok.status == 0, "\(ok.err)")
        #expect(ok.out.contains("2 commands recorded"))
        // Without the flag the refusal names its line and says what was already recorded.
        let partial = try rounds(["exec", "--journal", j, "-"], stdin: "bed add 9Z-02 unit 9Z\nbed add 9Z-02 unit 9Z\n")
        #expect(partial.status == 1)
        #expect(partial.err.contains("line 2: refused") && partial.err.contains("the lines before it were recorded"))
    }

    @Test func aDemoNeverReplacesAHospitalsJournal() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let hospital = dir.file("hospital.rj")
        #expect(try rounds(["init", "--journal", hospital, "--hospital", "Real", "--supervisor", "tsuper"]).status == 0)
        let before = try rounds(["journal", "head", hospital]).out
        for args in [["--demo", "--journal", hospital], ["--demo", "--journal", hospital, "--force"],
                     ["demo", "--journal", hospital], ["demo", "--journal", hospital, "--force", "--quiet"]] {
            let r = try rounds(args)
            #expect(r.status == 1, "\(args) replaced a hospital's journal")
            #expect(r.err.contains("not a demo's") || r.err.contains("never replaces"), "\(r.err)")
        }
        #expect(try rounds(["journal", "head", hospital]).out == before)
        // Not a journal at all: refused too.
        try "notes".write(toFile: dir.file("notes.rj"), atomically: true, encoding: .utf8)
        #expect(try rounds(["--demo", "--journal", dir.file("notes.rj"), "--force"]).status == 1)
        #expect(try String(contentsOfFile: dir.file("notes.rj"), encoding: .utf8) == "notes")
        // A demo's journal: refused without --force, replaced with it.
        let demo = try demoJournal(dir, beds: 20)
        let plain = try rounds(["--demo", "--journal", demo])
        #expect(plain.status == 1 && plain.err.contains("--force"))
        let forced = try rounds(["--demo", "--journal", demo, "--force"])
        #expect(forced.status == 0, "\(forced.err)")
    }
}

/// Docs/OPERATIONS.md's shared-host set-up, run as written with real OS users in one group.
/// Needs root (to add users and a group); CI runs as root. The only substitutions: the
/// directory (`/srv/rounds` → a temporary one), the names of the group and the two logins (so a
/// real `rounds` group is never touched), `/etc/environment` → a file of the test's, and the
/// `apt-get` line (the packages are already there).
@Suite(.serialized) struct SharedHostTests {
    static let isRoot = getuid() == 0

    func section(_ doc: String, after heading: String) -> [[String]] {
        // The indented code blocks of one section, each as its lines.
        guard let start = doc.range(of: heading) else { return [] }
        let rest = doc[start.upperBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        var blocks: [[String]] = [], current: [String] = []
        for line in rest[..<end].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("    ") { current.append(String(line.dropFirst(4))) }
            else if !current.isEmpty { blocks.append(current); current = [] }
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks
    }

    @discardableResult
    func sh(_ script: String, as user: String? = nil, in dir: String) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        let binDir = (roundsBinary as NSString).deletingLastPathComponent
        let body = "umask 022; cd \(dir); export PATH=\(binDir):$PATH; export TZ=UTC; \(script)"
        p.arguments = user.map { ["-c", "runuser -u \($0) -- /bin/sh -c '\(body.replacingOccurrences(of: "'", with: "'\\''"))'"] } ?? ["-c", body]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    func mode(_ path: String) -> (mode: UInt32, group: UInt32)? {
        var st = stat()
        return stat(path, &st) == 0 ? (UInt32(st.st_mode & 0o7777), UInt32(st.st_gid)) : nil
    }

    @Test(.enabled(if: SharedHostTests.isRoot, "skipped: adding OS users and a group needs root (CI runs as root)"))
    func operationsSetUpWorksAsWrittenForTwoUsersInOneGroup() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("Docs/OPERATIONS.md"), encoding: .utf8)
        let blocks = section(doc, after: "## Setting up a shared host")
        try #require(blocks.count >= 2, "OPERATIONS.md has the root block and the supervisor's block")
        let group = "rtestgrp", sup = "rtest-tnguyen", coord = "rtest-sokafor"
        let dir = TemporaryDirectory("rounds-shared"); defer { _ = try? sh("rm -rf \(dir.path)", in: "/") }
        chmod(dir.path, 0o755)
        let srv = dir.file("srv")
        func adapt(_ line: String) -> String {
            line.replacingOccurrences(of: "/srv/rounds", with: srv)
                .replacingOccurrences(of: "/etc/environment", with: dir.file("environment"))
                .replacingOccurrences(of: "groupadd rounds", with: "groupadd \(group)")
                .replacingOccurrences(of: "-aG rounds ", with: "-aG \(group) ")
                .replacingOccurrences(of: "-g rounds ", with: "-g \(group) ")
                .replacingOccurrences(of: "tnguyen", with: sup).replacingOccurrences(of: "sokafor", with: coord)
        }
        // Fresh users and group each run (their own primary groups, like real logins).
        try sh("userdel \(sup) 2>/dev/null; userdel \(coord) 2>/dev/null; groupdel \(group) 2>/dev/null; useradd -M -U \(sup) && useradd -M -U \(coord)", in: "/")
        defer { _ = try? sh("userdel \(sup); userdel \(coord); groupdel \(group) 2>/dev/null; groupdel \(sup) 2>/dev/null; groupdel \(coord) 2>/dev/null", in: "/") }
        let asRoot = blocks[0].filter { !$0.hasPrefix("apt-get") }.map(adapt).joined(separator: "\n")
        let r1 = try sh("set -e\n" + asRoot, in: dir.path)
        try #require(r1.status == 0, "the root block failed: \(r1.err)")
        let journal = srv + "/hospital.rj"
        let jm = try #require(mode(journal))
        #expect(jm.mode == 0o660, "the journal is 0660 in the 2770 directory, was 0\(String(jm.mode, radix: 8))")
        // The supervisor's CSV files, then their block as written.
        let work = dir.file("work")
        mkdir(work, 0o755)
        try "code,name,kind\nICU,Intensive Care,icu\n4W,\"4 West, Medical\",medsurg\n".write(toFile: work + "/units.csv", atomically: true, encoding: .utf8)
        try "bed,unit,attributes\nICU-01,ICU,isolation;telemetry\nICU-02,ICU,telemetry\n4W-01,4W,\n4W-02,4W,\n".write(toFile: work + "/beds.csv", atomically: true, encoding: .utf8)
        try "login,name,role\n\(coord),Sam Okafor,coordinator\n".write(toFile: work + "/staff.csv", atomically: true, encoding: .utf8)
        chmod(work + "/units.csv", 0o644); chmod(work + "/beds.csv", 0o644); chmod(work + "/staff.csv", 0o644)
        let asSupervisor = "set -e; export ROUNDS_JOURNAL=\(journal); " + blocks[1].map(adapt).joined(separator: "; ")
        let r2 = try sh(asSupervisor, as: sup, in: work)
        try #require(r2.status == 0, "the supervisor's block failed: \(r2.err)")
        #expect(r2.out.contains("All"), "the census is printed")
        #expect(r2.out.contains("4 rows") || r2.err.contains("4 rows") || r2.out.contains("4 to add"), "\(r2.out)")
        // Importing the same files again records nothing.
        let again = try sh("export ROUNDS_JOURNAL=\(journal); rounds import beds beds.csv", as: sup, in: work)
        #expect(again.status == 0 && again.out.contains("nothing to record"), "\(again.out)\(again.err)")
        // Every side file takes the journal's group and mode whatever the umask, also when
        // another member of the group makes it afresh.
        let gid = jm.group
        for side in [".commit"] {
            let m = try #require(mode(journal + side), "\(side) exists")
            #expect(m.mode == 0o660 && m.group == gid, "\(side) is 0\(String(m.mode, radix: 8)) group \(m.group)")
        }
        unlink(journal + ".commit")
        let r3 = try sh("rounds exec --journal \(journal) 'admit SH001 name \"Shared, Host\" dob 1970-01-01 sex f from ed' && rounds journal snapshot \(journal)", as: coord, in: work)
        #expect(r3.status == 0, "the second user writes: \(r3.err)")
        for side in [".commit", ".snapshot"] {
            let m = try #require(mode(journal + side), "\(side) exists")
            #expect(m.mode == 0o660 && m.group == gid, "\(side) made by \(coord) is 0\(String(m.mode, radix: 8)) group \(m.group)")
        }
        // The first user can still write after the second recreated the side files.
        let r4 = try sh("rounds exec --journal \(journal) 'assign SH001 4W-01'", as: sup, in: work)
        #expect(r4.status == 0, "\(r4.err)")
        // A torn tail moved aside by one member is readable and writable by the group.
        let fd = open(journal, O_WRONLY | O_APPEND)
        _ = "torn".withCString { write(fd, $0, 4) }
        close(fd)
        let r5 = try sh("rounds journal repair \(journal)", as: coord, in: work)
        #expect(r5.status == 0, "\(r5.err)")
        let torn = try FileManager.default.contentsOfDirectory(atPath: srv).filter { $0.contains(".torn-") }
        let tm = try #require(torn.first.flatMap { mode(srv + "/" + $0) }, "the torn tail was moved aside")
        #expect(tm.mode == 0o660 && tm.group == gid)
    }
}

/// Who may read which messages in a report (issue 17, item 4).
@Suite(.serialized) struct MessageReportTests {
    @Test func theMessagesReportListsWhatConcernsTheReaderAndAllOnlyForASupervisor() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir, beds: 20)
        // Between two other people: not this login's business.
        try appendMessage(j, from: "akovacs", to: .person("tngata"), subject: "Personal between physicians")
        let mine = try rounds(["report", "messages", "--journal", j, "--format", "csv"])
        #expect(mine.status == 0, "\(mine.err)")
        #expect(!mine.out.contains("Personal between physicians"), "a person-to-person message is not everyone's")
        // The demo's creator is its supervisor: --all shows it, and the look is audited.
        let all = try rounds(["report", "messages", "--journal", j, "--format", "csv", "--all"])
        #expect(all.status == 0, "\(all.err)")
        #expect(all.out.contains("Personal between physicians"))
        #expect(try rounds(["audit", "--journal", j, "--format", "csv"]).out.contains("report messages csv all"))
        #expect(try rounds(["report", "labs", "--journal", j, "--all"]).status == 2, "--all is for messages")
    }

    func appendMessage(_ j: String, from: String, to: Assignee, subject: String) throws {
        var next = 1
        _ = try Journal.open(at: j, writable: false) { r in if case .messageSent(let m) = r.event { next = max(next, m.id.number + 1) } }
        // Urgent and unacknowledged, so the report lists it whatever the day.
        try appendDirectly(j, actor: from, [.messageSent(MessageSent(id: MessageID(next), to: to, patient: nil, subject: subject, body: "",
                                                                      urgent: true, replyTo: nil, system: false))])
    }
}

/// What the day-one walkthrough found (issue 17): each a test that failed before its fix.
@Suite(.serialized) struct WalkthroughFindingsTests {
    @Test func changesForSomeoneElseAreASupervisorsLookAndTheAuditListsEveryChange() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = dir.file("h.rj")
        #expect(try rounds(["init", "--journal", j, "--hospital", "St Example", "--supervisor", "tsuper"]).status == 0)
        // This login is not a supervisor here: another person's changes (their messages) are not its to read.
        let other = try rounds(["report", "changes", "--journal", j, "--user", "tsuper"])
        #expect(other.status == 1 && other.err.contains("only a supervisor"), "\(other.err)")
        // The audit lists changes that touch no patient (the roster made by rounds init).
        #expect(try rounds(["audit", "--journal", j, "--format", "csv"]).out.contains("staff"), "the roster change is in the audit")
        // Reports name the hospital.
        #expect(try rounds(["report", "census", "--journal", j]).out.contains("St Example — "))
    }

    @Test func aFileThatIsNotUTF8IsNamedByLineAndByte() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir, beds: 20)
        let bytes: [UInt8] = Array("code,name,kind\n5Z,Caf".utf8) + [0xE9] + Array(",medsurg\n".utf8)
        _ = FileManager.default.createFile(atPath: dir.file("latin1.csv"), contents: Data(bytes))
        let r = try rounds(["import", "units", dir.file("latin1.csv"), "--journal", j])
        #expect(r.status == 1)
        #expect(r.err.contains("line 2, byte 22 of the file (0xE9)"), "\(r.err)")
    }
}
