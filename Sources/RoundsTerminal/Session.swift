import RoundsUI

/// Runs the application on the real terminal until the user quits or a signal asks us to stop.
/// Between keys it polls the journal (others' changes appear within a quarter second), lets the
/// caller run background work (the demo's gentle simulator), and redraws; the terminal layer
/// sends nothing when the screen did not change.
public enum TerminalSession {
    public static func run(_ app: RoundsApp, terminal: CursesTerminal, background: () -> Void = {}) {
        defer { terminal.restore() }
        while app.running && terminal.stopRequested == 0 {
            let (w, h) = terminal.size
            terminal.draw(app.render(width: w, height: h, ascii: terminal.ascii))
            if let key = terminal.readKey(timeoutMilliseconds: 250) {
                app.handle(key)
                continue
            }
            app.poll()
            background()
        }
    }
}
