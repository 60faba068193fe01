import RoundsDomain
import RoundsEngine

/// What a screen did with a key or an action: took it, or left it to the app.
enum Handled {
    case handled
    case unhandled
}

/// One screen of Rounds: what fills the rows between the header and the key-hint bar (the
/// panes, the supervisor view, the handover walkthrough, the interface items). Like htop's
/// `Panel` and tig's views, each screen owns its state (selection, scroll, what it last drew,
/// its caches), draws itself into the `Grid` and turns keys into what should happen next; the
/// app composes them (`RoundsApp.screens`) and keeps what every screen shares: the engine and
/// the moment shown (time travel), the header, status and command lines, overlays, forms and
/// help, and the one action table. Docs/ARCHITECTURE.md, "Adding a screen".
///
/// A key reaches the shown screen after the lock, the overlays and the command line have had
/// their turn: first as a key (`handle`), then as the action the table gives it in the
/// screen's `scope` (its own actions first, then the global ones, `perform`). What the screen
/// leaves unhandled the app performs.
protocol AppScreen: AnyObject {
    /// The app the screen belongs to: through it a screen asks for shared things (the state,
    /// the status line, an overlay, another screen). Unowned: the app holds its screens.
    var app: RoundsApp { get }
    /// Which screen this is (`RoundsApp.screen` names the one shown).
    var id: Screen { get }
    /// The action-table scope whose keys this screen takes before the global ones; nil for
    /// global keys only.
    var scope: ActionScope? { get }
    /// The global action that opens this screen and, pressed on it, returns to the panes
    /// (`S`, `H`, `I`); the hint bar calls it "panes" there. nil: opened some other way.
    var toggle: ActionID? { get }
    /// The key-hint bar's actions while this screen is shown, in order.
    var hints: [Action] { get }
    /// Draws the screen into `body` (the rows between the header and the hint bar). May
    /// remember what it drew, so that keys act on what is on screen.
    func draw(into g: inout Grid, body: Rect)
    /// A key before the action table is asked (Esc returning to the panes, say).
    func handle(_ key: Key) -> Handled
    /// An action of this screen's scope or a global one; `.unhandled` leaves it to the app.
    func perform(_ action: Action) -> Handled
    /// The status line for a character key that means nothing on this screen.
    func nothingHere(_ c: Character) -> String
    /// Called when the screen is opened with its `toggle` key.
    func opened()
    /// A poll of the live loop: true when the screen changed by itself (a wall display
    /// turning its page).
    func poll() -> Bool
}

extension AppScreen {
    var scope: ActionScope? { nil }
    var toggle: ActionID? { nil }
    func handle(_ key: Key) -> Handled { .unhandled }
    func opened() {}
    func poll() -> Bool { false }

    // What screens share, asked of the app.
    var state: HospitalState { app.state }
    var now: Timestamp { app.now }
    var engine: Engine { app.engine }
    var wall: Bool { app.wall }
    var status: (text: String, error: Bool) { app.status }
    var overlay: Overlay? {
        get { app.overlay }
        set { app.overlay = newValue }
    }
    func setStatus(_ text: String, error: Bool = false) { app.setStatus(text, error: error) }
    func unavailable(_ reason: String) { app.unavailable(reason) }
    func submit(_ line: String) { app.submit(line) }
    func audit(_ kind: AccessKind, patient: MRN?, detail: String) { app.audit(kind, patient: patient, detail: detail) }
    func openPatient(_ mrn: MRN) { app.openPatient(mrn) }
    func recordKey() -> RoundsApp.RecordKey { app.recordKey() }
    func drawn(_ text: String, _ g: Grid) -> String { app.drawn(text, g) }
}

extension RoundsApp {
    /// The screen shown now.
    var shownScreen: any AppScreen { screen(screen) }

    /// The screen `id`.
    func screen(_ id: Screen) -> any AppScreen {
        switch id {
        case .panes: panes
        case .supervisor: supervisorScreen
        case .handover: handoverScreen
        case .interface: interfaceScreen
        case .schedule: scheduleScreen
        case .loops: loopsScreen
        case .supplies: suppliesScreen
        }
    }

    /// Every screen, in the order of `Screen`.
    var screens: [any AppScreen] { Screen.allCases.map(screen) }

    /// A key in normal mode: the shown screen first, then the action table in the screen's
    /// scope (its own actions, then the global ones): the screen performs it or leaves it to
    /// the app.
    func handleScreenKey(_ key: Key) {
        let shown = shownScreen
        if shown.handle(key) == .handled { return }
        guard let action = ActionTable.action(for: key, in: shown.scope) else {
            if case .char(let c) = key { setStatus(shown.nothingHere(c), error: true) }
            return
        }
        if shown.perform(action) == .handled { return }
        perform(action.id)
    }

    /// Back to the panes from another screen, with the action that asked for it (`1`–`4`, Tab).
    func returnToPanes(_ action: Action) -> Handled {
        screen = .panes
        return panes.perform(action)
    }
}
