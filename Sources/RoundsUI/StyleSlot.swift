/// What a cell means, not how it looks: themes map each slot to colours and attributes, and the
/// monochrome theme to attributes alone. Clinical state is also always in the text (a glyph and
/// a word), so a slot only ever adds emphasis.
public enum StyleSlot: String, CaseIterable, Sendable {
    case normal, dim, header, headerAlert, paneTitle, paneTitleFocused, border, borderFocused
    case columnHeading, selected, selectedUnfocused, unitHeading
    case overdue, stat, urgent, routine, done
    case bedAvailable = "bed.available", bedReserved = "bed.reserved", bedOccupied = "bed.occupied"
    case bedDirty = "bed.dirty", bedCleaning = "bed.cleaning", bedBlocked = "bed.blocked"
    case labCritical = "lab.critical", labAbnormal = "lab.abnormal", labPending = "lab.pending"
    case messageUrgent = "message.urgent", messageUnread = "message.unread"
    case hintKey = "hint.key", hint
    case statusOK = "status.ok", statusError = "status.error", commandLine = "command.line"
    case overlay, overlayTitle = "overlay.title", fieldError = "field.error", field, fieldFocused = "field.focused"
    case banner
}
