import ArgumentParser
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsReports

extension Report: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the census, beds, worklist, pending labs, messages or the supervisor overview as text, CSV or JSON.")

    @Argument(help: "One of: \(Report.allCases.map(\.rawValue).joined(separator: ", ")).") var report: Report
    @Option(name: .long, help: "The journal to read.") var journal: String?
    @Option(name: .long, help: "text, csv or json.") var format: ReportFormat = .text

    func run() throws {
        try ReportCommand.print(report, journal: Paths.journal(journal), format: format)
    }

    static func print(_ report: Report, journal path: String, format: ReportFormat) throws {
        // Exports are audited: the report is noted in the journal before anything is printed.
        let engine: Engine
        do {
            engine = try Engine(journalAt: path)
            engine.origin = Host.origin(program: "rounds report")
            try engine.recordAccess(.exported, patient: nil, detail: "report \(report.rawValue) \(format.rawValue)")
        } catch {
            warn("rounds: \(error)")
            throw Exit(code: 1)
        }
        if let torn = engine.openReport.tornTail { warn("rounds: \(path): \(torn)") }
        let tables = report.tables(engine.state, ReportContext(now: SystemClock().now(), wallClock: engine.wallClock))
        FileHandle.standardOutput.write(Data(Table.render(tables, format).utf8))
    }
}
