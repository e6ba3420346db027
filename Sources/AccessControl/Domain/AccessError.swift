/// Why an access-control operation was refused. The composition root maps each case to one
/// problem type; nothing here knows HTTP.
public enum AccessError: Error, Sendable, Equatable {
    /// No credentials, or credentials that are unknown, expired, revoked or whose account is suspended.
    case unauthenticated
    /// The token lacks the scope the operation needs.
    case insufficientScope(Scope)
    /// Visible, but the caller's role does not allow it; `reason` is the problem kind.
    case forbidden(reason: String, detail: String)
    /// Absent, or not visible to the caller.
    case notFound
    /// Values that break the rules, by field.
    case invalid([FieldIssue])
    /// A state that forbids the change (`kind` is the problem kind).
    case conflict(kind: String, detail: String)
    /// Wrong email or password (the same answer for both).
    case invalidCredentials
    /// Too many failed logins for this email and address; try again later.
    case throttled(retryAfterSeconds: Int)
    /// Every password-hashing slot is busy.
    case busy(retryAfterSeconds: Int)

    public struct FieldIssue: Sendable, Equatable {
        public var field: String
        public var message: String
        public init(_ field: String, _ message: String) {
            self.field = field
            self.message = message
        }
    }

    public static func invalid(_ field: String, _ message: String) -> AccessError {
        .invalid([FieldIssue(field, message)])
    }
}
