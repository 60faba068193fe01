/// The compact binary encoding of events used inside journal records (Docs/JOURNAL-FORMAT.md,
/// "Payload encoding"). Hand-written because replay must decode millions of events a second:
/// LEB128 varints, length-prefixed UTF-8, one byte per vocabulary word, bit sets for sets.
/// It is pure bytes-to-values code, so it lives with the values it encodes.
public struct CodecError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public struct ByteWriter: Sendable {
    public var bytes: [UInt8]
    public init(capacity: Int = 128) { bytes = []; bytes.reserveCapacity(capacity) }

    @inline(__always) public mutating func u8(_ v: UInt8) { bytes.append(v) }
    @inline(__always) public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { bytes.append(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    @inline(__always) public mutating func signed(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
    public mutating func u32le(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    public mutating func u64le(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
    public mutating func raw<C: Collection>(_ c: C) where C.Element == UInt8 { bytes.append(contentsOf: c) }
    @inline(__always) public mutating func put<T: JournalCodable>(_ v: T) { v.write(to: &self) }
}

public struct ByteReader {
    public let buffer: UnsafeRawBufferPointer
    public var offset: Int
    public init(_ buffer: UnsafeRawBufferPointer, offset: Int = 0) { self.buffer = buffer; self.offset = offset }

    public var remaining: Int { buffer.count - offset }

    @inline(__always) public mutating func u8() throws(CodecError) -> UInt8 {
        guard offset < buffer.count else { throw CodecError("payload ends early") }
        defer { offset += 1 }
        return buffer[offset]
    }
    @inline(__always) public mutating func varint() throws(CodecError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < buffer.count else { throw CodecError("payload ends inside a number") }
            let b = buffer[offset]
            offset += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw CodecError("number too long") }
        }
    }
    @inline(__always) public mutating func signed() throws(CodecError) -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
    public mutating func u32le() throws(CodecError) -> UInt32 {
        guard remaining >= 4 else { throw CodecError("payload ends early") }
        defer { offset += 4 }
        return buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
    }
    public mutating func u64le() throws(CodecError) -> UInt64 {
        guard remaining >= 8 else { throw CodecError("payload ends early") }
        defer { offset += 8 }
        return buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
    }
    /// A length in bytes of what follows, refused unless that many bytes are left: a damaged
    /// or forged length (up to 2⁶⁴ − 1) never becomes an `Int` it does not fit, nor a read
    /// past the payload.
    public mutating func length() throws(CodecError) -> Int {
        let n = try varint()
        guard n <= UInt64(remaining) else {
            throw CodecError("a length of \(n) bytes is more than the \(remaining) bytes left in the payload")
        }
        return Int(n)
    }
    /// A count of items, each at least one byte long, refused unless there are at least that
    /// many bytes left: a damaged count can neither trap nor ask for a huge allocation.
    public mutating func count() throws(CodecError) -> Int {
        let n = try varint()
        guard n <= UInt64(remaining) else {
            throw CodecError("a count of \(n) items is more than the \(remaining) bytes left in the payload")
        }
        return Int(n)
    }
    public mutating func bytes(_ n: Int) throws(CodecError) -> UnsafeRawBufferPointer {
        guard n >= 0, remaining >= n else { throw CodecError("payload ends early") }
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + n])
    }
    @inline(__always) public mutating func get<T: JournalCodable>() throws(CodecError) -> T { try T(from: &self) }
}

public protocol JournalCodable {
    func write(to w: inout ByteWriter)
    init(from r: inout ByteReader) throws(CodecError)
}

extension String: JournalCodable {
    @inline(__always) public func write(to w: inout ByteWriter) {
        var copy = self
        copy.withUTF8 { u in
            w.varint(UInt64(u.count))
            w.bytes.append(contentsOf: u)
        }
    }
    @inline(__always) public init(from r: inout ByteReader) throws(CodecError) {
        let raw = try r.bytes(try r.length())
        self = String(decoding: raw.bindMemory(to: UInt8.self), as: UTF8.self)
    }
}

extension Int: JournalCodable {
    public func write(to w: inout ByteWriter) { w.signed(Int64(self)) }
    public init(from r: inout ByteReader) throws(CodecError) { self = Int(try r.signed()) }
}
extension Int64: JournalCodable {
    public func write(to w: inout ByteWriter) { w.signed(self) }
    public init(from r: inout ByteReader) throws(CodecError) { self = try r.signed() }
}
extension Bool: JournalCodable {
    public func write(to w: inout ByteWriter) { w.u8(self ? 1 : 0) }
    public init(from r: inout ByteReader) throws(CodecError) {
        switch try r.u8() {
        case 0: self = false
        case 1: self = true
        default: throw CodecError("bad boolean")
        }
    }
}
extension Timestamp: JournalCodable {
    public func write(to w: inout ByteWriter) { w.signed(milliseconds) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(milliseconds: try r.signed()) }
}
extension LocalDate: JournalCodable {
    public func write(to w: inout ByteWriter) { w.signed(Int64(daysSinceEpoch)) }
    public init(from r: inout ByteReader) throws(CodecError) {
        let d = try r.signed()
        guard let v = Int32(exactly: d) else { throw CodecError("date out of range") }
        self.init(daysSinceEpoch: v)
    }
}
extension Optional: JournalCodable where Wrapped: JournalCodable {
    public func write(to w: inout ByteWriter) {
        switch self {
        case .none: w.u8(0)
        case .some(let v): w.u8(1); v.write(to: &w)
        }
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        switch try r.u8() {
        case 0: self = .none
        case 1: self = .some(try Wrapped(from: &r))
        default: throw CodecError("bad optional tag")
        }
    }
}
extension Array: JournalCodable where Element: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.varint(UInt64(count))
        for e in self { e.write(to: &w) }
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        let n = try r.count()
        self = []
        reserveCapacity(n)
        for _ in 0..<n { append(try Element(from: &r)) }
    }
}

