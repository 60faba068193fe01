/// A theme: for each style slot, a colour rendition and a monochrome one. Parsed from the
/// commented text files in Themes/ (format in Themes/README.md):
///
///     color SLOT FOREGROUND BACKGROUND [bold] [reverse] [underline] [dim]
///     mono  SLOT [bold] [reverse] [underline] [dim]
///
/// Colours are `default`, the eight names (`black red green yellow blue magenta cyan white`),
/// `bright` + a name, or `color0`…`color255`. A slot a theme leaves out falls back to `normal`.
public struct Theme: Sendable {
    public struct Rendition: Equatable, Sendable {
        public var foreground: Int?
        public var background: Int?
        public var bold = false, reverse = false, underline = false, dim = false
        public init(foreground: Int? = nil, background: Int? = nil, bold: Bool = false, reverse: Bool = false, underline: Bool = false, dim: Bool = false) {
            self.foreground = foreground; self.background = background; self.bold = bold; self.reverse = reverse; self.underline = underline; self.dim = dim
        }
    }
    public var name: String
    public var color: [StyleSlot: Rendition] = [:]
    public var mono: [StyleSlot: Rendition] = [:]

    /// Problems found while reading, each with its line number; the rest of the file still applies.
    public var warnings: [String] = []

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    static func colour(_ word: Substring) -> Int?? {
        let w = word.lowercased()
        if w == "default" { return .some(nil) }
        if let i = names.firstIndex(of: w) { return .some(i) }
        if w.hasPrefix("bright"), let i = names.firstIndex(of: String(w.dropFirst(6))) { return .some(i + 8) }
        if w.hasPrefix("color"), let n = Int(w.dropFirst(5)), (0...255).contains(n) { return .some(n) }
        return nil
    }

    public static func parse(_ text: String, name: String) -> Theme {
        var theme = Theme(name: name)
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let kind = words.first else { continue }
            let n = i + 1
            guard kind == "color" || kind == "mono" else {
                theme.warnings.append("\(name) line \(n): unknown keyword '\(kind)'; expected color or mono")
                continue
            }
            guard words.count >= 2, let slot = StyleSlot(rawValue: String(words[1])) else {
                theme.warnings.append("\(name) line \(n): unknown style slot '\(words.count > 1 ? words[1] : "")'; slots are: \(StyleSlot.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            var r = Rendition()
            var rest = words.dropFirst(2)
            if kind == "color" {
                guard rest.count >= 2, let fg = colour(rest.first!), let bg = colour(rest.dropFirst().first!) else {
                    theme.warnings.append("\(name) line \(n): color \(slot.rawValue) needs a foreground and a background colour (default, red, brightblue, color208…)")
                    continue
                }
                r.foreground = fg
                r.background = bg
                rest = rest.dropFirst(2)
            }
            var ok = true
            for a in rest {
                switch a.lowercased() {
                case "bold": r.bold = true
                case "reverse": r.reverse = true
                case "underline": r.underline = true
                case "dim": r.dim = true
                default:
                    theme.warnings.append("\(name) line \(n): unknown attribute '\(a)'; use bold, reverse, underline or dim")
                    ok = false
                }
            }
            guard ok else { continue }
            if kind == "color" { theme.color[slot] = r } else { theme.mono[slot] = r }
        }
        return theme
    }

    /// Renditions for a terminal with `colors` colours (0 for none, or when NO_COLOR is set):
    /// colours beyond what the terminal has fall back to the nearest of its basic eight or sixteen.
    public func resolve(colors: Int) -> ResolvedTheme {
        var out: [StyleSlot: Rendition] = [:]
        for slot in StyleSlot.allCases {
            if colors == 0 || color.isEmpty {
                out[slot] = mono[slot] ?? mono[.normal] ?? Rendition()
            } else {
                var r = color[slot] ?? color[.normal] ?? Rendition()
                r.foreground = r.foreground.map { Theme.fit($0, colors) }
                r.background = r.background.map { Theme.fit($0, colors) }
                out[slot] = r
            }
        }
        return ResolvedTheme(renditions: out, colors: colors)
    }

    /// A colour the terminal can show: as it is, or the nearest basic colour.
    static func fit(_ c: Int, _ colors: Int) -> Int {
        if c < colors { return c }
        if c < 16 { return c - 8 }   // bright on an 8-colour terminal: the plain colour
        var rgb: (Int, Int, Int)
        if c >= 232 { let v = 8 + (c - 232) * 10; rgb = (v, v, v) }
        else { let i = c - 16; let steps = [0, 95, 135, 175, 215, 255]; rgb = (steps[i / 36], steps[i / 6 % 6], steps[i % 6]) }
        let basic: [(Int, Int, Int)] = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
                                        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
        let limit = min(colors, 16)
        var best = 0, bestD = Int.max
        for (i, b) in basic.prefix(limit).enumerated() {
            let d = (b.0 - rgb.0) * (b.0 - rgb.0) + (b.1 - rgb.1) * (b.1 - rgb.1) + (b.2 - rgb.2) * (b.2 - rgb.2)
            if d < bestD { bestD = d; best = i }
        }
        return best
    }
}

public struct ResolvedTheme: Sendable {
    public var renditions: [StyleSlot: Theme.Rendition]
    public var colors: Int
    public func style(_ slot: StyleSlot) -> Theme.Rendition { renditions[slot] ?? Theme.Rendition() }
}
