#if canImport(Glibc)
import Glibc
#endif
import HL7v2
import RoundsDomain

/// What becomes of one received message.
public enum MapOutcome: Sendable {
    /// Submit to the engine (applied, or held as an interface item by the domain's rules).
    case submit(FeedMessage)
    /// Not applied and not kept: the sender must not resend it as it is (AR).
    case reject(HL7AckError)
    /// An acknowledgement sent to us: never acknowledge an acknowledgement.
    case noReply(String)
}

/// Turns an HL7 v2 message into the actions Rounds applies, by the feed's mapping file
/// (Docs/HL7.md, "What each message does"). Pure: the same message and mapping give the same
/// result; what the hospital's state allows is decided by the domain.
public struct FeedMapper: Sendable {
    public var config: FeedConfig
    public init(config: FeedConfig) { self.config = config }

    public static let supported: [String: Set<String>] = [
        "ADT": ["A01", "A02", "A03", "A04", "A08", "A11", "A12", "A13", "A17", "A40"],
        "ORM": ["O01"], "OML": ["O21"], "ORU": ["R01"],
        "SIU": ["S12", "S13", "S14", "S15", "S17", "S26"],
    ]

    /// FNV-1a, 64 bits, of the message's bytes with line ends made one CR and a leading BOM
    /// and trailing line ends dropped: the duplicate check's content digest (a resend through
    /// a tool that rewrites line ends is the same message).
    public static func digest(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var end = bytes.count
        while end > start, bytes[end - 1] == 0x0D || bytes[end - 1] == 0x0A { end -= 1 }
        var previousCR = false
        while start < end {
            var b = bytes[start]
            start += 1
            if b == 0x0A {
                if previousCR { previousCR = false; continue }
                b = 0x0D
            }
            previousCR = b == 0x0D
            h ^= UInt64(b); h = h &* 0x100_0000_01b3
        }
        return h
    }

    /// The message's text as kept in an interface item (segments separated by CR).
    public static func text(of message: HL7Message, bytes: [UInt8]) -> String {
        var b = bytes[...]
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b = b.dropFirst(3) }
        if message.decodedAsLatin1 { return String(String.UnicodeScalarView(b.map { Unicode.Scalar($0) })) }
        return String(decoding: b, as: UTF8.self)
    }

    public func map(_ m: HL7Message, bytes: [UInt8]) -> MapOutcome {
        if m.isAck { return .noReply("an acknowledgement (MSA) needs no reply") }
        let code = (m.messageCode ?? "").uppercased(), trigger = (m.trigger ?? "").uppercased()
        guard let controlID = m.controlID, !controlID.isEmpty else {
            return .reject(HL7AckError(code: HL7AckError.requiredFieldMissing, location: HL7ErrorLocation(segmentID: "MSH", field: 10),
                                       text: "MSH-10 (message control id) is empty; every message needs one"))
        }
        let pid = (m.processingID ?? "").uppercased()
        guard config.processingIDs.contains(String(pid.prefix(1))) else {
            return .reject(HL7AckError(code: HL7AckError.unsupportedProcessingID, location: HL7ErrorLocation(segmentID: "MSH", field: 11),
                                       text: "processing id '\(pid)' is not accepted here; this feed takes \(config.processingIDs.sorted().joined(separator: ", "))"))
        }
        if let v = m.version, !v.hasPrefix("2.") {
            return .reject(HL7AckError(code: HL7AckError.unsupportedVersionID, location: HL7ErrorLocation(segmentID: "MSH", field: 12),
                                       text: "version '\(v)' is not HL7 v2"))
        }
        guard let triggers = FeedMapper.supported[code] else {
            return .reject(HL7AckError(code: HL7AckError.unsupportedMessageType, location: HL7ErrorLocation(segmentID: "MSH", field: 9),
                                       text: "message type '\(code)' is not supported; Rounds takes \(FeedMapper.supported.keys.sorted().joined(separator: ", "))"))
        }
        guard triggers.contains(trigger) else {
            return .reject(HL7AckError(code: HL7AckError.unsupportedEventCode, location: HL7ErrorLocation(segmentID: "MSH", field: 9, component: 2),
                                       text: "\(code) trigger '\(trigger)' is not supported; Rounds takes \(code)^\(triggers.sorted().joined(separator: ", \(code)^"))"))
        }
        var context = Context(config: config, message: m)
        let plan: FeedMessage.Plan
        do throws(Mapping) {
            switch code {
            case "ADT": plan = .apply(try context.adt(trigger))
            case "ORM", "OML": plan = .apply(try context.orders())
            case "ORU": plan = .apply(try context.results())
            default: plan = .apply(try context.schedule(trigger))
            }
        } catch {
            switch error {
            case .reject(let e): return .reject(e)
            case .hold(let problem): plan = .hold(problem)
            }
        }
        return .submit(FeedMessage(key: "\(m.sendingApplication)|\(m.sendingFacility)|\(controlID)", digest: FeedMapper.digest(bytes),
                                   kind: "\(code)^\(trigger)", raw: FeedMapper.text(of: m, bytes: bytes), patient: context.patient, plan: plan))
    }
}

