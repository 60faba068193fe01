// Release-build benchmarks with machine-readable output (one JSON object per line).
//
//   swift run -c release rounds-bench [replay|durable|all] [--journal PATH] [--beds N] [--days N]
//   swift run -c release rounds-bench feed [--messages N] [--window N] [--no-python]
//   swift run -c release rounds-bench schedule [--resources N] [--cases N] [--minute-keys N]
//   swift run -c release rounds-bench addon [--rooms N] [--cases N]
//
// `replay` writes (or reuses) a demo journal with history and replays it with and without
// SHA-256 chain verification; `durable` times single commands made durable with fdatasync.
// Docs/PERFORMANCE.md records the figures and how they were taken.
#if canImport(Glibc)
import Glibc
#endif
import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsDemo
import RoundsUI

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func emit(_ fields: [(String, String)]) {
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
    fflush(nil)   // one line at a time, so a run cut short keeps what it measured
}

func value(_ flag: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: flag), i + 1 < args.count { return args[i + 1] }
    return fallback
}

let mode = CommandLine.arguments.dropFirst().first.flatMap { $0.hasPrefix("-") ? nil : $0 } ?? "all"
let beds = Int(value("--beds", "1000"))!
let days = Int(value("--days", "30"))!
/// Journals live in a private directory: Rounds refuses directories every user can enter.
let benchDir = value("--dir", "/tmp/rounds-bench")
mkdir(benchDir, 0o700)
/// `--other-work`: the simulated history also covers referrals, complaints, follow-ups,
/// research, supplies and equipment (`Simulator.otherWork`), in a journal of its own name.
let otherWork = CommandLine.arguments.contains("--other-work")
let journalPath = value("--journal", "\(benchDir)/\(beds)b-\(days)d\(otherWork ? "-other" : "").rj")
let start = Timestamp(milliseconds: 1_795_330_800_000)

if mode == "replay" || mode == "all" {
    if access(journalPath, F_OK) != 0 {
        let t0 = now()
        var options = DemoOptions(start: start, creator: "bench", wallClock: .utc, seed: 1, beds: beds, days: days)
        options.otherWork = otherWork
        let s = try DemoHospital.write(to: journalPath, options: options)
        emit([("benchmark", "\"demo-write\""), ("records", "\(s.records)"), ("seconds", String(format3(now() - t0))),
              ("records_per_second", "\(Int(Double(s.records) / (now() - t0)))")])
    }
    var st = stat()
    stat(journalPath, &st)
    let bytes = Double(st.st_size)
    // Read once so the file is in the page cache, as it is for a running hospital.
    _ = try Journal.open(at: journalPath, writable: false, verifyChain: false) { _ in }
    for verify in [true, false] {
        var best = Double.infinity
        var bestCPU = Double.infinity
        var records = 0
        for _ in 0..<3 {
            var state = HospitalState()
            let c0 = threadCPUSeconds()
            let t0 = now()
            state.reserveCapacity(records: Int(bytes) / 90)
            // As the engine opens a journal: archived items are destroyed on the reading thread,
            // change marks are set at the end.
            state.beginReplay()
            let (_, report) = try Journal.open(at: journalPath, writable: false, verifyChain: verify,
                                               afterBatch: { state.takeArchivedAside() }) { state.apply($0) }
            state.endReplay()
            let t = now() - t0
            best = min(best, t)
            bestCPU = min(bestCPU, threadCPUSeconds() - c0)
            records = report.records
            precondition(state.lastSeq == UInt64(records))
        }
        emit([("benchmark", verify ? "\"replay-verified\"" : "\"replay-unverified\""), ("records", "\(records)"),
              ("bytes", "\(Int(bytes))"), ("seconds", format3(best)),
              ("events_per_second", "\(Int(Double(records) / best))"), ("megabytes_per_second", format3(bytes / best / 1e6)),
              ("applying_thread_cpu_seconds", format3(bestCPU))])
    }
    // Decoding alone, without applying to state.
    var best = Double.infinity
    var count = 0
    for _ in 0..<3 {
        count = 0
        let t0 = now()
        _ = try Journal.open(at: journalPath, writable: false, verifyChain: false) { _ in count += 1 }
        best = min(best, now() - t0)
    }
    emit([("benchmark", "\"decode-only\""), ("records", "\(count)"), ("seconds", format3(best)),
          ("events_per_second", "\(Int(Double(count) / best))")])
    // The floor: the file read from the page cache into memory, 8 MB at a time as the journal
    // reader does, with no parsing at all.
    var floorBest = Double.infinity
    var buffer = [UInt8](repeating: 0, count: Journal.chunkSize)
    for _ in 0..<3 {
        let fd = open(journalPath, O_RDONLY)
        let t0 = now()
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, Journal.chunkSize) }
            if n <= 0 { break }
            total += n
        }
        floorBest = min(floorBest, now() - t0)
        close(fd)
        precondition(total == Int(bytes))
    }
    emit([("benchmark", "\"page-cache-read\""), ("bytes", "\(Int(bytes))"), ("seconds", format3(floorBest)),
          ("events_per_second", "\(Int(Double(count) / floorBest))"), ("megabytes_per_second", format3(bytes / floorBest / 1e6))])
}

if mode == "apply-only" {
    // The apply thread's share of a replay by itself: every record decoded into memory first,
    // then only applying them timed, best of five. As in replay, each record is moved out of
    // its buffer, applied and destroyed. Replay of a large journal runs at the speed of apply,
    // because decoding runs on a second core (Journal.Pipeline).
    var best = Double.infinity
    var count = 0
    for _ in 0..<5 {
        var records: [Recorded] = []
        _ = try Journal.open(at: journalPath, writable: false, verifyChain: false) { records.append($0) }
        count = records.count
        let buffer = UnsafeMutablePointer<Recorded>.allocate(capacity: count)
        buffer.initialize(from: records, count: count)
        records = []
        var state = HospitalState()
        state.reserveCapacity(records: count * 93 / 100)
        let t0 = now()
        for i in 0..<count { state.apply((buffer + i).move()) }
        best = min(best, now() - t0)
        buffer.deallocate()
        precondition(state.lastSeq == UInt64(count))
    }
    emit([("benchmark", "\"apply-only\""), ("records", "\(count)"), ("seconds", format3(best)),
          ("events_per_second", "\(Int(Double(count) / best))")])
}

