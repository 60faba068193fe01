import RoundsDomain

/// Patients found by name or MRN: the `f` finder, the new-message and new-task forms, and the
/// command line's completion of every MRN argument.
public enum PatientLookup {
    /// Text as it is compared: lower case, accents dropped and other scripts transliterated
    /// (`Nguyễn` → `nguyen`, `김민준` → `gimminjun`), so what is typed on any keyboard finds it.
    static func folded(_ s: String, searching: Bool = false) -> String {
        String(TextWidth.asciiFold(s, searching: searching).lowercased().map { $0 == "," || $0 == "." ? " " : $0 })
    }

    /// Every word of `query` is in `text`: `gim min` finds `Gim, Minjun`.
    static func holds(_ text: String, _ query: String) -> Bool {
        query.split(separator: " ").allSatisfy { text.contains($0) }
    }

    /// A name as it may be searched for: folded, and with Hangul spelled the usual way too.
    static func spellings(_ name: String) -> [String] {
        let a = folded(name), b = folded(name, searching: true)
        return a == b ? [a] : [a, b]
    }

    /// Whether `query` finds `patient`: a prefix of the MRN, or a part of the name as written or
    /// folded.
    static func matches(_ patient: Patient, _ query: String) -> Bool {
        let q = query.trimmingCharacters(in: " ")
        guard !q.isEmpty else { return true }
        if patient.mrn.lowercased().hasPrefix(q.lowercased()) { return true }
        if holds(patient.name.lowercased(), q.lowercased()) { return true }
        let fq = folded(q)
        return !fq.trimmingCharacters(in: " ").isEmpty && spellings(patient.name).contains { holds($0, fq) }
    }

    /// Every patient the hospital knows (admitted or not) that `query` finds: admitted first,
    /// then those whose name or MRN starts with it, then by name. At most `limit`.
    public static func find(_ s: HospitalState, _ query: String, limit: Int = 50) -> [PatientFinder.Match] {
        let q = query.trimmingCharacters(in: " ")
        guard !q.isEmpty else { return [] }
        let fq = folded(q)
        var found: [(rank: Int, name: String, p: Patient)] = []
        for p in s.patients.values where matches(p, q) {
            let starts = p.mrn.lowercased().hasPrefix(q.lowercased()) || spellings(p.name).contains { $0.hasPrefix(fq) }
            let admitted = s.activeStay[p.mrn] != nil
            found.append(((admitted ? 0 : 2) + (starts ? 0 : 1), folded(p.name), p))
        }
        found.sort { ($0.rank, $0.name, $0.p.mrn) < ($1.rank, $1.name, $1.p.mrn) }
        return found.prefix(limit).map { PatientFinder.Match(mrn: $0.p.mrn, label: label($0.p, s)) }
    }

    /// `MRN001  Nguyễn, Thị Hồng  b. 1948-03-02  4W-01`.
    public static func label(_ p: Patient, _ s: HospitalState) -> String {
        let where_: String
        if let st = s.stay(of: p.mrn) {
            where_ = st.bed.map { "in \($0)" } ?? "waiting for a bed"
        } else {
            where_ = "not admitted"
        }
        return "\(p.mrn)  \(p.name.terminalSafe)  b. \(p.dateOfBirth)  \(where_)"
    }

    /// Under an MRN field: who it is, so a patient is never linked unseen.
    public static func describe(_ s: HospitalState) -> @Sendable (String) -> String? {
        let names = s.patients.mapValues { p in
            "→ \(p.name.terminalSafe)" + (s.stay(of: p.mrn).map { st in st.bed.map { ", \($0)" } ?? ", waiting for a bed" } ?? ", not admitted")
        }
        return { v in names[v.uppercased()] }
    }
}

/// What the word being completed on the command line stands for.
public enum CompletionSlot: Equatable, Sendable {
    case verb, subcommand
    /// A patient: completes from MRNs and names. `waiting`/`inBed` narrow it to the patients
    /// the command accepts.
    case patient(PatientKind)
    /// A bed; `available` narrows it to beds a patient can go into.
    case bed(available: Bool)
    /// Anything: MRNs, beds, logins, roles and item numbers.
    case any
    /// A handover item: a patient (by MRN or name) or an item number, or `all-stable`.
    case handoverItem
    /// A new value nobody can complete (a new MRN, a quoted title).
    case none

    public enum PatientKind: Sendable {
        case admitted, waiting, inBed
        /// Known to the hospital and not admitted now (admitting a returning patient).
        case returning
    }

