import Testing
import RoundsDomain
import RoundsEngine
import RoundsUI
import RoundsTestSupport

/// A password checker that accepts one password, and counts what it was asked.
final class FakeAuthenticator: Authenticator {
    let good: String
    var asked: [(String, String)] = []
    init(_ good: String) { self.good = good }
    func authenticate(login: String, password: String) -> Authentication {
        asked.append((login, password))
        return password == good ? .accepted : .refused("wrong password")
    }
}

/// Every patient name and MRN of the scenario: none may be on a locked screen.
let scenarioIdentifiers = ["Nguyễn", "Okafor", "王", "O'Brien", "MRN001", "MRN002", "MRN003", "MRN004", "Chase pre-authorisation"]

@Suite struct IdleLockTests {
    @Test func idleTimeLocksTheScreenAndOnlyThePasswordOpensIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scenarioApp(dir)
        let auth = FakeAuthenticator("s3cret")
        app.authenticator = auth
        // A form half filled in before walking away.
        app.handle(.char("n"))
        type(app, "Ring the ward clerk")
        #expect(app.render(width: 160, height: 45).text.contains("Nguyễn"))
        clock.advance(.minutes(4) + .seconds(59))
        app.poll()
        #expect(app.lock == nil, "not yet: the limit is 5 minutes")
        clock.advance(.seconds(1))
        app.poll()
        #expect(app.lock != nil)
        let locked = app.render(width: 160, height: 45).text
        #expect(locked.contains("Rounds is locked — patient data is hidden"))
        for id in scenarioIdentifiers { #expect(!locked.contains(id), "\(id) is visible on the locked screen") }

        // Keys do nothing but unlock: no pane action, no command.
        app.handle(.char("2"))
        #expect(app.lock != nil)
        app.handle(.enter)
        type(app, "wrong")
        let typing = app.render(width: 160, height: 45).text
        #expect(!typing.contains("wrong"), "the password is never drawn")
        app.handle(.enter)
        #expect(app.lock?.message?.contains("Not accepted") == true)
        #expect(!app.render(width: 160, height: 45).text.contains("Nguyễn"))
        app.handle(.enter)
        type(app, "s3cret")
        app.handle(.enter)
        #expect(app.lock == nil)
        #expect(auth.asked.map(\.0) == ["alice", "alice"], "the user at the keyboard re-authenticates as the session's login")
        // What was typed before the lock is still there.
        let after = app.render(width: 160, height: 45).text
        #expect(after.contains("Ring the ward clerk"))
        #expect(after.contains("Unlocked"))
        // The idle timer starts again from the unlock.
        clock.advance(.minutes(3))
        app.poll()
        #expect(app.lock == nil)
    }

    @Test func ctrlLHidesEverythingAtOnce() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.authenticator = FakeAuthenticator("pw")
        _ = app.render(width: 80, height: 24)
        app.handle(.ctrl("l"))
        let text = app.render(width: 80, height: 24).text
        #expect(text.contains("Locked with Ctrl-L"))
        for id in scenarioIdentifiers { #expect(!text.contains(id)) }
    }

