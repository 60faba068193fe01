/// Items numbered densely from 1 (tasks, labs, messages, procedures, stays), held in arrays
/// indexed by number: no hashing on the hot replay path. Reads like a dictionary keyed by id.
///
/// The numbers are split into chunks of `chunkSize` slots. A chunk whose items have all been
/// removed (closed work archived out of memory, `HospitalState.retention`) is freed, so a
/// year of numbers costs memory only for the items still held.
public struct IDTable<ID: SequentialID, Value: Equatable & Sendable>: Equatable, Sendable {
    @usableFromInline static var chunkShift: Int { 10 }
    @usableFromInline static var chunkSize: Int { 1 << chunkShift }

    /// One chunk's slots, in memory of its own, copied on write when shared. Reads lend an item
    /// in place through the pointer: an array's subscript getter would copy the item and retain
    /// every string in it, which cost about 90 ns a read and showed in every pane and replay.
    @usableFromInline final class Chunk: @unchecked Sendable {
        @usableFromInline let slots: UnsafeMutablePointer<Value?>
        /// Items held.
        @usableFromInline var live: Int32 = 0

        @usableFromInline init() {
            slots = .allocate(capacity: IDTable.chunkSize)
            slots.initialize(repeating: nil, count: IDTable.chunkSize)
        }
        @usableFromInline init(copying other: Chunk) {
            slots = .allocate(capacity: IDTable.chunkSize)
            slots.initialize(from: other.slots, count: IDTable.chunkSize)
            live = other.live
        }
        deinit {
            slots.deinitialize(count: IDTable.chunkSize)
            slots.deallocate()
        }
    }

    /// One slot that is always nil: where a read of a number with no item points.
    @usableFromInline let absent = Absent()
    @usableFromInline final class Absent: @unchecked Sendable {
        @usableFromInline let slots: UnsafeMutablePointer<Value?>
        init() { slots = .allocate(capacity: 1); slots.initialize(to: nil) }
        deinit { slots.deinitialize(count: 1); slots.deallocate() }
    }

    /// nil for a chunk never used, or freed when its items were all removed.
    @usableFromInline var chunks: ContiguousArray<Chunk?> = []
    /// One past the highest number ever stored: new numbers land at or just after it.
    public var endNumber: Int { storedEnd }
    /// How many items are held.
    public var count: Int { storedCount }
    @usableFromInline var storedEnd = 1
    @usableFromInline var storedCount = 0

    public init() {}

    /// How far past the end a new id may land; anything further is refused as an anomaly so a
    /// damaged or hostile number cannot make the table huge.
    @inlinable public static var maximumGap: Int { 1 << 16 }

    public func accepts(_ id: ID) -> Bool { id.number >= 1 && id.number < endNumber + IDTable.maximumGap }

    /// Inlinable, so that other modules (the panes, reports) get a version specialised for
    /// their table.
    @inlinable public subscript(id: ID) -> Value? {
        // Lends the item in place by its address: `tasks.contains(id)` or `tasks[id]?.status`
        // copies nothing. (A `_read` coroutine yielding the slot still copied the item.) The
        // address stays valid for the access because the table, which holds the chunk, is
        // borrowed for it.
        unsafeAddress {
            let i = id.number - 1
            let c = i >> IDTable.chunkShift
            if i >= 0, c < chunks.count, let chunk = chunks[c] {
                return UnsafePointer(chunk.slots + (i & (IDTable.chunkSize - 1)))
            }
            return UnsafePointer(absent.slots)
        }
        _modify {
            let i = id.number - 1
            let c = i >> IDTable.chunkShift
            let chunk = writableChunk(for: id)
            let slot = i & (IDTable.chunkSize - 1)
            // `if case`, not `!= nil`: comparing an optional item with nil copies it (a retain
            // and release of every string in it, about 35 ns), `if case` only reads its tag.
            let had = IDTable.holds(chunk.slots + slot)
            yield &chunk.slots[slot]
            let has = IDTable.holds(chunk.slots + slot)
            if had != has {
                storedCount += has ? 1 : -1
                chunk.live += has ? 1 : -1
            }
            // Freed when it holds nothing (also when a write of nil allocated it for nothing).
            if chunk.live == 0 { chunks[c] = nil }
            if has, id.number >= storedEnd { storedEnd = id.number + 1 }
        }
    }

    /// Stores `value` under `id`, replacing any item held there. Faster than `table[id] = value`
    /// for a new item: the `_modify` accessor moves the old optional aside and the new one in,
    /// copying the item (a task is 240 bytes) twice; this writes it into its slot once.
    @inlinable public mutating func insert(_ value: __owned Value, at id: ID) {
        let chunk = writableChunk(for: id)
        let slot = chunk.slots + ((id.number - 1) & (IDTable.chunkSize - 1))
        if IDTable.holds(slot) {
            slot.deinitialize(count: 1)
        } else {
            storedCount += 1
            chunk.live += 1
        }
        slot.initialize(to: value)
        if id.number >= storedEnd { storedEnd = id.number + 1 }
    }

