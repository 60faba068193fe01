// Messages between staff: sent, replied, read, acknowledged.
// How `Decider` judges this area's commands (Docs/ARCHITECTURE.md, "The domain by area").

extension Decision {
    mutating func runMessages(_ command: Command) throws(Refusal) {
        switch command {
        case let .sendMessage(to, patient, subject, body, urgent):
            try checkAssignee(to)
            if let patient { _ = try self.patient(patient) }
            try checkText(subject, "the subject", max: 120)
            if !body.isEmpty { try checkText(body, "the body", max: 2000) }
            emit(.messageSent(MessageSent(id: MessageID(nextMessage), to: to, patient: patient, subject: subject, body: body,
                                          urgent: urgent, replyTo: nil, system: false)))
            nextMessage += 1

        case let .replyMessage(id, body, urgent):
            let m = try message(id)
            try checkText(body, "the reply", max: 2000)
            let to: Assignee = m.from == actor ? m.to : .person(m.from)
            let subject = m.subject.hasPrefix("Re: ") ? m.subject : "Re: " + m.subject
            emit(.messageSent(MessageSent(id: MessageID(nextMessage), to: to, patient: m.patient, subject: String(subject.prefix(120)),
                                          body: body, urgent: urgent, replyTo: id, system: false)))
            nextMessage += 1

        case .readMessage(let id):
            let m = try message(id)
            if m.readBy[actor] != nil { throw Refusal("message \(id) is already marked read by \(actor)") }
            emit(.messageRead(MessageRead(id: id)))

        case .acknowledgeMessage(let id):
            let m = try message(id)
            if let by = m.acknowledgedBy {
                throw Refusal("message \(id) was already acknowledged by \(by)" + (m.acknowledgedOnBehalfOf.map { " for \($0)" } ?? ""))
            }
            // Acknowledging says a recipient has it in hand and stops the escalation, so only a
            // recipient may, or a supervisor for them (recorded as such); never the sender.
            let role = s.staff[actor]?.role
            if m.from == actor {
                throw Refusal("\(actor) sent message \(id) and cannot acknowledge it: an acknowledgement says a recipient (\(m.to)) has it in hand",
                              hint: "wait for \(m.to) to acknowledge it; if it is still urgent, reply or call them")
            }
            if m.isAddressed(to: actor, role: role) {
                emit(.messageAcknowledged(MessageAcknowledged(id: id)))
            } else if role == .supervisor {
                emit(.messageAcknowledged(MessageAcknowledged(id: id, onBehalfOf: m.to)))
            } else {
                throw Refusal("message \(id) is addressed to \(m.to), not to \(actor)\(role.map { " (\($0.label))" } ?? ""): only a recipient may acknowledge it",
                              hint: "a supervisor may acknowledge it on the recipient's behalf; to respond, msg reply \(id) \"…\"")
            }
        default:
            break
        }
    }
}
