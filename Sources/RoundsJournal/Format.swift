import CJournal
import RoundsDomain

/// The on-disk layout (Docs/JOURNAL-FORMAT.md is the specification; keep the two in step).
///
///     file    := header record*
///     header  := "RNDSJRNL" version:u32le crc32c(magic+version):u32le          (16 bytes)
///     record  := length:u32le lengthCheck:u32le bodyCheck:u32le body          (12 + length bytes)
///     body    := seq:u64le time:i64le prev:sha256[32] actorLength:u8 actor session:varint typeCode:u16le payload
///
/// `lengthCheck` is CRC-32C of the four length bytes, so a damaged length is told apart from a
/// torn tail; `bodyCheck` is CRC-32C of the body; `prev` is SHA-256 of the whole previous record
/// (header and body), or of the file header for the first record; `session` is the seq of the
/// `session.opened` record of the process that wrote it, 0 for none (version 2).
public enum JournalFormat {
    public static let magic: [UInt8] = Array("RNDSJRNL".utf8)
    public static let version: UInt32 = 2
    public static let headerSize = 16
    public static let frameHeaderSize = 12
    /// seq + time + prev + actor length + session + type code, with an empty actor and payload.
    public static let minimumBody = 8 + 8 + 32 + 1 + 1 + 2
    public static let maximumBody = 1 << 20
    public static let maximumActor = 64

    public static var header: [UInt8] {
        var w = ByteWriter(capacity: 16)
        w.raw(magic)
        w.u32le(version)
        w.u32le(crc32c(w.bytes))
        return w.bytes
    }

    static func crc32c(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { crc32c($0) } }
    static func crc32c(_ raw: UnsafeRawBufferPointer) -> UInt32 { rounds_crc32c(0, raw.baseAddress, raw.count) }
}

/// A SHA-256 value: the link from one record to the one before it.
public struct ChainHash: Hashable, Sendable, CustomStringConvertible {
    public var bytes: (UInt64, UInt64, UInt64, UInt64)

    public init(_ raw: UnsafeRawBufferPointer) {
        bytes = (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
    }

    public static func of(_ raw: UnsafeRawBufferPointer) -> ChainHash {
        var digest = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &digest) { out in
            rounds_sha256(raw.baseAddress, raw.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return withUnsafeBytes(of: digest) { ChainHash($0) }
    }

    public static func == (a: ChainHash, b: ChainHash) -> Bool {
        a.bytes.0 == b.bytes.0 && a.bytes.1 == b.bytes.1 && a.bytes.2 == b.bytes.2 && a.bytes.3 == b.bytes.3
    }
    public func hash(into h: inout Hasher) { h.combine(bytes.0); h.combine(bytes.1); h.combine(bytes.2); h.combine(bytes.3) }

    /// Writes the 32 bytes exactly as they were read.
    public func write(to w: inout ByteWriter) {
        withUnsafeBytes(of: bytes) { w.raw($0) }
    }

    /// Lower-case hexadecimal, 64 characters.
    public var description: String {
        var w = ByteWriter(capacity: 32)
        write(to: &w)
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in w.bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public init?(hex: String) {
        let chars = Array(hex.lowercased().utf8)
        guard chars.count == 64 else { return nil }
        var raw: [UInt8] = []
        for i in stride(from: 0, to: 64, by: 2) {
            func v(_ c: UInt8) -> UInt8? {
                switch c {
                case 48...57: c - 48
                case 97...102: c - 87
                default: nil
                }
            }
            guard let hi = v(chars[i]), let lo = v(chars[i + 1]) else { return nil }
            raw.append(hi << 4 | lo)
        }
        self = raw.withUnsafeBytes { ChainHash($0) }
    }

    public static var genesis: ChainHash { JournalFormat.header.withUnsafeBytes { ChainHash.of($0) } }
}

/// Builds record frames. `encode` returns the bytes and the hash the next record must carry.
public struct RecordEncoder {
    public init() {}

    public func encode(seq: UInt64, time: Timestamp, actor: Login, session: UInt64 = 0, event: Event, prev: ChainHash, into out: inout [UInt8]) -> ChainHash {
        var w = ByteWriter(capacity: 160)
        w.raw([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        w.u64le(seq)
        w.u64le(UInt64(bitPattern: time.milliseconds))
        prev.write(to: &w)
        let actorBytes = Array(actor.utf8.prefix(JournalFormat.maximumActor))
        w.u8(UInt8(actorBytes.count))
        w.raw(actorBytes)
        w.varint(session)
        let code = event.typeCode
        w.u8(UInt8(code & 0xFF))
        w.u8(UInt8(code >> 8))
        event.writePayload(to: &w)
        let length = UInt32(w.bytes.count - JournalFormat.frameHeaderSize)
        var bytes = w.bytes
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: length.littleEndian, toByteOffset: 0, as: UInt32.self)
            let lengthCheck = JournalFormat.crc32c(UnsafeRawBufferPointer(rebasing: raw[0..<4]))
            raw.storeBytes(of: lengthCheck.littleEndian, toByteOffset: 4, as: UInt32.self)
            let bodyCheck = JournalFormat.crc32c(UnsafeRawBufferPointer(rebasing: raw[12...]))
            raw.storeBytes(of: bodyCheck.littleEndian, toByteOffset: 8, as: UInt32.self)
        }
        let hash = bytes.withUnsafeBytes { ChainHash.of($0) }
        out.append(contentsOf: bytes)
        return hash
    }
}
