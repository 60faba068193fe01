/// An instant, in milliseconds since 1970-01-01T00:00:00Z. The domain never reads a clock:
/// every instant arrives in a command, an event or a journal record.
public struct Timestamp: Hashable, Comparable, Sendable, Encodable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public init(seconds: Int64) { self.milliseconds = seconds * 1000 }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }
    public static func + (t: Timestamp, d: Span) -> Timestamp { Timestamp(milliseconds: t.milliseconds + d.milliseconds) }
    public static func - (t: Timestamp, d: Span) -> Timestamp { Timestamp(milliseconds: t.milliseconds - d.milliseconds) }
    public static func - (a: Timestamp, b: Timestamp) -> Span { Span(milliseconds: a.milliseconds - b.milliseconds) }

    /// Calendar date in UTC; used where the domain needs a date deterministically (ages).
    public var utcDate: LocalDate { LocalDate(daysSinceEpoch: Int32(clamping: floorDiv(milliseconds, 86_400_000))) }

    /// ISO 8601 in UTC with seconds, e.g. `2026-11-22T07:00:00Z`.
    public var iso8601: String {
        let secs = floorDiv(milliseconds, 1000)
        let day = floorDiv(secs, 86_400)
        let rem = secs - day * 86_400
        // A time millions of years away (a forged or damaged record) is printed, not trapped on.
        guard let days = Int32(exactly: day) else { return "\(milliseconds) ms after 1970-01-01T00:00:00Z" }
        let date = LocalDate(daysSinceEpoch: days)
        return "\(date)T\(pad2(Int(rem / 3600))):\(pad2(Int(rem / 60 % 60))):\(pad2(Int(rem % 60)))Z"
    }

    public var description: String { iso8601 }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso8601)
    }
}

/// A length of time in milliseconds (named `Span` so it never collides with `Swift.Duration`).
public struct Span: Hashable, Comparable, Sendable, Encodable, CustomStringConvertible {
    public var milliseconds: Int64
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int64) -> Span { Span(milliseconds: s * 1000) }
    public static func minutes(_ m: Int64) -> Span { Span(milliseconds: m * 60_000) }
    public static func hours(_ h: Int64) -> Span { Span(milliseconds: h * 3_600_000) }
    public static func days(_ d: Int64) -> Span { Span(milliseconds: d * 86_400_000) }
    public static func < (a: Span, b: Span) -> Bool { a.milliseconds < b.milliseconds }
    public static func + (a: Span, b: Span) -> Span { Span(milliseconds: a.milliseconds + b.milliseconds) }
    public static func * (a: Span, k: Int64) -> Span { Span(milliseconds: a.milliseconds * k) }
    public var minutes: Int64 { milliseconds / 60_000 }

    /// Compact human form: `45s`, `12m`, `3h05m`, `2d04h`.
    public var description: String {
        let negative = milliseconds < 0
        let s = abs(milliseconds) / 1000
        let text: String
        if s < 60 { text = "\(s)s" }
        else if s < 3600 { text = "\(s / 60)m" }
        else if s < 86_400 { text = s % 3600 / 60 == 0 ? "\(s / 3600)h" : "\(s / 3600)h\(pad2(Int(s % 3600 / 60)))m" }
        else { text = s % 86_400 / 3600 == 0 ? "\(s / 86_400)d" : "\(s / 86_400)d\(pad2(Int(s % 86_400 / 3600)))h" }
        return negative ? "-" + text : text
    }
}

/// A calendar date without a time zone (dates of birth, expected discharge dates).
public struct LocalDate: Hashable, Comparable, Sendable, Encodable, CustomStringConvertible {
    public var daysSinceEpoch: Int32

    public init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// Returns nil for impossible dates such as 2026-02-30.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year),
              (1800...2400).contains(year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        daysSinceEpoch = Int32(era * 146_097 + doe - 719_468)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(daysSinceEpoch) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: Substring) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }
    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + Int32(days)) }

    /// Whole years from `self` (a birth date) to `date`.
    public func years(until date: LocalDate) -> Int {
        let a = components, b = date.components
        var years = b.year - a.year
        if (b.month, b.day) < (a.month, a.day) { years -= 1 }
        return years
    }

    public var description: String {
        let c = components
        return "\(c.year)-\(pad2(c.month))-\(pad2(c.day))"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// How the command language and reports turn instants into wall-clock times. The domain stays
/// free of the operating system's time-zone database; the caller supplies the offset rule.
public struct WallClock: Sendable {
    /// Seconds east of UTC in force at an instant.
    public let utcOffset: @Sendable (Timestamp) -> Int

    public init(utcOffset: @escaping @Sendable (Timestamp) -> Int) { self.utcOffset = utcOffset }
    public static let utc = WallClock { _ in 0 }

    public func localDate(_ t: Timestamp) -> LocalDate {
        Timestamp(milliseconds: t.milliseconds + Int64(utcOffset(t)) * 1000).utcDate
    }

    /// Minutes after local midnight.
    public func minuteOfDay(_ t: Timestamp) -> Int {
        let local = t.milliseconds + Int64(utcOffset(t)) * 1000
        return Int(floorDiv(local, 60_000) - floorDiv(local, 86_400_000) * 1440)
    }

    /// The instant at which the local wall clock reads `minuteOfDay` on `date`.
    public func instant(on date: LocalDate, minuteOfDay: Int) -> Timestamp {
        let naive = Int64(date.daysSinceEpoch) * 86_400_000 + Int64(minuteOfDay) * 60_000
        // Two passes settle the offset across a daylight-saving change.
        var guess = Timestamp(milliseconds: naive - Int64(utcOffset(Timestamp(milliseconds: naive))) * 1000)
        guess = Timestamp(milliseconds: naive - Int64(utcOffset(guess)) * 1000)
        return guess
    }

    /// `HH:MM`
    public func hhmm(_ t: Timestamp) -> String {
        let m = minuteOfDay(t)
        return "\(pad2(m / 60)):\(pad2(m % 60))"
    }

    /// `YYYY-MM-DD HH:MM`
    public func dateTime(_ t: Timestamp) -> String { "\(localDate(t)) \(hhmm(t))" }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

@inline(__always) func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
