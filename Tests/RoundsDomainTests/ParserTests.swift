import Testing
@testable import RoundsDomain
import RoundsTestSupport

let ctx = ParseContext(now: fixtureStart, wallClock: .utc)

func parseError(_ line: String) -> ParseError? {
    do { _ = try CommandParser.parse(line, context: ctx); return nil } catch { return error }
}

@Suite struct ParserTests {
    @Test func parsesTheCoreCommands() throws {
        #expect(try CommandParser.parse("assign MRN001 4W-02", context: ctx) == .assign(mrn: "MRN001", bed: "4W-02", override: nil))
        #expect(try CommandParser.parse("transfer mrn001 icu-01 override \"no other bed\"", context: ctx)
                == .transfer(mrn: "MRN001", bed: "ICU-01", override: "no other bed"))
        #expect(try CommandParser.parse("discharge MRN001 disposition home-services", context: ctx) == .discharge(mrn: "MRN001", disposition: .homeservices))
        #expect(try CommandParser.parse("bed block 4W-01 reason 'no staff' until 14:30", context: ctx)
                == .block(bed: "4W-01", reason: "no staff", until: fixtureStart + .hours(7) + .minutes(30)))
        #expect(try CommandParser.parse("task done T5 told \"Dr Lee\" role physician readback 6.8", context: ctx)
                == .completeTask(TaskID(5), note: nil, communication: CommunicationInput(toldName: "Dr Lee", toldRole: .physician, readBack: "6.8")))
        #expect(try CommandParser.parse("task snooze 5 for 45m", context: ctx) == .snoozeTask(TaskID(5), until: fixtureStart + .minutes(45), reason: nil))
        #expect(try CommandParser.parse("task reassign T5 to @evs", context: ctx) == .reassignTask(TaskID(5), owner: .role(.evs)))
        #expect(try CommandParser.parse("lab result L3 \"O POS\" flag normal", context: ctx)
                == .resultLab(LabID(3), value: "O POS", units: nil, range: nil, flag: .normal))
        #expect(try CommandParser.parse("proc book MRN001 surgery or-3 at tomorrow 08:00 for 2h requires k,ts", context: ctx)
                == .bookProcedure(mrn: "MRN001", kind: .surgery, resource: "OR-3", start: fixtureStart + .hours(25), end: fixtureStart + .hours(27),
                                  requires: ["k", "ts"], title: nil))
        #expect(try CommandParser.parse("msg send @lab \"Re-run K please\" about MRN001 urgent", context: ctx)
                == .sendMessage(to: .role(.lab), patient: "MRN001", subject: "Re-run K please", body: "", urgent: true))
        #expect(try CommandParser.parse("policy set critical-window 20m", context: ctx) == .setPolicy(key: .criticalWindow, value: 1_200_000))
    }

    @Test func admitReadsEveryOption() throws {
        let c = try CommandParser.parse(
            "admit MRN9 name \"Øster, Zoë\" dob 1944-02-29 sex f from pacu unit ICU needs telemetry precautions airborne,contact language Danish interpreter lives-alone fall-risk attending \"Dr X\" edd +2d",
            context: ctx)
        guard case .admit(let a) = c else { Issue.record("not an admission"); return }
        #expect(a.name == "Øster, Zoë")
        #expect(a.dateOfBirth == LocalDate(year: 1944, month: 2, day: 29))
        #expect(a.source == .pacu)
        #expect(a.wantedUnit == "ICU")
        #expect(a.needs == [.telemetry])
        #expect(a.changes.precautions == [.airborne, .contact])
        #expect(a.changes.language == .some("Danish"))
        #expect(a.changes.interpreter == true && a.changes.livesAlone == true && a.changes.fallRisk == true)
        #expect(a.expectedDischarge == LocalDate(year: 2026, month: 11, day: 24))
    }

    @Test func errorsSayWhatWasWrongAndWhatIsValid() {
        #expect(parseError("asign MRN1 4W-01")?.message == "unknown command 'asign'; did you mean assign?")
        #expect(parseError("")?.message == "empty command")
        #expect(parseError("assign MRN1")?.message == "assign: missing bed")
        #expect(parseError("assign M 4W-01")?.message.contains("is not an MRN") == true)
        #expect(parseError("discharge MRN1 disposition moon")?.message == "'moon' is not a disposition; valid: home, home-services, snf, rehab, transfer, ama, hospice, deceased")
        #expect(parseError("task add \"x\" due 25:99")?.message.contains("is not a time; use now, +30m, 14:30") == true)
        #expect(parseError("task add \"x\" colour red")?.message == "task: unexpected 'colour'; expected one of: patient, priority, due, owner, note")
        #expect(parseError("task done T5 told \"Dr Lee\"")?.message.contains("needs all of: told") == true)
        #expect(parseError("admit MRN1 name \"unterminated")?.message.contains("unterminated quote") == true)
        #expect(parseError("bed polish 4W-01")?.message.contains("valid: dirty, cleaning, clean, block, unblock, release, add") == true)
        #expect(parseError("admit MRN1 dob 1990-02-30")?.message.contains("is not a date") == true)
        #expect(parseError("task snooze T1 for 30")?.message.contains("is not a duration") == true)
        #expect(parseError("msg send @janitor \"hi\"")?.message.contains("is not a role") == true)
        #expect(parseError("lab collect X7")?.message.contains("is not a lab order number") == true)
        // Every error carries the verb's usage line.
        #expect(parseError("assign MRN1")?.usage == CommandParser.usage("assign"))
    }

    @Test func tokenizerHandlesQuotesAndEscapes() throws {
        #expect(try CommandParser.tokenize("a \"b c\" 'd \"e\"' \"f \\\"g\\\"\"") == ["a", "b c", "d \"e\"", "f \"g\""])
        #expect(try CommandParser.tokenize("  spaced   out  ") == ["spaced", "out"])
        #expect(try CommandParser.tokenize("empty \"\" quote") == ["empty", "", "quote"])
    }

    @Test func timesAndDurations() {
        #expect(CommandParser.parseSpan("1h30m") == .minutes(90))
        #expect(CommandParser.parseSpan("+2d") == .days(2))
        #expect(CommandParser.parseSpan("30") == nil)
        #expect(CommandParser.parseSpan("m") == nil)
        #expect(CommandParser.parseTime("now", context: ctx) == fixtureStart)
        #expect(CommandParser.parseTime("07:30", context: ctx) == fixtureStart + .minutes(30))
        #expect(CommandParser.parseTime("2026-11-23T08:00", context: ctx) == fixtureStart + .hours(25))
        #expect(CommandParser.parseTime("2026-11-22T07:00:00Z", context: ctx) == fixtureStart)
        #expect(CommandParser.parseTime("yesterday 07:00", context: ctx) == fixtureStart - .days(1))
        #expect(CommandParser.parseTime("24:00", context: ctx) == nil)
        // A wall clock two hours east of UTC.
        let east = ParseContext(now: fixtureStart, wallClock: WallClock { _ in 7200 })
        #expect(CommandParser.parseTime("09:00", context: east) == fixtureStart)
    }
}