    /// Removes the item held under `id`, if any, destroying it where it lies (`table[id] = nil`
    /// copies it aside first).
    @inlinable public mutating func remove(_ id: ID) {
        guard let slot = heldSlot(id) else { return }
        slot.deinitialize(count: 1)
        slot.initialize(to: nil)
        noteRemoved(id)
    }

    /// Removes the item held under `id` and returns it, moved out of its slot (nil if none).
    @inlinable public mutating func take(_ id: ID) -> Value? {
        guard let slot = heldSlot(id) else { return nil }
        let value = slot.move()
        slot.initialize(to: nil)
        noteRemoved(id)
        return value
    }

    /// The chunk for `id`, allocated if it is not, and not shared with a copy of the table.
    @inlinable mutating func writableChunk(for id: ID) -> Chunk {
        let i = id.number - 1
        precondition(i >= 0 && id.number < endNumber + IDTable.maximumGap, "id out of range; check accepts(_:) first")
        let c = i >> IDTable.chunkShift
        if c >= chunks.count { chunks.append(contentsOf: repeatElement(nil, count: c - chunks.count + 1)) }
        if chunks[c] == nil {
            chunks[c] = Chunk()
        } else if !isKnownUniquelyReferenced(&chunks[c]!) {
            chunks[c] = Chunk(copying: chunks[c]!)
        }
        return chunks[c]!
    }

    /// The slot holding the item under `id`, in a chunk not shared with a copy of the table;
    /// nil when no item is held there.
    @inlinable mutating func heldSlot(_ id: ID) -> UnsafeMutablePointer<Value?>? {
        let i = id.number - 1
        let c = i >> IDTable.chunkShift
        guard i >= 0, c < chunks.count, chunks[c] != nil, IDTable.holds(chunks[c]!.slots + (i & (IDTable.chunkSize - 1))) else { return nil }
        if !isKnownUniquelyReferenced(&chunks[c]!) { chunks[c] = Chunk(copying: chunks[c]!) }
        return chunks[c]!.slots + (i & (IDTable.chunkSize - 1))
    }

    /// Counts the item under `id` as gone (its slot already holds nil); frees its chunk when
    /// that was the chunk's last.
    @inlinable mutating func noteRemoved(_ id: ID) {
        let c = (id.number - 1) >> IDTable.chunkShift
        let chunk = chunks[c]!
        storedCount -= 1
        chunk.live -= 1
        if chunk.live == 0 { chunks[c] = nil }
    }

    /// Whether an item is held under `id`. Use this, not `table[id] != nil`: comparing the
    /// lent optional with nil copies the item (about 35 ns, a retain and release of every
    /// string in it); this reads only whether it is there (about 3 ns).
    @inlinable public func contains(_ id: ID) -> Bool {
        if case .some = self[id] { return true }
        return false
    }

    @inlinable static func holds(_ slot: UnsafeMutablePointer<Value?>) -> Bool {
        if case .some = slot.pointee { return true }
        return false
    }

    public var isEmpty: Bool { count == 0 }

    /// Kept for callers that size tables before a long replay; chunks are allocated as needed.
    public mutating func reserveCapacity(_ n: Int) {
        chunks.reserveCapacity(n >> IDTable.chunkShift + 1)
    }

    /// Calls `body` with each item in id order.
    public func forEach(_ body: (Value) throws -> Void) rethrows {
        for case let chunk? in chunks {
            for s in 0..<IDTable.chunkSize { if let v = chunk.slots[s] { try body(v) } }
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
            for s in 0..<IDTable.chunkSize where IDTable.holds(chunk.slots + s) { out.append(ID(c << IDTable.chunkShift + s + 1)) }
        }
        return out
    }

    /// Each held item with its number, in order (for the snapshot codec).
    func forEachNumbered(_ body: (Int, Value) -> Void) {
        for (c, chunk) in chunks.enumerated() {
            guard let chunk else { continue }
            for s in 0..<IDTable.chunkSize { if let v = chunk.slots[s] { body(c << IDTable.chunkShift + s + 1, v) } }
        }
    }

    /// Restores the numbering high-water mark (snapshot codec): numbers are never reused.
    mutating func setEndNumber(_ n: Int) { storedEnd = max(storedEnd, n) }

    public static func == (a: IDTable, b: IDTable) -> Bool {
        guard a.count == b.count, a.endNumber == b.endNumber else { return false }
        let n = max(a.chunks.count, b.chunks.count)
        for c in 0..<n {
            let x = c < a.chunks.count ? a.chunks[c] : nil
            let y = c < b.chunks.count ? b.chunks[c] : nil
            if x === y { continue }
            guard let x, let y, x.live == y.live else { return false }
            for s in 0..<chunkSize where x.slots[s] != y.slots[s] { return false }
        }
        return true
    }
}