/// Why a message could not be mapped: rejected (AR, the message itself is wrong) or held as an
/// interface item (the mapping lacks something a coordinator or administrator can supply).
enum Mapping: Error {
    case reject(HL7AckError)
    case hold(String)
}

private struct Context {
    let config: FeedConfig
    let message: HL7Message
    /// The patient the message is about (the first PID's MRN).
    var patient: MRN?

    init(config: FeedConfig, message: HL7Message) { self.config = config; self.message = message }

    func required(_ segment: String, field: Int, _ text: String) -> Mapping {
        .reject(HL7AckError(code: HL7AckError.requiredFieldMissing, location: HL7ErrorLocation(segmentID: segment, field: field), text: text))
    }

    // MARK: Patients

    /// The MRN from a CX list (PID-3, MRG-1) by the mapping's rules.
    func mrn(in seg: HL7Segment, field: Int) throws(Mapping) -> MRN {
        let n = seg.repetitions(field)
        var ids: [(id: String, authority: String?, type: String?)] = []
        for i in 0..<max(n, 1) {
            guard let id = seg.text(field, component: 1, repetition: i), !id.isEmpty else { continue }
            ids.append((id, seg.text(field, component: 4, repetition: i), seg.text(field, component: 5, repetition: i)))
        }
        guard !ids.isEmpty else { throw required(seg.id, field: field, "\(seg.id)-\(field) (patient identifier list) is empty") }
        var chosen: String?
        if config.mrnRules.isEmpty {
            chosen = (ids.first { $0.type?.uppercased() == "MR" } ?? ids[0]).id
        } else {
            for rule in config.mrnRules {
                if let hit = ids.first(where: { id in
                    (rule.type == nil || id.type?.uppercased() == rule.type!.uppercased())
                        && (rule.authority == nil || id.authority?.uppercased() == rule.authority!.uppercased())
                }) { chosen = hit.id; break }
            }
        }
        guard let mrn = chosen else {
            let shown = ids.map { "\($0.id)^^^\($0.authority ?? "")^\($0.type ?? "")" }.joined(separator: "~")
            throw .hold("no \(seg.id)-\(field) identifier matches the mapping's mrn rules (\(config.mrnRules.map(\.description).joined(separator: ", "))): \(shown)")
        }
        guard IdentifierSyntax.isValidMRN(Substring(mrn)) else {
            throw .hold("\(seg.id)-\(field) identifier '\(mrn)' is not a Rounds MRN (3–20 letters, digits or -)")
        }
        return mrn
    }

    func name(_ seg: HL7Segment) -> String? {
        guard let family = seg.text(5, component: 1) else { return nil }
        let given = [seg.text(5, component: 2), seg.text(5, component: 3)].compactMap { $0 }.joined(separator: " ")
        return singleLine(given.isEmpty ? family : "\(family), \(given)")
    }

    func dateOfBirth(_ seg: HL7Segment) -> LocalDate? {
        guard let t = seg.text(7), let d = HL7DateTime.parse(t) else { return nil }
        return LocalDate(year: d.year, month: d.month, day: d.day)
    }

    func sex(_ seg: HL7Segment) -> Sex? {
        switch seg.text(8)?.uppercased() {
        case "F": .f
        case "M": .m
        case "O", "A", "N", "X": .x
        case "U": .u
        default: nil
        }
    }

