/// Why an access-control operation was refused. The composition root maps each case to one
/// problem type; nothing here knows HTTP.
public enum AccessError: Error, Sendable, Equatable {
    /// No credentials, or credentials that are unknown, expired, revoked or whose account is suspended.
    case unauthenticated
    /// The token lacks the scope the operation needs.
    case insufficientScope(Scope)
    /// Visible, but the caller's role or rights do not allow it.
    case refused(Refusal)
    /// Absent, or not visible to the caller.
    case notFound
    /// Values that break the rules, by field.
    case invalid([FieldIssue])
    /// A state that forbids the change; the detail says which, in words.
    case conflict(Conflict, detail: String)
    /// Wrong email or password (the same answer for both).
    case invalidCredentials
    /// Too many failed logins for this email and address; try again later.
    case throttled(retryAfterSeconds: Int)
    /// Every password-hashing slot is busy.
    case busy(retryAfterSeconds: Int)

    /// Why the policy refused an action the caller can see.
    public enum Refusal: String, Sendable, Equatable {
        case adminRequired = "admin-required"
        case cannotCreateCommunities = "cannot-create-communities"
        case sessionRequired = "session-required"
        case convenorRequired = "convenor-required"
        case observerReadOnly = "observer-read-only"
        case membersOnly = "members-only"
        case normsNotAccepted = "norms-not-accepted"
        case ownTokensOnly = "own-tokens-only"

        public var detail: String {
            switch self {
            case .adminRequired: return "Only platform admins may do this."
            case .cannotCreateCommunities: return "Ask a platform admin for the right to create communities."
            case .sessionRequired: return "Sign in with a password for this; API tokens cannot do it."
            case .convenorRequired: return "Only the community's convenors may do this."
            case .observerReadOnly: return "Observers read; they do not write."
            case .membersOnly: return "Only members take part in the norms."
            case .normsNotAccepted: return "Accept the community's current norms before writing here."
            case .ownTokensOnly:
                return "A token's secret is shown only to the person it acts as: they create or rotate it themselves."
            }
        }
    }

    /// The states that forbid a change, each its own problem type.
    public enum Conflict: String, Sendable, Equatable {
        case accountNotActive = "account-not-active"
        case alreadyErased = "already-erased"
        case alreadyRevoked = "already-revoked"
        case alreadyRotated = "already-rotated"
        case cannotDemoteSelf = "cannot-demote-self"
        case cannotEraseSelf = "cannot-erase-self"
        case cannotSuspendSelf = "cannot-suspend-self"
        case emailTaken = "email-taken"
        case invalidTransition = "invalid-transition"
        case lastConvenor = "last-convenor"
        case notASession = "not-a-session"
        case tokenNotLive = "token-not-live"
    }

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
