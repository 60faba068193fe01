import RoundsDomain

/// The handover as a document for paper (A4 or Letter) and screen: every patient in I-PASS
/// order with severity, summary, actions, contingencies and awareness; then the unit-level
/// items; and where a handover is open or was the last one, who gave it, who receives it and
/// which items are acknowledged.
public enum HandoverReport {
    public struct Section: Sendable {
        public var heading: String
        public var badge: String
        public var lines: [String]
    }

    public static func sections(_ s: HospitalState, _ c: ReportContext) -> (title: String, intro: [String], sections: [Section]) {
        let items = s.handoverItems(at: c.now, wallClock: c.wallClock)
        let h = s.currentHandover ?? s.handovers.values.max { $0.id < $1.id }
        var intro: [String] = []
        if let shift = s.shift(at: c.now, wallClock: c.wallClock) { intro.append("Shift: \(shift.description)") }
        if let h {
            let done = items.filter { h.acknowledged[$0.key] != nil }.count
            intro.append("Handover \(h.id): \(h.from) → \(h.to), \(h.status.rawValue), started \(c.wallClock.dateTime(h.started)); \(done) of \(items.count) items acknowledged")
            let missing = items.filter { $0.required && h.acknowledged[$0.key] == nil }.map(\.key)
            if h.status.isOpen { intro.append(missing.isEmpty ? "Every required item is acknowledged." : "Required before completion: \(missing.joined(separator: ", "))") }
        } else {
            intro.append("No handover started yet.")
        }
        let patients = items.filter { if case .patient = $0.kind { true } else { false } }
        let counts = Severity.allCases.reversed().map { sev in "\(patients.filter { $0.kind == .patient(sev) }.count) \(sev.rawValue)" }
        intro.append("Patients: \(patients.count) (" + counts.joined(separator: ", ") + ", \(patients.filter { $0.kind == .patient(nil) }.count) not assessed)")
        let sections = items.map { i -> Section in
            var badge: String
            switch i.kind {
            case .patient(let sev): badge = (sev?.rawValue ?? "not assessed").uppercased()
            case .criticalResult: badge = "CRITICAL"
            case .procedureNotReady: badge = "NOT READY"
            default: badge = "UNIT"
            }
            if let h, let ack = h.acknowledged[i.key] {
                badge += " · ✓ acknowledged \(c.wallClock.hhmm(ack.at))"
            } else if i.required {
                badge += " · ‼ must be acknowledged"
            }
            var lines = i.lines
            if let note = h?.acknowledged[i.key]?.note { lines.append("Receiver's note: \(note)") }
            return Section(heading: i.title, badge: badge, lines: lines)
        }
        return ("Handover at \(c.wallClock.dateTime(c.now))", intro, sections)
    }

    public static func render(_ s: HospitalState, _ c: ReportContext, format: ReportFormat) -> String {
        let (title, intro, sections) = Self.sections(s, c)
        switch format {
        case .markdown:
            var out = "# \(markdownEscape(title))\n\n" + intro.map { "- \(markdownEscape($0))\n" }.joined() + "\n"
            for (n, sec) in sections.enumerated() {
                out += "## \(n + 1). \(markdownEscape(sec.heading))\n\n**\(markdownEscape(sec.badge))**\n\n"
                out += sec.lines.map { "- \(markdownEscape($0))\n" }.joined() + "\n"
            }
            return out
        case .html:
            var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(html(title))</title>
            <style>
            @page { margin: 15mm; }
            body { font: 10.5pt/1.35 "DejaVu Sans", Arial, sans-serif; max-width: 180mm; margin: 0 auto; color: #000; }
            h1 { font-size: 15pt; margin: 0 0 4pt; }
            section { border-top: 1px solid #888; padding: 4pt 0; break-inside: avoid; page-break-inside: avoid; }
            h2 { font-size: 11.5pt; margin: 2pt 0; }
            .badge { font-weight: bold; }
            ul { margin: 2pt 0 2pt 14pt; padding: 0; }
            @media screen { body { padding: 12px; } }
            </style></head><body>
            <h1>\(html(title))</h1>
            <ul>\(intro.map { "<li>\(html($0))</li>" }.joined())</ul>

            """
            for (n, sec) in sections.enumerated() {
                out += "<section><h2>\(n + 1). \(html(sec.heading))</h2><div class=\"badge\">\(html(sec.badge))</div>"
                out += "<ul>\(sec.lines.map { "<li>\(html($0))</li>" }.joined())</ul></section>\n"
            }
            return out + "</body></html>\n"
        case .text, .csv, .json:
            var out = title + "\n" + String(repeating: "=", count: min(78, DisplayWidth.of(title))) + "\n"
            for line in intro { out += wrap(line.terminalSafe, indent: "") }
            for (n, sec) in sections.enumerated() {
                out += "\n" + wrap("\(n + 1). \(sec.heading)  [\(sec.badge)]".terminalSafe, indent: "   ")
                for line in sec.lines { out += wrap("   - " + line.terminalSafe, indent: "     ") }
            }
            return out
        }
    }

    /// Wraps at 78 columns (A4 and Letter at 10–12 pt), continuation lines indented.
    static func wrap(_ text: String, indent: String, width: Int = 78) -> String {
        let lead = String(text.prefix { $0 == " " })
        var out = "", line = lead
        for word in text.dropFirst(lead.count).split(separator: " ") {
            let candidate = line.count == lead.count && out.isEmpty ? line + word : line + " " + word
            if DisplayWidth.of(candidate) > width, line.contains(where: { $0 != " " }) {
                out += line + "\n"
                line = indent + word
            } else {
                line = candidate
            }
        }
        return out + line + "\n"
    }

    static func html(_ s: String) -> String { HTML.escape(s) }

    static func markdownEscape(_ s: String) -> String { Markdown.cell(s) }
}
