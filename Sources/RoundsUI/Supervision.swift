import RoundsDomain
import RoundsEngine
import RoundsReports

/// The outcome of checking a password.
public enum Authentication: Equatable, Sendable {
    case accepted
    /// The password was wrong, or the account may not log in now; the text says which.
    case refused(String)
    /// The check itself could not be made (no PAM service, a prompt Rounds cannot answer).
    case unavailable(String)
}

/// Re-authenticates the person at the keyboard before a locked screen opens again. The real
/// program uses PAM (`RoundsAuth`); tests use a fake.
public protocol Authenticator {
    func authenticate(login: String, password: String) -> Authentication
}

/// The lock screen's state.
public struct LockScreen: Sendable {
    public var since: Timestamp
    /// How it came to lock: "after 5m without a key", "with Ctrl-L".
    public var why: String
    /// The password being typed, once Enter has been pressed.
    var password: LineEditor?
    public internal(set) var message: String?
    public internal(set) var failures = 0
}

/// The lock screen takes every key before anything else and draws the whole screen (no
/// header): it is not one of the app's screens (`AppScreen`) but a value of its own that says
/// what should happen next, as htop's panel handlers do.
extension LockScreen {
    enum Next: Equatable {
        case stay
        /// q before a password is typed: close Rounds.
        case quit
        /// Enter after a password: check it.
        case checkPassword(String)
    }

    mutating func handle(_ key: Key) -> Next {
        guard var editor = password else {
            switch key {
            case .enter:
                password = LineEditor()
                message = nil
            case .char("q"), .char("Q"):
                return .quit
            default:
                break
            }
            return .stay
        }
        switch key {
        case .escape:
            password = nil
        case .enter:
            password = nil
            return .checkPassword(editor.text)
        default:
            _ = editor.handle(key)
            password = editor
        }
        return .stay
    }

    /// The whole screen while locked: no patient data, only who is signed in and how to unlock.
    func draw(into g: inout Grid, login: Login, wallClock: WallClock) {
        let l = self
        g.fill(Rect(x: 0, y: 0, width: g.width, height: 1), style: .header)
        g.put(" Rounds · locked", x: 0, y: 0, style: .header)
        var lines: [(String, StyleSlot)] = [
            ("Rounds is locked — patient data is hidden", .overlayTitle),
            ("", .overlay),
            ("Locked \(l.why) at \(wallClock.hhmm(l.since)). Signed in as \(login).", .overlay),
            ("", .overlay),
        ]
        if let p = l.password {
            // Nothing of the password is shown, not even its length.
            lines.append(("Password for \(login): " + (p.text.isEmpty ? "▏" : "•••▏"), .fieldFocused))
            lines.append(("Enter unlocks · Esc cancels", .dim))
        } else {
            lines.append(("Enter: type your password to unlock · q: close Rounds (nothing recorded is lost)", .overlay))
        }
        if let m = l.message { lines.append(("", .overlay)); lines.append((m, .fieldError)) }
        let width = min(g.width - 4, 100)
        let x = max(1, (g.width - width) / 2)
        let top = max(2, (g.height - lines.count) / 2)
        let box = Rect(x: x - 1, y: top - 1, width: width + 2, height: lines.count + 2)
        g.fill(box, style: .overlay)
        g.box(box, title: "Locked", style: .overlay, titleStyle: .overlayTitle)
        for (i, line) in lines.enumerated() {
            g.put(line.0, x: x + 1, y: top + i, style: line.1, maxWidth: width - 2)
        }
    }
}

extension RoundsApp {
    // MARK: - Automatic logoff and the privacy screen

    /// Hides all patient data at once. Nothing typed is lost: forms and the command line stay
    /// as they were, under the lock.
    public func lockNow(why: String) {
        guard lock == nil else { return }
        lock = LockScreen(since: engine.clock.now(), why: why)
    }

    /// A key while locked: the lock screen says what should happen next.
    func handleLock(_ key: Key) {
        guard var l = lock else { return }
        let next = l.handle(key)
        lock = l
        switch next {
        case .stay: break
        case .quit: running = false
        case .checkPassword(let typed): unlock(with: typed)
        }
    }

