// Lab orders: ordered, collected, received, resulted, acknowledged, and critical results communicated.
// How `Decider` judges this area's commands (Docs/ARCHITECTURE.md, "The domain by area").

extension Decision {
    mutating func runLabs(_ command: Command) throws(Refusal) {
        switch command {
        case let .orderLab(mrn, test, priority, neededBy):
            _ = try patient(mrn)
            let code = test.uppercased()
            guard (1...16).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw Refusal("'\(test)' is not a test code", hint: "known tests: \(LabCatalog.codes)")
            }
            if let neededBy { try checkFuture(neededBy, "the needed-by time") }
            emit(.labOrdered(LabOrdered(id: LabID(nextLab), mrn: mrn, test: code, priority: priority, neededBy: neededBy)))
            nextLab += 1

        case .collectLab(let id):
            let l = try lab(id)
            guard l.status == .ordered else { throw Refusal("lab \(id) is \(l.status.rawValue)", hint: "only an ordered lab can be collected") }
            emit(.labProgressed(LabProgressed(id: id, status: .collected)))

        case .receiveLab(let id):
            let l = try lab(id)
            guard l.status == .collected else { throw Refusal("lab \(id) is \(l.status.rawValue)", hint: "the lab receives a specimen after it is collected") }
            emit(.labProgressed(LabProgressed(id: id, status: .received)))

        case let .resultLab(id, value, units, range, flag):
            let l = try lab(id)
            guard l.status == .collected || l.status == .received else {
                throw Refusal("lab \(id) is \(l.status.rawValue)", hint: l.status == .ordered ? "collect it first: lab collect \(id)" : "a lab is resulted once")
            }
            try checkText(value, "the value", max: 60)
            if let units, !units.isEmpty { try checkText(units, "the units", max: 30) }
            if let range, !range.isEmpty { try checkText(range, "the range", max: 60) }
            let known = LabCatalog.test(l.test)
            guard let finalFlag = flag ?? known?.flag(for: value) else {
                throw Refusal("cannot tell whether \(value) is normal for \(l.test)",
                              hint: "add flag normal|abnormal|critical, e.g. lab result \(id) \(value.contains(" ") ? "\"\(value)\"" : value) flag abnormal")
            }
            let result = LabResult(value: value, units: units ?? known?.units ?? "", range: range ?? known?.range ?? "", flag: finalFlag)
            if finalFlag == .critical {
                let taskID = TaskID(nextTask)
                emit(.labResulted(LabResulted(id: id, result: result, criticalTask: taskID)))
                let shown = result.units.isEmpty ? value : "\(value) \(result.units)"
                _ = newTask("Communicate critical \(l.test) \(shown) to the responsible clinician", kind: .criticalresult,
                            priority: .stat, due: now + s.policy.criticalWindow, owner: .role(.coordinator),
                            patient: l.mrn, link: .lab(id))
            } else {
                emit(.labResulted(LabResulted(id: id, result: result, criticalTask: nil)))
            }
            // A procedure flagged not ready becomes ready when its last missing lab is resulted.
            for pid in s.scheduledProcedures.sorted() {
                guard let p = s.procedures[pid], p.mrn == l.mrn, let t = p.notReadyTask, s.tasks[t]?.status.isClosed == false,
                      s.missingTests(for: p).allSatisfy({ $0.caseInsensitiveCompare(l.test) }) else { continue }
                emit(.taskStatusChanged(TaskStatusChanged(id: t, status: .done, note: "All required labs for \(pid) are resulted")))
            }

        case .acknowledgeLab(let id):
            let l = try lab(id)
            guard l.status == .resulted else { throw Refusal("lab \(id) is \(l.status.rawValue), not resulted", hint: "only a result can be acknowledged") }
            if l.awaitsCommunication, let t = l.criticalTask {
                throw Refusal("lab \(id) is critical and not yet communicated", hint: "lab communicate \(id) to \"Dr Name\" role physician readback VALUE (closes \(t))")
            }
            if let by = l.acknowledgedBy { throw Refusal("lab \(id) was already acknowledged by \(by)") }
            emit(.labAcknowledged(LabAcknowledged(id: id)))

        case let .communicateLab(id, c):
            let l = try lab(id)
            guard l.result?.flag == .critical, let t = l.criticalTask else { throw Refusal("lab \(id) has no critical result to communicate", hint: "use lab ack \(id) to acknowledge a result") }
            if l.communication != nil { throw Refusal("lab \(id) was already communicated") }
            try communicate(id, task: t, c)

        case let .cancelLab(id, reason):
            let l = try lab(id)
            guard l.isPending else { throw Refusal("lab \(id) is \(l.status.rawValue) and cannot be cancelled") }
            try checkText(reason, "the reason", max: 200)
            emit(.labCancelled(LabCancelled(id: id, reason: reason)))
        default:
            break
        }
    }
}

extension Decision {
    mutating func communicate(_ labID: LabID, task: TaskID, _ c: CommunicationInput) throws(Refusal) {
        guard let l = s.labs[labID], let result = l.result else { throw Refusal("lab \(labID) has no result") }
        try checkText(c.toldName, "the name of the person told", max: 80)
        try checkText(c.readBack, "the read-back", max: 60)
        guard Decider.readBackMatches(c.readBack, value: result.value) else {
            throw Refusal("the read-back '\(c.readBack)' does not match the result \(result.value) \(result.units)".trimmingCharacters(in: " "),
                          hint: "ask the clinician to read the value back again and record exactly what they said")
        }
        if let t = s.tasks[task], t.status.isClosed { throw Refusal("task \(task) is already \(t.status.rawValue)") }
        emit(.criticalCommunicated(CriticalCommunicated(lab: labID, task: task, toldName: c.toldName, toldRole: c.toldRole, readBack: c.readBack)))
    }
}
