import AccessControl
import Crypto
import Foundation
import HTTP

struct LoginBody: RequestBody {
    let email: String
    let password: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case email, password
    }
}

/// A new session with its secret, answered once.
struct SessionBody: Encodable {
    let id: String
    let token: String
    let expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case id, token
        case expiresAt = "expires_at"
    }

    init(_ session: IssuedSession) {
        id = session.id.lowercasedString
        token = session.secret
        expiresAt = session.expiresAt
    }
}

/// One of a person's sessions, without its secret.
struct SessionInfoBody: Encodable {
    let id: String
    let createdAt: Date
    let lastSeenAt: Date
    let expiresAt: Date
    let current: Bool

    enum CodingKeys: String, CodingKey {
        case id
        case createdAt = "created_at"
        case lastSeenAt = "last_seen_at"
        case expiresAt = "expires_at"
        case current
    }

    init(_ session: SessionInfo) {
        id = session.id.lowercasedString
        createdAt = session.createdAt
        lastSeenAt = session.lastSeenAt
        expiresAt = session.expiresAt
        current = session.current
    }
}
