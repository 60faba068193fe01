/// Items numbered densely from 1 (tasks, labs, messages, procedures, stays), held in arrays
/// indexed by number: no hashing on the hot replay path. Reads like a dictionary keyed by id.
///
/// The numbers are split into chunks of `chunkSize` slots. A chunk whose items have all been
/// removed (closed work archived out of memory, `HospitalState.retention`) is freed, so a
/// year of numbers costs memory only for the items still held.
public struct IDTable<ID: SequentialID, Value: Equatable & Sendable>: Equatable, Sendable {
    static var chunkShift: Int { 10 }
    static var chunkSize: Int { 1 << chunkShift }

    private var chunks: ContiguousArray<ContiguousArray<Value?>?> = []
    /// Items held in each chunk.
    private var live: ContiguousArray<Int32> = []
    /// One past the highest number ever stored: new numbers land at or just after it.
    public private(set) var endNumber = 1
    public internal(set) var count = 0

    public init() {}

    /// How far past the end a new id may land; anything further is refused as an anomaly so a
    /// damaged or hostile number cannot make the table huge.
    public static var maximumGap: Int { 1 << 16 }

    public func accepts(_ id: ID) -> Bool { id.number >= 1 && id.number < endNumber + IDTable.maximumGap }

    public subscript(id: ID) -> Value? {
        // `_read` lends the item in place: `tasks[id] != nil` or `tasks[id]?.status` copies
        // nothing (a plain getter would copy the whole item and retain its strings).
        _read {
            let i = id.number - 1
            let c = i >> IDTable.chunkShift
            if i >= 0, c < chunks.count, chunks[c] != nil {
                yield chunks[c]![i & (IDTable.chunkSize - 1)]
            } else {
                yield nil
            }
        }
        _modify {
            let i = id.number - 1
            precondition(i >= 0 && id.number < endNumber + IDTable.maximumGap, "id out of range; check accepts(_:) first")
            let c = i >> IDTable.chunkShift
            if c >= chunks.count {
                chunks.append(contentsOf: repeatElement(nil, count: c - chunks.count + 1))
                live.append(contentsOf: repeatElement(0, count: c - live.count + 1))
            }
            if chunks[c] == nil { chunks[c] = ContiguousArray(repeating: nil, count: IDTable.chunkSize) }
            let slot = i & (IDTable.chunkSize - 1)
            let had = chunks[c]![slot] != nil
            yield &chunks[c]![slot]
            let has = chunks[c]![slot] != nil
            if had != has {
                count += has ? 1 : -1
                live[c] += has ? 1 : -1
                if live[c] == 0 { chunks[c] = nil }
            }
            if has, id.number >= endNumber { endNumber = id.number + 1 }
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// Kept for callers that size tables before a long replay; chunks are allocated as needed.
    public mutating func reserveCapacity(_ n: Int) {
        chunks.reserveCapacity(n >> IDTable.chunkShift + 1)
        live.reserveCapacity(n >> IDTable.chunkShift + 1)
    }

    /// Calls `body` with each item in id order.
    public func forEach(_ body: (Value) throws -> Void) rethrows {
        for chunk in chunks {
            guard let chunk else { continue }
            for case let v? in chunk { try body(v) }
        }
    }

    /// The items in id order.
    public var values: [Value] {
        var out: [Value] = []
        out.reserveCapacity(count)
        forEach { out.append($0) }
        return out
    }

    public var ids: [ID] {
        var out: [ID] = []
        out.reserveCapacity(count)
        for (c, chunk) in chunks.enumerated() {
            guard let chunk else { continue }
            for (s, v) in chunk.enumerated() where v != nil { out.append(ID(c << IDTable.chunkShift + s + 1)) }
        }
        return out
    }

    /// Each held item with its number, in order (for the snapshot codec).
    func forEachNumbered(_ body: (Int, Value) -> Void) {
        for (c, chunk) in chunks.enumerated() {
            guard let chunk else { continue }
            for (s, v) in chunk.enumerated() { if let v { body(c << IDTable.chunkShift + s + 1, v) } }
        }
    }

    /// Restores the numbering high-water mark (snapshot codec): numbers are never reused.
    mutating func setEndNumber(_ n: Int) { endNumber = max(endNumber, n) }

    public static func == (a: IDTable, b: IDTable) -> Bool {
        guard a.count == b.count, a.endNumber == b.endNumber else { return false }
        let n = max(a.chunks.count, b.chunks.count)
        for c in 0..<n {
            let x = c < a.chunks.count ? a.chunks[c] : nil
            let y = c < b.chunks.count ? b.chunks[c] : nil
            if x != y { return false }
        }
        return true
    }
}
