/// RFC 4180 text: fields separated by commas, records by CRLF or LF, fields optionally quoted
/// with `"`, a quote inside a quoted field doubled.
public enum CSV {
    public struct Malformed: Error {
        public let line: Int
        public let reason: String
    }

    private enum State { case fieldStart, unquoted, quoted, afterQuote }

    public static func records(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var state = State.fieldStart
        var line = 1
        var characters = Array(text.unicodeScalars)[...]
        func endField() {
            record.append(String(field))
            field = String.UnicodeScalarView()
            state = .fieldStart
        }
        func endRecord() {
            endField()
            records.append(record)
            record = []
            line += 1
        }
        while let character = characters.popFirst() {
            if character == "\r" && characters.first == "\n" && state != .quoted { continue }
            switch (state, character) {
            case (.quoted, "\""): state = .afterQuote
            case (.quoted, _):
                if character == "\n" { line += 1 }
                field.append(character)
            case (.afterQuote, "\""):
                field.append(character)
                state = .quoted
            case (.fieldStart, "\""): state = .quoted
            case (_, ","): endField()
            case (_, "\n"): endRecord()
            case (.afterQuote, _): throw Malformed(line: line, reason: "text after a closing quote")
            case (.unquoted, "\""): throw Malformed(line: line, reason: "a quote inside an unquoted field")
            case (.fieldStart, _), (.unquoted, _):
                field.append(character)
                state = .unquoted
            }
        }
        if state == .quoted { throw Malformed(line: line, reason: "a quoted field is not closed") }
        if state != .fieldStart || !record.isEmpty { endRecord() }
        return records
    }
}

extension CSV {
    /// One record of RFC 4180 CSV, CRLF-terminated: a field holding a comma, a quote or a line
    /// break is quoted (quotes doubled). A field a spreadsheet would run as a formula (`=`, `+`,
    /// `-`, `@`, a tab or a carriage return first) starts with an apostrophe instead, so that
    /// it is shown as text.
    public static func record(_ fields: [String]) -> String {
        fields.map { field in
            var field = field
            if let first = field.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
                field = "'" + field
            }
            guard field.unicodeScalars.contains(where: { [",", "\"", "\n", "\r"].contains($0) }) else { return field }
            return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
                + "\""
        }
        .joined(separator: ",") + "\r\n"
    }
}
