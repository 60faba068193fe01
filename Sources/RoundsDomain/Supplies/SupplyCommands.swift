/// `stock …` and `equip …`: the supplies and equipment commands (grammar in
/// `CommandParser.grammar`, Docs/COMMANDS.md).

public enum SupplyCommand: Equatable, Sendable {
    case define(item: String, location: String, name: String?, unit: String?, min: Int?, max: Int?, reorder: Int?, vendor: String?, leadDays: Int?, isNew: Bool)
    case stock(item: String, location: String, step: StockStep, quantity: Int?, lot: String?, expires: LocalDate?, patient: MRN?, note: String?)
    case addEquipment(tag: String, kind: EquipmentKind, name: String, location: String, maintenance: LocalDate, vendor: String?)
    /// `target`: a procedure (P…), a bed or an MRN, worked out by the decider.
    case assign(tag: String, target: String)
    case equipment(tag: String, step: EquipmentStep, note: String?, next: LocalDate?)
    case need(procedure: ProcedureID, kind: EquipmentKind, needed: Bool)
}

extension CommandReader {
    mutating func count(_ what: String, _ range: ClosedRange<Int>) throws(ParseError) -> Int {
        let t = try next(what)
        guard let n = Int(t), range.contains(n) else { throw fail("'\(t)' is not \(what): a whole number from \(range.lowerBound) to \(range.upperBound)") }
        return n
    }

    /// `ITEM at LOCATION`.
    mutating func stockPlace() throws(ParseError) -> (String, String) {
        let item = try code("item code")
        guard peekIs("at") else { throw fail("\(verb): after the item code comes at LOCATION, e.g. stock count SAL10 at 4W 24") }
        index += 1
        return (item, try code("location"))
    }

    mutating func stock() throws(ParseError) -> Command {
        let sub = try next("sub-command (add, par, count, receive, use, discard, order)").lowercased()
        switch sub {
        case "add", "par":
            let (item, location) = try stockPlace()
            var name: String?, unit: String?, min: Int?, max: Int?, reorder: Int?, vendor: String?, lead: Int?
            let keys = sub == "add" ? ["name", "unit", "min", "max", "reorder", "vendor", "lead"] : ["min", "max", "reorder", "vendor", "lead"]
            try options(keys) { (r, key) throws(ParseError) in
                switch key {
                case "name": name = try r.text("the item's name in quotes")
                case "unit": unit = try r.text("the unit of issue, e.g. box, each, bag")
                case "min": min = try r.count("the min (the level that triggers a reorder)", 0...100_000)
                case "max": max = try r.count("the max (the par level)", 1...100_000)
                case "reorder": reorder = try r.count("the reorder quantity", 1...100_000)
                case "vendor": vendor = try r.text("the vendor in quotes")
                default: lead = try r.count("the lead time in days", 0...365)
                }
            }
            if sub == "add" {
                guard name != nil, unit != nil, min != nil, max != nil else {
                    throw fail("stock add needs name \"…\", unit UNIT, min N and max N (reorder, vendor and lead are optional)")
                }
            } else if min == nil, max == nil, reorder == nil, vendor == nil, lead == nil {
                throw fail("stock par needs at least one of min, max, reorder, vendor, lead")
            }
            return .supplies(.define(item: item, location: location, name: name, unit: unit, min: min, max: max, reorder: reorder, vendor: vendor,
                                     leadDays: lead, isNew: sub == "add"))
        case "count", "receive", "use", "discard", "order":
            let (item, location) = try stockPlace()
            let step: StockStep = switch sub { case "count": .counted; case "receive": .received; case "use": .used; case "discard": .discarded; default: .ordered }
            var quantity: Int?
            if step == .ordered {
                if !atEnd, Int(tokens[index]) != nil { quantity = try count("the quantity", 1...100_000) }
            } else {
                quantity = try count(step == .counted ? "the count" : "the quantity", step == .counted ? 0...1_000_000 : 1...100_000)
            }
            var lot: String?, expires: LocalDate?, patient: MRN?, note: String?
            let keys: [String] = switch step {
            case .counted: ["lot"]
            case .received: ["lot", "expires"]
            case .used: ["for"]
            case .discarded: ["lot", "reason"]
            case .ordered: ["note"]
            }
            try options(keys) { (r, key) throws(ParseError) in
                switch key {
                case "lot": lot = try r.text("the lot number")
                case "expires": expires = try r.date("the lot's expiry date")
                case "for": patient = try r.mrn()
                default: note = try r.text(key == "reason" ? "the reason in quotes, e.g. \"expired\"" : "the note in quotes")
                }
            }
            if step == .received, (lot == nil) != (expires == nil) { throw fail("stock receive: a lot comes with its expiry date: lot \"L123\" expires DATE") }
            if step == .discarded, note == nil { throw fail("stock discard needs reason \"…\" (expired, damaged, recalled…)") }
            return .supplies(.stock(item: item, location: location, step: step, quantity: quantity, lot: lot, expires: expires, patient: patient, note: note))
        default:
            throw fail("stock: unknown sub-command '\(sub)'; valid: add, par, count, receive, use, discard, order")
        }
    }

