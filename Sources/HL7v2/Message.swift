/// HL7 v2 messages: separators read from MSH-1/MSH-2, segments, fields, repetitions, components,
/// subcomponents, escapes, `""` (explicit null) versus an empty field (no information).
///
/// Standard library only, no Foundation, so these files compile alone into a libFuzzer harness.
/// Every index is checked: no input, however malformed, may trap. Work is linear in the input and
/// bounded by `maxBytes` and `maxSegments`.

// MARK: - Separators

/// The delimiters of one message, read from MSH-1 (field) and MSH-2 (component, repetition,
/// escape, subcomponent and, from v2.7, truncation). Never assumed: `MSH^~|\&^` is legal.
public struct HL7Separators: Sendable, Equatable {
    public var field: UInt8
    public var component: UInt8
    public var repetition: UInt8
    public var escape: UInt8
    public var subcomponent: UInt8
    /// The v2.7+ fifth encoding character (usually `#`), nil when MSH-2 has four.
    public var truncation: UInt8?

    /// `|^~\&`.
    public static let standard = HL7Separators(
        unchecked: 0x7C, component: 0x5E, repetition: 0x7E, escape: 0x5C, subcomponent: 0x26, truncation: nil)

    /// Nil unless every character is printable, non-alphanumeric ASCII and all are distinct.
    public init?(field: UInt8, component: UInt8, repetition: UInt8, escape: UInt8, subcomponent: UInt8, truncation: UInt8? = nil) {
        var all: [UInt8] = [field, component, repetition, escape, subcomponent]
        if let truncation { all.append(truncation) }
        guard HL7Separators.validSet(all) else { return nil }
        self.init(unchecked: field, component: component, repetition: repetition, escape: escape,
                  subcomponent: subcomponent, truncation: truncation)
    }

    init(unchecked field: UInt8, component: UInt8, repetition: UInt8, escape: UInt8, subcomponent: UInt8, truncation: UInt8?) {
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent
        self.truncation = truncation
    }

    /// The field separator as a character (MSH-1).
    public var fieldCharacter: Character { Character(Unicode.Scalar(field)) }

    /// MSH-2 as bytes: component, repetition, escape, subcomponent (and truncation when present).
    public var encodingCharacters: [UInt8] {
        var chars = [component, repetition, escape, subcomponent]
        if let truncation { chars.append(truncation) }
        return chars
    }

    /// MSH-2 as text, e.g. `^~\&`.
    public var encodingCharactersText: String { latin1String(encodingCharacters) }

