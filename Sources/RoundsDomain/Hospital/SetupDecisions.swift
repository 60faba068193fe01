// Setting the hospital up: units, beds, the staff roster, policy and its name.
// How `Decider` judges this area's commands (Docs/ARCHITECTURE.md, "The domain by area").

extension Decision {
    mutating func runSetup(_ command: Command) throws(Refusal) {
        switch command {
        case let .addUnit(code, name, kind):
            guard IdentifierSyntax.isValidCode(Substring(code)) else { throw Refusal("'\(code)' is not a valid unit code", hint: "use 1–16 letters, digits, - or _") }
            if s.units[code] != nil { throw Refusal("unit \(code) already exists") }
            try checkText(name, "the unit name", max: 60)
            emit(.unitAdded(UnitAdded(code: code, name: name, kind: kind)))

        case let .addBed(id, unitCode, attributes):
            guard IdentifierSyntax.isValidCode(Substring(id)) else { throw Refusal("'\(id)' is not a valid bed name", hint: "use 1–16 letters, digits, - or _, e.g. ICU-01") }
            _ = try unit(unitCode)
            if s.beds[id] != nil { throw Refusal("bed \(id) already exists") }
            emit(.bedAdded(BedAdded(id: id, unit: unitCode, attributes: attributes)))

        case let .setStaff(login, name, role, onDuty):
            guard IdentifierSyntax.isValidLogin(Substring(login)) else { throw Refusal("'\(login)' is not a valid login", hint: "logins start with a letter and use letters, digits, ., - or _") }
            if login == Rules.actor { throw Refusal("'\(login)' is reserved: it names the engine's own time rules in the journal", hint: "put people on the roster by their own login") }
            if let existing = s.staff[login] {
                var updated = existing
                if let name { try checkText(name, "the name", max: 80); updated.name = name }
                if let role { updated.role = role }
                if let onDuty { updated.onDuty = onDuty }
                if updated == existing { throw Refusal("nothing to change for \(login)", hint: "give name, role or duty on|off") }
                emit(.staffRecorded(updated))
            } else {
                guard let name, let role else { throw Refusal("\(login) is not on the roster yet", hint: "a new staff member needs both name \"Name\" and role \(Role.words)") }
                try checkText(name, "the name", max: 80)
                emit(.staffRecorded(Staff(login: login, name: name, role: role, onDuty: onDuty ?? true)))
            }

        case let .setPolicy(key, value):
            if key == .elderlyAge {
                guard (40...110).contains(value) else { throw Refusal("\(key.rawValue) of \(value) is out of range", hint: "give an age from 40 to 110 years") }
            } else if key == .dischargeTime {
                guard value >= 0, value < Span.days(1).milliseconds, value % 60_000 == 0 else {
                    throw Refusal("\(key.rawValue) is a time of day", hint: "give a clock time from 00:00 to 23:59, e.g. policy set discharge-time 11:00")
                }
            } else {
                guard value >= 0, value <= Span.days(2).milliseconds else { throw Refusal("\(key.rawValue) is out of range", hint: "give a duration from 0m to 48h, e.g. 30m") }
                if key == .criticalWindow || key == .messageAckWindow || key == .breakGlass, value < Span.minutes(1).milliseconds {
                    throw Refusal("\(key.rawValue) must be at least 1 minute")
                }
                if key == .breakGlass, value > BreakGlass.longest.milliseconds {
                    throw Refusal("\(key.rawValue) may be at most \(BreakGlass.longest)", hint: "emergency access is time-boxed; give e.g. 30m")
                }
            }
            emit(.policySet(PolicySet(key: key, value: value)))

        case .nameHospital(let name):
            let trimmed = name.trimmingCharacters(in: " ")
            try checkText(trimmed, "the hospital name", max: 80)
            if s.hospitalName == trimmed { throw Refusal("the hospital is already named \"\(trimmed)\"") }
            emit(.hospitalNamed(HospitalNamed(name: trimmed)))
        default:
            break
        }
    }
}
