import Foundation

/// Why a message cannot be written: a value would break out of its header.
public enum MailError: Error, Equatable {
    case invalidAddress(String)
    case invalidHeader(String)
}

/// A mailbox: an address and, if any, the name shown with it. A value that could end a header
/// line (CR, LF, NUL) is refused here, so that no user-supplied text can add a header.
public struct Mailbox: Sendable, Equatable {
    public let address: String
    public let displayName: String?

    public init(address: String, displayName: String? = nil) throws {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            address.unicodeScalars.allSatisfy({
                $0.isASCII && $0.value > 32 && $0.value < 127 && !"<>()[],;:\\\"".unicodeScalars.contains($0)
            })
        else { throw MailError.invalidAddress(address) }
        if let displayName { try MailMessage.checkHeaderValue(displayName) }
        self.address = address
        self.displayName = displayName?.isEmpty == true ? nil : displayName
    }

    /// `Name <address>`, the name quoted or, when it is not plain ASCII, encoded (RFC 2047).
    var header: String {
        guard let displayName else { return address }
        let plain = displayName.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value < 127 }
        let name =
            plain
            ? "\""
                + displayName.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
            : MailMessage.encodedWords(displayName)
        return "\(name) <\(address)>"
    }

    /// A mailbox as it is written in a setting: `address` or `Name <address>`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") else {
            try self.init(address: trimmed)
            return
        }
        let name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        try self.init(
            address: String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]),
            displayName: name.isEmpty ? nil : name)
    }
}

/// One message, text and HTML of the same words, written as RFC 5322 and MIME
/// (`multipart/alternative`, UTF-8, base64 parts).
public struct MailMessage: Sendable {
    public var from: Mailbox
    public var to: Mailbox
    public var subject: String
    public var text: String
    public var html: String
    /// The id without its angle brackets; the same on every attempt, so that a receiver can
    /// drop a copy sent twice.
    public var messageID: String
    public var date: Date
    /// Further headers, such as `List-Unsubscribe`, in order.
    public var headers: [(name: String, value: String)]

    public init(
        from: Mailbox, to: Mailbox, subject: String, text: String, html: String, messageID: String, date: Date,
        headers: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
        self.headers = headers
    }

    /// The message as it goes over SMTP, lines ended by CRLF.
    public func rendered() throws -> String {
        try Self.checkHeaderValue(subject)
        try Self.checkHeaderValue(messageID)
        for header in headers {
            try Self.checkHeaderValue(header.value)
            guard !header.name.isEmpty,
                header.name.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 && $0 != ":" })
            else { throw MailError.invalidHeader(header.name) }
        }
        let boundary = "=_" + messageID.filter { $0.isLetter || $0.isNumber }
        var lines = [
            "Date: \(Self.dateFormatter.string(from: date))",
            "From: \(from.header)",
            "To: \(to.header)",
            "Subject: \(Self.isPlain(subject) ? subject : Self.encodedWords(subject))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
        ]
        lines += headers.map { "\($0.name): \($0.value)" }
        lines += [
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            Self.base64Lines(text),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            Self.base64Lines(html),
            "--\(boundary)--",
            "",
        ]
        return lines.joined(separator: "\r\n")
    }

    static func checkHeaderValue(_ value: String) throws {
        guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            throw MailError.invalidHeader(value)
        }
    }

    static func isPlain(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value < 127 } && !value.contains("=?")
            && value.utf8.count <= 900
    }

    /// RFC 2047 encoded words (UTF-8, base64), each at most 75 characters and never splitting a
    /// character, folded onto continuation lines.
    static func encodedWords(_ value: String) -> String {
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for character in value {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    static func base64Lines(_ value: String) -> String {
        Data(value.utf8).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
    }

    static let dateFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter
    }()
}
