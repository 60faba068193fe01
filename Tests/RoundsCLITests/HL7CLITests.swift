import Foundation
import Testing
import RoundsDomain
import RoundsEngine
import RoundsTestSupport

/// `rounds hl7 listen` as a process, with a real peer: Debian's python3-hl7 `mllp_send`
/// (installed by .ci/run), and `rounds hl7 send`, `check` and `status`.
let mllpSend: String? = ["/usr/bin/mllp_send", "/usr/local/bin/mllp_send"].first { FileManager.default.isExecutableFile(atPath: $0) }
let onCI = ProcessInfo.processInfo.environment["CI"] != nil

/// A running listener; stopped (SIGKILL or SIGTERM) by the test.
final class ListenerProcess {
    let process = Process()
    let errors = Pipe()
    var port = 0
    var stderrText = ""

    init(journal: String, config: String, port: Int = 0) throws {
        process.executableURL = URL(fileURLWithPath: roundsBinary)
        process.arguments = ["hl7", "listen", "--journal", journal, "--port", "\(port)", "--config", config]
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        process.environment = env
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The first line says where it listens.
        var buffer = Data()
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer += chunk
            let text = String(decoding: buffer, as: UTF8.self)
            if let r = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[r.upperBound...].prefix { $0.isNumber }
                if let p = Int(digits) { self.port = p; break }
            }
        }
        stderrText = String(decoding: buffer, as: UTF8.self)
        if self.port == 0 { process.terminate(); throw CocoaError(.fileReadUnknown, userInfo: ["stderr": stderrText]) }
    }

    func kill9() { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    func stop() -> String {
        process.terminate()
        process.waitUntilExit()
        stderrText += String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return stderrText
    }
}

/// A demo hospital with a feed login and a mapping file, in a fresh directory.
func feedHospital(_ dir: TemporaryDirectory) throws -> (journal: String, config: String) {
    let j = try demoJournal(dir)
    let r = try rounds(["exec", "--journal", j, "staff add hl7adt name \"ADT feed\" role feed"])
    #expect(r.status == 0, "\(r.err)")
    let config = dir.file("adt.conf")
    writeFile(config, Array("login = hl7adt\nmrn = MR@HOSP\n".utf8))
    return (j, config)
}

func adtA01(_ id: String, _ mrn: String) -> String {
    "MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A01^ADT_A01|\(id)|P|2.5.1\rPID|1||\(mrn)^^^HOSP^MR||Feedtest^Alpha||19600504|F\rPV1|1|E|\r"
}

