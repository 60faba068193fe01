import RoundsDomain

/// A feed's configuration file (Docs/HL7.md, "The mapping file"): `key = value` lines, `#`
/// comments, and `[section]` tables that map the sender's identifiers to Rounds' own.
///
///     login = hl7adt
///     mrn = MR@HOSP
///     [units]
///     T42E = 4W
///     [beds]
///     T42E^BY02^BY02-17 = 4W-17
///
/// Every problem is reported with its line and what would be valid; a file with any problem
/// is refused whole, so a listener never starts with half a mapping.
public struct FeedConfig: Equatable, Sendable {
    /// The roster login the feed records as (role `feed`).
    public var login: Login = "hl7"
    /// MSH-11 processing ids accepted; others are rejected (AR, code 202).
    public var processingIDs: Set<String> = ["P"]
    /// Which PID-3 repetition is the MRN: identifier type (CX-5) and assigning authority
    /// (CX-4.1), either `*`; tried in order. Empty: the first `MR` repetition, else the first.
    public var mrnRules: [MRNRule] = []
    /// Offset for time stamps that carry none and whose MSH-7 carries none: nil uses the
    /// host's local time (its time zone, daylight saving included).
    public var defaultOffsetMinutes: Int?
    /// Sender addresses allowed to connect (exact IPv4/IPv6 or CIDR); empty: any that can
    /// reach the bound address.
    public var allow: [AddressRule] = []
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// When set, a sender must present a certificate signed by this CA.
    public var tlsClientCA: String?
    /// Largest message accepted, in bytes.
    public var maxMessageBytes = 1 << 20
    /// A connection that sends nothing for this long is closed (seconds).
    public var idleTimeout = 300
    /// A frame begun and not finished within this long is dropped and its connection closed.
    public var frameTimeout = 30

    public var units: [String: UnitCode] = [:]
    public var beds: [String: BedID] = [:]
    public var tests: [String: String] = [:]
    public var resources: [String: Resource] = [:]
    public var dispositions: [String: Disposition] = [:]

    public struct MRNRule: Equatable, Sendable, CustomStringConvertible {
        public var type: String?
        public var authority: String?
        public var description: String { "\(type ?? "*")@\(authority ?? "*")" }
    }
    public struct Resource: Equatable, Sendable {
        public var name: String
        public var kind: ProcedureKind
    }

