import RoundsDomain
import RoundsEngine

/// What the pane keys do. Each builds a command of the command language (directly, or through
/// a form or picker) so there is one path for every change.
extension RoundsApp {
    func unavailable(_ reason: String) { setStatus("✗ \(reason)", error: true) }
}

extension PanesScreen {
    func paneAction(_ id: ActionID) {
        // New items need no selection.
        if id == .newTask { newTask(); return }
        if id == .forecast {
            let key = selectedRow(focus)?.key ?? ""
            showForecast(key.hasPrefix("bed:") ? state.beds[String(key.dropFirst(4))]?.unit : nil)
            return
        }
        if id == .newMessage { newMessage(); return }
        guard let row = selectedRow(focus) else { unavailable("nothing selected"); return }
        let key = row.key
        switch id {
        case .assign: assign(key)
        case .cleaning:
            guard key.hasPrefix("bed:"), let bed = state.beds[String(key.dropFirst(4))] else { unavailable("select a bed"); return }
            switch bed.status {
            case .dirty: submit("bed cleaning \(bed.id)")
            case .cleaning: submit("bed clean \(bed.id)")
            default: unavailable("bed \(bed.id) is \(bed.status.rawValue); only a dirty or cleaning bed can be cleaned")
            }
        case .block:
            guard key.hasPrefix("bed:") else { unavailable("select a bed"); return }
            let bed = String(key.dropFirst(4))
            let ctx = engine.parseContext
            overlay = .form(Form(title: "Block bed \(bed)", fields: [
                Form.Field("Reason", hint: "e.g. broken suction"),
                Form.Field("Until", hint: "optional: 14:30, tomorrow 08:00, +4h", required: false) { v in
                    CommandParser.parseTime(v, context: ctx) == nil ? "not a time (14:30, tomorrow 08:00, +4h)" : nil
                },
            ]) { v in "bed block \(bed) reason \(v[0].quoted)" + (v[1].isEmpty ? "" : " until \(v[1].quoted)") })
        case .unblock:
            guard key.hasPrefix("bed:") else { unavailable("select a bed"); return }
            submit("bed unblock \(key.dropFirst(4))")
        case .barrier, .resolveBarrier:
            guard key.hasPrefix("bed:"), let bed = state.beds[String(key.dropFirst(4))], bed.status == .occupied, let mrn = bed.patient,
                  let stay = state.stay(of: mrn) else { unavailable("select an occupied bed: a discharge barrier is recorded for the patient in it"); return }
            let who = state.patients[mrn].map { "\(shortName($0.name)) (\(mrn)) in \(bed.id)" } ?? "\(mrn) in \(bed.id)"
            let open = state.barriers.open(stay.id).map(\.kind)
            if id == .barrier {
                overlay = .form(Form(title: "Discharge barrier for \(who)" + (open.isEmpty ? "" : "; open: \(open.map(\.rawValue).joined(separator: ", "))"), fields: [
                    Form.Field("Kind", hint: BarrierKind.words) { v in
                        guard let k = BarrierKind.parse(Substring(v)) else { return "one of: \(BarrierKind.words)" }
                        return open.contains(k) ? "already open; resolve it first (X)" : nil
                    },
                    Form.Field("Note", hint: "what holds the discharge, e.g. ambulance not before 14:00"),
                ]) { v in "barrier add \(mrn) \(v[0].lowercased()) \(v[1].quoted)" })
            } else {
                guard !open.isEmpty else { unavailable("\(mrn) has no open discharge barriers"); return }
                overlay = .form(Form(title: "Resolve a discharge barrier for \(who)", fields: [
                    Form.Field("Kind", hint: "open: \(open.map(\.rawValue).joined(separator: ", "))", value: open.count == 1 ? open[0].rawValue : "") { v in
                        BarrierKind.parse(Substring(v)).map { open.contains($0) } == true ? nil : "open: \(open.map(\.rawValue).joined(separator: ", "))"
                    },
                    Form.Field("Note", hint: "optional: how it was sorted", required: false),
                ]) { v in "barrier resolve \(mrn) \(v[0].lowercased())" + (v[1].isEmpty ? "" : " note \(v[1].quoted)") })
            }
        case .startTask: submit("task start \(key)")
        case .completeTask: completeTask(key)
        case .reassignTask:
            let staff = Set(state.staff.keys)
            overlay = .form(Form(title: "Reassign \(key)", fields: [
                Form.Field("To", hint: "a login or @role, e.g. tnguyen or @evs") { v in
                    if v.hasPrefix("@") { return Role.parse(Substring(v.dropFirst())) == nil ? "roles: \(Role.words)" : nil }
                    return staff.contains(v) ? nil : "no staff member '\(v)'"
                },
            ]) { v in "task reassign \(key) to \(v[0])" })
        case .snoozeTask:
            let ctx = engine.parseContext
            overlay = .form(Form(title: "Snooze \(key)", fields: [
                Form.Field("Until", hint: "+30m, 14:30, tomorrow 08:00") { v in
                    CommandParser.parseTime(v, context: ctx) == nil ? "not a time (+30m, 14:30)" : nil
                },
                Form.Field("Reason", hint: "optional", required: false),
            ]) { v in "task snooze \(key) until \(v[0].quoted)" + (v[1].isEmpty ? "" : " reason \(v[1].quoted)") })
        case .newTask: newTask()
        case .collectLab: submit("lab collect \(key)")
        case .resultLab:
            overlay = .form(Form(title: "Result for \(key)", fields: [
                Form.Field("Value", hint: "e.g. 4.1, or O POS"),
                Form.Field("Flag", hint: "optional: normal, abnormal, critical", required: false) { v in
                    ResultFlag.parse(Substring(v)) == nil ? "normal, abnormal or critical" : nil
                },
            ]) { v in "lab result \(key) \(v[0].quoted)" + (v[1].isEmpty ? "" : " flag \(v[1])") })
        case .communicateLab:
            guard let lab = LabID.parse(Substring(key)).flatMap({ state.labs[$0] }), lab.awaitsCommunication, let value = lab.result?.value else {
                unavailable("select a critical result awaiting communication"); return
            }
            let who = state.patients[lab.mrn].map { "\(shortName($0.name)) (\(lab.mrn))" } ?? lab.mrn
            overlay = .form(communicationForm(title: "Communicate critical \(lab.test) \(value) for \(who) (\(key))", value: value) { v in
                "lab communicate \(key) to \(v[0].quoted) role \(v[1]) readback \(v[2].quoted)"
            })
        case .acknowledgeMessage: submit("msg ack \(key)")
        case .replyMessage:
            overlay = .form(Form(title: "Reply to \(key)", fields: [
                Form.Field("Text"),
                Form.Field("Urgent", hint: "y or n", required: false) { v in ["y", "n", "yes", "no"].contains(v.lowercased()) ? nil : "y or n" },
            ]) { v in "msg reply \(key) \(v[0].quoted)" + (v[1].lowercased().hasPrefix("y") ? " urgent" : "") })
        case .newMessage: newMessage()
        default: break
        }
    }