    /// The patient's details from a PID, when all of name, date of birth and sex are there.
    func person(_ seg: HL7Segment, mrn: MRN) -> Patient? {
        guard let name = name(seg), let dob = dateOfBirth(seg), let sex = sex(seg) else { return nil }
        return Patient(mrn: mrn, name: name, dateOfBirth: dob, sex: sex)
    }

    mutating func pid() throws(Mapping) -> (HL7Segment, MRN) {
        guard let seg = message.first("PID") else { throw required("PID", field: 3, "the message has no PID segment") }
        let mrn = try mrn(in: seg, field: 3)
        if patient == nil { patient = mrn }
        return (seg, mrn)
    }

    // MARK: Locations

    enum Location { case none, bed(BedID), unit(UnitCode) }

    /// PV1-3 (or another PL field) to a Rounds bed or unit, by the mapping's [beds] and
    /// [units]; a bed the mapping does not name is looked for as UNIT-BED, then as written.
    func location(_ seg: HL7Segment, field: Int) throws(Mapping) -> Location {
        let pl1 = seg.text(field, component: 1) ?? "", pl2 = seg.text(field, component: 2) ?? "", pl3 = seg.text(field, component: 3) ?? ""
        if pl1.isEmpty, pl2.isEmpty, pl3.isEmpty { return .none }
        let shown = [pl1, pl2, pl3].joined(separator: "^")
        for key in [FeedConfig.normalizedLocation(shown), FeedConfig.normalizedLocation("\(pl1)^^\(pl3)"), FeedConfig.normalizedLocation("^^\(pl3)")] {
            if !key.isEmpty, let bed = config.beds[key] { return .bed(bed) }
        }
        let unit = config.units[pl1.uppercased()] ?? config.units[pl1] ?? (IdentifierSyntax.isValidCode(Substring(pl1)) ? pl1.uppercased() : nil)
        if !pl3.isEmpty {
            var candidate = pl3.uppercased()
            if let unit, !candidate.hasPrefix(unit + "-") { candidate = "\(unit)-\(candidate)" }
            guard IdentifierSyntax.isValidCode(Substring(candidate)) else {
                throw .hold("\(seg.id)-\(field) location '\(shown)' is not mapped to a Rounds bed; add it under [beds] in the mapping file")
            }
            return .bed(candidate)
        }
        if let unit, pl2.isEmpty || config.units[pl1.uppercased()] != nil { return .unit(unit) }
        throw .hold("\(seg.id)-\(field) location '\(shown)' is not mapped to a Rounds unit or bed; add it under [units] or [beds] in the mapping file")
    }

    func bed(_ seg: HL7Segment, field: Int, for what: String) throws(Mapping) -> BedID {
        switch try location(seg, field: field) {
        case .bed(let b): return b
        case .unit(let u): throw .hold("\(seg.id)-\(field) names unit \(u) but no bed, and \(what) needs a bed")
        case .none: throw .hold("\(seg.id)-\(field) (assigned location) is empty, and \(what) needs a bed")
        }
    }

    // MARK: Times

    /// MSH-7's offset, the default for time stamps without one.
    var messageOffset: Int? { message.timestampText.flatMap(HL7DateTime.parse)?.offsetMinutes }

    func timestamp(_ text: String?) -> Timestamp? {
        guard let text, let t = HL7DateTime.parse(text) else { return nil }
        if let own = t.offsetMinutes ?? messageOffset ?? config.defaultOffsetMinutes {
            return Timestamp(milliseconds: t.epochMilliseconds(defaultOffsetMinutes: own))
        }
        // The host's local time, daylight saving included: two passes settle the offset.
        var offset = Context.localOffset(atEpochMilliseconds: t.epochMilliseconds(defaultOffsetMinutes: 0))
        offset = Context.localOffset(atEpochMilliseconds: t.epochMilliseconds(defaultOffsetMinutes: offset))
        return Timestamp(milliseconds: t.epochMilliseconds(defaultOffsetMinutes: offset))
    }

    static func localOffset(atEpochMilliseconds ms: Int64) -> Int {
        var seconds = time_t(ms / 1000)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return Int(parts.tm_gmtoff / 60)
    }

