import Testing
@testable import RoundsDomain

@Suite struct IDTableTests {
    /// Random writes through `insert(_:at:)`, `remove(_:)` and the subscript, checked after each
    /// against a `Dictionary`, with a copy taken now and then that later writes must not touch.
    @Test(arguments: [1, 2, 3])
    func behavesLikeADictionary(seed: UInt64) {
        var random = TestRandom(seed: seed)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var table = IDTable<TaskID, String>()
        var model: [TaskID: String] = [:]
        var end = 1
        var frozen: (table: IDTable<TaskID, String>, model: [TaskID: String])?
        for step in 0..<6_000 {
            // Numbers cluster in the first chunks, with some across chunk boundaries.
            let id = TaskID(1 + (next(8) == 0 ? next(5_000) : next(1_500)))
            // Strings longer than 15 bytes live on the heap: destroying one twice or never
            // would show up as a crash or as a wrong value here.
            let text = "item \(id) written at step \(step)"
            switch next(6) {
            case 0: table.remove(id); model[id] = nil
            case 1: table[id] = nil; model[id] = nil
            case 2: table[id] = text; model[id] = text; end = max(end, id.number + 1)
            default: table.insert(text, at: id); model[id] = text; end = max(end, id.number + 1)
            }
            #expect(table.count == model.count, "step \(step)")
            #expect(table[id] == model[id], "step \(step)")
            #expect(table.contains(id) == (model[id] != nil), "step \(step)")
            #expect(table.endNumber == end, "step \(step)")
            if step % 211 == 0 {
                #expect(table.ids == model.keys.sorted(), "step \(step): ids in order")
                #expect(table.values == model.keys.sorted().map { model[$0]! }, "step \(step): values in id order")
                if let (t, m) = frozen {
                    #expect(t.ids == m.keys.sorted() && t.values == m.keys.sorted().map { m[$0]! }, "a copy is not changed by later writes")
                }
                frozen = (table, model)
            }
        }
        // Removing everything frees every chunk.
        for id in table.ids { table.remove(id) }
        #expect(table.isEmpty && table.chunks.allSatisfy { $0 == nil })
        table.remove(TaskID(0))
        table.remove(TaskID(1 << 40))
        #expect(table.isEmpty, "numbers outside the table are absent")
    }
}
