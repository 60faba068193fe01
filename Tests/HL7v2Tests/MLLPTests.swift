import Testing
@testable import HL7v2

@Suite struct MLLPTests {
    let one = hl7(#"MSH|^~\&|A|F|||20240101||ADT^A01|M1|P|2.5.1"#, "PID|1||1||TESTPATIENT^ALPHA")
    let two = hl7(#"MSH|^~\&|A|F|||20240101||ADT^A02|M2|P|2.5.1"#, "PID|1||2||TESTPATIENT^BETA")

    @Test func frame() {
        #expect(MLLP.frame([0x41]) == [0x0B, 0x41, 0x1C, 0x0D])
        #expect(MLLP.frame([]) == [0x0B, 0x1C, 0x0D])
        #expect(MLLP.startBlock == 0x0B && MLLP.endBlock == 0x1C && MLLP.carriageReturn == 0x0D)
    }

    @Test func manyFramesInOneFeed() {
        var d = MLLPDecoder()
        let events = d.feed(MLLP.frame(one) + MLLP.frame(two) + MLLP.frame([]) + MLLP.frame(one))
        #expect(events == [.frame(one), .frame(two), .frame([]), .frame(one)])
        #expect(!d.isInsideFrame)
        #expect(d.bufferedBytes == 0)
    }

    @Test func frameSplitAtEveryBoundary() {
        let stream = MLLP.frame(one) + MLLP.frame(two)
        for cut in 0...stream.count {
            var d = MLLPDecoder()
            let events = d.feed(stream[..<cut]) + d.feed(stream[cut...])
            #expect(events == [.frame(one), .frame(two)], "cut at \(cut)")
        }
        // And one byte at a time, checking the state in between.
        var d = MLLPDecoder()
        var events: [MLLPEvent] = []
        for (i, b) in stream.enumerated() {
            events += d.feed([b])
            if i == 0 { #expect(d.isInsideFrame && d.bufferedBytes == 0) }
            if i == 5 { #expect(d.isInsideFrame && d.bufferedBytes == 5) }
        }
        #expect(events == [.frame(one), .frame(two)])
    }

    @Test func junkOutsideFrames() {
        var d = MLLPDecoder()
        let http = Array("GET / HTTP/1.1\r\n\r\n".utf8)
        #expect(d.feed(http) == [.junk(count: http.count)])
        #expect(d.feed(Array("xx".utf8) + MLLP.frame(one) + [0x0A]) == [.junk(count: 2), .frame(one), .junk(count: 1)])
        // Unsafe buffers work too.
        let framed = MLLP.frame(two)
        let events = framed.withUnsafeBytes { d.feed($0) }
        #expect(events == [.frame(two)])
    }

    @Test func endBlockWithoutCarriageReturnStaysInside() {
        var d = MLLPDecoder()
        let body: [UInt8] = [0x41, 0x1C, 0x42, 0x1C, 0x1C, 0x43, 0x1C]
        #expect(d.feed([0x0B] + body + [0x1C, 0x0D]) == [.frame(body)])
        // FS FS CR: the first FS is data.
        #expect(d.feed([0x0B, 0x41, 0x1C, 0x1C, 0x0D]) == [.frame([0x41, 0x1C])])
        // Split right after FS.
        #expect(d.feed([0x0B, 0x41, 0x1C]) == [])
        #expect(d.bufferedBytes == 2)
        #expect(d.feed([0x42, 0x1C]) == [])
        #expect(d.feed([0x0D]) == [.frame([0x41, 0x1C, 0x42])])
    }

    @Test func startBlockRestartsTheFrame() {
        var d = MLLPDecoder()
        #expect(d.feed([0x0B, 0x41, 0x42, 0x0B] + Array(one) + [0x1C, 0x0D]) == [.junk(count: 3), .frame(one)])
        // A start block right after an FS drops the FS too.
        #expect(d.feed([0x0B, 0x41, 0x1C, 0x0B, 0x43, 0x1C, 0x0D]) == [.junk(count: 3), .frame([0x43])])
        // Junk outside and an abandoned frame in one feed are reported as they come.
        #expect(d.feed([0x20, 0x0B, 0x41, 0x0B, 0x1C, 0x0D]) == [.junk(count: 1), .junk(count: 2), .frame([])])
    }

    @Test func oversizedFrameIsSkippedWithBoundedMemory() {
        var d = MLLPDecoder(maxFrameBytes: 100)
        #expect(d.feed([0x0B] + [UInt8](repeating: 0x41, count: 100)) == [])
        #expect(d.bufferedBytes == 100)
        #expect(d.feed([0x41]) == [.oversized(bytesSoFar: 101)])
        #expect(d.bufferedBytes == 0)
        #expect(d.isInsideFrame)
        // A megabyte more of the same frame, in pieces: nothing buffered, nothing reported.
        for _ in 0..<64 {
            #expect(d.feed([UInt8](repeating: 0x42, count: 16_384) + [0x1C, 0x41]) == [])
            #expect(d.bufferedBytes == 0)
        }
        #expect(d.feed([0x1C, 0x1C, 0x0D]) == [])
        #expect(!d.isInsideFrame)
        let small = Array(one.prefix(90))
        #expect(d.feed(MLLP.frame(small)) == [.frame(small)])
        // An oversized frame abandoned by a start block: the new frame is decoded.
        #expect(d.feed([0x0B] + [UInt8](repeating: 0x41, count: 200)) == [.oversized(bytesSoFar: 101)])
        #expect(d.feed(MLLP.frame([0x43])) == [.frame([0x43])])
        // Exactly the limit is accepted; an FS pair crossing it is caught.
        let exact = [UInt8](repeating: 0x44, count: 100)
        #expect(d.feed(MLLP.frame(exact)) == [.frame(exact)])
        #expect(d.feed([0x0B] + [UInt8](repeating: 0x44, count: 99) + [0x1C, 0x45]) == [.oversized(bytesSoFar: 101)])
        #expect(d.feed([0x1C, 0x0D]) == [])
        #expect(!d.isInsideFrame)
    }

    @Test func reset() {
        var d = MLLPDecoder()
        _ = d.feed([0x0B, 0x41])
        #expect(d.isInsideFrame)
        d.reset()
        #expect(!d.isInsideFrame && d.bufferedBytes == 0)
        #expect(d.feed([0x42, 0x1C, 0x0D]) == [.junk(count: 3)])
    }

    @Test func hugeLimitDoesNotOverflow() {
        var d = MLLPDecoder(maxFrameBytes: Int.max)
        #expect(d.feed(MLLP.frame([0x41, 0x42])) == [.frame([0x41, 0x42])])
        var zero = MLLPDecoder(maxFrameBytes: -5)
        #expect(zero.feed(MLLP.frame([])) == [.frame([])])
        #expect(zero.feed(MLLP.frame([0x41]) + MLLP.frame([])) == [.oversized(bytesSoFar: 1), .frame([])])
    }

    /// The decoder scans runs of bytes at once; this one goes byte by byte, as the rules read.
    struct ReferenceDecoder {
        var max: Int
        var state = 0  // 0 outside, 1 inside, 2 inside after FS, 3 skipping, 4 skipping after FS
        var buffer: [UInt8] = []
        mutating func feed(_ bytes: ArraySlice<UInt8>) -> [MLLPEvent] {
            var events: [MLLPEvent] = []
            var junk = 0
            func flush() { if junk > 0 { events.append(.junk(count: junk)); junk = 0 } }
            func grow(_ more: [UInt8]) {
                buffer += more
                if buffer.count > max { events.append(.oversized(bytesSoFar: buffer.count)); buffer = []; state = 3 }
            }
            for b in bytes {
                switch (state, b) {
                case (0, 0x0B): flush(); state = 1; buffer = []
                case (0, _): junk += 1
                case (1, 0x1C): state = 2
                case (1, 0x0B): junk += 1 + buffer.count; flush(); buffer = []
                case (1, _): grow([b])
                case (2, 0x0D): events.append(.frame(buffer)); buffer = []; state = 0
                case (2, 0x0B): junk += 2 + buffer.count; flush(); buffer = []; state = 1
                case (2, 0x1C): grow([0x1C]); if state == 3 { state = 4 }
                case (2, _): state = 1; grow([0x1C, b])
                case (_, 0x0B): state = 1; buffer = []
                case (_, 0x1C): state = 4
                case (4, 0x0D): state = 0
                default: state = 3
                }
            }
            flush()
            return events
        }
    }

    @Test func matchesByteByByteReference() {
        var r = SeededRandom(state: 42)
        let alphabet: [UInt8] = [0x0B, 0x1C, 0x0D, 0x41, 0x42, 0x0A]
        for round in 0..<2_000 {
            let limit = r.below(40)
            var fast = MLLPDecoder(maxFrameBytes: limit)
            var slow = ReferenceDecoder(max: limit)
            let stream = (0..<r.below(400)).map { _ in alphabet[r.below(alphabet.count)] }
            var i = 0
            while i < stream.count {
                let end = min(stream.count, i + 1 + r.below(50))
                #expect(fast.feed(stream[i..<end]) == slow.feed(stream[i..<end]), "round \(round)")
                #expect(fast.isInsideFrame == (slow.state != 0))
                i = end
            }
        }
    }
}
