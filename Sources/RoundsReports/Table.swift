import RoundsDomain

/// A report as data. Each column has a human heading (text, Markdown, HTML) and a
/// machine key (JSON, CSV), either of which may be absent: a column with no heading is data
/// only (`overdue` beside the text's "OVERDUE 3m"), one with no key is for people only. Each
/// cell holds what people read (`in 23h57m`, `96%`) and the value machines read (a timestamp
/// with its offset, the number 96). Docs/REPORTS.md lists every report's keys and types, and a
/// test holds the two together.
public struct Table: Sendable {
    /// The section's key in a document of several tables (the supervisor overview's JSON).
    public var key: String
    public var title: String
    public var columns: [Column]
    public var rows: [[Cell]]
    /// Lines printed under the table in text form (totals, notes).
    public var footer: [String] = []

    public init(key: String, title: String, columns: [Column], rows: [[Cell]], footer: [String] = []) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "every row of \(key) has a cell for each column")
        self.key = key; self.title = title; self.columns = columns; self.rows = rows; self.footer = footer
    }

    /// The columns people read, in order.
    public var shownColumns: [Int] { columns.indices.filter { columns[$0].heading != nil } }
    /// The columns machines read, in order: JSON keys and the CSV header.
    public var dataColumns: [Int] { columns.indices.filter { columns[$0].key != nil } }
    /// JSON keys and CSV header, in order.
    public var keys: [String] { dataColumns.map { columns[$0].key! } }
}

/// One column: its heading for people, its key for machines, and the kind of value it holds.
public struct Column: Sendable {
    public var heading: String?
    public var key: String?
    public var kind: ValueKind
    public init(_ heading: String?, key: String?, _ kind: ValueKind = .string) { self.heading = heading; self.key = key; self.kind = kind }
    /// Shown to people only.
    public static func shown(_ heading: String) -> Column { Column(heading, key: nil) }
    /// Data only.
    public static func data(_ key: String, _ kind: ValueKind) -> Column { Column(nil, key: key, kind) }
}

/// The types Docs/REPORTS.md names.
public enum ValueKind: String, Sendable {
    case string, integer, boolean
    /// ISO 8601 with seconds and the UTC offset in force, e.g. `2026-11-30T14:49:00+00:00`.
    case timestamp
    /// `YYYY-MM-DD`.
    case date
    /// JSON: an array of strings; CSV: the strings joined by `;`. Always in a stable order.
    case list
}

/// A value for machines. Absent values are `null` in JSON and empty in CSV.
public enum Value: Sendable, Equatable {
    case null
    case string(String)
    case integer(Int)
    case boolean(Bool)
    /// Already in ISO 8601 with its offset.
    case timestamp(String)
    case date(LocalDate)
    case list([String])
}

/// What people read and what machines read.
public struct Cell: Sendable, Equatable {
    public var text: String
    public var value: Value
    public init(_ text: String, _ value: Value) { self.text = text; self.value = value }

    /// Text that is its own value; empty text is `null`.
    public static func text(_ s: String) -> Cell { Cell(s, s.isEmpty ? .null : .string(s)) }
    public static func text(_ s: String?) -> Cell { text(s ?? "") }
    /// People read `shown`, machines read `value` (a vocabulary word behind its label).
    public static func word(_ shown: String, _ value: String?) -> Cell { Cell(shown, value.map { .string($0) } ?? .null) }
    public static func integer(_ n: Int) -> Cell { Cell("\(n)", .integer(n)) }
    public static func integer(_ shown: String, _ n: Int?) -> Cell { Cell(shown, n.map { .integer($0) } ?? .null) }
    public static func boolean(_ shown: String, _ b: Bool) -> Cell { Cell(shown, .boolean(b)) }
    /// `a` of `b` as a whole percentage: people read `96%` (or `-` of nothing), machines 96.
    public static func percent(_ a: Int, of b: Int) -> Cell { b == 0 ? Cell("-", .null) : Cell("\(a * 100 / b)%", .integer(a * 100 / b)) }
    public static func time(_ t: Timestamp?, shown: String, _ wall: WallClock) -> Cell { Cell(shown, t.map { .timestamp(wall.iso8601($0)) } ?? .null) }
    public static func date(_ d: LocalDate?) -> Cell { Cell(d?.description ?? "", d.map { .date($0) } ?? .null) }
    public static func list(_ items: [String], shown: String) -> Cell { Cell(shown, .list(items)) }
    /// Data only: what a column with no heading holds.
    public static func data(_ v: Value) -> Cell { Cell("", v) }
}

