import RoundsReports

/// What a cell means, not how it looks: themes map each slot to colours and attributes, and the
/// monochrome theme to attributes alone. Clinical state is also always in the text (a glyph and
/// a word), so a slot only ever adds emphasis.
public enum StyleSlot: String, CaseIterable, Sendable {
    case normal, dim, header, headerAlert, paneTitle, paneTitleFocused, border, borderFocused
    case columnHeading, selected, selectedUnfocused, unitHeading
    case overdue, stat, urgent, routine, done
    case bedAvailable = "bed.available", bedReserved = "bed.reserved", bedOccupied = "bed.occupied"
    case bedDirty = "bed.dirty", bedCleaning = "bed.cleaning", bedBlocked = "bed.blocked"
    case labCritical = "lab.critical", labAbnormal = "lab.abnormal", labPending = "lab.pending"
    case messageUrgent = "message.urgent", messageUnread = "message.unread"
    case hintKey = "hint.key", hint
    case statusOK = "status.ok", statusError = "status.error", commandLine = "command.line"
    case overlay, overlayTitle = "overlay.title", fieldError = "field.error", field, fieldFocused = "field.focused"
    case banner
}

/// One terminal cell. A wide character occupies its cell and a following `continuation` cell.
public struct Cell: Equatable, Sendable {
    public var text: String
    public var style: StyleSlot
    public var continuation: Bool
    public static let blank = Cell(text: " ", style: .normal, continuation: false)
}

/// The screen as data: panes render into it, tests read it as text, the terminal layer draws it.
public struct Grid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Draw only ASCII (`LANG=C`, or a terminal that cannot show UTF-8).
    public var ascii: Bool

    public init(width: Int, height: Int, ascii: Bool = false) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.ascii = ascii
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    public mutating func fill(_ rect: Rect, style: StyleSlot = .normal) {
        for y in rect.y..<min(height, rect.y + rect.height) where y >= 0 {
            for x in rect.x..<min(width, rect.x + rect.width) where x >= 0 {
                set(x, y, Cell(text: " ", style: style, continuation: false))
            }
        }
    }

    /// Writes one cell, never leaving half of a double-width character behind: overwriting
    /// either half blanks the other.
    mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        if self[x, y].continuation, x > 0, !cell.continuation {
            self[x - 1, y] = Cell(text: " ", style: self[x - 1, y].style, continuation: false)
        }
        if x + 1 < width, self[x + 1, y].continuation, !cell.continuation {
            self[x + 1, y] = Cell(text: " ", style: self[x + 1, y].style, continuation: false)
        }
        self[x, y] = cell
    }

    /// Writes `text` at (x, y), clipped to `maxWidth` columns (and the grid). Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: StyleSlot = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth ?? width, width - max(0, x))
        var col = 0
        for ch in (ascii ? TextWidth.asciiFold(text) : text) {
            let w = TextWidth.of(ch)
            if w == 0 { continue }
            if col + w > limit { break }
            let cx = x + col
            if cx >= 0 {
                set(cx, y, Cell(text: String(ch), style: style, continuation: false))
                if w == 2, cx + 1 < width {
                    if cx + 2 < width, self[cx + 2, y].continuation { self[cx + 2, y] = Cell(text: " ", style: self[cx + 2, y].style, continuation: false) }
                    self[cx + 1, y] = Cell(text: "", style: style, continuation: true)
                }
            }
            col += w
        }
        return col
    }

    /// Writes `text` padded with spaces to exactly `width` columns.
    public mutating func putPadded(_ text: String, x: Int, y: Int, width w: Int, style: StyleSlot = .normal) {
        let used = put(text, x: x, y: y, style: style, maxWidth: w)
        if used < w { put(String(repeating: " ", count: w - used), x: x + used, y: y, style: style) }
    }

    /// Draws a box; the title sits in the top edge.
    public mutating func box(_ r: Rect, title: String, style: StyleSlot, titleStyle: StyleSlot) {
        guard r.width >= 2, r.height >= 2 else { return }
        let (h, v, tl, tr, bl, br) = ascii ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
        put(tl + String(repeating: h, count: r.width - 2) + tr, x: r.x, y: r.y, style: style)
        for y in (r.y + 1)..<(r.y + r.height - 1) {
            put(v, x: r.x, y: y, style: style)
            put(v, x: r.x + r.width - 1, y: y, style: style)
        }
        put(bl + String(repeating: h, count: r.width - 2) + br, x: r.x, y: r.y + r.height - 1, style: style)
        if !title.isEmpty, r.width > 6 { put(" \(title) ", x: r.x + 2, y: r.y, style: titleStyle, maxWidth: r.width - 4) }
    }

    /// The screen as plain text, one line per row, trailing blanks removed (for tests and captures).
    public var text: String {
        (0..<height).map { row(at: $0) }.joined(separator: "\n")
    }

    public func row(at y: Int) -> String {
        var line = ""
        for x in 0..<width where !self[x, y].continuation { line += self[x, y].text }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// The slot of the first cell of `needle` on the screen, for tests that check emphasis.
    public func style(of needle: String) -> StyleSlot? {
        for y in 0..<height {
            let line = row(at: y)
            guard let start = line.firstRange(of: needle)?.lowerBound else { continue }
            let col = TextWidth.of(String(line[..<start]))
            var x = 0, c = 0
            while x < width && c < col { if !self[x, y].continuation { c += TextWidth.of(self[x, y].text) }; x += 1 }
            while x < width && self[x, y].continuation { x += 1 }
            return x < width ? self[x, y].style : nil
        }
        return nil
    }
}

