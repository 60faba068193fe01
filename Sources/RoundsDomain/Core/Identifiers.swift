/// Medical record number: the patient's identifier, e.g. `MRN100234`.
public typealias MRN = String
/// A bed, named by unit and number, e.g. `ICU-04`.
public typealias BedID = String
/// A unit (ward) code, e.g. `ICU`, `4W`.
public typealias UnitCode = String
/// An operating-system login name; staff are known by it.
public typealias Login = String

/// Numeric identifiers the engine hands out in order. Each kind prints with its letter
/// (`T12`, `L7`, `M3`, `P2`, `S5`) and parses back from it.
public protocol SequentialID: Hashable, Comparable, Sendable, Encodable, CustomStringConvertible {
    static var letter: Character { get }
    var number: Int { get }
    init(_ number: Int)
}

extension SequentialID {
    public var description: String { "\(Self.letter)\(number)" }
    public static func < (a: Self, b: Self) -> Bool { a.number < b.number }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
    /// Accepts `T12`, `t12` or `12`.
    public static func parse(_ text: Substring) -> Self? {
        var digits = text
        if let first = digits.first, first.uppercased() == String(letter) { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(digits), n > 0 else { return nil }
        return Self(n)
    }
}

public struct TaskID: SequentialID { public static let letter: Character = "T"; public let number: Int; public init(_ n: Int) { number = n } }
public struct LabID: SequentialID { public static let letter: Character = "L"; public let number: Int; public init(_ n: Int) { number = n } }
public struct MessageID: SequentialID { public static let letter: Character = "M"; public let number: Int; public init(_ n: Int) { number = n } }
public struct ProcedureID: SequentialID { public static let letter: Character = "P"; public let number: Int; public init(_ n: Int) { number = n } }
public struct StayID: SequentialID { public static let letter: Character = "S"; public let number: Int; public init(_ n: Int) { number = n } }

/// Identifier syntax shared by the parser and validation.
public enum IdentifierSyntax {
    /// MRNs: 3–20 characters of letters, digits and `-`.
    public static func isValidMRN(_ s: Substring) -> Bool {
        (3...20).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
    /// Bed and unit names: 1–16 characters of letters, digits, `-` and `_`.
    public static func isValidCode(_ s: Substring) -> Bool {
        (1...16).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
    /// Logins as Debian's adduser allows them, lower-case letters first.
    public static func isValidLogin(_ s: Substring) -> Bool {
        guard let f = s.first, (1...32).contains(s.count), f.isASCII, f.isLetter || f == "_" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
    }
}

extension String {
    /// First letter upper-cased (`stat` → `Stat`); the domain does without Foundation.
    public var initialCapital: String { prefix(1).uppercased() + dropFirst() }
}
