#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing
import HL7v2
import RoundsHL7
@testable import RoundsFeed
import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

/// The listener in this process on a loopback port, spoken to by the MLLP client: ACK bytes,
/// enhanced mode, duplicates, write failures, and what bad senders get.
final class Served: @unchecked Sendable {
    let dir = TemporaryDirectory()
    let listener: FeedListener
    let port: Int
    let clock = ManualClock(fixtureStart)
    final class Lines: Sendable { let list = Mutex<[String]>([]) }
    let lines = Lines()
    let io = FaultyIO()

    init(_ mapping: String = "login = hl7adt\n[units]\n4WEST = 4W\n") throws {
        let (e, _) = try Fixture.engine(in: dir)
        e.actor = "sam"
        try e.submit(line: "staff add hl7adt name \"ADT feed\" role feed")
        let config = try FeedConfig.parse(mapping, path: "test.conf")
        let lines = self.lines
        listener = try FeedListener(FeedListener.Options(
            journalPath: dir.file("hospital.rj"), port: 0, config: config, statusPath: dir.file("hospital.rj.feeds/hl7adt.json"),
            log: { line in lines.list.withLock { $0.append(line) } }, clock: clock, io: io))
        port = try listener.start()
    }

    deinit { listener.stop(); dir.remove() }

    func client(timeout: Int = 10) throws -> MLLPClient { try MLLPClient(host: "127.0.0.1", port: port, timeoutSeconds: timeout) }

    var log: [String] { lines.list.withLock { $0 } }

    /// The journal as a fresh reader sees it.
    func state() throws -> HospitalState { try Engine(journalAt: dir.file("hospital.rj"), writable: false).state }

    /// MSH-7 and MSH-10 the listener writes for its `n`th ACK at the manual clock's time.
    func ackStamp() -> String {
        var seconds = time_t(clock.now().milliseconds / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return HL7DateTime.format(epochMilliseconds: clock.now().milliseconds, offsetMinutes: Int(parts.tm_gmtoff / 60))
    }
}

func a01(_ id: String, _ mrn: String, version: String = "2.5.1", msh15: String = "", msh16: String = "", bed: String = "4WEST^^02") -> [UInt8] {
    Array(("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A01^ADT_A01|\(id)|P|\(version)|||\(msh15)|\(msh16)\r"
           + "PID|1||\(mrn)^^^HOSP^MR||Feedtest^Alpha||19600504|F\rPV1|1|I|\(bed)\r").utf8)
}

func text(_ bytes: [UInt8]?) -> String { bytes.map { String(decoding: $0, as: UTF8.self) } ?? "nil" }

@Suite(.serialized) struct ListenerTests {
    @Test func ackIsExactAndOnlyAfterTheRecordsAreDurable() throws {
        let s = try Served()
        let c = try s.client()
        let acks = try c.exchange(a01("MSG1", "MRN700"))
        let expected = "MSH|^~\\&|ROUNDS|GEN|EHR|GEN|\(s.ackStamp())||ACK^A01^ACK|R\(s.clock.now().milliseconds)1|P|2.5.1\rMSA|AA|MSG1\r"
        #expect(acks.count == 1)
        #expect(text(acks.first) == expected)
        // Durable and visible to every other process when the ACK arrives.
        #expect(try s.state().beds["4W-02"]?.patient == "MRN700")
        // Before 2.5: no ^ACK structure.
        let old = try c.exchange(a01("MSG2", "MRN701", version: "2.3", bed: "4WEST^^03"))
        #expect(text(old.first).contains("||ACK^A01|R"))
        #expect(text(old.first).hasSuffix("|P|2.3\rMSA|AA|MSG2\r"))
    }

    @Test func duplicatesAreAcceptedAndAppliedOnce() throws {
        let s = try Served()
        let c = try s.client()
        _ = try c.exchange(a01("MSG1", "MRN702"))
        let again = try c.exchange(a01("MSG1", "MRN702"))
        #expect(text(again.first).contains("MSA|AA|MSG1|Duplicate of a message already received"))
        let state = try s.state()
        #expect(state.feeds.received == 1)
        #expect(state.stays.values.filter { $0.mrn == "MRN702" }.count == 1)
    }

