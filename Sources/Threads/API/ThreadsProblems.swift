import HTTP
import Threads

/// Threads' errors as problem documents.
extension ThreadsError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .conflict(let conflict, let detail):
            return .conflict(kind: conflict.rawValue, detail)
        case .refused(let refusal, let detail):
            return .forbidden(kind: refusal.rawValue, detail)
        }
    }
}
