/// What a command needs the actor's role to allow. Checked by the engine on every command,
/// whatever front end sent it (the UI, `rounds exec`, the simulator).
public enum Permission: String, Vocabulary {
    case place = "place patients"
    case beds = "manage beds"
    case tasks = "manage tasks"
    case labs = "manage labs"
    case critical = "communicate critical results"
    case procedures = "book procedures"
    case messages = "send and acknowledge messages"
    case configure = "set up units and beds"
    case roster = "manage the staff roster"
    case policy = "change policy settings"
    case review = "review emergency access"
    case handover = "hand over the shift"
    case assess = "record I-PASS assessments"
    case feed = "apply messages from the hospital's systems"
    case interface = "resolve interface items"
    case referrals = "track referrals"
    case complaints = "handle complaints"
    case research = "coordinate research visits"
    case supplies = "manage supplies and equipment"
}

extension Role {
    public var permissions: Set<Permission> {
        switch self {
        case .supervisor: Set(Permission.allCases)
        case .coordinator: [.place, .beds, .tasks, .labs, .critical, .procedures, .messages, .configure, .handover, .assess, .interface, .referrals, .complaints, .research, .supplies]
        case .chargenurse: [.place, .beds, .tasks, .labs, .critical, .procedures, .messages, .handover, .assess, .interface, .referrals, .complaints, .supplies]
        case .nurse: [.tasks, .labs, .critical, .messages, .assess, .complaints, .supplies]
        case .physician: [.tasks, .labs, .critical, .procedures, .messages, .assess, .referrals, .research]
        case .lab: [.labs, .messages]
        case .evs: [.beds, .messages, .supplies]
        case .transport: [.tasks, .messages]
        case .viewer: []
        // Only what its messages need: no tasks, messages, roster or policy of its own.
        case .feed: [.feed, .place, .beds, .labs, .procedures]
        }
    }
}

extension Command {
    /// The permission this command needs; nil for what anyone may do (breaking the glass, and
    /// ending one's own grant).
    public var permission: Permission? {
        switch self {
        case .breakGlass: nil
        case .endBreakGlass(nil): nil
        case .endBreakGlass, .reviewBreakGlass: .review
        case .addUnit, .addBed: .configure
        case .setStaff: .roster
        case .setPolicy, .nameHospital: .policy
        case .admit, .updatePatient, .cancelAdmission, .reserve, .releaseReservation, .assign, .transfer, .swap, .discharge: .place
        case .recordBarrier, .resolveBarrier: .place
        case .markDirty, .startCleaning, .finishCleaning, .block, .unblock: .beds
        case .completeTask(_, _, let communication?) where !communication.toldName.isEmpty: .critical
        case .addTask, .startTask, .waitTask, .completeTask, .cancelTask, .reopenTask, .reassignTask, .snoozeTask, .noteTask: .tasks
        case .communicateLab: .critical
        case .orderLab, .collectLab, .receiveLab, .resultLab, .acknowledgeLab, .cancelLab: .labs
        case .bookProcedure, .moveProcedure, .startProcedure, .finishProcedure, .cancelProcedure: .procedures
        case .planAddOn, .acceptPlan, .editPlan, .keepInPlan, .rejectPlan: .procedures
        case .addPreAuth, .linkPreAuth, .submitPreAuth, .pendPreAuth, .approvePreAuth, .denyPreAuth, .appealPreAuth,
             .verifyEligibility, .recordDocument, .setBedAfter: .procedures
        case .requireDocuments: .policy
        case .sendMessage, .replyMessage, .readMessage, .acknowledgeMessage: .messages
        case .ipass: .assess
        case .startHandover, .acknowledgeHandover, .pauseHandover, .resumeHandover, .completeHandover, .cancelHandover: .handover
        case .takeTask: .tasks
        case .setShifts: .policy
        case .feedMessage: .feed
        case .dismissInterfaceItem, .retryInterfaceItem: .interface
        case .sendReferral, .updateReferral: .referrals
        case .recordComplaint, .updateComplaint: .complaints
        case .updateFollowUp: .tasks
        case .research(.add), .research(.renew), .research(.amend): .research
        case .research: .research
        case .supplies: .supplies
        }
    }
}

public enum Authorization {
    /// Until the first supervisor is on the roster the journal is being set up, and anyone who
    /// can write to it may run any command (that is how a new hospital gets its units, beds and
    /// staff). From then on each command needs a permission of the actor's role.
    public static func isSettingUp(_ s: HospitalState) -> Bool {
        !s.staff.values.contains { $0.role == .supervisor }
    }

    /// What `actor` may do at `now`: their role's permissions, plus what an active break-glass
    /// grant adds. Everything while the journal is being set up.
    public static func permissions(of actor: Login, in s: HospitalState, at now: Timestamp) -> Set<Permission> {
        if isSettingUp(s) { return Set(Permission.allCases) }
        var p = s.staff[actor]?.role.permissions ?? []
        if s.activeGrant(of: actor, at: now) != nil { p.formUnion(BreakGlass.grants) }
        return p
    }

    /// nil when `actor` may run `command` at `now`, else a refusal naming the missing permission
    /// (and, for clinical work, how to break the glass in an emergency).
    public static func refusal(_ command: Command, actor: Login, in s: HospitalState, at now: Timestamp) -> Refusal? {
        guard let needed = command.permission else { return nil }
        if permissions(of: actor, in: s, at: now).contains(needed) { return nil }
        let emergency = BreakGlass.grants.contains(needed)
            ? "; in an emergency: break-glass \"why you must\" (time-boxed, recorded and reviewed by a supervisor)" : ""
        guard let member = s.staff[actor] else {
            return Refusal("\(actor) is not on the staff roster, so this session is read-only (\(needed.rawValue) is needed)",
                           hint: "ask a supervisor to add you: staff add \(actor) name \"Your Name\" role ROLE" + emergency)
        }
        let who = Role.allCases.filter { $0.permissions.contains(needed) }.map(\.label).joined(separator: ", ")
        return Refusal("\(actor) (\(member.role.label)) lacks the permission to \(needed.rawValue)",
                       hint: "roles with it: \(who); ask a supervisor if your role should change" + emergency)
    }
}