    /// `text` with every delimiter written as its escape (`\F\ \S\ \T\ \R\ \E\`, `\P\` for the
    /// truncation character) and every control character (CR, LF, the MLLP framing bytes...)
    /// as `\Xhh\`, so no value can break the structure of a segment or of a frame.
    public func escaped(_ text: String) -> String {
        var out = String()
        out.reserveCapacity(text.utf8.count)
        let esc = Character(Unicode.Scalar(escape))
        for scalar in text.unicodeScalars {
            guard scalar.value < 0x80 else { out.unicodeScalars.append(scalar); continue }
            let b = UInt8(truncatingIfNeeded: scalar.value)
            let code: String?
            if b == escape { code = "E" }
            else if b == field { code = "F" }
            else if b == component { code = "S" }
            else if b == subcomponent { code = "T" }
            else if b == repetition { code = "R" }
            else if let truncation, b == truncation { code = "P" }
            else if b < 0x20 || b == 0x7F { code = "X" + hexByte(b) }
            else { code = nil }
            if let code {
                out.append(esc)
                out.append(code)
                out.append(esc)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isAllowed(_ b: UInt8) -> Bool { b >= 0x21 && b <= 0x7E && !isAlphanumeric(b) }

    static func validSet(_ chars: [UInt8]) -> Bool {
        for (i, c) in chars.enumerated() {
            guard isAllowed(c) else { return false }
            for d in chars[..<i] where d == c { return false }
        }
        return true
    }
}

// MARK: - Values

/// A field, component or subcomponent as HL7 v2 distinguishes them (v2.5.1 §2.5.3).
public enum HL7Value: Equatable, Sendable {
    /// `||`: no information, keep whatever is stored.
    case empty
    /// `|""|`: explicit null, delete the stored value.
    case null
    /// The value with its escapes resolved.
    case text(String)

    /// The text, nil for `.empty` and `.null`.
    public var text: String? {
        if case .text(let s) = self { return s }
        return nil
    }
}

// MARK: - Errors

/// Why bytes are not a readable HL7 v2 message, with the position for an ERR-2 location.
public struct HL7ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// Does not begin with `MSH` and a field separator.
        case notHL7
        /// MSH-2 missing, too short or too long, repeated or alphanumeric characters.
        case badEncodingCharacters
        /// A segment that does not begin with a three-character id.
        case badSegmentID
        /// More than the byte limit.
        case tooLarge
        /// More than the segment limit.
        case tooManySegments
    }

    public var kind: Kind
    /// What was wrong and what would be valid.
    public var message: String
    /// 1-based segment number, when known.
    public var segment: Int?
    /// 1-based field (sequence) number, when known.
    public var field: Int?

    public init(kind: Kind, message: String, segment: Int? = nil, field: Int? = nil) {
        self.kind = kind
        self.message = message
        self.segment = segment
        self.field = field
    }

    public var description: String {
        var where_ = ""
        if let segment { where_ += "segment \(segment)" }
        if let field { where_ += (where_.isEmpty ? "" : ", ") + "field \(field)" }
        return where_.isEmpty ? message : "\(message) (\(where_))"
    }
}

// MARK: - Segments

/// One segment. Fields are numbered as the standard numbers them: for MSH, field 1 is the field
/// separator and field 2 the encoding characters (so MSH-10 is `value(10)`); for every other
/// segment field 1 is the first field after the id. Field 0 is the segment id.
public struct HL7Segment: Sendable {
    /// Three characters, `[A-Z][A-Z0-9]{2}`.
    public let id: String
    public let separators: HL7Separators
    /// True when the text is ISO 8859-1 (declared in MSH-18 or because the bytes were not UTF-8).
    public let decodedAsLatin1: Bool
    let storage: [UInt8]
    let fields: [Range<Int>]

    init(id: String, separators: HL7Separators, latin1: Bool, storage: [UInt8], fields: [Range<Int>]) {
        self.id = id
        self.separators = separators
        self.decodedAsLatin1 = latin1
        self.storage = storage
        self.fields = fields
    }

    /// The highest field number present (0 when the segment is only its id).
    public var fieldCount: Int { fields.count - 1 }

    private var isMSH: Bool { id == "MSH" }

    /// A field, component or subcomponent, unescaped. `repetition` is 0-based; `component` and
    /// `subcomponent` 1-based. Anything out of range is `.empty`; exactly `""` is `.null`.
    /// MSH-1 and MSH-2 are returned as they are (they hold the separators themselves).
    public func value(_ field: Int, component: Int = 1, subcomponent: Int = 1, repetition: Int = 0) -> HL7Value {
        guard field >= 0, field < fields.count else { return .empty }
        if field == 0 || (isMSH && (field == 1 || field == 2)) {
            guard component == 1, subcomponent == 1, repetition == 0 else { return .empty }
            return .text(rawField(field))
        }
        guard component >= 1, subcomponent >= 1,
              let r = HL7Segment.piece(storage, fields[field], separator: separators.repetition, index: repetition),
              let c = HL7Segment.piece(storage, r, separator: separators.component, index: component - 1),
              let s = HL7Segment.piece(storage, c, separator: separators.subcomponent, index: subcomponent - 1)
        else { return .empty }
        if s.isEmpty { return .empty }
        if s.count == 2, storage[s.lowerBound] == 0x22, storage[s.lowerBound + 1] == 0x22 { return .null }
        return .text(unescape(s))
    }

    /// `value(field)`: the first component of the first repetition, so `pid[3]` is PID-3.1.
    public subscript(_ field: Int) -> HL7Value { value(field) }

