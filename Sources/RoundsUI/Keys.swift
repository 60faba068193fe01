/// A key press, as the terminal layer decodes it.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
    case resize

    public var description: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "Ctrl-\(c.uppercased())"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .backspace: "Backspace"
        case .delete: "Delete"
        case .function(let n): "F\(n)"
        case .resize: "resize"
        }
    }
}

/// The four panes, in the order of their number keys.
public enum PaneKind: Int, CaseIterable, Sendable {
    case worklist, beds, labs, messages

    public var title: String {
        switch self {
        case .worklist: "Worklist"
        case .beds: "Bed board"
        case .labs: "Pending labs"
        case .messages: "Messages"
        }
    }

    /// For a tab strip short of room.
    public var shortTitle: String {
        switch self {
        case .worklist: "Work"
        case .beds: "Beds"
        case .labs: "Labs"
        case .messages: "Msgs"
        }
    }
}
