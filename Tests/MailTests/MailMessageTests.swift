import Foundation
import Testing

@testable import Mail

@Suite struct MailMessageTests {
    func message(subject: String = "Hello", name: String? = "Ada") throws -> MailMessage {
        MailMessage(
            from: try Mailbox(address: "praxis@example.org", displayName: "Praxis"),
            to: try Mailbox(address: "ada@example.org", displayName: name), subject: subject, text: "Hi\n",
            html: "<p>Hi</p>", messageID: "0193-abc@example.org", date: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test func headersAreRFC5322() throws {
        let text = try message().rendered()
        let head = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(head.contains("Date: Fri, 15 Jan 2027 08:00:00 +0000"))
        #expect(head.contains("From: \"Praxis\" <praxis@example.org>"))
        #expect(head.contains("To: \"Ada\" <ada@example.org>"))
        #expect(head.contains("Message-ID: <0193-abc@example.org>"))
        #expect(head.contains("MIME-Version: 1.0"))
        #expect(text.contains("Content-Type: multipart/alternative;"))
        // No bare LF anywhere: every line ends CRLF.
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func nonASCIISubjectIsEncodedInWordsOfAtMost75Characters() throws {
        let subject = String(repeating: "Réunion à Genève — ", count: 6)
        let text = try message(subject: subject).rendered()
        let line = text.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }
        let words = line.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
            .map { $0.replacingOccurrences(of: "Subject: ", with: "").trimmingCharacters(in: .whitespaces) }
        #expect(words.count > 1)
        var decoded = Data()
        for word in words {
            #expect(word.count <= 75 && word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            decoded += Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))!
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject)
    }

    @Test func lineBreaksCannotReachAHeader() throws {
        #expect(throws: MailError.self) {
            try Mailbox(address: "ada@example.org", displayName: "Ada\r\nBcc: eve@example.org")
        }
        #expect(throws: MailError.self) { try Mailbox(address: "ada@example.org>\r\nBcc: eve@example.org") }
        #expect(throws: MailError.self) { try message(subject: "Hi\r\nBcc: eve@example.org").rendered() }
        var withHeader = try message()
        withHeader.headers = [("List-Unsubscribe", "<https://x>\nBcc: eve@example.org")]
        #expect(throws: MailError.self) { try withHeader.rendered() }
    }

    @Test func quotesInADisplayNameStayInside() throws {
        let text = try message(name: #"Ada "the" \ Lovelace"#).rendered()
        #expect(text.contains(#"To: "Ada \"the\" \\ Lovelace" <ada@example.org>"#))
    }

    @Test func settingParsesNameAndAddress() throws {
        let box = try Mailbox(parsing: "Praxis <noreply@example.org>")
        #expect(box.address == "noreply@example.org" && box.displayName == "Praxis")
        #expect(try Mailbox(parsing: "noreply@example.org").displayName == nil)
    }

    @Test func htmlEscapesEveryValueAndTextKeepsThem() {
        let body = MailBody([
            .paragraph("<script>alert(1)</script> & \"x\""), .link(label: "Go", url: "https://e.org/?a=1&b=\"2\""),
            .quote("line one\nline two"), .items(["<b>"]),
        ])
        #expect(!body.html.contains("<script>"))
        #expect(body.html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"))
        #expect(body.html.contains("href=\"https://e.org/?a=1&amp;b=&quot;2&quot;\""))
        #expect(body.html.contains("<li>&lt;b&gt;</li>"))
        #expect(body.text.contains("<script>alert(1)</script>"))
        #expect(body.text.contains("> line one\n> line two"))
        #expect(body.text.contains("Go:\nhttps://e.org/?a=1&b=\"2\""))
    }

    @Test func settingsTellTLSRules() throws {
        #expect(try SMTPSettings(url: "smtp://127.0.0.1:2525").requiresTLS == false)
        #expect(try SMTPSettings(url: "smtp://mail.example.org:587").requiresTLS)
        #expect(try SMTPSettings(url: "smtps://u:secret@mail.example.org:465").server == "smtps://mail.example.org:465")
        #expect(throws: SMTPSettingsError.self) { try SMTPSettings(url: "http://mail.example.org") }
    }
}