    func communicationForm(title: String, value: String, build: @escaping @Sendable ([String]) -> String) -> Form {
        Form(title: title, fields: [
            Form.Field("Told (name)", hint: "the clinician you spoke to"),
            Form.Field("Their role", hint: Role.words, value: "physician") { v in Role.parse(Substring(v)) == nil ? "one of: \(Role.words)" : nil },
            Form.Field("Read-back", hint: "the value as they read it back") { v in
                Decider.readBackMatches(v, value: value) ? nil : "does not match \(value): ask them to read it back again"
            },
        ], build: build)
    }

    func completeTask(_ key: String) {
        guard let id = TaskID.parse(Substring(key)), let task = state.tasks[id] else { unavailable("select a task"); return }
        if task.kind == .criticalresult, case .lab(let labID) = task.link, let lab = state.labs[labID], let result = lab.result {
            let value = result.value
            let who = state.patients[lab.mrn].map { "\(shortName($0.name)) (\(lab.mrn))" } ?? lab.mrn
            let shown = result.units.isEmpty ? value : "\(value) \(result.units)"
            overlay = .form(communicationForm(title: "\(key): who was told of critical \(lab.test) \(shown) for \(who)?", value: value) { v in
                "task done \(key) told \(v[0].quoted) role \(v[1]) readback \(v[2].quoted)"
            })
        } else {
            submit("task done \(key)")
        }
    }

    /// The patient field of a new task or message: empty (the selected row's patient is not
    /// slipped in unseen), an MRN, or a name that finds one patient; the patient's name and bed
    /// are shown under it.
    func patientField(_ label: String) -> Form.Field {
        let known = Set(state.patients.keys)
        let byName = patientsByName()
        var field = Form.Field(label, hint: "optional: an MRN, or a patient's name", required: false) { v in
            if known.contains(v.uppercased()) { return nil }
            let found = byName(v)
            return found.count == 1 ? nil : (found.isEmpty ? "no patient \(v)" : "\(found.count) patients match: type more, or the MRN")
        }
        let describe = PatientLookup.describe(state)
        field.describe = { v in describe(v) ?? { let f = byName(v); return f.count == 1 ? describe(f[0]) : nil }() }
        return field
    }

    /// Admitted patients whose name holds the text (for a form field): their MRNs.
    func patientsByName() -> @Sendable (String) -> [MRN] {
        let s = state
        let admitted = s.activeStay.keys.compactMap { s.patients[$0] }
        return { v in admitted.filter { PatientLookup.matches($0, v) }.map(\.mrn) }
    }

