/// The words of a message as blocks, written once and rendered twice: as plain text and as
/// HTML, where every value is escaped.
public enum MailBlock: Sendable, Equatable {
    case paragraph(String)
    /// A link the reader follows, shown as a button in HTML and as the bare URL in text.
    case link(label: String, url: String)
    /// Someone else's words (a community's norms), set apart.
    case quote(String)
    case items([String])
}

public struct MailBody: Sendable, Equatable {
    public var blocks: [MailBlock]

    public init(_ blocks: [MailBlock]) {
        self.blocks = blocks
    }

    public var text: String {
        blocks.map { block in
            switch block {
            case .paragraph(let words): words
            case .link(let label, let url): "\(label):\n\(url)"
            case .quote(let words):
                words.split(separator: "\n", omittingEmptySubsequences: false).map { "> \($0)" }
                    .joined(separator: "\n")
            case .items(let items): items.map { "- \($0)" }.joined(separator: "\n")
            }
        }.joined(separator: "\n\n") + "\n"
    }

    public var html: String {
        let body = blocks.map { block in
            switch block {
            case .paragraph(let words): "<p>\(Self.escaped(words, lineBreaks: true))</p>"
            case .link(let label, let url):
                "<p><a href=\"\(Self.escaped(url))\" style=\"display:inline-block;padding:8px 16px;"
                    + "background:#1f4e79;color:#ffffff;text-decoration:none;border-radius:4px\">"
                    + "\(Self.escaped(label))</a></p>"
                    + "<p style=\"font-size:small\">\(Self.escaped(url))</p>"
            case .quote(let words):
                "<blockquote style=\"border-left:3px solid #cccccc;margin:0;padding-left:12px\">"
                    + "\(Self.escaped(words, lineBreaks: true))</blockquote>"
            case .items(let items): "<ul>" + items.map { "<li>\(Self.escaped($0))</li>" }.joined() + "</ul>"
            }
        }.joined(separator: "\n")
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>"
            + "<body style=\"font-family:sans-serif;line-height:1.5\">\n\(body)\n</body></html>\n"
    }

    /// Text as HTML character data or an attribute value.
    public static func escaped(_ text: String, lineBreaks: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n" where lineBreaks: out += "<br>\n"
            default: out.append(character)
            }
        }
        return out
    }
}
