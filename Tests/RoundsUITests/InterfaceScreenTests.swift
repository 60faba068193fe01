import Testing
@testable import RoundsUI
import RoundsDomain
import RoundsEngine
import RoundsTestSupport

/// A transfer for a patient Rounds has not admitted; the PID carries an ESC sequence and a BEL.
let heldA02 = "MSH|^~\\&|EHR|GEN|ROUNDS|GEN|20261122071600||ADT^A02|MSG0002|P|2.5.1\rPID|1||MRN777^^^HOSP^MR||Te\u{1B}[2Jst^Alpha\u{07}||19600504|F\rPV1|1|I|4W^^4W-11\r"

/// The scenario with a feed and a viewer on the roster, and `count` messages held by the feed
/// as interface items I1, I2, …
func interfaceApp(_ dir: TemporaryDirectory, held count: Int = 1) throws -> (RoundsApp, ManualClock) {
    let (app, clock) = try scenarioApp(dir)
    let e = app.engine
    e.actor = "sam"
    try e.submit(line: "staff add hl7adt name \"ADT feed\" role feed")
    try e.submit(line: "staff add vera name \"Vera Viewer\" role viewer")
    e.actor = "hl7adt"
    for n in 0..<count {
        try e.submit(.feedMessage(FeedMessage(key: "EHR|GEN|MSG000\(n + 2)", digest: UInt64(n + 1), kind: n == 0 ? "ADT^A02" : "ADT^A03",
                                              raw: heldA02, patient: n == 0 ? "MRN777" : "MRN001",
                                              plan: .hold(n == 0 ? "move MRN777 to bed 4W-11: MRN777 is not admitted here" : "unmapped location 4W^^4W-99"))))
        clock.advance(.minutes(3))
    }
    e.actor = "alice"
    return (app, clock)
}