    public init() {}

    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }
    public struct Problems: Error, Equatable, Sendable, CustomStringConvertible {
        public var path: String
        public var list: [Problem]
        public var description: String { list.map { "\(path): \($0)" }.joined(separator: "\n") }
    }

    static let keys = ["login", "processing-ids", "mrn", "utc-offset", "allow", "tls-certificate", "tls-key", "tls-client-ca",
                       "max-message", "idle-timeout", "frame-timeout"]
    static let sections = ["units", "beds", "tests", "resources", "dispositions"]

    public static func parse(_ text: String, path: String) throws(Problems) -> FeedConfig {
        var c = FeedConfig()
        var problems: [Problem] = []
        var section: String?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let n = index + 1
            func fail(_ m: String) { problems.append(Problem(line: n, message: m)) }
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmed
            if trimmed.isEmpty { continue }
            if let bad = trimmed.unicodeScalars.first(where: { TextSafety.isUnsafe($0) }) {
                fail("a control or direction character (\(TextSafety.name(bad))) is not allowed")
                continue
            }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]") else { fail("a section is written [name]"); continue }
                let name = String(trimmed.dropFirst().dropLast()).trimmed.lowercased()
                guard sections.contains(name) else { fail("unknown section [\(name)]; sections: \(sections.map { "[\($0)]" }.joined(separator: " "))"); section = nil; continue }
                section = name
                continue
            }
            guard let eq = trimmed.firstIndex(of: "=") else { fail("expected key = value"); continue }
            let key = String(trimmed[..<eq]).trimmed, value = String(trimmed[trimmed.index(after: eq)...]).trimmed
            guard !key.isEmpty, !value.isEmpty else { fail("expected key = value, both given"); continue }
            if let section {
                switch section {
                case "units":
                    guard IdentifierSyntax.isValidCode(Substring(value)) else { fail("'\(value)' is not a Rounds unit code"); continue }
                    c.units[key] = value.uppercased()
                case "beds":
                    guard IdentifierSyntax.isValidCode(Substring(value)) else { fail("'\(value)' is not a Rounds bed"); continue }
                    c.beds[normalizedLocation(key)] = value.uppercased()
                case "tests":
                    let code = value.uppercased()
                    guard (1...16).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                        fail("'\(value)' is not a Rounds test code (1–16 letters, digits or -)"); continue
                    }
                    c.tests[key] = code
                case "resources":
                    let words = value.split(separator: " ", omittingEmptySubsequences: true)
                    guard words.count == 2, IdentifierSyntax.isValidCode(words[0]), let kind = ProcedureKind.parse(words[1]) else {
                        fail("a resource is written RESOURCE KIND, e.g. OR-1 surgery; kinds: \(ProcedureKind.words)"); continue
                    }
                    c.resources[key] = Resource(name: words[0].uppercased(), kind: kind)
                case "dispositions":
                    guard let d = Disposition.parse(Substring(value)) else { fail("'\(value)' is not a disposition; use one of \(Disposition.words)"); continue }
                    c.dispositions[key.uppercased()] = d
                default: break
                }
                continue
            }
            switch key {
            case "login":
                guard IdentifierSyntax.isValidLogin(Substring(value)) else { fail("'\(value)' is not a login"); continue }
                c.login = value
            case "processing-ids":
                let ids = value.split(separator: ",").map { $0.trimmed.uppercased() }
                guard !ids.isEmpty, ids.allSatisfy({ ["P", "T", "D"].contains($0) }) else { fail("processing-ids is a list of P, T, D"); continue }
                c.processingIDs = Set(ids)
            case "mrn":
                let parts = value.split(separator: "@", maxSplits: 1).map { $0.trimmed }
                let type = parts[0] == "*" || parts[0].isEmpty ? nil : parts[0]
                let authority = parts.count > 1 && parts[1] != "*" && !parts[1].isEmpty ? parts[1] : nil
                c.mrnRules.append(MRNRule(type: type, authority: authority))
            case "utc-offset":
                if value.lowercased() == "local" { c.defaultOffsetMinutes = nil; continue }
                guard let m = parseOffset(value) else { fail("utc-offset is local or ±HH:MM, e.g. -05:00"); continue }
                c.defaultOffsetMinutes = m
            case "allow":
                for item in value.split(separator: ",") {
                    let t = item.trimmed
                    guard let rule = AddressRule(t) else { fail("'\(t)' is not an IPv4 or IPv6 address or CIDR block (e.g. 10.20.0.0/16)"); continue }
                    c.allow.append(rule)
                }
            case "tls-certificate": c.tlsCertificate = value
            case "tls-key": c.tlsKey = value
            case "tls-client-ca": c.tlsClientCA = value
            case "max-message":
                guard let n = Int(value), (1_024...(64 << 20)).contains(n) else { fail("max-message is a number of bytes from 1024 to 67108864"); continue }
                c.maxMessageBytes = n
            case "idle-timeout", "frame-timeout":
                guard let n = Int(value), (1...86_400).contains(n) else { fail("\(key) is a number of seconds from 1 to 86400"); continue }
                if key == "idle-timeout" { c.idleTimeout = n } else { c.frameTimeout = n }
            default:
                fail("unknown key '\(key)'; keys: \(keys.joined(separator: ", ")), then sections \(sections.map { "[\($0)]" }.joined(separator: " "))")
            }
        }
        if (c.tlsCertificate == nil) != (c.tlsKey == nil) { problems.append(Problem(line: 0, message: "tls-certificate and tls-key go together")) }
        if c.tlsClientCA != nil, c.tlsCertificate == nil { problems.append(Problem(line: 0, message: "tls-client-ca needs tls-certificate and tls-key")) }
        guard problems.isEmpty else { throw Problems(path: path, list: problems) }
        return c
    }

    /// `PL-1^PL-2^PL-3` with empty trailing parts dropped and letters upper-cased.
    static func normalizedLocation(_ s: String) -> String {
        var parts = s.split(separator: "^", omittingEmptySubsequences: false).map { $0.trimmed.uppercased() }
        while let last = parts.last, last.isEmpty { parts.removeLast() }
        return parts.joined(separator: "^")
    }

    static func parseOffset(_ s: String) -> Int? {
        var t = Substring(s)
        guard let sign = t.first, sign == "+" || sign == "-" else { return nil }
        t = t.dropFirst()
        let digits = t.filter { $0 != ":" }
        guard digits.count == 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let hh = Int(digits.prefix(2)), let mm = Int(digits.suffix(2)),
              hh <= 14, mm < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hh * 60 + mm)
    }
}

/// An allowed sender: one address, or a block in CIDR notation.
public struct AddressRule: Equatable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]
    public var prefix: Int
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let b = AddressRule.parse(String(first)) else { return nil }
        bytes = b
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...(b.count * 8)).contains(p) else { return nil }
            prefix = p
        } else {
            prefix = b.count * 8
        }
    }
    public var description: String { "\(AddressRule.format(bytes))/\(prefix)" }

    public func matches(_ address: [UInt8]) -> Bool {
        var a = address
        // An IPv4 sender on an IPv6 socket arrives as ::ffff:a.b.c.d.
        if bytes.count == 4, a.count == 16, a[0..<10].allSatisfy({ $0 == 0 }), a[10] == 0xFF, a[11] == 0xFF { a = Array(a[12...]) }
        guard a.count == bytes.count else { return false }
        var left = prefix
        for i in 0..<bytes.count where left > 0 {
            let bits = min(8, left)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if a[i] & mask != bytes[i] & mask { return false }
            left -= bits
        }
        return true
    }

    /// IPv4 dotted quad or IPv6 (with `::`).
    public static func parse(_ s: String) -> [UInt8]? {
        if s.contains(".") && !s.contains(":") {
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var out: [UInt8] = []
            for p in parts {
                guard (1...3).contains(p.count), p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt8(p) else { return nil }
                out.append(v)
            }
            return out
        }
        guard s.contains(":") else { return nil }
        let halves = s.components(separatedByDoubleColon: ())
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for g in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(g.count), let v = UInt16(g, radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    public static func format(_ b: [UInt8]) -> String {
        if b.count == 4 { return b.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: b.count, by: 2).map { String(UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}

extension StringProtocol {
    var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension String {
    /// Splits at the first `::` (IPv6 shorthand).
    func components(separatedByDoubleColon: Void) -> [Substring] {
        var result: [Substring] = []
        var rest = Substring(self)
        while let r = rest.firstRange(of: "::") {
            result.append(rest[..<r.lowerBound])
            rest = rest[r.upperBound...]
        }
        result.append(rest)
        return result
    }
}
