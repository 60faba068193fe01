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
}
