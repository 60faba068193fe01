/// Sets of vocabulary words (bed attributes, precautions, needs) are written in word order when
/// an entity or event is encoded for output (`journal dump`, `journal follow`), not in the
/// hash order of a Swift `Set`, which differs in every process: the same journal gives the same
/// bytes each time it is dumped. The synthesized `Encodable` conformances in this module pick
/// these overloads because they are more specific than the generic `encode(_:forKey:)`.
/// The binary formats (EventCodec, StateCodec) do not use `Encodable`.
extension KeyedEncodingContainer {
    public mutating func encode<V: Vocabulary>(_ value: Set<V>, forKey key: Key) throws {
        try encode(value.map(\.rawValue).sorted(), forKey: key)
    }

    public mutating func encodeIfPresent<V: Vocabulary>(_ value: Set<V>?, forKey key: Key) throws {
        try encodeIfPresent(value.map { $0.map(\.rawValue).sorted() }, forKey: key)
    }
}
