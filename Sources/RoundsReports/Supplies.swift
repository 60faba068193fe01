import RoundsDomain

/// Supplies and equipment as tables: stock against par at each location, the lots that expire
/// within the policy window (or have expired), and every device with its state and maintenance.
enum SupplyTables {
    static func report(_ s: HospitalState, _ c: ReportContext) -> [Table] { [stock(s, c), lots(s, c), equipment(s, c)] }

    static func stock(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let today = wall.localDate(c.now)
        let rows = s.supplies.items.values.sorted { ($0.location, $0.item) < ($1.location, $1.item) }.map { i -> [Cell] in
            let expired = i.expired(on: today)
            let state = i.onHand == 0 ? "‼ OUT" : i.isBelowMin ? "‼ BELOW MIN" : i.onHand > i.max ? "over max" : "ok"
            return [.text(i.location), .text(i.item), .text(i.name), .text(i.unit), .integer(i.onHand), .integer(i.usable(on: today)),
                    .integer(i.min), .integer(i.max), .integer(i.reorder), .word(state, i.onHand == 0 ? "out" : i.isBelowMin ? "below-min" : i.onHand > i.max ? "over-max" : "ok"),
                    .integer(i.order.map { "\($0.quantity)" } ?? "", i.order?.quantity), .time(i.order?.expected, shown: i.order.map { wall.dateTime($0.expected) } ?? "", wall),
                    .date(i.lots.first?.expires), .integer(expired == 0 ? "" : "‼ \(expired)", expired),
                    .text(i.vendor), .integer(i.leadDays), .time(i.countedAt, shown: i.countedAt.map(wall.dateTime) ?? "", wall)]
        }
        let below = s.supplies.items.values.filter(\.isBelowMin).count
        return Table(key: "stock", title: "Stock at par (\(rows.count) items; \(below) below min)",
                     columns: [Column("Location", key: "location"), Column("Item", key: "item"), Column("Name", key: "name"), Column("Unit", key: "unit"),
                               Column("On hand", key: "on_hand", .integer), Column("Usable", key: "usable", .integer), Column("Min", key: "min", .integer),
                               Column("Max", key: "max", .integer), Column("Reorder", key: "reorder_quantity", .integer), Column("State", key: "state"),
                               Column("On order", key: "on_order", .integer), Column("Expected", key: "order_expected", .timestamp),
                               Column("Next expiry", key: "next_expiry", .date), Column("Expired", key: "expired", .integer), Column("Vendor", key: "vendor"),
                               Column("Lead d", key: "lead_days", .integer), Column("Counted", key: "counted_at", .timestamp)],
                     rows: rows, footer: ["usable = on hand less what is in expired lots; below min raises a reorder task for the reorder quantity"])
    }

    /// Lots that expire within the window, or have expired, soonest first.
    static func lots(_ s: HospitalState, _ c: ReportContext) -> Table {
        let today = c.wallClock.localDate(c.now)
        var rows: [(LocalDate, [Cell])] = []
        for i in s.supplies.items.values {
            for lot in i.lots where today >= lot.expires.adding(days: -lotExpiryWindow) {
                let days = Int(lot.expires.daysSinceEpoch - today.daysSinceEpoch)
                let state = days < 0 ? "‼ EXPIRED" : "expires in \(days)d"
                rows.append((lot.expires, [.date(lot.expires), .integer(state, days), .text(i.location), .text(i.item), .text(i.name), .text(lot.lot),
                                           .integer(lot.quantity), .text(i.unit), .word(i.lotTasks[lot.lot].map(\.description) ?? "", i.lotTasks[lot.lot]?.description)]))
            }
        }
        rows.sort { ($0.0, $0.1[2].text, $0.1[3].text, $0.1[5].text) < ($1.0, $1.1[2].text, $1.1[3].text, $1.1[5].text) }
        return Table(key: "lots", title: "Lots expiring within \(lotExpiryWindow) days (\(rows.count))",
                     columns: [Column("Expires", key: "expires", .date), Column("Days", key: "days_to_expiry", .integer), Column("Location", key: "location"),
                               Column("Item", key: "item"), Column("Name", key: "name"), Column("Lot", key: "lot"), Column("Quantity", key: "quantity", .integer),
                               Column("Unit", key: "unit"), Column("Task", key: "task")],
                     rows: rows.map(\.1), footer: ["an expired lot is never used; discard it: stock discard ITEM at LOC N lot \"…\" reason \"expired\""])
    }

    static func equipment(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let today = wall.localDate(c.now)
        let rows = s.supplies.assets.values.sorted { ($0.kind.code, $0.tag) < ($1.kind.code, $1.tag) }.map { a -> [Cell] in
            let days = Int(a.maintenanceDate.daysSinceEpoch - today.daysSinceEpoch)
            let maintenance = a.maintenanceOverdue(at: c.now) ? "‼ OVERDUE" : days <= maintenanceLead ? "due in \(days)d" : "in \(days)d"
            let holder: String? = a.holder.map { h in
                switch h {
                case .patient(let m): m
                case .procedure(let p): p.description
                case .bed(let b): b
                }
            }
            return [.text(a.tag), .word(a.kind.label, a.kind.rawValue), .text(a.name), .text(a.location), .word(a.stateWords, a.status.rawValue),
                    .word(holder ?? "", holder), .time(a.since, shown: wall.dateTime(a.since), wall), .date(a.maintenanceDate),
                    .integer(maintenance, days), .boolean(a.isAvailable(at: c.now) ? "yes" : "no", a.isAvailable(at: c.now)), .text(a.vendor)]
        }
        let free = s.supplies.assets.values.filter { $0.isAvailable(at: c.now) }.count
        return Table(key: "equipment", title: "Equipment (\(rows.count); \(free) free to assign)",
                     columns: [Column("Tag", key: "tag"), Column("Kind", key: "kind"), Column("Name", key: "name"), Column("Home", key: "location"),
                               Column("State", key: "state"), Column("With", key: "holder"), Column("Since", key: "since", .timestamp),
                               Column("Maintenance", key: "maintenance_due", .date), Column("Due", key: "days_to_maintenance", .integer),
                               Column("Free", key: "available", .boolean), Column("Vendor", key: "vendor")],
                     rows: rows, footer: ["past its maintenance date a device cannot be assigned or reserved until maintained"])
    }
}
