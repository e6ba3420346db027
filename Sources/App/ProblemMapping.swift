import HTTP
import Postgres

/// Every error a handler can throw becomes one problem type, here and nowhere else.
enum ProblemMapping {
    /// nil for errors that are faults of ours (they become a logged, generic 500).
    static func problem(for error: any Error, retryAfter: Int) -> Problem? {
        switch error {
        case let convertible as any ProblemConvertible:
            return convertible.problem
        case let database as PostgresError:
            return problem(for: database, retryAfter: retryAfter)
        default:
            return nil
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
