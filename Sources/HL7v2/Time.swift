/// HL7 v2 time stamps (TS/DTM): `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`, and the
/// civil-date arithmetic to turn them into epoch milliseconds and back, without Foundation.

public struct HL7DateTime: Equatable, Sendable {
    /// How much of the value was sent.
    public enum Precision: Int, Comparable, Sendable {
        case year, month, day, hour, minute, second, fraction
        public static func < (a: Precision, b: Precision) -> Bool { a.rawValue < b.rawValue }
    }

    public var year: Int
    /// 1–12 (1 when not sent).
    public var month: Int
    /// 1–31 (1 when not sent).
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// 0–999: the first three fraction digits (`.5` is 500 ms, `.1234` is 123 ms).
    public var millisecond: Int
    /// The sender's UTC offset (`-0500` is -300), nil when none was sent: then the offset is not
    /// known, and must not be taken as UTC (MSH-7's offset is the default for the message).
    public var offsetMinutes: Int?
    public var precision: Precision

    public init(year: Int, month: Int = 1, day: Int = 1, hour: Int = 0, minute: Int = 0, second: Int = 0,
                millisecond: Int = 0, offsetMinutes: Int? = nil, precision: Precision = .second) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
        self.offsetMinutes = offsetMinutes
        self.precision = precision
    }

    /// Reads `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]` (surrounding spaces ignored).
    ///
    /// Nil for anything else: a digit count other than 4, 6, 8, 10, 12 or 14 before the optional
    /// fraction (so `196203520`, and the 16/17-digit runs some senders write without the dot such as
    /// `1994050216163360`, are refused rather than guessed at: the extra digits could be hundredths
    /// or thousandths of a second, or a typo), a fraction on less than seconds, more than 4
    /// fraction digits, an offset that is not 4 digits (hours 00–14, minutes 00–59), or a value out
    /// of range (month 1–12, a day the month has — 29 February only in leap years —, hour 0–23,
    /// minute and second 0–59, year 1–9999).
    public static func parse(_ text: String) -> HL7DateTime? {
        let u = Array(text.utf8)
        var lo = 0
        var hi = u.count
        while lo < hi && u[lo] == 0x20 { lo += 1 }
        while hi > lo && u[hi - 1] == 0x20 { hi -= 1 }
        guard hi - lo <= 32 else { return nil }

        var i = lo
        var digits: [Int] = []
        while i < hi, isDigit(u[i]) { digits.append(Int(u[i] - 0x30)); i += 1 }
        let precision: Precision
        switch digits.count {
        case 4: precision = .year
        case 6: precision = .month
        case 8: precision = .day
        case 10: precision = .hour
        case 12: precision = .minute
        case 14: precision = .second
        default: return nil
        }
        func number(_ from: Int, _ count: Int) -> Int {
            var v = 0
            for k in from..<(from + count) { v = v * 10 + digits[k] }
            return v
        }
        var result = HL7DateTime(year: number(0, 4), precision: precision)
        if digits.count >= 6 { result.month = number(4, 2) }
        if digits.count >= 8 { result.day = number(6, 2) }
        if digits.count >= 10 { result.hour = number(8, 2) }
        if digits.count >= 12 { result.minute = number(10, 2) }
        if digits.count >= 14 { result.second = number(12, 2) }

        if i < hi && u[i] == 0x2E {  // fraction
            guard precision == .second else { return nil }
            i += 1
            var fraction: [Int] = []
            while i < hi, isDigit(u[i]) { fraction.append(Int(u[i] - 0x30)); i += 1 }
            guard (1...4).contains(fraction.count) else { return nil }
            var ms = 0
            for k in 0..<3 { ms = ms * 10 + (k < fraction.count ? fraction[k] : 0) }
            result.millisecond = ms
            result.precision = .fraction
        }
        if i < hi && (u[i] == 0x2B || u[i] == 0x2D) {  // offset
            let negative = u[i] == 0x2D
            i += 1
            guard hi - i == 4, (i..<hi).allSatisfy({ isDigit(u[$0]) }) else { return nil }
            let h = Int(u[i] - 0x30) * 10 + Int(u[i + 1] - 0x30)
            let m = Int(u[i + 2] - 0x30) * 10 + Int(u[i + 3] - 0x30)
            guard h <= 14, m <= 59 else { return nil }
            result.offsetMinutes = (negative ? -1 : 1) * (h * 60 + m)
            i = hi
        }
        guard i == hi else { return nil }

        guard (1...9999).contains(result.year), (1...12).contains(result.month),
              (1...daysIn(month: result.month, year: result.year)).contains(result.day),
              (0...23).contains(result.hour), (0...59).contains(result.minute), (0...59).contains(result.second)
        else { return nil }
        return result
    }

    /// Milliseconds since 1970-01-01T00:00:00Z, using this value's own offset when it has one and
    /// `defaultOffsetMinutes` (e.g. MSH-7's offset, or the hospital's) otherwise.
    public func epochMilliseconds(defaultOffsetMinutes: Int) -> Int64 {
        let offset = Int64(clamping: offsetMinutes ?? defaultOffsetMinutes)
        // Clamped so a hand-built value with absurd fields cannot overflow (parsed ones are valid).
        let days = daysFromCivil(year: Int64(min(max(year, -999_999), 999_999)), month: Int64(min(max(month, 1), 12)),
                                 day: Int64(min(max(day, -999_999), 999_999)))
        var t = days &* 24 &+ Int64(clamping: hour)
        t = t &* 60 &+ Int64(clamping: minute) &- offset
        t = t &* 60 &+ Int64(clamping: second)
        return t &* 1000 &+ Int64(clamping: millisecond)
    }

    /// `YYYYMMDDHHMMSS.SSS+ZZZZ` in the given offset (as for an ACK's MSH-7). The time is clamped
    /// to years 0001–9999 and the offset to ±23:59.
    public static func format(epochMilliseconds: Int64, offsetMinutes: Int) -> String {
        let offset = Int64(min(max(offsetMinutes, -1439), 1439))
        let minMs: Int64 = -62_135_596_800_000      // 0001-01-01T00:00:00Z
        let maxMs: Int64 = 253_402_300_799_999      // 9999-12-31T23:59:59.999Z
        var local = min(max(epochMilliseconds, minMs), maxMs) + offset * 60_000
        local = min(max(local, minMs), maxMs)
        let days = floorDiv(local, 86_400_000)
        var rest = local - days * 86_400_000
        let (y, m, d) = civilFromDays(days)
        let hour = rest / 3_600_000; rest %= 3_600_000
        let minute = rest / 60_000; rest %= 60_000
        let second = rest / 1000
        let ms = rest % 1000
        let sign = offset < 0 ? "-" : "+"
        let absOffset = offset < 0 ? -offset : offset
        return pad(y, 4) + pad(m, 2) + pad(d, 2) + pad(hour, 2) + pad(minute, 2) + pad(second, 2)
            + "." + pad(ms, 3) + sign + pad(absOffset / 60, 2) + pad(absOffset % 60, 2)
    }

    public static func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }
}

private func pad(_ v: Int64, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = floorDiv(y, 400)
    let yoe = y - era * 400                                         // [0, 399]
    let mp = (month + 9) % 12                                       // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1                          // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy                 // [0, 146096]
    return era * 146_097 + doe - 719_468
}

/// The inverse of `daysFromCivil` (H. Hinnant's civil_from_days).
func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
    let z = z0 + 719_468
    let era = floorDiv(z, 146_097)
    let doe = z - era * 146_097                                     // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365  // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)               // [0, 365]
    let mp = (5 * doy + 2) / 153                                    // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1                            // [1, 31]
    let m = mp < 10 ? mp + 3 : mp - 9                               // [1, 12]
    return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
}
