import RoundsDomain

/// Research as tables: the studies (approval, consent, enrolled), each enrolled patient's
/// visits with their windows, and the deviations.
enum ResearchTables {
    static func report(_ s: HospitalState, _ c: ReportContext) -> [Table] { [studies(s, c), visits(s, c), deviations(s, c)] }

    static func studies(_ s: HospitalState, _ c: ReportContext) -> Table {
        let today = c.wallClock.localDate(c.now)
        let rows = s.research.studies.values.sorted { $0.code < $1.code }.map { st -> [Cell] in
            let enrolled = s.research.enrollments.values.filter { $0.study == st.code }
            let days = Int(st.approvedUntil.daysSinceEpoch - today.daysSinceEpoch)
            let review = days < 0 ? "‼ approval ended" : days <= continuingReviewLead ? "‼ review due in \(days)d" : "in \(days)d"
            return [.text(st.code), .text(st.name), .text(st.investigator), .date(st.approvedUntil), .integer(review, days), .text(st.consentVersion),
                    .integer(enrolled.filter { $0.status == .onStudy }.count), .integer(enrolled.filter { $0.consentVersion != st.consentVersion && $0.status == .onStudy }.count),
                    .list(st.plan.map(\.label), shown: st.plan.map(\.label).joined(separator: ", "))]
        }
        return Table(key: "studies", title: "Studies (\(rows.count))",
                     columns: [Column("Study", key: "study"), Column("Name", key: "name"), Column("PI", key: "investigator"),
                               Column("Approved until", key: "approved_until", .date), Column("Review", key: "days_to_approval_end", .integer),
                               Column("Consent", key: "consent_version"), Column("On study", key: "on_study", .integer),
                               Column("To re-consent", key: "to_reconsent", .integer), Column("Visits", key: "visit_plan", .list)],
                     rows: rows, footer: ["continuing review at least every 12 months: a task 30 days before the approval ends"])
    }

    /// Every visit of every patient on a study, by study, patient and visit.
    static func visits(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let today = wall.localDate(c.now)
        var rows: [[Cell]] = []
        for e in s.research.enrollments.values.sorted(by: { ($0.study, $0.mrn) < ($1.study, $1.mrn) }) where e.status == .onStudy {
            guard let st = s.research.studies[e.study] else { continue }
            let admitted = s.stay(of: e.mrn)?.bed
            for v in st.plan {
                let w = st.window(v, anchor: e.anchor)
                let r = e.visits[v.name]
                let state = r.map { $0.deviation != nil ? "‼ \($0.outcome.rawValue), deviation" : $0.outcome.rawValue }
                    ?? (today > w.last ? "‼ window passed" : today >= w.first ? "due now" : "to come")
                rows.append([.text(e.study), .word(s.patients[e.mrn].map { "\(e.mrn) \(briefName($0.name))" } ?? e.mrn, e.mrn), .text(v.name),
                             .date(w.target), .date(w.first), .date(w.last), .word(state, r?.outcome.rawValue ?? (today > w.last ? "window-passed" : today >= w.first ? "due" : "to-come")),
                             .time(r?.at, shown: r.map { wall.dateTime($0.at) } ?? "", wall), .word(admitted.map { "in \($0)" } ?? "", admitted)])
            }
        }
        return Table(key: "study_visits", title: "Study visits of patients on study",
                     columns: [Column("Study", key: "study"), Column("Patient", key: "mrn"), Column("Visit", key: "visit"), Column("Target", key: "target", .date),
                               Column("From", key: "window_from", .date), Column("To", key: "window_to", .date), Column("State", key: "state"),
                               Column("Recorded", key: "recorded_at", .timestamp), Column("Bed", key: "bed")],
                     rows: rows)
    }

    static func deviations(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let rows = s.deviations.map { e, visit, r -> [Cell] in
            [.text(e.study), .word(e.mrn, e.mrn), .text(visit), .time(r.at, shown: wall.dateTime(r.at), wall), .text(r.deviation ?? ""), .text(r.note ?? "")]
        }
        return Table(key: "deviations", title: "Protocol deviations (\(rows.count))",
                     columns: [Column("Study", key: "study"), Column("Patient", key: "mrn"), Column("Visit", key: "visit"),
                               Column("When", key: "recorded_at", .timestamp), Column("Deviation", key: "deviation"), Column("Note", key: "note")],
                     rows: rows)
    }
}
