#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import HL7v2
import RoundsDomain
import RoundsEngine
import RoundsDemo
import RoundsHL7
import RoundsFeed
import RoundsUI

/// `rounds-bench feed`: the HL7 listener on a 1,000-bed demo hospital, in this process, spoken
/// to over loopback by client threads (Docs/PERFORMANCE.md, "Feeds").
/// - throughput: 4 connections each keeping `--window` messages in flight, mixed ADT^A01 and
///   ORU^R01, every message durable before its ACK;
///   (`--keys-only --feed-rate N`: only the keystroke part, with the feed at N messages a second;
///   0 for the same keys with no feed, to compare in one sitting)
/// - the same clients against python-hl7's asyncio MLLP server that only ACKs (`--python`);
/// - ACK latency at 200 messages a second on one connection, beside one fdatasync's time;
/// - keystroke to frame in the full-screen app on the same journal while 200 messages a second
///   arrive.
enum FeedBench {
    static func pct(_ a: [Double], _ p: Double) -> Double { a.isEmpty ? 0 : a[min(a.count - 1, Int(Double(a.count) * p))] }
    static func message(_ c: Int, _ i: Int) -> [UInt8] {
        let mrn = "B\(c)X\(i / 2)"
        if i % 2 == 0 {
            return Array("MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A01^ADT_A01|C\(c)N\(i)|P|2.5.1\rEVN|A01|20261122070000\rPID|1||\(mrn)^^^HOSP^MR||Benchmark^Patient||19600504|F\rPV1|1|E|\r".utf8)
        }
        return Array("MSH|^~\\&|LIS|GEN|ROUNDS|GEN|20261122070000||ORU^R01^ORU_R01|C\(c)N\(i)|P|2.5.1\rPID|1||\(mrn)^^^HOSP^MR||Benchmark^Patient||19600504|F\rOBR|1|O\(c)N\(i)||K^Potassium\rOBX|1|NM|K^Potassium||4.\(i % 10)|mmol/L|3.5-5.1|N|||F\r".utf8)
    }

    /// Sends `count` messages per connection on `connections` threads, `window` in flight each.
    static func drive(port: Int, connections: Int, count: Int, window: Int, offset: Int) -> (seconds: Double, accepted: Int) {
        let accepted = Mutex(0)
        let t0 = now()
        var threads: [Thread] = []
        let done = DispatchGroup()
        for c in 0..<connections {
            done.enter()
            let t = Thread {
                defer { done.leave() }
                guard let client = try? MLLPClient(host: "127.0.0.1", port: port, timeoutSeconds: 60) else { return }
                var sent = 0, received = 0, ok = 0
                while received < count {
                    while sent < count, sent - received < window {
                        try? client.send(message(c + offset, sent)); sent += 1
                    }
                    guard let ack = try? client.receive() else { break }
                    received += 1
                    if ack.count > 20, String(decoding: ack, as: UTF8.self).contains("MSA|AA|") { ok += 1 }
                }
                accepted.withLock { $0 += ok }
            }
            threads.append(t)
            t.start()
        }
        done.wait()
        return (now() - t0, accepted.withLock { $0 })
    }