if mode == "durable" || mode == "all" {
    let path = "\(benchDir)/durable-\(getpid()).rj"
    let clock = ManualClock(start)
    let engine = try Engine(creatingJournalAt: path, actor: "bench", clock: clock, wallClock: .utc)
    defer { unlink(path); unlink(path + ".commit") }
    try engine.submit(line: "unit add B name \"Bench\" kind medsurg")
    for durable in [true, false] {
        engine.durable = durable
        var samples: [Double] = []
        for i in 0..<2000 {
            clock.advance(.seconds(1))
            let t0 = now()
            try engine.submit(line: "task add \"Bench task \(i)\" priority routine")
            samples.append(now() - t0)
        }
        samples.sort()
        func pct(_ p: Double) -> String { format3(samples[min(samples.count - 1, Int(Double(samples.count) * p))] * 1e6) }
        emit([("benchmark", durable ? "\"command-durable\"" : "\"command-not-synced\""), ("commands", "\(samples.count)"),
              ("p50_us", pct(0.5)), ("p90_us", pct(0.9)), ("p99_us", pct(0.99)), ("max_us", format3(samples.last! * 1e6))])
    }
}

func format3(_ v: Double) -> String {
    let scaled = (v * 1000).rounded() / 1000
    return String(scaled)
}

/// CPU time (user and system) of the calling thread so far, in seconds.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Peak resident set size of this process so far, in megabytes.
func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

