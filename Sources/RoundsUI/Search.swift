#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of a pane's rows, lowercased and laid end to end once per content, so that typing
/// a filter searches bytes instead of formatting and lowercasing every row on every key.
///
/// A row matches when the filter, lowercased, occurs inside its key or inside one of its
/// cells (cells are separated by a byte no one can type, so a match never spans two cells).
/// A longer filter that contains the last one searches only the rows the last one found.
final class SearchText {
    /// Row i's text is `bytes[starts[i] ..< starts[i + 1] - 1]`; each row ends with a 0.
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var last: (needle: [UInt8], matches: [Int])?

    static let separator: UInt8 = 0x1F

    /// The text of all of `rows`.
    convenience init(_ rows: RowList) {
        self.init(rows: rows.count)
        append(rows, 0..<rows.count)
    }

    /// Empty, to be laid out a slice at a time with `append`, with room for about `rows` rows
    /// (so that a slice does not copy all the text before it to grow).
    init(rows: Int = 0) {
        bytes.reserveCapacity(rows * 96)
        starts.reserveCapacity(rows + 1)
    }

    /// Adds the text of `rows[range]`; slices must come in order, from row 0.
    func append(_ rows: RowList, _ range: Range<Int>) {
        precondition(range.lowerBound == count, "search text laid out out of order")
        last = nil
        for i in range {
            let row = rows[i]
            SearchText.appendFolded(row.key, to: &bytes)
            for cell in row.cells {
                bytes.append(SearchText.separator)
                SearchText.appendFolded(cell, to: &bytes)
            }
            bytes.append(0)
            starts.append(bytes.count)
        }
    }

    /// Adds rows `rows` of `other`'s text, as they are there: they show items whose text has
    /// not changed since `other` was laid out. One copy for the run.
    func append(rows: ClosedRange<Int>, of other: SearchText) {
        last = nil
        let from = other.starts[rows.lowerBound], base = bytes.count - from
        bytes.append(contentsOf: other.bytes[from..<other.starts[rows.upperBound + 1]])
        other.starts.withUnsafeBufferPointer { o in
            for k in rows { starts.append(base + o[k + 1]) }
        }
    }

    /// The same text, row by row (for tests).
    func isSame(as other: SearchText) -> Bool { bytes == other.bytes && starts == other.starts }

    var count: Int { starts.count - 1 }

    /// Bytes held: the text and the row starts.
    var memory: Int { bytes.capacity + starts.capacity * MemoryLayout<Int>.stride }

    /// The indexes of the rows whose text contains `filter`, ascending.
    func matches(_ filter: String) -> [Int] {
        var needle: [UInt8] = []
        SearchText.appendFolded(filter, to: &needle)
        guard !needle.isEmpty else { return Array(0..<count) }
        if let last, last.needle == needle { return last.matches }
        var found: [Int] = []
        bytes.withUnsafeBytes { raw in
            needle.withUnsafeBytes { n in
                guard let base = raw.baseAddress, let nb = n.baseAddress else { return }
                if let last, contains(needle, last.needle) {
                    // Narrowing: only rows that held the shorter text can hold this one.
                    for i in last.matches {
                        let s = starts[i], e = starts[i + 1] - 1
                        if find(nb, needle.count, in: base + s, e - s) != nil { found.append(i) }
                    }
                } else {
                    // One pass over all the text; each hit names its row, then the search
                    // goes on from the next row.
                    var at = 0, row = 0
                    while at < raw.count, let hit = find(nb, needle.count, in: base + at, raw.count - at) {
                        let offset = base.distance(to: UnsafeRawPointer(hit))
                        row = rowOf(offset, from: row)
                        found.append(row)
                        at = starts[row + 1]
                    }
                }
            }
        }
        last = (needle, found)
        return found
    }

    /// Where `needle` first occurs in `length` bytes from `start`: `memchr` to the next place
    /// its rarest byte occurs (by the usual frequency of letters in English text: in
    /// "arriving", the "v"), then `memcmp` of the whole needle around it (both vectorised by
    /// the C library). Searching for a common first letter stopped at nearly every row.
    private func find(_ needle: UnsafeRawPointer, _ n: Int, in start: UnsafeRawPointer, _ length: Int) -> UnsafeRawPointer? {
        guard n > 0, length >= n else { return nil }
        var pick = 0
        var best = UInt8.max
        for k in 0..<n {
            let rank = SearchText.commonness[Int(needle.load(fromByteOffset: k, as: UInt8.self))]
            if rank < best { best = rank; pick = k }
        }
        let byte = Int32(needle.load(fromByteOffset: pick, as: UInt8.self))
        let end = start + length
        // The rare byte of a match lies between `start + pick` and `end - (n - pick)`.
        var at = start + pick
        while end - (n - pick) >= at, let hit = memchr(at, byte, end - (n - pick) - at + 1) {
            let p = UnsafeRawPointer(hit)
            if memcmp(p - pick, needle, n) == 0 { return p - pick }
            at = p + 1
        }
        return nil
    }

    /// How common each byte is in the rows' text, higher for more common: lowercase letters by
    /// their frequency in English, then digits, space and punctuation; bytes of other scripts
    /// are treated as rare.
    private static let commonness: [UInt8] = {
        var rank = [UInt8](repeating: 0, count: 256)
        for (i, c) in "zqxjkvbpygfwmucldrhsnioate".utf8.enumerated() { rank[Int(c)] = UInt8(30 + i * 4) }
        for c in "0123456789".utf8 { rank[Int(c)] = 100 }
        for c in " .,:-/".utf8 { rank[Int(c)] = 160 }
        rank[Int(SearchText.separator)] = 200
        return rank
    }()

    /// The row holding byte `offset`, stepping forward from `row`: hits come in order, so the
    /// steps of one search add up to the number of rows.
    private func rowOf(_ offset: Int, from row: Int) -> Int {
        var r = row
        while starts[r + 1] <= offset { r += 1 }
        return r
    }

    /// Appends `text` lowercased, scalar by scalar: ASCII letters folded directly, other
    /// scalars by their Unicode lowercase mapping when they have one (filter and rows are
    /// folded the same way).
    static func appendFolded(_ text: String, to bytes: inout [UInt8]) {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                let b = UInt8(v)
                bytes.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
            } else if scalar.properties.changesWhenLowercased {
                bytes.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        if needle.isEmpty { return true }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