    /// The MRN a patient field's value stands for.
    static func resolvePatient(_ v: String, _ byName: @Sendable (String) -> [MRN], known: Set<MRN>) -> MRN? {
        if v.isEmpty { return nil }
        if known.contains(v.uppercased()) { return v.uppercased() }
        let found = byName(v)
        return found.count == 1 ? found[0] : nil
    }

    func newTask() {
        let ctx = engine.parseContext
        let known = Set(state.patients.keys)
        let byName = patientsByName()
        overlay = .form(Form(title: "New task", fields: [
            Form.Field("Task"),
            patientField("Patient"),
            Form.Field("Priority", hint: "stat, urgent, routine", value: "routine") { v in Priority.parse(Substring(v)) == nil ? "stat, urgent or routine" : nil },
            Form.Field("Due", hint: "optional: +30m, 14:30", required: false) { v in CommandParser.parseTime(v, context: ctx) == nil ? "not a time" : nil },
        ]) { v in
            let mrn = PanesScreen.resolvePatient(v[1], byName, known: known)
            return "task add \(v[0].quoted) priority \(v[2])" + (mrn.map { " patient \($0)" } ?? "") + (v[3].isEmpty ? "" : " due \(v[3].quoted)")
        })
    }

    func newMessage() {
        let staff = Set(state.staff.keys)
        let known = Set(state.patients.keys)
        let byName = patientsByName()
        overlay = .form(Form(title: "New message", fields: [
            Form.Field("To", hint: "a login or @role") { v in
                if v.hasPrefix("@") { return Role.parse(Substring(v.dropFirst())) == nil ? "roles: \(Role.words)" : nil }
                return staff.contains(v) ? nil : "no staff member '\(v)'"
            },
            Form.Field("Subject"),
            patientField("About"),
            Form.Field("Urgent", hint: "y or n", required: false, value: "n") { v in ["y", "n", "yes", "no"].contains(v.lowercased()) ? nil : "y or n" },
        ]) { v in
            let mrn = PanesScreen.resolvePatient(v[2], byName, known: known)
            return "msg send \(v[0]) \(v[1].quoted)" + (mrn.map { " about \($0)" } ?? "") + (v[3].lowercased().hasPrefix("y") ? " urgent" : "")
        })
    }

}

extension RoundsApp {
    // MARK: - Discharge, finding a patient

    /// D: discharge the selected row's patient, after a question that names them and their bed.
    func confirmDischarge(_ mrn: MRN?) {
        guard let mrn, let p = state.patients[mrn] else { unavailable("select a row with a patient to discharge"); return }
        guard let stay = state.stay(of: mrn) else { unavailable("\(mrn) is not admitted"); return }
        guard let bed = stay.bed else {
            unavailable("\(mrn) is waiting for a bed, not in one: :cancel-admission \(mrn) reason \"…\" takes them off the queue"); return
        }
        // What should stop a discharge is said before the question, not found afterwards.
        var warnings: [String] = []
        if stay.severity == .unstable { warnings.append("the patient is UNSTABLE (I-PASS)") }
        let uncommunicated = (state.labsByPatient[mrn] ?? []).compactMap { state.labs[$0] }.filter(\.awaitsCommunication)
        if !uncommunicated.isEmpty { warnings.append("critical \(uncommunicated.map { "\($0.test) \($0.result?.value ?? "")" }.joined(separator: ", ")) not yet communicated") }
        let procs = state.procedures.values.filter { $0.mrn == mrn && ($0.status == .scheduled || $0.status == .inprogress) }
        if !procs.isEmpty { warnings.append("\(procs.map { "\($0.id) \($0.title)" }.sorted().joined(separator: ", ")) still booked") }
        let warning = warnings.isEmpty ? "" : "‼ WARNING: " + warnings.joined(separator: "; ") + ". "
        overlay = .confirm(Confirmation(title: warnings.isEmpty ? "Discharge" : "‼ Discharge despite warnings",
                                        question: warning + "Discharge \(p.name.terminalSafe) (\(mrn)) from bed \(bed), disposition home? The bed becomes dirty and EVS are asked to clean it. For another disposition: :discharge \(mrn) disposition …",
                                        command: "discharge \(mrn)"))
    }

    /// The finder's matches, kept while the text and the hospital stay the same (it is drawn
    /// four times a second).
    func finderMatches(_ text: String) -> [PatientFinder.Match] {
        let key = FinderKey(text: text, seq: state.lastSeq, past: timeline != nil)
        if let cached = finderCache, cached.key == key { return cached.matches }
        let matches = PatientLookup.find(state, text)
        finderCache = (key, matches)
        return matches
    }

