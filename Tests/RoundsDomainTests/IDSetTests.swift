import Testing
@testable import RoundsDomain

@Suite struct IDSetTests {
    /// Random inserts and removes, checked after each against a `Set`.
    @Test(arguments: [1, 2, 3])
    func behavesLikeASet(seed: UInt64) {
        var random = TestRandom(seed: seed)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var ids = IDSet<TaskID>()
        var model = Set<TaskID>()
        for step in 0..<4_000 {
            // Numbers cluster low with a few far out, across word boundaries.
            let id = TaskID(1 + (next(10) == 0 ? next(5_000) : next(200)))
            if next(3) == 0 {
                #expect(ids.remove(id) == model.remove(id), "step \(step)")
            } else {
                let a = ids.insert(id), b = model.insert(id)
                #expect(a.inserted == b.inserted && a.memberAfterInsert == b.memberAfterInsert, "step \(step)")
            }
            #expect(ids.count == model.count)
            #expect(ids.contains(id) == model.contains(id))
            if step % 97 == 0 {
                #expect(Array(ids) == model.sorted(), "ascending, every id once")
                #expect(ids.max() == model.max())
                #expect(ids.min() == model.min())
                #expect(ids.isEmpty == model.isEmpty)
            }
        }
    }

    @Test func equalityIgnoresRoomGrownAndNumbersOutOfRangeAreAbsent() {
        var a: IDSet<LabID> = [LabID(3), LabID(64), LabID(65)]
        var b = a
        b.insert(LabID(10_000))
        #expect(a != b)
        b.remove(LabID(10_000))
        #expect(a == b, "same ids, one grown further")
        #expect(b == a)
        #expect(!a.contains(LabID(0)) && !a.contains(LabID(-5)) && !a.contains(LabID(1 << 40)))
        a.remove(LabID(3)); a.remove(LabID(64)); a.remove(LabID(65))
        #expect(a.isEmpty && a.max() == nil && a.min() == nil && Array(a).isEmpty)
        #expect(IDSet<LabID>([LabID(64)]).max() == LabID(64))
        #expect(IDSet<LabID>([LabID(63)]).max() == LabID(63))
    }

    /// A snapshot's set holding a number past its table's end is refused, not allocated.
    @Test func aSnapshotIdOutsideItsTableIsRefused() {
        var w = ByteWriter()
        w.idSet(IDSet<TaskID>([TaskID(2), TaskID(40_000_000)]))
        let refused = w.bytes.withUnsafeBytes { raw -> Bool in
            var r = ByteReader(raw)
            do { let _: IDSet<TaskID> = try r.idSet(below: 100); return false } catch { return "\(error)".contains("T40000000") }
        }
        #expect(refused)
        let read = w.bytes.withUnsafeBytes { raw -> IDSet<TaskID>? in
            var r = ByteReader(raw)
            return try? r.idSet(below: 40_000_001)
        }
        #expect(read == [TaskID(2), TaskID(40_000_000)])
    }
}

@Suite struct TouchesTests {
    func record(_ seq: Int, _ event: Event) -> Recorded {
        Recorded(seq: UInt64(seq), time: Timestamp(milliseconds: Int64(seq) * 1000), actor: "alice", event: event)
    }

    /// The log names the tasks and messages records changed, says "unknown" across a record
    /// that names no single row, forgets only records that moved the same pane's mark, and
    /// knows nothing before a snapshot.
    @Test func namesTouchedRowsAndKnowsWhatItForgot() {
        var marks = ChangeMarks()
        var seq = 0
        for n in 1...20_000 {
            seq += 1
            marks.note(record(seq, .taskNoted(TaskNoted(id: TaskID(n), text: "x"))))
            // Other traffic between: messages, which the worklist's log does not keep.
            seq += 1
            marks.note(record(seq, .messageRead(MessageRead(id: MessageID(n)))))
        }
        let t = marks.touched
        #expect(t.tasks(after: 0, through: UInt64(seq)) == nil, "the oldest were forgotten")
        #expect(t.tasks(after: UInt64(seq - 20), through: UInt64(seq)) == Array(19_991...20_000))
        #expect(t.messages(after: UInt64(seq - 4), through: UInt64(seq)) == [19_999, 20_000])
        #expect(t.tasks(after: UInt64(seq), through: UInt64(seq)) == [])
        seq += 1
        marks.note(record(seq, .bedStatusChanged(BedStatusChanged(bed: "B1", status: .available))))
        #expect(marks.touched.tasks(after: UInt64(seq - 3), through: UInt64(seq)) == nil, "a bed record names no single task")
        #expect(marks.touched.messages(after: UInt64(seq - 3), through: UInt64(seq)) == [20_000], "and leaves messages alone")
        let fromSnapshot = ChangeMarks(all: 500)
        #expect(fromSnapshot.touched.tasks(after: 499, through: 500) == nil)
        #expect(fromSnapshot.touched.tasks(after: 500, through: 500) == [])
    }
}