    /// The unescaped text, nil for empty, null or absent.
    public func text(_ field: Int, component: Int = 1, subcomponent: Int = 1, repetition: Int = 0) -> String? {
        value(field, component: component, subcomponent: subcomponent, repetition: repetition).text
    }

    /// How many repetitions the field has (0 when it is empty or absent).
    public func repetitions(_ field: Int) -> Int {
        guard field > 0, field < fields.count else { return 0 }
        let range = fields[field]
        if range.isEmpty { return 0 }
        if isMSH && (field == 1 || field == 2) { return 1 }
        return HL7Segment.count(storage, range, separator: separators.repetition)
    }

    /// How many components one repetition of the field has (0 when empty or absent).
    public func componentCount(_ field: Int, repetition: Int = 0) -> Int {
        guard field > 0, field < fields.count else { return 0 }
        if isMSH && (field == 1 || field == 2) { return fields[field].isEmpty ? 0 : 1 }
        guard let r = HL7Segment.piece(storage, fields[field], separator: separators.repetition, index: repetition),
              !r.isEmpty else { return 0 }
        return HL7Segment.count(storage, r, separator: separators.component)
    }

    /// The field as received, escapes and delimiters included ("" when absent).
    public func rawField(_ field: Int) -> String {
        guard let bytes = rawFieldBytes(field) else { return "" }
        return decodeText(bytes, latin1: decodedAsLatin1)
    }

    func rawFieldBytes(_ field: Int) -> ArraySlice<UInt8>? {
        guard field >= 0, field < fields.count else { return nil }
        return storage[fields[field]]
    }

    /// Raw bytes of one component of the first repetition (for echoing into an ACK).
    func rawComponentBytes(_ field: Int, component: Int) -> ArraySlice<UInt8> {
        guard field > 0, field < fields.count, component >= 1,
              let r = HL7Segment.piece(storage, fields[field], separator: separators.repetition, index: 0),
              let c = HL7Segment.piece(storage, r, separator: separators.component, index: component - 1)
        else { return [] }
        return storage[c]
    }

    /// The `index`-th (0-based) piece of `range` split on `separator`, nil when there are fewer.
    static func piece(_ b: [UInt8], _ range: Range<Int>, separator: UInt8, index: Int) -> Range<Int>? {
        guard index >= 0 else { return nil }
        var start = range.lowerBound
        var n = 0
        var i = range.lowerBound
        while i < range.upperBound {
            if b[i] == separator {
                if n == index { return start..<i }
                n += 1
                start = i + 1
            }
            i += 1
        }
        return n == index ? start..<range.upperBound : nil
    }

    static func count(_ b: [UInt8], _ range: Range<Int>, separator: UInt8) -> Int {
        var n = 1
        for i in range where b[i] == separator { n += 1 }
        return n
    }

    /// Resolves escapes after splitting, so `\F\` gives a literal field separator in a value.
    func unescape(_ range: Range<Int>) -> String {
        let b = storage
        let e = separators.escape
        var hasEscape = false
        for i in range where b[i] == e { hasEscape = true; break }
        if !hasEscape { return decodeText(b[range], latin1: decodedAsLatin1) }

        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var i = range.lowerBound
        while i < range.upperBound {
            let c = b[i]
            if c != e { out.append(c); i += 1; continue }
            var j = i + 1
            while j < range.upperBound && b[j] != e { j += 1 }
            guard j < range.upperBound else {
                out.append(contentsOf: b[i..<range.upperBound])  // unterminated: kept literally
                break
            }
            switch interpretEscape(b[(i + 1)..<j]) {
            case .bytes(let bytes): out.append(contentsOf: bytes)
            case .hex(let bytes):
                if decodedAsLatin1 { out.append(contentsOf: bytes) }
                else { out.append(contentsOf: decodeText(bytes[...], latin1: false).utf8) }
            case .drop: break
            case .unknown: out.append(contentsOf: b[i...j])  // kept literally
            }
            i = j + 1
        }
        return decodeText(out[...], latin1: decodedAsLatin1)
    }

    private enum Escape { case bytes([UInt8]), hex([UInt8]), drop, unknown }