    @Test func withoutAWayToCheckPasswordsItStaysLockedAndSaysSo() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.authenticator = nil
        app.handle(.ctrl("l"))
        app.handle(.enter)
        type(app, "anything")
        app.handle(.enter)
        #expect(app.lock != nil, "never unlocked without a check")
        #expect(app.render(width: 160, height: 45).text.contains("Cannot check your password here"))
        app.handle(.char("q"))
        #expect(!app.running, "q closes Rounds from the lock screen; every change is already in the journal")
    }

    @Test func aWallDisplayNeverLocksAndShowsNoPatientIdentifiers() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (scenario, clock) = try scenarioApp(dir)
        let wall = RoundsApp(engine: scenario.engine, hospitalName: "St Example", wall: true)
        clock.advance(.hours(2))
        wall.poll()
        #expect(wall.lock == nil)
        let text = wall.render(width: 160, height: 45).text
        #expect(text.contains("WALL DISPLAY"))
        #expect(text.contains("Census and capacity by unit"))
        #expect(text.contains("Critical results past their 30m window"))
        #expect(text.contains("L1"), "the late critical result is listed by number and bed")
        for id in scenarioIdentifiers { #expect(!text.contains(id), "\(id) is on the wall") }
        // Nobody scrolls a wall: it pages through the overview by itself.
        _ = wall.render(width: 100, height: 20)
        clock.advance(.seconds(10))
        wall.poll()
        let paged = wall.render(width: 100, height: 20).text
        #expect(!paged.contains("Census and capacity by unit"), "the wall turned the page:\n\(paged)")
        wall.handle(.char("1"))
        #expect(wall.screen == .supervisor, "a wall display shows the overview only")
        wall.handle(.char(":"))
        type(wall, "task add \"from the wall\"")
        wall.handle(.enter)
        #expect(!wall.state.tasks.values.contains { $0.title == "from the wall" }, "a wall display changes nothing")
    }
}

@Suite struct SupervisorViewTests {
    @Test func theSupervisorSeesCapacityEscalationsOverdueCriticalAndBreakGlass() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scenarioApp(dir)
        let e = app.engine
        e.actor = "evs1"
        try e.submit(line: "break-glass \"placing the ED patient, coordinator at a code\" for 10m")
        try e.submit(line: "assign MRN004 ICU-04")
        clock.advance(.hours(2))
        try e.tick()
        e.actor = "sam"
        app.handle(.char("S"))
        #expect(app.screen == .supervisor)
        let text = app.render(width: 160, height: 45).text
        for section in ["Census and capacity by unit", "Escalations", "Overdue work by owner", "Critical results past their 30m window", "Break-glass awaiting review"] {
            #expect(text.contains(section), "\(section) is missing")
        }
        #expect(text.contains("G1"))
        #expect(text.contains("evs1"))
        #expect(text.contains("placing the ED patient"))
        #expect(text.contains("@transport"), "overdue work is grouped by owner")
        // Review from the view.
        app.handle(.char("R"))
        app.handle(.tab)
        type(app, "follow-up")
        app.handle(.tab)
        type(app, "EVS placed a patient; talk to the manager")
        app.handle(.enter)
        #expect(app.state.grants[GrantID(1)]?.review?.verdict == .followUp)
        #expect(app.state.grantsAwaitingReview.isEmpty)
        // Back to the panes.
        app.handle(.char("2"))
        #expect(app.screen == .panes)
        #expect(app.focus == .beds)
    }

    @Test func breakingTheGlassFromTheKeyboardShowsABanner() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, clock) = try scenarioApp(dir)
        app.engine.actor = "evs1"
        app.submit("assign MRN004 ICU-04")
        #expect(app.status.error)
        #expect(app.status.text.contains("break-glass"), "the refusal says how to proceed in an emergency")
        app.handle(.char("!"))
        type(app, "urgent")
        app.handle(.enter)
        #expect(app.state.grants.count == 0, "a reason that says nothing is not accepted")
        type(app, ": ED patient needs this bed now")
        app.handle(.tab)
        type(app, "15m")
        app.handle(.enter)
        #expect(app.state.activeGrant(of: "evs1", at: clock.now()) != nil)
        let wide = app.render(width: 160, height: 45).text
        #expect(wide.contains("⚠ BREAK-GLASS G1 in force, 15 min left — every action is reviewed"))
        #expect(app.render(width: 80, height: 24).text.contains("BREAK-GLASS G1 15m left"))
        app.submit("assign MRN004 ICU-04")
        #expect(!app.status.error, "\(app.status.text)")
        clock.advance(.minutes(15))
        #expect(!app.render(width: 160, height: 45).text.contains("BREAK-GLASS"), "the banner goes when the grant ends")
    }
}