    @Test func heldMessagesAreAcceptedWithAWarning() throws {
        let s = try Served()
        let c = try s.client()
        _ = try c.exchange(a01("MSG1", "MRN703"))
        let held = try c.exchange(a01("MSG2", "MRN704"))   // the same bed: occupied here
        #expect(text(held.first).contains("MSA|AA|MSG2|Kept as interface item I1"))
        #expect(text(held.first).contains("ERR|||0^Message accepted^HL70357|W||||held as interface item I1"))
        #expect(try s.state().feeds.openItems.count == 1)
        // The log names no patient.
        #expect(!s.log.joined().contains("MRN704"))
    }

    @Test func enhancedModeSendsTheAcknowledgementsAsked() throws {
        let s = try Served()
        let c = try s.client()
        let commitOnly = try c.exchange(a01("E1", "MRN705", msh15: "AL", msh16: "NE"), accept: "AL", application: "NE")
        #expect(commitOnly.map { MLLPClient.code(of: $0) } == ["CA"])
        let both = try c.exchange(a01("E2", "MRN706", msh15: "AL", msh16: "AL", bed: "4WEST^^03"), accept: "AL", application: "AL")
        #expect(both.map { MLLPClient.code(of: $0) } == ["CA", "AA"])
        // Neither a commit ACK (NE) nor, as it succeeded, an application ACK (ER): silence.
        try c.send(a01("E3", "MRN707", msh15: "NE", msh16: "ER", bed: "4WEST^^04"))
        #expect(try c.receive(timeout: 1_000) == nil)
        #expect(try s.state().beds["4W-04"]?.patient == "MRN707")
        // A reject in enhanced mode: the commit reject only, no application ACK after it.
        let rejected = try c.exchange(Array("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A99|E4|P|2.5.1|||AL|AL\rPID|1||MRN7071^^^HOSP^MR\r".utf8),
                                      accept: "AL", application: "AL")
        #expect(rejected.map { MLLPClient.code(of: $0) } == ["CR"])
        #expect(try c.receive(timeout: 500) == nil)
        #expect(s.log.contains { $0.hasPrefix("CR to 127.0.0.1") })
    }

    @Test func aFailedWriteIsAnAEAndNothingIsApplied() throws {
        let s = try Served()
        let c = try s.client()
        s.io.inject(.syncFails(errno: EIO))
        let failed = try c.exchange(a01("MSG1", "MRN708"))
        #expect(text(failed.first).contains("MSA|AE|MSG1|Rounds could not record the message"))
        #expect(text(failed.first).contains("|207^Application internal error^HL70357|E|"))
        // The sender resends: now applied, once.
        let again = try c.exchange(a01("MSG1", "MRN708"))
        #expect(text(again.first).contains("MSA|AA|MSG1\r"))
        #expect(try s.state().stays.values.filter { $0.mrn == "MRN708" }.count == 1)
    }