    private func interpretEscape(_ seq: ArraySlice<UInt8>) -> Escape {
        guard let first = seq.first else { return .unknown }
        let rest = seq.dropFirst()
        if rest.isEmpty {
            switch first {
            case 0x46: return .bytes([separators.field])         // F
            case 0x53: return .bytes([separators.component])     // S
            case 0x54: return .bytes([separators.subcomponent])  // T
            case 0x52: return .bytes([separators.repetition])    // R
            case 0x45: return .bytes([separators.escape])        // E
            case 0x50: return separators.truncation.map { .bytes([$0]) } ?? .unknown  // P
            case 0x48, 0x4E: return .drop                        // H, N: highlighting on/off
            default: return .unknown
            }
        }
        switch first {
        case 0x58:  // X: hex bytes
            guard rest.count % 2 == 0 else { return .unknown }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(rest.count / 2)
            var hi: UInt8? = nil
            for c in rest {
                guard let v = hexValue(c) else { return .unknown }
                if let h = hi { bytes.append(h << 4 | v); hi = nil } else { hi = v }
            }
            return .hex(bytes)
        case 0x43, 0x4D:  // C, M: character-set switches; no single-byte meaning here, dropped
            return rest.allSatisfy({ hexValue($0) != nil }) && (rest.count == 4 || rest.count == 6) ? .drop : .unknown
        case 0x2E:  // formatting commands of FT
            let name = Array(rest.prefix(2))
            let arg = rest.dropFirst(2)
            if name == [0x62, 0x72] && arg.isEmpty { return .bytes([0x0A]) }  // .br
            let argOK = arg.enumerated().allSatisfy { k, c in
                isDigit(c) || (k == 0 && (c == 0x2B || c == 0x2D))
            }
            switch name {
            case [0x73, 0x70], [0x69, 0x6E], [0x74, 0x69], [0x73, 0x6B]:  // .sp .in .ti .sk
                return argOK ? .drop : .unknown
            case [0x66, 0x69], [0x6E, 0x66], [0x63, 0x65]:  // .fi .nf .ce
                return arg.isEmpty ? .drop : .unknown
            default: return .unknown
            }
        default: return .unknown
        }
    }
}

// MARK: - Message

/// A parsed HL7 v2 message. Build with `parse`; it never traps.
public struct HL7Message: Sendable {
    public let separators: HL7Separators
    /// In order; the first is always MSH.
    public let segments: [HL7Segment]
    /// True when the text was read as ISO 8859-1: MSH-18 said so, or the bytes were not UTF-8.
    public let decodedAsLatin1: Bool

    public static let defaultMaxBytes = 1 << 20
    public static let defaultMaxSegments = 10_000

    /// The MSH segment.
    public var header: HL7Segment { segments[0] }

    public func segments(named id: String) -> [HL7Segment] { segments.filter { $0.id == id } }
    public func first(_ id: String) -> HL7Segment? { segments.first { $0.id == id } }

    /// MSH-9.1, e.g. `ADT`.
    public var messageCode: String? { header.text(9, component: 1) }
    /// MSH-9.2, e.g. `A01`.
    public var trigger: String? { header.text(9, component: 2) }
    /// MSH-9.3, e.g. `ADT_A01`.
    public var structure: String? { header.text(9, component: 3) }
    /// MSH-10.
    public var controlID: String? { header.text(10) }
    /// MSH-11.1 (P, T, D).
    public var processingID: String? { header.text(11) }
    /// MSH-12.1, e.g. `2.5.1`.
    public var version: String? { header.text(12) }
    /// MSH-3 as received (escaped, components included).
    public var sendingApplication: String { header.rawField(3) }
    /// MSH-4 as received.
    public var sendingFacility: String { header.rawField(4) }
    /// MSH-5 as received.
    public var receivingApplication: String { header.rawField(5) }
    /// MSH-6 as received.
    public var receivingFacility: String { header.rawField(6) }
    /// MSH-7.1, the message time as text (see `HL7DateTime.parse`).
    public var timestampText: String? { header.text(7) }
    /// MSH-15 (AL, NE, ER, SU), nil in original mode.
    public var acceptAckType: String? { header.text(15) }
    /// MSH-16 (AL, NE, ER, SU), nil in original mode.
    public var applicationAckType: String? { header.text(16) }
    /// MSH-18 (first repetition), e.g. `8859/1`, `UNICODE UTF-8`.
    public var characterSet: String? { header.text(18) }

