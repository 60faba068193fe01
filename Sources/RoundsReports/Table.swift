import RoundsDomain

/// A report as data: named columns and rows of text, rendered as aligned text, CSV or JSON.
public struct Table: Sendable {
    public var title: String
    public var columns: [String]
    public var rows: [[String]]
    /// Lines printed under the table in text form (totals, notes).
    public var footer: [String] = []

    public init(title: String, columns: [String], rows: [[String]], footer: [String] = []) {
        self.title = title; self.columns = columns; self.rows = rows; self.footer = footer
    }
}

public enum ReportFormat: String, CaseIterable, Sendable {
    case text, csv, json, markdown, html
}

extension Table {
    public func render(_ format: ReportFormat) -> String {
        switch format {
        case .text: renderText()
        case .csv: renderCSV()
        case .json: renderJSON()
        case .markdown: renderMarkdown()
        case .html: renderHTML()
        }
    }

    public func renderMarkdown() -> String {
        func cell(_ s: String) -> String { s.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|") }
        var out = title.isEmpty ? "" : "## \(cell(title))\n\n"
        out += "| " + columns.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + columns.map { _ in "---|" }.joined() + "\n"
        for row in rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
        for f in footer { out += "\n" + cell(f) + "\n" }
        return out
    }

    public func renderHTML() -> String {
        var out = title.isEmpty ? "" : "<h2>\(HandoverReport.html(title))</h2>\n"
        out += "<table><thead><tr>" + columns.map { "<th>\(HandoverReport.html($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in rows { out += "<tr>" + row.map { "<td>\(HandoverReport.html($0))</td>" }.joined() + "</tr>\n" }
        out += "</tbody></table>\n"
        for f in footer { out += "<p>\(HandoverReport.html(f))</p>\n" }
        return out
    }

    /// Several tables as one document: text sections separated by blank lines; CSV sections
    /// each headed by a `# title` line; one JSON object keyed by section title.
    public static func render(_ tables: [Table], _ format: ReportFormat) -> String {
        if tables.count == 1 { return tables[0].render(format) }
        switch format {
        case .text: return tables.map { $0.renderText() }.joined(separator: "\n")
        case .csv: return tables.map { "# " + $0.title + "\r\n" + $0.renderCSV() }.joined(separator: "\r\n")
        case .markdown: return tables.map { $0.renderMarkdown() }.joined(separator: "\n")
        case .html: return tables.map { $0.renderHTML() }.joined(separator: "\n")
        case .json:
            let parts = tables.map { t in
                JSON.quote(Table.key(t.title)) + ": " + t.renderJSON().split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
            }
            return "{\n  " + parts.map { $0.hasSuffix("\n  ") ? String($0.dropLast(3)) : $0 }.joined(separator: ",\n  ") + "\n}\n"
        }
    }

    static func key(_ title: String) -> String {
        title.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "_")
    }

    public func renderText() -> String {
        var widths = columns.map { DisplayWidth.of($0) }
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], DisplayWidth.of(cell)) } }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                let last = i == cells.count - 1
                out += last ? cell : DisplayWidth.pad(cell, to: widths[i]) + "  "
            }
            return out
        }
        var out = title.isEmpty ? "" : title + "\n"
        out += line(columns) + "\n"
        out += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in rows { out += line(row) + "\n" }
        if rows.isEmpty { out += "(none)\n" }
        for f in footer { out += f + "\n" }
        return out
    }

    public func renderCSV() -> String {
        func field(_ s: String) -> String {
            if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
            }
            return s
        }
        var out = columns.map(field).joined(separator: ",") + "\r\n"
        for row in rows { out += row.map(field).joined(separator: ",") + "\r\n" }
        return out
    }

    public func renderJSON() -> String {
        let keys = columns.map(Table.key)
        var out = "[\n"
        for (n, row) in rows.enumerated() {
            out += "  {"
            out += zip(keys, row).map { "\(JSON.quote($0)): \(JSON.quote($1))" }.joined(separator: ", ")
            out += n == rows.count - 1 ? "}\n" : "},\n"
        }
        return out + "]\n"
    }
}

public enum JSON {
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// Terminal columns a string occupies: wide East Asian characters take two, combining marks none.
public enum DisplayWidth {
    public static func of(_ s: String) -> Int {
        var w = 0
        for u in s.unicodeScalars { w += width(u) }
        return w
    }

    public static func width(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v == 0 { return 0 }
        if v < 0x300 { return 1 }
        if (0x300...0x36F).contains(v) || (0x1AB0...0x1AFF).contains(v) || (0x1DC0...0x1DFF).contains(v) || (0x20D0...0x20FF).contains(v)
            || (0xFE20...0xFE2F).contains(v) || v == 0x200B || v == 0x200D { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v) || (0x3400...0x4DBF).contains(v)
            || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v)
            || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
            || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v) || (0x20000...0x3FFFD).contains(v) { return 2 }
        return 1
    }

    public static func pad(_ s: String, to width: Int) -> String {
        let w = of(s)
        return w >= width ? s : s + String(repeating: " ", count: width - w)
    }
}
