import RoundsDomain

/// A small form over the screen (block a bed, communicate a critical result, reply…). Each
/// field validates as it is typed; the form builds one command of the command language, so
/// forms, the `:` line and `rounds exec` all take the same path. Its content lives here, not in
/// the hospital state, so live updates never disturb it.
public struct Form: Sendable {
    public struct Field: Sendable {
        public var label: String
        public var editor = LineEditor()
        /// What the field started with (typed input is what differs from it).
        public var initial: String = ""
        /// Whether a key has been used in the field: until then, a character typed replaces
        /// what it started with.
        public var touched = false
        public var hint: String
        public var required: Bool
        /// nil when the value is acceptable, else what is wrong.
        public var check: @Sendable (String) -> String?
        /// What an acceptable value stands for, shown under the field instead of the hint
        /// (the patient's name and bed for an MRN), so nothing is filled in unseen.
        public var describe: (@Sendable (String) -> String?)?

        public init(_ label: String, hint: String = "", required: Bool = true, value: String = "", check: @escaping @Sendable (String) -> String? = { _ in nil }) {
            self.label = label; self.hint = hint; self.required = required; self.check = check
            editor = LineEditor(value)
            initial = value
        }

        public var problem: String? {
            let v = editor.text.trimmingCharacters(in: " ")
            if v.isEmpty { return required ? "required" : nil }
            return check(v)
        }
    }

    public var title: String
    public var fields: [Field]
    public var focus = 0
    /// Builds the command line from the field values (in order).
    public var build: @Sendable ([String]) -> String
    /// What happens after the command is accepted.
    public var then: AfterForm?

    public init(title: String, fields: [Field], build: @escaping @Sendable ([String]) -> String) {
        self.title = title; self.fields = fields; self.build = build
    }

    public var values: [String] { fields.map { $0.editor.text.trimmingCharacters(in: " ") } }
    public var isValid: Bool { fields.allSatisfy { $0.problem == nil } }
    /// True when something was typed (a field differs from what it started with).
    public var hasInput: Bool { fields.contains { $0.editor.text != $0.initial } }
}

/// A list to choose from (which waiting patient goes into this bed, or which bed for this patient).
public struct Picker: Sendable {
    public struct Option: Sendable {
        public var label: String
        public var command: String
        /// Set when choosing this option needs a recorded override reason.
        public var needsOverride: String?
    }
    public var title: String
    public var options: [Option]
    public var selected = 0
}

extension String {
    func trimmingCharacters(in c: Character) -> String {
        var s = Substring(self)
        while s.first == c { s = s.dropFirst() }
        while s.last == c { s = s.dropLast() }
        return String(s)
    }

    /// Quotes a value for the command language.
    var quoted: String {
        "\"" + self.split(separator: "\\", omittingEmptySubsequences: false).joined(separator: "\\\\")
            .split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\\\"") + "\""
    }
}

/// What to do after a form's or a confirmation's command is accepted.
public enum AfterForm: Sendable {
    /// The handover walkthrough moves to its next item.
    case nextHandoverItem
    /// The outcome of a retry of this interface item (tried `attempts` times so far) is said
    /// when the feed has tried it.
    case awaitRetry(InterfaceItemID, attempts: Int)
}

/// A yes/no question before a command that is hard to take back (a discharge, acknowledging
/// every stable patient at once). `y` runs the command; `n` or Esc runs nothing.
public struct Confirmation: Sendable {
    public var title: String
    /// The question, naming what will change (the patient and bed, how many patients).
    public var question: String
    public var command: String
    /// The status line on success, instead of the records' summaries.
    public var done: String?
    public var then: AfterForm?
}

/// Finding a patient anywhere in the hospital by name or MRN, as it is typed.
public struct PatientFinder: Sendable {
    public var editor = LineEditor()
    public var selected = 0
    public struct Match: Sendable, Equatable {
        public var mrn: MRN
        public var label: String
    }
    public init() {}
}
