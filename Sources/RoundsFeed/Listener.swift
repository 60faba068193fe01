#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore
import NIOPosix
import NIOConcurrencyHelpers
import NIOSSL
import HL7v2
import RoundsDomain
import RoundsEngine
import RoundsJournal
import RoundsHL7

/// `rounds hl7 listen`: an MLLP listener for one feed (Docs/HL7.md). SwiftNIO reads frames,
/// parses and maps them on its event loop; one applier thread owns the Engine and records
/// what arrived together in one durable write; each ACK is written, in one write, only after
/// its message's records are durable, in the order the messages came on their connection.
public final class FeedListener: @unchecked Sendable {
    public struct Options: Sendable {
        public var journalPath: String
        public var host: String
        public var port: Int
        public var config: FeedConfig
        public var configPath: String?
        /// Where the feed's health is written for supervisors (`rounds hl7 status`).
        public var statusPath: String?
        public var log: @Sendable (String) -> Void
        public var clock: any Clock
        public var threads: Int
        /// The journal's file operations (tests inject faults).
        public var io: any JournalIO
        public init(journalPath: String, host: String = "127.0.0.1", port: Int, config: FeedConfig, configPath: String? = nil,
                    statusPath: String? = nil, log: @escaping @Sendable (String) -> Void, clock: any Clock = SystemClock(), threads: Int = 1,
                    io: any JournalIO = SystemIO()) {
            self.journalPath = journalPath; self.host = host; self.port = port; self.config = config; self.configPath = configPath
            self.statusPath = statusPath; self.log = log; self.clock = clock; self.threads = threads; self.io = io
        }
    }

    let options: Options
    let group: MultiThreadedEventLoopGroup
    let applier: Applier
    var serverChannel: Channel?
    let tls: NIOSSLContext?
    let mapperBox: NIOLockedValueBox<FeedMapper>
    public let health: FeedHealth
    /// The lock that makes this the only listener of its feed on this journal.
    let lockFD: Int32