    /// An acknowledgement: MSH-9.1 is `ACK`, or the message holds an MSA and nothing else but
    /// MSH, MSA, ERR, SFT and UAC. Never acknowledge an ACK.
    public var isAck: Bool {
        if messageCode == "ACK" { return true }
        guard segments.contains(where: { $0.id == "MSA" }) else { return false }
        return segments.allSatisfy { ["MSH", "MSA", "ERR", "SFT", "UAC"].contains($0.id) }
    }

    /// `text` escaped with this message's separators.
    public func escape(_ text: String) -> String { separators.escaped(text) }

    /// Parses text (its UTF-8 bytes).
    public static func parse(_ text: String, maxBytes: Int = defaultMaxBytes, maxSegments: Int = defaultMaxSegments) throws(HL7ParseError) -> HL7Message {
        try parse(Array(text.utf8), maxBytes: maxBytes, maxSegments: maxSegments)
    }

    /// Parses bytes in place of an array; refuses an oversized buffer before copying it.
    public static func parse(_ buffer: UnsafeRawBufferPointer, maxBytes: Int = defaultMaxBytes, maxSegments: Int = defaultMaxSegments) throws(HL7ParseError) -> HL7Message {
        guard buffer.count <= maxBytes else { throw tooLarge(buffer.count, maxBytes) }
        return try parse(Array(buffer), maxBytes: maxBytes, maxSegments: maxSegments)
    }

