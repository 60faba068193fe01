import Testing
@testable import RoundsDomain
@testable import RoundsUI

/// The messages pane finds the day's messages by binary search over the newest run of messages
/// known to be in time order (`MessageIndex`), and numbers its rows without listing them. These
/// tests build histories record by record, in order and out of it (times running backwards,
/// gaps in the numbers, numbers used again, a week of archiving), and compare the pane after
/// every record with the plain definition: every message of the last 24 hours and every older
/// urgent one still unacknowledged, newest first, the unacknowledged first when so sorted.
@Suite struct MessageDayTests {
    static let start = Timestamp(milliseconds: 1_790_000_000_000)

    /// The pane against the definition, both sorts; every row found again by its key; the
    /// summary's counts; unacknowledged rows marked.
    func check(_ s: HospitalState, now: Timestamp, _ comment: @autoclosure () -> String) {
        #expect(s.messageIndex.unacknowledgedUrgent == s.unacknowledgedUrgent.sorted(), "the index lists every unacknowledged urgent message, \(comment())")
        for sort in 0..<MessagesPane.sorts.count {
            let c = MessagesPane.content(s, PaneContext(now: now, wallClock: .utc, sort: sort), me: "alice")
            let keys = c.rows.map(\.key)
            let want = expectedMessages(s, sort: sort, now: now)
            #expect(keys == want, "sort \(sort), \(comment())")
            let open = want.filter { s.messages[MessageID.parse(Substring($0))!]!.awaitsAcknowledgement }.count
            #expect(c.summary == "\(want.count) · \(open) urgent unacknowledged", "\(comment())")
            #expect(c.rows.filter { $0.style == .messageUrgent }.count == open, "\(comment())")
            for (i, key) in keys.enumerated() where i % 7 == 0 || i < 5 {
                #expect(c.rows.index(ofKey: key, near: 0) == i, "row \(key) found at its place, sort \(sort), \(comment())")
            }
        }
    }

    struct History {
        var state = HospitalState()
        var seq: UInt64 = 0
        mutating func apply(_ time: Timestamp, _ event: Event, by actor: Login = "bob") {
            seq += 1
            state.apply(Recorded(seq: seq, time: time, actor: actor, event: event))
        }
        mutating func send(_ id: Int, at time: Timestamp, urgent: Bool) {
            apply(time, .messageSent(MessageSent(id: MessageID(id), to: .person("alice"), patient: nil, subject: "m\(id)", body: "",
                                                 urgent: urgent, replyTo: nil, system: false)))
        }
        mutating func ack(_ id: Int, at time: Timestamp) { apply(time, .messageAcknowledged(MessageAcknowledged(id: MessageID(id))), by: "alice") }
    }

    /// Deterministic pseudo-random numbers (xorshift).
    struct Random { var x: UInt64; mutating func next(_ n: Int) -> Int { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return Int(x % UInt64(n)) } }

    @Test func aWeekOfMessagesInOrderUsesTheRunAndMatchesTheDefinition() {
        var h = History(), rng = Random(x: 0x9e3779b97f4a7c15)
        var t = Self.start
        for id in 1...900 {
            t = t + .minutes(Int64(5 + rng.next(20)))
            h.send(id, at: t, urgent: rng.next(4) == 0)
            if rng.next(3) == 0, let open = h.state.unacknowledgedUrgent.sorted().first { h.ack(open.number, at: t) }
            if id % 37 == 0 { check(h.state, now: t + .minutes(3), "after message \(id)") }
        }
        // A week and more has passed: read messages were archived, and the run still reaches
        // back past the start of the day.
        #expect(h.state.messages.count < 900)
        #expect(h.state.messageIndex.runStart < h.state.nextMessage)
        let first = h.state.messages[MessageID(h.state.messageIndex.runStart)]!.sentAt
        #expect(first < t - .hours(24), "the day lies inside the run")
        check(h.state, now: t, "at the end")
        check(h.state, now: t + .hours(30), "a day later, nothing sent")
    }

    /// Out of order throughout (the pane looks at every message), or only early on (the day
    /// lies in a run again, with disorder below it).
    @Test(arguments: [400, 120])
    func messagesOutOfOrderStillMatchTheDefinition(disorderedSteps: Int) {
        var h = History(), rng = Random(x: 0x2545f4914f6cdd1d)
        var t = Self.start
        var next = 1
        for step in 1...400 {
            t = t + .minutes(Int64(3 + rng.next(30)))
            var id = next, time = t
            switch step <= disorderedSteps ? rng.next(12) : 11 {
            case 0: time = t - .hours(Int64(1 + rng.next(40)))     // a clock behind: time runs backwards
            case 1: id = next + 1 + rng.next(3)                      // a gap in the numbers
            case 2: if next > 3 { id = next - 1 - rng.next(3) }      // a number used again
            default: break
            }
            h.send(id, at: time, urgent: rng.next(3) == 0)
            next = max(next, id + 1)
            if rng.next(4) == 0, let open = h.state.unacknowledgedUrgent.sorted().last { h.ack(open.number, at: t) }
            check(h.state, now: t + .minutes(1), "after step \(step)")
        }
        if disorderedSteps < 400 {
            let start = h.state.messageIndex.runStart
            #expect(start < h.state.nextMessage && h.state.messages[MessageID(start)]!.sentAt < t - .hours(24), "the day lies in the run again")
        }
    }

    @Test func theRunRebuiltFromASnapshotGivesTheSameRows() throws {
        var h = History(), rng = Random(x: 0x853c49e6748fea9b)
        var t = Self.start
        for id in 1...300 {
            t = t + .minutes(Int64(10 + rng.next(20)))
            // One message from a clock far behind, early on: the run restarts after it.
            h.send(id, at: id == 40 ? t - .hours(50) : t, urgent: rng.next(5) == 0)
        }
        var w = ByteWriter()
        h.state.writeSnapshot(to: &w)
        let decoded = try w.bytes.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            return try HospitalState(snapshot: &r)
        }
        // The message from the clock behind broke the run; replay and the snapshot agree where it restarts.
        #expect(h.state.messageIndex.runStart == 41)
        #expect(decoded.messageIndex.runStart == 41)
        for sort in 0..<MessagesPane.sorts.count {
            let ctx = PaneContext(now: t, wallClock: .utc, sort: sort)
            #expect(MessagesPane.content(decoded, ctx, me: "alice").rows.map(\.key) == MessagesPane.content(h.state, ctx, me: "alice").rows.map(\.key))
            #expect(MessagesPane.content(decoded, ctx, me: "alice").rows.map(\.key) == expectedMessages(decoded, sort: sort, now: t))
        }
    }
}