public struct Rect: Equatable, Sendable {
    public var x, y, width, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }
    public var inner: Rect { Rect(x: x + 1, y: y + 1, width: max(0, width - 2), height: max(0, height - 2)) }
}

/// Display width and ASCII fall-back for text.
public enum TextWidth {
    public static func of(_ ch: Character) -> Int {
        var w = 0
        for (i, u) in ch.unicodeScalars.enumerated() { let uw = DisplayWidth.width(u); w = i == 0 ? uw : max(w, uw) }
        if ch.unicodeScalars.first.map({ $0.value < 0x20 || $0.value == 0x7F }) == true { return 0 }
        return w
    }
    public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }

    /// Fits `s` into `width` columns, ending with `…` (or `~` in ASCII) when cut.
    public static func truncate(_ s: String, to width: Int, ascii: Bool = false) -> String {
        guard width > 0 else { return "" }
        if of(s) <= width { return s }
        var out = ""
        var used = 0
        for ch in s {
            let w = of(ch)
            if used + w > width - 1 { break }
            out.append(ch)
            used += w
        }
        return out + (ascii ? "~" : "…")
    }

    public static func pad(_ s: String, to width: Int) -> String {
        let t = truncate(s, to: width)
        let w = of(t)
        return w >= width ? t : t + String(repeating: " ", count: width - w)
    }

    /// Letters without their accents and symbols replaced by ASCII look-alikes, for `LANG=C`.
    public static func asciiFold(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch.isASCII { out.append(ch); continue }
            if let mapped = symbols[ch] { out += mapped; continue }
            let base = ch.unicodeScalars.first!
            if base.isASCII { out.append(Character(base)); continue }
            if let folded = fold[base] { out += folded; continue }
            if let decomposed = String(ch).decomposedBase, decomposed.isASCII { out.append(decomposed); continue }
            out += TextWidth.of(ch) == 2 ? "??" : "?"
        }
        return out
    }

    static let symbols: [Character: String] = [
        "●": "*", "○": "o", "◐": "r", "✗": "x", "~": "~", "■": "#", "…": "~", "—": "-", "–": "-", "→": "->", "←": "<-",
        "▲": "^", "▼": "v", "‼": "!!", "⚠": "!", "✓": "v", "·": ".", "•": "*", "“": "\"", "”": "\"", "‘": "'", "’": "'",
        "⌛": "", "⇥": ">", "▶": ">", "▏": "_", "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+", "µ": "u", "×": "x", "⁹": "9",
    ]
    static let fold: [Unicode.Scalar: String] = [
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "ı": "i",
        "þ": "th", "ð": "d",
    ]
}