    @Test func badInputGetsAnARAndTheConnectionGoesOn() throws {
        let s = try Served()
        let c = try s.client()
        let junk = try c.exchange(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(text(junk.first).contains("MSA|AR||not an HL7 v2 message: it must begin with MSH"))
        let unsupported = try c.exchange(Array("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A99|U1|P|2.5.1\rPID|1||MRN709^^^HOSP^MR\r".utf8))
        #expect(text(unsupported.first).contains("MSA|AR|U1|ADT trigger 'A99' is not supported"))
        #expect(text(unsupported.first).contains("|201^Unsupported event code^HL70357|E|"))
        // An ACK sent to us is never acknowledged.
        try c.send(Array("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ACK^A01|K1|P|2.5.1\rMSA|AA|R1\r".utf8))
        #expect(try c.receive(timeout: 500) == nil)
        let fine = try c.exchange(a01("MSG3", "MRN709"))
        #expect(text(fine.first).contains("MSA|AA|MSG3"))
    }

    @Test func aHugeFrameClosesItsConnectionOnlyAndIsLogged() throws {
        let s = try Served()
        let big = try s.client()
        let other = try s.client()
        var frame: [UInt8] = [0x0B]
        frame += Array("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A01|BIG|P|2.5.1\rNTE|1||".utf8)
        frame += [UInt8](repeating: 0x41, count: 100 << 20)
        frame += [0x1C, 0x0D]
        // Sent from another thread; the listener closes the connection once it passes 1 MiB.
        let fd = big.descriptor, payload = frame
        let sender = Thread { _ = payload.withUnsafeBytes { p in Glibc.send(fd, p.baseAddress, p.count, Int32(MSG_NOSIGNAL)) } }
        sender.start()
        let fine = try other.exchange(a01("MSG1", "MRN710"))
        #expect(text(fine.first).contains("MSA|AA|MSG1"))
        #expect(throws: MLLPClient.Failure.self) { _ = try big.receive(timeout: 10_000) }
        #expect(s.log.contains { $0.contains("a message passed 1048576 bytes") })
    }

    @Test func aFrameNeverFinishedIsClosedWithoutSlowingOthers() throws {
        let s = try Served("login = hl7adt\nframe-timeout = 1\n[units]\n4WEST = 4W\n")
        let slow = try s.client()
        try slow.sendRaw([0x0B] + Array("MSH|^~\\&|".utf8))
        let other = try s.client()
        let start = Date()
        let fine = try other.exchange(a01("MSG1", "MRN711"))
        #expect(text(fine.first).contains("MSA|AA|MSG1"))
        #expect(Date().timeIntervalSince(start) < 1)
        Thread.sleep(forTimeInterval: 1.2)
        try? slow.sendRaw(Array("E".utf8))   // one more byte, long after the frame began
        #expect(throws: MLLPClient.Failure.self) { _ = try slow.receive(timeout: 5_000) }
        #expect(s.log.contains { $0.contains("a frame was begun 1 s ago and never finished") })
    }

    @Test func sendersOutsideTheAllowListAreRefused() throws {
        let s = try Served("login = hl7adt\nallow = 10.9.8.7, 192.168.0.0/16\n")
        let c = try s.client()
        try? c.send(a01("MSG1", "MRN712"))
        #expect(throws: MLLPClient.Failure.self) { _ = try c.receive(timeout: 5_000) }
        #expect(s.log.contains { $0.contains("refused a connection from 127.0.0.1") })
        #expect(try s.state().stay(of: "MRN712") == nil)
    }

    @Test func retryRequestedByACoordinatorIsAppliedByTheListener() throws {
        let s = try Served()
        let c = try s.client()
        _ = try c.exchange(a01("MSG1", "MRN713"))
        _ = try c.exchange(a01("MSG2", "MRN714"))   // held: 4W-02 is taken
        let coordinator = try Engine(journalAt: s.dir.file("hospital.rj"), actor: "alice", clock: s.clock, wallClock: .utc)
        try coordinator.submit(line: "interface retry I1 override \"patients share for an hour\"")
        // Still occupied, and an override does not make a bed hold two patients: held again.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, try s.state().feeds.items[InterfaceItemID(1)]?.attempts != 2 { Thread.sleep(forTimeInterval: 0.1) }
        #expect(try s.state().feeds.items[InterfaceItemID(1)]?.attempts == 2)
        // Freed, then retried: applied.
        try coordinator.submit(line: "discharge MRN713")
        try coordinator.submit(line: "bed clean 4W-02")
        try coordinator.submit(line: "interface retry I1")
        while Date() < deadline + 5, try s.state().feeds.items[InterfaceItemID(1)]?.status != .applied { Thread.sleep(forTimeInterval: 0.1) }
        #expect(try s.state().feeds.items[InterfaceItemID(1)]?.status == .applied)
        #expect(try s.state().beds["4W-02"]?.patient == "MRN714")
    }

    @Test func healthIsWrittenForSupervisorsWithoutPatientData() throws {
        let s = try Served()
        let c = try s.client()
        _ = try c.exchange(a01("MSG1", "MRN715"))
        s.listener.health.flush()
        let statuses = FeedHealth.read(journal: s.dir.file("hospital.rj"))
        let st = try #require(statuses.first)
        #expect(st.feed == "hl7adt")
        #expect(st.running)
        #expect(st.messages == 1)
        #expect(st.senders.count == 1)
        #expect(st.lastMessageKind == "ADT^A01")
        let raw = String(decoding: readFile(s.dir.file("hospital.rj.feeds/hl7adt.json")), as: UTF8.self)
        #expect(!raw.contains("MRN715"))
    }
}

/// TLS with client certificates: certificates made by openssl, a client in Python's ssl module.
@Suite(.serialized) struct TLSListenerTests {
    static func run(_ args: [String], in dir: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(args.joined(separator: " ")) failed")
    }

    static func makeCertificates(in dir: String) throws {
        try run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Rounds Test CA"], in: dir)
        for name in ["server", "client", "stranger"] {
            try run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"], in: dir)
        }
        try run(["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2"], in: dir)
        try run(["openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.pem", "-days", "2"], in: dir)
        // Signed by no one the listener trusts.
        try run(["openssl", "x509", "-req", "-in", "stranger.csr", "-signkey", "stranger.key", "-out", "stranger.pem", "-days", "2"], in: dir)
    }

