import Testing
import RoundsDomain
@testable import RoundsUI
import RoundsTestSupport

/// The bed forecast on screen: a unit short of beds says so in words under its heading and in
/// the board's title (never by colour alone, in ASCII too), and in the supervisor view.
@Suite struct ForecastScreenTests {
    /// The test hospital with three patients from the ED for the ICU (its three clean beds) and
    /// the surgery at 13:00 needing an ICU bed afterwards: short one bed from 15:00.
    func shortICU(_ dir: TemporaryDirectory) throws -> RoundsApp {
        let (app, _) = try scenarioApp(dir)
        for n in 5...7 {
            try app.engine.submit(line: "admit MRN00\(n) name \"Test, Patient \(n)\" dob 1970-01-01 sex f from ed unit ICU")
        }
        try app.engine.submit(line: "proc after P1 icu")
        try app.engine.submit(line: "barrier add MRN001 transport \"Ambulance not before 16:00\"")
        return app
    }

    @Test func theBedBoardSaysWhichUnitIsShortAndFromWhen() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let app = try shortICU(dir)
        app.handle(.char("2"))
        for ascii in [false, true] {
            let g = app.render(width: 80, height: 24, ascii: ascii)
            let bang = ascii ? "!!" : "‼"
            #expect(g.text.contains("\(bang) Forecast short 1 bed from 15:00 (3 free, 0 leaving, 4 needed)"), "\(g.text)")
            #expect(g.text.contains("\(bang) 1 unit short in 24 h"))
            #expect(g.text.contains("\(bang) transport"), "the barrier in the bed's note")
            let allASCII = g.text.unicodeScalars.allSatisfy { $0.isASCII }
            if ascii { #expect(allASCII) }
        }
        // The line sits right under the ICU's heading, and 4W (not short) has none.
        let lines = app.render(width: 160, height: 45).text.split(separator: "\n")
        let heading = try #require(lines.firstIndex { $0.contains("ICU · Intensive Care") })
        #expect(lines[heading + 1].contains("‼ Forecast short 1 bed from 15:00"))
        let w4 = try #require(lines.firstIndex { $0.contains("4W · 4 West Med-Surg") })
        #expect(!lines[w4 + 1].contains("Forecast"))
    }

    @Test func theSupervisorViewListsTheUnitsShortOfBeds() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let app = try shortICU(dir)
        app.handle(.char("S"))
        #expect(app.screen == .supervisor)
        let text = app.render(width: 160, height: 45, ascii: true).text
        #expect(text.contains("Bed forecast, next 24 h (units short of beds)"))
        let row = try #require(text.split(separator: "\n").first { $0.contains("|ICU ") && $0.contains("!! short 1") })
        #expect(row.contains("15:00"))
    }

    @Test func thePatientViewListsTheBarriers() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let app = try shortICU(dir)
        try app.engine.submit(line: "barrier add MRN001 pharmacy \"Meds to collect\"")
        try app.engine.submit(line: "barrier resolve MRN001 pharmacy note \"Collected\"")
        app.openPatient("MRN001")
        let text = app.render(width: 160, height: 45).text
        #expect(text.contains("Discharge barriers:"))
        #expect(text.contains("‼ transport: Ambulance not before 16:00"))
        #expect(text.contains("✓ pharmacy resolved"))
    }

    @Test func xRecordsABarrierForTheSelectedBedsPatientAndShiftXResolvesIt() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        app.handle(.char("2"))
        _ = app.render(width: 160, height: 45)
        while app.selectedRow(.beds)?.key != "bed:4W-02" { app.handle(.down) }
        app.handle(.char("x"))
        #expect(app.render(width: 160, height: 45).text.contains("Discharge barrier for"))
        type(app, "taxi")
        #expect(app.render(width: 160, height: 45).text.contains("one of: transport, equipment"), "the kind is checked as it is typed")
        for _ in 0..<4 { app.handle(.backspace) }
        type(app, "family")
        app.handle(.tab)
        type(app, "Son collects after 17:00")
        app.handle(.enter)
        let stay = try #require(app.state.stay(of: "MRN003"))
        #expect(app.state.barriers.open(stay.id).map(\.note) == ["Son collects after 17:00"])
        app.handle(.char("X"))
        app.handle(.tab)
        type(app, "Neighbour drives")
        app.handle(.enter)
        #expect(app.state.barriers.open(stay.id).isEmpty)
        #expect(app.state.barriers.byStay[stay.id]?.first?.resolution == "Neighbour drives")
        // An empty bed has no patient to hold.
        while app.selectedRow(.beds)?.key != "bed:4W-03" { app.handle(.down) }
        app.handle(.char("x"))
        #expect(app.render(width: 160, height: 45).text.contains("select an occupied bed"))
    }

    @Test func theCommandLineCompletesBarrierCommands() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (app, _) = try scenarioApp(dir)
        let s = app.state
        #expect(Completion.complete("barrier re", s, words: []).0 == "barrier resolve ")
        #expect(Completion.complete("barrier add nguy", s, words: []).0 == "barrier add MRN001 ", "a patient in a bed, by name")
        #expect(Completion.options("barrier add ", s, words: []).map(\.word).sorted() == ["MRN001", "MRN003"], "only patients in beds")
    }

    @Test func fShowsTheSelectedUnitsForecastHourByHour() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let app = try shortICU(dir)
        app.handle(.char("2"))
        _ = app.render(width: 160, height: 45)
        while app.selectedRow(.beds)?.key != "bed:ICU-02" { app.handle(.down) }
        app.handle(.char("F"))
        let text = app.render(width: 160, height: 45).text
        #expect(text.contains("Bed forecast · ICU"))
        #expect(text.contains("‼ Short 1 bed from 15:00 (3 free, 0 leaving, 4 needed)"))
        #expect(text.contains("15:00   +0       -1      ‼ -1"))
        #expect(text.contains("bed-after"))
        app.handle(.escape)
        // On 4W: no shortfall.
        while app.selectedRow(.beds)?.key != "bed:4W-01" { app.handle(.down) }
        app.handle(.char("F"))
        let w4 = app.render(width: 160, height: 45).text
        #expect(w4.contains("No shortfall"))
    }
}
