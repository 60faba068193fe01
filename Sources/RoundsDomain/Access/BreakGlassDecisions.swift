// Emergency access (break-glass): granted time-boxed, ended, reviewed.
// How `Decider` judges this area's commands (Docs/ARCHITECTURE.md, "The domain by area").

extension Decision {
    mutating func runAccess(_ command: Command) throws(Refusal) {
        switch command {
        case let .breakGlass(reason, span):
            try breakGlass(reason: reason, span: span)

        case .endBreakGlass(let id):
            let g: BreakGlass
            if let id {
                guard let found = s.grants[id] else { throw Refusal("no break-glass \(id)", hint: "grants are numbered G1 to G\(max(s.nextGrant - 1, 1))") }
                g = found
            } else {
                guard let mine = s.activeGrant(of: actor, at: now) else {
                    throw Refusal("\(actor) has no break-glass in force", hint: "nothing to end")
                }
                g = mine
            }
            guard g.isActive(at: now) else { throw Refusal("break-glass \(g.id) has already ended") }
            emit(.breakGlassEnded(BreakGlassEnded(id: g.id)))

        case let .reviewBreakGlass(id, verdict, note):
            guard let g = s.grants[id] else { throw Refusal("no break-glass \(id)", hint: "grants are numbered G1 to G\(max(s.nextGrant - 1, 1))") }
            if let r = g.review { throw Refusal("break-glass \(id) was already reviewed by \(r.by) (\(r.verdict.rawValue))") }
            if g.login == actor { throw Refusal("\(actor) cannot review their own break-glass", hint: "another supervisor must review \(id)") }
            if g.isActive(at: now) {
                throw Refusal("break-glass \(id) is still in force (\(minutesLeft(g)) min left)", hint: "review it when it ends, or end it now: break-glass end \(id)")
            }
            let text = note ?? ""
            if verdict != .appropriate { try checkText(text, "a note saying what follows") }
            if !text.isEmpty { try checkText(text, "the note") }
            emit(.breakGlassReviewed(BreakGlassReviewed(id: id, verdict: verdict, note: text)))
        default:
            break
        }
    }
}

extension Decision {
    func minutesLeft(_ g: BreakGlass) -> Int64 { max(1, (g.ends - now).milliseconds / 60_000) }

    mutating func breakGlass(reason: String, span: Span?) throws(Refusal) {
        let why = reason.trimmingCharacters(in: " ")
        try checkText(why, "the reason", max: 300)
        if why.count < BreakGlass.shortestReason {
            throw Refusal("a break-glass reason must say why (at least \(BreakGlass.shortestReason) characters; \"\(why)\" is \(why.count))",
                          hint: "e.g. break-glass \"covering 4W: charge nurse called away to a code\"")
        }
        if let g = s.activeGrant(of: actor, at: now) {
            throw Refusal("break-glass \(g.id) is already in force for \(actor) (\(minutesLeft(g)) min left)",
                          hint: "carry on; end it early with: break-glass end")
        }
        let role = s.staff[actor]?.role
        if !Authorization.isSettingUp(s), let role, role.permissions.isSuperset(of: BreakGlass.grants) {
            throw Refusal("\(actor) (\(role.label)) already has every permission break-glass gives", hint: "break-glass is for work your role does not allow")
        }
        let length = span ?? s.policy.breakGlass
        guard length >= .minutes(1), length <= BreakGlass.longest else {
            throw Refusal("break-glass lasts from 1 to \(BreakGlass.longest.milliseconds / 60_000) minutes, not \(length)",
                          hint: "e.g. break-glass \"…\" for 30m; break the glass again if the emergency outlasts it")
        }
        emit(.breakGlassStarted(BreakGlassStarted(id: GrantID(s.nextGrant), reason: why, until: now + length)))
    }
}