if mode == "keystroke" {
    // A hospital at scale: 1,000 beds, 20,000 open tasks, 200,000 messages, written in bulk.
    // The messages are spread over six days, inside the week that closed work is kept in
    // memory, so the state really holds all of them (the last 24 hours are about 33,000).
    // The app looks at the hospital five minutes after the last of them.
    // With `--other-work` the hospital first lives a simulated year that covers referrals,
    // complaints, follow-ups, research, supplies and equipment (issue 20's areas at scale).
    let path = value("--journal", "\(benchDir)/scale6\(otherWork ? "-year-other" : "").rj")
    let tasks = Int(value("--tasks", "20000"))!
    let messages = Int(value("--messages", "200000"))!
    let messageDays = Int64(value("--message-days", "6"))!
    if access(path, F_OK) != 0 {
        let t0 = now()
        var options = DemoOptions(start: start, creator: "bench", wallClock: .utc, seed: 1, beds: 1000, days: otherWork ? 365 : 0)
        options.otherWork = otherWork
        _ = try DemoHospital.write(to: path, options: options)
        let clock = ManualClock(start)
        let e = try Engine(journalAt: path, actor: "bench", clock: clock, wallClock: .utc)
        e.durable = false
        e.runsRulesOnSubmit = false
        let owners = ["@coordinator", "@evs", "@transport", "tnguyen", "@charge-nurse"]
        clock.set(start)
        let inBed = Array(e.state.activeStay.keys.sorted().prefix(800))
        let gap = Span(milliseconds: max(1, Span.days(messageDays).milliseconds / Int64(max(1, messages))))
        for i in 0..<messages {
            clock.advance(gap)
            try e.submit(line: "msg send \(["@coordinator", "tnguyen", "@evs"][i % 3]) \"Scale message \(i)\"" + (i % 50 == 0 ? " urgent" : ""))
        }
        // The open tasks last, due over the next ten hours: they fall overdue as the benchmark's
        // clock runs, a few a minute, and the time rules escalate them as they would.
        for i in 0..<tasks {
            let patient = i % 3 == 0 ? " patient \(inBed[i % inBed.count])" : ""
            try e.submit(line: "task add \"Scale task \(i)\"\(patient) priority \(["stat", "urgent", "routine"][i % 3]) due +\(30 + i % 600)m owner \(owners[i % owners.count])")
        }
        try e.sync()
        emit([("benchmark", "\"scale-write\""), ("records", "\(e.state.lastSeq)"), ("seconds", format3(now() - t0))])
    }
    let appTime = start + .days(messageDays) + .minutes(5)
    let t0 = now()
    let browseClock = ManualClock(appTime)
    let engine = try Engine(journalAt: path, actor: "bench", clock: browseClock, wallClock: .utc, writable: false)
    let opened = now() - t0
    let app = RoundsApp(engine: engine, hospitalName: "Bench", readOnly: true, idleLock: nil)
    let t1 = now()
    _ = app.render(width: 160, height: 45)
    let firstFrame = now() - t1
    emit([("benchmark", "\"scale-open\""), ("records", "\(engine.state.lastSeq)"), ("open_tasks", "\(engine.state.openTasks.count)"),
          ("messages", "\(engine.state.messages.count)"),
          ("referrals", "\(engine.state.referrals.byID.count)"), ("complaints", "\(engine.state.complaints.byID.count)"),
          ("follow_ups", "\(engine.state.followUps.byID.count)"), ("enrolments", "\(engine.state.research.enrollments.count)"),
          ("stock_items", "\(engine.state.supplies.items.count)"), ("equipment", "\(engine.state.supplies.assets.count)"),
          ("ordered_messages_from", "\(engine.state.messageIndex.runStart)"), ("next_message", "\(engine.state.nextMessage)"), ("open_seconds", format3(opened)), ("first_frame_seconds", format3(firstFrame)),
          ("peak_rss_mb", format3(peakRSSMegabytes()))])
    // Computing each pane from the state, in each of its sorts: what a change arriving or a
    // sort change costs (keys that change nothing reuse the content).
    for p in PaneKind.allCases {
        let sorts = [WorklistPane.sorts, BedBoardPane.sorts, LabsPane.sorts, MessagesPane.sorts][PaneKind.allCases.firstIndex(of: p)!].count
        for sort in 0..<sorts {
            let ctx = PaneContext(now: app.now, wallClock: .utc, sort: sort, filter: "")
            var best = Double.infinity
            var rows = 0
            for _ in 0..<5 {
                let t = now()
                switch p {
                case .worklist: rows = WorklistPane.content(engine.state, ctx).rows.count
                case .beds: rows = BedBoardPane.content(engine.state, ctx).rows.count
                case .labs: rows = LabsPane.content(engine.state, ctx).rows.count
                case .messages: rows = MessagesPane.content(engine.state, ctx, me: "bench").rows.count
                }
                best = min(best, now() - t)
            }
            emit([("benchmark", "\"pane-content\""), ("pane", "\"\(p.title)\""), ("sort", "\(sort)"), ("rows", "\(rows)"), ("ms", format3(best * 1e3))])
        }
    }
    // The messages pane as a coordinator sees it: the messages that concern them, from their index.
    for sort in 0..<MessagesPane.sorts.count {
        let ctx = PaneContext(now: app.now, wallClock: .utc, sort: sort, filter: "")
        let index = ConcernIndex()
        var best = Double.infinity
        var rows = 0
        for _ in 0..<5 {
            let t = now()
            rows = MessagesPane.content(engine.state, ctx, me: "bench", scope: .concerning("bench", engine.state.staff["bench"]?.role), index: index).rows.count
            best = min(best, now() - t)
        }
        emit([("benchmark", "\"pane-content\""), ("pane", "\"Messages (concerning)\""), ("sort", "\(sort)"), ("rows", "\(rows)"), ("ms", format3(best * 1e3))])
    }
    if CommandLine.arguments.contains("--panes-only") { exit(0) }

    /// Times `keys` key presses, each followed by layout and rendering of the whole grid.
    /// Between two keys the terminal loop polls `polls` times: every 250 ms with nothing to do,
    /// every 10 ms while search text is being laid out (TerminalSession). Those polls are not
    /// part of a key's time, but a key pressed during one waits for it: their times are
    /// reported as "idle-poll".
    var idlePolls: [Double] = []
    func run(_ app: RoundsApp, _ name: String, _ w: Int, _ h: Int, count: Int, polls: Int = 1, idleBefore: Double = 0,
             before: (Int) throws -> Void = { _ in }, key: (Int) -> Key?) throws {
        // `--only WORD` runs only the runs whose name contains it (for profiling one).
        if let only = CommandLine.arguments.firstIndex(of: "--only").map({ CommandLine.arguments[$0 + 1] }), !name.contains(only) { return }
        var samples: [Double] = []
        var slowest: [String: Double] = [:]
        for i in 0..<count {
            // `idleBefore` seconds with nothing happening, before what this iteration brings
            // (changes from another process arrive seconds apart): the terminal loop's polls in
            // that time, every 10 ms while there is search text to lay out, else every 250 ms.
            var spent = 0.0
            while spent < idleBefore {
                let working = app.hasIdleWork
                let t = now()
                let changed = app.poll()
                let took = now() - t
                if !changed { idlePolls.append(took) }
                spent += (working ? 0.010 : 0.250) + took
            }
            try before(i)
            let k = key(i)
            if k != nil {
                // Between keys the terminal loop polls and redraws every 250 ms (TerminalSession):
                // a minute turning over or another's change is drawn then, not on the next key.
                for _ in 0..<polls {
                    let t = now()
                    if !app.poll() { idlePolls.append(now() - t) }
                }
                _ = app.render(width: w, height: h)
            }
            let t = now()
            if let k { app.handle(k) } else { app.poll() }
            _ = app.render(width: w, height: h)
            samples.append(now() - t)
            let label = k.map { "\($0)" } ?? "change arrives"
            slowest[label] = max(slowest[label] ?? 0, samples.last!)
        }
        samples.sort()
        func pct(_ p: Double) -> String { format3(samples[min(samples.count - 1, Int(Double(samples.count) * p))] * 1e3) }
        emit([("benchmark", "\"keystroke-to-frame\""), ("keys", "\"\(name)\""), ("size", "\"\(w)x\(h)\""), ("count", "\(samples.count)"),
              ("p50_ms", pct(0.5)), ("p99_ms", pct(0.99)), ("max_ms", format3(samples.last! * 1e3))])
        if CommandLine.arguments.contains("--per-key") {
            for (k, v) in slowest.sorted(by: { $0.value > $1.value }) { print("  slowest \(k): \(format3(v * 1e3)) ms") }
        }
    }

    // 1. Keys that change nothing in the hospital: moving, paging, switching panes, and a sort
    //    change in every pane (which recomputes that pane).
    let browsing: [Key] = [.down, .down, .down, .up, .char("2"), .down, .char("o"), .down, .char("3"), .char("o"), .down, .char("4"), .down,
                           .char("o"), .pageDown, .char("1"), .pageDown, .char("o")]
    for (w, h) in [(160, 45), (80, 24)] {
        try run(app, "browsing", w, h, count: 600, before: { _ in browseClock.advance(.seconds(1)) }) { browsing[$0 % browsing.count] }
    }
    // 1b. Typing a filter, live, in the worklist and the messages: each key filters the
    //     pane again (a longer text narrows what the last one found; a shorter one does not).
    let typing: [Key] = [.char("1"), .char("/")] + "task 12".map { Key.char($0) } + [.backspace, .backspace, .char("7"), .escape,
                         .char("4"), .char("/")] + "message 9".map { Key.char($0) } + [.backspace, .escape,
                         .char("2"), .char("/")] + "occupied".map { Key.char($0) } + [.escape]
    //     Typing at about nine keys a second leaves time for ten polls between keys.
    try run(app, "filtering", 160, 45, count: 300, polls: 10, before: { _ in browseClock.advance(.seconds(1)) }) { typing[$0 % typing.count] }
    // 1c. What a minute turning over costs in idle slices: every pane's search text laid out
    //     again (the terminal loop's slices, timed together).
    if CommandLine.arguments.firstIndex(of: "--only").map({ "relayout".contains(CommandLine.arguments[$0 + 1]) }) ?? true {
        for _ in 0..<3 {
            while app.hasIdleWork { app.prepareSearch() }
            browseClock.advance(.minutes(1))
            var slices = 0
            var longest = 0.0
            let t0 = now()
            while app.hasIdleWork {
                let t = now()
                app.prepareSearch()
                longest = max(longest, now() - t)
                slices += 1
            }
            emit([("benchmark", "\"search-relayout-after-a-minute\""), ("slices", "\(slices)"), ("ms", format3((now() - t0) * 1e3)),
                  ("longest_slice_ms", format3(longest * 1e3)), ("text_megabytes", format3(Double(app.searchTextMemory) / 1e6))])
        }
    }
    if !idlePolls.isEmpty {
        idlePolls.sort()
        func pct(_ p: Double) -> String { format3(idlePolls[min(idlePolls.count - 1, Int(Double(idlePolls.count) * p))] * 1e3) }
        emit([("benchmark", "\"idle-poll\""), ("count", "\(idlePolls.count)"), ("p50_ms", pct(0.5)), ("p99_ms", pct(0.99)),
              ("max_ms", format3(idlePolls.last! * 1e3))])

    }
    engine.finishBackgroundWork()

    // 2. Keys that change the hospital: start the selected task, acknowledge the selected
    //    message, each journalled (with fdatasync when durable) and applied, then every pane
    //    recomputed and the frame drawn. On a copy of the journal.
    let copy = "\(benchDir)/scale-keys-\(getpid()).rj"
    defer { unlink(copy); unlink(copy + ".snapshot"); unlink(copy + ".commit") }
    for durable in [false, true] {
        unlink(copy)
        guard system("cp \(path) \(copy)") == 0 else { fatalError("could not copy \(path)") }
        let clock = ManualClock(appTime)
        let writer = try Engine(journalAt: copy, actor: "bench", clock: clock, wallClock: .utc)
        writer.durable = durable
        writer.runsRulesOnSubmit = false
        let wapp = RoundsApp(engine: writer, hospitalName: "Bench", idleLock: nil)
        _ = wapp.render(width: 160, height: 45)
        // On the worklist: s (start), ↓; on messages: a (acknowledge), ↓.
        let changing: [Key] = [.char("1")] + Array(repeating: [Key.char("s"), .down], count: 10).flatMap { $0 }
            + [.char("4")] + Array(repeating: [Key.char("a"), .down], count: 10).flatMap { $0 }
        try run(wapp, durable ? "changing, durable" : "changing, not synced", 160, 45, count: 400, before: { _ in clock.advance(.seconds(1)) }) {
            changing[$0 % changing.count]
        }
        // 3. A change made by another process arrives: the next poll reads it, applies it and
        //    redraws (the coordinator has pressed nothing). Changes come 2 s apart, and the
        //    loop polls in between as it would.
        let other = try Engine(journalAt: copy, actor: "bench", clock: clock, wallClock: .utc)
        other.durable = false
        other.runsRulesOnSubmit = false
        if !durable {
            try run(wapp, "change from another process", 160, 45, count: 200, idleBefore: 2, before: { i in
                clock.advance(.seconds(2))
                try other.submit(line: i % 2 == 0 ? "task add \"Arriving \(i)\" priority urgent due +20m" : "msg send @coordinator \"Arriving \(i)\"")
            }) { _ in nil }
            // 3b. The same with a filter kept on the worklist: a task arriving lays out the
            //     worklist's search text again (a message leaves it alone).
            for k in [Key.char("1"), .char("/")] + "arriving".map({ Key.char($0) }) + [.enter] { wapp.handle(k) }
            try run(wapp, "change from another process, worklist filtered", 160, 45, count: 200, idleBefore: 2, before: { i in
                clock.advance(.seconds(2))
                try other.submit(line: i % 2 == 0 ? "task add \"Arriving \(i)\" priority urgent due +20m" : "msg send @coordinator \"Arriving \(i)\"")
            }) { _ in nil }
            for k in [Key.char("/"), .escape] { wapp.handle(k) }
        }
    }
}

