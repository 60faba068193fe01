import RoundsDomain

/// Follow-up after discharge as tables: the follow-ups (open, then those finished in the last
/// 30 days) with their LACE, call and visit clocks; the readmissions within 30 days.
enum FollowUpTables {
    static func report(_ s: HospitalState, _ c: ReportContext) -> [Table] { [followUps(s, c), readmissions(s, c)] }

    static func who(_ s: HospitalState, _ mrn: MRN) -> String { s.patients[mrn].map { "\(mrn) \(briefName($0.name))" } ?? mrn }

    static func followUps(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let list = s.followUps.byID.values.filter { f in f.isOpen || (f.history.last.map { $0.at >= c.now - .days(30) } ?? false) }
            .sorted { ($0.isOpen ? 0 : 1, $0.id) < ($1.isOpen ? 0 : 1, $1.id) }
        var late = 0
        let rows = list.map { f -> [Cell] in
            let callLate = f.callLate(at: c.now), visitLate = f.visitLate(at: c.now)
            if callLate || visitLate { late += 1 }
            func at(_ t: Timestamp?) -> Cell { .time(t, shown: t.map(wall.dateTime) ?? "", wall) }
            return [.word(f.id.description, f.id.description), .word(who(s, f.mrn), f.mrn), at(f.dischargedAt), .word(f.status.rawValue, f.status.rawValue),
                    .integer(f.lace.total), .boolean(f.lace.highRisk ? "high" : "no", f.lace.highRisk), .list(f.reasons, shown: f.reasons.joined(separator: ", ")),
                    at(f.callDue), at(f.reachedAt), .integer(f.attempts), .boolean(callLate ? "‼ late" : "no", callLate),
                    at(f.visitDue), at(f.visitAt), .boolean(visitLate ? "‼ late" : "no", visitLate), at(f.readmittedAt)]
        }
        var footer = ["LACE from what Rounds knows: length of stay, acuity (through the ED), ED visits in 6 months; the Charlson index is not known and counts 0",
                      "call: reached by the end of the second business day after discharge (a voicemail does not count); visit within 7 days (LACE 10 or more) or 14"]
        if late > 0 { footer.insert("‼ \(late) late: the call or the visit is past its time", at: 0) }
        return Table(key: "follow_ups", title: "Follow-up after discharge (\(list.filter(\.isOpen).count) open)",
                     columns: [Column("Ref", key: "id"), Column("Patient", key: "mrn"), Column("Discharged", key: "discharged_at", .timestamp),
                               Column("Status", key: "status"), Column("LACE", key: "lace", .integer), Column("Risk", key: "high_risk", .boolean),
                               Column("Why", key: "reasons", .list), Column("Call by", key: "call_due", .timestamp), Column("Reached", key: "reached_at", .timestamp),
                               Column("Tries", key: "attempts", .integer), Column("Call late", key: "call_late", .boolean),
                               Column("Visit by", key: "visit_due", .timestamp), Column("Visit", key: "visit_at", .timestamp),
                               Column("Visit late", key: "visit_late", .boolean), Column("Readmitted", key: "readmitted_at", .timestamp)],
                     rows: rows, footer: footer)
    }

    static func readmissions(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let list = s.followUps.readmissions.values.filter { $0.admittedAt >= c.now - .days(30) && $0.admittedAt <= c.now }.sorted { ($0.admittedAt, $0.stay) < ($1.admittedAt, $1.stay) }
        let rows = list.map { r -> [Cell] in
            let mrn = s.stays[r.stay]?.mrn ?? s.followUps.visits.first { $0.value.contains { $0.stay == r.stay } }?.key ?? ""
            let days = Int((r.admittedAt - r.previousDischarge).milliseconds / 86_400_000)
            return [.word(who(s, mrn), mrn), .word(r.stay.description, r.stay.description), .time(r.admittedAt, shown: wall.dateTime(r.admittedAt), wall),
                    .word(r.previous.description, r.previous.description), .time(r.previousDischarge, shown: wall.dateTime(r.previousDischarge), wall), .integer(days)]
        }
        return Table(key: "readmissions", title: "Readmissions within 30 days, admitted in the last 30 days (\(rows.count))",
                     columns: [Column("Patient", key: "mrn"), Column("Stay", key: "stay"), Column("Admitted", key: "admitted_at", .timestamp),
                               Column("Previous stay", key: "previous_stay"), Column("Discharged", key: "previous_discharge", .timestamp),
                               Column("Days between", key: "days_between", .integer)],
                     rows: rows)
    }
}
