import Testing
import RoundsDomain
import RoundsEngine
import RoundsUI
import RoundsTestSupport

/// The open loops screen (O) without a terminal: its three sections, the keys that put a
/// command on the command line with the selected item, and what a refusal says.
@Suite struct LoopsScreenTests {
    @Test func sectionsKeysAndTheCommandLine() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try demoApp(dir)
        app.idleLock = nil
        app.handle(.char("O"))
        #expect(app.screen == .loops)
        var text = app.render(width: 80, height: 24).text
        #expect(text.contains("Open loops · referrals: 4 open · ‼ 1 overdue"))
        #expect(text.contains("‼ active") && text.contains("Cardiology"), "the overdue referral first, marked by more than colour")
        #expect(text.contains("unable to schedule: No echo") && text.contains("Overdue task: T"), "the selected referral in full below the list")
        // e: the report that closes the loop, typed on the command line and sent.
        app.handle(.char("e"))
        guard case .command(let editor) = app.mode else { Issue.record("no command line"); return }
        #expect(editor.text.hasPrefix("ref report R"))
        type(app, "\"Echo normal\"")
        app.handle(.enter)
        text = app.render(width: 80, height: 24).text
        #expect(text.contains("referrals: 3 open"), "the loop closed")
        #expect(app.state.referrals.byID.values.contains { $0.status == .complete && $0.report == "Echo normal" })
        // v: the complaints, then the follow-ups.
        app.handle(.char("v"))
        text = app.render(width: 160, height: 45).text
        #expect(text.contains("Open loops · complaints: 2 open") && text.contains("grievance: Letter"))
        app.handle(.char("v"))
        text = app.render(width: 160, height: 45).text
        #expect(text.contains("Open loops · follow-ups:"))
        #expect(text.contains("READMITTED"), "the patient who came back through the ED")
        app.handle(.char("n"))
        #expect(app.status.text.contains("a follow-up is opened by the discharge"), "no new follow-up by hand")
        app.handle(.escape)
        #expect(app.screen == .panes)
    }
}