    func unlock(with password: String) {
        guard var l = lock else { return }
        let outcome = authenticator?.authenticate(login: engine.actor, password: password)
            ?? .unavailable("this Rounds has no way to check passwords")
        switch outcome {
        case .accepted:
            lock = nil
            lastActivity = engine.clock.now()
            setStatus("Unlocked. Welcome back, \(engine.actor).")
        case .refused(let why):
            l.failures += 1
            l.message = "✗ Not accepted (\(why)). Enter to try again; q closes Rounds."
            lock = l
        case .unavailable(let why):
            l.message = "✗ Cannot check your password here: \(why). Patient data stays hidden. Press q to close Rounds, then start it again from your own login."
            lock = l
        }
    }
}

/// The supervisor view (S): capacity by unit, escalations, overdue work by owner, critical
/// results past their window, break-glass awaiting review and the feeds; on a wall display,
/// the same without patient identifiers, turning its own pages.
final class SupervisorScreen: AppScreen {
    unowned let app: RoundsApp
    let id = Screen.supervisor
    var supervisorScroll = 0
    /// Lines and rows of the supervisor view as last drawn (a wall display pages through them).
    var supervisorShown = (lines: 0, visible: 0)
    var lastPage = Timestamp(milliseconds: 0)
    var supervisorCache: (key: RoundsApp.RecordKey, feeds: [FeedHealthLine], lines: [(String, StyleSlot)])?

    init(app: RoundsApp) { self.app = app }

    var toggle: ActionID? { .supervisor }
    var hints: [Action] { [.supervisor, .reviewGrant, .down, .pageDown, .help, .commandLine, .quit].map(ActionTable.action) }
    func opened() { supervisorScroll = 0 }
    func draw(into g: inout Grid, body: Rect) { drawSupervisor(&g, body) }

    func nothingHere(_ c: Character) -> String { "'\(c)' does nothing in the supervisor view; S returns to the panes, ? lists the keys" }

    func perform(_ action: Action) -> Handled {
        let page = 10
        switch action.id {
        case .up: supervisorScroll = max(0, supervisorScroll - 1)
        case .down: supervisorScroll += 1
        case .pageUp: supervisorScroll = max(0, supervisorScroll - page)
        case .pageDown: supervisorScroll += page
        case .top: supervisorScroll = 0
        case .bottom: supervisorScroll = 1_000_000
        case .focusWorklist, .focusBeds, .focusLabs, .focusMessages, .nextPane, .previousPane:
            if wall { setStatus("A wall display shows the overview only", error: true); return .handled }
            return app.returnToPanes(action)
        case .open, .patient, .filter, .sort, .discharge:
            setStatus("\(action.title) works in the panes; S returns to them", error: true)
        default:
            return .unhandled
        }
        return .handled
    }

    /// A wall display has nobody to scroll it: it turns the page every ten seconds.
    func poll() -> Bool {
        guard wall, supervisorShown.lines > supervisorShown.visible, engine.clock.now() - lastPage >= .seconds(10) else { return false }
        lastPage = engine.clock.now()
        let next = supervisorScroll + max(1, supervisorShown.visible - 2)
        supervisorScroll = next >= supervisorShown.lines ? 0 : next
        return true
    }

    /// The overview as lines: each section's title, column headings, rows and notes.
    func supervisorLines(width: Int) -> [(String, StyleSlot)] {
        let key = recordKey()
        let feeds = app.currentFeedHealth()
        if let cached = supervisorCache, cached.key == key, cached.feeds == feeds { return cached.lines }
        let tables = SupervisorOverview.tables(state, ReportContext(now: now, wallClock: engine.wallClock), minimal: wall)
            + [app.feedsTable(feeds, openItems: state.feeds.openItems.count)]
        var lines: [(String, StyleSlot)] = []
        for t in tables {
            let text = t.renderText().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (i, line) in text.enumerated() {
                let style: StyleSlot
                switch i {
                case 0: style = .unitHeading
                case 1: style = .columnHeading
                case 2: style = .dim
                default:
                    if line.contains("‼") { style = .overdue }
                    else if line.contains("⚠") { style = .banner }
                    else if line.hasPrefix("(none)") || i >= 3 + t.rows.count { style = .dim }
                    else { style = .normal }
                }
                if i == 2 { continue }   // the dashes: the heading style already sets the columns apart
                lines.append((line, style))
            }
        }
        supervisorCache = (key, feeds, lines)
        return lines
    }

