// The worklist: a task's life from added to done, cancelled or reopened.
// How `Decider` judges this area's commands (Docs/ARCHITECTURE.md, "The domain by area").

extension Decision {
    mutating func runWorklist(_ command: Command) throws(Refusal) {
        switch command {
        case let .addTask(title, patient, priority, due, owner, note):
            try checkText(title, "the task title", max: 200)
            if let patient { _ = try self.patient(patient) }
            if let due { try checkFuture(due, "the due time") }
            try checkAssignee(owner)
            if let note { try checkText(note, "the note") }
            _ = newTask(title, kind: .general, priority: priority, due: due ?? defaultDue(for: priority, from: now),
                        owner: owner, patient: patient, link: .none, note: note)

        case .startTask(let id):
            let t = try openTask(id)
            if t.status == .inprogress { throw Refusal("task \(id) is already in progress") }
            emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .inprogress, note: nil)))

        case let .waitTask(id, reason):
            let t = try openTask(id)
            if t.status == .waiting { throw Refusal("task \(id) is already waiting") }
            if let reason { try checkText(reason, "the reason", max: 200) }
            emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .waiting, note: reason)))

        case let .completeTask(id, note, communication):
            let t = try openTask(id)
            if let note { try checkText(note, "the note") }
            switch t.kind {
            case .criticalresult:
                guard case .lab(let labID) = t.link else { throw Refusal("task \(id) has lost its lab link") }
                guard let communication else {
                    throw Refusal("task \(id) communicates a critical result: it can be completed only by recording who was told and their read-back",
                                  hint: "task done \(id) told \"Dr Name\" role physician readback VALUE")
                }
                try communicate(labID, task: id, communication)
            case .cleaning:
                let bedID = t.link.description.replacingOccurrences(of: "bed ", with: "")
                if s.beds[bedID]?.status == .blocked {
                    throw Refusal("task \(id) asks for bed \(bedID) to be cleaned, and the bed is blocked", hint: "close the request: task cancel \(id) reason \"bed blocked\"; cleaning is asked for again when the bed is unblocked")
                }
                throw Refusal("task \(id) is a cleaning request: it closes when the bed is marked clean", hint: "bed clean \(bedID)")
            default:
                if communication != nil { throw Refusal("task \(id) is not a critical-result task", hint: "drop told/role/readback") }
                emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .done, note: note)))
            }

        case let .cancelTask(id, reason):
            let t = try openTask(id)
            try checkText(reason, "the reason", max: 200)
            if t.kind == .criticalresult { throw Refusal("task \(id) communicates a critical result and cannot be cancelled", hint: "record the communication: task done \(id) told \"Dr Name\" role physician readback VALUE") }
            if t.kind == .cleaning, case .bed(let bedID) = t.link, s.beds[bedID]?.status != .blocked {
                throw Refusal("task \(id) is a cleaning request: it closes when the bed is marked clean", hint: "bed clean \(bedID) when EVS finish")
            }
            emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .cancelled, note: reason)))

        case let .reopenTask(id, reason):
            let t = try task(id)
            guard t.status.isClosed else { throw Refusal("task \(id) is \(t.status.rawValue), not closed") }
            if t.kind == .criticalresult || t.kind == .cleaning { throw Refusal("a \(t.kind.rawValue) task closes by its own rule and cannot be reopened", hint: "add a new task instead") }
            emit(.taskStatusChanged(TaskStatusChanged(id: id, status: .open, note: reason)))

        case let .reassignTask(id, owner):
            let t = try openTask(id)
            try checkAssignee(owner)
            if t.owner == owner { throw Refusal("task \(id) is already with \(owner?.description ?? "nobody")") }
            emit(.taskReassigned(TaskReassigned(id: id, owner: owner)))

        case let .snoozeTask(id, until, reason):
            let t = try openTask(id)
            if t.kind == .criticalresult { throw Refusal("a critical-result task cannot be snoozed", hint: "communicate the result within the window; it escalates when the window passes") }
            try checkFuture(until, "the new due time")
            if until > now + .days(14) { throw Refusal("snoozing past 14 days is not allowed", hint: "cancel the task with a reason instead") }
            if let reason { try checkText(reason, "the reason", max: 200) }
            emit(.taskRescheduled(TaskRescheduled(id: id, due: until, reason: reason)))

        case let .noteTask(id, text):
            _ = try task(id)
            try checkText(text, "the note")
            emit(.taskNoted(TaskNoted(id: id, text: text)))
        default:
            break
        }
    }
}