if mode == "coldstart" {
    // Cold start to first frame: open the journal (replay with chain verification), build the
    // app and render the first 160×45 frame, as `rounds` does. Run it in a fresh process per
    // measurement; the file is in the page cache (read once first).
    let path = value("--journal", journalPath)
    _ = try Journal.open(at: path, writable: false, verifyChain: false) { _ in }
    let t0 = now()
    let engine = try Engine(journalAt: path, actor: "bench", writable: false,
                            useSnapshot: !CommandLine.arguments.contains("--no-snapshot"))
    let opened = now() - t0
    let app = RoundsApp(engine: engine, hospitalName: "Bench", readOnly: true, idleLock: nil)
    _ = app.render(width: 160, height: 45)
    let frame = now() - t0
    emit([("benchmark", "\"cold-start\""), ("records", "\(engine.state.lastSeq)"), ("open_seconds", format3(opened)),
          ("first_frame_seconds", format3(frame)), ("peak_rss_mb", format3(peakRSSMegabytes())),
          ("snapshot_records", { if case .used(let i) = engine.snapshotStatus { "\(i.records)" } else { "0" } }()),
          ("tail_records", "\(engine.openReport.records)")])
}

if mode == "snapshot-tail" {
    // A year's journal whose snapshot is `--tail` records behind its end, as it is between
    // two automatic snapshots: copies the journal up to that record into --out, snapshots the
    // copy, then appends the rest. Then run `coldstart --journal OUT`.
    let path = value("--journal", journalPath)
    let tail = Int(value("--tail", "20000"))!
    let out = value("--out", "\(benchDir)/tail.rj")
    guard let input = fopen(path, "rb") else { fatalError("cannot read \(path)") }
    var bytes = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 1 << 20, input) }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    fclose(input)
    var starts: [Int] = []
    var at = JournalFormat.headerSize
    while at + 12 <= bytes.count {
        starts.append(at)
        let length = Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        at += 12 + length
    }
    let cut = starts[starts.count - tail]
    unlink(out); unlink(Snapshot.path(for: out)); unlink(out + ".commit")
    let fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0o640)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, cut) }
    close(fd)
    let engine = try Engine(journalAt: out, actor: "bench", useSnapshot: false)
    try engine.writeSnapshot()
    let afd = open(out, O_WRONLY | O_APPEND)
    _ = bytes.withUnsafeBytes { write(afd, $0.baseAddress! + cut, bytes.count - cut) }
    close(afd)
    emit([("benchmark", "\"snapshot-tail\""), ("journal", "\"\(out)\""), ("snapshot_records", "\(engine.state.lastSeq)"), ("tail_records", "\(tail)")])
}

