/// Every action Rounds offers at the keyboard, once. The key bindings, the `?` help overlay,
/// the key-hint bar and Docs/KEYS.md all come from this table.
public enum ActionID: String, CaseIterable, Sendable {
    case quit, help, commandLine, filter, nextPane, previousPane
    case focusWorklist, focusBeds, focusLabs, focusMessages
    case up, down, pageUp, pageDown, top, bottom, open, patient, findPatient, sort, lock, redraw, supervisor, breakGlass, reviewGrant, discharge, allMessages
    case handover, ipass, changes, timeline, stepBack, stepForward, jumpBack, jumpForward
    case acknowledgeItem, acknowledgeItemWithNote, acknowledgeStable, completeHandover, pauseHandover, startHandover, takeTask
    case assign, cleaning, block, unblock, barrier, resolveBarrier, forecast
    case startTask, completeTask, reassignTask, snoozeTask, newTask
    case collectLab, resultLab, communicateLab
    case acknowledgeMessage, replyMessage, newMessage
    case interfaceItems, itemDetail, retryItem, overrideItem, dismissItem
    case schedule, previousDay, nextDay, today, casePatient, nextOption, acceptOption
    case loops, loopPatient, loopSection, loopReceive, loopStep, loopUnable, loopClose, loopCancel, loopNew, loopClosedToo
    case supplies, supplySection, supplyCount, supplyReceive, supplyUse, supplyDiscard, supplyOrder, supplyNew, supplyPatient
}

public enum ActionScope: Equatable, Sendable {
    case global
    case pane(PaneKind)
    /// The handover walkthrough screen (H).
    case handover
    /// The interface items screen (I).
    case interface
    /// The day's schedule (K).
    case schedule
    /// Open loops: referrals (O).
    case loops
    /// Supplies and equipment (E).
    case supplies

    public var label: String {
        switch self {
        case .global: "Everywhere"
        case .pane(let p): p.title
        case .handover: "Handover walkthrough"
        case .interface: "Interface items"
        case .schedule: "Schedule"
        case .loops: "Open loops (referrals, complaints, follow-ups)"
        case .supplies: "Supplies and equipment"
        }
    }

    /// Every scope, in the order the help overlay and Docs/KEYS.md list them.
    public static var all: [ActionScope] { [.global] + PaneKind.allCases.map { .pane($0) } + [.handover, .interface, .schedule, .loops, .supplies] }
}

public struct Action: Sendable {
    public var id: ActionID
    public var title: String
    public var help: String
    public var keys: [Key]
    public var scope: ActionScope
    /// Shown in the key-hint bar (the bar shows the focused pane's actions, then these).
    public var hinted: Bool
}

