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

/// A password-reset token for an admin to pass on, answered once.
struct ResetBody: Encodable {
    let resetToken: String
    let expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case resetToken = "reset_token"
        case expiresAt = "expires_at"
    }

    init(_ reset: (secret: String, expiresAt: Date)) {
        resetToken = reset.secret
        expiresAt = reset.expiresAt
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
