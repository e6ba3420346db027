import Foundation

/// The one form in which emails are compared: for uniqueness, sign-in, the login throttle,
/// invitations and the outbox. Addresses are ASCII (an internationalised domain is written in
/// its `xn--` form), as `Validation.email` requires at input; they compare regardless of ASCII
/// case, and are stored as typed.
public enum EmailAddress {
    /// Trimmed and in ASCII lower case; nil for text with anything but ASCII in it, which no
    /// account's address can be.
    public static func normalized(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        return String(decoding: trimmed.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
