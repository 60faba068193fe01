import RoundsUI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the application on the real terminal until the user quits or a signal asks us to stop.
/// Between keys it polls the journal (others' changes appear within a quarter second), lets the
/// caller run background work (the demo's gentle simulator), and redraws; the terminal layer
/// sends nothing when the screen did not change.
///
/// While the app has idle work (search text to lay out, `RoundsApp.hasIdleWork`) it polls
/// every 10 ms instead of every 250 ms, so the work is done in small slices between keys; a
/// key waits for at most one slice. The journal is read at most every 250 ms (a poll in
/// between only does idle work): under a feed writing every few milliseconds, reading it on
/// every 10 ms poll would catch up and draw a frame each time and leave no slice for idle
/// work. The frame is drawn after a key, after a poll that found a change, and at least every
/// quarter second (the header's clock).
public enum TerminalSession {
    public static func run(_ app: RoundsApp, terminal: CursesTerminal, background: () -> Void = {}) {
        defer { terminal.restore() }
        var redraw = true
        var drawn = 0.0
        var read = 0.0
        while app.running && terminal.stopRequested == 0 {
            // The size is checked on every pass, not only when SIGWINCH says it changed.
            if terminal.checkSize() { redraw = true }
            if app.takeRedrawRequest() { terminal.repaint(); redraw = true }
            if redraw || seconds() - drawn >= 0.25 {
                let (w, h) = terminal.size
                terminal.draw(app.render(width: w, height: h, ascii: terminal.ascii))
                drawn = seconds()
            }
            if let key = terminal.readKey(timeoutMilliseconds: app.hasIdleWork ? 10 : 250) {
                app.handle(key)
                redraw = true
                continue
            }
            let refresh = seconds() - read >= 0.25
            if refresh { read = seconds() }
            redraw = app.poll(refresh: refresh)
            background()
        }
    }

    private static func seconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
