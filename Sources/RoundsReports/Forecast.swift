import RoundsDomain

/// Tomorrow's beds as tables: the forecast by unit, by unit and hour, what each patient adds,
/// and the open discharge barriers. The rules are the domain's (RoundsDomain/Beds/Forecast.swift).
enum ForecastTables {
    /// `rounds report forecast`: by unit, by hour, the patients counted, the open barriers.
    static func report(_ s: HospitalState, _ c: ReportContext) -> [Table] {
        let f = s.bedForecast(at: c.now, wallClock: c.wallClock)
        return [byUnit(f, c), byHour(f, c), items(s, f, c), barriers(s, c)]
    }

    static func shortCells(_ f: BedForecast, _ u: UnitForecast, _ c: ReportContext) -> [Cell] {
        let shortBy: Cell = u.shortfall > 0 ? .integer("‼ short \(u.shortfall)", u.shortfall) : .integer("", 0)
        let from: Cell = u.shortfallSlot.map { .time(f.slotStarts[$0], shown: f.label($0, c.wallClock), c.wallClock) } ?? .time(nil, shown: "", c.wallClock)
        return [shortBy, from]
    }

    /// One row per unit and one for the hospital: free now, leaving and needed in 24 h, the
    /// lowest availability and the shortfall.
    static func byUnit(_ f: BedForecast, _ c: ReportContext, onlyShort: Bool = false) -> Table {
        var rows: [[Cell]] = []
        for u in f.units + [f.total] where !onlyShort || u.shortfall > 0 || u.unit == nil {
            rows.append([.text(u.unit ?? "All"), .integer(u.freeNow), .integer(u.totalDischarges), .integer(u.held), .integer(u.totalDemand),
                         .integer(u.lowest)] + shortCells(f, u, c))
        }
        var footer = ["24 h from \(c.wallClock.dateTime(f.slotStarts[0])); discharges at \(Policy.clock(f.dischargeTime)) on their expected date",
                      "a patient with an open discharge barrier is not counted as a discharge"]
        if f.unplaced > 0 { footer.append("\(f.unplaced) waiting with no unit asked for: counted in All only") }
        return Table(key: onlyShort ? "bed_forecast" : "forecast_by_unit", title: onlyShort ? "Bed forecast, next 24 h (units short of beds)" : "Bed forecast by unit, next 24 h (as at \(c.wallClock.dateTime(c.now)))",
                     columns: [Column("Unit", key: "unit"), Column("Free now", key: "free_now", .integer), Column("Leaving", key: "discharges", .integer),
                               Column("Held", key: "held_by_barrier", .integer), Column("Needed", key: "demand", .integer),
                               Column("Lowest", key: "lowest_available", .integer), Column("Short", key: "short_by", .integer),
                               Column("From", key: "short_from", .timestamp)],
                     rows: rows, footer: footer)
    }

    /// One row per unit (and the hospital) and hour.
    static func byHour(_ f: BedForecast, _ c: ReportContext) -> Table {
        var rows: [[Cell]] = []
        for u in f.units + [f.total] {
            for h in 0..<BedForecast.hours {
                rows.append([.text(u.unit ?? "All"), .time(f.slotStarts[h], shown: c.wallClock.hhmm(f.slotStarts[h]), c.wallClock),
                             .integer(u.discharges[h]), .integer(u.demand[h]),
                             .integer(u.available[h] < 0 ? "‼ \(u.available[h])" : "\(u.available[h])", u.available[h])])
            }
        }
        return Table(key: "forecast_by_hour", title: "Beds by unit and hour",
                     columns: [Column("Unit", key: "unit"), Column("Hour", key: "hour", .timestamp), Column("Leaving", key: "discharges", .integer),
                               Column("Needed", key: "demand", .integer), Column("Available", key: "available", .integer)],
                     rows: rows)
    }

    /// Every patient the forecast counted, or would have counted but for a barrier.
    static func items(_ s: HospitalState, _ f: BedForecast, _ c: ReportContext) -> Table {
        let rows = f.items.map { it -> [Cell] in
            let who = s.patients[it.mrn].map { "\(it.mrn) \(briefName($0.name))" } ?? it.mrn
            return [.word(it.kind.rawValue, it.kind.rawValue), .boolean(it.kind.counts ? "yes" : "no", it.kind.counts), .word(it.unit ?? "no unit", it.unit),
                    .word(who, it.mrn), .time(it.at, shown: it.slot.map { f.label($0, c.wallClock) } ?? "", c.wallClock), .text(it.detail)]
        }
        return Table(key: "forecast_patients", title: "Patients in the forecast",
                     columns: [Column("Kind", key: "kind"), Column("Counted", key: "counted", .boolean), Column("Unit", key: "unit"),
                               Column("Patient", key: "mrn"), Column("When", key: "expected_at", .timestamp), Column("Why", key: "detail")],
                     rows: rows)
    }

    /// The open discharge barriers of patients in beds (`rounds report barriers`).
    static func barriers(_ s: HospitalState, _ c: ReportContext) -> Table {
        let wall = c.wallClock
        let rows = s.openBarriers.map { st, b -> [Cell] in
            let who = s.patients[st.mrn].map { "\(st.mrn) \(briefName($0.name))" } ?? st.mrn
            let unit = st.bed.flatMap { s.beds[$0]?.unit }
            return [.word(st.bed ?? "", st.bed), .word(unit ?? "", unit), .word(who, st.mrn), .word(b.kind.rawValue, b.kind.rawValue), .text(b.note),
                    .date(st.expectedDischarge), .time(b.recordedAt, shown: "\(wall.dateTime(b.recordedAt)) (\(c.now - b.recordedAt) ago)", wall), .text(b.recordedBy)]
        }
        return Table(key: "open_barriers", title: "Open discharge barriers (\(rows.count))",
                     columns: [Column("Bed", key: "bed"), Column("Unit", key: "unit"), Column("Patient", key: "mrn"), Column("Barrier", key: "kind"),
                               Column("Note", key: "note"), Column("EDD", key: "expected_discharge", .date), Column("Recorded", key: "recorded_at", .timestamp),
                               Column("By", key: "recorded_by")],
                     rows: rows,
                     footer: rows.isEmpty ? [] : ["resolve with: barrier resolve MRN KIND [note \"…\"]"])
    }
}

/// "Family, Given" → "Family, G."
func briefName(_ full: String) -> String {
    let parts = full.split(separator: ",", maxSplits: 1)
    guard parts.count == 2, let initial = parts[1].first(where: { $0 != " " }) else { return full }
    return "\(parts[0]), \(initial)."
}