    func drawSupervisor(_ g: inout Grid, _ body: Rect) {
        let title = wall ? "Supervisor overview (wall display: no patient identifiers)" : "Supervisor view · S or 1–4 return to the panes · R reviews break-glass"
        g.box(body, title: title, style: .borderFocused, titleStyle: .paneTitleFocused)
        let inner = body.inner
        let lines = supervisorLines(width: inner.width)
        let visible = inner.height
        supervisorShown = (lines.count, visible)
        supervisorScroll = max(0, min(supervisorScroll, lines.count - visible))
        for (n, line) in lines.dropFirst(supervisorScroll).prefix(visible).enumerated() {
            g.put(TextWidth.truncate(line.0, to: inner.width, ascii: g.ascii), x: inner.x, y: inner.y + n, style: line.1, maxWidth: inner.width)
        }
        if lines.count > visible {
            let more = "\(supervisorScroll + 1)–\(min(lines.count, supervisorScroll + visible)) of \(lines.count) lines"
            g.put(g.ascii ? more.replacingOccurrences(of: "–", with: "-") : more, x: body.x + max(0, body.width - TextWidth.of(more) - 2), y: body.y + body.height - 1, style: .dim)
        }
    }

}

extension RoundsApp {
    // MARK: - Break-glass

    func breakGlassForm() {
        if sessionReadOnly { setStatus("✗ this session is read-only (\(readOnly ?? "--read-only")): break-glass is not available here", error: true); return }
        if let g = state.activeGrant(of: engine.actor, at: now) {
            setStatus("Break-glass \(g.id) is already in force until \(engine.wallClock.hhmm(g.ends)); :break-glass end ends it early")
            return
        }
        let limit = BreakGlass.longest
        overlay = .form(Form(title: "Break the glass: emergency access, recorded and reviewed", fields: [
            Form.Field("Why you must", hint: "at least \(BreakGlass.shortestReason) characters, e.g. covering 4W during a code") { v in
                v.count < BreakGlass.shortestReason ? "say why, in at least \(BreakGlass.shortestReason) characters" : nil
            },
            Form.Field("For how long", hint: "optional, up to \(limit): 15m, 30m (default \(state.policy.breakGlass))", required: false) { v in
                guard let span = CommandParser.parseSpan(v) else { return "a duration such as 15m or 30m" }
                return span > limit || span < .minutes(1) ? "from 1m to \(limit)" : nil
            },
        ]) { v in "break-glass \(v[0].quoted)" + (v[1].isEmpty ? "" : " for \(v[1])") })
    }

    func reviewForm() {
        if sessionReadOnly { setStatus("✗ this session is read-only: reviews are not available here", error: true); return }
        let ended = state.grantsAwaitingReview.filter { !$0.isActive(at: now) }
        guard let first = ended.first else {
            setStatus(state.grantsAwaitingReview.isEmpty ? "No break-glass use is waiting for review" : "Break-glass in force cannot be reviewed until it ends", error: true)
            return
        }
        let queue = Set(ended.map(\.id.description))
        overlay = .form(Form(title: "Review break-glass (\(ended.count) waiting; oldest \(first.id) by \(first.login), \(first.actionCount) actions)", fields: [
            Form.Field("Grant", hint: "waiting: " + ended.prefix(8).map(\.id.description).joined(separator: " "), value: first.id.description) { v in
                queue.contains(v.uppercased()) ? nil : "not an ended grant awaiting review"
            },
            Form.Field("Verdict", hint: ReviewVerdict.words) { v in ReviewVerdict.parse(Substring(v)) == nil ? ReviewVerdict.words : nil },
            Form.Field("Note", hint: "required unless appropriate", required: false),
        ]) { v in "break-glass review \(v[0].uppercased()) \(v[1].lowercased())" + (v[2].isEmpty ? "" : " note \(v[2].quoted)") })
    }
}
