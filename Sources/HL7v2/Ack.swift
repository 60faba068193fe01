/// Acknowledgements (ACK): MSH + MSA (+ ERR), built as HAPI's `fillResponseHeader` and
/// python-hl7's `create_ack` build them, so peers that accept those accept ours.

/// MSA-1, table 0008.
public enum HL7AckCode: String, Sendable {
    /// Original mode / application ACK: accept, error (sender should retry), reject (don't).
    case AA, AE, AR
    /// Enhanced mode commit ACK: accept, error, reject.
    case CA, CE, CR
}

/// Where an error is (ERR-2, an ERL: segment id ^ sequence ^ field ^ repetition ^ component).
public struct HL7ErrorLocation: Sendable, Equatable {
    public var segmentID: String
    /// 1-based: which occurrence of the segment.
    public var sequence: Int
    public var field: Int
    public var repetition: Int?
    public var component: Int?

    public init(segmentID: String, sequence: Int = 1, field: Int, repetition: Int? = nil, component: Int? = nil) {
        self.segmentID = segmentID
        self.sequence = sequence
        self.field = field
        self.repetition = repetition
        self.component = component
    }
}

/// One error for the ACK's ERR segment.
public struct HL7AckError: Sendable, Equatable {
    /// Table 0357: 0, 100–103, 200–207 (see `name(ofCode:)`).
    public var code: Int
    /// `E` error, `W` warning, `I` information.
    public var severity: Character
    public var location: HL7ErrorLocation?
    public var text: String

    public init(code: Int, severity: Character = "E", location: HL7ErrorLocation? = nil, text: String) {
        self.code = code
        self.severity = severity
        self.location = location
        self.text = text
    }

    public static let messageAccepted = 0
    public static let segmentSequenceError = 100
    public static let requiredFieldMissing = 101
    public static let dataTypeError = 102
    public static let tableValueNotFound = 103
    public static let unsupportedMessageType = 200
    public static let unsupportedEventCode = 201
    public static let unsupportedProcessingID = 202
    public static let unsupportedVersionID = 203
    public static let unknownKeyIdentifier = 204
    public static let duplicateKeyIdentifier = 205
    public static let applicationRecordLocked = 206
    public static let applicationInternalError = 207

    /// The table 0357 name of a code, nil for a code not in the table.
    public static func name(ofCode code: Int) -> String? {
        switch code {
        case 0: return "Message accepted"
        case 100: return "Segment sequence error"
        case 101: return "Required field missing"
        case 102: return "Data type error"
        case 103: return "Table value not found"
        case 200: return "Unsupported message type"
        case 201: return "Unsupported event code"
        case 202: return "Unsupported processing id"
        case 203: return "Unsupported version id"
        case 204: return "Unknown key identifier"
        case 205: return "Duplicate key identifier"
        case 206: return "Application record locked"
        case 207: return "Application internal error"
        default: return nil
        }
    }
}

extension HL7Message {
    /// The unframed ACK to `message`, every segment ending in CR (the last one too).
    ///
    /// - MSH-1/MSH-2 echo the inbound separators (all 4 or 5 encoding characters).
    /// - MSH-3/MSH-4 = `sendingApplication`/`sendingFacility` (default: the inbound MSH-6);
    ///   MSH-5/MSH-6 = the inbound MSH-3/MSH-4 as received; MSH-7 = `timestamp`;
    ///   MSH-9 = `ACK^<inbound MSH-9.2>`, plus `^ACK` from v2.5 on; MSH-10 = `controlID`;
    ///   MSH-11, MSH-12 and (when present) MSH-18 echoed.
    /// - MSA-1 = `code`, MSA-2 = the inbound MSH-10, MSA-3 = `text` when given; before v2.5 the
    ///   error's text goes there when `text` is nil.
    /// - From v2.5, with `error`: `ERR||<seg>^<seq>^<field>[^<rep>^<comp>]|<code>^<name>^HL70357|<severity>||||<text>`.
    ///   Before v2.5, with `error`: the ELD form `ERR|<seg>^<seq>^<field>^<code>&<name>&HL70357`.
    /// - The version is MSH-12.1 compared numerically (2.5, 2.5.1, 2.6… count as 2.5 or later;
    ///   2.1–2.4 do not); a version that cannot be read counts as 2.5 or later.
    /// - Every value we supply is escaped; echoed fields have control characters escaped. The text
    ///   is encoded in ISO 8859-1 when the inbound message was read so (`?` for characters it
    ///   lacks), otherwise in UTF-8.
    public static func makeAck(to message: HL7Message, code: HL7AckCode, text: String?, error: HL7AckError?,
                               controlID: String, timestamp: String, sendingApplication: String = "ROUNDS",
                               sendingFacility: String? = nil) -> [UInt8] {
        let h = message.header
        func raw(_ f: Int) -> [UInt8] { Array(h.rawFieldBytes(f) ?? []) }
        let inputs = AckInputs(
            separators: message.separators, latin1: message.decodedAsLatin1,
            msh3: raw(3), msh4: raw(4), msh6: raw(6), msh10: raw(10),
            msh11: raw(11), msh12: raw(12), msh18: raw(18).isEmpty ? nil : raw(18),
            trigger: Array(h.rawComponentBytes(9, component: 2)),
            atLeast25: versionAtLeast25(Array(h.rawComponentBytes(12, component: 1))))
        return inputs.build(code: code, text: text, error: error, controlID: controlID, timestamp: timestamp,
                            sendingApplication: sendingApplication, sendingFacility: sendingFacility)
    }