    // MARK: ADT

    mutating func adt(_ trigger: String) throws(Mapping) -> [FeedAction] {
        let (pid, mrn) = try pid()
        let pv1 = message.first("PV1")
        switch trigger {
        case "A01", "A04":
            guard let pv1 else { throw required("PV1", field: 3, "an admission needs a PV1 segment") }
            let patientClass = pv1.text(2)?.uppercased() ?? ""
            if trigger == "A04", !["E", "I"].contains(patientClass) {
                guard let p = person(pid, mrn: mrn) else { throw .hold("A04 registration of \(mrn) without a name, date of birth and sex (PID-5, PID-7, PID-8)") }
                return [.register(p)]
            }
            var a = Admission(mrn: mrn, name: name(pid), dateOfBirth: dateOfBirth(pid), sex: sex(pid), source: source(pv1), attending: attending(pv1) ?? nil)
            switch try location(pv1, field: 3) {
            case .bed(let b): return [.admit(a, bed: b)]
            case .unit(let u): a.wantedUnit = u; return [.admit(a, bed: nil)]
            case .none: return [.admit(a, bed: nil)]
            }
        case "A08":
            return [.update(mrn: mrn, name: name(pid), dateOfBirth: dateOfBirth(pid), sex: sex(pid), attending: pv1.flatMap { attending($0) })]
        case "A02":
            guard let pv1 else { throw required("PV1", field: 3, "a transfer needs a PV1 segment") }
            return [.moveTo(mrn: mrn, bed: try bed(pv1, field: 3, for: "a transfer"))]
        case "A12":
            guard let pv1 else { throw required("PV1", field: 3, "a cancelled transfer needs a PV1 segment") }
            return [.cancelTransfer(mrn: mrn, bed: try bed(pv1, field: 3, for: "a cancelled transfer (the bed the patient returns to)"))]
        case "A03":
            return [.discharge(mrn: mrn, disposition: try disposition(pv1))]
        case "A11":
            return [.cancelAdmission(mrn: mrn)]
        case "A13":
            return [.cancelDischarge(mrn: mrn)]
        case "A17":
            let pids = message.segments(named: "PID")
            guard pids.count == 2 else { throw required("PID", field: 3, "a swap (A17) needs two PID segments, one per patient") }
            return [.swap(mrn, try self.mrn(in: pids[1], field: 3))]
        case "A40":
            guard let mrg = message.first("MRG") else { throw required("MRG", field: 1, "a merge (A40) needs an MRG segment") }
            let merged = try self.mrn(in: mrg, field: 1)
            if merged == mrn {
                throw .reject(HL7AckError(code: HL7AckError.duplicateKeyIdentifier, location: HL7ErrorLocation(segmentID: "MRG", field: 1),
                                          text: "MRG-1 matches PID-3 (\(mrn)): a patient cannot be merged into itself"))
            }
            return [.merge(survivor: mrn, merged: merged, register: person(pid, mrn: mrn))]
        default:
            throw .reject(HL7AckError(code: HL7AckError.unsupportedEventCode, text: "ADT^\(trigger) is not supported"))
        }
    }

    func source(_ pv1: HL7Segment) -> AdmissionSource {
        switch pv1.text(14)?.uppercased() {
        case "7", "ER", "ED": return .ed
        case "4", "5", "6": return .transfer
        case "2", "CL": return .clinic
        default: return pv1.text(2)?.uppercased() == "E" ? .ed : .direct
        }
    }

    /// PV1-7 attending: nil when the field is empty (keep), .some(nil) for `""` (clear).
    func attending(_ pv1: HL7Segment) -> String?? {
        if pv1.value(7) == .null { return .some(nil) }
        switch pv1.value(7, component: 2) {
        case .null: return .some(nil)
        case .empty: return nil
        case .text(let family):
            let given = pv1.text(7, component: 3)
            let prefix = pv1.text(7, component: 6)
            let name = [prefix, given, family].compactMap { $0 }.joined(separator: " ")
            return .some(singleLine(name))
        }
    }

