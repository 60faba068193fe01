// How the events of messages change the hospital: part of `HospitalState.apply`, the only code
// that changes state (Docs/ARCHITECTURE.md, "The domain by area").

extension HospitalState {
    mutating func applyMessages(_ r: Recorded, at now: Timestamp) {
        switch r.event {
        case .messageSent(let e):
            guard messages.accepts(e.id) else { anomalies += 1; return }
            let thread = e.replyTo.flatMap { messages[$0]?.thread } ?? e.id
            messages.insert(Message(id: e.id, from: r.actor, to: e.to, patient: e.patient, subject: e.subject, body: e.body,
                                     urgent: e.urgent, sentAt: now, thread: thread, replyTo: e.replyTo, readBy: [r.actor: now],
                                     acknowledgedBy: nil, acknowledgedAt: nil, escalation: 0, system: e.system), at: e.id)
            if e.urgent { unacknowledgedUrgent.insert(e.id) } else { retire(.message(e.id), at: now) }
            messageIndex.sent(e.id, at: now, next: nextMessage, urgent: e.urgent)
            nextMessage = max(nextMessage, e.id.number + 1)
        case .messageRead(let e):
            guard messages.contains(e.id) else { anomalies += 1; return }
            if messages[e.id]!.readBy[r.actor] == nil { messages[e.id]!.readBy[r.actor] = now }
        case .messageAcknowledged(let e):
            guard messages.contains(e.id) else { anomalies += 1; return }
            if messages[e.id]!.readBy[r.actor] == nil { messages[e.id]!.readBy[r.actor] = now }
            messages[e.id]!.acknowledgedBy = r.actor
            messages[e.id]!.acknowledgedAt = now
            messages[e.id]!.acknowledgedOnBehalfOf = e.onBehalfOf
            if unacknowledgedUrgent.remove(e.id) != nil { messageIndex.acknowledged(e.id); retire(.message(e.id), at: now) }
        case .messageEscalated(let e):
            guard messages.contains(e.id) else { anomalies += 1; return }
            messages[e.id]!.escalation = max(messages[e.id]!.escalation, e.level)
        default:
            break
        }
    }
}