@Suite struct CalendarTests {
    @Test func datesRoundTrip() {
        for days in stride(from: -40_000, through: 40_000, by: 37) {
            let d = LocalDate(daysSinceEpoch: Int32(days))
            let c = d.components
            #expect(LocalDate(year: c.year, month: c.month, day: c.day) == d)
        }
        #expect(LocalDate(year: 2024, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2026, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 1970, month: 1, day: 1)?.daysSinceEpoch == 0)
        #expect(fixtureStart.iso8601 == "2026-11-22T07:00:00Z")
        #expect(LocalDate(year: 1944, month: 2, day: 29)!.years(until: LocalDate(year: 2026, month: 2, day: 28)!) == 81)
    }

    @Test func spansPrintCompactly() {
        #expect(Span.minutes(95).description == "1h35m")
        #expect(Span.hours(26).description == "1d02h")
        #expect(Span.seconds(-30).description == "-30s")
    }
}

@Suite struct CodecTests {
    /// Every event type survives encoding and decoding, including edge values.
    @Test func everyEventTypeRoundTrips() throws {
        let p = Patient(mrn: "M-1", name: "王, 秀英 \u{1F600}", dateOfBirth: LocalDate(year: 1901, month: 1, day: 1)!, sex: .x, language: nil,
                        interpreter: false, precautions: Set(Precaution.allCases), fallRisk: true, livesAlone: true)
        let t = Timestamp(milliseconds: -1)
        let events: [Event] = [
            .unitAdded(UnitAdded(code: "U", name: "", kind: .rehab)),
            .bedAdded(BedAdded(id: "B", unit: "U", attributes: [])),
            .staffRecorded(Staff(login: "x", name: "Ñ", role: .viewer, onDuty: false)),
            .policySet(PolicySet(key: .cleaningWindow, value: Int64.max)),
            .patientRecorded(p),
            .admissionRequested(AdmissionRequested(stay: StayID(Int(Int32.max)), mrn: "M", source: .or, wantedUnit: nil, needs: Set(BedAttribute.allCases), attending: nil, expectedDischarge: nil)),
            .admissionCancelled(AdmissionCancelled(mrn: "M", stay: StayID(1), reason: "r")),
            .bedReserved(BedReserved(bed: "B", mrn: "M")),
            .reservationReleased(ReservationReleased(bed: "B")),
            .bedAssigned(BedAssigned(mrn: "M", stay: StayID(1), bed: "B", override: "o")),
            .patientTransferred(PatientTransferred(mrn: "M", stay: StayID(1), from: "A", to: "B", override: nil)),
            .bedsSwapped(BedsSwapped(first: "M", firstBed: "A", second: "N", secondBed: "B", override: nil)),
            .patientDischarged(PatientDischarged(mrn: "M", stay: StayID(1), bed: nil, disposition: .deceased)),
            .stayUpdated(StayUpdated(mrn: "M", stay: StayID(1), attending: "a", expectedDischarge: LocalDate(daysSinceEpoch: -5), needs: [.bariatric], wantedUnit: "U")),
            .bedStatusChanged(BedStatusChanged(bed: "B", status: .cleaning)),
            .bedBlocked(BedBlocked(bed: "B", reason: "x", until: t, returnsTo: .dirty)),
            .bedUnblocked(BedUnblocked(bed: "B", automatic: true)),
            .taskCreated(TaskCreated(id: TaskID(3), title: "t", kind: .escalation, priority: .routine, due: t, owner: .person("p"), patient: nil, link: .bed("B"), note: "n")),
            .taskStatusChanged(TaskStatusChanged(id: TaskID(3), status: .cancelled, note: nil)),
            .taskReassigned(TaskReassigned(id: TaskID(3), owner: nil)),
            .taskRescheduled(TaskRescheduled(id: TaskID(3), due: Timestamp(milliseconds: Int64.max), reason: nil)),
            .taskNoted(TaskNoted(id: TaskID(3), text: String(repeating: "é", count: 300))),
            .taskEscalated(TaskEscalated(id: TaskID(3), level: 2)),
            .labOrdered(LabOrdered(id: LabID(9), mrn: "M", test: "K", priority: .stat, neededBy: nil)),
            .labProgressed(LabProgressed(id: LabID(9), status: .received)),
            .labResulted(LabResulted(id: LabID(9), result: LabResult(value: "<0.1", units: "", range: "", flag: .abnormal), criticalTask: nil)),
            .labAcknowledged(LabAcknowledged(id: LabID(9))),
            .criticalCommunicated(CriticalCommunicated(lab: LabID(9), task: TaskID(3), toldName: "n", toldRole: .chargenurse, readBack: "r")),
            .labCancelled(LabCancelled(id: LabID(9), reason: "r")),
            .procedureBooked(ProcedureBooked(id: ProcedureID(1), mrn: "M", kind: .therapy, title: "t", resource: "R", start: t, end: t, requiredTests: [])),
            .procedureRescheduled(ProcedureRescheduled(id: ProcedureID(1), start: t, end: t)),
            .procedureStatusChanged(ProcedureStatusChanged(id: ProcedureID(1), status: .inprogress, reason: "r")),
            .procedureNotReady(ProcedureNotReady(id: ProcedureID(1), missing: ["A", "B"], task: TaskID(1))),
            .messageSent(MessageSent(id: MessageID(1), to: .role(.transport), patient: "M", subject: "s", body: "b", urgent: true, replyTo: MessageID(1), system: true)),
            .messageRead(MessageRead(id: MessageID(1))),
            .messageAcknowledged(MessageAcknowledged(id: MessageID(1))),
            .messageEscalated(MessageEscalated(id: MessageID(1), level: 1)),
            .accessRecorded(AccessRecorded(kind: .exported, patient: nil, detail: "report beds csv")),
            .accessRecorded(AccessRecorded(kind: .viewed, patient: "M", detail: "patient view")),
            .sessionOpened(SessionOpened(uid: -1, terminal: "pts/0", remote: "fe80::1%eth0 65535", program: "rounds")),
            .sessionOpened(SessionOpened(uid: Int64(UInt32.max), terminal: "", remote: "", program: "")),
            .breakGlassStarted(BreakGlassStarted(id: GrantID(Int(Int32.max)), reason: "covering 4W — ça va", until: t)),
            .breakGlassEnded(BreakGlassEnded(id: GrantID(1))),
            .breakGlassReviewed(BreakGlassReviewed(id: GrantID(1), verdict: .followUp, note: "")),
            .ipassUpdated(IPassUpdated(mrn: "M", stay: StayID(1), severity: .unstable, summary: "s", contingency: nil, awareness: "a",
                                       clearContingencies: true, clearAwareness: false)),
            .ipassUpdated(IPassUpdated(mrn: "M", stay: StayID(1), severity: nil, summary: nil, contingency: "If x, then y", awareness: nil,
                                       clearContingencies: false, clearAwareness: true)),
            .handoverStarted(HandoverStarted(id: HandoverID(2), to: "bob")),
            .handoverAcknowledged(HandoverAcknowledged(id: HandoverID(2), item: "L12", from: "alice", to: "bob", note: nil)),
            .handoverStatusChanged(HandoverStatusChanged(id: HandoverID(2), status: .cancelled, note: "n")),
            .shiftsDefined(ShiftsDefined(shifts: [ShiftDefinition(name: "early", start: 0, end: 1439), ShiftDefinition(name: "夜", start: 1439, end: 0)])),
        ]
        #expect(Set(events.map(\.typeCode)) == Set(1...47), "every event type is covered")
        for e in events {
            var w = ByteWriter()
            e.writePayload(to: &w)
            let back = try w.bytes.withUnsafeBytes { raw in
                var r = ByteReader(raw)
                return try Event.read(type: e.typeCode, from: &r)
            }
            #expect(back == e)
            // A payload cut short is refused, never misread.
            if !w.bytes.isEmpty {
                let cut = Array(w.bytes.dropLast())
                let failed = cut.withUnsafeBytes { raw -> Bool in
                    var r = ByteReader(raw)
                    return (try? Event.read(type: e.typeCode, from: &r)) == nil
                }
                #expect(failed, "\(e.typeName) decoded from a truncated payload")
            }
        }
    }

