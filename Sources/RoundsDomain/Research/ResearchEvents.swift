/// How the research events change the state.

extension HospitalState {
    mutating func applyResearch(_ r: Recorded) {
        switch r.event {
        case .studyRecorded(let e):
            research.studies[e.code] = Study(code: e.code, name: e.name, investigator: e.investigator, approvedUntil: e.approvedUntil,
                                             consentVersion: e.consentVersion, plan: e.plan)
        case .studyChanged(let e):
            guard research.studies[e.code] != nil else { anomalies += 1; return }
            if let until = e.approvedUntil { research.studies[e.code]!.approvedUntil = until }
            if let v = e.consentVersion { research.studies[e.code]!.consentVersion = v }
        case .patientEnrolled(let e):
            let key = ResearchState.key(e.study, e.mrn)
            research.enrollments[key] = Enrollment(mrn: e.mrn, study: e.study, anchor: e.anchor, arm: e.arm, consentVersion: e.consentVersion,
                                                   status: .onStudy, enrolledAt: r.time, visits: [:], tasks: [:])
            research.onStudy[e.mrn, default: []].append(e.study)
        case .enrollmentUpdated(let e):
            let key = ResearchState.key(e.study, e.mrn)
            guard var en = research.enrollments[key] else { anomalies += 1; return }
            if let v = e.visit, let outcome = e.outcome {
                en.visits[v] = StudyVisitRecord(outcome: outcome, at: e.at ?? r.time, deviation: e.deviation, note: e.note)
            }
            if let c = e.consentVersion { en.consentVersion = c }
            if let ended = e.ended {
                en.status = ended
                en.endNote = e.note
                research.onStudy[e.mrn]?.removeAll { $0 == e.study }
                if research.onStudy[e.mrn]?.isEmpty == true { research.onStudy[e.mrn] = nil }
            }
            research.enrollments[key] = en
        case .researchTaskRaised(let e):
            if let mrn = e.mrn {
                guard research.enrollments[ResearchState.key(e.study, mrn)] != nil else { anomalies += 1; return }
                research.enrollments[ResearchState.key(e.study, mrn)]!.tasks[e.purpose] = e.task
            } else {
                guard let st = research.studies[e.study] else { anomalies += 1; return }
                research.studies[e.study]!.reviewTask = e.task
                research.studies[e.study]!.reviewFor = st.approvedUntil
            }
        default:
            break
        }
    }

    /// Every deviation recorded, oldest first.
    public var deviations: [(enrollment: Enrollment, visit: String, record: StudyVisitRecord)] {
        var out: [(Enrollment, String, StudyVisitRecord)] = []
        for e in research.enrollments.values {
            for (name, v) in e.visits where v.deviation != nil { out.append((e, name, v)) }
        }
        return out.sorted { ($0.2.at, $0.0.study, $0.0.mrn, $0.1) < ($1.2.at, $1.0.study, $1.0.mrn, $1.1) }
    }
}