    /// Parses one message (not a batch: see `splitBatch`).
    ///
    /// A leading UTF-8 BOM is skipped; segments end at CR, CR LF, or a lone LF when what follows
    /// is the start of a segment (`[A-Z][A-Z0-9]{2}` and the field separator) or the end of the
    /// data, otherwise the LF is kept inside the field. Empty segments (and segments of only
    /// spaces or tabs, as some files end) are skipped. MSH-2 must have 4 or 5 characters: the
    /// 3-character `^~}` seen in some public samples is refused, as it has no subcomponent
    /// separator.
    public static func parse(_ input: [UInt8], maxBytes: Int = defaultMaxBytes, maxSegments: Int = defaultMaxSegments) throws(HL7ParseError) -> HL7Message {
        guard input.count <= maxBytes else { throw tooLarge(input.count, maxBytes) }
        let b: [UInt8] = hasBOM(input) ? Array(input.dropFirst(3)) : input
        let n = b.count

        guard n >= 4, b[0] == 0x4D, b[1] == 0x53, b[2] == 0x48, HL7Separators.isAllowed(b[3]) else {
            throw HL7ParseError(kind: .notHL7,
                                message: "not an HL7 v2 message: it must begin with MSH and its field separator (such as MSH|^~\\&|)",
                                segment: 1, field: n >= 4 && b[0] == 0x4D && b[1] == 0x53 && b[2] == 0x48 ? 1 : nil)
        }
        let fs = b[3]

        // MSH-2: from byte 4 to the next field separator or line end.
        var encEnd = 4
        while encEnd < n, encEnd < 16, b[encEnd] != fs, b[encEnd] != 0x0D, b[encEnd] != 0x0A { encEnd += 1 }
        let enc = Array(b[4..<encEnd])
        guard enc.count == 4 || enc.count == 5, HL7Separators.validSet([fs] + enc) else {
            let shown = enc.count <= 8 ? "'\(printable(enc[...]))'" : "more than 5 characters"
            let why = enc.isEmpty ? "are missing" : "\(shown) are not valid"
            throw HL7ParseError(
                kind: .badEncodingCharacters,
                message: "MSH-2 encoding characters \(why): expected 4 (or 5 from v2.7) distinct, non-alphanumeric characters "
                    + "different from the field separator, such as ^~\\&",
                segment: 1, field: 2)
        }
        let seps = HL7Separators(unchecked: fs, component: enc[0], repetition: enc[1], escape: enc[2],
                                 subcomponent: enc[3], truncation: enc.count == 5 ? enc[4] : nil)

        // Segment boundaries.
        var ranges: [Range<Int>] = []
        var segStart = 0
        var i = 0
        func close(_ start: Int, _ end: Int) throws(HL7ParseError) {
            // Empty segments (double CR) and lines of only spaces or tabs are skipped.
            guard (start..<end).contains(where: { b[$0] != 0x20 && b[$0] != 0x09 }) else { return }
            guard ranges.count < maxSegments else {
                throw HL7ParseError(kind: .tooManySegments,
                                    message: "more than \(maxSegments) segments: split the data into smaller messages",
                                    segment: maxSegments + 1)
            }
            ranges.append(start..<end)
        }
        while i < n {
            let c = b[i]
            if c == 0x0D {
                try close(segStart, i)
                i += 1
                if i < n && b[i] == 0x0A { i += 1 }
                segStart = i
            } else if c == 0x0A {
                var j = i
                while j < n && b[j] == 0x0A { j += 1 }
                if j == n || b[j] == 0x0D || looksLikeSegmentStart(b, j, fs) {
                    try close(segStart, i)
                    segStart = j
                }
                i = j
            } else {
                i += 1
            }
        }
        try close(segStart, n)

        // Character set: MSH-18 first, else UTF-8 with a Latin-1 fall-back.
        var latin1 = false
        if let msh = ranges.first {
            let mshFields = splitFields(b, msh, fs: fs, isMSH: true)
            if mshFields.count > 18,
               let rep = HL7Segment.piece(b, mshFields[18], separator: seps.repetition, index: 0),
               let comp = HL7Segment.piece(b, rep, separator: seps.component, index: 0) {
                latin1 = namesLatin1(b[comp])
            }
        }
        if !latin1 && !isValidUTF8(b) { latin1 = true }

        var segments: [HL7Segment] = []
        segments.reserveCapacity(ranges.count)
        for (k, r) in ranges.enumerated() {
            let ok = r.count >= 3 && isUpper(b[r.lowerBound]) && isUpperOrDigit(b[r.lowerBound + 1])
                && isUpperOrDigit(b[r.lowerBound + 2]) && (r.count == 3 || b[r.lowerBound + 3] == fs)
            guard ok else {
                let shown = printable(b[r.lowerBound..<min(r.upperBound, r.lowerBound + 8)])
                throw HL7ParseError(
                    kind: .badSegmentID,
                    message: "segment \(k + 1) begins with '\(shown)': a segment must begin with a three-character id "
                        + "(a capital letter, then capitals or digits, such as PID) followed by the field separator",
                    segment: k + 1, field: 0)
            }
            let id = latin1String(b[r.lowerBound..<(r.lowerBound + 3)])
            let fields = splitFields(b, r, fs: fs, isMSH: id == "MSH")
            segments.append(HL7Segment(id: id, separators: seps, latin1: latin1, storage: b, fields: fields))
        }
        // The data begins with MSH and a valid field separator, so there is at least one segment.
        return HL7Message(separators: seps, segments: segments, decodedAsLatin1: latin1)
    }

    /// Splits a batch file or frame into its messages: each returned element starts at an MSH
    /// and runs to the next MSH, batch header/trailer (FHS, BHS, BTS, FTS) or the end. Batch
    /// segments and anything before the first MSH are dropped. CR, CR LF and LF line ends and a
    /// leading BOM are handled; the bytes of each message are returned as they were.
    public static func splitBatch(_ input: [UInt8]) -> [[UInt8]] {
        let start = hasBOM(input) ? 3 : 0
        let n = input.count
        var messages: [[UInt8]] = []
        var current: Int? = nil  // start of the message being collected
        var i = start
        var atLineStart = true
        while i < n {
            if atLineStart {
                atLineStart = false
                if let tag = lineTag(input, i) {
                    if let s = current { messages.append(Array(input[s..<i])); current = nil }
                    if tag == .msh { current = i }
                }
            }
            let c = input[i]
            if c == 0x0D || c == 0x0A { atLineStart = true }
            i += 1
        }
        if let s = current { messages.append(Array(input[s..<n])) }
        return messages
    }