    /// Sends one framed message over TLS and returns what came back ("closed" if nothing).
    static func send(port: Int, dir: String, cert: String?) throws -> String {
        let script = """
        import socket, ssl, sys
        ctx = ssl.create_default_context(cafile="ca.pem")
        ctx.check_hostname = False
        cert = sys.argv[2]
        if cert != "-": ctx.load_cert_chain(cert + ".pem", cert + ".key")
        try:
            s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10))
            s.sendall(b"\\x0bMSH|^~\\\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A01|T1|P|2.5.1\\rPID|1||MRN800^^^HOSP^MR||Feedtest^Alpha||19600504|F\\rPV1|1|E|\\r\\x1c\\r")
            data = b""
            while not data.endswith(b"\\x1c\\r"):
                d = s.recv(4096)
                if not d: break
                data += d
            print(data.decode() if data else "closed")
        except (ssl.SSLError, ConnectionError, OSError) as e:
            print("closed", type(e).__name__)
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, "\(port)", cert ?? "-"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func onlySendersWithATrustedCertificateAreHeard() throws {
        let certs = TemporaryDirectory(); defer { certs.remove() }
        try Self.makeCertificates(in: certs.path)
        let s = try Served("""
        login = hl7adt
        tls-certificate = \(certs.file("server.pem"))
        tls-key = \(certs.file("server.key"))
        tls-client-ca = \(certs.file("ca.pem"))
        """)
        #expect(try Self.send(port: s.port, dir: certs.path, cert: "client").contains("MSA|AA|T1"))
        #expect(try Self.send(port: s.port, dir: certs.path, cert: nil).hasPrefix("closed"))
        #expect(try Self.send(port: s.port, dir: certs.path, cert: "stranger").hasPrefix("closed"))
        #expect(try s.state().stays.values.filter { $0.mrn == "MRN800" }.count == 1)
        // Plain MLLP to a TLS port gets nothing applied.
        let plain = try s.client(timeout: 3)
        try? plain.send(a01("P1", "MRN801"))
        let reply: [UInt8]?? = try? plain.receive(timeout: 3_000)
        #expect(reply == nil || reply! == nil, "a plain MLLP sender got an answer from a TLS port")
        #expect(try s.state().stay(of: "MRN801") == nil)
    }
}

@Suite(.serialized) struct ListenerOperationsTests {
    @Test func oneListenerPerFeed() throws {
        let s = try Served()
        #expect(throws: FeedSetupError.self) {
            _ = try FeedListener(FeedListener.Options(journalPath: s.dir.file("hospital.rj"), port: 0,
                                                      config: try FeedConfig.parse("login = hl7adt\n", path: "x"), log: { _ in }))
        }
    }

    @Test func rejectionsKeepPatientIdentifiersOutOfTheLog() throws {
        let s = try Served()
        let c = try s.client()
        let merge = "MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A40|M1|P|2.5.1\rPID|1||MRN950^^^HOSP^MR\rMRG|MRN950^^^HOSP^MR\r"
        let acks = try c.exchange(Array(merge.utf8))
        #expect(text(acks.first).contains("MRG-1 matches PID-3 (MRN950)"), "the sender is told why")
        // The log line is written after the ACK is sent: wait for it (a loaded machine is slow).
        for _ in 0..<200 where !s.log.contains(where: { $0.contains("rejected, code 205") }) { usleep(10_000) }
        #expect(!s.log.joined(separator: "\n").contains("MRN950"))
        #expect(s.log.contains { $0.contains("rejected, code 205 (Duplicate key identifier)") })
    }

    @Test func aListenerThatDiedIsNotReportedAsListening() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let journal = dir.file("h.rj")
        mkdir(journal + ".feeds", 0o700)
        // A status a killed listener left behind: running, with a process that no longer exists.
        let status = #"{"feed":"hl7adt","pid":999999,"bind":"127.0.0.1:1","tls":false,"running":true,"started":"x","updated":"x","senders":["a"],"messages":1,"messages_last_minute":0,"held":0,"errors":0}"#
        writeFile(journal + ".feeds/hl7adt.json", Array(status.utf8))
        let st = try #require(FeedHealth.read(journal: journal).first)
        #expect(!st.running)
        #expect(st.exitedUnexpectedly == true)
        #expect(st.senders.isEmpty)
    }
}
