// How the events of tasks change the hospital: part of `HospitalState.apply`, the only code
// that changes state (Docs/ARCHITECTURE.md, "The domain by area").

extension HospitalState {
    mutating func applyWorklist(_ r: Recorded, at now: Timestamp) {
        switch r.event {
        case .taskCreated(let e):
            guard tasks.accepts(e.id) else { anomalies += 1; return }
            if openTasks.contains(e.id) { openTaskIndex.remove(e.id, from: tasks) }
            tasks.insert(WorklistTask(id: e.id, title: e.title, kind: e.kind, priority: e.priority, due: e.due, owner: e.owner,
                                       status: .open, patient: e.patient, link: e.link,
                                       notes: e.note.map { [Note(at: now, by: r.actor, text: $0)] } ?? [],
                                       createdAt: now, createdBy: r.actor, closedAt: nil, closedBy: nil, communication: nil, escalation: 0), at: e.id)
            openTasks.insert(e.id)
            openTaskIndex.insert(e.id, from: tasks)
            if e.kind == .cleaning, case .bed(let bed) = e.link { cleaningTask[bed] = e.id }
            nextTask = max(nextTask, e.id.number + 1)
        case .taskStatusChanged(let e):
            guard tasks.contains(e.id) else { anomalies += 1; return }
            setTaskStatus(e.id, e.status, note: e.note, at: now, by: r.actor)
        case .taskReassigned(let e):
            guard tasks.contains(e.id) else { anomalies += 1; return }
            let open = openTasks.contains(e.id)
            if open { openTaskIndex.remove(e.id, from: tasks) }
            tasks[e.id]!.owner = e.owner
            if open { openTaskIndex.insert(e.id, from: tasks) }
        case .taskRescheduled(let e):
            guard tasks.contains(e.id) else { anomalies += 1; return }
            let open = openTasks.contains(e.id)
            if open { openTaskIndex.remove(e.id, from: tasks) }
            tasks[e.id]!.due = e.due
            if open { openTaskIndex.insert(e.id, from: tasks) }
            tasks[e.id]!.escalation = 0
            if let reason = e.reason { tasks[e.id]!.notes.append(Note(at: now, by: r.actor, text: reason)) }
        case .taskNoted(let e):
            guard tasks.contains(e.id) else { anomalies += 1; return }
            tasks[e.id]!.notes.append(Note(at: now, by: r.actor, text: e.text))
        case .taskEscalated(let e):
            guard tasks.contains(e.id) else { anomalies += 1; return }
            tasks[e.id]!.escalation = max(tasks[e.id]!.escalation, e.level)
        default:
            break
        }
    }
}