    /// One listener per feed: an exclusive lock on `JOURNAL.feeds/LOGIN.lock`, held while the
    /// listener runs, naming its process.
    static func takeLock(journal: String, login: Login) throws -> Int32 {
        let dir = journal + ".feeds"
        if access(dir, F_OK) != 0 { mkdir(dir, 0o2770) }
        let path = dir + "/" + login + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o660)
        guard fd >= 0 else {
            throw FeedSetupError(message: "cannot open \(path): \(String(cString: strerror(errno)))", hint: "the listener needs to write beside the journal")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buffer, 31, 0)
            let pid = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            Glibc.close(fd)
            throw FeedSetupError(message: "another listener for the feed \(login) is already running on this journal (pid \(pid))",
                                 hint: "one listener per feed: stop that one first, or give this feed its own login")
        }
        _ = ftruncate(fd, 0)
        let text = "\(getpid())\n"
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        return fd
    }

    public init(_ options: Options) throws {
        self.options = options
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.threads))
        mapperBox = NIOLockedValueBox(FeedMapper(config: options.config))
        health = FeedHealth(login: options.config.login, statusPath: options.statusPath, clock: options.clock)
        tls = try FeedListener.tlsContext(options.config)
        lockFD = try FeedListener.takeLock(journal: options.journalPath, login: options.config.login)
        let engine = try Engine(journalAt: options.journalPath, actor: options.config.login, clock: options.clock, wallClock: Host.localWallClock, io: options.io)
        engine.origin = Host.origin(program: "rounds hl7 listen")
        guard let member = engine.state.staff[options.config.login], member.role == .feed else {
            if let member = engine.state.staff[options.config.login] {
                throw FeedSetupError(message: "\(options.config.login) is on the staff roster as \(member.role.label), not as a feed",
                                     hint: "a feed has a login of its own: set login = NAME in the mapping file and add it with staff add NAME name \"ADT feed\" role feed")
            }
            throw FeedSetupError(message: "\(options.config.login) is not on the staff roster as a feed, so it may not record messages",
                                 hint: "a supervisor adds it: rounds exec --journal \(options.journalPath) 'staff add \(options.config.login) name \"ADT feed\" role feed'")
        }
        applier = Applier(engine: engine, options: options, health: health, mapper: mapperBox)
    }

    static func tlsContext(_ c: FeedConfig) throws -> NIOSSLContext? {
        guard let cert = c.tlsCertificate, let key = c.tlsKey else { return nil }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        if let ca = c.tlsClientCA {
            // MLLP has no authentication of its own: the sender proves who it is by its certificate.
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .file(ca)
        }
        return try NIOSSLContext(configuration: tls)
    }

    /// Binds and starts serving; returns the port bound (useful with port 0).
    @discardableResult
    public func start() throws -> Int {
        let config = options.config, log = options.log, applier = self.applier, health = self.health
        let tls = self.tls, mapper = mapperBox
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let peer = channel.remoteAddress
                let shown = peer.map(FeedListener.describe) ?? "an unknown address"
                if !config.allow.isEmpty {
                    guard let peer, let bytes = FeedListener.addressBytes(peer), config.allow.contains(where: { $0.matches(bytes) }) else {
                        log("refused a connection from \(shown): not in the allow list of \(config.allow.map(\.description).joined(separator: ", "))")
                        health.note(error: "connection refused from \(shown) (not allowed)")
                        return channel.close()
                    }
                }
                do {
                    let sync = channel.pipeline.syncOperations
                    if let tls { try sync.addHandler(NIOSSLServerHandler(context: tls)) }
                    try sync.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(config.idleTimeout))))
                    try sync.addHandler(MLLPServerHandler(peer: shown, config: config, mapper: mapper, applier: applier, health: health, log: log))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let channel = try bootstrap.bind(host: options.host, port: options.port).wait()
        serverChannel = channel
        applier.start()
        let port = channel.localAddress?.port ?? options.port
        health.started(bind: "\(options.host):\(port)", tls: tls != nil)
        log("listening on \(options.host):\(port) for feed \(config.login)\(tls != nil ? " with TLS" : "")\(config.tlsClientCA != nil ? " (client certificates required)" : "")"
            + (config.allow.isEmpty ? "; no allow list: any sender that can reach this address may connect" : "; senders allowed: \(config.allow.map(\.description).joined(separator: ", "))"))
        return port
    }

    /// Notes a refused reload in the feed's health (the reason is in the log).
    public func reloadRefused(_ reason: String) { health.note(error: "mapping reload refused: \(reason)") }

    /// Reloads the mapping file (SIGHUP): new connections and retries use the new mapping.
    public func reload(_ config: FeedConfig) {
        mapperBox.withLockedValue { $0 = FeedMapper(config: config) }
        applier.retryAfterReload()
        options.log("mapping reloaded")
    }

    /// An error from binding or the network, in words (errno's text for a system call).
    public static func reason(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }

    /// Stops accepting new connections (`wait` then returns).
    public func close() { serverChannel?.close(promise: nil) }

    private let stopping = NIOLockedValueBox(false)

    /// Stops accepting, lets the applier answer what it holds, closes every connection and
    /// writes the feed's status as stopped. Once; later calls do nothing.
    public func stop() {
        guard stopping.withLockedValue({ s in defer { s = true }; return !s }) else { return }
        try? serverChannel?.close().wait()
        applier.stop()
        try? group.syncShutdownGracefully()
        health.stopped()
        Glibc.close(lockFD)
    }

    /// Blocks until the server channel closes.
    public func wait() { try? serverChannel?.closeFuture.wait() }

    static func describe(_ a: SocketAddress) -> String {
        switch a {
        case .v4: return "\(a.ipAddress ?? "?"):\(a.port ?? 0)"
        case .v6: return "[\(a.ipAddress ?? "?")]:\(a.port ?? 0)"
        default: return "\(a)"
        }
    }

    static func addressBytes(_ a: SocketAddress) -> [UInt8]? {
        guard let ip = a.ipAddress else { return nil }
        return AddressRule.parse(ip)
    }
}

public struct FeedSetupError: Error, CustomStringConvertible {
    public var message: String
    public var hint: String
    public var description: String { "\(message); \(hint)" }
}