    /// The slot of the last word of `parts` (the verb is parts[0]), from the grammar of
    /// Docs/COMMANDS.md.
    static func of(_ parts: [String]) -> CompletionSlot {
        let n = parts.count - 1
        if n == 0 { return .verb }
        let verb = parts[0].lowercased()
        let previous = parts[n - 1].lowercased()
        if n == 1, Completion.subcommands[verb] != nil { return .subcommand }
        if n >= 2, previous == "patient" || previous == "about" { return .patient(.admitted) }
        let sub = parts.count > 1 ? parts[1].lowercased() : ""
        switch (verb, n) {
        case ("admit", 1): return .patient(.returning)
        case ("assign", 1), ("cancel-admission", 1): return .patient(.waiting)
        case ("transfer", 1), ("discharge", 1), ("swap", 1), ("swap", 2): return .patient(.inBed)
        case ("patient", 1), ("ipass", 1): return .patient(.admitted)
        case ("reserve", 2): return .patient(.admitted)
        case ("reserve", 1), ("assign", 2), ("transfer", 2): return .bed(available: true)
        case ("lab", 2) where sub == "order", ("proc", 2) where sub == "book": return .patient(.admitted)
        case ("handover", 2) where sub == "ack": return .handoverItem
        case ("barrier", 2): return .patient(.inBed)
        case ("discharge", _), ("transfer", _), ("assign", _), ("swap", _), ("cancel-admission", _), ("ipass", _), ("patient", _): return .none
        default: return .any
        }
    }
}

extension Completion {
    /// Candidates for the last word of `line`, by what that word stands for: a patient slot
    /// offers admitted patients by MRN or name (`MRN001 (Nguyễn, T. H.)`), a bed slot beds.
    /// Returns the options as shown and, for each, the word it completes to.
    public static func options(_ line: String, _ s: HospitalState, words: [String]) -> [(shown: String, word: String)] {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let current = parts.last ?? ""
        switch CompletionSlot.of(parts) {
        case .verb, .subcommand, .any:
            return candidates(line, words: words).map { ($0, $0) }
        case .none:
            return []
        case .handoverItem:
            // Critical results and procedures not ready are items by their number; the unit's
            // lists by name.
            let numbered = s.activeLabs.compactMap { s.labs[$0] }.filter(\.awaitsCommunication).map(\.id.description)
                + s.scheduledProcedures.map(\.description)
            let items = candidates(line, words: ["all-stable", "queue", "blocked", "urgent", "forecast"] + numbered)
            return patients(.inBed, current, s) + items.map { ($0, $0) }
        case .bed(let available):
            let beds = s.unitOrder.flatMap { s.beds(in: $0) }.filter { !available || $0.status == .available || $0.status == .reserved }
            return beds.map(\.id).filter { $0.lowercased().hasPrefix(current.lowercased()) && $0 != current }.map { ($0, $0) }
        case .patient(.returning):
            // A new MRN is typed in full; a returning patient completes, by MRN or name.
            guard !current.isEmpty else { return [] }
            return s.patients.values.filter { s.activeStay[$0.mrn] == nil && $0.mrn != current && PatientLookup.matches($0, current) }
                .sorted { $0.mrn < $1.mrn }.prefix(50)
                .map { ("\($0.mrn) (\(shortName($0.name).terminalSafe), b. \($0.dateOfBirth))", $0.mrn) }
        case .patient(let kind):
            return patients(kind, current, s)
        }
    }

    /// Admitted patients of `kind` that `current` finds, by MRN or name.
    static func patients(_ kind: CompletionSlot.PatientKind, _ current: String, _ s: HospitalState) -> [(shown: String, word: String)] {
        var found: [(shown: String, word: String)] = []
        for (mrn, id) in s.activeStay.sorted(by: { $0.key < $1.key }) {
            guard let st = s.stays[id], let p = s.patients[mrn] else { continue }
            switch kind {
            case .admitted: break
            case .waiting: if st.phase != .waiting { continue }
            case .inBed: if st.phase != .inBed { continue }
            case .returning: continue
            }
            guard mrn != current, PatientLookup.matches(p, current) else { continue }
            found.append(("\(mrn) (\(shortName(p.name).terminalSafe)\(st.bed.map { ", \($0)" } ?? ""))", mrn))
        }
        return found
    }

    /// Completes the last word of `line` in hospital `s`: one candidate, fully; several, to the
    /// words' common prefix when that adds to what was typed. Returns the options shown.
    public static func complete(_ line: String, _ s: HospitalState, words: [String]) -> (String, [String]) {
        let found = options(line, s, words: words)
        guard !found.isEmpty else { return (line, []) }
        var parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let current = parts.popLast() ?? ""
        if found.count == 1 { return ((parts + [found[0].word + " "]).joined(separator: " "), []) }
        var prefix = found[0].word
        for f in found.dropFirst() {
            while !f.word.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
        }
        // Nothing typed yet: list the choices and leave the word to be typed (a name or an MRN).
        let extends = !current.isEmpty && prefix.count > current.count && prefix.lowercased().hasPrefix(current.lowercased())
        return ((parts + [extends ? prefix : current]).joined(separator: " "), found.map(\.shown))
    }
}
