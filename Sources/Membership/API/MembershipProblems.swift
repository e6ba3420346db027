import HTTP
import Membership

/// Membership's errors as problem documents.
extension MembershipError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .conflict(let conflict, let detail):
            return .conflict(kind: conflict.rawValue, detail)
        case .refused(let refusal, let detail):
            return .forbidden(kind: refusal.rawValue, detail)
        }
    }
}
