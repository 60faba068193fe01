import RoundsDomain
import RoundsEngine
import RoundsDemo
import RoundsUI
import RoundsTestSupport

/// A demo hospital on a manual clock at 07:00 on the fixture day, and the app on it.
func demoApp(_ dir: TemporaryDirectory, beds: Int = 40, seed: UInt64 = 3) throws -> (RoundsApp, ManualClock) {
    let path = dir.file("ui.rj")
    _ = try DemoHospital.write(to: path, options: DemoOptions(start: fixtureStart, creator: "alice", wallClock: .utc, seed: seed, beds: beds))
    let clock = ManualClock(fixtureStart)
    let engine = try Engine(journalAt: path, actor: "alice", clock: clock, wallClock: .utc)
    return (RoundsApp(engine: engine, hospitalName: "St Example"), clock)
}

/// Types a string into the app one key at a time.
func type(_ app: RoundsApp, _ text: String) {
    for ch in text { app.handle(.char(ch)) }
}

import Foundation

/// A small hospital with one of everything, on a manual clock; the same every run.
func scenarioApp(_ dir: TemporaryDirectory) throws -> (RoundsApp, ManualClock) {
    let (e, clock) = try Fixture.engine(in: dir)
    for line in [
        "admit MRN001 name \"Nguyễn, Thị Hồng\" dob 1948-03-02 sex f from ed precautions droplet",
        "admit MRN002 name \"Okafor, Samuel\" dob 1961-07-19 sex m from pacu edd today",
        "admit MRN003 name \"王, 秀英\" dob 1975-05-05 sex f from direct",
        "admit MRN004 name \"Zoë O'Brien\" dob 1990-01-01 sex x from ed needs telemetry",
        "assign MRN001 4W-01", "assign MRN002 ICU-03", "assign MRN003 4W-02",
        "bed block 4W-04 reason \"Broken suction\" until 12:00",
        "task add \"Book transport to radiology\" patient MRN002 priority urgent due 07:30 owner @transport",
        "task add \"Chase pre-authorisation\" patient MRN003 priority routine due 09:00",
        "lab order MRN002 K priority stat", "lab collect L1", "lab result L1 6.8",
        "lab order MRN001 HGB", "lab order MRN003 TS needed-by 10:00",
        "proc book MRN003 surgery OR-2 at 13:00 for 2h requires TS",
        // Its paperwork in order: only the lab is missing.
        "elig MRN003 payer \"Acme Health\" active", "doc P1 surgical-consent signed", "doc P1 anaesthesia-consent signed",
        "doc P1 history-and-physical received",
        "msg send @coordinator \"ED boarding: need a telemetry bed\" urgent",
        "msg send drlee \"Family asking for update\" about MRN001",
        "discharge MRN002",
    ] { try e.submit(line: line) }
    clock.advance(.minutes(45))
    try e.tick()
    return (RoundsApp(engine: e, hospitalName: "St Example"), clock)
}

/// Compares a screen with its golden file in Tests/RoundsUITests/Golden; with
/// ROUNDS_UPDATE_GOLDEN=1 in the environment, rewrites the file instead.
func matchesGolden(_ grid: Grid, _ name: String) -> Bool {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    let file = dir.appendingPathComponent(name + ".txt")
    let text = grid.text + "\n"
    if ProcessInfo.processInfo.environment["ROUNDS_UPDATE_GOLDEN"] == "1" {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? text.write(to: file, atomically: true, encoding: .utf8)
        return true
    }
    guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
        print("missing golden \(file.path); run with ROUNDS_UPDATE_GOLDEN=1 to create it. Screen:\n\(text)")
        return false
    }
    if expected != text {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false), b = text.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : "") != (i < b.count ? b[i] : "") {
            print("golden \(name) line \(i + 1):\n  expected: \(i < a.count ? a[i] : "")\n  actual:   \(i < b.count ? b[i] : "")")
        }
        print("screen:\n\(text)")
        return false
    }
    return true
}

/// The messages pane's rows by definition: every message of the last 24 hours and every older
/// urgent one still unacknowledged, newest first; with sort 0 the unacknowledged ones first.
func expectedMessages(_ s: HospitalState, sort: Int, now: Timestamp) -> [String] {
    var all: [Message] = []
    s.messages.forEach { m in if m.sentAt >= now - .hours(24) || m.awaitsAcknowledgement { all.append(m) } }
    return all.sorted { a, b in
        if sort == 0, a.awaitsAcknowledgement != b.awaitsAcknowledgement { return a.awaitsAcknowledgement }
        return (a.sentAt, a.id) > (b.sentAt, b.id)
    }.map(\.id.description)
}
