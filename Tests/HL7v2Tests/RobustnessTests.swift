import Testing
@testable import HL7v2

/// SplitMix64: deterministic, seeded.
struct SeededRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
}

@Suite struct RobustnessTests {
    static let seeds: [[UInt8]] = [
        hl7(#"MSH|^~\&|SENDAPP|SENDFAC|R|RF|20240315081500-0500||ADT^A01^ADT_A01|M1|P|2.5.1|||AL|NE||8859/1"#,
            "PID|1||12345^^^MIE&1.2.3&ISO^MR~9^^^X^NH||TESTPATIENT^ALPHA||\"\"",
            #"OBX|1|FT|X^Y^LN||a\F\b\.br\c\X41C2B5\d\H\e\Zq\|mg|1-2|HH|||F|||20240315081530.1234+0215"#),
        [0xEF, 0xBB, 0xBF] + Array("MSH^~|\\&#^A^F^^^2024^^ADT~A08^X1^P^2.7\nPV1^1^I^W~1~2\n\nNTE^\u{E9}\r\n".utf8),
        Array("FHS|^~\\&\rBHS|^~\\&\rMSH|^~\\&|A|B|||2024||ACK^A01^ACK|C|P|2.5\rMSA|AA|C\rBTS|1\rFTS|1\r".utf8),
        MLLP.frame(hl7(#"MSH|^~\&|A|B|||2024||ORU^R01|C|P|2.3"#, "OBX|1")) + [0x0B, 0x1C, 0x41, 0x1C, 0x0D],
    ]
    static let alphabet: [UInt8] = Array("MSHPIDOBX|^~\\&#\"\r\n.X0123456789AF+-".utf8) + [0x0B, 0x1C, 0x0D, 0xEF, 0xBB, 0xBF, 0xE9, 0xC2, 0xB5, 0x00, 0xFF]

    static func input(_ r: inout SeededRandom) -> [UInt8] {
        switch r.below(4) {
        case 0:  // random bytes from a delimiter-heavy alphabet
            return (0..<r.below(300)).map { _ in alphabet[r.below(alphabet.count)] }
        case 1:  // uniformly random bytes after a plausible header
            return Array("MSH".utf8) + (0..<r.below(200)).map { _ in UInt8(truncatingIfNeeded: r.next()) }
        default:  // mutated seed messages
            var b = seeds[r.below(seeds.count)]
            for _ in 0..<(1 + r.below(8)) {
                let at = r.below(b.count + 1)
                switch r.below(5) {
                case 0: if at < b.count { b[at] = alphabet[r.below(alphabet.count)] }
                case 1: b.insert(alphabet[r.below(alphabet.count)], at: at)
                case 2: if at < b.count { b.remove(at: at) }
                case 3: let end = min(b.count, at + r.below(20)); b.insert(contentsOf: b[at..<end], at: at)
                default: if at < b.count { b[at] = UInt8(truncatingIfNeeded: r.next()) }
                }
            }
            return b
        }
    }

    @Test func twentyThousandInputsNeverTrap() throws {
        var r = SeededRandom(state: 0x5EED_0001)
        var parsedCount = 0
        var frames = 0
        for _ in 0..<20_000 {
            let bytes = Self.input(&r)
            if let m = try? HL7Message.parse(bytes, maxBytes: 4096, maxSegments: 50) {
                parsedCount += 1
                #expect(m.segments.first?.id == "MSH")
                for s in m.segments.prefix(6) {
                    for f in -1...(s.fieldCount + 1) {
                        _ = s.value(f, component: 1 + r.below(3), subcomponent: 1 + r.below(3), repetition: r.below(3) - 1)
                        _ = s.repetitions(f)
                        _ = s.componentCount(f, repetition: r.below(2))
                        _ = s.rawField(f)
                    }
                }
                _ = (m.isAck, m.trigger, m.version, m.characterSet, m.escape(String(decoding: bytes.prefix(30), as: UTF8.self)))
                if let t = m.timestampText, let d = HL7DateTime.parse(t) {
                    _ = HL7DateTime.format(epochMilliseconds: d.epochMilliseconds(defaultOffsetMinutes: 0), offsetMinutes: d.offsetMinutes ?? 0)
                }
                let ack = HL7Message.makeAck(to: m, code: .AE, text: String(decoding: bytes.suffix(20), as: UTF8.self),
                                             error: HL7AckError(code: 207, location: HL7ErrorLocation(segmentID: "PID", field: 3), text: "e|r^r"),
                                             controlID: "C", timestamp: "T")
                let back = try HL7Message.parse(ack)
                #expect(back.isAck)
                #expect(back.separators == m.separators)
                #expect(!ack.contains(0x0B) && !ack.contains(0x1C))
            }
            for part in HL7Message.splitBatch(bytes) {
                #expect(part.starts(with: Array("MSH".utf8)))
            }
            let ack = HL7Message.makeAckForUnreadable(bytes, code: .AR, text: "unreadable", controlID: "C", timestamp: "T")
            #expect((try? HL7Message.parse(ack))?.isAck == true)
            _ = HL7DateTime.parse(String(decoding: bytes.prefix(24), as: UTF8.self))

            var decoder = MLLPDecoder(maxFrameBytes: 64)
            var i = 0
            while i < bytes.count {
                let n = 1 + r.below(16)
                for event in decoder.feed(bytes[i..<min(i + n, bytes.count)]) {
                    if case .frame(let f) = event { frames += 1; #expect(f.count <= 64) }
                }
                #expect(decoder.bufferedBytes <= 65)
                i += n
            }
        }
        // The generator reaches the interesting paths, not just the first error.
        #expect(parsedCount > 2_000)
        #expect(frames > 100)
    }
}
