/// Why a needs operation was refused. Each case is one problem type (rendered by the needs API).
public enum NeedsError: Error, Sendable, Equatable {
    /// A state that forbids the change (409).
    case conflict(Conflict, detail: String)
    /// Visible, but not for this caller to do (403).
    case refused(Refusal, detail: String)

    public enum Conflict: String, Sendable, Equatable {
        case alreadyCosigned = "already-cosigned"
        case ownNeed = "own-need"
        case themeNameTaken = "theme-name-taken"
        case themeNotActive = "theme-not-active"
        case invalidTransition = "invalid-transition"
        case questionsLocked = "questions-locked"
        case surveyClosed = "survey-closed"
        case surveyOpen = "survey-open"
        case alreadyCoded = "already-coded"
    }

    public enum Refusal: String, Sendable, Equatable {
        case authorOnly = "author-only"
        case selfOnly = "self-only"
    }
}
