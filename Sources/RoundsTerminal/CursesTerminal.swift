#if canImport(Glibc)
import Glibc
#endif
import CNCurses
import Synchronization
import RoundsUI

/// The signal that asked us to stop (0 while none has). Set from signal handlers.
let stopSignal = Atomic<Int32>(0)

/// The real terminal, through ncursesw. The only code in Rounds that touches curses.
public final class CursesTerminal {
    public let ascii: Bool
    public let theme: ResolvedTheme
    private var started = false
    private var last: Grid?
    private var pairs: [StyleSlot: (attr_t, Int16)] = [:]

    /// `setlocale` first, so wide characters and UTF-8 work; ASCII when the locale is not UTF-8.
    public init(theme: Theme, noColor: Bool) {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        ascii = codeset.uppercased() != "UTF-8"
        initscr()
        started = true
        cbreak()
        noecho()
        nonl()
        keypad(rc_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        let colors = !noColor && has_colors()
        if colors {
            start_color()
            use_default_colors()
        }
        self.theme = theme.resolve(colors: colors ? Int(rc_colors()) : 0)
        var next: Int16 = 1
        for slot in StyleSlot.allCases {
            let style = self.theme.style(slot)
            var attrs = rc_a_normal()
            if style.bold { attrs |= rc_a_bold() }
            if style.reverse { attrs |= rc_a_reverse() }
            if style.underline { attrs |= rc_a_underline() }
            if style.dim { attrs |= rc_a_dim() }
            var pair: Int16 = 0
            if colors, style.foreground != nil || style.background != nil, Int(next) < Int(rc_color_pairs()) {
                init_pair(next, Int16(style.foreground ?? -1), Int16(style.background ?? -1))
                pair = next
                next += 1
            }
            pairs[slot] = (attrs, pair)
        }
        CursesTerminal.installSignalHandlers()
    }

    deinit { restore() }

    /// Puts the terminal back as it was: blank the screen first, so that on terminals without an
    /// alternate screen no patient data is left behind, then leave curses.
    public func restore() {
        guard started else { return }
        started = false
        erase()
        refresh()
        endwin()
    }

    public var size: (width: Int, height: Int) { (Int(rc_cols()), Int(rc_lines())) }

    /// Asks the kernel for the terminal's size and, when curses has not caught up (no SIGWINCH
    /// came: a session started through `su -c`, some multiplexers), tells curses. Called on every
    /// poll. Returns true when the size changed.
    @discardableResult
    public func checkSize() -> Bool {
        var rows: Int32 = 0, cols: Int32 = 0
        guard rc_tty_size(&rows, &cols) == 0, rows != rc_lines() || cols != rc_cols() else { return false }
        resizeterm(rows, cols)
        last = nil
        return true
    }

    /// The redraw key: the size checked, every cell sent again at the next draw.
    public func repaint() {
        checkSize()
        last = nil
        erase()
        rc_repaint_all()
    }

    /// Draws the grid. Nothing is sent when nothing changed; curses sends only changed cells.
    public func draw(_ grid: Grid) {
        if let last, last == grid { return }
        if last?.width != grid.width || last?.height != grid.height { erase() }
        for y in 0..<grid.height {
            var x = 0
            while x < grid.width {
                let style = grid[x, y].style
                var run: [wchar_t] = []
                let start = x
                while x < grid.width, grid[x, y].style == style {
                    let cell = grid[x, y]
                    if !cell.continuation { for u in cell.text.unicodeScalars { run.append(wchar_t(bitPattern: u.value)) } }
                    x += 1
                }
                let (attrs, pair) = pairs[style] ?? (rc_a_normal(), 0)
                // The bottom-right cell is left alone: writing it scrolls some terminals.
                let n = y == grid.height - 1 && x == grid.width ? max(0, run.count - 1) : run.count
                // ncurses reads the character after the n it is given (it tests for the end of the
                // string before it counts), so the run ends in a NUL it may read: without one it
                // read past the buffer, and AddressSanitizer's layout turned that into SIGSEGV.
                run.append(0)
                run.withUnsafeBufferPointer { _ = rc_put(Int32(y), Int32(start), $0.baseAddress, Int32(n), attrs, pair) }
            }
        }
        refresh()
        last = grid
    }

    /// Waits up to `timeoutMilliseconds` for a key.
    public func readKey(timeoutMilliseconds: Int32) -> Key? {
        timeout(timeoutMilliseconds)
        var ch: wint_t = 0
        let r = get_wch(&ch)
        if r == ERR { return nil }
        if r == rc_key_code_yes() {
            switch Int32(ch) {
            case rc_key_resize(): last = nil; return .resize
            case rc_key_up(): return .up
            case rc_key_down(): return .down
            case rc_key_left(): return .left
            case rc_key_right(): return .right
            case rc_key_ppage(): return .pageUp
            case rc_key_npage(): return .pageDown
            case rc_key_home(): return .home
            case rc_key_end(): return .end
            case rc_key_enter(): return .enter
            case rc_key_backspace(): return .backspace
            case rc_key_dc(): return .delete
            case rc_key_btab(): return .backTab
            default:
                let f = Int32(ch) - rc_key_f0()
                return (1...12).contains(f) ? .function(Int(f)) : nil
            }
        }
        switch ch {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return escapeSequence()
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(ch) + 96)))
        default:
            guard let u = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(u))
        }
    }

    /// After an ESC: a key's escape sequence that the terminal description did not name (tmux
    /// sends `ESC [ 4 ~` for End whatever TERM says) is read whole and mapped, or dropped whole,
    /// never read as Esc, `[`, `4` and `~` (which would switch to pane 4). A lone ESC is Esc;
    /// ESC and another key is Esc, then that key.
    func escapeSequence() -> Key? {
        timeout(0)   // a sequence's bytes arrive together
        var next: wint_t = 0
        guard get_wch(&next) == OK else { return .escape }
        guard next == 91 || next == 79 else {   // "[" or "O"
            unget_wch(wchar_t(bitPattern: UInt32(next)))
            return .escape
        }
        var body = String(Character(Unicode.Scalar(UInt8(next))))
        for _ in 0..<12 {
            var c: wint_t = 0
            guard get_wch(&c) == OK, let u = Unicode.Scalar(UInt32(c)) else { break }
            body.append(Character(u))
            if (64...126).contains(c) { break }   // the final byte
        }
        switch body {
        case "[A", "OA": return .up
        case "[B", "OB": return .down
        case "[C", "OC": return .right
        case "[D", "OD": return .left
        case "[H", "OH", "[1~", "[7~": return .home
        case "[F", "OF", "[4~", "[8~": return .end
        case "[5~": return .pageUp
        case "[6~": return .pageDown
        case "[3~": return .delete
        case "[Z": return .backTab
        default: return nil   // not a key Rounds uses: dropped whole
        }
    }

    /// The signal that asked Rounds to stop, if any.
    public var stopRequested: Int32 { stopSignal.load(ordering: .relaxed) }

    /// SIGINT, SIGTERM and SIGHUP ask the main loop to restore the terminal and leave; crashes
    /// restore it before the default action, so the terminal is usable afterwards.
    static func installSignalHandlers() {
        // A parent may have left these blocked (a test harness, a supervisor); resizing and
        // stopping depend on them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT] { sigaddset(&unblock, s) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for s in [SIGINT, SIGTERM, SIGHUP] {
            signal(s) { sig in stopSignal.store(sig, ordering: .relaxed) }
        }
        for s in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            signal(s) { sig in
                endwin()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }
}
