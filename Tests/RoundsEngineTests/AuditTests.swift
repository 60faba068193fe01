import Testing
import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

@Suite struct AuditContentTests {
    /// "Who told whom": the audit of a communicated critical result names the person told,
    /// their role and the value they read back; an override shows its reason.
    @Test func theAuditShowsWhatTheJournalHolds() throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let (e, _) = try Fixture.engine(in: dir)
        try Fixture.admit(e, "MRN001", extra: "precautions airborne")
        try e.submit(line: "assign MRN001 4W-02 override \"all isolation rooms full; ID consulted\"")
        try e.submit(line: "lab order MRN001 K priority stat")
        try e.submit(line: "lab collect L1")
        try e.submit(line: "lab result L1 6.8")
        try e.submit(line: "lab communicate L1 to \"Dr Min-jun Lee\" role physician readback \"6.8 mmol/L\"")
        try e.submit(line: "transfer MRN001 4W-03 override \"cohorted with ID approval\"")
        let audit = try Engine.audit(journalAt: dir.file("hospital.rj"), patient: "MRN001")
        let told = try #require(audit.first { $0.what.hasPrefix("critical result L1 communicated") })
        #expect(told.what == "critical result L1 communicated to \"Dr Min-jun Lee\" (physician), who read back \"6.8 mmol/L\"; T1 done")
        #expect(told.actor == "alice", "the recorder")
        let placed = try #require(audit.first { $0.what.hasPrefix("MRN001 assigned to bed 4W-02") })
        #expect(placed.what == "MRN001 assigned to bed 4W-02; override: \"all isolation rooms full; ID consulted\"")
        #expect(!audit.contains { $0.what.contains("(override recorded)") })
        #expect(audit.contains { $0.what.hasSuffix("override: \"cohorted with ID approval\"") })
        #expect(audit.contains { $0.what == "lab L1 resulted critical: \"6.8 mmol/L\"; T1 raised to communicate it" })
        // Names of patients stay out of the audit: the MRN says whose record it is.
        #expect(!audit.contains { $0.what.contains("Test, Patient") })
    }
}
