#if canImport(Glibc)
import Glibc
#endif
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsDemo
import RoundsUI
import RoundsTerminal
import RoundsAuth
import RoundsFeed

extension Config {
    static var directory: String {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/rounds" }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.config/rounds"
    }

    static func load() -> Config {
        let path = directory + "/config"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return Config() }
        return parse(text, path: path)
    }
}

enum ThemeLoader {
    /// A theme by name (shipped or in the config directory) or by path.
    static func load(_ name: String) throws -> Theme {
        if name.contains("/") {
            guard let text = try? String(contentsOfFile: name, encoding: .utf8) else {
                warn("rounds: cannot read theme file \(name)")
                throw Exit(code: 2)
            }
            return Theme.parse(text, name: name)
        }
        let own = Config.directory + "/themes/\(name).theme"
        if let text = try? String(contentsOfFile: own, encoding: .utf8) { return Theme.parse(text, name: own) }
        if let text = BuiltinThemes.all[name] { return Theme.parse(text, name: name) }
        warn("rounds: no theme '\(name)'; shipped themes: \(BuiltinThemes.names.joined(separator: ", ")), or a file in \(Config.directory)/themes/")
        throw Exit(code: 2)
    }
}

enum Interactive {
    /// The status files the feeds' listeners write beside the journal, for the supervisor view.
    static func feedHealth(journal: String) -> [FeedHealthLine] {
        let iso = ISO8601DateFormatter()
        func time(_ s: String?) -> Timestamp? {
            guard let s, let d = iso.date(from: s) else { return nil }
            return Timestamp(milliseconds: Int64((d.timeIntervalSince1970 * 1000).rounded()))
        }
        return FeedHealth.read(journal: journal).map { f in
            FeedHealthLine(feed: f.feed, running: f.running, bind: f.bind, tls: f.tls, senders: f.senders, messages: f.messages,
                           messagesLastMinute: f.messagesLastMinute, held: f.held, errors: f.errors, lastMessage: time(f.lastMessage),
                           lastMessageKind: f.lastMessageKind, lastError: f.lastError, lastErrorAt: time(f.lastErrorAt), updated: time(f.updated))
        }
    }

    /// Whether this user may write the journal file (group members in a read-only group may
    /// still read it: they get a read-only session rather than an error).
    static func canWrite(_ path: String) -> Bool { access(path, W_OK) == 0 || access(path, F_OK) != 0 }

    /// Opens the full-screen UI on `path`. With a simulator, it moves the hospital gently along.
    static func run(path: String, themeName: String?, hospital: String?, simulate: Bool, leaveAlone: (Set<MRN>, Set<LabID>) = ([], []),
                    readOnly: Bool = false, wall: Bool = false,
                    idleLock: Span?? = nil, at: Timestamp? = nil, screen: Screen = .panes) throws {
        let config = Config.load()
        let theme = try ThemeLoader.load(themeName ?? config.theme ?? "default")
        let engine: Engine
        do { engine = try Engine(journalAt: path, writable: !wall && Interactive.canWrite(path)) } catch {
            warn("rounds: \(error)")
            throw Exit(code: 1)
        }
        engine.origin = Host.origin(program: "rounds")
        let app = RoundsApp(engine: engine, hospitalName: hospital ?? engine.state.hospitalName ?? config.hospital ?? (path as NSString).lastPathComponent,
                            readOnly: readOnly || !engine.journal.writable, wall: wall, idleLock: idleLock ?? config.idleLock,
                            authenticator: PAMAuthenticator(service: config.pamService))
        app.screen = wall ? .supervisor : screen
        // The feeds' health for the supervisor view, as plain values (the UI reads no files).
        app.feedHealth = { Interactive.feedHealth(journal: path) }
        if let at {
            app.pinnedToPast = true
            app.toggleTimeline(at: at)
            if app.timeline == nil { throw Exit(code: 1) }
        }
        if !wall, !engine.journal.writable, !readOnly {
            app.setStatus("Read-only: \(Host.currentUser()) may read this journal but not write to it (see Docs/OPERATIONS.md, shared host)", error: true)
        }
        let notes = config.warnings + theme.warnings + engine.openNotices
        if let first = notes.first, app.readOnly == nil { app.setStatus("⚠ " + first + (notes.count > 1 ? " (+\(notes.count - 1) more on stderr after exit)" : ""), error: true) }
        var sim = simulate ? Simulator(seed: UInt64(getpid()), wallClock: engine.wallClock) : nil
        // The demo's stories are left for the person trying it: the simulator never resolves them.
        sim?.leaveAlone = leaveAlone.0
        sim?.leaveLabsAlone = leaveAlone.1
        let simEngine = simulate ? try? Engine(journalAt: path, actor: DemoHospital.simActor) : nil
        simEngine?.origin = Host.origin(program: "rounds --demo simulator")
        var nextStep = SystemClock().now() + .seconds(3)
        let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let terminal = CursesTerminal(theme: theme, noColor: noColor)
        TerminalSession.run(app, terminal: terminal) {
            guard let se = simEngine, SystemClock().now() >= nextStep else { return }
            nextStep = SystemClock().now() + .seconds(3)
            _ = try? se.refresh()
            if let c = sim?.next(in: se.state, at: SystemClock().now()) { _ = try? se.submit(c) }
        }
        // A snapshot still being written in the background is finished, not left half done.
        engine.finishBackgroundWork()
        if notes.count > 1 { for n in notes { warn("rounds: \(n)") } }
        if terminal.stopRequested != 0 { throw Exit(code: 128 + terminal.stopRequested) }
    }
}