    func handleFinder(_ f: inout PatientFinder, _ key: Key) {
        switch key {
        case .escape:
            overlay = nil
            // The matches were on screen (names, dates of birth, beds): that read is recorded
            // whether or not a patient was then opened.
            if !f.editor.text.isEmpty, !finderMatches(f.editor.text).isEmpty {
                audit(.searched, patient: nil, detail: "find patient \"\(f.editor.text)\" (closed without opening)")
            }
        case .down, .tab: f.selected = min(f.selected + 1, max(0, finderMatches(f.editor.text).count - 1)); overlay = .findPatient(f)
        case .up, .backTab: f.selected = max(0, f.selected - 1); overlay = .findPatient(f)
        case .enter:
            let matches = finderMatches(f.editor.text)
            guard !matches.isEmpty else { setStatus("Nobody found for \"\(f.editor.text)\"", error: true); return }
            let m = matches[min(f.selected, matches.count - 1)]
            overlay = nil
            audit(.searched, patient: nil, detail: "find patient \"\(f.editor.text)\"")
            openPatient(m.mrn)
        default:
            if f.editor.handle(key) { f.selected = 0; overlay = .findPatient(f) }
        }
    }

}

extension PanesScreen {
    /// v on the messages pane: a supervisor switches between their own messages and every
    /// message; looking at all of them is recorded as a read.
    func toggleAllMessages() {
        var v = views[.messages]!
        if v.allMessages {
            v.allMessages = false
            views[.messages] = v
            setStatus("Messages: yours (to you, your role, or from you)")
            return
        }
        guard app.myRole == .supervisor else {
            unavailable("only a supervisor can see every message; this pane shows what is to you, your role (\(app.myRole?.rawValue ?? "none")) or from you")
            return
        }
        do { try engine.recordAccess(.viewed, patient: nil, detail: "every message (messages pane, all)") } catch {
            setStatus("✗ could not record this access in the journal, so every message stays hidden: \(error)", error: true); return
        }
        v.allMessages = true
        views[.messages] = v
        setStatus("Messages: ALL, every message in the hospital; this look is recorded. v returns to yours")
    }

    /// On a bed: choose a waiting patient. On a waiting patient: choose a bed.
    func assign(_ key: String) {
        if key.hasPrefix("bed:") {
            let bedID = String(key.dropFirst(4))
            guard let bed = state.beds[bedID] else { return }
            guard bed.status == .available || bed.status == .reserved else {
                unavailable("bed \(bedID) is \(bed.status.rawValue): only an available bed can be assigned"); return
            }
            let queue = state.placementQueue
            guard !queue.isEmpty else { unavailable("nobody is waiting for a bed"); return }
            let options = queue.map { st -> Picker.Option in
                let problems = Decider.placementProblems(patient: state.patients[st.mrn], needs: st.needs, bed: bed)
                let name = state.patients[st.mrn].map { shortName($0.name) } ?? st.mrn
                let label = "\(st.mrn)  \(name)  waiting \(now - st.requestedAt)  from \(st.source.label)" + (problems.isEmpty ? "" : "  ⚠ override needed")
                return Picker.Option(label: label, command: "assign \(st.mrn) \(bedID)", needsOverride: problems.first)
            }.sorted { ($0.needsOverride == nil ? 0 : 1) < ($1.needsOverride == nil ? 0 : 1) }
            overlay = .picker(Picker(title: "Who goes into \(bedID)?", options: options))
        } else if key.hasPrefix("queue:") {
            let mrn = String(key.dropFirst(6))
            guard let stay = state.stay(of: mrn) else { return }
            let beds = state.unitOrder.flatMap { state.beds(in: $0) }.filter { $0.status == .available || ($0.status == .reserved && $0.patient == mrn) }
            guard !beds.isEmpty else { unavailable("no bed is available"); return }
            let options = beds.map { b -> Picker.Option in
                let problems = Decider.placementProblems(patient: state.patients[mrn], needs: stay.needs, bed: b)
                let attrs = b.attributes.map(\.rawValue).sorted().joined(separator: ",")
                return Picker.Option(label: "\(b.id)  \(state.units[b.unit]?.name ?? b.unit)  \(attrs)" + (problems.isEmpty ? "" : "  ⚠ override needed"),
                                     command: "assign \(mrn) \(b.id)", needsOverride: problems.first)
            }.sorted { ($0.needsOverride == nil ? 0 : 1) < ($1.needsOverride == nil ? 0 : 1) }
            overlay = .picker(Picker(title: "Which bed for \(mrn)?", options: options))
        } else {
            unavailable("select a bed or a waiting patient")
        }
    }

    // MARK: - Details