/// One message on its way: what mapping made of it, and where its ACK goes.
struct Job: Sendable {
    enum Work: Sendable {
        case submit(FeedMessage)
        case reject(HL7AckError)
        case unreadable(HL7ParseError)
        case none
    }
    var work: Work
    var message: HL7Message?
    var bytes: [UInt8]
    var channel: Channel?
    var peer: String
}

/// The one thread that owns the Engine.
final class Applier: @unchecked Sendable {
    var engine: Engine
    /// Set after a journal failure: the engine is opened afresh before the next write.
    var mustReopen = false
    let options: FeedListener.Options
    let health: FeedHealth
    let mapper: NIOLockedValueBox<FeedMapper>
    let condition = NSCondition()
    var queue: [Job] = []
    var running = false
    var thread: Thread?
    var finished = NSCondition()
    var done = false
    var retryAll = false
    var controlCounter: UInt64 = 0

    init(engine: Engine, options: FeedListener.Options, health: FeedHealth, mapper: NIOLockedValueBox<FeedMapper>) {
        self.engine = engine; self.options = options; self.health = health; self.mapper = mapper
    }

    func start() {
        condition.lock(); running = true; condition.unlock()
        let t = Thread { [self] in self.loop() }
        t.name = "rounds-feed-applier"
        thread = t
        t.start()
    }