    /// An ACK for bytes that could not be parsed. When they begin with MSH and readable
    /// separators, the first line (up to CR or LF) gives the separators, MSH-3…6, MSH-9.2,
    /// MSH-10, MSH-11, MSH-12 and MSH-18, as `makeAck` would use them; otherwise the ACK uses
    /// `|^~\&`, MSH-11 `P`, version 2.5.1, and MSA-2 is empty. Never traps.
    public static func makeAckForUnreadable(_ bytes: [UInt8], code: HL7AckCode, text: String, controlID: String,
                                            timestamp: String, sendingApplication: String = "ROUNDS",
                                            sendingFacility: String? = nil, error: HL7AckError? = nil) -> [UInt8] {
        let inputs = scrape(bytes) ?? AckInputs(
            separators: .standard, latin1: false, msh3: [], msh4: [], msh6: [], msh10: [], msh11: Array("P".utf8),
            msh12: Array("2.5.1".utf8), msh18: nil, trigger: [], atLeast25: true)
        return inputs.build(code: code, text: text, error: error, controlID: controlID, timestamp: timestamp,
                            sendingApplication: sendingApplication, sendingFacility: sendingFacility)
    }

    private static func scrape(_ input: [UInt8]) -> AckInputs? {
        let b = hasBOM(input) ? input.dropFirst(3) : input[...]
        let s = b.startIndex
        guard b.count >= 8, b[s] == 0x4D, b[s + 1] == 0x53, b[s + 2] == 0x48, HL7Separators.isAllowed(b[s + 3]) else {
            return nil
        }
        let fs = b[s + 3]
        var lineEnd = s + 4
        while lineEnd < b.endIndex, b[lineEnd] != 0x0D, b[lineEnd] != 0x0A { lineEnd += 1 }
        // MSH-2 is parts[0]; MSH-n is parts[n - 2].
        let parts = b[(s + 4)..<lineEnd].split(separator: fs, omittingEmptySubsequences: false)
        guard let enc = parts.first, enc.count == 4 || enc.count == 5, HL7Separators.validSet([fs] + Array(enc)) else {
            return nil
        }
        let e = Array(enc)
        let seps = HL7Separators(unchecked: fs, component: e[0], repetition: e[1], escape: e[2], subcomponent: e[3],
                                 truncation: e.count == 5 ? e[4] : nil)
        func field(_ n: Int) -> ArraySlice<UInt8> { n - 2 < parts.count ? parts[n - 2] : [] }
        func firstComponent(_ f: ArraySlice<UInt8>, _ index: Int) -> [UInt8] {
            let rep = f.split(separator: seps.repetition, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
            let comps = rep.split(separator: seps.component, omittingEmptySubsequences: false)
            return index < comps.count ? Array(comps[index]) : []
        }
        let charset = firstComponent(field(18), 0)
        let latin1 = HL7Message.namesLatin1(charset[...]) || !isValidUTF8(Array(b[s..<lineEnd]))
        return AckInputs(
            separators: seps, latin1: latin1, msh3: Array(field(3)), msh4: Array(field(4)), msh6: Array(field(6)),
            msh10: Array(field(10)), msh11: Array(field(11)), msh12: Array(field(12)),
            msh18: field(18).isEmpty ? nil : Array(field(18)), trigger: firstComponent(field(9), 1),
            atLeast25: versionAtLeast25(firstComponent(field(12), 0)))
    }
}

/// 2.5 or later, comparing dotted numbers; unreadable (empty, letters) counts as later.
func versionAtLeast25(_ v: [UInt8]) -> Bool {
    var numbers: [Int] = []
    var current = 0
    var digits = 0
    for c in v + [0x2E] {
        if c == 0x2E {
            guard digits > 0 else { return true }
            numbers.append(current)
            current = 0
            digits = 0
        } else if isDigit(c), digits < 6 {
            current = current * 10 + Int(c - 0x30)
            digits += 1
        } else {
            return true
        }
    }
    guard let major = numbers.first else { return true }
    if major != 2 { return major > 2 }
    let minor = numbers.count > 1 ? numbers[1] : 0
    return minor >= 5
}

/// What an ACK needs from the inbound message, as raw bytes.
struct AckInputs {
    var separators: HL7Separators
    var latin1: Bool
    var msh3: [UInt8]
    var msh4: [UInt8]
    var msh6: [UInt8]
    var msh10: [UInt8]
    var msh11: [UInt8]
    var msh12: [UInt8]
    var msh18: [UInt8]?
    var trigger: [UInt8]
    var atLeast25: Bool