public enum ActionTable {
    public static let all: [Action] = [
        Action(id: .help, title: "help", help: "Show every key and what it does.", keys: [.char("?"), .function(1)], scope: .global, hinted: true),
        Action(id: .commandLine, title: "command", help: "Type any command of the command language (Docs/COMMANDS.md); Tab completes, ↑/↓ recall history.", keys: [.char(":")], scope: .global, hinted: true),
        Action(id: .filter, title: "filter", help: "Show only rows containing the typed text; Esc clears.", keys: [.char("/")], scope: .global, hinted: true),
        Action(id: .nextPane, title: "next pane", help: "Move to the next pane.", keys: [.tab], scope: .global, hinted: false),
        Action(id: .previousPane, title: "previous pane", help: "Move to the previous pane.", keys: [.backTab], scope: .global, hinted: false),
        Action(id: .focusWorklist, title: "worklist", help: "Go to the worklist.", keys: [.char("1")], scope: .global, hinted: false),
        Action(id: .focusBeds, title: "bed board", help: "Go to the bed board.", keys: [.char("2")], scope: .global, hinted: false),
        Action(id: .focusLabs, title: "labs", help: "Go to pending labs.", keys: [.char("3")], scope: .global, hinted: false),
        Action(id: .focusMessages, title: "messages", help: "Go to messages.", keys: [.char("4")], scope: .global, hinted: false),
        Action(id: .up, title: "up", help: "Move the selection up.", keys: [.up, .char("k")], scope: .global, hinted: false),
        Action(id: .down, title: "down", help: "Move the selection down.", keys: [.down, .char("j")], scope: .global, hinted: false),
        Action(id: .pageUp, title: "page up", help: "Move up a page.", keys: [.pageUp, .ctrl("b")], scope: .global, hinted: false),
        Action(id: .pageDown, title: "page down", help: "Move down a page.", keys: [.pageDown, .ctrl("f")], scope: .global, hinted: false),
        Action(id: .top, title: "top", help: "Go to the first row.", keys: [.home, .char("g")], scope: .global, hinted: false),
        Action(id: .bottom, title: "bottom", help: "Go to the last row.", keys: [.end, .char("G")], scope: .global, hinted: false),
        Action(id: .open, title: "details", help: "Open the selected item's details.", keys: [.enter], scope: .global, hinted: true),
        Action(id: .patient, title: "patient", help: "Open the patient view: bed, stay, labs, tasks and messages of the selected row's patient.", keys: [.char("p")], scope: .global, hinted: true),
        Action(id: .findPatient, title: "find patient", help: "Find any patient in the hospital by name or MRN (accents and case do not matter), admitted or not; Enter opens the patient view. Recorded as a search.", keys: [.char("f")], scope: .global, hinted: true),
        Action(id: .discharge, title: "discharge", help: "Discharge the selected row's patient (asks first, naming the patient and bed; :discharge MRN disposition … for another disposition).", keys: [.char("D")], scope: .global, hinted: false),
        Action(id: .sort, title: "sort", help: "Cycle the pane's sort order; on the schedule: by room, by start time, not ready first.", keys: [.char("o")], scope: .global, hinted: false),
        Action(id: .lock, title: "lock", help: "Lock the screen now: all patient data hidden until you type your password (also after 5 idle minutes). It is not a redraw key: Ctrl-R redraws.", keys: [.ctrl("l")], scope: .global, hinted: false),
        Action(id: .redraw, title: "redraw", help: "Clear the screen and draw it again at the terminal's size (the size is also checked every quarter second). Works everywhere, in forms and on the lock screen too.", keys: [.ctrl("r")], scope: .global, hinted: false),
        Action(id: .supervisor, title: "supervisor view", help: "Capacity by unit, escalations, overdue work by owner, critical results past their window and break-glass awaiting review; S again (or 1–4) returns to the panes.", keys: [.char("S")], scope: .global, hinted: false),
        Action(id: .breakGlass, title: "break glass", help: "Emergency access: do what your role does not allow, giving a reason. Time-boxed, shown in a banner, recorded and reviewed by a supervisor.", keys: [.char("!")], scope: .global, hinted: false),
        Action(id: .reviewGrant, title: "review break-glass", help: "Supervisors: review a break-glass use that has ended (appropriate, inappropriate, follow-up).", keys: [.char("R")], scope: .global, hinted: false),
        Action(id: .interfaceItems, title: "interface items", help: "Messages from the hospital's systems that Rounds' rules refused (interface items): open ones first, then those resolved in the last 7 days; retry or dismiss them there. I or Esc returns.", keys: [.char("I")], scope: .global, hinted: false),
        Action(id: .loops, title: "open loops", help: "Open loops: the referrals waiting for a specialist's report, the complaints waiting for a response and the follow-ups after discharge (v switches), overdue first, with their age and due time; record each step there. O or Esc returns.", keys: [.char("O")], scope: .global, hinted: false),
        Action(id: .supplies, title: "supplies", help: "Supplies and equipment: stock at each location against its min and max, with lots expired or expiring, and every device with its state and maintenance (v switches), what needs action first; record counts, receipts, uses, orders, assignments and maintenance there. E or Esc returns.", keys: [.char("E")], scope: .global, hinted: false),
        Action(id: .schedule, title: "schedule", help: "The day's cases by resource (OR-1, MRI-1, …): time, patient, kind, title, and ready or ‼ NOT READY with what is missing; ‼ OVERLAPS where two cases share a resource's time, free intervals between cases. K or Esc returns.", keys: [.char("K")], scope: .global, hinted: false),
        Action(id: .handover, title: "handover", help: "The shift handover walkthrough in I-PASS order (unstable patients first, then the unit's critical items); H or Esc returns.", keys: [.char("H")], scope: .global, hinted: true),
        Action(id: .ipass, title: "I-PASS", help: "Record the selected patient's illness severity, summary, an if/then contingency or an awareness note.", keys: [.char("i")], scope: .global, hinted: false),
        Action(id: .changes, title: "what changed", help: "Since you were last here: admissions, discharges, transfers, critical results, tasks done and gone overdue, messages to you, discharge barriers recorded or resolved, since your last shift ended.", keys: [.char("W")], scope: .global, hinted: false),
        Action(id: .timeline, title: "time travel", help: "Step through the last 24 hours and watch the panes change (read-only); T again returns to now.", keys: [.char("T")], scope: .global, hinted: false),
        Action(id: .stepBack, title: "one event back", help: "While time travelling: undo the last event.", keys: [.char("[")], scope: .global, hinted: false),
        Action(id: .stepForward, title: "one event on", help: "While time travelling: replay the next event.", keys: [.char("]")], scope: .global, hinted: false),
        Action(id: .jumpBack, title: "15 minutes back", help: "While time travelling: go back 15 minutes.", keys: [.char("{")], scope: .global, hinted: false),
        Action(id: .jumpForward, title: "15 minutes on", help: "While time travelling: go on 15 minutes.", keys: [.char("}")], scope: .global, hinted: false),
        Action(id: .quit, title: "quit", help: "Leave Rounds. In a form or the command line q is text; Esc on a form you typed in asks before throwing it away.", keys: [.char("q")], scope: .global, hinted: true),

        Action(id: .assign, title: "assign", help: "Assign a bed: on a bed, choose a waiting patient; on a waiting patient, choose a bed.", keys: [.char("a")], scope: .pane(.beds), hinted: true),
        Action(id: .cleaning, title: "clean", help: "Advance cleaning: a dirty bed to cleaning, a cleaning bed to available.", keys: [.char("c")], scope: .pane(.beds), hinted: true),
        Action(id: .block, title: "block", help: "Take the bed out of service, with a reason and an optional until-time.", keys: [.char("b")], scope: .pane(.beds), hinted: true),
        Action(id: .unblock, title: "unblock", help: "Return a blocked bed to service.", keys: [.char("u")], scope: .pane(.beds), hinted: true),
        Action(id: .barrier, title: "discharge barrier", help: "Record what holds the selected bed's patient's discharge (transport, equipment, pharmacy, family, placement, other) with a note; while it is open the discharge is not counted in the bed forecast.", keys: [.char("x")], scope: .pane(.beds), hinted: false),
        Action(id: .forecast, title: "bed forecast", help: "The bed forecast for the selected bed's unit (on a waiting patient or a heading, the whole hospital) for the next 24 hours: free now, hour by hour what leaves and what is needed, the shortfall, and every patient counted or held by a barrier.", keys: [.char("F")], scope: .pane(.beds), hinted: false),
        Action(id: .resolveBarrier, title: "resolve barrier", help: "Resolve one of the selected bed's patient's open discharge barriers, with an optional note; the forecast counts the discharge again once none is open.", keys: [.char("X")], scope: .pane(.beds), hinted: false),

        Action(id: .startTask, title: "start", help: "Mark the task in progress.", keys: [.char("s")], scope: .pane(.worklist), hinted: true),
        Action(id: .completeTask, title: "done", help: "Complete the task (a critical result asks who was told and their read-back).", keys: [.char("d")], scope: .pane(.worklist), hinted: true),
        Action(id: .reassignTask, title: "reassign", help: "Give the task to someone else or to a role.", keys: [.char("r")], scope: .pane(.worklist), hinted: true),
        Action(id: .snoozeTask, title: "snooze", help: "Move the task's due time later.", keys: [.char("z")], scope: .pane(.worklist), hinted: true),
        Action(id: .newTask, title: "new task", help: "Add a task.", keys: [.char("n")], scope: .pane(.worklist), hinted: true),

        Action(id: .collectLab, title: "collect", help: "Record the specimen as collected.", keys: [.char("c")], scope: .pane(.labs), hinted: true),
        Action(id: .resultLab, title: "result", help: "Enter a result (value, optional flag).", keys: [.char("e")], scope: .pane(.labs), hinted: true),
        Action(id: .communicateLab, title: "communicate", help: "Record who was told of a critical result and their read-back.", keys: [.char("t")], scope: .pane(.labs), hinted: true),

        Action(id: .acknowledgeMessage, title: "acknowledge", help: "Acknowledge the message in your name.", keys: [.char("a")], scope: .pane(.messages), hinted: true),
        Action(id: .replyMessage, title: "reply", help: "Reply in the message's thread.", keys: [.char("r")], scope: .pane(.messages), hinted: true),
        Action(id: .newMessage, title: "new", help: "Send a message to a person or a role.", keys: [.char("n")], scope: .pane(.messages), hinted: true),
        Action(id: .allMessages, title: "mine / all", help: "Supervisors: switch between the messages that concern you (to you, your role, or from you; the default) and every message in the hospital. Looking at all is recorded as an audited read.", keys: [.char("v")], scope: .pane(.messages), hinted: false),

        Action(id: .acknowledgeItem, title: "acknowledge", help: "Receiver: acknowledge the selected item, then move to the next.", keys: [.char("a"), .enter], scope: .handover, hinted: true),
        Action(id: .acknowledgeItemWithNote, title: "with note", help: "Receiver: acknowledge the selected item with a note, then move to the next.", keys: [.char("n")], scope: .handover, hinted: true),
        Action(id: .acknowledgeStable, title: "all stable", help: "Receiver: acknowledge every stable patient not yet acknowledged (asks first, saying how many).", keys: [.char("A")], scope: .handover, hinted: true),
        Action(id: .takeTask, title: "take task", help: "Receiver: take over one of the selected patient's tasks.", keys: [.char("t")], scope: .handover, hinted: true),
        Action(id: .completeHandover, title: "complete", help: "Complete the handover (refused while an unstable patient or a critical item is unacknowledged; the refusal lists them).", keys: [.char("c")], scope: .handover, hinted: true),
        Action(id: .pauseHandover, title: "pause/resume", help: "Pause the handover, or resume it (from any terminal).", keys: [.char("P")], scope: .handover, hinted: true),
        Action(id: .startHandover, title: "start", help: "Start a handover to the incoming coordinator.", keys: [.char("s")], scope: .handover, hinted: true),

        Action(id: .itemDetail, title: "details", help: "The selected item in full: the problem, attempts, who and when, and the message as received, one segment a line, control characters shown escaped (recorded as a read). r, o and x work there too.", keys: [.enter, .char("d")], scope: .interface, hinted: true),
        Action(id: .retryItem, title: "retry", help: "Ask the feed to apply the message again (after the bed was freed, the patient admitted or the location mapped); a running listener does so within a second.", keys: [.char("r")], scope: .interface, hinted: true),
        Action(id: .overrideItem, title: "retry with override", help: "Retry, overriding the placement rules; asks for the reason, which is recorded.", keys: [.char("o")], scope: .interface, hinted: true),
        Action(id: .dismissItem, title: "dismiss", help: "Close the item without applying the message; asks for the reason (what was done instead).", keys: [.char("x")], scope: .interface, hinted: true),

        Action(id: .previousDay, title: "previous day", help: "The day before the one shown.", keys: [.char("[")], scope: .schedule, hinted: true),
        Action(id: .nextDay, title: "next day", help: "The day after the one shown.", keys: [.char("]")], scope: .schedule, hinted: true),
        Action(id: .today, title: "today", help: "Back to today.", keys: [.char("t")], scope: .schedule, hinted: true),
        Action(id: .nextOption, title: "next option", help: "When an add-on plan (proc add-on) waits for a decision: show its next option — where the add-on goes and which cases move or are cancelled.", keys: [.char("v")], scope: .schedule, hinted: false),
        Action(id: .acceptOption, title: "accept…", help: "Put plan accept B… N for the option shown on the command line; Enter accepts it, Esc leaves it.", keys: [.char("a")], scope: .schedule, hinted: false),
        Action(id: .casePatient, title: "patient", help: "Open the patient view of the selected case's patient.", keys: [.enter, .char("p")], scope: .schedule, hinted: true),
        Action(id: .loopPatient, title: "patient", help: "Open the selected item's patient.", keys: [.enter], scope: .loops, hinted: false),
        Action(id: .supplyPatient, title: "patient", help: "Equipment: open the patient the selected device is with (or the patient of the case it is reserved for).", keys: [.enter], scope: .supplies, hinted: false),
        Action(id: .supplySection, title: "stock / equipment", help: "Switch between the stock and the equipment.", keys: [.char("v")], scope: .supplies, hinted: true),
        Action(id: .supplyCount, title: "count / clean", help: "Stock: record a count of the shelf (stock count ITEM at LOC N [lot \"…\"]). Equipment: the device is cleaned and back in service (equip clean TAG).", keys: [.char("c")], scope: .supplies, hinted: true),
        Action(id: .supplyReceive, title: "receive / return", help: "Stock: record a delivery (stock receive ITEM at LOC N [lot \"…\" expires DATE]). Equipment: the device is returned, to cleaning (equip return TAG).", keys: [.char("r")], scope: .supplies, hinted: true),
        Action(id: .supplyUse, title: "use / assign", help: "Stock: record a use (stock use ITEM at LOC N [for MRN]; never from an expired lot). Equipment: assign the device to a patient, a procedure (reserved) or a bed (equip assign TAG to …; refused when its maintenance is overdue).", keys: [.char("u")], scope: .supplies, hinted: true),
        Action(id: .supplyDiscard, title: "discard / fault", help: "Stock: discard a lot (stock discard ITEM at LOC N lot \"…\" reason \"…\"), the expired one first. Equipment: report a fault (equip fault TAG reason \"…\": awaiting repair).", keys: [.char("x")], scope: .supplies, hinted: true),
        Action(id: .supplyOrder, title: "order / maintained", help: "Stock: record an order placed, the reorder quantity unless changed (stock order ITEM at LOC [N]). Equipment: record planned maintenance done and the next date (equip maintained TAG next DATE).", keys: [.char("e")], scope: .supplies, hinted: true),
        Action(id: .supplyNew, title: "new", help: "Add a stock item (stock add …) or a device (equip add …) on the command line.", keys: [.char("n")], scope: .supplies, hinted: false),
        Action(id: .loopSection, title: "next section", help: "Switch between the referrals, the complaints and the follow-ups after discharge.", keys: [.char("v")], scope: .loops, hinted: true),
        Action(id: .loopReceive, title: "received / notice", help: "Referral: the service has received it (ref receive R…). Complaint: the \"still working on it\" notice was sent (complaint notice C… \"…\" [next DATE]), which starts its clock again. Follow-up: the patient was reached (followup call F… reached).", keys: [.char("r")], scope: .loops, hinted: true),
        Action(id: .loopStep, title: "schedule / step", help: "Referral: the appointment is booked (ref schedule R… at TIME). Complaint: a step taken in the investigation (complaint note C… \"…\"). Follow-up: the visit is booked (followup visit F… at TIME).", keys: [.char("s")], scope: .loops, hinted: true),
        Action(id: .loopUnable, title: "unable / grievance", help: "Referral: it cannot be scheduled, with the reason (ref unable R… reason \"…\"). Complaint: declare it a grievance (complaint grievance C…). Follow-up: a call that did not reach them (followup call F… voicemail|no-answer|wrong-number; it does not count).", keys: [.char("u")], scope: .loops, hinted: false),
        Action(id: .loopClose, title: "close the loop", help: "Referral: the specialist's report is received and the loop closes (ref report R… \"…\"). Complaint: close it with the written notice's content (complaint close C… contact \"…\" steps \"…\" result \"…\"). Follow-up: the visit was attended (followup visit F… attended|missed). Its overdue task closes too.", keys: [.char("e")], scope: .loops, hinted: true),
        Action(id: .loopCancel, title: "cancel / withdraw", help: "Referral: cancel it with a reason (or edit to discontinue; a high-risk referral also needs override \"reviewed by …\"). Complaint: withdrawn by the complainant, with the reason. Follow-up: closed with the reason (declined, moved away).", keys: [.char("x")], scope: .loops, hinted: false),
        Action(id: .loopNew, title: "new", help: "Start a referral (ref add MRN to …) or log a complaint (complaint add \"…\" patient MRN …) for the selected item's patient, on the command line.", keys: [.char("n")], scope: .loops, hinted: true),
        Action(id: .loopClosedToo, title: "closed too", help: "Also list what was closed in the last 30 days, or only what is open.", keys: [.char("a")], scope: .loops, hinted: false),
    ]