@Suite struct InterfaceScreenTests {
    @Test func headerCountsOpenItemsOnlyWhileThereAreSome() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        #expect(!app.render(width: 80, height: 24).row(at: 0).contains("interface"))
        #expect(!app.render(width: 160, height: 45).row(at: 0).contains("interface"))
        let dir2 = TemporaryDirectory(); defer { dir2.remove() }
        let (held, _) = try interfaceApp(dir2, held: 2)
        for (w, h) in [(80, 24), (100, 30), (160, 45), (200, 50)] {
            let top = held.render(width: w, height: h).row(at: 0)
            // Marked by a glyph and a word, not by colour alone; the other counts stay.
            #expect(top.contains("2 interface") && top.contains("⚠"), "\(w)×\(h): \(top)")
            #expect(top.contains("overdue") && top.contains("urgent"), "\(w)×\(h): \(top)")
            #expect(TextWidth.of(top) <= w)
        }
        #expect(held.render(width: 160, height: 45).style(of: "⚠ 2 interface") == .headerAlert)
        let ascii = held.render(width: 80, height: 24, ascii: true).row(at: 0)
        #expect(ascii.contains("!2 interface"), "\(ascii)")
        held.submit("interface dismiss I1 reason \"entered by hand\"")
        held.submit("interface dismiss I2 reason \"entered by hand\"")
        #expect(!held.render(width: 80, height: 24).row(at: 0).contains("interface"))
    }

    @Test func listsDetailsAndResolvesItems() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try interfaceApp(dir, held: 2)
        app.handle(.char("I"))
        #expect(app.screen == .interface)
        var text = app.render(width: 80, height: 24).text
        #expect(text.contains("Interface items · ‼ 2 open"))
        #expect(text.contains("I1") && text.contains("‼ OPEN") && text.contains("ADT^A02") && text.contains("MRN777"))
        // A patient Rounds knows is named.
        let wide = app.render(width: 160, height: 45).text
        #expect(wide.contains("MRN001 Nguyễn, T. H."))
        #expect(wide.contains("unmapped location"))
        // r on I1: the feed is asked to retry it.
        app.handle(.char("r"))
        #expect(!app.status.error, "\(app.status.text)")
        #expect(app.engine.state.feeds.items[InterfaceItemID(1)]?.status == .retrying)
        text = app.render(width: 80, height: 24).text
        #expect(text.contains("○ RETRYING"))
        // o asks for the reason of an override; it is recorded with the retry.
        app.handle(.char("o"))
        guard case .form(let f)? = app.overlay else { Issue.record("no override form"); return }
        #expect(f.title.contains("I1"))
        type(app, "bariatric bed on order")
        app.handle(.enter)
        #expect(app.engine.state.feeds.items[InterfaceItemID(1)]?.override == "bariatric bed on order")
        // x on I2 asks for a reason; an empty one is not accepted.
        app.handle(.char("j"))
        app.handle(.char("x"))
        guard case .form? = app.overlay else { Issue.record("no dismiss form"); return }
        app.handle(.enter)
        #expect(app.status.error, "a dismissal needs a reason")
        type(app, "entered by hand in Rounds")
        app.handle(.enter)
        #expect(app.overlay == nil)
        let i2 = try #require(app.engine.state.feeds.items[InterfaceItemID(2)])
        #expect(i2.status == .dismissed && i2.note == "entered by hand in Rounds" && i2.resolvedBy == "alice")
        // Resolved items follow the open ones, with who and how.
        text = app.render(width: 160, height: 45).text
        #expect(text.contains("Resolved in the last 7 days"))
        #expect(text.contains("✗ dismissed"))
        #expect(text.contains("1 open"))
        // Acting on a resolved item says so.
        app.handle(.char("x"))
        #expect(app.status.error && app.status.text.contains("already dismissed"), "\(app.status.text)")
        // I returns to the panes.
        app.handle(.char("I"))
        #expect(app.screen == .panes)
    }

    @Test func theMessageIsShownEscapedOneSegmentALineAndTheReadIsRecorded() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try interfaceApp(dir)
        app.handle(.char("I"))
        let before = app.engine.state.lastSeq
        app.handle(.enter)
        guard case .detail(let title, _, _)? = app.overlay else { Issue.record("no details"); return }
        #expect(title.contains("I1"))
        #expect(app.engine.state.lastSeq > before, "opening the message is a recorded read")
        for (w, h) in [(80, 24), (160, 45)] {
            let g = app.render(width: w, height: h)
            let text = g.text
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D }, "a control character reached the screen")
            #expect(text.contains("Te\\u{001B}[2Jst^Alpha\\u{0007}"), "\(text)")
            // Each segment on a line of its own inside the details box.
            for segment in ["MSH|^~\\&|EHR|GEN", "PID|1||MRN777", "PV1|1|I|4W^^4W-11"] {
                #expect(text.contains("│   " + segment), "\(w)×\(h): \(segment)")
            }
            #expect(text.contains("Problem: move MRN777 to bed 4W-11"))
            #expect(text.contains("Attempts: 1"))
        }
        // Scrolls, and r works from the details.
        app.handle(.char("j"))
        guard case .detail(_, _, let scroll)? = app.overlay else { Issue.record("scrolling closed the details"); return }
        #expect(scroll == 1)
        app.handle(.char("r"))
        #expect(app.overlay == nil)
        #expect(app.engine.state.feeds.items[InterfaceItemID(1)]?.status == .retrying)
    }

    @Test func theOutcomeOfARetryIsSaidWhenTheFeedHasTriedIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try interfaceApp(dir, held: 2)
        app.handle(.char("I"))
        app.handle(.char("r"))
        app.handle(.char("j"))
        app.handle(.char("o"))
        type(app, "bed on order")
        app.handle(.enter)
        // The listener, another process: I1 is refused again, I2 applied.
        let feed = try Engine(journalAt: dir.file("hospital.rj"), actor: "hl7adt", clock: clock, wallClock: .utc)
        try feed.submit(.feedMessage(FeedMessage(key: "EHR|GEN|MSG0002", digest: 1, kind: "ADT^A02", raw: heldA02, patient: "MRN777",
                                                 plan: .hold("MRN777 is still not admitted here"), retryOf: InterfaceItemID(1))))
        try feed.submit(.feedMessage(FeedMessage(key: "EHR|GEN|MSG0003", digest: 2, kind: "ADT^A03", raw: heldA02, patient: "MRN001",
                                                 plan: .apply([]), retryOf: InterfaceItemID(2))))
        app.poll()
        #expect(app.status.error)
        #expect(app.status.text.contains("I1 was tried again and refused: MRN777 is still not admitted here"), "\(app.status.text)")
        #expect(app.status.text.contains("I2 applied by hl7adt"), "\(app.status.text)")
        app.handle(.char("k"))
        #expect(app.render(width: 160, height: 45).text.contains("Attempts: 2"))
    }

    @Test func aViewerSeesItemsButIsRefused() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (held, _) = try interfaceApp(dir)
        held.engine.actor = "vera"
        let app = RoundsApp(engine: held.engine, hospitalName: "St Example")
        app.handle(.char("I"))
        #expect(app.render(width: 80, height: 24).text.contains("MRN777"))
        app.handle(.char("r"))
        #expect(app.status.error && app.status.text.contains("lacks the permission to resolve interface items"), "\(app.status.text)")
        // The forms are not even opened: the refusal comes first, as the engine words it.
        for key in ["o", "x"] {
            app.handle(.char(Character(key)))
            #expect(app.overlay == nil)
            #expect(app.status.text.contains("lacks the permission to resolve interface items"), "\(app.status.text)")
        }
        #expect(app.engine.state.feeds.items[InterfaceItemID(1)]?.status == .open)
        // A read-only session says so instead.
        held.engine.actor = "alice"
        let readOnly = RoundsApp(engine: held.engine, hospitalName: "St Example", readOnly: true)
        readOnly.handle(.char("I"))
        readOnly.handle(.char("x"))
        #expect(readOnly.overlay == nil && readOnly.status.text.contains("read-only"), "\(readOnly.status.text)")
    }

    @Test func emptyScreenAndSmallSizes() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("I"))
        #expect(app.render(width: 80, height: 24).text.contains("No interface items"))
        app.handle(.char("r"))
        #expect(app.status.error)
        let dir2 = TemporaryDirectory(); defer { dir2.remove() }
        let (held, _) = try interfaceApp(dir2, held: 2)
        held.handle(.char("I"))
        for w in stride(from: 60, through: 200, by: 13) { for h in stride(from: 16, through: 60, by: 7) { _ = held.render(width: w, height: h) } }
        held.handle(.enter)
        for w in stride(from: 60, through: 200, by: 13) { for h in stride(from: 16, through: 60, by: 7) { _ = held.render(width: w, height: h) } }
    }

    @Test func supervisorViewShowsTheFeeds() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try interfaceApp(dir)
        let now = clock.now()
        app.feedHealth = {
            [FeedHealthLine(feed: "hl7adt", running: true, bind: "0.0.0.0:6671", senders: ["10.0.0.5:40112"], messages: 12, messagesLastMinute: 3,
                            held: 1, errors: 2, lastMessage: now - .minutes(1), lastMessageKind: "ADT^A02",
                            lastError: "refused: MRN777 is not admitted here", lastErrorAt: now - .minutes(2), updated: now),
             FeedHealthLine(feed: "hl7lab", running: false, updated: now - .hours(1))]
        }
        app.handle(.char("S"))
        app.handle(.char("G"))
        let text = app.render(width: 160, height: 45).text
        #expect(text.contains("Feeds"))
        #expect(text.contains("● listening on 0.0.0.0:6671"))
        #expect(text.contains("■ stopped"))
        #expect(text.contains("ADT^A02"))
        #expect(text.contains("refused: MRN777 is not admitted here"))
        #expect(text.contains("Open interface items: ‼ 1"))
        // A listener that stopped writing its status is not shown as listening.
        clock.advance(.minutes(3))
        let later = app.supervisorScreen.supervisorLines(width: 160).map(\.0).joined(separator: "\n")
        #expect(later.contains("‼ silent 3m"), "\(later)")
        // A wall display leaves out the error's text (it may name a patient).
        let wall = RoundsApp(engine: app.engine, hospitalName: "St Example", wall: true)
        wall.feedHealth = app.feedHealth
        let onWall = wall.supervisorScreen.supervisorLines(width: 160).map(\.0).joined(separator: "\n")
        #expect(onWall.contains("hl7adt") && !onWall.contains("MRN777"))
    }
}

@Suite struct InterfaceGoldenTests {
    @Test func interfaceScreenAt80x24() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try interfaceApp(dir, held: 2)
        app.submit("interface dismiss I2 reason \"entered by hand in Rounds\"")
        app.handle(.char("I"))
        #expect(matchesGolden(app.render(width: 80, height: 24), "interface-80x24"))
    }
}