extension String {
    /// The first scalar of the canonical decomposition (é → e), when it differs from the text.
    var decomposedBase: Character? {
        // Latin-1 Supplement and Latin Extended-A/B letters with diacritics, by table-free rule:
        // Swift has no NFD on Linux without Foundation, so map the common blocks by hand.
        guard let u = unicodeScalars.first else { return nil }
        return LatinFold.base(of: u)
    }
}

/// Base letters for accented Latin letters (U+00C0–U+024F, plus Vietnamese U+1EA0–U+1EF9).
enum LatinFold {
    static func base(of u: Unicode.Scalar) -> Character? {
        let v = u.value
        let table: [(ClosedRange<UInt32>, String)] = [
            (0xC0...0xC5, "A"), (0xC7...0xC7, "C"), (0xC8...0xCB, "E"), (0xCC...0xCF, "I"), (0xD1...0xD1, "N"), (0xD2...0xD6, "O"),
            (0xD9...0xDC, "U"), (0xDD...0xDD, "Y"), (0xE0...0xE5, "a"), (0xE7...0xE7, "c"), (0xE8...0xEB, "e"), (0xEC...0xEF, "i"),
            (0xF1...0xF1, "n"), (0xF2...0xF6, "o"), (0xF9...0xFC, "u"), (0xFD...0xFD, "y"), (0xFF...0xFF, "y"),
        ]
        for (r, b) in table where r.contains(v) { return Character(b) }
        if (0x100...0x17F).contains(v) {
            // Latin Extended-A comes in upper/lower pairs in alphabetical runs.
            let runs: [(UInt32, UInt32, String)] = [
                (0x100, 0x105, "Aa"), (0x106, 0x10D, "Cc"), (0x10E, 0x111, "Dd"), (0x112, 0x11B, "Ee"), (0x11C, 0x123, "Gg"),
                (0x124, 0x127, "Hh"), (0x128, 0x131, "Ii"), (0x134, 0x135, "Jj"), (0x136, 0x138, "Kk"), (0x139, 0x142, "Ll"),
                (0x143, 0x14B, "Nn"), (0x14C, 0x151, "Oo"), (0x154, 0x159, "Rr"), (0x15A, 0x161, "Ss"), (0x162, 0x167, "Tt"),
                (0x168, 0x173, "Uu"), (0x174, 0x175, "Ww"), (0x176, 0x178, "Yy"), (0x179, 0x17E, "Zz"),
            ]
            for (lo, hi, pair) in runs where (lo...hi).contains(v) {
                let upper = (v - lo) % 2 == 0
                return upper ? pair.first! : pair.last!
            }
        }
        if (0x1EA0...0x1EF9).contains(v) {
            let runs: [(UInt32, UInt32, String)] = [(0x1EA0, 0x1EB7, "Aa"), (0x1EB8, 0x1EC7, "Ee"), (0x1EC8, 0x1ECB, "Ii"),
                                                    (0x1ECC, 0x1EE3, "Oo"), (0x1EE4, 0x1EF1, "Uu"), (0x1EF2, 0x1EF9, "Yy")]
            for (lo, hi, pair) in runs where (lo...hi).contains(v) { return (v - lo) % 2 == 0 ? pair.first! : pair.last! }
        }
        if v == 0x1A1 { return "o" }; if v == 0x1A0 { return "O" }; if v == 0x1B0 { return "u" }; if v == 0x1AF { return "U" }
        return nil
    }
}