    func openDetail() {
        guard let row = selectedRow(focus) else { unavailable("nothing selected"); return }
        let w = engine.wallClock
        var lines: [String] = []
        var title = row.key
        if let id = TaskID.parse(Substring(row.key)), let t = state.tasks[id] {
            title = "Task \(t.id)"
            lines = ["\(t.title)", "", "Priority: \(t.priority.rawValue)   Status: \(t.status.rawValue)   Kind: \(t.kind.rawValue)",
                     "Due: \(w.dateTime(t.due)) (\(relative(t.due, now)))", "Owner: \(t.owner?.description ?? "nobody")",
                     "Raised by: \(t.createdBy) at \(w.dateTime(t.createdAt))" + (t.link == .none ? "" : "   From: \(t.link)"),
                     "Escalation: \(["none", "overdue", "supervisor told"][min(2, t.escalation)])"]
            if let c = t.communication { lines.append("Told \(c.toldName) (\(c.toldRole.label)), read back \(c.readBack), by \(c.by) at \(w.hhmm(c.at))") }
            if !t.notes.isEmpty { lines += ["", "Notes:"] + t.notes.map { "  \(w.hhmm($0.at)) \($0.by): \($0.text)" } }
        } else if let id = LabID.parse(Substring(row.key)), row.key.hasPrefix("L"), let l = state.labs[id] {
            title = "Lab \(l.id) \(l.test)"
            lines = ["Test: \(LabCatalog.test(l.test)?.name ?? l.test)   Priority: \(l.priority.rawValue)   Status: \(l.status.rawValue)",
                     "Ordered: \(w.dateTime(l.orderedAt))" + (l.neededBy.map { "   Needed by: \(w.dateTime($0))" } ?? "")]
            if let t = l.collectedAt { lines.append("Collected: \(w.dateTime(t))") }
            if let t = l.receivedAt { lines.append("Received: \(w.dateTime(t))") }
            if let r = l.result { lines.append("Result: \(r.value) \(r.units)  range \(r.range)  flag \(r.flag.rawValue.uppercased())") }
            if let c = l.communication { lines.append("Communicated to \(c.toldName) (\(c.toldRole.label)), read back \(c.readBack)") }
        } else if let id = MessageID.parse(Substring(row.key)), row.key.hasPrefix("M"), let m = state.messages[id] {
            title = "Message \(m.id)"
            app.submitQuietly("msg read \(m.id)")
            lines = ["\(m.subject)", "", "From: \(m.from)   To: \(m.to)   Sent: \(w.dateTime(m.sentAt))\(m.urgent ? "   URGENT" : "")"]
            if !m.body.isEmpty { lines += ["", m.body] }
            lines.append("")
            lines.append(m.acknowledgedBy.map { "Acknowledged by \($0)" } ?? (m.urgent ? "Not acknowledged (a to acknowledge)" : ""))
            let me = engine.actor, role = app.myRole, all = views[.messages]!.allMessages
            let thread = state.messages.values.filter { $0.thread == m.thread && $0.id != m.id && (all || $0.concerns(me, role: role)) }
            if !thread.isEmpty { lines += ["", "Thread:"] + thread.map { "  \($0.id) \(w.hhmm($0.sentAt)) \($0.from): \($0.subject)" } }
        } else if row.key.hasPrefix("bed:"), let b = state.beds[String(row.key.dropFirst(4))] {
            title = "Bed \(b.id)"
            lines = ["Unit: \(state.units[b.unit]?.name ?? b.unit)   Status: \(BedBoardPane.glyph(b.status).0) since \(w.dateTime(b.since))",
                     "Attributes: \(b.attributes.map(\.rawValue).sorted().joined(separator: ", "))"]
            if let block = b.block { lines.append("Blocked: \(block.reason)" + (block.until.map { " until \(w.dateTime($0))" } ?? "")) }
            if let mrn = b.patient { lines.append("Patient: \(mrn) — p opens the patient view") }
        } else if row.patient != nil {
            app.openPatient(); return
        }
        if let mrn = row.patient { audit(.viewed, patient: mrn, detail: "\(title) details") }
        let message = MessageID.parse(Substring(row.key)).flatMap { row.key.hasPrefix("M") && state.messages[$0]?.awaitsAcknowledgement == true ? $0 : nil }
        app.detailSubject = (row.patient, message, false)
        overlay = .detail(title: title, lines: lines, scroll: 0)
    }

}

extension RoundsApp {
    /// Notes a read of patient data in the journal; if it cannot be noted, says so.
    func audit(_ kind: AccessKind, patient: MRN?, detail: String) {
        do { try engine.recordAccess(kind, patient: patient, detail: detail) } catch {
            setStatus("✗ could not record this access in the journal: \(error)", error: true)
        }
    }

    /// Runs a command whose outcome needs no status line (marking a message read on opening it).
    func submitQuietly(_ line: String) { _ = try? engine.submit(line: line) }