    @Test func unknownTypeIsRefused() {
        let bytes: [UInt8] = [0]
        let failed = bytes.withUnsafeBytes { raw -> Bool in
            var r = ByteReader(raw)
            return (try? Event.read(type: 999, from: &r)) == nil
        }
        #expect(failed)
    }
}

import Foundation

@Suite struct CommandDocsTests {
    /// Docs/COMMANDS.md documents every verb and sub-command the parser accepts.
    @Test func everyVerbIsDocumented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("Docs/COMMANDS.md"), encoding: .utf8)
        for verb in CommandParser.verbs {
            #expect(doc.contains("    \(verb) "), "\(verb) is not documented")
        }
        for phrase in ["bed dirty", "bed cleaning", "bed clean", "bed block", "bed unblock", "bed release", "bed add",
                       "task start", "task wait", "task done", "task cancel", "task reopen", "task reassign", "task snooze", "task note",
                       "lab order", "lab collect", "lab receive", "lab result", "lab ack", "lab communicate", "lab cancel",
                       "proc book", "proc move", "proc start", "proc done", "proc cancel", "msg send", "msg reply", "msg read", "msg ack",
                       "staff add", "staff set", "policy set", "barrier add", "barrier resolve", "ref add", "ref receive", "ref schedule", "ref unable", "ref partial", "ref report", "ref discontinue", "ref cancel", "ref reopen", "complaint add", "complaint note", "complaint notice", "complaint grievance", "complaint close", "complaint withdraw", "complaint reopen", "followup call", "followup visit", "followup close", "study add", "study renew", "study amend", "study enroll", "study visit", "study consent", "study end", "stock add", "stock par", "stock count", "stock receive", "stock use", "stock discard", "stock order", "equip add", "equip assign", "equip return", "equip clean", "equip fault", "equip out", "equip repaired", "equip maintained", "equip need", "break-glass end", "break-glass review", "handover start", "handover ack", "handover take", "handover pause", "handover resume", "handover complete", "handover cancel", "shifts set"] {
            #expect(doc.contains(phrase), "\(phrase) is not documented")
        }
        for key in PolicyKey.allCases { #expect(doc.contains(key.rawValue)) }
    }
}

