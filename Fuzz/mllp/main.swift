// Fuzz target: bytes from a TCP connection through the MLLP framer (Sources/HL7v2/MLLP.swift),
// fed in pieces whose sizes come from the input. The framer never buffers more than its
// maximum frame, and the frames it returns are those a byte-at-a-time reading returns.
import HL7v2

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let limit = Int(data[0]) * 4 + 1
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var pieces = MLLPDecoder(maxFrameBytes: limit), single = MLLPDecoder(maxFrameBytes: limit)
    var a: [[UInt8]] = [], b: [[UInt8]] = []
    var i = 0, step = 1
    while i < bytes.count {
        let n = min(bytes.count - i, step)
        for e in pieces.feed(bytes[i..<i + n]) { if case .frame(let f) = e { a.append(f) } }
        precondition(pieces.bufferedBytes <= limit + 1, "the framer holds more than its maximum frame")
        i += n
        step = step % 7 + Int(bytes[i - 1] & 3) + 1
    }
    for byte in bytes { for e in single.feed(CollectionOfOne(byte)) { if case .frame(let f) = e { b.append(f) } } }
    precondition(a == b, "frames depend on how the bytes were split")
    for f in a { precondition(f.count <= limit, "a frame longer than the maximum") ; _ = MLLP.frame(f) }
    return 0
}
