import RoundsDomain

/// Where a reader stands in a journal: the next byte to read and what the next record must carry.
public struct ScanPosition: Equatable, Sendable {
    public var offset: Int
    public var nextSeq: UInt64
    public var prev: ChainHash
    public var lastTime: Timestamp
    /// Where the last record read or written starts (0 before the first): with `prev`, its
    /// hash, this lets a snapshot prove it was taken from this journal.
    public var lastRecordStart: Int = 0

    public static var start: ScanPosition {
        ScanPosition(offset: JournalFormat.headerSize, nextSeq: 1, prev: .genesis, lastTime: Timestamp(milliseconds: 0))
    }
}

/// Damage found in a journal: where, at which record, and what is wrong.
public struct JournalDamage: Error, Equatable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var seq: UInt64
    public var reason: String
    public var description: String { "journal damaged at byte offset \(offset), record seq \(seq): \(reason)" }
}

/// How a scan ended.
public enum ScanStop: Equatable, Sendable {
    /// Every byte was a complete, valid record.
    case end
    /// The bytes from `offset` to the end are not a complete record. To a reader that holds the
    /// lock this is a torn tail; to a follower it may be a record still being written.
    case partialTail(offset: Int, length: Int, reason: String)
    /// Damage before the tail.
    case corrupt(JournalDamage)
    /// Zero bytes where the next record would start (from `RecordScanner` only: a journal
    /// read decides whether they are space made ready, a torn tail or damage).
    case zeros(offset: Int)
}

public enum RecordScanner {
    /// Reads records from `buffer`, whose first byte is at `position.offset` in the file.
    /// Stops at the end, at a partial tail or at damage; `position` always names the end of the
    /// last good record. `verifyChain` checks each record's SHA-256 link (see JOURNAL-FORMAT.md).
    public static func scan(_ buffer: UnsafeRawBufferPointer, position: inout ScanPosition, verifyChain: Bool,
                            onRecord: (Recorded) -> Void) -> ScanStop {
        scan(buffer, position: &position, verifyChain: verifyChain) { r, _ in onRecord(r) }
    }

    /// As `scan`, also passing each record's SHA-256 (computed only when `verifyChain`).
    public static func scan(_ buffer: UnsafeRawBufferPointer, position: inout ScanPosition, verifyChain: Bool,
                            onRecordAndHash: (Recorded, ChainHash?) -> Void) -> ScanStop {
        let base = position.offset
        var lastFrame: Range<Int>? = nil
        let stop = frames(buffer, position: &position, verifyChain: verifyChain, lastFrame: &lastFrame, onRecord: onRecordAndHash)
        // Without chain verification only the last record is hashed: the next append links to it.
        if !verifyChain, let last = lastFrame {
            position.prev = ChainHash.of(UnsafeRawBufferPointer(rebasing: buffer[(last.lowerBound - base)..<(last.upperBound - base)]))
        }
        return stop
    }

