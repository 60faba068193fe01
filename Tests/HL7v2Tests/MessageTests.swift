import Testing
@testable import HL7v2

/// Segments joined by CR, with a final CR.
func hl7(_ segments: String...) -> [UInt8] { Array((segments.joined(separator: "\r") + "\r").utf8) }

func parsed(_ segments: String...) throws -> HL7Message {
    try HL7Message.parse(Array((segments.joined(separator: "\r") + "\r").utf8))
}

let adtHeader = #"MSH|^~\&|SENDAPP|SENDFAC|RECVAPP|RECVFAC|20240315081500-0500||ADT^A01^ADT_A01|MSG00001|P|2.5.1|||AL|NE||UNICODE UTF-8"#

@Suite struct MessageParsingTests {
    @Test func headerAccessorsUseHL7Numbering() throws {
        let m = try parsed(adtHeader, "EVN|A01|20240315081400", "PID|1||123456^^^HOSP^MR||TESTPATIENT^ALPHA")
        #expect(m.separators == .standard)
        #expect(m.segments.map(\.id) == ["MSH", "EVN", "PID"])
        #expect(m.messageCode == "ADT")
        #expect(m.trigger == "A01")
        #expect(m.structure == "ADT_A01")
        #expect(m.controlID == "MSG00001")
        #expect(m.processingID == "P")
        #expect(m.version == "2.5.1")
        #expect(m.sendingApplication == "SENDAPP")
        #expect(m.sendingFacility == "SENDFAC")
        #expect(m.receivingApplication == "RECVAPP")
        #expect(m.receivingFacility == "RECVFAC")
        #expect(m.timestampText == "20240315081500-0500")
        #expect(m.acceptAckType == "AL")
        #expect(m.applicationAckType == "NE")
        #expect(m.characterSet == "UNICODE UTF-8")
        #expect(!m.isAck)
        #expect(!m.decodedAsLatin1)
        let msh = m.header
        #expect(msh.value(1) == .text("|"))
        #expect(msh.value(2) == .text(#"^~\&"#))
        #expect(msh.value(2, component: 2) == .empty)
        #expect(msh.repetitions(2) == 1)
        #expect(msh.fieldCount == 18)
        let pid = try #require(m.first("PID"))
        #expect(pid.value(0) == .text("PID"))
        #expect(pid.value(1) == .text("1"))
        #expect(pid.value(3) == .text("123456"))
        #expect(pid.text(3, component: 4) == "HOSP")
        #expect(pid.text(5, component: 2) == "ALPHA")
        #expect(m.segments(named: "EVN").count == 1)
        #expect(m.first("PV1") == nil)
    }