/// Discharge barriers and the forecast's discharge time in the command language.
@Suite struct BarrierParserTests {
    @Test func barriersAndTheDischargeTimeParse() throws {
        #expect(try CommandParser.parse("barrier add mrn001 Transport \"ambulance booked for 14:00\"", context: ctx)
                == .recordBarrier("MRN001", .transport, note: "ambulance booked for 14:00"))
        #expect(try CommandParser.parse("barrier resolve MRN001 pharmacy", context: ctx) == .resolveBarrier("MRN001", .pharmacy, note: nil))
        #expect(try CommandParser.parse("barrier resolve MRN001 other note \"bed delivered\"", context: ctx) == .resolveBarrier("MRN001", .other, note: "bed delivered"))
        #expect(try CommandParser.parse("policy set discharge-time 10:30", context: ctx) == .setPolicy(key: .dischargeTime, value: 37_800_000))
    }

    @Test func badBarriersSayWhatIsValid() {
        #expect(parseError("barrier")?.message.contains("missing sub-command (add or resolve)") == true)
        #expect(parseError("barrier add MRN001")?.message.contains("missing kind of barrier (transport, equipment, pharmacy, family, placement, other)") == true)
        #expect(parseError("barrier add MRN001 ride \"x\"")?.message.contains("valid: transport, equipment, pharmacy, family, placement, other") == true)
        #expect(parseError("barrier resolve MRN001 family because")?.message.contains("expected one of: note") == true)
        #expect(parseError("barrier add MRN001 family")?.usage?.contains("barrier resolve MRN KIND") == true)
        #expect(parseError("policy set discharge-time 7")?.message.contains("not a time of day") == true)
    }
}
