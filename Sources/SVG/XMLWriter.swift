/// An XML document written element by element. Every attribute value and text node is escaped
/// here, so that text from people (a theme named `<script>&"`) is only ever text.
public struct XMLWriter {
    public private(set) var text = ""
    private var open: [String] = []

    public init() {}

    public static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            // Control characters other than tab and line breaks are not XML 1.0 characters.
            case let scalar where scalar.value < 0x20 && ![0x09, 0x0A, 0x0D].contains(scalar.value):
                escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    private static func attributes(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { " \($0.key)=\"\(escape($0.value))\"" }.joined()
    }

    /// Opens `name`; `close()` ends it.
    public mutating func start(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        text += "<\(name)\(Self.attributes(attributes))>"
        open.append(name)
    }

    public mutating func close() {
        text += "</\(open.removeLast())>"
    }

    /// An element with no children.
    public mutating func empty(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        text += "<\(name)\(Self.attributes(attributes))/>"
    }

    /// An element holding only `content`, escaped.
    public mutating func element(
        _ name: String, _ attributes: KeyValuePairs<String, String> = [:], text content: String
    ) {
        text += "<\(name)\(Self.attributes(attributes))>\(Self.escape(content))</\(name)>"
    }
}
