/// Why a membership operation was refused. Each case is one problem type (rendered by the
/// membership API); the detail says why in words.
public enum MembershipError: Error, Sendable, Equatable {
    /// A state that forbids the change (409).
    case conflict(Conflict, detail: String)
    /// Visible, but not for this caller to do (403).
    case refused(Refusal, detail: String)

    public enum Conflict: String, Sendable, Equatable {
        case accountNotActive = "account-not-active"
        case alreadyAccepted = "already-accepted"
        case alreadyEndorsed = "already-endorsed"
        case alreadyInCircle = "already-in-circle"
        case alreadyMember = "already-member"
        case amendmentOutdated = "amendment-outdated"
        case applicationPending = "application-pending"
        case circleMeeting = "circle-meeting"
        case invalidTransition = "invalid-transition"
        case invitationExpired = "invitation-expired"
        case invitationPending = "invitation-pending"
        case lastCircleMember = "last-circle-member"
        case lastConvenor = "last-convenor"
        case membersNotEligible = "members-not-eligible"
        case membershipSuspended = "membership-suspended"
        case noNorms = "no-norms"
        case notAGuest = "not-a-guest"
        case notAParticipant = "not-a-participant"
        case notAdmissible = "not-admissible"
        case notCurrentVersion = "not-current-version"
        case notEligible = "not-eligible"
        case notEnoughAttendees = "not-enough-attendees"
        case ownAmendment = "own-amendment"
        case roleNotAdmitted = "role-not-admitted"
        case rulesFixed = "rules-fixed"
        case slugTaken = "slug-taken"
    }

    public enum Refusal: String, Sendable, Equatable {
        case applicantOnly = "applicant-only"
        case convenorRequired = "convenor-required"
        case invitationOnly = "invitation-only"
        case inviteeOnly = "invitee-only"
        case memberKindNotAdmitted = "member-kind-not-admitted"
        case selfOnly = "self-only"
    }
}
