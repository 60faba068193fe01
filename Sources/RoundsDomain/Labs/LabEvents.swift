// How the events of lab orders and results change the hospital: part of `HospitalState.apply`, the only code
// that changes state (Docs/ARCHITECTURE.md, "The domain by area").

extension HospitalState {
    mutating func applyLabs(_ r: Recorded, at now: Timestamp) {
        switch r.event {
        case .labOrdered(let e):
            guard labs.accepts(e.id) else { anomalies += 1; return }
            labs.insert(LabOrder(id: e.id, mrn: e.mrn, test: e.test, priority: e.priority, status: .ordered, orderedAt: now,
                                  neededBy: e.neededBy, collectedAt: nil, receivedAt: nil, resultedAt: nil, result: nil,
                                  acknowledgedBy: nil, acknowledgedAt: nil, communication: nil, criticalTask: nil, external: e.external), at: e.id)
            if let order = e.external { feeds.labByOrder[order] = e.id }
            activeLabs.insert(e.id)
            labsByPatient[e.mrn, default: []].append(e.id)
            nextLab = max(nextLab, e.id.number + 1)
        case .labProgressed(let e):
            guard labs.contains(e.id) else { anomalies += 1; return }
            labs[e.id]!.status = e.status
            if e.status == .collected { labs[e.id]!.collectedAt = now }
            if e.status == .received { labs[e.id]!.receivedAt = now }
        case .labResulted(let e):
            guard labs.contains(e.id) else { anomalies += 1; return }
            let previous = labs[e.id]!.result
            let status = e.status ?? .final
            labs[e.id]!.status = status == .preliminary ? .preliminary : .resulted
            labs[e.id]!.resultedAt = now
            labs[e.id]!.result = e.result
            labs[e.id]!.resultStatus = status
            if status == .corrected { labs[e.id]!.replaced = previous }
            if e.criticalTask != labs[e.id]!.criticalTask, e.criticalTask != nil { labs[e.id]!.communication = nil }
            labs[e.id]!.criticalTask = e.criticalTask ?? (e.result.flag == .critical ? labs[e.id]!.criticalTask : nil)
            if status == .preliminary || labs[e.id]!.awaitsCommunication {
                activeLabs.insert(e.id)
            } else if activeLabs.remove(e.id) != nil || status == .final {
                retire(.lab(e.id), at: now)
            }
        case .labAcknowledged(let e):
            guard labs.contains(e.id) else { anomalies += 1; return }
            labs[e.id]!.acknowledgedBy = r.actor
            labs[e.id]!.acknowledgedAt = now
        case .criticalCommunicated(let e):
            guard labs.contains(e.lab), tasks.contains(e.task) else { anomalies += 1; return }
            let c = Communication(toldName: e.toldName, toldRole: e.toldRole, readBack: e.readBack, at: now, by: r.actor)
            labs[e.lab]!.communication = c
            labs[e.lab]!.acknowledgedBy = labs[e.lab]!.acknowledgedBy ?? r.actor
            labs[e.lab]!.acknowledgedAt = labs[e.lab]!.acknowledgedAt ?? now
            activeLabs.remove(e.lab)
            retire(.lab(e.lab), at: now)
            tasks[e.task]!.communication = c
            setTaskStatus(e.task, .done, note: "Told \(e.toldName) (\(e.toldRole.label)); read back \(e.readBack)", at: now, by: r.actor)
        case .labCancelled(let e):
            guard labs.contains(e.id) else { anomalies += 1; return }
            labs[e.id]!.status = .cancelled
            activeLabs.remove(e.id)
            retire(.lab(e.id), at: now)
        default:
            break
        }
    }
}
