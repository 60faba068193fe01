/// Items numbered densely from 1 (tasks, labs, messages, procedures, stays), held in an array
/// indexed by number: no hashing on the hot replay path. Reads like a dictionary keyed by id.
public struct IDTable<ID: SequentialID, Value: Equatable & Sendable>: Equatable, Sendable {
    var slots: ContiguousArray<Value?> = []
    public internal(set) var count = 0

    public init() {}

    /// How far past the end a new id may land; anything further is refused as an anomaly so a
    /// damaged or hostile number cannot make the table huge.
    public static var maximumGap: Int { 1 << 16 }

    public func accepts(_ id: ID) -> Bool { id.number >= 1 && id.number <= slots.count + IDTable.maximumGap }

    public subscript(id: ID) -> Value? {
        get {
            let i = id.number - 1
            return i >= 0 && i < slots.count ? slots[i] : nil
        }
        _modify {
            let i = id.number - 1
            precondition(i >= 0 && i < slots.count + IDTable.maximumGap, "id out of range; check accepts(_:) first")
            if i >= slots.count { slots.append(contentsOf: repeatElement(nil, count: i - slots.count + 1)) }
            let had = slots[i] != nil
            yield &slots[i]
            let has = slots[i] != nil
            if had != has { count += has ? 1 : -1 }
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// Room for `n` items without regrowing (and moving every item) on the way.
    public mutating func reserveCapacity(_ n: Int) { slots.reserveCapacity(n) }

    /// The items in id order.
    public var values: [Value] { slots.compactMap { $0 } }

    public var ids: [ID] { slots.indices.compactMap { slots[$0] == nil ? nil : ID($0 + 1) } }

    public static func == (a: IDTable, b: IDTable) -> Bool {
        guard a.count == b.count else { return false }
        let n = max(a.slots.count, b.slots.count)
        for i in 0..<n where (i < a.slots.count ? a.slots[i] : nil) != (i < b.slots.count ? b.slots[i] : nil) { return false }
        return true
    }
}
