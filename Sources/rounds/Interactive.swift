#if canImport(Glibc)
import Glibc
#endif
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsDemo
import RoundsUI
import RoundsTerminal

/// Settings from `$XDG_CONFIG_HOME/rounds/config`: `key = value` lines, `#` comments.
struct Config {
    var theme: String?
    var hospital: String?
    var warnings: [String] = []

    static var directory: String {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/rounds" }
        return (env["HOME"] ?? NSHomeDirectory()) + "/.config/rounds"
    }

    static func load() -> Config {
        var c = Config()
        let path = directory + "/config"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return c }
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if line.isEmpty { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { c.warnings.append("\(path) line \(i + 1): expected key = value"); continue }
            switch parts[0] {
            case "theme": c.theme = parts[1]
            case "hospital": c.hospital = parts[1]
            default: c.warnings.append("\(path) line \(i + 1): unknown key '\(parts[0])'; known keys: theme, hospital")
            }
        }
        return c
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
    /// Opens the full-screen UI on `path`. With a simulator, it moves the hospital gently along.
    static func run(path: String, themeName: String?, hospital: String?, simulate: Bool, readOnly: Bool = false) throws {
        let config = Config.load()
        let theme = try ThemeLoader.load(themeName ?? config.theme ?? "default")
        let engine: Engine
        do { engine = try Engine(journalAt: path) } catch {
            warn("rounds: \(error)")
            throw Exit(code: 1)
        }
        engine.origin = Host.origin(program: "rounds")
        let app = RoundsApp(engine: engine, hospitalName: hospital ?? config.hospital ?? (path as NSString).lastPathComponent, readOnly: readOnly)
        let notes = config.warnings + theme.warnings + (engine.openReport.tornTail.map { ["\($0)"] } ?? [])
        if let first = notes.first, app.readOnly == nil { app.setStatus("⚠ " + first + (notes.count > 1 ? " (+\(notes.count - 1) more on stderr after exit)" : ""), error: true) }
        var sim = simulate ? Simulator(seed: UInt64(getpid()), wallClock: engine.wallClock) : nil
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
        if notes.count > 1 { for n in notes { warn("rounds: \(n)") } }
        if terminal.stopRequested != 0 { throw Exit(code: 128 + terminal.stopRequested) }
    }
}
