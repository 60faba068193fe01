/// MLLP (minimal lower layer protocol) framing: `0x0B` + message + `0x1C 0x0D`.

public enum MLLP {
    /// VT, start block.
    public static let startBlock: UInt8 = 0x0B
    /// FS, first byte of the end block.
    public static let endBlock: UInt8 = 0x1C
    /// CR, second byte of the end block.
    public static let carriageReturn: UInt8 = 0x0D

    /// `message` wrapped in a frame. The message should not contain the end block `0x1C 0x0D`
    /// (an ACK built by `HL7Message.makeAck` never does: control characters are escaped).
    public static func frame(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + 3)
        out.append(startBlock)
        out.append(contentsOf: message)
        out.append(endBlock)
        out.append(carriageReturn)
        return out
    }
}

/// What the decoder found in the bytes fed to it, in order.
public enum MLLPEvent: Equatable, Sendable {
    /// The bytes between `0x0B` and `0x1C 0x0D`, framing removed.
    case frame([UInt8])
    /// Bytes outside any frame (a client that does not speak MLLP, stray line ends between
    /// frames) or the bytes of a frame abandoned by a new start block. Runs within one `feed`
    /// are reported as one event.
    case junk(count: Int)
    /// A frame grew past `maxFrameBytes`: reported once; the rest of that frame is skipped,
    /// without buffering, up to its end block.
    case oversized(bytesSoFar: Int)
}

/// An incremental, byte-oriented MLLP decoder. Memory is bounded by `maxFrameBytes` whatever it
/// is fed. A `0x1C` not followed by `0x0D` stays in the message; a `0x0B` inside a frame starts
/// a new frame, and the abandoned bytes (with their start block) are reported as junk.
public struct MLLPDecoder: Sendable {
    private enum State: Sendable { case outside, inside, insideAfterFS, skipping, skippingAfterFS }

    public let maxFrameBytes: Int
    private var state: State = .outside
    private var buffer: [UInt8] = []

    public init(maxFrameBytes: Int = 1 << 20) {
        self.maxFrameBytes = min(max(0, maxFrameBytes), Int.max / 4)
    }

    /// True between a start block and its end block (for timing out a frame never closed).
    public var isInsideFrame: Bool { state != .outside }

    /// Message bytes held for the current frame (0 while skipping an oversized one).
    public var bufferedBytes: Int { buffer.count + (state == .insideAfterFS ? 1 : 0) }

    /// Forgets any partial frame.
    public mutating func reset() {
        state = .outside
        buffer = []
    }

    /// Feeds bytes (an array, a slice, an `UnsafeRawBufferPointer`...) and returns what they
    /// completed.
    public mutating func feed(_ bytes: some Collection<UInt8>) -> [MLLPEvent] {
        if let events = bytes.withContiguousStorageIfAvailable({ process($0) }) { return events }
        return Array(bytes).withUnsafeBufferPointer { process($0) }
    }

    private mutating func process(_ bytes: UnsafeBufferPointer<UInt8>) -> [MLLPEvent] {
        var events: [MLLPEvent] = []
        var junk = 0
        func flushJunk() {
            if junk > 0 { events.append(.junk(count: junk)); junk = 0 }
        }
        let n = bytes.count
        var i = 0
        while i < n {
            let b = bytes[i]
            switch state {
            case .outside:
                if b == MLLP.startBlock {
                    flushJunk()
                    startFrame()
                    i += 1
                } else {
                    var j = i + 1
                    while j < n && bytes[j] != MLLP.startBlock { j += 1 }
                    junk += j - i
                    i = j
                }
            case .inside:
                if b == MLLP.endBlock {
                    state = .insideAfterFS
                    i += 1
                } else if b == MLLP.startBlock {
                    junk += 1 + buffer.count
                    flushJunk()
                    startFrame()
                    i += 1
                } else {
                    // A run of message bytes, appended at once but never past the limit + 1.
                    var j = i + 1
                    while j < n && bytes[j] != MLLP.endBlock && bytes[j] != MLLP.startBlock { j += 1 }
                    let room = maxFrameBytes + 1 - buffer.count
                    let end = j - i > room ? i + room : j
                    buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end]))
                    checkSize(&events)
                    i = end
                }
            case .insideAfterFS:
                if b == MLLP.carriageReturn {
                    events.append(.frame(buffer))
                    buffer = []
                    state = .outside
                } else if b == MLLP.startBlock {
                    junk += 2 + buffer.count
                    flushJunk()
                    startFrame()
                } else if b == MLLP.endBlock {
                    buffer.append(MLLP.endBlock)  // the earlier one was data; this one may end the frame
                    checkSize(&events)
                    if state == .skipping { state = .skippingAfterFS }
                } else {
                    buffer.append(MLLP.endBlock)
                    buffer.append(b)
                    state = .inside
                    checkSize(&events)
                }
                i += 1
            case .skipping, .skippingAfterFS:
                if b == MLLP.startBlock {
                    startFrame()
                } else if b == MLLP.endBlock {
                    state = .skippingAfterFS
                } else if b == MLLP.carriageReturn && state == .skippingAfterFS {
                    state = .outside
                } else {
                    state = .skipping
                    var j = i + 1
                    while j < n && bytes[j] != MLLP.endBlock && bytes[j] != MLLP.startBlock { j += 1 }
                    i = j
                    continue
                }
                i += 1
            }
        }
        flushJunk()
        return events
    }

    private mutating func startFrame() {
        state = .inside
        buffer = []
    }

    private mutating func checkSize(_ events: inout [MLLPEvent]) {
        guard buffer.count > maxFrameBytes else { return }
        events.append(.oversized(bytesSoFar: buffer.count))
        buffer = []
        state = .skipping
    }
}