/// Vocabulary words travel as their position in `allCases`.
public protocol VocabularyCodable: Vocabulary, JournalCodable {}
extension VocabularyCodable {
    public func write(to w: inout ByteWriter) { w.u8(code) }
    public init(from r: inout ByteReader) throws(CodecError) {
        let c = try r.u8()
        guard let v = Self.from(code: c) else { throw CodecError("unknown \(Self.self) code \(c)") }
        self = v
    }
}
extension UnitKind: VocabularyCodable {}
extension BedAttribute: VocabularyCodable {}
extension BedStatus: VocabularyCodable {}
extension Precaution: VocabularyCodable {}
extension Sex: VocabularyCodable {}
extension AdmissionSource: VocabularyCodable {}
extension Disposition: VocabularyCodable {}
extension Priority: VocabularyCodable {}
extension TaskStatus: VocabularyCodable {}
extension TaskKind: VocabularyCodable {}
extension ReferralUrgency: VocabularyCodable {}
extension ReferralStep: VocabularyCodable {}
extension ReferralStatus: VocabularyCodable {}
extension ComplaintSource: VocabularyCodable {}
extension ComplaintChannel: VocabularyCodable {}
extension ComplaintCategory: VocabularyCodable {}
extension ComplaintStatus: VocabularyCodable {}
extension ComplaintStep: VocabularyCodable {}
extension FollowUpStatus: VocabularyCodable {}
extension FollowUpStep: VocabularyCodable {}
extension EnrollmentStatus: VocabularyCodable {}
extension StudyVisitOutcome: VocabularyCodable {}
extension EquipmentKind: VocabularyCodable {}
extension EquipmentStatus: VocabularyCodable {}
extension EquipmentStep: VocabularyCodable {}
extension StockStep: VocabularyCodable {}
extension LabStatus: VocabularyCodable {}
extension ResultFlag: VocabularyCodable {}
extension ProcedureKind: VocabularyCodable {}
extension ProcedureStatus: VocabularyCodable {}
extension Role: VocabularyCodable {}
extension PolicyKey: VocabularyCodable {}
extension AccessKind: VocabularyCodable {}
extension ReviewVerdict: VocabularyCodable {}
extension Severity: VocabularyCodable {}
extension HandoverStatus: VocabularyCodable {}
extension ResultStatus: VocabularyCodable {}
extension InterfaceItemStatus: VocabularyCodable {}

/// Sets of vocabulary words travel as a bit mask.
extension Set: JournalCodable where Element: VocabularyCodable {
    public func write(to w: inout ByteWriter) {
        var mask: UInt64 = 0
        for e in self { mask |= 1 << UInt64(e.code) }
        w.varint(mask)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        let mask = try r.varint()
        self = []
        var bit: UInt64 = 0
        var m = mask
        while m != 0 {
            if m & 1 == 1 {
                guard let e = Element.from(code: UInt8(bit)) else { throw CodecError("unknown \(Element.self) in set") }
                insert(e)
            }
            m >>= 1
            bit += 1
        }
    }
}

/// Numbered identifiers travel as a varint of their number.
public protocol SequentialIDCodable: SequentialID, JournalCodable {}
extension SequentialIDCodable {
    public func write(to w: inout ByteWriter) { w.varint(UInt64(number)) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(Int(try r.varint() & 0x7FFF_FFFF)) }
}
extension ReferralID: SequentialIDCodable {}
extension ComplaintID: SequentialIDCodable {}
extension FollowUpID: SequentialIDCodable {}
extension TaskID: SequentialIDCodable {}
extension LabID: SequentialIDCodable {}
extension MessageID: SequentialIDCodable {}
extension ProcedureID: SequentialIDCodable {}
extension StayID: SequentialIDCodable {}
extension GrantID: SequentialIDCodable {}
extension InterfaceItemID: SequentialIDCodable {}
extension HandoverID: SequentialIDCodable {}

extension ShiftDefinition: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(name); w.put(start); w.put(end) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(name: try r.get(), start: try r.get(), end: try r.get())
        guard (0..<1440).contains(start), (0..<1440).contains(end) else { throw CodecError("shift time out of range") }
    }
}

extension Assignee: JournalCodable {
    public func write(to w: inout ByteWriter) {
        switch self {
        case .person(let login): w.u8(0); w.put(login)
        case .role(let role): w.u8(1); w.put(role)
        }
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        switch try r.u8() {
        case 0: self = .person(try r.get())
        case 1: self = .role(try r.get())
        default: throw CodecError("bad assignee tag")
        }
    }
}

extension TaskLink: JournalCodable {
    public func write(to w: inout ByteWriter) {
        switch self {
        case .none: w.u8(0)
        case .lab(let id): w.u8(1); w.put(id)
        case .message(let id): w.u8(2); w.put(id)
        case .procedure(let id): w.u8(3); w.put(id)
        case .bed(let id): w.u8(4); w.put(id)
        case .stay(let id): w.u8(5); w.put(id)
        case .task(let id): w.u8(6); w.put(id)
        case .referral(let id): w.u8(7); w.put(id)
        case .complaint(let id): w.u8(8); w.put(id)
        case .followUp(let id): w.u8(9); w.put(id)
        }
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        switch try r.u8() {
        case 0: self = .none
        case 1: self = .lab(try r.get())
        case 2: self = .message(try r.get())
        case 3: self = .procedure(try r.get())
        case 4: self = .bed(try r.get())
        case 5: self = .stay(try r.get())
        case 6: self = .task(try r.get())
        case 7: self = .referral(try r.get())
        case 8: self = .complaint(try r.get())
        case 9: self = .followUp(try r.get())
        default: throw CodecError("bad task link tag")
        }
    }
}