    /// Everything about one patient: bed, stay, labs, tasks, messages.
    func openPatient(_ chosen: MRN? = nil) {
        guard let mrn = chosen ?? selectedRow(focus)?.patient, let p = state.patients[mrn] else { unavailable("this row has no patient"); return }
        let w = engine.wallClock
        let age = p.dateOfBirth.years(until: w.localDate(now))
        var lines = ["\(p.name)   \(mrn)   \(age) y   sex \(p.sex.rawValue)   born \(p.dateOfBirth)"]
        var flags: [String] = []
        if !p.precautions.isEmpty { flags.append("precautions: \(p.precautions.map(\.rawValue).sorted().joined(separator: ", "))") }
        if p.interpreter { flags.append("interpreter: \(p.language ?? "yes")") }
        if p.livesAlone { flags.append("lives alone") }
        if p.fallRisk { flags.append("fall risk") }
        if !flags.isEmpty { lines.append(flags.joined(separator: " · ")) }
        if let st = state.stay(of: mrn) {
            lines += ["", "Stay \(st.id): \(st.phase == .waiting ? "waiting for a bed since \(w.dateTime(st.requestedAt)) (\(now - st.requestedAt))" : "in bed \(st.bed ?? "?")") from \(st.source.label)",
                      "Attending: \(st.attending ?? "—")   Expected discharge: \(st.expectedDischarge?.description ?? "—")"]
            for move in st.history { lines.append("  \(move.bed) from \(w.dateTime(move.from))" + (move.override.map { " (override: \($0))" } ?? "")) }
            // Discharge barriers: the open ones first, then what was resolved.
            let barriers = state.barriers.byStay[st.id] ?? []
            if !barriers.isEmpty {
                lines += ["", "Discharge barriers:"]
                for b in barriers where b.isOpen {
                    lines.append("  ‼ \(b.kind.rawValue): \(b.note) (recorded \(w.dateTime(b.recordedAt)) by \(b.recordedBy)); discharge not counted in the bed forecast")
                }
                for b in barriers where !b.isOpen {
                    lines.append("  ✓ \(b.kind.rawValue) resolved \(b.resolvedAt.map(w.dateTime) ?? "") by \(b.resolvedBy ?? "?")" + (b.resolution.map { ": \($0)" } ?? "") + " (was: \(b.note))")
                }
            }
        } else {
            lines += ["", "Not admitted now."]
        }
        let labs = (state.labsByPatient[mrn] ?? []).compactMap { state.labs[$0] }.suffix(12)
        if !labs.isEmpty {
            lines += ["", "Labs:"] + labs.map { l in
                "  \(l.id) \(l.test) \(l.status.rawValue)" + (l.result.map { " \($0.value) \($0.units) \($0.flag.rawValue.uppercased())" } ?? "") +
                    (l.awaitsCommunication ? "  ‼ not yet communicated" : "")
            }
        }
        let tasks = state.tasks.values.filter { $0.patient == mrn && !$0.status.isClosed }
        if !tasks.isEmpty { lines += ["", "Open tasks:"] + tasks.map { "  \($0.id) \($0.priority.rawValue) due \(w.hhmm($0.due)) \($0.title)" } }
        let procs = state.procedures.values.filter { $0.mrn == mrn && ($0.status == .scheduled || $0.status == .inprogress) }
        if !procs.isEmpty {
            // Ready as the schedule says it: every requirement (Readiness.swift), not only labs.
            lines += ["", "Procedures:"] + procs.sorted { $0.start < $1.start }.flatMap { pr -> [String] in
                let unmet = pr.status == .scheduled ? state.unmetRequirements(of: pr, at: now).map(\.detail) : []
                var line = "  \(pr.id) \(pr.title) · \(pr.resource) \(w.dateTime(pr.start))–\(w.hhmm(pr.end))"
                if let u = state.scheduling.urgency[pr.id] { line += " · \(u.urgency.rawValue) add-on" }
                line += pr.status == .inprogress ? "  in progress" : unmet.isEmpty ? "  ready" : "  NOT READY: " + unmet.joined(separator: "; ")
                var more = [line]
                if let a = state.readiness.authOf[pr.id].flatMap({ state.readiness.auths[$0] }) {
                    more.append("    pre-auth \(a.id) \(a.payer): \(a.status.rawValue)" + (a.number.map { " \($0)" } ?? ""))
                }
                return more
            }
        }
        // Referrals: the open ones (overdue marked), then the last closed ones.
        let referrals = state.referrals.of(mrn)
        if !referrals.isEmpty {
            lines += ["", "Referrals:"]
            for r in referrals.filter(\.isOpen) { lines.append("  " + referralLine(r)) }
            for r in referrals.filter({ !$0.isOpen }).suffix(5) { lines.append("  " + referralLine(r)) }
        }
        if let st = state.stay(of: mrn), let re = state.followUps.readmissions[st.id] {
            lines += ["", "‼ Readmission: back \(re.admittedAt - re.previousDischarge) after the discharge of \(w.dateTime(re.previousDischarge)) (stay \(re.previous))"]
        }
        let studies = state.research.of(mrn)
        if !studies.isEmpty {
            lines += ["", "Research:"]
            for e in studies {
                let st = state.research.studies[e.study]
                lines.append("  ◆ \(e.study) \(st?.name ?? "") · \(e.status.rawValue) · anchor \(e.anchor)" + (e.arm.map { " · arm \($0)" } ?? "")
                             + " · consent \(e.consentVersion)" + (st.map { $0.consentVersion != e.consentVersion ? " (RE-CONSENT to \($0.consentVersion))" : "" } ?? ""))
                for v in st?.plan ?? [] {
                    let w = st!.window(v, anchor: e.anchor)
                    let done = e.visits[v.name].map { r in " — \(r.outcome.rawValue) \(engine.wallClock.localDate(r.at))" + (r.deviation.map { " ‼ DEVIATION: \($0)" } ?? "") } ?? ""
                    lines.append("    \(v.label): \(w.first)–\(w.last)\(done)")
                }
            }
        }
        let devices = state.supplies.held(by: .patient(mrn))
        if !devices.isEmpty {
            lines += ["", "Equipment:"]
            for a in devices {
                lines.append("  \(a.label) \(a.name) since \(w.dateTime(a.since)) · maintenance due \(a.maintenanceDate)"
                             + (a.maintenanceOverdue(at: now) ? " ‼ OVERDUE: swap it" : ""))
            }
        }
        let followUps = state.followUps.of(mrn)
        if !followUps.isEmpty {
            lines += ["", "Follow-up after discharge:"]
            for f in followUps.suffix(3) { lines.append("  " + followUpLine(f)) }
        }
        let complaints = state.complaints.of(mrn)
        if !complaints.isEmpty {
            lines += ["", "Complaints:"]
            for c in complaints.filter(\.isOpen) + complaints.filter({ !$0.isOpen }).suffix(3) { lines.append("  " + complaintLine(c)) }
        }
        // Messages about the patient that are this user's business (or all, for a supervisor
        // who has switched the messages pane to all).
        let me = engine.actor, role = myRole, all = views[.messages]!.allMessages
        let msgs = state.messages.values.filter { $0.patient == mrn && (all || $0.concerns(me, role: role)) }.suffix(8)
        if !msgs.isEmpty { lines += ["", "Messages:"] + msgs.map { "  \($0.id) \(w.hhmm($0.sentAt)) \($0.from) → \($0.to): \($0.subject)" } }
        audit(.viewed, patient: mrn, detail: "patient view")
        detailSubject = (mrn, nil, true)
        overlay = .detail(title: "Patient \(mrn)", lines: lines, scroll: 0)
    }
}