    func enqueue(_ job: Job) {
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    func retryAfterReload() {
        condition.lock(); retryAll = true; condition.signal(); condition.unlock()
    }

    func stop() {
        condition.lock(); running = false; condition.signal(); condition.unlock()
        finished.lock()
        while !done && thread != nil { finished.wait() }
        finished.unlock()
        engine.finishBackgroundWork()
    }

    func loop() {
        var lastLook = Date.distantPast
        while true {
            condition.lock()
            while queue.isEmpty && running && !retryAll {
                if !condition.wait(until: Date(timeIntervalSinceNow: 0.5)) { break }
            }
            let jobs = queue.count <= 1_024 ? queue : Array(queue.prefix(1_024))
            queue.removeFirst(jobs.count)
            let stopping = !running && queue.isEmpty
            let reload = retryAll
            retryAll = false
            condition.unlock()
            if !jobs.isEmpty { handle(jobs) }
            // Coordinators' retry requests arrive through the journal.
            if reload || Date().timeIntervalSince(lastLook) >= 0.5 {
                lastLook = Date()
                retryRequested(includeOpen: reload)
                engine.snapshotInBackgroundIfDue()
                health.flushIfDue()
            }
            if stopping { break }
        }
        finished.lock(); done = true; finished.signal(); finished.unlock()
    }

    func reopen() {
        do {
            let fresh = try Engine(journalAt: options.journalPath, actor: options.config.login, clock: options.clock,
                                   wallClock: Host.localWallClock, io: options.io)
            fresh.origin = Host.origin(program: "rounds hl7 listen")
            engine.finishBackgroundWork()
            engine = fresh
            mustReopen = false
            options.log("journal opened again after a failure")
        } catch {
            options.log("cannot open the journal again: \(error.description)")
        }
    }

    func nextControlID() -> String {
        controlCounter += 1
        let ms = options.clock.now().milliseconds
        return "R\(ms)\(controlCounter % 1_000)"
    }

    func handle(_ jobs: [Job]) {
        var commands: [Command] = []
        for job in jobs { if case .submit(let m) = job.work { commands.append(.feedMessage(m)) } }
        var outcomes: [Result<[Recorded], Refusal>] = []
        var failure: String?
        // Which messages reuse a control id with other content (logged: senders should not).
        var reused: [Bool] = []
        for job in jobs {
            if case .submit(let m) = job.work {
                reused.append(engine.state.feeds.seen[m.key].map { !$0.contains(m.digest) } ?? false)
            }
        }
        if !commands.isEmpty {
            if mustReopen { reopen() }
            if mustReopen {
                failure = "the journal cannot be opened again after a failure"
            } else {
                do { outcomes = try engine.submitEach(commands) } catch {
                    failure = error.description
                    // A failed write leaves the engine unsafe to write: the next batch opens
                    // the journal again (its checks find what is durable).
                    mustReopen = true
                }
            }
        }
        var next = 0
        for job in jobs {
            var reply: Reply
            let control = job.message?.controlID ?? "?"
            switch job.work {
            case .none:
                continue
            case .unreadable(let e):
                reply = Reply(code: .AR, text: e.message, error: HL7AckError(code: HL7AckError.segmentSequenceError, text: e.message),
                              log: "unreadable message (\(e.message))")
                health.note(error: "unreadable message from \(job.peer)")
            case .reject(let e):
                // The reason goes to the sender only: it may quote an identifier from the message.
                let name = HL7AckError.name(ofCode: e.code) ?? "error"
                reply = Reply(code: .AR, text: e.text, error: e, log: "\(kind(job)) control id \(control): rejected, code \(e.code) (\(name))")
                health.note(error: "rejected \(kind(job)) from \(job.peer): code \(e.code) (\(name))")
            case .submit:
                let index = next
                next += 1
                if let failure {
                    reply = Reply(code: .AE, text: "Rounds could not record the message (\(failure)); send it again",
                                  error: HL7AckError(code: HL7AckError.applicationInternalError, text: failure),
                                  log: "\(kind(job)) control id \(control): journal write failed: \(failure)")
                    health.note(error: "journal write failed: \(failure)")
                } else {
                    switch outcomes[index] {
                    case .failure(let refusal):
                        reply = Reply(code: .AE, text: "Rounds refused the feed: \(refusal.description)",
                                      error: HL7AckError(code: HL7AckError.applicationInternalError, text: refusal.description),
                                      log: "\(kind(job)) control id \(control): \(refusal.description)")
                        health.note(error: "refused: \(refusal.reason)")
                    case .success(let records):
                        reply = describe(records, job: job, reused: reused[index])
                    }
                }
            }
            var sent: [HL7AckCode] = []
            if let channel = job.channel, let m = job.message {
                sent = respond(reply, to: m, on: channel)
            } else if let channel = job.channel {
                let ack = HL7Message.makeAckForUnreadable(job.bytes, code: reply.code, text: reply.text ?? "", controlID: nextControlID(),
                                                          timestamp: ackTime(), error: reply.error)
                channel.writeAndFlush(ByteBuffer(bytes: MLLP.frame(ack)), promise: nil)
                sent = [reply.code]
            }
            let codes = sent.isEmpty ? "no ACK (as MSH-15/16 ask)" : sent.map(\.rawValue).joined(separator: "+")
            options.log("\(codes) to \(job.peer): \(reply.log)")
        }
    }

    struct Reply { var code: HL7AckCode; var text: String?; var error: HL7AckError?; var log: String }

    func kind(_ job: Job) -> String {
        guard let m = job.message else { return "message" }
        return "\(m.messageCode ?? "?")^\(m.trigger ?? "?")"
    }

    func describe(_ records: [Recorded], job: Job, reused: Bool) -> Reply {
        let head = "\(kind(job)) control id \(job.message?.controlID ?? "?")" + (reused ? " (a control id used before, with other content)" : "")
        if records.isEmpty {
            health.note(message: kind(job), peer: job.peer)
            return Reply(code: .AA, text: "Duplicate of a message already received; not applied again", error: nil,
                         log: "\(head): a duplicate, received before")
        }
        // A message's records begin with its feed.received, which names the item it became.
        if let first = records.first, case .feedReceived(let e) = first.event, let item = e.item {
            health.note(message: kind(job), peer: job.peer, held: true)
            return Reply(code: .AA, text: "Kept as interface item \(item) for a coordinator: it could not be applied as it is",
                         error: HL7AckError(code: HL7AckError.messageAccepted, severity: "W", text: "held as interface item \(item)"),
                         log: "\(head): held as interface item \(item)")
        }
        health.note(message: kind(job), peer: job.peer)
        return Reply(code: .AA, text: nil, error: nil, log: "\(head): applied (\(records.count) record\(records.count == 1 ? "" : "s"))")
    }

    func ackTime() -> String {
        let now = options.clock.now().milliseconds
        var seconds = time_t(now / 1000)
        var parts = tm()
        let offset = localtime_r(&seconds, &parts) != nil ? Int(parts.tm_gmtoff / 60) : 0
        return HL7DateTime.format(epochMilliseconds: now, offsetMinutes: offset)
    }

    /// Original mode: one ACK (AA/AE/AR). Enhanced mode (MSH-15/16 set): a commit ACK (CA/CE/CR)
    /// as MSH-15 asks, then the application ACK as MSH-16 asks, in one write.
    @discardableResult
    func respond(_ reply: Reply, to m: HL7Message, on channel: Channel) -> [HL7AckCode] {
        var out: [UInt8] = []
        var codes: [HL7AckCode] = []
        let accept = (m.acceptAckType ?? "").uppercased(), application = (m.applicationAckType ?? "").uppercased()
        if accept.isEmpty && application.isEmpty {
            out += MLLP.frame(HL7Message.makeAck(to: m, code: reply.code, text: reply.text, error: reply.error,
                                                 controlID: nextControlID(), timestamp: ackTime()))
            codes.append(reply.code)
        } else {
            let ok = reply.code == .AA
            // AE means Rounds could not take the message safely: that is a commit error.
            let commit: HL7AckCode = reply.code == .AE ? .CE : (reply.code == .AR ? .CR : .CA)
            if Applier.wanted(accept, success: commit == .CA) {
                out += MLLP.frame(HL7Message.makeAck(to: m, code: commit, text: commit == .CA ? nil : reply.text, error: commit == .CA ? nil : reply.error,
                                                     controlID: nextControlID(), timestamp: ackTime()))
                codes.append(commit)
            }
            // A message not committed (CE, CR) has no application ACK: the commit ACK said it all.
            if commit == .CA, Applier.wanted(application.isEmpty ? "AL" : application, success: ok && reply.error == nil) {
                out += MLLP.frame(HL7Message.makeAck(to: m, code: reply.code, text: reply.text, error: reply.error,
                                                     controlID: nextControlID(), timestamp: ackTime()))
                codes.append(reply.code)
            }
        }
        guard !out.isEmpty else { return [] }
        channel.writeAndFlush(ByteBuffer(bytes: out), promise: nil)
        return codes
    }

    /// Table 0155: AL always, NE never, ER on error or reject only, SU on success only.
    static func wanted(_ type: String, success: Bool) -> Bool {
        switch type {
        case "NE": false
        case "ER": !success
        case "SU": success
        default: true
        }
    }

    func retryRequested(includeOpen: Bool) {
        if mustReopen { reopen() }
        guard !mustReopen else { return }
        for line in FeedRetry.run(engine: engine, mapper: mapper.withLockedValue { $0 }, includeOpen: includeOpen) { options.log(line) }
    }
}

/// Applies again the interface items coordinators asked to retry (`interface retry I…`), and
/// with `includeOpen` every open item of the feed (after its mapping changed), each mapped
/// afresh from the message it holds. Used by the listener (twice a second) and by
/// `rounds hl7 retry` when no listener runs. Returns what happened, a line per item.
public enum FeedRetry {
    public static func run(engine: Engine, mapper: FeedMapper, includeOpen: Bool) -> [String] {
        do { try engine.refresh() } catch { return ["cannot read the journal: \(error.description)"] }
        let feeds = engine.state.feeds
        var commands: [Command] = []
        var ids: [InterfaceItemID] = []
        for id in feeds.openItems {
            guard let item = feeds.items[id], item.feed == mapper.config.login else { continue }
            guard item.status == .retrying || includeOpen else { continue }
            let bytes = Array(item.raw.utf8)
            let plan: FeedMessage.Plan
            let patient: MRN?
            do {
                let m = try HL7Message.parse(bytes)
                switch mapper.map(m, bytes: bytes) {
                case .submit(let fm): plan = fm.plan; patient = fm.patient
                case .reject(let e): plan = .hold(e.text); patient = item.patient
                case .noReply(let why): plan = .hold(why); patient = item.patient
                }
            } catch {
                plan = .hold(error.description); patient = item.patient
            }
            commands.append(.feedMessage(FeedMessage(key: item.key, digest: 0, kind: item.kind, raw: item.raw, patient: patient,
                                                     plan: plan, retryOf: id, override: item.override)))
            ids.append(id)
        }
        guard !commands.isEmpty else { return [] }
        var lines: [String] = []
        do {
            let outcomes = try engine.submitEach(commands)
            for (id, outcome) in zip(ids, outcomes) {
                switch outcome {
                case .success(let records):
                    let applied = records.contains { if case .interfaceItemResolved = $0.event { true } else { false } }
                    lines.append("interface item \(id) retried: \(applied ? "applied" : "still held")")
                case .failure(let r):
                    lines.append("interface item \(id) could not be retried: \(r.description)")
                }
            }
        } catch {
            lines.append("interface items could not be retried: \(error.description)")
        }
        return lines
    }
}

/// Reads MLLP frames from one connection, maps each message and hands it to the applier.
final class MLLPServerHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let peer: String
    let config: FeedConfig
    let mapper: NIOLockedValueBox<FeedMapper>
    let applier: Applier
    let health: FeedHealth
    let log: @Sendable (String) -> Void
    var decoder: MLLPDecoder
    var frameStarted: NIODeadline?
    var junkReported = 0

