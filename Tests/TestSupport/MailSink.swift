import Foundation

/// One message as the SMTP server of the test command received it, decoded by Python's email
/// package (an independent reader of what Praxis wrote).
public struct SentMail: Sendable {
    public let mailFrom: String
    public let recipients: [String]
    public let tls: Bool
    public let authenticated: Bool
    public let subject: String
    public let headers: [[String]]
    public let text: String
    public let html: String
    public let raw: String

    public func header(_ name: String) -> String? {
        headers.first { $0[0].lowercased() == name.lowercased() }?[1]
    }
}

/// An aiosmtpd server the test command started (scripts/mail-sink.py): plain on loopback, or with
/// STARTTLS and AUTH required.
public struct MailSink: Sendable {
    public let port: Int
    public let directory: URL
    /// The CA that signed the server's certificate, and the credentials it asks for (TLS only).
    public let caFile: String?
    public let user: String?
    public let password: String?

    public init(port: Int, directory: URL, caFile: String?, user: String?, password: String?) {
        self.port = port
        self.directory = directory
        self.caFile = caFile
        self.user = user
        self.password = password
    }

    public static var plain: MailSink { sink("PRAXIS_TEST_SMTP") }
    public static var secure: MailSink { sink("PRAXIS_TEST_SMTP_TLS") }

    private static func sink(_ prefix: String) -> MailSink {
        let environment = ProcessInfo.processInfo.environment
        guard let port = environment["\(prefix)_PORT"].flatMap(Int.init), let directory = environment["\(prefix)_DIR"]
        else { fatalError("\(prefix)_PORT is not set: run the tests through scripts/test.sh, which starts aiosmtpd") }
        return MailSink(
            port: port, directory: URL(fileURLWithPath: directory), caFile: environment["\(prefix)_CA"],
            user: environment["\(prefix)_USER"], password: environment["\(prefix)_PASSWORD"])
    }

    /// `SMTP_URL` for this server.
    public var url: String {
        if let user, let password { return "smtp://\(user):\(password)@localhost:\(port)" }
        return "smtp://127.0.0.1:\(port)"
    }

    /// Every message received so far for `address`, oldest first.
    public func messages(to address: String) -> [SentMail] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.sorted().compactMap { name -> SentMail? in
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let recipients = object["rcpt_tos"] as? [String],
                recipients.contains(where: { $0.lowercased() == address.lowercased() })
            else { return nil }
            return SentMail(
                mailFrom: object["mail_from"] as? String ?? "", recipients: recipients,
                tls: object["tls"] as? Bool ?? false, authenticated: object["authenticated"] as? Bool ?? false,
                subject: object["subject"] as? String ?? "", headers: object["headers"] as? [[String]] ?? [],
                text: object["text"] as? String ?? "", html: object["html"] as? String ?? "",
                raw: object["raw"] as? String ?? "")
        }
    }

    /// Waits until `count` messages reached `address` (or the time is up) and returns them all.
    public func waitForMessages(to address: String, count: Int = 1, timeout: TimeInterval = 20) -> [SentMail] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let received = messages(to: address)
            if received.count >= count || Date() > deadline { return received }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}

/// The links of a message, as a person (or a web client) follows them.
public enum MailLink {
    /// The one-time token of an activation or reset link.
    public static func token(in text: String) -> String? {
        (text.firstMatch(of: /\/(?:activate|reset-password)\?token=(pra_[0-9A-Za-z]{43})/)?.output.1).map(String.init)
    }

    /// The value of `name` in the first link to `path`.
    public static func query(_ name: String, ofLinkTo path: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.contains("://") && line.contains(path + "?") {
            guard let url = URLComponents(string: line.trimmingCharacters(in: .whitespaces)) else { continue }
            if url.path.hasSuffix(path), let value = url.queryItems?.first(where: { $0.name == name })?.value {
                return value
            }
        }
        return nil
    }
}