    /// PV1-36 by the mapping's [dispositions], then the usual UB-04 codes of table 0112.
    func disposition(_ pv1: HL7Segment?) throws(Mapping) -> Disposition {
        guard let code = pv1?.text(36), !code.isEmpty else { return .home }
        if let d = config.dispositions[code.uppercased()] { return d }
        switch code.uppercased() {
        case "01", "1", "HOME": return .home
        case "06", "6": return .homeservices
        case "07", "7", "AMA": return .ama
        case "03", "3", "04", "4", "61", "64", "SNF": return .snf
        case "62", "REHAB": return .rehab
        case "50", "51", "HOSPICE": return .hospice
        case "20", "40", "41", "42", "EXP", "EXPIRED": return .deceased
        case "02", "2", "05", "5", "43", "63", "65", "66", "70": return .transfer
        default:
            throw .hold("PV1-36 discharge disposition '\(code)' is not known; map it under [dispositions] (home, home-services, snf, rehab, transfer, ama, hospice, deceased)")
        }
    }

    // MARK: Orders and results

    func test(_ seg: HL7Segment, field: Int) throws(Mapping) -> String {
        let code = seg.text(field, component: 1) ?? "", alternate = seg.text(field, component: 4) ?? ""
        for c in [code, alternate] where !c.isEmpty {
            if let t = config.tests[c] ?? config.tests[c.uppercased()] { return t }
        }
        for c in [code, alternate] where !c.isEmpty {
            if LabCatalog.test(c) != nil { return c.uppercased() }
        }
        let shown = [code, seg.text(field, component: 2) ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
        throw .hold("\(seg.id)-\(field) test '\(shown)' is not mapped to a Rounds test; add its code under [tests] in the mapping file")
    }

    func priority(orc: HL7Segment?, obr: HL7Segment?) -> Priority {
        let values = [orc?.text(7, component: 6), obr?.text(27, component: 6), obr?.text(5), message.first("TQ1")?.text(9)]
        for v in values.compactMap({ $0?.uppercased() }) {
            if v.hasPrefix("S") { return .stat }
            if v.hasPrefix("A") { return .urgent }
            if v.hasPrefix("R") { return .routine }
        }
        return .routine
    }

    func orderNumber(orc: HL7Segment?, obr: HL7Segment?) throws(Mapping) -> String {
        for v in [obr?.text(2), orc?.text(2), obr?.text(3), orc?.text(3)] {
            if let v, !v.isEmpty { return v }
        }
        throw required("ORC", field: 2, "an order needs a placer or filler order number (ORC-2, OBR-2, ORC-3 or OBR-3)")
    }

    mutating func orders() throws(Mapping) -> [FeedAction] {
        let (pid, mrn) = try pid()
        var actions: [FeedAction] = []
        var orc: HL7Segment?
        for seg in message.segments {
            switch seg.id {
            case "ORC": orc = seg
            case "OBR":
                let test = try test(seg, field: 4)
                let key = "\(try orderNumber(orc: orc, obr: seg))^\(test)"
                switch (orc?.text(1) ?? "NW").uppercased() {
                case "NW", "":
                    actions.append(.orderLab(order: key, mrn: mrn, test: test, priority: priority(orc: orc, obr: seg), neededBy: nil,
                                             register: person(pid, mrn: mrn)))
                case "CA", "OC", "DC", "OD", "CR":
                    actions.append(.cancelLab(order: key, reason: singleLine(orc?.text(16, component: 2) ?? orc?.text(16) ?? "Cancelled by the ordering system")))
                default:
                    break   // status changes and the like: nothing for Rounds to do
                }
                orc = nil
            default: break
            }
        }
        return actions
    }

    mutating func results() throws(Mapping) -> [FeedAction] {
        let (pid, mrn) = try pid()
        var actions: [FeedAction] = []
        var orc: HL7Segment?, obr: HL7Segment?
        for seg in message.segments {
            switch seg.id {
            case "ORC": orc = seg
            case "OBR": obr = seg
            case "OBX":
                guard let obr else { throw .reject(HL7AckError(code: HL7AckError.segmentSequenceError, location: HL7ErrorLocation(segmentID: "OBX", field: 1), text: "an OBX comes before any OBR")) }
                let test = try test(seg, field: 3)
                let key = "\(try orderNumber(orc: orc, obr: obr))^\(test)"
                let status = (seg.text(11) ?? obr.text(25) ?? "F").uppercased()
                switch status {
                case "X":
                    actions.append(.cancelLab(order: key, reason: "The lab could not obtain a result"))
                    continue
                case "D", "W":
                    throw .hold("OBX-11 '\(status)' (\(status == "D" ? "delete the result" : "posted to the wrong patient")) for \(test): a coordinator must correct the record by hand")
                case "N", "O", "U", "I":
                    continue
                default: break
                }
                guard let value = value(seg), !value.isEmpty else { continue }
                let result = LabResult(value: value, units: singleLine(seg.text(6, component: 1) ?? "").limited(30),
                                       range: singleLine(seg.text(7) ?? "").limited(60), flag: flag(seg))
                let st: ResultStatus = status == "C" ? .corrected : (["P", "R", "S", "A"].contains(status) ? .preliminary : .final)
                actions.append(.resultLab(order: key, mrn: mrn, test: test, result: result, status: st, register: person(pid, mrn: mrn)))
            default: break
            }
        }
        return actions
    }

    /// OBX-5 as one line: repetitions joined by "; ", a structured numeric's parts joined.
    func value(_ obx: HL7Segment) -> String? {
        let type = obx.text(2)?.uppercased() ?? ""
        var parts: [String] = []
        for r in 0..<max(obx.repetitions(5), 1) {
            switch type {
            case "SN":
                let pieces = (1...4).map { obx.text(5, component: $0, repetition: r) ?? "" }
                parts.append(pieces.joined())
            case "CE", "CWE", "CNE":
                if let t = obx.text(5, component: 2, repetition: r) ?? obx.text(5, component: 1, repetition: r) { parts.append(t) }
            default:
                if let t = obx.text(5, repetition: r) { parts.append(t) }
            }
        }
        let joined = singleLine(parts.filter { !$0.isEmpty }.joined(separator: "; "))
        return joined.isEmpty ? nil : joined.limited(60)
    }

    /// OBX-8: HH, LL and AA are critical; any other abnormal flag is abnormal. With no flag, a
    /// number outside the reference range OBX-7 (`low-high`) is abnormal. (The domain then
    /// checks the value against the lab catalogue's critical limits too.)
    func flag(_ obx: HL7Segment) -> ResultFlag {
        var flags: [String] = []
        for r in 0..<max(obx.repetitions(8), 1) { if let f = obx.text(8, repetition: r) { flags.append(f.uppercased()) } }
        if flags.contains(where: { ["HH", "LL", "AA", "PANIC", "CRIT"].contains($0) }) { return .critical }
        if flags.contains(where: { !$0.isEmpty && $0 != "N" }) { return .abnormal }
        if flags.allSatisfy(\.isEmpty), let v = obx.text(5).flatMap({ Double($0.trimmed) }), let range = obx.text(7) {
            let parts = range.split(separator: "-", maxSplits: 1).map { Double($0.trimmed) }
            if parts.count == 2, let low = parts[0], let high = parts[1], low <= high, v < low || v > high { return .abnormal }
        }
        return .normal
    }

    // MARK: Schedules

    mutating func schedule(_ trigger: String) throws(Mapping) -> [FeedAction] {
        guard let sch = message.first("SCH") else { throw required("SCH", field: 1, "a scheduling message needs an SCH segment") }
        guard let appt = sch.text(2) ?? sch.text(1), !appt.isEmpty else {
            throw required("SCH", field: 2, "SCH-2 (filler appointment id) or SCH-1 (placer) is needed")
        }
        switch trigger {
        case "S15", "S17":
            if message.first("PID") != nil { _ = try? pid() }
            return [.cancelBooking(appointment: appt, reason: singleLine(sch.text(6, component: 2) ?? sch.text(6) ?? "Cancelled by the scheduling system"))]
        case "S26":
            if message.first("PID") != nil { _ = try? pid() }
            return [.noShow(appointment: appt)]
        default: break
        }
        let (start, end) = try times(sch)
        if trigger == "S13" || trigger == "S14" {
            if message.first("PID") != nil { _ = try? pid() }
            return [.reschedule(appointment: appt, start: start, end: end)]
        }
        let (pid, mrn) = try pid()
        let resource = try resource()
        let title = [sch.text(7, component: 2), sch.text(7, component: 1), message.first("AIS")?.text(3, component: 2)]
            .compactMap { $0 }.first { !$0.isEmpty }.map { singleLine($0).limited(120) }
        return [.book(appointment: appt, mrn: mrn, kind: resource.kind, resource: resource.name, start: start, end: end,
                      title: title, register: person(pid, mrn: mrn))]
    }

    func resource() throws(Mapping) -> FeedConfig.Resource {
        var seen: [String] = []
        for (id, field) in [("AIL", 3), ("AIG", 3), ("AIS", 3)] {
            for seg in message.segments(named: id) {
                guard let code = seg.text(field, component: 1), !code.isEmpty else { continue }
                if let r = config.resources[code] ?? config.resources[code.uppercased()] { return r }
                seen.append("\(id)-\(field) '\(code)'")
            }
        }
        throw .hold(seen.isEmpty ? "no resource (AIL-3, AIG-3 or AIS-3) in the message"
                                 : "resource \(seen.joined(separator: ", ")) is not mapped; add it under [resources] as RESOURCE KIND")
    }

    /// Start from AIS-4, AIL-6, AIG-8, SCH-11.4 or TQ1-7; end from SCH-11.5 or TQ1-8, or the
    /// start plus a duration (AIS-7/8, AIL-9/10, AIG-11/12, SCH-9/10; minutes unless the unit
    /// says hours).
    func times(_ sch: HL7Segment) throws(Mapping) -> (Timestamp, Timestamp) {
        let ais = message.first("AIS"), ail = message.first("AIL"), aig = message.first("AIG"), tq1 = message.first("TQ1")
        let startText = [ais?.text(4), ail?.text(6), aig?.text(8), sch.text(11, component: 4), tq1?.text(7)].compactMap { $0 }.first { !$0.isEmpty }
        guard let startText else { throw required("SCH", field: 11, "no start time (AIS-4, AIL-6, AIG-8, SCH-11.4 or TQ1-7)") }
        guard let start = timestamp(startText) else {
            throw .reject(HL7AckError(code: HL7AckError.dataTypeError, text: "start time '\(startText)' is not an HL7 time stamp (YYYYMMDDHHMM[SS][±ZZZZ])"))
        }
        if let endText = [sch.text(11, component: 5), tq1?.text(8)].compactMap({ $0 }).first(where: { !$0.isEmpty }) {
            guard let end = timestamp(endText), end > start else {
                throw .reject(HL7AckError(code: HL7AckError.dataTypeError, text: "end time '\(endText)' is not a time stamp after the start"))
            }
            return (start, end)
        }
        let durations: [(String?, String?)] = [(ais?.text(7), ais?.text(8)), (ail?.text(9), ail?.text(10)), (aig?.text(11), aig?.text(12)), (sch.text(9), sch.text(10))]
        for (amount, unit) in durations {
            guard let amount, let n = Int(amount), n > 0, n <= 24 * 60 else { continue }
            let hours = (unit ?? "").uppercased().hasPrefix("H")
            return (start, start + .minutes(Int64(hours ? n * 60 : n)))
        }
        throw required("SCH", field: 9, "no end time or duration (SCH-11.5, TQ1-8, AIS-7, AIL-9, AIG-11 or SCH-9)")
    }

    // MARK: Text

    /// One line of plain text: line breaks and tabs become spaces, other control characters go.
    func singleLine(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var lastSpace = false
        for u in s.unicodeScalars {
            if u == "\n" || u == "\r" || u == "\t" || u == " " {
                if !lastSpace, !out.isEmpty { out.append(" ") }
                lastSpace = true
            } else if u.value < 0x20 || u.value == 0x7F {
                continue
            } else {
                out.append(u); lastSpace = false
            }
        }
        var r = String(out)
        while r.hasSuffix(" ") { r.removeLast() }
        return r
    }
}

extension String {
    /// At most `n` characters, cut with an ellipsis.
    func limited(_ n: Int) -> String { count <= n ? self : String(prefix(n - 1)) + "…" }
}