@Suite(.serialized) struct HL7CLITests {
    @Test(.enabled(if: mllpSend != nil || onCI, "python3-hl7's mllp_send is not installed (apt-get install python3-hl7; .ci/run does)"))
    func aRealPeerGetsExactACKs() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (j, config) = try feedHospital(dir)
        let listener = try ListenerProcess(journal: j, config: config)
        // mllp_send reads MLLP-framed messages by default and prints each reply's bytes.
        let framed = [adtA01("P1", "MRNP01"), adtA01("P2", "MRNP02"), adtA01("P1", "MRNP01")]
            .map { "\u{0B}" + $0 + "\u{1C}\r" }.joined()
        let file = dir.file("three.mllp")
        writeFile(file, Array(framed.utf8))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(mllpSend, "mllp_send is required on CI"))
        p.arguments = ["--file", file, "-p", "\(listener.port)", "127.0.0.1"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let log = listener.stop()
        #expect(p.terminationStatus == 0)
        // Each reply is one MLLP frame written in one write: mllp_send prints it whole.
        let replies = data.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        #expect(replies.count == 3, "\(replies)")
        let pattern = /^\x{0B}MSH\|\^~\\&\|ROUNDS\|GEN\|EHR\|GEN\|(\d{14}\.\d{3}\+0000)\|\|ACK\^A01\^ACK\|(R\d+)\|P\|2\.5\.1\rMSA\|AA\|(P\d)(\|[^\r]*)?\r\x{1C}\r$/
        var controls: Set<String> = []
        for (i, reply) in replies.enumerated() {
            let m = try #require(reply.wholeMatch(of: pattern), "reply \(i + 1) is not the ACK expected: \(reply.debugDescription)")
            controls.insert(String(m.output.2))
            // Byte by byte apart from the time stamp and our control id, which vary.
            let expectedTail = i == 2 ? "|Duplicate of a message already received; not applied again" : ""
            let expected = "\u{0B}MSH|^~\\&|ROUNDS|GEN|EHR|GEN|\(m.output.1)||ACK^A01^ACK|\(m.output.2)|P|2.5.1\rMSA|AA|\(["P1", "P2", "P1"][i])\(expectedTail)\r\u{1C}\r"
            #expect(Array(reply.utf8) == Array(expected.utf8))
        }
        #expect(controls.count == 3, "every ACK has its own control id")
        #expect(log.contains("a duplicate, received before"))
        let state = try Engine(journalAt: j, writable: false).state
        #expect(state.stay(of: "MRNP01") != nil && state.stay(of: "MRNP02") != nil)
        #expect(state.stays.values.filter { $0.mrn == "MRNP01" }.count == 1)
    }

    @Test func sendCheckAndStatus() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (j, config) = try feedHospital(dir)
        // A file of two messages with LF line ends, and one unsupported.
        let file = dir.file("two.hl7")
        writeFile(file, Array((adtA01("S1", "MRNS01") + adtA01("S2", "MRNS02")).replacingOccurrences(of: "\r", with: "\n").utf8))
        let bad = dir.file("bad.hl7")
        writeFile(bad, Array("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A99|S3|P|2.5.1\rPID|1||MRNS03^^^HOSP^MR\r".utf8))
        let check = try rounds(["hl7", "check", "--journal", j, "--config", config, file, bad])
        #expect(check.status == 1)
        #expect(check.out.contains("#1 ADT^A01 S1: would apply: patient MRNS01 recorded; MRNS01 admitted from ED and waiting for a bed"))
        #expect(check.out.contains("#3 ADT^A99 S3: would be rejected (AR 201): ADT trigger 'A99' is not supported"))
        #expect(try Engine(journalAt: j, writable: false).state.stay(of: "MRNS01") == nil, "check wrote to the journal")
        let listener = try ListenerProcess(journal: j, config: config)
        let sent = try rounds(["hl7", "send", "--to", "127.0.0.1:\(listener.port)", file, bad])
        #expect(sent.status == 1)
        #expect(sent.out.contains("#1 ADT^A01 S1: AA"))
        #expect(sent.out.contains("#3 ADT^A99 S3: AR — ADT trigger 'A99' is not supported"))
        Thread.sleep(forTimeInterval: 1.2)   // the status is written at most once a second
        let status = try rounds(["hl7", "status", "--journal", j])
        #expect(status.out.contains("hl7adt: listening on 127.0.0.1:\(listener.port)"))
        #expect(status.out.contains("messages: 2"))
        let json = try rounds(["hl7", "status", "--journal", j, "--json"])
        #expect(json.out.contains("\"messages_last_minute\""))
        _ = listener.stop()
        let after = try rounds(["hl7", "status", "--journal", j])
        #expect(after.out.contains("hl7adt: stopped"))
        let noListener = try rounds(["hl7", "send", "--to", "127.0.0.1:\(listener.port)", file])
        #expect(noListener.status == 1)
        #expect(noListener.err.contains("cannot connect to 127.0.0.1"))
    }

    @Test func aFeedNotOnTheRosterCannotStart() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let config = dir.file("adt.conf")
        writeFile(config, Array("login = hl7lab\n".utf8))
        let r = try rounds(["hl7", "listen", "--journal", j, "--port", "0", "--config", config])
        #expect(r.status == 1)
        #expect(r.err.contains("hl7lab is not on the staff roster as a feed"))
        #expect(r.err.contains("staff add hl7lab name"))
        writeFile(config, Array("login = hl7lab\nmrn = MR@HOSP\n[beds]\nX = not a bed\n".utf8))
        let bad = try rounds(["hl7", "listen", "--journal", j, "--port", "0", "--config", config])
        #expect(bad.status == 2)
        #expect(bad.err.contains("line 4: 'not a bed' is not a Rounds bed"))
    }

    /// kill -9 of the listener while a sender streams messages: every message ACKed AA is in
    /// the journal after a restart, and sending everything again applies nothing twice.
    @Test func killedListenerLosesNothingAcknowledged() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (j, config) = try feedHospital(dir)
        var acknowledged: [String] = []
        var sentAll: [String] = []
        var next = 0
        // Twelve rounds; on a loaded machine a listener may be killed before it acknowledged
        // anything in all of them, so up to twelve more, each waiting longer, until one has.
        var round = 0
        while round < 12 || (acknowledged.isEmpty && round < 24) {
            defer { round += 1 }
            let listener = try ListenerProcess(journal: j, config: config)
            let file = dir.file("round\(round).hl7")
            var text = ""
            for _ in 0..<40 { next += 1; text += adtA01("K\(next)", "MRNK\(next)"); sentAll.append("K\(next)") }
            writeFile(file, Array(text.utf8))
            // Send in the background and kill the listener part-way.
            let sender = Process()
            sender.executableURL = URL(fileURLWithPath: roundsBinary)
            sender.arguments = ["hl7", "send", "--timeout", "5", "--to", "127.0.0.1:\(listener.port)", file]
            let out = Pipe()
            sender.standardOutput = out
            sender.standardError = FileHandle.nullDevice
            try sender.run()
            Thread.sleep(forTimeInterval: round < 12 ? Double(20 + (round * 37) % 90) / 1000 : Double(round - 11) * 0.25)
            listener.kill9()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            sender.waitUntilExit()
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasSuffix(": AA") {
                // "FILE #N ADT^A01 K7: AA"
                if let id = line.split(separator: " ").first(where: { $0.hasSuffix(":") }) { acknowledged.append(String(id.dropLast())) }
            }
        }
        #expect(!acknowledged.isEmpty)
        let state = try Engine(journalAt: j, writable: false).state
        for id in acknowledged {
            #expect(state.feeds.seen["EHR|GEN|\(id)"] != nil, "\(id) was ACKed AA but is not in the journal")
        }
        // Everything again: each message applied at most once.
        let listener = try ListenerProcess(journal: j, config: config)
        let all = dir.file("all.hl7")
        writeFile(all, Array(sentAll.map { adtA01($0, "MRN" + $0) }.joined().utf8))
        let again = try rounds(["hl7", "send", "--to", "127.0.0.1:\(listener.port)", all])
        _ = listener.stop()
        #expect(again.status == 0, "\(again.err)")
        let final = try Engine(journalAt: j, writable: false).state
        for id in sentAll {
            #expect(final.stays.values.filter { $0.mrn == "MRN" + id }.count == 1, "\(id) applied \(final.stays.values.filter { $0.mrn == "MRN" + id }.count) times")
        }
    }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        var out = "", rest = Substring(self)
        while let r = rest.firstRange(of: a) { out += rest[..<r.lowerBound]; out += b; rest = rest[r.upperBound...] }
        return out + rest
    }
}
