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
    /// its first byte occurs, then `memcmp` (both vectorised by the C library).
    private func find(_ needle: UnsafeRawPointer, _ n: Int, in start: UnsafeRawPointer, _ length: Int) -> UnsafeRawPointer? {
        let first = Int32(needle.load(as: UInt8.self))
        let end = start + length
        var at = start
        while end - at >= n, let hit = memchr(at, first, end - at - n + 1) {
            let p = UnsafeRawPointer(hit)
            if memcmp(p, needle, n) == 0 { return p }
            at = p + 1
        }
        return nil
    }

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