extension EquipmentHolder: JournalCodable {
    public func write(to w: inout ByteWriter) {
        switch self {
        case .patient(let m): w.u8(0); w.put(m)
        case .procedure(let p): w.u8(1); w.put(p)
        case .bed(let b): w.u8(2); w.put(b)
        }
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        switch try r.u8() {
        case 0: self = .patient(try r.get())
        case 1: self = .procedure(try r.get())
        case 2: self = .bed(try r.get())
        default: throw CodecError("bad equipment holder tag")
        }
    }
}

extension Staff: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(login); w.put(name); w.put(role); w.put(onDuty) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(login: try r.get(), name: try r.get(), role: try r.get(), onDuty: try r.get())
    }
}

extension Patient: JournalCodable {
    public func write(to w: inout ByteWriter) {
        w.put(mrn); w.put(name); w.put(dateOfBirth); w.put(sex); w.put(language); w.put(interpreter)
        w.put(precautions); w.put(fallRisk); w.put(livesAlone)
    }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(mrn: try r.get(), name: try r.get(), dateOfBirth: try r.get(), sex: try r.get(), language: try r.get(),
                  interpreter: try r.get(), precautions: try r.get(), fallRisk: try r.get(), livesAlone: try r.get())
    }
}

extension LabResult: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(value); w.put(units); w.put(range); w.put(flag) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(value: try r.get(), units: try r.get(), range: try r.get(), flag: try r.get())
    }
}

extension Event {
    /// The event's type code in the journal. Never renumber; add new codes at the end.
    public var typeCode: UInt16 {
        switch self {
        case .unitAdded: 1
        case .bedAdded: 2
        case .staffRecorded: 3
        case .policySet: 4
        case .patientRecorded: 5
        case .admissionRequested: 6
        case .admissionCancelled: 7
        case .bedReserved: 8
        case .reservationReleased: 9
        case .bedAssigned: 10
        case .patientTransferred: 11
        case .bedsSwapped: 12
        case .patientDischarged: 13
        case .stayUpdated: 14
        case .bedStatusChanged: 15
        case .bedBlocked: 16
        case .bedUnblocked: 17
        case .taskCreated: 18
        case .taskStatusChanged: 19
        case .taskReassigned: 20
        case .taskRescheduled: 21
        case .taskNoted: 22
        case .taskEscalated: 23
        case .labOrdered: 24
        case .labProgressed: 25
        case .labResulted: 26
        case .labAcknowledged: 27
        case .criticalCommunicated: 28
        case .labCancelled: 29
        case .procedureBooked: 30
        case .procedureRescheduled: 31
        case .procedureStatusChanged: 32
        case .procedureNotReady: 33
        case .messageSent: 34
        case .messageRead: 35
        case .messageAcknowledged: 36
        case .messageEscalated: 37
        case .accessRecorded: 38
        case .sessionOpened: 39
        case .breakGlassStarted: 40
        case .breakGlassEnded: 41
        case .breakGlassReviewed: 42
        case .ipassUpdated: 43
        case .handoverStarted: 44
        case .handoverAcknowledged: 45
        case .handoverStatusChanged: 46
        case .shiftsDefined: 47
        case .hospitalNamed: 48
        case .feedReceived: 49
        case .interfaceItemRaised: 50
        case .interfaceRetryRequested: 51
        case .interfaceItemResolved: 52
        case .dischargeCancelled: 53
        case .patientMerged: 54
        case .preAuthRecorded: 55
        case .preAuthChanged: 56
        case .preAuthLinked: 57
        case .preAuthOverdue: 58
        case .eligibilityVerified: 59
        case .documentRecorded: 60
        case .bedAfterSet: 61
        case .readinessFlagged: 62
        case .documentsRequired: 63
        case .addOnPlanned: 64
        case .planEdited: 65
        case .planDecided: 66
        case .procedureMoved: 67
        case .cancellationRecorded: 68
        case .urgencySet: 69
        case .barrierRecorded: 70
        case .barrierResolved: 71
        case .referralSent: 72
        case .referralUpdated: 73
        case .referralOverdue: 74
        case .complaintRecorded: 75
        case .complaintUpdated: 76
        case .complaintOverdue: 77
        case .followUpOpened: 78
        case .followUpUpdated: 79
        case .followUpOverdue: 80
        case .studyRecorded: 81
        case .studyChanged: 82
        case .patientEnrolled: 83
        case .enrollmentUpdated: 84
        case .researchTaskRaised: 85
        case .stockItemRecorded: 86
        case .stockChanged: 87
        case .supplyTaskRaised: 88
        case .equipmentRecorded: 89
        case .equipmentChanged: 90
        case .equipmentNeeded: 91
        }
    }

