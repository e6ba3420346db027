/// What went wrong in the database, by kind. Descriptions stay generic: no SQL, no server text.
public enum PostgresError: Error, Sendable, CustomStringConvertible, Equatable {
    /// 23505; the constraint name lets a repository say which field clashed.
    case uniqueViolation(constraint: String?)
    /// 23503
    case foreignKeyViolation(constraint: String?)
    /// 23514, 23502, 22xxx: a value the schema refuses.
    case invalidValue(sqlState: String, constraint: String?)
    /// 40001, 40P01: the transaction may succeed if run again.
    case serializationFailure
    /// 57014: the statement timeout fired.
    case timeout
    /// The server cannot be reached or the connection broke; class 08, 57P01..57P03.
    case unavailable
    /// Every connection of the pool stayed busy for the acquire timeout.
    case poolExhausted
    /// Anything else, by SQLSTATE.
    case other(sqlState: String)

    static func from(sqlState: String, constraint: String?) -> PostgresError {
        switch sqlState {
        case "23505": return .uniqueViolation(constraint: constraint)
        case "23503": return .foreignKeyViolation(constraint: constraint)
        case "40001", "40P01": return .serializationFailure
        case "57014": return .timeout
        case "57P01", "57P02", "57P03": return .unavailable
        default:
            if sqlState.hasPrefix("08") { return .unavailable }
            if sqlState.hasPrefix("22") || sqlState.hasPrefix("23") {
                return .invalidValue(sqlState: sqlState, constraint: constraint)
            }
            return .other(sqlState: sqlState)
        }
    }

    public var description: String {
        switch self {
        case .uniqueViolation: return "unique constraint violated"
        case .foreignKeyViolation: return "foreign key constraint violated"
        case .invalidValue(let state, _): return "value refused by the schema (SQLSTATE \(state))"
        case .serializationFailure: return "serialization failure"
        case .timeout: return "statement timeout"
        case .unavailable: return "database unavailable"
        case .poolExhausted: return "no database connection free in time"
        case .other(let state): return "database error (SQLSTATE \(state))"
        }
    }
}

/// Connecting failed; `reason` is libpq's account (host, port, user, the server's refusal), for
/// the operator's log and the command line, never for an HTTP response.
public struct ConnectionFailure: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// What PostgreSQL said when it refused a statement, for an operator: its message, detail and
/// hint (`MESSAGE`, `DETAIL`, `HINT` of a `RAISE`, or the server's own).
public struct ServerRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let error: PostgresError
    public let message: String
    public var sqlState: String?
    public var detail: String?
    public var hint: String?

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += "; \(detail)" }
        if let hint { text += "; hint: \(hint)" }
        return text
    }
}
