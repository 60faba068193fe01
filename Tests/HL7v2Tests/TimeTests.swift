import Testing
@testable import HL7v2

@Suite struct HL7DateTimeTests {
    @Test func everyPrecision() throws {
        let year = try #require(HL7DateTime.parse("2024"))
        #expect(year == HL7DateTime(year: 2024, precision: .year))
        #expect(HL7DateTime.parse("202403")?.precision == .month)
        #expect(HL7DateTime.parse("202403")?.month == 3)
        #expect(HL7DateTime.parse("20240315")?.precision == .day)
        #expect(HL7DateTime.parse("2024031508")?.hour == 8)
        #expect(HL7DateTime.parse("2024031508")?.precision == .hour)
        #expect(HL7DateTime.parse("202403150815")?.minute == 15)
        #expect(HL7DateTime.parse("202403150815")?.precision == .minute)
        let second = try #require(HL7DateTime.parse("20240315081530"))
        #expect(second == HL7DateTime(year: 2024, month: 3, day: 15, hour: 8, minute: 15, second: 30, precision: .second))
        #expect(HL7DateTime.parse("20240315081530.5")?.millisecond == 500)
        #expect(HL7DateTime.parse("20240315081530.12")?.millisecond == 120)
        #expect(HL7DateTime.parse("20240315081530.123")?.millisecond == 123)
        #expect(HL7DateTime.parse("20240315081530.1239")?.millisecond == 123)
        #expect(HL7DateTime.parse("20240315081530.1239")?.precision == .fraction)
        #expect(HL7DateTime.parse(" 20240315 ")?.day == 15)
        #expect(HL7DateTime.Precision.day < .minute)
    }

    @Test func offsets() {
        #expect(HL7DateTime.parse("20240315081530-0500")?.offsetMinutes == -300)
        #expect(HL7DateTime.parse("20240315081530+0215")?.offsetMinutes == 135)
        #expect(HL7DateTime.parse("202403150815+0000")?.offsetMinutes == 0)
        #expect(HL7DateTime.parse("20240315081530.25+0110")?.offsetMinutes == 70)
        #expect(HL7DateTime.parse("2024+0700")?.offsetMinutes == 420)
        #expect(HL7DateTime.parse("20240315081530")?.offsetMinutes == nil)
        #expect(HL7DateTime.parse("20240315081530+05") == nil)
        #expect(HL7DateTime.parse("20240315081530+05000") == nil)
        #expect(HL7DateTime.parse("20240315081530+0560") == nil)
        #expect(HL7DateTime.parse("20240315081530+1500") == nil)
        #expect(HL7DateTime.parse("20240315081530-") == nil)
    }

    @Test func invalid() {
        for text in ["", "Aug 15, 1942", "196203520", "1994050216163360", "20110613122406637", "20240315081530.",
                     "20240315081530.12345", "202403150815.5", "20241301", "20240001", "20240230", "20230229",
                     "19000229", "20240431", "2024031524", "202403152360", "20240315235960", "0000", "2O24",
                     "20240315 0815", "2024-03-15", "１２３４", "20240315081530Z", String(repeating: "9", count: 200)] {
            #expect(HL7DateTime.parse(text) == nil, "\(text)")
        }
    }

    @Test func leapDays() {
        #expect(HL7DateTime.parse("20240229")?.day == 29)
        #expect(HL7DateTime.parse("20000229")?.day == 29)
        #expect(HL7DateTime.parse("21000229") == nil)
        #expect(HL7DateTime.parse("20231231235959")?.second == 59)
    }

    @Test func epochMilliseconds() throws {
        #expect(HL7DateTime.parse("19700101")?.epochMilliseconds(defaultOffsetMinutes: 0) == 0)
        #expect(HL7DateTime.parse("19700101000000.001+0000")?.epochMilliseconds(defaultOffsetMinutes: 60) == 1)
        // 2024-03-15T08:15:30-05:00 is 13:15:30Z = 1710508530 s.
        let t = try #require(HL7DateTime.parse("20240315081530-0500"))
        #expect(t.epochMilliseconds(defaultOffsetMinutes: 120) == 1_710_508_530_000)
        // Without an offset, the default applies.
        let local = try #require(HL7DateTime.parse("20240315081530"))
        #expect(local.epochMilliseconds(defaultOffsetMinutes: -300) == 1_710_508_530_000)
        #expect(local.epochMilliseconds(defaultOffsetMinutes: 0) == 1_710_490_530_000)
        #expect(HL7DateTime.parse("20240229120000+0215")?.epochMilliseconds(defaultOffsetMinutes: 0) == 1_709_199_900_000)
        #expect(HL7DateTime.parse("19691231235959.999+0000")?.epochMilliseconds(defaultOffsetMinutes: 0) == -1)
        #expect(HL7DateTime.parse("00010101+0000")?.epochMilliseconds(defaultOffsetMinutes: 0) == -62_135_596_800_000)
        // Hand-built absurd values do not trap.
        _ = HL7DateTime(year: Int.max, month: Int.min, day: Int.max, hour: Int.max, minute: Int.min, second: Int.max,
                        millisecond: Int.max, offsetMinutes: Int.min).epochMilliseconds(defaultOffsetMinutes: Int.max)
    }

    @Test func format() throws {
        #expect(HL7DateTime.format(epochMilliseconds: 0, offsetMinutes: 0) == "19700101000000.000+0000")
        #expect(HL7DateTime.format(epochMilliseconds: 1_710_508_530_042, offsetMinutes: -300) == "20240315081530.042-0500")
        #expect(HL7DateTime.format(epochMilliseconds: 1_709_199_900_000, offsetMinutes: 135) == "20240229120000.000+0215")
        #expect(HL7DateTime.format(epochMilliseconds: -1, offsetMinutes: 0) == "19691231235959.999+0000")
        #expect(HL7DateTime.format(epochMilliseconds: Int64.min, offsetMinutes: Int.min) == "00010101000000.000-2359")
        #expect(HL7DateTime.format(epochMilliseconds: Int64.max, offsetMinutes: Int.max) == "99991231235959.999+2359")
        // Round trip across many days, including leap years and negative epochs.
        var ms: Int64 = -5_000_000_000_000
        while ms < 5_000_000_000_000 {
            for offset in [-720, -300, 0, 135, 840] {
                let text = HL7DateTime.format(epochMilliseconds: ms, offsetMinutes: offset)
                let back = try #require(HL7DateTime.parse(text), "\(text)")
                #expect(back.offsetMinutes == offset)
                #expect(back.epochMilliseconds(defaultOffsetMinutes: 0) == ms, "\(text)")
            }
            ms += 86_399_977_123
        }
    }
}
