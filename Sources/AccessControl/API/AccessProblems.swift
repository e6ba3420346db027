import APISupport
import AccessControl
import HTTP

/// Access control's errors as problem documents.
extension AccessError: ProblemConvertible {
    public var problem: Problem {
        switch self {
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
        case .refused(let refusal):
            return .forbidden(kind: refusal.rawValue, refusal.detail)
        case .notFound:
            return .notFound()
        case .invalid(let issues):
            return .validation(issues.map { .init(field: $0.field, message: $0.message) })
        case .conflict(let conflict, let detail):
            return .conflict(kind: conflict.rawValue, detail)
        case .invalidCredentials:
            return Problem(
                kind: "invalid-credentials", title: "Invalid credentials", status: 401,
                detail: "The email or the password is wrong.", headers: ["WWW-Authenticate": "Bearer realm=\"praxis\""])
        case .throttled(let seconds):
            return Problem(
                kind: "login-throttled", title: "Too many attempts", status: 429,
                detail: "Too many failed attempts; try again in \(seconds) \(seconds == 1 ? "second" : "seconds").",
                headers: ["Retry-After": String(seconds)])
        case .busy(let seconds):
            return Problem(
                kind: "busy", title: "Busy", status: 503, detail: "Too many logins at once; try again shortly.",
                headers: ["Retry-After": String(seconds)])
        }
    }
}