    /// Writes the payload (without the type code).
    public func writePayload(to w: inout ByteWriter) {
        switch self {
        case .unitAdded(let e): w.put(e.code); w.put(e.name); w.put(e.kind)
        case .bedAdded(let e): w.put(e.id); w.put(e.unit); w.put(e.attributes)
        case .staffRecorded(let e): w.put(e)
        case .policySet(let e): w.put(e.key); w.put(e.value)
        case .patientRecorded(let e): w.put(e)
        case .admissionRequested(let e):
            w.put(e.stay); w.put(e.mrn); w.put(e.source); w.put(e.wantedUnit); w.put(e.needs); w.put(e.attending); w.put(e.expectedDischarge)
        case .admissionCancelled(let e): w.put(e.mrn); w.put(e.stay); w.put(e.reason)
        case .bedReserved(let e): w.put(e.bed); w.put(e.mrn)
        case .reservationReleased(let e): w.put(e.bed)
        case .bedAssigned(let e): w.put(e.mrn); w.put(e.stay); w.put(e.bed); w.put(e.override)
        case .patientTransferred(let e): w.put(e.mrn); w.put(e.stay); w.put(e.from); w.put(e.to); w.put(e.override)
        case .bedsSwapped(let e): w.put(e.first); w.put(e.firstBed); w.put(e.second); w.put(e.secondBed); w.put(e.override)
        case .patientDischarged(let e): w.put(e.mrn); w.put(e.stay); w.put(e.bed); w.put(e.disposition)
        case .stayUpdated(let e):
            w.put(e.mrn); w.put(e.stay); w.put(e.attending); w.put(e.expectedDischarge); w.put(e.needs); w.put(e.wantedUnit)
        case .bedStatusChanged(let e): w.put(e.bed); w.put(e.status)
        case .bedBlocked(let e): w.put(e.bed); w.put(e.reason); w.put(e.until); w.put(e.returnsTo)
        case .bedUnblocked(let e): w.put(e.bed); w.put(e.automatic)
        case .taskCreated(let e):
            w.put(e.id); w.put(e.title); w.put(e.kind); w.put(e.priority); w.put(e.due); w.put(e.owner); w.put(e.patient)
            w.put(e.link); w.put(e.note)
        case .taskStatusChanged(let e): w.put(e.id); w.put(e.status); w.put(e.note)
        case .taskReassigned(let e): w.put(e.id); w.put(e.owner)
        case .taskRescheduled(let e): w.put(e.id); w.put(e.due); w.put(e.reason)
        case .taskNoted(let e): w.put(e.id); w.put(e.text)
        case .taskEscalated(let e): w.put(e.id); w.put(e.level)
        case .labOrdered(let e):
            // Fields added later follow only when set, so records written before read the same.
            w.put(e.id); w.put(e.mrn); w.put(e.test); w.put(e.priority); w.put(e.neededBy)
            if let external = e.external { w.put(external) }
        case .labProgressed(let e): w.put(e.id); w.put(e.status)
        case .labResulted(let e):
            w.put(e.id); w.put(e.result); w.put(e.criticalTask)
            if let status = e.status, status != .final { w.put(status) }
        case .labAcknowledged(let e): w.put(e.id)
        case .criticalCommunicated(let e): w.put(e.lab); w.put(e.task); w.put(e.toldName); w.put(e.toldRole); w.put(e.readBack)
        case .labCancelled(let e): w.put(e.id); w.put(e.reason)
        case .procedureBooked(let e):
            w.put(e.id); w.put(e.mrn); w.put(e.kind); w.put(e.title); w.put(e.resource); w.put(e.start); w.put(e.end); w.put(e.requiredTests)
            if let external = e.external { w.put(external) }
        case .procedureRescheduled(let e): w.put(e.id); w.put(e.start); w.put(e.end)
        case .procedureStatusChanged(let e): w.put(e.id); w.put(e.status); w.put(e.reason)
        case .procedureNotReady(let e): w.put(e.id); w.put(e.missing); w.put(e.task)
        case .messageSent(let e):
            w.put(e.id); w.put(e.to); w.put(e.patient); w.put(e.subject); w.put(e.body); w.put(e.urgent); w.put(e.replyTo); w.put(e.system)
        case .messageRead(let e): w.put(e.id)
        case .messageAcknowledged(let e):
            // The recipient on whose behalf a supervisor acknowledged follows the id only when
            // there is one, so records written before it existed read the same.
            w.put(e.id)
            if let behalf = e.onBehalfOf { w.put(behalf) }
        case .messageEscalated(let e): w.put(e.id); w.put(e.level)
        case .accessRecorded(let e): w.put(e.kind); w.put(e.patient); w.put(e.detail)
        case .sessionOpened(let e): w.put(e.uid); w.put(e.terminal); w.put(e.remote); w.put(e.program)
        case .breakGlassStarted(let e): w.put(e.id); w.put(e.reason); w.put(e.until)
        case .breakGlassEnded(let e): w.put(e.id)
        case .breakGlassReviewed(let e): w.put(e.id); w.put(e.verdict); w.put(e.note)
        case .ipassUpdated(let e):
            w.put(e.mrn); w.put(e.stay); w.put(e.severity); w.put(e.summary); w.put(e.contingency); w.put(e.awareness)
            w.put(e.clearContingencies); w.put(e.clearAwareness)
        case .handoverStarted(let e): w.put(e.id); w.put(e.to)
        case .handoverAcknowledged(let e): w.put(e.id); w.put(e.item); w.put(e.from); w.put(e.to); w.put(e.note)
        case .handoverStatusChanged(let e): w.put(e.id); w.put(e.status); w.put(e.note)
        case .shiftsDefined(let e): w.put(e.shifts)
        case .hospitalNamed(let e): w.put(e.name)
        case .feedReceived(let e): w.put(e.key); w.varint(e.digest); w.put(e.kind); w.put(e.item)
        case .interfaceItemRaised(let e): w.put(e.id); w.put(e.key); w.put(e.kind); w.put(e.problem); w.put(e.raw); w.put(e.patient)
        case .interfaceRetryRequested(let e): w.put(e.id); w.put(e.override)
        case .interfaceItemResolved(let e): w.put(e.id); w.put(e.status); w.put(e.note)
        case .dischargeCancelled(let e): w.put(e.mrn); w.put(e.stay); w.put(e.bed)
        case .patientMerged(let e): w.put(e.survivor); w.put(e.merged)
        case .preAuthRecorded(let e): w.put(e.id); w.put(e.procedure); w.put(e.mrn); w.put(e.payer); w.put(e.expedited)
        case .preAuthChanged(let e): w.put(e.id); w.put(e.status); w.put(e.number); w.put(e.validFrom); w.put(e.validUntil); w.put(e.units); w.put(e.decisionDue); w.put(e.reason); w.put(e.appealBy); w.put(e.task); w.put(e.note)
        case .preAuthLinked(let e): w.put(e.id); w.put(e.procedure); w.put(e.override)
        case .preAuthOverdue(let e): w.put(e.id); w.put(e.task)
        case .eligibilityVerified(let e): w.put(e.mrn); w.put(e.payer); w.put(e.active); w.put(e.note)
        case .documentRecorded(let e): w.put(e.procedure); w.put(e.kind); w.put(e.state); w.put(e.dated)
        case .bedAfterSet(let e): w.put(e.procedure); w.put(e.kind)
        case .readinessFlagged(let e): w.put(e.procedure); w.put(e.requirement); w.put(e.detail); w.put(e.task)
        case .documentsRequired(let e): w.put(e.kind); w.put(e.documents)
        case .addOnPlanned(let e): w.put(e.id); w.put(e.request); w.put(e.options)
        case .planEdited(let e): w.put(e.id); w.put(e.option); w.put(e.plan)
        case .planDecided(let e): w.put(e.id); w.put(e.option); w.put(e.addOn); w.put(e.reason)
        case .procedureMoved(let e): w.put(e.id); w.put(e.resource); w.put(e.start); w.put(e.end); w.put(e.plan)
        case .cancellationRecorded(let e): w.put(e.procedure); w.put(e.reason); w.put(e.within48h); w.put(e.avoidable); w.put(e.plan)
        case .urgencySet(let e): w.put(e.procedure); w.put(e.urgency); w.put(e.startBy); w.put(e.plan); w.put(e.late)
        case .barrierRecorded(let e): w.put(e.mrn); w.put(e.stay); w.put(e.kind); w.put(e.note)
        case .barrierResolved(let e): w.put(e.mrn); w.put(e.stay); w.put(e.kind); w.put(e.note)
        case .referralSent(let e):
            w.put(e.id); w.put(e.mrn); w.put(e.service); w.put(e.specialist); w.put(e.external); w.put(e.reason); w.put(e.urgency); w.put(e.due)
            w.put(e.highRisk); w.put(e.clinician)
        case .referralUpdated(let e): w.put(e.id); w.put(e.step); w.put(e.appointment); w.put(e.due); w.put(e.note)
        case .referralOverdue(let e): w.put(e.id); w.put(e.task)
        case .complaintRecorded(let e):
            w.put(e.id); w.put(e.summary); w.put(e.source); w.put(e.channel); w.put(e.category); w.put(e.patient); w.put(e.complainant); w.put(e.owner)
            w.put(e.about); w.put(e.grievance); w.put(e.responseDue)
        case .complaintUpdated(let e): w.put(e.id); w.put(e.step); w.put(e.note); w.put(e.due); w.put(e.resolution)
        case .complaintOverdue(let e): w.put(e.id); w.put(e.task)
        case .followUpOpened(let e):
            w.put(e.id); w.put(e.mrn); w.put(e.stay); w.put(e.lace); w.put(e.reasons); w.put(e.callDue); w.put(e.visitDue); w.put(e.task)
        case .followUpUpdated(let e): w.put(e.id); w.put(e.step); w.put(e.at); w.put(e.with); w.put(e.note)
        case .followUpOverdue(let e): w.put(e.id); w.put(e.task)
        case .studyRecorded(let e): w.put(e.code); w.put(e.name); w.put(e.investigator); w.put(e.approvedUntil); w.put(e.consentVersion); w.put(e.plan)
        case .studyChanged(let e): w.put(e.code); w.put(e.approvedUntil); w.put(e.consentVersion); w.put(e.note)
        case .patientEnrolled(let e): w.put(e.study); w.put(e.mrn); w.put(e.anchor); w.put(e.arm); w.put(e.consentVersion)
        case .enrollmentUpdated(let e):
            w.put(e.study); w.put(e.mrn); w.put(e.visit); w.put(e.outcome); w.put(e.at); w.put(e.deviation); w.put(e.consentVersion); w.put(e.ended); w.put(e.note)
        case .researchTaskRaised(let e): w.put(e.study); w.put(e.mrn); w.put(e.purpose); w.put(e.task)
        case .stockItemRecorded(let e):
            w.put(e.item); w.put(e.location); w.put(e.name); w.put(e.unit); w.put(e.min); w.put(e.max); w.put(e.reorder); w.put(e.vendor); w.put(e.leadDays); w.put(e.isNew)
        case .stockChanged(let e):
            w.put(e.item); w.put(e.location); w.put(e.step); w.put(e.quantity); w.put(e.lot); w.put(e.expires); w.put(e.patient); w.put(e.note)
        case .supplyTaskRaised(let e): w.put(e.key); w.put(e.purpose); w.put(e.task)
        case .equipmentRecorded(let e):
            w.put(e.tag); w.put(e.kind); w.put(e.name); w.put(e.location); w.put(e.vendor); w.put(e.maintenanceDate); w.put(e.maintenanceEnds)
        case .equipmentChanged(let e): w.put(e.tag); w.put(e.step); w.put(e.holder); w.put(e.maintenanceDate); w.put(e.maintenanceEnds); w.put(e.note)
        case .equipmentNeeded(let e): w.put(e.procedure); w.put(e.kind); w.put(e.needed)
        }
    }