if mode == "snapshot" {
    // Take a snapshot of a journal (opened by full replay), then time reading it back: the
    // file alone (checksum and decode) and a whole open from it. Leaves the snapshot in place
    // for `coldstart`.
    let path = value("--journal", journalPath)
    let engine = try Engine(journalAt: path, actor: "bench", useSnapshot: false)
    let t0 = now()
    let bytes = try engine.writeSnapshot()
    let written = now() - t0
    var best = Double.infinity
    for _ in 0..<3 {
        let t1 = now()
        let loaded = Snapshot.load(journalPath: path)
        guard case .success(let (state, _)) = loaded else { fatalError("snapshot did not load: \(loaded)") }
        best = min(best, now() - t1)
        precondition(state.lastSeq == engine.state.lastSeq)
    }
    emit([("benchmark", "\"snapshot\""), ("records", "\(engine.state.lastSeq)"), ("bytes", "\(bytes)"),
          ("write_seconds", format3(written)), ("load_seconds", format3(best)),
          ("open_tasks", "\(engine.state.openTasks.count)"), ("tasks", "\(engine.state.tasks.count)"),
          ("labs", "\(engine.state.labs.count)"), ("messages", "\(engine.state.messages.count)"),
          ("stays", "\(engine.state.stays.count)"), ("patients", "\(engine.state.patients.count)")])
}

if mode == "groupcommit" {
    // N writer processes each append `--count` durable commands to one journal; durable
    // records per second across all of them.
    let writers = Int(value("--writers", "4"))!
    let count = Int(value("--count", "1000"))!
    let path = "\(benchDir)/group-\(getpid()).rj"
    defer { unlink(path); unlink(path + ".commit") }
    let setup = try Engine(creatingJournalAt: path, actor: "bench", wallClock: .utc)
    try setup.submit(line: "unit add G name \"Group\" kind medsurg")
    let t0 = now()
    var children: [pid_t] = []
    for w in 0..<writers {
        let pid = fork()
        if pid == 0 {
            do {
                let e = try Engine(journalAt: path, actor: "w\(w)", wallClock: .utc)
                e.runsRulesOnSubmit = false; if CommandLine.arguments.contains("--nosync") { e.durable = false }
                if CommandLine.arguments.contains("--journal-only") {
                    let event = try e.submit(line: "task add \"w\(w)\"")[0].event
                    let j = e.journal
                    for _ in 1..<count {
                        try j.withLock { () throws(JournalError) in
                            try j.catchUp { _ in }
                            _ = try j.append([Journal.Entry(time: Timestamp(seconds: 0), actor: "w\(w)", event: event)], deferSync: true)
                        }
                        try j.awaitDurable()
                    }
                } else {
                    for i in 0..<count { try e.submit(line: "task add \"w\(w) \(i)\"") }
                }
                _exit(0)
            } catch { _exit(1) }
        }
        children.append(pid)
    }
    var failed = 0
    for pid in children {
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        if status != 0 { failed += 1 }
    }
    let elapsed = now() - t0
    let verified = try Journal.verify(at: path)
    // Syncs led: the commit file's generation word (Docs/JOURNAL-FORMAT.md, "Commit file").
    var generation: UInt32 = 0
    let cfd = open(path + ".commit", O_RDONLY)
    if cfd >= 0 { _ = pread(cfd, &generation, 4, 52); close(cfd) }
    emit([("benchmark", "\"group-commit\""), ("writers", "\(writers)"), ("records", "\(writers * count)"), ("failed_writers", "\(failed)"),
          ("seconds", format3(elapsed)), ("durable_records_per_second", "\(Int(Double(writers * count) / elapsed))"),
          ("syncs", "\(generation)"), ("records_per_sync", format3(Double(writers * count) / Double(max(generation, 1)))),
          ("journal_last_seq", "\(verified.lastSeq)")])
}

