import RoundsDomain
import RoundsJournal

/// The hospital as it was at any point of a window of the journal, for time travel: open it
/// at a time, then step through the window's records one by one (or by minutes) and watch the
/// state change. Read-only. States at a few checkpoints make stepping backwards cheap.
public final class Timeline {
    /// The records of the window, oldest first.
    public private(set) var records: [Recorded] = []
    /// The state before the window's first record.
    let base: HospitalState
    var checkpoints: [(position: Int, state: HospitalState)] = []
    /// How many of the window's records are applied.
    public private(set) var position = 0
    public private(set) var state: HospitalState
    public let path: String

    /// Loads the records with `from <= time <= to` (and everything before `from` into the base
    /// state), then stands at `at`: after every record up to and including that time.
    public init(journalAt path: String, from: Timestamp, to: Timestamp, at: Timestamp) throws(JournalError) {
        self.path = path
        var before = HospitalState()
        var window: [Recorded] = []
        _ = try Journal.open(at: path, writable: false) { r in
            if r.time < from { before.apply(r) } else if r.time <= to { window.append(r) }
        }
        base = before
        records = window
        state = before
        let every = max(256, records.count / 16)
        var s = before
        for (i, r) in records.enumerated() {
            if i % every == 0 { checkpoints.append((i, s)) }
            s.apply(r)
        }
        self.from = from
        time = at
        move(to: index(after: at))
        time = at
    }

    let from: Timestamp
    /// The moment the state stands at: the time asked for, or the time of the last record
    /// applied when stepping record by record.
    public private(set) var time: Timestamp

    /// Stands at the moment `t` (clamped to the window): every record up to it applied.
    public func move(toTime t: Timestamp) {
        move(to: index(after: t))
        time = max(from, t)
    }

    /// The number of window records at or before `t`.
    public func index(after t: Timestamp) -> Int {
        var lo = 0, hi = records.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if records[mid].time <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Stands after the first `p` records of the window.
    public func move(to p: Int) {
        let target = max(0, min(records.count, p))
        if target >= position {
            for r in records[position..<target] { state.apply(r) }
        } else {
            let cp = checkpoints.last { $0.position <= target } ?? (0, base)
            state = cp.state
            for r in records[cp.position..<target] { state.apply(r) }
        }
        position = target
        time = current?.time ?? from
    }

    /// The last record applied (nil before the window's first).
    public var current: Recorded? { position > 0 ? records[position - 1] : nil }

    public var atStart: Bool { position == 0 }
    public var atEnd: Bool { position == records.count }
}

extension Engine {
    /// The hospital as it was at `t`: the journal replayed up to and including that time.
    public static func state(journalAt path: String, asOf t: Timestamp, upToDamage: Bool = false) throws(JournalError) -> HospitalState {
        var s = HospitalState()
        _ = try Journal.open(at: path, writable: false, upToDamage: upToDamage) { r in if r.time <= t { s.apply(r) } }
        return s
    }
}
