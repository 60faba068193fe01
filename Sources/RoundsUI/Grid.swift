import RoundsReports
import RoundsDomain

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
        if text.isPrintableASCII { return putASCII(text, x: x, y: y, style: style, limit: limit) }
        if !ascii, TextWidth.isSimple(text) { return putScalars(text, x: x, y: y, style: style, limit: limit) }
        return putCharacters(text, x: x, y: y, style: style, limit: limit)
    }

    /// `put` a scalar at a time, for text whose every scalar is a character of its own
    /// (`TextWidth.isSimple`: accented names, box lines, marks like ‼ and ●); the same cells
    /// as `putCharacters`, without finding character boundaries.
    mutating func putScalars(_ text: String, x: Int, y: Int, style: StyleSlot, limit: Int) -> Int {
        var col = 0
        for u in text.unicodeScalars {
            let w = DisplayWidth.width(u)
            if w == 0 { continue }
            if col + w > limit { break }
            let cx = x + col
            if cx >= 0 {
                set(cx, y, Cell(text: u.value < 0x80 ? Grid.asciiText[Int(u.value)] : String(Character(u)), style: style, continuation: false))
                if w == 2, cx + 1 < width {
                    if cx + 2 < width, self[cx + 2, y].continuation { self[cx + 2, y] = Cell(text: " ", style: self[cx + 2, y].style, continuation: false) }
                    self[cx + 1, y] = Cell(text: "", style: style, continuation: true)
                }
            }
            col += w
        }
        return col
    }

    /// `put` a character at a time, for any text (the ASCII run above must give the same grid).
    mutating func putCharacters(_ text: String, x: Int, y: Int, style: StyleSlot, limit: Int) -> Int {
        var col = 0
        // Whatever the text holds (a name from an old journal with an ESC or a bidirectional
        // override in it), no control character reaches the terminal: it is shown as `\u{1B}`.
        let safe = text.terminalSafe
        for ch in (ascii ? TextWidth.asciiFold(safe) : safe) {
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

    /// `put` for printable ASCII (most of what panes show): one column a byte, written as a run.
    private mutating func putASCII(_ text: String, x: Int, y: Int, style: StyleSlot, limit: Int) -> Int {
        let count = min(text.utf8.count, max(0, limit))
        var bytes = text.utf8.makeIterator()
        writeRun(x: x, y: y, count: count, style: style) { _ in Grid.asciiText[Int(bytes.next() ?? 0x20)] }
        return count
    }

    /// Writes `count` single-width cells from (x, y) (clipped to the row) with the texts `next`
    /// gives in turn, checking only the run's two ends for halves of a double-width character:
    /// what `set` does cell by cell.
    private mutating func writeRun(x: Int, y: Int, count: Int, style: StyleSlot, _ next: (Int) -> String) {
        guard y >= 0, y < height, count > 0 else { return }
        let first = max(x, 0), end = min(x + count, width)
        guard first < end else { return }
        let row = y * width
        cells.withUnsafeMutableBufferPointer { cells in
            if cells[row + first].continuation, first > 0 {
                cells[row + first - 1] = Cell(text: " ", style: cells[row + first - 1].style, continuation: false)
            }
            if end < width, cells[row + end].continuation {
                cells[row + end] = Cell(text: " ", style: cells[row + end].style, continuation: false)
            }
            for cx in x..<(x + count) {
                let text = next(cx)
                if cx >= first && cx < end { cells[row + cx] = Cell(text: text, style: style, continuation: false) }
            }
        }
    }

    /// One-character strings for each ASCII byte (small strings: no allocation to copy).
    static let asciiText: [String] = (0..<128).map { String(UnicodeScalar(UInt8($0))) }

    /// Writes `text` padded with spaces to exactly `width` columns.
    public mutating func putPadded(_ text: String, x: Int, y: Int, width w: Int, style: StyleSlot = .normal) {
        let used = put(text, x: x, y: y, style: style, maxWidth: w)
        if used < w { writeRun(x: x + used, y: y, count: min(w - used, width - max(0, x + used)), style: style) { _ in " " } }
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
    public static func of(_ s: String) -> Int {
        if s.isPrintableASCII { return s.utf8.count }
        if isSimple(s) { return DisplayWidth.of(s) }
        return s.reduce(0) { $0 + of($1) }
    }

    /// Whether every scalar of `s` is a character of its own, printable, whose width
    /// `DisplayWidth` gives: Latin letters with accents (precomposed), punctuation, arrows, box
    /// lines and symbols. No combining mark, joiner, variation selector, control, bidirectional
    /// mark or Hangul jamo falls in these ranges, so such text can be measured and drawn a scalar
    /// at a time, with the widths character-by-character reading gives.
    @inlinable
    public static func isSimple(_ s: String) -> Bool {
        for u in s.unicodeScalars {
            switch u.value {
            case 0x20...0x7E, 0xA0...0x2FF, 0x1E00...0x1EFF, 0x2010...0x2027, 0x2030...0x205E, 0x2190...0x23FF, 0x2500...0x26FF: continue
            default: return false
            }
        }
        return true
    }

    /// Fits `s` into `width` columns, ending with `…` (or `~` in ASCII) when cut. In ASCII the
    /// text is folded first, so its width is the width drawn (`‼` is `!!`, two columns).
    public static func truncate(_ s: String, to width: Int, ascii: Bool = false) -> String {
        guard width > 0 else { return "" }
        if s.isPrintableASCII {
            // One column a byte: cut by bytes, not characters.
            if s.utf8.count <= width { return s }
            return String(decoding: s.utf8.prefix(width - 1), as: UTF8.self) + (ascii ? "~" : "…")
        }
        let s = ascii ? asciiFold(s) : s
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

    /// `s` in lines of at most `width` columns, broken at spaces (a word longer than a line is
    /// broken where it must); lines after the first start with `indent` spaces.
    public static func wrap(_ s: String, width: Int, indent: Int = 0) -> [String] {
        guard width > indent + 4, of(s) > width else { return [s] }
        let pad = String(repeating: " ", count: indent)
        var out: [String] = []
        // Leading spaces are kept (an indented line stays indented).
        let leading = s.prefix { $0 == " " }.count
        var line = String(repeating: " ", count: leading), used = leading
        let s = s.dropFirst(leading)
        func flush() { out.append(line); line = pad; used = indent }
        for word in s.split(separator: " ", omittingEmptySubsequences: false) {
            let w = of(String(word))
            let gap = (used == (out.isEmpty ? leading : indent)) ? 0 : 1
            if used + gap + w <= width { line += (gap == 1 ? " " : "") + word; used += gap + w; continue }
            if used > (out.isEmpty ? leading : indent) { flush() }
            // A word longer than a line: as much as fits, then the rest on the next lines.
            for ch in word {
                let cw = of(ch)
                if used + cw > width { flush() }
                line.append(ch); used += cw
            }
        }
        if used > (out.isEmpty ? leading : indent) || out.isEmpty { out.append(line) }
        return out
    }

    public static func pad(_ s: String, to width: Int) -> String {
        let t = truncate(s, to: width)
        let w = of(t)
        return w >= width ? t : t + String(repeating: " ", count: width - w)
    }

    /// Letters without their accents and symbols replaced by ASCII look-alikes, for `LANG=C`.
    /// Other scripts are transliterated (Cyrillic, Greek, Hangul, kana: `김민준` → `Gimminjun`),
    /// and what has no transliteration here (Han characters) is shown by its code point
    /// (`王` → `[738B]`), so two names in the same script never look the same.
    /// `searching`: Hangul initials as names are usually spelled in Latin (`김` → `Kim`, not
    /// `Gim`), so a search typed either way finds them.
    public static func asciiFold(_ s: String, searching: Bool = false) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
        var out = ""
        var previous: Unicode.Scalar?
        for ch in s {
            defer { previous = ch.unicodeScalars.first }
            if ch.isASCII { out.append(ch); continue }
            // Greek ου is one sound, written ou.
            if let p = previous, [0x03BF, 0x03CC, 0x039F].contains(p.value), [0x03C5, 0x03CD].contains(ch.unicodeScalars.first!.value) {
                out += "u"; continue
            }
            if let mapped = symbols[ch] { out += mapped; continue }
            let base = ch.unicodeScalars.first!
            if base.isASCII { out.append(Character(base)); continue }
            if let folded = fold[base] { out += folded; continue }
            if let decomposed = String(ch).decomposedBase, decomposed.isASCII { out.append(decomposed); continue }
            if var latin = Transliteration.latin(base, searching: searching) {
                // A word in a script without case starts with a capital, as a name would.
                if Transliteration.caseless(base), !(out.last?.isLetter ?? false), let first = latin.first {
                    latin = first.uppercased() + latin.dropFirst()
                }
                out += latin
                continue
            }
            if TextSafety.isUnsafe(base) { out += TextSafety.escaped(String(base)); continue }
            let hex = String(base.value, radix: 16, uppercase: true)
            out += "[" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
        }
        return out
    }

    static let symbols: [Character: String] = [
        "●": "*", "○": "o", "◐": "r", "✗": "x", "~": "~", "■": "#", "…": "~", "—": "-", "–": "-", "→": "->", "←": "<-",
        "▲": "^", "▼": "v", "↑": "^", "↓": "v", "⏱": "(t)", "‼": "!!", "⚠": "!", "✓": "v", "·": ".", "•": "*", "“": "\"", "”": "\"", "‘": "'", "’": "'",
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

/// Latin letters for letters of other scripts, for an ASCII terminal: Cyrillic and Greek by
/// letter, Hangul by the Revised Romanization of its jamo, kana by syllable.
enum Transliteration {
    static func caseless(_ u: Unicode.Scalar) -> Bool {
        (0xAC00...0xD7A3).contains(u.value) || (0x3041...0x30FF).contains(u.value)
    }

    static func latin(_ u: Unicode.Scalar, searching: Bool = false) -> String? {
        let v = u.value
        switch v {
        case 0xAC00...0xD7A3:
            let syllable = Int(v - 0xAC00)
            return (searching ? hangulInitialUsual : hangulInitial)[syllable / 588] + hangulVowel[(syllable % 588) / 28] + hangulFinal[syllable % 28]
        case 0x0410...0x044F, 0x0400...0x040F, 0x0450...0x045F, 0x0490, 0x0491:
            let upper = (0x0410...0x042F).contains(v) || (0x0400...0x040F).contains(v) || v == 0x0490
            let lower = (0x0410...0x042F).contains(v) ? v + 0x20 : ((0x0400...0x040F).contains(v) ? v + 0x50 : (v == 0x0490 ? 0x0491 : v))
            guard let l = Unicode.Scalar(lower), let t = cyrillic[Character(l)] else { return nil }
            return upper ? t.prefix(1).uppercased() + t.dropFirst() : t
        case 0x0386...0x03CE:
            let upper = (0x0391...0x03AB).contains(v) || (0x0386...0x038F).contains(v)
            let lower = (0x0391...0x03AB).contains(v) ? v + 0x20 : v
            guard let l = Unicode.Scalar(lower), let t = greek[Character(l)] else { return nil }
            return upper ? t.prefix(1).uppercased() + t.dropFirst() : t
        case 0x3041...0x3096: return kana[Int(v - 0x3041)]
        case 0x30A1...0x30F6: return kana[Int(v - 0x30A1)]
        case 0x30FC: return "-"
        case 0x30FB: return "."
        default: return nil
        }
    }

    static let hangulInitial = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"]
    /// The initials of McCune–Reischauer, as most Korean names are written in Latin (Kim, Pak).
    static let hangulInitialUsual = ["k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "ch", "jj", "ch", "k", "t", "p", "h"]
    static let hangulVowel = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"]
    static let hangulFinal = ["", "k", "k", "ks", "n", "nj", "nh", "t", "l", "lk", "lm", "lb", "ls", "lt", "lp", "lh", "m", "p", "ps", "t", "ss", "ng", "t", "ch", "k", "t", "p", "h"]
    static let cyrillic: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k",
        "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "\"", "ы": "y", "ь": "'", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi",
        "є": "ye", "ґ": "g", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ў": "u", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
    ]
    static let greek: [Character: String] = [
        "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i", "κ": "k", "λ": "l", "μ": "m",
        "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "ς": "s", "σ": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
        "ω": "o", "ά": "a", "έ": "e", "ή": "i", "ί": "i", "ό": "o", "ύ": "y", "ώ": "o", "ϊ": "i", "ϋ": "y", "ΐ": "i", "ΰ": "y",
        "Ά": "a", "Έ": "e", "Ή": "i", "Ί": "i", "Ό": "o", "Ύ": "y", "Ώ": "o",
    ]
    /// Hiragana U+3041… in order (katakana is the same 0x60 on).
    static let kana = [
        "a", "a", "i", "i", "u", "u", "e", "e", "o", "o", "ka", "ga", "ki", "gi", "ku", "gu", "ke", "ge", "ko", "go",
        "sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so", "zo", "ta", "da", "chi", "ji", "t", "tsu", "zu", "te", "de", "to", "do",
        "na", "ni", "nu", "ne", "no", "ha", "ba", "pa", "hi", "bi", "pi", "fu", "bu", "pu", "he", "be", "pe", "ho", "bo", "po",
        "ma", "mi", "mu", "me", "mo", "ya", "ya", "yu", "yu", "yo", "yo", "ra", "ri", "ru", "re", "ro", "wa", "wa", "wi", "we", "wo", "n",
        "vu", "ka", "ke",
    ]
}
