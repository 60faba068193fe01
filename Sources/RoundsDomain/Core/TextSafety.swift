/// Text that came from someone else (a name typed at the `:` line, a journal written by an
/// older version, an HL7 feed) must never reach a terminal raw: an escape sequence in a name
/// could clear a supervisor's screen or paint a result a different colour, and a bidirectional
/// override could make "MRN-001" read as "100-NRM".
///
/// Two halves: `problem(in:)` refuses such characters when text is recorded, and `escaped`
/// shows any that are already recorded as visible `\u{…}` notation wherever text is printed.
public enum TextSafety {
    /// Whether a scalar must not be recorded or printed as it is: C0 and C1 controls (including
    /// TAB, newline, ESC, BEL), DEL, and the Unicode bidirectional embeddings, overrides,
    /// isolates and marks, plus the line and paragraph separators.
    @inline(__always)
    public static func isUnsafe(_ v: Unicode.Scalar) -> Bool {
        let x = v.value
        if x < 0x20 || (x >= 0x7F && x <= 0x9F) { return true }
        if x < 0x200E { return false }
        return x == 0x200E || x == 0x200F || (0x202A...0x202E).contains(x) || (0x2066...0x2069).contains(x)
            || x == 0x061C || x == 0x2028 || x == 0x2029
    }

    /// The name a refusal gives an unsafe character.
    public static func name(_ v: Unicode.Scalar) -> String {
        switch v.value {
        case 0x09: "a tab"
        case 0x0A: "a line break"
        case 0x0D: "a carriage return"
        case 0x1B: "an escape character (ESC)"
        case 0x07: "a bell character (BEL)"
        case 0x7F: "a delete character (DEL)"
        case 0x200E, 0x200F, 0x061C: "a bidirectional mark (U+\(hex(v)))"
        case 0x202A...0x202E, 0x2066...0x2069: "a bidirectional override (U+\(hex(v)))"
        case 0x2028, 0x2029: "a line separator (U+\(hex(v)))"
        default: "a control character (U+\(hex(v)))"
        }
    }

    static func hex(_ v: Unicode.Scalar) -> String {
        let h = String(v.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - h.count)) + h
    }

    /// nil when `text` may be recorded; otherwise what is wrong with it, e.g.
    /// "the name contains an escape character (ESC) at character 5".
    public static func problem(in text: String, _ what: String) -> String? {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return nil }
        var position = 0
        for c in text {
            position += 1
            if let bad = c.unicodeScalars.first(where: isUnsafe) {
                return "\(what) contains \(name(bad)) at character \(position)"
            }
        }
        return nil
    }

    /// `text` with every unsafe character shown as `\u{…}` (and a backslash kept as it is), so
    /// that what is printed is exactly what is held, readable and inert.
    public static func escaped(_ text: String) -> String {
        if text.isPrintableASCII { return text }
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for v in text.unicodeScalars {
            if isUnsafe(v) {
                out.append(contentsOf: "\\u{\(hex(v))}".unicodeScalars)
            } else {
                out.append(v)
            }
        }
        return String(out)
    }
}

extension String {
    /// Whether every byte is printable ASCII (space to `~`): such text is safe to print as it is,
    /// one column a character. Checked over the UTF-8 bytes, much faster than by characters.
    @inlinable
    public var isPrintableASCII: Bool {
        if let fast = utf8.withContiguousStorageIfAvailable({ bytes in
            var ok = true
            for b in bytes where b < 0x20 || b >= 0x7F { ok = false; break }
            return ok
        }) { return fast }
        return utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// This text safe to print on a terminal (`TextSafety.escaped`).
    public var terminalSafe: String { TextSafety.escaped(self) }
}