    static func frames(_ buffer: UnsafeRawBufferPointer, position: inout ScanPosition, verifyChain: Bool,
                       lastFrame: inout Range<Int>?, onRecord: (Recorded, ChainHash?) -> Void) -> ScanStop {
        let base = position.offset
        var at = 0
        let end = buffer.count
        while at < end {
            let fileOffset = base + at
            let remaining = end - at
            if remaining < JournalFormat.frameHeaderSize {
                if allZero(buffer, from: at) { return .zeros(offset: fileOffset) }
                return .partialTail(offset: fileOffset, length: remaining, reason: "the last \(remaining) bytes are shorter than a record header")
            }
            let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            let lengthCheck = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self))
            if JournalFormat.crc32c(UnsafeRawBufferPointer(rebasing: buffer[at..<at + 4])) != lengthCheck {
                if length == 0 && lengthCheck == 0 { return .zeros(offset: fileOffset) }
                if allZero(buffer, from: at + 4) {
                    return .partialTail(offset: fileOffset, length: 4, reason: "a record header cut short, then zero bytes (torn write)")
                }
                return .corrupt(JournalDamage(offset: fileOffset, seq: position.nextSeq, reason: "the record's length field is damaged (length check fails)"))
            }
            guard length >= JournalFormat.minimumBody, length <= JournalFormat.maximumBody else {
                return .corrupt(JournalDamage(offset: fileOffset, seq: position.nextSeq, reason: "record length \(length) is outside \(JournalFormat.minimumBody)…\(JournalFormat.maximumBody)"))
            }
            let frameEnd = at + JournalFormat.frameHeaderSize + length
            if frameEnd > end {
                return .partialTail(offset: fileOffset, length: remaining, reason: "the last record needs \(JournalFormat.frameHeaderSize + length) bytes and only \(remaining) are there")
            }
            let body = UnsafeRawBufferPointer(rebasing: buffer[(at + JournalFormat.frameHeaderSize)..<frameEnd])
            let bodyCheck = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self))
            if JournalFormat.crc32c(body) != bodyCheck {
                if frameEnd == end || allZero(buffer, from: frameEnd) {
                    return .partialTail(offset: fileOffset, length: frameEnd - at, reason: "the last record fails its checksum (torn or damaged write)")
                }
                return .corrupt(JournalDamage(offset: fileOffset, seq: position.nextSeq, reason: "checksum mismatch: the record's bytes were changed"))
            }
            let seq = UInt64(littleEndian: body.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            if seq == UInt64.max {
                // Reachable only from a forged snapshot's position; no journal gets this far.
                return .corrupt(JournalDamage(offset: fileOffset, seq: seq, reason: "seq \(seq) is past the last a journal can hold"))
            }
            if seq != position.nextSeq {
                return .corrupt(JournalDamage(offset: fileOffset, seq: position.nextSeq,
                                              reason: "found seq \(seq) where \(position.nextSeq) was expected: a record was removed, reordered or duplicated"))
            }
            if verifyChain {
                let prev = ChainHash(UnsafeRawBufferPointer(rebasing: body[16..<48]))
                if prev != position.prev {
                    return .corrupt(JournalDamage(offset: fileOffset, seq: seq,
                                                  reason: "the record does not chain to the one before it: a record was edited, removed, inserted or reordered"))
                }
            }
            let time = Timestamp(milliseconds: Int64(bitPattern: UInt64(littleEndian: body.loadUnaligned(fromByteOffset: 8, as: UInt64.self))))
            let actorLength = Int(body[48])
            guard 49 + actorLength + 3 <= body.count else {
                return .corrupt(JournalDamage(offset: fileOffset, seq: seq, reason: "actor name runs past the record"))
            }
            let actor = String(decoding: UnsafeRawBufferPointer(rebasing: body[49..<(49 + actorLength)]).bindMemory(to: UInt8.self), as: UTF8.self)
            var header = ByteReader(UnsafeRawBufferPointer(rebasing: body[(49 + actorLength)...]))
            let session: UInt64
            let typeCode: UInt16
            do {
                session = try header.varint()
                typeCode = UInt16(try header.u8()) | UInt16(try header.u8()) << 8
            } catch {
                return .corrupt(JournalDamage(offset: fileOffset, seq: seq, reason: "the record's session or type runs past its end"))
            }
            var reader = ByteReader(UnsafeRawBufferPointer(rebasing: body[(49 + actorLength + header.offset)...]))
            let event: Event
            do {
                event = try Event.read(type: typeCode, from: &reader)
            } catch {
                return .corrupt(JournalDamage(offset: fileOffset, seq: seq, reason: "the event cannot be read: \(error)"))
            }
            if verifyChain { position.prev = ChainHash.of(UnsafeRawBufferPointer(rebasing: buffer[at..<frameEnd])) }
            lastFrame = fileOffset..<(base + frameEnd)
            position.lastRecordStart = fileOffset
            position.offset = base + frameEnd
            position.nextSeq = seq + 1
            if time > position.lastTime { position.lastTime = time }
            onRecord(Recorded(seq: seq, time: time, actor: actor, session: session, event: event), verifyChain ? position.prev : nil)
            at = frameEnd
        }
        return .end
    }

    static func allZero(_ b: UnsafeRawBufferPointer, from: Int) -> Bool {
        var i = from
        while i < b.count { if b[i] != 0 { return false }; i += 1 }
        return true
    }
}