    @Test func nonDefaultSeparatorsAreReadFromMSH() throws {
        let m = try parsed(#"MSH^~|\&^APP^FAC^^^20240101^^ADT~A08^X1^P^2.3"#, #"PID^^^42~~~HOSP|43~~~OTHER^^TESTPATIENT~BETA"#)
        #expect(m.separators.field == UInt8(ascii: "^"))
        #expect(m.separators.component == UInt8(ascii: "~"))
        #expect(m.separators.repetition == UInt8(ascii: "|"))
        #expect(m.separators.escape == UInt8(ascii: "\\"))
        #expect(m.separators.subcomponent == UInt8(ascii: "&"))
        #expect(m.separators.truncation == nil)
        #expect(m.messageCode == "ADT")
        #expect(m.trigger == "A08")
        #expect(m.controlID == "X1")
        #expect(m.version == "2.3")
        let pid = try #require(m.first("PID"))
        #expect(pid.repetitions(3) == 2)
        #expect(pid.text(3, component: 4, repetition: 1) == "OTHER")
        #expect(pid.text(5, component: 2) == "BETA")
        #expect(m.header.value(1) == .text("^"))
    }

    @Test func fiveEncodingCharacters() throws {
        let m = try parsed(#"MSH|^~\&#|A|F|||20240101||ADT^A01|C|P|2.7"#, #"NTE|1||LONG\P\TEXT"#)
        #expect(m.separators.truncation == UInt8(ascii: "#"))
        #expect(m.separators.encodingCharactersText == #"^~\&#"#)
        #expect(m.header.value(2) == .text(#"^~\&#"#))
        #expect(m.first("NTE")?.text(3) == "LONG#TEXT")
        #expect(m.controlID == "C")
    }

    @Test func repetitionsComponentsSubcomponents() throws {
        let m = try parsed(adtHeader, "PID|1||12345^^^MIE&1.2.3&ISO^MR~678^^^NHS^NH||TESTPATIENT^GAMMA^^^^^L")
        let pid = try #require(m.first("PID"))
        #expect(pid.repetitions(3) == 2)
        #expect(pid.repetitions(4) == 0)
        #expect(pid.repetitions(99) == 0)
        #expect(pid.componentCount(3) == 5)
        #expect(pid.componentCount(3, repetition: 1) == 5)
        #expect(pid.componentCount(3, repetition: 2) == 0)
        #expect(pid.value(3, component: 4) == .text("MIE"))
        #expect(pid.value(3, component: 4, subcomponent: 2) == .text("1.2.3"))
        #expect(pid.value(3, component: 4, subcomponent: 3) == .text("ISO"))
        #expect(pid.value(3, component: 4, subcomponent: 4) == .empty)
        #expect(pid.value(3, component: 1, repetition: 1) == .text("678"))
        #expect(pid.value(3, component: 5, repetition: 1) == .text("NH"))
        #expect(pid.value(3, repetition: 2) == .empty)
        #expect(pid.rawField(3) == "12345^^^MIE&1.2.3&ISO^MR~678^^^NHS^NH")
        #expect(pid.rawField(30) == "")
        // Out of range never traps.
        #expect(pid.value(-1) == .empty)
        #expect(pid.value(3, component: 0) == .empty)
        #expect(pid.value(3, component: -5, subcomponent: -1, repetition: -1) == .empty)
        #expect(pid.value(Int.max, component: Int.max, subcomponent: Int.max, repetition: Int.max) == .empty)
        #expect(pid.value(3, component: Int.min) == .empty)
    }

    @Test func nullVersusEmpty() throws {
        let m = try parsed(adtHeader, #"PV1|1|I|||""||x^""^y|"x"|"""|a""b|""^B"#)
        let pv1 = try #require(m.first("PV1"))
        #expect(pv1.value(3) == .empty)
        #expect(pv1.value(5) == .null)
        #expect(pv1.text(5) == nil)
        #expect(pv1.value(5, component: 2) == .empty)
        #expect(pv1.value(7, component: 2) == .null)
        #expect(pv1.value(7, component: 3) == .text("y"))
        #expect(pv1.value(8) == .text(#""x""#))
        #expect(pv1.value(9) == .text(#"""""#))
        #expect(pv1.value(10) == .text(#"a""b"#))
        #expect(pv1.value(11) == .null)
        #expect(pv1.value(11, component: 2) == .text("B"))
        #expect(pv1.value(45) == .empty)
    }

    @Test func escapes() throws {
        let m = try parsed(
            adtHeader,
            #"OBX|1|TX|CODE||A\F\B\S\C\T\D\R\E\E\F"#,
            #"OBX|2|FT|CODE||line one\.br\line two\H\bold\N\\.sp2\end"#,
            #"OBX|3|ST|CODE||\X41424344\ and \X4a4B\ and \XC2B5\g"#,
            #"OBX|4|ST|CODE||odd\X414\ bad\XZZ\ unknown\Q\ empty\\ tail\Zx"#,
            #"OBX|5|ST|CODE||split\F\field|next"#,
            #"OBX|6|ST|CODE||\.fi\\.nf\\.in+4\\.ti-2\\.sk3\\.ce\\.xx\\C2842\\M244A42\"#)
        let obx = m.segments(named: "OBX")
        #expect(obx.count == 6)
        #expect(obx[0].text(5) == #"A|B^C&D~E\F"#)
        #expect(obx[1].text(5) == "line one\nline twoboldend")
        #expect(obx[2].text(5) == "ABCD and JK and µg")
        #expect(obx[3].text(5) == #"odd\X414\ bad\XZZ\ unknown\Q\ empty\\ tail\Zx"#)
        #expect(obx[4].text(5) == "split|field")
        #expect(obx[4].text(6) == "next")
        #expect(obx[4].rawField(5) == #"split\F\field"#)
        #expect(obx[5].text(5) == #"\.xx\"#)
        // Escapes do not create new components.
        #expect(obx[0].value(5, component: 2) == .empty)
    }

    @Test func escapeRoundTrips() throws {
        let m = try parsed(#"MSH^~|\&#^A"#)
        let tricky = "a^b~c|d\\e&f#g\rh\ni\u{0B}j\u{1C}k µ"
        let escaped = m.escape(tricky)
        #expect(escaped == #"a\F\b\S\c\R\d\E\e\T\f\P\g\X0D\h\X0A\i\X0B\j\X1C\k µ"#)
        let back = try parsed(#"MSH^~|\&#^A"#, "NTE^" + escaped)
        #expect(back.first("NTE")?.text(1) == tricky)
        #expect(HL7Separators.standard.escaped("x|y") == #"x\F\y"#)
    }

    @Test func separatorValidation() {
        #expect(HL7Separators(field: 0x7C, component: 0x5E, repetition: 0x7E, escape: 0x5C, subcomponent: 0x26) == .standard)
        #expect(HL7Separators(field: 0x7C, component: 0x7C, repetition: 0x7E, escape: 0x5C, subcomponent: 0x26) == nil)
        #expect(HL7Separators(field: 0x41, component: 0x5E, repetition: 0x7E, escape: 0x5C, subcomponent: 0x26) == nil)
        #expect(HL7Separators(field: 0x7C, component: 0x5E, repetition: 0x7E, escape: 0x5C, subcomponent: 0x26, truncation: 0x0D) == nil)
        #expect(HL7Separators.standard.fieldCharacter == "|")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let m = try HL7Message.parse([0xEF, 0xBB, 0xBF] + hl7(adtHeader, "PID|1"))
        #expect(m.controlID == "MSG00001")
        #expect(m.segments.count == 2)
    }

    @Test func latin1WithoutCharsetFallsBack() throws {
        var bytes = hl7(#"MSH|^~\&|A|F|||20240101||ADT^A01|C1|P|2.3"#)
        bytes += Array("PID|1||1||TESTPATIENT^REN".utf8) + [0xE9] + Array("E\r".utf8)
        let m = try HL7Message.parse(bytes)
        #expect(m.decodedAsLatin1)
        #expect(m.first("PID")?.text(5, component: 2) == "RENéE")
    }

    @Test func latin1Declared() throws {
        var bytes = Array(#"MSH|^~\&|A|F|||20240101||ADT^A01|C1|P|2.5||||||8859/1"#.utf8) + [0x0D]
        // C2 B5 is valid UTF-8 (µ) but MSH-18 says Latin-1: two characters.
        bytes += Array("OBX|1|NM|X||5|".utf8) + [0xC2, 0xB5] + Array("g\r".utf8)
        let m = try HL7Message.parse(bytes)
        #expect(m.decodedAsLatin1)
        #expect(m.characterSet == "8859/1")
        #expect(m.first("OBX")?.text(6) == "Âµg")
        // \X..\ bytes follow the same rule.
        let m2 = try HL7Message.parse(Array(#"MSH|^~\&|A|F|||20240101||ADT^A01|C1|P|2.5||||||8859/1"#.utf8) + [0x0D]
            + Array(#"NTE|1||caf\XE9\"#.utf8) + [0x0D])
        #expect(m2.first("NTE")?.text(3) == "café")
    }

    @Test func utf8Text() throws {
        let m = try parsed(adtHeader, "OBX|1|NM|X||5|µg|’")
        #expect(!m.decodedAsLatin1)
        #expect(m.first("OBX")?.text(6) == "µg")
        #expect(m.first("OBX")?.text(7) == "’")
        // \XE9\ in a UTF-8 message is not UTF-8 on its own: read as Latin-1.
        let m2 = try parsed(adtHeader, #"NTE|1||caf\XE9\"#)
        #expect(m2.first("NTE")?.text(3) == "café")
    }

    @Test func lineEnds() throws {
        let crlf = try HL7Message.parse(Array((adtHeader + "\r\nPID|1\r\nPV1|1|I\r\n").utf8))
        #expect(crlf.segments.map(\.id) == ["MSH", "PID", "PV1"])
        #expect(crlf.first("PV1")?.text(2) == "I")
        #expect(crlf.header.text(18) == "UNICODE UTF-8")

        let lf = try HL7Message.parse(Array((adtHeader + "\nPID|1\nPV1|1|I\n").utf8))
        #expect(lf.segments.map(\.id) == ["MSH", "PID", "PV1"])
        #expect(lf.first("PV1")?.text(2) == "I")

        // An LF not followed by a segment start stays in the field.
        let inField = try HL7Message.parse(Array((adtHeader + "\rOBX|1|TX|X||first line\nsecond line\n\nthird|U\rNTE|1").utf8))
        #expect(inField.segments.map(\.id) == ["MSH", "OBX", "NTE"])
        #expect(inField.first("OBX")?.text(5) == "first line\nsecond line\n\nthird")
        #expect(inField.first("OBX")?.text(6) == "U")

        let doubleCR = try HL7Message.parse(Array((adtHeader + "\r\rPID|1\r\r\r\nPV1|1\r\r").utf8))
        #expect(doubleCR.segments.map(\.id) == ["MSH", "PID", "PV1"])

        let noFinalTerminator = try HL7Message.parse(Array((adtHeader + "\rPID|1|x").utf8))
        #expect(noFinalTerminator.first("PID")?.text(2) == "x")

        let blankLines = try HL7Message.parse(Array((adtHeader + "\n\nPID|1\n\n\n").utf8))
        #expect(blankLines.segments.map(\.id) == ["MSH", "PID"])
        #expect(blankLines.first("PID")?.rawField(1) == "1")
    }

    @Test func subscriptAndBlankLines() throws {
        let m = try HL7Message.parse(Array((adtHeader + "\rPID|1||123^^^H^MR||TESTPATIENT^DELTA\r  \r\t\r").utf8))
        #expect(m.segments.map(\.id) == ["MSH", "PID"])
        let pid = try #require(m.first("PID"))
        #expect(pid[3] == .text("123"))
        #expect(pid[5] == .text("TESTPATIENT"))
        #expect(pid[4] == .empty)
        #expect(m.header[10] == .text("MSG00001"))
        #expect(m.header[1] == .text("|"))
    }

    @Test func segmentWithOnlyAnID() throws {
        let m = try parsed(adtHeader, "ZZ1", "PID|1")
        #expect(m.segments.map(\.id) == ["MSH", "ZZ1", "PID"])
        #expect(m.first("ZZ1")?.fieldCount == 0)
        #expect(m.first("ZZ1")?.value(1) == .empty)
    }

    @Test func minimalHeader() throws {
        let m = try HL7Message.parse(Array(#"MSH|^~\&"#.utf8))
        #expect(m.segments.count == 1)
        #expect(m.controlID == nil)
        #expect(m.header.fieldCount == 2)
    }

    @Test func isAck() throws {
        #expect(try parsed(#"MSH|^~\&|A|F|||20240101||ACK^A01^ACK|C|P|2.5.1"#, "MSA|AA|X").isAck)
        #expect(try parsed(#"MSH|^~\&|A|F|||20240101|||C|P|2.3"#, "MSA|AA|X", "ERR|^^^207").isAck)
        #expect(try !parsed(#"MSH|^~\&|A|F|||20240101||ORL^O22|C|P|2.5"#, "MSA|AA|X", "PID|1").isAck)
        #expect(try !parsed(adtHeader, "PID|1").isAck)
    }

    @Test func errors() {
        func error(_ bytes: [UInt8], maxBytes: Int = 1 << 20, maxSegments: Int = 10_000) -> HL7ParseError? {
            do { _ = try HL7Message.parse(bytes, maxBytes: maxBytes, maxSegments: maxSegments); return nil } catch { return error }
        }
        let notHL7 = error(Array("GET / HTTP/1.1\r\n".utf8))
        #expect(notHL7?.kind == .notHL7)
        #expect(notHL7?.description.contains("must begin with MSH and its field separator") == true)
        #expect(error([])?.kind == .notHL7)
        #expect(error(Array("MSH".utf8))?.kind == .notHL7)
        #expect(error(Array("MSHA^~\\&".utf8))?.kind == .notHL7)
        #expect(error(Array("msh|^~\\&".utf8))?.kind == .notHL7)
        #expect(error(Array("PID|1\rMSH|^~\\&".utf8))?.kind == .notHL7)

        let short = error(Array("MSH|".utf8))
        #expect(short?.kind == .badEncodingCharacters)
        #expect(short?.field == 2)
        #expect(short?.description.contains("missing") == true)
        #expect(error(Array("MSH||A|B".utf8))?.kind == .badEncodingCharacters)
        #expect(error(Array("MSH|^~\\|A".utf8))?.kind == .badEncodingCharacters)       // 3 characters
        #expect(error(Array("MSH|^~\\&#$|A".utf8))?.kind == .badEncodingCharacters)    // 6 characters
        #expect(error(Array("MSH|^~\\^|A".utf8))?.kind == .badEncodingCharacters)      // repeated
        #expect(error(Array("MSH|^~\\A|A".utf8))?.kind == .badEncodingCharacters)      // alphanumeric
        #expect(error(Array("MSH|^~ &|A".utf8))?.kind == .badEncodingCharacters)       // space

        let badID = error(hl7(adtHeader, "PID|1", "pv1|1"))
        #expect(badID?.kind == .badSegmentID)
        #expect(badID?.segment == 3)
        #expect(badID?.description.contains("pv1") == true)
        #expect(error(hl7(adtHeader, "PIDX|1"))?.segment == 2)
        #expect(error(hl7(adtHeader, "P|1"))?.segment == 2)
        #expect(error(hl7(adtHeader, "1ID|1"))?.kind == .badSegmentID)

        let big = error(hl7(adtHeader, String(repeating: "X", count: 200)), maxBytes: 100)
        #expect(big?.kind == .tooLarge)
        #expect(big?.description.contains("100") == true)
        #expect(error(hl7(adtHeader, "NTE|1", "NTE|2"), maxSegments: 2)?.kind == .tooManySegments)
        #expect(error(hl7(adtHeader, "NTE|1", "NTE|2"), maxSegments: 3) == nil)

        let buffer = hl7(adtHeader)
        buffer.withUnsafeBytes { raw in
            #expect(throws: HL7ParseError.self) { try HL7Message.parse(raw, maxBytes: 10) }
            #expect((try? HL7Message.parse(raw))?.controlID == "MSG00001")
        }
    }
}

@Suite struct BatchTests {
    @Test func fileAndBatchWrappersAreDropped() throws {
        let text = [
            #"FHS|^~\&|SENDAPP|SENDFAC|||20240101"#,
            #"BHS|^~\&|SENDAPP|SENDFAC|||20240101"#,
            #"MSH|^~\&|SENDAPP|SENDFAC|||20240101||ADT^A01|M1|P|2.5.1"#,
            "PID|1||1||TESTPATIENT^ALPHA",
            #"MSH|^~\&|SENDAPP|SENDFAC|||20240101||ADT^A02|M2|P|2.5.1"#,
            "PID|1||2||TESTPATIENT^BETA",
            "BTS|2",
            "FTS|1",
        ]
        for eol in ["\r", "\r\n", "\n"] {
            for bom in [false, true] {
                let bytes = (bom ? [0xEF, 0xBB, 0xBF] : []) + Array((text.joined(separator: eol) + eol).utf8)
                let parts = HL7Message.splitBatch(bytes)
                #expect(parts.count == 2)
                let messages = try parts.map { try HL7Message.parse($0) }
                #expect(messages.map(\.controlID) == ["M1", "M2"])
                #expect(messages.map { $0.segments.map(\.id) } == [["MSH", "PID"], ["MSH", "PID"]])
                #expect(messages[1].first("PID")?.text(5, component: 2) == "BETA")
                #expect(parts[0].starts(with: Array("MSH|".utf8)))
            }
        }
    }

    @Test func bareConsecutiveMessages() throws {
        let bytes = hl7(#"MSH|^~\&|A|F|||20240101||ADT^A01|M1|P|2.3"#, "PID|1",
                        #"MSH^~|\&^A^F^^^20240101^^ADT~A03^M2^P^2.3"#, "PV1^1",
                        #"MSH|^~\&|A|F|||20240101||ADT^A08|M3|P|2.3"#)
        let parts = HL7Message.splitBatch(bytes)
        #expect(parts.count == 3)
        let messages = try parts.map { try HL7Message.parse($0) }
        #expect(messages.map(\.controlID) == ["M1", "M2", "M3"])
        #expect(messages[1].trigger == "A03")
        #expect(messages[1].first("PV1")?.text(1) == "1")
        #expect(parts[0] == hl7(#"MSH|^~\&|A|F|||20240101||ADT^A01|M1|P|2.3"#, "PID|1"))
    }

    @Test func nothingToSplit() {
        #expect(HL7Message.splitBatch([]).isEmpty)
        #expect(HL7Message.splitBatch(Array("hello\rworld".utf8)).isEmpty)
        #expect(HL7Message.splitBatch(Array("FHS|^~\\&\rFTS|0\r".utf8)).isEmpty)
        #expect(HL7Message.splitBatch(Array("MSH".utf8)).isEmpty)
        #expect(HL7Message.splitBatch(Array("junk\rMSH|^~\\&".utf8)) == [Array("MSH|^~\\&".utf8)])
    }
}
