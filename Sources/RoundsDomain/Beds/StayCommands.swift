// How the command language reads the admission, patient details and bed commands (one grammar: `CommandParser.grammar`).

extension CommandReader {
    mutating func admit() throws(ParseError) -> Command {
        var a = Admission(mrn: try mrn(), source: .ed)
        try options(["name", "dob", "sex", "from", "unit", "needs", "precautions", "language", "interpreter", "lives-alone",
                     "fall-risk", "attending", "edd"]) { (r, key) throws(ParseError) in
            switch key {
            case "name": a.name = try r.text("name")
            case "dob": a.dateOfBirth = try r.date("date of birth")
            case "sex": a.sex = try r.word(try r.next("sex"), Sex.self, "sex")
            case "from": a.source = try r.word(try r.next("source"), AdmissionSource.self, "admission source")
            case "unit": a.wantedUnit = try r.code("unit")
            case "needs": a.needs = try r.set(try r.next("needs"), BedAttribute.self, "bed attribute")
            case "precautions": a.changes.precautions = try r.set(try r.next("precautions"), Precaution.self, "precaution")
            case "language": a.changes.language = .some(try r.text("language"))
            case "interpreter": a.changes.interpreter = true
            case "lives-alone": a.changes.livesAlone = true
            case "fall-risk": a.changes.fallRisk = true
            case "attending": a.attending = try r.text("attending")
            default: a.expectedDischarge = try r.date("expected discharge date")
            }
        }
        return .admit(a)
    }

    mutating func patient() throws(ParseError) -> Command {
        let mrn = try mrn()
        var c = PatientChanges()
        func noneOr(_ t: String) -> String? { t.lowercased() == "none" ? nil : t }
        try options(["name", "language", "interpreter", "precautions", "fall-risk", "lives-alone", "edd", "attending", "needs"]) { (r, key) throws(ParseError) in
            switch key {
            case "name": c.name = try r.text("name")
            case "language": c.language = .some(noneOr(try r.text("language")))
            case "interpreter": c.interpreter = try r.yesNo("interpreter")
            case "precautions": c.precautions = try r.set(try r.next("precautions"), Precaution.self, "precaution")
            case "fall-risk": c.fallRisk = try r.yesNo("fall-risk")
            case "lives-alone": c.livesAlone = try r.yesNo("lives-alone")
            case "edd":
                let t = try r.next("expected discharge date")
                if t.lowercased() == "none" { c.expectedDischarge = .some(nil) }
                else if let d = CommandParser.parseDate(t, context: r.ctx) { c.expectedDischarge = .some(d) }
                else { throw r.fail("'\(t)' is not a date; use YYYY-MM-DD, today, tomorrow, +2d or none") }
            case "attending": c.attending = .some(noneOr(try r.text("attending")))
            default: c.needs = try r.set(try r.next("needs"), BedAttribute.self, "bed attribute")
            }
        }
        if c.isEmpty { throw fail("patient \(mrn): say what to change") }
        return .updatePatient(mrn: mrn, changes: c)
    }

    mutating func bed() throws(ParseError) -> Command {
        let sub = try next("sub-command").lowercased()
        switch sub {
        case "dirty", "cleaning", "clean", "release", "unblock":
            let bed = try code("bed")
            try end()
            switch sub {
            case "dirty": return .markDirty(bed: bed)
            case "cleaning": return .startCleaning(bed: bed)
            case "clean": return .finishCleaning(bed: bed)
            case "release": return .releaseReservation(bed: bed)
            default: return .unblock(bed: bed)
            }
        case "block":
            let bed = try code("bed")
            var reason: String?, until: Timestamp?
            try options(["reason", "until"]) { (r, key) throws(ParseError) in
                if key == "reason" { reason = try r.text("reason") } else { until = try r.time("until-time") }
            }
            guard let reason else { throw fail("bed block needs reason \"…\"") }
            return .block(bed: bed, reason: reason, until: until)
        case "add":
            let bed = try code("bed")
            var unit: String?, attrs = Set<BedAttribute>()
            try options(["unit", "attrs"]) { (r, key) throws(ParseError) in
                if key == "unit" { unit = try r.code("unit") } else { attrs = try r.set(try r.next("attributes"), BedAttribute.self, "bed attribute") }
            }
            guard let unit else { throw fail("bed add needs unit CODE") }
            return .addBed(id: bed, unit: unit, attributes: attrs)
        default:
            throw fail("bed: unknown sub-command '\(sub)'; valid: dirty, cleaning, clean, block, unblock, release, add")
        }
    }
}
