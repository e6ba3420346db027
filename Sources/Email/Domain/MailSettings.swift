import Foundation
import Mail

/// How mail leaves: the SMTP server (none: messages wait in the outbox), who it is from, where
/// its links point and how long a message is retried.
public struct MailSettings: Sendable {
    public var smtp: SMTPSettings?
    public var from: Mailbox
    public var links: MailLinks
    /// The first wait after a transient failure; each next one doubles, up to `retryCapSeconds`.
    public var retryBaseSeconds: TimeInterval = 30
    public var retryCapSeconds: TimeInterval = 3600
    /// How long after it was queued a message is still tried; then it is marked failed.
    public var retryForSeconds: TimeInterval = 86_400
    /// How often the outbox is looked at for due messages.
    public var pollSeconds: TimeInterval = 2
    /// How often due digests are written.
    public var digestPollSeconds: TimeInterval = 300

    public init(smtp: SMTPSettings?, from: Mailbox, links: MailLinks) {
        self.smtp = smtp
        self.from = from
        self.links = links
    }
}

/// Where the links in messages point: the web client that serves the documented paths, and the
/// API (for the one-click unsubscribe, which a mail client posts to directly).
public struct MailLinks: Sendable, Equatable {
    public let web: String
    public let api: String

    public init(web: String, api: String) {
        self.web = web.hasSuffix("/") ? String(web.dropLast()) : web
        self.api = api.hasSuffix("/") ? String(api.dropLast()) : api
    }

    func web(_ path: String, _ query: [(String, String)] = []) -> String {
        Self.join(web + path, query)
    }
    func api(_ path: String, _ query: [(String, String)] = []) -> String {
        Self.join(api + path, query)
    }
    private static func join(_ url: String, _ query: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let pairs = query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        return pairs.isEmpty ? url : url + "?" + pairs.joined(separator: "&")
    }
}