    private enum LineTag { case msh, batch }

    private static func lineTag(_ b: [UInt8], _ i: Int) -> LineTag? {
        guard i + 3 < b.count, HL7Separators.isAllowed(b[i + 3]) else { return nil }
        let id = (b[i], b[i + 1], b[i + 2])
        switch id {
        case (0x4D, 0x53, 0x48): return .msh                                    // MSH
        case (0x46, 0x48, 0x53), (0x42, 0x48, 0x53),                            // FHS BHS
             (0x42, 0x54, 0x53), (0x46, 0x54, 0x53): return .batch              // BTS FTS
        default: return nil
        }
    }

    static func tooLarge(_ count: Int, _ max: Int) -> HL7ParseError {
        HL7ParseError(kind: .tooLarge, message: "message of \(count) bytes is larger than the limit of \(max) bytes")
    }

    /// Field ranges indexed by HL7 sequence number (index 0 the id; for MSH index 1 the field
    /// separator itself).
    static func splitFields(_ b: [UInt8], _ r: Range<Int>, fs: UInt8, isMSH: Bool) -> [Range<Int>] {
        let idEnd = min(r.lowerBound + 3, r.upperBound)
        var fields: [Range<Int>] = [r.lowerBound..<idEnd]
        guard idEnd < r.upperBound else { return fields }
        if isMSH { fields.append(idEnd..<(idEnd + 1)) }
        var start = idEnd + 1
        var i = start
        while i < r.upperBound {
            if b[i] == fs {
                fields.append(start..<i)
                start = i + 1
            }
            i += 1
        }
        fields.append(start..<r.upperBound)
        return fields
    }

    static func looksLikeSegmentStart(_ b: [UInt8], _ j: Int, _ fs: UInt8) -> Bool {
        j + 3 < b.count && isUpper(b[j]) && isUpperOrDigit(b[j + 1]) && isUpperOrDigit(b[j + 2]) && b[j + 3] == fs
    }

    static func namesLatin1(_ s: ArraySlice<UInt8>) -> Bool {
        let t = String(latin1String(s).filter { $0 != " " }.uppercased())
        return ["8859/1", "ISO-8859-1", "ISO8859-1", "ISO_8859-1", "LATIN1", "LATIN-1", "ISO_IR100"].contains(t)
    }
}

// MARK: - Byte helpers

@inline(__always) func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
@inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
@inline(__always) func isUpperOrDigit(_ b: UInt8) -> Bool { isUpper(b) || isDigit(b) }
@inline(__always) func isAlphanumeric(_ b: UInt8) -> Bool { isUpperOrDigit(b) || (b >= 0x61 && b <= 0x7A) }

func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: return c - 0x30
    case 0x41...0x46: return c - 0x41 + 10
    case 0x61...0x66: return c - 0x61 + 10
    default: return nil
    }
}

func hexByte(_ b: UInt8) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
    return String([digits[Int(b >> 4)], digits[Int(b & 0x0F)]])
}

func hasBOM(_ b: [UInt8]) -> Bool { b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF }

func isValidUTF8(_ b: [UInt8]) -> Bool { String(validating: b, as: UTF8.self) != nil }

func latin1String(_ bytes: some Collection<UInt8>) -> String {
    var s = String()
    s.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
    return s
}

/// UTF-8 unless `latin1`; bytes that are not valid UTF-8 are read as Latin-1 rather than repaired.
func decodeText(_ bytes: ArraySlice<UInt8>, latin1: Bool) -> String {
    if latin1 { return latin1String(bytes) }
    if let s = String(validating: bytes, as: UTF8.self) { return s }
    return latin1String(bytes)
}

/// For error messages: ASCII kept, anything else as `\xHH`.
func printable(_ bytes: ArraySlice<UInt8>) -> String {
    var s = ""
    for b in bytes {
        if b >= 0x20 && b < 0x7F { s.unicodeScalars.append(Unicode.Scalar(b)) } else { s += "\\x" + hexByte(b) }
    }
    return s
}
