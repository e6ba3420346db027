/// Why a threads operation was refused. Each case is one problem type (rendered by the threads API).
public enum ThreadsError: Error, Sendable, Equatable {
    /// A state that forbids the change (409).
    case conflict(Conflict, detail: String)
    /// Visible, but not for this caller to do (403).
    case refused(Refusal, detail: String)

    public enum Conflict: String, Sendable, Equatable {
        case threadLocked = "thread-locked"
        case threadArchived = "thread-archived"
        case outcomeExists = "outcome-exists"
        case noOutcome = "no-outcome"
        case alreadyEndorsed = "already-endorsed"
        case ownPost = "own-post"
        case alreadyFlagged = "already-flagged"
        case postDeleted = "post-deleted"
        case alreadyHidden = "already-hidden"
        case notHidden = "not-hidden"
        case onlyStricter = "only-stricter"
        case notChathamHouse = "not-chatham-house"
        case alreadyDecided = "already-decided"
        case invalidTransition = "invalid-transition"
        case alreadySubscribed = "already-subscribed"
        case threadNotArchived = "thread-not-archived"
        case postHidden = "post-hidden"
    }

    public enum Refusal: String, Sendable, Equatable {
        case authorOnly = "author-only"
        case secondConvenorRequired = "second-convenor-required"
        case commercialInterest = "commercial-interest"
    }
}
