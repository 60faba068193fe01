/// A set of numbered ids (open tasks, active labs, unacknowledged urgent messages…) as one bit
/// per number. `apply` inserts and removes ids on nearly every event: a `Set` hashed each id
/// (SipHash, about 20 ns a lookup, and the profile's largest share of `apply` after copying
/// items). Here a lookup is a shift and a mask.
///
/// Iteration is in ascending id order, the same in every process (a `Set`'s order changes with
/// each process's hash seed), so what is built from it needs no sort to be deterministic.
public struct IDSet<ID: SequentialID>: Equatable, Sendable, Sequence, ExpressibleByArrayLiteral {
    /// Bit `n % 64` of word `n / 64` is set when id number `n` is in the set.
    private var words: [UInt64] = []
    public private(set) var count = 0

    public init() {}

    public init(arrayLiteral ids: ID...) { self.init(ids) }

    public init<S: Sequence>(_ ids: S) where S.Element == ID {
        for id in ids { insert(id) }
    }

    public var isEmpty: Bool { count == 0 }

    @inlinable static func place(_ id: ID) -> (word: Int, bit: UInt64) {
        (id.number >> 6, 1 << UInt64(id.number & 63))
    }

    public func contains(_ id: ID) -> Bool {
        guard id.number >= 0 else { return false }
        let (w, bit) = IDSet.place(id)
        return w < words.count && words[w] & bit != 0
    }

    /// Adds `id` (a number of 1 or more; ids are checked before they reach the state).
    @discardableResult
    public mutating func insert(_ id: ID) -> (inserted: Bool, memberAfterInsert: ID) {
        precondition(id.number >= 1, "id numbers start at 1")
        let (w, bit) = IDSet.place(id)
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: w - words.count + 1)) }
        if words[w] & bit != 0 { return (false, id) }
        words[w] |= bit
        count += 1
        return (true, id)
    }

    @discardableResult
    public mutating func remove(_ id: ID) -> ID? {
        guard contains(id) else { return nil }
        let (w, bit) = IDSet.place(id)
        words[w] &= ~bit
        count -= 1
        return id
    }

    public var underestimatedCount: Int { count }

    /// The ids in ascending order (they already are).
    public func sorted() -> [ID] { Array(self) }

    public func min() -> ID? { first { _ in true } }

    public func max() -> ID? {
        for w in words.indices.reversed() where words[w] != 0 {
            return ID(w << 6 + 63 - words[w].leadingZeroBitCount)
        }
        return nil
    }

    public struct Iterator: IteratorProtocol {
        let words: [UInt64]
        var word = 0
        var bits: UInt64

        init(_ words: [UInt64]) {
            self.words = words
            bits = words.first ?? 0
        }

        public mutating func next() -> ID? {
            while bits == 0 {
                word += 1
                guard word < words.count else { return nil }
                bits = words[word]
            }
            let bit = bits.trailingZeroBitCount
            bits &= bits - 1
            return ID(word << 6 + bit)
        }
    }

    public func makeIterator() -> Iterator { Iterator(words) }

    /// Equal when they hold the same ids, whatever room each has grown.
    public static func == (a: IDSet, b: IDSet) -> Bool {
        guard a.count == b.count else { return false }
        let n = Swift.min(a.words.count, b.words.count)
        for i in 0..<n where a.words[i] != b.words[i] { return false }
        return a.words[n...].allSatisfy { $0 == 0 } && b.words[n...].allSatisfy { $0 == 0 }
    }
}
