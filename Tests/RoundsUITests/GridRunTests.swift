import Testing
@testable import RoundsUI

/// `Grid.put` writes printable ASCII as a run, checking only the run's ends for halves of
/// double-width characters. It must leave exactly the grid the character-at-a-time path leaves.
@Suite struct GridRunTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    @Test func asciiRunsLeaveTheSameGridAsCharacters() {
        var r = Generator(state: 17)
        let pieces = ["漢", "字", "ab", "x", "é", "  ", "王", "Nguyễn", "--", "|"]
        var checked = 0
        for _ in 0..<2_000 {
            let width = 4 + r.next(12)
            var a = Grid(width: width, height: 2)
            // A row with double-width characters at random places.
            for _ in 0..<4 {
                a.put(pieces[r.next(pieces.count)], x: r.next(width), y: 0, style: .dim)
            }
            var b = a
            let text = String(repeating: "k", count: r.next(width + 2))
            let x = r.next(width + 4) - 2
            let limit = min(r.next(width + 2), width - max(0, x))
            let style: StyleSlot = r.next(2) == 0 ? .selected : .normal
            let usedA = a.put(text, x: x, y: 0, style: style, maxWidth: limit)
            let usedB = x < width ? b.putCharacters(text, x: x, y: 0, style: style, limit: limit) : 0
            #expect(usedA == usedB)
            #expect(a == b, "width \(width), text \(text.count) at \(x), limit \(limit):\n\(a.text)\n\(b.text)")
            // Never half a double-width character: a continuation always follows a character.
            for cx in 0..<width where a[cx, 0].continuation { #expect(cx > 0 && !a[cx - 1, 0].continuation && a[cx - 1, 0].text != " ") }
            checked += 1
        }
        #expect(checked == 2_000)
    }

    /// Text whose scalars are each a character (`TextWidth.isSimple`) is drawn and measured a
    /// scalar at a time; any text must give the grid and the width character-by-character gives.
    @Test func scalarRunsLeaveTheSameGridAsCharacters() {
        var r = Generator(state: 99)
        let pieces = ["Nguyễn", "é", "─", "┌", "‼", "●", "◐", "⚠", "⏱", "→", "·", "–", "漢", "王", "ab", " ", "e\u{301}", "\u{1F1EB}\u{1F1F7}",
                      "⚠\u{FE0F}", "\u{AD}", "ñ", "Ø", "ß", "ʼ", "⌚", "☔", "✗", "■", "~", "\u{200D}", "한"]
        var simple = 0
        for _ in 0..<3_000 {
            let width = 4 + r.next(14)
            var a = Grid(width: width, height: 1)
            for _ in 0..<3 { a.put(pieces[r.next(pieces.count)], x: r.next(width), y: 0, style: .dim) }
            var b = a
            var text = ""
            for _ in 0..<r.next(6) { text += pieces[r.next(pieces.count)] }
            let x = r.next(width + 4) - 2
            let limit = min(r.next(width + 2), width - max(0, x))
            let usedA = a.put(text, x: x, y: 0, style: .selected, maxWidth: limit)
            let usedB = x < width ? b.putCharacters(text, x: x, y: 0, style: .selected, limit: limit) : 0
            #expect(usedA == usedB, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(a == b, "width \(width), \(text.unicodeScalars.map { String($0.value, radix: 16) }) at \(x), limit \(limit):\n\(a.text)\n\(b.text)")
            #expect(TextWidth.of(text) == text.reduce(0) { $0 + TextWidth.of($1) }, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            if TextWidth.isSimple(text) { simple += 1 }
        }
        // Both paths were taken.
        #expect(simple > 300 && simple < 2_700)
        // A combining mark, a flag, an emoji with its selector and a joiner are never "simple".
        for text in ["e\u{301}", "\u{1F1EB}\u{1F1F7}", "⚠\u{FE0F}", "a\u{200D}b", "한"] { #expect(!TextWidth.isSimple(text)) }
    }

    @Test func paddingAfterAWideCharacterClearsItsOtherHalf() {
        var g = Grid(width: 8, height: 1)
        g.put("ab漢", x: 0, y: 0)
        g.putPadded("xyz", x: 0, y: 0, width: 3)
        // Column 3 held the second half of 漢; writing over its first half (column 2) blanks it.
        #expect(g.row(at: 0) == "xyz")
        #expect(!g[3, 0].continuation)
        g.put("漢", x: 4, y: 0)
        g.putPadded("", x: 0, y: 0, width: 5)
        #expect(g.row(at: 0) == "")
        #expect(!g[5, 0].continuation)
    }
}