    /// Reads a payload of the given type; every byte must be used.
    public static func read(type: UInt16, from r: inout ByteReader) throws(CodecError) -> Event {
        let e: Event
        switch type {
        case 1: e = .unitAdded(UnitAdded(code: try r.get(), name: try r.get(), kind: try r.get()))
        case 2: e = .bedAdded(BedAdded(id: try r.get(), unit: try r.get(), attributes: try r.get()))
        case 3: e = .staffRecorded(try r.get())
        case 4: e = .policySet(PolicySet(key: try r.get(), value: try r.get()))
        case 5: e = .patientRecorded(try r.get())
        case 6: e = .admissionRequested(AdmissionRequested(stay: try r.get(), mrn: try r.get(), source: try r.get(), wantedUnit: try r.get(),
                                                           needs: try r.get(), attending: try r.get(), expectedDischarge: try r.get()))
        case 7: e = .admissionCancelled(AdmissionCancelled(mrn: try r.get(), stay: try r.get(), reason: try r.get()))
        case 8: e = .bedReserved(BedReserved(bed: try r.get(), mrn: try r.get()))
        case 9: e = .reservationReleased(ReservationReleased(bed: try r.get()))
        case 10: e = .bedAssigned(BedAssigned(mrn: try r.get(), stay: try r.get(), bed: try r.get(), override: try r.get()))
        case 11: e = .patientTransferred(PatientTransferred(mrn: try r.get(), stay: try r.get(), from: try r.get(), to: try r.get(), override: try r.get()))
        case 12: e = .bedsSwapped(BedsSwapped(first: try r.get(), firstBed: try r.get(), second: try r.get(), secondBed: try r.get(), override: try r.get()))
        case 13: e = .patientDischarged(PatientDischarged(mrn: try r.get(), stay: try r.get(), bed: try r.get(), disposition: try r.get()))
        case 14: e = .stayUpdated(StayUpdated(mrn: try r.get(), stay: try r.get(), attending: try r.get(), expectedDischarge: try r.get(),
                                              needs: try r.get(), wantedUnit: try r.get()))
        case 15: e = .bedStatusChanged(BedStatusChanged(bed: try r.get(), status: try r.get()))
        case 16: e = .bedBlocked(BedBlocked(bed: try r.get(), reason: try r.get(), until: try r.get(), returnsTo: try r.get()))
        case 17: e = .bedUnblocked(BedUnblocked(bed: try r.get(), automatic: try r.get()))
        case 18: e = .taskCreated(TaskCreated(id: try r.get(), title: try r.get(), kind: try r.get(), priority: try r.get(), due: try r.get(),
                                              owner: try r.get(), patient: try r.get(), link: try r.get(), note: try r.get()))
        case 19: e = .taskStatusChanged(TaskStatusChanged(id: try r.get(), status: try r.get(), note: try r.get()))
        case 20: e = .taskReassigned(TaskReassigned(id: try r.get(), owner: try r.get()))
        case 21: e = .taskRescheduled(TaskRescheduled(id: try r.get(), due: try r.get(), reason: try r.get()))
        case 22: e = .taskNoted(TaskNoted(id: try r.get(), text: try r.get()))
        case 23: e = .taskEscalated(TaskEscalated(id: try r.get(), level: try r.get()))
        case 24:
            var o = LabOrdered(id: try r.get(), mrn: try r.get(), test: try r.get(), priority: try r.get(), neededBy: try r.get())
            if r.remaining > 0 { o.external = try r.get() as String }
            e = .labOrdered(o)
        case 25: e = .labProgressed(LabProgressed(id: try r.get(), status: try r.get()))
        case 26:
            var o = LabResulted(id: try r.get(), result: try r.get(), criticalTask: try r.get())
            if r.remaining > 0 {
                // Final is written by leaving the byte out; a byte saying final is refused, so
                // every result has one encoding.
                let status: ResultStatus = try r.get()
                guard status != .final else { throw CodecError("a lab.resulted payload names its status final, which is written by leaving it out") }
                o.status = status
            }
            e = .labResulted(o)
        case 27: e = .labAcknowledged(LabAcknowledged(id: try r.get()))
        case 28: e = .criticalCommunicated(CriticalCommunicated(lab: try r.get(), task: try r.get(), toldName: try r.get(), toldRole: try r.get(), readBack: try r.get()))
        case 29: e = .labCancelled(LabCancelled(id: try r.get(), reason: try r.get()))
        case 30:
            var o = ProcedureBooked(id: try r.get(), mrn: try r.get(), kind: try r.get(), title: try r.get(), resource: try r.get(),
                                    start: try r.get(), end: try r.get(), requiredTests: try r.get())
            if r.remaining > 0 { o.external = try r.get() as String }
            e = .procedureBooked(o)
        case 31: e = .procedureRescheduled(ProcedureRescheduled(id: try r.get(), start: try r.get(), end: try r.get()))
        case 32: e = .procedureStatusChanged(ProcedureStatusChanged(id: try r.get(), status: try r.get(), reason: try r.get()))
        case 33: e = .procedureNotReady(ProcedureNotReady(id: try r.get(), missing: try r.get(), task: try r.get()))
        case 34: e = .messageSent(MessageSent(id: try r.get(), to: try r.get(), patient: try r.get(), subject: try r.get(), body: try r.get(),
                                              urgent: try r.get(), replyTo: try r.get(), system: try r.get()))
        case 35: e = .messageRead(MessageRead(id: try r.get()))
        case 36:
            let id: MessageID = try r.get()
            let behalf: Assignee? = r.remaining > 0 ? try r.get() as Assignee : nil
            e = .messageAcknowledged(MessageAcknowledged(id: id, onBehalfOf: behalf))
        case 37: e = .messageEscalated(MessageEscalated(id: try r.get(), level: try r.get()))
        case 38: e = .accessRecorded(AccessRecorded(kind: try r.get(), patient: try r.get(), detail: try r.get()))
        case 39: e = .sessionOpened(SessionOpened(uid: try r.get(), terminal: try r.get(), remote: try r.get(), program: try r.get()))
        case 40: e = .breakGlassStarted(BreakGlassStarted(id: try r.get(), reason: try r.get(), until: try r.get()))
        case 41: e = .breakGlassEnded(BreakGlassEnded(id: try r.get()))
        case 42: e = .breakGlassReviewed(BreakGlassReviewed(id: try r.get(), verdict: try r.get(), note: try r.get()))
        case 43: e = .ipassUpdated(IPassUpdated(mrn: try r.get(), stay: try r.get(), severity: try r.get(), summary: try r.get(), contingency: try r.get(),
                                                awareness: try r.get(), clearContingencies: try r.get(), clearAwareness: try r.get()))
        case 44: e = .handoverStarted(HandoverStarted(id: try r.get(), to: try r.get()))
        case 45: e = .handoverAcknowledged(HandoverAcknowledged(id: try r.get(), item: try r.get(), from: try r.get(), to: try r.get(), note: try r.get()))
        case 46: e = .handoverStatusChanged(HandoverStatusChanged(id: try r.get(), status: try r.get(), note: try r.get()))
        case 47: e = .shiftsDefined(ShiftsDefined(shifts: try r.get()))
        case 48: e = .hospitalNamed(HospitalNamed(name: try r.get()))
        case 49: e = .feedReceived(FeedReceived(key: try r.get(), digest: try r.varint(), kind: try r.get(), item: try r.get()))
        case 50: e = .interfaceItemRaised(InterfaceItemRaised(id: try r.get(), key: try r.get(), kind: try r.get(), problem: try r.get(),
                                                              raw: try r.get(), patient: try r.get()))
        case 51: e = .interfaceRetryRequested(InterfaceRetryRequested(id: try r.get(), override: try r.get()))
        case 52: e = .interfaceItemResolved(InterfaceItemResolved(id: try r.get(), status: try r.get(), note: try r.get()))
        case 53: e = .dischargeCancelled(DischargeCancelled(mrn: try r.get(), stay: try r.get(), bed: try r.get()))
        case 54: e = .patientMerged(PatientMerged(survivor: try r.get(), merged: try r.get()))
        case 55: e = .preAuthRecorded(PreAuthRecorded(id: try r.get(), procedure: try r.get(), mrn: try r.get(), payer: try r.get(), expedited: try r.get()))
        case 56: e = .preAuthChanged(PreAuthChanged(id: try r.get(), status: try r.get(), number: try r.get(), validFrom: try r.get(), validUntil: try r.get(), units: try r.get(), decisionDue: try r.get(), reason: try r.get(), appealBy: try r.get(), task: try r.get(), note: try r.get()))
        case 57: e = .preAuthLinked(PreAuthLinked(id: try r.get(), procedure: try r.get(), override: try r.get()))
        case 58: e = .preAuthOverdue(PreAuthOverdue(id: try r.get(), task: try r.get()))
        case 59: e = .eligibilityVerified(EligibilityVerified(mrn: try r.get(), payer: try r.get(), active: try r.get(), note: try r.get()))
        case 60: e = .documentRecorded(DocumentRecorded(procedure: try r.get(), kind: try r.get(), state: try r.get(), dated: try r.get()))
        case 61: e = .bedAfterSet(BedAfterSet(procedure: try r.get(), kind: try r.get()))
        case 62: e = .readinessFlagged(ReadinessFlagged(procedure: try r.get(), requirement: try r.get(), detail: try r.get(), task: try r.get()))
        case 63: e = .documentsRequired(DocumentsRequired(kind: try r.get(), documents: try r.get()))
        case 64: e = .addOnPlanned(AddOnPlanned(id: try r.get(), request: try r.get(), options: try r.get()))
        case 65: e = .planEdited(PlanEdited(id: try r.get(), option: try r.get(), plan: try r.get()))
        case 66: e = .planDecided(PlanDecided(id: try r.get(), option: try r.get(), addOn: try r.get(), reason: try r.get()))
        case 67: e = .procedureMoved(ProcedureMoved(id: try r.get(), resource: try r.get(), start: try r.get(), end: try r.get(), plan: try r.get()))
        case 68: e = .cancellationRecorded(CancellationRecorded(procedure: try r.get(), reason: try r.get(), within48h: try r.get(), avoidable: try r.get(), plan: try r.get()))
        case 69: e = .urgencySet(UrgencySet(procedure: try r.get(), urgency: try r.get(), startBy: try r.get(), plan: try r.get(), late: try r.get()))
        case 70: e = .barrierRecorded(BarrierRecorded(mrn: try r.get(), stay: try r.get(), kind: try r.get(), note: try r.get()))
        case 71: e = .barrierResolved(BarrierResolved(mrn: try r.get(), stay: try r.get(), kind: try r.get(), note: try r.get()))
        case 72: e = .referralSent(ReferralSent(id: try r.get(), mrn: try r.get(), service: try r.get(), specialist: try r.get(), external: try r.get(),
                                                reason: try r.get(), urgency: try r.get(), due: try r.get(), highRisk: try r.get(), clinician: try r.get()))
        case 73: e = .referralUpdated(ReferralUpdated(id: try r.get(), step: try r.get(), appointment: try r.get(), due: try r.get(), note: try r.get()))
        case 74: e = .referralOverdue(ReferralOverdue(id: try r.get(), task: try r.get()))
        case 75: e = .complaintRecorded(ComplaintRecorded(id: try r.get(), summary: try r.get(), source: try r.get(), channel: try r.get(), category: try r.get(),
                                                          patient: try r.get(), complainant: try r.get(), owner: try r.get(), about: try r.get(),
                                                          grievance: try r.get(), responseDue: try r.get()))
        case 76: e = .complaintUpdated(ComplaintUpdated(id: try r.get(), step: try r.get(), note: try r.get(), due: try r.get(), resolution: try r.get()))
        case 77: e = .complaintOverdue(ComplaintOverdue(id: try r.get(), task: try r.get()))
        case 78: e = .followUpOpened(FollowUpOpened(id: try r.get(), mrn: try r.get(), stay: try r.get(), lace: try r.get(), reasons: try r.get(),
                                                    callDue: try r.get(), visitDue: try r.get(), task: try r.get()))
        case 79: e = .followUpUpdated(FollowUpUpdated(id: try r.get(), step: try r.get(), at: try r.get(), with: try r.get(), note: try r.get()))
        case 80: e = .followUpOverdue(FollowUpOverdue(id: try r.get(), task: try r.get()))
        case 81: e = .studyRecorded(StudyRecorded(code: try r.get(), name: try r.get(), investigator: try r.get(), approvedUntil: try r.get(),
                                                  consentVersion: try r.get(), plan: try r.get()))
        case 82: e = .studyChanged(StudyChanged(code: try r.get(), approvedUntil: try r.get(), consentVersion: try r.get(), note: try r.get()))
        case 83: e = .patientEnrolled(PatientEnrolled(study: try r.get(), mrn: try r.get(), anchor: try r.get(), arm: try r.get(), consentVersion: try r.get()))
        case 84: e = .enrollmentUpdated(EnrollmentUpdated(study: try r.get(), mrn: try r.get(), visit: try r.get(), outcome: try r.get(), at: try r.get(),
                                                          deviation: try r.get(), consentVersion: try r.get(), ended: try r.get(), note: try r.get()))
        case 85: e = .researchTaskRaised(ResearchTaskRaised(study: try r.get(), mrn: try r.get(), purpose: try r.get(), task: try r.get()))
        case 86: e = .stockItemRecorded(StockItemRecorded(item: try r.get(), location: try r.get(), name: try r.get(), unit: try r.get(), min: try r.get(),
                                                          max: try r.get(), reorder: try r.get(), vendor: try r.get(), leadDays: try r.get(), isNew: try r.get()))
        case 87: e = .stockChanged(StockChanged(item: try r.get(), location: try r.get(), step: try r.get(), quantity: try r.get(), lot: try r.get(),
                                                expires: try r.get(), patient: try r.get(), note: try r.get()))
        case 88: e = .supplyTaskRaised(SupplyTaskRaised(key: try r.get(), purpose: try r.get(), task: try r.get()))
        case 89: e = .equipmentRecorded(EquipmentRecorded(tag: try r.get(), kind: try r.get(), name: try r.get(), location: try r.get(), vendor: try r.get(),
                                                          maintenanceDate: try r.get(), maintenanceEnds: try r.get()))
        case 90: e = .equipmentChanged(EquipmentChanged(tag: try r.get(), step: try r.get(), holder: try r.get(), maintenanceDate: try r.get(),
                                                        maintenanceEnds: try r.get(), note: try r.get()))
        case 91: e = .equipmentNeeded(EquipmentNeeded(procedure: try r.get(), kind: try r.get(), needed: try r.get()))
        default: throw CodecError("unknown event type \(type)")
        }
        guard r.remaining == 0 else { throw CodecError("\(r.remaining) unexpected bytes after a \(e.typeName) payload") }
        return e
    }
}

extension ComplaintResolution: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(contact); w.put(steps); w.put(result); w.put(completed) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(contact: try r.get(), steps: try r.get(), result: try r.get(), completed: try r.get())
    }
}

extension LaceScore: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(length); w.put(acuity); w.put(comorbidity); w.put(emergency) }
    public init(from r: inout ByteReader) throws(CodecError) {
        self.init(length: try r.get(), acuity: try r.get(), comorbidity: try r.get(), emergency: try r.get())
    }
}

extension StudyVisitPlan: JournalCodable {
    public func write(to w: inout ByteWriter) { w.put(name); w.put(day); w.put(window) }
    public init(from r: inout ByteReader) throws(CodecError) { self.init(name: try r.get(), day: try r.get(), window: try r.get()) }
}
