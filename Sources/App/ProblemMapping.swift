import AccessControl
import HTTP
import Postgres

/// Every error a handler can throw becomes one problem type, here and nowhere else.
enum ProblemMapping {
    /// nil for errors that are faults of ours (they become a logged, generic 500).
    static func problem(for error: any Error, retryAfter: Int) -> Problem? {
        switch error {
        case let convertible as any ProblemConvertible:
            return convertible.problem
        case let access as AccessError:
            return problem(for: access)
        case let database as PostgresError:
            return problem(for: database, retryAfter: retryAfter)
        default:
            return nil
        }
    }

    static func problem(for error: AccessError) -> Problem {
        switch error {
        case .unauthenticated:
            return Problem(
                kind: "unauthenticated", title: "Authentication required", status: 401,
                detail: "Send a valid session or API token as Authorization: Bearer <token>.",
                headers: ["WWW-Authenticate": "Bearer realm=\"praxis\""])
        case .insufficientScope(let scope):
            return Problem(
                kind: "insufficient-scope", title: "Insufficient scope", status: 403,
                detail: "This token lacks the \(scope.rawValue) scope.", extensions: ["required_scope": scope.rawValue],
                headers: [
                    "WWW-Authenticate":
                        "Bearer realm=\"praxis\", error=\"insufficient_scope\", scope=\"\(scope.rawValue)\""
                ])
        case .forbidden(let reason, let detail):
            return Problem(kind: reason, title: "Forbidden", status: 403, detail: detail)
        case .notFound:
            return .notFound()
        case .invalid(let issues):
            return .validation(issues.map { .init(field: $0.field, message: $0.message) })
        case .conflict(let kind, let detail):
            return .conflict(kind: kind, detail)
        case .invalidCredentials:
            return Problem(
                kind: "invalid-credentials", title: "Invalid credentials", status: 401,
                detail: "The email or the password is wrong.", headers: ["WWW-Authenticate": "Bearer realm=\"praxis\""])
        case .throttled(let seconds):
            return Problem(
                kind: "login-throttled", title: "Too many attempts", status: 429,
                detail: "Too many failed attempts; try again in \(seconds) seconds.",
                headers: ["Retry-After": String(seconds)])
        case .busy(let seconds):
            return Problem(
                kind: "busy", title: "Busy", status: 503, detail: "Too many logins at once; try again shortly.",
                headers: ["Retry-After": String(seconds)])
        }
    }

    static func problem(for error: PostgresError, retryAfter: Int) -> Problem? {
        switch error {
        case .unavailable, .poolExhausted, .timeout, .serializationFailure:
            return .unavailable(retryAfter: retryAfter)
        case .uniqueViolation:
            return .conflict("This would duplicate something that exists already.")
        case .foreignKeyViolation:
            return .validation(field: "", "refers to something that does not exist")
        case .invalidValue, .other:
            return nil
        }
    }
}