if mode == "terminal" {
    // Bytes the real `rounds` writes to its terminal, counted on the master side of a
    // pseudo-terminal (160×45, TERM=xterm-256color): while idle for --seconds, and in the
    // second after one change made by another process (`rounds exec`).
    let path = value("--journal", journalPath)
    let seconds = Double(value("--seconds", "60"))!
    let binDir = String(CommandLine.arguments[0].prefix(upTo: CommandLine.arguments[0].lastIndex(of: "/")!))
    let roundsPath = value("--rounds", binDir + "/rounds")
    // posix_openpt and friends are not in Swift's Glibc module: the Linux ioctls they wrap
    // (TIOCSPTLCK to unlock, TIOCGPTN for the number), whose macros Swift cannot import.
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
    var unlock: Int32 = 0, number: UInt32 = 0
    guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else { fatalError("no pty") }
    let slavePath = "/dev/pts/\(number)"
    var size = winsize(ws_row: 45, ws_col: 160, ws_xpixel: 0, ws_ypixel: 0)
    let pid = fork()
    if pid == 0 {
        setsid()
        let slave = open(slavePath, O_RDWR)
        _ = ioctl(slave, UInt(TIOCSCTTY), 0)
        _ = ioctl(slave, UInt(TIOCSWINSZ), &size)
        dup2(slave, 0); dup2(slave, 1); dup2(slave, 2)
        if slave > 2 { close(slave) }
        setenv("TERM", "xterm-256color", 1)
        unsetenv("NO_COLOR")
        let args = [roundsPath, "--journal", path, "--idle-lock", "off"]
        var cargs = args.map { strdup($0) } + [nil]
        execv(roundsPath, &cargs)
        _exit(127)
    }
    _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    /// Reads everything the program writes for `duration`; returns bytes and separate bursts.
    func drain(for duration: Double) -> (bytes: Int, writes: Int) {
        let end = now() + duration
        var total = 0, writes = 0
        var lastByte = 0.0
        while now() < end {
            var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let wait = Int32(max(1, min(100, (end - now()) * 1000)))
            if poll(&p, 1, wait) > 0 {
                let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, 1 << 16) }
                if n <= 0 { break }
                if now() - lastByte > 0.05 { writes += 1 }
                lastByte = now()
                total += n
            }
        }
        return (total, writes)
    }
    let first = drain(for: 3)
    let idle = drain(for: seconds)
    // One change from another process: the follower sees it within 250 ms and redraws.
    let exec = fork()
    if exec == 0 {
        let devnull = open("/dev/null", O_WRONLY)
        dup2(devnull, 1); dup2(devnull, 2)
        let execArgs: [String] = [roundsPath, "exec", "--journal", path, "task add \"Bench change\" priority routine"]
        var cargs = execArgs.map { strdup($0) } + [nil]
        execv(roundsPath, &cargs)
        _exit(127)
    }
    var status: Int32 = 0
    let change = drain(for: 1.5)
    waitpid(exec, &status, 0)
    var quit = UInt8(ascii: "q")
    _ = write(master, &quit, 1)
    _ = drain(for: 0.5)
    kill(pid, SIGTERM)
    waitpid(pid, &status, 0)
    emit([("benchmark", "\"terminal-bytes\""), ("first_frame_bytes", "\(first.bytes)"), ("idle_seconds", format3(seconds)),
          ("idle_bytes", "\(idle.bytes)"), ("idle_writes", "\(idle.writes)"),
          ("change_bytes", "\(change.bytes)"), ("change_writes", "\(change.writes)")])
}