    static func run() throws {
        let dir = "\(benchDir)/feed"
        _ = try? FileManager.default.removeItem(atPath: dir)
        mkdir(dir, 0o700)
        let path = "\(dir)/feed.rj"
        _ = try DemoHospital.write(to: path, options: DemoOptions(start: start, creator: "bench", wallClock: .utc, seed: 1, beds: 1000, days: 0))
        let setup = try Engine(journalAt: path, actor: "bench", wallClock: .utc)
        try setup.submit(line: "staff add hl7bench name \"Bench feed\" role feed")
        let config = try FeedConfig.parse("login = hl7bench\n", path: "bench")
        let keysOnly = CommandLine.arguments.contains("--keys-only")
        let listener = try FeedListener(FeedListener.Options(journalPath: path, port: 0, config: config, log: { _ in }))
        let port = try listener.start()
        var r = (seconds: 1.0, accepted: 0)
        let perConnection = Int(value("--messages", "25000"))!
        let window = Int(value("--window", "200"))!
        if !keysOnly {
        // Warm up, then the measured run.
        _ = drive(port: port, connections: 4, count: 500, window: window, offset: 100)
        r = drive(port: port, connections: 4, count: perConnection, window: window, offset: 0)
        emit([("benchmark", "\"feed-throughput\""), ("connections", "4"), ("window", "\(window)"), ("messages", "\(4 * perConnection)"),
              ("accepted", "\(r.accepted)"), ("seconds", format3(r.seconds)), ("messages_per_second", "\(Int(Double(4 * perConnection) / r.seconds))"),
              ("journal_records", "\(try Engine(journalAt: path, writable: false).state.lastSeq)")])

        // ACK latency at 200 messages a second, and one fdatasync of a small write.
        var syncs: [Double] = []
        let probe = open("\(dir)/probe", O_WRONLY | O_CREAT, 0o600)
        var block = [UInt8](repeating: 0x41, count: 256)
        for i in 0..<200 {
            _ = pwrite(probe, &block, block.count, off_t(i * 256))
            let t = now(); fdatasync(probe); syncs.append(now() - t)
        }
        close(probe)
        syncs.sort()
        let client = try MLLPClient(host: "127.0.0.1", port: port, timeoutSeconds: 10)
        var latencies: [Double] = []
        let t0 = now()
        for i in 0..<2_000 {
            let due = t0 + Double(i) * 0.005
            while now() < due { usleep(200) }
            let t = now()
            try client.send(message(9, i))
            _ = try client.receive()
            latencies.append(now() - t)
        }
        latencies.sort()
        emit([("benchmark", "\"feed-ack-latency\""), ("rate_per_second", "200"), ("messages", "\(latencies.count)"),
              ("p50_ms", format3(pct(latencies, 0.5) * 1e3)), ("p99_ms", format3(pct(latencies, 0.99) * 1e3)), ("max_ms", format3(latencies.last! * 1e3)),
              ("fdatasync_p50_ms", format3(pct(syncs, 0.5) * 1e3)), ("fdatasync_p99_ms", format3(pct(syncs, 0.99) * 1e3)),
              ("p99_above_fdatasync_p50_ms", format3((pct(latencies, 0.99) - pct(syncs, 0.5)) * 1e3))])
        }
        listener.stop()

        // Keystrokes in the full-screen app while the feed delivers 200 messages a second, on a
        // hospital of its own with a day's kind of traffic: results for patients in beds, and
        // admissions to the queue that are cancelled again (so the queue stays short).
        let keysPath = "\(dir)/keys.rj"
        _ = try DemoHospital.write(to: keysPath, options: DemoOptions(start: start, creator: "bench", wallClock: .utc, seed: 1, beds: 1000, days: 0))
        let keysSetup = try Engine(journalAt: keysPath, actor: "bench", wallClock: .utc)
        try keysSetup.submit(line: "staff add hl7bench name \"Bench feed\" role feed")
        let inBed = keysSetup.state.activeStay.keys.sorted().filter { keysSetup.state.stay(of: $0)?.phase == .inBed }
        let keysListener = try FeedListener(FeedListener.Options(journalPath: keysPath, port: 0, config: config, log: { _ in }))
        let keysPort = try keysListener.start()
        let engine = try Engine(journalAt: keysPath, actor: "bench", wallClock: .utc, writable: false)
        let app = RoundsApp(engine: engine, hospitalName: "Bench", readOnly: true, idleLock: nil)
        _ = app.render(width: 160, height: 45)
        let feeding = Mutex(true)
        let delivered = Mutex(0)
        let feedRate = Double(value("--feed-rate", "200"))!
        let feeder = Thread {
            guard feedRate > 0, let c = try? MLLPClient(host: "127.0.0.1", port: keysPort, timeoutSeconds: 10) else { return }
            let f0 = now()
            var i = 0
            while feeding.withLock({ $0 }) {
                let due = f0 + Double(i) / feedRate
                while now() < due { usleep(200) }
                let text: String
                switch i % 4 {
                case 0:
                    text = "MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A01|K\(i)|P|2.5.1\rPID|1||Q\(i)^^^HOSP^MR||Benchmark^Patient||19600504|F\rPV1|1|E|\r"
                case 1:
                    text = "MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122070000||ADT^A11|K\(i)|P|2.5.1\rPID|1||Q\(i - 1)^^^HOSP^MR\rPV1|1|E|\r"
                default:
                    let mrn = inBed[(i * 7919) % max(1, inBed.count)]
                    text = "MSH|^~\\&|LIS|GEN|ROUNDS|GEN|20261122070000||ORU^R01|K\(i)|P|2.5.1\rPID|1||\(mrn)^^^HOSP^MR\rOBR|1|KO\(i)||NA\rOBX|1|NM|NA^Sodium||13\(i % 10)|mmol/L|135-145|N|||F\r"
                }
                try? c.send(Array(text.utf8)); _ = try? c.receive()
                delivered.withLock { $0 += 1 }
                i += 1
            }
        }
        feeder.start()
        let browsing: [Key] = [.down, .down, .down, .up, .char("2"), .down, .char("o"), .down, .char("3"), .char("o"), .down, .char("4"), .down,
                               .char("o"), .pageDown, .char("1"), .pageDown, .char("o")]
        // As the terminal loop does it (TerminalSession): it waits for a key up to 10 ms while
        // the app has idle work, else 250 ms; each wait that ends without a key is a poll, which
        // reads the journal at most every 250 ms (in between it does a slice of idle work); a
        // frame is drawn after a poll that brought changes and at least every 250 ms. Keys
        // come about 9 a second. Timed: the key (handle and draw); the key from the moment it
        // came (a poll, slice or frame in progress when it came included); and the poll that
        // brings changes (catch up, recompute what changed, draw).
        var keys: [Double] = [], arrival: [Double] = [], polls: [Double] = []
        var slowest: [String: [Double]] = [:]
        let k0 = now()
        var lastRead = now(), drawn = now()
        for i in 0..<600 {
            let keyAt = k0 + Double(i) * 0.110
            while now() < keyAt {
                let until = min(keyAt, now() + (app.hasIdleWork ? 0.010 : 0.250))
                while now() < until { usleep(200) }
                if now() >= keyAt { break }
                let refresh = now() - lastRead >= 0.25
                if refresh { lastRead = now() }
                let t = now()
                if app.poll(refresh: refresh) {
                    _ = app.render(width: 160, height: 45)
                    drawn = now()
                    polls.append(drawn - t)
                } else if now() - drawn >= 0.25 {
                    _ = app.render(width: 160, height: 45)
                    drawn = now()
                }
            }
            let t = now()
            app.handle(browsing[i % browsing.count])
            _ = app.render(width: 160, height: 45)
            drawn = now()
            keys.append(drawn - t)
            arrival.append(drawn - max(keyAt, k0))
            slowest["\(app.focus) \(browsing[i % browsing.count])", default: []].append(keys.last!)
        }
        if CommandLine.arguments.contains("--per-key") {
            for (k, v) in slowest.sorted(by: { $0.key < $1.key }) {
                let v = v.sorted()
                print("  key \(k): p50 \(format3(v[v.count / 2] * 1e3)) ms, p90 \(format3(v[v.count * 9 / 10] * 1e3)) ms, max \(format3(v.last! * 1e3)) ms")
            }
        }
        let elapsed = now() - k0
        feeding.withLock { $0 = false }
        keys.sort(); polls.sort(); arrival.sort()
        emit([("benchmark", "\"keystroke-while-feeding\""), ("rate_per_second", "\(Int(Double(delivered.withLock { $0 }) / elapsed))"), ("size", "\"160x45\""),
              ("keys", "\(keys.count)"), ("p50_ms", format3(pct(keys, 0.5) * 1e3)), ("p99_ms", format3(pct(keys, 0.99) * 1e3)), ("max_ms", format3(keys.last! * 1e3)),
              ("from_arrival_p50_ms", format3(pct(arrival, 0.5) * 1e3)), ("from_arrival_p99_ms", format3(pct(arrival, 0.99) * 1e3)),
              ("polls_with_changes", "\(polls.count)"), ("poll_p50_ms", format3(pct(polls, 0.5) * 1e3)), ("poll_p99_ms", format3(pct(polls, 0.99) * 1e3))])
        keysListener.stop()

        // python-hl7's asyncio MLLP server that only ACKs, on the same messages and clients.
        if !CommandLine.arguments.contains("--no-python") && !keysOnly {
            let script = """
            import asyncio, sys, hl7.mllp
            async def handle(reader, writer):
                try:
                    while not reader.at_eof():
                        msg = await reader.readmessage()
                        writer.writemessage(msg.create_ack())
                        await writer.drain()
                except asyncio.IncompleteReadError:
                    pass
            async def main():
                server = await hl7.mllp.start_hl7_server(handle, host="127.0.0.1", port=int(sys.argv[1]))
                print("ready", flush=True)
                async with server:
                    await server.serve_forever()
            asyncio.run(main())
            """
            let py = Process()
            py.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            let pyPort = 20_000 + Int(getpid() % 10_000)
            py.arguments = ["-c", script, "\(pyPort)"]
            let out = Pipe()
            py.standardOutput = out
            try py.run()
            _ = out.fileHandleForReading.availableData
            _ = drive(port: pyPort, connections: 4, count: 500, window: window, offset: 100)
            let p = drive(port: pyPort, connections: 4, count: perConnection, window: window, offset: 0)
            py.terminate(); py.waitUntilExit()
            let roundsRate = Double(4 * perConnection) / r.seconds, pythonRate = Double(4 * perConnection) / p.seconds
            emit([("benchmark", "\"feed-python-hl7-ack-only\""), ("messages", "\(4 * perConnection)"), ("accepted", "\(p.accepted)"),
                  ("seconds", format3(p.seconds)), ("messages_per_second", "\(Int(pythonRate))"),
                  ("rounds_over_python", format3(roundsRate / pythonRate))])
        }
    }
}
