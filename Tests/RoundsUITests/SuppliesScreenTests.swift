import Testing
import RoundsDomain
import RoundsEngine
import RoundsUI
import RoundsTestSupport

/// The supplies and equipment screen (E) without a terminal: what needs action first, the
/// keys that put a `stock` or `equip` command on the command line, and a refusal.
@Suite struct SuppliesScreenTests {
    @Test func stockAndEquipmentKeysAndTheCommandLine() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try demoApp(dir)
        app.idleLock = nil
        app.handle(.char("E"))
        #expect(app.screen == .supplies)
        var text = app.render(width: 80, height: 24).text
        #expect(text.contains("Supplies and equipment · stock: 4 · ‼ 2 need action"))
        #expect(text.contains("‼ 4 expired") && text.contains("‼ below min") && text.contains("! expiring"), "marked by more than colour")
        #expect(text.contains("lot C0457: 4 pack, ‼ EXPIRED"), "the selected item (the expired lot's) in full below the list")
        // x: the expired lot, discarded.
        app.handle(.char("x"))
        guard case .command(let editor) = app.mode else { Issue.record("no command line"); return }
        #expect(editor.text == "stock discard CHG2 at ICU 4 lot \"C0457\" reason \"expired\"")
        app.handle(.enter)
        text = app.render(width: 80, height: 24).text
        #expect(text.contains("stock: 4 · ‼ 1 need action"))
        #expect(app.state.supplies.item("CHG2", at: "ICU")?.lots.map(\.lot) == ["C0512"])
        // v: the equipment; the pump past its maintenance first, and assigning it is refused.
        app.handle(.char("v"))
        text = app.render(width: 160, height: 45).text
        #expect(text.contains("Supplies and equipment · equipment: 9") && text.contains("‼ OVERDUE"))
        #expect(text.contains("reserved") && text.contains("Total hip replacement"), "the monitor reserved for the hip replacement")
        app.handle(.char("u"))
        guard case .command(let assign) = app.mode else { Issue.record("no command line"); return }
        #expect(assign.text == "equip assign PUMP-04 to ")
        let patient = try #require(app.state.supplies["PUMP-01"]?.holder.flatMap { h -> MRN? in if case .patient(let m) = h { m } else { nil } })
        type(app, patient)
        app.handle(.enter)
        #expect(app.status.error && app.status.text.contains("PUMP-04 (infusion pump)'s maintenance was due") && app.status.text.contains("free now: PUMP-03"))
        #expect(app.state.supplies["PUMP-04"]?.status == .inService, "nothing changed")
        app.handle(.char("e"))
        type(app, "+180d")
        app.handle(.enter)
        #expect(app.state.supplies["PUMP-04"]?.maintenanceOverdue(at: app.state.lastTime) == false)
        app.handle(.escape)
        #expect(app.screen == .panes)
    }
}