extension WallClock {
    /// ISO 8601 with seconds and the offset in force at `t`: `2026-11-30T14:49:00+00:00`.
    public func iso8601(_ t: Timestamp) -> String {
        let offset = utcOffset(t)
        let local = Timestamp(milliseconds: t.milliseconds + Int64(offset) * 1000).iso8601
        let sign = offset < 0 ? "-" : "+"
        let m = abs(offset) / 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return String(local.dropLast()) + "\(sign)\(two(m / 60)):\(two(m % 60))"
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
        case .html: HTML.document(title: title, body: renderHTMLBody())
        }
    }

    public func renderMarkdown() -> String {
        func cell(_ s: String) -> String { Markdown.cell(s) }
        let shown = shownColumns
        var out = title.isEmpty ? "" : "## \(cell(title))\n\n"
        out += "| " + shown.map { cell(columns[$0].heading!) }.joined(separator: " | ") + " |\n"
        out += "|" + shown.map { _ in "---|" }.joined() + "\n"
        for row in rows { out += "| " + shown.map { cell(row[$0].text) }.joined(separator: " | ") + " |\n" }
        for f in footer { out += "\n" + cell(f) + "\n" }
        return out
    }

    /// The table as a fragment of an HTML body: every text HTML-escaped and terminal-safe.
    public func renderHTMLBody() -> String {
        let shown = shownColumns
        var out = title.isEmpty ? "" : "<h2>\(HTML.escape(title))</h2>\n"
        out += "<table><thead><tr>" + shown.map { "<th>\(HTML.escape(columns[$0].heading!))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in rows { out += "<tr>" + shown.map { "<td>\(HTML.escape(row[$0].text))</td>" }.joined() + "</tr>\n" }
        out += "</tbody></table>\n"
        for f in footer { out += "<p>\(HTML.escape(f))</p>\n" }
        return out
    }

    /// Several tables as one document: text sections separated by blank lines; CSV sections
    /// each headed by a `# key` line and separated by an empty line; one JSON object keyed by
    /// section key; one HTML document.
    public static func render(_ tables: [Table], _ format: ReportFormat, title: String? = nil) -> String {
        if tables.count == 1 { return tables[0].render(format) }
        switch format {
        case .text: return tables.map { $0.renderText() }.joined(separator: "\n")
        case .csv: return tables.map { "# " + $0.key + "\r\n" + $0.renderCSV() }.joined(separator: "\r\n")
        case .markdown: return (title.map { "# \(Markdown.cell($0))\n\n" } ?? "") + tables.map { $0.renderMarkdown() }.joined(separator: "\n")
        case .html:
            let heading = title.map { "<h1>\(HTML.escape($0))</h1>\n" } ?? ""
            return HTML.document(title: title ?? tables.first?.title ?? "", body: heading + tables.map { $0.renderHTMLBody() }.joined(separator: "\n"))
        case .json:
            let parts = tables.map { t in
                JSON.quote(t.key) + ": " + t.renderJSON().split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
            }
            return "{\n  " + parts.map { $0.hasSuffix("\n  ") ? String($0.dropLast(3)) : $0 }.joined(separator: ",\n  ") + "\n}\n"
        }
    }

    /// Aligned columns by display width; every text terminal-safe.
    public func renderText() -> String {
        let shown = shownColumns
        let headings = shown.map { columns[$0].heading!.terminalSafe }
        let cells = rows.map { row in shown.map { row[$0].text.terminalSafe } }
        var widths = headings.map { DisplayWidth.of($0) }
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) } }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                let last = i == cells.count - 1
                out += last ? cell : DisplayWidth.pad(cell, to: widths[i]) + "  "
            }
            return out
        }
        var out = title.isEmpty ? "" : title.terminalSafe + "\n"
        out += line(headings) + "\n"
        out += line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        for row in cells { out += line(row) + "\n" }
        if rows.isEmpty { out += "(none)\n" }
        for f in footer { out += f.terminalSafe + "\n" }
        return out
    }

    /// RFC 4180: the header is the keys; fields quoted when they hold a comma, a quote or a
    /// line break. Text is terminal-safe: a control character or bidirectional override is
    /// written as visible `\u{…}`, never raw.
    public func renderCSV() -> String {
        func field(_ s: String) -> String {
            let s = s.terminalSafe
            if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
            }
            return s
        }
        func text(_ v: Value) -> String {
            switch v {
            case .null: ""
            case .string(let s): s
            case .integer(let n): "\(n)"
            case .boolean(let b): b ? "true" : "false"
            case .timestamp(let t): t
            case .date(let d): d.description
            case .list(let items): items.joined(separator: ";")
            }
        }
        let data = dataColumns
        var out = keys.map(field).joined(separator: ",") + "\r\n"
        for row in rows { out += data.map { field(text(row[$0].value)) }.joined(separator: ",") + "\r\n" }
        return out
    }

    /// An array of objects, one per row, with the keys in column order.
    public func renderJSON() -> String {
        let data = dataColumns
        var out = "[\n"
        for (n, row) in rows.enumerated() {
            out += "  {"
            out += data.map { "\(JSON.quote(columns[$0].key!)): \(JSON.value(row[$0].value))" }.joined(separator: ", ")
            out += n == rows.count - 1 ? "}\n" : "},\n"
        }
        return out + "]\n"
    }
}

