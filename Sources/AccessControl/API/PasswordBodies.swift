import Foundation
import HTTP

/// An activation or reset token redeemed with the password it sets.
struct RedeemBody: RequestBody {
    let token: String
    let password: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case token, password
    }
}

/// A reset on its way to the person's address: the admin who asked never holds the token.
struct ResetQueuedBody: Encodable {
    let expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case expiresAt = "expires_at"
    }
}

struct PasswordChangeBody: RequestBody {
    let currentPassword: String
    let newPassword: String

    enum CodingKeys: String, CodingKey, CaseIterable {
        case currentPassword = "current_password"
        case newPassword = "new_password"
    }
}