extension PanesScreen {
    /// The bed forecast of one unit (nil: the whole hospital) as an overlay: the shortfall, the
    /// hours in which something leaves or is needed, and the patients counted or held.
    func showForecast(_ unit: UnitCode?) {
        let w = engine.wallClock
        let f = state.bedForecast(at: now, wallClock: w)
        let u = unit.flatMap { code in f.units.first { $0.unit == code } } ?? f.total
        let name = u.unit.map { "\($0) · \(u.name)" } ?? "The whole hospital"
        var lines = ["\(name): next 24 h from \(w.dateTime(f.slotStarts[0]))", ""]
        if u.shortfall > 0 {
            lines.append("‼ " + f.shortLine(u, w).prefix(1).uppercased() + f.shortLine(u, w).dropFirst())
        } else {
            let low = u.available.firstIndex(of: u.lowest) ?? 0
            lines.append("No shortfall: \(u.freeNow) free now, \(u.totalDischarges) leaving, \(u.totalDemand) needed" + (u.held > 0 ? ", \(u.held) held" : "")
                         + "; lowest \(u.lowest) free (\(f.label(low, w)))")
        }
        if u.unit == nil, f.unplaced > 0 { lines.append("\(f.unplaced) needed with no unit asked for (counted here only)") }
        lines += ["", "Hour    Leaving  Needed  Available"]
        for h in 0..<BedForecast.hours where h == 0 || u.discharges[h] > 0 || u.demand[h] > 0 {
            let label = f.label(h, w)
            let pad = String(repeating: " ", count: max(0, 8 - label.count))
            let avail = u.available[h] < 0 ? "‼ \(u.available[h])" : "\(u.available[h])"
            lines.append("\(label)\(pad)+\(u.discharges[h])       -\(u.demand[h])      \(avail)")
        }
        let mine = f.items.filter { u.unit == nil || $0.unit == u.unit }
        func who(_ mrn: MRN) -> String { state.patients[mrn].map { "\(mrn) \(shortName($0.name))" } ?? mrn }
        let counted = mine.filter(\.kind.counts)
        if !counted.isEmpty {
            lines += ["", "Counted:"]
            lines += counted.map { "  \($0.slot.map { f.label($0, w) } ?? "")  \($0.kind.rawValue)  \(who($0.mrn))" + ($0.unit == nil ? " (no unit)" : "") + " — \($0.detail)" }
        }
        let held = mine.filter { !$0.kind.counts }
        if !held.isEmpty {
            lines += ["", "Not counted:"]
            lines += held.map { "  \($0.kind.rawValue)  \(who($0.mrn)) — \($0.detail)" }
        }
        lines += ["", "Discharges at \(Policy.clock(f.dischargeTime)) on the expected date (policy discharge-time); a patient with an open discharge barrier is not counted; waiting patients are needed now, a bed after a case at the hour it ends. x records a barrier, X resolves one."]
        app.detailSubject = (nil, nil, false)
        overlay = .detail(title: "Bed forecast · \(u.unit ?? "hospital")", lines: lines, scroll: 0)
    }
}