public enum JSON {
    /// A JSON string. Control characters, DEL, C1 controls and bidirectional overrides are
    /// written as `\uXXXX`, so the output is valid JSON and inert on a terminal.
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
                if TextSafety.isUnsafe(u) { out += unicodeEscape(u) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    static func unicodeEscape(_ u: Unicode.Scalar) -> String {
        let hex = String(u.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    public static func value(_ v: Value) -> String {
        switch v {
        case .null: "null"
        case .string(let s): quote(s)
        case .integer(let n): "\(n)"
        case .boolean(let b): b ? "true" : "false"
        case .timestamp(let t): quote(t)
        case .date(let d): quote(d.description)
        case .list(let items): "[" + items.map(quote).joined(separator: ", ") + "]"
        }
    }

    /// JSON text (as written by an encoder that leaves them raw) with every terminal-unsafe
    /// scalar above ASCII's controls (DEL, C1 controls, bidirectional overrides, line and
    /// paragraph separators) written as `\uXXXX`. Such scalars can stand only inside strings
    /// in JSON, so the result is the same JSON value.
    public static func terminalSafe(_ bytes: [UInt8]) -> [UInt8] {
        // Every such scalar is DEL or encoded in UTF-8 with a lead byte of 0xC2, 0xD8 or 0xE2.
        guard bytes.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        for u in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if u.value >= 0x7F, TextSafety.isUnsafe(u) { out += Array(unicodeEscape(u).utf8) } else { out += Array(String(u).utf8) }
        }
        return out
    }
}

public enum HTML {
    /// Text for an HTML element or attribute: `&`, `<`, `>`, `"` and `'` escaped, and
    /// terminal-unsafe characters shown as visible `\u{…}`.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.terminalSafe {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A whole document: doctype, language, UTF-8, title, a little style for screen and print.
    public static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(escape(title))</title>
        <style>
        body { font: 10.5pt/1.35 "DejaVu Sans", Arial, sans-serif; margin: 12px; }
        table { border-collapse: collapse; margin: 4pt 0 8pt; }
        th, td { border: 1px solid #999; padding: 2px 6px; text-align: left; vertical-align: top; }
        th { background: #eee; }
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }
}

public enum Markdown {
    /// Text for a Markdown table cell or paragraph: terminal-safe, with Markdown's and HTML's
    /// special characters backslash-escaped so a name cannot become a link, a heading or markup.
    public static func cell(_ s: String) -> String {
        var out = ""
        for ch in s.terminalSafe {
            if "\\`*_[]<>#|".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
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