if mode == "schedule" {
    // The day's schedule screen (K) at scale: 200 resources, 2,000 cases on the day (10 an hour
    // per resource from 07:00), every other one needing a lab never ordered (so not ready).
    let resources = Int(value("--resources", "200"))!
    let cases = Int(value("--cases", "2000"))!
    let path = value("--journal", "\(benchDir)/schedule-\(resources)r-\(cases)c.rj")
    if access(path, F_OK) != 0 {
        let t0 = now()
        var options = DemoOptions(start: start, creator: "bench", wallClock: .utc, seed: 1, beds: 1000, days: otherWork ? 365 : 0)
        options.otherWork = otherWork
        _ = try DemoHospital.write(to: path, options: options)
        let e = try Engine(journalAt: path, actor: "bench", clock: ManualClock(start), wallClock: .utc)
        e.durable = false
        e.runsRulesOnSubmit = false
        let patients = Array(e.state.activeStay.keys.sorted())
        let perResource = (cases + resources - 1) / resources
        var refused = 0
        for c in 0..<cases {
            // Case c on resource c % resources at slot c / resources: a patient's cases are
            // `patients.count` apart, so never at the same time.
            let r = c % resources, slot = c / resources
            let minute = 7 * 60 + slot * (16 * 60 / max(1, perResource))
            let at = "\(minute / 60 < 10 ? "0" : "")\(minute / 60):\(minute % 60 < 10 ? "0" : "")\(minute % 60)"
            // The demo's own cases are refused where a patient would be in two places at once.
            if (try? e.submit(line: "proc book \(patients[c % patients.count]) consult RES-\(r + 1) at \(at) for 50m" + (c % 2 == 0 ? " requires K" : "") + " title \"Case \(c)\"")) == nil { refused += 1 }
        }
        try e.sync()
        emit([("benchmark", "\"schedule-write\""), ("records", "\(e.state.lastSeq)"), ("procedures", "\(e.state.procedures.count)"), ("refused", "\(refused)"), ("seconds", format3(now() - t0))])
    }
    let clock = ManualClock(start + .minutes(30))
    let engine = try Engine(journalAt: path, actor: "bench", clock: clock, wallClock: .utc, writable: false)
    let app = RoundsApp(engine: engine, hospitalName: "Bench", readOnly: true, idleLock: nil)
    _ = app.render(width: 160, height: 45)
    func run(_ name: String, _ w: Int, _ h: Int, count: Int, _ key: (Int) -> Key) {
        var samples: [Double] = []
        for i in 0..<count {
            let t = now()
            app.handle(key(i))
            _ = app.render(width: w, height: h)
            samples.append(now() - t)
        }
        samples.sort()
        func pct(_ p: Double) -> String { format3(samples[min(samples.count - 1, Int(Double(samples.count) * p))] * 1e3) }
        emit([("benchmark", "\"schedule-keystroke-to-frame\""), ("keys", "\"\(name)\""), ("size", "\"\(w)x\(h)\""), ("count", "\(samples.count)"),
              ("p50_ms", pct(0.5)), ("p99_ms", pct(0.99)), ("max_ms", format3(samples.last! * 1e3))])
    }
    // Opening it: the day's cases worked out (readiness of each, overlaps) and the first frame.
    let t0 = now()
    app.handle(.char("K"))
    _ = app.render(width: 160, height: 45)
    emit([("benchmark", "\"schedule-open\""), ("cases_today", "\(app.scheduleCases)"), ("ms", format3((now() - t0) * 1e3))])
    // Moving: the day's cases are kept; only the rows on screen are formatted.
    let moving: [Key] = [.down, .down, .down, .pageDown, .down, .up, .pageUp, .pageDown, .pageDown, .end, .home]
    for (w, h) in [(160, 45), (80, 24)] { run("moving", w, h, count: 600) { moving[$0 % moving.count] } }
    // Changing day. After idle: with the idle work a pause gives in between (the session polls
    // every 10 ms while there is some; `prepareSearch` is what it runs), untimed — a
    // coordinator reading a day before going to the next.
    // Typing a filter (`/`, then `res-15`, Esc), as the coordinator looks for a room.
    // (One Esc: it clears the filter; a second would leave the schedule for the panes.)
    let typing: [Key] = [.char("/"), .char("r"), .char("e"), .char("s"), .char("-"), .char("1"), .char("5"), .escape]
    // The screen has been open a moment: idle time has laid out the day's search texts.
    while app.hasIdleWork { app.prepareSearch() }
    run("filter", 160, 45, count: 400) { typing[$0 % typing.count] }
    guard app.screen == .schedule else { fatalError("the schedule benchmark left the schedule screen") }
    // Today holds the 2,000 cases: `]` and `[` alternately (the two days stay worked out: a
    // first visit to a day costs what opening does), then with the clock a minute on before
    // each key (nothing worked out before counts) and idle time between.
    run("days", 160, 45, count: 400) { $0 % 2 == 0 ? .char("]") : .char("[") }
    app.handle(.char("t"))
    // `--minute-keys N` (default 900: the p99 of 100 keys would be their slowest; at most 980,
    // so the clock, from 07:30, stays on the day that holds the 2,000 cases).
    let minuteKeys = min(980, max(100, Int(value("--minute-keys", "900"))!))
    var samples: [Double] = []
    for i in 0..<minuteKeys {
        clock.advance(.minutes(1))
        while app.hasIdleWork { app.prepareSearch() }
        let t = now()
        app.handle(i % 2 == 0 ? .char("]") : .char("["))
        _ = app.render(width: 160, height: 45)
        samples.append(now() - t)
    }
    samples.sort()
    guard app.screen == .schedule else { fatalError("the schedule benchmark left the schedule screen") }
    emit([("benchmark", "\"schedule-keystroke-to-frame\""), ("keys", "\"days-after-idle\""), ("size", "\"160x45\""), ("count", "\(samples.count)"),
          ("p50_ms", format3(samples[samples.count / 2] * 1e3)), ("p99_ms", format3(samples[samples.count * 99 / 100] * 1e3)), ("max_ms", format3(samples.last! * 1e3))])
    // A day no idle time prepared: three days on, then `t` back to today's 2,000 cases (timed),
    // no idle time between (keys faster than the polls, or a jump to a far day).
    guard engine.wallClock.localDate(clock.now()) == engine.wallClock.localDate(start) else { fatalError("the clock left the schedule's day") }
    var cold: [Double] = []
    for _ in 0..<200 {
        for _ in 0..<3 { app.handle(.char("]")); _ = app.render(width: 160, height: 45) }
        let t = now()
        app.handle(.char("t"))
        _ = app.render(width: 160, height: 45)
        cold.append(now() - t)
    }
    cold.sort()
    emit([("benchmark", "\"schedule-keystroke-to-frame\""), ("keys", "\"today-cold\""), ("size", "\"160x45\""), ("count", "\(cold.count)"),
          ("p50_ms", format3(cold[cold.count / 2] * 1e3)), ("p99_ms", format3(cold[cold.count * 99 / 100] * 1e3)), ("max_ms", format3(cold.last! * 1e3))])
}