    mutating func equip() throws(ParseError) -> Command {
        let sub = try next("sub-command (add, assign, return, clean, fault, out, repaired, maintained, need)").lowercased()
        switch sub {
        case "add":
            let tag = try code("asset tag")
            var kind: EquipmentKind?, name: String?, location: String?, due: LocalDate?, vendor: String?
            try options(["kind", "name", "at", "maintenance", "vendor"]) { (r, key) throws(ParseError) in
                switch key {
                case "kind": kind = try r.word(try r.next("kind (\(EquipmentKind.words))"), EquipmentKind.self, "kind of equipment")
                case "name": name = try r.text("the device's name in quotes")
                case "at": location = try r.code("home location")
                case "maintenance": due = try r.date("the date its planned maintenance is due")
                default: vendor = try r.text("the vendor in quotes")
                }
            }
            guard let kind, let name, let location, let due else { throw fail("equip add needs kind KIND, name \"…\", at LOCATION and maintenance DATE") }
            return .supplies(.addEquipment(tag: tag, kind: kind, name: name, location: location, maintenance: due, vendor: vendor))
        case "assign":
            let tag = try code("asset tag")
            guard peekIs("to") else { throw fail("equip assign: after the asset tag comes to MRN, to P… (a procedure) or to BED") }
            index += 1
            let target = try next("a patient's MRN, a procedure (P…) or a bed")
            try end()
            return .supplies(.assign(tag: tag, target: target.uppercased()))
        case "return", "clean", "repaired":
            let tag = try code("asset tag")
            var note: String?
            try options(["note"]) { (r, _) throws(ParseError) in note = try r.text("the note in quotes") }
            let step: EquipmentStep = sub == "return" ? .returned : sub == "clean" ? .cleaned : .repaired
            return .supplies(.equipment(tag: tag, step: step, note: note, next: nil))
        case "fault", "out":
            let tag = try code("asset tag")
            var note: String?
            try options(["reason"]) { (r, _) throws(ParseError) in note = try r.text("the reason in quotes") }
            guard note != nil else { throw fail("equip \(sub) needs reason \"…\"") }
            return .supplies(.equipment(tag: tag, step: sub == "fault" ? .fault : .removed, note: note, next: nil))
        case "maintained":
            let tag = try code("asset tag")
            var next: LocalDate?, note: String?
            try options(["next", "note"]) { (r, key) throws(ParseError) in
                if key == "next" { next = try r.date("the next maintenance date") } else { note = try r.text("the note in quotes") }
            }
            guard next != nil else { throw fail("equip maintained needs next DATE (when the next planned maintenance is due)") }
            return .supplies(.equipment(tag: tag, step: .maintained, note: note, next: next))
        case "need":
            let p = try id(ProcedureID.self, "procedure")
            let kind = try word(try next("kind (\(EquipmentKind.words))"), EquipmentKind.self, "kind of equipment")
            var needed = true
            if !atEnd {
                let t = try next("off")
                guard t.lowercased() == "off" else { throw fail("equip need: unexpected '\(t)'; add off to say it is no longer needed") }
                needed = false
            }
            try end()
            return .supplies(.need(procedure: p, kind: kind, needed: needed))
        default:
            throw fail("equip: unknown sub-command '\(sub)'; valid: add, assign, return, clean, fault, out, repaired, maintained, need")
        }
    }
}
