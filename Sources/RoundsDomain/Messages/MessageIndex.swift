/// Two views of the messages kept by `apply`, so that the messages pane and the time rules do
/// not walk, copy or sort every message on a change:
/// - the newest run of messages known to be in time order, so a day's messages are found by
///   binary search;
/// - the unacknowledged urgent messages in number order.
///
/// The run is the ids `runStart ..< next` (`next` is `HospitalState.nextMessage`). When it is
/// not empty:
/// - every id in it is present in `messages`;
/// - their `sentAt` never decreases as the id grows;
/// - every message with a smaller id was sent no later than the run's first message.
///
/// Rounds' own writers always keep messages in this order (ids are given out in journal order
/// and journal time never runs backwards); a journal written by another tool may not, and
/// then the run restarts after the message that broke it and views fall back to a scan.
///
/// Bookkeeping for views, not hospital state: not written to snapshots (rebuilt when one is
/// read, from the messages and the set of unacknowledged urgent ones it holds) and `==`
/// ignores it.
public struct MessageIndex: Equatable, Sendable {
    /// The first id of the run; the run is empty when it equals `nextMessage`.
    public internal(set) var runStart = 1
    /// The latest `sentAt` of any message applied, archived ones included.
    var latest = Timestamp(milliseconds: Int64.min)
    /// `HospitalState.unacknowledgedUrgent`, ascending.
    public internal(set) var unacknowledgedUrgent: [MessageID] = []

    public init() {}

    public static func == (_: MessageIndex, _: MessageIndex) -> Bool { true }

    /// A message `id` sent at `time`, with `next` the next message number before it.
    mutating func sent(_ id: MessageID, at time: Timestamp, next: Int, urgent: Bool) {
        let n = id.number
        if time >= latest, n == next {
            // Extends the run (or starts it, when it was empty: then `runStart == next`).
        } else if time >= latest, n > next {
            // After a gap: the run starts again here.
            runStart = n
        } else {
            // Out of time order or a number used again: nothing before the next message is
            // known to be in order.
            runStart = Swift.max(next, n + 1)
        }
        if time > latest { latest = time }
        if urgent { insertUrgent(id) }
    }

    /// An urgent message acknowledged.
    mutating func acknowledged(_ id: MessageID) {
        let i = position(of: id)
        if i < unacknowledgedUrgent.count, unacknowledgedUrgent[i] == id { unacknowledgedUrgent.remove(at: i) }
    }

    /// A message archived (removed from memory).
    mutating func removed(_ id: MessageID) {
        if id.number >= runStart { runStart = id.number + 1 }
    }

    /// Where `id` is or would go in `unacknowledgedUrgent`.
    public func position(of id: MessageID) -> Int {
        partitionPoint(unacknowledgedUrgent.indices) { unacknowledgedUrgent[$0] < id }
    }

    private mutating func insertUrgent(_ id: MessageID) {
        if let last = unacknowledgedUrgent.last, last >= id {
            let i = position(of: id)
            if i < unacknowledgedUrgent.count, unacknowledgedUrgent[i] == id { return }
            unacknowledgedUrgent.insert(id, at: i)
        } else {
            unacknowledgedUrgent.append(id)
        }
    }

    /// Rebuilt from what a snapshot holds.
    init(_ messages: IDTable<MessageID, Message>, next: Int, unacknowledgedUrgent: IDSet<MessageID>) {
        self.init()
        var expected = 1
        messages.forEach { m in
            sent(m.id, at: m.sentAt, next: expected, urgent: false)
            expected = m.id.number + 1
        }
        // Numbers given out after the last message held are not in memory: no run.
        if expected != next { runStart = next }
        self.unacknowledgedUrgent = unacknowledgedUrgent.sorted()
    }
}
