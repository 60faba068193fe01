import Testing
import Foundation
import RoundsDomain
import RoundsEngine
import RoundsTestSupport

/// Referrals and complaints through the real binary: the demo's open loops, the written
/// notice printed once a complaint is closed (and refused before), the report's refusals.
@Suite(.serialized) struct LoopsCLITests {
    @Test func theNoticeIsPrintedOnlyForAClosedComplaintAndTheReadIsAudited() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        let state = try Engine(journalAt: j, writable: false).state
        #expect(state.referrals.open.count == 4 && state.complaints.open.count == 2, "the demo's open loops")
        let grievance = try #require(state.complaints.open.first { $0.grievance })
        let early = try rounds(["report", "notice", "--id", grievance.id.description, "--journal", j])
        #expect(early.status == 1 && early.err.contains("is open: its written notice is printed once it is closed"))
        #expect(try rounds(["report", "notice", "--journal", j]).err.contains("the notice needs --id C…"))
        #expect(try rounds(["report", "notice", "--id", "R1", "--journal", j]).err.contains("--id 'R1' is not a complaint; give it as C12"))
        #expect(try rounds(["report", "notice", "--id", "C1", "--format", "csv", "--journal", j]).err.contains("the notice is a document"))
        #expect(try rounds(["report", "census", "--id", "C1", "--journal", j]).err.contains("--id applies to the notice report"))
        let close = try rounds(["exec", "--journal", j, "complaint close \(grievance.id) contact \"Ward manager, ext 4410\" steps \"Spoke to the staff\" result \"One discharge date\" completed 2026-11-22"])
        #expect(close.status == 0, "\(close.err)")
        let notice = try rounds(["report", "notice", "--id", grievance.id.description, "--journal", j])
        #expect(notice.status == 0)
        #expect(notice.out.contains("Written notice of the outcome of your grievance \(grievance.id)") && notice.out.contains("Result: One discharge date")
                && notice.out.contains("Date of completion: 2026-11-22"))
        let html = try rounds(["report", "notice", "--id", grievance.id.description, "--format", "html", "--journal", j])
        #expect(html.out.hasPrefix("<!DOCTYPE html>") && html.out.contains("<strong>Contact person:</strong> Ward manager, ext 4410"))
        let audit = try rounds(["audit", "--journal", j, "--since", "1d", "--patient", grievance.patient!])
        #expect(audit.out.contains("report notice text \(grievance.id)"), "printing the notice is an audited export about the patient")
    }
}
