import Testing
@testable import HL7v2

/// The bytes of a CR-terminated text, for exact comparisons.
func crText(_ lines: String...) -> [UInt8] { Array(lines.map { $0 + "\r" }.joined().utf8) }

@Suite struct AckTests {
    let v23 = #"MSH|^~\&|LABSYS|HOSPA|ROUNDS|WARDS|20240315081500||ORU^R01|CTRL0001|P|2.3"#
    let v251 = #"MSH|^~\&|ADTSYS|HOSPB|ROUNDS|WARDS|20240315081500-0500||ADT^A01^ADT_A01|CTRL0002|P|2.5.1|||AL|NE||UNICODE UTF-8"#

    @Test func acceptV23() throws {
        let m = try parsed(v23, "PID|1")
        let ack = HL7Message.makeAck(to: m, code: .AA, text: nil, error: nil, controlID: "ACK0001",
                                     timestamp: "20240315081501.000-0500")
        #expect(ack == crText(#"MSH|^~\&|ROUNDS|WARDS|LABSYS|HOSPA|20240315081501.000-0500||ACK^R01|ACK0001|P|2.3"#,
                              "MSA|AA|CTRL0001"))
        let back = try HL7Message.parse(ack)
        #expect(back.isAck)
        #expect(back.first("MSA")?.text(2) == "CTRL0001")
    }

    @Test func errorV23GoesToMSA3AndELD() throws {
        let m = try parsed(v23, "PID|1")
        let error = HL7AckError(code: HL7AckError.applicationInternalError,
                                location: HL7ErrorLocation(segmentID: "PID", field: 3), text: "journal|write failed")
        let ack = HL7Message.makeAck(to: m, code: .AE, text: nil, error: error, controlID: "ACK0002", timestamp: "T1",
                                     sendingApplication: "ROUNDS", sendingFacility: "ICU")
        #expect(ack == crText(#"MSH|^~\&|ROUNDS|ICU|LABSYS|HOSPA|T1||ACK^R01|ACK0002|P|2.3"#,
                              #"MSA|AE|CTRL0001|journal\F\write failed"#,
                              "ERR|PID^1^3^207&Application internal error&HL70357"))
        let noLocation = HL7Message.makeAck(to: m, code: .AR, text: "rejected", error: HL7AckError(code: 200, text: "no"),
                                            controlID: "A3", timestamp: "T1")
        #expect(noLocation == crText(#"MSH|^~\&|ROUNDS|WARDS|LABSYS|HOSPA|T1||ACK^R01|A3|P|2.3"#,
                                     "MSA|AR|CTRL0001|rejected",
                                     "ERR|^^^200&Unsupported message type&HL70357"))
    }

    @Test func acceptV251() throws {
        let m = try parsed(v251, "PID|1")
        let ack = HL7Message.makeAck(to: m, code: .AA, text: nil, error: nil, controlID: "R0", timestamp: "20240315131501.123+0000")
        #expect(ack == crText(#"MSH|^~\&|ROUNDS|WARDS|ADTSYS|HOSPB|20240315131501.123+0000||ACK^A01^ACK|R0|P|2.5.1||||||UNICODE UTF-8"#,
                              "MSA|AA|CTRL0002"))
    }

    @Test func errorV251HasERRWithEscapedText() throws {
        let m = try parsed(v251, "PID|1")
        let error = HL7AckError(code: HL7AckError.unsupportedEventCode,
                                location: HL7ErrorLocation(segmentID: "MSH", field: 9, component: 2),
                                text: "A99 is not handled & never will")
        let ack = HL7Message.makeAck(to: m, code: .AR, text: "Unsupported event^code", error: error, controlID: "R1",
                                     timestamp: "20240315131501.123+0000", sendingFacility: "WARD&1")
        #expect(ack == crText(#"MSH|^~\&|ROUNDS|WARD\T\1|ADTSYS|HOSPB|20240315131501.123+0000||ACK^A01^ACK|R1|P|2.5.1||||||UNICODE UTF-8"#,
                              #"MSA|AR|CTRL0002|Unsupported event\S\code"#,
                              #"ERR||MSH^1^9^^2|201^Unsupported event code^HL70357|E||||A99 is not handled \T\ never will"#))
        // Without text, v2.5+ leaves MSA-3 out; the error is in ERR only. Warning severity, full location.
        let warning = HL7AckError(code: 103, severity: "W", location: HL7ErrorLocation(segmentID: "PV1", sequence: 2, field: 3,
                                                                                       repetition: 1, component: 4), text: "x")
        let ack2 = HL7Message.makeAck(to: m, code: .AA, text: nil, error: warning, controlID: "R2", timestamp: "T")
        #expect(ack2 == crText(#"MSH|^~\&|ROUNDS|WARDS|ADTSYS|HOSPB|T||ACK^A01^ACK|R2|P|2.5.1||||||UNICODE UTF-8"#,
                               "MSA|AA|CTRL0002",
                               "ERR||PV1^2^3^1^4|103^Table value not found^HL70357|W||||x"))
        let ack3 = HL7Message.makeAck(to: m, code: .AE, text: nil, error: HL7AckError(code: 999, text: "?"), controlID: "R3", timestamp: "T")
        let err3 = Array("ERR|||999^^HL70357|E||||?\r".utf8)
        #expect(Array(ack3.suffix(err3.count)) == err3)
    }

    @Test func nonDefaultSeparatorsEchoed() throws {
        let m = try parsed(#"MSH^~|\&#^APP^FAC^^^20240101^^ADT~A08^X1^P^2.3"#, "PID^1")
        let ack = HL7Message.makeAck(to: m, code: .AE, text: "a^b~c|d\\e&f#g\r\n\u{1C}", error: nil, controlID: "Z",
                                     timestamp: "T")
        #expect(ack == crText(#"MSH^~|\&#^ROUNDS^^APP^FAC^T^^ACK~A08^Z^P^2.3"#,
                              #"MSA^AE^X1^a\F\b\S\c\R\d\E\e\T\f\P\g\X0D\\X0A\\X1C\"#))
        let back = try HL7Message.parse(ack)
        #expect(back.segments.map(\.id) == ["MSH", "MSA"])
        #expect(back.first("MSA")?.text(3) == "a^b~c|d\\e&f#g\r\n\u{1C}")
        #expect(back.separators == m.separators)
    }

    @Test func versionComparison() {
        for v in ["2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.10", "3", "", "V2.3", "2.x", "2..5"] {
            #expect(versionAtLeast25(Array(v.utf8)), "\(v)")
        }
        for v in ["2.1", "2.2", "2.3", "2.3.1", "2.4", "2", "1.9"] {
            #expect(!versionAtLeast25(Array(v.utf8)), "\(v)")
        }
    }

    @Test func latin1MessageGetsLatin1Ack() throws {
        var bytes = Array(#"MSH|^~\&|A|F|||20240101||ADT^A01|C1|P|2.5||||||8859/1"#.utf8) + [0x0D]
        bytes += Array("PID|1||1||TESTPATIENT^REN".utf8) + [0xE9, 0x0D]
        let m = try HL7Message.parse(bytes)
        let ack = HL7Message.makeAck(to: m, code: .AE, text: "é€", error: nil, controlID: "Z", timestamp: "T")
        #expect(Array(ack.suffix(3)) == [0xE9, 0x3F, 0x0D])
        #expect(ack.starts(with: Array(#"MSH|^~\&|ROUNDS||A|F|T||ACK^A01^ACK|Z|P|2.5||||||8859/1"#.utf8)))
    }

    @Test func echoedControlCharactersAreEscaped() throws {
        // A lone LF inside MSH-3 (kept in the field by the parser) must not reach the ACK raw.
        let m = try HL7Message.parse(Array("MSH|^~\\&|APP\nX|FAC|||2024||ADT^A01|C\u{0B}1|P|2.5\r".utf8))
        #expect(m.sendingApplication == "APP\nX")
        let ack = HL7Message.makeAck(to: m, code: .AA, text: nil, error: nil, controlID: "Z", timestamp: "T")
        #expect(ack == crText(#"MSH|^~\&|ROUNDS||APP\X0A\X|FAC|T||ACK^A01^ACK|Z|P|2.5"#, #"MSA|AA|C\X0B\1"#))
        #expect(!ack.contains(0x0B) && !ack.contains(0x0A) && !ack.contains(0x1C))
    }

    @Test func unreadableWithoutMSH() {
        let ack = HL7Message.makeAckForUnreadable(Array("GET / HTTP/1.1\r\n".utf8), code: .AR,
                                                  text: "not an HL7 v2 message", controlID: "C9", timestamp: "T")
        #expect(ack == crText(#"MSH|^~\&|ROUNDS||||T||ACK^^ACK|C9|P|2.5.1"#, "MSA|AR||not an HL7 v2 message"))
        #expect(HL7Message.makeAckForUnreadable([], code: .AR, text: "x", controlID: "C", timestamp: "T")
            == crText(#"MSH|^~\&|ROUNDS||||T||ACK^^ACK|C|P|2.5.1"#, "MSA|AR||x"))
        // Unreadable encoding characters: defaults, nothing scraped.
        #expect(HL7Message.makeAckForUnreadable(Array("MSH|^~|LAB|H|||2024||ADT^A01|C1|P|2.3\r".utf8), code: .AR,
                                                text: "x", controlID: "C", timestamp: "T")
            == crText(#"MSH|^~\&|ROUNDS||||T||ACK^^ACK|C|P|2.5.1"#, "MSA|AR||x"))
    }

    @Test func unreadableWithMSHIsScraped() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + crText(#"MSH|^~\&|LAB|HOSP|R|W|2024||ORU^R01|C77|T|2.4"#, "PID|1", "bad segment")
        #expect(throws: HL7ParseError.self) { try HL7Message.parse(bytes) }
        let ack = HL7Message.makeAckForUnreadable(bytes, code: .AR, text: "segment 3: bad id", controlID: "C9", timestamp: "T")
        #expect(ack == crText(#"MSH|^~\&|ROUNDS|W|LAB|HOSP|T||ACK^R01|C9|T|2.4"#, "MSA|AR|C77|segment 3: bad id"))

        let other = crText(#"MSH^~|\&^LAB^HOSP^^^2024^^ORU~R01~ORU_R01^C78^P^2.6^^^^^^8859/1"#, "1X")
        let ack2 = HL7Message.makeAckForUnreadable(other, code: .AR, text: "bad^id", controlID: "C9", timestamp: "T",
                                                   error: HL7AckError(code: 100, location: HL7ErrorLocation(segmentID: "1X", field: 0), text: "id"))
        #expect(ack2 == crText(#"MSH^~|\&^ROUNDS^^LAB^HOSP^T^^ACK~R01~ACK^C9^P^2.6^^^^^^8859/1"#,
                               #"MSA^AR^C78^bad\F\id"#,
                               #"ERR^^1X~1~0^100~Segment sequence error~HL70357^E^^^^id"#))
    }
}
