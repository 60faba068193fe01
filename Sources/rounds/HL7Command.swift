import ArgumentParser
import Foundation
import Dispatch
import HL7v2
import RoundsDomain
import RoundsEngine
import RoundsHL7
import RoundsFeed

/// `rounds hl7 …`: the hospital's feeds (Docs/HL7.md).
struct HL7Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hl7",
        abstract: "Receive HL7 v2 messages from the hospital's systems over MLLP, and the tools around it (Docs/HL7.md).",
        subcommands: [Listen.self, Send.self, Check.self, Status.self, Retry.self])

    /// The mapping file, or the defaults when none is given; problems end the process.
    static func loadConfig(_ path: String?) throws -> FeedConfig {
        guard let path else { return FeedConfig() }
        guard let data = FileManager.default.contents(atPath: path) else {
            warn("rounds: cannot read the mapping file \(path): \(String(cString: strerror(errno)))")
            throw Exit(code: 2)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            warn("rounds: the mapping file \(path) is not UTF-8 text")
            throw Exit(code: 2)
        }
        do { return try FeedConfig.parse(text, path: path) } catch {
            warn(error.description)
            throw Exit(code: 2)
        }
    }

    /// The messages of files (each may hold several, or a batch), MLLP framing removed.
    static func messages(in files: [String]) throws -> [(file: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                warn("rounds: cannot read \(file): \(String(cString: strerror(errno)))")
                throw Exit(code: 2)
            }
            var bytes = [UInt8](data)
            if bytes.contains(MLLP.startBlock) {
                var d = MLLPDecoder(maxFrameBytes: 64 << 20)
                bytes = d.feed(bytes).flatMap { event -> [UInt8] in if case .frame(let f) = event { return f + [0x0D] } else { return [] } }
            }
            let parts = HL7Message.splitBatch(bytes)
            if parts.isEmpty { warn("rounds: \(file) holds no HL7 message (nothing starts with MSH)") }
            for p in parts { out.append((file, p)) }
        }
        return out
    }

    /// An ACK as one line: code, the message it answers, its text and error.
    static func describe(ack: [UInt8]) -> String {
        guard let m = try? HL7Message.parse(ack), let msa = m.first("MSA") else {
            return "an unreadable reply (\(ack.count) bytes)"
        }
        var parts = ["\(msa.text(1) ?? "?")"]
        if let text = msa.text(3), !text.isEmpty { parts.append(text) }
        if parts.count == 1, let err = m.first("ERR"), let detail = err.text(8) ?? err.text(3, component: 2), !detail.isEmpty { parts.append(detail) }
        return parts.joined(separator: " — ")
    }

    struct Listen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Receive one feed's messages over MLLP and apply them to the journal (runs until stopped).",
            discussion: """
            One listener per feed (ADT, lab, scheduling), each with its own login on the staff roster \
            with role feed. Messages are ACKed only once their records are durable: AA when applied \
            or held as an interface item for a coordinator, AR when the message cannot be read or is \
            not supported (do not resend), AE when Rounds could not record it (resend). SIGHUP \
            reloads the mapping file and retries the open interface items; SIGTERM stops after the \
            messages in hand are answered.
            """)

        @Option(name: .long, help: "The journal to apply messages to.") var journal: String?
        @Option(name: .long, help: "The TCP port to listen on.") var port: Int
        @Option(name: .long, help: "The address to bind (default 127.0.0.1; 0.0.0.0 or :: for every interface).") var bind = "127.0.0.1"
        @Option(name: .long, help: "The feed's mapping file (Docs/HL7.md, \"The mapping file\").") var config: String?

        func validate() throws {
            if !(0...65_535).contains(port) { throw ValidationError("--port \(port) is not a TCP port (0–65535)") }
        }

        func run() throws {
            let path = Paths.journal(journal)
            let cfg = try HL7Command.loadConfig(config)
            let log: @Sendable (String) -> Void = { line in warn("rounds hl7: " + line) }
            let listener: FeedListener
            do {
                listener = try FeedListener(FeedListener.Options(journalPath: path, host: bind, port: port, config: cfg, configPath: config,
                                                                statusPath: FeedHealth.statusPath(journal: path, login: cfg.login), log: log))
            } catch let e as FeedSetupError {
                warn("rounds: \(e.message)\n  \(e.hint)")
                throw Exit(code: 1)
            } catch {
                warn("rounds: cannot start the listener: \(error)")
                throw Exit(code: 1)
            }
            do { try listener.start() } catch {
                let reason = FeedListener.reason(error)
                warn("rounds: cannot listen on \(bind):\(port): \(reason)")
                listener.stop()
                throw Exit(code: 1)
            }
            signal(SIGTERM, SIG_IGN); signal(SIGINT, SIG_IGN); signal(SIGHUP, SIG_IGN); signal(SIGPIPE, SIG_IGN)
            let queue = DispatchQueue(label: "rounds-hl7-signals")
            // A signal closes the server; the main thread then finishes the work in hand,
            // answers it, writes the feed's status and exits.
            let stop: @Sendable () -> Void = {
                log("stopping")
                listener.close()
            }
            let term = DispatchSource.makeSignalSource(signal: SIGTERM, queue: queue)
            term.setEventHandler(handler: stop)
            term.resume()
            let int = DispatchSource.makeSignalSource(signal: SIGINT, queue: queue)
            int.setEventHandler(handler: stop)
            int.resume()
            let configPath = config
            let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
            hup.setEventHandler {
                guard let configPath, let data = FileManager.default.contents(atPath: configPath), let text = String(data: data, encoding: .utf8) else {
                    log("SIGHUP: no mapping file to reload")
                    return
                }
                do { listener.reload(try FeedConfig.parse(text, path: configPath)) } catch {
                    log("SIGHUP: the mapping file has problems; the old mapping stays in force:\n\(error)")
                    listener.reloadRefused("\((error as? FeedConfig.Problems)?.list.first?.description ?? "\(error)")")
                }
            }
            hup.resume()
            withExtendedLifetime([term, int, hup]) { listener.wait() }
            listener.stop()
            log("stopped")
        }
    }

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the HL7 messages in files to an MLLP listener and print each ACK.",
            discussion: """
            A file may hold one message, several, a batch (FHS/BHS), or MLLP-framed messages; CR, \
            CR LF or LF line ends. Each message is sent on one connection in turn and its ACK awaited \
            (--timeout). Prints a line per message: the file, its type and control id, and the ACK \
            code with its text. Exit 0 when every message was accepted (AA or CA), 1 otherwise.
            """)

        @Argument(help: "Files of HL7 messages.") var files: [String]
        @Option(name: .long, help: "The listener, HOST:PORT.") var to: String
        @Option(name: .long, help: "Seconds to wait for each ACK.") var timeout = 30
        @Flag(name: .long, help: "Also print each ACK's segments.") var showAck = false

        func run() throws {
            guard let colon = to.lastIndex(of: ":"), let port = Int(to[to.index(after: colon)...]), (1...65_535).contains(port) else {
                throw ValidationError("--to '\(to)' is not HOST:PORT, e.g. --to 127.0.0.1:6661")
            }
            var host = String(to[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let messages = try HL7Command.messages(in: files)
            guard !messages.isEmpty else { throw Exit(code: 2) }
            let client: MLLPClient
            do { client = try MLLPClient(host: host, port: port, timeoutSeconds: timeout) } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
            var failed = 0
            for (index, (file, bytes)) in messages.enumerated() {
                let parsed = try? HL7Message.parse(bytes)
                let what = parsed.map { "\($0.messageCode ?? "?")^\($0.trigger ?? "?") \($0.controlID ?? "?")" } ?? "unreadable message"
                let accept = parsed?.acceptAckType ?? "", application = parsed?.applicationAckType ?? ""
                do {
                    let acks = try client.exchange(bytes, accept: accept, application: application)
                    let codes = acks.compactMap(MLLPClient.code(of:))
                    if !codes.allSatisfy({ $0 == "AA" || $0 == "CA" }) || (codes.isEmpty && acks.count > 0) { failed += 1 }
                    let said = acks.isEmpty ? "no ACK (MSH-15 \(accept.isEmpty ? "empty" : accept), MSH-16 \(application.isEmpty ? "empty" : application): none is sent on success)"
                        : acks.map(HL7Command.describe(ack:)).joined(separator: " then ")
                    say("\(file) #\(index + 1) \(what): " + said)
                    if showAck {
                        for ack in acks {
                            for seg in String(decoding: ack, as: UTF8.self).split(separator: "\r") { say("    " + seg) }
                        }
                    }
                } catch {
                    warn("rounds: \(file) #\(index + 1) \(what): \(error)")
                    throw Exit(code: 1)
                }
            }
            if failed > 0 { throw Exit(code: 1) }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read and map HL7 messages from files without applying them: what each would do, and why not.",
            discussion: """
            Each message is judged against the journal as it is now and as the messages before it \
            in the files would leave it (nothing is written). Prints per message: would apply \
            (and the changes), would be held as an interface item (and why), would be rejected \
            (AR, and why), or a duplicate. Exit 0 when every message would apply, 1 otherwise.
            """)

        @Argument(help: "Files of HL7 messages.") var files: [String]
        @Option(name: .long, help: "The journal to judge against.") var journal: String?
        @Option(name: .long, help: "The feed's mapping file.") var config: String?

        func run() throws {
            let cfg = try HL7Command.loadConfig(config)
            let mapper = FeedMapper(config: cfg)
            let path = Paths.journal(journal)
            let engine: Engine
            do { engine = try Engine(journalAt: path, actor: cfg.login, writable: false) } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
            var state = engine.state
            let now = SystemClock().now()
            var problems = 0
            if state.staff[cfg.login]?.role != .feed {
                warn("rounds: note: \(cfg.login) is not on the roster as a feed; judged as if it were (add it: staff add \(cfg.login) name \"…\" role feed)")
                state.apply(Recorded(seq: state.lastSeq + 1, time: now, actor: "system",
                                     event: .staffRecorded(Staff(login: cfg.login, name: "feed", role: .feed, onDuty: true))))
            }
            for (index, (file, bytes)) in try HL7Command.messages(in: files).enumerated() {
                let head = "\(file) #\(index + 1)"
                let m: HL7Message
                do { m = try HL7Message.parse(bytes) } catch {
                    say("\(head): would be rejected (AR): not a readable HL7 v2 message: \(error.message)"); problems += 1; continue
                }
                let what = "\(m.messageCode ?? "?")^\(m.trigger ?? "?") \(m.controlID ?? "?")"
                switch mapper.map(m, bytes: bytes) {
                case .noReply(let why): say("\(head) \(what): ignored: \(why)")
                case .reject(let e): say("\(head) \(what): would be rejected (AR \(e.code)): \(e.text)".terminalSafe); problems += 1
                case .submit(let fm):
                    do {
                        let events = try Decider.decide(.feedMessage(fm), in: state, at: now, by: cfg.login)
                        if events.isEmpty { say("\(head) \(what): a duplicate of a message already received; nothing to do"); continue }
                        if case .interfaceItemRaised(let item)? = events.first(where: { if case .interfaceItemRaised = $0 { true } else { false } }) {
                            say("\(head) \(what): would be held as an interface item: \(item.problem)".terminalSafe); problems += 1
                        } else {
                            let changes = events.filter { if case .feedReceived = $0 { false } else { true } }.map(\.summary)
                            say("\(head) \(what): would apply: " + (changes.isEmpty ? "nothing to change" : changes.joined(separator: "; ")).terminalSafe)
                        }
                        for e in events { state.apply(Recorded(seq: state.lastSeq + 1, time: now, actor: cfg.login, event: e)) }
                    } catch {
                        say("\(head) \(what): would be refused: \(error.description)".terminalSafe); problems += 1
                    }
                }
            }
            if problems > 0 { throw Exit(code: 1) }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The feeds' health: listeners, connected senders, messages, errors, and open interface items.")

        @Option(name: .long, help: "The journal.") var journal: String?
        @Flag(name: .long, help: "JSON instead of text.") var json = false

        func run() throws {
            let path = Paths.journal(journal)
            let feeds = FeedHealth.read(journal: path)
            let engine: Engine
            do { engine = try Engine(journalAt: path, writable: false) } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
            let open = engine.state.feeds.openItems.count
            if json {
                struct Out: Encodable { var feeds: [FeedHealth.Status]; var open_interface_items: Int }
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys]
                let data = try enc.encode(Out(feeds: feeds, open_interface_items: open))
                say(String(decoding: data, as: UTF8.self))
                return
            }
            if feeds.isEmpty { say("No feed has run on this journal (no \(path).feeds/ directory).") }
            for f in feeds {
                let state = f.running ? "listening on \(f.bind)\(f.tls ? " (TLS)" : "")"
                    : (f.exitedUnexpectedly == true ? "not running: its process (pid \(f.pid)) ended without stopping" : "stopped")
                say("\(f.feed): \(state) — pid \(f.pid), since \(f.started), status of \(f.updated)")
                say("  senders connected: \(f.senders.isEmpty ? "none" : f.senders.joined(separator: ", "))")
                say("  messages: \(f.messages) since it started (\(f.messagesLastMinute) in the last minute), \(f.held) held as \(f.held == 1 ? "an interface item" : "interface items"); last \(f.lastMessage.map { "\($0) (\(f.lastMessageKind ?? "?"))" } ?? "none")")
                say("  errors: \(f.errors)\(f.lastError.map { "; last \(f.lastErrorAt ?? "?"): \($0)" } ?? "")".terminalSafe)
            }
            say("Open interface items: \(open)\(open > 0 ? " (rounds report interface)" : "")")
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply again the interface items coordinators asked to retry (when no listener runs for the feed).",
            discussion: "With --all, every open item of the feed is mapped afresh and applied again (after the mapping file changed).")

        @Option(name: .long, help: "The journal.") var journal: String?
        @Option(name: .long, help: "The feed's mapping file.") var config: String?
        @Flag(name: .long, help: "Retry every open item of the feed, not only those asked for.") var all = false

        func run() throws {
            let cfg = try HL7Command.loadConfig(config)
            let engine: Engine
            do { engine = try Engine(journalAt: Paths.journal(journal), actor: cfg.login) } catch {
                warn("rounds: \(error)")
                throw Exit(code: 1)
            }
            engine.origin = Host.origin(program: "rounds hl7 retry")
            let lines = FeedRetry.run(engine: engine, mapper: FeedMapper(config: cfg), includeOpen: all)
            if lines.isEmpty { say("Nothing to retry.") }
            for l in lines { say(l) }
        }
    }
}