    func build(code: HL7AckCode, text: String?, error: HL7AckError?, controlID: String, timestamp: String,
               sendingApplication: String, sendingFacility: String?) -> [UInt8] {
        let s = separators
        var out: [UInt8] = []
        out.reserveCapacity(256)
        func put(_ t: String) { out.append(contentsOf: encode(s.escaped(t))) }
        func putLiteral(_ t: String) { out.append(contentsOf: t.utf8) }
        func putRaw(_ r: [UInt8]) { out.append(contentsOf: sanitized(r)) }
        func sep() { out.append(s.field) }
        func comp() { out.append(s.component) }
        func end() { out.append(0x0D) }

        putLiteral("MSH"); sep(); out.append(contentsOf: s.encodingCharacters)
        sep(); put(sendingApplication)
        sep(); if let sendingFacility { put(sendingFacility) } else { putRaw(msh6) }
        sep(); putRaw(msh3)
        sep(); putRaw(msh4)
        sep(); put(timestamp)
        sep()
        sep(); putLiteral("ACK")
        if atLeast25 {
            comp(); putRaw(trigger); comp(); putLiteral("ACK")
        } else if !trigger.isEmpty {
            comp(); putRaw(trigger)
        }
        sep(); put(controlID)
        sep(); putRaw(msh11)
        sep(); putRaw(msh12)
        if let msh18 {
            for _ in 13...18 { sep() }
            putRaw(msh18)
        }
        end()

        putLiteral("MSA"); sep(); putLiteral(code.rawValue)
        sep(); putRaw(msh10)
        if let text, !text.isEmpty {
            sep(); put(text)
        } else if !atLeast25, let error, !error.text.isEmpty {
            sep(); put(error.text)
        }
        end()

        if let error {
            let name = HL7AckError.name(ofCode: error.code) ?? ""
            putLiteral("ERR"); sep()
            if atLeast25 {
                sep()
                if let l = error.location {
                    put(l.segmentID); comp(); putLiteral(String(l.sequence)); comp(); putLiteral(String(l.field))
                    if l.repetition != nil || l.component != nil {
                        comp(); if let r = l.repetition { putLiteral(String(r)) }
                        if let c = l.component { comp(); putLiteral(String(c)) }
                    }
                }
                sep(); putLiteral(String(error.code)); comp(); put(name); comp(); putLiteral("HL70357")
                sep(); put(String(error.severity))
                sep(); sep(); sep(); sep(); put(error.text)
            } else {
                if let l = error.location {
                    put(l.segmentID); comp(); putLiteral(String(l.sequence)); comp(); putLiteral(String(l.field))
                } else {
                    comp(); comp()
                }
                comp(); putLiteral(String(error.code)); out.append(s.subcomponent); put(name)
                out.append(s.subcomponent); putLiteral("HL70357")
            }
            end()
        }
        return out
    }

    /// Text in the inbound message's encoding: ISO 8859-1 (`?` for what it lacks) or UTF-8.
    func encode(_ t: String) -> [UInt8] {
        guard latin1 else { return Array(t.utf8) }
        return t.unicodeScalars.map { $0.value <= 0xFF ? UInt8(truncatingIfNeeded: $0.value) : 0x3F }
    }

    /// Echoed raw bytes with control characters written as `\Xhh\` so they cannot end a segment
    /// or a frame.
    func sanitized(_ r: [UInt8]) -> [UInt8] {
        guard r.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return r }
        var out: [UInt8] = []
        for c in r {
            if c < 0x20 || c == 0x7F {
                out.append(separators.escape)
                out.append(0x58)
                out.append(contentsOf: hexByte(c).utf8)
                out.append(separators.escape)
            } else {
                out.append(c)
            }
        }
        return out
    }
}
