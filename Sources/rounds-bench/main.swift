// Release-build benchmarks with machine-readable output (one JSON object per line).
//
//   swift run -c release rounds-bench [replay|durable|all] [--journal PATH] [--beds N] [--days N]
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

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func emit(_ fields: [(String, String)]) {
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
}

func value(_ flag: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: flag), i + 1 < args.count { return args[i + 1] }
    return fallback
}

let mode = CommandLine.arguments.dropFirst().first.flatMap { $0.hasPrefix("-") ? nil : $0 } ?? "all"
let beds = Int(value("--beds", "1000"))!
let days = Int(value("--days", "30"))!
let journalPath = value("--journal", "/tmp/rounds-bench-\(beds)b-\(days)d.rj")
let start = Timestamp(milliseconds: 1_795_330_800_000)

if mode == "replay" || mode == "all" {
    if access(journalPath, F_OK) != 0 {
        let t0 = now()
        let s = try DemoHospital.write(to: journalPath, options: DemoOptions(start: start, creator: "bench", wallClock: .utc, seed: 1, beds: beds, days: days))
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
        var records = 0
        for _ in 0..<3 {
            var state = HospitalState()
            let t0 = now()
            state.reserveCapacity(records: Int(bytes) / 90)
            let (_, report) = try Journal.open(at: journalPath, writable: false, verifyChain: verify) { state.apply($0) }
            let t = now() - t0
            best = min(best, t)
            records = report.records
            precondition(state.lastSeq == UInt64(records))
        }
        emit([("benchmark", verify ? "\"replay-verified\"" : "\"replay-unverified\""), ("records", "\(records)"),
              ("bytes", "\(Int(bytes))"), ("seconds", format3(best)),
              ("events_per_second", "\(Int(Double(records) / best))"), ("megabytes_per_second", format3(bytes / best / 1e6))])
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
}

if mode == "durable" || mode == "all" {
    let dir = value("--dir", ".")
    let path = "\(dir)/rounds-bench-durable-\(getpid()).rj"
    let clock = ManualClock(start)
    let engine = try Engine(creatingJournalAt: path, actor: "bench", clock: clock, wallClock: .utc)
    defer { unlink(path) }
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