    init(peer: String, config: FeedConfig, mapper: NIOLockedValueBox<FeedMapper>, applier: Applier, health: FeedHealth, log: @escaping @Sendable (String) -> Void) {
        self.peer = peer; self.config = config; self.mapper = mapper; self.applier = applier; self.health = health; self.log = log
        decoder = MLLPDecoder(maxFrameBytes: config.maxMessageBytes)
    }

    func channelActive(context: ChannelHandlerContext) {
        health.connected(peer)
        log("connection from \(peer) opened")
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        health.disconnected(peer)
        log("connection from \(peer) closed")
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let wasInside = decoder.isInsideFrame
        let events = buffer.readableBytesView.withContiguousStorageIfAvailable { decoder.feed($0) } ?? decoder.feed(Array(buffer.readableBytesView))
        let now = NIODeadline.now()
        for event in events {
            switch event {
            case .frame(let bytes):
                frameStarted = nil
                handle(bytes, channel: context.channel)
            case .junk(let count):
                junkReported += count
                log("\(count) bytes from \(peer) outside any MLLP frame (a frame starts with 0x0B and ends with 0x1C 0x0D); ignored")
                health.note(error: "bytes outside MLLP frames from \(peer)")
                if junkReported > 65_536 {
                    log("closing the connection from \(peer): it does not speak MLLP")
                    context.close(promise: nil)
                    return
                }
            case .oversized(let n):
                log("closing the connection from \(peer): a message passed \(config.maxMessageBytes) bytes (\(n) so far; max-message in the mapping file)")
                health.note(error: "oversized message from \(peer)")
                context.close(promise: nil)
                return
            }
        }
        if decoder.isInsideFrame {
            if !wasInside || frameStarted == nil { frameStarted = frameStarted ?? now }
            if let started = frameStarted, now - started > .seconds(Int64(config.frameTimeout)) {
                log("closing the connection from \(peer): a frame was begun \(config.frameTimeout) s ago and never finished")
                health.note(error: "unfinished frame from \(peer)")
                context.close(promise: nil)
            }
        } else {
            frameStarted = nil
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            log("closing the connection from \(peer): nothing received for \(config.idleTimeout) s")
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        log("connection from \(peer): \(error)")
        health.note(error: "connection error from \(peer)")
        context.close(promise: nil)
    }

    func handle(_ bytes: [UInt8], channel: Channel) {
        let work: Job.Work
        var message: HL7Message?
        do {
            let m = try HL7Message.parse(bytes, maxBytes: config.maxMessageBytes)
            message = m
            switch mapper.withLockedValue({ $0 }).map(m, bytes: bytes) {
            case .submit(let fm): work = .submit(fm)
            case .reject(let e): work = .reject(e)
            case .noReply(let why):
                log("no reply to \(peer): \(why)")
                work = .none
            }
        } catch {
            work = .unreadable(error)
        }
        applier.enqueue(Job(work: work, message: message, bytes: bytes, channel: channel, peer: peer))
    }
}