extension RoundsApp {
    /// One referral in a line, as the patient view and the referrals screen say it: never by
    /// colour alone (‼ overdue, ✓ loop closed, ✗ closed without a report).
    func referralLine(_ r: Referral) -> String {
        let w = engine.wallClock
        let mark = r.isOverdue(at: now) ? "‼" : r.status == .complete ? "✓" : r.isOpen ? "○" : "✗"
        var line = "\(mark) \(r.id) to \(r.destination), \(r.urgency.rawValue), \(r.status.rawValue)"
        if r.status == .scheduled, let a = r.appointment { line += ", appointment \(w.dateTime(a))" }
        if let u = r.unableReason, r.isOpen { line += ", unable to schedule: \(u)" }
        if r.isOpen {
            line += r.isOverdue(at: now) ? " — OVERDUE since \(w.dateTime(r.due))" : " — report due \(w.dateTime(r.due))"
        } else if r.status == .complete, let at = r.reportedAt {
            line += " — report \(w.dateTime(at)): \(r.report ?? "")"
        } else if let last = r.history.last {
            line += " \(w.dateTime(last.at))" + (last.note.map { ": \($0)" } ?? "")
        }
        return line
    }
}

extension RoundsApp {
    /// One complaint in a line: ‼ response overdue, ○ open, ✓ closed, ✗ withdrawn.
    func complaintLine(_ c: Complaint) -> String {
        let w = engine.wallClock
        let mark = c.isOverdue(at: now) ? "‼" : c.isOpen ? "○" : c.status == .closed ? "✓" : "✗"
        var line = "\(mark) \(c.id) \(c.grievance ? "grievance" : "complaint") (\(c.category.rawValue), \(c.channel.rawValue), from \(c.source.rawValue)), \(c.status.rawValue): \(c.summary)"
        if c.isOpen {
            line += c.isOverdue(at: now) ? " — response OVERDUE since \(w.dateTime(c.responseDue))" : " — response due \(w.dateTime(c.responseDue))"
        } else if let r = c.resolution {
            line += " — completed \(r.completed): \(r.result)"
        }
        return line
    }
}

extension RoundsApp {
    /// One follow-up in a line: ‼ late (call or visit), ○ open, ✓ done, ✗ closed.
    func followUpLine(_ f: FollowUp) -> String {
        let w = engine.wallClock
        let late = f.callLate(at: now) || f.visitLate(at: now)
        let mark = late ? "‼" : f.isOpen ? "○" : f.status == .done ? "✓" : "✗"
        var parts = ["\(mark) \(f.id) after discharge \(w.dateTime(f.dischargedAt)), \(f.status.rawValue), \(f.lace.description)"]
        parts.append(f.reachedAt.map { "reached \(w.dateTime($0))" }
                     ?? "not reached (\(f.attempts) attempt\(f.attempts == 1 ? "" : "s")); call by \(w.dateTime(f.callDue))" + (f.callLate(at: now) ? " LATE" : ""))
        if let v = f.visitAt {
            parts.append("visit \(w.dateTime(v))" + (f.visitWith.map { " with \($0)" } ?? "") + (v > f.visitDue ? " (outside the \(f.windowDays)-day window)" : "")
                         + (f.visitAttended == true ? ", attended" : ""))
        } else {
            parts.append("no visit booked; within \(f.windowDays) days: by \(w.dateTime(f.visitDue))" + (f.visitLate(at: now) ? " LATE" : ""))
        }
        if let back = f.readmittedAt { parts.append("READMITTED \(w.dateTime(back))") }
        return parts.joined(separator: " · ")
    }
}