if mode == "addon" {
    // Planning an add-on (AddOnPlanner) on a full day: 60 ORs, 600 cases (10 a room, 50 min
    // each from 07:00 with 10 min between), every room a candidate. Timed: `options()`, which is
    // what `proc add-on` runs before it records the plan.
    let rooms = Int(value("--rooms", "60"))!
    let cases = Int(value("--cases", "600"))!
    let path = value("--journal", "\(benchDir)/addon-\(rooms)r-\(cases)c.rj")
    if access(path, F_OK) != 0 {
        var options = DemoOptions(start: start, creator: "bench", wallClock: .utc, seed: 1, beds: 1000, days: otherWork ? 365 : 0)
        options.otherWork = otherWork
        _ = try DemoHospital.write(to: path, options: options)
        let e = try Engine(journalAt: path, actor: "bench", clock: ManualClock(start), wallClock: .utc)
        e.durable = false
        e.runsRulesOnSubmit = false
        // Off the demo's own schedule: only these rooms' cases.
        var busy = Set<MRN>()
        e.state.procedures.forEach { if !$0.status.isClosed { busy.insert($0.mrn) } }
        let patients = Array(e.state.activeStay.keys.sorted()).filter { !busy.contains($0) }
        var refused = 0
        for c in 0..<cases {
            let r = c % rooms, slot = c / rooms
            let minute = 7 * 60 + slot * 60
            let at = "\(minute / 60 < 10 ? "0" : "")\(minute / 60):00"
            if (try? e.submit(line: "proc book \(patients[c % patients.count]) surgery OR-\(r + 1) at \(at) for 50m title \"Case \(c)\"")) == nil { refused += 1 }
        }
        try e.sync()
        emit([("benchmark", "\"addon-write\""), ("procedures", "\(e.state.procedures.count)"), ("refused", "\(refused)")])
    }
    let engine = try Engine(journalAt: path, actor: "bench", clock: ManualClock(start), wallClock: .utc, writable: false)
    let s = engine.state
    let orRooms = s.knownResources.filter { Resources.family($0) == "OR" }
    var busy = Set<MRN>()
    s.procedures.forEach { if !$0.status.isClosed { busy.insert($0.mrn) } }
    let mrn = Array(s.patients.keys.sorted()).first { !busy.contains($0) }!
    // (urgency, start-by from 07:00, length, bump delay)
    let variants: [(String, CaseUrgency, Span, Span, Span)] = [
        ("immediate-2h", .immediate, .hours(2), .hours(2), .hours(4)),
        ("urgent-18h", .urgent, .hours(18), .hours(3), .hours(4)),
        ("urgent-tight-delay", .urgent, .hours(6), .hours(3), .minutes(30)),
    ]
    for (name, urgency, by, length, delay) in variants {
        var state = s
        var seq = state.lastSeq
        let supervisor = state.staff.values.first { $0.role == .supervisor }!.login
        for ev in try Decider.decide(.setPolicy(key: .bumpDelay, value: delay.milliseconds), in: state, at: start, by: supervisor) { seq += 1; state.apply(Recorded(seq: seq, time: start, actor: supervisor, event: ev)) }
        let request = AddOnRequest(mrn: mrn, kind: .surgery, title: "Add-on", resources: orRooms, length: length, urgency: urgency, startBy: start + by)
        var samples: [Double] = []
        var options: [PlanOption] = []
        for _ in 0..<60 {
            let t = now()
            options = AddOnPlanner(state: state, now: start, request: request).options()
            samples.append(now() - t)
        }
        samples.sort()
        func pct(_ p: Double) -> String { format3(samples[min(samples.count - 1, Int(Double(samples.count) * p))] * 1e3) }
        let best = options.first
        emit([("benchmark", "\"addon-plan\""), ("variant", "\"\(name)\""), ("rooms", "\(orRooms.count)"),
              ("cases", "\(state.scheduledProcedures.count)"), ("runs", "\(samples.count)"), ("p50_ms", pct(0.5)), ("p99_ms", pct(0.99)),
              ("max_ms", format3(samples.last! * 1e3)), ("options", "\(options.count)"),
              ("best", "\"\(best.map { "\($0.resource) +\(($0.start - start).minutes)min, \($0.moved) moved, \($0.cancellations) cancelled" } ?? "none")\"")])
    }
}

if mode == "forecast" {
    // The bed forecast the bed board shows (`bedForecast(details: false)`) on a 1,000-bed demo.
    let path = value("--journal", "\(benchDir)/forecast-1000b.rj")
    if access(path, F_OK) != 0 {
        var options = DemoOptions(start: start, creator: "bench", wallClock: .utc, seed: 1, beds: 1000, days: otherWork ? 365 : 0)
        options.otherWork = otherWork
        _ = try DemoHospital.write(to: path, options: options)
    }
    let engine = try Engine(journalAt: path, actor: "bench", clock: ManualClock(start), wallClock: .utc, writable: false)
    let s = engine.state
    for (name, wall, details) in [("utc", WallClock.utc, false), ("local", Host.localWallClock, false), ("local-details", Host.localWallClock, true)] {
        var samples: [Double] = []
        var short = 0
        for _ in 0..<200 {
            let t = now()
            short = s.bedForecast(at: start, wallClock: wall, details: details).short.count
            samples.append(now() - t)
        }
        samples.sort()
        emit([("benchmark", "\"bed-forecast\""), ("variant", "\"\(name)\""), ("stays", "\(s.activeStay.count)"), ("short_units", "\(short)"),
              ("p50_ms", format3(samples[100] * 1e3)), ("p99_ms", format3(samples[198] * 1e3))])
    }
}

if mode == "table-read" {
    // One read of one field of a held message, `messages[id]?.sentAt`, as the panes and the
    // time rules do it: the item is lent in place, not copied (IDTable.swift).
    let path = value("--journal", "\(benchDir)/scale6.rj")   // written by `keystroke`
    let engine = try Engine(journalAt: path, actor: "bench", clock: ManualClock(start + .days(30) + .minutes(5)), wallClock: .utc, writable: false)
    let s = engine.state
    let held = (1..<s.nextMessage).filter { s.messages.contains(MessageID($0)) }
    var total: Int64 = 0
    let t = now()
    for _ in 0..<100 {
        for n in held { total &+= s.messages[MessageID(n)]?.sentAt.milliseconds ?? 0 }
    }
    let dt = now() - t
    emit([("benchmark", "\"table-read\""), ("reads", "\(100 * held.count)"), ("ns_per_read", format3(dt / Double(100 * held.count) * 1e9)),
          ("checksum", "\(total & 0xffff)")])
}

if mode == "feed" {
    try FeedBench.run()
}

if mode == "sizes" {
    emit([("Event", "\(MemoryLayout<Event>.size)"), ("Recorded", "\(MemoryLayout<Recorded>.size)"), ("Message", "\(MemoryLayout<Message>.size)"),
          ("WorklistTask", "\(MemoryLayout<WorklistTask>.size)"), ("LabOrder", "\(MemoryLayout<LabOrder>.size)"), ("Stay", "\(MemoryLayout<Stay>.size)"),
          ("Bed", "\(MemoryLayout<Bed>.size)"), ("Patient", "\(MemoryLayout<Patient>.size)")])
}