    /// The action a key means in a pane: pane actions first, then global ones.
    public static func action(for key: Key, in pane: PaneKind) -> Action? {
        all.first { $0.scope == .pane(pane) && $0.keys.contains(key) } ?? all.first { $0.scope == .global && $0.keys.contains(key) }
    }

    /// The action a key means on a screen whose own keys are `scope` (nil: none): those
    /// first, then global ones.
    static func action(for key: Key, in scope: ActionScope?) -> Action? {
        scope.flatMap { s in all.first { $0.scope == s && $0.keys.contains(key) } } ?? all.first { $0.scope == .global && $0.keys.contains(key) }
    }

    public static func action(_ id: ActionID) -> Action { all.first { $0.id == id }! }

    /// `a`, `↑ k`: the keys of an action as shown to people.
    public static func keyText(_ a: Action) -> String { a.keys.map(\.description).joined(separator: " ") }

    /// Docs/KEYS.md, generated from the table (a test keeps the file equal to this).
    public static var markdown: String {
        var out = """
        # Keys

        Generated from the action table in `Sources/RoundsUI/Actions.swift`; the `?` overlay and the
        key-hint bar show the same table. Pane keys work when that pane has the focus; the others
        work everywhere. In the command line, filter and forms: Enter accepts, Esc cancels, Tab moves
        to the next field (or completes, on the command line: every MRN argument completes from
        MRNs and patients' names), ↑/↓ recall command history. Esc on a form you typed in asks
        first: `y` or Esc again throws it away, `n` goes back to it. `Ctrl-L` locks and `Ctrl-R`
        redraws from anywhere, forms and the command line included.

        """
        for scope in ActionScope.all {
            out += "\n## \(scope.label)\n\n| Keys | Action | What it does |\n|---|---|---|\n"
            for a in all where a.scope == scope {
                out += "| `\(keyText(a).replacingOccurrences(of: "|", with: "\\|"))` | \(a.title) | \(a.help) |\n"
            }
        }
        return out
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
